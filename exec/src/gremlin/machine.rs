//! Runs a Gremlin program step by step over lists of traversers. Each step
//! takes every traverser of the previous one (barrier semantics), which keeps
//! side effects and loops simple; the TinkerPop results do not depend on it
//! for the steps we support.

use std::collections::HashMap;

use plexus_planner::gremlin::{GArg, GStep, GTraversal};
use plexus_storage::{Error, ErrorClass, Phase, Result, Snapshot, Value};

use super::object::GObj;
use super::steps;
use super::traverser::Traverser;
use crate::context::ExecContext;

/// Where `sack()` values come from and how `sack(op)` merges them.
#[derive(Debug, Clone)]
pub struct SackConfig {
    pub initial: GArg,
    pub split: bool,
    /// How `barrier()` merges the sacks of traversers it joins (`withSack(v, Operator.sum)`).
    pub merge: Option<String>,
}

/// A traversal that fans out this far is almost surely unbounded (a `repeat` without a limit).
const MAX_TRAVERSERS: usize = 1_000_000;

pub struct Machine<'a> {
    pub ctx: &'a ExecContext,
    /// Named side effects: `aggregate`/`store` lists, `withSideEffect` values, `group("x")` maps.
    pub side_effects: HashMap<String, GObj>,
    /// The order side effects were first written in, for `cap` of several keys.
    pub sack: Option<SackConfig>,
    /// How deep child traversals are nested, to fail instead of overflowing the stack.
    depth: usize,
    /// False when no step reads paths or labels: equal traversers may then merge into one with a bulk.
    pub track_paths: bool,
    /// How many `repeat()` bodies are running; step state such as `dedup`'s persists inside them.
    pub in_repeat: usize,
    /// `dedup` steps' seen objects, by step address, while a repeat runs.
    pub dedup_state: HashMap<usize, std::collections::HashSet<GObj>>,
    /// `SubgraphStrategy` filters, when the source has one.
    pub subgraph: Option<super::subgraph::Subgraph>,
    /// False after `withBulk(false)`: merged traversers count once.
    pub bulk_enabled: bool,
    /// The traversers each `group("x")` side effect has collected so far.
    pub group_members: HashMap<String, Vec<Traverser>>,
    /// `PartitionStrategy`: the property every new element gets.
    pub write_partition: Option<(String, Value)>,
    /// `ProductiveByStrategy`: a `by()` that yields nothing gives null instead of dropping the traverser.
    pub productive_by: bool,
    /// Side effects declared with a reducing operator: `withSideEffect("a", 1, sum)`.
    pub reducers: HashMap<String, String>,
}

/// Whether any step (or child) reads the path: labels, `path`, `simplePath`, `tree`, `otherV`, …
pub fn needs_paths(t: &GTraversal) -> bool {
    const PATH_STEPS: &[&str] = &["path", "simplePath", "cyclicPath", "tree", "otherV", "match"];
    t.steps.iter().chain(&t.source).any(|s| {
        !s.labels.is_empty()
            || PATH_STEPS.contains(&s.name.as_str())
            || s.args.iter().chain(s.modulators.iter().flat_map(|(_, a)| a)).any(arg_needs_paths)
    })
}

fn arg_needs_paths(a: &GArg) -> bool {
    match a {
        GArg::Traversal(t) => needs_paths(t),
        GArg::Map(pairs) => pairs.iter().any(|(k, v)| arg_needs_paths(k) || arg_needs_paths(v)),
        _ => false,
    }
}

/// Fails when traversers stand for more objects than a result may hold (bulks multiply in loops).
pub fn check_expansion(traversers: &[Traverser]) -> Result<()> {
    let total: u64 = traversers.iter().map(|t| t.bulk).fold(0u64, u64::saturating_add);
    if total > MAX_TRAVERSERS as u64 * 10 {
        return Err(Error::new(
            ErrorClass::ArgumentError,
            "TraversalTooLarge",
            Phase::Runtime,
            format!("the traversal yields {total} objects; count() them or limit() the traversal"),
        ));
    }
    Ok(())
}

/// Merges equal traversers again when paths are not tracked.
pub fn merge_if_untracked(m: &Machine, input: Vec<Traverser>) -> Vec<Traverser> {
    if m.track_paths || input.len() < 2 {
        input
    } else {
        merge_bulk(input)
    }
}

