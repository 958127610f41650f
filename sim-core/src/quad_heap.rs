//! A min-heap with four children per node, for the event queue.
//!
//! Why not `std::collections::BinaryHeap`: with four children the heap is half as deep, so a
//! pop moves an entry half as many times, and the four children of a node sit next to each
//! other in memory, so on a queue far larger than the cache a pop misses about once per level
//! of a tree half as tall. Popping uses Floyd's bottom-up method: the hole left by the root
//! walks down to a leaf along the smallest children, then the last entry rises from there,
//! which it rarely does far because last entries are large. On a large heap each level asks
//! for its grandchildren before comparing its children, so the memory loads of successive
//! levels overlap instead of each level waiting for the one above (at 100,000 nodes in PHOLD
//! this alone took the engine from 2.7 to 3.9 million deliveries per second).
//!
//! Entries with equal keys may come out in any order; the queue's keys are unique.

use crate::prefetch::prefetch_slice;

/// Children per node.
const ARITY: usize = 4;

/// From this many entries on (24 bytes each: 768 KiB), a pop prefetches the level below the
/// next; a smaller heap stays in the cache and the hints would only cost instructions.
const PREFETCH_FROM: usize = 32 * 1024;

/// An entry: the 128-bit sort key and a payload that rides along.
pub(crate) trait Keyed: Copy {
    /// The sort key, smallest first.
    fn key(&self) -> u128;
}

/// The heap itself.
#[derive(Clone, Debug)]
pub(crate) struct QuadHeap<T> {
    items: Vec<T>,
}

impl<T: Keyed> QuadHeap<T> {
    pub(crate) fn new() -> Self {
        QuadHeap { items: Vec::new() }
    }

    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    /// The smallest entry.
    #[inline]
    pub(crate) fn peek(&self) -> Option<&T> {
        self.items.first()
    }

    #[inline]
    pub(crate) fn push(&mut self, item: T) {
        self.items.push(item);
        let last = self.items.len() - 1;
        self.rise(last, item);
    }

    /// Removes and returns the smallest entry.
    #[inline]
    pub(crate) fn pop(&mut self) -> Option<T> {
        let last = self.items.pop()?;
        let Some(&top) = self.items.first() else {
            return Some(last);
        };
        let hole = self.sink_hole_to_leaf();
        self.rise(hole, last);
        Some(top)
    }

    /// Removes the entry at `index` (as [`QuadHeap::iter`] numbers them) by rebuilding the
    /// heap: linear in its size, for the model checker's small queues, never the engine's
    /// hot path.
    pub(crate) fn remove_at(&mut self, index: usize) -> T {
        let removed = self.items.swap_remove(index);
        for item in std::mem::take(&mut self.items) {
            self.push(item);
        }
        removed
    }

    /// Moves the hole at the root down to a leaf, each step filling it with the smallest child;
    /// returns where the hole ends.
    #[inline]
    fn sink_hole_to_leaf(&mut self) -> usize {
        let items = &mut self.items[..];
        let n = items.len();
        let mut hole = 0;
        loop {
            let first = hole * ARITY + 1;
            if first + ARITY <= n {
                // All four children exist: the common case, without bounds in the loop.
                // Ask for the grandchildren now, so that the next level's loads overlap
                // with this one's instead of each level waiting for memory in turn.
                let grand = first * ARITY + 1;
                if n >= PREFETCH_FROM && grand + ARITY * ARITY <= n {
                    prefetch_slice(&items[grand..grand + ARITY * ARITY]);
                }
                let kids = &items[first..first + ARITY];
                let best =
                    smallest_of_four([kids[0].key(), kids[1].key(), kids[2].key(), kids[3].key()]);
                items[hole] = items[first + best];
                hole = first + best;
            } else if first < n {
                let mut best = first;
                for i in first + 1..n {
                    if items[i].key() < items[best].key() {
                        best = i;
                    }
                }
                items[hole] = items[best];
                hole = best;
            } else {
                return hole;
            }
        }
    }

    /// Puts `item` at `hole` or above it, moving larger parents down.
    #[inline]
    fn rise(&mut self, mut hole: usize, item: T) {
        let key = item.key();
        let items = &mut self.items[..];
        while hole > 0 {
            let parent = (hole - 1) / ARITY;
            if items[parent].key() <= key {
                break;
            }
            items[hole] = items[parent];
            hole = parent;
        }
        items[hole] = item;
    }
}

/// The position of the smallest of four distinct keys, as a tournament of selects rather than
/// branches: which child is smallest is a coin toss for the branch predictor, and a wrong guess
/// at every level of every pop cost more than the comparisons themselves.
#[inline(always)]
fn smallest_of_four(k: [u128; 4]) -> usize {
    let left = usize::from(k[1] < k[0]);
    let right = 2 + usize::from(k[3] < k[2]);
    let (left_key, right_key) = (
        select(left == 1, k[1], k[0]),
        select(right == 3, k[3], k[2]),
    );
    select(right_key < left_key, right, left)
}

/// `a` if `take_a`, else `b`, written so that the compiler can use a conditional move.
#[inline(always)]
fn select<V: Copy>(take_a: bool, a: V, b: V) -> V {
    [b, a][usize::from(take_a)]
}

impl<T> QuadHeap<T> {
    /// Every entry, in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.items.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Keyed for (u128, u32) {
        fn key(&self) -> u128 {
            self.0
        }
    }

    /// A small deterministic generator, enough to shuffle test input.
    fn lcg(state: &mut u64) -> u64 {
        *state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        *state >> 16
    }

    #[test]
    fn pops_in_key_order_through_interleaved_pushes() {
        let mut heap = QuadHeap::new();
        let mut reference = std::collections::BTreeSet::new();
        let mut state = 7;
        for round in 0..20_000u32 {
            let key = u128::from(lcg(&mut state) % 5_000) << 64 | u128::from(round);
            heap.push((key, round));
            reference.insert(key);
            if lcg(&mut state).is_multiple_of(3) {
                let popped = heap.pop().map(|(k, _)| k);
                assert_eq!(popped, reference.pop_first());
            }
            assert_eq!(heap.len(), reference.len());
            assert_eq!(heap.peek().map(|e| e.0), reference.first().copied());
        }
        while let Some((k, _)) = heap.pop() {
            assert_eq!(Some(k), reference.pop_first());
        }
        assert!(reference.is_empty());
    }

    #[test]
    fn sizes_around_a_full_level_keep_order() {
        for n in 0..70u32 {
            let mut heap = QuadHeap::new();
            for i in (0..n).rev() {
                heap.push((u128::from(i), i));
            }
            let out: Vec<u32> = std::iter::from_fn(|| heap.pop().map(|e| e.1)).collect();
            assert_eq!(out, (0..n).collect::<Vec<_>>(), "n = {n}");
        }
    }
}
