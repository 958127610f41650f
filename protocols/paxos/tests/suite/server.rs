//! One server's rules for what it is told, messages injected one at a time: whose promises and
//! acceptances count, which heartbeats it refuses, and what a restarted server says it found.

use crate::common::*;
use paxos::{Ballot, Config, Msg, PaxosNode, Proposer};
use sim_core::{Duration, Fault, Node, NodeId, PartitionSpec, Simulation, TraceEvent, TraceSink};

/// Three servers and a client (n3); server 0 is cut off from the start and runs phase 1
/// alone. Returns the ballot it is preparing.
fn server_0_preparing_alone() -> (Simulation<PaxosNode>, Ballot) {
    let mut sim = three_servers(1, 1);
    assert_eq!(run(&mut sim, ms(1)), None, "the nodes start");
    sim.apply_now(Fault::Partition {
        spec: PartitionSpec::Isolate(NodeId(0)),
    })
    .unwrap();
    let ballot = run_until_preparing(&mut sim, NodeId(0));
    (sim, ballot)
}

fn promise(ballot: Ballot) -> Msg {
    Msg::Promise {
        ballot,
        accepted: vec![],
        compacted: 0,
    }
}

#[test]
fn promises_count_only_from_servers_and_only_for_the_ballot_being_prepared() {
    let (mut sim, ballot) = server_0_preparing_alone();
    let other = Ballot::new(ballot.round + 1, 1);
    tell(&mut sim, NodeId(0), NodeId(1), promise(other));
    tell(&mut sim, NodeId(0), NodeId(3), promise(ballot));
    assert!(
        matches!(server(&sim, NodeId(0)).proposer(), Proposer::Preparing(_)),
        "neither another ballot's promise nor a client's completes the quorum"
    );
    tell(&mut sim, NodeId(0), NodeId(1), promise(ballot));
    assert_eq!(server(&sim, NodeId(0)).leading(), Some(ballot));
}

#[test]
fn acceptances_count_only_from_servers_and_only_for_the_leaders_ballot() {
    let (mut sim, ballot) = server_0_preparing_alone();
    tell(&mut sim, NodeId(0), NodeId(1), promise(ballot));
    let Proposer::Leading(l) = server(&sim, NodeId(0)).proposer() else {
        panic!("leading");
    };
    let slot = *l
        .in_flight
        .keys()
        .next()
        .expect("the leader marker in flight");
    let accepted = |ballot| Msg::Accepted { ballot, slot };
    tell(&mut sim, NodeId(0), NodeId(3), accepted(ballot));
    tell(
        &mut sim,
        NodeId(0),
        NodeId(2),
        accepted(Ballot::new(ballot.round + 1, 2)),
    );
    assert!(!server(&sim, NodeId(0)).replica().is_chosen(slot));
    tell(&mut sim, NodeId(0), NodeId(2), accepted(ballot));
    assert!(server(&sim, NodeId(0)).replica().is_chosen(slot));
}

#[test]
fn a_heartbeat_below_the_promise_is_refused_and_changes_nothing() {
    let (mut sim, leader, follower) = three_servers_led(2, 0);
    let promised = server(&sim, follower).acceptor().promised();
    let stale = Ballot::new(promised.round - 1, leader.0);
    let nacks = |sim: &Simulation<PaxosNode>| {
        sim.in_flight()
            .iter()
            .filter(|m| (m.from, m.to, m.kind) == (follower, leader, "Nack"))
            .count()
    };
    assert_eq!(nacks(&sim), 0);
    tell(
        &mut sim,
        follower,
        leader,
        Msg::Heartbeat {
            ballot: stale,
            commit: 0,
        },
    );
    assert_eq!(nacks(&sim), 1, "refused");
    // The current leader's own heartbeat is heard, not refused.
    tell(
        &mut sim,
        follower,
        leader,
        Msg::Heartbeat {
            ballot: promised,
            commit: 0,
        },
    );
    assert_eq!(nacks(&sim), 1, "the leader's heartbeat is not refused");
}

