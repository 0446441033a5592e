//! Patterns: parts, nodes, relationships, variable lengths.

use plexus_storage::Error;

use super::exprs::{expr, labels};
use super::{children, has, name, next, pos, Res, P};
use crate::cypher::ast::{NodePattern, PatternPart, RelDirection, RelPattern, ShortestKind};
use crate::cypher::parser::Rule;

/// The comma-separated parts of a `pattern` node.
pub(super) fn pattern(p: P<'_>) -> Res<Vec<PatternPart>> {
    p.into_inner().map(pattern_part).collect()
}

/// `[p =] element`.
pub(super) fn pattern_part(p: P<'_>) -> Res<PatternPart> {
    let at = p.clone();
    let start = pos(&p);
    let mut variable = None;
    for c in children(p) {
        match c.as_rule() {
            Rule::variable => variable = Some(name(c)),
            Rule::shortest_path => return shortest_part(c, variable, start),
            _ => return chain_part(c, variable, start),
        }
    }
    Err(Error::syntax("UnexpectedSyntax", "expected a pattern", pos(&at)))
}

/// `shortestPath(...)` / `allShortestPaths(...)`.
pub(super) fn shortest_part(p: P<'_>, variable: Option<String>, start: usize) -> Res<PatternPart> {
    let kind = if has(&p, Rule::K_ALLSHORTESTPATHS) { ShortestKind::All } else { ShortestKind::Single };
    let at = p.clone();
    let inner = next(&mut children(p), &at, "a pattern")?;
    if inner.as_rule() != Rule::chain && inner.as_rule() != Rule::rel_chain {
        return Err(Error::syntax("UnexpectedSyntax", "nested shortest path", pos(&inner)));
    }
    let mut part = chain_part(inner, variable, start)?;
    part.shortest = Some(kind);
    Ok(part)
}

/// A `chain` / `rel_chain` node: a node followed by relationship-node pairs.
pub(super) fn chain_part(p: P<'_>, variable: Option<String>, start: usize) -> Res<PatternPart> {
    let at = p.clone();
    let mut it = p.into_inner();
    let first = node(next(&mut it, &at, "a node pattern")?)?;
    let mut chain = Vec::new();
    while let Some(rel_pair) = it.next() {
        let rel = rel(rel_pair)?;
        chain.push((rel, node(next(&mut it, &at, "a node pattern")?)?));
    }
    Ok(PatternPart { variable, shortest: None, start: first, chain, pos: start })
}

/// `(n:A:B {k: v})`.
fn node(p: P<'_>) -> Res<NodePattern> {
    let mut node = NodePattern { variable: None, labels: Vec::new(), properties: None, pos: pos(&p) };
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::variable => node.variable = Some(name(c)),
            Rule::node_labels => node.labels = labels(c),
            _ => node.properties = Some(expr(c)?),
        }
    }
    Ok(node)
}

/// `<-[r:T|U*1..3 {k: v}]->` and the short forms.
fn rel(p: P<'_>) -> Res<RelPattern> {
    let (mut left, mut right) = (false, false);
    let mut rel = RelPattern {
        variable: None,
        types: Vec::new(),
        direction: RelDirection::Both,
        length: None,
        properties: None,
        pos: pos(&p),
    };
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::left_arrow => left = true,
            Rule::right_arrow => right = true,
            _ => rel_detail(c, &mut rel)?,
        }
    }
    rel.direction = match (left, right) {
        (true, false) => RelDirection::Left,
        (false, true) => RelDirection::Right,
        _ => RelDirection::Both,
    };
    Ok(rel)
}

/// The bracketed part of a relationship pattern.
fn rel_detail(p: P<'_>, rel: &mut RelPattern) -> Res<()> {
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::variable => rel.variable = Some(name(c)),
            Rule::rel_types => rel.types = c.into_inner().map(name).collect(),
            Rule::range => rel.length = Some(range(c)?),
            Rule::bad_range => {
                let msg = format!("invalid variable-length relationship '{}'", c.as_str());
                return Err(Error::syntax("InvalidRelationshipPattern", msg, pos(&c)));
            }
            _ => rel.properties = Some(expr(c)?),
        }
    }
    Ok(())
}

/// `*`, `*2`, `*1..3`, `*..3`, `*2..`.
fn range(p: P<'_>) -> Res<(Option<u64>, Option<u64>)> {
    let Some(spec) = p.into_inner().next() else {
        return Ok((None, None));
    };
    if spec.as_rule() == Rule::range_exact {
        let n = bound(&spec)?;
        return Ok((Some(n), Some(n)));
    }
    let (mut min, mut max) = (None, None);
    for c in spec.into_inner() {
        if c.as_rule() == Rule::range_min {
            min = Some(bound(&c)?);
        } else {
            max = Some(bound(&c)?);
        }
    }
    Ok((min, max))
}

/// One integer bound of a variable-length relationship.
fn bound(p: &P<'_>) -> Res<u64> {
    p.as_str().parse().map_err(|_| {
        let msg = format!("variable-length bound '{}' is out of range", p.as_str());
        Error::syntax("InvalidRelationshipPattern", msg, pos(p))
    })
}
