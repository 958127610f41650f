//! `run_until` never processes an event after its bound, even when a cancelled timer is the
//! next thing in the queue.

use serde::Serialize;
use sim_core::{Ctx, Duration, Message, Node, NodeId, NodeView, SimConfig, Simulation, Time};

#[derive(Clone, Debug, Serialize)]
struct Never;

impl Message for Never {
    fn kind(&self) -> &'static str {
        "Never"
    }
}

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
    fn on_timer(&mut self, _: u8, _: &mut Ctx<'_, Self>) {}
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
