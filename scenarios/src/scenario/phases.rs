//! `[run]`: how long to run, as one phase or as a safety phase (faults) then a heal and a
//! liveness phase (no faults).

use crate::duration::DurationStr;
use serde::{Deserialize, Serialize};
use sim_core::Time;
use toml::Spanned;

/// The `[run]` section: either `duration`, or `safety` and `liveness`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSection {
    /// Length of a run without phases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Spanned<DurationStr>>,
    /// Length of the safety phase (faults and nemeses act only here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safety: Option<Spanned<DurationStr>>,
    /// Length of the liveness phase after the heal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub liveness: Option<Spanned<DurationStr>>,
}

impl RunSection {
    /// A single phase of `d`.
    pub fn for_duration(d: DurationStr) -> RunSection {
        RunSection {
            duration: Some(Spanned::new(0..0, d)),
            safety: None,
            liveness: None,
        }
    }

    /// When the heal happens, if the run has phases.
    pub fn heal_at(&self) -> Option<Time> {
        self.safety.as_ref().map(|s| Time(s.get_ref().nanos()))
    }

    /// When the run ends.
    pub fn end(&self) -> Time {
        let n = |d: &Option<Spanned<DurationStr>>| d.as_ref().map_or(0, |d| d.get_ref().nanos());
        match &self.duration {
            Some(d) => Time(d.get_ref().nanos()),
            None => Time(n(&self.safety).saturating_add(n(&self.liveness))),
        }
    }

    /// When faults must have happened by: the heal, or the end.
    pub fn fault_horizon(&self) -> Time {
        self.heal_at().unwrap_or_else(|| self.end())
    }
}
