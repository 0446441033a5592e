//! Unit tests of the traversal machine's pieces: math expressions, Gremlin's
//! order and equality, bulk merging, predicates.

use plexus_planner::gremlin::{CompareOp, GPredicate, TextOp};
use plexus_storage::Value;

use super::machine::merge_bulk;
use super::math;
use super::object::{equals, order, GObj};
use super::predicate::test;
use super::traverser::Traverser;

#[test]
fn math_follows_exp4j_precedence() {
    let e = math::parse("_ + 2 * 3 ^ 2").expect("parses");
    assert_eq!(e.eval(&[("_".into(), 1.0)]), Ok(19.0));
    let neg = math::parse("-2 ^ 2").expect("parses");
    assert_eq!(neg.eval(&[]), Ok(-4.0));
    let f = math::parse("sqrt(a) + abs(-b)").expect("parses");
    assert_eq!(f.variables(), vec!["a".to_string(), "b".to_string()]);
    assert_eq!(f.eval(&[("a".into(), 16.0), ("b".into(), 3.0)]), Ok(7.0));
    assert_eq!(math::parse("ceil _").expect("parses").eval(&[("_".into(), 1.2)]), Ok(2.0));
    assert!(math::parse("1 +").is_err());
    assert!(math::parse("a / 0").expect("parses").eval(&[("a".into(), 1.0)]).is_err());
}

#[test]
fn order_puts_types_in_gremlin_order() {
    let mut items = vec![
        GObj::str("b"),
        GObj::int(2),
        GObj::NULL,
        GObj::Val(Value::Boolean(true)),
        GObj::Val(Value::Float(1.5)),
        GObj::str("a"),
    ];
    items.sort_by(order);
    let expected = vec![
        GObj::NULL,
        GObj::Val(Value::Boolean(true)),
        GObj::Val(Value::Float(1.5)),
        GObj::int(2),
        GObj::str("a"),
        GObj::str("b"),
    ];
    assert_eq!(items, expected);
}

#[test]
fn numbers_are_equal_across_types_but_edge_properties_ignore_their_edge() {
    assert!(equals(&GObj::int(1), &GObj::Val(Value::Float(1.0))));
    assert!(!equals(&GObj::int(1), &GObj::str("1")));
    let prop = |owner: GObj| GObj::Prop { owner: Box::new(owner), key: "w".into(), value: Box::new(GObj::int(1)) };
    assert_eq!(prop(GObj::Edge(1)), prop(GObj::Edge(2)));
    assert_ne!(prop(GObj::Vertex(1)), prop(GObj::Vertex(2)));
}

#[test]
fn equal_traversers_merge_into_one_bulk() {
    let ts = vec![Traverser::start(GObj::int(1)), Traverser::start(GObj::int(2)), Traverser::start(GObj::int(1))];
    let merged = merge_bulk(ts);
    let summary: Vec<(GObj, u64)> = merged.into_iter().map(|t| (t.obj, t.bulk)).collect();
    assert_eq!(summary, vec![(GObj::int(1), 2), (GObj::int(2), 1)]);
}

#[test]
fn predicates_compare_only_comparable_values() {
    let gt = GPredicate::Compare(CompareOp::Gt, Value::Integer(3));
    assert_eq!(test(&gt, &GObj::int(4)).ok(), Some(true));
    assert_eq!(test(&gt, &GObj::str("x")).ok(), Some(false));
    let between = GPredicate::Between(Value::Integer(1), Value::Integer(3));
    assert_eq!(test(&between, &GObj::int(3)).ok(), Some(false));
    let starts = GPredicate::Text { op: TextOp::StartingWith, text: Value::String("ma".into()), negated: false };
    assert_eq!(test(&starts, &GObj::str("marko")).ok(), Some(true));
    assert_eq!(test(&starts, &GObj::int(1)).ok(), Some(false));
    let bad_regex = GPredicate::Text { op: TextOp::Regex, text: Value::String("(".into()), negated: false };
    assert!(test(&bad_regex, &GObj::str("x")).is_err());
}
