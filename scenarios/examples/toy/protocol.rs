//! Toy: the smallest complete protocol, worked through in the book's chapter "Adding a
//! protocol" (`docs/src/guide/adding-a-protocol.md`), which includes this file's marked
//! regions. Servers send each other heartbeats and follow the lowest id they have heard from
//! recently. The scenarios crate's tests register it too (`tests/common/mod.rs`), so the
//! example and the tests share this one copy.

#![allow(dead_code)]

use scenarios::registry::vocabulary::{MetricShape, Vocabulary};
use scenarios::registry::{Adapter, Capabilities, CheckResult, Driver, Metrics, Protocol, Run};
use scenarios::{Scenario, ScenarioError};
use serde::{Deserialize, Serialize};
use sim_core::{
    CheckView, Checker, Ctx, Duration, FnChecker, Mark, Message, Node, NodeId, NodeView, RoleClass,
    Simulation, Time,
};

// ANCHOR: message
/// The one message: "I am alive", carrying the sender's id.
#[derive(Clone, Debug, Serialize)]
pub struct Beat(pub u32);

impl Message for Beat {
    fn kind(&self) -> &'static str {
        "Beat"
    }
}
// ANCHOR_END: message

// ANCHOR: params
/// The protocol's table in a scenario file (`[protocol.params]`). Unknown keys are errors,
/// so a typo is reported with its line instead of silently ignored.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToyParams {
    /// Heartbeat period in milliseconds.
    #[serde(default = "ten")]
    pub period_ms: u64,
    /// An invariant that breaks at this virtual time (ms), to show (and test) a violation.
    #[serde(default)]
    pub break_at_ms: Option<u64>,
}

fn ten() -> u64 {
    10
}

/// What every node is built with.
#[derive(Clone, Debug)]
pub struct ToyConfig {
    period: Duration,
}
// ANCHOR_END: params

// ANCHOR: state
/// One server's state. Everything the node knows is here; the engine clones it for
/// checkpoints, so it holds no handles to the outside world.
#[derive(Clone, Debug)]
pub struct Toy {
    id: NodeId,
    period: Duration,
    /// When each node was last heard from.
    heard: Vec<Option<Time>>,
    leader: NodeId,
    /// How often this node has taken over as leader since it started: its epoch.
    elections: u64,
    beats: u64,
}
// ANCHOR_END: state

// ANCHOR: believe
impl Toy {
    /// Follows the lowest id heard within three and a half periods, else itself; taking
    /// over or giving up the lead is a milestone for the tools.
    fn believe(&mut self, ctx: &mut Ctx<'_, Self>) {
        let now = ctx.now();
        let fresh = Duration(self.period.0 * 3 + self.period.0 / 2);
        let was_leading = self.leader == self.id;
        self.leader = (0..self.id.0)
            .map(NodeId)
            .find(|n| self.heard[n.index()].is_some_and(|t| now - t <= fresh))
            .unwrap_or(self.id);
        let leading = self.leader == self.id;
        if leading && !was_leading {
            self.elections += 1;
            ctx.mark(Mark::Elected {
                epoch: self.elections,
            });
        } else if was_leading && !leading {
            ctx.mark(Mark::SteppedDown {
                epoch: self.elections,
            });
        }
    }
}
// ANCHOR_END: believe

// ANCHOR: node_impl
impl Node for Toy {
    type Message = Beat;
    type Timer = ();
    type Record = ();
    type Config = ToyConfig;

    fn start(id: NodeId, config: &ToyConfig, ctx: &mut Ctx<'_, Self>) -> Self {
        // The first beat at a random offset, drawn from this node's own stream.
        let jitter = ctx.rng().below(config.period.0);
        ctx.set_timer(Duration(jitter), ());
        Toy {
            id,
            period: config.period,
            heard: vec![None; ctx.node_count() as usize],
            leader: id,
            elections: 0,
            beats: 0,
        }
    }

    fn on_message(&mut self, from: NodeId, _: Beat, ctx: &mut Ctx<'_, Self>) {
        // Any sender, in any state: an id out of range is ignored, not a panic.
        if let Some(slot) = self.heard.get_mut(from.index()) {
            *slot = Some(ctx.now());
        }
        self.believe(ctx);
    }

    fn on_timer(&mut self, _: (), ctx: &mut Ctx<'_, Self>) {
        self.believe(ctx);
        self.beats += 1;
        let n = ctx.node_count();
        let others: Vec<NodeId> = (0..n).map(NodeId).filter(|&x| x != self.id).collect();
        ctx.send_all(others, &Beat(self.id.0));
        ctx.set_timer(self.period, ());
    }
    // ANCHOR_END: node_impl

