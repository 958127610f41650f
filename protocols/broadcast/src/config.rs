//! A broadcast node's configuration: which variant, its parameters, the built-in workload, and
//! who the node may talk to.
//!
//! The variants are combinations of a *dissemination* (how a new broadcast is pushed out) and
//! an optional periodic *anti-entropy* (how nodes compare what they have and fill the gaps):
//!
//! | variant | dissemination | anti_entropy |
//! | --- | --- | --- |
//! | best-effort | `best-effort` | none |
//! | reliable (eager relay) | `reliable` | none (or any, to also repair after partitions) |
//! | anti-entropy gossip | `none` | push, pull or push-pull; fan-out; period |
//! | rumor mongering | `rumor` (feedback/blind, counter/coin, k; fan-out; period) | none, or a backup |
//! | efficient (batched tree) | `tree` (root, batch interval) | push-pull repair |

use crate::message::Direction;
use crate::prepared::Prepared;
use serde::{Deserialize, Serialize};
use sim_core::time_text::human;
use sim_core::{Duration, NodeId};
use topology::{Overlay, TopologyError};

/// Everything a broadcast node is configured with. Every node of a cluster usually gets the
/// same one; the overlay (not part of the file form) says who the node may talk to.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// How a new broadcast is pushed out.
    pub dissemination: Dissemination,
    /// Periodic anti-entropy: alone, the anti-entropy gossip; next to a dissemination, the
    /// repair of whatever it missed (a partition, a crash, a lost message).
    pub anti_entropy: Option<AntiEntropy>,
    /// Broadcasts the node makes by itself, if any (new broadcasts can also be injected with
    /// `Simulation::input` and [`crate::BroadcastNode::broadcast`]).
    pub workload: Option<Workload>,
    /// Known bugs switched on (none by default), so that students can watch the checkers
    /// catch them.
    pub bugs: Vec<KnownBug>,
    /// Who the node may talk to (everyone unless a topology is given). Built by the scenario
    /// from its topology; not read from the file.
    #[serde(skip)]
    pub overlay: Overlay,
}

/// How a new broadcast is pushed out.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "kebab-case",
    deny_unknown_fields,
    from = "DisseminationRepr"
)]
pub enum Dissemination {
    /// Nothing is pushed: broadcasts spread only by anti-entropy.
    None,
    /// The origin sends to each neighbour once; nobody relays.
    BestEffort,
    /// Eager reliable broadcast: every node relays a broadcast to all its neighbours the first
    /// time it sees it, so one correct node that received it is enough.
    #[default]
    Reliable,
    /// Rumor mongering: a node that learns a broadcast pushes it to `fanout` random
    /// neighbours every `period` until it loses interest.
    Rumor(Rumor),
    /// Batched broadcast over a spanning tree: new broadcasts are collected for `batch` and
    /// then sent in one message per tree neighbour.
    Tree(TreeSpread),
}

/// Rumor-mongering parameters (Demers et al. 1987, section 1.4).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Rumor {
    /// When a node counts a push against its interest.
    pub loss: Loss,
    /// How it loses interest.
    pub stop: Stop,
    /// The counter's limit, or the inverse of the coin's probability.
    pub k: u32,
    /// Neighbours pushed to per period.
    pub fanout: u32,
    /// Time between pushes (one "cycle").
    #[serde(with = "human")]
    pub period: Duration,
    /// Whether all nodes push at the same instants (synchronous cycles) or at random phases.
    pub phase: Phase,
    /// Feedback and counter: a push the partner did not know resets the counter, so that
    /// interest is lost after `k` unnecessary pushes *in a row*. The partner then answers
    /// every push, not only unnecessary ones.
    pub reset_on_useful: bool,
    /// Feedback: the partner counts as having known a rumor only if it knew it before its
    /// current cycle began (the synchronous-round reading, in which all pushes of a cycle
    /// meet the state the cycle started with).
    pub cycle_feedback: bool,
}

impl Default for Rumor {
    /// Feedback and counter with k = 2, one neighbour per second, random phases; unnecessary
    /// pushes counted in total, "knew" meaning knew on arrival.
    fn default() -> Self {
        Rumor {
            loss: Loss::Feedback,
            stop: Stop::Counter,
            k: 2,
            fanout: 1,
            period: Duration::from_secs(1),
            phase: Phase::Random,
            reset_on_useful: false,
            cycle_feedback: false,
        }
    }
}

