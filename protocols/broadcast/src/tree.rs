//! The efficient broadcast's dissemination: new broadcasts are collected for a batch interval
//! and sent in one message per spanning-tree neighbour, each broadcast crossing each tree edge
//! once. What the tree misses (a cut edge, a crashed inner node) is left to anti-entropy.

use crate::config::Dissemination;
use crate::id::Item;
use crate::message::Msg;
use crate::node::{BroadcastNode, Timer};
use sim_core::{Ctx, Duration, NodeId, TimerId};
use topology::TreeLinks;

/// A node's place in the spanning tree and what waits to be sent along it.
#[derive(Clone, Debug)]
pub(crate) struct TreeState {
    pub(crate) links: TreeLinks,
    /// One queue per tree neighbour (parent first, then children).
    outbox: Vec<(NodeId, Vec<Item>)>,
    /// The pending flush, if one is set.
    timer: Option<TimerId>,
}

impl TreeState {
    pub(crate) fn new(links: TreeLinks) -> TreeState {
        let outbox = links
            .parent
            .iter()
            .chain(&links.children)
            .map(|&n| (n, Vec::new()))
            .collect();
        TreeState {
            links,
            outbox,
            timer: None,
        }
    }
}

/// The links of a node outside any tree (every node but the tree broadcast's).
static NO_TREE: TreeLinks = TreeLinks {
    parent: None,
    children: Vec::new(),
    depth: None,
};

impl BroadcastNode {
    /// Queues a new broadcast for every tree neighbour but the one it came from.
    pub(crate) fn enqueue(&mut self, item: Item, from: Option<NodeId>, ctx: &mut Ctx<'_, Self>) {
        let Some(tree) = self.tree.as_deref_mut() else {
            return;
        };
        let mut queued = false;
        for (to, queue) in &mut tree.outbox {
            if Some(*to) != from {
                queue.push(item);
                queued = true;
            }
        }
        if !queued || tree.timer.is_some() {
            return;
        }
        let batch = match &self.cfg.dissemination {
            Dissemination::Tree(t) => t.batch,
            _ => Duration::ZERO,
        };
        if batch == Duration::ZERO {
            self.flush(ctx);
        } else {
            let timer = ctx.set_timer(batch, Timer::Flush);
            if let Some(tree) = self.tree.as_deref_mut() {
                tree.timer = Some(timer);
            }
        }
    }

    /// The flush timer fired.
    pub(crate) fn flush_timer(&mut self, ctx: &mut Ctx<'_, Self>) {
        if let Some(tree) = self.tree.as_deref_mut() {
            tree.timer = None;
        }
        self.flush(ctx);
    }

    /// Sends each tree neighbour its batch now (cancelling the pending flush).
    pub(crate) fn flush(&mut self, ctx: &mut Ctx<'_, Self>) {
        let Some(tree) = self.tree.as_deref_mut() else {
            return;
        };
        if let Some(t) = tree.timer.take() {
            ctx.cancel_timer(t);
        }
        let mut outbox = std::mem::take(&mut tree.outbox);
        for (to, queue) in &mut outbox {
            if queue.is_empty() {
                continue;
            }
            let items = queue.drain(..).map(|i| self.onward(i)).collect();
            self.send(*to, Msg::Batch { items }, ctx);
        }
        if let Some(tree) = self.tree.as_deref_mut() {
            tree.outbox = outbox;
        }
    }

    /// The node's place in the spanning tree (none outside the tree broadcast).
    pub(crate) fn tree_links(&self) -> &TreeLinks {
        self.tree.as_ref().map_or(&NO_TREE, |t| &t.links)
    }

    /// The node's tree parent, if it is in the tree and not the root.
    pub fn tree_parent(&self) -> Option<NodeId> {
        self.tree_links().parent
    }

    /// The node's tree children.
    pub fn tree_children(&self) -> &[NodeId] {
        &self.tree_links().children
    }
}
