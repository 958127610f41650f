//! A tree-sync run on a 30 x 30 grid: build, converge, lose an inner node, re-converge.

use criterion::{Criterion, criterion_group, criterion_main};
use sim_core::{Duration, Fault, NodeId, SimConfig, Simulation, Time};
use std::hint::black_box;
use std::sync::Arc;
use topology::{Overlay, TopologySpec, topology_rng};
use tree_sync::{Config, TreeNode};

fn run() -> u64 {
    let topo = TopologySpec::Grid { rows: 30, cols: 30 }
        .build(900, &mut topology_rng(1))
        .expect("a valid grid");
    let config = Config::default()
        .with_overlay(Overlay::new(Arc::new(topo)))
        .prepare(900)
        .expect("a valid config");
    let mut sim: Simulation<TreeNode> = Simulation::new(
        SimConfig {
            seed: 1,
            ..SimConfig::default()
        },
        vec![config; 900],
    )
    .expect("a valid cluster");
    sim.schedule(
        Time::ZERO + Duration::from_secs(5),
        Fault::Crash { node: NodeId(31) },
    )
    .expect("a valid fault");
    sim.run_until(Time::ZERO + Duration::from_secs(10))
        .expect("runs");
    sim.stats().events
}

fn tree(c: &mut Criterion) {
    let mut group = c.benchmark_group("tree_sync");
    group.sample_size(10);
    group.bench_function("grid-30x30/10s-with-a-crash", |b| {
        b.iter(|| black_box(run()))
    });
    group.finish();
}

criterion_group!(benches, tree);
criterion_main!(benches);
