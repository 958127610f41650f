//! The event queue: one binary heap ordered by `(time, seq)`.
//!
//! `seq` is a global insertion counter, so events at equal times run in one order fixed by the
//! run itself. Its top bit is the event's class: external inputs (faults, harness inputs) have
//! it clear and node events (messages, timers) have it set, so at equal times every external
//! input runs before any node event. That makes a fault applied by hand at time `t` land
//! exactly where the same fault scheduled for `t` from a scenario file lands.
//!
//! The heap holds only small keys; the events themselves sit in a slab, so that reordering
//! the heap moves 24 bytes per entry whatever the size of a message.

use crate::Time;
use slab::Slab;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// The class bit of node events (messages and timers).
const NODE_CLASS: u64 = 1 << 63;

/// A queued event with its position in the order.
#[derive(Clone, Debug)]
pub(crate) struct Entry<E> {
    pub(crate) time: Time,
    pub(crate) seq: u64,
    pub(crate) event: E,
}

/// What the heap orders: the position and where the event is kept.
#[derive(Clone, Copy, Debug)]
struct Key {
    time: Time,
    seq: u64,
    slot: u32,
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.time == other.time && self.seq == other.seq
    }
}
impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    /// Reversed, so that the max-heap pops the earliest `(time, seq)` first.
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        (other.time, other.seq).cmp(&(self.time, self.seq))
    }
}

/// The simulation's single event queue.
#[derive(Clone, Debug)]
pub(crate) struct EventQueue<E> {
    heap: BinaryHeap<Key>,
    slab: Slab<Entry<E>>,
    next_seq: u64,
}

impl<E> EventQueue<E> {
    pub(crate) fn new() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            slab: Slab::new(),
            next_seq: 0,
        }
    }

    #[inline]
    fn push(&mut self, time: Time, seq: u64, event: E) {
        let slot = self.slab.insert(Entry { time, seq, event });
        // The queue-length limit (far below 2^32) keeps slot numbers in range.
        debug_assert!(slot <= u32::MAX as usize);
        self.heap.push(Key {
            time,
            seq,
            slot: slot as u32,
        });
    }

    /// Queues a node event (message or timer).
    #[inline]
    pub(crate) fn push_node_event(&mut self, time: Time, event: E) {
        let seq = self.next_seq | NODE_CLASS;
        self.next_seq += 1;
        self.push(time, seq, event);
    }

    /// Queues an external input (fault, harness input), which precedes node events at `time`.
    pub(crate) fn push_external(&mut self, time: Time, event: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.push(time, seq, event);
    }

    #[inline]
    pub(crate) fn pop(&mut self) -> Option<Entry<E>> {
        let key = self.heap.pop()?;
        Some(self.slab.remove(key.slot as usize))
    }

    #[inline]
    pub(crate) fn peek_time(&self) -> Option<Time> {
        self.heap.peek().map(|k| k.time)
    }

    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.heap.len()
    }

    /// Every queued entry, in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Entry<E>> {
        self.slab.iter().map(|(_, e)| e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_times_pop_in_insertion_order_with_external_inputs_first() {
        let mut q = EventQueue::new();
        q.push_node_event(Time(5), "a");
        q.push_node_event(Time(5), "b");
        q.push_node_event(Time(1), "early");
        q.push_external(Time(5), "fault");
        q.push_node_event(Time(5), "c");
        let order: Vec<_> = std::iter::from_fn(|| q.pop().map(|e| e.event)).collect();
        assert_eq!(order, vec!["early", "fault", "a", "b", "c"]);
        assert_eq!(q.len(), 0);
    }
}
