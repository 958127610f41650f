//! Helpers shared by the tree-sync tests.
#![allow(dead_code)]

use sim_core::{Duration, Latency, LinkModel, NetworkConfig, NodeId, SimConfig, Simulation, Time};
use std::sync::Arc;
use topology::{Overlay, Topology, TopologySpec, topology_rng};
use tree_sync::{Config, NodeSanity, TreeNode, run_until_converged};

pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

pub fn at_ms(n: u64) -> Time {
    Time::ZERO + ms(n)
}

pub fn grid(rows: u32, cols: u32) -> Arc<Topology> {
    Arc::new(
        TopologySpec::Grid { rows, cols }
            .build(rows * cols, &mut topology_rng(0))
            .expect("a valid grid"),
    )
}

pub fn random_regular(n: u32, degree: u32, seed: u64) -> Arc<Topology> {
    Arc::new(
        TopologySpec::RandomRegular { degree }
            .build(n, &mut topology_rng(seed))
            .expect("a valid graph"),
    )
}

/// A tree-sync cluster over `topo`, links uniform 1–10 ms, the sanity checker on.
pub fn sim(seed: u64, topo: &Arc<Topology>, config: Config) -> Simulation<TreeNode> {
    lossy_sim(seed, topo, config, 0.0)
}

/// As [`sim`], with every link losing each message with probability `loss`.
pub fn lossy_sim(
    seed: u64,
    topo: &Arc<Topology>,
    config: Config,
    loss: f64,
) -> Simulation<TreeNode> {
    let n = topo.node_count();
    let config = config
        .with_overlay(Overlay::new(topo.clone()))
        .prepare(n)
        .expect("a valid config");
    let sim_config = SimConfig {
        seed,
        network: NetworkConfig {
            default: LinkModel {
                loss,
                ..LinkModel::with_latency(Latency::uniform(ms(1), ms(10)))
            },
            ..NetworkConfig::default()
        },
        ..SimConfig::default()
    };
    let mut s = Simulation::new(sim_config, vec![config; n as usize]).expect("a valid cluster");
    s.add_checker(NodeSanity);
    s
}

/// Runs until converged over `live` under its lowest id, the elected root (or until the
/// deadline), failing the test if it does not.
pub fn converge(s: &mut Simulation<TreeNode>, live: &[NodeId], deadline: Time, what: &str) -> Time {
    let root = *live.iter().min().expect("a live node");
    converge_under(s, root, live, deadline, what)
}

/// Runs until converged over `live` under `root` (or until the deadline), failing the test
/// if it does not.
pub fn converge_under(
    s: &mut Simulation<TreeNode>,
    root: NodeId,
    live: &[NodeId],
    deadline: Time,
    what: &str,
) -> Time {
    match run_until_converged(s, root, live, ms(10), deadline).expect("no invariant breaks") {
        Ok(t) => t,
        Err(why) => panic!(
            "seed {}: {what}: not converged by {deadline}: {why}",
            s.seed()
        ),
    }
}

/// True if every node in `live` can reach `root` through live nodes of `topo`.
pub fn connected_without(topo: &Topology, root: NodeId, dead: &[NodeId]) -> bool {
    let rest = Topology::from_edges(
        topo.node_count(),
        topo.edges()
            .filter(|(a, b)| !dead.contains(a) && !dead.contains(b))
            .map(|(a, b)| (a.0, b.0)),
    )
    .expect("a subgraph");
    rest.bfs_tree(root).expect("a node").reached() as usize
        == topo.node_count() as usize - dead.len()
}

pub fn all_but(n: u32, dead: &[NodeId]) -> Vec<NodeId> {
    (0..n).map(NodeId).filter(|i| !dead.contains(i)).collect()
}

/// A 4 x 4 grid whose root is fixed at n0 (no election), converged; with its 16 nodes.
pub fn converged_fixed_root_grid(seed: u64) -> (Simulation<TreeNode>, Vec<NodeId>) {
    let fixed = Config {
        elect_root: false,
        ..Config::default()
    };
    let mut s = sim(seed, &grid(4, 4), fixed);
    let all = all_but(16, &[]);
    converge(&mut s, &all, at_ms(2_000), "initial tree");
    (s, all)
}
