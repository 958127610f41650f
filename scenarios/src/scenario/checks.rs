//! `[checks]` and `[[expect]]`: what a run must show to pass.

use crate::duration::DurationStr;
use serde::{Deserialize, Serialize};
use toml::Spanned;

/// The `[checks]` section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checks {
    /// Run the protocol's invariant checkers after every event (on by default).
    #[serde(default = "yes")]
    pub invariants: bool,
    /// Check the client history for linearizability at the end (KV protocols).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linearizable: Option<Spanned<bool>>,
    /// The protocol must converge within this long after the start (after the heal when the
    /// run has a safety phase).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub converged_by: Option<Spanned<DurationStr>>,
    /// A leader must be up within this long after the start, the last loss of the leader
    /// (crash, pause or isolation), or the heal — whichever came last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leader_within: Option<Spanned<DurationStr>>,
    /// At most this many messages sent per completed client operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages_per_op_max: Option<Spanned<f64>>,
    /// A scenario with a known bug switched on: the run passes only if a check whose name
    /// starts with this fails (`"invariant Log Matching"`, `"linearizable"`), showing that the
    /// checkers catch the bug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expect_failure: Option<Spanned<String>>,
    /// How often `converged_by` and `leader_within` look at the cluster (default 1ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probe: Option<Spanned<DurationStr>>,
}

fn yes() -> bool {
    true
}

impl Default for Checks {
    fn default() -> Self {
        Checks {
            invariants: true,
            linearizable: None,
            converged_by: None,
            leader_within: None,
            messages_per_op_max: None,
            expect_failure: None,
            probe: None,
        }
    }
}

impl Checks {
    /// Whether linearizability is to be checked.
    pub fn linearizable(&self) -> bool {
        self.linearizable.as_ref().is_some_and(|s| *s.get_ref())
    }
}

/// A bound on a metric: `[[expect]] metric = "commit_latency_ms_p99" max = 50.0`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The metric's name (see `clustersim run --json` for the names a protocol reports;
    /// distributions take a suffix `_p50`, `_p90`, `_p99`, `_mean`, `_max`, `_min`, `_count`).
    pub metric: Spanned<String>,
    /// Smallest acceptable value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Largest acceptable value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
}
