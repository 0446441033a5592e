//! Columnar export and import: a graph with every value type survives Parquet and Arrow IPC round trips, the
//! files are plain Arrow/Parquet to other readers, and bad directories are errors naming the file and row.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{BinaryBuilder, ListBuilder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type, Int64Type, UInt64Type};
use arrow_array::{Array, ArrayRef, Float32Array, Int32Array, RecordBatch, StringArray, UInt64Array};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use plexus::io::columnar::{export, import, ColumnarFormat, ExportReport};
use plexus::io::graphson::read_graph;
use plexus::{ErrorClass, Snapshot, Value};
use plexus_storage::value::{Date, DateTime, Duration, LocalDateTime, LocalTime, Time};
use plexus_storage::{Graph, GraphBuilder};
use serde_json::json;

const FORMATS: [ColumnarFormat; 2] = [ColumnarFormat::Parquet, ColumnarFormat::Arrow];

fn props(pairs: Vec<(&str, Value)>) -> Vec<(String, Value)> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

fn zoned(seconds: i64, offset_seconds: i32, zone: Option<&str>) -> Value {
    Value::DateTime(DateTime { seconds, nanos: 123_456_789, offset_seconds, zone: zone.map(str::to_string) })
}

/// Every value type, multi-label and unlabeled nodes, odd names, a mixed-type key per file, base and delta
/// layers, and deleted nodes and relationships (holes in both id ranges).
fn sample_graph() -> Graph {
    let mut b = GraphBuilder::new();
    let ann = b
        .add_node_with_external_id(
            "ann",
            &["Person", "Admin"],
            props(vec![
                ("name", "Ann".into()),
                ("age", 42.into()),
                ("score", 1.5.into()),
                ("ok", true.into()),
                ("born", Value::Date(Date { days: 7000 })),
                ("tags", vec!["x", "y"].into()),
                ("nums", vec![1, -2].into()),
                ("floats", vec![0.5, f64::NAN, -0.0].into()),
                ("flags", vec![true, false].into()),
                ("at", zoned(1_600_000_000, 7200, Some("Europe/Oslo"))),
                ("mixed", 1.into()),
                ("_id", "shadows the id column".into()),
                ("weird key/ü ✓", 1.into()),
            ]),
        )
        .unwrap();
    let bob = b
        .add_node_with_external_id(
            "bob",
            &["Person"],
            props(vec![
                ("name", "Bob".into()),
                ("age", 7.into()),
                ("mixed", "one".into()),
                ("far", Value::Date(Date { days: 10_000_000_000 })),
                ("t", Value::Time(Time { nanos: 3_600_000_000_001, offset_seconds: -3600 })),
                ("lt", Value::LocalTime(LocalTime { nanos: 12 })),
                ("ldt", Value::LocalDateTime(LocalDateTime { seconds: -5, nanos: 9 })),
                ("d", Value::Duration(Duration { months: 14, days: -3, seconds: 4000, nanos: 5 })),
                ("dates", Value::List(vec![Value::Date(Date { days: 1 })])),
                ("nothing", Value::List(vec![])),
                ("tags", Value::List(vec![])),
                ("at", zoned(-1, 0, None)),
            ]),
        )
        .unwrap();
    let carl = b.add_node(&["Person", "PERSON"], props(vec![("name", "carl".into()), ("score", 2.into())])).unwrap();
    let dora = b
        .add_node_with_external_id("dora", &[] as &[&str], props(vec![("name", "dora".into()), ("age", 1.5.into())]))
        .unwrap();
    let eve = b.add_node(&[] as &[&str], props(vec![("name", "eve".into())])).unwrap();
    let odd = b.add_node(&["a/b c", "Ünïcode ✓", "_unlabeled", "a_b_c"], props(vec![("name", "odd".into())])).unwrap();
    let gone = b.add_node_with_external_id("gone", &["Person"], props(vec![("name", "gone".into())])).unwrap();
    b.add_relationship(ann, bob, "KNOWS", props(vec![("since", 2020.into()), ("w", 0.5.into())])).unwrap();
    b.add_relationship(bob, carl, "KNOWS", props(vec![("since", "long ago".into())])).unwrap();
    b.add_relationship(carl, dora, "LIKES/odd type", props(vec![("at", zoned(86_400, -18_000, None))])).unwrap();
    b.add_relationship(eve, eve, "SELF", vec![]).unwrap();
    b.add_relationship(odd, ann, "KNOWS", vec![]).unwrap();
    b.add_relationship(ann, gone, "KNOWS", props(vec![("since", 1.into())])).unwrap();
    let temp = b.add_relationship(bob, ann, "TEMP", vec![]).unwrap();
    let graph = b.finish();
    // A second layer: writes land in the delta, which export must read as well as the base.
    let mut txn = graph.begin_write().unwrap();
    let fay = txn
        .create_node_with_external_id(
            Some("fay"),
            &["Person".to_string()],
            props(vec![("name", "fay".into()), ("age", 30.into())]),
        )
        .unwrap();
    txn.create_relationship(fay, ann, "KNOWS", props(vec![("_src", "escaped".into())])).unwrap();
    txn.add_label(bob, "Admin").unwrap();
    txn.delete_node(gone, true).unwrap();
    txn.delete_relationship(temp).unwrap();
    txn.commit().unwrap();
    graph
}

