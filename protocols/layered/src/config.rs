//! A layered node's configuration: the group size, how often groups sync, when a silent peer
//! counts as gone, each node's value and how often it changes.

use serde::{Deserialize, Serialize};
use sim_core::Duration;
use sim_core::time_text::human;
use tree_sync::{Changes, Value};

/// Everything a layered node is configured with; every node of a cluster gets the same one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Members per group (`g`): a node syncs with the `g - 1` others of its group at layer 0,
    /// and a group's leader with the leaders of `g - 1` sibling groups one layer up.
    pub group_size: u32,
    /// Time between syncs: every period a node sends its block's summary to each sibling of
    /// every layer it takes part in.
    #[serde(with = "human")]
    pub period: Duration,
    /// A sibling not heard from for this long counts as gone: its summary leaves the
    /// aggregate and, if it led its block, the next lowest id of that block takes over.
    #[serde(with = "human")]
    pub timeout: Duration,
    /// Each node's initial value.
    pub value: Value,
    /// The values' changes, if any: the workload a sync study measures.
    pub changes: Option<Changes>,
    /// Known bugs switched on (none by default), so that students can watch the checks catch
    /// them.
    pub bugs: Vec<Bug>,
}

impl Default for Config {
    /// Groups of 8, 100 ms syncs, a sibling gone after 350 ms, value = node id, no changes.
    fn default() -> Self {
        Config {
            group_size: 8,
            period: Duration::from_millis(100),
            timeout: Duration::from_millis(350),
            value: Value::Id,
            changes: None,
            bugs: Vec::new(),
        }
    }
}

/// A departure from the protocol, for watching the hierarchy break and the checks catch it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bug {
    /// A sibling that fell silent keeps its last summary in the aggregate, so a crashed
    /// node is counted for good (caught by the end check "global aggregate").
    KeepDeadPeers,
    /// A block is always represented by its lowest id, alive or not: when a leader crashes
    /// nobody takes over, and its block's summary never climbs again (caught by the end
    /// checks "leaders" and "global aggregate").
    NoReelection,
}

impl Bug {
    /// Every bug, for listings and templates.
    pub const ALL: [Bug; 2] = [Bug::KeepDeadPeers, Bug::NoReelection];

    /// The name as written in files.
    pub fn name(self) -> &'static str {
        match self {
            Bug::KeepDeadPeers => "keep-dead-peers",
            Bug::NoReelection => "no-reelection",
        }
    }
}

/// A configuration that cannot run.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("layered config: {field}: {why}")]
pub struct ConfigError {
    /// The field, as spelled in a scenario file.
    pub field: &'static str,
    /// What was expected.
    pub why: String,
}

impl Config {
    /// True if `bug` is switched on.
    pub fn has(&self, bug: Bug) -> bool {
        self.bugs.contains(&bug)
    }

    /// Checks every parameter against a cluster of `n` nodes.
    pub fn validate(&self, n: u32) -> Result<(), ConfigError> {
        let invalid = |field, why: String| Err(ConfigError { field, why });
        if n == 0 {
            return invalid("nodes", "a hierarchy needs at least one node".into());
        }
        if !(2..=64).contains(&self.group_size) {
            return invalid(
                "group_size",
                format!("must be between 2 and 64, got {}", self.group_size),
            );
        }
        if self.period == Duration::ZERO {
            return invalid("period", "must be longer than zero".into());
        }
        if self.timeout <= self.period {
            return invalid(
                "timeout",
                format!(
                    "must be longer than the period ({}), or every sibling times out between two syncs",
                    self.period
                ),
            );
        }
        if let Value::Random { min, max } = self.value
            && min > max
        {
            return invalid(
                "value",
                format!("random needs min <= max, got {min} > {max}"),
            );
        }
        if let Some(Err((field, why))) = self.changes.as_ref().map(Changes::validate) {
            return invalid(field, why);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_checked_against_what_can_run() {
        assert_eq!(Config::default().validate(100), Ok(()));
        let bad = |c: Config| c.validate(100).unwrap_err().field;
        assert_eq!(
            bad(Config {
                group_size: 1,
                ..Config::default()
            }),
            "group_size"
        );
        assert_eq!(
            bad(Config {
                timeout: Duration::from_millis(100),
                ..Config::default()
            }),
            "timeout"
        );
        assert_eq!(
            bad(Config {
                changes: Some(Changes {
                    rate: -1.0,
                    ..Changes::default()
                }),
                ..Config::default()
            }),
            "changes.rate"
        );
        assert_eq!(Config::default().validate(0).unwrap_err().field, "nodes");
    }
}
