//! Broken input gets a syntax error at the right place, and never a panic.

use plexus_storage::ErrorClass;

use crate::gremlin::parse;

fn error_at(text: &str) -> usize {
    let e = parse(text).expect_err(text);
    assert_eq!(e.class, ErrorClass::SyntaxError, "{text}");
    assert_eq!(e.detail, "UnexpectedSyntax", "{text}");
    e.pos.unwrap_or_else(|| panic!("{text}: no position"))
}

#[test]
fn positions_of_errors() {
    assert_eq!(error_at(""), 0);
    assert_eq!(error_at("g.V(1"), 5);
    assert_eq!(error_at("g.V().out(,)"), 10);
    assert_eq!(error_at("g.V().has('name' 'x')"), 17);
    assert_eq!(error_at("g.V() #"), 6);
    assert_eq!(error_at("g.V().has('unterminated)"), 10);
    assert_eq!(error_at("x.V()"), 0);
    assert_eq!(error_at("g.out()"), 2);
    assert_eq!(error_at("g.withSack(1)"), 13);
    assert_eq!(error_at("g.V(300b)"), 4);
    assert_eq!(error_at("g.V(1.5i)"), 4);
    assert_eq!(error_at("g.V(1q)"), 4);
    assert_eq!(error_at("g.V().is(P.foo(1))"), 11);
    assert_eq!(error_at("g.V().is('\\q')"), 9);
    assert_eq!(error_at("g.V()."), 6);
}

#[test]
fn error_messages_name_what_was_found() {
    let e = parse("g.V().has('name' 'x')").unwrap_err();
    assert!(e.message.contains("'x'"), "{}", e.message);
}

#[test]
fn truncations_never_panic() {
    let samples = [
        "g.withSideEffect('a', [k: 1, (T.id): {1, 2}]).V(xx1).has('age', P.gt(1i).and(lt(2.5d))).out('knows')",
        "g.V().as('a').repeat(__.both().simplePath()).until(not(has('x'))).path().by(valueMap(true)).toList()",
        "g.mergeV([(T.label): 'p', name: Cardinality.set(\"\\u00e9\")]).option(Merge.onMatch, [:]).next()",
        "g.withStrategies(new SubgraphStrategy(vertices: __.has('x', TextP.regex('a.*')))).E().values(-Infinity)",
    ];
    for sample in samples {
        assert!(parse(sample).is_ok(), "{sample}");
        for end in (0..sample.len()).filter(|i| sample.is_char_boundary(*i)) {
            let _ = parse(&sample[..end]);
            let _ = parse(&format!("{}){}", &sample[..end], &sample[end..]));
        }
    }
}

#[test]
fn deep_nesting_does_not_overflow() {
    let depth = 2_000;
    let text = format!("g.inject({}1{})", "[".repeat(depth), "]".repeat(depth));
    assert!(parse(&text).is_ok());
    let text = format!("g.V().where({}out(){})", "not(".repeat(depth), ")".repeat(depth));
    assert!(parse(&text).is_ok());
}
