//! The broadcast invariants: checked incrementally after every event (no duplicate
//! delivery, integrity), and at the end of a run (agreement among correct nodes).

use crate::id::MsgId;
use crate::log_index::LogIndex;
use crate::node::BroadcastNode;
use sim_core::{CheckView, Checker, NodeId, Nodes, Time};
use std::collections::BTreeMap;

/// How far a checker has read one node's append-only logs. Read after every event, so kept
/// apart from anything bigger and in 32 bits: a million nodes' heads are 12 MB, within the
/// last-level cache, where a cursor holding its checker's memory too would miss it.
#[derive(Clone, Copy, Debug, Default)]
struct Head {
    incarnation: u32,
    deliveries: u32,
    originated: u32,
}

/// The part of `all` past `*read`, with the position it starts at, moving `read` to the end.
fn unread<'n, E>(read: &mut u32, all: &'n [E]) -> (usize, &'n [E]) {
    let from = (*read as usize).min(all.len());
    *read = u32::try_from(all.len()).expect("a log of fewer than 2^32 entries");
    (from, &all[from..])
}

/// Every node's [`Head`], and what the checker keeps about each node's log (`T`), both
/// started afresh when the node restarts (a new incarnation remembers nothing, so its logs
/// start over).
#[derive(Clone, Debug, Default)]
struct Cursors<T> {
    heads: Vec<Head>,
    kept: Vec<T>,
}

impl<T: Default> Cursors<T> {
    /// The node the event touched, if it is up, with its head and what is kept about it.
    fn touched<'n>(
        &mut self,
        view: &CheckView<'n, BroadcastNode>,
    ) -> Option<(&'n BroadcastNode, &mut Head, &mut T)> {
        let id = view.touched?;
        if self.heads.len() < view.nodes.len() {
            self.heads.resize(view.nodes.len(), Head::default());
            self.kept.resize_with(view.nodes.len(), T::default);
        }
        let node = view.nodes.get(id)?;
        let head = &mut self.heads[id.index()];
        let kept = &mut self.kept[id.index()];
        if head.incarnation != node.incarnation() {
            *head = Head {
                incarnation: node.incarnation(),
                ..Head::default()
            };
            *kept = T::default();
        }
        Some((node, head, kept))
    }
}

/// No node delivers the same broadcast twice (within one incarnation: a restarted node has
/// forgotten what it delivered, and may deliver it again). Looks only at the deliveries the
/// last event appended.
#[derive(Clone, Debug, Default)]
pub struct NoDuplicateDelivery {
    /// Per node, the first delivery of each id, by its position in the node's log.
    cursors: Cursors<LogIndex>,
}

impl Checker<BroadcastNode> for NoDuplicateDelivery {
    fn name(&self) -> &str {
        "no duplicate delivery"
    }

    fn check(&mut self, view: &CheckView<'_, BroadcastNode>) -> Result<(), String> {
        let Some((node, head, index)) = self.cursors.touched(view) else {
            return Ok(());
        };
        let log = node.deliveries();
        let (from, new) = unread(&mut head.deliveries, log);
        for (at, d) in new.iter().enumerate() {
            if !index.insert(log, from + at, d.id) {
                return Err(format!(
                    "{} delivered {} a second time at {}",
                    node.id(),
                    d.id,
                    d.at
                ));
            }
        }
        Ok(())
    }
}

/// No node delivers a broadcast that was never made, or with a payload other than the one it
/// was made with. Broadcasts are learned from each origin's own record of what it broadcast,
/// which the checker sees in the event that made the broadcast, before any copy can arrive.
#[derive(Clone, Debug, Default)]
pub struct Integrity {
    sent: BTreeMap<MsgId, u64>,
    cursors: Cursors<()>,
}

impl Checker<BroadcastNode> for Integrity {
    fn name(&self) -> &str {
        "integrity"
    }

    fn check(&mut self, view: &CheckView<'_, BroadcastNode>) -> Result<(), String> {
        let Some((node, head, ())) = self.cursors.touched(view) else {
            return Ok(());
        };
        for &(id, payload) in unread(&mut head.originated, node.originated()).1 {
            if let Some(old) = self.sent.insert(id, payload) {
                return Err(format!(
                    "{} reused id {id} (payload {old}, now {payload})",
                    node.id()
                ));
            }
        }
        for d in unread(&mut head.deliveries, node.deliveries()).1 {
            match self.sent.get(&d.id) {
                None => {
                    return Err(format!(
                        "{} delivered {} at {}, which was never broadcast",
                        node.id(),
                        d.id,
                        d.at
                    ));
                }
                Some(&p) if p != d.payload => {
                    return Err(format!(
                        "{} delivered {} with payload {}, but it was broadcast with {p}",
                        node.id(),
                        d.id,
                        d.payload
                    ));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }
}

/// Agreement among correct nodes, for the end of a run (after the network healed): every node
/// in `correct` is up and has delivered exactly the same broadcasts. Since a correct origin
/// delivers its own broadcasts at once, this also says every correct node's broadcasts
/// reached every correct node (validity).
pub fn check_agreement(nodes: Nodes<'_, BroadcastNode>, correct: &[NodeId]) -> Result<(), String> {
    let mut union: BTreeMap<MsgId, NodeId> = BTreeMap::new();
    let mut live = Vec::with_capacity(correct.len());
    for &id in correct {
        let node = nodes
            .get(id)
            .ok_or_else(|| format!("{id} is listed as correct but is down"))?;
        for m in node.seen().iter() {
            union.entry(m).or_insert(id);
        }
        live.push(node);
    }
    for node in live {
        if node.seen().len() == union.len() as u64 {
            continue;
        }
        let missing: Vec<(&MsgId, &NodeId)> = union
            .iter()
            .filter(|(m, _)| !node.has_delivered(**m))
            .collect();
        if let Some((m, who)) = missing.first() {
            return Err(format!(
                "{} never delivered {m}, which {who} delivered ({} missing in all)",
                node.id(),
                missing.len()
            ));
        }
    }
    Ok(())
}

/// When the correct nodes last changed what they had delivered: the latest delivery among
/// them, if they agree (`None` if they do not). A scenario compares it with its heal time and
/// its convergence bound.
pub fn agreement_time(nodes: Nodes<'_, BroadcastNode>, correct: &[NodeId]) -> Option<Time> {
    check_agreement(nodes, correct).ok()?;
    correct
        .iter()
        .filter_map(|&id| nodes.get(id))
        .flat_map(|n| n.deliveries().iter().map(|d| d.at))
        .max()
}

/// Every node that is up, for `check_agreement` when no node ever crashed.
pub fn live_nodes(nodes: Nodes<'_, BroadcastNode>) -> Vec<NodeId> {
    nodes.live().map(|(id, _)| id).collect()
}
