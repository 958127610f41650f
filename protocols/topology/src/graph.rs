//! The graph itself: petgraph for algorithms and drawing, sorted adjacency for protocols.

use crate::error::TopologyError;
use crate::tree::SpanningTree;
use petgraph::graph::{NodeIndex, UnGraph};
use sim_core::NodeId;

/// Most edges a topology may hold. A complete graph on 6,000 nodes already has 18 million; a
/// larger complete graph should use [`crate::Overlay::complete`], which never stores its edges.
pub const MAX_EDGES: u64 = 20_000_000;

/// An undirected graph over node ids `0..n`: the links the protocols may use.
///
/// Built once per scenario (usually shared behind an `Arc` by every node), then read-only.
/// Neighbour lists are sorted by id, so "the i-th neighbour" means the same node on every
/// machine and in every run.
#[derive(Clone, Debug)]
pub struct Topology {
    graph: UnGraph<NodeId, ()>,
    /// `offsets[i]..offsets[i + 1]` indexes node `i`'s neighbours in `adjacency`.
    offsets: Vec<usize>,
    adjacency: Vec<NodeId>,
}

impl Topology {
    /// A topology of `n` nodes with the given undirected edges. Repeated edges (in either
    /// direction) count once; a self-loop or an id outside `0..n` is an error.
    pub fn from_edges(
        n: u32,
        edges: impl IntoIterator<Item = (u32, u32)>,
    ) -> Result<Topology, TopologyError> {
        let mut pairs = Vec::new();
        for (a, b) in edges {
            if a >= n || b >= n {
                return Err(TopologyError::NodeOutOfRange { a, b, nodes: n });
            }
            if a == b {
                return Err(TopologyError::SelfLoop { node: a });
            }
            pairs.push((a.min(b), a.max(b)));
            if pairs.len() as u64 > 2 * MAX_EDGES {
                pairs.sort_unstable();
                pairs.dedup();
                check_size(pairs.len() as u64)?;
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        check_size(pairs.len() as u64)?;
        Ok(Topology::from_sorted_unique(n, &pairs))
    }

    /// Builds from edges already validated, each `(a, b)` with `a < b < n`, sorted, without
    /// repeats.
    pub(crate) fn from_sorted_unique(n: u32, pairs: &[(u32, u32)]) -> Topology {
        let nodes = n as usize;
        let mut degree = vec![0usize; nodes];
        for &(a, b) in pairs {
            degree[a as usize] += 1;
            degree[b as usize] += 1;
        }
        let mut offsets = Vec::with_capacity(nodes + 1);
        offsets.push(0);
        for d in &degree {
            let last = *offsets.last().unwrap_or(&0);
            offsets.push(last + d);
        }
        let mut fill = offsets[..nodes].to_vec();
        let mut adjacency = vec![NodeId(0); 2 * pairs.len()];
        // Edges are sorted by (a, b): each node's list comes out sorted if the smaller
        // neighbours (where the node is `b`) are placed before the larger ones. Two passes
        // keep that order without a sort.
        for &(a, b) in pairs {
            adjacency[fill[b as usize]] = NodeId(a);
            fill[b as usize] += 1;
        }
        for &(a, b) in pairs {
            adjacency[fill[a as usize]] = NodeId(b);
            fill[a as usize] += 1;
        }
        let mut graph = UnGraph::with_capacity(nodes, pairs.len());
        for i in 0..n {
            graph.add_node(NodeId(i));
        }
        for &(a, b) in pairs {
            graph.add_edge(NodeIndex::new(a as usize), NodeIndex::new(b as usize), ());
        }
        Topology {
            graph,
            offsets,
            adjacency,
        }
    }

    /// How many nodes (ids `0..node_count()`).
    pub fn node_count(&self) -> u32 {
        self.graph.node_count() as u32
    }

    /// How many undirected edges.
    pub fn edge_count(&self) -> usize {
        self.adjacency.len() / 2
    }

    /// The neighbours of `node`, sorted by id (empty for an id outside the graph).
    #[inline]
    pub fn neighbours(&self, node: NodeId) -> &[NodeId] {
        let i = node.index();
        if i + 1 >= self.offsets.len() {
            return &[];
        }
        &self.adjacency[self.offsets[i]..self.offsets[i + 1]]
    }

    /// The number of neighbours of `node`.
    #[inline]
    pub fn degree(&self, node: NodeId) -> usize {
        self.neighbours(node).len()
    }

    /// True if `a` and `b` are linked.
    pub fn has_edge(&self, a: NodeId, b: NodeId) -> bool {
        self.neighbours(a).binary_search(&b).is_ok()
    }

    /// Every edge once, as `(a, b)` with `a < b`, in increasing order.
    pub fn edges(&self) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        (0..self.node_count()).flat_map(move |a| {
            let a = NodeId(a);
            self.neighbours(a)
                .iter()
                .filter(move |b| **b > a)
                .map(move |b| (a, *b))
        })
    }

    /// True if every node can reach every other (a one-node graph is connected).
    pub fn is_connected(&self) -> bool {
        petgraph::algo::connected_components(&self.graph) <= 1
    }

    /// The underlying petgraph graph; node index `i` is node id `i` (its weight says so too).
    pub fn graph(&self) -> &UnGraph<NodeId, ()> {
        &self.graph
    }

    /// The breadth-first spanning tree from `root`, visiting neighbours in id order (so every
    /// machine builds the same tree). Nodes the root cannot reach are left out of it.
    pub fn bfs_tree(&self, root: NodeId) -> Result<SpanningTree, TopologyError> {
        SpanningTree::bfs(self, root)
    }
}

fn check_size(edges: u64) -> Result<(), TopologyError> {
    if edges > MAX_EDGES {
        return Err(TopologyError::TooLarge {
            edges,
            max: MAX_EDGES,
        });
    }
    Ok(())
}

/// Rejects an edge count above [`MAX_EDGES`] before a generator allocates it.
pub(crate) fn ensure_edges_fit(edges: u64) -> Result<(), TopologyError> {
    check_size(edges)
}
