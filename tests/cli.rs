//! End-to-end tests of the `plexus` binary: `plexus query` in each output
//! format, error reporting, `plexus shell` driven through a pipe, data that
//! stays in the data directory, snapshots and restore.

use std::path::Path;
use std::process::Output;

use serde_json::{json, Value as Json};

/// Run `plexus ARGS` with `stdin` piped in, in a new empty directory (so the
/// default data directory `./plexus-data` starts empty).
fn plexus(args: &[&str], stdin: &str) -> Output {
    let cwd = tempfile::tempdir().expect("a temporary directory");
    plexus_in(cwd.path(), args, stdin)
}

#[path = "common/binary.rs"]
mod binary;

use binary::plexus_in;

/// Run `plexus ARGS` in `cwd`, expect success, return stdout.
fn ok_in(cwd: &Path, args: &[&str], stdin: &str) -> String {
    let out = plexus_in(cwd, args, stdin);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    stdout(&out)
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(out: &Output) -> String {
    String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8")
}

/// Run `plexus query -e QUERY --format json EXTRA...`, expect success, parse
/// each stdout line as one statement's JSON array.
fn query_json(query: &str, extra: &[&str]) -> Vec<Json> {
    let mut args = vec!["query", "-e", query, "--format", "json"];
    args.extend_from_slice(extra);
    let out = plexus(&args, "");
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    stdout(&out).lines().map(|line| serde_json::from_str(line).expect("each line is JSON")).collect()
}

#[test]
fn query_json_has_one_record_per_row() {
    let arrays = query_json("UNWIND [1,2,3] AS x RETURN x, x * 2 AS y", &[]);
    assert_eq!(arrays, vec![json!([{"x": 1, "y": 2}, {"x": 2, "y": 4}, {"x": 3, "y": 6}])]);
}

#[test]
fn query_json_prints_one_array_per_statement() {
    let arrays = query_json("RETURN 'a;b' AS s; UNWIND [1,2,3] AS x RETURN x, x * 2 AS y;", &[]);
    assert_eq!(arrays.len(), 2);
    assert_eq!(arrays[0], json!([{"s": "a;b"}]));
    assert_eq!(arrays[1].as_array().map(Vec::len), Some(3));
}

#[test]
fn query_json_reports_writes_on_stderr_only() {
    let out = plexus(&["query", "-e", "CREATE (n:P {name:'x'}) RETURN n.name", "--format", "json"], "");
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let parsed: Json = serde_json::from_str(stdout(&out).trim()).expect("stdout is JSON");
    assert_eq!(parsed, json!([{"n.name": "x"}]));
    assert!(stderr(&out).contains("1 row in"), "stderr: {}", stderr(&out));
    assert!(stderr(&out).contains("Created 1 node"), "stderr: {}", stderr(&out));
}

#[test]
fn query_params_are_cypher_expressions() {
    let arrays = query_json("RETURN $x AS x, $s AS s", &["--param", "x=42", "--param", "s='hi'"]);
    assert_eq!(arrays, vec![json!([{"x": 42, "s": "hi"}])]);
}

#[test]
fn query_csv_has_header_then_rows_and_nothing_else() {
    let out = plexus(&["query", "-e", "UNWIND [1,2,3] AS x RETURN x, x * 2 AS y", "--format", "csv"], "");
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "x,y\n1,2\n2,4\n3,6\n");
    let out = plexus(&["query", "-e", "RETURN 'a;b' AS s", "--format", "csv"], "");
    assert_eq!(stdout(&out), "s\na;b\n");
}

#[test]
fn query_table_is_aligned_with_a_summary() {
    let out = plexus(&["query", "-e", "UNWIND [1,2,3] AS x RETURN x, x * 2 AS y"], "");
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("| x | y |"), "{text}");
    assert!(text.contains("| 3 | 6 |"), "{text}");
    assert!(text.contains("3 rows in "), "{text}");
    let out = plexus(&["query", "-e", "RETURN 'a;b' AS s"], "");
    assert!(stdout(&out).contains("| 'a;b' |"), "{}", stdout(&out));
    assert!(stdout(&out).contains("1 row in "), "{}", stdout(&out));
}

#[test]
fn query_reads_a_script_from_stdin() {
    let out = plexus(&["query", "-f", "-", "--format", "csv"], "RETURN 1 AS a;\n// done\n");
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    assert_eq!(stdout(&out), "a\n1\n");
}

#[test]
fn query_error_exits_1_with_code_and_caret() {
    let out = plexus(&["query", "-e", "RETURN 1 +", "--format", "json"], "");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(err.contains("SyntaxError."), "{err}");
    assert!(err.contains("  RETURN 1 +\n"), "{err}");
    assert!(err.lines().any(|l| l.trim() == "^"), "{err}");
}

#[test]
fn query_stops_at_the_first_error() {
    let out = plexus(&["query", "-e", "RETURN 1 AS a; RETURN 1 +; RETURN 2 AS b", "--format", "csv"], "");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "a\n1\n");
}

