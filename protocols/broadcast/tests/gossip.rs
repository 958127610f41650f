//! Gossip converges after a partition heals: anti-entropy in each direction, rumor mongering
//! with an anti-entropy backup, and reliable broadcast with repair.

mod common;

use broadcast::{
    AntiEntropy, Config, Direction, Loss, Stop, Workload, agreement_time, check_agreement,
};
use common::*;
use sim_core::{Fault, NodeId, PartitionSpec, Simulation, Time};
use std::sync::Arc;
use topology::{Overlay, TopologySpec, topology_rng};

const N: u32 = 24;

/// Broadcasts from every node during a partition into two groups; heals at 2 s and lets
/// `bound` pass. Returns the simulation.
fn partitioned_run(config: Config, seed: u64, bound: u64) -> Simulation<broadcast::BroadcastNode> {
    let workload = Workload {
        origins: Vec::new(),
        rate: 40.0,
        rate_per_node: None,
        start: ms(0),
        stop: ms(1_800),
        limit: None,
        initial: Vec::new(),
    };
    let mut s = sim(seed, N, config.with_workload(workload));
    let left: Vec<NodeId> = ids(0..N / 2);
    s.schedule(
        at_ms(200),
        Fault::Partition {
            spec: PartitionSpec::Groups(vec![left]),
        },
    )
    .expect("a valid fault");
    s.schedule(at_ms(2_000), Fault::HealAll)
        .expect("a valid fault");
    run_to(&mut s, at_ms(1_990));
    assert!(
        check_agreement(s.nodes(), &ids(0..N)).is_err(),
        "seed {seed}: the sides cannot agree before the heal"
    );
    run_to(&mut s, at_ms(2_000 + bound));
    s
}

fn assert_converged(s: &Simulation<broadcast::BroadcastNode>, seed: u64, bound: u64) {
    let all = ids(0..N);
    check_agreement(s.nodes(), &all).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    let t = agreement_time(s.nodes(), &all).expect("they agree");
    assert!(t <= at_ms(2_000 + bound), "seed {seed}: converged at {t}");
    let made: usize = s.nodes().live().map(|(_, n)| n.originated().len()).sum();
    assert!(made > 30, "seed {seed}: only {made} broadcasts");
    for (_, n) in s.nodes().live() {
        assert_eq!(n.deliveries().len(), made, "seed {seed}");
    }
}

fn small_world(seed: u64) -> Overlay {
    let t = TopologySpec::SmallWorld { k: 4, beta: 0.2 }
        .build(N, &mut topology_rng(seed))
        .expect("a valid topology");
    Overlay::new(Arc::new(t))
}

#[test]
fn push_pull_anti_entropy_converges_after_heal() {
    for seed in 0..50 {
        let config = Config::anti_entropy(Direction::PushPull, 1, ms(100));
        let s = partitioned_run(config, seed, 2_000);
        assert_converged(&s, seed, 2_000);
    }
}

#[test]
fn push_and_pull_alone_converge_too_on_a_small_world() {
    for seed in 0..20 {
        for direction in [Direction::Push, Direction::Pull] {
            let config =
                Config::anti_entropy(direction, 2, ms(100)).with_overlay(small_world(seed));
            let s = partitioned_run(config, seed, 4_000);
            assert_converged(&s, seed, 4_000);
        }
    }
}

#[test]
fn rumor_mongering_with_an_anti_entropy_backup_converges() {
    for seed in 0..50 {
        let mut config = Config::rumor(Loss::Feedback, Stop::Counter, 2, ms(50));
        config.anti_entropy = Some(AntiEntropy {
            period: ms(500),
            ..AntiEntropy::default()
        });
        let s = partitioned_run(config, seed, 3_000);
        assert_converged(&s, seed, 3_000);
    }
}

