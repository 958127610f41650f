//! Directed partitions.
//!
//! Every partition imposed stays in force, beside the others, until it is healed: a message
//! passes only if none of them cuts it. A later `groups` partition therefore never reconnects
//! a node that an earlier `isolate` cut off. Each partition is kept in the cheapest form for
//! its spec: *group labels* split the cluster into sides that cannot reach each other (label 0
//! means "reaches every side", which is how a bridge node is expressed); an isolated node is
//! one id; *blocked links* cut single directed links, which is how one-way cuts are expressed.
//!
//! A partition can be lifted alone ([`crate::Fault::HealPartition`], named by its spec), and
//! one node can be let back into every partition in force ([`crate::Fault::Reconnect`]).

use crate::NodeId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A partition to impose, as written in a fault schedule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub enum PartitionSpec {
    /// Split into groups that cannot reach each other; nodes not listed form one more group.
    Groups(Vec<Vec<NodeId>>),
    /// Cut one node off from every other, both ways.
    Isolate(NodeId),
    /// Block every link from a node of `from` to a node of `to`, in that direction only.
    OneWay {
        /// Senders whose messages are blocked.
        from: Vec<NodeId>,
        /// Receivers that no longer hear them.
        to: Vec<NodeId>,
    },
    /// Split into `left` and `right` (everyone else), with `bridge` reaching both sides.
    Bridge {
        /// One side.
        left: Vec<NodeId>,
        /// The node that still talks to everyone.
        bridge: NodeId,
    },
    /// Cut the single directed link `from -> to`.
    Link {
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
    },
}

impl PartitionSpec {
    /// Every node the spec names, to check them against the cluster size.
    pub fn nodes(&self) -> Vec<NodeId> {
        match self {
            PartitionSpec::Groups(g) => g.iter().flatten().copied().collect(),
            PartitionSpec::Isolate(n) => vec![*n],
            PartitionSpec::OneWay { from, to } => from.iter().chain(to).copied().collect(),
            PartitionSpec::Bridge { left, bridge } => {
                left.iter().copied().chain([*bridge]).collect()
            }
            PartitionSpec::Link { from, to } => vec![*from, *to],
        }
    }
}

/// One partition in force: the cuts a single [`PartitionSpec`] made, kept apart from the cuts
/// of other partitions so that partitions compose (a message passes only if every one of them
/// lets it through) and each can be healed on its own.
#[derive(Clone, Debug)]
struct Cut {
    /// The spec that made it, which names it for [`Partition::heal`].
    spec: PartitionSpec,
    shape: Shape,
}

/// How a [`Cut`] blocks, in the cheapest form for its spec.
#[derive(Clone, Debug)]
enum Shape {
    /// One label per node: a message between two non-zero labels that differ is blocked;
    /// label 0 reaches every side (a bridge, or a node reconnected since).
    Labels(Vec<u32>),
    /// One node cut off from every other, both ways.
    Isolate(NodeId),
    /// Single directed links.
    Links(BTreeSet<(NodeId, NodeId)>),
}

impl Shape {
    fn of(spec: &PartitionSpec, nodes: u32) -> Shape {
        match spec {
            PartitionSpec::Groups(groups) => {
                let rest = groups.len() as u32 + 1;
                let mut labels = vec![rest; nodes as usize];
                for (i, g) in groups.iter().enumerate() {
                    for n in g {
                        labels[n.index()] = i as u32 + 1;
                    }
                }
                Shape::Labels(labels)
            }
            PartitionSpec::Isolate(n) => Shape::Isolate(*n),
            PartitionSpec::OneWay { from, to } => Shape::Links(
                from.iter()
                    .flat_map(|a| to.iter().map(move |b| (*a, *b)))
                    .filter(|(a, b)| a != b)
                    .collect(),
            ),
            PartitionSpec::Bridge { left, bridge } => {
                let mut labels = vec![2; nodes as usize];
                for n in left {
                    labels[n.index()] = 1;
                }
                labels[bridge.index()] = 0;
                Shape::Labels(labels)
            }
            PartitionSpec::Link { from, to } => Shape::Links(BTreeSet::from([(*from, *to)])),
        }
    }

    #[inline]
    fn blocks(&self, from: NodeId, to: NodeId) -> bool {
        match self {
            Shape::Labels(labels) => {
                let (a, b) = (labels[from.index()], labels[to.index()]);
                a != 0 && b != 0 && a != b
            }
            Shape::Isolate(n) => from == *n || to == *n,
            Shape::Links(links) => links.contains(&(from, to)),
        }
    }

    /// Lets `node` reach every node and be reached by every node again; `false` if the cut
    /// is then empty.
    fn reconnect(&mut self, node: NodeId) -> bool {
        match self {
            Shape::Labels(labels) => {
                labels[node.index()] = 0;
                let mut sides = labels.iter().filter(|l| **l != 0);
                let first = sides.next();
                first.is_some_and(|f| sides.any(|l| l != f))
            }
            Shape::Isolate(n) => *n != node,
            Shape::Links(links) => {
                links.retain(|(a, b)| *a != node && *b != node);
                !links.is_empty()
            }
        }
    }
}

/// The current partition state of the network: every partition in force, in the order they
/// were imposed.
#[derive(Clone, Debug)]
pub struct Partition {
    cuts: Vec<Cut>,
    nodes: u32,
}

impl Partition {
    pub(crate) fn new(nodes: u32) -> Partition {
        Partition {
            cuts: Vec::new(),
            nodes,
        }
    }