#[test]
fn shell_runs_piped_statements_and_params() {
    let script = "RETURN 'a;b' AS s; UNWIND [1,2,3] AS x\n\
                  RETURN x, x * 2 AS y;\n\
                  :param x => 42\n\
                  :param s => 'hi'\n\
                  :params\n\
                  RETURN $x AS x, $s AS s;\n\
                  :quit\n\
                  RETURN 1 +;\n";
    let out = plexus(&["shell"], script);
    assert!(out.status.success(), "stderr: {}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("| 'a;b' |"), "{text}");
    assert!(text.contains("| 3 | 6 |"), "{text}");
    assert!(text.contains("3 rows in "), "{text}");
    assert!(text.contains(":param x => 42"), "{text}");
    assert!(text.contains("| 42 | 'hi' |"), "{text}");
    assert!(stderr(&out).contains("data directory plexus-data"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("SyntaxError"), "ran past :quit: {}", stderr(&out));
}

#[test]
fn shell_reports_errors_with_a_caret_and_goes_on() {
    let out = plexus(&["shell"], "RETURN 1 +;\n:nonsense\nRETURN 'a;b' AS s");
    let err = stderr(&out);
    assert!(err.contains("SyntaxError."), "{err}");
    assert!(err.contains("  RETURN 1 +\n"), "{err}");
    assert!(err.contains("unknown command :nonsense"), "{err}");
    // The last statement lacks its `;` but runs at end of input.
    assert!(stdout(&out).contains("| 'a;b' |"), "{}", stdout(&out));
    assert_eq!(out.status.code(), Some(1), "a piped script with errors fails");
}

#[test]
fn data_stays_in_the_data_directory_across_runs() {
    let cwd = tempfile::tempdir().unwrap();
    let run = |args: &[&str], stdin: &str| ok_in(cwd.path(), args, stdin);
    run(&["query", "-e", "CREATE (:P {name: 'a'})"], "");
    run(&["shell"], "CREATE (:P {name: 'b'});\n");
    run(&["query", "--data-dir", "other", "-e", "CREATE (:Q)"], "");
    assert_eq!(
        run(&["query", "-e", "MATCH (p:P) RETURN p.name ORDER BY p.name", "--format", "csv"], ""),
        "p.name\na\nb\n"
    );
    assert_eq!(
        run(&["query", "--data-dir", "other", "-e", "MATCH (n) RETURN count(n) AS n", "--format", "csv"], ""),
        "n\n1\n"
    );
    assert_eq!(run(&["query", "--in-memory", "-e", "MATCH (n) RETURN count(n) AS n", "--format", "csv"], ""), "n\n0\n");
    assert!(cwd.path().join("plexus-data/wal").is_dir());
}

#[test]
fn snapshot_then_restore_to_a_commit_or_a_time() {
    let cwd = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| ok_in(cwd.path(), args, "");
    run(&["query", "-e", "CREATE (:P {v: 1})"]);
    let created = run(&["snapshot", "create", "--name", "one"]);
    let location = created.lines().last().expect("the location is the last line").to_string();
    assert!(Path::new(&location).join("manifest.json").is_file(), "{location}");
    run(&["query", "-e", "CREATE (:P {v: 2}); CREATE (:P {v: 3})"]);
    let listed = run(&["snapshot", "list"]);
    assert!(listed.contains("one") && listed.contains(&location), "{listed}");

    let count =
        |dir: &str| run(&["query", "--data-dir", dir, "-e", "MATCH (p:P) RETURN sum(p.v) AS s", "--format", "csv"]);
    run(&["restore", "--from", &location, "--data-dir", "at-snapshot"]);
    assert_eq!(count("at-snapshot"), "s\n1\n");
    run(&["restore", "--from", &location, "--data-dir", "at-2", "--to-seq", "2"]);
    assert_eq!(count("at-2"), "s\n3\n");
    run(&["restore", "--from", &location, "--data-dir", "latest", "--to-latest"]);
    assert_eq!(count("latest"), "s\n6\n");
    run(&["restore", "--from", &location, "--data-dir", "by-time", "--to-time", "2999-01-01T00:00:00Z"]);
    assert_eq!(count("by-time"), "s\n6\n");

    let out = plexus_in(cwd.path(), &["restore", "--from", &location, "--data-dir", "bad", "--to-seq", "99"], "");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("WalEndsEarly"), "{}", stderr(&out));
    let out = plexus_in(cwd.path(), &["restore", "--from", &location, "--data-dir", "bad", "--to-time", "noon"], "");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("RFC 3339"), "{}", stderr(&out));
}

