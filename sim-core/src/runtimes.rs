//! The engine's per-node runtimes (disk, clock anchor, held events), allocated only for the
//! nodes that use them.
//!
//! A runtime is a few hundred bytes, most of it an empty disk. Nodes that never write a disk,
//! pause or drift (gossip and PHOLD nodes, a million of them) would spend more memory on that
//! than on everything else. Such a node has no runtime of its own: reads see a blank one, in
//! the state a fresh runtime starts in, and the first write gives the node its own.
//!
//! A runtime is shared between clones of a simulation until one of them changes it, which
//! then copies it. The model checker clones the whole simulation for every successor it
//! tries, and a step changes at most one node's runtime: copying every disk's records for
//! every successor, and freeing them again, was a fifth of a search's time.

use crate::engine::Runtime;
use crate::node::Node;
use std::ops::{Index, IndexMut};
use std::sync::Arc;

/// One optional runtime per node, by node index.
#[derive(Clone, Debug)]
pub(crate) struct Runtimes<N: Node> {
    own: Vec<Option<Arc<Runtime<N>>>>,
    /// What a node without a runtime of its own reads: a fresh one.
    blank: Runtime<N>,
}

impl<N: Node> Runtimes<N> {
    /// Runtimes for `nodes` nodes, none allocated.
    pub(crate) fn new(nodes: u32) -> Self {
        Runtimes {
            own: (0..nodes).map(|_| None).collect(),
            blank: Runtime::new(),
        }
    }

    /// How many nodes there are.
    pub(crate) fn len(&self) -> usize {
        self.own.len()
    }

    /// Node `index`'s runtime, blank if it has none yet; `None` past the last node.
    pub(crate) fn get(&self, index: usize) -> Option<&Runtime<N>> {
        self.own
            .get(index)
            .map(|own| own.as_deref().unwrap_or(&self.blank))
    }
}

impl<N: Node> Index<usize> for Runtimes<N> {
    type Output = Runtime<N>;

    #[inline]
    fn index(&self, index: usize) -> &Runtime<N> {
        self.own[index].as_deref().unwrap_or(&self.blank)
    }
}

impl<N: Node> IndexMut<usize> for Runtimes<N> {
    /// Gives the node a runtime of its own, if it has none yet, and copies it first if a
    /// clone of the simulation shares it.
    #[inline]
    fn index_mut(&mut self, index: usize) -> &mut Runtime<N> {
        Arc::make_mut(self.own[index].get_or_insert_with(|| Arc::new(Runtime::new())))
    }
}
