//! The overlay a protocol node carries in its configuration: who it may talk to, and the
//! spanning tree tree-shaped protocols start from.

use crate::error::TopologyError;
use crate::graph::Topology;
use crate::tree::SpanningTree;
use sim_core::{NodeId, SimRng};
use std::sync::Arc;

/// Who a node may talk to: everyone (an implicit complete graph that stores no edges, so it
/// costs nothing at 100,000 nodes), or the neighbours in a shared [`Topology`].
///
/// A spanning tree can be computed once with [`Overlay::with_tree`] and shared by every node's
/// configuration; [`Overlay::tree_links`] falls back to computing it on the spot otherwise.
#[derive(Clone, Debug, Default)]
pub struct Overlay {
    topology: Option<Arc<Topology>>,
    tree: Option<Arc<SpanningTree>>,
}

/// A node's place in a spanning tree.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TreeLinks {
    /// Its parent (`None` for the root and for a node the root cannot reach).
    pub parent: Option<NodeId>,
    /// Its children, sorted by id.
    pub children: Vec<NodeId>,
    /// Hops from the root, if reached.
    pub depth: Option<u32>,
}

impl Overlay {
    /// Everyone may talk to everyone.
    pub fn complete() -> Overlay {
        Overlay::default()
    }

    /// Only the topology's edges may be used.
    pub fn new(topology: Arc<Topology>) -> Overlay {
        Overlay {
            topology: Some(topology),
            tree: None,
        }
    }

    /// Computes the spanning tree from `root` once (breadth-first over the topology, or a star
    /// for the complete overlay on `n` nodes), to be shared by every node's configuration.
    pub fn with_tree(mut self, root: NodeId, n: u32) -> Result<Overlay, TopologyError> {
        let tree = match &self.topology {
            Some(t) => t.bfs_tree(root)?,
            None => SpanningTree::star(n, root)?,
        };
        self.tree = Some(Arc::new(tree));
        Ok(self)
    }

    /// The topology, unless everyone may talk to everyone.
    pub fn topology(&self) -> Option<&Topology> {
        self.topology.as_deref()
    }

    /// The precomputed spanning tree, if any.
    pub fn tree(&self) -> Option<&SpanningTree> {
        self.tree.as_deref()
    }

    /// True for the implicit complete graph.
    pub fn is_complete(&self) -> bool {
        self.topology.is_none()
    }

    /// Checks the overlay against a cluster of `n` nodes.
    pub fn validate(&self, n: u32) -> Result<(), TopologyError> {
        if let Some(t) = &self.topology
            && t.node_count() != n
        {
            return Err(TopologyError::invalid(
                "overlay",
                format!(
                    "the topology has {} nodes but the cluster has {n}",
                    t.node_count()
                ),
            ));
        }
        if let Some(tree) = &self.tree
            && tree.node_count() != n
        {
            return Err(TopologyError::invalid(
                "overlay",
                format!(
                    "the spanning tree has {} nodes but the cluster has {n}",
                    tree.node_count()
                ),
            ));
        }
        Ok(())
    }

    /// How many neighbours `me` has in a cluster of `n` nodes.
    #[inline]
    pub fn degree(&self, me: NodeId, n: u32) -> usize {
        match &self.topology {
            Some(t) => t.degree(me),
            None => n.saturating_sub(1) as usize,
        }
    }

    /// The `i`-th neighbour of `me` in id order, if `i < degree`.
    #[inline]
    pub fn neighbour(&self, me: NodeId, n: u32, i: usize) -> Option<NodeId> {
        match &self.topology {
            Some(t) => t.neighbours(me).get(i).copied(),
            None => {
                let i = u32::try_from(i).ok()?;
                if i >= n.saturating_sub(1) {
                    return None;
                }
                Some(NodeId(if i < me.0 { i } else { i + 1 }))
            }
        }
    }

