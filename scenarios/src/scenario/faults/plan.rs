//! The fault schedule as the runner plays it: one variant per action, holding exactly that
//! action's fields, so that code acting on a fault never asks which optional keys are set.
//!
//! A file writes a fault as the flat [`super::FaultEvent`]; [`PlannedFault::from_event`] (in
//! `read.rs`) turns it into a [`PlannedFault`], and [`super::FaultEvent::of`] (in `write.rs`)
//! turns one back, so that code that builds faults names each field once.

use super::{Action, Bridge, OneWay};
use crate::duration::DurationStr;
use crate::scenario::{LatencySpec, LinkPatch, Selector};

/// One timed fault, as the runner schedules and resolves it.
#[derive(Clone, Debug, PartialEq)]
pub struct PlannedFault {
    /// When it fires (virtual time since the start).
    pub at: DurationStr,
    /// The fault fires at `at` plus a uniform draw from `[0, jitter)` of the faults stream;
    /// `None` draws nothing, so that files without jitter keep their fingerprints.
    pub jitter: Option<DurationStr>,
    /// What it does, with exactly the fields that action reads.
    pub action: FaultAction,
    /// Its label, naming what it did for later faults.
    pub label: Option<String>,
    /// When it fires at all.
    pub guard: UpGuard,
}

/// A condition on how many servers are up when a fault is due: a fault whose condition
/// fails is skipped (and noted). Both bounds are strict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UpGuard {
    /// Fire only if fewer servers than this are up.
    pub below: Option<u32>,
    /// Fire only if more servers than this are up.
    pub above: Option<u32>,
}

impl UpGuard {
    /// Whether a fault may fire with `up` servers up.
    pub fn admits(&self, up: u32) -> bool {
        self.below.is_none_or(|b| up < b) && self.above.is_none_or(|a| up > a)
    }
}

/// A kind of storage fault, as files name them; the runner draws what each strike hits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum StorageKind {
    /// A record's bytes change.
    Corrupt,
    /// The next write never reaches the medium.
    LostWrite,
    /// A crash tears the sync under way.
    TornWrite,
    /// The next write lands under another record.
    MisdirectedWrite,
    /// A record becomes unreadable.
    ReadError,
    /// A record is rewritten with valid checksums.
    Tamper,
}

impl StorageKind {
    /// Whether it aims at a stored record (and so takes `record` and `index`).
    pub fn aims(self) -> bool {
        matches!(
            self,
            StorageKind::Corrupt | StorageKind::ReadError | StorageKind::Tamper
        )
    }
}

/// Which record a storage fault aims at; a drawn one where the file leaves it open.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordTarget {
    /// Records of this name only.
    pub record: Option<String>,
    /// Exactly this index (with `record`).
    pub index: Option<u64>,
}

/// What a timed fault does. Selectors stay rules here: they are resolved when the fault
/// fires (`leader` is whoever leads then).
#[derive(Clone, Debug, PartialEq)]
pub enum FaultAction {
    /// Crash the nodes (memory lost, unsynced writes lost).
    Crash {
        /// The nodes to crash.
        nodes: Selector,
    },
    /// Damage the disks of the nodes.
    Storage {
        /// The nodes whose disks are hit.
        nodes: Selector,
        /// What happens to them.
        kind: StorageKind,
        /// The record aimed at, for the kinds that aim.
        target: RecordTarget,
    },
    /// Crash the nodes for good: the heal and `all-crashed` leave them down.
    Stop {
        /// The nodes to stop.
        nodes: Selector,
    },
    /// Restart the nodes from their disks.
    Restart {
        /// The nodes to restart.
        nodes: Selector,
    },
    /// Freeze the nodes, keeping their state.
    Pause {
        /// The nodes to freeze.
        nodes: Selector,
    },
    /// Unfreeze the nodes.
    Resume {
        /// The nodes to unfreeze.
        nodes: Selector,
    },
    /// Let the nodes back into every partition in force.
    Reconnect {
        /// The nodes to let back.
        nodes: Selector,
    },
    /// Lift the partitions made by the fault with this label, and no other.
    HealPartition {
        /// The label.
        label: String,
    },
    /// Cut links in one of four shapes.
    Partition(PartitionShape),
    /// Restore every cut link.
    Heal,
    /// Restore the directed links `from -> to` cut by a one-way partition.
    HealLink {
        /// Senders.
        from: Selector,
        /// Receivers.
        to: Selector,
    },
    /// Change the directed links `from -> to`.
    DegradeLink {
        /// Senders.
        from: Selector,
        /// Receivers.
        to: Selector,
        /// What changes on those links.
        change: LinkChange,
    },
    /// Return the directed links `from -> to` to the scenario's network model.
    RestoreLink {
        /// Senders.
        from: Selector,
        /// Receivers.
        to: Selector,
    },
    /// Make the nodes' clocks run `rate` times as fast.
    ClockDrift {
        /// The nodes whose clocks drift.
        nodes: Selector,
        /// 1.0 is a correct clock.
        rate: f64,
    },
    /// Type a client command into the first running client.
    Submit {
        /// The command as typed (`put x 1`).
        command: String,
    },
}

