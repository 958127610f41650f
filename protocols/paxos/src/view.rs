//! The generic picture of a server for inspectors and the front end.

use crate::server::{Proposer, Server};
use rsm::StateMachine;
use sim_core::{NodeView, RoleClass, Table};

/// How many of the most recent slots the slots table shows.
const SLOT_ROWS: usize = 16;

impl<S: StateMachine> Server<S> {
    /// The server's role (`"leader"` for the distinguished proposer, `"preparing"` in phase 1,
    /// `"follower"` otherwise),
    /// its ballots, chosen prefix and proposer state, and a table of its recent slots.
    pub fn view(&self) -> NodeView {
        let promised = self.acceptor().promised();
        // The epoch is the round of the ballot the server acts under: its own while it prepares
        // or leads, the highest it promised otherwise.
        let (role, class, epoch, label, proposer) = match self.proposer() {
            Proposer::Leading(l) => (
                "leader",
                RoleClass::Leader,
                l.ballot.round,
                format!("{} leader", l.ballot),
                format!(
                    "leading {}: next slot {}, {} in flight, {} queued",
                    l.ballot,
                    l.next_slot,
                    l.in_flight.len(),
                    l.queue.len()
                ),
            ),
            Proposer::Preparing(p) => (
                "preparing",
                RoleClass::Candidate,
                p.ballot.round,
                format!("{} preparing", p.ballot),
                format!(
                    "phase 1 for {}: {} promises from slot {}",
                    p.ballot,
                    p.promises(),
                    p.from_slot
                ),
            ),
            Proposer::Follower => (
                "follower",
                RoleClass::Follower,
                promised.round,
                format!("{promised} follower"),
                "following".to_string(),
            ),
        };
        let leader = self.leader().map_or("-".to_string(), |l| l.to_string());
        let replica = self.replica();
        let mut slots = Table {
            name: "slots".into(),
            columns: ["slot", "ballot", "value", "chosen"]
                .map(String::from)
                .to_vec(),
            ..Table::default()
        };
        let acceptor = self.acceptor();
        let recent: Vec<_> = acceptor.entries().rev().take(SLOT_ROWS).collect();
        for (slot, (ballot, value)) in recent.into_iter().rev() {
            let chosen = replica.is_chosen(slot);
            slots.rows.push(vec![
                slot.to_string(),
                ballot.to_string(),
                value.to_string(),
                if chosen { "yes" } else { "" }.to_string(),
            ]);
            slots.marked.push(chosen);
        }
        let store = replica.store().table(SLOT_ROWS);
        NodeView::new(role, label)
            .class(class)
            .epoch(epoch)
            .progress("chosen prefix", replica.applied())
            .field("ballot promised", promised)
            .field("leader", leader)
            .field("proposer", proposer)
            .field("chosen prefix", replica.applied())
            .field(
                "accepted slots",
                format!(
                    "{} (last {})",
                    acceptor.entries().count(),
                    acceptor
                        .last_slot()
                        .map_or("-".to_string(), |s| s.to_string())
                ),
            )
            .field("chosen beyond prefix", replica.waiting())
            .field("snapshot", acceptor.compacted())
            .field("leaders in log", replica.leaders())
            .field("disk recovery", self.recovering().unwrap_or("-"))
            .table(slots)
            .table(store)
    }
}
