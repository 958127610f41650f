//! The invariant checkers judge what others could see. A promise that a torn sync took back
//! before it left the acceptor is no violation; a promise that was made and then forgotten is.

use crate::common::*;
use paxos::{Ballot, Bug, Config, Msg, PaxosNode, cluster};
use sim_core::{Duration, Fault, Node, NodeId, SimConfig, Simulation, StorageFault};

/// Three servers whose syncs take 1 ms, no clients.
fn three_servers_syncing_in_1ms(bugs: Vec<Bug>) -> Simulation<PaxosNode> {
    let sim = SimConfig {
        seed: 1,
        network: network(0.0, 0.0),
        disk_sync: Duration::from_millis(1),
        ..SimConfig::default()
    };
    let config = Config {
        bugs,
        ..Config::default()
    };
    cluster::build(sim, &config, 3, &workload(0)).expect("a valid simulation")
}

/// Server 1 promises a ballot of server 0 far above any the run reached.
fn promise_a_high_ballot(sim: &mut Simulation<PaxosNode>) -> Ballot {
    let ballot = Ballot {
        round: 1_000,
        node: 0,
    };
    sim.input(NodeId(1), "prepare", |n, ctx| {
        n.on_message(
            NodeId(0),
            Msg::Prepare {
                ballot,
                from_slot: 0,
            },
            ctx,
        )
    })
    .unwrap();
    let held = sim.node(NodeId(1)).and_then(PaxosNode::server).unwrap();
    assert_eq!(held.acceptor().promised(), ballot, "promised");
    ballot
}

/// Crashes and restarts server 1, which forgets its promise; returns the promise checker's
/// verdict.
fn promise_forgotten_at_a_restart_of_server_1(
    sim: &mut Simulation<PaxosNode>,
) -> sim_core::Violation {
    assert_eq!(
        sim.apply_now(Fault::Crash { node: NodeId(1) }).unwrap(),
        None
    );
    let v = sim
        .apply_now(Fault::Restart { node: NodeId(1) })
        .unwrap()
        .expect("a violation at the restart");
    assert_eq!(v.checker, "promises never decrease");
    v
}

fn promised(sim: &Simulation<PaxosNode>, id: NodeId) -> Ballot {
    sim.node(id)
        .and_then(PaxosNode::server)
        .expect("a running server")
        .acceptor()
        .promised()
}

#[test]
fn a_promise_a_torn_sync_took_back_before_it_left_is_no_violation() {
    let mut sim = three_servers_syncing_in_1ms(Vec::new());
    // A leader is elected first, so that every copy of server 1's promise holds one.
    assert_eq!(run(&mut sim, ms(500)), None);
    assert!(promised(&sim, NodeId(1)).round > 0);
    let ballot = promise_a_high_ballot(&mut sim);
    assert!(promised(&sim, NodeId(1)) == ballot);
    // The crash tears the promise's sync: the Promise waiting for it never leaves.
    sim.apply_now(Fault::Storage {
        node: NodeId(1),
        storage: StorageFault::TornWrite { draw: 0, noise: 1 },
    })
    .unwrap();
    let restarted = sim.apply_now(Fault::Restart { node: NodeId(1) }).unwrap();
    assert!(
        promised(&sim, NodeId(1)) < ballot,
        "the promise was taken back"
    );
    assert_eq!(restarted, None);
    assert_eq!(run(&mut sim, ms(800)), None);
}

#[test]
fn a_promise_forgotten_after_its_sync_could_have_finished_is_a_violation() {
    let mut sim = three_servers_syncing_in_1ms(vec![Bug::ForgetPromise]);
    // The engine's own durability check would name the bug first; the invariant is on trial.
    sim.set_durability_check(false);
    assert_eq!(run(&mut sim, ms(50)), None);
    let ballot = promise_a_high_ballot(&mut sim);
    let at = sim.now() + Duration::from_millis(2);
    assert_eq!(run(&mut sim, at), None);
    let v = promise_forgotten_at_a_restart_of_server_1(&mut sim);
    assert!(
        v.description.contains(&format!("promised {ballot}")),
        "{}",
        v.description
    );
}

fn noop_batch(seq: u64) -> paxos::Value {
    paxos::Value::batch(vec![kv::Command {
        client: 77,
        seq,
        op: kv::KvInput::Get {
            key: "forged".into(),
        },
    }])
}

#[test]
fn validity_fires_on_a_value_no_proposer_proposed() {
    let (mut sim, leader, follower) = three_servers_led(13, 1);
    let server = sim.node(follower).and_then(PaxosNode::server).unwrap();
    let ballot = server.acceptor().promised();
    let slot = server.acceptor().last_slot().unwrap_or(0) + 1;
    // A forged accept under the current leader's ballot, of a value nobody proposed.
    let v = sim
        .input(follower, "forged accept", |n, ctx| {
            n.on_message(
                leader,
                Msg::Accept {
                    ballot,
                    slot,
                    value: noop_batch(1),
                    commit: 0,
                },
                ctx,
            )
        })
        .unwrap()
        .expect("a violation");
    assert_eq!(v.checker, "validity");
    assert!(
        v.description.contains(&format!("in slot {slot}")),
        "{}",
        v.description
    );
}