/// What makes two traversers interchangeable when paths are not read.
type BulkKey = (GObj, Vec<(Option<String>, u64)>, Option<GObj>);

/// Merges equal traversers (same object, loops and sack) into one with the summed bulk,
/// keeping first-seen order. Only valid when paths are not read.
pub fn merge_bulk(input: Vec<Traverser>) -> Vec<Traverser> {
    let mut index: HashMap<BulkKey, usize> = HashMap::new();
    let mut out: Vec<Traverser> = Vec::with_capacity(input.len());
    for t in input {
        let key = (t.obj.clone(), t.loops.clone(), t.sack.clone());
        match index.get(&key) {
            Some(&i) => out[i].bulk += t.bulk,
            None => {
                index.insert(key, out.len());
                out.push(t);
            }
        }
    }
    out
}

/// An error in the traversal the user wrote (a wrong argument, a bad type).
pub fn bad(step: &GStep, message: impl Into<String>) -> Error {
    Error::new(ErrorClass::ArgumentError, "InvalidArgument", Phase::Runtime, message.into()).at(step.pos)
}

/// A value of the wrong kind reached a step.
pub fn type_error(step: &GStep, message: impl Into<String>) -> Error {
    Error::new(ErrorClass::TypeError, "InvalidArgumentType", Phase::Runtime, message.into()).at(step.pos)
}

