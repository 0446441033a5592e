//! Parser tests: AST shapes, precedence, errors, the TCK corpus, robustness.

use plexus_storage::Value;

use crate::cypher::ast::*;
use crate::cypher::parser::parse;

// ------------------------------------------------------------------ TCK corpus

/// One query from the TCK: file, text, whether a compile-time SyntaxError is expected.
struct TckQuery {
    file: String,
    text: String,
    syntax_error: Option<String>,
}

/// The TCK features directory.
fn tck_dir() -> std::path::PathBuf {
    let local = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tck/cypher/features");
    if local.exists() {
        local
    } else {
        std::path::PathBuf::from("/work/shared/tck/cypher/features")
    }
}

/// All `.feature` files under a directory.
fn feature_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            feature_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "feature") {
            out.push(p);
        }
    }
}

/// The docstring starting after line `i` (which must be `"""`), dedented.
fn docstring(lines: &[&str], i: usize) -> (String, usize) {
    let indent = lines[i].len() - lines[i].trim_start().len();
    let mut j = i + 1;
    let mut body = Vec::new();
    while j < lines.len() && lines[j].trim() != "\"\"\"" {
        let l = lines[j];
        let cut = l.len() - l.trim_start().len();
        body.push(&l[cut.min(indent)..]);
        j += 1;
    }
    (body.join("\n"), j)
}

/// The `Examples:` table rows of a scenario outline, as (header, rows).
fn examples(lines: &[&str]) -> Vec<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut header: Option<Vec<String>> = None;
    let mut in_examples = false;
    for l in lines {
        let t = l.trim();
        if t.starts_with("Examples") {
            in_examples = true;
            header = None;
            continue;
        }
        if !in_examples || !t.starts_with('|') {
            continue;
        }
        let cells: Vec<String> = t.trim_matches('|').split('|').map(|c| c.trim().to_string()).collect();
        match &header {
            None => header = Some(cells),
            Some(h) => out.push(h.iter().cloned().zip(cells).collect()),
        }
    }
    out
}

/// Every query of every scenario of the TCK.
fn tck_queries() -> Vec<TckQuery> {
    let mut files = Vec::new();
    feature_files(&tck_dir(), &mut files);
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        let name = f.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        let starts: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].trim_start().starts_with("Scenario"))
            .chain(std::iter::once(lines.len()))
            .collect();
        for w in starts.windows(2) {
            scenario_queries(&name, &lines[w[0]..w[1]], &mut out);
        }
    }
    out
}

/// The queries of one scenario (expanded over its examples).
fn scenario_queries(file: &str, lines: &[&str], out: &mut Vec<TckQuery>) {
    let syntax_error = lines
        .iter()
        .find(|l| l.contains("SyntaxError should be raised at compile time"))
        .map(|l| l.rsplit(':').next().unwrap_or("").trim().to_string());
    let mut raw = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let t = lines[i].trim();
        let is_query = t.starts_with("When executing query:") || t.starts_with("And having executed:");
        if is_query && i + 1 < lines.len() && lines[i + 1].trim() == "\"\"\"" {
            let (body, end) = docstring(lines, i + 1);
            raw.push((body, t.starts_with("When")));
            i = end;
        }
        i += 1;
    }
    let rows = examples(lines);
    let rows = if rows.is_empty() { vec![Vec::new()] } else { rows };
    for row in &rows {
        for (body, main) in &raw {
            let mut text = body.clone();
            for (k, v) in row {
                text = text.replace(&format!("<{k}>"), v);
            }
            let syntax_error = if *main { syntax_error.clone() } else { None };
            out.push(TckQuery { file: file.to_string(), text, syntax_error });
        }
    }
}

