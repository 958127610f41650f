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

/// Whether server `node` reaches a majority of the servers (itself included) both ways
/// through the partitions in force: a leader that does not can commit nothing.
pub(crate) fn reaches_majority(run: &dyn Run, node: u32) -> bool {
    let n = run.server_count();
    let reach = (0..n)
        .filter(|&b| {
            node == b
                || !(run.link_cut(NodeId(node), NodeId(b)) || run.link_cut(NodeId(b), NodeId(node)))
        })
        .count() as u32;
    reach > n / 2
}

/// The leader that can lead: the running server whose view says it leads (the highest epoch
/// if several do) among those that reach a majority. A leader cut off from the others, that
/// has not noticed yet, does not count.
pub(crate) fn leader_in_touch(run: &dyn Run) -> Option<NodeId> {
    let leader = run.leader()?;
    if reaches_majority(run, leader.0) {
        return Some(leader);
    }
    let statuses = run.statuses();
    let mut best: Option<(u64, NodeId)> = None;
    for i in 0..run.server_count() {
        if statuses.get(i as usize) != Some(&sim_core::NodeStatus::Up) || !reaches_majority(run, i)
        {
            continue;
        }
        let Some(view) = run.view(NodeId(i)) else {
            continue;
        };
        if view.class != sim_core::RoleClass::Leader {
            continue;
        }
        let epoch = view.epoch.unwrap_or(0);
        if best.is_none_or(|(e, _)| epoch > e) {
            best = Some((epoch, NodeId(i)));
        }
    }
    best.map(|(_, id)| id)
}
