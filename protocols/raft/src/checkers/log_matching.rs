//! Log Matching: if two logs contain an entry with the same index and term, the logs are
//! identical in all entries up through that index.

use super::{slot, touched_server};
use crate::node::RaftNode;
use rsm::StateMachine;
use sim_core::{CheckView, Checker, NodeId};
use std::collections::BTreeMap;

/// Same index and term imply the same prefix hash.
///
/// Keeps the `(index, term) -> prefix hash` of entries every server has shown, and rechecks a
/// server only from where its log changed since it was last seen.
#[derive(Clone, Debug, Default)]
pub struct LogMatching {
    seen: BTreeMap<(u64, u64), (u64, NodeId)>,
    /// Per server: the last index checked and its hash then.
    checked: Vec<(u64, u64)>,
}

/// How many entries of the index map are kept below the newest before old ones are dropped;
/// older indices are covered by State Machine Safety once committed.
const WINDOW: u64 = 50_000;

impl<S: StateMachine> Checker<RaftNode<S>> for LogMatching {
    fn name(&self) -> &str {
        "Log Matching"
    }

    fn check(&mut self, view: &CheckView<'_, RaftNode<S>>) -> Result<(), String> {
        let Some((id, s)) = touched_server(view) else {
            return Ok(());
        };
        let log = s.log();
        let (last_checked, hash_then) = *slot(&mut self.checked, id);
        let unchanged = log.hash_at(last_checked) == Some(hash_then);
        let from = if unchanged {
            last_checked + 1
        } else {
            s.commit_index().min(last_checked).max(log.snapshot_index()) + 1
        };
        for index in from.max(log.snapshot_index() + 1)..=log.last_index() {
            let (Some(term), Some(hash)) = (log.term_at(index), log.hash_at(index)) else {
                continue;
            };
            match self.seen.get(&(index, term)) {
                Some(&(h, other)) if h != hash => {
                    return Err(format!(
                        "{id} and {other} both hold an entry of term {term} at index {index}, but their logs differ before it"
                    ));
                }
                Some(_) => {}
                None => {
                    self.seen.insert((index, term), (hash, id));
                }
            }
        }
        let last = log.last_index();
        *slot(&mut self.checked, id) = (last, log.hash_at(last).unwrap_or(0));
        if let Some((&(newest, _), _)) = self.seen.last_key_value()
            && newest > 2 * WINDOW
        {
            let floor = newest - WINDOW;
            while let Some((&(i, _), _)) = self.seen.first_key_value() {
                if i >= floor {
                    break;
                }
                self.seen.pop_first();
            }
        }
        Ok(())
    }
}
