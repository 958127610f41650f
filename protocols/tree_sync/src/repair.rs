//! Repair and election: a node that lost its parent probes its neighbours and attaches to
//! the best one whose round it prefers to its own; one that finds none for `parent_timeout`
//! acts as root; and a node in a tree under a root above the lowest id it has heard of looks
//! for the better tree and moves to it.

use crate::message::{Msg, Round};
use crate::node::{Offered, TreeNode};
use sim_core::{Ctx, Mark, NodeId};
use std::cmp::Reverse;

impl TreeNode {
    /// Leaves the parent (if any); the node keeps its children, who will find it again or
    /// move on when its rounds stop. It keeps its round, as the one an offer must beat.
    pub(crate) fn detach(&mut self, ctx: &mut Ctx<'_, Self>) {
        self.parent = None;
        self.path.clear();
        self.offers.clear();
        self.detached_at = ctx.local_time();
    }

    /// Starts acting as root: the next rounds are this node's own, and its neighbours hear
    /// of it at once.
    pub(crate) fn lead(&mut self, ctx: &mut Ctx<'_, Self>) {
        debug_assert!(self.cfg.elect_root && self.parent.is_none());
        self.leads = true;
        ctx.mark(Mark::Joined { parent: self.id });
        self.lowest = self.lowest.min(self.id);
        self.offers.clear();
        self.start_round(ctx);
        self.probe_all(ctx);
    }

    /// True if this node would attach to a neighbour offering `round`: a root it may follow,
    /// a round newer than any of that root it has held, and one it prefers to where it
    /// stands — in a tree, only a lower root; lost, a round it prefers to its last.
    fn takes(&self, round: &Round) -> bool {
        if !self.may_follow(round.root) || !self.is_unseen(round) {
            return false;
        }
        if self.leads {
            // A lower root than its own id (`may_follow`); the fixed root takes nothing.
            self.cfg.elect_root
        } else if self.parent.is_some() {
            self.cfg.elect_root && self.round.is_none_or(|mine| round.root < mine.root)
        } else {
            self.round.is_none_or(|mine| round.beats(&mine))
        }
    }

    /// Attaches to the best offer received since the last tick that this node takes (the
    /// lowest root, then the shortest path, then the newest round); true if it did.
    pub(crate) fn take_best_offer(&mut self, ctx: &mut Ctx<'_, Self>) -> bool {
        let offers = std::mem::take(&mut self.offers);
        let best = offers
            .into_iter()
            .filter(|(_, o)| self.takes(&o.round) && !o.path.contains(&self.id))
            .min_by_key(|(p, o)| (o.round.root, o.path.len(), Reverse(o.round.stamp), *p));
        match best {
            Some((p, o)) => {
                self.attach(p, o, ctx);
                true
            }
            None => false,
        }
    }

    fn attach(&mut self, parent: NodeId, offer: Offered, ctx: &mut Ctx<'_, Self>) {
        if let Some(old) = self.parent
            && old != parent
        {
            self.unlink(old, ctx);
        }
        let was_root = std::mem::replace(&mut self.leads, false);
        self.parent = Some(parent);
        self.parent_changes += 1;
        self.round = Some(offer.round);
        self.known.insert(offer.round.root, offer.round.stamp);
        self.fresh_at = ctx.local_time();
        self.path = offer.path;
        self.path.push(self.id);
        self.children.remove(&parent);
        ctx.mark(Mark::Joined { parent });
        let under = if was_root { " (no longer root)" } else { "" };
        ctx.annotate(format!(
            "attached to {parent} at depth {} under root {}{under}",
            self.path.len() - 1,
            offer.round.root
        ));
        self.report(ctx);
    }

    fn probe(&mut self, to: NodeId, ctx: &mut Ctx<'_, Self>) {
        let msg = Msg::Probe {
            round: self.round,
            lowest: self.lowest,
            attached: self.is_attached(),
        };
        self.send(to, msg, ctx);
    }

    /// Probes every neighbour.
    pub(crate) fn probe_all(&mut self, ctx: &mut Ctx<'_, Self>) {
        let overlay = self.cfg.overlay.clone();
        for to in overlay.neighbours(self.id, self.n) {
            self.probe(to, ctx);
        }
    }

    /// Probes the next neighbour, in turn, that is neither the parent nor a child (those are
    /// in this node's tree already): one message per tick, however many neighbours.
    pub(crate) fn probe_one(&mut self, ctx: &mut Ctx<'_, Self>) {
        let others: Vec<NodeId> = self
            .cfg
            .overlay
            .neighbours(self.id, self.n)
            .filter(|&m| Some(m) != self.parent && !self.children.contains_key(&m))
            .collect();
        if others.is_empty() {
            return;
        }
        let to = others[self.probe_next % others.len()];
        self.probe_next = self.probe_next.wrapping_add(1);
        self.probe(to, ctx);
    }

    /// A neighbour looking for a parent (or for a better tree): offer this node if the
    /// prober would take it and is not above it; if instead the prober is in a tree this
    /// node would rather be in, ask it for an offer.
    pub(crate) fn on_probe(
        &mut self,
        from: NodeId,
        theirs: Option<Round>,
        attached: bool,
        ctx: &mut Ctx<'_, Self>,
    ) {
        let Some(mine) = self.round else { return };
        if !self.is_attached() || self.path.is_empty() {
            return;
        }
        let offer = !self.path.contains(&from)
            && (!self.cfg.elect_root || mine.root < from)
            && match theirs {
                None => true,
                Some(t) if attached => mine.root < t.root,
                Some(t) => mine.beats(&t),
            };
        if offer {
            let msg = Msg::Offer {
                round: mine,
                path: self.path.clone(),
            };
            self.send(from, msg, ctx);
        } else if self.cfg.elect_root
            && attached
            && theirs.is_some_and(|t| t.root < mine.root && self.may_follow(t.root))
        {
            self.probe(from, ctx);
        }
    }

    /// An offer: kept until the next tick, when the best one this node takes is taken.
    pub(crate) fn on_offer(&mut self, from: NodeId, round: Round, path: Vec<NodeId>) {
        if !self.is_valid_path(&path, from, round.root) || path.contains(&self.id) {
            return;
        }
        if self.takes(&round) {
            self.offers.insert(from, Offered { round, path });
        }
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
