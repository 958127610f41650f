//! The grid of a sweep: seeds and parameter values from the command line, and the jobs they
//! make.
//!
//! # Grammar
//! - `--seeds`: a comma-separated list of items, each a number (`7`), a half-open range
//!   (`1..1000`: 1 to 999), an inclusive range (`1..=1000`) or a range with a step
//!   (`0..100:10`).
//! - `--set KEY=VALUES`: `VALUES` is a comma-separated list of items (commas inside `[...]`,
//!   `{...}` or quotes do not split). An item whose two ends are integers, `a..b`, `a..=b`
//!   or `a..b:step`, expands to those integers; `a..b:step` with decimal numbers expands to
//!   decimals. Any other item is one value, read as TOML when it is TOML (`0.5`, `true`,
//!   `[1, 2]`) and as a string otherwise — so `150ms..300ms`, whose ends are not integers,
//!   is the single value `"150ms..300ms"` (a pair-valued parameter such as an election timeout
//!   range), and `150ms,300ms` is two values.

use crate::scenario::parse_literal;

/// One swept parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// The dotted key (`raft.election_timeout`).
    pub key: String,
    /// Its values, in the order given.
    pub values: Vec<toml::Value>,
}

/// A job: one parameter combination and one seed, numbered in canonical order
/// (combination-major, seed-minor).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Job {
    /// Position in canonical order.
    pub index: u64,
    /// Which combination.
    pub combo: usize,
    /// The seed.
    pub seed: u64,
}

/// Most values one sweep may expand to, so that a typo (`1..1e18`) is refused at once.
pub const MAX_VALUES: u64 = 10_000_000;

/// The parts of `lo..hi`, `lo..=hi` or `lo..hi:step`, as written.
struct RangeText {
    lo: String,
    hi: String,
    inclusive: bool,
    step: Option<String>,
}

fn range(text: &str) -> Option<RangeText> {
    let (lo, rest) = text.split_once("..")?;
    let (inclusive, rest) = match rest.strip_prefix('=') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let (hi, step) = match rest.split_once(':') {
        Some((h, s)) => (h, Some(s.trim().to_string())),
        None => (rest, None),
    };
    Some(RangeText {
        lo: lo.trim().to_string(),
        hi: hi.trim().to_string(),
        inclusive,
        step,
    })
}

/// Expands an integer range item; `None` if the item is not one.
fn int_range(item: &str) -> Option<Result<Vec<i64>, String>> {
    let RangeText {
        lo,
        hi,
        inclusive,
        step,
    } = range(item)?;
    let (Ok(lo), Ok(hi)) = (lo.parse::<i64>(), hi.parse::<i64>()) else {
        return None;
    };
    let step = match step.map(|s| s.parse::<i64>()) {
        None => 1,
        Some(Ok(s)) if s > 0 => s,
        Some(_) => return Some(Err(format!("{item}: the step must be a positive integer"))),
    };
    let end = if inclusive {
        hi.checked_add(1)
    } else {
        Some(hi)
    };
    let Some(end) = end else {
        return Some(Err(format!("{item}: too large")));
    };
    if end <= lo {
        return Some(Err(format!("{item}: the range is empty")));
    }
    let count = ((end - lo) as u64).div_ceil(step as u64);
    if count > MAX_VALUES {
        return Some(Err(format!(
            "{item}: {count} values is more than {MAX_VALUES}"
        )));
    }
    Some(Ok((lo..end).step_by(step as usize).collect()))
}

/// Expands a decimal range with a step (`0..0.1:0.02`); `None` if the item is not one.
fn float_range(item: &str) -> Option<Result<Vec<f64>, String>> {
    let RangeText {
        lo,
        hi,
        inclusive,
        step: Some(step),
    } = range(item)?
    else {
        return None;
    };
    let (Ok(lo), Ok(hi), Ok(step)) = (lo.parse::<f64>(), hi.parse::<f64>(), step.parse::<f64>())
    else {
        return None;
    };
    if !(step > 0.0 && lo.is_finite() && hi.is_finite()) {
        return Some(Err(format!("{item}: the step must be a positive number")));
    }
    let count = ((hi - lo) / step + 1e-9).floor();
    if count > MAX_VALUES as f64 {
        return Some(Err(format!("{item}: too many values")));
    }
    // Values are lo + i * step, rounded to 12 significant decimals so that 0.1 + 0.2 is 0.3.
    let mut out = Vec::new();
    for i in 0..=(count.max(0.0) as u64) {
        let v = lo + i as f64 * step;
        let v: f64 = format!("{v:.12}").parse().unwrap_or(v);
        if v < hi || (inclusive && v <= hi + step * 1e-9) {
            out.push(v);
        }
    }
    if out.is_empty() {
        return Some(Err(format!("{item}: the range is empty")));
    }
    Some(Ok(out))
}