#[test]
fn a_restarted_server_says_what_it_recovered() {
    let mut sim = three_servers(3, 1);
    sim.set_trace_sink(TraceSink::Memory(Vec::new()));
    assert_eq!(run(&mut sim, ms(1_000)), None);
    let promised = server(&sim, NodeId(1)).acceptor().promised();
    assert!(promised.is_real());
    sim.apply_now(Fault::Crash { node: NodeId(1) }).unwrap();
    sim.apply_now(Fault::Restart { node: NodeId(1) }).unwrap();
    let said: Vec<String> = sim
        .trace()
        .records()
        .iter()
        .filter_map(|r| match &r.event {
            TraceEvent::Annotate {
                node: Some(NodeId(1)),
                text,
            } => Some(text.clone()),
            _ => None,
        })
        .collect();
    let recovered = format!("recovered promise {promised}");
    assert!(said.iter().any(|t| t.starts_with(&recovered)), "{said:?}");
}

#[test]
fn an_intact_disk_reads_back_whole_and_a_restarted_server_repairs_nothing() {
    for seed in 0..5 {
        let mut sim = three_servers(seed, 2);
        assert_eq!(run(&mut sim, ms(1_000)), None);
        for id in 0..3 {
            let node = NodeId(id);
            sim.apply_now(Fault::Crash { node }).unwrap();
            sim.apply_now(Fault::Restart { node }).unwrap();
            let s = server(&sim, node);
            assert_eq!(
                s.recovering(),
                None,
                "seed {seed}: {node} with an intact disk"
            );
            assert!(
                s.acceptor().entries().count() > 0,
                "seed {seed}: {node} read its log"
            );
        }
        assert_eq!(run(&mut sim, ms(2_000)), None, "seed {seed}");
    }
}

#[test]
fn a_follower_that_starts_phase_1_keeps_the_leader_it_knew() {
    let (mut sim, leader, follower) = three_servers_led(8, 0);
    assert_eq!(server(&sim, follower).leader(), Some(leader));
    sim.apply_now(Fault::Partition {
        spec: PartitionSpec::Isolate(follower),
    })
    .unwrap();
    run_until_preparing(&mut sim, follower);
    // Only a leader's own leadership ends when it runs phase 1 again; a follower still names
    // the last leader it heard (clients are redirected there).
    assert_eq!(server(&sim, follower).leader(), Some(leader));
}

#[test]
fn every_server_names_the_leader_and_shows_its_slots_and_configuration() {
    let config = Config {
        snapshot_every: 77,
        ..Config::default()
    };
    let mut leaders = Vec::new();
    for seed in 0..6 {
        let mut sim = build(seed, &config, 3, &workload(1), network(0.0, 0.0), &[]);
        assert_eq!(run(&mut sim, ms(1_000)), None);
        let leader = paxos::leader(&sim).expect("a leader");
        leaders.push(leader);
        for id in 0..3 {
            let s = server(&sim, NodeId(id));
            assert_eq!(s.leader(), Some(leader), "seed {seed}: n{id}");
            assert_eq!(s.config().snapshot_every, 77);
            let view = s.view();
            let slots = &view.tables[0];
            assert_eq!(slots.name, "slots");
            assert_eq!(slots.columns, ["slot", "ballot", "value", "chosen"]);
            assert!(!slots.rows.is_empty());
        }
        let history = paxos::history(&sim).expect("a history");
        assert!(
            !history.is_empty(),
            "seed {seed}: the client's operations are recorded"
        );
    }
    assert!(
        leaders.iter().any(|l| l.0 != 0),
        "some run elects a server other than n0: {leaders:?}"
    );
}

#[test]
fn a_follower_that_heard_a_higher_ballot_prepares_above_it() {
    let (mut sim, leader, follower) = three_servers_led(9, 0);
    // A heartbeat of a ballot far above the follower's promise (a leader whose prepare it
    // missed).
    let high = Ballot::new(50, leader.0);
    tell(
        &mut sim,
        follower,
        leader,
        Msg::Heartbeat {
            ballot: high,
            commit: 0,
        },
    );
    sim.apply_now(Fault::Partition {
        spec: PartitionSpec::Isolate(follower),
    })
    .unwrap();
    let ballot = run_until_preparing(&mut sim, follower);
    assert!(ballot > high, "{ballot} is not above {high}");
}

