//! The Cypher scalar function library and its case-insensitive registry.
//! Every function takes already-evaluated arguments; nearly all map a null
//! argument to null.

pub mod conversion;
pub mod list;
pub mod math;
pub mod string;

use std::collections::HashMap;
use std::sync::OnceLock;

use plexus_storage::{Error, Result, Value};

use super::temporal::{between, construct, truncate};

/// A callable scalar function and its arity.
#[derive(Debug)]
pub struct FunctionDef {
    /// The canonical (documented) spelling, e.g. `toUpper`.
    pub name: &'static str,
    /// Fewest arguments accepted.
    pub min_args: usize,
    /// Most arguments accepted (`usize::MAX` for variadic).
    pub max_args: usize,
    /// The implementation; arity is already checked by [`call`].
    pub call: fn(&[Value]) -> Result<Value>,
}

const fn def(name: &'static str, min_args: usize, max_args: usize, call: fn(&[Value]) -> Result<Value>) -> FunctionDef {
    FunctionDef { name, min_args, max_args, call }
}

/// Every scalar function Plexus knows.
static FUNCTIONS: &[FunctionDef] = &[
    // string.rs
    def("toUpper", 1, 1, string::to_upper),
    def("upper", 1, 1, string::to_upper),
    def("toLower", 1, 1, string::to_lower),
    def("lower", 1, 1, string::to_lower),
    def("trim", 1, 1, string::trim),
    def("ltrim", 1, 1, string::ltrim),
    def("rtrim", 1, 1, string::rtrim),
    def("replace", 3, 3, string::replace),
    def("substring", 2, 3, string::substring),
    def("left", 2, 2, string::left),
    def("right", 2, 2, string::right),
    def("split", 2, 2, string::split),
    def("reverse", 1, 1, string::reverse),
    // conversion.rs
    def("toString", 1, 1, conversion::to_string),
    def("toStringOrNull", 1, 1, conversion::to_string_or_null),
    def("toInteger", 1, 1, conversion::to_integer),
    def("toIntegerOrNull", 1, 1, conversion::to_integer_or_null),
    def("toFloat", 1, 1, conversion::to_float),
    def("toFloatOrNull", 1, 1, conversion::to_float_or_null),
    def("toBoolean", 1, 1, conversion::to_boolean),
    def("toBooleanOrNull", 1, 1, conversion::to_boolean_or_null),
    def("toIntegerList", 1, 1, conversion::to_integer_list),
    def("toFloatList", 1, 1, conversion::to_float_list),
    def("toBooleanList", 1, 1, conversion::to_boolean_list),
    def("toStringList", 1, 1, conversion::to_string_list),
    // math.rs
    def("abs", 1, 1, math::abs),
    def("ceil", 1, 1, math::ceil),
    def("floor", 1, 1, math::floor),
    def("round", 1, 3, math::round),
    def("sign", 1, 1, math::sign),
    def("sqrt", 1, 1, math::sqrt),
    def("exp", 1, 1, math::exp),
    def("log", 1, 1, math::log),
    def("log10", 1, 1, math::log10),
    def("sin", 1, 1, math::sin),
    def("cos", 1, 1, math::cos),
    def("tan", 1, 1, math::tan),
    def("cot", 1, 1, math::cot),
    def("asin", 1, 1, math::asin),
    def("acos", 1, 1, math::acos),
    def("atan", 1, 1, math::atan),
    def("atan2", 2, 2, math::atan2),
    def("degrees", 1, 1, math::degrees),
    def("radians", 1, 1, math::radians),
    def("haversin", 1, 1, math::haversin),
    def("isNaN", 1, 1, math::is_nan),
    def("pi", 0, 0, math::pi),
    def("e", 0, 0, math::e),
    def("rand", 0, 0, math::rand),
    // list.rs
    def("size", 1, 1, list::size),
    def("head", 1, 1, list::head),
    def("last", 1, 1, list::last),
    def("tail", 1, 1, list::tail),
    def("range", 2, 3, list::range),
    def("keys", 1, 1, list::keys),
    def("labels", 1, 1, list::labels),
    def("type", 1, 1, list::rel_type),
    def("properties", 1, 1, list::properties),
    def("id", 1, 1, list::id),
    def("elementId", 1, 1, list::element_id),
    def("nodes", 1, 1, list::nodes),
    def("relationships", 1, 1, list::relationships),
    def("length", 1, 1, list::length),
    def("coalesce", 1, usize::MAX, list::coalesce),
    def("isEmpty", 1, 1, list::is_empty),
    // ../temporal
    def("date", 0, 1, construct::date),
    def("localtime", 0, 1, construct::local_time),
    def("time", 0, 1, construct::time),
    def("localdatetime", 0, 1, construct::local_datetime),
    def("datetime", 0, 1, construct::datetime),
    def("duration", 1, 1, construct::duration),
    def("date.statement", 0, 1, construct::date_now),
    def("date.transaction", 0, 1, construct::date_now),
    def("date.realtime", 0, 1, construct::date_realtime),
    def("localtime.statement", 0, 1, construct::local_time_now),
    def("localtime.transaction", 0, 1, construct::local_time_now),
    def("localtime.realtime", 0, 1, construct::local_time_realtime),
    def("time.statement", 0, 1, construct::time_now),
    def("time.transaction", 0, 1, construct::time_now),
    def("time.realtime", 0, 1, construct::time_realtime),
    def("localdatetime.statement", 0, 1, construct::local_datetime_now),
    def("localdatetime.transaction", 0, 1, construct::local_datetime_now),
    def("localdatetime.realtime", 0, 1, construct::local_datetime_realtime),
    def("datetime.statement", 0, 1, construct::datetime_now),
    def("datetime.transaction", 0, 1, construct::datetime_now),
    def("datetime.realtime", 0, 1, construct::datetime_realtime),
    def("timestamp", 0, 0, construct::timestamp),
    def("datetime.fromepoch", 2, 2, construct::from_epoch),
    def("datetime.fromepochmillis", 1, 1, construct::from_epoch_millis),
    def("date.truncate", 2, 3, truncate::date),
    def("localtime.truncate", 2, 3, truncate::local_time),
    def("time.truncate", 2, 3, truncate::time),
    def("localdatetime.truncate", 2, 3, truncate::local_datetime),
    def("datetime.truncate", 2, 3, truncate::datetime),
    def("duration.between", 2, 2, between::between_all),
    def("duration.inMonths", 2, 2, between::in_months),
    def("duration.inDays", 2, 2, between::in_days),
    def("duration.inSeconds", 2, 2, between::in_seconds),
];

