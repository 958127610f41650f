//! Typed milestones and role classes: what tools read instead of a protocol's words.
//!
//! A protocol's remarks ("became leader in term 4") and role names ("leader", "distinguished
//! proposer") are for people. The runner's leader detection, the front end's colours and
//! timeline, and explore's coverage read the typed forms here instead, so renaming a role or
//! rewording a remark cannot break them silently.

use crate::NodeId;
use serde::{Deserialize, Serialize};

/// The class a node's role falls in, whatever the protocol calls it.
///
/// Leader detection (`leader_within`, failover, the `leader` selector) looks for
/// [`RoleClass::Leader`]; the front end colours nodes by class.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum RoleClass {
    /// Leads the others: a Raft leader, a Multi-Paxos distinguished proposer that holds a
    /// ballot, a tree's root.
    Leader,
    /// Trying to become leader: a Raft candidate, a proposer in phase 1.
    Candidate,
    /// Asking whether it could win before it tries, disturbing nobody: a Raft pre-candidate
    /// (PreVote). Told apart from a candidate because only a candidate bumps the term.
    PreCandidate,
    /// Follows a leader, or serves without leading (an acceptor, a tree's inner node).
    Follower,
    /// Sends requests to the servers and records what it was told.
    Client,
    /// Anything else (a peer in a leaderless protocol).
    #[default]
    Other,
}

impl RoleClass {
    /// Every class, in the order tools list them.
    pub const ALL: [RoleClass; 6] = [
        RoleClass::Leader,
        RoleClass::Candidate,
        RoleClass::PreCandidate,
        RoleClass::Follower,
        RoleClass::Client,
        RoleClass::Other,
    ];

    /// A stable lowercase name, for legends and exports.
    pub fn name(self) -> &'static str {
        match self {
            RoleClass::Leader => "leader",
            RoleClass::Candidate => "candidate",
            RoleClass::PreCandidate => "pre-candidate",
            RoleClass::Follower => "follower",
            RoleClass::Client => "client",
            RoleClass::Other => "other",
        }
    }
}

/// A counter that only grows while a protocol makes progress, with what it counts (for
/// people: `"commit index"`, `"chosen prefix"`, `"delivered"`).
///
/// The front end charts it; it is typed so that no tool has to guess which view field
/// measures progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// What is counted, for labels.
    pub what: &'static str,
    /// The count.
    pub value: u64,
}

/// A protocol milestone, recorded with [`crate::Ctx::mark`].
///
/// Marks are written to the trace (as `TraceEvent::Mark`) and counted by the simulation, but
/// they are observations, not events: they are not folded into the fingerprint, so adding one
/// to a protocol changes no recorded run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mark", rename_all = "kebab-case")]
pub enum Mark {
    /// The node became leader of `epoch` (a Raft term, a ballot, a tree round's root).
    Elected {
        /// The term or ballot it leads.
        epoch: u64,
    },
    /// The node stopped leading `epoch`.
    SteppedDown {
        /// The term or ballot it led.
        epoch: u64,
    },
    /// The node learned that everything up to `index` is committed (chosen, decided).
    Committed {
        /// The new commit index or chosen prefix.
        index: u64,
    },
    /// The node delivered a broadcast message to its application.
    Delivered {
        /// How many it has delivered in this incarnation.
        count: u64,
    },
    /// The node replaced its state by a snapshot up to `index`.
    Snapshot {
        /// The last index the snapshot covers.
        index: u64,
    },
    /// The node attached to `parent` in a tree (or became a root when `parent` is itself).
    Joined {
        /// Its new parent.
        parent: NodeId,
    },
    /// The node saw a round complete over the whole structure (a tree's aggregate reached the
    /// root, or the root's result reached this node).
    Converged {
        /// The round.
        round: u64,
    },
}

/// The kind of a [`Mark`], without its data: what coverage counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MarkKind {
    /// [`Mark::Elected`].
    Elected,
    /// [`Mark::SteppedDown`].
    SteppedDown,
    /// [`Mark::Committed`].
    Committed,
    /// [`Mark::Delivered`].
    Delivered,
    /// [`Mark::Snapshot`].
    Snapshot,
    /// [`Mark::Joined`].
    Joined,
    /// [`Mark::Converged`].
    Converged,
}