/// When a rumor-mongering node counts a push against its interest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Loss {
    /// Only when the partner already knew the rumor (it says so in a feedback message).
    Feedback,
    /// After every push, whatever the partner knew.
    Blind,
}

/// How a rumor-mongering node loses interest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stop {
    /// After `k` counted pushes.
    Counter,
    /// With probability `1/k` at each counted push.
    Coin,
}

/// When periodic work happens.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// Each node at its own random offset within the period.
    #[default]
    Random,
    /// Every node at the multiples of the period: synchronous cycles, as in Demers' tables.
    Aligned,
}

/// The batched tree broadcast's parameters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TreeSpread {
    /// Root of the spanning tree (a breadth-first tree of the topology).
    pub root: NodeId,
    /// How long a node collects new broadcasts before sending them on (0: at once).
    #[serde(with = "human")]
    pub batch: Duration,
}

impl Default for TreeSpread {
    /// Root n0, 100 ms batches.
    fn default() -> Self {
        TreeSpread {
            root: NodeId(0),
            batch: Duration::from_millis(100),
        }
    }
}

/// Periodic anti-entropy (Demers et al. 1987, section 1.3) with digests: the starter sends
/// its digest; the partner answers with what the starter lacks and asks for what it lacks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AntiEntropy {
    /// Which way updates flow.
    pub direction: Direction,
    /// Partners per period.
    pub fanout: u32,
    /// Time between exchanges.
    #[serde(with = "human")]
    pub period: Duration,
    /// Whether all nodes start exchanges at the same instants.
    pub phase: Phase,
    /// Only broadcasts held at least this long are sent in an exchange: younger ones are
    /// probably still on their way by the normal path (0: send everything missing).
    #[serde(with = "human")]
    pub settle: Duration,
    /// With the tree dissemination: also exchange with the tree parent every period, so that
    /// what a cut tree edge lost comes back within one period of the heal.
    pub with_parent: bool,
}

impl Default for AntiEntropy {
    /// Push-pull with one partner per second, random phases, nothing held back, no parent
    /// exchange.
    fn default() -> Self {
        AntiEntropy {
            direction: Direction::PushPull,
            fanout: 1,
            period: Duration::from_secs(1),
            phase: Phase::Random,
            settle: Duration::ZERO,
            with_parent: false,
        }
    }
}

/// Broadcasts a node makes by itself: Poisson arrivals at `rate` per second over all origins
/// together, between `start` and `stop`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Workload {
    /// The nodes that broadcast; empty means every node.
    pub origins: Vec<NodeId>,
    /// Broadcasts per second, summed over the origins.
    pub rate: f64,
    /// Broadcasts per second at each origin, instead of `rate` summed over them: a workload
    /// that grows with the cluster, as when every node changes its data at a set rate.
    pub rate_per_node: Option<f64>,
    /// When broadcasting begins (virtual time since the start of the run).
    #[serde(with = "human")]
    pub start: Duration,
    /// When it ends.
    #[serde(with = "human")]
    pub stop: Duration,
    /// Most broadcasts per origin node and incarnation (none: unlimited).
    pub limit: Option<u64>,
    /// Nodes that each make one broadcast as they first start (at time zero), besides the
    /// Poisson arrivals: one update injected at a site, as in Demers' experiments.
    pub initial: Vec<NodeId>,
}

impl Default for Workload {
    /// Every node, 10 per second in all, for 10 seconds.
    fn default() -> Self {
        Workload {
            origins: Vec::new(),
            rate: 10.0,
            rate_per_node: None,
            start: Duration::ZERO,
            stop: Duration::from_secs(10),
            limit: None,
            initial: Vec::new(),
        }
    }
}

/// Bugs a configuration can switch on, so that students can watch a protocol break and the
/// checkers are shown to catch it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KnownBug {
    /// Deliver every copy that arrives, not only the first (caught by "no duplicate
    /// delivery").
    DeliverDuplicates,
    /// Relay a broadcast with its payload changed (caught by "integrity").
    CorruptRelay,
    /// Reliable broadcast that does not relay: only the origin sends, as in best-effort, so a
    /// broadcast whose origin crashes after reaching one node reaches no one else (caught by
    /// "agreement" at the end of the run).
    NoRelay,
}

