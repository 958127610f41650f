//! What tree-sync nodes send each other.

use crate::summary::Summary;
use serde::Serialize;
use sim_core::{Message, NodeId, Time};
use std::cmp::Ordering;

/// A round: which root started it, and when. Carried by rounds and offers so that a node can
/// tell two trees apart and prefer the one under the lower root.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Round {
    /// The node that started the round.
    pub root: NodeId,
    /// When (on the simulation's clock) the root started it; one root's rounds have
    /// increasing stamps.
    pub stamp: Time,
}

impl Round {
    /// Orders rounds by preference: a lower root first, then (same root) a newer stamp.
    /// `Greater` means `self` is preferred to `other`.
    pub fn preference(&self, other: &Round) -> Ordering {
        other
            .root
            .cmp(&self.root)
            .then(self.stamp.cmp(&other.stamp))
    }

    /// True if `self` is strictly preferred to `other`.
    pub fn beats(&self, other: &Round) -> bool {
        self.preference(other) == Ordering::Greater
    }
}

/// A tree-sync message.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Msg {
    /// A round coming down the tree: the round, the path from its root to the sender, and
    /// the root's aggregate of the whole tree.
    Down {
        /// The round (its root and stamp).
        round: Round,
        /// Root first, the sender last.
        path: Vec<NodeId>,
        /// The root's aggregate, with the time its oldest value was read.
        global: Summary,
        /// The lowest root id the sender has heard of, so that a tree learns that a better
        /// root exists somewhere and starts looking for it.
        lowest: NodeId,
    },
    /// A child's digest for its parent: the aggregate of its subtree, and the newest round it
    /// has seen. Sent in answer to each round, and on a tick when a round is overdue; a
    /// parent that has seen a newer round answers an overdue digest with that round, so a
    /// lost `Down` costs a tick, not the link.
    Report {
        /// The subtree's aggregate, with the time its oldest value was read.
        agg: Summary,
        /// The newest round the child has seen (`None` before its first).
        round: Option<Round>,
        /// The lowest root id the child has heard of (climbs to the root).
        lowest: NodeId,
    },
    /// A node asks its neighbours for a parent: sent on every tick by a node without one,
    /// and by a node in a tree whose root is not the lowest id it has heard of.
    Probe {
        /// The prober's round (`None` before its first).
        round: Option<Round>,
        /// The lowest root id the prober has heard of.
        lowest: NodeId,
        /// True if the prober is in a tree (has a parent or acts as root): it then takes
        /// only an offer of a lower root than its own.
        attached: bool,
    },
    /// A node in a tree offers itself as parent.
    Offer {
        /// The offerer's round (preferred to the prober's, or no offer is made).
        round: Round,
        /// Root first, the offerer last.
        path: Vec<NodeId>,
    },
    /// "Whatever you think links us, drop it": sent by a child that left its parent, and to a
    /// node that acts on a link the sender does not have.
    Unlink {
        /// The lowest root id the sender has heard of: a child that left for a better root
        /// tells the tree it left.
        lowest: NodeId,
    },
}

impl Message for Msg {
    fn kind(&self) -> &'static str {
        match self {
            Msg::Down { .. } => "Down",
            Msg::Report { .. } => "Report",
            Msg::Probe { .. } => "Probe",
            Msg::Offer { .. } => "Offer",
            Msg::Unlink { .. } => "Unlink",
        }
    }

    fn size(&self) -> u64 {
        // An aggregate is 40 bytes and its as-of time 8.
        const AGG: u64 = 48;
        const ROUND: u64 = 12;
        16 + match self {
            Msg::Down { path, .. } => ROUND + 4 + 4 * path.len() as u64 + AGG,
            Msg::Report { .. } => ROUND + 4 + AGG,
            Msg::Probe { .. } => ROUND + 5,
            Msg::Offer { path, .. } => ROUND + 4 * path.len() as u64,
            Msg::Unlink { .. } => 4,
        }
    }
}
