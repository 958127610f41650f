//! Shared helpers of the cluster tests: a cluster under a network and a fault plan, run with
//! every checker on.

#![allow(dead_code)]

use kv::{Mix, WorkloadConfig};
use paxos::{Config, PaxosNode, check_history, cluster, metrics};
use sim_core::history::{Budget, Verdict};
use sim_core::{
    Duration, Fault, Latency, LinkModel, NetworkConfig, NodeId, Outcome, SimConfig, Simulation,
    Time, Violation,
};

/// Milliseconds as a virtual time.
pub fn ms(n: u64) -> Time {
    Time(n * 1_000_000)
}

/// A small workload: a few keys, so that operations conflict and the history is telling.
pub fn workload(clients: u32) -> WorkloadConfig {
    WorkloadConfig {
        clients,
        keys: 3,
        mix: Mix {
            get: 0.4,
            put: 0.2,
            append: 0.4,
        },
        timeout: Duration::from_millis(300),
        start: Duration::from_millis(100),
        ..WorkloadConfig::default()
    }
}

/// A network with a few milliseconds of delay, optionally lossy and duplicating.
pub fn network(loss: f64, duplicate: f64) -> NetworkConfig {
    NetworkConfig {
        default: LinkModel {
            latency: Latency::uniform(Duration::from_millis(1), Duration::from_millis(5)),
            loss,
            duplicate,
            bandwidth: None,
        },
        ..NetworkConfig::default()
    }
}

/// A simulation of `servers` servers and the workload's clients, with every checker on and
/// `faults` scheduled.
pub fn build(
    seed: u64,
    config: &Config,
    servers: u32,
    workload: &WorkloadConfig,
    network: NetworkConfig,
    faults: &[(Time, Fault)],
) -> Simulation<PaxosNode> {
    let sim_config = SimConfig {
        seed,
        network,
        ..SimConfig::default()
    };
    let mut sim =
        cluster::build(sim_config, config, servers, workload).expect("a valid simulation");
    for (at, fault) in faults {
        sim.schedule(*at, fault.clone()).expect("a valid fault");
    }
    sim
}

/// Runs to `until`; returns the first violation, if any.
pub fn run(sim: &mut Simulation<PaxosNode>, until: impl Into<When>) -> Option<Violation> {
    let until = until.into().at(sim);
    match sim
        .run_until(until)
        .expect("the run stays within its limits")
    {
        Outcome::Reached => None,
        Outcome::Violated(v) => Some(v),
    }
}

/// Asserts a run was safe and live: no checker fired, the history is linearizable, and at
/// least `min_completed` operations completed.
pub fn assert_healthy(sim: &mut Simulation<PaxosNode>, until: impl Into<When>, min_completed: u64) {
    let seed = sim.seed();
    if let Some(v) = run(sim, until) {
        panic!("seed {seed}: {v}");
    }
    let report = check_history(sim, &Budget::default()).expect("a well-formed history");
    assert_eq!(
        report.verdict,
        Verdict::Linearizable,
        "seed {seed}: the client history is not linearizable"
    );
    let m = metrics(sim);
    assert!(
        m.clients.completed >= min_completed,
        "seed {seed}: only {} operations completed ({m:?})",
        m.clients.completed
    );
}

/// Servers as node ids.
pub fn n(i: u32) -> NodeId {
    NodeId(i)
}

/// A duration from now, for the helpers that take a time.
pub struct After(pub Duration);

/// A point in virtual time: absolute, or relative to the simulation's clock.
pub enum When {
    /// At this time.
    At(Time),
    /// This long after now.
    After(Duration),
}

impl When {
    /// The absolute time.
    pub fn at(self, sim: &Simulation<PaxosNode>) -> Time {
        match self {
            When::At(t) => t,
            When::After(d) => sim.now() + d,
        }
    }
}

impl From<Time> for When {
    fn from(t: Time) -> When {
        When::At(t)
    }
}

impl From<After> for When {
    fn from(a: After) -> When {
        When::After(a.0)
    }
}

impl After {
    /// The absolute time.
    pub fn at(self, sim: &Simulation<PaxosNode>) -> Time {
        sim.now() + self.0
    }
}

/// Server `id`, which must be running.
pub fn server(sim: &Simulation<PaxosNode>, id: NodeId) -> &paxos::Server {
    sim.node(id)
        .and_then(PaxosNode::server)
        .expect("a running server")
}

/// Hands `msg` from `from` to server `to` now, as an input.
pub fn tell(sim: &mut Simulation<PaxosNode>, to: NodeId, from: NodeId, msg: paxos::Msg) {
    use sim_core::Node;
    sim.input(to, "injected", |n, ctx| n.on_message(from, msg, ctx))
        .expect("a running node");
}

/// Runs in 5 ms steps until server `id` runs phase 1; returns its ballot.
pub fn run_until_preparing(sim: &mut Simulation<PaxosNode>, id: NodeId) -> paxos::Ballot {
    for _ in 0..200 {
        if let paxos::Proposer::Preparing(p) = server(sim, id).proposer() {
            return p.ballot;
        }
        let next = sim.now() + Duration::from_millis(5);
        assert_eq!(run(sim, next), None);
    }
    panic!("{id} never ran phase 1");
}

/// Three servers with the default configuration and `clients` clients on a lossless network,
/// not started yet.
pub fn three_servers(seed: u64, clients: u32) -> Simulation<PaxosNode> {
    build(
        seed,
        &Config::default(),
        3,
        &workload(clients),
        network(0.0, 0.0),
        &[],
    )
}

/// Three servers and `clients` clients on a lossless network, run for a second: the
/// simulation, its leader and a follower.
pub fn three_servers_led(seed: u64, clients: u32) -> (Simulation<PaxosNode>, NodeId, NodeId) {
    let mut sim = three_servers(seed, clients);
    assert_eq!(run(&mut sim, ms(1_000)), None);
    let leader = paxos::leader(&sim).expect("a leader");
    (sim, leader, NodeId((leader.0 + 1) % 3))
}

/// The messages of `kind` that `from` sent since `since`, by receiver.
pub fn sent_since(
    sim: &Simulation<PaxosNode>,
    since: Time,
    from: NodeId,
    kind: &str,
) -> Vec<NodeId> {
    sim.trace()
        .records()
        .iter()
        .filter(|r| r.time >= since)
        .filter_map(|r| match &r.event {
            sim_core::TraceEvent::Send {
                from: f,
                to,
                kind: k,
                ..
            } if *f == from && *k == kind => Some(*to),
            _ => None,
        })
        .collect()
}
