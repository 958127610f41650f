//! Where a node sits in the hierarchy: pure arithmetic on ids, shared by every node so that
//! nobody needs a directory.
//!
//! With group size `g`, a *block* of level `ℓ` is a run of `g^ℓ` consecutive ids (a level-0
//! block is one node). The *layer-`ℓ` group* of a node is the level-`ℓ+1` block that holds it:
//! `g` sibling blocks of level `ℓ`, each represented by its leader (its lowest live id). The
//! top layer is the first whose group holds every node.

use sim_core::NodeId;

/// The shape of a hierarchy of `nodes` ids in groups of `group` (at least 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// Members per group.
    pub group: u32,
    /// Nodes in the cluster.
    pub nodes: u32,
    /// The index of the top layer (0 when one group holds every node).
    pub top: u8,
}

impl Layout {
    /// The layout of `nodes` ids in groups of `group`.
    pub fn new(group: u32, nodes: u32) -> Layout {
        debug_assert!(group >= 2);
        let mut top = 0u8;
        let mut span = u64::from(group);
        while span < u64::from(nodes) {
            span = span.saturating_mul(u64::from(group));
            top += 1;
        }
        Layout { group, nodes, top }
    }

    /// Ids per block of `level` (saturating: a block wider than any cluster holds them all).
    pub fn span(&self, level: u8) -> u64 {
        u64::from(self.group)
            .checked_pow(u32::from(level))
            .unwrap_or(u64::MAX)
    }

    /// The index of the block of `level` holding `id`.
    pub fn block(&self, level: u8, id: NodeId) -> u64 {
        u64::from(id.0) / self.span(level)
    }

    /// Where `id`'s block sits in its layer-`layer` group (0..group).
    pub fn slot(&self, layer: u8, id: NodeId) -> usize {
        (self.block(layer, id) % u64::from(self.group)) as usize
    }

    /// True if `a` and `b` are in the same layer-`layer` group.
    pub fn same_group(&self, layer: u8, a: NodeId, b: NodeId) -> bool {
        self.block(layer + 1, a) == self.block(layer + 1, b)
    }

    /// The ids of the block at `slot` of `id`'s layer-`layer` group, if that block exists
    /// (the last group of a layer may be short).
    pub fn sibling_ids(&self, layer: u8, id: NodeId, slot: usize) -> Option<std::ops::Range<u32>> {
        let span = self.span(layer);
        let block = self.block(layer + 1, id) * u64::from(self.group) + slot as u64;
        let first = block.checked_mul(span)?;
        if first >= u64::from(self.nodes) {
            return None;
        }
        let end = first.saturating_add(span).min(u64::from(self.nodes));
        Some(first as u32..end as u32)
    }

    /// The slots of `id`'s layer-`layer` group other than its own whose blocks exist.
    pub fn sibling_slots(&self, layer: u8, id: NodeId) -> impl Iterator<Item = usize> + '_ {
        let own = self.slot(layer, id);
        (0..self.group as usize)
            .filter(move |&s| s != own && self.sibling_ids(layer, id, s).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_grow_with_the_logarithm_of_the_cluster() {
        assert_eq!(Layout::new(4, 4).top, 0);
        assert_eq!(Layout::new(4, 5).top, 1);
        assert_eq!(Layout::new(4, 16).top, 1);
        assert_eq!(Layout::new(4, 17).top, 2);
        assert_eq!(Layout::new(10, 1_000_000).top, 5);
        assert_eq!(Layout::new(2, 1).top, 0);
    }

    #[test]
    fn groups_blocks_and_siblings() {
        // 10 nodes in groups of 3: layer 0 groups {0,1,2} {3,4,5} {6,7,8} {9};
        // layer 1 groups {0..9} {9}: blocks [0,3) [3,6) [6,9) and [9,10).
        let l = Layout::new(3, 10);
        assert_eq!(l.top, 2);
        assert_eq!(l.slot(0, NodeId(4)), 1);
        assert!(l.same_group(0, NodeId(3), NodeId(5)));
        assert!(!l.same_group(0, NodeId(2), NodeId(3)));
        assert_eq!(l.sibling_ids(0, NodeId(4), 2), Some(5..6));
        assert_eq!(l.sibling_ids(1, NodeId(4), 0), Some(0..3));
        assert_eq!(l.sibling_ids(1, NodeId(4), 2), Some(6..9));
        // The last group is short: node 9 has no siblings at layer 0 or 1.
        assert_eq!(l.sibling_slots(0, NodeId(9)).count(), 0);
        assert_eq!(l.sibling_slots(1, NodeId(9)).count(), 0);
        // At the top every block is a sibling: [0,9) and [9,10).
        assert_eq!(l.sibling_ids(2, NodeId(9), 0), Some(0..9));
        assert_eq!(l.sibling_slots(2, NodeId(9)).collect::<Vec<_>>(), vec![0]);
        assert_eq!(l.sibling_slots(2, NodeId(0)).collect::<Vec<_>>(), vec![1]);
    }
}
