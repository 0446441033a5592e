//! The steps, by family; `apply` dispatches on the step name.

mod branch;
mod convert;
mod dates;
mod filter;
mod lists;
mod map;
mod merge;
mod mutate;
mod navigate;
mod pattern_match;
mod reduce;
mod sample;
mod side_effect;
mod strings;
mod subgraph;
mod tree;

use plexus_planner::gremlin::GStep;
use plexus_storage::{Error, ErrorClass, Phase, Result};

use super::machine::Machine;
use super::object::GObj;
use super::traverser::Traverser;

pub fn apply(m: &mut Machine, step: &GStep, input: Vec<Traverser>) -> Result<Vec<Traverser>> {
    if let Some(out) = navigate::apply(m, step, &input)? {
        return Ok(out);
    }
    if let Some(out) = filter::apply(m, step, &input)? {
        return Ok(out);
    }
    if let Some(out) = map::apply(m, step, &input)? {
        return Ok(out);
    }
    if let Some(out) = reduce::apply(m, step, &input)? {
        return Ok(out);
    }
    if let Some(out) = branch::apply(m, step, &input)? {
        return Ok(out);
    }
    if let Some(out) = side_effect::apply(m, step, &input)? {
        return Ok(out);
    }
    if let Some(out) = mutate::apply(m, step, &input)? {
        return Ok(out);
    }
    if let Some(out) = strings::apply(m, step, &input)? {
        return Ok(out);
    }
    if let Some(out) = pattern_match::apply(m, step, &input)? {
        return Ok(out);
    }
    if let Some(out) = lists::apply(m, step, &input)? {
        return Ok(out);
    }
    if let Some(out) = convert::apply(m, step, &input)? {
        return Ok(out);
    }
    if let Some(out) = dates::apply(m, step, &input)? {
        return Ok(out);
    }
    if let Some(out) = sample::apply(m, step, &input)? {
        return Ok(out);
    }
    if let Some(out) = tree::apply(m, step, &input)? {
        return Ok(out);
    }
    if let Some(out) = subgraph::apply(m, step, &input)? {
        return Ok(out);
    }
    Err(Error::new(
        ErrorClass::SyntaxError,
        "UnsupportedStep",
        Phase::Compile,
        format!("the step {}() is not supported", step.name),
    )
    .at(step.pos))
}

pub use subgraph::is_subgraph;

/// Short text of an object for messages and derived ids.
pub fn display(obj: &GObj) -> String {
    match obj {
        GObj::Val(v) => v.to_display_string(),
        GObj::Vertex(id) => format!("v[{id}]"),
        GObj::Edge(id) => format!("e[{id}]"),
        other => format!("{other:?}"),
    }
}

/// Whether a step was called with `Scope.local` as its first argument.
pub fn is_local(step: &GStep) -> bool {
    matches!(step.args.first(), Some(plexus_planner::gremlin::GArg::Token(k, v)) if k == "Scope" && v == "local")
}
