//! Aggregate accumulators (count, sum, avg, min, max, collect, stDev(P),
//! percentileCont/Disc) with DISTINCT support and mergeable partial states
//! for parallel aggregation. Nulls are ignored by every aggregate.

use std::collections::HashSet;

use plexus_storage::value::GroupKey;
use plexus_storage::{Error, ErrorClass, Phase, Result, Value};

/// Which aggregate function an [`Accumulator`] computes: the planner's own
/// enum (`CountStar` counts like `Count`; its caller feeds it rows).
pub use plexus_planner::AggregateFunction as AggKind;

#[derive(Debug, Clone)]
enum State {
    Count(i64),
    /// Integer part exactly (i128 cannot overflow for any realistic row count), float part apart.
    Sum {
        ints: i128,
        floats: f64,
        saw_float: bool,
        count: u64,
    },
    Extreme(Option<Value>),
    Values(Vec<Value>),
    /// Welford/Chan running moments.
    Moments {
        count: u64,
        mean: f64,
        m2: f64,
    },
}

/// The running state of one aggregate over one group.
#[derive(Debug, Clone)]
pub struct Accumulator {
    kind: AggKind,
    /// With DISTINCT: the distinct values in arrival order (aggregated at `finish`).
    distinct: Option<(HashSet<GroupKey>, Vec<Value>)>,
    state: State,
    percentile: f64,
}

fn not_a_number(kind: AggKind, v: &Value) -> Error {
    Error::type_error("InvalidArgumentType", format!("{}() expects numeric values, got {}", kind.name(), v.type_name()))
}

impl Accumulator {
    /// A fresh accumulator; `distinct` aggregates each equivalent value once.
    pub fn new(kind: AggKind, distinct: bool) -> Accumulator {
        let state = match kind {
            AggKind::Count | AggKind::CountStar => State::Count(0),
            AggKind::Sum | AggKind::Avg => State::Sum { ints: 0, floats: 0.0, saw_float: false, count: 0 },
            AggKind::Min | AggKind::Max => State::Extreme(None),
            AggKind::Collect | AggKind::PercentileCont | AggKind::PercentileDisc => State::Values(Vec::new()),
            AggKind::StDev | AggKind::StDevP => State::Moments { count: 0, mean: 0.0, m2: 0.0 },
        };
        Accumulator { kind, distinct: distinct.then(|| (HashSet::new(), Vec::new())), state, percentile: 0.5 }
    }

    /// A percentile accumulator; `percentile` must be within [0, 1] (`NumberOutOfRange` otherwise).
    pub fn new_percentile(kind: AggKind, distinct: bool, percentile: &Value) -> Result<Accumulator> {
        let p = match percentile {
            Value::Integer(i) => *i as f64,
            Value::Float(f) => *f,
            other => {
                return Err(Error::type_error(
                    "InvalidArgumentType",
                    format!("{}() expects a numeric percentile, got {}", kind.name(), other.type_name()),
                ))
            }
        };
        if !(0.0..=1.0).contains(&p) {
            return Err(Error::argument(
                "NumberOutOfRange",
                format!("{}() percentile must be between 0.0 and 1.0, got {p}", kind.name()),
            ));
        }
        let mut acc = Accumulator::new(kind, distinct);
        acc.percentile = p;
        Ok(acc)
    }

    /// The aggregate this accumulator computes.
    pub fn kind(&self) -> AggKind {
        self.kind
    }

    /// Check that `v` is acceptable input (numbers for numeric aggregates).
    fn check(&self, v: &Value) -> Result<()> {
        match self.kind {
            AggKind::Sum
            | AggKind::Avg
            | AggKind::StDev
            | AggKind::StDevP
            | AggKind::PercentileCont
            | AggKind::PercentileDisc
                if !v.is_number() =>
            {
                Err(not_a_number(self.kind, v))
            }
            _ => Ok(()),
        }
    }

    /// Count `n` rows at once (`count(*)`); other aggregates ignore it.
    pub fn count_rows(&mut self, n: u64) {
        if let (State::Count(c), None) = (&mut self.state, &self.distinct) {
            *c = c.saturating_add(n as i64);
        }
    }

    /// Feed one value; nulls are ignored.
    pub fn update(&mut self, v: &Value) -> Result<()> {
        if v.is_null() {
            return Ok(());
        }
        self.check(v)?;
        if let Some((seen, values)) = &mut self.distinct {
            if seen.insert(GroupKey(v.clone())) {
                values.push(v.clone());
            }
            return Ok(());
        }
        Self::apply(self.kind, &mut self.state, v)
    }

