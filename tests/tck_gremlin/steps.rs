//! Running one scenario: load its graph, bind its parameters, run the
//! traversal and check the result (rows, an error, or graph state).

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use plexus::{Database, Params, Value};

use crate::features::{Case, Step};
use crate::values::{matches, unordered, Expected, Resolver};

/// Why a case failed. `cause` is short and groupable; `detail` is for humans.
#[derive(Debug, Clone)]
pub struct Failure {
    pub cause: String,
    pub detail: String,
}

impl Failure {
    pub fn new(cause: impl Into<String>, detail: impl Into<String>) -> Self {
        Failure { cause: cause.into(), detail: detail.into() }
    }
}

struct World {
    db: Database,
    params: Params,
    side_effects: Vec<String>,
    traversal: Option<String>,
    result: Option<Result<Vec<Value>, plexus::Error>>,
}

fn load_graph(graphs: &Path, name: &str) -> Result<Database, Failure> {
    let file = match name {
        "empty" => return Ok(Database::in_memory()),
        "modern" => "tinkerpop-modern-v3.json",
        "crew" => "tinkerpop-crew-v3.json",
        "grateful" => "grateful-dead-v3.json",
        "sink" => "tinkerpop-sink-v3.json",
        other => return Err(Failure::new(format!("graph {other} not available"), "")),
    };
    let f = File::open(graphs.join(file)).map_err(|e| Failure::new("graph file missing", e.to_string()))?;
    let (graph, _) = plexus::io::graphson::read_graph(BufReader::new(f))
        .map_err(|e| Failure::new("graph does not load", e.to_string()))?;
    Ok(Database::from_graph(graph))
}

/// The quoted text of a step, with `\"` unescaped.
fn quoted(text: &str) -> Option<String> {
    let start = text.find('"')?;
    let end = text.rfind('"')?;
    (end > start).then(|| text[start + 1..end].replace("\\\"", "\""))
}

fn table_rows(step: &Step) -> Vec<String> {
    step.table.iter().flat_map(|t| t.iter().skip(1)).filter_map(|r| r.first().cloned()).collect()
}

/// Run every step of `case`; `graphs` holds the GraphSON files.
pub fn run_case(case: &Case, graphs: &Path) -> Result<(), Failure> {
    let mut world: Option<World> = None;
    for step in &case.steps {
        let text = step.text.trim();
        if let Some(rest) = text.strip_prefix("the ").and_then(|r| r.strip_suffix(" graph")) {
            let db = load_graph(graphs, rest)?;
            world = Some(World { db, params: Params::new(), side_effects: Vec::new(), traversal: None, result: None });
            continue;
        }
        if text == "an unsupported test" {
            return Err(Failure::new("unsupported upstream", ""));
        }
        let Some(w) = world.as_mut() else { return Err(Failure::new("no graph given", text)) };
        run_step(w, step, text)?;
    }
    Ok(())
}

fn run_step(w: &mut World, step: &Step, text: &str) -> Result<(), Failure> {
    let resolver = Resolver { db: &w.db };
    if text.starts_with("the graph initializer of") {
        let q = step.docstring.clone().unwrap_or_default();
        w.db.execute_gremlin(&q, &Params::new())
            .and_then(|r| r.collect_rows())
            .map_err(|e| Failure::new("initializer failed", e.to_string()))?;
    } else if let Some(rest) = text.strip_prefix("using the parameter ") {
        let name = rest.split_whitespace().next().unwrap_or_default().to_string();
        let cell = quoted(rest).unwrap_or_default();
        let value = resolver.value(&cell).map_err(|e| Failure::new("parameter", e))?;
        w.params.insert(name, value);
    } else if let Some(rest) = text.strip_prefix("using the side effect ") {
        let name = rest.split_whitespace().next().unwrap_or_default().to_string();
        let cell = quoted(rest).unwrap_or_default();
        let value = resolver.value(&cell).map_err(|e| Failure::new("side effect", e))?;
        w.params.insert(format!("__side_effect_{name}"), value);
        w.side_effects.push(name);
    } else if text.starts_with("the traversal of") {
        w.traversal = step.docstring.clone();
    } else if text == "iterated to list" || text == "iterated next" {
        let mut q = w.traversal.clone().ok_or_else(|| Failure::new("no traversal", ""))?;
        // Side effects are what `withSideEffect` would give the traversal source.
        for name in &w.side_effects {
            if let Some(rest) = q.trim_start().strip_prefix("g.") {
                q = format!("g.withSideEffect(\"{name}\", __side_effect_{name}).{rest}");
            }
        }
        let result = w.db.execute_gremlin(&q, &w.params).and_then(|r| r.collect_rows());
        let rows = result.map(|rows| rows.into_iter().filter_map(|r| r.into_iter().next()).collect::<Vec<_>>());
        let rows = if text == "iterated next" {
            rows.map(|r| match r.into_iter().next() {
                Some(Value::List(items)) => items,
                Some(Value::Map(m)) => m.into_iter().map(|(k, v)| Value::Map([(k, v)].into_iter().collect())).collect(),
                Some(other) => vec![other],
                None => Vec::new(),
            })
        } else {
            rows
        };
        w.result = Some(rows);
    } else if text.starts_with("the traversal will raise an error") {
        return match &w.result {
            Some(Err(_)) => Ok(()),
            Some(Ok(rows)) => Err(Failure::new("expected an error", format!("got {} rows", rows.len()))),
            None => Err(Failure::new("no traversal ran", "")),
        };
    } else if let Some(rest) = text.strip_prefix("the graph should return ") {
        let n: i64 = rest.split_whitespace().next().and_then(|n| n.parse().ok()).unwrap_or(-1);
        let q = quoted(rest).unwrap_or_default();
        let got =
            w.db.execute_gremlin(&q, &w.params)
                .and_then(|r| r.collect_rows())
                .map_err(|e| Failure::new("count query failed", format!("{q}: {e}")))?;
        // The check counts the traversal's results.
        if got.len() as i64 != n {
            return Err(Failure::new("graph count differs", format!("{q}: expected {n}, got {}", got.len())));
        }
    } else if text.starts_with("the result should") {
        let rows = match &w.result {
            Some(Ok(rows)) => rows.clone(),
            Some(Err(e)) => return Err(Failure::new(format!("error: {}", e.detail), e.to_string())),
            None => return Err(Failure::new("no traversal ran", "")),
        };
        check_result(&resolver, step, text, &rows)?;
    } else if text.starts_with("nothing should happen") {
    } else {
        return Err(Failure::new(
            format!("unknown step: {}", text.split_whitespace().take(4).collect::<Vec<_>>().join(" ")),
            text,
        ));
    }
    Ok(())
}

