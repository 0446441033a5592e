//! Cypher arithmetic operators: `+ - * / % ^` and unary minus.

use plexus_storage::{Error, ErrorClass, Phase, Result, Value};

use super::temporal::arith as temporal;

fn overflow(op: &str, a: &Value, b: &Value) -> Error {
    Error::new(
        ErrorClass::ArithmeticError,
        "IntegerOverflow",
        Phase::Runtime,
        format!("integer overflow evaluating {a} {op} {b}"),
    )
}

fn division_by_zero() -> Error {
    Error::new(ErrorClass::ArithmeticError, "DivisionByZero", Phase::Runtime, "/ by zero")
}

fn type_mismatch(op: &str, a: &Value, b: &Value) -> Error {
    Error::type_error("InvalidArgumentType", format!("cannot apply `{op}` to {} and {}", a.type_name(), b.type_name()))
}

/// Both operands as floats when both are numbers.
fn floats(a: &Value, b: &Value) -> Option<(f64, f64)> {
    match (a, b) {
        (Value::Integer(_) | Value::Float(_), Value::Integer(_) | Value::Float(_)) => Some((a.as_f64()?, b.as_f64()?)),
        _ => None,
    }
}

/// Shared shape of `- * / %`: integer op with checked arithmetic, else float op.
fn numeric(
    op: &str,
    a: &Value,
    b: &Value,
    int_op: impl Fn(i64, i64) -> Result<Value>,
    float_op: impl Fn(f64, f64) -> f64,
) -> Result<Value> {
    match (a, b) {
        (Value::Null, _) | (_, Value::Null) => Ok(Value::Null),
        (Value::Integer(x), Value::Integer(y)) => int_op(*x, *y),
        _ => match floats(a, b) {
            Some((x, y)) => Ok(Value::Float(float_op(x, y))),
            None => Err(type_mismatch(op, a, b)),
        },
    }
}

/// `a + b`: numbers, string concatenation (with numbers rendered), list concatenation/append/prepend.
pub fn add(a: &Value, b: &Value) -> Result<Value> {
    if let Some(r) = temporal::add(a, b) {
        return r;
    }
    match (a, b) {
        (Value::Null, _) | (_, Value::Null) => Ok(Value::Null),
        (Value::String(x), Value::String(y)) => Ok(Value::String(format!("{x}{y}"))),
        (Value::String(x), y @ (Value::Integer(_) | Value::Float(_))) => {
            Ok(Value::String(format!("{x}{}", y.to_display_string())))
        }
        (x @ (Value::Integer(_) | Value::Float(_)), Value::String(y)) => {
            Ok(Value::String(format!("{}{y}", x.to_display_string())))
        }
        (Value::List(x), Value::List(y)) => {
            let mut out = Vec::with_capacity(x.len() + y.len());
            out.extend(x.iter().cloned());
            out.extend(y.iter().cloned());
            Ok(Value::List(out))
        }
        (Value::List(x), y) => {
            let mut out = Vec::with_capacity(x.len() + 1);
            out.extend(x.iter().cloned());
            out.push(y.clone());
            Ok(Value::List(out))
        }
        (x, Value::List(y)) => {
            let mut out = Vec::with_capacity(y.len() + 1);
            out.push(x.clone());
            out.extend(y.iter().cloned());
            Ok(Value::List(out))
        }
        _ => numeric(
            "+",
            a,
            b,
            |x, y| x.checked_add(y).map(Value::Integer).ok_or_else(|| overflow("+", a, b)),
            |x, y| x + y,
        ),
    }
}

/// `a - b` over numbers.
pub fn sub(a: &Value, b: &Value) -> Result<Value> {
    if let Some(r) = temporal::sub(a, b) {
        return r;
    }
    numeric("-", a, b, |x, y| x.checked_sub(y).map(Value::Integer).ok_or_else(|| overflow("-", a, b)), |x, y| x - y)
}

