//! Every replica applies the same command at each slot.

use super::touched_server;
use super::window::SlotWindow;
use crate::PaxosNode;
use rsm::StateMachine;
use sim_core::{CheckView, Checker, NodeId};

/// State-machine safety: replicas that have applied `n` slots have applied the same values in
/// them. Each replica keeps a running digest of its applied prefix; the checker remembers the
/// first digest reported for each prefix length and compares every later one with it.
#[derive(Clone, Debug, Default)]
pub struct SameCommandPerSlot {
    /// The first digest reported for each prefix length, and who reported it.
    prefixes: SlotWindow<Option<(u64, NodeId)>>,
}

impl<S: StateMachine> Checker<PaxosNode<S>> for SameCommandPerSlot {
    fn name(&self) -> &str {
        "same command per slot"
    }

    fn check(&mut self, view: &CheckView<'_, PaxosNode<S>>) -> Result<(), String> {
        let Some(server) = touched_server(view) else {
            return Ok(());
        };
        let id = server.id();
        for &(n, hash) in &server.journal().applied {
            let first_seen = self.prefixes.entry(n);
            match *first_seen {
                Some((h, first)) if h != hash => {
                    return Err(format!(
                        "{id} and {first} applied different commands in the slots below {n} (prefix digests {hash:016x} and {h:016x})"
                    ));
                }
                Some(_) => {}
                None => *first_seen = Some((hash, id)),
            }
        }
        self.prefixes.trim();
        Ok(())
    }
}
