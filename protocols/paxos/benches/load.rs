//! The benchmark load Raft and Multi-Paxos are measured on: five servers on the simulator's
//! default network (1 ms one-way delay, nothing lost), ten clients issuing Poisson arrivals at
//! 100 commands per virtual second each (1,000 in all), half reads, over five keys.

#![allow(dead_code)]

use kv::{Pacing, WorkloadConfig};
use paxos::{Config, PaxosNode, cluster};
use sim_core::{Duration, SimConfig, Simulation};

/// Servers in the benchmark cluster.
pub const SERVERS: u32 = 5;

/// The clients' workload; `record` keeps every operation for the linearizability check (off
/// for long runs, so memory stays flat).
pub fn workload(record: bool) -> WorkloadConfig {
    WorkloadConfig {
        clients: 10,
        pacing: Pacing::Rate { per_second: 100.0 },
        start: Duration::from_millis(500),
        record,
        ..WorkloadConfig::default()
    }
}

/// The benchmark cluster with `config`, seeded.
pub fn simulation(seed: u64, config: &Config, record: bool) -> Simulation<PaxosNode> {
    config
        .validate_for(SERVERS)
        .expect("a valid benchmark configuration");
    let sim_config = SimConfig {
        seed,
        ..SimConfig::default()
    };
    Simulation::new(sim_config, cluster(config, SERVERS, &workload(record)))
        .expect("a valid benchmark simulation")
}
