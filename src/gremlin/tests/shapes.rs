//! The AST that representative traversals produce.

use crate::gremlin::ast::*;
use crate::gremlin::parse;

fn steps(text: &str) -> Vec<Instruction> {
    parse(text).unwrap_or_else(|e| panic!("{text}: {e:?}")).steps
}

fn arg(text: &str) -> Argument {
    let mut steps = steps(&format!("g.V().is({text})"));
    steps.remove(0).args.remove(0)
}

fn lit(text: &str) -> GValue {
    match arg(text) {
        Argument::Literal(value) => value,
        other => panic!("{text}: not a literal: {other:?}"),
    }
}

fn enum_value(kind: &str, value: &str) -> EnumValue {
    EnumValue { kind: kind.into(), value: value.into() }
}

fn p(name: &str, args: Vec<Argument>) -> Predicate {
    Predicate::Call { class: PredicateClass::P, name: name.into(), args }
}

#[test]
fn source_spawn_and_steps() {
    let t = parse("g.withSideEffect('a', [1, 2]).V(1).out('knows').toList()").unwrap();
    let TraversalRoot::Source { source, spawn } = &t.root else { panic!("not a source traversal") };
    assert_eq!(source.len(), 1);
    assert_eq!(source[0].name, "withSideEffect");
    assert_eq!(
        source[0].args,
        vec![
            Argument::Literal(GValue::String("a".into())),
            Argument::Literal(GValue::List(vec![GValue::Int(1), GValue::Int(2)]))
        ]
    );
    assert_eq!((spawn.name.as_str(), spawn.pos), ("V", 30));
    let names: Vec<_> = t.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["out", "toList"]);
    assert_eq!(t.steps[0].pos, 35);
}

#[test]
fn typed_numbers() {
    assert_eq!(lit("1"), GValue::Int(1));
    assert_eq!(lit("2147483648"), GValue::Long(2147483648));
    assert_eq!(lit("-2147483648"), GValue::Int(i32::MIN));
    assert_eq!(lit("99999999999999999999"), GValue::BigInteger("99999999999999999999".into()));
    assert_eq!(lit("1i"), GValue::Int(1));
    assert_eq!(lit("1l"), GValue::Long(1));
    assert_eq!(lit("5L"), GValue::Long(5));
    assert_eq!(lit("-128b"), GValue::Byte(-128));
    assert_eq!(lit("32767s"), GValue::Short(32767));
    assert_eq!(lit("1.5f"), GValue::Float(1.5));
    assert_eq!(lit("1d"), GValue::Double(1.0));
    assert_eq!(lit("1.5"), GValue::Double(1.5));
    assert_eq!(lit("1.7976931348623157E+308d"), GValue::Double(f64::MAX));
    assert_eq!(lit("1.50m"), GValue::BigDecimal("1.50".into()));
    assert_eq!(lit("-3n"), GValue::BigInteger("-3".into()));
    assert_eq!(lit("-Infinity"), GValue::Double(f64::NEG_INFINITY));
    assert_eq!(lit("+Infinity"), GValue::Double(f64::INFINITY));
    assert!(matches!(lit("NaN"), GValue::Double(d) if d.is_nan()));
}

