//! Expressions, from OR down to the atoms.

use plexus_storage::Value;

use super::literals::{is_min_magnitude, literal, string};
use super::patterns::{chain_part, pattern, shortest_part};
use super::{children, has, name, next, pos, unexpected, Res, P};
use crate::cypher::ast::{BinaryOp, Expr, ExprKind, MapProjectionItem, Match, Quantifier, UnaryOp};
use crate::cypher::parser::Rule;

/// Wrap a kind with a position.
fn mk(kind: ExprKind, pos: usize) -> Expr {
    Expr { kind, pos }
}

/// Rules that are only a wrapper when they have a single child.
fn is_passthrough(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::expression
            | Rule::or_expr
            | Rule::xor_expr
            | Rule::and_expr
            | Rule::not_expr
            | Rule::comparison
            | Rule::predicate_expr
            | Rule::add_sub
            | Rule::mul_div
            | Rule::power
            | Rule::unary
            | Rule::postfix
            | Rule::slice_from
            | Rule::slice_to
            | Rule::case_operand
            | Rule::paren_expr
    )
}

/// Skip wrapper nodes with one child (iteratively: keeps the recursion shallow).
fn unwrap(mut p: P<'_>) -> P<'_> {
    while is_passthrough(p.as_rule()) {
        let mut it = p.clone().into_inner();
        match (it.next(), it.next()) {
            (Some(only), None) => p = only,
            _ => break,
        }
    }
    p
}

/// Build any expression-level node.
pub(super) fn expr(p: P<'_>) -> Res<Expr> {
    let p = unwrap(p);
    match p.as_rule() {
        Rule::expression | Rule::slice_from | Rule::slice_to | Rule::case_operand | Rule::paren_expr => {
            let at = p.clone();
            expr(next(&mut children(p), &at, "an expression")?)
        }
        Rule::or_expr => fold(p, BinaryOp::Or),
        Rule::xor_expr => fold(p, BinaryOp::Xor),
        Rule::and_expr => fold(p, BinaryOp::And),
        Rule::not_expr => not_expr(p),
        Rule::comparison => comparison(p),
        Rule::predicate_expr => predicate(p),
        Rule::add_sub | Rule::mul_div => arithmetic(p),
        Rule::power => fold(p, BinaryOp::Pow),
        Rule::unary => unary(p),
        Rule::postfix | Rule::property_expression => postfix(p),
        _ => atom(p),
    }
}

/// Build a list of expressions.
fn exprs<'i>(it: impl Iterator<Item = P<'i>>) -> Res<Vec<Expr>> {
    it.map(expr).collect()
}

/// A left-associative chain of one operator (operands are the non-keyword children).
fn fold(p: P<'_>, op: BinaryOp) -> Res<Expr> {
    let at = p.clone();
    let mut it = children(p);
    let mut acc = expr(next(&mut it, &at, "an expression")?)?;
    for rhs in it {
        let pos = acc.pos;
        acc = mk(ExprKind::Binary(op, Box::new(acc), Box::new(expr(rhs)?)), pos);
    }
    Ok(acc)
}

/// `NOT NOT x`.
fn not_expr(p: P<'_>) -> Res<Expr> {
    let mut nots = Vec::new();
    let mut operand = None;
    for c in p.into_inner() {
        match c.as_rule() {
            Rule::K_NOT => nots.push(pos(&c)),
            _ => operand = Some(expr(c)?),
        }
    }
    let mut acc =
        operand.ok_or_else(|| plexus_storage::Error::syntax("UnexpectedSyntax", "expected an expression", 0))?;
    for at in nots.into_iter().rev() {
        acc = mk(ExprKind::Unary(UnaryOp::Not, Box::new(acc)), at);
    }
    Ok(acc)
}

/// The operator of a `comp_op`, `add_op` or `mul_op` node.
fn operator(p: &P<'_>) -> BinaryOp {
    match p.as_str().trim() {
        "=" => BinaryOp::Eq,
        "<>" => BinaryOp::Neq,
        "<" => BinaryOp::Lt,
        "<=" => BinaryOp::Le,
        ">" => BinaryOp::Gt,
        ">=" => BinaryOp::Ge,
        "+" => BinaryOp::Add,
        "-" => BinaryOp::Sub,
        "*" => BinaryOp::Mul,
        "/" => BinaryOp::Div,
        _ => BinaryOp::Mod,
    }
}

