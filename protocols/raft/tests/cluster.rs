//! Whole-cluster tests: each runs at least 50 seeds and checks every invariant throughout,
//! then linearizability of the client history.

mod common;

use common::*;
use raft::cluster::leader;
use raft::{Config, Role};
use sim_core::{Fault, NodeId, PartitionSpec};

const SEEDS: u64 = 50;

#[test]
fn a_healthy_cluster_elects_one_leader_and_serves_clients() {
    for seed in 0..SEEDS {
        let mut sim = cluster(seed, 5, 3, &Config::default());
        run_ok(&mut sim, ms(3_000));
        the_leader(&sim);
        assert!(
            completed(&sim) > 100,
            "seed {seed}: {} answers",
            completed(&sim)
        );
        assert_linearizable(&sim);
    }
}