#[test]
fn tck_queries_parse() {
    let queries = tck_queries();
    let valid: Vec<&TckQuery> = queries.iter().filter(|q| q.syntax_error.is_none()).collect();
    assert!(valid.len() > 1000, "TCK not found or too small: {}", valid.len());
    let mut failures = 0;
    for q in &valid {
        if let Err(e) = parse(&q.text) {
            failures += 1;
            println!("FAIL {}: {e}\n{}\n", q.file, q.text);
        }
    }
    let ok = valid.len() - failures;
    println!("TCK: {ok}/{} valid queries parse", valid.len());
    assert!(ok * 1000 >= valid.len() * 995, "too many TCK parse failures: {failures}");
}

#[test]
fn tck_syntax_error_stats() {
    let queries = tck_queries();
    let mut rejected = 0;
    let mut total = 0;
    for q in queries.iter().filter(|q| q.syntax_error.is_some()) {
        total += 1;
        let detail = q.syntax_error.as_deref().unwrap_or("");
        match parse(&q.text) {
            Err(e) => {
                rejected += 1;
                println!("REJECTED ({detail}; we say {}): {}", e.detail, q.text.replace('\n', " "));
            }
            Ok(_) => println!("ACCEPTED ({detail}): {}", q.text.replace('\n', " ")),
        }
    }
    println!("TCK: {rejected}/{total} SyntaxError queries rejected by the parser");
}

// ------------------------------------------------------------------ robustness

/// Nested inputs of many shapes and depths: parse must return, never overflow.
#[test]
fn deep_nesting_never_overflows() {
    let shapes: Vec<(&str, &str, &str)> = vec![
        ("(", "1", ")"),
        ("[", "1", "]"),
        ("{a: ", "{}", "}"),
        ("f(", "1", ")"),
        ("-", "1", ""),
        ("NOT ", "true", ""),
        ("1 + ", "1", ""),
        ("2 ^ ", "1", ""),
        ("1 < ", "1", ""),
        ("a OR ", "b", ""),
        ("CASE WHEN true THEN ", "1", " END"),
        ("[x IN ", "[1]", " | x]"),
        ("size(", "[]", ")"),
        ("exists((a)-[:R {k: ", "1", "}]->())"),
    ];
    for (open, mid, close) in shapes {
        for depth in [10, 50, 100, 300, 1000, 5000] {
            let q = format!("RETURN {}{}{}", open.repeat(depth), mid, close.repeat(depth));
            let _ = parse(&q);
        }
    }
    let long = format!("RETURN a{}", ".b".repeat(5000));
    let _ = parse(&long);
    let idx = format!("RETURN a{}", "[0]".repeat(5000));
    let _ = parse(&idx);
}

/// A tiny deterministic generator for the fuzz tests.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[test]
fn random_and_truncated_inputs_never_panic() {
    let mut rng = Lcg(42);
    let alphabet: Vec<char> = "()[]{}<>-=:.,|*$'\"`\\/ \n0123456789abcxyzMATCHRETURNWHERE+^%~é—😀".chars().collect();
    for _ in 0..500 {
        let len = (rng.next() % 60) as usize;
        let s: String = (0..len).map(|_| alphabet[(rng.next() as usize) % alphabet.len()]).collect();
        let _ = parse(&s);
    }
    for q in tck_queries().iter().step_by(40) {
        let chars: Vec<(usize, char)> = q.text.char_indices().collect();
        for k in (0..chars.len()).step_by(13) {
            let _ = parse(&q.text[..chars[k].0]);
        }
    }
}

// ------------------------------------------------------------------ AST shapes

/// Parse a query that must be valid.
fn ok(q: &str) -> Statement {
    parse(q).unwrap_or_else(|e| panic!("{q}: {e}"))
}

/// The clauses of a single-part query.
fn clauses(q: &str) -> Vec<Clause> {
    ok(q).query.first.clauses
}

/// The expression of `RETURN <e>`.
fn ret(e: &str) -> Expr {
    match clauses(&format!("RETURN {e}")).remove(0) {
        Clause::Return(r) => r.projection.items[0].expr.clone(),
        c => panic!("not a RETURN: {c:?}"),
    }
}

