//! Snapshots: taken once `snapshot_every` slots were applied since the last (never with 0), kept whole on disk
//! across restarts, with the acceptor's note still adding up after the entries it forgot.

use crate::common::*;
use paxos::{Config, PaxosNode};
use sim_core::{Fault, NodeId, Simulation};

fn snapshot_points(sim: &Simulation<PaxosNode>) -> Vec<Option<u64>> {
    (0..3)
        .map(|i| server(sim, NodeId(i)).replica().snapshot().map(|s| s.upto))
        .collect()
}

#[test]
fn snapshots_are_taken_every_n_applied_slots_and_never_with_zero() {
    for (every, seed) in [(8, 1), (8, 2), (13, 3)] {
        let config = Config {
            snapshot_every: every,
            ..Config::default()
        };
        let mut sim = build(seed, &config, 3, &workload(2), network(0.0, 0.0), &[]);
        assert_eq!(run(&mut sim, ms(1_500)), None);
        for (i, point) in snapshot_points(&sim).into_iter().enumerate() {
            let upto = point.unwrap_or_else(|| panic!("seed {seed}: n{i} took no snapshot"));
            let applied = server(&sim, NodeId(i as u32)).replica().applied();
            // A snapshot once `every` slots were applied since the last one (several may
            // apply at once, so the points need not be multiples of `every`).
            assert!(upto >= every, "seed {seed}: n{i} snapshot at {upto}");
            assert!(
                applied >= upto && applied < upto + every,
                "seed {seed}: n{i} applied {applied}, snapshot at {upto}"
            );
        }
    }
    let never = Config {
        snapshot_every: 0,
        ..Config::default()
    };
    let mut sim = build(4, &never, 3, &workload(2), network(0.0, 0.0), &[]);
    assert_eq!(run(&mut sim, ms(1_500)), None);
    assert_eq!(snapshot_points(&sim), [None, None, None]);
}

#[test]
fn a_disk_with_snapshots_reads_back_whole_and_a_restart_repairs_nothing() {
    let config = Config {
        snapshot_every: 8,
        ..Config::default()
    };
    for seed in 0..5 {
        let mut sim = build(seed, &config, 3, &workload(2), network(0.0, 0.0), &[]);
        assert_eq!(run(&mut sim, ms(1_000)), None);
        for id in 0..3 {
            let node = NodeId(id);
            let before = server(&sim, node).replica().snapshot().map(|s| s.upto);
            assert!(before.is_some(), "seed {seed}: n{id} snapshotted");
            sim.apply_now(Fault::Crash { node }).unwrap();
            sim.apply_now(Fault::Restart { node }).unwrap();
            let s = server(&sim, node);
            assert_eq!(s.recovering(), None, "seed {seed}: n{id}'s note adds up");
            assert_eq!(s.replica().snapshot().map(|s| s.upto), before);
            assert_eq!(s.acceptor().compacted(), before.unwrap());
        }
        assert_eq!(run(&mut sim, ms(2_000)), None, "seed {seed}");
    }
}

#[test]
fn a_follower_far_behind_installs_a_snapshot_and_keeps_it_across_a_restart() {
    let config = Config {
        snapshot_every: 8,
        ..Config::default()
    };
    let mut sim = build(21, &config, 3, &workload(2), network(0.0, 0.0), &[]);
    assert_eq!(run(&mut sim, ms(500)), None);
    let leader = paxos::leader(&sim).expect("a leader");
    let follower = NodeId((leader.0 + 1) % 3);
    sim.apply_now(Fault::Partition {
        spec: sim_core::PartitionSpec::Isolate(follower),
    })
    .unwrap();
    assert_eq!(run(&mut sim, ms(1_500)), None);
    let behind = server(&sim, follower).replica().applied();
    let ahead = server(&sim, leader)
        .replica()
        .snapshot()
        .map_or(0, |s| s.upto);
    assert!(
        ahead > behind + 8,
        "the others snapshotted past the follower"
    );
    sim.apply_now(Fault::HealAll).unwrap();
    assert_eq!(run(&mut sim, ms(2_500)), None);
    let s = server(&sim, follower);
    let installed = s.replica().snapshot().map(|s| s.upto).expect("a snapshot");
    assert!(installed > behind, "it caught up through a snapshot");
    assert!(
        sim.trace().marks().get(sim_core::MarkKind::Snapshot) > 0,
        "a snapshot was installed, not only taken"
    );
    sim.apply_now(Fault::Crash { node: follower }).unwrap();
    sim.apply_now(Fault::Restart { node: follower }).unwrap();
    let s = server(&sim, follower);
    assert_eq!(s.recovering(), None);
    assert!(s.replica().snapshot().map_or(0, |s| s.upto) >= installed);
}
