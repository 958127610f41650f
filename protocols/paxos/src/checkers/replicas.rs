//! Every replica applies the same command at each slot.

use super::{MAX_TRACKED_SLOTS, touched_server};
use crate::PaxosNode;
use rsm::StateMachine;
use sim_core::{CheckView, Checker, NodeId};
use std::collections::BTreeMap;

/// State-machine safety: replicas that have applied `n` slots have applied the same values in
/// them. Each replica keeps a running digest of its applied prefix; the checker remembers the
/// first digest reported for each prefix length and compares every later one with it.
#[derive(Clone, Debug, Default)]
pub struct SameCommandPerSlot {
    prefixes: BTreeMap<u64, (u64, NodeId)>,
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
            match self.prefixes.get(&n) {
                Some(&(h, first)) if h != hash => {
                    return Err(format!(
                        "{id} and {first} applied different commands in the slots below {n} (prefix digests {hash:016x} and {h:016x})"
                    ));
                }
                Some(_) => {}
                None => {
                    self.prefixes.insert(n, (hash, id));
                }
            }
        }
        while self.prefixes.len() > MAX_TRACKED_SLOTS {
            self.prefixes.pop_first();
        }
        Ok(())
    }
}
