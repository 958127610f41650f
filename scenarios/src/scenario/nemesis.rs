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
    /// How long each strike lasts before it is undone.
    pub duration: Spanned<DurationStr>,
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
}
