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
    restarted_with_clients(1, faults)
}

/// As [`follower_restarted_after`], with `clients` clients.
fn restarted_with_clients(
    clients: u32,
    faults: &[StorageFault],
) -> (Simulation<PaxosNode>, NodeId, NodeId) {
    let mut sim = three_servers(11, clients);
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

fn tamper(name: &str, index: u64) -> StorageFault {
    StorageFault::Tamper {
        aim: RecordAim {
            name: Some(name.into()),
            index: Some(index),
            draw: 0,
        },
        noise: 1,
    }
}

#[test]
fn both_copies_of_the_promise_damaged_are_rewritten_from_the_notes() {
    let mut sim = three_servers(12, 1);
    assert_eq!(run(&mut sim, ms(1_000)), None);
    let node = NodeId(1);
    let promised = server(&sim, node).acceptor().promised();
    sim.apply_now(Fault::Crash { node }).unwrap();
    for copy in [0, 1] {
        sim.apply_now(Fault::Storage {
            node,
            storage: corrupt("promise", Some(copy)),
        })
        .unwrap();
    }
    sim.apply_now(Fault::Restart { node }).unwrap();
    let s = server(&sim, node);
    assert!(!s.lost_promise(), "the notes still carry the promise");
    assert_eq!(s.acceptor().promised(), promised);
    let disk = sim.disk(node).expect("a disk");
    for copy in [0, 1] {
        let record = disk.read(sim_core::DiskKey("promise", copy));
        assert!(
            matches!(&record, Ok(Some(paxos::Record::Promise(b))) if *b == promised),
            "copy {copy} holds the promise again: {record:?}"
        );
    }
}

#[test]
fn a_repaired_slot_recorded_as_chosen_leaves_the_promise_as_it_was_at_the_next_restart() {
    let (mut sim, follower, _) = follower_restarted_after(&[corrupt("accepted", None)]);
    let later = sim.now() + Duration::from_millis(1_000);
    assert_eq!(run(&mut sim, later), None);
    let s = server(&sim, follower);
    assert_eq!(s.recovering(), None, "repaired");
    assert!(
        s.acceptor()
            .entries()
            .any(|(_, (b, _))| *b == Ballot::CHOSEN),
        "a slot is recorded as chosen"
    );
    let promised = s.acceptor().promised();
    assert!(promised < Ballot::CHOSEN);
    sim.apply_now(Fault::Crash { node: follower }).unwrap();
    sim.apply_now(Fault::Restart { node: follower }).unwrap();
    let s = server(&sim, follower);
    assert_eq!(
        s.acceptor().promised(),
        promised,
        "a slot recorded as chosen is no ballot anyone promised"
    );
    let later = sim.now() + Duration::from_millis(1_000);
    assert_eq!(run(&mut sim, later), None);
}

#[test]
fn an_accepted_record_rewritten_whole_disagrees_with_the_note_and_is_never_learnt_from() {
    // Slot 10 holds a batch of client commands (slot 0 holds the first leader's marker).
    let (mut sim, follower, _) = follower_restarted_after(&[tamper("accepted", 10)]);
    assert!(matches!(
        server(&sim, follower).acceptor().accepted(10),
        Some((_, paxos::Value::Batch(_)))
    ));
    assert_eq!(
        server(&sim, follower).recovering(),
        Some("repairing accepted slots"),
        "the record reads well, but the note's sum tells it changed"
    );
    // It holds another value under the leader's own ballot: the leader's commits name that
    // slot, and the follower must ask for its value instead of trusting the record.
    let later = sim.now() + Duration::from_millis(2_000);
    assert_eq!(run(&mut sim, later), None);
    let s = server(&sim, follower);
    assert_eq!(s.recovering(), None);
    assert!(s.replica().applied() > 0);
}

#[test]
fn one_accepted_slot_and_no_note_that_reads_well_put_the_slot_under_repair() {
    // No clients: the only slot accepted is the first leader's, slot 0.
    let (sim, follower, _) =
        restarted_with_clients(0, &[corrupt("note", Some(0)), corrupt("note", Some(1))]);
    let s = server(&sim, follower);
    assert_eq!(s.acceptor().entries().map(|(slot, _)| slot).max(), Some(0));
    assert_eq!(s.recovering(), Some("repairing accepted slots"));
}

#[test]
fn a_server_under_repair_does_not_stand_for_leader() {
    let (mut sim, follower, _) = follower_restarted_after(&[corrupt("accepted", None)]);
    sim.apply_now(Fault::Partition {
        spec: sim_core::PartitionSpec::Isolate(follower),
    })
    .unwrap();
    let since = sim.now();
    let later = since + Duration::from_millis(2_000);
    assert_eq!(run(&mut sim, later), None);
    let s = server(&sim, follower);
    assert_eq!(s.recovering(), Some("repairing accepted slots"));
    assert!(matches!(s.proposer(), paxos::Proposer::Follower));
    assert_eq!(sent_since(&sim, since, follower, "Prepare"), vec![]);
}

#[test]
fn a_leaders_accept_repairs_a_suspect_slot_it_rewrites() {
    let (mut sim, follower, leader) = follower_restarted_after(&[corrupt("accepted", None)]);
    assert_eq!(
        server(&sim, follower).recovering(),
        Some("repairing accepted slots")
    );
    let l = server(&sim, leader);
    let ballot = l.leading().expect("leading");
    let entries: Vec<(u64, paxos::Value)> = l
        .acceptor()
        .entries()
        .map(|(slot, (_, v))| (slot, v.clone()))
        .collect();
    assert!(entries.len() > 1);
    // Not committed (commit 0): only the accepts themselves can end the repair.
    for (slot, value) in entries {
        tell(
            &mut sim,
            follower,
            leader,
            Msg::Accept {
                ballot,
                slot,
                value,
                commit: 0,
            },
        );
    }
    let s = server(&sim, follower);
    assert_eq!(s.replica().applied(), 0, "nothing learnt");
    assert_eq!(s.recovering(), None, "every suspect slot was rewritten");
}

#[test]
fn a_misdirected_accepted_record_is_never_learnt_from() {
    let mut sim = three_servers(11, 1);
    sim.set_trace_sink(TraceSink::Memory(Vec::new()));
    assert_eq!(run(&mut sim, ms(1_000)), None);
    let leader = paxos::leader(&sim).expect("a leader");
    let follower = NodeId((leader.0 + 1) % 3);
    // The follower's next write, its next accepted proposal, lands under another slot's
    // record under the same ballot: it reads well, but holds another slot's value.
    sim.apply_now(Fault::Storage {
        node: follower,
        storage: StorageFault::MisdirectedWrite { draw: 0 },
    })
    .unwrap();
    assert_eq!(run(&mut sim, ms(1_300)), None);
    sim.apply_now(Fault::Crash { node: follower }).unwrap();
    sim.apply_now(Fault::Restart { node: follower }).unwrap();
    assert_eq!(
        server(&sim, follower).recovering(),
        Some("repairing accepted slots")
    );
    // The leader's commits name slots whose records this follower holds under the leader's
    // ballot; it must ask for the values instead of trusting them.
    assert_eq!(run(&mut sim, ms(3_000)), None);
    let s = server(&sim, follower);
    assert_eq!(s.recovering(), None);
    assert!(s.replica().applied() > 0);
}

#[test]
fn a_server_that_lost_its_promise_asks_again_only_those_that_have_not_answered() {
    let (mut sim, follower, leader) = follower_restarted_after(&[
        corrupt("promise", Some(0)),
        corrupt("promise", Some(1)),
        corrupt("note", Some(0)),
        corrupt("note", Some(1)),
    ]);
    let other = NodeId(3 - leader.0 - follower.0);
    tell(
        &mut sim,
        follower,
        leader,
        Msg::BallotReply {
            promised: Ballot::new(40, leader.0),
        },
    );
    // The other server's answer never comes, and no leader is heard that would keep the
    // follower from asking again.
    sim.apply_now(Fault::Partition {
        spec: sim_core::PartitionSpec::Isolate(follower),
    })
    .unwrap();
    let since = sim.now() + Duration::from_millis(1);
    let later = since + Duration::from_millis(2_000);
    assert_eq!(run(&mut sim, later), None);
    assert!(server(&sim, follower).lost_promise());
    let asked = sent_since(&sim, since, follower, "BallotQuery");
    assert!(!asked.is_empty(), "it asks again");
    assert!(asked.iter().all(|&to| to == other), "{asked:?}");
}
