//! A timer on a drifting clock fires when the node's own clock has reached its deadline, so a
//! node that waits for a deadline by re-arming timers always gets there.

use serde::Serialize;
use sim_core::{
    Ctx, Duration, Fault, Message, Node, NodeId, NodeView, SimConfig, Simulation, Time,
};

#[derive(Clone, Debug, Serialize)]
struct Never;

impl Message for Never {
    fn kind(&self) -> &'static str {
        "Never"
    }
}

/// Waits for a deadline on its own clock, re-arming a timer for whatever is left.
#[derive(Clone, Debug)]
struct Deadline {
    deadline: Time,
    fired: u64,
}

impl Node for Deadline {
    type Message = Never;
    type Timer = ();
    type Record = ();
    type Config = u64;

    fn start(_: NodeId, deadline: &u64, ctx: &mut Ctx<'_, Self>) -> Self {
        ctx.set_timer(Duration(10), ());
        Deadline {
            deadline: Time(*deadline),
            fired: 0,
        }
    }
    fn on_message(&mut self, _: NodeId, _: Never, _: &mut Ctx<'_, Self>) {}
    fn on_timer(&mut self, _: (), ctx: &mut Ctx<'_, Self>) {
        self.fired += 1;
        let now = ctx.local_time();
        if now < self.deadline {
            ctx.set_timer(self.deadline - now, ());
        }
    }
    fn view(&self) -> NodeView {
        NodeView::new("node", "")
    }
}

#[test]
fn re_arming_for_the_rest_of_a_deadline_on_a_fast_clock_terminates() {
    for (rate, deadline) in [1.3, 1.7, 3.0, 0.7]
        .into_iter()
        .flat_map(|r| (1_000..1_040).map(move |d| (r, d)))
    {
        let mut sim: Simulation<Deadline> =
            Simulation::new(SimConfig::default(), vec![deadline]).unwrap();
        sim.schedule(
            Time(5),
            Fault::ClockDrift {
                node: NodeId(0),
                rate,
            },
        )
        .unwrap();
        let mut steps = 0;
        while sim.next_event_time().is_some() {
            sim.step().unwrap();
            steps += 1;
            assert!(
                steps < 1_000,
                "rate {rate}: the timer keeps firing at {}",
                sim.now()
            );
        }
        let node = sim.node(NodeId(0)).unwrap();
        assert!(
            node.fired <= 4,
            "rate {rate}, deadline {deadline}: fired {} times",
            node.fired
        );
        assert!(sim.local_time(NodeId(0)).unwrap() >= Time(deadline));
    }
}
