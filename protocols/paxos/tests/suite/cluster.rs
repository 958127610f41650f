//! Multi-Paxos clusters under faults, 50 seeds each, with every checker on and the client
//! history checked for linearizability at the end.

use crate::common::*;
use paxos::{Config, PaxosNode, leader, metrics};
use sim_core::{Duration, Fault, NodeStatus, PartitionSpec, Simulation};

const SEEDS: u64 = 50;

/// Runs `sim` until a leader exists (or `deadline`), returning it.
fn wait_for_leader(sim: &mut Simulation<PaxosNode>, deadline: impl Into<When>) -> paxos::Ballot {
    let deadline = deadline.into().at(sim);
    loop {
        if let Some(l) = leader(sim) {
            return sim.node(l).and_then(|n| n.server()?.leading()).unwrap();
        }
        assert!(
            sim.now() < deadline,
            "seed {}: no leader by {deadline}",
            sim.seed()
        );
        let next = sim.now() + Duration::from_millis(10);
        if let Some(v) = run(sim, next) {
            panic!("seed {}: {v}", sim.seed());
        }
    }
}

#[test]
fn a_quiet_cluster_elects_one_leader_and_serves_every_client() {
    for seed in 0..SEEDS {
        let mut sim = build(
            seed,
            &Config::default(),
            5,
            &workload(4),
            network(0.0, 0.0),
            &[],
        );
        assert_healthy(&mut sim, ms(2_000), 200);
        let m = metrics(&sim);
        // Two followers may time out together at the start; after that the leader stays.
        assert!(m.leader_changes <= 1, "seed {seed}: {m:?}");
        assert_eq!(m.clients.gave_up, 0, "seed {seed}");
        let leaders = sim
            .views()
            .into_iter()
            .flatten()
            .filter(|v| v.role == "leader")
            .count();
        assert_eq!(leaders, 1, "seed {seed}");
    }
}

#[test]
fn loss_duplication_and_reordering_do_not_break_safety() {
    for seed in 0..SEEDS {
        let mut sim = build(
            seed,
            &Config::default(),
            5,
            &workload(4),
            network(0.1, 0.1),
            &[],
        );
        assert_healthy(&mut sim, ms(3_000), 40);
        assert!(sim.stats().duplicated > 0 && sim.stats().dropped_loss > 0);
    }
}

#[test]
fn a_leader_crash_mid_slot_is_survived_and_its_slots_are_kept() {
    let mut recoveries = Vec::new();
    let mut mid_slot = 0;
    for seed in 0..SEEDS {
        let mut sim = build(
            seed,
            &Config::default(),
            5,
            &workload(4),
            network(0.0, 0.0),
            &[],
        );
        // Crash the leader at a random moment of steady load, likely with slots in flight.
        let at = ms(800 + seed * 7);
        if let Some(v) = run(&mut sim, at) {
            panic!("seed {seed}: {v}");
        }
        let first = wait_for_leader(&mut sim, ms(2_000));
        let old = leader(&sim).unwrap();
        let in_flight = match sim.node(old).and_then(|n| n.server()).map(|s| s.proposer()) {
            Some(paxos::Proposer::Leading(l)) => l.in_flight.len(),
            _ => 0,
        };
        if in_flight > 0 {
            mid_slot += 1;
        }
        sim.apply_now(Fault::Crash { node: old }).unwrap();
        sim.schedule(
            sim.now() + Duration::from_millis(1_000),
            Fault::Restart { node: old },
        )
        .unwrap();
        let second = wait_for_leader(&mut sim, After(Duration::from_secs(2)));
        assert!(second > first, "seed {seed}: a new ballot leads");
        assert_healthy(&mut sim, ms(4_000), 200);
        let m = metrics(&sim);
        assert!(m.leader_changes >= 1, "seed {seed}: {m:?}");
        recoveries.push(m.recovery_ms.expect("histories are recorded"));
        assert_eq!(sim.status(old), Some(NodeStatus::Up));
    }
    assert!(
        mid_slot >= SEEDS / 2,
        "only {mid_slot} crashes hit slots in flight"
    );
    recoveries.sort_by(f64::total_cmp);
    let median = recoveries[recoveries.len() / 2];
    // Detection (150-300 ms without heartbeats) plus a client timeout (300 ms) bound it.
    assert!(
        (150.0..1_000.0).contains(&median),
        "median recovery {median} ms"
    );
}

#[test]
fn a_partitioned_old_leader_returns_and_steps_down() {
    for seed in 0..SEEDS {
        let mut sim = build(
            seed,
            &Config::default(),
            5,
            &workload(4),
            network(0.0, 0.0),
            &[],
        );
        if let Some(v) = run(&mut sim, ms(600 + seed * 5)) {
            panic!("seed {seed}: {v}");
        }
        let first = wait_for_leader(&mut sim, ms(2_000));
        let old = leader(&sim).unwrap();
        let other = n((old.0 + 1) % 5);
        // The old leader keeps one server and one client on its side.
        let client = n(5);
        let spec = PartitionSpec::Groups(vec![vec![old, other, client]]);
        sim.apply_now(Fault::Partition { spec }).unwrap();
        if let Some(v) = run(&mut sim, After(Duration::from_millis(1_000))) {
            panic!("seed {seed}: {v}");
        }
        let second = wait_for_leader(&mut sim, After(Duration::from_secs(1)));
        assert!(
            second > first,
            "seed {seed}: the majority elects a new leader"
        );
        // While cut off, the old leader still believes it leads, and chooses nothing.
        assert_eq!(
            sim.node(old).and_then(|n| n.server()?.leading()),
            Some(first),
            "seed {seed}"
        );
        sim.apply_now(Fault::HealAll).unwrap();
        assert_healthy(&mut sim, After(Duration::from_millis(1_500)), 100);
        assert_eq!(
            sim.node(old).and_then(|n| n.server()?.leading()),
            None,
            "seed {seed}: the old leader stepped down"
        );
        let lagging = sim.node(old).unwrap().server().unwrap().replica().applied();
        let ahead = metrics(&sim).slots;
        assert!(lagging + 50 >= ahead, "seed {seed}: {lagging} vs {ahead}");
    }
}

