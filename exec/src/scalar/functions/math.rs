//! Numeric functions. Results are floats except `abs` and `sign` on integers.

use std::cell::Cell;

use plexus_storage::{Error, ErrorClass, Phase, Result, Value};

use super::{arg, invalid_arg};

/// A numeric argument as f64; `Ok(None)` for null.
fn number(func: &str, v: &Value) -> Result<Option<f64>> {
    match v {
        Value::Null => Ok(None),
        Value::Integer(i) => Ok(Some(*i as f64)),
        Value::Float(f) => Ok(Some(*f)),
        other => Err(invalid_arg(func, "a NUMBER", other)),
    }
}

/// Apply a float function to the first argument; null in, null out.
fn unary(func: &str, args: &[Value], f: impl Fn(f64) -> f64) -> Result<Value> {
    Ok(number(func, arg(args, 0))?.map(f).into())
}

/// `abs(x)`: integer for integers (overflow is an error), float for floats.
pub fn abs(args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Integer(i) => i.checked_abs().map(Value::Integer).ok_or_else(|| {
            Error::new(ErrorClass::ArithmeticError, "IntegerOverflow", Phase::Runtime, format!("abs({i}) overflows"))
        }),
        other => unary("abs", std::slice::from_ref(other), f64::abs),
    }
}

/// `ceil(x)`: smallest integral float ≥ x.
pub fn ceil(args: &[Value]) -> Result<Value> {
    unary("ceil", args, f64::ceil)
}

/// `floor(x)`: largest integral float ≤ x.
pub fn floor(args: &[Value]) -> Result<Value> {
    unary("floor", args, f64::floor)
}

/// Round `y` to an integral value according to a `RoundingMode` name.
fn round_mode(y: f64, mode: &str) -> Option<f64> {
    let floor = y.floor();
    let diff = y - floor;
    let away = if y < 0.0 { y.floor() } else { y.ceil() };
    let toward = y.trunc();
    Some(match mode {
        "UP" => away,
        "DOWN" => toward,
        "CEILING" => y.ceil(),
        "FLOOR" => floor,
        "HALF_UP" => y.round(),
        "HALF_DOWN" => {
            if (y.abs() - y.abs().floor()) == 0.5 {
                toward
            } else {
                y.round()
            }
        }
        "HALF_EVEN" => {
            if diff == 0.5 {
                if floor % 2.0 == 0.0 {
                    floor
                } else {
                    floor + 1.0
                }
            } else {
                y.round()
            }
        }
        _ => return None,
    })
}

/// `round(x[, precision[, mode]])`: one argument rounds half up (toward +∞);
/// with a precision, half away from zero unless a mode is given.
pub fn round(args: &[Value]) -> Result<Value> {
    let Some(x) = number("round", arg(args, 0))? else {
        return Ok(Value::Null);
    };
    if args.len() < 2 {
        let fl = x.floor();
        return Ok(Value::Float(if x - fl >= 0.5 { fl + 1.0 } else { fl }));
    }
    let precision = match arg(args, 1) {
        Value::Null => return Ok(Value::Null),
        Value::Integer(p) => *p,
        other => return Err(invalid_arg("round", "an INTEGER precision", other)),
    };
    let mode = match arg(args, 2) {
        Value::Null if args.len() > 2 => return Ok(Value::Null),
        Value::Null => "HALF_UP".to_string(),
        Value::String(m) => m.to_ascii_uppercase(),
        other => return Err(invalid_arg("round", "a STRING rounding mode", other)),
    };
    if !x.is_finite() {
        return Ok(Value::Float(x));
    }
    let p = precision.clamp(-400, 400) as i32;
    let scale = 10f64.powi(p.abs());
    if !scale.is_finite() {
        // Beyond f64 range: a huge precision keeps x, a huge negative one rounds to zero.
        return Ok(Value::Float(if p >= 0 { x } else { 0.0 * x.signum() }));
    }
    let scaled = if p >= 0 { x * scale } else { x / scale };
    if !scaled.is_finite() {
        return Ok(Value::Float(x));
    }
    let r = round_mode(scaled, &mode)
        .ok_or_else(|| Error::argument("InvalidArgumentValue", format!("unknown rounding mode '{mode}'")))?;
    Ok(Value::Float(if p >= 0 { r / scale } else { r * scale }))
}

/// `sign(x)`: -1, 0 or 1 as an integer (0 for NaN).
pub fn sign(args: &[Value]) -> Result<Value> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::Integer(i) => Ok(Value::Integer(i.signum())),
        Value::Float(f) if *f > 0.0 => Ok(Value::Integer(1)),
        Value::Float(f) if *f < 0.0 => Ok(Value::Integer(-1)),
        Value::Float(_) => Ok(Value::Integer(0)),
        other => Err(invalid_arg("sign", "a NUMBER", other)),
    }
}

