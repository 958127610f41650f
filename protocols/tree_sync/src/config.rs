//! A tree-sync node's configuration.

use serde::{Deserialize, Serialize};
use sim_core::latency::to_duration;
use sim_core::time_text::human;
use sim_core::{Duration, NodeId, SimRng, Time};
use topology::{Overlay, TopologyError};

/// Everything a tree-sync node is configured with; every node of a cluster usually gets the
/// same one.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The root of the first tree (the breadth-first tree of the overlay from it). With
    /// `elect_root` the tree then moves under the lowest live id; without it, this node stays
    /// the root for good.
    pub root: NodeId,
    /// Elect the root: a node cut off from every root for `parent_timeout` after losing its
    /// parent acts as root itself, and trees merge under the lowest id they can reach, so the
    /// tree survives the root's crash or a partition that cuts the root off. Off, the root is
    /// fixed: while it is down or cut off nothing is aggregated on the other side (kept so
    /// that the fixed-root protocol can still be studied and compared).
    pub elect_root: bool,
    /// Time between rounds: the root starts one every period, each parent forwards it down at
    /// once, and each child answers with its subtree's aggregate.
    #[serde(with = "human")]
    pub period: Duration,
    /// A node that has heard no new round from its parent for this long considers the parent
    /// lost (crashed or cut off) and looks for another; with `elect_root`, a node that has
    /// looked for this long again without finding one acts as root.
    #[serde(with = "human")]
    pub parent_timeout: Duration,
    /// A parent that has heard no report from a child for this long drops it.
    #[serde(with = "human")]
    pub child_timeout: Duration,
    /// Each node's initial value.
    pub value: Value,
    /// The values' changes, if any: the workload a sync study measures.
    pub changes: Option<Changes>,
    /// Known bugs switched on (none by default), so that students can watch the end checks
    /// catch them.
    pub bugs: Vec<Bug>,
    /// Who may talk to whom; the initial tree is the overlay's breadth-first tree from the
    /// root. Built by the scenario from its topology; not read from the file.
    #[serde(skip)]
    pub overlay: Overlay,
}

impl Default for Config {
    /// Root n0 (elected), 100 ms rounds, parent lost after 350 ms, child dropped after 450 ms, value =
    /// node id, everyone may talk to everyone.
    fn default() -> Self {
        Config {
            root: NodeId(0),
            elect_root: true,
            period: Duration::from_millis(100),
            parent_timeout: Duration::from_millis(350),
            child_timeout: Duration::from_millis(450),
            value: Value::Id,
            changes: None,
            bugs: Vec::new(),
            overlay: Overlay::complete(),
        }
    }
}

/// How node values change: each node adds 1 to its value at the times of a Poisson process
/// of `rate` per second, between `start` and `stop`. The value then counts its node's
/// changes (from its initial value), so the true sum of all values tells how many changes
/// were made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Changes {
    /// Changes per second at each node.
    pub rate: f64,
    /// When changes begin (virtual time since the start of the run).
    #[serde(with = "human")]
    pub start: Duration,
    /// When they end.
    #[serde(with = "human")]
    pub stop: Duration,
}

impl Default for Changes {
    /// One change per node per 10 s, for the first 10 s.
    fn default() -> Self {
        Changes {
            rate: 0.1,
            start: Duration::ZERO,
            stop: Duration::from_secs(10),
        }
    }
}

impl Changes {
    /// The wait from `now` until the next change after `begin` (not before `now`): an
    /// exponential draw from the node's stream, or `None` once it would fall at or after
    /// `stop`, or if the rate is zero.
    pub fn next_change(&self, begin: Time, now: Time, rng: &mut SimRng) -> Option<Duration> {
        if self.rate <= 0.0 {
            return None;
        }
        let wait = to_duration(-libm::log(rng.open_unit_f64()) * 1e9 / self.rate);
        let at = begin.max(now).saturating_add(wait);
        (at < Time::ZERO + self.stop).then(|| at - now)
    }