    // ANCHOR: view
    fn view(&self) -> NodeView {
        // The role's name is for people (and deliberately unusual here); tools read the class.
        let (role, class) = if self.leader == self.id {
            (TOY_LEADER, RoleClass::Leader)
        } else {
            (TOY_FOLLOWER, RoleClass::Follower)
        };
        NodeView::new(role, format!("follows {}", self.leader))
            .class(class)
            .epoch(self.elections)
            .progress("beats", self.beats)
            .field("leader", self.leader)
    }
    // ANCHOR_END: view
}

/// What a Toy leader calls itself.
pub const TOY_LEADER: &str = "kapitän";
/// What a Toy follower calls itself.
pub const TOY_FOLLOWER: &str = "matrose";

// ANCHOR: checker
/// An invariant, checked after every event: a node never follows a higher id than its own.
/// Incremental: only the node the event touched can have changed.
fn follows_no_higher_id() -> impl Checker<Toy> {
    FnChecker::new("follows no higher id", |v: &CheckView<'_, Toy>| {
        match v.touched.and_then(|id| v.nodes.get(id)) {
            Some(n) if n.leader > n.id => Err(format!("{} follows {}", n.id, n.leader)),
            _ => Ok(()),
        }
    })
}
// ANCHOR_END: checker

// ANCHOR: adapter
/// What the runner asks of a Toy run besides the engine's own counters.
#[derive(Clone)]
pub struct ToyAdapter;

impl Adapter<Toy> for ToyAdapter {
    fn metrics(&self, sim: &Simulation<Toy>, out: &mut Metrics) {
        let beats: u64 = sim.nodes().live().map(|(_, n)| n.beats).sum();
        out.set("beats", beats as f64);
        for (_, n) in sim.nodes().live() {
            out.sample("beats_per_node", n.beats as f64);
        }
    }
    fn converged(&self, sim: &Simulation<Toy>) -> Option<bool> {
        let leaders: Vec<NodeId> = sim.nodes().live().map(|(_, n)| n.leader).collect();
        Some(!leaders.is_empty() && leaders.windows(2).all(|w| w[0] == w[1]))
    }
    fn finish(&mut self, sim: &mut Simulation<Toy>) -> Vec<CheckResult> {
        let up = sim.nodes().live().count();
        vec![CheckResult::pass("toy end check", format!("{up} nodes up"))]
    }
}
// ANCHOR_END: adapter

// ANCHOR: protocol
/// The registry's handle on Toy.
pub struct ToyProtocol;

/// What `clustersim new toy` prints.
pub const TOY_TEMPLATE: &str = r#"# A toy: servers follow the lowest id they hear.
name = "toy"
[protocol]
name = "toy"
[protocol.params]
period_ms = 10
[cluster]
nodes = 3
[run]
duration = "1s"
"#;

impl Protocol for ToyProtocol {
    fn name(&self) -> &'static str {
        "toy"
    }
    fn summary(&self) -> &'static str {
        "servers follow the lowest id they hear (an example)"
    }
    fn template(&self) -> &'static str {
        TOY_TEMPLATE
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            leader: true,
            convergence: true,
            linearizability: false,
            clients: false,
            keys: false,
            topology: false,
            disk: false,
            // None that every meaningful run reaches: without a fault the lowest id leads
            // from the start and nobody takes over.
            marks: &[],
        }
    }
    fn vocabulary(&self) -> Vocabulary {
        // Every name its runs use, so that `validate` catches a misspelt one in a file.
        Vocabulary {
            metrics: vec![
                ("beats", MetricShape::Value),
                ("beats_per_node", MetricShape::Samples),
            ],
            fields: vec!["leader"],
            kinds: vec!["Beat"],
        }
    }
    fn build(&self, s: &Scenario, seed: u64) -> Result<Box<dyn Run>, ScenarioError> {
        let p: ToyParams = s.params()?;
        let servers = s.cluster.servers();
        let config = ToyConfig {
            period: Duration::from_millis(p.period_ms.max(1)),
        };
        let mut sim = Simulation::new(s.sim_config(seed), vec![config; servers as usize])
            .map_err(|e| ScenarioError::sim("building toy", e))?;
        if s.checks.invariants {
            sim.add_checker(follows_no_higher_id());
            if let Some(at) = p.break_at_ms {
                sim.add_checker(time_stands_still(Time(at * 1_000_000)));
            }
        }
        Ok(Box::new(Driver::new("toy", sim, servers, ToyAdapter)))
    }
}
// ANCHOR_END: protocol

/// An invariant that breaks on purpose at `limit`, so that tests can watch the runner stop
/// a run at a violation.
fn time_stands_still(limit: Time) -> impl Checker<Toy> {
    FnChecker::new("time stands still", move |v: &CheckView<'_, Toy>| {
        if v.time > limit {
            Err(format!("time passed {limit}"))
        } else {
            Ok(())
        }
    })
}
