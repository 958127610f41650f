//! What broadcast nodes send each other.

use crate::id::{ITEM_BYTES, Item, MsgId};
use crate::seen::Digest;
use serde::{Deserialize, Serialize};
use sim_core::Message;

/// Which way anti-entropy moves updates between the node that starts an exchange and its
/// partner (Demers et al. 1987).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    /// The starter gives its partner what the partner lacks.
    Push,
    /// The starter takes from its partner what it lacks.
    Pull,
    /// Both.
    #[default]
    PushPull,
}

impl Direction {
    /// True if updates flow from the starter to its partner.
    pub fn pushes(self) -> bool {
        matches!(self, Direction::Push | Direction::PushPull)
    }
    /// True if updates flow from the partner to the starter.
    pub fn pulls(self) -> bool {
        matches!(self, Direction::Pull | Direction::PushPull)
    }
}

/// A broadcast protocol message.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Msg {
    /// One broadcast sent directly (best-effort) or relayed (reliable).
    Flood {
        /// The broadcast.
        item: Item,
    },
    /// Broadcasts batched along the spanning tree.
    Batch {
        /// The broadcasts.
        items: Vec<Item>,
    },
    /// Hot rumors pushed by a rumor-mongering node.
    Rumor {
        /// The rumors.
        items: Vec<Item>,
    },
    /// The answer to a rumor push: which of its rumors the receiver already knew, so the
    /// sender can lose interest, and (when counters reset) which were news to it. Feedback
    /// variants only; not sent when there is nothing to tell.
    Feedback {
        /// Rumors the receiver knew before.
        known: Vec<MsgId>,
        /// Rumors the push told the receiver (listed only when counters reset).
        useful: Vec<MsgId>,
    },
    /// Opens an anti-entropy exchange: the starter's digest and which way updates flow.
    Digest {
        /// Everything the starter has seen.
        seen: Digest,
        /// Of those, the ones received too recently to be asked for (sorted): they may still
        /// be on their way to the partner by the normal path.
        fresh: Vec<MsgId>,
        /// Push, pull or both.
        direction: Direction,
    },
    /// The partner's answer: what the starter lacks (pull), and what the partner wants
    /// (push). Not sent when both are empty.
    Reply {
        /// Broadcasts the starter lacks.
        items: Vec<Item>,
        /// Ids the partner lacks and asks for.
        want: Vec<MsgId>,
    },
    /// The starter's answer to `want`: the broadcasts asked for.
    Repair {
        /// The broadcasts.
        items: Vec<Item>,
    },
}

/// Bytes of a message's header (kind, lengths).
const HEADER_BYTES: u64 = 16;

impl Message for Msg {
    fn kind(&self) -> &'static str {
        match self {
            Msg::Flood { .. } => "Flood",
            Msg::Batch { .. } => "Batch",
            Msg::Rumor { .. } => "Rumor",
            Msg::Feedback { .. } => "Feedback",
            Msg::Digest { .. } => "Digest",
            Msg::Reply { .. } => "Reply",
            Msg::Repair { .. } => "Repair",
        }
    }

    fn size(&self) -> u64 {
        let items = |n: usize| n as u64 * ITEM_BYTES;
        let ids = |n: usize| n as u64 * 12;
        HEADER_BYTES
            + match self {
                Msg::Flood { .. } => ITEM_BYTES,
                Msg::Batch { items: i } | Msg::Rumor { items: i } | Msg::Repair { items: i } => {
                    items(i.len())
                }
                Msg::Feedback { known, useful } => ids(known.len() + useful.len()),
                Msg::Digest { seen, fresh, .. } => seen.wire_bytes() + ids(fresh.len()),
                Msg::Reply { items: i, want } => items(i.len()) + ids(want.len()),
            }
    }
}

impl Msg {
    /// True if the message carries broadcasts (an "update message" in Demers' accounting).
    pub fn carries_updates(&self) -> bool {
        match self {
            Msg::Flood { .. } => true,
            Msg::Batch { items } | Msg::Rumor { items } | Msg::Repair { items } => {
                !items.is_empty()
            }
            Msg::Reply { items, .. } => !items.is_empty(),
            Msg::Feedback { .. } | Msg::Digest { .. } => false,
        }
    }
}
