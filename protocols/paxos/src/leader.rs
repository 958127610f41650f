//! The distinguished proposer's state: phase 1 done once, phase 2 for a window of slots.

use crate::{Ballot, Value};
use kv::KvMap;
use rsm::Command;
use rsm::StateMachine;
use sim_core::{Duration, NodeId, Time};
use std::collections::{BTreeMap, VecDeque};

/// A value proposed in a slot, waiting for a phase-2 quorum.
#[derive(Clone, Debug)]
pub struct Proposal<S: StateMachine = KvMap> {
    /// The value.
    pub value: Value<S>,
    /// Acceptors that accepted it.
    pub acks: Vec<NodeId>,
    /// When the accept was last sent (the leader's clock), for resending.
    pub sent_at: Time,
}

/// A leader: a proposer that holds a phase-1 quorum for its ballot.
#[derive(Clone, Debug)]
pub struct Leading<S: StateMachine = KvMap> {
    /// The ballot every accept carries.
    pub ballot: Ballot,
    /// The next free slot.
    pub next_slot: u64,
    /// Proposals not yet chosen, by slot.
    pub in_flight: BTreeMap<u64, Proposal<S>>,
    /// Client commands waiting for room in the window.
    pub queue: VecDeque<Command<S>>,
    /// When the oldest queued command arrived (the leader's clock).
    pub queued_since: Time,
    /// Elected behind a promiser's snapshot: whom to ask for the chosen values below which
    /// slot. Kept until the leader has applied up to it, so a lost or partial catch-up answer
    /// is asked for again instead of leaving the leader (and its commit point) stuck.
    pub behind: Option<(NodeId, u64)>,
}

impl<S: StateMachine> Leading<S> {
    /// The leader's state for the model checker, without the times proposals were sent and
    /// commands queued.
    pub(crate) fn model_state(&self, h: &mut sim_core::model::StateHasher) {
        h.put_debug(&self.ballot);
        h.put_u64(self.next_slot);
        h.put_u64(self.in_flight.len() as u64);
        for (slot, p) in &self.in_flight {
            h.put_u64(*slot);
            h.put_debug(&p.value);
            h.put_debug(&p.acks);
        }
        h.put_debug(&self.queue);
        h.put_debug(&self.behind);
    }
}

impl<S: StateMachine> Leading<S> {
    /// A leader of `ballot` whose new values start at `next_slot`.
    pub fn new(ballot: Ballot, next_slot: u64, queue: VecDeque<Command<S>>) -> Leading<S> {
        Leading {
            ballot,
            next_slot,
            in_flight: BTreeMap::new(),
            queue,
            queued_since: Time::ZERO,
            behind: None,
        }
    }

    /// Counts `from`'s acceptance of `slot`; returns the value once a quorum of `q2` has
    /// accepted it (and forgets the proposal).
    pub fn ack(&mut self, slot: u64, from: NodeId, q2: u32) -> Option<Value<S>> {
        let p = self.in_flight.get_mut(&slot)?;
        if !p.acks.contains(&from) {
            p.acks.push(from);
        }
        if p.acks.len() as u32 >= q2 {
            self.in_flight.remove(&slot).map(|p| p.value)
        } else {
            None
        }
    }

    /// Queues a client command that arrived at `now`.
    pub fn enqueue(&mut self, command: Command<S>, now: Time) {
        if self.queue.is_empty() {
            self.queued_since = now;
        }
        self.queue.push_back(command);
    }