/// Splits on commas that are not inside brackets, braces or quotes.
fn split_items(text: &str) -> Vec<String> {
    let (mut items, mut cur, mut depth, mut quote) = (Vec::new(), String::new(), 0i32, None);
    for c in text.chars() {
        match (c, quote) {
            ('"' | '\'', None) => quote = Some(c),
            (q, Some(open)) if q == open => quote = None,
            ('[' | '{', None) => depth += 1,
            (']' | '}', None) => depth -= 1,
            (',', None) if depth == 0 => {
                items.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    items.push(cur);
    items.into_iter().map(|s| s.trim().to_string()).collect()
}

/// Reads `--seeds`.
pub fn parse_seeds(text: &str) -> Result<Vec<u64>, String> {
    let mut out = Vec::new();
    for item in split_items(text) {
        if item.is_empty() {
            return Err(format!("--seeds {text}: empty item"));
        }
        if let Some(r) = int_range(&item) {
            for v in r.map_err(|e| format!("--seeds {e}"))? {
                out.push(
                    u64::try_from(v).map_err(|_| format!("--seeds {item}: seeds are 0 or more"))?,
                );
            }
        } else {
            out.push(item.parse().map_err(|_| {
                format!("--seeds {item}: expected a seed (7), a range (1..1000, 1..=1000, 0..100:10) or a list of them")
            })?);
        }
        if out.len() as u64 > MAX_VALUES {
            return Err(format!("--seeds {text}: more than {MAX_VALUES} seeds"));
        }
    }
    Ok(out)
}

/// Reads one `--set KEY=VALUES`.
pub fn parse_set(text: &str) -> Result<Param, String> {
    let (key, values) = text.split_once('=').ok_or_else(|| {
        format!("--set {text}: expected KEY=VALUES, such as raft.heartbeat=20ms,50ms")
    })?;
    let key = key.trim();
    if key.is_empty() {
        return Err(format!("--set {text}: the key is empty"));
    }
    let mut out = Vec::new();
    for item in split_items(values) {
        if item.is_empty() {
            return Err(format!("--set {text}: empty value"));
        }
        if let Some(r) = int_range(&item) {
            out.extend(
                r.map_err(|e| format!("--set {key}={e}"))?
                    .into_iter()
                    .map(toml::Value::Integer),
            );
        } else if let Some(r) = float_range(&item) {
            out.extend(
                r.map_err(|e| format!("--set {key}={e}"))?
                    .into_iter()
                    .map(toml::Value::Float),
            );
        } else {
            out.push(parse_literal(&item));
        }
    }
    Ok(Param {
        key: key.to_string(),
        values: out,
    })
}

/// Every combination of the parameters' values, the first parameter varying slowest.
pub fn combinations(params: &[Param]) -> Vec<Vec<(String, toml::Value)>> {
    let mut combos: Vec<Vec<(String, toml::Value)>> = vec![Vec::new()];
    for p in params {
        let mut next = Vec::with_capacity(combos.len() * p.values.len());
        for c in &combos {
            for v in &p.values {
                let mut c = c.clone();
                c.push((p.key.clone(), v.clone()));
                next.push(c);
            }
        }
        combos = next;
    }
    combos
}

/// The jobs of `combos` combinations times `seeds`, in canonical order.
pub fn jobs(combos: usize, seeds: &[u64]) -> Vec<Job> {
    let mut out = Vec::with_capacity(combos * seeds.len());
    for combo in 0..combos {
        for &seed in seeds {
            out.push(Job {
                index: out.len() as u64,
                combo,
                seed,
            });
        }
    }
    out
}

/// A value as a cell: strings without quotes, numbers as TOML writes them.
pub fn show(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds() {
        assert_eq!(parse_seeds("1..4").unwrap(), [1, 2, 3]);
        assert_eq!(parse_seeds("1..=4").unwrap(), [1, 2, 3, 4]);
        assert_eq!(parse_seeds("0..10:4,42").unwrap(), [0, 4, 8, 42]);
        assert!(parse_seeds("5..1").is_err());
        assert!(parse_seeds("x").is_err());
        assert!(parse_seeds("-3..2").is_err());
        assert!(parse_seeds("0..100000000000").is_err());
    }

    #[test]
    fn set_values() {
        let p = parse_set("raft.election_timeout=150ms..300ms").unwrap();
        assert_eq!(p.values, [toml::Value::String("150ms..300ms".into())]);
        let p = parse_set("raft.heartbeat=20ms,50ms").unwrap();
        assert_eq!(p.values.len(), 2);
        let p = parse_set("cluster.nodes=3..8:2").unwrap();
        assert_eq!(p.values, [3, 5, 7].map(toml::Value::Integer));
        let p = parse_set("network.loss=0..0.3:0.1").unwrap();
        assert_eq!(p.values, [0.0, 0.1, 0.2].map(toml::Value::Float));
        let p = parse_set("network.loss=0..=0.3:0.1").unwrap();
        assert_eq!(p.values.len(), 4);
        let p = parse_set("x=[1, 2],true").unwrap();
        assert_eq!(p.values.len(), 2);
        assert!(parse_set("novalue").is_err());
        assert!(parse_set("=3").is_err());
        assert!(parse_set("a=5..1").is_err());
    }

    #[test]
    fn combinations_first_parameter_slowest() {
        let a = parse_set("a=1,2").unwrap();
        let b = parse_set("b=x,y,z").unwrap();
        let c = combinations(&[a, b]);
        assert_eq!(c.len(), 6);
        assert_eq!(show(&c[1][1].1), "y");
        assert_eq!(show(&c[3][0].1), "2");
        let j = jobs(2, &[5, 6]);
        assert_eq!(
            j[3],
            Job {
                index: 3,
                combo: 1,
                seed: 6
            }
        );
        assert_eq!(combinations(&[]), vec![vec![]]);
    }
}
