//! A small test-only protocol: servers elect the lowest id they hear from. Not registered in
//! the shipped registry; tests build a registry with it.

#![allow(dead_code)]

use scenarios::registry::{Adapter, Capabilities, CheckResult, Driver, Metrics, Protocol, Run};
use scenarios::{Registry, Scenario, ScenarioError};
use serde::{Deserialize, Serialize};
use sim_core::{
    Ctx, Duration, FnChecker, Message, Node, NodeId, NodeView, RoleClass, Simulation, Time,
};

#[derive(Clone, Debug, Serialize)]
pub struct Beat(pub u32);

impl Message for Beat {
    fn kind(&self) -> &'static str {
        "Beat"
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToyParams {
    /// Heartbeat period in milliseconds.
    #[serde(default = "ten")]
    pub period_ms: u64,
    /// An invariant that breaks at this virtual time (ms), to test violations.
    #[serde(default)]
    pub break_at_ms: Option<u64>,
}

fn ten() -> u64 {
    10
}

#[derive(Clone, Debug)]
pub struct ToyConfig {
    period: Duration,
}

#[derive(Clone, Debug)]
pub struct Toy {
    id: NodeId,
    period: Duration,
    /// When each node was last heard from.
    heard: Vec<Option<Time>>,
    leader: NodeId,
    beats: u64,
}

impl Toy {
    fn believe(&mut self, now: Time) {
        let fresh = Duration(self.period.0 * 3 + self.period.0 / 2);
        self.leader = (0..self.id.0)
            .map(NodeId)
            .find(|n| self.heard[n.index()].is_some_and(|t| now - t <= fresh))
            .unwrap_or(self.id);
    }
}

impl Node for Toy {
    type Message = Beat;
    type Timer = ();
    type Record = ();
    type Config = ToyConfig;

    fn start(id: NodeId, config: &ToyConfig, ctx: &mut Ctx<'_, Self>) -> Self {
        let jitter = ctx.rng().below(config.period.0);
        ctx.set_timer(Duration(jitter), ());
        Toy {
            id,
            period: config.period,
            heard: vec![None; ctx.node_count() as usize],
            leader: id,
            beats: 0,
        }
    }

    fn on_message(&mut self, from: NodeId, _: Beat, ctx: &mut Ctx<'_, Self>) {
        if let Some(slot) = self.heard.get_mut(from.index()) {
            *slot = Some(ctx.now());
        }
        self.believe(ctx.now());
    }

    fn on_timer(&mut self, _: (), ctx: &mut Ctx<'_, Self>) {
        self.believe(ctx.now());
        self.beats += 1;
        let n = ctx.node_count();
        let others: Vec<NodeId> = (0..n).map(NodeId).filter(|&x| x != self.id).collect();
        ctx.send_all(others, &Beat(self.id.0));
        ctx.set_timer(self.period, ());
    }

    /// The role names are deliberately unusual: tools must find the leader by its class.
    fn view(&self) -> NodeView {
        let (role, class) = if self.leader == self.id {
            (TOY_LEADER, RoleClass::Leader)
        } else {
            (TOY_FOLLOWER, RoleClass::Follower)
        };
        NodeView::new(role, format!("follows {}", self.leader))
            .class(class)
            .field("leader", self.leader)
    }
}

/// What a Toy leader calls itself.
pub const TOY_LEADER: &str = "kapitän";
/// What a Toy follower calls itself.
pub const TOY_FOLLOWER: &str = "matrose";

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

pub struct ToyProtocol;

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
        "servers follow the lowest id they hear (test only)"
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
            topology: false,
            marks: &[],
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
        if s.checks.invariants
            && let Some(at) = p.break_at_ms
        {
            let limit = Time(at * 1_000_000);
            sim.add_checker(FnChecker::new(
                "time stands still",
                move |v: &sim_core::CheckView<'_, Toy>| {
                    if v.time > limit {
                        Err(format!("time passed {limit}"))
                    } else {
                        Ok(())
                    }
                },
            ));
        }
        Ok(Box::new(Driver::new("toy", sim, servers, ToyAdapter)))
    }
}

pub fn registry() -> Registry {
    Registry::empty().with(Box::new(ToyProtocol))
}

pub fn scenario(text: &str) -> Scenario {
    Scenario::from_str("test.toml", text).unwrap_or_else(|e| panic!("{e}"))
}
