//! Phase 1 from the proposer's side: gathering promises and deciding what to propose.

use crate::message::AcceptedEntry;
use crate::{Ballot, Value};
use kv::KvMap;
use rsm::StateMachine;
use sim_core::NodeId;
use std::collections::BTreeMap;

/// Of the accepted proposals a quorum reported for one slot, the value of the highest ballot:
/// the only value a proposer may propose there (any other could contradict a value already
/// chosen). `None` when nobody reported one, and the proposer is free.
pub fn highest_accepted<'a, V>(
    reports: impl IntoIterator<Item = (Ballot, &'a V)>,
) -> Option<&'a V> {
    reports
        .into_iter()
        .filter(|(b, _)| b.is_real())
        .max_by_key(|(b, _)| *b)
        .map(|(_, v)| v)
}

/// What a proposer does once it holds a phase-1 quorum.
#[derive(Clone, Debug, PartialEq)]
pub struct Phase1Outcome<S: StateMachine = KvMap> {
    /// The lowest slot it may propose in: below, slots are chosen (its own log, or an
    /// acceptor's snapshot says so).
    pub base: u64,
    /// Slots to propose again before anything new: each with the highest accepted value a
    /// promise reported, or a no-op for a slot nobody reported.
    pub proposals: Vec<(u64, Value<S>)>,
    /// The first slot after them, for new values.
    pub next_slot: u64,
    /// An acceptor whose replica holds the slots between the proposer's log and `base`, if
    /// the proposer lags behind it.
    pub catch_up_from: Option<NodeId>,
}

/// Promises gathered for one ballot.
#[derive(Clone, Debug)]
pub struct Phase1<S: StateMachine = KvMap> {
    /// The ballot.
    pub ballot: Ballot,
    /// The first slot asked about (the proposer's first slot not known to be chosen).
    pub from_slot: u64,
    /// When the prepare was last sent (the proposer's clock), for resending.
    pub sent_at: sim_core::Time,
    quorum: u32,
    promised: Vec<NodeId>,
    highest: BTreeMap<u64, (Ballot, Value<S>)>,
    compacted: u64,
    compacted_by: Option<NodeId>,
}

impl<S: StateMachine> Phase1<S> {
    /// Phase 1's state for the model checker, without the time the prepare was sent.
    pub(crate) fn model_state(&self, h: &mut sim_core::model::StateHasher) {
        h.put_debug(&self.ballot);
        h.put_u64(self.from_slot);
        h.put_u64(u64::from(self.quorum));
        h.put_debug(&self.promised);
        h.put_debug(&self.highest);
        h.put_u64(self.compacted);
        h.put_debug(&self.compacted_by);
    }
}

impl<S: StateMachine> Phase1<S> {
    /// Starts gathering promises for `ballot`, asking about slots from `from_slot` on.
    pub fn new(ballot: Ballot, from_slot: u64, quorum: u32, now: sim_core::Time) -> Phase1<S> {
        Phase1 {
            ballot,
            from_slot,
            sent_at: now,
            quorum,
            promised: Vec::new(),
            highest: BTreeMap::new(),
            compacted: from_slot,
            compacted_by: None,
        }
    }

    /// Counts `from`'s promise (once per acceptor) and merges what it accepted. Returns true
    /// when this promise completes the quorum.
    pub fn promise(
        &mut self,
        from: NodeId,
        accepted: Vec<AcceptedEntry<S>>,
        compacted: u64,
    ) -> bool {
        if self.promised.contains(&from) {
            return false;
        }
        self.promised.push(from);
        for e in accepted {
            if e.slot < self.from_slot {
                continue;
            }
            match self.highest.get(&e.slot) {
                Some((b, _)) if *b >= e.ballot => {}
                _ => {
                    self.highest.insert(e.slot, (e.ballot, e.value));
                }
            }
        }
        if compacted > self.compacted {
            self.compacted = compacted;
            self.compacted_by = Some(from);
        }
        self.promised.len() as u32 == self.quorum
    }

    /// Whether `from` has promised.
    pub fn has_promised(&self, from: NodeId) -> bool {
        self.promised.contains(&from)
    }

    /// How many acceptors have promised.
    pub fn promises(&self) -> usize {
        self.promised.len()
    }