impl KnownBug {
    /// Every bug, for listings and templates.
    pub const ALL: [KnownBug; 3] = [
        KnownBug::DeliverDuplicates,
        KnownBug::CorruptRelay,
        KnownBug::NoRelay,
    ];

    /// The name as written in files.
    pub fn name(self) -> &'static str {
        match self {
            KnownBug::DeliverDuplicates => "deliver-duplicates",
            KnownBug::CorruptRelay => "corrupt-relay",
            KnownBug::NoRelay => "no-relay",
        }
    }
}

/// What a scenario file holds for [`Dissemination`]. serde does not reject unknown fields next
/// to the tag of a unit variant, so the parameterless kinds are read as empty struct variants.
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
enum DisseminationRepr {
    None {},
    BestEffort {},
    Reliable {},
    Rumor(Rumor),
    Tree(TreeSpread),
}

impl From<DisseminationRepr> for Dissemination {
    fn from(r: DisseminationRepr) -> Dissemination {
        match r {
            DisseminationRepr::None {} => Dissemination::None,
            DisseminationRepr::BestEffort {} => Dissemination::BestEffort,
            DisseminationRepr::Reliable {} => Dissemination::Reliable,
            DisseminationRepr::Rumor(r) => Dissemination::Rumor(r),
            DisseminationRepr::Tree(t) => Dissemination::Tree(t),
        }
    }
}

/// A configuration that cannot run.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// A parameter outside its range.
    #[error("broadcast config: {field}: {why}")]
    Invalid {
        /// The field, as spelled in a scenario file.
        field: &'static str,
        /// What was expected.
        why: String,
    },
    /// The overlay does not fit the cluster.
    #[error("broadcast config: {0}")]
    Topology(#[from] TopologyError),
}

/// The reproductions build their simulations from configurations they write themselves, and
/// report a bad one as the engine's error for a cluster that cannot be built.
impl From<ConfigError> for sim_core::SimError {
    fn from(e: ConfigError) -> Self {
        sim_core::SimError::Invalid {
            what: "broadcast config".into(),
            why: e.to_string(),
        }
    }
}

fn invalid(field: &'static str, why: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        field,
        why: why.into(),
    }
}

impl Config {
    /// Best-effort broadcast to every neighbour.
    pub fn best_effort() -> Config {
        Config {
            dissemination: Dissemination::BestEffort,
            ..Config::default()
        }
    }

    /// Eager reliable broadcast.
    pub fn reliable() -> Config {
        Config {
            dissemination: Dissemination::Reliable,
            ..Config::default()
        }
    }

    /// Anti-entropy gossip alone.
    pub fn anti_entropy(direction: Direction, fanout: u32, period: Duration) -> Config {
        Config {
            dissemination: Dissemination::None,
            anti_entropy: Some(AntiEntropy {
                direction,
                fanout,
                period,
                ..AntiEntropy::default()
            }),
            ..Config::default()
        }
    }

    /// Rumor mongering alone.
    pub fn rumor(loss: Loss, stop: Stop, k: u32, period: Duration) -> Config {
        Config {
            dissemination: Dissemination::Rumor(Rumor {
                loss,
                stop,
                k,
                period,
                ..Rumor::default()
            }),
            ..Config::default()
        }
    }

    /// The efficient broadcast: batches over a spanning tree from `root`; every `repair`
    /// period, push-pull anti-entropy with the tree parent and one random neighbour, sending
    /// only broadcasts held for `settle` (set it to the time the tree takes to reach
    /// everyone, so that what is merely on its way is not sent twice).
    pub fn efficient(root: NodeId, batch: Duration, repair: Duration, settle: Duration) -> Config {
        Config {
            dissemination: Dissemination::Tree(TreeSpread { root, batch }),
            anti_entropy: Some(AntiEntropy {
                direction: Direction::PushPull,
                fanout: 1,
                period: repair,
                phase: Phase::Random,
                settle,
                with_parent: true,
            }),
            ..Config::default()
        }
    }