/// `a = b` is a Binary; `a < b <= c` is a Comparison chain.
fn comparison(p: P<'_>) -> Res<Expr> {
    let at = p.clone();
    let mut it = children(p);
    let first = expr(next(&mut it, &at, "an expression")?)?;
    let mut rest = Vec::new();
    while let Some(op) = it.next() {
        rest.push((operator(&op), expr(next(&mut it, &at, "an expression")?)?));
    }
    let pos = first.pos;
    Ok(match rest.len() {
        0 => first,
        1 => {
            let (op, rhs) = rest.remove(0);
            mk(ExprKind::Binary(op, Box::new(first), Box::new(rhs)), pos)
        }
        _ => mk(ExprKind::Comparison(Box::new(first), rest), pos),
    })
}

/// `+ -` and `* / %` chains.
fn arithmetic(p: P<'_>) -> Res<Expr> {
    let at = p.clone();
    let mut it = children(p);
    let mut acc = expr(next(&mut it, &at, "an expression")?)?;
    while let Some(op) = it.next() {
        let rhs = expr(next(&mut it, &at, "an expression")?)?;
        let pos = acc.pos;
        acc = mk(ExprKind::Binary(operator(&op), Box::new(acc), Box::new(rhs)), pos);
    }
    Ok(acc)
}

/// `IS [NOT] NULL`, `STARTS WITH`, `ENDS WITH`, `CONTAINS`, `IN`, `=~` suffixes.
fn predicate(p: P<'_>) -> Res<Expr> {
    let at = p.clone();
    let mut it = children(p);
    let mut acc = expr(next(&mut it, &at, "an expression")?)?;
    for suffix in it {
        let pos = acc.pos;
        let mut parts = suffix.clone().into_inner();
        let head = next(&mut parts, &suffix, "an operator")?;
        acc = if head.as_rule() == Rule::null_check {
            let op = if has(&head, Rule::K_NOT) { UnaryOp::IsNotNull } else { UnaryOp::IsNull };
            mk(ExprKind::Unary(op, Box::new(acc)), pos)
        } else {
            let op = string_op(&head);
            let rhs = expr(next(&mut parts, &suffix, "an expression")?)?;
            mk(ExprKind::Binary(op, Box::new(acc), Box::new(rhs)), pos)
        };
    }
    Ok(acc)
}

/// The operator of a `string_op` node.
fn string_op(p: &P<'_>) -> BinaryOp {
    match p.clone().into_inner().next().map(|k| k.as_rule()) {
        Some(Rule::K_STARTS) => BinaryOp::StartsWith,
        Some(Rule::K_ENDS) => BinaryOp::EndsWith,
        Some(Rule::K_CONTAINS) => BinaryOp::Contains,
        Some(Rule::K_IN) => BinaryOp::In,
        _ => BinaryOp::RegexMatch,
    }
}

/// Unary `-` / `+`; `-9223372036854775808` folds into one literal.
fn unary(p: P<'_>) -> Res<Expr> {
    let mut ops: Vec<(usize, UnaryOp)> = Vec::new();
    let mut operand = None;
    for c in p.into_inner() {
        if c.as_rule() == Rule::unary_op {
            let op = if c.as_str() == "-" { UnaryOp::Neg } else { UnaryOp::Plus };
            ops.push((pos(&c), op));
        } else {
            operand = Some(c);
        }
    }
    let Some(operand) = operand else {
        return Err(plexus_storage::Error::syntax("UnexpectedSyntax", "expected an expression", 0));
    };
    let mut acc = match ops.last() {
        Some(&(at, UnaryOp::Neg)) if min_integer_operand(&operand) => {
            ops.pop();
            mk(ExprKind::Literal(Value::Integer(i64::MIN)), at)
        }
        _ => expr(operand)?,
    };
    for (at, op) in ops.into_iter().rev() {
        acc = mk(ExprKind::Unary(op, Box::new(acc)), at);
    }
    Ok(acc)
}

