//! A follower that missed many chosen values catches up once it can hear the cluster again,
//! even when no new slot is being chosen any more.

use crate::common::*;
use paxos::{Config, Msg, PaxosNode, leader};
use sim_core::{Fault, NodeId, PartitionSpec, Simulation, TraceEvent, TraceSink};

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

/// Three servers with catch-up batches of 4 and two clients, run for a second; then a follower
/// is cut off while the others go on choosing for 300 ms. Returns the simulation, the leader
/// and the follower, whose trace is kept from the cut on.
fn follower_left_behind() -> (Simulation<PaxosNode>, NodeId, NodeId) {
    let config = Config {
        catch_up_batch: 4,
        ..Config::default()
    };
    let mut sim = build(3, &config, 3, &workload(2), network(0.0, 0.0), &[]);
    assert_eq!(run(&mut sim, ms(1_000)), None);
    let boss = leader(&sim).expect("a leader");
    let follower = n((boss.0 + 1) % 3);
    sim.set_trace_sink(TraceSink::Memory(Vec::new()));
    sim.apply_now(Fault::Partition {
        spec: PartitionSpec::Isolate(follower),
    })
    .unwrap();
    assert_eq!(run(&mut sim, ms(1_300)), None);
    let behind = server(&sim, follower).replica().applied();
    assert!(
        server(&sim, boss).replica().applied() >= behind + 12,
        "the follower fell behind"
    );
    (sim, boss, follower)
}

#[test]
fn a_catch_up_answer_leads_to_the_next_request_only_when_full_and_of_use() {
    let (mut sim, boss, follower) = follower_left_behind();
    let at = server(&sim, follower).replica().applied();
    let values = server(&sim, boss)
        .replica()
        .values_from(at, 12)
        .expect("the leader holds the slots");
    let answer = |first: u64, range: std::ops::Range<usize>| Msg::Chosen {
        from: first,
        values: values[range].to_vec(),
    };
    let since = sim.now();
    // A short answer: the sender had no more.
    tell(&mut sim, follower, boss, answer(at, 0..2));
    assert_eq!(server(&sim, follower).replica().applied(), at + 2);
    assert_eq!(sent_since(&sim, since, follower, "CatchUp").len(), 0);
    // A full answer that moved it on: the next batch is asked for at once.
    tell(&mut sim, follower, boss, answer(at + 2, 2..6));
    assert_eq!(server(&sim, follower).replica().applied(), at + 6);
    assert_eq!(sent_since(&sim, since, follower, "CatchUp").len(), 1);
    // The same full answer again, a resend interval later: it taught nothing, so nothing
    // more is asked.
    let later = sim.now() + Config::default().resend;
    assert_eq!(run(&mut sim, later), None);
    tell(&mut sim, follower, boss, answer(at + 2, 2..6));
    assert_eq!(server(&sim, follower).replica().applied(), at + 6);
    assert_eq!(sent_since(&sim, since, follower, "CatchUp").len(), 1);
}

#[test]
fn catch_up_requests_for_the_same_slot_wait_a_resend_interval() {
    let (mut sim, boss, follower) = follower_left_behind();
    // A leader's ballot above whatever the follower promised while it was alone.
    let promised = server(&sim, follower).acceptor().promised();
    let ballot = paxos::Ballot::new(promised.round + 1, boss.0);
    let ahead = server(&sim, boss).replica().applied();
    let heartbeat = Msg::Heartbeat {
        ballot,
        commit: ahead,
    };
    let since = sim.now();
    let resend = Config::default().resend;
    tell(&mut sim, follower, boss, heartbeat.clone());
    tell(&mut sim, follower, boss, heartbeat.clone());
    assert_eq!(
        sent_since(&sim, since, follower, "CatchUp").len(),
        1,
        "asked once"
    );
    let almost = since + sim_core::Duration::from_nanos(resend.as_nanos() - 1);
    assert_eq!(run(&mut sim, almost), None);
    tell(&mut sim, follower, boss, heartbeat.clone());
    assert_eq!(
        sent_since(&sim, since, follower, "CatchUp").len(),
        1,
        "not yet"
    );
    assert_eq!(run(&mut sim, since + resend), None);
    assert_eq!(sim.now(), since + resend);
    tell(&mut sim, follower, boss, heartbeat);
    assert_eq!(
        sent_since(&sim, since, follower, "CatchUp").len(),
        2,
        "asked again once the interval is over"
    );
}

