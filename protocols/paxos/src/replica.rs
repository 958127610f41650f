//! The learner and the state machine: chosen values, applied in slot order to the store.

use crate::Value;
use crate::value::chain;
use kv::KvMap;
use rsm::{Outcome, Reply, ReplyOutcome, StateMachine, Store};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A replica's state after a prefix of the log: what a lagging replica installs instead of
/// the slots themselves, and what a restarted one recovers from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Snapshot<S: StateMachine = KvMap> {
    /// Slots below this are in it.
    pub upto: u64,
    /// The running digest of the slots it holds (see [`crate::value::chain`]).
    pub hash: u64,
    /// How many leader markers those slots held.
    pub leaders: u64,
    /// The store after applying them.
    pub store: rsm::Snapshot<S>,
}

/// What applying one slot produced.
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    /// The slot.
    pub slot: u64,
    /// The digest of the applied prefix, this slot included.
    pub hash: u64,
}

/// Chosen values and the store they build.
#[derive(Clone, Debug)]
pub struct Replica<S: StateMachine = KvMap> {
    /// Chosen values of slots from `log_start` on (all of them below `applied`).
    log: BTreeMap<u64, Value<S>>,
    log_start: u64,
    applied: u64,
    hash: u64,
    leaders: u64,
    store: Store<S>,
    snapshot: Option<Arc<Snapshot<S>>>,
    /// Applied commands with their results, kept only for a host that asked for them.
    outcomes: Option<Vec<Outcome<S>>>,
}

impl<S: StateMachine> Replica<S> {
    /// The replica's state for the model checker: the chosen log, what is applied and the
    /// store, without the leader count and outcomes kept for metrics.
    pub(crate) fn model_state(&self, h: &mut sim_core::model::StateHasher) {
        h.put_debug(&self.log);
        h.put_u64(self.log_start);
        h.put_u64(self.applied);
        h.put_u64(self.hash);
        h.put_debug(&self.store);
        h.put_debug(&self.snapshot);
    }
}

impl<S: StateMachine> Replica<S> {
    /// A replica starting from `snapshot` (an empty store without one).
    pub fn new(snapshot: Option<Arc<Snapshot<S>>>) -> Replica<S> {
        let mut r = Replica {
            log: BTreeMap::new(),
            log_start: 0,
            applied: 0,
            hash: 0,
            leaders: 0,
            store: Store::new(),
            snapshot: None,
            outcomes: None,
        };
        if let Some(s) = snapshot {
            r.install(s);
        }
        r
    }

    /// Slots below this are applied.
    pub fn applied(&self) -> u64 {
        self.applied
    }

    /// The digest of the applied prefix.
    pub fn hash(&self) -> u64 {
        self.hash
    }

    /// Leader markers applied: elected leaders that committed something.
    pub fn leaders(&self) -> u64 {
        self.leaders
    }

    /// The store.
    pub fn store(&self) -> &Store<S> {
        &self.store
    }

    /// The last snapshot taken or installed.
    pub fn snapshot(&self) -> Option<&Arc<Snapshot<S>>> {
        self.snapshot.as_ref()
    }

    /// Whether `slot` is known to be chosen.
    pub fn is_chosen(&self, slot: u64) -> bool {
        slot < self.applied || self.log.contains_key(&slot)
    }

    /// The chosen value of `slot`, if known and still kept.
    pub fn chosen(&self, slot: u64) -> Option<&Value<S>> {
        self.log.get(&slot)
    }

    /// Chosen slots known beyond the applied prefix (waiting for a gap to fill).
    pub fn waiting(&self) -> usize {
        self.log.range(self.applied..).count()
    }

    /// Records that `value` is chosen in `slot`; returns false if already known. The first
    /// value learnt stays: a second, different one would be a broken protocol, which the
    /// checkers report.
    pub fn learn(&mut self, slot: u64, value: Value<S>) -> bool {
        if self.is_chosen(slot) {
            return false;
        }
        self.log.insert(slot, value);
        true
    }

