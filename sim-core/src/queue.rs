//! The event queue: one heap ordered by `(time, seq)`.
//!
//! `seq` is a global insertion counter, so events at equal times run in one order fixed by the
//! run itself. Its top bit is the event's class: external inputs (faults, harness inputs) have
//! it clear and node events (messages, timers) have it set, so at equal times every external
//! input runs before any node event. That makes a fault applied by hand at time `t` land
//! exactly where the same fault scheduled for `t` from a scenario file lands.
//!
//! The heap (a [`QuadHeap`]) holds only small keys; the events themselves sit in a slab, so
//! that reordering the heap moves 24 bytes per entry whatever the size of a message.

use crate::Time;
use crate::event_slab::{Cell, EventSlab};
use crate::quad_heap::{Keyed, QuadHeap};

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
    /// Time, then seq: compared as one 128-bit integer (kept as two words so that a key is
    /// 24 bytes, not 32 with `u128`'s alignment).
    time: u64,
    seq: u64,
    slot: u32,
    /// The node the event is for (`u32::MAX` for none); fits in the key's padding and lets
    /// the engine warm the next event's node before it gets there.
    node: u32,
}

impl Key {
    #[inline(always)]
    fn time(&self) -> Time {
        Time(self.time)
    }
}

impl Keyed for Key {
    #[inline(always)]
    fn key(&self) -> u128 {
        u128::from(self.time) << 64 | u128::from(self.seq)
    }
}

#[derive(Clone, Debug)]
pub(crate) struct EventQueue<E> {
    heap: QuadHeap<Key>,
    /// The events; their times and sequence numbers live in the heap keys only.
    slab: EventSlab<E>,
    next_seq: u64,
}

impl<E> EventQueue<E> {
    pub(crate) fn new() -> Self {
        EventQueue {
            heap: QuadHeap::new(),
            slab: EventSlab::new(),
            next_seq: 0,
        }
    }

    #[inline]
    fn push(&mut self, time: Time, seq: u64, node: u32, event: E) {
        let slot = self.slab.insert(event);
        self.heap.push(Key {
            time: time.0,
            seq,
            slot,
            node,
        });
    }

    /// Queues a node event (message or timer).
    #[inline]
    pub(crate) fn push_node_event(&mut self, time: Time, node: u32, event: E) {
        let seq = self.next_seq | NODE_CLASS;
        self.next_seq += 1;
        self.push(time, seq, node, event);
    }

    /// Queues an external input (fault, harness input), which precedes node events at `time`.
    pub(crate) fn push_external(&mut self, time: Time, event: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.push(time, seq, u32::MAX, event);
    }

    /// The next event.
    pub(crate) fn peek(&self) -> Option<&E> {
        self.heap.peek().map(|key| self.slab.get(key.slot))
    }

    /// The cell and node of the next event, for warming them (the cell is not read).
    #[inline]
    pub(crate) fn peek_next(&self) -> Option<(&Cell<E>, u32)> {
        let key = self.heap.peek()?;
        Some((self.slab.cell(key.slot)?, key.node))
    }

    #[inline]
    pub(crate) fn pop(&mut self) -> Option<Entry<E>> {
        let key = self.heap.pop()?;
        Some(Entry {
            time: key.time(),
            seq: key.seq,
            event: self.slab.remove(key.slot),
        })
    }

    #[inline]
    pub(crate) fn peek_time(&self) -> Option<Time> {
        self.heap.peek().map(Key::time)
    }

    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.heap.len()
    }

    /// Removes and returns the earliest entry whose event matches `pred` (a run driven by
    /// choice takes events out of order). Linear in the queue's length.
    pub(crate) fn take_first(&mut self, pred: impl Fn(&E) -> bool) -> Option<Entry<E>> {
        let index = self
            .heap
            .iter()
            .enumerate()
            .filter(|(_, k)| pred(self.slab.get(k.slot)))
            .min_by_key(|(_, k)| k.key())
            .map(|(i, _)| i)?;
        let key = self.heap.remove_at(index);
        Some(Entry {
            time: key.time(),
            seq: key.seq,
            event: self.slab.remove(key.slot),
        })
    }

    /// Every queued entry, in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = Entry<&E>> {
        self.heap.iter().map(|k| Entry {
            time: k.time(),
            seq: k.seq,
            event: self.slab.get(k.slot),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_times_pop_in_insertion_order_with_external_inputs_first() {
        let mut q = EventQueue::new();
        q.push_node_event(Time(5), 0, "a");
        q.push_node_event(Time(5), 0, "b");
        q.push_node_event(Time(1), 0, "early");
        q.push_external(Time(5), "fault");
        q.push_node_event(Time(5), 0, "c");
        let order: Vec<_> = std::iter::from_fn(|| q.pop().map(|e| e.event)).collect();
        assert_eq!(order, vec!["early", "fault", "a", "b", "c"]);
        assert_eq!(q.len(), 0);
    }

    #[test]
    fn taking_an_event_out_of_order_leaves_the_rest_in_order() {
        let mut q = EventQueue::new();
        for (t, name) in [(5, "a"), (3, "b"), (9, "c"), (3, "d"), (1, "e"), (7, "f")] {
            q.push_node_event(Time(t), 0, name);
        }
        let taken = q.take_first(|e| *e == "d").expect("queued");
        assert_eq!((taken.time, taken.event), (Time(3), "d"));
        assert!(q.take_first(|e| *e == "d").is_none());
        let order: Vec<_> = std::iter::from_fn(|| q.pop().map(|e| e.event)).collect();
        assert_eq!(order, vec!["e", "b", "a", "f", "c"]);
    }
}
