//! Bulk load of Neptune CSV: air-routes as shipped, every typed column form,
//! both dialects, and bad lines reported as `file:line: reason`.

use std::path::{Path, PathBuf};

use plexus::load::{csv_files, load, CsvFormat, LoadOptions};
use plexus::{Database, Params, Value};

fn no_progress(_: u64, _: u64) {}

fn rows(db: &Database, query: &str) -> Vec<Vec<Value>> {
    db.execute(query, &Params::new()).and_then(|r| r.collect_rows()).expect("query runs")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Data rows of a CSV file, counted with the csv crate (quoted newlines included).
fn data_rows(path: &Path) -> u64 {
    csv::Reader::from_path(path).unwrap().records().count() as u64
}

#[test]
fn air_routes_loads_as_shipped() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/air-routes");
    let files = csv_files(std::slice::from_ref(&dir)).unwrap();
    assert_eq!(files.len(), 2);
    let (graph, report) = load(&files, CsvFormat::Gremlin, LoadOptions::default(), &no_progress).unwrap();
    assert_eq!(report.nodes, data_rows(&dir.join("air-routes-latest-nodes.csv")));
    assert_eq!(report.relationships, data_rows(&dir.join("air-routes-latest-edges.csv")));
    assert_eq!(report.bad_lines, 0);
    let db = Database::from_graph(graph);
    let austin = rows(&db, "MATCH (a:airport {code: 'AUS'}) RETURN a.city, a.runways, a.lat");
    assert_eq!(austin[0][0], Value::from("Austin"));
    assert!(matches!(austin[0][1], Value::Integer(_)), "runways:int is an integer: {:?}", austin[0][1]);
    assert!(matches!(austin[0][2], Value::Float(_)), "lat:double is a float: {:?}", austin[0][2]);
    let dist = rows(&db, "MATCH (:airport {code: 'AUS'})-[r:route]->(:airport {code: 'DFW'}) RETURN r.dist");
    assert!(matches!(dist[0][0], Value::Integer(d) if d > 100 && d < 300), "{dist:?}");
}

#[test]
fn gremlin_csv_types_arrays_labels_and_repeated_vertices() {
    let tmp = tempfile::tempdir().unwrap();
    let v = write(
        tmp.path(),
        "v.csv",
        "~id,~label,name:String,age:Int,score:Double,ok:Bool,born:Date,tags:String[],nick:String(single)\n\
         a,person;employee,Ada,36,1.5,true,1815-12-10,x;y\\;z,ada\n\
         b,,\"Bob, Jr.\",,,,,,\n\
         a,admin,,,,,,,countess\n",
    );
    let e = write(tmp.path(), "e.csv", "~id,~from,~to,~label,since:Long\ne1,a,b,knows,1999\ne2,b,a,knows,\n");
    let (graph, report) = load(&[v, e], CsvFormat::Gremlin, LoadOptions::default(), &no_progress).unwrap();
    assert_eq!((report.nodes, report.relationships), (2, 2));
    let db = Database::from_graph(graph);
    let a = rows(&db, "MATCH (a {name: 'Ada'}) RETURN labels(a), a.age, a.score, a.ok, a.born, a.tags, a.nick");
    let Value::List(mut labels) = a[0][0].clone() else { panic!("labels are a list") };
    labels.sort_by_key(|l| l.to_string());
    assert_eq!(labels, vec![Value::from("admin"), Value::from("employee"), Value::from("person")]);
    assert_eq!(a[0][1..4], [Value::Integer(36), Value::Float(1.5), Value::Boolean(true)]);
    assert_eq!(rows(&db, "RETURN date('1815-12-10') AS d")[0][0], a[0][4]);
    assert_eq!(a[0][5], Value::List(vec![Value::from("x"), Value::from("y;z")]));
    assert_eq!(a[0][6], Value::from("countess"), "a later line for the same vertex sets properties");
    let b = rows(&db, "MATCH (b:vertex) RETURN b.name, keys(b)");
    assert_eq!(b, vec![vec![Value::from("Bob, Jr."), Value::List(vec![Value::from("name")])]]);
    let knows = rows(&db, "MATCH (x)-[r:knows]->(y) RETURN x.name, r.since, y.name ORDER BY x.name");
    assert_eq!(knows[0], vec![Value::from("Ada"), Value::Integer(1999), Value::from("Bob, Jr.")]);
    assert_eq!(knows[1][1], Value::Null);
}

