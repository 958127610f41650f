//! The `[[faults]]` schedule: timed actions on selected nodes.
//!
//! ```toml
//! [[faults]]
//! at = "2s"
//! action = "crash"
//! nodes = "leader"
//!
//! [[faults]]
//! at = "3s"
//! jitter = "75ms"                      # optional: fires at a uniform time in [3s, 3.075s)
//! action = "partition"
//! groups = [[0, 1], [2, 3, 4]]
//! ```
//!
//! [`FaultEvent`] is the file's syntax: one flat table whose keys depend on the action. It is
//! read into the typed [`FaultPlan`] ([`read`]) and written back from it ([`write`]).

mod plan;
mod read;
mod targets;
mod write;

pub use plan::{
    FaultAction, FaultPlan, LinkChange, PartitionShape, PlannedFault, RecordTarget, StorageKind,
    UpGuard,
};
pub use read::FaultProblem;
pub use targets::{NotAServer, check_server};

use super::network::LatencySpec;
use super::selector::Selector;
use crate::duration::DurationStr;
use serde::{Deserialize, Serialize};
use toml::Spanned;

/// What a timed fault does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Crash `nodes`.
    Crash,
    /// Crash `nodes` for good: the heal between the phases and `all-crashed` leave them down,
    /// so a run can show what happens while a node never returns (crash-stop, not
    /// crash-recovery).
    Stop,
    /// Restart `nodes` from their disks.
    Restart,
    /// Freeze `nodes`.
    Pause,
    /// Unfreeze `nodes`.
    Resume,
    /// Let `nodes` back into every partition in force; the cuts between the other servers
    /// stay.
    Reconnect,
    /// Cut links: exactly one of `groups`, `isolate`, `one_way`, `bridge`.
    Partition,
    /// Restore every link, or with `partition = "L"` only the partition labelled `L`.
    Heal,
    /// Restore the directed links `from -> to` cut by a one-way partition.
    HealLink,
    /// Change the links `from -> to` (`latency`, `loss`, `duplicate`, `bandwidth`).
    DegradeLink,
    /// Return the links `from -> to` to the scenario's network model.
    RestoreLink,
    /// Make the clocks of `nodes` run `rate` times as fast.
    ClockDrift,
    /// Type the client `command` (`put x 1`, `get x`) into the first running client, after
    /// every event up to `at` (protocols without clients refuse it when the file is loaded).
    Submit,
    /// Change the bytes of one record on the disks of `nodes` (`record`, `index` aim it).
    Corrupt,
    /// The next write of `nodes` is acknowledged by its sync but never reaches the medium.
    LostWrite,
    /// Crash `nodes`; a sync under way persists only a prefix (needs `[cluster] disk_sync`).
    TornWrite,
    /// The next write of `nodes` lands under another record of its name.
    MisdirectedWrite,
    /// One record on the disks of `nodes` becomes unreadable (`record`, `index` aim it).
    ReadError,
    /// Rewrite one record on the disks of `nodes` with valid checksums, as an attacker would.
    Tamper,
}

impl Action {
    /// The name as written in files.
    pub fn name(self) -> &'static str {
        match self {
            Action::Crash => "crash",
            Action::Stop => "stop",
            Action::Restart => "restart",
            Action::Pause => "pause",
            Action::Resume => "resume",
            Action::Reconnect => "reconnect",
            Action::Partition => "partition",
            Action::Heal => "heal",
            Action::HealLink => "heal-link",
            Action::DegradeLink => "degrade-link",
            Action::RestoreLink => "restore-link",
            Action::ClockDrift => "clock-drift",
            Action::Submit => "submit",
            Action::Corrupt => "corrupt",
            Action::LostWrite => "lost-write",
            Action::TornWrite => "torn-write",
            Action::MisdirectedWrite => "misdirected-write",
            Action::ReadError => "read-error",
            Action::Tamper => "tamper",
        }
    }

    /// The storage fault it is, if it is one.
    pub fn storage(self) -> Option<StorageKind> {
        Some(match self {
            Action::Corrupt => StorageKind::Corrupt,
            Action::LostWrite => StorageKind::LostWrite,
            Action::TornWrite => StorageKind::TornWrite,
            Action::MisdirectedWrite => StorageKind::MisdirectedWrite,
            Action::ReadError => StorageKind::ReadError,
            Action::Tamper => StorageKind::Tamper,
            _ => return None,
        })
    }
}

/// A one-way cut: messages from `from` to `to` are blocked, the reverse still flows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OneWay {
    /// Senders that are no longer heard.
    pub from: Selector,
    /// Receivers that no longer hear them.
    pub to: Selector,
}

/// A bridge partition: `left` and everyone else cannot talk, but `node` reaches both.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bridge {
    /// One side.
    pub left: Selector,
    /// The bridge node (one node).
    pub node: Selector,
}

