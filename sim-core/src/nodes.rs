//! Read-only access to the node table, for checkers, inspectors and the front end.

use crate::NodeId;
use crate::engine::Slot;

/// Every node's state in id order; a node that is down has none.
pub struct Nodes<'a, N> {
    pub(crate) slots: &'a [Slot<N>],
}

impl<N> Clone for Nodes<'_, N> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<N> Copy for Nodes<'_, N> {}

impl<'a, N> Nodes<'a, N> {
    /// The state of node `id`, if it exists and is running or paused.
    #[inline]
    pub fn get(&self, id: NodeId) -> Option<&'a N> {
        self.slots.get(id.index()).and_then(|s| s.state.as_ref())
    }

    /// How many nodes the cluster has (up or down).
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// True for an empty cluster (which the engine never builds).
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Every node in id order, `None` for one that is down.
    pub fn iter(&self) -> impl Iterator<Item = Option<&'a N>> + 'a {
        self.slots.iter().map(|s| s.state.as_ref())
    }

    /// The nodes that are running or paused, with their ids.
    pub fn live(&self) -> impl Iterator<Item = (NodeId, &'a N)> + 'a {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.state.as_ref().map(|n| (NodeId(i as u32), n)))
    }
}
