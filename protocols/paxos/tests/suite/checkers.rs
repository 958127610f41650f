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
    assert_eq!(
        sim.apply_now(Fault::Crash { node: NodeId(1) }).unwrap(),
        None
    );
    let v = sim
        .apply_now(Fault::Restart { node: NodeId(1) })
        .unwrap()
        .expect("a violation at the restart");
    assert_eq!(v.checker, "promises never decrease");
    assert!(
        v.description.contains(&format!("promised {ballot}")),
        "{}",
        v.description
    );
}