/// A graph as names and values only (ids differ across an import): one line per node and per relationship.
fn dump(s: &Snapshot) -> (Vec<String>, Vec<String>) {
    let node = |n: u64| {
        let mut labels: Vec<&str> = s.node_labels(n).into_iter().map(|l| s.label_name(l)).collect();
        labels.sort();
        let props: Vec<String> =
            s.node_properties(n).iter().map(|(k, v)| format!("{}={v:?}", s.key_name(*k))).collect();
        format!("({:?} {labels:?} {props:?})", s.external_id(n))
    };
    let mut ids = Vec::new();
    s.scan_nodes(0..s.node_capacity(), None, &mut ids);
    let mut nodes: Vec<String> = ids.iter().map(|&n| node(n)).collect();
    nodes.sort();
    let mut rels = Vec::new();
    s.scan_rels(0..s.rel_capacity(), &mut rels);
    let mut rels: Vec<String> = rels
        .into_iter()
        .map(|r| {
            let (src, dst, t) = s.rel_endpoints(r).unwrap();
            let props: Vec<String> =
                s.rel_properties(r).iter().map(|(k, v)| format!("{}={v:?}", s.key_name(*k))).collect();
            format!("{}-[{} {props:?}]->{}", node(src), s.type_name(t), node(dst))
        })
        .collect();
    rels.sort();
    (nodes, rels)
}

fn out_dir(tmp: &tempfile::TempDir, name: &str) -> PathBuf {
    tmp.path().join(name)
}

fn file_of(report: &ExportReport, nodes: bool, name: Option<&str>) -> String {
    let f = report.files.iter().find(|f| f.nodes == nodes && f.name.as_deref() == name);
    f.unwrap_or_else(|| panic!("no file for {name:?} in {report:?}")).file.clone()
}

