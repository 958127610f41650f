//! What a server's disk must let it notice at a restart: an entry whose write was lost at the
//! very end of its log is caught by the tail note, and the server repairs its log from the
//! leader before it counts again.

use crate::common::*;
use raft::{Config, RaftNode};
use sim_core::{Fault, Node, NodeId, Simulation, Step, StorageFault, TraceEvent, TraceSink};

#[test]
fn an_entry_lost_at_the_end_of_the_log_is_noticed_and_repaired() {
    let mut sim = cluster(1, 3, 2, &Config::default());
    run_ok(&mut sim, ms(1_000));
    let follower = NodeId((the_leader(&sim).0 + 1) % 3);
    sim.apply_now(Fault::Storage {
        node: follower,
        storage: StorageFault::LostWrite,
    })
    .expect("a known node");
    // The follower's next write is the next entry it appends: crash it right after, so that
    // the lost entry is the last of its log and nothing after it chains to it.
    let before = server(&sim, follower).log().last_index();
    while server(&sim, follower).log().last_index() == before {
        match sim.step().expect("within limits") {
            Step::Event { .. } => {}
            other => panic!("the run stopped: {other:?}"),
        }
    }
    crash(&mut sim, follower);
    restart(&mut sim, follower);
    let s = server(&sim, follower);
    assert_eq!(s.recovering(), Some("repairing its log"));
    assert_eq!(
        s.log().last_index(),
        before,
        "the lost entry is gone, and only it"
    );
    // What it trusted is still on its disk: a second restart finds the same log.
    let mut again = sim.clone();
    crash(&mut again, follower);
    restart(&mut again, follower);
    assert_eq!(server(&again, follower).log().last_index(), before);
    let s = server(&sim, follower);
    // Until the repair ends it votes for nobody, though it learns of newer terms (a pre-vote
    // moves no term).
    let (term, vote) = (s.term(), s.voted_for());
    for (pre_vote, term_after, vote_after) in [(true, term, vote), (false, term + 5, None)] {
        let voter = NodeId((follower.0 + 1) % 3);
        let mark = sim.stats().sent;
        sim.input(follower, "vote request", |n, ctx| {
            n.on_message(
                voter,
                raft::Msg::RequestVote {
                    term: term + 5,
                    last_index: 1_000,
                    last_term: term + 4,
                    pre_vote,
                },
                ctx,
            )
        })
        .expect("a known node");
        let s = server(&sim, follower);
        assert_eq!(s.term(), term_after, "pre-vote {pre_vote}");
        assert_eq!(s.voted_for(), vote_after, "pre-vote {pre_vote}");
        assert_eq!(sim.stats().sent, mark + 1, "one answer, a refusal");
    }
    // A heartbeat that finds its log matching, but short of where it reached before the
    // damage, does not end the repair; one beyond its end gets a note of where to resume.
    // (from the leader, in the term the vote request above moved the follower to)
    let leader = the_leader(&sim);
    let (last, leader_term) = (
        server(&sim, follower).log().last_index(),
        server(&sim, follower).term(),
    );
    let term_at_last = server(&sim, follower).log().term_at(last).expect("a term");
    let heartbeat = |prev_index, prev_term| raft::Msg::AppendEntries {
        term: leader_term,
        prev_index,
        prev_term,
        entries: Vec::new(),
        commit: 0,
        round: 0,
    };
    sim.set_trace_sink(TraceSink::Memory(Vec::new()));
    for (prev_index, prev_term) in [(last, term_at_last), (last + 3, leader_term)] {
        sim.input(follower, "heartbeat", |n, ctx| {
            n.on_message(leader, heartbeat(prev_index, prev_term), ctx)
        })
        .expect("a known node");
        assert_eq!(
            server(&sim, follower).recovering(),
            Some("repairing its log"),
            "a heartbeat at {prev_index}"
        );
    }
    let resume: Vec<serde_json::Value> = sim
        .trace()
        .records()
        .iter()
        .filter_map(|r| match &r.event {
            TraceEvent::Send { kind, payload, .. } if kind == "RepairFrom" => {
                Some(payload["RepairFrom"]["index"].clone())
            }
            _ => None,
        })
        .collect();
    assert_eq!(resume, [serde_json::json!(last + 1)]);
    assert_eq!(server(&sim, follower).leader(), Some(leader));
    // It takes entries of the leader's to past its old reach (`before + 1`); a heartbeat that
    // matches at its old reach but short of its log's end does not end the repair, since its
    // later entries are not known to match; one at the end does. A vote request of its term
    // in between leaves its leader known.
    let noop = raft::Entry {
        term: leader_term,
        payload: raft::Payload::Noop,
    };
    let entries = vec![noop; 3];
    let (to, reach) = (last + 3, before + 1);
    let appends = [
        (last, term_at_last, entries),
        (reach, leader_term, Vec::new()),
    ];
    for (prev_index, prev_term, entries) in appends {
        let prev_term = server(&sim, follower)
            .log()
            .term_at(prev_index)
            .unwrap_or(prev_term);
        let append = raft::Msg::AppendEntries {
            term: leader_term,
            prev_index,
            prev_term,
            entries,
            commit: 0,
            round: 0,
        };
        sim.input(follower, "append", |n, ctx| {
            n.on_message(leader, append, ctx)
        })
        .expect("a known node");
    }
    assert_eq!(server(&sim, follower).log().last_index(), to);
    assert!(reach < to);
    assert_eq!(
        server(&sim, follower).recovering(),
        Some("repairing its log")
    );
    let voter = NodeId((follower.0 + 2) % 3);
    sim.input(follower, "vote request", |n, ctx| {
        n.on_message(
            voter,
            raft::Msg::RequestVote {
                term: leader_term,
                last_index: 1_000,
                last_term: leader_term,
                pre_vote: false,
            },
            ctx,
        )
    })
    .expect("a known node");
    assert_eq!(server(&sim, follower).leader(), Some(leader), "still known");
    let at_end = heartbeat(
        to,
        server(&sim, follower).log().term_at(to).expect("a term"),
    );
    sim.input(follower, "heartbeat", |n, ctx| {
        n.on_message(leader, at_end, ctx)
    })
    .expect("a known node");
    assert_eq!(
        server(&sim, follower).recovering(),
        None,
        "matched at its end"
    );
    run_ok(&mut sim, ms(3_000));
    assert_eq!(server(&sim, follower).recovering(), None, "still repaired");
    assert_linearizable(&sim);
}