#[test]
fn opencypher_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let n = write(
        tmp.path(),
        "n.csv",
        ":ID,:LABEL,name:String,weights:Double[]\n1,City,Oslo,1.5;2\n2,City;Capital,Bergen,\n",
    );
    let r = write(tmp.path(), "r.csv", ":ID,:START_ID,:END_ID,:TYPE,km:Int\nr1,1,2,ROAD,463\n");
    let (graph, _) = load(&[n, r], CsvFormat::OpenCypher, LoadOptions::default(), &no_progress).unwrap();
    let db = Database::from_graph(graph);
    let got = rows(&db, "MATCH (a:City)-[r:ROAD]->(b:Capital) RETURN a.name, a.weights, r.km, b.name");
    assert_eq!(
        got,
        vec![vec![
            Value::from("Oslo"),
            Value::List(vec![Value::Float(1.5), Value::Float(2.0)]),
            Value::Integer(463),
            Value::from("Bergen")
        ]]
    );
}

#[test]
fn bad_lines_name_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let v = write(tmp.path(), "v.csv", "~id,~label,age:Int\na,p,1\nb,p,old\nc,p,3\n");
    let e = write(tmp.path(), "e.csv", "~id,~from,~to,~label\ne1,a,c,r\ne2,a,zz,r\ne3,c,a,r;s\n");
    let files = vec![v.clone(), e.clone()];
    let err = load(&files, CsvFormat::Gremlin, LoadOptions::default(), &no_progress).unwrap_err();
    assert_eq!(err.detail, "BadCsv");
    assert!(err.message.starts_with(&format!("{}:3: age: `old` is not an integer", v.display())), "{}", err.message);

    let options = LoadOptions { fail_on_error: false, max_errors: 10 };
    let (graph, report) = load(&files, CsvFormat::Gremlin, options, &no_progress).unwrap();
    assert_eq!((report.nodes, report.relationships, report.bad_lines), (2, 1, 3));
    assert!(report.errors[1].starts_with(&format!("{}:3:", e.display())), "{:?}", report.errors);
    assert!(report.errors[1].contains("vertex `zz`"), "{:?}", report.errors);
    assert!(report.errors[2].contains("exactly one label"), "{:?}", report.errors);
    assert_eq!(graph.snapshot().rel_count(), 1);

    let bad_header = write(tmp.path(), "h.csv", "~id,age:Integer64\n");
    let err =
        load(std::slice::from_ref(&bad_header), CsvFormat::Gremlin, LoadOptions::default(), &no_progress).unwrap_err();
    assert!(err.message.starts_with(&format!("{}:1: unknown type", bad_header.display())), "{}", err.message);
    let ragged = write(tmp.path(), "r.csv", "~id,~label\na,p,extra\n");
    let err = load(&[ragged], CsvFormat::Gremlin, LoadOptions::default(), &no_progress).unwrap_err();
    assert!(err.message.contains(":2: 3 fields but the header has 2"), "{}", err.message);
    assert!(csv_files(&[tmp.path().join("missing")]).is_err());
}

#[test]
fn a_generated_kronecker_graph_loads_with_every_edge() {
    use plexus::load::kronecker::{write_csv, KroneckerSpec};
    let tmp = tempfile::tempdir().unwrap();
    let spec = KroneckerSpec { scale: 9, edge_factor: 8, seed: 3 };
    let (vertices, edges) = write_csv(spec, tmp.path()).unwrap();
    let (graph, report) = load(&[vertices, edges], CsvFormat::Gremlin, LoadOptions::default(), &no_progress).unwrap();
    assert_eq!((report.nodes, report.relationships), (512, 8 * 512));
    let db = Database::from_graph(graph);
    let degrees = rows(&db, "MATCH (n:Node)-[:LINK]->() WITH n, count(*) AS d RETURN max(d), sum(d)");
    assert_eq!(degrees[0][1], Value::Integer(8 * 512));
    assert!(matches!(degrees[0][0], Value::Integer(m) if m > 8 * 5), "skewed degrees: {degrees:?}");
}