/// A tree as the features draw it: `|--name` lines, children indented deeper.
#[derive(Debug)]
struct TreeNode {
    key: String,
    children: Vec<TreeNode>,
}

fn tree(resolver: &Resolver, text: &str) -> Result<Vec<TreeNode>, String> {
    let mut roots: Vec<TreeNode> = Vec::new();
    // The open path: (indent, index chain).
    let mut stack: Vec<usize> = Vec::new();
    for line in text.lines().filter(|l| l.contains("|--")) {
        let indent = line.find("|--").unwrap_or(0);
        let cell = line[indent + 3..].trim();
        let key = crate::values::to_value(&resolver.parse(cell)?)?;
        let node = TreeNode { key: plexus_exec::gremlin::key_text(&key), children: Vec::new() };
        while stack.last().is_some_and(|&i| i >= indent) {
            stack.pop();
        }
        let mut level = &mut roots;
        for _ in 0..stack.len() {
            let last = level.len() - 1;
            level = &mut level[last].children;
        }
        level.push(node);
        stack.push(indent);
    }
    Ok(roots)
}

fn tree_matches(expected: &[TreeNode], actual: &std::collections::BTreeMap<String, Value>) -> bool {
    expected.len() == actual.len()
        && expected.iter().all(|n| match actual.get(&n.key) {
            Some(Value::Map(children)) => tree_matches(&n.children, children),
            _ => false,
        })
}

fn check_result(resolver: &Resolver, step: &Step, text: &str, rows: &[Value]) -> Result<(), Failure> {
    let show = || format!("got {rows:?}");
    if text == "the result should be empty" {
        return if rows.is_empty() { Ok(()) } else { Err(Failure::new("expected empty", show())) };
    }
    if text.starts_with("the result should be a tree") {
        let expected = tree(resolver, step.docstring.as_deref().unwrap_or_default())
            .map_err(|e| Failure::new("expected tree", e))?;
        // `iterated next` split the tree into its entries: put them back together.
        let mut whole = std::collections::BTreeMap::new();
        for row in rows {
            if let Value::Map(m) = row {
                whole.extend(m.clone());
            }
        }
        return if tree_matches(&expected, &whole) {
            Ok(())
        } else {
            Err(Failure::new("tree differs", format!("expected {expected:?}\n  {}", show())))
        };
    }
    if text.starts_with("the result should be a subgraph") {
        let mut whole = std::collections::BTreeMap::new();
        for row in rows {
            if let Value::Map(m) = row {
                whole.extend(m.clone());
            }
        }
        let table = step.table.clone().unwrap_or_default();
        let part = table.first().and_then(|h| h.first()).cloned().unwrap_or_default();
        let expected: Vec<Expected> = table_rows(step)
            .iter()
            .map(|c| resolver.parse(c))
            .collect::<Result<_, _>>()
            .map_err(|e| Failure::new("expected value", e))?;
        let actual = match whole.get(&part) {
            Some(Value::List(items)) => items.clone(),
            _ => return Err(Failure::new("not a subgraph", show())),
        };
        return if unordered(&expected, &actual) {
            Ok(())
        } else {
            Err(Failure::new("subgraph differs", format!("{part}: expected {expected:?}\n  got {actual:?}")))
        };
    }
    if let Some(n) = text.strip_prefix("the result should have a count of ") {
        let n: usize = n.trim().parse().unwrap_or(usize::MAX);
        return if rows.len() == n {
            Ok(())
        } else {
            Err(Failure::new("wrong count", format!("expected {n}, got {}", rows.len())))
        };
    }
    let expected: Vec<Expected> = table_rows(step)
        .iter()
        .map(|c| resolver.parse(c))
        .collect::<Result<_, _>>()
        .map_err(|e| Failure::new("expected value", e))?;
    let ok = match text {
        "the result should be unordered" => unordered(&expected, rows),
        "the result should be ordered" => {
            expected.len() == rows.len() && expected.iter().zip(rows).all(|(e, a)| matches(e, a))
        }
        "the result should be of" => rows.iter().all(|a| expected.iter().any(|e| matches(e, a))),
        _ => return Err(Failure::new(format!("unsupported check: {text}"), "")),
    };
    if ok {
        Ok(())
    } else {
        Err(Failure::new("result differs", format!("expected {expected:?}\n  {}", show())))
    }
}