    fn apply(kind: AggKind, state: &mut State, v: &Value) -> Result<()> {
        match state {
            State::Count(n) => *n = n.saturating_add(1),
            State::Sum { ints, floats, saw_float, count } => {
                match v {
                    Value::Integer(i) => *ints += *i as i128,
                    Value::Float(f) => {
                        *floats += f;
                        *saw_float = true;
                    }
                    other => return Err(not_a_number(kind, other)),
                }
                *count += 1;
            }
            State::Extreme(current) => {
                let replace = match current {
                    None => true,
                    Some(c) => {
                        let o = v.order_cmp(c);
                        if kind == AggKind::Min {
                            o.is_lt()
                        } else {
                            o.is_gt()
                        }
                    }
                };
                if replace {
                    *current = Some(v.clone());
                }
            }
            State::Values(values) => values.push(v.clone()),
            State::Moments { count, mean, m2 } => {
                let x = v.as_f64().ok_or_else(|| not_a_number(kind, v))?;
                *count += 1;
                let delta = x - *mean;
                *mean += delta / *count as f64;
                *m2 += delta * (x - *mean);
            }
        }
        Ok(())
    }

    /// Fold another partial accumulator of the same kind into this one.
    pub fn merge(&mut self, other: Accumulator) -> Result<()> {
        if other.kind != self.kind {
            return Err(Error::internal(format!("cannot merge {} into {}", other.kind.name(), self.kind.name())));
        }
        if let Some((seen, values)) = &mut self.distinct {
            if let Some((_, other_values)) = other.distinct {
                for v in other_values {
                    if seen.insert(GroupKey(v.clone())) {
                        values.push(v);
                    }
                }
            }
            return Ok(());
        }
        match (&mut self.state, other.state) {
            (State::Count(a), State::Count(b)) => *a = a.saturating_add(b),
            (
                State::Sum { ints, floats, saw_float, count },
                State::Sum { ints: i2, floats: f2, saw_float: s2, count: c2 },
            ) => {
                *ints += i2;
                *floats += f2;
                *saw_float |= s2;
                *count += c2;
            }
            (State::Extreme(_), State::Extreme(Some(v))) => Self::apply(self.kind, &mut self.state, &v)?,
            (State::Extreme(_), State::Extreme(None)) => {}
            (State::Values(a), State::Values(b)) => a.extend(b),
            (State::Moments { count, mean, m2 }, State::Moments { count: c2, mean: mean2, m2: m22 }) => {
                if c2 > 0 {
                    let n = *count + c2;
                    let delta = mean2 - *mean;
                    *m2 += m22 + delta * delta * (*count as f64) * (c2 as f64) / n as f64;
                    *mean += delta * c2 as f64 / n as f64;
                    *count = n;
                }
            }
            _ => return Err(Error::internal("mismatched accumulator states")),
        }
        Ok(())
    }

    /// The aggregate's value: count/sum of nothing are 0, avg/min/max null, collect `[]`.
    pub fn finish(mut self) -> Result<Value> {
        if let Some((_, values)) = self.distinct.take() {
            for v in &values {
                Self::apply(self.kind, &mut self.state, v)?;
            }
        }
        Ok(match self.state {
            State::Count(n) => Value::Integer(n),
            State::Sum { ints, floats, saw_float, count } => match self.kind {
                AggKind::Avg if count == 0 => Value::Null,
                AggKind::Avg => Value::Float((ints as f64 + floats) / count as f64),
                _ if saw_float => Value::Float(ints as f64 + floats),
                _ => Value::Integer(i64::try_from(ints).map_err(|_| {
                    Error::new(
                        ErrorClass::ArithmeticError,
                        "IntegerOverflow",
                        Phase::Runtime,
                        "sum() overflows INTEGER",
                    )
                })?),
            },
            State::Extreme(v) => v.unwrap_or(Value::Null),
            State::Values(values) => match self.kind {
                AggKind::Collect => Value::List(values),
                kind => percentile(kind, values, self.percentile),
            },
            State::Moments { count, m2, .. } => {
                let denom = if self.kind == AggKind::StDev { count.saturating_sub(1) } else { count };
                if denom == 0 {
                    Value::Float(0.0)
                } else {
                    Value::Float((m2 / denom as f64).max(0.0).sqrt())
                }
            }
        })
    }
}

