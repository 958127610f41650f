//! What tree-sync nodes send each other.

use crate::aggregate::Aggregate;
use serde::Serialize;
use sim_core::{Message, NodeId, Time};

/// A tree-sync message.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Msg {
    /// A round coming down the tree: the root's stamp (when it started the round), the path
    /// from the root to the sender, and the root's aggregate of the whole tree.
    Down {
        /// When the root started this round; newer rounds have larger stamps.
        stamp: Time,
        /// Root first, the sender last.
        path: Vec<NodeId>,
        /// The root's aggregate.
        global: Aggregate,
    },
    /// A child's digest for its parent: the aggregate of its subtree, and the newest round it
    /// has seen. Sent in answer to each round, and on a tick when a round is overdue; a
    /// parent that has seen a newer round answers an overdue digest with that round, so a
    /// lost `Down` costs a tick, not the link.
    Report {
        /// The subtree's aggregate.
        agg: Aggregate,
        /// The newest round the child has seen.
        stamp: Time,
    },
    /// A node without a parent asks its neighbours for one; `stamp` is the newest round it
    /// has seen.
    Probe {
        /// The prober's newest round.
        stamp: Time,
    },
    /// A node attached to the tree offers itself as parent.
    Offer {
        /// The offerer's newest round (newer than the prober's, or no offer is made).
        stamp: Time,
        /// Root first, the offerer last.
        path: Vec<NodeId>,
    },
    /// "Whatever you think links us, drop it": sent by a child that left its parent, and to a
    /// node that acts on a link the sender does not have.
    Unlink,
}

impl Message for Msg {
    fn kind(&self) -> &'static str {
        match self {
            Msg::Down { .. } => "Down",
            Msg::Report { .. } => "Report",
            Msg::Probe { .. } => "Probe",
            Msg::Offer { .. } => "Offer",
            Msg::Unlink => "Unlink",
        }
    }

    fn size(&self) -> u64 {
        const AGG: u64 = 40;
        16 + match self {
            Msg::Down { path, .. } => 8 + 4 * path.len() as u64 + AGG,
            Msg::Report { .. } => 8 + AGG,
            Msg::Probe { .. } => 8,
            Msg::Offer { path, .. } => 8 + 4 * path.len() as u64,
            Msg::Unlink => 0,
        }
    }
}