fn registry() -> &'static HashMap<String, &'static FunctionDef> {
    static REGISTRY: OnceLock<HashMap<String, &'static FunctionDef>> = OnceLock::new();
    REGISTRY.get_or_init(|| FUNCTIONS.iter().map(|d| (d.name.to_ascii_lowercase(), d)).collect())
}

/// Find a function by name, ignoring ASCII case.
pub fn lookup(name: &str) -> Option<&'static FunctionDef> {
    registry().get(&name.to_ascii_lowercase()).copied()
}

/// All registered functions (for documentation and planners).
pub fn all() -> &'static [FunctionDef] {
    FUNCTIONS
}

/// Look up `name`, check the arity, and call it.
pub fn call(name: &str, args: &[Value]) -> Result<Value> {
    let def = lookup(name).ok_or_else(|| Error::semantic("UnknownFunction", format!("unknown function '{name}'")))?;
    if args.len() < def.min_args || args.len() > def.max_args {
        let expected = if def.min_args == def.max_args {
            def.min_args.to_string()
        } else if def.max_args == usize::MAX {
            format!("at least {}", def.min_args)
        } else {
            format!("{} to {}", def.min_args, def.max_args)
        };
        return Err(Error::semantic(
            "InvalidNumberOfArguments",
            format!("function '{}' takes {expected} argument(s), got {}", def.name, args.len()),
        ));
    }
    (def.call)(args)
}

/// The `i`th argument, or null when absent.
pub(crate) fn arg(args: &[Value], i: usize) -> &Value {
    static NULL: Value = Value::Null;
    args.get(i).unwrap_or(&NULL)
}

/// TypeError `InvalidArgumentValue` for a function argument of the wrong type.
pub(crate) fn invalid_arg(func: &str, expected: &str, got: &Value) -> Error {
    Error::type_error("InvalidArgumentValue", format!("{func}() expects {expected}, got {}", got.type_name()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use plexus_storage::ErrorClass;

    #[test]
    fn registry_lookup() {
        assert_eq!(lookup("TOUPPER").map(|d| d.name), Some("toUpper"));
        assert_eq!(lookup("toupper").map(|d| d.name), Some("toUpper"));
        assert!(lookup("nope").is_none());
        let mut names: Vec<String> = FUNCTIONS.iter().map(|d| d.name.to_ascii_lowercase()).collect();
        names.sort();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "duplicate function names");
    }

    #[test]
    fn call_checks_arity_and_names() {
        assert_eq!(call("toUpper", &[Value::from("a")]).unwrap(), Value::from("A"));
        let e = call("frobnicate", &[]).unwrap_err();
        assert_eq!((e.class, e.detail), (ErrorClass::SyntaxError, "UnknownFunction"));
        let e = call("toUpper", &[]).unwrap_err();
        assert_eq!(e.detail, "InvalidNumberOfArguments");
        let e = call("substring", &[Value::from("a"), 1.into(), 1.into(), 1.into()]).unwrap_err();
        assert_eq!(e.detail, "InvalidNumberOfArguments");
        assert_eq!(call("coalesce", &[Value::Null, 2.into(), 3.into()]).unwrap(), Value::Integer(2));
    }

    #[test]
    fn no_function_panics_on_odd_inputs() {
        let samples = [
            Value::Null,
            Value::Boolean(true),
            Value::Integer(i64::MIN),
            Value::Integer(i64::MAX),
            Value::Integer(-1),
            Value::Integer(0),
            Value::Float(f64::NAN),
            Value::Float(f64::INFINITY),
            Value::Float(-1e300),
            Value::Float(0.5),
            Value::from("ü✓ab"),
            Value::from(""),
            Value::List(vec![Value::Null, Value::Integer(1)]),
            Value::Map(Default::default()),
        ];
        for def in FUNCTIONS {
            if def.name == "range" {
                continue; // huge ranges are bounded but slow; tested separately
            }
            let n = def.min_args.clamp(1, 3);
            for a in &samples {
                for b in &samples {
                    let args: Vec<Value> = [a, b, a].iter().take(n).map(|v| (*v).clone()).collect();
                    let _ = (def.call)(&args[..n.min(def.max_args).max(def.min_args)]);
                }
            }
        }
    }
}
