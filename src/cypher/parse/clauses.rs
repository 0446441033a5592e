//! Statements, queries and clauses.

use plexus_storage::Error;

use super::exprs::{expr, labels, reject_pattern_value, where_expr};
use super::patterns::{pattern, pattern_part};
use super::{children, has, name, next, pos, unexpected, Res, P};
use crate::cypher::ast::{
    Call, Clause, Create, Delete, ExplainMode, Expr, ExprKind, Foreach, LoadCsv, Match, Merge, Projection,
    ProjectionItem, Query, Remove, RemoveItem, Return, SetClause, SetItem, SingleQuery, SortItem, Statement, Unwind,
    With,
};
use crate::cypher::parser::Rule;

/// Build the `statement` node.
pub(crate) fn build_statement(p: P<'_>) -> Res<Statement> {
    let mut explain = None;
    for c in p.clone().into_inner() {
        match c.as_rule() {
            Rule::explain if has(&c, Rule::K_EXPLAIN) => explain = Some(ExplainMode::Explain),
            Rule::explain => explain = Some(ExplainMode::Profile),
            Rule::query => return Ok(Statement { explain, query: query(c)? }),
            _ => {}
        }
    }
    Err(unexpected(&p, "expected a query"))
}

/// `single (UNION [ALL] single)*`.
pub(super) fn query(p: P<'_>) -> Res<Query> {
    let at = p.clone();
    let mut it = p.into_inner();
    let first = single_query(next(&mut it, &at, "a query")?)?;
    let mut unions = Vec::new();
    while let Some(u) = it.next() {
        let all = has(&u, Rule::K_ALL);
        unions.push((all, single_query(next(&mut it, &at, "a query")?)?));
    }
    Ok(Query { first, unions })
}

/// A sequence of clauses.
fn single_query(p: P<'_>) -> Res<SingleQuery> {
    let clauses: Vec<Clause> = p.into_inner().map(clause).collect::<Res<_>>()?;
    let star_call = clauses.iter().find_map(|c| match c {
        Clause::Call(call) if call.yield_all => Some(call.pos),
        _ => None,
    });
    if let (Some(at), true) = (star_call, clauses.len() > 1) {
        let msg = "YIELD * is only allowed in a standalone procedure call";
        return Err(Error::syntax("UnexpectedSyntax", msg, at));
    }
    Ok(SingleQuery { clauses })
}

/// Build any clause.
fn clause(p: P<'_>) -> Res<Clause> {
    Ok(match p.as_rule() {
        Rule::match_clause => Clause::Match(match_clause(p)?),
        Rule::unwind_clause => Clause::Unwind(unwind(p)?),
        Rule::load_csv_clause => Clause::LoadCsv(load_csv(p)?),
        Rule::with_clause => Clause::With(with(p)?),
        Rule::return_clause => {
            let at = pos(&p);
            let body = next(&mut children(p.clone()), &p, "a projection")?;
            Clause::Return(Return { projection: projection(body)?, pos: at })
        }
        Rule::create_clause => {
            let at = pos(&p);
            let body = next(&mut children(p.clone()), &p, "a pattern")?;
            Clause::Create(Create { pattern: pattern(body)?, pos: at })
        }
        Rule::merge_clause => Clause::Merge(merge(p)?),
        Rule::set_clause => {
            let at = pos(&p);
            let body = next(&mut children(p.clone()), &p, "a SET item")?;
            Clause::Set(SetClause { items: set_items(body)?, pos: at })
        }
        Rule::remove_clause => Clause::Remove(remove(p)?),
        Rule::delete_clause => {
            let detach = has(&p, Rule::K_DETACH);
            let at = pos(&p);
            Clause::Delete(Delete { detach, exprs: children(p).map(expr).collect::<Res<_>>()?, pos: at })
        }
        Rule::call_clause => Clause::Call(call(p)?),
        Rule::foreach_clause => Clause::Foreach(foreach(p)?),
        _ => return Err(unexpected(&p, "expected a clause")),
    })
}