/// One timed fault.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultEvent {
    /// When it fires (virtual time since the start).
    pub at: Spanned<DurationStr>,
    /// What it does.
    pub action: Spanned<Action>,
    /// If set, the fault fires at `at` plus a uniform draw from `[0, jitter)` (the faults
    /// random stream, drawn once at the start of the run), e.g. a crash at a random point of
    /// a heartbeat interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jitter: Option<Spanned<DurationStr>>,
    /// A name for what this fault did, so that a later fault can select exactly the nodes it
    /// touched (`nodes = "L1"`) or heal exactly the partition it made (`partition = "L1"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Spanned<String>>,
    /// Fire only if fewer than this many servers are up at that moment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub if_up_below: Option<Spanned<u32>>,
    /// Fire only if more than this many servers are up at that moment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub if_up_above: Option<Spanned<u32>>,
    /// The nodes (crash, restart, pause, resume, clock-drift).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nodes: Option<Spanned<Selector>>,
    /// Clock rate for clock-drift (1.0 is a correct clock).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    /// Partition into these groups (nodes not listed form one more group).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<Spanned<Vec<Selector>>>,
    /// Partition: cut these nodes off from everyone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isolate: Option<Spanned<Selector>>,
    /// Partition: a one-way cut.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub one_way: Option<Spanned<OneWay>>,
    /// Partition: a bridge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bridge: Option<Spanned<Bridge>>,
    /// Senders of the links (heal-link, degrade-link, restore-link).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Spanned<Selector>>,
    /// Receivers of the links.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Spanned<Selector>>,
    /// New delay of degraded links.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<LatencySpec>,
    /// New loss of degraded links.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss: Option<f64>,
    /// New duplication of degraded links.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate: Option<f64>,
    /// New bandwidth of degraded links.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bandwidth: Option<u64>,
    /// Degrade only messages of these kinds: `latency` is then an extra delay on top of the
    /// link's own, `loss` and `duplicate` extra chances after the link's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kinds: Option<Spanned<Vec<String>>>,
    /// Heal: only the partition made by the fault with this label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<Spanned<String>>,
    /// The client command of a submit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<Spanned<String>>,
    /// The name of the records a storage fault aims at (`"log"`, `"block"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<Spanned<String>>,
    /// The index of the record a storage fault aims at (with `record`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<Spanned<u64>>,
}

impl FaultEvent {
    /// A fault with only its time and action set. Code that builds a whole fault uses
    /// [`FaultEvent::of`], which sets exactly the keys of its action.
    pub fn new(at: DurationStr, action: Action) -> FaultEvent {
        FaultEvent {
            at: Spanned::new(0..0, at),
            action: Spanned::new(0..0, action),
            jitter: None,
            label: None,
            if_up_below: None,
            if_up_above: None,
            nodes: None,
            rate: None,
            groups: None,
            isolate: None,
            one_way: None,
            bridge: None,
            from: None,
            to: None,
            latency: None,
            loss: None,
            duplicate: None,
            bandwidth: None,
            kinds: None,
            partition: None,
            command: None,
            record: None,
            index: None,
        }
    }

    /// The keys that are set, for checking them against the action.
    pub(crate) fn keys_set(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        let mut add = |set: bool, k| {
            if set {
                v.push(k)
            }
        };
        add(self.nodes.is_some(), "nodes");
        add(self.rate.is_some(), "rate");
        add(self.groups.is_some(), "groups");
        add(self.isolate.is_some(), "isolate");
        add(self.one_way.is_some(), "one_way");
        add(self.bridge.is_some(), "bridge");
        add(self.from.is_some(), "from");
        add(self.to.is_some(), "to");
        add(self.latency.is_some(), "latency");
        add(self.loss.is_some(), "loss");
        add(self.duplicate.is_some(), "duplicate");
        add(self.bandwidth.is_some(), "bandwidth");
        add(self.kinds.is_some(), "kinds");
        add(self.partition.is_some(), "partition");
        add(self.command.is_some(), "command");
        add(self.record.is_some(), "record");
        add(self.index.is_some(), "index");
        v
    }

    /// Every selector in the fault with its span, for validation.
    pub(crate) fn selectors(&self) -> Vec<(&Selector, std::ops::Range<usize>)> {
        let mut v = Vec::new();
        for s in [&self.nodes, &self.isolate, &self.from, &self.to]
            .into_iter()
            .flatten()
        {
            v.push((s.get_ref(), s.span()));
        }
        if let Some(g) = &self.groups {
            for s in g.get_ref() {
                v.push((s, g.span()));
            }
        }
        if let Some(o) = &self.one_way {
            v.push((&o.get_ref().from, o.span()));
            v.push((&o.get_ref().to, o.span()));
        }
        if let Some(b) = &self.bridge {
            v.push((&b.get_ref().left, b.span()));
            v.push((&b.get_ref().node, b.span()));
        }
        v
    }
}
