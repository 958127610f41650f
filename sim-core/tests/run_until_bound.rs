//! `run_until` never processes an event after its bound, even when a cancelled timer is the
//! next thing in the queue; and `Simulation::pending_timers` lists the live timers with when
//! they were set and when they fire: not a cancelled one, not one of a crashed node.

use serde::Serialize;
use sim_core::{
    Ctx, Duration, Fault, Message, Node, NodeId, NodeView, PendingTimer, SimConfig, Simulation,
    Time,
};

#[derive(Clone, Debug, Serialize)]
struct Never;

impl Message for Never {
    fn kind(&self) -> &'static str {
        "Never"
    }
}

/// Sets a 10 ms timer and cancels it, sets a 20 ms one, and re-arms for 30 ms when it fires.
#[derive(Clone, Debug)]
struct CancelsFirst;

impl Node for CancelsFirst {
    type Message = Never;
    type Timer = u8;
    type Record = ();
    type Config = ();

    fn start(_: NodeId, _: &(), ctx: &mut Ctx<'_, Self>) -> Self {
        let first = ctx.set_timer(Duration::from_millis(10), 1);
        ctx.set_timer(Duration::from_millis(20), 2);
        ctx.cancel_timer(first);
        CancelsFirst
    }
    fn on_message(&mut self, _: NodeId, _: Never, _: &mut Ctx<'_, Self>) {}
    fn on_timer(&mut self, _: u8, ctx: &mut Ctx<'_, Self>) {
        ctx.set_timer(Duration::from_millis(30), 3);
    }
    fn view(&self) -> NodeView {
        NodeView::new("node", "")
    }
}

#[test]
fn a_cancelled_timer_at_the_head_does_not_pull_in_a_later_event() {
    let mut sim: Simulation<CancelsFirst> =
        Simulation::new(SimConfig::default(), vec![()]).unwrap();
    sim.run_until(Time(15_000_000)).unwrap();
    assert_eq!(sim.now(), Time(15_000_000));
    assert_eq!(sim.stats().timers_fired, 0);
    assert_eq!(sim.step_until(Time(15_000_000)).unwrap(), None);
    sim.run_until(Time(25_000_000)).unwrap();
    assert_eq!(sim.stats().timers_fired, 1);
}

fn ms(n: u64) -> Time {
    Time(Duration::from_millis(n).0)
}

#[test]
fn only_live_timers_are_listed_with_their_set_and_due_times() {
    let mut sim: Simulation<CancelsFirst> =
        Simulation::new(SimConfig::default(), vec![(), ()]).unwrap();
    sim.run_until(ms(5)).unwrap();
    let at = |sim: &Simulation<CancelsFirst>| -> Vec<(u32, Time, Time)> {
        sim.pending_timers()
            .iter()
            .map(|t: &PendingTimer| (t.node.0, t.set_at, t.due_at))
            .collect()
    };
    // The cancelled 10 ms timers are not listed.
    assert_eq!(at(&sim), [(0, ms(0), ms(20)), (1, ms(0), ms(20))]);
    sim.run_until(ms(25)).unwrap();
    assert_eq!(at(&sim), [(0, ms(20), ms(50)), (1, ms(20), ms(50))]);
    // A crashed node's timer dies with it.
    sim.apply_now(Fault::Crash { node: NodeId(1) }).unwrap();
    assert_eq!(at(&sim), [(0, ms(20), ms(50))]);
}