impl<'a> Machine<'a> {
    pub fn new(ctx: &'a ExecContext) -> Machine<'a> {
        Machine {
            ctx,
            side_effects: HashMap::new(),
            sack: None,
            depth: 0,
            track_paths: true,
            in_repeat: 0,
            dedup_state: HashMap::new(),
            subgraph: None,
            write_partition: None,
            group_members: HashMap::new(),
            bulk_enabled: true,
            productive_by: false,
            reducers: HashMap::new(),
        }
    }

    pub fn snapshot(&self) -> std::sync::Arc<Snapshot> {
        self.ctx.snapshot()
    }

    /// Applies the source instructions (`withSideEffect`, `withSack`, …).
    pub fn configure(&mut self, source: &[GStep]) -> Result<()> {
        for s in source {
            match s.name.as_str() {
                "withSideEffect" => {
                    let (Some(name), Some(value)) = (s.args.first().and_then(GArg::as_str), s.args.get(1)) else {
                        return Err(bad(s, "withSideEffect needs a name and a value"));
                    };
                    let value = self.constant(value, s)?;
                    self.side_effects.insert(name.to_string(), value);
                    if let Some(GArg::Token(_, op)) = s.args.get(2) {
                        self.reducers.insert(name.to_string(), op.clone());
                    }
                }
                "withSack" => {
                    let Some(initial) = s.args.first() else { return Err(bad(s, "withSack needs a value")) };
                    let split = s.args.iter().any(|a| matches!(a, GArg::Token(_, v) if v == "clone"));
                    let merge = s.args.iter().skip(1).find_map(|a| match a {
                        GArg::Token(k, v) if k == "Operator" => Some(v.clone()),
                        _ => None,
                    });
                    self.sack = Some(SackConfig { initial: initial.clone(), split, merge });
                }
                "withBulk" => {
                    self.bulk_enabled = !matches!(s.args.first(), Some(GArg::Value(Value::Boolean(false))));
                }
                "withStrategies" => {
                    for a in &s.args {
                        match a {
                            GArg::Strategy(n, config) if n == "SubgraphStrategy" => {
                                self.subgraph = Some(super::subgraph::Subgraph::from_config(config));
                            }
                            GArg::Strategy(n, _) if n == "ProductiveByStrategy" => self.productive_by = true,
                            GArg::Strategy(n, config) if n == "PartitionStrategy" => {
                                let (read, write) = super::subgraph::Subgraph::partition(config);
                                self.subgraph.get_or_insert_with(Default::default).partition = read;
                                self.write_partition = write;
                            }
                            _ => {}
                        }
                    }
                }
                // Other strategies, bulk and path options do not change results we compute.
                _ => {}
            }
        }
        Ok(())
    }

    /// The initial sack of a new traverser.
    pub fn initial_sack(&mut self, t: &Traverser) -> Result<Option<GObj>> {
        let Some(cfg) = self.sack.clone() else { return Ok(None) };
        match &cfg.initial {
            GArg::Traversal(child) => Ok(self.first(child, t)?),
            other => Ok(Some(self.constant(other, &GStep::new("withSack", Vec::new(), 0))?)),
        }
    }

    /// A step argument as an object (literals only).
    pub fn constant(&self, arg: &GArg, step: &GStep) -> Result<GObj> {
        match arg {
            GArg::Value(v) => Ok(GObj::from_value(v.clone())),
            GArg::Token(k, v) => Ok(GObj::Token(format!("{k}.{v}"))),
            GArg::Map(pairs) => {
                let mut out = Vec::new();
                for (k, v) in pairs {
                    out.push((self.constant(k, step)?, self.constant(v, step)?));
                }
                Ok(GObj::Map(out))
            }
            GArg::Cardinality(_, v) => self.constant(v, step),
            _ => Err(bad(step, format!("{}() expects a constant here", step.name))),
        }
    }

    /// Runs a whole traversal over `input`.
    pub fn run(&mut self, t: &GTraversal, input: Vec<Traverser>) -> Result<Vec<Traverser>> {
        self.depth += 1;
        if self.depth > 200 {
            self.depth -= 1;
            return Err(Error::new(
                ErrorClass::ArgumentError,
                "TraversalTooDeep",
                Phase::Runtime,
                "child traversals nest too deeply",
            ));
        }
        let mut current = input;
        let mut result = Ok(());
        for step in &t.steps {
            if let Err(e) = self.ctx.guard().check() {
                result = Err(e);
                current = Vec::new();
                break;
            }
            match steps::apply(self, step, current) {
                Ok(mut next) => {
                    if !self.track_paths && next.len() > 1000 {
                        next = merge_bulk(next);
                    }
                    if next.len() > MAX_TRAVERSERS {
                        result = Err(Error::new(
                            ErrorClass::ArgumentError,
                            "TraversalTooLarge",
                            Phase::Runtime,
                            format!("{}() produced more than {MAX_TRAVERSERS} traversers", step.name),
                        )
                        .at(step.pos));
                        current = Vec::new();
                        break;
                    }
                    for tr in &mut next {
                        tr.label(&step.labels);
                    }
                    current = next;
                }
                Err(e) => {
                    result = Err(e);
                    current = Vec::new();
                    break;
                }
            }
        }
        self.depth -= 1;
        result.map(|_| current)
    }

    /// A child traversal over one traverser.
    pub fn child(&mut self, t: &GTraversal, from: &Traverser) -> Result<Vec<Traverser>> {
        let mut start = from.clone();
        start.bulk = 1;
        self.run(t, vec![start])
    }

    /// The first object a child traversal yields for `from`.
    pub fn first(&mut self, t: &GTraversal, from: &Traverser) -> Result<Option<GObj>> {
        Ok(self.child(t, from)?.into_iter().next().map(|t| t.obj))
    }

    /// Whether a child traversal yields anything for `from`.
    pub fn exists(&mut self, t: &GTraversal, from: &Traverser) -> Result<bool> {
        Ok(!self.child(t, from)?.is_empty())
    }

    /// Every object of a child traversal, bulk expanded.
    pub fn all(&mut self, t: &GTraversal, from: &Traverser) -> Result<Vec<GObj>> {
        let mut out = Vec::new();
        for r in self.child(t, from)? {
            for _ in 0..r.bulk {
                out.push(r.obj.clone());
            }
        }
        Ok(out)
    }

    /// A new element joins the write partition, if there is one.
    pub fn created(&self, obj: &GObj) -> Result<()> {
        let Some((key, value)) = self.write_partition.clone() else { return Ok(()) };
        match obj {
            GObj::Vertex(id) => self.ctx.with_txn(|txn| txn.set_node_property(*id, &key, value)),
            GObj::Edge(id) => self.ctx.with_txn(|txn| txn.set_rel_property(*id, &key, value)),
            _ => Ok(()),
        }
    }

    /// The property `key` of an element (null when it has none).
    pub fn property(&self, obj: &GObj, key: &str) -> Value {
        let snap = self.snapshot();
        let Some(k) = snap.key_id(key) else { return Value::Null };
        match obj {
            GObj::Vertex(id) => snap.node_property(*id, k),
            GObj::Edge(id) => snap.rel_property(*id, k),
            _ => Value::Null,
        }
    }
}