    /// True if `bug` is switched on.
    pub fn has(&self, bug: KnownBug) -> bool {
        self.bugs.contains(&bug)
    }

    /// True if the variant promises that every correct node ends up with every broadcast
    /// once the network heals: eager reliable broadcast, or any variant with anti-entropy.
    /// Best-effort broadcast and rumor mongering alone promise no such thing (rumor
    /// mongering leaves a residue by design).
    pub fn promises_agreement(&self) -> bool {
        self.anti_entropy.is_some()
            || matches!(
                self.dissemination,
                Dissemination::Reliable | Dissemination::Tree(_)
            )
    }

    /// The same configuration restricted to `overlay`.
    pub fn with_overlay(mut self, overlay: Overlay) -> Config {
        self.overlay = overlay;
        self
    }

    /// The same configuration with a built-in workload.
    pub fn with_workload(mut self, workload: Workload) -> Config {
        self.workload = Some(workload);
        self
    }

    /// Checks every parameter against a cluster of `n` nodes and, for the tree broadcast,
    /// computes the spanning tree once so that the nodes share it instead of each building
    /// its own. The result is what the nodes are built from.
    pub fn prepare(mut self, n: u32) -> Result<Prepared, ConfigError> {
        self.validate(n)?;
        if let Dissemination::Tree(t) = &self.dissemination
            && self.overlay.tree().is_none_or(|tree| tree.root() != t.root)
        {
            self.overlay = self.overlay.clone().with_tree(t.root, n)?;
        }
        Ok(Prepared::new(self))
    }

    /// Checks every parameter against a cluster of `n` nodes.
    pub fn validate(&self, n: u32) -> Result<(), ConfigError> {
        self.overlay.validate(n)?;
        let positive = |field: &'static str, d: Duration| {
            if d == Duration::ZERO {
                Err(invalid(field, "must be longer than zero"))
            } else {
                Ok(())
            }
        };
        match &self.dissemination {
            Dissemination::Rumor(r) => {
                if r.k == 0 {
                    return Err(invalid("dissemination.k", "must be at least 1"));
                }
                if r.fanout == 0 {
                    return Err(invalid("dissemination.fanout", "must be at least 1"));
                }
                positive("dissemination.period", r.period)?;
            }
            Dissemination::Tree(t) if t.root.0 >= n => {
                return Err(invalid(
                    "dissemination.root",
                    format!("{} is not a node of a {n}-node cluster", t.root),
                ));
            }
            _ => {}
        }
        if let Some(ae) = &self.anti_entropy {
            if ae.fanout == 0 {
                return Err(invalid("anti_entropy.fanout", "must be at least 1"));
            }
            positive("anti_entropy.period", ae.period)?;
        }
        if let Some(w) = &self.workload {
            if !(w.rate.is_finite() && w.rate >= 0.0) {
                return Err(invalid(
                    "workload.rate",
                    format!("expected broadcasts per second >= 0, got {}", w.rate),
                ));
            }
            if let Some(r) = w.rate_per_node
                && !(r.is_finite() && r >= 0.0)
            {
                return Err(invalid(
                    "workload.rate_per_node",
                    format!("expected broadcasts per second >= 0, got {r}"),
                ));
            }
            if let Some(bad) = w.origins.iter().find(|o| o.0 >= n) {
                return Err(invalid(
                    "workload.origins",
                    format!("{bad} is not a node of a {n}-node cluster"),
                ));
            }
            if let Some(bad) = w.initial.iter().find(|o| o.0 >= n) {
                return Err(invalid(
                    "workload.initial",
                    format!("{bad} is not a node of a {n}-node cluster"),
                ));
            }
            if w.stop < w.start {
                return Err(invalid("workload.stop", "must not be before start"));
            }
        }
        Ok(())
    }

    /// The length of one "round" for the metrics: the rumor or anti-entropy period, or the
    /// tree's batch interval; `None` for flooding, whose rounds are hops.
    pub fn round_length(&self) -> Option<Duration> {
        match &self.dissemination {
            Dissemination::Rumor(r) => Some(r.period),
            Dissemination::Tree(t) if t.batch > Duration::ZERO => Some(t.batch),
            _ => self.anti_entropy.as_ref().map(|a| a.period),
        }
    }
}