/// The notes for people the trace holds, in order.
fn annotations(sim: &Simulation<RaftNode>) -> Vec<String> {
    sim.trace()
        .records()
        .iter()
        .filter_map(|r| match &r.event {
            TraceEvent::Annotate { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_restarted_server_recovers_its_configuration_and_says_what_it_recovered() {
    let mut sim = cluster(1, 5, 0, &Config::default());
    sim.set_trace_sink(TraceSink::Memory(Vec::new()));
    for n in 1..5 {
        crash(&mut sim, NodeId(n));
    }
    run_ok(&mut sim, ms(1));
    assert!(
        !annotations(&sim).iter().any(|a| a.contains("recovered")),
        "a first start recovers nothing"
    );
    let config = raft::Entry {
        term: 1,
        payload: raft::Payload::Config(vec![NodeId(0), NodeId(1), NodeId(2)]),
    };
    let noop = raft::Entry {
        term: 1,
        payload: raft::Payload::Noop,
    };
    let append = |prev_index, prev_term, entries| raft::Msg::AppendEntries {
        term: 1,
        prev_index,
        prev_term,
        entries,
        commit: 0,
        round: 0,
    };
    sim.input(NodeId(0), "append", |n, ctx| {
        n.on_message(NodeId(1), append(0, 0, vec![noop, config]), ctx)
    })
    .unwrap();
    crash(&mut sim, NodeId(0));
    restart(&mut sim, NodeId(0));
    assert!(
        annotations(&sim)
            .iter()
            .any(|a| a == "n0 recovered term 1, log to 2 (snapshot 0)"),
        "{:?}",
        annotations(&sim)
    );
    assert_eq!(
        server(&sim, NodeId(0)).members().len(),
        3,
        "read from its log"
    );
    // The configuration is known at its index: replacing that entry brings back the one
    // before it.
    let replace = raft::Msg::AppendEntries {
        term: 2,
        prev_index: 1,
        prev_term: 1,
        entries: vec![raft::Entry {
            term: 2,
            payload: raft::Payload::Noop,
        }],
        commit: 0,
        round: 0,
    };
    sim.input(NodeId(0), "append", |n, ctx| {
        n.on_message(NodeId(2), replace, ctx)
    })
    .unwrap();
    assert_eq!(server(&sim, NodeId(0)).members().len(), 5);
}

/// A three-server cluster run for a second, with one follower crashed and its disk damaged by
/// `faults`, then restarted: the simulation and the follower.
fn restarted_with(config: &Config, faults: &[StorageFault]) -> (Simulation<RaftNode>, NodeId) {
    let mut sim = cluster(1, 3, 2, config);
    run_ok(&mut sim, ms(1_000));
    let follower = NodeId((the_leader(&sim).0 + 1) % 3);
    crash(&mut sim, follower);
    for storage in faults {
        sim.apply_now(Fault::Storage {
            node: follower,
            storage: storage.clone(),
        })
        .expect("a known node");
    }
    restart(&mut sim, follower);
    (sim, follower)
}

fn corrupt(name: &str, index: u64) -> StorageFault {
    StorageFault::Corrupt {
        aim: sim_core::RecordAim {
            name: Some(name.into()),
            index: Some(index),
            draw: 0,
        },
        noise: 3,
    }
}

#[test]
fn a_damaged_entry_ends_the_trusted_log_before_it_and_the_rest_is_repaired() {
    let (mut sim, follower) = restarted_with(&Config::default(), &[corrupt("log", 3)]);
    let s = server(&sim, follower);
    assert_eq!(
        s.log().last_index(),
        2,
        "entries from the damaged one on are not trusted"
    );
    assert_eq!(s.recovering(), Some("repairing its log"));
    run_ok(&mut sim, ms(3_000));
    assert_eq!(server(&sim, follower).recovering(), None);
    assert_linearizable(&sim);
}

#[test]
fn one_damaged_copy_of_the_term_and_vote_yields_to_the_other_and_two_lose_the_vote() {
    let (sim, follower) = restarted_with(&Config::default(), &[corrupt("meta", 0)]);
    let s = server(&sim, follower);
    assert_eq!(s.recovering(), None);
    assert!(s.term() >= 1, "the copy's term");
    let (mut sim, follower) = restarted_with(
        &Config::default(),
        &[corrupt("meta", 0), corrupt("meta-copy", 0)],
    );
    assert_eq!(server(&sim, follower).recovering(), Some("lost its vote"));
    run_ok(&mut sim, ms(3_000));
    assert_eq!(
        server(&sim, follower).recovering(),
        None,
        "it learnt the terms"
    );
}

#[test]
fn the_known_bugs_read_a_damaged_entry_as_it_is_or_forget_it() {
    let bugged = |bug| Config {
        bugs: vec![bug],
        ..Config::default()
    };
    let (sim, follower) = restarted_with(&Config::default(), &[]);
    let whole = server(&sim, follower).log().last_index();
    assert!(whole > 3);
    // Ignoring checksums takes the damaged entry and everything after it.
    let (sim, follower) = restarted_with(&bugged(raft::Bug::IgnoreChecksums), &[corrupt("log", 3)]);
    let s = server(&sim, follower);
    assert_eq!((s.log().last_index(), s.recovering()), (whole, None));
    // Truncating on corruption drops it and what follows, and carries on without a repair.
    let (sim, follower) = restarted_with(
        &bugged(raft::Bug::TruncateOnCorruption),
        &[corrupt("log", 3)],
    );
    let s = server(&sim, follower);
    assert_eq!((s.log().last_index(), s.recovering()), (2, None));
}

/// A no-op entry of `term`.
fn entry(term: u64) -> raft::Entry {
    raft::Entry {
        term,
        payload: raft::Payload::Noop,
    }
}

/// An AppendEntries of `term` that commits nothing.
fn append(term: u64, prev_index: u64, prev_term: u64, entries: Vec<raft::Entry>) -> raft::Msg {
    raft::Msg::AppendEntries {
        term,
        prev_index,
        prev_term,
        entries,
        commit: 0,
        round: 0,
    }
}

/// Server 0 of five, the others down, holding three entries of term 1 from server 1.
fn three_entries_of_term_1() -> Simulation<RaftNode> {
    three_entries_of_term_1_syncing_in(sim_core::Duration::ZERO)
}

/// `three_entries_of_term_1`, on disks whose syncs take `sync` (a crash inside one tears it).
fn three_entries_of_term_1_syncing_in(sync: sim_core::Duration) -> Simulation<RaftNode> {
    let config = sim_core::SimConfig {
        seed: 1,
        network: network(1, 10, 0.0, 0.0),
        disk_sync: sync,
        ..sim_core::SimConfig::default()
    };
    let mut sim =
        raft::cluster::build(config, &Config::default(), 5, &workload(0)).expect("a cluster");
    for n in 1..5 {
        crash(&mut sim, NodeId(n));
    }
    run_ok(&mut sim, ms(1));
    sim.input(NodeId(0), "append", |n, ctx| {
        n.on_message(NodeId(1), append(1, 0, 0, vec![entry(1); 3]), ctx)
    })
    .unwrap();
    sim
}

/// `three_entries_of_term_1`, then a leader of term 2 (its term written to disk first)
/// replaces the entries after `prev_index` with `count` of its own, the first of whose writes
/// is lost; then server 0 restarts.
fn replaced_with_the_first_write_lost(
    prev_index: u64,
    prev_term: u64,
    count: usize,
) -> Simulation<RaftNode> {
    let mut sim = three_entries_of_term_1();
    sim.input(NodeId(0), "heartbeat", |n, ctx| {
        n.on_message(NodeId(2), append(2, 0, 0, vec![]), ctx)
    })
    .unwrap();
    sim.apply_now(Fault::Storage {
        node: NodeId(0),
        storage: StorageFault::LostWrite,
    })
    .unwrap();
    sim.input(NodeId(0), "append", |n, ctx| {
        n.on_message(
            NodeId(2),
            append(2, prev_index, prev_term, vec![entry(2); count]),
            ctx,
        )
    })
    .unwrap();
    assert_eq!(
        server(&sim, NodeId(0)).log().term_at(prev_index + 1),
        Some(2),
        "replaced before the restart"
    );
    crash(&mut sim, NodeId(0));
    restart(&mut sim, NodeId(0));
    sim
}

#[test]
fn a_replaced_entry_whose_write_was_lost_leaves_a_gap_that_is_damage() {
    // A new leader replaces entries 2 and 3: the old ones are truncated, and the write of the
    // new entry 2 is lost, which leaves a gap before entry 3.
    let sim = replaced_with_the_first_write_lost(1, 1, 2);
    let s = server(&sim, NodeId(0));
    assert_eq!(s.recovering(), Some("repairing its log"));
    assert_eq!(s.log().last_index(), 1, "the log stops before the gap");
}

#[test]
fn a_damaged_snapshot_loses_the_log_it_stood_for() {
    let config = Config {
        snapshot_threshold: 20,
        ..Config::default()
    };
    let (sim, follower) = restarted_with(&config, &[corrupt("snapshot", 0)]);
    let s = server(&sim, follower);
    assert_eq!(s.log().snapshot_index(), 0);
    assert_eq!(s.recovering(), Some("repairing its log"));
}

#[test]
fn a_replaced_last_entry_whose_write_was_lost_is_caught_by_the_tail_note() {
    // A new leader replaces the last entry; that write is lost, and no entry follows whose
    // hash or index could tell: only the tail note, written after it, can.
    let sim = replaced_with_the_first_write_lost(2, 1, 1);
    let s = server(&sim, NodeId(0));
    assert_eq!(s.recovering(), Some("repairing its log"));
    assert_eq!(s.log().last_index(), 2, "only the lost entry is missing");
}

#[test]
fn a_gap_in_the_log_is_damage_to_the_correct_reading_and_an_end_to_the_buggy_ones() {
    let readings = [
        (vec![], Some("repairing its log"), vec![]),
        (vec![raft::Bug::IgnoreChecksums], None, vec![2, 3]),
        (vec![raft::Bug::TruncateOnCorruption], None, vec![]),
    ];
    for (bugs, recovering, kept) in readings {
        let config = Config {
            bugs: bugs.clone(),
            ..Config::default()
        };
        let mut sim = cluster(1, 5, 0, &config);
        for n in 1..5 {
            crash(&mut sim, NodeId(n));
        }
        run_ok(&mut sim, ms(1));
        sim.input(NodeId(0), "heartbeat", |n, ctx| {
            n.on_message(
                NodeId(1),
                raft::Msg::AppendEntries {
                    term: 1,
                    prev_index: 0,
                    prev_term: 0,
                    entries: vec![],
                    commit: 0,
                    round: 0,
                },
                ctx,
            )
        })
        .unwrap();
        // The first of three entries is never written: the disk holds entries 2 and 3.
        sim.apply_now(Fault::Storage {
            node: NodeId(0),
            storage: StorageFault::LostWrite,
        })
        .unwrap();
        let noop = raft::Entry {
            term: 1,
            payload: raft::Payload::Noop,
        };
        sim.input(NodeId(0), "append", |n, ctx| {
            n.on_message(
                NodeId(1),
                raft::Msg::AppendEntries {
                    term: 1,
                    prev_index: 0,
                    prev_term: 0,
                    entries: vec![noop; 3],
                    commit: 0,
                    round: 0,
                },
                ctx,
            )
        })
        .unwrap();
        crash(&mut sim, NodeId(0));
        assert_eq!(disk_log(&sim, NodeId(0)), [2, 3], "{bugs:?}");
        restart(&mut sim, NodeId(0));
        let s = server(&sim, NodeId(0));
        assert_eq!(
            s.log().last_index(),
            0,
            "{bugs:?}: the log stops at the gap"
        );
        assert_eq!(s.recovering(), recovering, "{bugs:?}");
        assert_eq!(disk_log(&sim, NodeId(0)), kept, "{bugs:?}");
    }
}

#[test]
fn an_entry_whose_hash_does_not_follow_from_the_log_before_it_is_damage() {
    let mut sim = three_entries_of_term_1();
    crash(&mut sim, NodeId(0));
    // Entry 2 is rewritten checksum and all: no read check sees it, only the hash chain,
    // since the entry no longer hashes to what entry 3's stored hash builds on.
    sim.apply_now(Fault::Storage {
        node: NodeId(0),
        storage: StorageFault::Tamper {
            aim: sim_core::RecordAim {
                name: Some("log".into()),
                index: Some(2),
                draw: 0,
            },
            noise: 1,
        },
    })
    .unwrap();
    restart(&mut sim, NodeId(0));
    let s = server(&sim, NodeId(0));
    assert_eq!(s.recovering(), Some("repairing its log"));
    assert_eq!(
        s.log().last_index(),
        1,
        "the log stops before the rewritten entry"
    );
}

#[test]
fn a_replaced_last_entry_whose_tail_note_was_torn_is_not_trusted() {
    // A leader of term 2 replaces the last entry, and server 0 crashes inside that sync: the
    // removal and the new entry persist, the first tail note is torn, the second never
    // written. The second still notes the old last entry, at the same index: an intact entry
    // that is not the one the log ended with. Only the tail note's hash can tell.
    let mut sim = three_entries_of_term_1_syncing_in(sim_core::Duration::from_millis(1));
    sim.input(NodeId(0), "heartbeat", |n, ctx| {
        n.on_message(NodeId(2), append(2, 0, 0, vec![]), ctx)
    })
    .unwrap();
    sim.input(NodeId(0), "append", |n, ctx| {
        n.on_message(NodeId(2), append(2, 2, 1, vec![entry(2)]), ctx)
    })
    .unwrap();
    sim.apply_now(Fault::Storage {
        node: NodeId(0),
        storage: StorageFault::TornWrite { draw: 2, noise: 1 },
    })
    .unwrap();
    let disk = sim.disk(NodeId(0)).expect("a disk");
    assert_eq!(
        disk.damaged(),
        [(sim_core::DiskKey("tail", 0), sim_core::Damage::Torn)],
        "the first tail note is torn"
    );
    assert_eq!(disk_log(&sim, NodeId(0)), [1, 2, 3]);
    restart(&mut sim, NodeId(0));
    let s = server(&sim, NodeId(0));
    assert_eq!(s.recovering(), Some("repairing its log"));
    assert_eq!(
        s.log().last_index(),
        2,
        "the entries before the replaced one stay trusted"
    );
}