/// A compact rendering of an expression, for precedence checks.
fn show(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Literal(Value::Integer(i)) => i.to_string(),
        ExprKind::Literal(Value::Float(f)) => format!("{f:?}"),
        ExprKind::Literal(Value::String(s)) => format!("'{s}'"),
        ExprKind::Literal(Value::Boolean(b)) => b.to_string(),
        ExprKind::Literal(Value::Null) => "null".into(),
        ExprKind::Variable(v) => v.clone(),
        ExprKind::Parameter(p) => format!("${p}"),
        ExprKind::Property(b, k) => format!("{}.{k}", show(b)),
        ExprKind::Unary(op, x) => format!("({op:?} {})", show(x)),
        ExprKind::Binary(op, l, r) => format!("({} {op:?} {})", show(l), show(r)),
        ExprKind::Comparison(first, rest) => {
            let tail: Vec<String> = rest.iter().map(|(op, x)| format!("{op:?} {}", show(x))).collect();
            format!("(cmp {} {})", show(first), tail.join(" "))
        }
        ExprKind::HasLabels(x, ls) => format!("({}:{})", show(x), ls.join(":")),
        ExprKind::Function { name, distinct, args } => {
            let args: Vec<String> = args.iter().map(show).collect();
            format!("{name}({}{})", if *distinct { "DISTINCT " } else { "" }, args.join(", "))
        }
        ExprKind::List(xs) => format!("[{}]", xs.iter().map(show).collect::<Vec<_>>().join(", ")),
        ExprKind::Index(b, i) => format!("{}[{}]", show(b), show(i)),
        ExprKind::Slice(b, f, t) => {
            let f = f.as_ref().map_or(String::new(), |x| show(x));
            let t = t.as_ref().map_or(String::new(), |x| show(x));
            format!("{}[{f}..{t}]", show(b))
        }
        ExprKind::CountStar => "count(*)".into(),
        other => format!("{other:?}"),
    }
}

#[test]
fn precedence() {
    let cases = [
        ("1 + 2 * 3", "(1 Add (2 Mul 3))"),
        ("1 - 2 - 3", "((1 Sub 2) Sub 3)"),
        ("2 ^ 3 ^ 2", "((2 Pow 3) Pow 2)"),
        ("-2 ^ 2", "((Neg 2) Pow 2)"),
        ("a OR b XOR c AND d", "(a Or (b Xor (c And d)))"),
        ("NOT a = b", "(Not (a Eq b))"),
        ("NOT NOT a", "(Not (Not a))"),
        ("a = b AND c <> d", "((a Eq b) And (c Neq d))"),
        ("1 < 2 <= 3", "(cmp 1 Lt 2 Le 3)"),
        ("a + 1 IN [1, 2]", "((a Add 1) In [1, 2])"),
        ("a IS NULL = b IS NOT NULL", "((IsNull a) Eq (IsNotNull b))"),
        ("a.name STARTS WITH 'x' OR a.name ENDS WITH 'y'", "((a.name StartsWith 'x') Or (a.name EndsWith 'y'))"),
        ("s CONTAINS 'x' AND s =~ 'a.*'", "((s Contains 'x') And (s RegexMatch 'a.*'))"),
        ("n:A:B AND m:C", "((n:A:B) And (m:C))"),
        ("a.b.c[0][1..2]", "a.b.c[0][1..2]"),
        ("l[..2] + l[1..]", "(l[..2] Add l[1..])"),
        ("-a.b", "(Neg a.b)"),
        ("+1 % 2 / 3", "(((Plus 1) Mod 2) Div 3)"),
        ("(1 + 2) * 3", "((1 Add 2) Mul 3)"),
        ("count(*) + count(DISTINCT x)", "(count(*) Add count(DISTINCT x))"),
        ("x IN [1] IS NULL", "(IsNull (x In [1]))"),
    ];
    for (q, want) in cases {
        assert_eq!(show(&ret(q)), want, "{q}");
    }
}

