//! Anti-entropy with digests: every period a node sends its digest to `fanout` random
//! neighbours; the partner answers with what the starter lacks (pull) and asks for what it
//! lacks itself (push); the starter sends what was asked for.

use crate::config::Dissemination;
use crate::id::{Item, MsgId};
use crate::message::{Direction, Msg};
use crate::node::{BroadcastNode, Timer};
use crate::periodic::{offset, until_next};
use crate::seen::Seen;
use sim_core::{Ctx, Duration, NodeId, Time};

/// Most broadcasts one reply or repair carries; the rest follow in later exchanges, so that a
/// long partition does not produce one enormous message.
pub const MAX_ITEMS_PER_EXCHANGE: usize = 10_000;

impl BroadcastNode {
    /// Sets the first exchange, if anti-entropy is on.
    pub(crate) fn start_anti_entropy(&mut self, ctx: &mut Ctx<'_, Self>) {
        let Some(ae) = self.cfg.anti_entropy.clone() else {
            return;
        };
        self.ae_offset = offset(ae.phase, ae.period, ctx.rng());
        let wait = until_next(ctx.local_time(), ae.period, self.ae_offset);
        ctx.set_timer(wait, Timer::AntiEntropy);
    }

    /// Starts exchanges with `fanout` random neighbours, and sets the next round.
    pub(crate) fn anti_entropy_tick(&mut self, ctx: &mut Ctx<'_, Self>) {
        let Some(ae) = self.cfg.anti_entropy.clone() else {
            return;
        };
        let mut peers = Vec::new();
        self.cfg.overlay.sample_neighbours(
            self.id,
            self.n,
            ae.fanout as usize,
            ctx.rng(),
            &mut peers,
        );
        if ae.with_parent
            && let Some(parent) = self.tree_parent()
            && !peers.contains(&parent)
        {
            peers.push(parent);
        }
        let settled = self.settled_before(ctx);
        while self.recent.front().is_some_and(|&(at, _)| at <= settled) {
            self.recent.pop_front();
        }
        let mut fresh: Vec<MsgId> = self.recent.iter().map(|&(_, id)| id).collect();
        fresh.sort_unstable();
        let digest = self.digest();
        for &to in &peers {
            let msg = Msg::Digest {
                seen: digest.clone(),
                fresh: fresh.clone(),
                direction: ae.direction,
            };
            self.send(to, msg, ctx);
        }
        ctx.set_timer(ae.period, Timer::AntiEntropy);
    }

    /// Takes in broadcasts an exchange brought. They were lost on the normal path, so a tree
    /// node sends them on at once instead of waiting for the batch interval.
    pub(crate) fn accept_repair(
        &mut self,
        items: Vec<Item>,
        from: NodeId,
        ctx: &mut Ctx<'_, Self>,
    ) {
        let mut new = 0usize;
        for item in items {
            new += usize::from(self.accept(item, Some(from), ctx));
        }
        if new == 0 {
            return;
        }
        // Where anti-entropy is only the backup, a repair is worth a note: something was lost.
        if self.cfg.dissemination != Dissemination::None {
            ctx.annotate(format!(
                "anti-entropy with {from} repaired {new} missed broadcasts"
            ));
        }
        if matches!(self.cfg.dissemination, Dissemination::Tree(_)) {
            self.flush(ctx);
        }
    }

    /// Broadcasts received at or before this time are old enough to send in an exchange.
    fn settled_before(&self, ctx: &Ctx<'_, Self>) -> Time {
        let settle = self
            .cfg
            .anti_entropy
            .as_ref()
            .map_or(Duration::ZERO, |a| a.settle);
        Time(ctx.now().0.saturating_sub(settle.0))
    }

    /// A partner's digest: answer with what it lacks (if it pulls) and ask for what this node
    /// lacks (if it pushes), leaving out what either side received too recently. Nothing is
    /// sent when neither is needed.
    pub(crate) fn on_digest(
        &mut self,
        from: NodeId,
        theirs: &Seen,
        fresh: &[MsgId],
        direction: Direction,
        ctx: &mut Ctx<'_, Self>,
    ) {
        let settled = self.settled_before(ctx);
        self.index_log();
        let items: Vec<Item> = if direction.pulls() {
            self.seen
                .minus(theirs)
                .filter_map(|id| self.stored(id))
                .filter(|&(_, at)| at <= settled)
                .take(MAX_ITEMS_PER_EXCHANGE)
                .map(|(item, _)| self.onward(item))
                .collect()
        } else {
            Vec::new()
        };
        let want: Vec<_> = if direction.pushes() {
            theirs
                .minus(&self.seen)
                .filter(|id| fresh.binary_search(id).is_err())
                .take(MAX_ITEMS_PER_EXCHANGE)
                .collect()
        } else {
            Vec::new()
        };
        if !items.is_empty() || !want.is_empty() {
            self.send(from, Msg::Reply { items, want }, ctx);
        }
    }

    /// The partner's answer: take what it sent; send what it asked for.
    pub(crate) fn on_reply(
        &mut self,
        from: NodeId,
        items: Vec<Item>,
        want: &[MsgId],
        ctx: &mut Ctx<'_, Self>,
    ) {
        self.accept_repair(items, from, ctx);
        let settled = self.settled_before(ctx);
        self.index_log();
        let repair: Vec<Item> = want
            .iter()
            .filter_map(|&id| self.stored(id))
            .filter(|&(_, at)| at <= settled)
            .take(MAX_ITEMS_PER_EXCHANGE)
            .map(|(item, _)| self.onward(item))
            .collect();
        if !repair.is_empty() {
            self.send(from, Msg::Repair { items: repair }, ctx);
        }
    }
}