/// `sqrt(x)` (NaN for negatives).
pub fn sqrt(args: &[Value]) -> Result<Value> {
    unary("sqrt", args, f64::sqrt)
}

/// `exp(x)`: e raised to x.
pub fn exp(args: &[Value]) -> Result<Value> {
    unary("exp", args, f64::exp)
}

/// `log(x)`: natural logarithm.
pub fn log(args: &[Value]) -> Result<Value> {
    unary("log", args, f64::ln)
}

/// `log10(x)`: base-10 logarithm.
pub fn log10(args: &[Value]) -> Result<Value> {
    unary("log10", args, f64::log10)
}

/// `sin(x)` in radians.
pub fn sin(args: &[Value]) -> Result<Value> {
    unary("sin", args, f64::sin)
}

/// `cos(x)` in radians.
pub fn cos(args: &[Value]) -> Result<Value> {
    unary("cos", args, f64::cos)
}

/// `tan(x)` in radians.
pub fn tan(args: &[Value]) -> Result<Value> {
    unary("tan", args, f64::tan)
}

/// `cot(x)`: 1 / tan(x).
pub fn cot(args: &[Value]) -> Result<Value> {
    unary("cot", args, |x| 1.0 / x.tan())
}

/// `asin(x)`.
pub fn asin(args: &[Value]) -> Result<Value> {
    unary("asin", args, f64::asin)
}

/// `acos(x)`.
pub fn acos(args: &[Value]) -> Result<Value> {
    unary("acos", args, f64::acos)
}

/// `atan(x)`.
pub fn atan(args: &[Value]) -> Result<Value> {
    unary("atan", args, f64::atan)
}

/// `atan2(y, x)`.
pub fn atan2(args: &[Value]) -> Result<Value> {
    let y = number("atan2", arg(args, 0))?;
    let x = number("atan2", arg(args, 1))?;
    Ok(y.zip(x).map(|(y, x)| y.atan2(x)).into())
}

/// `degrees(x)`: radians to degrees.
pub fn degrees(args: &[Value]) -> Result<Value> {
    unary("degrees", args, f64::to_degrees)
}

/// `radians(x)`: degrees to radians.
pub fn radians(args: &[Value]) -> Result<Value> {
    unary("radians", args, f64::to_radians)
}

/// `haversin(x)`: half of 1 - cos(x).
pub fn haversin(args: &[Value]) -> Result<Value> {
    unary("haversin", args, |x| (1.0 - x.cos()) / 2.0)
}

/// `isNaN(x)`: true only for a NaN float.
pub fn is_nan(args: &[Value]) -> Result<Value> {
    Ok(number("isNaN", arg(args, 0))?.map(f64::is_nan).into())
}

/// `pi()`.
pub fn pi(_: &[Value]) -> Result<Value> {
    Ok(Value::Float(std::f64::consts::PI))
}

/// `e()`.
pub fn e(_: &[Value]) -> Result<Value> {
    Ok(Value::Float(std::f64::consts::E))
}

thread_local! {
    static RNG: Cell<u64> = Cell::new(seed());
}

fn seed() -> u64 {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0x9E37_79B9_7F4A_7C15);
    let local = 0u8;
    (t ^ (&local as *const u8 as u64).rotate_left(32)) | 1
}