/// Is this `postfix` node a bare integer literal of magnitude 2^63?
fn min_integer_operand(p: &P<'_>) -> bool {
    let mut inner = p.clone().into_inner();
    let (Some(lit), None) = (inner.next(), inner.next()) else {
        return false;
    };
    if lit.as_rule() != Rule::literal {
        return false;
    }
    match lit.into_inner().next() {
        Some(num) if num.as_rule() == Rule::number => is_min_magnitude(&num),
        _ => false,
    }
}

/// An atom followed by property lookups, subscripts and a label predicate.
fn postfix(p: P<'_>) -> Res<Expr> {
    let at = p.clone();
    let mut it = p.into_inner();
    let mut acc = expr(next(&mut it, &at, "an expression")?)?;
    for op in it {
        let pos = acc.pos;
        acc = match op.as_rule() {
            Rule::property_lookup => {
                let key = name(next(&mut op.clone().into_inner(), &op, "a property key")?);
                mk(ExprKind::Property(Box::new(acc), key), pos)
            }
            Rule::node_labels => mk(ExprKind::HasLabels(Box::new(acc), labels(op)), pos),
            _ => subscript(acc, op)?,
        };
    }
    Ok(acc)
}

/// The names of a `node_labels` node.
pub(super) fn labels(p: P<'_>) -> Vec<String> {
    p.into_inner().map(name).collect()
}

/// `a[i]`, `a[i..j]`, `a[..j]`, `a[i..]`.
fn subscript(base: Expr, p: P<'_>) -> Res<Expr> {
    let pos = base.pos;
    let (mut from, mut to, mut dots) = (None, None, false);
    for c in p.clone().into_inner() {
        match c.as_rule() {
            Rule::slice_from => from = Some(Box::new(expr(c)?)),
            Rule::slice_to => to = Some(Box::new(expr(c)?)),
            _ => dots = true,
        }
    }
    if dots {
        return Ok(mk(ExprKind::Slice(Box::new(base), from, to), pos));
    }
    match from {
        Some(index) => Ok(mk(ExprKind::Index(Box::new(base), index), pos)),
        None => Err(plexus_storage::Error::syntax(
            "UnexpectedSyntax",
            "expected an expression, found ']'",
            pos_of_end(&p) - 1,
        )),
    }
}

/// Where a node ends.
fn pos_of_end(p: &P<'_>) -> usize {
    p.as_span().end()
}

/// Build an atom.
fn atom(p: P<'_>) -> Res<Expr> {
    let at = pos(&p);
    let kind = match p.as_rule() {
        Rule::literal => return literal(p),
        Rule::parameter => ExprKind::Parameter(name(p)),
        Rule::variable => ExprKind::Variable(name(p)),
        Rule::count_star => ExprKind::CountStar,
        Rule::case_expr => case(p)?,
        Rule::list_literal => ExprKind::List(exprs(children(p))?),
        Rule::map_literal => ExprKind::Map(map_entries(p)?),
        Rule::list_comprehension => list_comprehension(p)?,
        Rule::pattern_comprehension => pattern_comprehension(p)?,
        Rule::quantified => quantified(p)?,
        Rule::reduce_expr => reduce(p)?,
        Rule::exists_subquery => exists(p)?,
        Rule::shortest_path => ExprKind::PatternPredicate(Box::new(shortest_part(p, None, at)?)),
        Rule::rel_chain => ExprKind::PatternPredicate(Box::new(chain_part(p, None, at)?)),
        Rule::function_call => function(p)?,
        Rule::map_projection => map_projection(p)?,
        Rule::string_lit => ExprKind::Literal(Value::String(string(p)?)),
        _ => return Err(unexpected(&p, "expected an expression")),
    };
    Ok(mk(kind, at))
}