    /// True if a message from `from` to `to` cannot pass: some partition in force cuts it.
    #[inline]
    pub fn blocks(&self, from: NodeId, to: NodeId) -> bool {
        from != to && self.cuts.iter().any(|c| c.shape.blocks(from, to))
    }

    /// True if nothing is cut.
    pub fn is_whole(&self) -> bool {
        self.cuts.is_empty()
    }

    /// The partitions in force, oldest first, as they were written.
    pub fn in_force(&self) -> impl Iterator<Item = &PartitionSpec> {
        self.cuts.iter().map(|c| &c.spec)
    }

    /// True if some partition in force cuts `node` off from at least one other node.
    pub fn cuts_off(&self, node: NodeId) -> bool {
        (0..self.nodes)
            .map(NodeId)
            .any(|other| self.blocks(node, other) || self.blocks(other, node))
    }

    /// Every cut directed link among the first `limit` nodes, for drawing (group cuts are
    /// expanded, so keep `limit` to what a picture can show).
    pub fn cut_links(&self, limit: u32) -> Vec<(NodeId, NodeId)> {
        // Without a cut in force nothing is cut: the front end asks at every step, and the
        // walk over every pair is millions of pairs at 2,000 nodes.
        if self.cuts.is_empty() {
            return Vec::new();
        }
        let n = self.nodes.min(limit);
        let mut out = Vec::new();
        for a in 0..n {
            for b in 0..n {
                if self.blocks(NodeId(a), NodeId(b)) {
                    out.push((NodeId(a), NodeId(b)));
                }
            }
        }
        out
    }

    /// Adds the cuts of `spec` to those in force.
    pub(crate) fn apply(&mut self, spec: &PartitionSpec) {
        self.cuts.push(Cut {
            spec: spec.clone(),
            shape: Shape::of(spec, self.nodes),
        });
    }

    /// Lifts the latest partition in force that `spec` imposed, leaving the others; `false`
    /// if none is in force.
    pub(crate) fn heal(&mut self, spec: &PartitionSpec) -> bool {
        match self.cuts.iter().rposition(|c| &c.spec == spec) {
            Some(i) => {
                self.cuts.remove(i);
                true
            }
            None => false,
        }
    }

    /// Lets `node` reach, and be reached by, every node again under every partition in force
    /// (the other nodes stay cut as they were); `true` if any cut involved it.
    pub(crate) fn reconnect(&mut self, node: NodeId) -> bool {
        let before = self.cuts_off(node);
        for c in &mut self.cuts {
            // A cut that no longer blocks anything is dropped with the rest of its kind.
            let keep = c.shape.reconnect(node);
            if !keep {
                c.shape = Shape::Links(BTreeSet::new());
            }
        }
        self.cuts
            .retain(|c| !matches!(&c.shape, Shape::Links(l) if l.is_empty()));
        before
    }

    /// Restores the single directed link `from -> to` (group cuts stay).
    pub(crate) fn heal_link(&mut self, from: NodeId, to: NodeId) {
        for c in &mut self.cuts {
            if let Shape::Links(links) = &mut c.shape {
                links.remove(&(from, to));
            }
        }
        self.cuts
            .retain(|c| !matches!(&c.shape, Shape::Links(l) if l.is_empty()));
    }

    /// Restores every link.
    pub(crate) fn heal_all(&mut self) {
        self.cuts.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[u32]) -> Vec<NodeId> {
        v.iter().map(|&i| NodeId(i)).collect()
    }

    #[test]
    fn groups_block_across_and_not_within() {
        let mut p = Partition::new(5);
        p.apply(&PartitionSpec::Groups(vec![ids(&[0, 1]), ids(&[2])]));
        assert!(!p.blocks(NodeId(0), NodeId(1)));
        assert!(p.blocks(NodeId(0), NodeId(2)));
        assert!(p.blocks(NodeId(2), NodeId(3)));
        // Unlisted nodes 3 and 4 form their own group.
        assert!(!p.blocks(NodeId(3), NodeId(4)));
        p.heal_all();
        assert!(p.is_whole() && !p.blocks(NodeId(0), NodeId(2)));
    }

    #[test]
    fn bridge_node_reaches_both_sides() {
        let mut p = Partition::new(5);
        p.apply(&PartitionSpec::Bridge {
            left: ids(&[0, 1]),
            bridge: NodeId(2),
        });
        assert!(p.blocks(NodeId(0), NodeId(3)));
        assert!(!p.blocks(NodeId(0), NodeId(2)) && !p.blocks(NodeId(2), NodeId(4)));
        assert!(!p.blocks(NodeId(4), NodeId(2)));
    }

    #[test]
    fn isolate_and_one_way() {
        let mut p = Partition::new(4);
        p.apply(&PartitionSpec::Isolate(NodeId(1)));
        assert!(p.blocks(NodeId(1), NodeId(0)) && p.blocks(NodeId(3), NodeId(1)));
        assert!(!p.blocks(NodeId(0), NodeId(3)));
        p.heal_all();
        p.apply(&PartitionSpec::OneWay {
            from: ids(&[0]),
            to: ids(&[1, 2]),
        });
        assert!(p.blocks(NodeId(0), NodeId(1)) && !p.blocks(NodeId(1), NodeId(0)));
        p.heal_link(NodeId(0), NodeId(1));
        assert!(!p.blocks(NodeId(0), NodeId(1)) && p.blocks(NodeId(0), NodeId(2)));
        assert_eq!(p.cut_links(10), vec![(NodeId(0), NodeId(2))]);
    }
}
