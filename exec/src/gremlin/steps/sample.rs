//! `sample(n)`: n traversers drawn without replacement, weighted by `by()`
//! (default 1); `sample(local, n)` draws from each collection. The draw is
//! pseudo-random with a fixed seed, so a traversal gives the same sample each run.

use plexus_planner::gremlin::{GArg, GStep};
use plexus_storage::{Result, Value};

use super::is_local;
use crate::gremlin::by::bys;
use crate::gremlin::machine::{bad, Machine};
use crate::gremlin::object::GObj;
use crate::gremlin::traverser::Traverser;

pub fn apply(m: &mut Machine, step: &GStep, input: &[Traverser]) -> Result<Option<Vec<Traverser>>> {
    if step.name != "sample" {
        return Ok(None);
    }
    let local = is_local(step);
    let n = match step.args.get(usize::from(local)) {
        Some(GArg::Value(Value::Integer(n))) if *n >= 0 => *n as usize,
        _ => return Err(bad(step, "sample() needs a non-negative count")),
    };
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    if local {
        let mut out = Vec::new();
        for t in input {
            let Some(items) = t.obj.items() else {
                out.push(t.clone());
                continue;
            };
            let weights = vec![1.0; items.len()];
            let picked: Vec<GObj> = draw(&mut rng, &weights, n).into_iter().map(|i| items[i].clone()).collect();
            out.push(t.split(GObj::List(picked)));
        }
        return Ok(Some(out));
    }
    let projection = bys(step).into_iter().next().and_then(|b| b.projection);
    let mut candidates = Vec::new();
    let mut weights = Vec::new();
    for t in input {
        let w = match &projection {
            None => 1.0,
            Some(p) => match m.project(Some(p), t, step)? {
                Some(GObj::Val(v)) => v.as_f64().unwrap_or(0.0),
                _ => 0.0,
            },
        };
        for _ in 0..t.bulk {
            let mut one = t.clone();
            one.bulk = 1;
            candidates.push(one);
            weights.push(w);
        }
    }
    Ok(Some(draw(&mut rng, &weights, n).into_iter().map(|i| candidates[i].clone()).collect()))
}

/// Indices of up to `n` distinct items with positive weight, in input order.
fn draw(rng: &mut Rng, weights: &[f64], n: usize) -> Vec<usize> {
    let mut left: Vec<usize> = (0..weights.len()).filter(|&i| weights[i] > 0.0).collect();
    let mut picked = Vec::new();
    while picked.len() < n && !left.is_empty() {
        let total: f64 = left.iter().map(|&i| weights[i]).sum();
        let mut x = rng.next() * total;
        let mut chosen = left.len() - 1;
        for (k, &i) in left.iter().enumerate() {
            if x < weights[i] {
                chosen = k;
                break;
            }
            x -= weights[i];
        }
        picked.push(left.remove(chosen));
    }
    picked.sort_unstable();
    picked
}

struct Rng(u64);

impl Rng {
    /// xorshift64*: a number in [0, 1).
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }
}