/// The entries of a `map_literal` node.
pub(super) fn map_entries(p: P<'_>) -> Res<Vec<(String, Expr)>> {
    p.into_inner()
        .map(|entry| {
            let mut it = entry.clone().into_inner();
            let key = name(next(&mut it, &entry, "a key")?);
            Ok((key, expr(next(&mut it, &entry, "an expression")?)?))
        })
        .collect()
}

/// `CASE [operand] WHEN a THEN b ... [ELSE c] END`.
fn case(p: P<'_>) -> Res<ExprKind> {
    let (mut operand, mut whens, mut else_) = (None, Vec::new(), None);
    for c in children(p) {
        match c.as_rule() {
            Rule::case_operand => operand = Some(Box::new(expr(c)?)),
            Rule::case_when => {
                let mut it = children(c.clone());
                let when = expr(next(&mut it, &c, "an expression")?)?;
                whens.push((when, expr(next(&mut it, &c, "an expression")?)?));
            }
            _ => else_ = Some(Box::new(expr(next(&mut children(c.clone()), &c, "an expression")?)?)),
        }
    }
    Ok(ExprKind::Case { operand, whens, else_ })
}

/// An optional boxed sub-expression.
type OptExpr = Option<Box<Expr>>;

/// The WHERE and `|` parts of comprehensions.
fn filter_parts<'i>(it: impl Iterator<Item = P<'i>>) -> Res<(OptExpr, OptExpr)> {
    let (mut predicate, mut projection) = (None, None);
    for c in it {
        let at = c.clone();
        let e = Box::new(expr(next(&mut children(c), &at, "an expression")?)?);
        if at.as_rule() == Rule::filter_where {
            predicate = Some(e);
        } else {
            projection = Some(e);
        }
    }
    Ok((predicate, projection))
}

/// `[x IN list WHERE pred | proj]`.
fn list_comprehension(p: P<'_>) -> Res<ExprKind> {
    let at = p.clone();
    let mut it = children(p);
    let variable = name(next(&mut it, &at, "a variable")?);
    let list = Box::new(expr(next(&mut it, &at, "an expression")?)?);
    let (predicate, projection) = filter_parts(it)?;
    Ok(ExprKind::ListComprehension { variable, list, predicate, projection })
}

/// `[p = (a)-->(b) WHERE pred | proj]`.
fn pattern_comprehension(p: P<'_>) -> Res<ExprKind> {
    let at = p.clone();
    let mut it = children(p).peekable();
    let variable = match it.peek() {
        Some(v) if v.as_rule() == Rule::variable => it.next().map(name),
        _ => None,
    };
    let chain = next(&mut it, &at, "a pattern")?;
    let chain_pos = variable.as_ref().map_or(pos(&chain), |_| pos(&at) + 1);
    let pattern = Box::new(chain_part(chain, variable, chain_pos)?);
    let (predicate, projection) = filter_parts(it)?;
    let projection = projection.ok_or_else(|| unexpected(&at, "expected '|' in a pattern comprehension"))?;
    Ok(ExprKind::PatternComprehension { pattern, predicate, projection })
}

/// `all/any/none/single(x IN list WHERE pred)`.
fn quantified(p: P<'_>) -> Res<ExprKind> {
    let at = p.clone();
    let mut it = children(p);
    let q = next(&mut it, &at, "a quantifier")?;
    let quantifier = match q.into_inner().next().map(|k| k.as_rule()) {
        Some(Rule::K_ALL) => Quantifier::All,
        Some(Rule::K_ANY) => Quantifier::Any,
        Some(Rule::K_NONE) => Quantifier::None,
        _ => Quantifier::Single,
    };
    let variable = name(next(&mut it, &at, "a variable")?);
    let list = Box::new(expr(next(&mut it, &at, "an expression")?)?);
    let (predicate, _) = filter_parts(it)?;
    let predicate = predicate.ok_or_else(|| unexpected(&at, "expected WHERE"))?;
    Ok(ExprKind::Quantified { quantifier, variable, list, predicate })
}