#[test]
fn literals() {
    assert_eq!(show(&ret("0x1F")), "31");
    assert_eq!(show(&ret("0o17")), "15");
    assert_eq!(show(&ret("1.5E-3")), "0.0015");
    assert_eq!(show(&ret(".5")), "0.5");
    assert_eq!(show(&ret("1e3")), "1000.0");
    assert_eq!(show(&ret("'a\\n\\t\\\\\\'\\u0041'")), "'a\n\t\\'A'");
    assert_eq!(show(&ret("\"it's\"")), "'it's'");
    assert_eq!(show(&ret("TRUE")), "true");
    assert_eq!(show(&ret("Null")), "null");
    assert_eq!(show(&ret("NaN")), "NaN");
    assert_eq!(show(&ret("nullable")), "nullable");
    assert_eq!(show(&ret("-9223372036854775808")), "-9223372036854775808");
    assert_eq!(show(&ret("-0x8000000000000000")), "-9223372036854775808");
    assert_eq!(show(&ret("- -9223372036854775808")), "(Neg -9223372036854775808)");
    assert_eq!(show(&ret("-1")), "(Neg 1)");
    assert_eq!(show(&ret("$p + $0")), "($p Add $0)");
    assert_eq!(show(&ret("`weird name`")), "weird name");
    assert_eq!(show(&ret("`a``b`")), "a`b");
}

/// The detail and position of a syntax error.
fn err(q: &str) -> (&'static str, usize) {
    match parse(q) {
        Ok(s) => panic!("{q} parsed: {s:?}"),
        Err(e) => (e.detail, e.pos.unwrap_or(usize::MAX)),
    }
}

#[test]
fn syntax_errors() {
    assert_eq!(err("RETURN 9223372036854775808"), ("IntegerOverflow", 7));
    assert_eq!(err("RETURN -9223372036854775809").0, "IntegerOverflow");
    assert_eq!(err("RETURN 0x8000000000000000").0, "IntegerOverflow");
    assert_eq!(err("RETURN 0x AS literal"), ("InvalidNumberLiteral", 7));
    assert_eq!(err("RETURN 9223372h54775808 AS literal").0, "InvalidNumberLiteral");
    assert_eq!(err("RETURN 1.2.3").0, "InvalidNumberLiteral");
    assert_eq!(err("RETURN 1.34E999").0, "FloatingPointOverflow");
    assert_eq!(err("RETURN '\\uH'").0, "InvalidUnicodeLiteral");
    assert_eq!(err("RETURN 42 — 41"), ("InvalidUnicodeCharacter", 10));
    assert_eq!(err("MATCH (a)-[:LIKES..]->(c) RETURN c").0, "InvalidRelationshipPattern");
    assert_eq!(err("MATCH (a)-[:LIKES*-2]->(c) RETURN c").0, "InvalidRelationshipPattern");
    assert_eq!(err("RETURN [, ] AS literal"), ("UnexpectedSyntax", 8));
    assert_eq!(err("RETURN {k1#k: 1}").0, "UnexpectedSyntax");
    assert_eq!(err("MATCH (n RETURN n"), ("UnexpectedSyntax", 9));
    assert_eq!(err("MATCH (n) RETURN"), ("UnexpectedSyntax", 16));
    assert_eq!(err("RETURN 1 +"), ("UnexpectedSyntax", 10));
    assert_eq!(err("MATCH (n) SET n = "), ("UnexpectedSyntax", 18));
    assert_eq!(err("SET 1 = 2").0, "UnexpectedSyntax");
    assert_eq!(err("RETURN l[]").0, "UnexpectedSyntax");
    assert_eq!(err("").0, "UnexpectedSyntax");
}

#[test]
fn error_messages_are_readable() {
    let e = parse("RETURN 1 + )").unwrap_err();
    assert!(e.message.contains("expected an expression, found ')'"), "{}", e.message);
    let e = parse("MATCH (n RETURN n").unwrap_err();
    assert!(e.message.contains("')'"), "{}", e.message);
    let e = parse("MATCH (n) RETURN n ORDER n").unwrap_err();
    assert!(e.message.contains("BY"), "{}", e.message);
}