    /// What to propose. With `ignore_accepted` (the bug) the reported values are dropped and
    /// every open slot looks free.
    pub fn outcome(&self, ignore_accepted: bool) -> Phase1Outcome<S> {
        let base = self.compacted;
        let mut proposals = Vec::new();
        let mut next_slot = base;
        if !ignore_accepted {
            let last = self.highest.range(base..).next_back().map(|(s, _)| *s);
            if let Some(last) = last {
                for slot in base..=last {
                    let value = highest_accepted(self.highest.get(&slot).map(|(b, v)| (*b, v)))
                        .cloned()
                        .unwrap_or(Value::Noop);
                    proposals.push((slot, value));
                }
                next_slot = last + 1;
            }
        }
        Phase1Outcome {
            base,
            proposals,
            next_slot,
            catch_up_from: self.compacted_by.filter(|_| base > self.from_slot),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::Time;

    fn entry(slot: u64, round: u64, node: u32, value: Value) -> AcceptedEntry {
        AcceptedEntry {
            slot,
            ballot: Ballot::new(round, node),
            value,
        }
    }

    #[test]
    fn the_highest_ballot_wins_and_gaps_become_no_ops() {
        let mine = Value::Leader(Ballot::new(1, 1));
        let theirs = Value::Leader(Ballot::new(2, 2));
        let mut p = Phase1::new(Ballot::new(3, 0), 10, 2, Time::ZERO);
        assert!(!p.promise(
            NodeId(1),
            vec![entry(10, 1, 1, mine.clone()), entry(13, 1, 1, mine.clone())],
            0
        ));
        // A duplicate promise does not count twice.
        assert!(!p.promise(NodeId(1), vec![], 0));
        assert!(p.promise(
            NodeId(2),
            vec![entry(9, 5, 5, Value::Noop), entry(10, 2, 2, theirs.clone())],
            0
        ));
        let o = p.outcome(false);
        assert_eq!(o.base, 10);
        assert_eq!(
            o.proposals,
            vec![
                (10, theirs),
                (11, Value::Noop),
                (12, Value::Noop),
                (13, mine)
            ]
        );
        assert_eq!(o.next_slot, 14);
        assert_eq!(o.catch_up_from, None);
        let buggy = p.outcome(true);
        assert!(buggy.proposals.is_empty());
        assert_eq!(buggy.next_slot, 10);
    }

    #[test]
    fn a_snapshot_beyond_the_proposers_log_moves_the_base_and_names_who_to_ask() {
        let mut p = Phase1::new(Ballot::new(3, 0), 4, 2, Time::ZERO);
        p.promise(NodeId(0), vec![entry(5, 1, 1, Value::Noop)], 0);
        p.promise(NodeId(3), vec![entry(9, 1, 1, Value::Noop)], 8);
        let o = p.outcome(false);
        assert_eq!(o.base, 8);
        assert_eq!(o.proposals, vec![(8, Value::Noop), (9, Value::Noop)]);
        assert_eq!(o.catch_up_from, Some(NodeId(3)));
    }

    #[test]
    fn nobody_reporting_leaves_the_proposer_free() {
        assert_eq!(highest_accepted(Vec::<(Ballot, &Value)>::new()), None);
        let v: Value = Value::Noop;
        assert_eq!(highest_accepted([(Ballot::ZERO, &v)]), None);
    }

    #[test]
    fn a_lower_ballot_reported_later_does_not_displace_a_higher_one() {
        let high = Value::Leader(Ballot::new(4, 2));
        let low = Value::Leader(Ballot::new(1, 1));
        let mut p = Phase1::new(Ballot::new(5, 0), 0, 3, Time::ZERO);
        assert!(!p.promise(NodeId(2), vec![entry(0, 4, 2, high.clone())], 0));
        assert!(p.has_promised(NodeId(2)) && !p.has_promised(NodeId(1)));
        assert!(!p.promise(NodeId(1), vec![entry(0, 1, 1, low)], 0));
        assert_eq!(p.promises(), 2);
        assert!(p.promise(NodeId(3), vec![], 0));
        assert_eq!(p.promises(), 3);
        assert_eq!(p.outcome(false).proposals, vec![(0, high)]);
    }

    #[test]
    fn the_model_checker_tells_promises_apart_but_not_when_the_prepare_was_sent() {
        let hash = |p: &Phase1| {
            let mut h = sim_core::model::StateHasher::new();
            p.model_state(&mut h);
            h.finish()
        };
        let p: Phase1 = Phase1::new(Ballot::new(2, 0), 0, 2, Time::ZERO);
        let later: Phase1 = Phase1::new(Ballot::new(2, 0), 0, 2, Time(5));
        assert_eq!(hash(&p), hash(&later));
        let mut promised = p.clone();
        promised.promise(NodeId(1), vec![], 0);
        assert_ne!(hash(&p), hash(&promised));
        let mut reported = p.clone();
        reported.promise(NodeId(1), vec![entry(0, 1, 1, Value::Noop)], 0);
        assert_ne!(hash(&promised), hash(&reported));
    }
}