#[test]
fn same_command_per_slot_fires_when_a_replica_applies_another_value() {
    let (mut sim, leader, follower) = three_servers_led(13, 1);
    // The follower falls behind while the others go on choosing.
    sim.apply_now(Fault::Partition {
        spec: sim_core::PartitionSpec::Isolate(follower),
    })
    .unwrap();
    let later = sim.now() + Duration::from_millis(300);
    assert_eq!(run(&mut sim, later), None);
    let applied = |sim: &Simulation<PaxosNode>, id: NodeId| {
        sim.node(id)
            .and_then(PaxosNode::server)
            .map_or(0, |s| s.replica().applied())
    };
    let slot = applied(&sim, follower);
    assert!(
        applied(&sim, leader) > slot,
        "the others applied past the follower"
    );
    // A forged catch-up answer: another value in the follower's next slot.
    let v = sim
        .input(follower, "forged chosen", |n, ctx| {
            n.on_message(
                leader,
                Msg::Chosen {
                    from: slot,
                    values: vec![noop_batch(2)],
                },
                ctx,
            )
        })
        .unwrap()
        .expect("a violation");
    assert_eq!(v.checker, "same command per slot");
    assert!(
        v.description.contains(&format!("slots below {}", slot + 1)),
        "{}",
        v.description
    );
}

/// Three servers, no clients, checked by agreement alone (the values below are forged, so
/// validity would fire first), started.
fn three_servers_checked_for_agreement() -> Simulation<PaxosNode> {
    let config = SimConfig {
        seed: 1,
        network: network(0.0, 0.0),
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(config, paxos::cluster(&Config::default(), 3, &workload(0)))
        .expect("a valid simulation");
    sim.add_checker(paxos::checkers::Agreement::default());
    assert_eq!(run(&mut sim, ms(1)), None, "the nodes start");
    sim
}

/// Server `to` is asked to accept `value` in slot 0 under `ballot`; returns the verdict.
fn accept(
    sim: &mut Simulation<PaxosNode>,
    to: u32,
    ballot: Ballot,
    value: &paxos::Value,
) -> Option<sim_core::Violation> {
    let from = NodeId((to + 1) % 3);
    let msg = Msg::Accept {
        ballot,
        slot: 0,
        value: value.clone(),
        commit: 0,
    };
    let v = sim
        .input(NodeId(to), "accept", |n, ctx| n.on_message(from, msg, ctx))
        .expect("a running server");
    let s = sim.node(NodeId(to)).and_then(PaxosNode::server).unwrap();
    assert_eq!(s.acceptor().accepted(0).map(|(b, _)| *b), Some(ballot));
    v
}

#[test]
fn agreement_counts_a_quorum_only_within_one_ballot() {
    let mut sim = three_servers_checked_for_agreement();
    let (a, b) = (noop_batch(1), noop_batch(2));
    let ballot = |round| Ballot { round, node: 0 };
    // A is accepted by n0 and n1, but under different ballots: not chosen. B then gets a
    // quorum of its own under a higher ballot, as a proposer whose phase 1 reached n0 and n2
    // (which saw B under ballot 2 as the highest) proposes it.
    assert_eq!(accept(&mut sim, 0, ballot(1), &a), None);
    assert_eq!(accept(&mut sim, 2, ballot(2), &b), None);
    assert_eq!(accept(&mut sim, 1, ballot(3), &a), None);
    assert_eq!(accept(&mut sim, 0, ballot(4), &b), None);
    assert_eq!(
        accept(&mut sim, 2, ballot(4), &b),
        None,
        "B alone is chosen"
    );
    // A quorum under one ballot for another value is a violation.
    assert_eq!(accept(&mut sim, 1, ballot(5), &a), None);
    let v = accept(&mut sim, 2, ballot(5), &a).expect("a second value chosen");
    assert_eq!(v.checker, "agreement");
    assert!(v.description.contains("slot 0"), "{}", v.description);
}

#[test]
fn a_promise_held_for_a_syncs_time_counts_while_the_server_keeps_handling_messages() {
    let mut sim = three_servers_syncing_in_1ms(vec![Bug::ForgetPromise]);
    sim.set_durability_check(false);
    assert_eq!(run(&mut sim, ms(50)), None);
    let ballot = promise_a_high_ballot(&mut sim);
    let promised_at = sim.now();
    // Messages keep reaching server 1 every 0.6 ms; the promise stays held throughout, so a
    // millisecond after it was made it counts, whatever came in between.
    for k in 1..=3 {
        let at = promised_at + Duration::from_micros(600 * k);
        assert_eq!(run(&mut sim, at), None);
        tell(&mut sim, NodeId(1), NodeId(0), Msg::BallotQuery);
    }
    assert_eq!(promised(&sim, NodeId(1)), ballot);
    let at = promised_at + Duration::from_micros(2_000);
    assert_eq!(run(&mut sim, at), None);
    promise_forgotten_at_a_restart_of_server_1(&mut sim);
}
