//! Trace records as they appear in memory and in JSON Lines files.

use crate::fault::Fault;
use crate::mark::Mark;
use crate::network::DropReason;
use crate::{MessageId, NodeId, Time, TimerId};
use serde::{Deserialize, Serialize};

/// One line of the trace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TraceRecord {
    /// Position in the trace, from 0.
    #[serde(rename = "i")]
    pub index: u64,
    /// Virtual time of the event, in nanoseconds.
    #[serde(rename = "t")]
    pub time: Time,
    /// What happened.
    #[serde(flatten)]
    pub event: TraceEvent,
}

/// What happened at one point of a run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum TraceEvent {
    /// A node started; incarnation 0 is the first start, each restart adds one.
    Start {
        /// The node.
        node: NodeId,
        /// How many times it has been started before.
        incarnation: u32,
    },
    /// A node sent a message. `due` is when it will arrive (absent if the network dropped it
    /// at once; a `drop` record follows); `dup_due` when a duplicate will arrive.
    Send {
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
        /// Message number.
        msg: MessageId,
        /// Message kind.
        kind: String,
        /// Size in bytes.
        size: u64,
        /// Arrival time.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        due: Option<Time>,
        /// Arrival time of a duplicate.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dup_due: Option<Time>,
        /// The message itself.
        payload: serde_json::Value,
    },
    /// A message was handed to its receiver.
    Deliver {
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
        /// Message number.
        msg: MessageId,
        /// Message kind.
        kind: String,
    },
    /// A message did not arrive.
    Drop {
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
        /// Message number.
        msg: MessageId,
        /// Message kind.
        kind: String,
        /// Why.
        reason: DropReason,
    },
    /// A timer fired.
    Timer {
        /// The node.
        node: NodeId,
        /// Which timer.
        timer: TimerId,
        /// What it means to the node.
        payload: serde_json::Value,
    },
    /// A fault was applied.
    Fault {
        /// The fault.
        fault: Fault,
        /// What it did.
        detail: String,
    },
    /// A remark by a node ("became leader in term 4") or by the harness (no node).
    Annotate {
        /// The node, if a node made it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        node: Option<NodeId>,
        /// The remark.
        text: String,
    },
    /// A node recorded a typed milestone ([`crate::Ctx::mark`]). Not part of the
    /// fingerprint: its `index` is that of the event the node was handling, and `number`
    /// counts marks from 0 in the run.
    Mark {
        /// The node.
        node: NodeId,
        /// The mark's position among the run's marks.
        number: u64,
        /// What happened.
        #[serde(flatten)]
        mark: Mark,
    },
}

/// A payload as JSON; a payload JSON cannot express becomes its `Debug` text.
pub(crate) fn to_json<T: Serialize + std::fmt::Debug>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_else(|_| serde_json::Value::String(format!("{value:?}")))
}
