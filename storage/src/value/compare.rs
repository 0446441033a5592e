//! Cypher value semantics: three-valued equality (`=`), comparison
//! (`<`, `<=`, `>`, `>=`), the total ORDER BY order, and equivalence
//! (`GroupKey`, used by DISTINCT and grouping).

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use super::{Path, Value};
use crate::error::{Error, Result};

/// Kleene three-valued logic: the result of a Cypher predicate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Ternary {
    True,
    False,
    Null,
}

impl Ternary {
    /// Kleene AND: false wins over null.
    pub fn and(self, other: Ternary) -> Ternary {
        match (self, other) {
            (Ternary::False, _) | (_, Ternary::False) => Ternary::False,
            (Ternary::True, Ternary::True) => Ternary::True,
            _ => Ternary::Null,
        }
    }

    /// Kleene OR: true wins over null.
    pub fn or(self, other: Ternary) -> Ternary {
        match (self, other) {
            (Ternary::True, _) | (_, Ternary::True) => Ternary::True,
            (Ternary::False, Ternary::False) => Ternary::False,
            _ => Ternary::Null,
        }
    }

    /// Kleene XOR: null if either side is null.
    pub fn xor(self, other: Ternary) -> Ternary {
        match (self.to_option(), other.to_option()) {
            (Some(a), Some(b)) => Ternary::from(a != b),
            _ => Ternary::Null,
        }
    }

    /// Kleene NOT: null stays null.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Ternary {
        match self {
            Ternary::True => Ternary::False,
            Ternary::False => Ternary::True,
            Ternary::Null => Ternary::Null,
        }
    }

    /// `Some(bool)` for true/false, `None` for null.
    pub fn to_option(self) -> Option<bool> {
        match self {
            Ternary::True => Some(true),
            Ternary::False => Some(false),
            Ternary::Null => None,
        }
    }

    /// True only for `Ternary::True` (how WHERE filters rows).
    pub fn is_true(self) -> bool {
        self == Ternary::True
    }

    /// A value in boolean context: booleans and null; anything else is a TypeError.
    pub fn from_value(v: &Value) -> Result<Ternary> {
        match v {
            Value::Null => Ok(Ternary::Null),
            Value::Boolean(b) => Ok(Ternary::from(*b)),
            other => {
                Err(Error::type_error("InvalidArgumentType", format!("expected a BOOLEAN, got {}", other.type_name())))
            }
        }
    }
}

impl From<bool> for Ternary {
    fn from(b: bool) -> Self {
        if b {
            Ternary::True
        } else {
            Ternary::False
        }
    }
}

impl From<Option<bool>> for Ternary {
    fn from(b: Option<bool>) -> Self {
        b.map_or(Ternary::Null, Ternary::from)
    }
}

impl From<Ternary> for Option<bool> {
    fn from(t: Ternary) -> Self {
        t.to_option()
    }
}

impl From<Ternary> for Value {
    fn from(t: Ternary) -> Self {
        match t {
            Ternary::True => Value::Boolean(true),
            Ternary::False => Value::Boolean(false),
            Ternary::Null => Value::Null,
        }
    }
}

/// The outcome of comparing two values with `<`, `<=`, `>`, `>=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Comparison {
    /// The values are comparable and ordered this way.
    Ordered(Ordering),
    /// Comparable types but no order (NaN involved): every comparison is false.
    Unordered,
    /// Null involved or incomparable types: every comparison is null.
    Null,
}

impl Comparison {
    fn ordering(self) -> Option<Ordering> {
        match self {
            Comparison::Ordered(o) => Some(o),
            _ => None,
        }
    }

    /// Evaluate a comparison operator given which orderings satisfy it.
    fn test(self, accept: impl Fn(Ordering) -> bool) -> Ternary {
        match self {
            Comparison::Ordered(o) => Ternary::from(accept(o)),
            Comparison::Unordered => Ternary::False,
            Comparison::Null => Ternary::Null,
        }
    }
}

const TWO_POW_63: f64 = 9_223_372_036_854_775_808.0;

