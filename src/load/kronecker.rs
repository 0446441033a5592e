//! A Graph500-style Kronecker (R-MAT) graph generator writing Neptune Gremlin
//! CSV: `2^scale` vertices and `edge_factor * 2^scale` edges, each edge
//! placed by descending `scale` levels of the 2x2 probability matrix
//! (A, B, C, D) = (0.57, 0.19, 0.19, 0.05), with vertex numbers scrambled by
//! a fixed permutation so that high degree is not correlated with low ids.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use plexus_storage::Error;
use rayon::prelude::*;

/// Edges generated (and formatted) per parallel task.
const CHUNK: u64 = 1 << 20;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct KroneckerSpec {
    /// log2 of the vertex count.
    pub scale: u32,
    /// Edges per vertex.
    pub edge_factor: u64,
    pub seed: u64,
}

/// splitmix64: a fast, well-mixed stream from any seed.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A bijection on `0..2^scale` (multiply by an odd constant, xor, mask), so vertex numbers are scrambled.
fn scramble(v: u64, scale: u32, seed: u64) -> u64 {
    let mask = if scale >= 64 { u64::MAX } else { (1u64 << scale) - 1 };
    let mut x = v;
    for k in [0x9E37_79B9_7F4A_7C15u64 | 1, seed | 1] {
        x = x.wrapping_mul(k) & mask;
        x ^= x >> (scale / 2).max(1);
    }
    x & mask
}

/// One R-MAT edge.
fn edge(rng: &mut SplitMix, scale: u32) -> (u64, u64) {
    let (mut src, mut dst) = (0u64, 0u64);
    for _ in 0..scale {
        let r = rng.unit();
        let (s, d) = if r < 0.57 {
            (0, 0)
        } else if r < 0.76 {
            (0, 1)
        } else if r < 0.95 {
            (1, 0)
        } else {
            (1, 1)
        };
        src = (src << 1) | s;
        dst = (dst << 1) | d;
    }
    (src, dst)
}

/// The edges of chunk `c`, scrambled (deterministic for a spec).
pub fn edges_of_chunk(spec: KroneckerSpec, c: u64) -> Vec<(u64, u64)> {
    let total = spec.edge_factor << spec.scale;
    let start = c * CHUNK;
    let end = (start + CHUNK).min(total);
    let mut rng = SplitMix(spec.seed ^ c.wrapping_mul(0xD1B5_4A32_D192_ED03));
    (start..end)
        .map(|_| {
            let (s, d) = edge(&mut rng, spec.scale);
            (scramble(s, spec.scale, spec.seed), scramble(d, spec.scale, spec.seed))
        })
        .collect()
}

fn write_error(path: &Path, e: std::io::Error) -> Error {
    Error::os("write", path, e)
}

/// Writes `vertices.csv` and `edges.csv` into `dir`; returns their paths.
pub fn write_csv(spec: KroneckerSpec, dir: &Path) -> Result<(PathBuf, PathBuf), Error> {
    if spec.scale == 0 || spec.scale > 40 {
        return Err(Error::argument("InvalidArgumentValue", "the scale must be between 1 and 40"));
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::os("create directory", dir, e))?;
    let vertices = dir.join("vertices.csv");
    let mut out = BufWriter::with_capacity(1 << 20, File::create(&vertices).map_err(|e| write_error(&vertices, e))?);
    writeln!(out, "~id,~label").map_err(|e| write_error(&vertices, e))?;
    for v in 0..1u64 << spec.scale {
        writeln!(out, "{v},Node").map_err(|e| write_error(&vertices, e))?;
    }
    out.flush().map_err(|e| write_error(&vertices, e))?;

    let edges = dir.join("edges.csv");
    let mut out = BufWriter::with_capacity(1 << 20, File::create(&edges).map_err(|e| write_error(&edges, e))?);
    writeln!(out, "~from,~to,~label").map_err(|e| write_error(&edges, e))?;
    let chunks = (spec.edge_factor << spec.scale).div_ceil(CHUNK);
    // Format a few chunks at a time in parallel, write them in order.
    let group = rayon::current_num_threads() as u64 * 2;
    for first in (0..chunks).step_by(group as usize) {
        let texts: Vec<String> = (first..(first + group).min(chunks))
            .into_par_iter()
            .map(|c| {
                let mut text = String::with_capacity(CHUNK as usize * 16);
                for (s, d) in edges_of_chunk(spec, c) {
                    use std::fmt::Write as _;
                    let _ = writeln!(text, "{s},{d},LINK");
                }
                text
            })
            .collect();
        for text in texts {
            out.write_all(text.as_bytes()).map_err(|e| write_error(&edges, e))?;
        }
    }
    out.flush().map_err(|e| write_error(&edges, e))?;
    Ok((vertices, edges))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scramble_is_a_permutation_and_edges_are_skewed() {
        let scale = 10;
        let mut seen: Vec<u64> = (0..1 << scale).map(|v| scramble(v, scale, 42)).collect();
        seen.sort();
        assert_eq!(seen, (0..1 << scale).collect::<Vec<_>>());
        let spec = KroneckerSpec { scale, edge_factor: 16, seed: 7 };
        let edges = edges_of_chunk(spec, 0);
        assert_eq!(edges.len(), 16 << scale);
        assert!(edges.iter().all(|&(s, d)| s < 1 << scale && d < 1 << scale));
        assert_eq!(edges, edges_of_chunk(spec, 0), "deterministic");
        // R-MAT's skew: the busiest vertex has far more than the average degree (32).
        let mut degree = vec![0u32; 1 << scale];
        for &(s, d) in &edges {
            degree[s as usize] += 1;
            degree[d as usize] += 1;
        }
        assert!(*degree.iter().max().unwrap() > 10 * 32, "max degree {}", degree.iter().max().unwrap());
    }
}