#[test]
fn the_model_checker_tells_a_leader_from_a_follower() {
    use sim_core::model::StateHasher;
    let (sim, leader, _) = three_servers_led(10, 0);
    let hash = |id: NodeId| {
        let mut h = StateHasher::new();
        assert!(
            sim.node(id).unwrap().model_state(&mut h),
            "a Paxos node can be hashed"
        );
        h.finish()
    };
    let follower = NodeId((leader.0 + 1) % 3);
    assert_ne!(hash(leader), hash(follower));
}

#[test]
fn a_refusal_ends_only_the_proposers_own_ballot_and_only_for_a_higher_one() {
    let (mut sim, ballot) = server_0_preparing_alone();
    let higher = Ballot::new(ballot.round + 3, 1);
    let nack = |ballot, promised| Msg::Nack { ballot, promised };
    // Another ballot's refusal, or one that is not higher, changes nothing.
    tell(
        &mut sim,
        NodeId(0),
        NodeId(1),
        nack(Ballot::new(ballot.round - 1, 0), higher),
    );
    tell(&mut sim, NodeId(0), NodeId(1), nack(ballot, ballot));
    assert!(matches!(
        server(&sim, NodeId(0)).proposer(),
        Proposer::Preparing(p) if p.ballot == ballot
    ));
    tell(&mut sim, NodeId(0), NodeId(1), nack(ballot, higher));
    assert!(matches!(
        server(&sim, NodeId(0)).proposer(),
        Proposer::Follower
    ));
}

#[test]
fn a_leader_yields_to_a_higher_prepare_and_stops_naming_itself() {
    let (mut sim, ballot) = server_0_preparing_alone();
    tell(&mut sim, NodeId(0), NodeId(1), promise(ballot));
    assert_eq!(server(&sim, NodeId(0)).leader(), Some(NodeId(0)));
    // A lower prepare is refused and changes nothing.
    tell(
        &mut sim,
        NodeId(0),
        NodeId(2),
        Msg::Prepare {
            ballot: Ballot::new(ballot.round - 1, 2),
            from_slot: 0,
        },
    );
    assert_eq!(server(&sim, NodeId(0)).leading(), Some(ballot));
    tell(
        &mut sim,
        NodeId(0),
        NodeId(2),
        Msg::Prepare {
            ballot: Ballot::new(ballot.round + 1, 2),
            from_slot: 0,
        },
    );
    let s = server(&sim, NodeId(0));
    assert!(matches!(s.proposer(), Proposer::Follower));
    assert_ne!(s.leader(), Some(NodeId(0)), "it no longer names itself");
}

#[test]
fn a_proposer_that_backed_off_waits_a_whole_leader_timeout_once_it_hears_a_leader() {
    let config = Config {
        backoff: sim_core::DurationRange {
            min: Duration::from_millis(10),
            max: Duration::from_millis(20),
        },
        ..Config::default()
    };
    let mut sim = build(2, &config, 3, &workload(0), network(0.0, 0.0), &[]);
    assert_eq!(run(&mut sim, ms(1_000)), None);
    let boss = paxos::leader(&sim).expect("a leader");
    let other = NodeId((boss.0 + 1) % 3);
    let ballot = server(&sim, boss).leading().expect("leading");
    // Only what the test tells it reaches the leader from now on.
    sim.apply_now(Fault::Partition {
        spec: PartitionSpec::Isolate(boss),
    })
    .unwrap();
    sim.set_trace_sink(TraceSink::Memory(Vec::new()));
    let since = sim.now();
    // Overtaken, it steps down and backs off for 10 to 20 ms...
    let higher = Ballot::new(ballot.round + 1, other.0);
    tell(
        &mut sim,
        boss,
        other,
        Msg::Nack {
            ballot,
            promised: higher,
        },
    );
    assert_eq!(server(&sim, boss).leading(), None);
    // ...but a leader of that ballot is heard at once, and then every 50 ms: it follows, and
    // never runs phase 1 between two heartbeats.
    for _ in 0..8 {
        tell(
            &mut sim,
            boss,
            other,
            Msg::Heartbeat {
                ballot: higher,
                commit: 0,
            },
        );
        let next = sim.now() + Duration::from_millis(50);
        assert_eq!(run(&mut sim, next), None);
    }
    let prepares = sim
        .trace()
        .records()
        .iter()
        .filter(|r| r.time >= since)
        .filter(|r| matches!(&r.event, TraceEvent::Send { from, kind, .. } if *from == boss && *kind == "Prepare"))
        .count();
    assert_eq!(prepares, 0);
    assert!(matches!(server(&sim, boss).proposer(), Proposer::Follower));
}

