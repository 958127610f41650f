//! Helpers shared by the broadcast tests.
#![allow(dead_code)]

use broadcast::{BroadcastNode, Config, Integrity, MsgId, NoDuplicateDelivery};
use sim_core::{Duration, Latency, LinkModel, NetworkConfig, NodeId, SimConfig, Simulation, Time};

/// A simulation of `n` nodes sharing `config`, links uniform 1–10 ms, both safety checkers on,
/// every node started.
pub fn sim(seed: u64, n: u32, config: Config) -> Simulation<BroadcastNode> {
    sim_with(seed, n, config, Latency::uniform(ms(1), ms(10)))
}

/// As [`sim`] with the given link latency.
pub fn sim_with(seed: u64, n: u32, config: Config, latency: Latency) -> Simulation<BroadcastNode> {
    let config = config.prepare(n).expect("a valid config");
    let sim_config = SimConfig {
        seed,
        network: NetworkConfig {
            default: LinkModel::with_latency(latency),
            ..NetworkConfig::default()
        },
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(sim_config, vec![config; n as usize]).expect("a valid cluster");
    sim.add_checker(NoDuplicateDelivery::default());
    sim.add_checker(Integrity::default());
    sim.run_until(Time::ZERO).expect("nodes start");
    sim
}

/// Makes node `at` broadcast `payload` now.
pub fn broadcast(sim: &mut Simulation<BroadcastNode>, at: NodeId, payload: u64) -> MsgId {
    let mut id = None;
    let v = sim
        .input(at, "broadcast", |n, ctx| {
            id = Some(n.broadcast(payload, ctx))
        })
        .expect("the node is up");
    assert!(v.is_none(), "{v:?}");
    id.expect("broadcast returns its id")
}

/// Runs to `t`, failing the test on a violated invariant.
pub fn run_to(sim: &mut Simulation<BroadcastNode>, t: Time) {
    match sim.run_until(t).expect("the run proceeds") {
        sim_core::Outcome::Reached => {}
        sim_core::Outcome::Violated(v) => panic!("{v}"),
    }
}

pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

pub fn at_ms(n: u64) -> Time {
    Time::ZERO + ms(n)
}

pub fn ids(range: std::ops::Range<u32>) -> Vec<NodeId> {
    range.map(NodeId).collect()
}
