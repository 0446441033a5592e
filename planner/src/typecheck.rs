//! Compile-time type checks: an operand whose type is evident from the query
//! text alone (a literal, a list or map constructor, a comparison) and
//! cannot be valid for its operator is an error before anything runs.

use plexus_storage::{Error, Result, Value};

use crate::expr::{BinaryOp, Expr, UnaryOp};
use crate::scope::Scope;

/// The type an expression certainly has, when the text shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaticType {
    Null,
    Boolean,
    Integer,
    Float,
    String,
    List,
    Map,
}

pub fn static_type(e: &Expr) -> Option<StaticType> {
    static_type_in(e, None)
}

/// Like `static_type`, also knowing the evident types of bound variables.
pub fn static_type_in(e: &Expr, scope: Option<&Scope>) -> Option<StaticType> {
    Some(match e {
        Expr::Variable(v) => return scope.and_then(|s| s.static_type(v)),
        Expr::Literal(v) => match v {
            Value::Null => StaticType::Null,
            Value::Boolean(_) => StaticType::Boolean,
            Value::Integer(_) => StaticType::Integer,
            Value::Float(_) => StaticType::Float,
            Value::String(_) => StaticType::String,
            Value::List(_) => StaticType::List,
            Value::Map(_) => StaticType::Map,
            _ => return None,
        },
        Expr::List(_) | Expr::ListComprehension { .. } => StaticType::List,
        Expr::Map(_) | Expr::MapProjection { .. } => StaticType::Map,
        Expr::Binary(
            BinaryOp::And
            | BinaryOp::Or
            | BinaryOp::Xor
            | BinaryOp::Eq
            | BinaryOp::Neq
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge,
            ..,
        ) => StaticType::Boolean,
        Expr::Unary(UnaryOp::Not | UnaryOp::IsNull | UnaryOp::IsNotNull, _) => StaticType::Boolean,
        _ => return None,
    })
}

fn mismatch(what: &str, t: StaticType) -> Error {
    Error::semantic("InvalidArgumentType", format!("Type mismatch: {what}, got {t:?}"))
}

/// The common type of a list literal's elements, when evident.
pub fn element_type(list: &Expr, scope: Option<&Scope>) -> Option<StaticType> {
    let types: Vec<Option<StaticType>> = match list {
        Expr::List(items) => items.iter().map(|e| static_type_in(e, scope)).collect(),
        Expr::Literal(Value::List(items)) => items.iter().map(|v| static_type(&Expr::Literal(v.clone()))).collect(),
        _ => return None,
    };
    let first = (*types.first()?)?;
    types.iter().all(|t| *t == Some(first)).then_some(first)
}

/// Check one operator node against its operands' evident types.
pub fn check(e: &Expr) -> Result<()> {
    check_in(e, None)
}

/// `check`, also knowing the evident types of bound variables.
pub fn check_in(e: &Expr, scope: Option<&Scope>) -> Result<()> {
    let static_type = |x: &Expr| static_type_in(x, scope);
    let boolean = |x: &Expr| match static_type(x) {
        Some(t) if !matches!(t, StaticType::Boolean | StaticType::Null) => Err(mismatch("expected a boolean", t)),
        _ => Ok(()),
    };
    match e {
        Expr::Binary(BinaryOp::And | BinaryOp::Or | BinaryOp::Xor, l, r) => {
            boolean(l)?;
            boolean(r)
        }
        Expr::Unary(UnaryOp::Not, x) => boolean(x),
        Expr::Binary(BinaryOp::In, _, list) => match static_type(list) {
            Some(t) if !matches!(t, StaticType::List | StaticType::Null) => Err(mismatch("IN expects a list", t)),
            _ => Ok(()),
        },
        // Arithmetic other than `+` (which also joins strings and lists) needs numbers.
        Expr::Binary(BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod | BinaryOp::Pow, l, r) => {
            for x in [l, r] {
                if let Some(t) = static_type(x) {
                    if matches!(t, StaticType::String | StaticType::Boolean | StaticType::List | StaticType::Map) {
                        return Err(mismatch("arithmetic expects numbers", t));
                    }
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_boolean_literals_in_boolean_operators_are_rejected() {
        let e = Expr::binary(BinaryOp::And, Expr::lit(123), Expr::lit(true));
        assert_eq!(check(&e).unwrap_err().detail, "InvalidArgumentType");
        let ok = Expr::binary(BinaryOp::And, Expr::Literal(Value::Null), Expr::var("x"));
        assert!(check(&ok).is_ok());
    }

    #[test]
    fn in_needs_a_list() {
        let e = Expr::binary(BinaryOp::In, Expr::lit(1), Expr::lit(123));
        assert!(check(&e).is_err());
        assert!(check(&Expr::binary(BinaryOp::In, Expr::lit(1), Expr::List(vec![]))).is_ok());
    }
}
