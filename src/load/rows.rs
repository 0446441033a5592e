//! Reading a file's records in batches, converting each batch's fields in
//! parallel, and adding the rows to the graph builder in file order.

use std::fs::File;
use std::io::BufReader;

use plexus_storage::{Error, GraphBuilder, NodeId, Value};
use rayon::prelude::*;

use super::field;
use super::header::{Column, FileKind, Header};
use super::ids::IdIndex;
use super::{load_error, located, FileReport, LoadOptions, LoadReport, Progress, Source};

/// Records converted together.
const BATCH: usize = 64 * 1024;
/// TinkerPop's label for a vertex given none.
const DEFAULT_LABEL: &str = "vertex";

/// One converted line.
enum Row {
    Node {
        /// The id as written and its id space.
        id: String,
        space: Option<String>,
        labels: Vec<String>,
        props: Vec<(String, Value)>,
    },
    /// Endpoints already resolved (every vertex file is loaded before any edge file).
    Edge { src: NodeId, dst: NodeId, rel_type: String, props: Vec<(String, Value)> },
}

/// Counters across the files of one load.
pub struct State<'a> {
    options: LoadOptions,
    progress: Progress<'a>,
    pub bytes: u64,
    rows: u64,
    ids: IdIndex,
}

impl<'a> State<'a> {
    pub fn new(options: LoadOptions, progress: Progress<'a>) -> Self {
        State { options, progress, bytes: 0, rows: 0, ids: IdIndex::default() }
    }
}

/// An id within its id space (`Person:933`): the node's external id, unique across spaces.
fn qualified(space: Option<&str>, id: &str) -> String {
    match space {
        Some(space) => format!("{space}:{id}"),
        None => id.to_string(),
    }
}

/// The numbered id spaces of an edge file's endpoint columns (`None`: no node has that space).
#[derive(Clone, Copy)]
struct EndpointSpaces {
    from: Option<u32>,
    to: Option<u32>,
}

impl EndpointSpaces {
    fn of(header: &Header, ids: &IdIndex) -> Self {
        let mut out = EndpointSpaces { from: None, to: None };
        for column in &header.columns {
            match column {
                Column::From { space } => out.from = ids.space(space.as_deref()),
                Column::To { space } => out.to = ids.space(space.as_deref()),
                _ => {}
            }
        }
        out
    }
}

fn convert(record: &csv::ByteRecord, header: &Header, ids: &IdIndex, spaces: EndpointSpaces) -> Result<Row, String> {
    let (mut id, mut label, mut from, mut to) = (None, None, None, None);
    let (mut id_space, mut from_space, mut to_space) = (None, None, None);
    let mut props = Vec::new();
    for (i, column) in header.columns.iter().enumerate() {
        let raw = record.get(i).unwrap_or_default();
        let text = std::str::from_utf8(raw).map_err(|_| format!("column {} is not UTF-8", i + 1))?;
        match column {
            Column::Id { space, property } => {
                id = Some(text);
                id_space = space.as_deref();
                if let Some(name) = property {
                    if let Some(v) = field::parse(text, header.id_type, false).map_err(|e| format!("{name}: {e}"))? {
                        props.push((name.clone(), v));
                    }
                }
            }
            Column::Label => label = Some(text),
            Column::From { space } => (from, from_space) = (Some(text), space.as_deref()),
            Column::To { space } => (to, to_space) = (Some(text), space.as_deref()),
            Column::Property { name, ty, array } => {
                if let Some(v) = field::parse(text, *ty, *array).map_err(|e| format!("{name}: {e}"))? {
                    props.push((name.clone(), v));
                }
            }
            Column::Skip => {}
        }
    }
    if record.len() > header.columns.len() {
        return Err(format!("{} fields but the header has {}", record.len(), header.columns.len()));
    }
    let need = |v: Option<&str>, what: &str| match v.map(str::trim) {
        Some(s) if !s.is_empty() => Ok(s.to_string()),
        _ => Err(format!("no {what}")),
    };
    Ok(match header.kind {
        FileKind::Nodes => {
            let mut labels: Vec<String> = header.label.iter().cloned().collect();
            labels.extend(label.map(field::labels).unwrap_or_default());
            Row::Node { id: need(id, "id")?, space: id_space.map(str::to_string), labels, props }
        }
        FileKind::Edges => {
            let mut types = match (label, &header.label) {
                (Some(l), _) => field::labels(l),
                (None, Some(t)) => vec![t.clone()],
                (None, None) => Vec::new(),
            };
            if types.len() != 1 {
                return Err(format!("an edge needs exactly one label, got {}", types.len()));
            }
            let endpoint = |id: Option<&str>, space: Option<&str>, number: Option<u32>, what: &str| {
                let id = id.map(str::trim).filter(|s| !s.is_empty()).ok_or_else(|| format!("no {what}"))?;
                number.and_then(|n| ids.get_in(n, id)).ok_or_else(|| {
                    format!("the edge names vertex `{}`, which no vertex file defines", qualified(space, id))
                })
            };
            let src = endpoint(from, from_space, spaces.from, "start id")?;
            let dst = endpoint(to, to_space, spaces.to, "end id")?;
            Row::Edge { src, dst, rel_type: types.remove(0), props }
        }
    })
}