/// Exact comparison of an integer with a float (no precision loss); `None` for NaN.
pub fn cmp_int_float(i: i64, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f >= TWO_POW_63 {
        return Some(Ordering::Less);
    }
    if f < -TWO_POW_63 {
        return Some(Ordering::Greater);
    }
    let t = f.trunc();
    // |t| < 2^63 or t == -2^63: exactly representable as i64.
    let ti = t as i64;
    match i.cmp(&ti) {
        Ordering::Equal => {
            let frac = f - t;
            if frac > 0.0 {
                Some(Ordering::Less)
            } else if frac < 0.0 {
                Some(Ordering::Greater)
            } else {
                Some(Ordering::Equal)
            }
        }
        o => Some(o),
    }
}

/// Numeric comparison of two number values; `None` when a NaN is involved
/// or either side is not a number.
fn cmp_numbers(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Integer(x), Value::Integer(y)) => Some(x.cmp(y)),
        (Value::Float(x), Value::Float(y)) => x.partial_cmp(y),
        (Value::Integer(x), Value::Float(y)) => cmp_int_float(*x, *y),
        (Value::Float(x), Value::Integer(y)) => cmp_int_float(*y, *x).map(Ordering::reverse),
        _ => None,
    }
}

/// A zoned time as nanoseconds since midnight UTC (may be outside one day).
fn time_instant(nanos: i64, offset_seconds: i32) -> i128 {
    nanos as i128 - offset_seconds as i128 * 1_000_000_000
}

fn path_ids(p: &Path) -> impl Iterator<Item = (bool, u64)> + '_ {
    // Interleave node and relationship ids: n0, r0, n1, r1, ..., nk.
    let rels = p.relationships.iter().map(|r| (true, r.id));
    let nodes = p.nodes.iter().map(|n| (false, n.id));
    let mut out = Vec::with_capacity(p.nodes.len() + p.relationships.len());
    let mut rels = rels.peekable();
    for n in nodes {
        out.push(n);
        if let Some(r) = rels.next() {
            out.push(r);
        }
    }
    out.extend(rels);
    out.into_iter()
}

fn paths_same(a: &Path, b: &Path) -> bool {
    a.nodes.len() == b.nodes.len()
        && a.relationships.len() == b.relationships.len()
        && a.nodes.iter().zip(&b.nodes).all(|(x, y)| x.id == y.id)
        && a.relationships.iter().zip(&b.relationships).all(|(x, y)| x.id == y.id)
}

/// Combine element results of `=` over a sequence: any false → false, else any null → null.
fn all_equal<'a>(pairs: impl Iterator<Item = (&'a Value, &'a Value)>) -> Ternary {
    let mut saw_null = false;
    for (x, y) in pairs {
        match x.cypher_eq(y) {
            Ternary::False => return Ternary::False,
            Ternary::Null => saw_null = true,
            Ternary::True => {}
        }
    }
    if saw_null {
        Ternary::Null
    } else {
        Ternary::True
    }
}

impl Value {
    /// Cypher `=`: null-propagating equality (NaN equals nothing, `1 = 1.0`).
    pub fn cypher_eq(&self, other: &Value) -> Ternary {
        use Value::*;
        match (self, other) {
            (Null, _) | (_, Null) => Ternary::Null,
            (Integer(_) | Float(_), Integer(_) | Float(_)) => {
                Ternary::from(cmp_numbers(self, other) == Some(Ordering::Equal))
            }
            (Boolean(a), Boolean(b)) => Ternary::from(a == b),
            (String(a), String(b)) => Ternary::from(a == b),
            (List(a), List(b)) => {
                if a.len() != b.len() {
                    Ternary::False
                } else {
                    all_equal(a.iter().zip(b.iter()))
                }
            }
            (Map(a), Map(b)) => {
                if a.len() != b.len() || !a.keys().zip(b.keys()).all(|(x, y)| x == y) {
                    Ternary::False
                } else {
                    all_equal(a.values().zip(b.values()))
                }
            }
            (Node(a), Node(b)) => Ternary::from(a.id == b.id),
            (Relationship(a), Relationship(b)) => Ternary::from(a.id == b.id),
            (Path(a), Path(b)) => Ternary::from(paths_same(a, b)),
            (Date(a), Date(b)) => Ternary::from(a == b),
            (LocalTime(a), LocalTime(b)) => Ternary::from(a == b),
            (Time(a), Time(b)) => Ternary::from(a == b),
            (LocalDateTime(a), LocalDateTime(b)) => Ternary::from(a == b),
            (DateTime(a), DateTime(b)) => Ternary::from(a == b),
            (Duration(a), Duration(b)) => Ternary::from(a == b),
            _ => Ternary::False,
        }
    }

