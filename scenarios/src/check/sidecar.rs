//! `NAME.seeds.json` next to `NAME.toml`: checkpoint fingerprints of each recorded seed, so
//! that a drifting run can be narrowed to the window of events where it first differs.
//!
//! The fingerprint is a running fold over the trace, so comparing `(trace events,
//! fingerprint)` samples finds the first window in which two runs part. Samples are taken each
//! time the trace passes a multiple of `every` events; at most [`MAX_POINTS`] are kept (the
//! spacing doubles until they fit), so the file stays small for long runs.

use crate::hex::Hex64;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The finest spacing of checkpoints, in trace events.
pub const FINEST: u64 = 256;
/// Most checkpoints kept per seed.
pub const MAX_POINTS: usize = 512;

/// One seed's checkpoints.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Checkpoints {
    /// Spacing in trace events.
    pub every: u64,
    /// `(trace events so far, fingerprint so far)`.
    pub points: Vec<(u64, Hex64)>,
}

/// The whole sidecar file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sidecar {
    /// By seed.
    pub seeds: BTreeMap<u64, Checkpoints>,
}

/// Thins samples taken every [`FINEST`] events to at most [`MAX_POINTS`], doubling the
/// spacing; two runs thinned this way keep the same sample positions wherever they agree.
pub fn thin(points: &[(u64, u64)]) -> Checkpoints {
    let mut every = FINEST;
    loop {
        let mut kept: Vec<(u64, Hex64)> = Vec::new();
        let mut last_bucket = 0;
        for &(len, fp) in points {
            let bucket = len / every;
            if bucket > last_bucket {
                kept.push((len, Hex64(fp)));
                last_bucket = bucket;
            }
        }
        if kept.len() <= MAX_POINTS {
            return Checkpoints {
                every,
                points: kept,
            };
        }
        every *= 2;
    }
}

/// The first recorded checkpoint the new run disagrees with: `(events before the window,
/// events at its end)`; `None` if all recorded ones agree.
pub fn first_difference(recorded: &Checkpoints, now: &[(u64, u64)]) -> Option<(u64, u64)> {
    let fresh = thin_to(now, recorded.every);
    let mut before = 0;
    for (i, want) in recorded.points.iter().enumerate() {
        match fresh.get(i) {
            Some(got) if got == want => before = want.0,
            _ => return Some((before, want.0)),
        }
    }
    None
}

fn thin_to(points: &[(u64, u64)], every: u64) -> Vec<(u64, Hex64)> {
    let mut kept = Vec::new();
    let mut last_bucket = 0;
    for &(len, fp) in points {
        let bucket = len / every.max(1);
        if bucket > last_bucket {
            kept.push((len, Hex64(fp)));
            last_bucket = bucket;
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thinning_bounds_the_points_and_finds_the_window() {
        let run: Vec<(u64, u64)> = (1..=2000).map(|i| (i * 256 + (i % 3), i)).collect();
        let c = thin(&run);
        assert!(c.points.len() <= MAX_POINTS && c.every > FINEST);
        assert_eq!(first_difference(&c, &run), None);
        let mut drifted = run.clone();
        for p in drifted.iter_mut().skip(1000) {
            p.1 += 1;
        }
        let (a, b) = first_difference(&c, &drifted).unwrap();
        assert!(a < b && a <= 1001 * 256 && b >= 1000 * 256, "{a} {b}");
    }
}
