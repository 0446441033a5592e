//! The vectorized paths must agree with the row evaluator, which defines the
//! semantics: every operator over typed columns with nulls, NaN, overflow
//! and mixed types is evaluated both ways and compared.

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, Float64Array, Int64Array, StringArray};
use plexus_planner::{BinaryOp, Expr, UnaryOp};
use plexus_storage::{Graph, Value};

use super::{Evaluated, Evaluator};
use crate::batch::{Batch, Column};
use crate::context::ExecContext;

fn batch() -> Batch {
    let ints: ArrayRef = Arc::new(Int64Array::from(vec![Some(1), None, Some(i64::MAX), Some(-3), Some(0), Some(7)]));
    let ints2: ArrayRef = Arc::new(Int64Array::from(vec![Some(2), Some(5), Some(1), None, Some(0), Some(7)]));
    let floats: ArrayRef =
        Arc::new(Float64Array::from(vec![Some(1.0), Some(f64::NAN), None, Some(-0.5), Some(0.0), Some(7.0)]));
    let strs: ArrayRef = Arc::new(StringArray::from(vec![Some("a"), Some("b"), None, Some(""), Some("ab"), Some("a")]));
    let bools: ArrayRef =
        Arc::new(BooleanArray::from(vec![Some(true), None, Some(false), Some(true), Some(false), None]));
    let mixed = Column::values(vec![
        Value::Integer(1),
        Value::String("x".into()),
        Value::Null,
        Value::Float(2.5),
        Value::Boolean(true),
        Value::List(vec![Value::Integer(1)]),
    ]);
    Batch::new(
        vec!["i".into(), "j".into(), "f".into(), "s".into(), "b".into(), "m".into()],
        vec![
            Column::Array(ints),
            Column::Array(ints2),
            Column::Array(floats),
            Column::Array(strs),
            Column::Array(bools),
            mixed,
        ],
        6,
    )
}

fn ctx() -> ExecContext {
    ExecContext::read(Graph::new().snapshot(), BTreeMap::new())
}

/// Result values, or the error's detail code.
type Outcome = Result<Vec<Value>, &'static str>;

/// Vectorized and row-wise results.
fn both_ways(expr: &Expr) -> (Outcome, Outcome) {
    let ctx = ctx();
    let eval = Evaluator::new(&ctx);
    let b = batch();
    let to_values = |r: plexus_storage::Result<Evaluated>| {
        r.map(|e| ctx.column_values(&e.into_column(b.len))).map_err(|e| e.detail)
    };
    (to_values(eval.eval(expr, &b)), to_values(eval.row_wise(expr, &b)))
}

fn same(a: &[Value], b: &[Value]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| match (x, y) {
            (Value::Float(p), Value::Float(q)) => p == q || (p.is_nan() && q.is_nan()),
            _ => x == y,
        })
}

#[test]
fn binary_operators_agree_with_the_row_evaluator() {
    let operands = [
        Expr::var("i"),
        Expr::var("j"),
        Expr::var("f"),
        Expr::var("s"),
        Expr::var("b"),
        Expr::var("m"),
        Expr::lit(1),
        Expr::lit(0.5),
        Expr::lit("a"),
        Expr::lit(true),
        Expr::Literal(Value::Null),
    ];
    let ops = [
        BinaryOp::Eq,
        BinaryOp::Neq,
        BinaryOp::Lt,
        BinaryOp::Le,
        BinaryOp::Gt,
        BinaryOp::Ge,
        BinaryOp::Add,
        BinaryOp::Sub,
        BinaryOp::Mul,
        BinaryOp::Div,
        BinaryOp::Mod,
        BinaryOp::And,
        BinaryOp::Or,
        BinaryOp::Xor,
    ];
    let mut checked = 0;
    for op in ops {
        for l in &operands {
            for r in &operands {
                let e = Expr::binary(op, l.clone(), r.clone());
                let (vectorized, rows) = both_ways(&e);
                match (&vectorized, &rows) {
                    (Ok(a), Ok(b)) => assert!(same(a, b), "{e}: vectorized {a:?} vs rows {b:?}"),
                    // Row evaluation stops at the first failing row; the vectorized
                    // path may fail on another row of the same batch, so only the
                    // fact of failing must agree.
                    (Err(_), Err(_)) => {}
                    _ => panic!("{e}: vectorized {vectorized:?} vs rows {rows:?}"),
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, ops.len() * operands.len() * operands.len());
}

#[test]
fn unary_operators_agree_with_the_row_evaluator() {
    for v in ["i", "f", "s", "b", "m"] {
        for op in [UnaryOp::Not, UnaryOp::Neg, UnaryOp::IsNull, UnaryOp::IsNotNull] {
            let e = Expr::Unary(op, Box::new(Expr::var(v)));
            let (vectorized, rows) = both_ways(&e);
            match (&vectorized, &rows) {
                (Ok(a), Ok(b)) => assert!(same(a, b), "{e}: {a:?} vs {b:?}"),
                (Err(_), Err(_)) => {}
                _ => panic!("{e}: vectorized {vectorized:?} vs rows {rows:?}"),
            }
        }
    }
}

#[test]
fn nan_comparisons_are_false_and_null_propagates() {
    let e = Expr::binary(BinaryOp::Eq, Expr::var("f"), Expr::var("f"));
    let (vectorized, _) = both_ways(&e);
    let v = vectorized.expect("evaluates");
    assert_eq!(v[0], Value::Boolean(true));
    assert_eq!(v[1], Value::Boolean(false), "NaN = NaN is false");
    assert_eq!(v[2], Value::Null);
}

#[test]
fn integer_overflow_is_an_error_on_the_vectorized_path() {
    let e = Expr::binary(BinaryOp::Add, Expr::var("i"), Expr::lit(1));
    let (vectorized, rows) = both_ways(&e);
    assert_eq!(vectorized.unwrap_err(), "IntegerOverflow");
    assert_eq!(rows.unwrap_err(), "IntegerOverflow");
}

#[test]
fn membership_in_constant_lists_agrees_with_the_row_evaluator() {
    let lists = [
        vec![Value::Integer(1), Value::Integer(7), Value::Integer(i64::MAX)],
        vec![Value::Integer(1), Value::Null],
        vec![Value::Integer(1), Value::Float(7.0)],
        vec![],
        vec![Value::from("a"), Value::Integer(0)],
    ];
    for list in lists {
        for lhs in ["i", "j", "f", "s", "m"] {
            let e = Expr::binary(BinaryOp::In, Expr::var(lhs), Expr::Literal(Value::List(list.clone())));
            let (vectorized, rows) = both_ways(&e);
            let (Ok(a), Ok(b)) = (&vectorized, &rows) else { panic!("{e}: {vectorized:?} vs {rows:?}") };
            assert!(same(a, b), "{e}: vectorized {a:?} vs rows {b:?}");
        }
    }
}