    /// Cypher `<>`: the negation of `=`.
    pub fn cypher_neq(&self, other: &Value) -> Ternary {
        self.cypher_eq(other).not()
    }

    /// Comparison for `<`, `<=`, `>`, `>=`: `None` is null (a null operand or
    /// incomparable types), `Some(None)` is unordered (NaN: every comparison is
    /// false), `Some(Some(ordering))` otherwise.
    pub fn cypher_compare(&self, other: &Value) -> Option<Option<Ordering>> {
        match self.compare(other) {
            Comparison::Ordered(o) => Some(Some(o)),
            Comparison::Unordered => Some(None),
            Comparison::Null => None,
        }
    }

    /// The three-way comparison behind `cypher_compare`.
    fn compare(&self, other: &Value) -> Comparison {
        use Value::*;
        let ord = |o: Ordering| Comparison::Ordered(o);
        match (self, other) {
            (Null, _) | (_, Null) => Comparison::Null,
            (Integer(_) | Float(_), Integer(_) | Float(_)) => {
                cmp_numbers(self, other).map_or(Comparison::Unordered, ord)
            }
            (Boolean(a), Boolean(b)) => ord(a.cmp(b)),
            (String(a), String(b)) => ord(a.cmp(b)),
            (List(a), List(b)) => {
                for (x, y) in a.iter().zip(b.iter()) {
                    match x.compare(y) {
                        Comparison::Ordered(Ordering::Equal) => {}
                        c => return c,
                    }
                }
                ord(a.len().cmp(&b.len()))
            }
            (Date(a), Date(b)) => ord(a.cmp(b)),
            (LocalTime(a), LocalTime(b)) => ord(a.cmp(b)),
            (Time(a), Time(b)) => {
                ord(time_instant(a.nanos, a.offset_seconds).cmp(&time_instant(b.nanos, b.offset_seconds)))
            }
            (LocalDateTime(a), LocalDateTime(b)) => ord(a.cmp(b)),
            (DateTime(a), DateTime(b)) => ord((a.seconds, a.nanos).cmp(&(b.seconds, b.nanos))),
            _ => Comparison::Null,
        }
    }

    /// `cypher_compare` as an `Option` (`None` for null, NaN or incomparable).
    pub fn cypher_cmp(&self, other: &Value) -> Option<Ordering> {
        self.compare(other).ordering()
    }

    /// Cypher `<`.
    pub fn cypher_lt(&self, other: &Value) -> Ternary {
        self.compare(other).test(|o| o == Ordering::Less)
    }

    /// Cypher `<=`.
    pub fn cypher_le(&self, other: &Value) -> Ternary {
        self.compare(other).test(|o| o != Ordering::Greater)
    }

    /// Cypher `>`.
    pub fn cypher_gt(&self, other: &Value) -> Ternary {
        self.compare(other).test(|o| o == Ordering::Greater)
    }

    /// Cypher `>=`.
    pub fn cypher_ge(&self, other: &Value) -> Ternary {
        self.compare(other).test(|o| o != Ordering::Less)
    }

    /// Rank of the value's type in the ascending ORDER BY order.
    fn order_rank(&self) -> u8 {
        match self {
            Value::Map(_) => 0,
            Value::Node(_) => 1,
            Value::Relationship(_) => 2,
            Value::List(_) => 3,
            Value::Path(_) => 4,
            Value::DateTime(_) => 5,
            Value::LocalDateTime(_) => 6,
            Value::Date(_) => 7,
            Value::Time(_) => 8,
            Value::LocalTime(_) => 9,
            Value::Duration(_) => 10,
            Value::String(_) => 11,
            Value::Boolean(_) => 12,
            Value::Integer(_) | Value::Float(_) => 13,
            Value::Null => 14,
        }
    }