/// `reduce(acc = init, x IN list | expr)`.
fn reduce(p: P<'_>) -> Res<ExprKind> {
    let at = p.clone();
    let mut it = children(p);
    let accumulator = name(next(&mut it, &at, "a variable")?);
    let init = Box::new(expr(next(&mut it, &at, "an expression")?)?);
    let variable = name(next(&mut it, &at, "a variable")?);
    let list = Box::new(expr(next(&mut it, &at, "an expression")?)?);
    let expr = Box::new(expr(next(&mut it, &at, "an expression")?)?);
    Ok(ExprKind::Reduce { accumulator, init, variable, list, expr })
}

/// `EXISTS { pattern [WHERE ...] }` / `EXISTS { MATCH ... }` / `EXISTS { full query }`.
fn exists(p: P<'_>) -> Res<ExprKind> {
    let at = p.clone();
    let body = next(&mut children(p), &at, "a subquery")?;
    if body.as_rule() == Rule::exists_pattern {
        let pos = pos(&body);
        let mut it = children(body);
        let pattern = pattern(next(&mut it, &at, "a pattern")?)?;
        let where_ = it.next().map(where_expr).transpose()?;
        return Ok(ExprKind::ExistsSubquery(Box::new(Match { optional: false, pattern, where_, pos })));
    }
    let query = super::clauses::query(body)?;
    if let Some(m) = single_match(&query) {
        return Ok(ExprKind::ExistsSubquery(Box::new(m)));
    }
    Ok(ExprKind::ExistsQuery(Box::new(query)))
}

/// A subquery that is exactly one non-optional MATCH.
fn single_match(q: &crate::cypher::ast::Query) -> Option<Match> {
    match (q.unions.is_empty(), q.first.clauses.as_slice()) {
        (true, [crate::cypher::ast::Clause::Match(m)]) if !m.optional => Some(m.clone()),
        _ => None,
    }
}

/// The expression of a `where_clause` node.
pub(super) fn where_expr(p: P<'_>) -> Res<Expr> {
    let at = p.clone();
    expr(next(&mut children(p), &at, "an expression")?)
}

/// `ns.name([DISTINCT] args)`.
fn function(p: P<'_>) -> Res<ExprKind> {
    let distinct = has(&p, Rule::K_DISTINCT);
    let at = p.clone();
    let mut it = children(p);
    let fname = next(&mut it, &at, "a function name")?;
    let name = fname.into_inner().map(name).collect::<Vec<_>>().join(".");
    let args = exprs(it)?;
    if !name.eq_ignore_ascii_case("exists") {
        args.iter().try_for_each(reject_pattern_value)?;
    }
    Ok(ExprKind::Function { name, distinct, args })
}

/// Pattern expressions only test for existence: refuse one used as a value
/// (a projected column, a function argument other than `exists`).
pub(super) fn reject_pattern_value(e: &Expr) -> Res<()> {
    if matches!(e.kind, ExprKind::PatternPredicate(_)) {
        let msg = "a pattern expression can only be used as a predicate \
                   (use COUNT { ... } or a pattern comprehension)";
        return Err(plexus_storage::Error::syntax("UnexpectedSyntax", msg, e.pos));
    }
    Ok(())
}

/// `n {.a, b: 1, .*, v}`.
fn map_projection(p: P<'_>) -> Res<ExprKind> {
    let at = p.clone();
    let mut it = p.into_inner();
    let variable = name(next(&mut it, &at, "a variable")?);
    let items = it.map(map_projection_item).collect::<Res<_>>()?;
    Ok(ExprKind::MapProjection { variable, items })
}

/// One item of a map projection.
fn map_projection_item(p: P<'_>) -> Res<MapProjectionItem> {
    let at = p.clone();
    Ok(match p.as_rule() {
        Rule::map_proj_all => MapProjectionItem::AllProperties,
        Rule::map_proj_prop => MapProjectionItem::Property(name(next(&mut p.into_inner(), &at, "a key")?)),
        Rule::map_proj_var => MapProjectionItem::Variable(name(p)),
        _ => {
            let mut it = p.into_inner();
            let key = name(next(&mut it, &at, "a key")?);
            MapProjectionItem::Literal(key, expr(next(&mut it, &at, "an expression")?)?)
        }
    })
}