/// `a * b` over numbers.
pub fn mul(a: &Value, b: &Value) -> Result<Value> {
    if let Some(r) = temporal::mul(a, b) {
        return r;
    }
    numeric("*", a, b, |x, y| x.checked_mul(y).map(Value::Integer).ok_or_else(|| overflow("*", a, b)), |x, y| x * y)
}

/// `a / b`: integer division truncates (÷0 is an error); float division follows IEEE.
pub fn div(a: &Value, b: &Value) -> Result<Value> {
    if let Some(r) = temporal::div(a, b) {
        return r;
    }
    numeric(
        "/",
        a,
        b,
        |x, y| {
            if y == 0 {
                return Err(division_by_zero());
            }
            x.checked_div(y).map(Value::Integer).ok_or_else(|| overflow("/", a, b))
        },
        |x, y| x / y,
    )
}

/// `a % b`: remainder with the sign of the dividend (÷0 on integers is an error).
pub fn modulo(a: &Value, b: &Value) -> Result<Value> {
    numeric(
        "%",
        a,
        b,
        |x, y| {
            if y == 0 {
                return Err(division_by_zero());
            }
            // i64::MIN % -1 is mathematically 0.
            Ok(Value::Integer(x.checked_rem(y).unwrap_or(0)))
        },
        |x, y| x % y,
    )
}

/// `a ^ b`: always a float.
pub fn pow(a: &Value, b: &Value) -> Result<Value> {
    match (a, b) {
        (Value::Null, _) | (_, Value::Null) => Ok(Value::Null),
        _ => match floats(a, b) {
            Some((x, y)) => Ok(Value::Float(x.powf(y))),
            None => Err(type_mismatch("^", a, b)),
        },
    }
}

