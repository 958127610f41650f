//! A chosen value was proposed.

use super::touched_server;
use super::window::SlotWindow;
use crate::PaxosNode;
use rsm::StateMachine;
use sim_core::{CheckView, Checker};

/// Validity: every value an acceptor accepts in a slot — and so every value chosen there —
/// was proposed for that slot by some proposer. (Nothing invents values: not a lost disk, not
/// a duplicated message.)
#[derive(Clone, Debug, Default)]
pub struct Validity {
    proposed: SlotWindow<Vec<u64>>,
}

impl<S: StateMachine> Checker<PaxosNode<S>> for Validity {
    fn name(&self) -> &str {
        "validity"
    }

    fn check(&mut self, view: &CheckView<'_, PaxosNode<S>>) -> Result<(), String> {
        let Some(server) = touched_server(view) else {
            return Ok(());
        };
        let journal = server.journal();
        for &(slot, digest) in &journal.proposed {
            let p = self.proposed.entry(slot);
            if !p.contains(&digest) {
                p.push(digest);
            }
        }
        for &(slot, ballot, digest) in &journal.accepted {
            let known = self.proposed.get(slot).is_some_and(|p| p.contains(&digest));
            if !known && !self.proposed.forgot(slot) {
                return Err(format!(
                    "{} accepted value {digest:016x} in slot {slot} under {ballot}, but no proposer proposed it there",
                    server.id()
                ));
            }
        }
        self.proposed.trim();
        Ok(())
    }
}