    /// Takes the next batch of at most `max` queued commands, if there is room in a window
    /// of `window` slots and the batch is full or has waited `delay` by `now`.
    pub fn next_batch(
        &mut self,
        window: u64,
        max: u32,
        delay: Duration,
        now: Time,
    ) -> Option<Vec<Command<S>>> {
        if self.queue.is_empty() || self.in_flight.len() as u64 >= window {
            return None;
        }
        if self.queue.len() < max as usize && now < self.queued_since + delay {
            return None;
        }
        let n = self.queue.len().min(max as usize);
        let batch: Vec<Command<S>> = self.queue.drain(..n).collect();
        // What stays behind starts a new wait.
        self.queued_since = now;
        Some(batch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kv::{Command, KvInput};

    fn cmd(seq: u64) -> Command {
        Command {
            client: 9,
            seq,
            op: KvInput::Get { key: "k".into() },
        }
    }

    #[test]
    fn a_value_is_chosen_at_the_quorum_and_duplicates_do_not_count() {
        let mut l: Leading = Leading::new(Ballot::new(1, 0), 0, VecDeque::new());
        l.in_flight.insert(
            0,
            Proposal {
                value: Value::Noop,
                acks: vec![],
                sent_at: Time::ZERO,
            },
        );
        assert_eq!(l.ack(0, NodeId(1), 2), None);
        assert_eq!(l.ack(0, NodeId(1), 2), None);
        assert_eq!(l.ack(0, NodeId(2), 2), Some(Value::Noop));
        assert_eq!(l.ack(0, NodeId(3), 2), None);
        assert!(l.in_flight.is_empty());
    }

    #[test]
    fn batches_respect_the_window_and_the_batch_size() {
        let mut l: Leading = Leading::new(Ballot::new(1, 0), 0, (1..=5).map(cmd).collect());
        let (d, t) = (Duration::ZERO, Time::ZERO);
        assert_eq!(l.next_batch(1, 2, d, t).map(|b| b.len()), Some(2));
        l.in_flight.insert(
            0,
            Proposal {
                value: Value::Noop,
                acks: vec![],
                sent_at: Time::ZERO,
            },
        );
        assert_eq!(l.next_batch(1, 2, d, t), None);
        assert_eq!(l.next_batch(2, 10, d, t).map(|b| b.len()), Some(3));
        assert_eq!(l.next_batch(2, 10, d, t), None);
    }

    #[test]
    fn a_partial_batch_waits_for_the_delay_and_a_full_one_does_not() {
        let ms = |n: u64| Time(n * 1_000_000);
        let delay = Duration::from_millis(2);
        let mut l: Leading = Leading::new(Ballot::new(1, 0), 0, VecDeque::new());
        l.enqueue(cmd(1), ms(10));
        l.enqueue(cmd(2), ms(11));
        assert_eq!(l.next_batch(8, 3, delay, ms(11)), None);
        assert_eq!(l.next_batch(8, 3, delay, ms(12)).map(|b| b.len()), Some(2));
        for s in 3..=6 {
            l.enqueue(cmd(s), ms(13));
        }
        assert_eq!(l.next_batch(8, 3, delay, ms(13)).map(|b| b.len()), Some(3));
        // The one left over waits anew.
        assert_eq!(l.next_batch(8, 3, delay, ms(14)), None);
        assert_eq!(l.next_batch(8, 3, delay, ms(15)).map(|b| b.len()), Some(1));
    }

    #[test]
    fn a_batch_of_exactly_the_batch_size_goes_at_once() {
        let ms = |n: u64| Time(n * 1_000_000);
        let mut l: Leading = Leading::new(Ballot::new(1, 0), 0, VecDeque::new());
        for s in 1..=3 {
            l.enqueue(cmd(s), ms(10));
        }
        let batch = l.next_batch(8, 3, Duration::from_millis(2), ms(10));
        assert_eq!(batch.map(|b| b.len()), Some(3));
    }

    #[test]
    fn the_model_checker_tells_leaders_apart_but_not_by_when_they_sent() {
        let hash = |l: &Leading| {
            let mut h = sim_core::model::StateHasher::new();
            l.model_state(&mut h);
            h.finish()
        };
        let proposal = |sent_at: Time, acks: Vec<NodeId>| Proposal {
            value: Value::Noop,
            acks,
            sent_at,
        };
        let mut a: Leading = Leading::new(Ballot::new(1, 0), 0, VecDeque::new());
        a.in_flight.insert(0, proposal(Time::ZERO, vec![]));
        let mut b = a.clone();
        b.in_flight.insert(0, proposal(Time(7), vec![]));
        b.queued_since = Time(9);
        assert_eq!(hash(&a), hash(&b));
        let mut acked = a.clone();
        acked.ack(0, NodeId(2), 3);
        assert_ne!(hash(&a), hash(&acked));
        let mut queued = a.clone();
        queued.enqueue(cmd(1), Time::ZERO);
        assert_ne!(hash(&a), hash(&queued));
        let mut behind = a.clone();
        behind.behind = Some((NodeId(1), 5));
        assert_ne!(hash(&a), hash(&behind));
    }
}
