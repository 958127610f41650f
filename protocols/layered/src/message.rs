//! What layered nodes send each other.

use serde::Serialize;
use sim_core::{Message, NodeId};
use tree_sync::Summary;

/// A layered message.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Msg {
    /// A node's periodic sync with one sibling of its layer-`layer` group: the summary of the
    /// sender's block of level `layer` (its own value at layer 0, its group's aggregate one
    /// layer down above that), and the freshest global summary the sender holds, on its way
    /// down.
    Sync {
        /// The layer the sync belongs to.
        layer: u8,
        /// The sender's block summary.
        block: Summary,
        /// The sender's global summary, if it has one.
        global: Option<Summary>,
    },
    /// "I do not lead my block at this layer; this node does": the answer to a sync sent to
    /// a node that is not (or no longer) its block's leader, so that a new leader is found in
    /// one round trip instead of by trying every id of the block.
    Leader {
        /// The layer of the sync that was misdirected.
        layer: u8,
        /// Who the sender takes for its block's leader at that layer.
        leader: NodeId,
    },
}

impl Message for Msg {
    fn kind(&self) -> &'static str {
        match self {
            Msg::Sync { .. } => "Sync",
            Msg::Leader { .. } => "Leader",
        }
    }

    /// A header of 16 bytes; an aggregate is 40 bytes and its as-of time 8.
    fn size(&self) -> u64 {
        const SUMMARY: u64 = 48;
        16 + match self {
            Msg::Sync { global, .. } => {
                1 + SUMMARY + 1 + if global.is_some() { SUMMARY } else { 0 }
            }
            Msg::Leader { .. } => 1 + 4,
        }
    }
}