/// percentileDisc picks an element (keeping its type); percentileCont interpolates (a float).
fn percentile(kind: AggKind, mut values: Vec<Value>, p: f64) -> Value {
    if values.is_empty() {
        return Value::Null;
    }
    values.sort_by(|a, b| a.order_cmp(b));
    let n = values.len();
    if kind == AggKind::PercentileDisc {
        let idx = if p <= 0.0 { 0 } else { ((p * n as f64).ceil() as usize).saturating_sub(1) };
        return values.swap_remove(idx.min(n - 1));
    }
    let pos = p * (n - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let at = |i: usize| values.get(i.min(n - 1)).and_then(Value::as_f64).unwrap_or(f64::NAN);
    let (a, b) = (at(lo), at(hi));
    Value::Float(if lo == hi { a } else { a + (b - a) * (pos - lo as f64) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::test_util::*;

    const N: Value = Value::Null;

    fn run(kind: AggKind, distinct: bool, values: &[Value]) -> Result<Value> {
        let mut acc = Accumulator::new(kind, distinct);
        for v in values {
            acc.update(v)?;
        }
        acc.finish()
    }

    /// Split the input in two halves, aggregate separately, merge.
    fn run_merged(kind: AggKind, distinct: bool, values: &[Value]) -> Result<Value> {
        let (a, b) = values.split_at(values.len() / 2);
        let mut left = Accumulator::new(kind, distinct);
        let mut right = Accumulator::new(kind, distinct);
        for v in a {
            left.update(v)?;
        }
        for v in b {
            right.update(v)?;
        }
        left.merge(right)?;
        left.finish()
    }

    #[test]
    fn empty_inputs() {
        assert_eq!(run(AggKind::Count, false, &[]).unwrap(), i(0));
        assert_eq!(run(AggKind::Sum, false, &[]).unwrap(), i(0));
        assert_eq!(run(AggKind::Avg, false, &[]).unwrap(), N);
        assert_eq!(run(AggKind::Min, false, &[]).unwrap(), N);
        assert_eq!(run(AggKind::Max, false, &[N]).unwrap(), N);
        assert_eq!(run(AggKind::Collect, false, &[N]).unwrap(), l(vec![]));
        assert_eq!(run(AggKind::PercentileDisc, false, &[]).unwrap(), N);
    }

    #[test]
    fn count_sum_avg() {
        let vals = [i(1), N, i(2), i(2)];
        assert_eq!(run(AggKind::Count, false, &vals).unwrap(), i(3));
        assert_eq!(run(AggKind::Count, true, &vals).unwrap(), i(2));
        assert_eq!(run(AggKind::Sum, false, &vals).unwrap(), i(5));
        assert_eq!(run(AggKind::Sum, true, &vals).unwrap(), i(3));
        assert_eq!(run(AggKind::Sum, false, &[i(1), f(0.5)]).unwrap(), f(1.5));
        assert_eq!(run(AggKind::Avg, false, &[i(1), i(2)]).unwrap(), f(1.5));
        assert_eq!(run(AggKind::Avg, false, &[i(1), f(2.0), N]).unwrap(), f(1.5));
        // Aggregation3 [2]: no overflow during summation
        let big: Vec<Value> = (1_000_000..=2_000_000).take(3000).map(i).collect();
        assert_eq!(run(AggKind::Sum, false, &big).unwrap(), i(3_004_498_500));
        let e = run(AggKind::Sum, false, &[i(i64::MAX), i(1)]).unwrap_err();
        assert_eq!((e.class, e.detail), (ErrorClass::ArithmeticError, "IntegerOverflow"));
        // Temporarily exceeding the range is fine.
        assert_eq!(run(AggKind::Sum, false, &[i(i64::MAX), i(1), i(-1)]).unwrap(), i(i64::MAX));
        assert_eq!(run(AggKind::Sum, false, &[s("a")]).unwrap_err().class, ErrorClass::TypeError);
        // 1 and 1.0 are the same value for DISTINCT.
        assert_eq!(run(AggKind::Count, true, &[i(1), f(1.0)]).unwrap(), i(1));
    }

    #[test]
    fn min_max_mixed() {
        // Aggregation2 [5], [6], [11], [12]
        let nums = [i(1), f(2.0), i(5), N, f(3.2), f(0.1)];
        assert_eq!(run(AggKind::Max, false, &nums).unwrap(), i(5));
        assert_eq!(run(AggKind::Min, false, &nums).unwrap(), f(0.1));
        let mixed = [i(1), s("a"), N, l(vec![i(1), i(2)]), f(0.2), s("b")];
        assert_eq!(run(AggKind::Max, false, &mixed).unwrap(), i(1));
        assert_eq!(run(AggKind::Min, false, &mixed).unwrap(), l(vec![i(1), i(2)]));
        assert_eq!(run(AggKind::Max, false, &[s("a"), s("b")]).unwrap(), s("b"));
        assert_eq!(run_merged(AggKind::Max, false, &mixed).unwrap(), i(1));
        assert_eq!(run_merged(AggKind::Min, false, &mixed).unwrap(), l(vec![i(1), i(2)]));
    }

    #[test]
    fn collect() {
        assert_eq!(run(AggKind::Collect, false, &[i(1), N, i(1)]).unwrap(), l(vec![i(1), i(1)]));
        // Aggregation8 [4]
        assert_eq!(run(AggKind::Collect, true, &[i(1), N, i(1)]).unwrap(), l(vec![i(1)]));
        assert_eq!(run_merged(AggKind::Collect, true, &[i(1), i(2), i(2), i(3)]).unwrap(), l(vec![i(1), i(2), i(3)]));
        assert_eq!(run_merged(AggKind::Collect, false, &[i(1), i(2), i(3)]).unwrap(), l(vec![i(1), i(2), i(3)]));
    }

    #[test]
    fn standard_deviation() {
        let vals = [i(2), i(4), i(4), i(4), i(5), i(5), i(7), i(9)];
        assert_eq!(run(AggKind::StDevP, false, &vals).unwrap(), f(2.0));
        let sample = run(AggKind::StDev, false, &vals).unwrap().as_f64().unwrap();
        assert!((sample - 2.138089935299395).abs() < 1e-12);
        let merged = run_merged(AggKind::StDevP, false, &vals).unwrap().as_f64().unwrap();
        assert!((merged - 2.0).abs() < 1e-12);
        assert_eq!(run(AggKind::StDev, false, &[i(1)]).unwrap(), f(0.0));
        assert_eq!(run(AggKind::StDev, false, &[]).unwrap(), f(0.0));
    }

    #[test]
    fn percentiles() {
        let prices = [f(10.0), f(20.0), f(30.0)];
        let pct = |kind, p: Value| {
            let mut acc = Accumulator::new_percentile(kind, false, &p)?;
            for v in &prices {
                acc.update(v)?;
            }
            acc.finish()
        };
        // Aggregation6 [1], [2]
        assert_eq!(pct(AggKind::PercentileDisc, f(0.0)).unwrap(), f(10.0));
        assert_eq!(pct(AggKind::PercentileDisc, f(0.5)).unwrap(), f(20.0));
        assert_eq!(pct(AggKind::PercentileDisc, f(1.0)).unwrap(), f(30.0));
        assert_eq!(pct(AggKind::PercentileCont, f(0.0)).unwrap(), f(10.0));
        assert_eq!(pct(AggKind::PercentileCont, f(0.5)).unwrap(), f(20.0));
        assert_eq!(pct(AggKind::PercentileCont, f(0.25)).unwrap(), f(15.0));
        assert_eq!(pct(AggKind::PercentileCont, i(1)).unwrap(), f(30.0));
        // Aggregation6 [3], [4]
        for bad in [f(1.1), f(-0.1), i(1000)] {
            let e = pct(AggKind::PercentileCont, bad).unwrap_err();
            assert_eq!((e.class, e.detail), (ErrorClass::ArgumentError, "NumberOutOfRange"));
        }
        let mut acc = Accumulator::new_percentile(AggKind::PercentileDisc, false, &f(0.5)).unwrap();
        for v in [i(3), i(1), i(2), i(4)] {
            acc.update(&v).unwrap();
        }
        assert_eq!(acc.finish().unwrap(), i(2));
    }

    #[test]
    fn names_and_merge_guard() {
        assert_eq!(AggKind::from_name("STDEVP"), Some(AggKind::StDevP));
        assert_eq!(AggKind::from_name("nope"), None);
        let mut a = Accumulator::new(AggKind::Sum, false);
        assert!(a.merge(Accumulator::new(AggKind::Count, false)).is_err());
        assert_eq!(run_merged(AggKind::Sum, false, &[i(1), i(2), f(0.5)]).unwrap(), f(3.5));
        assert_eq!(run_merged(AggKind::Count, true, &[i(1), i(2), i(1), i(2)]).unwrap(), i(2));
    }
}
