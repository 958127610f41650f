//! Every node's private random stream, in eight bytes a node.
//!
//! A ChaCha8 generator with its output buffer is 336 bytes: at a million nodes, two thirds of
//! the engine's memory. Yet a node's stream is fully described by where it is: the run's key,
//! the node's nonce and the number of words drawn so far. So the engine keeps that position
//! per node and materializes generators only for the nodes that draw, in a direct-mapped cache
//! of [`CACHE`] slots (node `i` in slot `i mod CACHE`). A node evicted from its slot leaves its
//! position behind; when it draws again, a generator is rebuilt there and draws exactly the
//! words it would have drawn. Clusters of up to [`CACHE`] nodes keep every generator and never
//! evict.

use crate::prefetch::prefetch;
use crate::rng::{SimRng, Stream};

/// Generators kept at most (a power of two): 1.3 MB of them, within a second-level cache.
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
    key: [u8; 32],
    /// Each node's word position, for the nodes not in the cache (stale for those in it).
    positions: Vec<u64>,
    /// Direct-mapped by node index; the length is a power of two.
    cache: Vec<Slot>,
}

impl NodeStreams {
    /// The streams of `nodes` nodes under the run's `key`, none drawn from yet.
    pub(crate) fn new(key: [u8; 32], nodes: u32) -> NodeStreams {
        let slots = (nodes as usize).clamp(1, CACHE).next_power_of_two();
        let cache = (0..slots)
            .map(|i| match u32::try_from(i) {
                // Clusters that fit start with every generator in place.
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
            key,
            positions: vec![0; nodes as usize],
            cache,
        }
    }

    /// Node `node`'s generator, at the position its draws so far have left it.
    #[inline]
    pub(crate) fn get(&mut self, node: u32) -> &mut SimRng {
        let i = node as usize & (self.cache.len() - 1);
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
        slot.rng = SimRng::from_key_at(self.key, Stream::Node(node), at);
        slot.node = node;
    }

    /// Starts loading what drawing from `node`'s stream will touch; a hint only.
    #[inline]
    pub(crate) fn warm(&self, node: u32) {
        let slot = &self.cache[node as usize & (self.cache.len() - 1)];
        prefetch(&slot.node);
        if slot.node != node
            && let Some(p) = self.positions.get(node as usize)
        {
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
        let nodes = (CACHE * 3) as u32;
        let key = key_from_seed(5);
        let mut streams = NodeStreams::new(key, nodes);
        let mut reference: Vec<SimRng> = (0..nodes)
            .map(|i| SimRng::from_key(key, Stream::Node(i)))
            .collect();
        let mut order = SimRng::new(6, Stream::Custom(0));
        for _ in 0..200_000 {
            // Nodes a multiple of CACHE apart share a slot.
            let node = order.below(u64::from(nodes)) as u32;
            // Odd counts of 32-bit words leave a generator inside a word pair.
            for _ in 0..order.between(1, 3) {
                let got = u64::from(rand_core::Rng::next_u32(streams.get(node)));
                let want = u64::from(rand_core::Rng::next_u32(&mut reference[node as usize]));
                assert_eq!(got, want, "node {node}");
            }
            assert_eq!(
                streams.get(node).next_u64(),
                reference[node as usize].next_u64()
            );
        }
    }

    #[test]
    fn small_clusters_keep_every_generator() {
        let mut streams = NodeStreams::new(key_from_seed(1), 16);
        assert_eq!(streams.cache.len(), 16);
        for node in 0..16 {
            streams.get(node);
            assert_eq!(streams.cache[node as usize].node, node);
        }
    }
}
