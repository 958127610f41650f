//! Reliable broadcast (eager relay) against best-effort: the origin crashes after its message
//! reached a single correct node.

mod common;

use broadcast::{Config, check_agreement};
use common::*;
use sim_core::{Fault, NodeId, PartitionSpec};
use std::sync::Arc;
use topology::{Overlay, TopologySpec, topology_rng};

/// Cuts the origin off from everyone but `only`, broadcasts, crashes the origin at once and
/// heals; returns the simulation after everything settled.
fn crash_after_one_send(
    config: Config,
    seed: u64,
    n: u32,
    only: NodeId,
) -> sim_core::Simulation<broadcast::BroadcastNode> {
    let origin = NodeId(0);
    let mut s = sim(seed, n, config);
    let others: Vec<NodeId> = (1..n).map(NodeId).filter(|&i| i != only).collect();
    s.apply_now(Fault::Partition {
        spec: PartitionSpec::OneWay {
            from: vec![origin],
            to: others,
        },
    })
    .expect("a valid fault");
    let id = broadcast(&mut s, origin, 42);
    s.apply_now(Fault::Crash { node: origin })
        .expect("a valid fault");
    s.apply_now(Fault::HealAll).expect("a valid fault");
    run_to(&mut s, at_ms(2_000));
    assert!(
        s.node(only).expect("up").has_delivered(id),
        "the one receiver has it"
    );
    s
}

#[test]
fn reliable_broadcast_survives_the_origin_crashing_after_one_send() {
    for seed in 0..50 {
        let n = 9;
        let s = crash_after_one_send(Config::reliable(), seed, n, NodeId(1 + (seed % 8) as u32));
        let correct = ids(1..n);
        check_agreement(s.nodes(), &correct).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        for id in &correct {
            assert_eq!(
                s.node(*id).expect("up").deliveries().len(),
                1,
                "seed {seed}"
            );
        }
    }
}

#[test]
fn reliable_broadcast_on_a_sparse_topology_also_survives() {
    let mut ran = 0;
    for seed in 0..60 {
        let n = 16;
        let topo = TopologySpec::RandomRegular { degree: 3 }
            .build(n, &mut topology_rng(seed))
            .expect("a valid topology");
        let only = topo.neighbours(NodeId(0))[0];
        // The crash must not cut the survivors apart, or nothing could reach everyone.
        let rest = topology::Topology::from_edges(
            n,
            topo.edges()
                .filter(|(a, b)| a.0 != 0 && b.0 != 0)
                .map(|(a, b)| (a.0, b.0)),
        )
        .expect("a valid topology");
        if rest.bfs_tree(only).expect("a node").reached() != n - 1 {
            continue;
        }
        let config = Config::reliable().with_overlay(Overlay::new(Arc::new(topo)));
        let s = crash_after_one_send(config, seed, n, only);
        check_agreement(s.nodes(), &ids(1..n)).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        ran += 1;
    }
    assert!(ran >= 50, "only {ran} seeds kept the survivors connected");
}

#[test]
fn best_effort_broadcast_loses_the_message_and_agreement_says_so() {
    for seed in 0..50 {
        let n = 9;
        let s = crash_after_one_send(Config::best_effort(), seed, n, NodeId(3));
        let err = check_agreement(s.nodes(), &ids(1..n)).expect_err("only n3 has it");
        assert!(
            err.contains("never delivered n0:0, which n3 delivered"),
            "{err}"
        );
    }
}

#[test]
fn agreement_reports_a_correct_node_that_is_down() {
    let mut s = sim(1, 4, Config::reliable());
    broadcast(&mut s, NodeId(0), 7);
    run_to(&mut s, at_ms(100));
    check_agreement(s.nodes(), &ids(0..4)).expect("all have it");
    s.apply_now(Fault::Crash { node: NodeId(2) })
        .expect("a valid fault");
    let err = check_agreement(s.nodes(), &ids(0..4)).expect_err("n2 is down");
    assert!(err.contains("n2 is listed as correct but is down"), "{err}");
}
