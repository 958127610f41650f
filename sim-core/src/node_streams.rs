//! Every node's private random stream, in eight bytes a node on the largest clusters.
//!
//! A ChaCha8 generator with its output buffer is 336 bytes: at a million nodes, two thirds of
//! the engine's memory. Yet a node's stream is fully described by where it is: the run's key,
//! the node's nonce and the number of words drawn so far. Clusters of up to [`KEEP_ALL`] nodes
//! keep a generator per node, since rebuilding one costs more than the memory saves there (at
//! 100,000 PHOLD nodes, rebuilding took a third of the engine's time). Larger clusters keep a
//! position per node and generators only for the nodes drawing recently, in a direct-mapped
//! cache of [`CACHE`] slots (node `i` in slot `i mod CACHE`). A node evicted from its slot
//! leaves its position behind; when it draws again, a generator is rebuilt there and draws
//! exactly the words it would have drawn.

use crate::prefetch::prefetch;
use crate::rng::{SimRng, Stream};

/// Up to this many nodes, every node keeps its generator (45 MB at most).
const KEEP_ALL: usize = 1 << 17;

/// Generators kept in larger clusters (a power of two): 1.4 MB, within the last-level cache.
const CACHE: usize = 4096;

/// No node is in this slot yet.
const EMPTY: u32 = u32::MAX;

/// A generator and the node it belongs to.
#[derive(Clone, Debug)]
struct Slot {
    node: u32,
    rng: SimRng,
}

/// The nodes' streams: positions for all, generators for the nodes drawing recently.
#[derive(Clone, Debug)]
pub(crate) struct NodeStreams {
    /// Each node's word position, for the nodes not in the cache (stale for those in it).
    positions: Vec<u64>,
    /// Node `i` is in slot `i & mask`.
    cache: Vec<Slot>,
    /// `usize::MAX` when every node has its own slot; `CACHE - 1` otherwise.
    mask: usize,
}

impl NodeStreams {
    /// The streams of `nodes` nodes under the run's `key`, none drawn from yet.
    pub(crate) fn new(key: [u8; 32], nodes: u32) -> NodeStreams {
        let (slots, mask) = if nodes as usize <= KEEP_ALL {
            (nodes as usize, usize::MAX)
        } else {
            (CACHE, CACHE - 1)
        };
        let cache = (0..slots)
            .map(|i| match u32::try_from(i) {
                // Every generator that has a slot of its own starts there.
                Ok(node) if node < nodes => Slot {
                    node,
                    rng: SimRng::from_key(key, Stream::Node(node)),
                },
                _ => Slot {
                    node: EMPTY,
                    rng: SimRng::from_key(key, Stream::Node(0)),
                },
            })
            .collect();
        NodeStreams {
            positions: if mask == usize::MAX {
                Vec::new()
            } else {
                vec![0; nodes as usize]
            },
            cache,
            mask,
        }
    }

    /// Node `node`'s generator, at the position its draws so far have left it.
    #[inline]
    pub(crate) fn get(&mut self, node: u32) -> &mut SimRng {
        let i = node as usize & self.mask;
        if self.cache[i].node != node {
            self.swap_in(i, node);
        }
        &mut self.cache[i].rng
    }

    /// Puts `node`'s generator in slot `i`, keeping the position of the node it replaces.
    #[cold]
    #[inline(never)]
    fn swap_in(&mut self, i: usize, node: u32) {
        let slot = &mut self.cache[i];
        if slot.node != EMPTY {
            self.positions[slot.node as usize] = slot.rng.word_pos();
        }
        let at = self.positions[node as usize];
        slot.rng.reseat(Stream::Node(node), at);
        slot.node = node;
    }

    /// Starts loading what drawing from `node`'s stream will touch; a hint only, which reads
    /// nothing (reading whether the node is in its slot would wait for the load it asks for).
    #[inline]
    pub(crate) fn warm(&self, node: u32) {
        // The whole slot: a node that is not in it gets its generator rewritten there.
        if let Some(slot) = self.cache.get(node as usize & self.mask) {
            prefetch(slot);
        }
        if let Some(p) = self.positions.get(node as usize) {
            prefetch(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::key_from_seed;

    /// Draws from nodes in an order that makes them evict each other, and compares every
    /// value with an unevicted generator per node.
    #[test]
    fn evicted_streams_draw_exactly_what_they_would_have() {
        let nodes = (KEEP_ALL + 1) as u32;
        let key = key_from_seed(5);
        let mut streams = NodeStreams::new(key, nodes);
        let mut reference = std::collections::BTreeMap::new();
        let mut order = SimRng::new(6, Stream::Custom(0));
        for _ in 0..200_000 {
            // Nodes a multiple of CACHE apart share a slot; drawing among a few slots' nodes
            // makes them evict each other often.
            let node = (order.below(8) as u32 * CACHE as u32 + order.below(3) as u32) % nodes;
            // Odd counts of 32-bit words leave a generator inside a word pair.
            for _ in 0..order.between(1, 3) {
                let got = u64::from(rand_core::Rng::next_u32(streams.get(node)));
                let own = reference
                    .entry(node)
                    .or_insert_with(|| SimRng::from_key(key, Stream::Node(node)));
                let want = u64::from(rand_core::Rng::next_u32(own));
                assert_eq!(got, want, "node {node}");
            }
            let own = reference.get_mut(&node).expect("drawn above");
            assert_eq!(streams.get(node).next_u64(), own.next_u64());
        }
    }

    #[test]
    fn clusters_up_to_the_limit_keep_every_generator() {
        let mut streams = NodeStreams::new(key_from_seed(1), 100);
        assert_eq!(streams.cache.len(), 100);
        for node in 0..100 {
            streams.get(node);
            assert_eq!(streams.cache[node as usize].node, node);
        }
        assert!(streams.positions.is_empty());
        let big = NodeStreams::new(key_from_seed(1), KEEP_ALL as u32 + 1);
        assert_eq!(
            (big.cache.len(), big.positions.len()),
            (CACHE, KEEP_ALL + 1)
        );
    }
}