#[test]
fn repairs_after_a_heal_are_annotated() {
    let mut config = Config::reliable();
    config.anti_entropy = Some(AntiEntropy {
        period: ms(200),
        ..AntiEntropy::default()
    });
    let mut s = partitioned_run(config, 1, 2_000);
    s.set_trace_sink(sim_core::TraceSink::Memory(Vec::new()));
    // A fresh cut and heal, with the trace recorded this time.
    s.apply_now(Fault::Partition {
        spec: PartitionSpec::Isolate(NodeId(3)),
    })
    .expect("a valid fault");
    broadcast(&mut s, NodeId(0), 99);
    let cut = s.now();
    run_to(&mut s, cut + ms(500));
    s.apply_now(Fault::HealAll).expect("a valid fault");
    let healed = s.now();
    run_to(&mut s, healed + ms(1_000));
    let notes: Vec<String> = s
        .trace()
        .records()
        .iter()
        .filter_map(|r| match &r.event {
            sim_core::TraceEvent::Annotate {
                node: Some(n),
                text,
            } if *n == NodeId(3) => Some(text.clone()),
            _ => None,
        })
        .collect();
    assert!(
        notes
            .iter()
            .any(|t| t.contains("repaired 1 missed broadcasts")),
        "{notes:?}"
    );
}

#[test]
fn reliable_broadcast_with_repair_converges() {
    for seed in 0..50 {
        let mut config = Config::reliable().with_overlay(small_world(seed));
        config.anti_entropy = Some(AntiEntropy {
            period: ms(200),
            ..AntiEntropy::default()
        });
        let s = partitioned_run(config, seed, 2_000);
        assert_converged(&s, seed, 2_000);
    }
}

#[test]
fn blind_coin_rumors_alone_leave_a_residue_that_anti_entropy_removes() {
    // With k = 1 a blind/coin rumor dies after its first push: most nodes never hear it.
    let mut residue = 0.0;
    for seed in 0..10 {
        let mut s = sim(
            seed,
            200,
            Config::rumor(Loss::Blind, Stop::Coin, 1, ms(100)),
        );
        broadcast(&mut s, NodeId(0), 1);
        run_to(&mut s, at_ms(10_000));
        residue += broadcast::Metrics::compute(s.nodes(), s.stats(), None).residue;
        assert!(s.is_idle(), "rumor mongering stops by itself");
    }
    assert!(residue / 10.0 > 0.9, "mean residue {}", residue / 10.0);

    let mut config = Config::rumor(Loss::Blind, Stop::Coin, 1, ms(100));
    config.anti_entropy = Some(AntiEntropy {
        period: ms(100),
        ..AntiEntropy::default()
    });
    let mut s = sim(1, 200, config);
    broadcast(&mut s, NodeId(0), 1);
    run_to(&mut s, at_ms(10_000));
    check_agreement(s.nodes(), &ids(0..200)).expect("anti-entropy reaches everyone");
}

#[test]
fn a_restarted_origin_does_not_reuse_ids() {
    let config = Config::anti_entropy(Direction::PushPull, 1, ms(50));
    let mut s = sim(3, 6, config);
    let first = broadcast(&mut s, NodeId(2), 10);
    run_to(&mut s, at_ms(1_000));
    s.apply_now(Fault::Restart { node: NodeId(2) })
        .expect("a valid fault");
    run_to(&mut s, at_ms(1_001));
    let second = broadcast(&mut s, NodeId(2), 20);
    assert_ne!(first, second);
    assert_eq!((first.seq, second.seq), (0, 0));
    assert_eq!(second.incarnation, 1);
    run_to(&mut s, at_ms(3_000));
    // The restarted node learns its old broadcast back from the others; nobody delivers
    // anything twice within an incarnation, and payloads match (the checkers ran throughout).
    check_agreement(s.nodes(), &ids(0..6)).expect("all agree");
    assert_eq!(s.node(NodeId(5)).expect("up").deliveries().len(), 2);
    assert!(s.now() > Time::ZERO);
}
