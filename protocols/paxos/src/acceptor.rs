//! The acceptor: the only role whose memory makes Paxos safe.
//!
//! Pure state; the node persists what [`Acceptor::prepare`] and [`Acceptor::accept`] change
//! and syncs it before it answers.

use crate::message::AcceptedEntry;
use crate::{Ballot, Value};
use kv::KvMap;
use rsm::StateMachine;
use std::collections::BTreeMap;

/// How an acceptor answered an accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AcceptOutcome {
    /// Accepted; `changed` says whether its state changed (a duplicate changes nothing).
    Accepted {
        /// Whether the promise or the slot's entry changed and must be persisted.
        changed: bool,
    },
    /// The slot lies below the acceptor's snapshot: it is chosen and its entry forgotten.
    Compacted,
    /// The slot lies so far beyond the snapshot that remembering it could exhaust memory
    /// (see [`MAX_SLOTS_AHEAD`]); ignored. Only a lagging acceptor sees this, until it
    /// catches up.
    TooFar,
    /// Refused: the acceptor promised a higher ballot.
    Rejected {
        /// The acceptor's promise.
        promised: Ballot,
    },
}

/// How far beyond its snapshot an acceptor accepts: a bound on its memory whatever a
/// message says.
pub const MAX_SLOTS_AHEAD: u64 = 1 << 20;

/// An acceptor of every slot at once: one promise, and one accepted proposal per slot.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Acceptor<S: StateMachine = KvMap> {
    promised: Ballot,
    accepted: BTreeMap<u64, (Ballot, Value<S>)>,
    compacted: u64,
}

impl<S: StateMachine> Acceptor<S> {
    /// An acceptor rebuilt from what its disk held.
    pub fn restore(
        promised: Ballot,
        accepted: impl IntoIterator<Item = (u64, Ballot, Value<S>)>,
        compacted: u64,
    ) -> Acceptor<S> {
        Acceptor {
            promised,
            accepted: accepted
                .into_iter()
                .filter(|(slot, _, _)| *slot >= compacted)
                .map(|(slot, b, v)| (slot, (b, v)))
                .collect(),
            compacted,
        }
    }

    /// The highest ballot promised.
    pub fn promised(&self) -> Ballot {
        self.promised
    }

    /// Slots below this are forgotten (chosen, and held in the replica's snapshot).
    pub fn compacted(&self) -> u64 {
        self.compacted
    }

    /// The proposal accepted in `slot`, if any.
    pub fn accepted(&self, slot: u64) -> Option<&(Ballot, Value<S>)> {
        self.accepted.get(&slot)
    }

    /// Every accepted proposal still remembered, in slot order.
    pub fn entries(&self) -> impl DoubleEndedIterator<Item = (u64, &(Ballot, Value<S>))> {
        self.accepted.iter().map(|(s, e)| (*s, e))
    }

    /// The highest slot with an accepted proposal.
    pub fn last_slot(&self) -> Option<u64> {
        self.accepted.keys().next_back().copied()
    }

    /// Phase 1b. Promises `ballot` if it is at least the current promise (a repeated prepare
    /// is answered again) and reports every accepted proposal from `from_slot` on; otherwise
    /// returns the promise that refuses it. Returns whether the promise changed with it.
    pub fn prepare(
        &mut self,
        ballot: Ballot,
        from_slot: u64,
    ) -> Result<(Vec<AcceptedEntry<S>>, bool), Ballot> {
        if ballot < self.promised {
            return Err(self.promised);
        }
        let changed = ballot != self.promised;
        self.promised = ballot;
        let accepted = self
            .accepted
            .range(from_slot..)
            .map(|(&slot, (b, v))| AcceptedEntry {
                slot,
                ballot: *b,
                value: v.clone(),
            })
            .collect();
        Ok((accepted, changed))
    }

    /// Phase 2b. Accepts `value` in `slot` unless a higher ballot was promised.
    pub fn accept(&mut self, ballot: Ballot, slot: u64, value: &Value<S>) -> AcceptOutcome {
        if ballot < self.promised {
            return AcceptOutcome::Rejected {
                promised: self.promised,
            };
        }
        if slot < self.compacted {
            return AcceptOutcome::Compacted;
        }
        if slot - self.compacted >= MAX_SLOTS_AHEAD {
            return AcceptOutcome::TooFar;
        }
        let mut changed = ballot != self.promised;
        self.promised = ballot;
        match self.accepted.get(&slot) {
            Some((b, v)) if *b == ballot && v == value => {}
            _ => {
                self.accepted.insert(slot, (ballot, value.clone()));
                changed = true;
            }
        }
        AcceptOutcome::Accepted { changed }
    }

    /// Records `value`, learnt to be chosen, as what this acceptor holds for `slot`: how a
    /// server whose record of the slot was damaged repairs it. Returns the entry it replaces.
    pub fn repair(&mut self, slot: u64, value: Value<S>) -> Option<(Ballot, Value<S>)> {
        self.accepted.insert(slot, (Ballot::CHOSEN, value))
    }

    /// Raises the promise to `ballot` (a server that lost its promise settles on one at
    /// least as high as any it may have made); a lower ballot leaves it as it is.
    pub fn raise(&mut self, ballot: Ballot) {
        self.promised = self.promised.max(ballot);
    }

