//! The benchmark load Raft and Multi-Paxos are measured on (`kv::benchmark`: five servers on
//! the simulator's default network, 1 ms one-way delay, nothing lost; ten clients issuing
//! Poisson arrivals at 100 commands per virtual second each, 1,000 in all, half reads, over
//! five keys), as a Multi-Paxos simulation.

#![allow(dead_code)]

use paxos::{Config, PaxosNode, cluster};
use sim_core::{SimConfig, Simulation};

pub use kv::benchmark::{SERVERS, workload};

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
