//! State Machine Safety and Leader Completeness, both judged against what the cluster has
//! committed so far.

use super::{slot, touched_server};
use crate::node::RaftNode;
use crate::server::Role;
use rsm::StateMachine;
use sim_core::{CheckView, Checker, NodeId};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// The committed prefix as the checker has learnt it: the prefix hash at each index, kept
/// from the lowest snapshot point of any server on (below it no server can ask again).
#[derive(Clone, Debug, Default)]
pub struct CommittedLog {
    /// Index of the entry before the first kept one.
    base: u64,
    /// `(term, prefix hash)` of indices `base + 1 ..`; a zero hash marks an index no server
    /// showed individually (it was inside a snapshot when first seen).
    entries: VecDeque<(u64, u64)>,
    /// The highest snapshot index seen of each server (`None` for clients).
    snapshots: Vec<Option<u64>>,
}

impl CommittedLog {
    /// The highest committed index known.
    pub fn last(&self) -> u64 {
        self.base + self.entries.len() as u64
    }

    /// The `(term, hash)` committed at `index`, if known.
    pub fn get(&self, index: u64) -> Option<(u64, u64)> {
        let i = index.checked_sub(self.base + 1)?;
        self.entries.get(i as usize).copied().filter(|e| e.1 != 0)
    }

    fn push(&mut self, term: u64, hash: u64) {
        self.entries.push_back((term, hash));
    }

    /// Forgets indices below every server's snapshot point.
    fn prune(&mut self, id: NodeId, snapshot: u64) {
        let s = slot(&mut self.snapshots, id);
        *s = Some(s.unwrap_or(0).max(snapshot));
        let floor = self.snapshots.iter().flatten().copied().min().unwrap_or(0);
        while self.base < floor && !self.entries.is_empty() {
            self.entries.pop_front();
            self.base += 1;
        }
    }
}

/// State Machine Safety: no two servers commit (hence apply) different entries at the same
/// index. Checked through the prefix hash at each server's commit index.
#[derive(Clone, Debug, Default)]
pub struct StateMachineSafety {
    committed: CommittedLog,
}

impl<S: StateMachine> Checker<RaftNode<S>> for StateMachineSafety {
    fn name(&self) -> &str {
        "State Machine Safety"
    }

    fn check(&mut self, view: &CheckView<'_, RaftNode<S>>) -> Result<(), String> {
        let Some((id, s)) = touched_server(view) else {
            return Ok(());
        };
        let log = s.log();
        let commit = s.commit_index();
        let known = self.committed.last();
        let at = commit.min(known);
        if let (Some((term, hash)), Some(mine)) = (self.committed.get(at), log.hash_at(at))
            && mine != hash
        {
            return Err(format!(
                "{id} committed a different entry at index {at} (term {}) than the one committed there before (term {term})",
                log.term_at(at).unwrap_or(0)
            ));
        }
        for index in known + 1..=commit {
            let term = log.term_at(index).unwrap_or(0);
            let hash = log.hash_at(index).unwrap_or(0);
            self.committed.push(term, hash);
        }
        self.committed.prune(id, log.snapshot_index());
        Ok(())
    }
}

/// Leader Completeness: an entry committed in a term is in the log of every leader of a
/// later term. Kept as the highest committed point seen per term.
#[derive(Clone, Debug, Default)]
pub struct LeaderCompleteness {
    points: BTreeMap<u64, (u64, u64)>,
    checked: BTreeSet<(u64, NodeId)>,
}

impl<S: StateMachine> Checker<RaftNode<S>> for LeaderCompleteness {
    fn name(&self) -> &str {
        "Leader Completeness"
    }

    fn check(&mut self, view: &CheckView<'_, RaftNode<S>>) -> Result<(), String> {
        let Some((id, s)) = touched_server(view) else {
            return Ok(());
        };
        let log = s.log();
        let commit = s.commit_index();
        if let (Some(term), Some(hash)) = (log.term_at(commit), log.hash_at(commit))
            && commit > 0
        {
            let point = self.points.entry(term).or_insert((commit, hash));
            if commit > point.0 {
                *point = (commit, hash);
            }
        }
        if s.role() != Role::Leader || !self.checked.insert((s.term(), id)) {
            return Ok(());
        }
        let Some((&term, &(index, hash))) = self.points.range(..s.term()).next_back() else {
            return Ok(());
        };
        if index < log.snapshot_index() {
            return Ok(());
        }
        if log.hash_at(index) != Some(hash) {
            return Err(format!(
                "{id} became leader of term {} without the entry committed at index {index} in term {term} (its log ends at {})",
                s.term(),
                log.last_index()
            ));
        }
        Ok(())
    }
}