#[test]
fn match_pattern_shapes() {
    let q = "OPTIONAL MATCH p = (a:A:B {k: 1})<-[r:T|:U*1..3 {w: $x}]-(b), (c $props)-->() WHERE a.k > 1 RETURN p";
    let Clause::Match(m) = clauses(q).remove(0) else { panic!("not a MATCH") };
    assert!(m.optional);
    assert_eq!(m.pattern.len(), 2);
    let p = &m.pattern[0];
    assert_eq!(p.variable.as_deref(), Some("p"));
    assert_eq!(p.start.variable.as_deref(), Some("a"));
    assert_eq!(p.start.labels, ["A", "B"]);
    assert!(matches!(&p.start.properties, Some(Expr { kind: ExprKind::Map(m), .. }) if m.len() == 1));
    let (rel, b) = &p.chain[0];
    assert_eq!(rel.variable.as_deref(), Some("r"));
    assert_eq!(rel.types, ["T", "U"]);
    assert_eq!(rel.direction, RelDirection::Left);
    assert_eq!(rel.length, Some((Some(1), Some(3))));
    assert_eq!(b.variable.as_deref(), Some("b"));
    let q2 = &m.pattern[1];
    assert!(matches!(&q2.start.properties, Some(Expr { kind: ExprKind::Parameter(p), .. }) if p == "props"));
    assert_eq!(q2.chain[0].0.direction, RelDirection::Right);
    assert_eq!(show(m.where_.as_ref().unwrap()), "(a.k Gt 1)");
    let lengths = ["*", "*2", "*..3", "*2.."].map(|l| {
        let Clause::Match(m) = clauses(&format!("MATCH ()-[{l}]-() RETURN 1")).remove(0) else { panic!() };
        m.pattern[0].chain[0].0.length
    });
    assert_eq!(lengths, [Some((None, None)), Some((Some(2), Some(2))), Some((None, Some(3))), Some((Some(2), None))]);
    let Clause::Match(m) = clauses("MATCH p = shortestPath((a)-[*]-(b)) RETURN p").remove(0) else { panic!() };
    assert_eq!(m.pattern[0].shortest, Some(ShortestKind::Single));
}

#[test]
fn projection_shapes() {
    let s =
        ok("EXPLAIN MATCH (n) WITH DISTINCT *, n.name AS name ORDER BY name DESC SKIP 1 LIMIT 2 WHERE name <> 'x' \
                RETURN count(*), n.name  ,  a + 1 UNION ALL RETURN 1;");
    assert_eq!(s.explain, Some(ExplainMode::Explain));
    assert_eq!(s.query.unions.len(), 1);
    assert!(s.query.unions[0].0);
    let Clause::With(w) = &s.query.first.clauses[1] else { panic!("not WITH") };
    assert!(w.projection.distinct && w.projection.star);
    assert_eq!(w.projection.items[0].alias.as_deref(), Some("name"));
    assert!(w.projection.order_by[0].descending);
    assert!(w.projection.skip.is_some() && w.projection.limit.is_some() && w.where_.is_some());
    let Clause::Return(r) = &s.query.first.clauses[2] else { panic!("not RETURN") };
    let texts: Vec<&str> = r.projection.items.iter().map(|i| i.text.as_str()).collect();
    assert_eq!(texts, ["count(*)", "n.name", "a + 1"]);
}

