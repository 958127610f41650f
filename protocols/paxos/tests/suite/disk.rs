//! A restarted server's reading of a damaged disk (protocol-aware recovery): what it trusts,
//! what it repairs before it promises again, and how it settles a promise it lost.

use crate::common::*;
use paxos::{Ballot, Msg, PaxosNode};
use sim_core::{
    Duration, Fault, NodeId, RecordAim, Simulation, StorageFault, TraceEvent, TraceSink,
};

fn corrupt(name: &str, index: Option<u64>) -> StorageFault {
    StorageFault::Corrupt {
        aim: RecordAim {
            name: Some(name.into()),
            index,
            draw: 0,
        },
        noise: 1,
    }
}

/// Three servers and a client, run for a second; then `faults` strike a follower's disk,
/// which restarts. Returns the simulation, the follower and the leader.
fn follower_restarted_after(faults: &[StorageFault]) -> (Simulation<PaxosNode>, NodeId, NodeId) {
    let mut sim = three_servers(11, 1);
    sim.set_trace_sink(TraceSink::Memory(Vec::new()));
    assert_eq!(run(&mut sim, ms(1_000)), None);
    let leader = paxos::leader(&sim).expect("a leader");
    let follower = NodeId((leader.0 + 1) % 3);
    sim.apply_now(Fault::Crash { node: follower }).unwrap();
    for f in faults {
        sim.apply_now(Fault::Storage {
            node: follower,
            storage: f.clone(),
        })
        .unwrap();
    }
    sim.apply_now(Fault::Restart { node: follower }).unwrap();
    (sim, follower, leader)
}

fn said_by(sim: &Simulation<PaxosNode>, id: NodeId) -> Vec<String> {
    sim.trace()
        .records()
        .iter()
        .filter_map(|r| match &r.event {
            TraceEvent::Annotate {
                node: Some(n),
                text,
            } if *n == id => Some(text.clone()),
            _ => None,
        })
        .collect()
}

fn sent(sim: &Simulation<PaxosNode>, from: NodeId, kind: &str) -> usize {
    sim.in_flight()
        .iter()
        .filter(|m| m.from == from && m.kind == kind)
        .count()
}

#[test]
fn a_damaged_accepted_record_is_repaired_before_the_server_promises_again() {
    let (mut sim, follower, leader) = follower_restarted_after(&[corrupt("accepted", None)]);
    let s = server(&sim, follower);
    assert_eq!(s.recovering(), Some("repairing accepted slots"));
    let disk = sim.disk(follower).expect("a disk");
    assert!(
        matches!(disk.read(sim_core::DiskKey("repair", 0)), Ok(Some(_))),
        "the range under repair is on disk"
    );
    // A prepare that reaches the suspect slots gets no promise.
    let ballot = Ballot::new(s.acceptor().promised().round + 5, leader.0);
    tell(
        &mut sim,
        follower,
        leader,
        Msg::Prepare {
            ballot,
            from_slot: 0,
        },
    );
    assert_eq!(
        sent(&sim, follower, "Promise"),
        0,
        "no promise while repairing"
    );
    // A crash in the middle of the repair does not end it.
    sim.apply_now(Fault::Crash { node: follower }).unwrap();
    sim.apply_now(Fault::Restart { node: follower }).unwrap();
    assert_eq!(
        server(&sim, follower).recovering(),
        Some("repairing accepted slots")
    );
    // The leader's commits and catch-up answers repair it.
    let later = sim.now() + Duration::from_millis(1_000);
    assert_eq!(run(&mut sim, later), None);
    assert_eq!(server(&sim, follower).recovering(), None);
    let disk = sim.disk(follower).expect("a disk");
    assert!(matches!(
        disk.read(sim_core::DiskKey("repair", 0)),
        Ok(None)
    ));
    let said = said_by(&sim, follower);
    assert!(
        said.iter()
            .any(|t| t.contains("repaired its accepted slots")),
        "{said:?}"
    );
    // And it promises again.
    let ballot = Ballot::new(
        server(&sim, follower).acceptor().promised().round + 5,
        leader.0,
    );
    tell(
        &mut sim,
        follower,
        leader,
        Msg::Prepare {
            ballot,
            from_slot: 0,
        },
    );
    assert_eq!(sent(&sim, follower, "Promise"), 1);
}

#[test]
fn both_notes_damaged_put_every_accepted_slot_under_repair() {
    let (sim, follower, _) =
        follower_restarted_after(&[corrupt("note", Some(0)), corrupt("note", Some(1))]);
    let s = server(&sim, follower);
    assert!(!s.lost_promise(), "the promise records still read well");
    assert_eq!(s.recovering(), Some("repairing accepted slots"));
}

#[test]
fn one_damaged_copy_of_the_promise_yields_to_the_others_and_is_rewritten() {
    let mut sim = three_servers(12, 1);
    assert_eq!(run(&mut sim, ms(1_000)), None);
    let node = NodeId(1);
    let promised = server(&sim, node).acceptor().promised();
    sim.apply_now(Fault::Crash { node }).unwrap();
    sim.apply_now(Fault::Storage {
        node,
        storage: corrupt("promise", Some(0)),
    })
    .unwrap();
    sim.apply_now(Fault::Restart { node }).unwrap();
    let s = server(&sim, node);
    assert_eq!(s.acceptor().promised(), promised);
    assert_eq!(s.recovering(), None);
    let disk = sim.disk(node).expect("a disk");
    assert!(
        matches!(disk.read(sim_core::DiskKey("promise", 0)), Ok(Some(_))),
        "the damaged copy is written again"
    );
}

#[test]
fn a_lost_promise_is_settled_above_every_ballot_all_the_others_answer() {
    let (mut sim, follower, leader) = follower_restarted_after(&[
        corrupt("promise", Some(0)),
        corrupt("promise", Some(1)),
        corrupt("note", Some(0)),
        corrupt("note", Some(1)),
    ]);
    let s = server(&sim, follower);
    assert!(s.lost_promise());
    assert_eq!(s.recovering(), Some("lost its promise"));
    assert_eq!(
        sent(&sim, follower, "BallotQuery"),
        2,
        "both others are asked"
    );
    let other = NodeId(3 - leader.0 - follower.0);
    // A healthy server answers a query with the highest ballot it knows.
    let before = sent(&sim, leader, "BallotReply");
    tell(&mut sim, leader, follower, Msg::BallotQuery);
    assert_eq!(sent(&sim, leader, "BallotReply"), before + 1);
    // Answers from a client do not count, nor does one server alone.
    let high = Ballot::new(40, leader.0);
    tell(
        &mut sim,
        follower,
        NodeId(3),
        Msg::BallotReply {
            promised: Ballot::new(90, 3),
        },
    );
    tell(
        &mut sim,
        follower,
        leader,
        Msg::BallotReply { promised: high },
    );
    assert!(
        server(&sim, follower).lost_promise(),
        "one other server has not answered"
    );
    tell(
        &mut sim,
        follower,
        other,
        Msg::BallotReply {
            promised: Ballot::new(7, other.0),
        },
    );
    let s = server(&sim, follower);
    assert!(!s.lost_promise());
    assert_eq!(s.acceptor().promised(), Ballot::new(41, u32::MAX));
}
