//! The sans-IO node: what a protocol implements so that the engine can drive it.

use crate::NodeId;
use crate::ctx::Ctx;
use crate::mark::{Progress, RoleClass};
use serde::Serialize;
use std::fmt::Debug;

/// A message a protocol sends. The engine needs its kind (for the trace, the metrics and the
/// front end's colours) and its size in bytes (for bandwidth and the message-size limit).
pub trait Message: Clone + Debug + Serialize + Send + Sync + 'static {
    /// A short, stable name of the message type, such as `"AppendEntries"`.
    fn kind(&self) -> &'static str;
    /// Size on the wire in bytes; the default is a small fixed header.
    fn size(&self) -> u64 {
        64
    }
    /// Whether this message tells its receiver that something is on the sender's disk (a
    /// granted vote, a promise, a successful append acknowledgement). The engine checks every
    /// such message as it is sent: one that leaves while its sender holds writes not yet
    /// synced is a violation of `durability`, since a crash could take back what it promised.
    fn promises_durability(&self) -> bool {
        false
    }
}

/// A protocol node as a deterministic state machine with no IO of its own.
///
/// # How the engine drives a node
/// 1. [`Node::start`] when the run begins, and again after every restart: the node rebuilds
///    itself from what `ctx.disk()` holds (empty on the first start) and sets its first timers.
/// 2. [`Node::on_message`] for each delivered message and [`Node::on_timer`] for each timer
///    that fires, one at a time, in the engine's event order.
/// 3. Everything a node does to the world goes through the [`Ctx`]: sends, timers, disk writes
///    and syncs, random draws from its own stream, annotations. A node never reads a clock, a
///    global random source, a thread, a socket or a file.
///
/// A node must accept any message in any state (stale, duplicated, reordered, from a node it
/// never heard of) without panicking: the network is allowed to do all of that.
pub trait Node: Clone + Send + Sync + 'static {
    /// What nodes send each other.
    type Message: Message;
    /// What a timer means to this node (an election timeout, a heartbeat, a retry).
    type Timer: Clone + Debug + Serialize + Send + Sync + 'static;
    /// The node's durable record type; see [`crate::Disk`]. Storage faults change its bytes
    /// as [`crate::Corruptible`] says.
    type Record: Clone + Debug + Send + Sync + crate::Corruptible + 'static;
    /// The node's configuration; one per node, kept by the engine for restarts.
    type Config: Clone + Send + Sync + 'static;

    /// Starts the node, fresh or recovering from its disk after a restart.
    fn start(id: NodeId, config: &Self::Config, ctx: &mut Ctx<'_, Self>) -> Self;
    /// Handles one message delivered from `from`.
    fn on_message(&mut self, from: NodeId, msg: Self::Message, ctx: &mut Ctx<'_, Self>);
    /// Handles one timer that fired.
    fn on_timer(&mut self, timer: Self::Timer, ctx: &mut Ctx<'_, Self>);
    /// A protocol-independent picture of the node for inspectors, exporters and the front end.
    fn view(&self) -> NodeView;

    /// The node's state as the model checker tells states apart (`clustersim model`).
    ///
    /// Write every field that decides what the node does from here on. Leave out what only
    /// records time (deadlines, the last contact), names timers (their ids) or counts for
    /// metrics, so that schedules that differ only in timing meet in one state. Returns false
    /// (the default) when the protocol does not define it; the model checker then refuses to
    /// run the protocol rather than merge states it cannot tell apart.
    fn model_state(&self, _state: &mut crate::model::StateHasher) -> bool {
        false
    }

    /// Which renamings of nodes this protocol's behaviour cannot tell apart, for a cluster
    /// built from `configs` (node `i` from `configs[i]`): the model checker then searches one
    /// state of each set that differs only in the names (`[model] symmetry`). Declare it only
    /// where it holds: a renamed state must behave exactly as the state would, with the names
    /// swapped. The default declares none.
    fn symmetry(_configs: &[Self::Config]) -> crate::model::Symmetry
    where
        Self: Sized,
    {
        crate::model::Symmetry::None
    }
}

/// What any front end or exporter can show about a node without knowing its protocol.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct NodeView {
    /// The node's role in the protocol's own words (`"leader"`, `"acceptor"`, `"root"`), for
    /// people. Tools read [`NodeView::class`] instead.
    pub role: String,
    /// The class of the role: what leader detection and the front end's colours read.
    pub class: RoleClass,
    /// The node's epoch (a Raft term, a Paxos ballot's round), if the protocol has epochs:
    /// among several nodes that claim to lead, the highest epoch wins.
    pub epoch: Option<u64>,
    /// The node's progress counter (commit index, chosen prefix, broadcasts delivered), if
    /// the protocol has one: what the front end charts.
    pub progress: Option<Progress>,
    /// A short label drawn next to the node (`"T4 leader"`).
    pub label: String,
    /// Key facts as name/value pairs, in display order.
    pub fields: Vec<(String, String)>,
    /// Larger structures such as a log, in display order.
    pub tables: Vec<Table>,
}

/// A table in a [`NodeView`]: a log, a slot table, a delivered set.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Table {
    /// Title of the table.
    pub name: String,
    /// Column headings.
    pub columns: Vec<String>,
    /// Rows of cells, one cell per column.
    pub rows: Vec<Vec<String>>,
    /// For each row, whether to emphasise it (a committed entry, a chosen slot).
    pub marked: Vec<bool>,
}

impl NodeView {
    /// A view with a role and a label.
    pub fn new(role: impl Into<String>, label: impl Into<String>) -> NodeView {
        NodeView {
            role: role.into(),
            label: label.into(),
            ..NodeView::default()
        }
    }

    /// Sets the role class (builder style).
    pub fn class(mut self, class: RoleClass) -> NodeView {
        self.class = class;
        self
    }

    /// Sets the epoch (builder style).
    pub fn epoch(mut self, epoch: u64) -> NodeView {
        self.epoch = Some(epoch);
        self
    }

    /// Sets the progress counter and what it counts (builder style).
    pub fn progress(mut self, what: &'static str, value: u64) -> NodeView {
        self.progress = Some(Progress { what, value });
        self
    }

    /// Adds a field (builder style).
    pub fn field(mut self, name: impl Into<String>, value: impl ToString) -> NodeView {
        self.fields.push((name.into(), value.to_string()));
        self
    }

    /// Adds a table (builder style).
    pub fn table(mut self, table: Table) -> NodeView {
        self.tables.push(table);
        self
    }

    /// The value of a field by name.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}
