//! Leader Append-Only: a leader never overwrites or deletes entries in its log; it only
//! appends new ones.

use super::{slot, touched_server};
use crate::node::RaftNode;
use crate::server::Role;
use rsm::StateMachine;
use sim_core::{CheckView, Checker};

/// What a leader's log looked like when last checked.
#[derive(Clone, Copy, Debug, Default)]
struct Seen {
    term: u64,
    incarnation: u32,
    last: u64,
    hash: u64,
    leading: bool,
}

/// A leader's log only grows during its term.
#[derive(Clone, Debug, Default)]
pub struct LeaderAppendOnly {
    seen: Vec<Seen>,
}

impl<S: StateMachine> Checker<RaftNode<S>> for LeaderAppendOnly {
    fn name(&self) -> &str {
        "Leader Append-Only"
    }

    fn check(&mut self, view: &CheckView<'_, RaftNode<S>>) -> Result<(), String> {
        let Some((id, s)) = touched_server(view) else {
            return Ok(());
        };
        let seen = slot(&mut self.seen, id);
        let log = s.log();
        let leading = s.role() == Role::Leader;
        if leading
            && seen.leading
            && seen.term == s.term()
            && seen.incarnation == s.incarnation()
            && seen.last >= log.snapshot_index()
        {
            match log.hash_at(seen.last) {
                Some(h) if h == seen.hash => {}
                _ => {
                    return Err(format!(
                        "leader {id} of term {} changed or removed its entry at index {} (its log now ends at {})",
                        s.term(),
                        seen.last,
                        log.last_index()
                    ));
                }
            }
        }
        *seen = Seen {
            term: s.term(),
            incarnation: s.incarnation(),
            last: log.last_index(),
            hash: log.hash_at(log.last_index()).unwrap_or(0),
            leading,
        };
        Ok(())
    }
}