#[test]
fn a_prepare_goes_again_to_the_acceptors_that_have_not_promised_once_a_resend_interval_passed() {
    let mut sim = three_servers(1, 1);
    sim.set_trace_sink(TraceSink::Memory(Vec::new()));
    assert_eq!(run(&mut sim, ms(1)), None, "the nodes start");
    sim.apply_now(Fault::Partition {
        spec: PartitionSpec::Isolate(NodeId(0)),
    })
    .unwrap();
    run_until_preparing(&mut sim, NodeId(0));
    let prepares = |sim: &Simulation<PaxosNode>| -> Vec<(sim_core::Time, NodeId)> {
        sim.trace()
            .records()
            .iter()
            .filter_map(|r| match &r.event {
                TraceEvent::Send { from, to, kind, .. }
                    if *from == NodeId(0) && *kind == "Prepare" =>
                {
                    Some((r.time, *to))
                }
                _ => None,
            })
            .collect()
    };
    let first = prepares(&sim);
    assert_eq!(first.len(), 2, "one round, to n1 and n2: {first:?}");
    let t0 = first[0].0;
    // n0 is cut off, so neither answers; n0 promised itself and is not asked again. Prepares
    // go again on the first tick (one a heartbeat interval) after the resend interval.
    let (resend, tick) = (Config::default().resend, Config::default().heartbeat);
    assert_eq!(run(&mut sim, t0 + resend + tick), None);
    let again: Vec<_> = prepares(&sim).into_iter().skip(2).collect();
    assert_eq!(
        again.iter().map(|(_, to)| *to).collect::<Vec<_>>(),
        vec![NodeId(1), NodeId(2)],
        "one round again: {again:?}"
    );
    assert!(
        again.iter().all(|(t, _)| *t >= t0 + resend),
        "not before the resend interval: {again:?}"
    );
}

#[test]
fn a_partial_batch_is_proposed_once_its_delay_is_over() {
    let delay = Duration::from_millis(5);
    let config = Config {
        batch_delay: delay,
        ..Config::default()
    };
    let mut sim = build(3, &config, 3, &workload(0), network(0.0, 0.0), &[]);
    assert_eq!(run(&mut sim, ms(1_000)), None);
    let boss = paxos::leader(&sim).expect("a leader");
    let command = kv::Command {
        client: 9,
        seq: 1,
        op: kv::KvInput::Get { key: "k".into() },
    };
    let mut proposed = None;
    sim.input(boss, "a host's command", |node, ctx| {
        proposed = node.server_mut().map(|s| s.propose_command(command, ctx));
    })
    .unwrap();
    assert_eq!(proposed, Some(Ok(())));
    let queued = |sim: &Simulation<PaxosNode>| match server(sim, boss).proposer() {
        Proposer::Leading(l) => l.queue.len(),
        _ => panic!("still leading"),
    };
    assert_eq!(queued(&sim), 1, "a lone command waits for company");
    let later = sim.now() + delay + Duration::from_millis(1);
    assert_eq!(run(&mut sim, later), None);
    assert_eq!(queued(&sim), 0, "proposed when the delay ran out");
}