/// Unary minus.
pub fn neg(a: &Value) -> Result<Value> {
    match a {
        Value::Null => Ok(Value::Null),
        Value::Integer(x) => x.checked_neg().map(Value::Integer).ok_or_else(|| {
            Error::new(
                ErrorClass::ArithmeticError,
                "IntegerOverflow",
                Phase::Runtime,
                format!("integer overflow evaluating -({x})"),
            )
        }),
        Value::Float(x) => Ok(Value::Float(-x)),
        other => {
            Err(Error::type_error("InvalidArgumentType", format!("cannot apply unary `-` to {}", other.type_name())))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::test_util::*;

    fn detail(r: Result<Value>) -> (ErrorClass, &'static str) {
        let e = r.expect_err("expected an error");
        (e.class, e.detail)
    }

    #[test]
    fn addition() {
        assert_eq!(add(&i(1), &i(2)).unwrap(), i(3));
        assert_eq!(add(&i(1), &f(0.5)).unwrap(), f(1.5));
        assert_eq!(add(&f(0.5), &i(1)).unwrap(), f(1.5));
        assert_eq!(add(&Value::Null, &i(1)).unwrap(), Value::Null);
        assert_eq!(add(&s("a"), &s("b")).unwrap(), s("ab"));
        assert_eq!(add(&s("a"), &i(1)).unwrap(), s("a1"));
        assert_eq!(add(&f(1.0), &s("a")).unwrap(), s("1.0a"));
        assert_eq!(
            add(&l(vec![i(1), i(10), i(100)]), &l(vec![i(4), i(5)])).unwrap(),
            l(vec![i(1), i(10), i(100), i(4), i(5)])
        );
        // List4 [2]: [false, true] + false
        let bools = l(vec![Value::Boolean(false), Value::Boolean(true)]);
        assert_eq!(
            add(&bools, &Value::Boolean(false)).unwrap(),
            l(vec![Value::Boolean(false), Value::Boolean(true), Value::Boolean(false)])
        );
        assert_eq!(add(&i(0), &l(vec![i(1)])).unwrap(), l(vec![i(0), i(1)]));
        assert_eq!(add(&l(vec![]), &l(vec![l(vec![])])).unwrap(), l(vec![l(vec![])]));
        assert_eq!(detail(add(&i(i64::MAX), &i(1))), (ErrorClass::ArithmeticError, "IntegerOverflow"));
        assert_eq!(detail(add(&Value::Boolean(true), &i(1))), (ErrorClass::TypeError, "InvalidArgumentType"));
        assert_eq!(detail(add(&s("a"), &Value::Boolean(true))), (ErrorClass::TypeError, "InvalidArgumentType"));
    }

    #[test]
    fn subtraction_multiplication() {
        assert_eq!(sub(&i(1), &i(3)).unwrap(), i(-2));
        assert_eq!(sub(&f(1.5), &i(1)).unwrap(), f(0.5));
        assert_eq!(detail(sub(&i(i64::MIN), &i(1))), (ErrorClass::ArithmeticError, "IntegerOverflow"));
        assert_eq!(mul(&i(3), &i(4)).unwrap(), i(12));
        assert_eq!(mul(&i(3), &f(0.5)).unwrap(), f(1.5));
        assert_eq!(detail(mul(&i(i64::MAX), &i(2))), (ErrorClass::ArithmeticError, "IntegerOverflow"));
        assert_eq!(mul(&Value::Null, &s("x")).unwrap(), Value::Null);
        assert_eq!(detail(sub(&s("a"), &s("b"))), (ErrorClass::TypeError, "InvalidArgumentType"));
        assert_eq!(detail(mul(&l(vec![]), &i(2))), (ErrorClass::TypeError, "InvalidArgumentType"));
    }

    #[test]
    fn division_and_modulo() {
        assert_eq!(div(&i(7), &i(2)).unwrap(), i(3));
        assert_eq!(div(&i(-7), &i(2)).unwrap(), i(-3));
        assert_eq!(div(&i(7), &f(2.0)).unwrap(), f(3.5));
        assert_eq!(detail(div(&i(1), &i(0))), (ErrorClass::ArithmeticError, "DivisionByZero"));
        assert_eq!(detail(div(&i(i64::MIN), &i(-1))), (ErrorClass::ArithmeticError, "IntegerOverflow"));
        assert_eq!(div(&i(1), &f(0.0)).unwrap(), f(f64::INFINITY));
        assert!(matches!(div(&f(0.0), &f(0.0)).unwrap(), Value::Float(x) if x.is_nan()));
        assert_eq!(modulo(&i(7), &i(3)).unwrap(), i(1));
        assert_eq!(modulo(&i(-7), &i(3)).unwrap(), i(-1));
        assert_eq!(modulo(&i(i64::MIN), &i(-1)).unwrap(), i(0));
        assert_eq!(modulo(&f(7.5), &i(2)).unwrap(), f(1.5));
        assert_eq!(detail(modulo(&i(1), &i(0))), (ErrorClass::ArithmeticError, "DivisionByZero"));
        assert!(matches!(modulo(&f(1.0), &i(0)).unwrap(), Value::Float(x) if x.is_nan()));
    }

    #[test]
    fn power_and_negation() {
        assert_eq!(pow(&i(2), &i(3)).unwrap(), f(8.0));
        assert_eq!(pow(&i(4), &f(0.5)).unwrap(), f(2.0));
        assert_eq!(pow(&Value::Null, &i(1)).unwrap(), Value::Null);
        assert_eq!(detail(pow(&s("2"), &i(1))), (ErrorClass::TypeError, "InvalidArgumentType"));
        assert_eq!(neg(&i(3)).unwrap(), i(-3));
        assert_eq!(neg(&f(0.5)).unwrap(), f(-0.5));
        assert_eq!(neg(&Value::Null).unwrap(), Value::Null);
        assert_eq!(detail(neg(&i(i64::MIN))), (ErrorClass::ArithmeticError, "IntegerOverflow"));
        assert_eq!(detail(neg(&s("x"))), (ErrorClass::TypeError, "InvalidArgumentType"));
    }
}