#[test]
fn acceptors_restart_and_recover_their_promises_from_disk() {
    for seed in 0..SEEDS {
        let mut sim = build(
            seed,
            &Config::default(),
            5,
            &workload(4),
            network(0.02, 0.02),
            &[],
        );
        // Every 250 ms one server crashes and comes back 150 ms later; at most one is down.
        let mut t = 400;
        while t < 3_000 {
            let victim = n(((t / 250 + seed) % 5) as u32);
            sim.schedule(ms(t), Fault::Crash { node: victim }).unwrap();
            sim.schedule(ms(t + 150), Fault::Restart { node: victim })
                .unwrap();
            t += 250;
        }
        assert_healthy(&mut sim, ms(4_000), 50);
    }
}

#[test]
fn lagging_replicas_catch_up_through_snapshots() {
    let config = Config {
        snapshot_every: 20,
        catch_up_batch: 8,
        ..Config::default()
    };
    for seed in 0..SEEDS {
        let mut sim = build(seed, &config, 5, &workload(4), network(0.0, 0.0), &[]);
        let victim = n((seed % 5) as u32);
        sim.schedule(ms(300), Fault::Crash { node: victim })
            .unwrap();
        sim.schedule(ms(1_500), Fault::Restart { node: victim })
            .unwrap();
        assert_healthy(&mut sim, ms(2_500), 100);
        let server = sim.node(victim).unwrap().server().unwrap();
        let best = metrics(&sim).slots;
        assert!(
            server.replica().applied() + 30 >= best,
            "seed {seed}: {victim} applied {} of {best}",
            server.replica().applied()
        );
        assert!(server.acceptor().compacted() > 0, "seed {seed}");
    }
}

#[test]
fn dueling_proposers_with_tight_timeouts_still_make_progress() {
    let config = Config {
        heartbeat: Duration::from_millis(5),
        leader_timeout: "10ms..12ms".parse().unwrap(),
        backoff: "1ms..30ms".parse().unwrap(),
        ..Config::default()
    };
    let mut changes = 0;
    for seed in 0..SEEDS {
        // Delays near the timeout make followers suspect the leader and compete.
        let mut sim = build(seed, &config, 5, &workload(4), network(0.05, 0.0), &[]);
        assert_healthy(&mut sim, ms(3_000), 30);
        changes += metrics(&sim).leader_changes;
    }
    assert!(
        changes >= SEEDS,
        "only {changes} leader changes: the proposers hardly competed"
    );
}

#[test]
fn flexible_quorums_commit_with_two_acceptors_and_elect_with_four() {
    let config = Config {
        phase1_quorum: 4,
        phase2_quorum: 2,
        ..Config::default()
    };
    for seed in 0..SEEDS {
        let mut sim = build(seed, &config, 5, &workload(4), network(0.0, 0.0), &[]);
        // Two servers down: phase 2 still has its quorum, while the leader keeps leading.
        if let Some(v) = run(&mut sim, ms(500)) {
            panic!("seed {seed}: {v}");
        }
        wait_for_leader(&mut sim, ms(1_500));
        let l = leader(&sim).unwrap();
        let down: Vec<_> = (0..5).map(n).filter(|&x| x != l).take(2).collect();
        for &d in &down {
            sim.apply_now(Fault::Crash { node: d }).unwrap();
        }
        let before = metrics(&sim).clients.completed;
        if let Some(v) = run(&mut sim, After(Duration::from_millis(500))) {
            panic!("seed {seed}: {v}");
        }
        assert!(metrics(&sim).clients.completed > before + 20, "seed {seed}");
        assert_healthy(&mut sim, After(Duration::from_millis(200)), 50);
    }
}

#[test]
fn same_seed_same_run() {
    let runs: Vec<u64> = (0..2)
        .map(|_| {
            let mut sim = build(
                7,
                &Config::default(),
                5,
                &workload(4),
                network(0.1, 0.1),
                &[],
            );
            assert!(run(&mut sim, ms(1_500)).is_none());
            sim.fingerprint()
        })
        .collect();
    assert_eq!(runs[0], runs[1]);
    let mut other = build(
        8,
        &Config::default(),
        5,
        &workload(4),
        network(0.1, 0.1),
        &[],
    );
    assert!(run(&mut other, ms(1_500)).is_none());
    assert_ne!(runs[0], other.fingerprint());
}

#[test]
fn batched_slots_under_loss_and_restarts_stay_safe_and_live() {
    let config = Config {
        batch_delay: Duration::from_millis(3),
        max_batch: 4,
        window: 2,
        ..Config::default()
    };
    let mut batched = 0.0;
    for seed in 0..SEEDS {
        let mut sim = build(seed, &config, 5, &workload(8), network(0.05, 0.05), &[]);
        for (i, t) in [(1u32, 700u64), (3, 1_400)] {
            sim.schedule(ms(t), Fault::Crash { node: n(i) }).unwrap();
            sim.schedule(ms(t + 300), Fault::Restart { node: n(i) })
                .unwrap();
        }
        assert_healthy(&mut sim, ms(3_000), 100);
        batched += metrics(&sim).commands_per_slot;
    }
    let mean = batched / SEEDS as f64;
    assert!(mean > 1.2, "{mean} commands per slot on average");
}
