//! Randomized nemeses: faults generated from the faults stream as the run goes.
//!
//! ```toml
//! [[nemesis]]
//! kind = "crash-restart"
//! interval = "1s"      # a new fault every second...
//! duration = "300ms"   # ...undone 300 ms later
//! from = "500ms"       # optional; default: the start
//! until = "8s"         # optional; default: the end of the safety phase (or of the run)
//! ```

use crate::duration::DurationStr;
use serde::{Deserialize, Serialize};
use toml::Spanned;

/// What a nemesis does each time it strikes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NemesisKind {
    /// Split the servers into two random non-empty sides; healed after `duration`.
    RandomPartition,
    /// Jepsen's majorities ring: servers on a random ring each see a majority made of their
    /// ring neighbours, and no two see the same one; healed after `duration`.
    MajoritiesRing,
    /// Crash a random running server; restart it after `duration`.
    CrashRestart,
    /// Pause a random running server; resume it after `duration`.
    Pause,
    /// Set a random server's clock rate to a draw from `[1 - drift, 1 + drift]`; reset to 1
    /// after `duration`.
    ClockDrift,
    /// Degrade `links` random directed links between servers to loss `loss`; restored after
    /// `duration`.
    FlakyLinks,
    /// Damage the disk of one drawn server: each storage fault happens with its rate
    /// (`corrupt`, `lost_write`, `torn_write`, `misdirected_write`, `read_error`), aimed at
    /// records named `record` where given. Damage is not undone, so it takes no `duration`.
    DiskFaults,
}

impl NemesisKind {
    /// The name as written in files.
    pub fn name(self) -> &'static str {
        match self {
            NemesisKind::RandomPartition => "random-partition",
            NemesisKind::MajoritiesRing => "majorities-ring",
            NemesisKind::CrashRestart => "crash-restart",
            NemesisKind::Pause => "pause",
            NemesisKind::ClockDrift => "clock-drift",
            NemesisKind::FlakyLinks => "flaky-links",
            NemesisKind::DiskFaults => "disk-faults",
        }
    }
}

/// One nemesis.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Nemesis {
    /// What it does.
    pub kind: Spanned<NemesisKind>,
    /// Time between strikes.
    pub interval: Spanned<DurationStr>,
    /// How long each strike lasts before it is undone (every kind but disk-faults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Spanned<DurationStr>>,
    /// First strike (default: time zero plus one interval).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Spanned<DurationStr>>,
    /// No strike at or after this time (default: end of the safety phase or of the run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Spanned<DurationStr>>,
    /// clock-drift: largest deviation of the rate from 1 (default 0.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drift: Option<f64>,
    /// flaky-links: loss probability of a degraded link (default 0.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss: Option<f64>,
    /// flaky-links: how many links per strike (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<u32>,
    /// flaky-links: only messages of these kinds are lost, at `loss` on top of the link's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kinds: Option<Spanned<Vec<String>>>,
    /// disk-faults: the chance per strike that a record's bytes change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrupt: Option<f64>,
    /// disk-faults: the chance per strike that the next write never reaches the medium.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lost_write: Option<f64>,
    /// disk-faults: the chance per strike of a crash that tears the sync under way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub torn_write: Option<f64>,
    /// disk-faults: the chance per strike that the next write lands under another record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub misdirected_write: Option<f64>,
    /// disk-faults: the chance per strike that a record becomes unreadable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_error: Option<f64>,
    /// disk-faults: aim corruption and read errors at records of this name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
}

impl Nemesis {
    /// The disk-faults rates with their keys, in the order a strike draws them.
    pub fn disk_rates(&self) -> [(&'static str, Option<f64>); 5] {
        [
            ("corrupt", self.corrupt),
            ("lost_write", self.lost_write),
            ("torn_write", self.torn_write),
            ("misdirected_write", self.misdirected_write),
            ("read_error", self.read_error),
        ]
    }
}
