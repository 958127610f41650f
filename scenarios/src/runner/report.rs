//! What a run reports.

use crate::hex::Hex64;
use crate::registry::CheckResult;
use serde::Serialize;
use sim_core::{Stats, Time, Violation};
use std::collections::BTreeMap;

/// A fault the runner applied (or skipped), for the summary.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FaultNote {
    /// When.
    pub at: Time,
    /// What, with the nodes selectors resolved to (`crash n3 (leader)`).
    pub text: String,
}

/// The outcome of one run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RunReport {
    /// Scenario name.
    pub scenario: String,
    /// Protocol name.
    pub protocol: String,
    /// Seed.
    pub seed: u64,
    /// Servers.
    pub servers: u32,
    /// All nodes (servers and clients).
    pub nodes: u32,
    /// Virtual time at the end.
    pub end: Time,
    /// Engine counters.
    pub stats: Stats,
    /// Faults applied or skipped, in time order.
    pub faults: Vec<FaultNote>,
    /// Every metric, flattened (distributions as `name_p99` and friends).
    pub metrics: BTreeMap<String, f64>,
    /// Every check and expectation, passed or not.
    pub checks: Vec<CheckResult>,
    /// The run's fingerprint.
    pub fingerprint: Hex64,
    /// The invariant violation that stopped the run, if any.
    pub violation: Option<Violation>,
    /// `(trace events, fingerprint)` samples, when asked for.
    #[serde(skip)]
    pub checkpoints: Vec<(u64, u64)>,
}

impl RunReport {
    /// Whether every check and expectation held.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.passed)
    }

    /// The checks that failed.
    pub fn failures(&self) -> impl Iterator<Item = &CheckResult> {
        self.checks.iter().filter(|c| !c.passed)
    }
}