/// Three servers and a client; n0 is cut off from the start and runs phase 1 alone while the
/// others choose slots. Returns the simulation, n0's ballot, and the first values the others
/// chose (at least two), for answers to n0's catch-up requests.
fn n0_preparing_alone_behind() -> (Simulation<PaxosNode>, paxos::Ballot, Vec<paxos::Value>) {
    let mut sim = three_servers(21, 1);
    assert_eq!(run(&mut sim, ms(1)), None, "the nodes start");
    sim.apply_now(Fault::Partition {
        spec: PartitionSpec::Isolate(n(0)),
    })
    .unwrap();
    assert_eq!(run(&mut sim, ms(800)), None);
    let paxos::Proposer::Preparing(p) = server(&sim, n(0)).proposer() else {
        panic!("n0 runs phase 1 alone");
    };
    let ballot = p.ballot;
    assert_eq!(p.from_slot, 0);
    let boss = leader(&sim)
        .filter(|&l| l != n(0))
        .expect("the others elected a leader");
    let chosen = server(&sim, boss).replica().applied().min(16);
    assert!(chosen >= 2, "the others chose {chosen} slots");
    let values = server(&sim, boss)
        .replica()
        .values_from(0, chosen)
        .expect("held from slot 0");
    sim.set_trace_sink(TraceSink::Memory(Vec::new()));
    (sim, ballot, values)
}

/// n1's promise to n0, reporting a snapshot at `compacted`.
fn promise_from_a_snapshot(ballot: paxos::Ballot, compacted: u64) -> Msg {
    Msg::Promise {
        ballot,
        accepted: vec![],
        compacted,
    }
}

#[test]
fn a_leader_behind_a_promisers_snapshot_asks_round_the_others_until_it_has_caught_up() {
    let (mut sim, ballot, values) = n0_preparing_alone_behind();
    let upto = values.len() as u64;
    let since = sim.now();
    tell(&mut sim, n(0), n(1), promise_from_a_snapshot(ballot, upto));
    assert_eq!(server(&sim, n(0)).leading(), Some(ballot));
    assert_eq!(
        sent_since(&sim, since, n(0), "CatchUp"),
        vec![n(1)],
        "asks the promiser"
    );
    // Nothing comes back (n0 is still cut off): once a resend interval has passed without
    // progress it asks the next server, and then the next, round the ring.
    assert_eq!(
        run(&mut sim, since + sim_core::Duration::from_millis(310)),
        None
    );
    let asked = sent_since(&sim, since, n(0), "CatchUp");
    assert!(asked.len() >= 3, "{asked:?}");
    assert_eq!(asked[..3], [n(1), n(2), n(1)]);
    // Caught up to the snapshot point, it asks no more.
    tell(
        &mut sim,
        n(0),
        n(1),
        Msg::Chosen {
            from: 0,
            values: values.clone(),
        },
    );
    assert_eq!(server(&sim, n(0)).replica().applied(), upto);
    let caught_up = sim.now();
    assert_eq!(
        run(&mut sim, caught_up + sim_core::Duration::from_millis(500)),
        None
    );
    assert_eq!(sent_since(&sim, caught_up, n(0), "CatchUp"), vec![]);
}

#[test]
fn a_leader_that_already_applied_up_to_a_promisers_snapshot_asks_nobody() {
    let (mut sim, ballot, values) = n0_preparing_alone_behind();
    let upto = values.len() as u64;
    // It learns the chosen slots while still in phase 1.
    tell(&mut sim, n(0), n(1), Msg::Chosen { from: 0, values });
    assert_eq!(server(&sim, n(0)).replica().applied(), upto);
    let since = sim.now();
    tell(&mut sim, n(0), n(1), promise_from_a_snapshot(ballot, upto));
    assert_eq!(server(&sim, n(0)).leading(), Some(ballot));
    assert_eq!(
        run(&mut sim, since + sim_core::Duration::from_millis(300)),
        None
    );
    assert_eq!(sent_since(&sim, since, n(0), "CatchUp"), vec![]);
}

#[test]
fn a_catch_up_request_at_the_answerers_end_gets_no_answer() {
    let (mut sim, boss, follower) = follower_left_behind();
    let end = server(&sim, boss).replica().applied();
    let since = sim.now();
    tell(&mut sim, boss, follower, Msg::CatchUp { from: end });
    tell(&mut sim, boss, follower, Msg::CatchUp { from: end - 1 });
    let answers: Vec<usize> = sim
        .trace()
        .records()
        .iter()
        .filter(|r| r.time >= since)
        .filter_map(|r| match &r.event {
            TraceEvent::Send {
                from,
                kind,
                payload,
                ..
            } if *from == boss && *kind == "Chosen" => {
                payload["Chosen"]["values"].as_array().map(Vec::len)
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        answers,
        vec![1],
        "only the request one slot short is answered"
    );
}