    /// Keeps every command applied from now on with its result, for
    /// [`Replica::take_outcomes`].
    pub fn keep_outcomes(&mut self) {
        self.outcomes.get_or_insert_with(Vec::new);
    }

    /// The commands applied since the last call, with their results, in slot order (none
    /// unless [`Replica::keep_outcomes`] was called).
    pub fn take_outcomes(&mut self) -> Vec<Outcome<S>> {
        self.outcomes
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Applies the next slot if its value is known, pushing answers for the clients into
    /// `replies` as `(client, reply)`.
    pub fn apply_next(&mut self, replies: &mut Vec<(u64, Reply<S>)>) -> Option<Applied> {
        let slot = self.applied;
        let value = self.log.get(&slot)?;
        match value {
            Value::Noop => {}
            Value::Leader(_) => self.leaders += 1,
            Value::Batch(b) => {
                for c in &b.commands {
                    let output = self.store.apply(c);
                    if let Some(outcomes) = &mut self.outcomes {
                        outcomes.push(Outcome {
                            index: slot,
                            command: c.clone(),
                            output: output.clone(),
                        });
                    }
                    if let Some(out) = output {
                        replies.push((
                            c.client,
                            Reply {
                                seq: c.seq,
                                outcome: ReplyOutcome::Ok(out),
                            },
                        ));
                    }
                }
            }
        }
        self.hash = chain(self.hash, slot, value);
        self.applied += 1;
        Some(Applied {
            slot,
            hash: self.hash,
        })
    }

    /// Takes a snapshot of the applied prefix and forgets log entries more than `keep` slots
    /// below it (they stay reachable through the snapshot).
    pub fn take_snapshot(&mut self, keep: u64) -> Arc<Snapshot<S>> {
        let s = Arc::new(Snapshot {
            upto: self.applied,
            hash: self.hash,
            leaders: self.leaders,
            store: self.store.snapshot(),
        });
        self.snapshot = Some(s.clone());
        let start = self.applied.saturating_sub(keep);
        if start > self.log_start {
            self.log = self.log.split_off(&start);
            self.log_start = start;
        }
        s
    }

    /// Installs a snapshot from another replica if it is ahead; returns whether it was.
    pub fn install(&mut self, s: Arc<Snapshot<S>>) -> bool {
        if s.upto <= self.applied {
            return false;
        }
        self.log = self.log.split_off(&s.upto);
        self.log_start = s.upto;
        self.applied = s.upto;
        self.hash = s.hash;
        self.leaders = s.leaders;
        self.store = Store::restore(&s.store);
        self.snapshot = Some(s);
        true
    }

    /// Up to `max` chosen values from slot `from` on, for a lagging replica; `None` when the
    /// log no longer holds `from` (send the snapshot instead).
    pub fn values_from(&self, from: u64, max: u64) -> Option<Vec<Value<S>>> {
        if from < self.log_start {
            return None;
        }
        let mut out = Vec::new();
        for slot in from..from.saturating_add(max) {
            match self.log.get(&slot) {
                Some(v) => out.push(v.clone()),
                None => break,
            }
        }
        Some(out)
    }

    /// Recent chosen slots, newest last, for the view.
    pub fn recent(&self, n: usize) -> impl Iterator<Item = (u64, &Value<S>)> {
        let skip = self.log.len().saturating_sub(n);
        self.log.iter().skip(skip).map(|(s, v)| (*s, v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kv::{Command, KvInput, KvOutput};

    fn append(client: u64, seq: u64, v: &str) -> Value {
        Value::batch(vec![Command {
            client,
            seq,
            op: KvInput::Append {
                key: "k".into(),
                value: v.into(),
            },
        }])
    }

    #[test]
    fn slots_apply_in_order_and_wait_for_gaps() {
        let mut r = Replica::new(None);
        let mut replies = Vec::new();
        assert!(r.learn(1, append(1, 2, "b")));
        assert_eq!(r.apply_next(&mut replies), None);
        assert!(r.learn(0, append(1, 1, "a")));
        assert!(!r.learn(0, Value::Noop));
        while r.apply_next(&mut replies).is_some() {}
        assert_eq!(r.applied(), 2);
        assert_eq!(r.store().read("k"), "ab");
        assert_eq!(replies.len(), 2);
        assert_eq!(replies[1].1.outcome, ReplyOutcome::Ok(KvOutput::Done));
    }

    #[test]
    fn a_snapshot_carries_the_prefix_and_its_digest() {
        let mut a = Replica::new(None);
        let mut replies = Vec::new();
        for s in 0..10 {
            a.learn(s, append(1, s + 1, "x"));
            a.apply_next(&mut replies);
        }
        let snap = a.take_snapshot(3);
        assert_eq!(a.values_from(6, 100), None);
        assert_eq!(a.values_from(7, 2).map(|v| v.len()), Some(2));
        let mut b = Replica::new(None);
        assert!(b.install(snap.clone()));
        assert!(!b.install(snap));
        assert_eq!((b.applied(), b.hash()), (a.applied(), a.hash()));
        assert_eq!(b.store(), a.store());
    }

    #[test]
    fn the_digest_is_the_last_applied_slots_and_tells_prefixes_apart() {
        let mut a = Replica::new(None);
        let mut b = Replica::new(None);
        let mut replies = Vec::new();
        a.learn(0, append(1, 1, "a"));
        b.learn(0, append(1, 1, "b"));
        let applied = a.apply_next(&mut replies).expect("slot 0");
        b.apply_next(&mut replies);
        assert_eq!(a.hash(), applied.hash);
        assert_eq!(a.hash(), chain(0, 0, &append(1, 1, "a")));
        assert_ne!(a.hash(), b.hash());
    }

    #[test]
    fn chosen_values_wait_beyond_a_gap_and_the_recent_ones_show() {
        let mut r = Replica::new(None);
        for slot in [2, 3, 5] {
            r.learn(slot, append(1, slot + 1, "x"));
        }
        assert_eq!(r.chosen(3), Some(&append(1, 4, "x")));
        assert_eq!(r.chosen(4), None);
        assert_eq!(r.waiting(), 3);
        r.learn(0, Value::Noop);
        r.learn(1, Value::Noop);
        let mut replies = Vec::new();
        while r.apply_next(&mut replies).is_some() {}
        assert_eq!((r.applied(), r.waiting()), (4, 1));
        let recent: Vec<u64> = r.recent(2).map(|(s, _)| s).collect();
        assert_eq!(recent, [3, 5]);
    }

    #[test]
    fn outcomes_are_kept_only_when_asked_for_and_taken_once() {
        let mut r = Replica::new(None);
        let mut replies = Vec::new();
        r.learn(0, append(1, 1, "a"));
        r.apply_next(&mut replies);
        assert!(r.take_outcomes().is_empty(), "not asked for");
        r.keep_outcomes();
        r.learn(1, append(2, 1, "b"));
        r.apply_next(&mut replies);
        let taken = r.take_outcomes();
        assert_eq!(taken.len(), 1);
        assert_eq!((taken[0].index, taken[0].command.client), (1, 2));
        assert!(r.take_outcomes().is_empty(), "taken once");
    }

    #[test]
    fn the_model_checker_tells_replicas_apart_but_not_by_what_only_metrics_keep() {
        let hash = |r: &Replica| {
            let mut h = sim_core::model::StateHasher::new();
            r.model_state(&mut h);
            h.finish()
        };
        let mut a = Replica::new(None);
        let empty = hash(&a);
        a.learn(1, Value::Noop);
        assert_ne!(hash(&a), empty, "a chosen value waiting");
        let mut kept = a.clone();
        kept.keep_outcomes();
        assert_eq!(hash(&kept), hash(&a));
    }
}
