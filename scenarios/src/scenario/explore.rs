//! `[explore]`: the bounds `clustersim explore` draws each seed's faults and workload within.
//!
//! ```toml
//! [explore]
//! nodes = [3, 5]             # cluster sizes, both ends included
//! clients = [1, 4]           # client counts (protocols with clients)
//! latency_max = "10ms"       # the largest typical one-way delay drawn
//! loss_max = 0.05            # the largest message loss drawn
//! duplicate_max = 0.05       # the largest duplication drawn
//! faults = ["crash", "pause", "partition", "clock-drift", "flaky-link"]   # and "stop", "disk"
//! liveness = true            # judge a leader and convergence after the heal
//! ```
//!
//! Everything is optional; what is left out takes the default shown. The protocol, its
//! parameters (including known `bugs`), the phase lengths (`[run] safety` and `liveness`) and
//! the checks come from the rest of the file.

use crate::duration::DurationStr;
use serde::{Deserialize, Serialize};

/// A kind of fault explore may schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FaultKind {
    /// Crash a server (the leader or a drawn one) and restart it later.
    Crash,
    /// Pause a server and resume it later.
    Pause,
    /// Cut the network: isolate a node, split in two, cut one way, or a bridge.
    Partition,
    /// Make servers' clocks run fast or slow for a while.
    ClockDrift,
    /// Make a link lossy and slow for a while.
    FlakyLink,
    /// Crash one drawn server for good: the heal leaves it down, so the liveness phase judges
    /// a cluster that lost a node (a dead agent whose tasks must run elsewhere, a dead child
    /// a tree must route around). Not in the default set, since protocols that need every
    /// node to finish cannot survive it.
    Stop,
    /// Damage the disk of one drawn server, the same one all run long: corruption, read
    /// errors, lost and misdirected writes, each followed by a reboot that reads the damage
    /// back. Not in the default set (protocols without a disk refuse it).
    Disk,
    /// Rewrite blocks on one drawn server's disk, checksums and all, as an attacker with access
    /// to that disk would (the same server all run long). Only a protocol that keeps a
    /// tamper-evident chain (the ledger) can be asked to survive it; not in the default set.
    Tamper,
}

impl FaultKind {
    /// The default of `faults`: every kind a protocol survives without losing a node for good.
    pub const DEFAULT: [FaultKind; 5] = [
        FaultKind::Crash,
        FaultKind::Pause,
        FaultKind::Partition,
        FaultKind::ClockDrift,
        FaultKind::FlakyLink,
    ];

    /// Every kind, in the order a seed draws them (new kinds go last, so that adding one
    /// moves no existing file's schedule).
    pub const EVERY: [FaultKind; 8] = [
        FaultKind::Crash,
        FaultKind::Pause,
        FaultKind::Partition,
        FaultKind::ClockDrift,
        FaultKind::FlakyLink,
        FaultKind::Stop,
        FaultKind::Disk,
        FaultKind::Tamper,
    ];
}

/// The `[explore]` section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExploreSection {
    /// Smallest and largest cluster size.
    pub nodes: [u32; 2],
    /// Fewest and most clients.
    pub clients: [u32; 2],
    /// Largest typical link delay.
    pub latency_max: DurationStr,
    /// Largest loss probability.
    pub loss_max: f64,
    /// Largest duplication probability.
    pub duplicate_max: f64,
    /// The kinds of faults to schedule.
    pub faults: Vec<FaultKind>,
    /// Judge progress after the heal (a leader, convergence) where the protocol has them; off
    /// for parameters chosen to provoke a safety bug at the cost of liveness.
    pub liveness: bool,
}

impl Default for ExploreSection {
    fn default() -> Self {
        ExploreSection {
            nodes: [3, 5],
            clients: [1, 4],
            latency_max: DurationStr::from_millis(10),
            loss_max: 0.05,
            duplicate_max: 0.05,
            faults: FaultKind::DEFAULT.to_vec(),
            liveness: true,
        }
    }
}

impl ExploreSection {
    /// What is wrong with the bounds, if anything.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let [a, b] = self.nodes;
        if a == 0 || a > b {
            out.push(format!(
                "explore.nodes must be [min, max] with 1 <= min <= max, got [{a}, {b}]"
            ));
        }
        let [a, b] = self.clients;
        if a > b {
            out.push(format!(
                "explore.clients must be [min, max] with min <= max, got [{a}, {b}]"
            ));
        }
        if self.latency_max.nanos() < 1_000 {
            out.push(format!(
                "explore.latency_max must be at least 1us, got {}",
                self.latency_max
            ));
        }
        for (what, p) in [
            ("explore.loss_max", self.loss_max),
            ("explore.duplicate_max", self.duplicate_max),
        ] {
            if !(0.0..=1.0).contains(&p) {
                out.push(format!("{what} must be a probability in [0, 1], got {p}"));
            }
        }
        out
    }
}
