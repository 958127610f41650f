//! At most one value is chosen per slot.

use super::touched_server;
use super::window::SlotWindow;
use crate::{Ballot, PaxosNode};
use rsm::StateMachine;
use sim_core::{CheckView, Checker, NodeId};

/// Who accepted what in one slot.
#[derive(Clone, Debug, Default)]
struct SlotVotes {
    /// `(ballot, digest)` and the acceptors that ever accepted it.
    votes: Vec<(Ballot, u64, Vec<NodeId>)>,
    /// The value chosen, and the ballot that chose it first.
    chosen: Option<(u64, Ballot)>,
}

/// Agreement, from a god's-eye view: a value is chosen in a slot once a phase-2 quorum of
/// acceptors has accepted it under the same ballot (whether or not anyone learnt it); two
/// different values chosen in one slot is a violation.
///
/// An acceptance counts forever, even after the acceptor moves on to a higher ballot or
/// forgets it in a crash: once a quorum accepted, some learner may have learnt the value.
#[derive(Clone, Debug, Default)]
pub struct Agreement {
    slots: SlotWindow<SlotVotes>,
}

impl<S: StateMachine> Checker<PaxosNode<S>> for Agreement {
    fn name(&self) -> &str {
        "agreement"
    }

    fn check(&mut self, view: &CheckView<'_, PaxosNode<S>>) -> Result<(), String> {
        let Some(server) = touched_server(view) else {
            return Ok(());
        };
        let q2 = server.config().q2(server.servers().len() as u32) as usize;
        let id = server.id();
        for &(slot, ballot, digest) in &server.journal().accepted {
            let s = self.slots.entry(slot);
            let i = match s
                .votes
                .iter()
                .position(|(b, d, _)| *b == ballot && *d == digest)
            {
                Some(i) => i,
                None => {
                    s.votes.push((ballot, digest, Vec::new()));
                    s.votes.len() - 1
                }
            };
            let voters = &mut s.votes[i].2;
            if !voters.contains(&id) {
                voters.push(id);
            }
            if voters.len() >= q2 {
                match s.chosen {
                    None => s.chosen = Some((digest, ballot)),
                    Some((d, b)) if d != digest => {
                        let who: Vec<String> = voters.iter().map(|n| n.to_string()).collect();
                        return Err(format!(
                            "slot {slot}: value {digest:016x} is chosen under {ballot} (accepted by {}), but value {d:016x} was chosen under {b}",
                            who.join(", ")
                        ));
                    }
                    Some(_) => {}
                }
            }
        }
        self.slots.trim();
        Ok(())
    }
}