/// How a partition cuts the servers; a file names exactly one shape per partition.
#[derive(Clone, Debug, PartialEq)]
pub enum PartitionShape {
    /// These groups cannot talk to each other (the servers not listed form one more group).
    Groups(Vec<Selector>),
    /// Cut each selected node off from everyone.
    Isolate(Selector),
    /// Messages from `from` to `to` are blocked, the reverse still flows.
    OneWay(OneWay),
    /// `left` and the rest cannot talk, but the bridge node reaches both.
    Bridge(Bridge),
}

/// The new values of degraded links: what is `None` stays as the link has it in the
/// scenario's network, so that a file can change the loss alone.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LinkChange {
    /// New delay.
    pub latency: Option<LatencySpec>,
    /// New loss probability.
    pub loss: Option<f64>,
    /// New duplication probability.
    pub duplicate: Option<f64>,
    /// New bandwidth in bytes per second.
    pub bandwidth: Option<u64>,
    /// Only messages of these kinds, and then the values are extra (empty: every message,
    /// and the values replace the link's).
    pub kinds: Vec<String>,
}

impl LinkChange {
    /// The change as a patch over a link's model.
    pub(crate) fn patch(&self) -> LinkPatch<'_> {
        LinkPatch {
            latency: &self.latency,
            loss: self.loss,
            duplicate: self.duplicate,
            bandwidth: self.bandwidth,
        }
    }
}

impl FaultAction {
    /// The action's name in files and reports, and the class of nodes `random` picks from.
    pub fn kind(&self) -> Action {
        match self {
            FaultAction::Crash { .. } => Action::Crash,
            FaultAction::Stop { .. } => Action::Stop,
            FaultAction::Storage { kind, .. } => match kind {
                StorageKind::Corrupt => Action::Corrupt,
                StorageKind::LostWrite => Action::LostWrite,
                StorageKind::TornWrite => Action::TornWrite,
                StorageKind::MisdirectedWrite => Action::MisdirectedWrite,
                StorageKind::ReadError => Action::ReadError,
                StorageKind::Tamper => Action::Tamper,
            },
            FaultAction::Restart { .. } => Action::Restart,
            FaultAction::Pause { .. } => Action::Pause,
            FaultAction::Resume { .. } => Action::Resume,
            FaultAction::Reconnect { .. } => Action::Reconnect,
            FaultAction::HealPartition { .. } => Action::Heal,
            FaultAction::Partition(_) => Action::Partition,
            FaultAction::Heal => Action::Heal,
            FaultAction::HealLink { .. } => Action::HealLink,
            FaultAction::DegradeLink { .. } => Action::DegradeLink,
            FaultAction::RestoreLink { .. } => Action::RestoreLink,
            FaultAction::ClockDrift { .. } => Action::ClockDrift,
            FaultAction::Submit { .. } => Action::Submit,
        }
    }

    /// This action at time `at`, without jitter: how code builds a fault.
    pub fn at(self, at: DurationStr) -> PlannedFault {
        PlannedFault {
            at,
            jitter: None,
            action: self,
            label: None,
            guard: UpGuard::default(),
        }
    }

    /// Every selector of the action in the order the file writes them, so that reports name
    /// the rules that picked the nodes (`crash n2 (leader)`).
    pub fn selectors(&self) -> Vec<&Selector> {
        match self {
            FaultAction::Crash { nodes }
            | FaultAction::Storage { nodes, .. }
            | FaultAction::Stop { nodes }
            | FaultAction::Restart { nodes }
            | FaultAction::Pause { nodes }
            | FaultAction::Resume { nodes }
            | FaultAction::Reconnect { nodes }
            | FaultAction::ClockDrift { nodes, .. } => vec![nodes],
            FaultAction::Partition(PartitionShape::Groups(groups)) => groups.iter().collect(),
            FaultAction::Partition(PartitionShape::Isolate(nodes)) => vec![nodes],
            FaultAction::Partition(PartitionShape::OneWay(o)) => vec![&o.from, &o.to],
            FaultAction::Partition(PartitionShape::Bridge(b)) => vec![&b.left, &b.node],
            FaultAction::HealLink { from, to }
            | FaultAction::DegradeLink { from, to, .. }
            | FaultAction::RestoreLink { from, to } => vec![from, to],
            FaultAction::Heal | FaultAction::HealPartition { .. } | FaultAction::Submit { .. } => {
                Vec::new()
            }
        }
    }
}

/// A scenario's timed faults, typed, in file order: the file order breaks ties between faults
/// at one time, and agenda items name faults by their index here.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FaultPlan {
    faults: Vec<PlannedFault>,
}

impl FaultPlan {
    /// Adds a fault after the others (a live session records its actions this way).
    pub fn push(&mut self, fault: PlannedFault) {
        self.faults.push(fault);
    }

    /// The faults in file order.
    pub fn faults(&self) -> &[PlannedFault] {
        &self.faults
    }
}

impl std::ops::Index<usize> for FaultPlan {
    type Output = PlannedFault;

    /// Fault number `i`, as agenda items name it (an index the plan gave out).
    fn index(&self, i: usize) -> &PlannedFault {
        &self.faults[i]
    }
}