    /// Forgets the entries below `below` (their slots are chosen and snapshotted); returns
    /// the slots forgotten, for the disk.
    pub fn compact(&mut self, below: u64) -> Vec<u64> {
        if below <= self.compacted {
            return Vec::new();
        }
        self.compacted = below;
        let kept = self.accepted.split_off(&below);
        let gone = std::mem::replace(&mut self.accepted, kept);
        gone.into_keys().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(r: u64, n: u32) -> Ballot {
        Ballot::new(r, n)
    }

    #[test]
    fn a_promise_refuses_lower_ballots_in_both_phases() {
        let mut a: Acceptor = Acceptor::default();
        assert_eq!(a.prepare(b(2, 1), 0), Ok((vec![], true)));
        assert_eq!(a.prepare(b(1, 3), 0), Err(b(2, 1)));
        assert_eq!(
            a.accept(b(1, 3), 0, &Value::Noop),
            AcceptOutcome::Rejected { promised: b(2, 1) }
        );
        // The same prepare again is answered again, without a change to persist.
        assert_eq!(a.prepare(b(2, 1), 0), Ok((vec![], false)));
    }

    #[test]
    fn a_promise_reports_what_was_accepted_from_the_asked_slot_on() {
        let mut a: Acceptor = Acceptor::default();
        let v = Value::Leader(b(1, 1));
        for slot in 0..4 {
            assert_eq!(
                a.accept(b(1, 1), slot, &v),
                AcceptOutcome::Accepted { changed: true }
            );
        }
        assert_eq!(
            a.accept(b(1, 1), 2, &v),
            AcceptOutcome::Accepted { changed: false }
        );
        let (entries, _) = a.prepare(b(2, 0), 2).unwrap();
        assert_eq!(
            entries.iter().map(|e| e.slot).collect::<Vec<_>>(),
            vec![2, 3]
        );
        assert!(entries.iter().all(|e| e.ballot == b(1, 1) && e.value == v));
    }

    #[test]
    fn accepting_a_higher_ballot_raises_the_promise() {
        let mut a: Acceptor = Acceptor::default();
        a.prepare(b(1, 0), 0).unwrap();
        assert_eq!(
            a.accept(b(3, 2), 5, &Value::Noop),
            AcceptOutcome::Accepted { changed: true }
        );
        assert_eq!(a.promised(), b(3, 2));
        assert_eq!(a.prepare(b(2, 0), 0), Err(b(3, 2)));
    }

    #[test]
    fn compaction_forgets_chosen_slots_and_refuses_them_quietly() {
        let mut a: Acceptor = Acceptor::default();
        for slot in 0..5 {
            a.accept(b(1, 0), slot, &Value::Noop);
        }
        assert_eq!(a.compact(3), vec![0, 1, 2]);
        assert_eq!(a.compact(2), Vec::<u64>::new());
        assert_eq!(a.accept(b(1, 0), 1, &Value::Noop), AcceptOutcome::Compacted);
        assert_eq!(
            a.accept(b(1, 0), 3 + MAX_SLOTS_AHEAD, &Value::Noop),
            AcceptOutcome::TooFar
        );
        let (entries, _) = a.prepare(b(2, 0), 0).unwrap();
        assert_eq!(entries.len(), 2);
        let r: Acceptor = Acceptor::restore(b(2, 0), vec![(1, b(1, 0), Value::Noop)], 3);
        assert_eq!(r.accepted(1), None);
    }

    #[test]
    fn the_window_ahead_of_the_snapshot_is_counted_from_the_snapshot() {
        let mut a: Acceptor = Acceptor::default();
        for slot in 0..10 {
            a.accept(b(1, 0), slot, &Value::Noop);
        }
        a.compact(10);
        let last = 10 + MAX_SLOTS_AHEAD - 1;
        assert_eq!(
            a.accept(b(1, 0), last, &Value::Noop),
            AcceptOutcome::Accepted { changed: true },
            "the last slot of the window"
        );
        assert_eq!(
            a.accept(b(1, 0), last + 1, &Value::Noop),
            AcceptOutcome::TooFar
        );
    }

    #[test]
    fn a_different_value_under_the_same_ballot_replaces_the_entry() {
        let mut a: Acceptor = Acceptor::default();
        let (v, w) = (Value::Leader(b(1, 1)), Value::Noop);
        a.accept(b(1, 1), 4, &v);
        // A duplicate changes nothing; another value, or another ballot, is a change.
        assert_eq!(
            a.accept(b(1, 1), 4, &v),
            AcceptOutcome::Accepted { changed: false }
        );
        assert_eq!(
            a.accept(b(1, 1), 4, &w),
            AcceptOutcome::Accepted { changed: true }
        );
        assert_eq!(a.accepted(4), Some(&(b(1, 1), w.clone())));
        assert_eq!(
            a.accept(b(2, 1), 4, &w),
            AcceptOutcome::Accepted { changed: true }
        );
        assert_eq!(a.accepted(4), Some(&(b(2, 1), w)));
    }

    #[test]
    fn the_last_slot_is_the_highest_accepted() {
        let mut a: Acceptor = Acceptor::default();
        assert_eq!(a.last_slot(), None);
        for slot in [7, 3, 5] {
            a.accept(b(1, 0), slot, &Value::Noop);
        }
        assert_eq!(a.last_slot(), Some(7));
    }

    #[test]
    fn a_repair_records_the_chosen_value_and_returns_what_it_replaced() {
        let mut a: Acceptor = Acceptor::default();
        let v = Value::Leader(b(1, 1));
        a.accept(b(1, 1), 2, &Value::Noop);
        assert_eq!(a.repair(2, v.clone()), Some((b(1, 1), Value::Noop)));
        assert_eq!(a.accepted(2), Some(&(Ballot::CHOSEN, v.clone())));
        assert_eq!(a.repair(3, v), None);
    }

    #[test]
    fn raising_the_promise_never_lowers_it() {
        let mut a: Acceptor = Acceptor::default();
        a.raise(b(3, 1));
        assert_eq!(a.promised(), b(3, 1));
        a.raise(b(2, 4));
        assert_eq!(a.promised(), b(3, 1));
    }
}
