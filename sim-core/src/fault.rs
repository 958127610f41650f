//! Faults: everything that can be done *to* a cluster, applied through one API at a virtual
//! time and recorded in the trace.

use crate::network::LinkModel;
use crate::partition::PartitionSpec;
use crate::storage_fault::StorageFault;
use crate::{NodeId, SimError};
use serde::{Deserialize, Serialize};

/// One fault or repair.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "fault", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Fault {
    /// The node stops: its memory, timers and unsynced disk writes are lost; messages to it
    /// are dropped until it restarts.
    Crash {
        /// The node.
        node: NodeId,
    },
    /// The node starts again from what its disk holds. A running node is crashed first.
    Restart {
        /// The node.
        node: NodeId,
    },
    /// The node freezes with its state kept: its timers and inbound messages wait.
    Pause {
        /// The node.
        node: NodeId,
    },
    /// A paused node goes on, handling what waited in the order it arrived.
    Resume {
        /// The node.
        node: NodeId,
    },
    /// Cut links as the spec says (adds to cuts already in force).
    Partition {
        /// Which links.
        spec: PartitionSpec,
    },
    /// Restore one directed link cut by a one-way or link partition.
    HealLink {
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
    },
    /// Restore every link.
    HealAll,
    /// Change one directed link's delay, loss, duplication or bandwidth from now on.
    DegradeLink {
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
        /// The new model.
        model: LinkModel,
    },
    /// Return a degraded link to the default model, and lift any [`Fault::DegradeKinds`] on it.
    RestoreLink {
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
    },
    /// Change the model of every link without an override.
    SetDefaultLink {
        /// The new model.
        model: LinkModel,
    },
    /// Damage to the node's disk (see [`StorageFault`]).
    Storage {
        /// The node.
        node: NodeId,
        /// What happens to its disk.
        storage: StorageFault,
    },
    /// The node's clock runs `rate` times as fast as real time: a timer set for `d` fires
    /// after `d / rate` (1.0 is a correct clock; 1.1 is 10% fast).
    ClockDrift {
        /// The node.
        node: NodeId,
        /// Clock rate relative to real time, in [0.001, 1000].
        rate: f64,
    },
    /// Lift one partition in force: the latest one imposed with exactly this spec. The other
    /// partitions stay.
    HealPartition {
        /// The spec the partition was imposed with.
        spec: PartitionSpec,
    },
    /// Let one node reach, and be reached by, every node again under every partition in
    /// force; the cuts between the other nodes stay.
    Reconnect {
        /// The node.
        node: NodeId,
    },
    /// Messages of the named kinds on one directed link suffer more on top of the link's own
    /// model: the extra delay is added to the link's, the extra loss and duplication are drawn
    /// after it. `RestoreLink` lifts it.
    DegradeKinds {
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
        /// The message kinds affected, as the protocol names them (`"AppendReply"`).
        kinds: Vec<String>,
        /// The extra delay, loss and duplication (its bandwidth is not used).
        extra: LinkModel,
    },
}

/// The slowest and fastest clock rates a drift fault accepts.
pub const DRIFT_RANGE: (f64, f64) = (0.001, 1000.0);

impl Fault {
    /// Every node the fault names.
    pub fn nodes(&self) -> Vec<NodeId> {
        match self {
            Fault::Crash { node }
            | Fault::Restart { node }
            | Fault::Pause { node }
            | Fault::Resume { node }
            | Fault::ClockDrift { node, .. }
            | Fault::Storage { node, .. }
            | Fault::Reconnect { node } => vec![*node],
            Fault::Partition { spec } | Fault::HealPartition { spec } => spec.nodes(),
            Fault::HealLink { from, to }
            | Fault::DegradeLink { from, to, .. }
            | Fault::DegradeKinds { from, to, .. }
            | Fault::RestoreLink { from, to } => vec![*from, *to],
            Fault::HealAll | Fault::SetDefaultLink { .. } => Vec::new(),
        }
    }

    /// Checks node ids against the cluster size and parameters against their ranges.
    pub fn validate(&self, nodes: u32) -> Result<(), SimError> {
        for n in self.nodes() {
            if n.0 >= nodes {
                return Err(SimError::UnknownNode { node: n, nodes });
            }
        }
        match self {
            Fault::DegradeLink { model, .. } | Fault::SetDefaultLink { model } => model.validate(),
            Fault::DegradeKinds { kinds, extra, .. } => {
                if kinds.is_empty() {
                    return Err(SimError::Invalid {
                        what: "message kinds".into(),
                        why: "expected at least one kind".into(),
                    });
                }
                extra.validate()
            }
            Fault::ClockDrift { rate, .. }
                if !(rate.is_finite() && (DRIFT_RANGE.0..=DRIFT_RANGE.1).contains(rate)) =>
            {
                Err(SimError::Invalid {
                    what: "clock drift rate".into(),
                    why: format!(
                        "expected a number in [{}, {}], got {rate}",
                        DRIFT_RANGE.0, DRIFT_RANGE.1
                    ),
                })
            }
            _ => Ok(()),
        }
    }

    /// A short name for timelines and reports.
    pub fn name(&self) -> &'static str {
        match self {
            Fault::Crash { .. } => "crash",
            Fault::Restart { .. } => "restart",
            Fault::Pause { .. } => "pause",
            Fault::Resume { .. } => "resume",
            Fault::Partition { .. } => "partition",
            Fault::HealLink { .. } => "heal-link",
            Fault::HealAll => "heal-all",
            Fault::DegradeLink { .. } => "degrade-link",
            Fault::RestoreLink { .. } => "restore-link",
            Fault::SetDefaultLink { .. } => "set-default-link",
            Fault::ClockDrift { .. } => "clock-drift",
            Fault::Storage { storage, .. } => storage.name(),
            Fault::HealPartition { .. } => "heal-partition",
            Fault::Reconnect { .. } => "reconnect",
            Fault::DegradeKinds { .. } => "degrade-kinds",
        }
    }
}