#[test]
fn every_value_type_round_trips_in_both_formats() {
    let graph = sample_graph();
    let s = graph.snapshot();
    assert_eq!((s.node_count(), s.rel_count()), (7, 6), "one node and two relationships were deleted");
    let tmp = tempfile::tempdir().unwrap();
    for format in FORMATS {
        let dir = out_dir(&tmp, format.extension());
        let report = export(&s, &dir, format).unwrap();
        assert_eq!((report.nodes, report.relationships), (7, 6));
        let (again, imported) = import(&dir).unwrap();
        assert_eq!(dump(&again.snapshot()), dump(&s), "{format:?}");
        assert_eq!((imported.nodes, imported.relationships, imported.files), (7, 6, report.files.len() as u64));
        // Ann and Bob are Person and Admin: one row in each file, one node after import.
        let rows: u64 = report.files.iter().filter(|f| f.nodes).map(|f| f.rows).sum();
        assert_eq!(imported.node_rows, rows);
        assert_eq!(rows, 4 + 2 + 1 + 4 + 2, "Person, Admin, PERSON, the odd node's four labels, unlabeled");
        let ext = format.extension();
        assert_eq!(file_of(&report, true, None), format!("nodes__unlabeled.{ext}"));
        assert_eq!(file_of(&report, true, Some("_unlabeled")), format!("nodes__unlabeled~2.{ext}"));
        assert_eq!(file_of(&report, true, Some("a/b c")), format!("nodes_a_b_c.{ext}"));
        assert_eq!(file_of(&report, true, Some("a_b_c")), format!("nodes_a_b_c~2.{ext}"));
        assert_eq!(file_of(&report, true, Some("PERSON")), format!("nodes_PERSON~2.{ext}"));
        assert_eq!(file_of(&report, false, Some("LIKES/odd type")), format!("rels_LIKES_odd_type.{ext}"));
        assert!(report.files.iter().all(|f| f.name.as_deref() != Some("TEMP")), "TEMP has no live relationship");
        let person = report.files.iter().find(|f| f.name.as_deref() == Some("Person")).unwrap();
        assert_eq!(person.encoded_columns, ["score", "at", "mixed", "far", "t", "lt", "ldt", "d", "dates"]);
        // The manifest keeps exact names for every file written.
        let manifest: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
        let entry = manifest["files"].as_array().unwrap().iter().find(|f| f["label"] == "Ünïcode ✓").unwrap();
        assert_eq!(
            (entry["file"].as_str(), entry["rows"].as_u64()),
            (Some(&*format!("nodes__n_code__.{ext}")), Some(1))
        );
        let mut on_disk: Vec<String> =
            std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        on_disk.sort();
        let mut listed: Vec<String> = report.files.iter().map(|f| f.file.clone()).collect();
        listed.push("manifest.json".into());
        listed.sort();
        assert_eq!(on_disk, listed);
    }
}

#[test]
fn one_label_without_deletions_keeps_ids() {
    let mut b = GraphBuilder::new();
    for i in 0..5 {
        b.add_node(&["N"], props(vec![("i", i.into())])).unwrap();
    }
    b.add_relationship(3, 1, "R", vec![]).unwrap();
    let s = b.finish().snapshot();
    let tmp = tempfile::tempdir().unwrap();
    export(&s, &out_dir(&tmp, "x"), ColumnarFormat::Arrow).unwrap();
    let again = import(&out_dir(&tmp, "x")).unwrap().0.snapshot();
    let i = again.key_id("i").unwrap();
    assert_eq!(
        (0..5).map(|n| again.node_property(n, i)).collect::<Vec<_>>(),
        (0..5).map(Value::from).collect::<Vec<_>>()
    );
    assert_eq!(again.rel_endpoints(0).map(|(s, d, _)| (s, d)), Some((3, 1)));
}

fn parquet_batches(path: &Path) -> Vec<RecordBatch> {
    let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap().build().unwrap();
    reader.collect::<Result<_, _>>().unwrap()
}

fn arrow_batches(path: &Path) -> Vec<RecordBatch> {
    let reader = arrow_ipc::reader::FileReader::try_new(BufReader::new(File::open(path).unwrap()), None).unwrap();
    reader.collect::<Result<_, _>>().unwrap()
}