    /// Checks the parameters; `field` prefixes the names errors give.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        if !(self.rate.is_finite() && self.rate >= 0.0) {
            return Err((
                "changes.rate",
                format!(
                    "must be a rate of zero or more per second, got {}",
                    self.rate
                ),
            ));
        }
        if self.stop < self.start {
            return Err((
                "changes.stop",
                format!("must not come before start ({})", self.start),
            ));
        }
        Ok(())
    }
}

/// A departure from the protocol, for watching tree sync break and the checks catch it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bug {
    /// A node whose parent is lost (crashed or cut off) leaves it but never looks for another,
    /// so its subtree stays out of the tree: the root's aggregate misses live nodes and the
    /// cluster never re-converges (caught by the end checks "one tree" and "root aggregate").
    NoRepair,
    /// A parent never drops a child that fell silent, so the root keeps counting a crashed
    /// node's last report (caught by "root aggregate").
    KeepDeadChildren,
    /// Children send no digest when a round is overdue and parents hand no missed round to a
    /// child that asks, so on a lossy network a few lost rounds in a row make a child leave a
    /// parent that is alive: the tree keeps changing shape (watch `parent_changes`) and the
    /// root's aggregate is wrong after each change until reports climb back up.
    NoCatchUp,
}

impl Bug {
    /// Every bug, for listings and templates.
    pub const ALL: [Bug; 3] = [Bug::NoRepair, Bug::KeepDeadChildren, Bug::NoCatchUp];

    /// The name as written in files.
    pub fn name(self) -> &'static str {
        match self {
            Bug::NoRepair => "no-repair",
            Bug::KeepDeadChildren => "keep-dead-children",
            Bug::NoCatchUp => "no-catch-up",
        }
    }
}

/// How a node's initial value is chosen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum Value {
    /// The node's id.
    Id,
    /// The same value everywhere.
    Constant(i64),
    /// Uniform in `min..=max`, from the node's random stream.
    Random {
        /// Smallest value.
        min: i64,
        /// Largest value.
        max: i64,
    },
}

/// A configuration that cannot run.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// A parameter outside its range.
    #[error("tree sync config: {field}: {why}")]
    Invalid {
        /// The field, as spelled in a scenario file.
        field: &'static str,
        /// What was expected.
        why: String,
    },
    /// The overlay does not fit the cluster.
    #[error("tree sync config: {0}")]
    Topology(#[from] TopologyError),
}

impl Config {
    /// True if `bug` is switched on.
    pub fn has(&self, bug: Bug) -> bool {
        self.bugs.contains(&bug)
    }

    /// The same configuration restricted to `overlay`.
    pub fn with_overlay(mut self, overlay: Overlay) -> Config {
        self.overlay = overlay;
        self
    }

    /// The node the end checks expect to be the root once the cluster is stable, given the
    /// nodes that are up: the lowest live id when the root is elected, else the fixed root.
    pub fn expected_root(&self, live: &[NodeId]) -> Option<NodeId> {
        if self.elect_root {
            live.iter().copied().min()
        } else {
            Some(self.root)
        }
    }

    /// Checks every parameter against a cluster of `n` nodes and computes the initial tree
    /// once, so that the nodes share it.
    pub fn prepare(mut self, n: u32) -> Result<Config, ConfigError> {
        self.validate(n)?;
        if self.overlay.tree().is_none_or(|t| t.root() != self.root) {
            self.overlay = self.overlay.clone().with_tree(self.root, n)?;
        }
        Ok(self)
    }

    /// Checks every parameter against a cluster of `n` nodes.
    pub fn validate(&self, n: u32) -> Result<(), ConfigError> {
        let invalid = |field, why: String| Err(ConfigError::Invalid { field, why });
        self.overlay.validate(n)?;
        if self.root.0 >= n {
            return invalid(
                "root",
                format!("{} is not a node of a {n}-node cluster", self.root),
            );
        }
        if self.period == Duration::ZERO {
            return invalid("period", "must be longer than zero".into());
        }
        if self.parent_timeout <= self.period {
            return invalid(
                "parent_timeout",
                format!("must be longer than the period ({})", self.period),
            );
        }
        if self.child_timeout <= self.period {
            return invalid(
                "child_timeout",
                format!("must be longer than the period ({})", self.period),
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