#[test]
fn strings_and_other_literals() {
    assert_eq!(lit(r#""a\"b\n\u00e9""#), GValue::String("a\"b\né".into()));
    assert_eq!(lit(r"'it\'s'"), GValue::String("it's".into()));
    assert_eq!(lit("null"), GValue::Null);
    assert_eq!(lit("false"), GValue::Boolean(false));
    assert_eq!(lit("datetime('2023-08-02T00:00:00Z')"), GValue::DateTime("2023-08-02T00:00:00Z".into()));
    assert_eq!(lit("UUID()"), GValue::Uuid(None));
    assert_eq!(lit("{1, 'a'}"), GValue::Set(vec![GValue::Int(1), GValue::String("a".into())]));
    assert_eq!(lit("[:]"), GValue::Map(vec![]));
    assert_eq!(lit("[]"), GValue::List(vec![]));
}

#[test]
fn maps_with_enum_and_string_keys() {
    let map = lit("[T.label: 'person', name: 'marko', (OUT): Merge.outV, 1: [age: Cardinality.single(3)]]");
    let expected = GValue::Map(vec![
        (GValue::Enum(enum_value("T", "label")), GValue::String("person".into())),
        (GValue::String("name".into()), GValue::String("marko".into())),
        (GValue::Enum(enum_value("Direction", "OUT")), GValue::Enum(enum_value("Merge", "outV"))),
        (
            GValue::Int(1),
            GValue::Map(vec![(
                GValue::String("age".into()),
                GValue::Cardinality(enum_value("Cardinality", "single"), Box::new(GValue::Int(3))),
            )]),
        ),
    ]);
    assert_eq!(map, expected);
}

#[test]
fn enums_bare_and_qualified() {
    let s = steps("g.V().order().by('age', Order.desc).by(T.id, desc).values('x')");
    assert_eq!(s[1].args[1], Argument::Enum(enum_value("Order", "desc")));
    assert_eq!(s[2].args, vec![Argument::Enum(enum_value("T", "id")), Argument::Enum(enum_value("Order", "desc"))]);
    // `values(…)` is a step even though `values` alone is Column.values.
    let s = steps("g.V().select(values).local(values('a'))");
    assert_eq!(s[0].args, vec![Argument::Enum(enum_value("Column", "values"))]);
    assert!(matches!(&s[1].args[0], Argument::Traversal(t) if t.steps[0].name == "values"));
}

#[test]
fn predicates() {
    assert_eq!(arg("P.gt(3)"), Argument::Predicate(p("gt", vec![Argument::Literal(GValue::Int(3))])));
    let between = arg("P.gte(1).and(lt(5)).or(P.eq(9))");
    let expected = Predicate::Or(
        Box::new(Predicate::And(
            Box::new(p("gte", vec![Argument::Literal(GValue::Int(1))])),
            Box::new(p("lt", vec![Argument::Literal(GValue::Int(5))])),
        )),
        Box::new(p("eq", vec![Argument::Literal(GValue::Int(9))])),
    );
    assert_eq!(between, Argument::Predicate(expected));
    let text = arg("TextP.startingWith('ma')");
    let Argument::Predicate(Predicate::Call { class, name, .. }) = text else { panic!() };
    assert_eq!((class, name.as_str()), (PredicateClass::TextP, "startingWith"));
    let bare = arg("notRegex('a.*')");
    assert!(matches!(bare, Argument::Predicate(Predicate::Call { class: PredicateClass::TextP, .. })));
    let within = arg("within(xx1)");
    assert_eq!(within, Argument::Predicate(p("within", vec![Argument::Variable("xx1".into())])));
    let not = arg("P.not(P.within(1, 2))");
    assert!(matches!(not, Argument::Predicate(Predicate::Call { ref name, ref args, .. })
        if name == "not" && matches!(args.as_slice(), [Argument::Predicate(_)])));
}

#[test]
fn not_is_a_step_around_a_traversal_and_a_predicate_around_a_predicate() {
    let s = steps("g.V().where(not(out('knows'))).where(__.not(eq(1))).is(not(eq(2)))");
    let Argument::Traversal(t) = &s[0].args[0] else { panic!("not a traversal: {:?}", s[0].args) };
    assert_eq!(t.root, TraversalRoot::Anonymous);
    assert_eq!(t.steps[0].name, "not");
    assert!(matches!(&t.steps[0].args[0], Argument::Traversal(_)));
    let Argument::Traversal(t) = &s[1].args[0] else { panic!() };
    assert!(matches!(&t.steps[0].args[0], Argument::Predicate(_)));
    assert!(matches!(&s[2].args[0], Argument::Predicate(Predicate::Call { name, .. }) if name == "not"));
}

#[test]
fn nested_anonymous_traversals() {
    let s = steps("g.V().repeat(__.out().simplePath()).until(has('name', 'x').or(__.loops().is(3)))");
    let Argument::Traversal(repeat) = &s[0].args[0] else { panic!() };
    let names: Vec<_> = repeat.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["out", "simplePath"]);
    let Argument::Traversal(until) = &s[1].args[0] else { panic!() };
    assert_eq!(until.steps[1].name, "or");
    let Argument::Traversal(inner) = &until.steps[1].args[0] else { panic!() };
    assert_eq!(inner.steps[1].args, vec![Argument::Literal(GValue::Int(3))]);
}

#[test]
fn strategies() {
    let t = parse("g.withStrategies(new SeedStrategy(seed: 99), ReadOnlyStrategy).V()").unwrap();
    let TraversalRoot::Source { source, .. } = &t.root else { panic!() };
    let expected = vec![
        Argument::Strategy(Strategy {
            name: "SeedStrategy".into(),
            config: vec![("seed".into(), Argument::Literal(GValue::Int(99)))],
        }),
        Argument::Strategy(Strategy { name: "ReadOnlyStrategy".into(), config: vec![] }),
    ];
    assert_eq!(source[0].args, expected);
}

#[test]
fn variables_and_comments() {
    let s = steps("g.V(vid1) // start\n.has('age', xx1)");
    assert_eq!(s[0].args[1], Argument::Variable("xx1".into()));
    let t = parse("g.V(vid1)").unwrap();
    let TraversalRoot::Source { spawn, .. } = t.root else { panic!() };
    assert_eq!(spawn.args, vec![Argument::Variable("vid1".into())]);
}