/// `rand()`: a uniform float in [0, 1) (xorshift64*, per thread).
pub fn rand(_: &[Value]) -> Result<Value> {
    let x = RNG.with(|c| {
        let mut x = c.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        c.set(x);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    });
    Ok(Value::Float((x >> 11) as f64 / (1u64 << 53) as f64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::test_util::*;

    const N: Value = Value::Null;

    fn fl(v: Value) -> f64 {
        v.as_f64().expect("a number")
    }

    #[test]
    fn abs_sign_ceil_floor() {
        assert_eq!(abs(&[i(-3)]).unwrap(), i(3));
        assert_eq!(abs(&[f(-3.5)]).unwrap(), f(3.5));
        assert_eq!(abs(&[N]).unwrap(), N);
        assert_eq!(abs(&[i(i64::MIN)]).unwrap_err().class, ErrorClass::ArithmeticError);
        assert_eq!(abs(&[s("x")]).unwrap_err().class, ErrorClass::TypeError);
        assert_eq!(sign(&[i(-7)]).unwrap(), i(-1));
        assert_eq!(sign(&[f(0.0)]).unwrap(), i(0));
        assert_eq!(sign(&[f(2.5)]).unwrap(), i(1));
        assert_eq!(ceil(&[f(1.2)]).unwrap(), f(2.0));
        assert_eq!(ceil(&[i(1)]).unwrap(), f(1.0));
        assert_eq!(floor(&[f(-1.2)]).unwrap(), f(-2.0));
    }

    #[test]
    fn rounding() {
        assert_eq!(round(&[f(1.23456)]).unwrap(), f(1.0));
        assert_eq!(round(&[f(2.5)]).unwrap(), f(3.0));
        assert_eq!(round(&[f(-1.5)]).unwrap(), f(-1.0));
        assert_eq!(round(&[f(-1.6)]).unwrap(), f(-2.0));
        assert_eq!(round(&[i(3)]).unwrap(), f(3.0));
        assert_eq!(round(&[f(1.23456), i(3)]).unwrap(), f(1.235));
        assert_eq!(round(&[f(-1.25), i(1)]).unwrap(), f(-1.3));
        assert_eq!(round(&[f(1.25), i(1), s("HALF_EVEN")]).unwrap(), f(1.2));
        assert_eq!(round(&[f(1.25), i(1), s("HALF_DOWN")]).unwrap(), f(1.2));
        assert_eq!(round(&[f(1.21), i(1), s("CEILING")]).unwrap(), f(1.3));
        assert_eq!(round(&[f(-1.21), i(1), s("UP")]).unwrap(), f(-1.3));
        assert_eq!(round(&[f(-1.29), i(1), s("DOWN")]).unwrap(), f(-1.2));
        assert_eq!(round(&[f(1234.0), i(-2)]).unwrap(), f(1200.0));
        assert_eq!(round(&[f(5.0), i(-400)]).unwrap(), f(0.0));
        assert_eq!(round(&[f(5.25), i(400)]).unwrap(), f(5.25));
        assert_eq!(round(&[f(5.25), i(i64::MIN)]).unwrap(), f(0.0));
        assert_eq!(round(&[f(1.5), i(0), s("bogus")]).unwrap_err().class, ErrorClass::ArgumentError);
        assert_eq!(round(&[N, i(1)]).unwrap(), N);
        assert!(fl(round(&[f(f64::NAN)]).unwrap()).is_nan());
    }

    #[test]
    fn transcendental() {
        assert_eq!(sqrt(&[i(16)]).unwrap(), f(4.0));
        assert!(fl(sqrt(&[i(-1)]).unwrap()).is_nan());
        assert_eq!(exp(&[i(0)]).unwrap(), f(1.0));
        assert_eq!(log(&[f(std::f64::consts::E)]).unwrap(), f(1.0));
        assert_eq!(log(&[i(0)]).unwrap(), f(f64::NEG_INFINITY));
        assert_eq!(log10(&[i(100)]).unwrap(), f(2.0));
        assert_eq!(sin(&[i(0)]).unwrap(), f(0.0));
        assert_eq!(cos(&[i(0)]).unwrap(), f(1.0));
        assert_eq!(tan(&[i(0)]).unwrap(), f(0.0));
        assert_eq!(asin(&[i(0)]).unwrap(), f(0.0));
        assert_eq!(acos(&[i(1)]).unwrap(), f(0.0));
        assert_eq!(atan(&[i(0)]).unwrap(), f(0.0));
        assert_eq!(atan2(&[i(0), i(1)]).unwrap(), f(0.0));
        assert_eq!(atan2(&[N, i(1)]).unwrap(), N);
        assert_eq!(degrees(&[f(std::f64::consts::PI)]).unwrap(), f(180.0));
        assert_eq!(radians(&[i(180)]).unwrap(), f(std::f64::consts::PI));
        assert_eq!(haversin(&[i(0)]).unwrap(), f(0.0));
        assert_eq!(is_nan(&[f(f64::NAN)]).unwrap(), Value::Boolean(true));
        assert_eq!(is_nan(&[i(1)]).unwrap(), Value::Boolean(false));
        assert_eq!(pi(&[]).unwrap(), f(std::f64::consts::PI));
        assert_eq!(e(&[]).unwrap(), f(std::f64::consts::E));
        assert_eq!(sqrt(&[s("4")]).unwrap_err().class, ErrorClass::TypeError);
    }

    #[test]
    fn random() {
        let mut distinct = std::collections::HashSet::new();
        for _ in 0..1000 {
            let x = fl(rand(&[]).unwrap());
            assert!((0.0..1.0).contains(&x));
            distinct.insert(x.to_bits());
        }
        assert!(distinct.len() > 990);
    }
}