/// `[OPTIONAL] MATCH pattern [WHERE expr]`.
fn match_clause(p: P<'_>) -> Res<Match> {
    let optional = has(&p, Rule::K_OPTIONAL);
    let at = p.clone();
    let mut it = children(p);
    let pattern = pattern(next(&mut it, &at, "a pattern")?)?;
    let where_ = it.next().map(where_expr).transpose()?;
    Ok(Match { optional, pattern, where_, pos: pos(&at) })
}

/// `UNWIND expr AS x`.
fn unwind(p: P<'_>) -> Res<Unwind> {
    let at = p.clone();
    let mut it = children(p);
    let expr = expr(next(&mut it, &at, "an expression")?)?;
    let alias = name(next(&mut it, &at, "a variable")?);
    Ok(Unwind { expr, alias, pos: pos(&at) })
}

/// `LOAD CSV [WITH HEADERS] FROM expr AS x [FIELDTERMINATOR 'c']`.
fn load_csv(p: P<'_>) -> Res<LoadCsv> {
    let at = p.clone();
    let with_headers = has(&p, Rule::with_headers);
    let (mut url, mut alias, mut terminator) = (None, None, None);
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::expression => url = Some(expr(c)?),
            Rule::variable => alias = Some(name(c)),
            Rule::field_terminator => {
                let lit = c.into_inner().find(|x| x.as_rule() == Rule::string_lit);
                terminator = lit.map(super::literals::string).transpose()?;
            }
            _ => {}
        }
    }
    let url = url.ok_or_else(|| unexpected(&at, "a file URL"))?;
    let alias = alias.ok_or_else(|| unexpected(&at, "a variable"))?;
    Ok(LoadCsv { with_headers, url, alias, terminator, pos: pos(&at) })
}

/// `WITH projection [WHERE expr]`.
fn with(p: P<'_>) -> Res<With> {
    let at = p.clone();
    let mut it = children(p);
    let projection = projection(next(&mut it, &at, "a projection")?)?;
    let where_ = it.next().map(where_expr).transpose()?;
    Ok(With { projection, where_, pos: pos(&at) })
}

/// The body shared by WITH and RETURN.
fn projection(p: P<'_>) -> Res<Projection> {
    let mut proj = Projection {
        distinct: has(&p, Rule::K_DISTINCT),
        star: false,
        items: Vec::new(),
        order_by: Vec::new(),
        skip: None,
        limit: None,
    };
    for c in children(p) {
        match c.as_rule() {
            Rule::projection_items => {
                for item in c.into_inner() {
                    match item.as_rule() {
                        Rule::star => proj.star = true,
                        _ => proj.items.push(projection_item(item)?),
                    }
                }
            }
            Rule::order_by => proj.order_by = children(c).map(sort_item).collect::<Res<_>>()?,
            Rule::skip => proj.skip = Some(where_expr(c)?),
            _ => proj.limit = Some(where_expr(c)?),
        }
    }
    Ok(proj)
}

/// `expr [AS alias]`, keeping the expression's text as written.
fn projection_item(p: P<'_>) -> Res<ProjectionItem> {
    let at = p.clone();
    let mut it = children(p);
    let e = next(&mut it, &at, "an expression")?;
    let text = e.as_str().trim().to_string();
    let expr = expr(e)?;
    reject_pattern_value(&expr)?;
    let alias = it.next().map(name);
    Ok(ProjectionItem { expr, alias, text, pos: pos(&at) })
}

/// `expr [ASC|DESC]`.
fn sort_item(p: P<'_>) -> Res<SortItem> {
    let at = p.clone();
    let mut it = children(p);
    let expr = expr(next(&mut it, &at, "an expression")?)?;
    let descending = it.next().is_some_and(|d| has(&d, Rule::K_DESC) || has(&d, Rule::K_DESCENDING));
    Ok(SortItem { expr, descending })
}

/// `MERGE part [ON CREATE SET ... | ON MATCH SET ...]*`.
fn merge(p: P<'_>) -> Res<Merge> {
    let at = p.clone();
    let mut it = children(p);
    let pattern = pattern_part(next(&mut it, &at, "a pattern")?)?;
    let (mut on_create, mut on_match) = (Vec::new(), Vec::new());
    for action in it {
        let on_create_action = has(&action, Rule::K_CREATE);
        let items = set_items(next(&mut children(action.clone()), &action, "a SET item")?)?;
        if on_create_action {
            on_create.extend(items);
        } else {
            on_match.extend(items);
        }
    }
    Ok(Merge { pattern, on_create, on_match, pos: pos(&at) })
}