fn ldbc(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data").join(dir)
}

fn mapping(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/ldbc").join(name)
}

/// Data rows of an LDBC file (`|`-separated, header line included unless `headerless`).
fn ldbc_rows(path: &Path, headerless: bool) -> u64 {
    csv::ReaderBuilder::new().delimiter(b'|').has_headers(!headerless).from_path(path).unwrap().records().count() as u64
}

#[test]
fn ldbc_mini_loads_completely_through_its_mapping() {
    let (sources, missing) = plexus::load::mapping::sources(&mapping("mini.toml"), &ldbc("ldbc-snb-mini")).unwrap();
    assert!(missing.is_empty());
    let (graph, report) = plexus::load::load_sources(&sources, LoadOptions::default(), &no_progress).unwrap();
    assert_eq!(report.bad_lines, 0);
    let db = Database::from_graph(graph);
    let persons = ldbc_rows(&ldbc("ldbc-snb-mini/dynamic/person_0_0.csv"), false);
    assert_eq!(rows(&db, "MATCH (p:Person) RETURN count(p)")[0][0], Value::Integer(persons as i64));
    let knows = ldbc_rows(&ldbc("ldbc-snb-mini/dynamic/person_knows_person_0_0.csv"), false);
    assert_eq!(rows(&db, "MATCH (:Person)-[k:knows]->(:Person) RETURN count(k)")[0][0], Value::Integer(knows as i64));
    // Typed columns from the mapping's header: integer ids and dates, list-valued languages.
    let p = rows(&db, "MATCH (p:Person) RETURN p.id, p.birthday, p.language LIMIT 1");
    assert!(matches!(p[0][0], Value::Integer(_)) && matches!(p[0][1], Value::Integer(_)), "{p:?}");
    assert!(matches!(p[0][2], Value::List(_)), "{p:?}");
    let cities = rows(&db, "MATCH (c:Place:city) RETURN count(c) > 0");
    assert_eq!(cities[0][0], Value::Boolean(true));
}

#[test]
fn ldbc_sf01_loads_what_is_there_and_reports_the_rest() {
    let (sources, missing) = plexus::load::mapping::sources(&mapping("sf01.toml"), &ldbc("ldbc-sf01")).unwrap();
    assert_eq!(missing.len(), 3, "Comment.csv, Post.csv and Forum_hasMember_Person.csv: {missing:?}");
    let strict = plexus::load::load_sources(&sources, LoadOptions::default(), &no_progress).unwrap_err();
    assert!(strict.message.contains("which no vertex file defines"), "{}", strict.message);
    let options = LoadOptions { fail_on_error: false, max_errors: 5 };
    let (graph, report) = plexus::load::load_sources(&sources, options, &no_progress).unwrap();
    assert_eq!(report.errors.len(), 5);
    let file = |name: &str| report.per_file.iter().find(|f| f.path.ends_with(name)).unwrap().clone();
    let knows = file("Person_knows_Person.csv").rows + file("Person_knows_Person_1.csv").rows;
    assert_eq!(
        knows,
        ldbc_rows(&ldbc("ldbc-sf01/Person_knows_Person.csv"), false)
            + ldbc_rows(&ldbc("ldbc-sf01/Person_knows_Person_1.csv"), false)
    );
    // Every edge naming a comment is reported, none silently dropped or loaded.
    let creator = file("Comment_hasCreator_Person_1.csv");
    assert_eq!(
        (creator.rows, creator.bad_lines),
        (0, ldbc_rows(&ldbc("ldbc-sf01/Comment_hasCreator_Person_1.csv"), true))
    );
    let loaded: u64 = report.per_file.iter().map(|f| f.rows).sum();
    assert_eq!(loaded, report.nodes + report.relationships);
    let db = Database::from_graph(graph);
    let people = rows(&db, "MATCH (p:Person) RETURN count(p)");
    assert_eq!(people[0][0], Value::Integer(ldbc_rows(&ldbc("ldbc-sf01/Person.csv"), false) as i64));
}
