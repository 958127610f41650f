//! Spanning trees: the shape tree-based protocols start from and the front end lays out.

use crate::error::TopologyError;
use crate::graph::Topology;
use sim_core::NodeId;
use std::collections::VecDeque;

/// Marks a node the root cannot reach.
const UNREACHED: u32 = u32::MAX;

/// A rooted tree over (some of) a topology's nodes: each reached node's parent, children and
/// depth. Children are sorted by id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpanningTree {
    root: NodeId,
    parent: Vec<Option<NodeId>>,
    depth: Vec<u32>,
    /// `offsets[i]..offsets[i + 1]` indexes node `i`'s children in `children`.
    offsets: Vec<usize>,
    children: Vec<NodeId>,
}

impl SpanningTree {
    /// Breadth-first from `root`, neighbours taken in id order.
    pub(crate) fn bfs(topology: &Topology, root: NodeId) -> Result<SpanningTree, TopologyError> {
        let n = topology.node_count();
        if root.0 >= n {
            return Err(TopologyError::BadRoot {
                root: root.0,
                nodes: n,
            });
        }
        let mut parent = vec![None; n as usize];
        let mut depth = vec![UNREACHED; n as usize];
        depth[root.index()] = 0;
        let mut queue = VecDeque::from([root]);
        while let Some(u) = queue.pop_front() {
            for &v in topology.neighbours(u) {
                if depth[v.index()] == UNREACHED {
                    depth[v.index()] = depth[u.index()] + 1;
                    parent[v.index()] = Some(u);
                    queue.push_back(v);
                }
            }
        }
        Ok(SpanningTree::from_parents(root, parent, depth))
    }

    /// The star on `n` nodes centred on `root`: the breadth-first tree of a complete graph.
    pub fn star(n: u32, root: NodeId) -> Result<SpanningTree, TopologyError> {
        if root.0 >= n {
            return Err(TopologyError::BadRoot {
                root: root.0,
                nodes: n,
            });
        }
        let parent = (0..n)
            .map(|i| (i != root.0).then_some(root))
            .collect::<Vec<_>>();
        let depth = (0..n).map(|i| u32::from(i != root.0)).collect();
        Ok(SpanningTree::from_parents(root, parent, depth))
    }

    fn from_parents(root: NodeId, parent: Vec<Option<NodeId>>, depth: Vec<u32>) -> SpanningTree {
        let n = parent.len();
        let mut count = vec![0usize; n];
        for p in parent.iter().flatten() {
            count[p.index()] += 1;
        }
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0);
        for c in &count {
            let last = *offsets.last().unwrap_or(&0);
            offsets.push(last + c);
        }
        let mut fill = offsets[..n].to_vec();
        let mut children = vec![NodeId(0); offsets[n]];
        // Visiting children in id order leaves each list sorted.
        for (i, p) in parent.iter().enumerate() {
            if let Some(p) = p {
                children[fill[p.index()]] = NodeId(i as u32);
                fill[p.index()] += 1;
            }
        }
        SpanningTree {
            root,
            parent,
            depth,
            offsets,
            children,
        }
    }

    /// The root.
    pub fn root(&self) -> NodeId {
        self.root
    }

    /// How many nodes the underlying topology has (reached or not).
    pub fn node_count(&self) -> u32 {
        self.parent.len() as u32
    }

    /// The parent of `node`: `None` for the root, an unreached node, or an id outside the tree.
    pub fn parent(&self, node: NodeId) -> Option<NodeId> {
        self.parent.get(node.index()).copied().flatten()
    }

    /// The children of `node`, sorted by id.
    pub fn children(&self, node: NodeId) -> &[NodeId] {
        let i = node.index();
        if i + 1 >= self.offsets.len() {
            return &[];
        }
        &self.children[self.offsets[i]..self.offsets[i + 1]]
    }

    /// Hops from the root, or `None` if the root cannot reach `node`.
    pub fn depth(&self, node: NodeId) -> Option<u32> {
        match self.depth.get(node.index()) {
            Some(&d) if d != UNREACHED => Some(d),
            _ => None,
        }
    }

    /// True if `node` is in the tree.
    pub fn contains(&self, node: NodeId) -> bool {
        self.depth(node).is_some()
    }

    /// How many nodes the tree spans (the root included).
    pub fn reached(&self) -> u32 {
        self.depth.iter().filter(|&&d| d != UNREACHED).count() as u32
    }

    /// The largest depth of a reached node.
    pub fn height(&self) -> u32 {
        self.depth
            .iter()
            .filter(|&&d| d != UNREACHED)
            .max()
            .copied()
            .unwrap_or(0)
    }

    /// Every tree edge as `(parent, child)`, children in id order.
    pub fn edges(&self) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        self.parent
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.map(|p| (p, NodeId(i as u32))))
    }
}
