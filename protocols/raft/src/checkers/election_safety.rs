//! Election Safety: at most one leader can be elected in a given term. The checker also keeps
//! who led which term from when, which the metrics read back.

use super::touched_server;
use crate::node::RaftNode;
use crate::server::Role;
use rsm::StateMachine;
use sim_core::{CheckView, Checker, NodeId, Time};
use std::collections::BTreeMap;

/// One election won.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Election {
    /// The term.
    pub term: u64,
    /// The winner.
    pub leader: NodeId,
    /// When it became leader.
    pub at: Time,
}

/// At most one leader per term.
#[derive(Clone, Debug, Default)]
pub struct ElectionSafety {
    leaders: BTreeMap<u64, Election>,
}

impl ElectionSafety {
    /// Every election won so far, by term.
    pub fn elections(&self) -> impl Iterator<Item = &Election> {
        self.leaders.values()
    }
}

impl<S: StateMachine> Checker<RaftNode<S>> for ElectionSafety {
    fn name(&self) -> &str {
        "Election Safety"
    }

    fn check(&mut self, view: &CheckView<'_, RaftNode<S>>) -> Result<(), String> {
        let Some((id, s)) = touched_server(view) else {
            return Ok(());
        };
        if s.role() != Role::Leader {
            return Ok(());
        }
        let term = s.term();
        match self.leaders.get(&term) {
            Some(e) if e.leader != id => Err(format!(
                "{id} and {} are both leaders of term {term} ({} since {})",
                e.leader, e.leader, e.at
            )),
            Some(_) => Ok(()),
            None => {
                self.leaders.insert(
                    term,
                    Election {
                        term,
                        leader: id,
                        at: view.time,
                    },
                );
                Ok(())
            }
        }
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}