    /// The total ORDER BY order across all values (ascending; null last, NaN just before null).
    pub fn order_cmp(&self, other: &Value) -> Ordering {
        use Value::*;
        let rank = self.order_rank().cmp(&other.order_rank());
        if rank != Ordering::Equal {
            return rank;
        }
        match (self, other) {
            (Integer(_) | Float(_), Integer(_) | Float(_)) => {
                let a_nan = matches!(self, Float(f) if f.is_nan());
                let b_nan = matches!(other, Float(f) if f.is_nan());
                match (a_nan, b_nan) {
                    (true, true) => Ordering::Equal,
                    (true, false) => Ordering::Greater,
                    (false, true) => Ordering::Less,
                    (false, false) => cmp_numbers(self, other).unwrap_or(Ordering::Equal),
                }
            }
            (Boolean(a), Boolean(b)) => a.cmp(b),
            (String(a), String(b)) => a.cmp(b),
            (List(a), List(b)) => {
                for (x, y) in a.iter().zip(b.iter()) {
                    let o = x.order_cmp(y);
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                a.len().cmp(&b.len())
            }
            (Map(a), Map(b)) => {
                for ((ka, va), (kb, vb)) in a.iter().zip(b.iter()) {
                    let o = ka.cmp(kb).then_with(|| va.order_cmp(vb));
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                a.len().cmp(&b.len())
            }
            (Node(a), Node(b)) => a.id.cmp(&b.id),
            (Relationship(a), Relationship(b)) => a.id.cmp(&b.id),
            (Path(a), Path(b)) => path_ids(a).cmp(path_ids(b)),
            (Date(a), Date(b)) => a.cmp(b),
            (LocalTime(a), LocalTime(b)) => a.cmp(b),
            (Time(a), Time(b)) => time_instant(a.nanos, a.offset_seconds)
                .cmp(&time_instant(b.nanos, b.offset_seconds))
                .then(a.offset_seconds.cmp(&b.offset_seconds)),
            (LocalDateTime(a), LocalDateTime(b)) => a.cmp(b),
            (DateTime(a), DateTime(b)) => {
                (a.seconds, a.nanos, a.offset_seconds, &a.zone).cmp(&(b.seconds, b.nanos, b.offset_seconds, &b.zone))
            }
            (Duration(a), Duration(b)) => {
                (a.months, a.days, a.seconds, a.nanos).cmp(&(b.months, b.days, b.seconds, b.nanos))
            }
            _ => Ordering::Equal,
        }
    }

    /// Cypher equivalence (DISTINCT, grouping): null ~ null, NaN ~ NaN, 1 ~ 1.0.
    pub fn equivalent(&self, other: &Value) -> bool {
        use Value::*;
        match (self, other) {
            (Null, Null) => true,
            (Float(a), Float(b)) if a.is_nan() && b.is_nan() => true,
            (Integer(_) | Float(_), Integer(_) | Float(_)) => cmp_numbers(self, other) == Some(Ordering::Equal),
            (Boolean(a), Boolean(b)) => a == b,
            (String(a), String(b)) => a == b,
            (List(a), List(b)) => a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.equivalent(y)),
            (Map(a), Map(b)) => {
                a.len() == b.len() && a.iter().zip(b.iter()).all(|((ka, va), (kb, vb))| ka == kb && va.equivalent(vb))
            }
            (Node(a), Node(b)) => a.id == b.id,
            (Relationship(a), Relationship(b)) => a.id == b.id,
            (Path(a), Path(b)) => paths_same(a, b),
            (Date(a), Date(b)) => a == b,
            (LocalTime(a), LocalTime(b)) => a == b,
            (Time(a), Time(b)) => a == b,
            (LocalDateTime(a), LocalDateTime(b)) => a == b,
            (DateTime(a), DateTime(b)) => a == b,
            (Duration(a), Duration(b)) => a == b,
            _ => false,
        }
    }

    /// Feed a hash consistent with [`Value::equivalent`].
    fn hash_equiv<H: Hasher>(&self, state: &mut H) {
        use Value::*;
        match self {
            Null => 0u8.hash(state),
            Boolean(b) => {
                1u8.hash(state);
                b.hash(state);
            }
            Integer(i) => {
                2u8.hash(state);
                i.hash(state);
            }
            Float(f) => {
                2u8.hash(state);
                if f.is_nan() {
                    u64::MAX.hash(state);
                    true.hash(state);
                } else if f.fract() == 0.0 && *f >= -TWO_POW_63 && *f < TWO_POW_63 {
                    (*f as i64).hash(state);
                } else {
                    f.to_bits().hash(state);
                    false.hash(state);
                }
            }
            String(s) => {
                3u8.hash(state);
                s.hash(state);
            }
            List(l) => {
                4u8.hash(state);
                l.len().hash(state);
                for v in l {
                    v.hash_equiv(state);
                }
            }
            Map(m) => {
                5u8.hash(state);
                m.len().hash(state);
                for (k, v) in m {
                    k.hash(state);
                    v.hash_equiv(state);
                }
            }
            Node(n) => {
                6u8.hash(state);
                n.id.hash(state);
            }
            Relationship(r) => {
                7u8.hash(state);
                r.id.hash(state);
            }
            Path(p) => {
                8u8.hash(state);
                for (is_rel, id) in path_ids(p) {
                    is_rel.hash(state);
                    id.hash(state);
                }
            }
            Date(d) => {
                9u8.hash(state);
                d.hash(state);
            }
            LocalTime(t) => {
                10u8.hash(state);
                t.hash(state);
            }
            Time(t) => {
                11u8.hash(state);
                t.hash(state);
            }
            LocalDateTime(t) => {
                12u8.hash(state);
                t.hash(state);
            }
            DateTime(t) => {
                13u8.hash(state);
                t.hash(state);
            }
            Duration(d) => {
                14u8.hash(state);
                d.hash(state);
            }
        }
    }
}

/// A value wrapped for hashing by Cypher equivalence (DISTINCT, grouping keys).
#[derive(Debug, Clone)]
pub struct GroupKey(pub Value);

impl PartialEq for GroupKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.equivalent(&other.0)
    }
}

