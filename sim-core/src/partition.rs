//! Directed partitions.
//!
//! Two mechanisms combine. *Group labels* split the cluster into sides that cannot reach each
//! other (cheap for any cluster size); label 0 means "reaches every side", which is how a bridge
//! node is expressed. *Blocked links* cut single directed links, which is how one-way cuts are
//! expressed. A message from `a` to `b` is blocked if their labels are both non-zero and differ,
//! or if the link `a -> b` is blocked.

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

/// Label of a node isolated on its own (distinct from every group label).
const ISOLATED_BASE: u32 = 1 << 31;

/// The current partition state of the network.
#[derive(Clone, Debug)]
pub struct Partition {
    /// One label per node, or empty when no groups are in force.
    labels: Vec<u32>,
    blocked: BTreeSet<(NodeId, NodeId)>,
    nodes: u32,
}

impl Partition {
    pub(crate) fn new(nodes: u32) -> Partition {
        Partition {
            labels: Vec::new(),
            blocked: BTreeSet::new(),
            nodes,
        }
    }

    /// True if a message from `from` to `to` cannot pass.
    #[inline]
    pub fn blocks(&self, from: NodeId, to: NodeId) -> bool {
        if from == to {
            return false;
        }
        if !self.labels.is_empty() {
            let (a, b) = (self.labels[from.index()], self.labels[to.index()]);
            if a != 0 && b != 0 && a != b {
                return true;
            }
        }
        !self.blocked.is_empty() && self.blocked.contains(&(from, to))
    }

    /// True if nothing is cut.
    pub fn is_whole(&self) -> bool {
        self.labels.is_empty() && self.blocked.is_empty()
    }

    /// Every cut directed link among the first `limit` nodes, for drawing (group cuts are
    /// expanded, so keep `limit` to what a picture can show).
    pub fn cut_links(&self, limit: u32) -> Vec<(NodeId, NodeId)> {
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

    pub(crate) fn apply(&mut self, spec: &PartitionSpec) {
        match spec {
            PartitionSpec::Groups(groups) => {
                let rest = groups.len() as u32 + 1;
                self.labels = vec![rest; self.nodes as usize];
                for (i, g) in groups.iter().enumerate() {
                    for n in g {
                        self.labels[n.index()] = i as u32 + 1;
                    }
                }
            }
            PartitionSpec::Isolate(n) => {
                if self.labels.is_empty() {
                    self.labels = vec![1; self.nodes as usize];
                }
                self.labels[n.index()] = ISOLATED_BASE + n.0;
            }
            PartitionSpec::OneWay { from, to } => {
                for a in from {
                    for b in to {
                        if a != b {
                            self.blocked.insert((*a, *b));
                        }
                    }
                }
            }
            PartitionSpec::Bridge { left, bridge } => {
                self.labels = vec![2; self.nodes as usize];
                for n in left {
                    self.labels[n.index()] = 1;
                }
                self.labels[bridge.index()] = 0;
            }
            PartitionSpec::Link { from, to } => {
                self.blocked.insert((*from, *to));
            }
        }
    }

    /// Restores the single directed link `from -> to` (group cuts stay).
    pub(crate) fn heal_link(&mut self, from: NodeId, to: NodeId) {
        self.blocked.remove(&(from, to));
    }

    /// Restores every link.
    pub(crate) fn heal_all(&mut self) {
        self.labels.clear();
        self.blocked.clear();
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