#[test]
fn update_clause_shapes() {
    let cs = clauses(
        "MERGE (n:A {k: 1}) ON CREATE SET n.c = 1 ON MATCH SET n += {m: 2}, n:B \
         SET (n).x = 1, n = {}, n:C:D REMOVE n.k, n:A DETACH DELETE n, m \
         FOREACH (x IN [1] | CREATE (:X {v: x}))",
    );
    let Clause::Merge(m) = &cs[0] else { panic!("not MERGE") };
    assert!(matches!(&m.on_create[0], SetItem::Property { key, .. } if key == "c"));
    assert!(matches!(&m.on_match[0], SetItem::Merge { variable, .. } if variable == "n"));
    assert!(matches!(&m.on_match[1], SetItem::Labels { labels, .. } if labels == &["B"]));
    let Clause::Set(s) = &cs[1] else { panic!("not SET") };
    assert!(matches!(&s.items[0], SetItem::Property { target, key, .. } if key == "x" && show(target) == "n"));
    assert!(matches!(&s.items[1], SetItem::Replace { .. }));
    assert!(matches!(&s.items[2], SetItem::Labels { labels, .. } if labels.len() == 2));
    let Clause::Remove(r) = &cs[2] else { panic!("not REMOVE") };
    assert!(matches!(&r.items[0], RemoveItem::Property { key, .. } if key == "k"));
    assert!(matches!(&r.items[1], RemoveItem::Labels { .. }));
    assert!(matches!(&cs[3], Clause::Delete(d) if d.detach && d.exprs.len() == 2));
    assert!(matches!(&cs[4], Clause::Foreach(f) if f.variable == "x" && f.clauses.len() == 1));
}

#[test]
fn call_and_special_expressions() {
    let cs = clauses("CALL db.labels() YIELD label AS l, x WHERE l <> 'A' CALL my.proc RETURN l");
    let Clause::Call(c) = &cs[0] else { panic!("not CALL") };
    assert_eq!(c.procedure, "db.labels");
    assert_eq!(c.args, Some(vec![]));
    assert_eq!(c.yields, Some(vec![("label".into(), Some("l".into())), ("x".into(), None)]));
    assert!(c.where_.is_some());
    assert!(matches!(&cs[1], Clause::Call(c) if c.args.is_none() && c.yields.is_none()));

    assert!(matches!(
        ret("[x IN l WHERE x > 1 | x * 2]").kind,
        ExprKind::ListComprehension { predicate: Some(_), projection: Some(_), .. }
    ));
    assert!(matches!(
        ret("[p = (a)-->(b) WHERE b.x | p]").kind,
        ExprKind::PatternComprehension { predicate: Some(_), .. }
    ));
    assert!(matches!(ret("none(x IN l WHERE x)").kind, ExprKind::Quantified { quantifier: Quantifier::None, .. }));
    assert!(matches!(ret("reduce(acc = 0, x IN l | acc + x)").kind, ExprKind::Reduce { .. }));
    assert!(matches!(
        ret("CASE x WHEN 1 THEN 'a' ELSE 'b' END").kind,
        ExprKind::Case { operand: Some(_), else_: Some(_), .. }
    ));
    assert!(matches!(ret("CASE WHEN x THEN 1 END").kind, ExprKind::Case { operand: None, else_: None, .. }));
    assert!(matches!(ret("n {.a, b: 1, .*, v}").kind, ExprKind::MapProjection { ref items, .. } if items.len() == 4));
    assert!(matches!(ret("exists(n.prop)").kind, ExprKind::Function { ref name, .. } if name == "exists"));
    assert!(
        matches!(ret("exists((a)-->())").kind, ExprKind::Function { ref args, .. } if matches!(args[0].kind, ExprKind::PatternPredicate(_)))
    );
    assert!(matches!(ret("EXISTS { (a)-->(b) WHERE b.x }").kind, ExprKind::ExistsSubquery(_)));
    assert!(matches!(ret("EXISTS { MATCH (a)-->(b) RETURN b }").kind, ExprKind::ExistsQuery(_)));
    assert!(
        matches!(ret("apoc.text.join(['a'], ',')").kind, ExprKind::Function { ref name, .. } if name == "apoc.text.join")
    );
    let Clause::Match(m) = clauses("MATCH (a) WHERE NOT (a)-[:T]->(:B) RETURN a").remove(0) else { panic!() };
    assert!(
        matches!(&m.where_.unwrap().kind, ExprKind::Unary(UnaryOp::Not, e) if matches!(e.kind, ExprKind::PatternPredicate(_)))
    );
    let e = ret("(a)");
    assert_eq!(show(&e), "a");
    assert_eq!(ret("  1 + foo(x)").pos, 9);
}
