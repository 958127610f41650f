//! What a run measured: named values and distributions, in name order.

use serde::Serialize;
use std::collections::BTreeMap;

/// Suffixes that summarize a distribution, in the order reports list them.
pub const SUMMARY_SUFFIXES: [&str; 7] = ["count", "mean", "min", "p50", "p90", "p99", "max"];

/// A run's measurements. Values are single numbers (`ops_completed`); distributions are
/// samples (`commit_latency_ms`) read through a suffix (`commit_latency_ms_p99`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Metrics {
    /// Single numbers by name.
    pub values: BTreeMap<String, f64>,
    /// Samples by name.
    pub distributions: BTreeMap<String, Vec<f64>>,
}

impl Metrics {
    /// Sets a value.
    pub fn set(&mut self, name: impl Into<String>, value: f64) {
        self.values.insert(name.into(), value);
    }

    /// Adds one sample to a distribution.
    pub fn sample(&mut self, name: impl Into<String>, value: f64) {
        self.distributions
            .entry(name.into())
            .or_default()
            .push(value);
    }

    /// A value, or a distribution's summary statistic (`name_p99`, `name_mean`, ...).
    pub fn get(&self, name: &str) -> Option<f64> {
        if let Some(v) = self.values.get(name) {
            return Some(*v);
        }
        let (base, suffix) = name.rsplit_once('_')?;
        let samples = self.distributions.get(base)?;
        summarize(samples, suffix)
    }

    /// Every value and every summary statistic of every distribution, by name.
    pub fn flat(&self) -> BTreeMap<String, f64> {
        let mut out = self.values.clone();
        for (name, samples) in &self.distributions {
            for s in SUMMARY_SUFFIXES {
                if let Some(v) = summarize(samples, s) {
                    out.insert(format!("{name}_{s}"), v);
                }
            }
        }
        out
    }

    /// Every name [`Metrics::get`] answers, for suggestions.
    pub fn names(&self) -> Vec<String> {
        self.flat().into_keys().collect()
    }
}

/// One summary statistic of `samples` (`None` for an unknown suffix; the count of an empty
/// distribution is 0 and its other statistics are absent).
fn summarize(samples: &[f64], suffix: &str) -> Option<f64> {
    if suffix == "count" {
        return Some(samples.len() as f64);
    }
    if samples.is_empty() {
        return None;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = |q: f64| {
        // Nearest rank: the smallest sample with at least q of the samples at or below it.
        let k = (q * sorted.len() as f64).ceil() as usize;
        sorted[k.clamp(1, sorted.len()) - 1]
    };
    Some(match suffix {
        "mean" => sorted.iter().sum::<f64>() / sorted.len() as f64,
        "min" => sorted[0],
        "max" => sorted[sorted.len() - 1],
        "p50" => rank(0.5),
        "p90" => rank(0.9),
        "p99" => rank(0.99),
        "p999" => rank(0.999),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_by_suffix() {
        let mut m = Metrics::default();
        m.set("ops", 3.0);
        for i in 1..=100 {
            m.sample("lat_ms", f64::from(i));
        }
        assert_eq!(m.get("ops"), Some(3.0));
        assert_eq!(m.get("lat_ms_p50"), Some(50.0));
        assert_eq!(m.get("lat_ms_p99"), Some(99.0));
        assert_eq!(m.get("lat_ms_max"), Some(100.0));
        assert_eq!(m.get("lat_ms_min"), Some(1.0));
        assert_eq!(m.get("lat_ms_count"), Some(100.0));
        assert_eq!(m.get("lat_ms_mean"), Some(50.5));
        assert_eq!(m.get("lat_ms_p42"), None);
        assert_eq!(m.get("nothing"), None);
        assert!(m.names().contains(&"lat_ms_p90".to_string()));
    }
}
