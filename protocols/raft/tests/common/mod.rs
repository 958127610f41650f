//! Helpers shared by the Raft tests: building clusters, running them, and judging the result.
#![allow(dead_code)]

use kv::WorkloadConfig;
use raft::cluster::{build, history, leader};
use raft::{Config, RaftNode};
use sim_core::history::{Budget, Verdict};
use sim_core::{
    Duration, Fault, Latency, LinkModel, NetworkConfig, NodeId, Outcome, SimConfig, Simulation,
    Time,
};

/// Milliseconds as a time.
pub fn ms(n: u64) -> Time {
    Time(Duration::from_millis(n).0)
}

/// A network whose one-way delay is uniform in `lo..hi` milliseconds, with loss and
/// duplication probabilities.
pub fn network(lo: u64, hi: u64, loss: f64, duplicate: f64) -> NetworkConfig {
    NetworkConfig {
        default: LinkModel {
            latency: Latency::uniform(Duration::from_millis(lo), Duration::from_millis(hi)),
            loss,
            duplicate,
            ..LinkModel::default()
        },
        ..NetworkConfig::default()
    }
}

/// A small workload that starts at once.
pub fn workload(clients: u32) -> WorkloadConfig {
    WorkloadConfig {
        clients,
        keys: 3,
        start: Duration::from_millis(300),
        timeout: Duration::from_millis(400),
        ..WorkloadConfig::default()
    }
}

/// A cluster of `servers` with `clients` clients on a 1-10 ms network.
pub fn cluster(seed: u64, servers: u32, clients: u32, config: &Config) -> Simulation<RaftNode> {
    cluster_on(seed, servers, clients, config, network(1, 10, 0.0, 0.0))
}

/// A cluster on a given network.
pub fn cluster_on(
    seed: u64,
    servers: u32,
    clients: u32,
    config: &Config,
    network: NetworkConfig,
) -> Simulation<RaftNode> {
    let sim = SimConfig {
        seed,
        network,
        ..SimConfig::default()
    };
    build(sim, config, servers, &workload(clients)).expect("a valid cluster")
}

/// Runs to `t` and returns the violation, if a checker found one.
pub fn run_to(sim: &mut Simulation<RaftNode>, t: Time) -> Option<String> {
    match sim.run_until(t).expect("the run stays within its limits") {
        Outcome::Reached => None,
        Outcome::Violated(v) => Some(format!("{}: {}", v.checker, v.description)),
    }
}

/// Runs to `t`, failing the test on a violation.
pub fn run_ok(sim: &mut Simulation<RaftNode>, t: Time) {
    if let Some(v) = run_to(sim, t) {
        panic!("seed {}: {v}", sim.seed());
    }
}

/// The linearizability verdict of the run's client history.
pub fn linearizable(sim: &Simulation<RaftNode>) -> Verdict {
    let h = history(sim).expect("a well-formed history");
    kv::check_linearizable(&h, &Budget::default()).verdict
}

/// Asserts the history is linearizable.
pub fn assert_linearizable(sim: &Simulation<RaftNode>) {
    assert_eq!(
        linearizable(sim),
        Verdict::Linearizable,
        "seed {}",
        sim.seed()
    );
}

/// The current leader, failing the test if there is none.
pub fn the_leader(sim: &Simulation<RaftNode>) -> NodeId {
    leader(sim).unwrap_or_else(|| panic!("seed {}: no leader at {}", sim.seed(), sim.now()))
}

/// Crashes a node now.
pub fn crash(sim: &mut Simulation<RaftNode>, node: NodeId) {
    sim.apply_now(Fault::Crash { node }).expect("a known node");
}

/// Restarts a node now.
pub fn restart(sim: &mut Simulation<RaftNode>, node: NodeId) {
    sim.apply_now(Fault::Restart { node })
        .expect("a known node");
}

/// Answered client operations so far.
pub fn completed(sim: &Simulation<RaftNode>) -> u64 {
    raft::metrics::metrics(sim).clients.completed
}