/// Ann's and Bob's rows of the Person file, as a plain Arrow reader sees them.
fn check_person_columns(batches: &[RecordBatch]) {
    assert_eq!(batches.len(), 1);
    let b = &batches[0];
    let col = |name: &str| b.column_by_name(name).unwrap_or_else(|| panic!("no column {name}")).clone();
    let schema = b.schema();
    let names: Vec<&str> = schema.fields().iter().take(3).map(|f| f.name().as_str()).collect();
    assert_eq!(names, ["_id", "_external_id", "_labels"]);
    let ext = col("_external_id");
    let ext: Vec<Option<&str>> = ext.as_string::<i32>().iter().collect();
    assert_eq!(ext, [Some("ann"), Some("bob"), None, Some("fay")]);
    assert_eq!(col("_id").as_primitive::<UInt64Type>().values().len(), 4);
    let ages: Vec<Option<i64>> = col("age").as_primitive::<Int64Type>().iter().collect();
    assert_eq!(ages, [Some(42), Some(7), None, Some(30)]);
    assert_eq!(col("born").as_primitive::<Date32Type>().value(0), 7000);
    let tags = col("tags");
    let tags = tags.as_list::<i32>();
    assert_eq!(tags.value(0).as_string::<i32>().iter().collect::<Vec<_>>(), [Some("x"), Some("y")]);
    assert!(tags.value(1).is_empty() && tags.is_null(2));
    let floats = col("floats");
    assert_eq!(floats.as_list::<i32>().value(0).as_primitive::<Float64Type>().value(0), 0.5);
    let labels = col("_labels");
    let ann_labels = labels.as_list::<i32>().value(0);
    assert_eq!(ann_labels.as_string::<i32>().iter().collect::<Vec<_>>(), [Some("Person"), Some("Admin")]);
    // `_id` the property is escaped; the mixed key is exact bytes marked as such.
    assert_eq!(col("__id").as_string::<i32>().value(0), "shadows the id column");
    let mixed = schema.field_with_name("mixed").unwrap();
    assert_eq!(mixed.data_type(), &DataType::Binary);
    assert_eq!(mixed.metadata().get("plexus.encoding").map(String::as_str), Some("value"));
}

#[test]
fn files_are_plain_parquet_and_arrow() {
    let s = sample_graph().snapshot();
    let tmp = tempfile::tempdir().unwrap();
    let pq = out_dir(&tmp, "pq");
    export(&s, &pq, ColumnarFormat::Parquet).unwrap();
    check_person_columns(&parquet_batches(&pq.join("nodes_Person.parquet")));
    let ipc = out_dir(&tmp, "ipc");
    export(&s, &ipc, ColumnarFormat::Arrow).unwrap();
    check_person_columns(&arrow_batches(&ipc.join("nodes_Person.arrow")));
    let rels = &parquet_batches(&pq.join("rels_KNOWS.parquet"))[0];
    let names: Vec<String> = rels.schema().fields().iter().map(|f| f.name().clone()).collect();
    assert_eq!(names, ["_id", "_src", "_dst", "since", "w", "__src"]);
    assert_eq!(rels.num_rows(), 4);
}

#[test]
fn big_graphs_are_written_in_several_batches() {
    let n = 70_000u64;
    let mut b = GraphBuilder::new();
    let ids = b.add_nodes(n, &["N"]);
    for id in ids.clone().step_by(3) {
        b.set_node_property(id, "k", Value::Integer(id as i64)).unwrap();
    }
    let edges: Vec<(u64, u64)> = ids.map(|i| (i, (i * 7) % n)).collect();
    b.add_relationships("E", &edges).unwrap();
    let s = b.finish().snapshot();
    let tmp = tempfile::tempdir().unwrap();
    for format in FORMATS {
        let dir = out_dir(&tmp, format.extension());
        export(&s, &dir, format).unwrap();
        let (again, report) = import(&dir).unwrap();
        assert_eq!((report.nodes, report.relationships), (n, n));
        let again = again.snapshot();
        let k = again.key_id("k").unwrap();
        assert_eq!(
            (again.node_property(69_999, k), again.node_property(69_998, k)),
            (Value::Integer(69_999), Value::Null)
        );
        assert_eq!(again.rel_endpoints(69_999).map(|(s, d, _)| (s, d)), Some((69_999, (69_999 * 7) % n)));
    }
    let batches = parquet_batches(&out_dir(&tmp, "parquet").join("nodes_N.parquet"));
    assert!(batches.len() > 1, "{} batches", batches.len());
}

