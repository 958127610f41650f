//! Rumor mongering (Demers et al. 1987): a node that learns a broadcast keeps pushing it to
//! random neighbours every period until it loses interest, by counter or coin, after every
//! push (blind) or only after pushes to nodes that already knew it (feedback).

use crate::config::{Dissemination, Loss, Rumor, Stop};
use crate::id::{Item, MsgId};
use crate::message::Msg;
use crate::node::{BroadcastNode, Timer};
use crate::periodic::until_next;
use sim_core::{Ctx, NodeId, Time};
use std::collections::BTreeMap;

/// The rumors a node is spreading.
#[derive(Clone, Debug, Default)]
pub(crate) struct RumorState {
    /// Hot rumors and how many counted pushes each has had.
    pub(crate) hot: BTreeMap<MsgId, u32>,
    /// Whether a push timer is set.
    armed: bool,
}

impl BroadcastNode {
    fn rumor_params(&self) -> Option<Rumor> {
        match &self.cfg.dissemination {
            Dissemination::Rumor(r) => Some(r.clone()),
            _ => None,
        }
    }

    /// Makes `id` a hot rumor and makes sure a push is scheduled.
    pub(crate) fn heat(&mut self, id: MsgId, ctx: &mut Ctx<'_, Self>) {
        self.rumor.hot.insert(id, 0);
        self.arm_rumor(ctx);
    }

    fn arm_rumor(&mut self, ctx: &mut Ctx<'_, Self>) {
        let Some(r) = self.rumor_params() else {
            return;
        };
        if self.rumor.armed || self.rumor.hot.is_empty() {
            return;
        }
        let wait = until_next(ctx.local_time(), r.period, self.rumor_offset);
        ctx.set_timer(wait, Timer::Rumor);
        self.rumor.armed = true;
    }

    /// One cycle: push every hot rumor to `fanout` random neighbours.
    pub(crate) fn rumor_tick(&mut self, ctx: &mut Ctx<'_, Self>) {
        self.rumor.armed = false;
        let Some(r) = self.rumor_params() else {
            return;
        };
        self.index_log();
        let items: Vec<Item> = self
            .rumor
            .hot
            .keys()
            .filter_map(|&id| self.stored(id))
            .map(|(item, _)| self.onward(item))
            .collect();
        if items.is_empty() {
            self.rumor.hot.clear();
            return;
        }
        let mut peers = Vec::new();
        self.cfg.overlay.sample_neighbours(
            self.id,
            self.n,
            r.fanout as usize,
            ctx.rng(),
            &mut peers,
        );
        for &to in &peers {
            self.send(
                to,
                Msg::Rumor {
                    items: items.clone(),
                },
                ctx,
            );
            if r.loss == Loss::Blind {
                for item in &items {
                    self.count_against(item.id, &r, ctx);
                }
            }
        }
        self.arm_rumor(ctx);
    }

    /// Counts one push of `id` against the node's interest; removes it when interest is lost.
    fn count_against(&mut self, id: MsgId, r: &Rumor, ctx: &mut Ctx<'_, Self>) {
        let Some(count) = self.rumor.hot.get_mut(&id) else {
            return;
        };
        let lose = match r.stop {
            Stop::Counter => {
                *count += 1;
                *count >= r.k
            }
            Stop::Coin => ctx.rng().chance(1.0 / f64::from(r.k.max(1))),
        };
        if lose {
            self.rumor.hot.remove(&id);
        }
    }

    /// Rumors pushed to this node: deliver the new ones; tell the sender which were known
    /// (and, when counters reset, which were news).
    pub(crate) fn on_rumor(&mut self, from: NodeId, items: Vec<Item>, ctx: &mut Ctx<'_, Self>) {
        let r = self.rumor_params();
        // With cycle feedback, "knew" means "knew before this node's current cycle began".
        let cycle_start = match &r {
            Some(r) if r.cycle_feedback => {
                let now = ctx.local_time();
                let into = until_next(now, r.period, self.rumor_offset);
                Some(Time((now.0 + into.0).saturating_sub(r.period.0)))
            }
            _ => None,
        };
        let (mut known, mut useful) = (Vec::new(), Vec::new());
        for item in items {
            let new = self.accept(item, Some(from), ctx);
            let knew = !new
                && match cycle_start {
                    Some(start) => {
                        self.index_log();
                        self.stored(item.id).is_none_or(|(_, at)| at < start)
                    }
                    None => true,
                };
            if knew {
                known.push(item.id);
            } else {
                useful.push(item.id);
            }
        }
        let Some(r) = r.filter(|r| r.loss == Loss::Feedback) else {
            return;
        };
        if !r.reset_on_useful {
            useful.clear();
        }
        if !known.is_empty() || !useful.is_empty() {
            self.send(from, Msg::Feedback { known, useful }, ctx);
        }
    }

    /// The partner's answer: pushes it already knew count against the node's interest; with
    /// resetting counters, a push that told it something starts the count again.
    pub(crate) fn on_feedback(
        &mut self,
        known: &[MsgId],
        useful: &[MsgId],
        ctx: &mut Ctx<'_, Self>,
    ) {
        let Some(r) = self.rumor_params() else {
            return;
        };
        if r.loss != Loss::Feedback {
            return;
        }
        if r.reset_on_useful {
            for id in useful {
                if let Some(count) = self.rumor.hot.get_mut(id) {
                    *count = 0;
                }
            }
        }
        for &id in known {
            self.count_against(id, &r, ctx);
        }
    }
}