impl Eq for GroupKey {}

impl Hash for GroupKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash_equiv(state);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{Date, DateTime, Duration, LocalTime, Node, Relationship, Time};
    use std::collections::{BTreeMap, HashSet};

    fn l(v: Vec<Value>) -> Value {
        Value::List(v)
    }
    fn m(pairs: &[(&str, Value)]) -> Value {
        Value::Map(pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }
    fn i(x: i64) -> Value {
        Value::Integer(x)
    }
    fn f(x: f64) -> Value {
        Value::Float(x)
    }
    fn s(x: &str) -> Value {
        Value::String(x.into())
    }
    fn node(id: u64) -> Value {
        Value::Node(Box::new(Node { id, labels: vec![], properties: BTreeMap::new() }))
    }
    fn rel(id: u64) -> Value {
        Value::Relationship(Box::new(Relationship {
            id,
            start: 0,
            end: 1,
            rel_type: "T".into(),
            properties: BTreeMap::new(),
        }))
    }
    const N: Value = Value::Null;
    use Ternary::{False as F, Null as U, True as T};

    #[test]
    fn ternary_logic() {
        assert_eq!(T.and(U), U);
        assert_eq!(F.and(U), F);
        assert_eq!(T.or(U), T);
        assert_eq!(F.or(U), U);
        assert_eq!(T.xor(F), T);
        assert_eq!(T.xor(T), F);
        assert_eq!(T.xor(U), U);
        assert_eq!(U.not(), U);
        assert_eq!(F.not(), T);
        assert_eq!(Ternary::from(Some(true)), T);
        assert_eq!(Ternary::from(None), U);
        assert_eq!(Value::from(U), Value::Null);
        assert_eq!(Option::<bool>::from(F), Some(false));
        assert!(Ternary::from_value(&i(1)).is_err());
        assert_eq!(Ternary::from_value(&Value::Boolean(true)), Ok(T));
        assert_eq!(Ternary::from_value(&N), Ok(U));
    }

    #[test]
    fn equality_scalars() {
        assert_eq!(N.cypher_eq(&N), U);
        assert_eq!(i(1).cypher_eq(&N), U);
        assert_eq!(i(1).cypher_eq(&f(1.0)), T);
        assert_eq!(f(1.0).cypher_eq(&i(1)), T);
        assert_eq!(i(9007199254740993).cypher_eq(&f(9007199254740992.0)), F);
        assert_eq!(i(9007199254740992).cypher_eq(&f(9007199254740992.0)), T);
        assert_eq!(i(i64::MAX).cypher_eq(&f(i64::MAX as f64)), F);
        assert_eq!(i(i64::MIN).cypher_eq(&f(i64::MIN as f64)), T);
        let nan = f(f64::NAN);
        assert_eq!(nan.cypher_eq(&nan), F);
        assert_eq!(nan.cypher_eq(&i(1)), F);
        assert_eq!(nan.cypher_eq(&s("a")), F);
        assert_eq!(nan.cypher_neq(&nan), T);
        assert_eq!(s("a").cypher_eq(&s("a")), T);
        assert_eq!(s("1").cypher_eq(&i(1)), F);
        assert_eq!(Value::Boolean(true).cypher_eq(&Value::Boolean(true)), T);
        assert_eq!(f(0.0).cypher_eq(&f(-0.0)), T);
        assert_eq!(node(1).cypher_eq(&node(1)), T);
        assert_eq!(node(1).cypher_eq(&node(2)), F);
        assert_eq!(node(1).cypher_eq(&rel(1)), F);
        assert_eq!(rel(3).cypher_eq(&rel(3)), T);
    }

    #[test]
    fn equality_lists_and_maps() {
        // Comparison1 [6]
        assert_eq!(l(vec![i(1), i(2)]).cypher_eq(&l(vec![i(1)])), F);
        assert_eq!(l(vec![N]).cypher_eq(&l(vec![i(1)])), U);
        assert_eq!(l(vec![s("a")]).cypher_eq(&l(vec![i(1)])), F);
        let one = l(vec![i(1)]);
        assert_eq!(l(vec![one.clone()]).cypher_eq(&l(vec![one.clone(), l(vec![N])])), F);
        assert_eq!(l(vec![one.clone(), l(vec![i(2)])]).cypher_eq(&l(vec![one.clone(), l(vec![N])])), U);
        assert_eq!(l(vec![one.clone(), l(vec![i(2), i(3)])]).cypher_eq(&l(vec![one, l(vec![N])])), F);
        assert_eq!(l(vec![i(1), N]).cypher_eq(&l(vec![i(1), N])), U);
        assert_eq!(l(vec![i(1), f(2.0)]).cypher_eq(&l(vec![f(1.0), i(2)])), T);
        assert_eq!(l(vec![]).cypher_eq(&l(vec![])), T);
        // Comparison1 [7]
        assert_eq!(m(&[]).cypher_eq(&m(&[])), T);
        assert_eq!(m(&[("k", i(1))]).cypher_eq(&m(&[("k", i(1))])), T);
        assert_eq!(m(&[("k", f(1.0))]).cypher_eq(&m(&[("k", f(1.0))])), T);
        assert_eq!(m(&[]).cypher_eq(&m(&[("k", N)])), F);
        assert_eq!(m(&[("k", N)]).cypher_eq(&m(&[])), F);
        assert_eq!(m(&[("k", i(1))]).cypher_eq(&m(&[("k", i(1)), ("l", N)])), F);
        assert_eq!(m(&[("k", N), ("l", i(1))]).cypher_eq(&m(&[("l", i(1))])), F);
        assert_eq!(m(&[("k", N)]).cypher_eq(&m(&[("k", N), ("l", N)])), F);
        assert_eq!(m(&[("k", N)]).cypher_eq(&m(&[("k", N)])), U);
        assert_eq!(m(&[("k", i(1))]).cypher_eq(&m(&[("k", N)])), U);
        assert_eq!(m(&[("k", i(1)), ("l", N)]).cypher_eq(&m(&[("k", N), ("l", i(1))])), U);
        assert_eq!(m(&[("k", i(1)), ("l", N)]).cypher_eq(&m(&[("k", i(1)), ("l", i(1))])), U);
        assert_eq!(m(&[("k", i(1)), ("l", N)]).cypher_eq(&m(&[("k", i(2)), ("l", N)])), F);
    }

    #[test]
    fn equality_temporal() {
        let d1 = Value::Duration(Duration { months: 1, days: 2, seconds: 3, nanos: 0 });
        assert_eq!(d1.cypher_eq(&d1.clone()), T);
        assert_eq!(d1.cypher_eq(&Value::Date(Date { days: 1 })), F);
        assert_eq!(Value::Date(Date { days: 1 }).cypher_eq(&Value::Date(Date { days: 1 })), T);
        assert_eq!(Value::Date(Date { days: 1 }).cypher_eq(&Value::Date(Date { days: 2 })), F);
    }

    #[test]
    fn comparisons() {
        assert_eq!(i(1).cypher_lt(&f(3.5)), T);
        assert_eq!(f(3.5).cypher_gt(&i(1)), T);
        assert_eq!(f(1.0).cypher_lt(&f(1.0)), F);
        assert_eq!(i(1).cypher_lt(&f(1.0)), F);
        assert_eq!(i(1).cypher_le(&f(1.0)), T);
        assert_eq!(s("1.0").cypher_lt(&f(1.0)), U);
        assert_eq!(s("1").cypher_lt(&i(1)), U);
        assert_eq!(s("a").cypher_lt(&s("b")), T);
        assert_eq!(s("xx").cypher_gt(&s("x")), T);
        assert_eq!(Value::Boolean(false).cypher_lt(&Value::Boolean(true)), T);
        assert_eq!(N.cypher_lt(&i(1)), U);
        assert_eq!(node(1).cypher_lt(&node(2)), U);
        assert_eq!(m(&[]).cypher_lt(&m(&[])), U);
        assert_eq!(i(9007199254740993).cypher_gt(&f(9007199254740992.0)), T);
        assert_eq!(i(i64::MAX).cypher_lt(&f(1e19)), T);
        assert_eq!(i(i64::MIN).cypher_gt(&f(-1e19)), T);
        assert_eq!(i(-3).cypher_gt(&f(-3.5)), T);
        assert_eq!(i(-3).cypher_lt(&f(-2.5)), T);
        // Comparison2 [5]: NaN
        let nan = f(f64::NAN);
        for other in [i(1), f(1.0), nan.clone()] {
            assert_eq!(nan.cypher_gt(&other), F);
            assert_eq!(nan.cypher_ge(&other), F);
            assert_eq!(nan.cypher_lt(&other), F);
            assert_eq!(nan.cypher_le(&other), F);
        }
        assert_eq!(nan.cypher_gt(&s("a")), U);
        assert_eq!(nan.cypher_cmp(&i(1)), None);
        assert_eq!(nan.cypher_compare(&i(1)), Some(None));
        assert_eq!(nan.cypher_compare(&s("a")), None);
        assert_eq!(i(1).cypher_compare(&f(2.5)), Some(Some(Ordering::Less)));
        assert_eq!(i(1).cypher_cmp(&i(2)), Some(Ordering::Less));
        // Comparison2 [4]: lists
        assert_eq!(l(vec![i(1), i(0)]).cypher_ge(&l(vec![i(1)])), T);
        assert_eq!(l(vec![i(1), N]).cypher_ge(&l(vec![i(1)])), T);
        assert_eq!(l(vec![i(1), i(2)]).cypher_ge(&l(vec![i(1), N])), U);
        assert_eq!(l(vec![i(1), s("a")]).cypher_ge(&l(vec![i(1), N])), U);
        assert_eq!(l(vec![i(1), i(2)]).cypher_ge(&l(vec![i(3), N])), F);
        assert_eq!(l(vec![i(1), s("a")]).cypher_lt(&l(vec![i(1), i(2)])), U);
        assert_eq!(l(vec![]).cypher_lt(&l(vec![i(1)])), T);
    }

    #[test]
    fn temporal_comparisons() {
        let t1 = Value::Time(Time { nanos: 10 * 3600 * 1_000_000_000, offset_seconds: 3600 });
        let t2 = Value::Time(Time { nanos: (9 * 3600 + 35 * 60) * 1_000_000_000, offset_seconds: 0 });
        assert_eq!(t1.cypher_lt(&t2), T);
        assert_eq!(t1.cypher_eq(&t2), F);
        let lt = Value::LocalTime(LocalTime { nanos: 5 });
        assert_eq!(lt.cypher_lt(&t1), U);
        let dt1 = Value::DateTime(DateTime { seconds: 10, nanos: 0, offset_seconds: 3600, zone: None });
        let dt2 = Value::DateTime(DateTime { seconds: 10, nanos: 1, offset_seconds: 0, zone: None });
        assert_eq!(dt1.cypher_lt(&dt2), T);
        let d = Value::Duration(Duration { months: 1, days: 0, seconds: 0, nanos: 0 });
        assert_eq!(d.cypher_lt(&d), U);
        assert_eq!(Value::Date(Date { days: -5 }).cypher_lt(&Value::Date(Date { days: 3 })), T);
    }

    #[test]
    fn total_order_across_types() {
        // ReturnOrderBy1 [11]
        let path = Value::Path(Box::new(crate::value::Path {
            nodes: vec![Node { id: 0, labels: vec![], properties: BTreeMap::new() }],
            relationships: vec![],
        }));
        let expected = vec![
            m(&[("a", s("map"))]),
            node(0),
            rel(0),
            l(vec![s("list")]),
            path,
            Value::DateTime(DateTime { seconds: 0, nanos: 0, offset_seconds: 0, zone: None }),
            Value::LocalDateTime(crate::value::LocalDateTime { seconds: 0, nanos: 0 }),
            Value::Date(Date { days: 0 }),
            Value::Time(Time { nanos: 0, offset_seconds: 0 }),
            Value::LocalTime(LocalTime { nanos: 0 }),
            Value::Duration(Duration { months: 0, days: 0, seconds: 0, nanos: 0 }),
            s("text"),
            Value::Boolean(false),
            Value::Boolean(true),
            f(f64::NEG_INFINITY),
            i(1),
            f(1.5),
            f(f64::INFINITY),
            f(f64::NAN),
            N,
        ];
        let mut shuffled = expected.clone();
        shuffled.reverse();
        shuffled.swap(3, 7);
        shuffled.sort_by(|a, b| a.order_cmp(b));
        assert_eq!(format!("{shuffled:?}"), format!("{expected:?}"));
    }

    #[test]
    fn order_within_types() {
        assert_eq!(i(1).order_cmp(&f(1.0)), Ordering::Equal);
        assert_eq!(i(2).order_cmp(&f(1.5)), Ordering::Greater);
        assert_eq!(f(f64::NAN).order_cmp(&i(i64::MAX)), Ordering::Greater);
        assert_eq!(f(f64::NAN).order_cmp(&N), Ordering::Less);
        assert_eq!(l(vec![i(1)]).order_cmp(&l(vec![i(1), i(0)])), Ordering::Less);
        assert_eq!(l(vec![i(2)]).order_cmp(&l(vec![i(1), i(0)])), Ordering::Greater);
        // Mixed lists: element type order applies ('a' < 1 since STRING < NUMBER).
        assert_eq!(l(vec![s("a")]).order_cmp(&l(vec![i(1)])), Ordering::Less);
        assert_eq!(l(vec![N]).order_cmp(&l(vec![i(1)])), Ordering::Greater);
        assert_eq!(m(&[("a", i(1))]).order_cmp(&m(&[("b", i(0))])), Ordering::Less);
        assert_eq!(m(&[("a", i(1))]).order_cmp(&m(&[("a", i(2))])), Ordering::Less);
        assert_eq!(node(1).order_cmp(&node(2)), Ordering::Less);
        assert_eq!(s("B").order_cmp(&s("a")), Ordering::Less);
    }

    #[test]
    fn group_key_equivalence() {
        let mut set = HashSet::new();
        for v in [
            N,
            N,
            f(f64::NAN),
            f(f64::NAN),
            i(1),
            f(1.0),
            f(-0.0),
            i(0),
            l(vec![i(1), N]),
            l(vec![f(1.0), N]),
            m(&[("k", i(2))]),
            m(&[("k", f(2.0))]),
            node(7),
            node(7),
            s("1"),
            i(9007199254740993),
            f(9007199254740992.0),
            f(1.5),
        ] {
            set.insert(GroupKey(v));
        }
        // null, NaN, 1, 0, [1,null], {k:2}, node 7, '1', 2^53+1, 2^53, 1.5
        assert_eq!(set.len(), 11);
        assert!(GroupKey(i(1)) == GroupKey(f(1.0)));
        assert!(GroupKey(f(f64::NAN)) == GroupKey(f(f64::NAN)));
        assert!(GroupKey(N) == GroupKey(N));
        assert!(GroupKey(s("1")) != GroupKey(i(1)));
        assert!(GroupKey(i(9007199254740993)) != GroupKey(f(9007199254740992.0)));
    }
}