#[test]
fn the_modern_graph_round_trips_through_graphson_and_columnar() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/tck/gremlin/graphs/tinkerpop-modern-v3.json");
    let (graph, _) = read_graph(BufReader::new(File::open(path).unwrap())).unwrap();
    let s = graph.snapshot();
    let tmp = tempfile::tempdir().unwrap();
    for format in FORMATS {
        let dir = out_dir(&tmp, format.extension());
        let report = export(&s, &dir, format).unwrap();
        let mut files: Vec<&str> = report.files.iter().map(|f| f.file.as_str()).collect();
        files.sort();
        let ext = format.extension();
        assert_eq!(
            files,
            ["nodes_person", "nodes_software", "rels_created", "rels_knows"].map(|f| format!("{f}.{ext}"))
        );
        let (again, imported) = import(&dir).unwrap();
        assert_eq!((imported.nodes, imported.relationships), (6, 6));
        let again = again.snapshot();
        assert_eq!(dump(&again), dump(&s));
        let marko = again.node_by_external_id("1").unwrap();
        assert_eq!(again.node_property(marko, again.key_id("age").unwrap()), Value::Integer(29));
    }
}

// ---- errors -----------------------------------------------------------------------------------------------

fn expect_error(dir: &Path, detail: &str, parts: &[&str]) {
    let err = import(dir).map(|_| ()).expect_err("import should fail");
    assert_eq!((err.class, err.detail), (ErrorClass::IoError, detail), "{err}");
    for part in parts {
        assert!(err.message.contains(part), "{part:?} not in {err}");
    }
}

fn write_parquet(path: &Path, columns: Vec<(&str, ArrayRef)>) {
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    let mut w = ArrowWriter::try_new(File::create(path).unwrap(), batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
}

fn write_manifest(dir: &Path, files: serde_json::Value) {
    let text = json!({"plexus_columnar": 1, "files": files}).to_string();
    std::fs::write(dir.join("manifest.json"), text).unwrap();
}

fn ids(v: &[u64]) -> ArrayRef {
    Arc::new(UInt64Array::from(v.to_vec()))
}

/// A hand-made directory: nodes 10 and 11 of label L (given by the manifest alone), then `rels` of type R.
fn handmade(tmp: &tempfile::TempDir, name: &str, rels: Vec<(&str, ArrayRef)>, rows: u64) -> PathBuf {
    let dir = out_dir(tmp, name);
    std::fs::create_dir(&dir).unwrap();
    write_parquet(&dir.join("n.parquet"), vec![("_id", ids(&[10, 11]))]);
    write_parquet(&dir.join("r.parquet"), rels);
    write_manifest(
        &dir,
        json!([
            {"file": "n.parquet", "kind": "nodes", "label": "L", "rows": 2},
            {"file": "r.parquet", "kind": "relationships", "type": "R", "rows": rows},
        ]),
    );
    dir
}

#[test]
fn foreign_files_with_other_plain_types_import() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = handmade(
        &tmp,
        "ok",
        vec![
            ("_src", ids(&[10, 11])),
            ("_dst", ids(&[11, 11])),
            ("small", Arc::new(Int32Array::from(vec![Some(3), None]))),
            ("f32", Arc::new(Float32Array::from(vec![0.5, 1.0]))),
        ],
        2,
    );
    let (graph, report) = import(&dir).unwrap();
    assert_eq!((report.nodes, report.relationships), (2, 2));
    let s = graph.snapshot();
    assert_eq!(s.label_name(s.node_labels(0)[0]), "L", "the manifest's label stands in for a missing _labels");
    assert_eq!(s.rel_property(0, s.key_id("small").unwrap()), Value::Integer(3));
    assert_eq!(s.rel_property(1, s.key_id("f32").unwrap()), Value::Float(1.0));
}