/// Edges of one type waiting to be added together (one bulk append instead of one call per edge).
#[derive(Default)]
struct EdgeRun {
    rel_type: String,
    pairs: Vec<(NodeId, NodeId)>,
    props: Vec<(usize, Vec<(String, Value)>)>,
}

impl EdgeRun {
    fn push(
        &mut self,
        builder: &mut GraphBuilder,
        src: NodeId,
        dst: NodeId,
        rel_type: String,
        props: Vec<(String, Value)>,
    ) -> Result<(), String> {
        if rel_type != self.rel_type {
            self.flush(builder)?;
            self.rel_type = rel_type;
        }
        if !props.is_empty() {
            self.props.push((self.pairs.len(), props));
        }
        self.pairs.push((src, dst));
        Ok(())
    }

    fn flush(&mut self, builder: &mut GraphBuilder) -> Result<(), String> {
        if self.pairs.is_empty() {
            return Ok(());
        }
        let ids = builder.add_relationships(&self.rel_type, &self.pairs).map_err(|e| e.message)?;
        for (i, props) in self.props.drain(..) {
            for (k, v) in props {
                builder.set_rel_property(ids.start + i as u64, &k, v).map_err(|e| e.message)?;
            }
        }
        self.pairs.clear();
        Ok(())
    }
}

fn add(row: Row, builder: &mut GraphBuilder, ids: &mut IdIndex, edges: &mut EdgeRun) -> Result<(), String> {
    match row {
        Row::Node { id, space, mut labels, props } => match ids.get(space.as_deref(), &id) {
            // A vertex seen again (in this or another file) gains labels and properties, as in Neptune.
            Some(node) => {
                for l in &labels {
                    builder.add_label(node, l).map_err(|e| e.message)?;
                }
                for (k, v) in props {
                    builder.set_node_property(node, &k, v).map_err(|e| e.message)?;
                }
            }
            None => {
                if labels.is_empty() {
                    labels.push(DEFAULT_LABEL.to_string());
                }
                let external = qualified(space.as_deref(), &id);
                let node = builder.add_node_with_external_id(&external, &labels, props).map_err(|e| e.message)?;
                ids.insert(space.as_deref(), &id, node);
            }
        },
        Row::Edge { src, dst, rel_type, props } => {
            for (_, v) in &props {
                plexus_storage::write_txn::check_property_value(v).map_err(|e| e.message)?;
            }
            edges.push(builder, src, dst, rel_type, props)?;
        }
    }
    Ok(())
}

/// Loads every record of `source` (its header already known) into `builder`.
pub fn load_file(
    source: &Source,
    builder: &mut GraphBuilder,
    state: &mut State,
    report: &mut LoadReport,
) -> Result<(), Error> {
    let (path, header) = (source.path.as_path(), &source.header);
    let file = File::open(path).map_err(|e| Error::os("open", path, e))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(source.header_line)
        .flexible(true)
        .delimiter(source.delimiter)
        .from_reader(BufReader::with_capacity(1 << 20, file));
    let (rows_before, bad_before) = (state.rows, report.bad_lines);
    let base_bytes = state.bytes;
    // Records are read into the same buffers batch after batch: fresh ones for
    // every batch made the kernel zero new pages for a fifth of the load time.
    let mut records: Vec<csv::ByteRecord> = Vec::new();
    let mut edges = EdgeRun::default();
    loop {
        let mut n = 0;
        while n < BATCH {
            if n == records.len() {
                records.push(csv::ByteRecord::new());
            }
            match reader.read_byte_record(&mut records[n]) {
                Ok(true) => n += 1,
                Ok(false) => break,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    return Err(load_error(located(path, line, format!("unreadable CSV: {e}"))));
                }
            }
        }
        if n == 0 {
            break;
        }
        let batch = &records[..n];
        let ids = &state.ids;
        let spaces = EndpointSpaces::of(header, ids);
        let rows: Vec<Result<Row, String>> = batch.par_iter().map(|r| convert(r, header, ids, spaces)).collect();
        for (record, row) in batch.iter().zip(rows) {
            let line = record.position().map_or(0, |p| p.line());
            // Blank lines are no rows.
            if record.len() == 1 && record.get(0).is_some_and(|f| f.is_empty()) {
                continue;
            }
            if let Err(reason) = row.and_then(|row| add(row, builder, &mut state.ids, &mut edges)) {
                let message = located(path, line, reason);
                if state.options.fail_on_error {
                    return Err(load_error(message));
                }
                report.bad_lines += 1;
                if report.errors.len() < state.options.max_errors {
                    report.errors.push(message);
                }
                continue;
            }
            state.rows += 1;
        }
        edges.flush(builder).map_err(|e| load_error(format!("{}: {e}", path.display())))?;
        state.bytes = base_bytes + reader.position().byte();
        (state.progress)(state.bytes, state.rows);
    }
    report.per_file.push(FileReport {
        path: path.to_path_buf(),
        rows: state.rows - rows_before,
        bad_lines: report.bad_lines - bad_before,
    });
    Ok(())
}
