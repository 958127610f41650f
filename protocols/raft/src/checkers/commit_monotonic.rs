//! A server's commit index never decreases while it runs (it is volatile, so a restart starts
//! it again from the snapshot).

use super::{slot, touched_server};
use crate::node::RaftNode;
use rsm::StateMachine;
use sim_core::{CheckView, Checker};

/// Commit indices only grow within an incarnation.
#[derive(Clone, Debug, Default)]
pub struct CommitNeverDecreases {
    seen: Vec<(u32, u64)>,
}

impl<S: StateMachine> Checker<RaftNode<S>> for CommitNeverDecreases {
    fn name(&self) -> &str {
        "commit index never decreases"
    }

    fn check(&mut self, view: &CheckView<'_, RaftNode<S>>) -> Result<(), String> {
        let Some((id, s)) = touched_server(view) else {
            return Ok(());
        };
        let (incarnation, commit) = slot(&mut self.seen, id);
        let now = (s.incarnation(), s.commit_index());
        if now.0 == *incarnation && now.1 < *commit {
            return Err(format!(
                "{id}'s commit index went from {commit} back to {}",
                now.1
            ));
        }
        (*incarnation, *commit) = now;
        Ok(())
    }
}
