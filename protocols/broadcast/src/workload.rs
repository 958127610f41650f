//! The built-in workload: Poisson broadcasts at a configured rate from a set of origins (in
//! all, or at each origin).

use crate::node::{BroadcastNode, Timer};
use sim_core::latency::to_duration;
use sim_core::{Ctx, Duration, Time};

impl BroadcastNode {
    /// The mean time between this node's own broadcasts, if it is an origin.
    fn workload_gap(&self) -> Option<f64> {
        let w = self.cfg.workload.as_ref()?;
        let origins = if w.origins.is_empty() {
            self.n as usize
        } else if w.origins.contains(&self.id) {
            w.origins.len()
        } else {
            return None;
        };
        let per_node = w.rate_per_node.unwrap_or(w.rate / origins as f64);
        (per_node > 0.0).then(|| 1e9 / per_node)
    }

    /// Makes this node's initial broadcast (first incarnation only) and sets the first
    /// Poisson broadcast of the workload, if this node is an origin.
    pub(crate) fn start_workload(&mut self, ctx: &mut Ctx<'_, Self>) {
        let Some(w) = self.cfg.workload.clone() else {
            return;
        };
        if ctx.incarnation() == 0 && w.initial.contains(&self.id) {
            let payload = ctx.rng().next_u64();
            self.broadcast(payload, ctx);
        }
        let Some(gap) = self.workload_gap() else {
            return;
        };
        let begin = Time::ZERO + w.start;
        let first = begin.max(ctx.now()) + exponential(gap, ctx);
        self.schedule_broadcast(first, ctx);
    }

    fn schedule_broadcast(&mut self, at: Time, ctx: &mut Ctx<'_, Self>) {
        let Some(w) = &self.cfg.workload else {
            return;
        };
        if at >= Time::ZERO + w.stop || w.limit.is_some_and(|l| self.workload_made >= l) {
            return;
        }
        ctx.set_timer(at - ctx.now(), Timer::Workload);
    }

    /// Makes one broadcast and sets the next.
    pub(crate) fn workload_tick(&mut self, ctx: &mut Ctx<'_, Self>) {
        let Some(gap) = self.workload_gap() else {
            return;
        };
        let payload = ctx.rng().next_u64();
        self.broadcast(payload, ctx);
        self.workload_made += 1;
        let next = ctx.now() + exponential(gap, ctx);
        self.schedule_broadcast(next, ctx);
    }
}

/// An exponential wait with the given mean in nanoseconds, from the node's stream.
fn exponential(mean_nanos: f64, ctx: &mut Ctx<'_, BroadcastNode>) -> Duration {
    to_duration(-libm::log(ctx.rng().open_unit_f64()) * mean_nanos)
}
