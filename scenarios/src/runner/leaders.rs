//! The succession of leaders as the runner saw it, for the `old-leader` selector.

use crate::registry::Run;
use sim_core::{MarkKind, NodeId};

/// The distinct leaders seen, in order. It looks again only when a new election was won
/// (an `elected` mark), so keeping it costs a counter read per look.
#[derive(Clone, Debug, Default)]
pub(crate) struct LeaderLog {
    elections: u64,
    leaders: Vec<NodeId>,
}

impl LeaderLog {
    /// Notes the leader now, if an election was won since the last look (or none was seen
    /// yet: a protocol may start with a leader it never had to elect).
    pub(crate) fn look(&mut self, run: &dyn Run) {
        let won = run.trace().marks().get(MarkKind::Elected);
        if won == self.elections && !self.leaders.is_empty() {
            return;
        }
        self.elections = won;
        if let Some(l) = run.leader()
            && self.leaders.last() != Some(&l)
        {
            self.leaders.push(l);
        }
    }

    /// The leader before the latest one.
    pub(crate) fn old_leader(&self) -> Option<NodeId> {
        self.leaders.iter().rev().nth(1).copied()
    }
}