/// The items of a `set_items` node.
fn set_items(p: P<'_>) -> Res<Vec<SetItem>> {
    p.into_inner().map(set_item).collect()
}

/// One SET item.
fn set_item(p: P<'_>) -> Res<SetItem> {
    let at = p.clone();
    let rule = p.as_rule();
    let mut it = p.into_inner();
    let first = next(&mut it, &at, "a SET item")?;
    if rule == Rule::set_property {
        let (target, key) = property_target(first)?;
        let value = expr(next(&mut it, &at, "an expression")?)?;
        return Ok(SetItem::Property { target, key, value });
    }
    let variable = name(first);
    let second = next(&mut it, &at, "a SET item")?;
    Ok(match rule {
        Rule::set_labels => SetItem::Labels { variable, labels: labels(second) },
        Rule::set_merge => SetItem::Merge { variable, value: expr(second)? },
        _ => SetItem::Replace { variable, value: expr(second)? },
    })
}

/// Split `target.key` (a `property_expression` node).
fn property_target(p: P<'_>) -> Res<(Expr, String)> {
    let at = p.clone();
    match expr(p)? {
        Expr { kind: ExprKind::Property(target, key), .. } => Ok((*target, key)),
        _ => Err(Error::syntax(
            "UnexpectedSyntax",
            format!("expected a property, found '{}'", at.as_str().trim()),
            pos(&at),
        )),
    }
}

/// `REMOVE n.k, n:A`.
fn remove(p: P<'_>) -> Res<Remove> {
    let at = pos(&p);
    let items = children(p)
        .map(|item| {
            if item.as_rule() == Rule::remove_labels {
                let mut it = item.clone().into_inner();
                let variable = name(next(&mut it, &item, "a variable")?);
                let labels = labels(next(&mut it, &item, "labels")?);
                return Ok(RemoveItem::Labels { variable, labels });
            }
            let (target, key) = property_target(item)?;
            Ok(RemoveItem::Property { target, key })
        })
        .collect::<Res<_>>()?;
    Ok(Remove { items, pos: at })
}

/// `CALL ns.proc[(args)] [YIELD ...]`.
fn call(p: P<'_>) -> Res<Call> {
    let at = p.clone();
    let mut call =
        Call { procedure: String::new(), args: None, yields: None, yield_all: false, where_: None, pos: pos(&p) };
    for c in children(p) {
        match c.as_rule() {
            Rule::procedure_name => call.procedure = c.into_inner().map(name).collect::<Vec<_>>().join("."),
            Rule::call_args => call.args = Some(c.into_inner().map(expr).collect::<Res<_>>()?),
            _ => yield_clause(c, &mut call)?,
        }
    }
    if call.procedure.is_empty() {
        return Err(unexpected(&at, "expected a procedure name"));
    }
    Ok(call)
}

/// `YIELD * | a, b AS c [WHERE ...]`.
fn yield_clause(p: P<'_>, call: &mut Call) -> Res<()> {
    let mut yields = Vec::new();
    for c in children(p) {
        match c.as_rule() {
            Rule::star => call.yield_all = true,
            Rule::where_clause => call.where_ = Some(where_expr(c)?),
            _ => {
                let mut it = children(c);
                let field = it.next().map(name).unwrap_or_default();
                yields.push((field, it.next().map(name)));
            }
        }
    }
    if !call.yield_all {
        call.yields = Some(yields);
    }
    Ok(())
}

/// `FOREACH (x IN list | clauses)`.
fn foreach(p: P<'_>) -> Res<Foreach> {
    let at = p.clone();
    let mut it = children(p);
    let variable = name(next(&mut it, &at, "a variable")?);
    let list = expr(next(&mut it, &at, "an expression")?)?;
    let clauses = it.map(clause).collect::<Res<_>>()?;
    Ok(Foreach { variable, list, clauses, pos: pos(&at) })
}