#[test]
fn export_then_import_keeps_the_graph_in_every_format() {
    let cwd = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| ok_in(cwd.path(), args, "");
    run(&["query", "-e", "CREATE (:P {name: 'a', born: date('2001-02-03')})-[:KNOWS {w: 0.5}]->(:P:Q {name: 'b'})"]);
    run(&["export", "--format", "graphson", "graph.json"]);
    let imported = run(&["import", "--data-dir", "copy", "--format", "graphson", "graph.json"]);
    assert!(imported.contains("imported 2 nodes and 1 relationships"), "{imported}");
    let query = "MATCH (a)-[r:KNOWS]->(b) RETURN a.name, a.born, r.w, labels(b), b.name";
    let original = run(&["query", "-e", query, "--format", "csv"]);
    assert_eq!(run(&["query", "--data-dir", "copy", "-e", query, "--format", "csv"]), original);
    assert!(original.contains("2001-02-03"), "{original}");
    for format in ["parquet", "arrow"] {
        run(&["export", "--format", format, &format!("{format}-out")]);
        run(&["import", "--data-dir", &format!("{format}-copy"), "--format", format, &format!("{format}-out")]);
        let copy = run(&["query", "--data-dir", &format!("{format}-copy"), "-e", query, "--format", "csv"]);
        assert_eq!(copy, original, "{format}");
    }
    // Importing into a directory that holds data is refused.
    let out = plexus_in(cwd.path(), &["import", "--data-dir", "copy", "--format", "graphson", "graph.json"], "");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("TargetNotEmpty"), "{}", stderr(&out));
}

#[test]
fn load_bulk_loads_neptune_csv_durably() {
    let cwd = tempfile::tempdir().unwrap();
    let air = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/air-routes");
    let air = air.to_str().unwrap();
    let out = plexus_in(cwd.path(), &["load", "--data-dir", "air", "--format", "gremlin-csv", air], "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("from 2 files"), "{}", stdout(&out));
    let out = plexus_in(
        cwd.path(),
        &[
            "query",
            "--data-dir",
            "air",
            "-e",
            "MATCH (:airport)-[r:route]->(:airport) RETURN count(r) > 0 AS ok",
            "--format",
            "csv",
        ],
        "",
    );
    assert_eq!(stdout(&out), "ok\ntrue\n", "{}", stderr(&out));

    std::fs::write(cwd.path().join("bad.csv"), "~id,~label,age:Int\na,p,x\n").unwrap();
    let out = plexus_in(cwd.path(), &["load", "--data-dir", "bad", "--format", "gremlin-csv", "bad.csv"], "");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("bad.csv:2: age: `x` is not an integer"), "{}", stderr(&out));
    let out = plexus_in(cwd.path(), &["load", "--data-dir", "air", "--format", "gremlin-csv", air], "");
    assert!(!out.status.success(), "loading into a directory with data is refused");
}

#[test]
fn users_are_added_listed_and_removed_and_auth_needs_them() {
    let cwd = tempfile::tempdir().unwrap();
    let out = plexus_in(cwd.path(), &["serve", "--auth", "--bolt-port", "0", "--http-port", "0"], "");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--auth needs users"), "{}", stderr(&out));
    let out = plexus_in(cwd.path(), &["user", "add", "ada"], "s3cret\n");
    assert!(out.status.success(), "{}", stderr(&out));
    let out = plexus_in(cwd.path(), &["user", "add", "bob", "--password", "pw"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let users = std::fs::read_to_string(cwd.path().join("plexus-data/users.toml")).unwrap();
    assert!(users.contains("$argon2id$") && !users.contains("s3cret"), "{users}");
    assert_eq!(stdout(&plexus_in(cwd.path(), &["user", "list"], "")), "ada\nbob\n");
    assert!(plexus_in(cwd.path(), &["user", "remove", "bob"], "").status.success());
    assert!(!plexus_in(cwd.path(), &["user", "remove", "bob"], "").status.success());
    assert_eq!(stdout(&plexus_in(cwd.path(), &["user", "list"], "")), "ada\n");
}

#[test]
fn gremlin_runs_in_query_and_shell() {
    let created = query_json("g.addV('person').property('name', 'marko').property('age', 29)", &["--lang", "gremlin"]);
    assert_eq!(created.len(), 1);
    // A statement starting with `g.` is Gremlin without --lang.
    let cwd = tempfile::tempdir().unwrap();
    let run = |args: &[&str], stdin: &str| ok_in(cwd.path(), args, stdin);
    run(&["query", "-e", "CREATE (:person {name: 'ada'})-[:knows]->(:person {name: 'bob'})"], "");
    assert_eq!(run(&["query", "-e", "g.V().out('knows').values('name')", "--format", "csv"], ""), "result\nbob\n");
    let shell = run(
        &["shell"],
        ":gremlin\ng.V().has('name', 'ada').out().count();\n:cypher\nMATCH (n:person) RETURN count(n) AS c;\n",
    );
    assert!(shell.contains("| 1      |"), "{shell}");
    assert!(shell.contains("| 2 |"), "{shell}");
    let out = plexus_in(cwd.path(), &["query", "--lang", "gremlin", "-e", "g.V().nosuchstep()"], "");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("Error"), "{}", stderr(&out));
}
