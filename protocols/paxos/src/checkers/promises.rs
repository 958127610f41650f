//! An acceptor's promise only grows, across restarts too.

use super::touched_server;
use crate::{Ballot, PaxosNode};
use rsm::StateMachine;
use sim_core::{CheckView, Checker};

/// Promises never decrease: an acceptor that promised ballot `b` never again holds a lower
/// promise, not even after a crash and restart (it must have synced the promise before
/// answering). A lower promise would let it accept what it promised to refuse.
#[derive(Clone, Debug, Default)]
pub struct PromisesNeverDecrease {
    highest: Vec<Ballot>,
}

impl<S: StateMachine> Checker<PaxosNode<S>> for PromisesNeverDecrease {
    fn name(&self) -> &str {
        "promises never decrease"
    }

    fn check(&mut self, view: &CheckView<'_, PaxosNode<S>>) -> Result<(), String> {
        let Some(server) = touched_server(view) else {
            return Ok(());
        };
        // A server that knows it lost its promise holds none it acts on until it settles one.
        if server.lost_promise() {
            return Ok(());
        }
        let i = server.id().index();
        if self.highest.len() <= i {
            self.highest.resize(i + 1, Ballot::ZERO);
        }
        let now = server.acceptor().promised();
        if now < self.highest[i] {
            return Err(format!(
                "{} promised {} and now holds the lower promise {now}",
                server.id(),
                self.highest[i]
            ));
        }
        self.highest[i] = now;
        Ok(())
    }
}