#[test]
fn bad_files_are_errors_naming_file_and_row() {
    let tmp = tempfile::tempdir().unwrap();
    let dangling = handmade(&tmp, "dangling", vec![("_src", ids(&[10, 11, 10])), ("_dst", ids(&[11, 12, 10]))], 3);
    expect_error(&dangling, "InvalidColumnarFile", &["r.parquet", "row 2", "_dst 12"]);

    let no_src = handmade(&tmp, "no_src", vec![("_dst", ids(&[11]))], 1);
    expect_error(&no_src, "InvalidColumnarFile", &["r.parquet", "no _src column"]);

    let text_ids =
        handmade(&tmp, "text_ids", vec![("_src", Arc::new(StringArray::from(vec!["10"]))), ("_dst", ids(&[11]))], 1);
    expect_error(&text_ids, "InvalidColumnarFile", &["r.parquet", "column _src", "UInt64"]);

    let mut garbage = BinaryBuilder::new();
    garbage.append_value(b"\x01\x02");
    let encoded = Field::new("x", DataType::Binary, true)
        .with_metadata([("plexus.encoding".to_string(), "value".to_string())].into());
    let dir = out_dir(&tmp, "bad_cell");
    std::fs::create_dir(&dir).unwrap();
    let batch = RecordBatch::try_new(
        Arc::new(Schema::new(vec![Field::new("_id", DataType::UInt64, false), encoded])),
        vec![ids(&[1]), Arc::new(garbage.finish())],
    )
    .unwrap();
    let mut w = ArrowWriter::try_new(File::create(dir.join("n.parquet")).unwrap(), batch.schema(), None).unwrap();
    w.write(&batch).unwrap();
    w.close().unwrap();
    write_manifest(&dir, json!([{"file": "n.parquet", "kind": "nodes", "label": null, "rows": 1}]));
    expect_error(&dir, "InvalidColumnarFile", &["n.parquet", "row 1", "column x"]);

    let mut nulls = ListBuilder::new(StringBuilder::new());
    nulls.values().append_null();
    nulls.append(true);
    let dir = out_dir(&tmp, "null_in_list");
    std::fs::create_dir(&dir).unwrap();
    write_parquet(&dir.join("n.parquet"), vec![("_id", ids(&[1])), ("l", Arc::new(nulls.finish()))]);
    write_manifest(&dir, json!([{"file": "n.parquet", "kind": "nodes", "rows": 1}]));
    expect_error(&dir, "InvalidColumnarFile", &["n.parquet", "row 1"]);

    let miscounted = handmade(&tmp, "miscounted", vec![("_src", ids(&[10])), ("_dst", ids(&[11]))], 5);
    expect_error(&miscounted, "InvalidColumnarFile", &["r.parquet", "manifest says 5 rows"]);
}

#[test]
fn corrupt_files_are_errors_not_panics() {
    let s = sample_graph().snapshot();
    let tmp = tempfile::tempdir().unwrap();
    for format in FORMATS {
        let ext = format.extension();
        for (case, cut) in [("truncated", true), ("garbage", false)] {
            let dir = out_dir(&tmp, &format!("{case}.{ext}"));
            export(&s, &dir, format).unwrap();
            let path = dir.join(format!("nodes_Person.{ext}"));
            let bytes = std::fs::read(&path).unwrap();
            let damaged = if cut {
                bytes[..bytes.len() / 2].to_vec()
            } else {
                // Same length, the middle overwritten: footers may parse, data must not.
                let mut b = bytes.clone();
                let mid = b.len() / 3;
                b[mid..2 * mid].iter_mut().for_each(|x| *x = 0xA5);
                b
            };
            std::fs::write(&path, damaged).unwrap();
            let err = import(&dir).map(|_| ()).expect_err(&format!("{case} {ext}"));
            assert_eq!(err.detail, "InvalidColumnarFile", "{err}");
            assert!(err.message.starts_with(&format!("nodes_Person.{ext}")), "{err}");
        }
    }
}