impl MarkKind {
    /// Every kind, in a fixed order (the order of [`MarkCounts`]).
    pub const ALL: [MarkKind; 7] = [
        MarkKind::Elected,
        MarkKind::SteppedDown,
        MarkKind::Committed,
        MarkKind::Delivered,
        MarkKind::Snapshot,
        MarkKind::Joined,
        MarkKind::Converged,
    ];

    /// A stable lowercase name, for reports and scenario files.
    pub fn name(self) -> &'static str {
        match self {
            MarkKind::Elected => "elected",
            MarkKind::SteppedDown => "stepped-down",
            MarkKind::Committed => "committed",
            MarkKind::Delivered => "delivered",
            MarkKind::Snapshot => "snapshot",
            MarkKind::Joined => "joined",
            MarkKind::Converged => "converged",
        }
    }

    /// The kind named `name` (as [`MarkKind::name`] writes it).
    pub fn from_name(name: &str) -> Option<MarkKind> {
        MarkKind::ALL.into_iter().find(|k| k.name() == name)
    }

    fn slot(self) -> usize {
        self as usize
    }
}

impl Mark {
    /// This mark's kind.
    pub fn kind(&self) -> MarkKind {
        match self {
            Mark::Elected { .. } => MarkKind::Elected,
            Mark::SteppedDown { .. } => MarkKind::SteppedDown,
            Mark::Committed { .. } => MarkKind::Committed,
            Mark::Delivered { .. } => MarkKind::Delivered,
            Mark::Snapshot { .. } => MarkKind::Snapshot,
            Mark::Joined { .. } => MarkKind::Joined,
            Mark::Converged { .. } => MarkKind::Converged,
        }
    }
}

impl std::fmt::Display for Mark {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mark::Elected { epoch } => write!(f, "elected in epoch {epoch}"),
            Mark::SteppedDown { epoch } => write!(f, "stepped down in epoch {epoch}"),
            Mark::Committed { index } => write!(f, "committed through {index}"),
            Mark::Delivered { count } => write!(f, "delivered {count}"),
            Mark::Snapshot { index } => write!(f, "snapshot through {index}"),
            Mark::Joined { parent } => write!(f, "joined {parent}"),
            Mark::Converged { round } => write!(f, "round {round} converged"),
        }
    }
}

/// How many marks of each kind a run has recorded: what explore's coverage sums over seeds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MarkCounts([u64; MarkKind::ALL.len()]);

impl MarkCounts {
    /// Counts one mark.
    #[inline]
    pub fn add(&mut self, kind: MarkKind) {
        self.0[kind.slot()] += 1;
    }

    /// How many marks of `kind` were recorded.
    pub fn get(&self, kind: MarkKind) -> u64 {
        self.0[kind.slot()]
    }

    /// The kinds with at least one mark, with their counts, in [`MarkKind::ALL`] order.
    pub fn reached(&self) -> impl Iterator<Item = (MarkKind, u64)> + '_ {
        MarkKind::ALL
            .into_iter()
            .map(|k| (k, self.get(k)))
            .filter(|&(_, n)| n > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_names_and_slots_are_distinct() {
        let mut counts = MarkCounts::default();
        for (i, k) in MarkKind::ALL.into_iter().enumerate() {
            assert_eq!(MarkKind::from_name(k.name()), Some(k));
            assert_eq!(k.slot(), i, "ALL is in declaration order");
            for _ in 0..=i {
                counts.add(k);
            }
        }
        for (i, k) in MarkKind::ALL.into_iter().enumerate() {
            assert_eq!(counts.get(k), i as u64 + 1);
        }
        assert_eq!(MarkKind::from_name("leader"), None);
    }

    #[test]
    fn a_mark_knows_its_kind_and_serializes_tagged() {
        let m = Mark::Elected { epoch: 4 };
        assert_eq!(m.kind(), MarkKind::Elected);
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"mark":"elected","epoch":4}"#);
        let back: Mark = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
        assert_eq!(
            Mark::Joined { parent: NodeId(2) }.kind(),
            MarkKind::Joined,
            "each variant maps to its own kind"
        );
    }
}
