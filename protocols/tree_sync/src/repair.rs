//! Repair: a node that lost its parent probes its neighbours and attaches to the best one
//! that has seen a newer round than it has.

use crate::message::Msg;
use crate::node::{Offered, TreeNode};
use sim_core::{Ctx, NodeId, Time};

impl TreeNode {
    /// Leaves the parent (if any); the node keeps its children, who will find it again or
    /// move on when its rounds stop.
    pub(crate) fn detach(&mut self, _ctx: &mut Ctx<'_, Self>) {
        self.parent = None;
        self.path.clear();
        self.offers.clear();
    }

    /// Attaches to the best offer received since the last tick, or probes the neighbours.
    pub(crate) fn seek_parent(&mut self, ctx: &mut Ctx<'_, Self>) {
        let offers = std::mem::take(&mut self.offers);
        let best = offers
            .into_iter()
            .filter(|(_, o)| o.stamp > self.stamp && !o.path.contains(&self.id))
            .min_by_key(|(p, o)| (o.path.len(), std::cmp::Reverse(o.stamp), *p));
        if let Some((p, o)) = best {
            self.attach(p, o, ctx);
            return;
        }
        let stamp = self.stamp;
        let overlay = self.cfg.overlay.clone();
        for to in overlay.neighbours(self.id, self.n) {
            self.send(to, Msg::Probe { stamp }, ctx);
        }
    }

    fn attach(&mut self, parent: NodeId, offer: Offered, ctx: &mut Ctx<'_, Self>) {
        self.parent = Some(parent);
        self.parent_changes += 1;
        self.stamp = offer.stamp;
        self.fresh_at = ctx.local_time();
        self.path = offer.path;
        self.path.push(self.id);
        self.children.remove(&parent);
        ctx.annotate(format!(
            "re-attached to {parent} at depth {}",
            self.path.len() - 1
        ));
        self.report(ctx);
    }

    /// A neighbour without a parent: offer this node if it is in the tree, has seen a newer
    /// round, and is not below the prober.
    pub(crate) fn on_probe(&mut self, from: NodeId, stamp: Time, ctx: &mut Ctx<'_, Self>) {
        if !self.is_attached() || self.stamp <= stamp || self.path.contains(&from) {
            return;
        }
        if self.path.is_empty() {
            return;
        }
        let offer = Msg::Offer {
            stamp: self.stamp,
            path: self.path.clone(),
        };
        self.send(from, offer, ctx);
    }

    /// An offer: kept until the next tick if this node is still looking.
    pub(crate) fn on_offer(&mut self, from: NodeId, stamp: Time, path: Vec<NodeId>) {
        if self.is_attached() || !self.is_valid_path(&path, from) {
            return;
        }
        self.offers.insert(from, Offered { stamp, path });
    }

    /// `from` drops whatever link it had with this node.
    pub(crate) fn on_unlink(&mut self, from: NodeId, ctx: &mut Ctx<'_, Self>) {
        self.children.remove(&from);
        if self.parent == Some(from) {
            ctx.annotate(format!("parent {from} let go; looking for another"));
            self.detach(ctx);
        }
    }
}