/// Bytes flipped anywhere in a file: the import reads it (the flip hit nothing checked) or names a bad file;
/// a decoder's panic never escapes.
#[test]
fn flipped_bytes_never_panic() {
    let mut b = GraphBuilder::new();
    for i in 0..200i64 {
        let mixed = if i % 2 == 0 { Value::Integer(i) } else { Value::from("odd") };
        let p = vec![("x", i.into()), ("s", format!("s{i}").into()), ("l", vec![i as f64].into()), ("m", mixed)];
        b.add_node_with_external_id(&format!("e{i}"), &["A", "B"], props(p)).unwrap();
    }
    let s = b.finish().snapshot();
    let tmp = tempfile::tempdir().unwrap();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for format in FORMATS {
        let dir = out_dir(&tmp, format.extension());
        export(&s, &dir, format).unwrap();
        let path = dir.join(format!("nodes_A.{}", format.extension()));
        let original = std::fs::read(&path).unwrap();
        let mut failures = 0;
        for _ in 0..150 {
            let mut bytes = original.clone();
            for _ in 0..3 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let at = (seed % bytes.len() as u64) as usize;
                bytes[at] ^= (seed >> 56) as u8 | 1;
            }
            std::fs::write(&path, &bytes).unwrap();
            let outcome = std::panic::catch_unwind(|| import(&dir).map(|_| ()));
            match outcome.unwrap_or_else(|_| panic!("{format:?}: a panic escaped the import")) {
                Ok(()) => {}
                Err(e) => {
                    assert_eq!(e.detail, "InvalidColumnarFile", "{e}");
                    // A flipped `_id` can surface in the other label's file, as a second node with that external id.
                    assert!(e.message.starts_with("nodes_A.") || e.message.starts_with("nodes_B."), "{e}");
                    failures += 1;
                }
            }
        }
        assert!(failures > 0, "{format:?}: some flips must be caught");
    }
}

#[test]
fn bad_directories_and_manifests() {
    let s = sample_graph().snapshot();
    let tmp = tempfile::tempdir().unwrap();
    // An existing empty directory is fine; one with anything in it is not.
    let empty = out_dir(&tmp, "empty");
    std::fs::create_dir(&empty).unwrap();
    export(&s, &empty, ColumnarFormat::Parquet).unwrap();
    let err = export(&s, &empty, ColumnarFormat::Parquet).unwrap_err();
    assert_eq!((err.class, err.detail), (ErrorClass::IoError, "TargetNotEmpty"), "{err}");
    let file = out_dir(&tmp, "a_file");
    std::fs::write(&file, "x").unwrap();
    assert_eq!(export(&s, &file, ColumnarFormat::Arrow).unwrap_err().detail, "IoFailed");

    expect_error(&out_dir(&tmp, "missing"), "IoFailed", &["manifest.json"]);
    let dir = out_dir(&tmp, "manifests");
    std::fs::create_dir(&dir).unwrap();
    for (manifest, part) in [
        ("{", "manifest.json"),
        ("{\"files\": []}", "plexus_columnar"),
        ("{\"plexus_columnar\": 9, \"files\": []}", "version 9"),
        ("{\"plexus_columnar\": 1, \"files\": [{\"file\": \"../x.parquet\", \"kind\": \"nodes\", \"rows\": 0}]}", "plain"),
        ("{\"plexus_columnar\": 1, \"files\": [{\"file\": \"x.parquet\", \"kind\": \"relationships\", \"rows\": 0}]}", "type"),
        ("{\"plexus_columnar\": 1, \"files\": [{\"file\": \"x.parquet\", \"kind\": \"edges\", \"rows\": 0}]}", "kind"),
    ] {
        std::fs::write(dir.join("manifest.json"), manifest).unwrap();
        expect_error(&dir, "InvalidManifest", &[part]);
    }
    write_manifest(&dir, json!([{"file": "x.csv", "kind": "nodes", "rows": 0}]));
    expect_error(&dir, "InvalidColumnarFile", &["x.csv", "extension"]);
    write_manifest(&dir, json!([{"file": "x.parquet", "kind": "nodes", "rows": 0}]));
    expect_error(&dir, "InvalidColumnarFile", &["x.parquet", "cannot open"]);
}