    /// The neighbours of `me`, in id order.
    pub fn neighbours(&self, me: NodeId, n: u32) -> Neighbours<'_> {
        match &self.topology {
            Some(t) => Neighbours::Listed(t.neighbours(me).iter()),
            None => Neighbours::Everyone { next: 0, n, me },
        }
    }

    /// True if `me` may talk to `other`.
    pub fn is_neighbour(&self, me: NodeId, other: NodeId, n: u32) -> bool {
        match &self.topology {
            Some(t) => t.has_edge(me, other),
            None => me != other && other.0 < n,
        }
    }

    /// One neighbour drawn uniformly (`None` for an isolated node).
    #[inline]
    pub fn random_neighbour(&self, me: NodeId, n: u32, rng: &mut SimRng) -> Option<NodeId> {
        let d = self.degree(me, n);
        if d == 0 {
            return None;
        }
        self.neighbour(me, n, rng.index(d))
    }

    /// `k` distinct neighbours drawn uniformly (all of them if there are no more than `k`),
    /// written into `out` (cleared first). Robert Floyd's sampling: exactly `k` draws.
    pub fn sample_neighbours(
        &self,
        me: NodeId,
        n: u32,
        k: usize,
        rng: &mut SimRng,
        out: &mut Vec<NodeId>,
    ) {
        out.clear();
        let d = self.degree(me, n);
        if k >= d {
            out.extend(self.neighbours(me, n));
            return;
        }
        if k == 1 {
            out.extend(self.neighbour(me, n, rng.index(d)));
            return;
        }
        let mut picked: Vec<usize> = Vec::with_capacity(k);
        for j in d - k..d {
            let t = rng.index(j + 1);
            picked.push(if picked.contains(&t) { j } else { t });
        }
        out.extend(picked.into_iter().filter_map(|i| self.neighbour(me, n, i)));
    }

    /// `me`'s parent, children and depth in the spanning tree from `root`: the shared tree if
    /// it has that root, otherwise computed now (a star for the complete overlay, costing
    /// O(n) only at the root; a breadth-first search over the topology, costing O(n + edges)).
    pub fn tree_links(&self, me: NodeId, n: u32, root: NodeId) -> TreeLinks {
        let from_tree = |tree: &SpanningTree| TreeLinks {
            parent: tree.parent(me),
            children: tree.children(me).to_vec(),
            depth: tree.depth(me),
        };
        if let Some(tree) = &self.tree
            && tree.root() == root
        {
            return from_tree(tree);
        }
        match &self.topology {
            Some(t) => match t.bfs_tree(root) {
                Ok(tree) => from_tree(&tree),
                Err(_) => TreeLinks::default(),
            },
            None if root.0 >= n || me.0 >= n => TreeLinks::default(),
            None if me == root => TreeLinks {
                parent: None,
                children: (0..n).filter(|&i| i != root.0).map(NodeId).collect(),
                depth: Some(0),
            },
            None => TreeLinks {
                parent: Some(root),
                children: Vec::new(),
                depth: Some(1),
            },
        }
    }
}

/// The neighbours of a node, in id order.
#[derive(Clone, Debug)]
pub enum Neighbours<'a> {
    /// Every other node of the complete overlay.
    Everyone {
        /// Next id to consider.
        next: u32,
        /// Cluster size.
        n: u32,
        /// The node itself, skipped.
        me: NodeId,
    },
    /// A topology's adjacency list.
    Listed(std::slice::Iter<'a, NodeId>),
}

impl Iterator for Neighbours<'_> {
    type Item = NodeId;

    fn next(&mut self) -> Option<NodeId> {
        match self {
            Neighbours::Everyone { next, n, me } => {
                if *next == me.0 {
                    *next += 1;
                }
                if *next >= *n {
                    return None;
                }
                let id = NodeId(*next);
                *next += 1;
                Some(id)
            }
            Neighbours::Listed(it) => it.next().copied(),
        }
    }
}
