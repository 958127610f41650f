//! A follower that missed many chosen values catches up once it can hear the cluster again,
//! even when no new slot is being chosen any more.

use crate::common::*;
use paxos::{Config, PaxosNode, leader};
use sim_core::{Fault, PartitionSpec, Simulation};

const SEEDS: u64 = 50;

/// Catch-up requests sent so far.
fn catch_ups(sim: &Simulation<PaxosNode>) -> u64 {
    sim.sent_by_kind()
        .iter()
        .find(|(k, _)| *k == "CatchUp")
        .map_or(0, |(_, n)| *n)
}

/// Every running server's applied slot count.
fn applied(sim: &Simulation<PaxosNode>) -> Vec<u64> {
    (0..5)
        .map(|i| {
            sim.node(n(i))
                .unwrap()
                .server()
                .unwrap()
                .replica()
                .applied()
        })
        .collect()
}

/// A follower is cut off while the clients are busy, then paused; the clients finish while it
/// is away. At the heal it resumes and the network heals, with no client load left: within a
/// second every server has applied every chosen slot. Small snapshots and catch-up batches
/// make the gap many batches long and below the others' snapshots, and the returning server,
/// whose ballot rose while it was alone, usually wins the next election from behind.
#[test]
fn a_cut_off_and_paused_follower_learns_every_chosen_value_without_new_load() {
    let config = Config {
        snapshot_every: 200,
        catch_up_batch: 16,
        ..Config::default()
    };
    let mut load = workload(4);
    load.ops_per_client = 60;
    for seed in 0..SEEDS {
        let mut sim = build(seed, &config, 5, &load, network(0.0, 0.0), &[]);
        sim.count_sent_kinds();
        if let Some(v) = run(&mut sim, ms(250 + seed * 3)) {
            panic!("seed {seed}: {v}");
        }
        let Some(boss) = leader(&sim) else {
            panic!("seed {seed}: no leader when the follower is cut off");
        };
        let victim = n((boss.0 + 1 + (seed % 4) as u32) % 5);
        let cut = sim.now();
        let faults = [
            (
                cut,
                Fault::Partition {
                    spec: PartitionSpec::Isolate(victim),
                },
            ),
            (ms(1_700), Fault::Pause { node: victim }),
            (ms(2_000), Fault::Resume { node: victim }),
            (ms(2_000), Fault::HealAll),
        ];
        for (at, fault) in faults {
            sim.schedule(at, fault).unwrap();
        }
        if let Some(v) = run(&mut sim, ms(2_000)) {
            panic!("seed {seed}: {v}");
        }
        let before = applied(&sim);
        let behind = before[victim.0 as usize];
        let best = *before.iter().max().unwrap();
        assert!(
            behind + 2 * config.catch_up_batch < best,
            "seed {seed}: {victim} missed only {} slots while away ({before:?})",
            best - behind
        );
        let asked_before = catch_ups(&sim);
        assert_healthy(&mut sim, ms(3_000), 4 * load.ops_per_client);
        // One request per full batch of the gap, and a few for the batches in flight: a
        // server that asked again on every heartbeat or answer would send many more.
        let asked = catch_ups(&sim) - asked_before;
        let batches = (best - behind) / config.catch_up_batch;
        assert!(
            asked <= batches + 8,
            "seed {seed}: {asked} catch-up requests for a gap of {batches} batches"
        );
        let after = applied(&sim);
        assert!(
            after.iter().all(|&a| a == after[0]) && after[0] >= best,
            "seed {seed}: {victim} was cut off at {cut}; a second after the heal the servers \
             have applied {after:?} slots (before the heal {before:?})"
        );
    }
}
