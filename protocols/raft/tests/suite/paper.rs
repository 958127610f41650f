//! One test per rule of the Raft paper's sections 5.1 to 5.4, and of the thesis's leases on
//! votes (4.2.3, 9.6), driving a single server by handing it messages and reading what it
//! sends back from the trace.

use crate::common::*;
use raft::{Config, Entry, Msg, Payload, RaftNode, Role};
use sim_core::{Node, NodeId, Simulation, TraceEvent, TraceSink};

/// A five-server cluster in which only server 0 runs (so nothing else talks to it), with
/// pre-votes and CheckQuorum off: the paper's basic algorithm.
fn lone_server() -> Simulation<RaftNode> {
    lone_server_with(Config {
        pre_vote: false,
        check_quorum: false,
        ..Config::default()
    })
}

/// The same with `config`.
fn lone_server_with(config: Config) -> Simulation<RaftNode> {
    let mut sim = cluster(1, 5, 0, &config);
    sim.set_trace_sink(TraceSink::Memory(Vec::new()));
    for n in 1..5 {
        crash(&mut sim, NodeId(n));
    }
    sim.run_until(ms(1)).unwrap();
    sim
}

/// Hands `msg` from `from` to server 0.
fn deliver(sim: &mut Simulation<RaftNode>, from: u32, msg: Msg) {
    sim.input(NodeId(0), "deliver", |n, ctx| {
        n.on_message(NodeId(from), msg, ctx)
    })
    .unwrap();
}

/// The kinds and payloads of messages server 0 sent from trace record `since` on.
fn sent_since(
    sim: &Simulation<RaftNode>,
    since: usize,
) -> Vec<(NodeId, String, serde_json::Value)> {
    sim.trace().records()[since..]
        .iter()
        .filter_map(|r| match &r.event {
            TraceEvent::Send {
                from,
                to,
                kind,
                payload,
                ..
            } if *from == NodeId(0) => Some((*to, kind.clone(), payload.clone())),
            _ => None,
        })
        .collect()
}

fn server(sim: &Simulation<RaftNode>) -> &raft::Server {
    sim.node(NodeId(0)).and_then(RaftNode::server).unwrap()
}

fn entry(term: u64) -> Entry {
    Entry {
        term,
        payload: Payload::Noop,
    }
}

fn append(term: u64, prev_index: u64, prev_term: u64, entries: Vec<Entry>, commit: u64) -> Msg {
    Msg::AppendEntries {
        term,
        prev_index,
        prev_term,
        entries,
        commit,
        round: 0,
    }
}

/// A follower's answer to an AppendEntries (no conflicting term).
fn append_reply(
    term: u64,
    success: bool,
    match_index: u64,
    conflict_index: u64,
    round: u64,
) -> Msg {
    Msg::AppendReply {
        term,
        success,
        match_index,
        conflict_index,
        conflict_term: None,
        round,
    }
}

fn reply_field(payload: &serde_json::Value, kind: &str, field: &str) -> serde_json::Value {
    payload[kind][field].clone()
}

// ---- 5.1 Raft basics ----------------------------------------------------------------------

#[test]
fn s5_1_a_server_with_a_newer_term_in_a_message_adopts_it_and_becomes_follower() {
    let mut sim = lone_server();
    deliver(&mut sim, 1, append(7, 0, 0, vec![], 0));
    assert_eq!(server(&sim).term(), 7);
    assert_eq!(server(&sim).role(), Role::Follower);
    assert_eq!(server(&sim).leader(), Some(NodeId(1)));
}

#[test]
fn s5_1_a_request_with_a_stale_term_is_rejected() {
    let mut sim = lone_server();
    deliver(&mut sim, 1, append(5, 0, 0, vec![], 0));
    let mark = sim.trace().records().len();
    deliver(&mut sim, 2, append(3, 0, 0, vec![entry(3)], 0));
    let sent = sent_since(&sim, mark);
    assert_eq!(sent.len(), 1);
    assert_eq!(reply_field(&sent[0].2, "AppendReply", "success"), false);
    assert_eq!(reply_field(&sent[0].2, "AppendReply", "term"), 5);
    assert_eq!(
        server(&sim).log().last_index(),
        0,
        "stale entries are not taken"
    );
}

// ---- 5.2 Leader election --------------------------------------------------------------------

#[test]
fn s5_2_a_follower_that_hears_nothing_starts_an_election_votes_for_itself_and_asks_all() {
    let mut sim = lone_server();
    let mark = sim.trace().records().len();
    sim.run_until(ms(400)).unwrap();
    let s = server(&sim);
    assert_eq!(s.role(), Role::Candidate);
    assert!(s.term() >= 1);
    assert_eq!(s.voted_for(), Some(NodeId(0)));
    let asked: Vec<NodeId> = sent_since(&sim, mark)
        .into_iter()
        .filter(|(_, k, _)| k == "RequestVote")
        .map(|(to, _, _)| to)
        .take(4)
        .collect();
    assert_eq!(asked, vec![NodeId(1), NodeId(2), NodeId(3), NodeId(4)]);
}

#[test]
fn s5_2_a_candidate_with_votes_from_a_majority_becomes_leader_and_sends_heartbeats() {
    let mut sim = lone_server();
    sim.run_until(ms(400)).unwrap();
    let term = server(&sim).term();
    let vote = |t| Msg::Vote {
        term: t,
        granted: true,
        pre_vote: false,
    };
    deliver(&mut sim, 1, vote(term));
    assert_eq!(
        server(&sim).role(),
        Role::Candidate,
        "two of five is not a majority"
    );
    let mark = sim.trace().records().len();
    deliver(&mut sim, 2, vote(term));
    assert_eq!(server(&sim).role(), Role::Leader);
    let kinds: Vec<String> = sent_since(&sim, mark)
        .into_iter()
        .map(|(_, k, _)| k)
        .collect();
    assert!(
        kinds.iter().filter(|k| *k == "AppendEntries").count() >= 4,
        "{kinds:?}"
    );
}

#[test]
fn s5_2_a_candidate_that_hears_from_a_leader_of_its_term_steps_down() {
    let mut sim = lone_server();
    sim.run_until(ms(400)).unwrap();
    let term = server(&sim).term();
    deliver(&mut sim, 3, append(term, 0, 0, vec![], 0));
    assert_eq!(server(&sim).role(), Role::Follower);
    assert_eq!(server(&sim).leader(), Some(NodeId(3)));
}

#[test]
fn s5_2_each_server_votes_for_at_most_one_candidate_per_term() {
    let mut sim = lone_server();
    let ask = |t| Msg::RequestVote {
        term: t,
        last_index: 0,
        last_term: 0,
        pre_vote: false,
    };
    let mark = sim.trace().records().len();
    deliver(&mut sim, 1, ask(4));
    deliver(&mut sim, 2, ask(4));
    deliver(&mut sim, 1, ask(4));
    let grants: Vec<bool> = sent_since(&sim, mark)
        .iter()
        .map(|(_, _, p)| p["Vote"]["granted"].as_bool().unwrap())
        .collect();
    assert_eq!(
        grants,
        vec![true, false, true],
        "a repeated request gets the same vote"
    );
    assert_eq!(server(&sim).voted_for(), Some(NodeId(1)));
}

#[test]
fn s5_2_a_candidate_that_steps_down_in_its_own_term_keeps_its_vote() {
    let mut sim = lone_server();
    sim.run_until(ms(400)).unwrap();
    let term = server(&sim).term();
    assert_eq!(server(&sim).voted_for(), Some(NodeId(0)));
    deliver(&mut sim, 3, append(term, 0, 0, vec![], 0));
    assert_eq!(server(&sim).role(), Role::Follower);
    assert_eq!(
        server(&sim).voted_for(),
        Some(NodeId(0)),
        "a vote lasts the term"
    );
    let mark = sim.trace().records().len();
    deliver(
        &mut sim,
        2,
        Msg::RequestVote {
            term,
            last_index: 0,
            last_term: 0,
            pre_vote: false,
        },
    );
    let sent = sent_since(&sim, mark);
    assert_eq!(reply_field(&sent[0].2, "Vote", "granted"), false);
}

#[test]
fn s5_2_only_a_leader_steps_down() {
    let stepped_down =
        |sim: &Simulation<RaftNode>| sim.trace().marks().get(sim_core::MarkKind::SteppedDown);
    // A candidate that hears of a newer term becomes a follower without stepping down.
    let mut sim = lone_server();
    sim.run_until(ms(400)).unwrap();
    let term = server(&sim).term();
    deliver(&mut sim, 1, append(term + 1, 0, 0, vec![], 0));
    assert_eq!(server(&sim).role(), Role::Follower);
    assert_eq!(stepped_down(&sim), 0);
    // A leader does, once, and forgets what it tracked of its followers.
    let mut sim = lone_server();
    sim.run_until(ms(400)).unwrap();
    let term = server(&sim).term();
    for from in [1, 2] {
        deliver(
            &mut sim,
            from,
            Msg::Vote {
                term,
                granted: true,
                pre_vote: false,
            },
        );
    }
    assert_eq!(server(&sim).role(), Role::Leader);
    deliver(&mut sim, 1, append(term + 1, 0, 0, vec![], 0));
    assert_eq!(server(&sim).role(), Role::Follower);
    assert_eq!(server(&sim).term(), term + 1);
    assert_eq!(
        server(&sim).voted_for(),
        None,
        "no vote yet in the new term"
    );
    assert_eq!(stepped_down(&sim), 1);
}

#[test]
fn thesis_4_2_3_the_lease_on_votes_ends_exactly_one_minimum_timeout_after_the_leader() {
    let config = Config {
        pre_vote: true,
        check_quorum: false,
        ..Config::default()
    };
    let min = config.election_timeout.min;
    for (after, granted) in [(min.0 - 1, false), (min.0, true)] {
        let mut sim = lone_server_with(config.clone());
        deliver(&mut sim, 1, append(2, 0, 0, vec![], 0));
        let heard = sim.now();
        sim.run_until(sim_core::Time(heard.0 + after)).unwrap();
        assert_eq!(server(&sim).role(), Role::Follower);
        let mark = sim.trace().records().len();
        deliver(
            &mut sim,
            2,
            Msg::RequestVote {
                term: 3,
                last_index: 0,
                last_term: 0,
                pre_vote: true,
            },
        );
        let sent = sent_since(&sim, mark);
        assert_eq!(
            reply_field(&sent[0].2, "Vote", "granted"),
            granted,
            "a pre-vote {after} ns after the leader was heard"
        );
    }
}

// ---- 5.3 Log replication --------------------------------------------------------------------

#[test]
fn s5_3_a_follower_rejects_entries_whose_predecessor_does_not_match() {
    let mut sim = lone_server();
    deliver(&mut sim, 1, append(2, 0, 0, vec![entry(1), entry(2)], 0));
    let mark = sim.trace().records().len();
    deliver(&mut sim, 1, append(2, 2, 1, vec![entry(2)], 0));
    let sent = sent_since(&sim, mark);
    assert_eq!(reply_field(&sent[0].2, "AppendReply", "success"), false);
    // Fast backtracking: the follower names its conflicting term and that term's first index.
    assert_eq!(reply_field(&sent[0].2, "AppendReply", "conflict_term"), 2);
    assert_eq!(reply_field(&sent[0].2, "AppendReply", "conflict_index"), 2);
    assert_eq!(server(&sim).log().last_index(), 2);
}

#[test]
fn s5_3_a_conflicting_entry_and_all_that_follow_it_are_deleted() {
    let mut sim = lone_server();
    deliver(
        &mut sim,
        1,
        append(2, 0, 0, vec![entry(1), entry(2), entry(2)], 0),
    );
    deliver(&mut sim, 2, append(3, 1, 1, vec![entry(3)], 0));
    let log = server(&sim).log();
    assert_eq!(log.last_index(), 2);
    assert_eq!(log.term_at(2), Some(3));
}

#[test]
fn s5_3_an_entry_already_present_is_not_duplicated_or_truncated_by_a_stale_append() {
    let mut sim = lone_server();
    deliver(
        &mut sim,
        1,
        append(2, 0, 0, vec![entry(1), entry(2), entry(2)], 0),
    );
    // A delayed copy of the first append arrives: the longer log must stay.
    deliver(&mut sim, 1, append(2, 0, 0, vec![entry(1)], 0));
    assert_eq!(server(&sim).log().last_index(), 3);
}

#[test]
fn s5_3_the_follower_commits_up_to_the_leaders_commit_index_but_not_past_its_new_entries() {
    let mut sim = lone_server();
    deliver(&mut sim, 1, append(2, 0, 0, vec![entry(1), entry(2)], 9));
    assert_eq!(server(&sim).commit_index(), 2);
    assert_eq!(server(&sim).applied_index(), 2);
}

#[test]
fn s5_3_a_leader_backs_up_next_index_after_a_rejection_and_retries() {
    let mut sim = lone_server();
    deliver(&mut sim, 1, append(1, 0, 0, vec![entry(1), entry(1)], 0));
    sim.run_until(ms(800)).unwrap();
    let term = server(&sim).term();
    for v in [1, 2] {
        deliver(
            &mut sim,
            v,
            Msg::Vote {
                term,
                granted: true,
                pre_vote: false,
            },
        );
    }
    assert_eq!(server(&sim).role(), Role::Leader);
    let mark = sim.trace().records().len();
    deliver(&mut sim, 3, append_reply(term, false, 0, 1, 0));
    let retry = sent_since(&sim, mark)
        .into_iter()
        .find(|(to, k, _)| *to == NodeId(3) && k == "AppendEntries")
        .expect("a retry to server 3");
    assert_eq!(retry.2["AppendEntries"]["prev_index"], 0);
}

// ---- 5.4 Safety -----------------------------------------------------------------------------

#[test]
fn s5_4_1_a_vote_is_denied_to_a_candidate_whose_log_is_less_up_to_date() {
    let mut sim = lone_server();
    deliver(&mut sim, 1, append(3, 0, 0, vec![entry(1), entry(3)], 0));
    let mark = sim.trace().records().len();
    let ask = |from_term, last_index, last_term| Msg::RequestVote {
        term: from_term,
        last_index,
        last_term,
        pre_vote: false,
    };
    deliver(&mut sim, 2, ask(4, 5, 2)); // longer, but an older last term
    deliver(&mut sim, 3, ask(5, 1, 3)); // same last term, shorter
    deliver(&mut sim, 4, ask(6, 2, 3)); // as up to date
    let grants: Vec<bool> = sent_since(&sim, mark)
        .iter()
        .map(|(_, _, p)| p["Vote"]["granted"].as_bool().unwrap())
        .collect();
    assert_eq!(grants, vec![false, false, true]);
}

#[test]
fn s5_4_2_a_leader_does_not_commit_an_earlier_terms_entry_by_counting_replicas() {
    let mut sim = lone_server();
    deliver(&mut sim, 1, append(2, 0, 0, vec![entry(2)], 0));
    sim.run_until(ms(800)).unwrap();
    let term = server(&sim).term();
    for v in [1, 2] {
        deliver(
            &mut sim,
            v,
            Msg::Vote {
                term,
                granted: true,
                pre_vote: false,
            },
        );
    }
    assert_eq!(server(&sim).role(), Role::Leader);
    // Index 1 (term 2) is on servers 0, 1 and 2: a majority, but of an earlier term.
    for v in [1, 2] {
        deliver(&mut sim, v, append_reply(term, true, 1, 0, 0));
    }
    assert_eq!(server(&sim).commit_index(), 0);
    // Once the leader's no-op (index 2) is on a majority, both commit.
    for v in [1, 2] {
        deliver(&mut sim, v, append_reply(term, true, 2, 0, 0));
    }
    assert_eq!(server(&sim).commit_index(), 2);
}

#[test]
fn s5_4_state_survives_a_restart_term_vote_and_log() {
    let mut sim = lone_server();
    deliver(&mut sim, 1, append(4, 0, 0, vec![entry(1), entry(4)], 0));
    deliver(
        &mut sim,
        2,
        Msg::RequestVote {
            term: 5,
            last_index: 9,
            last_term: 4,
            pre_vote: false,
        },
    );
    restart(&mut sim, NodeId(0));
    let s = server(&sim);
    assert_eq!((s.term(), s.voted_for()), (5, Some(NodeId(2))));
    assert_eq!(s.log().last_index(), 2);
    assert_eq!(s.commit_index(), 0, "the commit index is volatile");
}

fn request_vote(term: u64, pre_vote: bool) -> Msg {
    Msg::RequestVote {
        term,
        last_index: 10,
        last_term: 10,
        pre_vote,
    }
}

/// What server 0 answers `from`'s pre-vote and vote requests for the next term, up to date:
/// (pre-vote granted, vote granted), `None` for a request it ignores.
fn answers(sim: &mut Simulation<RaftNode>, from: u32) -> (Option<bool>, Option<bool>) {
    let term = server(sim).term() + 1;
    let mut out = [None, None];
    for (i, pre_vote) in [true, false].into_iter().enumerate() {
        let mark = sim.trace().records().len();
        deliver(sim, from, request_vote(term, pre_vote));
        out[i] = sent_since(sim, mark)
            .into_iter()
            .find(|(to, k, _)| *to == NodeId(from) && (k == "Vote" || k == "PreVoteReply"))
            .map(|(_, _, p)| p["Vote"]["granted"] == serde_json::Value::Bool(true));
    }
    (out[0], out[1])
}

/// Server 0, a (pre-)candidate, wins the next term with the (pre-)votes of servers 1 and 2.
fn elect(sim: &mut Simulation<RaftNode>) {
    for pre_vote in [true, false] {
        let term = server(sim).term() + u64::from(pre_vote);
        for from in [1, 2] {
            deliver(
                sim,
                from,
                Msg::Vote {
                    term,
                    granted: true,
                    pre_vote,
                },
            );
        }
    }
    assert_eq!(server(sim).role(), Role::Leader);
}

/// Server 0 as leader, with pre-votes and CheckQuorum on: elected by servers 1 and 2.
fn lone_leader() -> Simulation<RaftNode> {
    let mut sim = lone_server_with(Config::default());
    sim.run_until(ms(400)).unwrap();
    elect(&mut sim);
    sim
}

#[test]
fn thesis_9_6_a_leader_refuses_pre_votes_and_ignores_votes_for_a_higher_term() {
    let mut sim = lone_leader();
    let term = server(&sim).term();
    assert_eq!(answers(&mut sim, 4), (Some(false), None));
    assert_eq!(server(&sim).role(), Role::Leader, "not deposed");
    assert_eq!(server(&sim).term(), term);
}

#[test]
fn thesis_4_2_3_a_follower_that_heard_from_a_leader_refuses_until_the_lease_ends() {
    let mut sim = lone_server_with(Config::default());
    deliver(&mut sim, 3, append(1, 0, 0, vec![], 0));
    assert_eq!(server(&sim).leader(), Some(NodeId(3)));
    assert_eq!(answers(&mut sim, 4), (Some(false), None));
    assert_eq!(server(&sim).term(), 1, "the vote request moved no term");
    // Past the shortest election timeout without the leader, both are granted.
    let now = sim.now().0;
    sim.run_until(sim_core::Time(now + ms(160).0)).unwrap();
    assert_eq!(answers(&mut sim, 4), (Some(true), Some(true)));
}

// ---- Thesis 5.1: log compaction ---------------------------------------------------------------

/// The snapshot on server 0's disk, if any.
fn snapshot_on_disk(sim: &Simulation<RaftNode>) -> Option<raft::Snapshot> {
    match sim.disk(NodeId(0))?.get(sim_core::DiskKey("snapshot", 0))? {
        raft::Record::Snapshot(s) => Some((**s).clone()),
        other => panic!("{other:?} under the snapshot's key"),
    }
}

#[test]
fn thesis_5_1_a_snapshot_is_taken_once_the_threshold_of_applied_entries_is_reached() {
    let mut sim = lone_server_with(Config {
        pre_vote: false,
        check_quorum: false,
        snapshot_threshold: 4,
        ..Config::default()
    });
    deliver(&mut sim, 1, append(1, 0, 0, vec![entry(1); 3], 3));
    assert_eq!(
        server(&sim).log().snapshot_index(),
        0,
        "three applied of four"
    );
    assert_eq!(snapshot_on_disk(&sim), None);
    deliver(&mut sim, 1, append(1, 3, 1, vec![entry(1); 4], 4));
    assert_eq!(server(&sim).log().snapshot_index(), 4);
    assert_eq!(
        snapshot_on_disk(&sim).map(|s| (s.index, s.term)),
        Some((4, 1))
    );
    assert_eq!(
        disk_log(&sim, NodeId(0)),
        [5, 6, 7],
        "the compacted entries left the disk"
    );
    deliver(&mut sim, 1, append(1, 7, 1, vec![], 7));
    assert_eq!(
        server(&sim).log().snapshot_index(),
        4,
        "three applied since"
    );
    deliver(&mut sim, 1, append(1, 7, 1, vec![entry(1)], 8));
    assert_eq!(server(&sim).log().snapshot_index(), 8);
    assert_eq!(disk_log(&sim, NodeId(0)), Vec::<u64>::new());
}

#[test]
fn thesis_5_1_a_snapshot_records_the_configuration_of_its_index_and_later_ones_stay_in_force() {
    let mut sim = lone_server_with(Config {
        pre_vote: false,
        check_quorum: false,
        snapshot_threshold: 4,
        ..Config::default()
    });
    let smaller = Entry {
        term: 1,
        payload: Payload::Config(vec![NodeId(0), NodeId(1), NodeId(2)]),
    };
    let mut entries = vec![entry(1); 5];
    entries.push(smaller);
    deliver(&mut sim, 1, append(1, 0, 0, entries, 4));
    let five: Vec<NodeId> = (0..5).map(NodeId).collect();
    assert_eq!(
        snapshot_on_disk(&sim).map(|s| s.members),
        Some(five),
        "the configuration in force at index 4"
    );
    assert_eq!(
        server(&sim).members(),
        [NodeId(0), NodeId(1), NodeId(2)],
        "the configuration appended at index 6 is in force"
    );
}

// ---- Thesis 6.4: reads --------------------------------------------------------------------

#[test]
fn thesis_6_4_a_read_that_arrives_before_the_leaders_first_commit_is_served_once_it_commits() {
    let mut sim = lone_leader();
    let term = server(&sim).term();
    assert_eq!(
        server(&sim).commit_index(),
        0,
        "the term's no-op is not committed"
    );
    let read = raft::Msg::Request(rsm::Request {
        command: rsm::Command {
            client: 4,
            seq: 1,
            op: sim_core::history::models::KvInput::Get { key: "k".into() },
        },
    });
    let mark = sim.trace().records().len();
    deliver(&mut sim, 4, read);
    let round = round_sent_since(&sim, mark).expect("a round of heartbeats for the read");
    let mark = sim.trace().records().len();
    for from in [1, 2] {
        deliver(&mut sim, from, append_reply(term, true, 1, 0, round));
    }
    assert_eq!(server(&sim).commit_index(), 1);
    let replies: Vec<_> = sent_since(&sim, mark)
        .into_iter()
        .filter(|(to, kind, _)| *to == NodeId(4) && kind == "ClientReply")
        .collect();
    assert_eq!(replies.len(), 1, "the read is answered: {replies:?}");
}

#[test]
fn thesis_9_6_a_pre_vote_is_granted_only_for_a_term_beyond_the_voters() {
    let mut sim = lone_server_with(Config {
        check_quorum: false,
        ..Config::default()
    });
    deliver(&mut sim, 1, append(5, 0, 0, vec![], 0));
    let now = sim.now().0;
    sim.run_until(sim_core::Time(now + ms(160).0)).unwrap();
    assert_eq!(server(&sim).term(), 5);
    let pre_vote = |term| Msg::RequestVote {
        term,
        last_index: 10,
        last_term: 4,
        pre_vote: true,
    };
    for (term, granted) in [(5, false), (6, true)] {
        let mark = sim.trace().records().len();
        deliver(&mut sim, 2, pre_vote(term));
        let sent = sent_since(&sim, mark);
        assert_eq!(
            reply_field(&sent[0].2, "Vote", "granted"),
            granted,
            "a pre-vote for term {term}"
        );
    }
    assert_eq!(server(&sim).term(), 5, "pre-votes move no term");
}

#[test]
fn s5_1_a_refused_pre_vote_that_carries_a_newer_term_is_adopted() {
    let mut sim = lone_server_with(Config::default());
    sim.run_until(ms(400)).unwrap();
    assert_eq!(server(&sim).role(), Role::PreCandidate);
    let term = server(&sim).term();
    deliver(
        &mut sim,
        1,
        Msg::Vote {
            term: term + 3,
            granted: false,
            pre_vote: true,
        },
    );
    assert_eq!(
        (server(&sim).role(), server(&sim).term()),
        (Role::Follower, term + 3)
    );
}

#[test]
fn thesis_9_6_pre_votes_that_arrive_after_a_leader_was_heard_start_nothing() {
    let mut sim = lone_server_with(Config::default());
    sim.run_until(ms(400)).unwrap();
    assert_eq!(server(&sim).role(), Role::PreCandidate);
    let term = server(&sim).term();
    deliver(&mut sim, 1, append(term, 0, 0, vec![], 0));
    assert_eq!(server(&sim).role(), Role::Follower);
    for from in [2, 3, 4] {
        deliver(
            &mut sim,
            from,
            Msg::Vote {
                term: term + 1,
                granted: true,
                pre_vote: true,
            },
        );
    }
    assert_eq!(
        (server(&sim).role(), server(&sim).term()),
        (Role::Follower, term),
        "late pre-votes for a round it gave up"
    );
}

#[test]
fn s5_1_a_leader_ignores_stale_answers() {
    let mut sim = lone_leader();
    let term = server(&sim).term();
    for granted in [false, true] {
        deliver(
            &mut sim,
            3,
            Msg::Vote {
                term: term - 1,
                granted,
                pre_vote: false,
            },
        );
        assert_eq!(server(&sim).role(), Role::Leader);
    }
    assert_eq!(server(&sim).term(), term);
}

#[test]
fn thesis_4_2_3_a_leader_answers_a_vote_request_of_its_own_term() {
    // CheckQuorum ignores vote requests for newer terms while a leader is alive; one of the
    // leader's own term is answered, with a refusal.
    let mut sim = lone_leader();
    let term = server(&sim).term();
    let mark = sim.trace().records().len();
    deliver(
        &mut sim,
        3,
        Msg::RequestVote {
            term,
            last_index: 10,
            last_term: term,
            pre_vote: false,
        },
    );
    let sent = sent_since(&sim, mark);
    let votes: Vec<_> = sent.iter().filter(|(_, k, _)| k == "Vote").collect();
    assert_eq!(votes.len(), 1, "{sent:?}");
    assert_eq!(reply_field(&votes[0].2, "Vote", "granted"), false);
    assert_eq!(server(&sim).role(), Role::Leader);
}

#[test]
fn thesis_6_2_a_quorum_check_armed_in_an_earlier_term_does_nothing() {
    let mut sim = lone_leader();
    let term = server(&sim).term();
    // Nothing has been heard from a majority since the election; a check of the current term
    // would step down, one left from an earlier term does not.
    sim.input(NodeId(0), "stale check", |n, ctx| {
        n.on_timer(raft::Timer::QuorumCheck { term: term - 1 }, ctx)
    })
    .unwrap();
    assert_eq!(server(&sim).role(), Role::Leader);
    sim.input(NodeId(0), "check", |n, ctx| {
        n.on_timer(raft::Timer::QuorumCheck { term }, ctx)
    })
    .unwrap();
    assert_eq!(server(&sim).role(), Role::Follower);
}

#[test]
fn s5_1_a_follower_takes_its_leaders_newer_term() {
    let mut sim = lone_server();
    deliver(&mut sim, 1, append(2, 0, 0, vec![], 0));
    assert_eq!(
        (server(&sim).term(), server(&sim).leader()),
        (2, Some(NodeId(1)))
    );
    // The same leader, re-elected in a later term.
    deliver(&mut sim, 1, append(3, 0, 0, vec![], 0));
    assert_eq!(server(&sim).term(), 3);
    assert_eq!(server(&sim).role(), Role::Follower);
}

#[test]
fn s5_2_a_voter_learns_who_won_from_the_winners_first_append() {
    let mut sim = lone_server();
    deliver(
        &mut sim,
        1,
        Msg::RequestVote {
            term: 2,
            last_index: 0,
            last_term: 0,
            pre_vote: false,
        },
    );
    assert_eq!(server(&sim).voted_for(), Some(NodeId(1)));
    assert_eq!(server(&sim).leader(), None);
    deliver(&mut sim, 1, append(2, 0, 0, vec![], 0));
    assert_eq!(server(&sim).leader(), Some(NodeId(1)));
}

#[test]
fn thesis_5_1_an_append_that_overlaps_the_snapshot_is_taken_past_it() {
    let mut sim = lone_server_with(Config {
        pre_vote: false,
        check_quorum: false,
        snapshot_threshold: 4,
        ..Config::default()
    });
    deliver(&mut sim, 1, append(1, 0, 0, vec![entry(1); 4], 4));
    assert_eq!(server(&sim).log().snapshot_index(), 4);
    // A leader that does not know of the snapshot resends entries 3 to 6.
    let mark = sim.trace().records().len();
    deliver(&mut sim, 1, append(1, 2, 1, vec![entry(1); 4], 4));
    let sent = sent_since(&sim, mark);
    assert_eq!(reply_field(&sent[0].2, "AppendReply", "success"), true);
    assert_eq!(reply_field(&sent[0].2, "AppendReply", "match_index"), 6);
    assert_eq!(server(&sim).log().last_index(), 6);
    // Entries wholly inside the snapshot are acknowledged up to the snapshot point.
    let mark = sim.trace().records().len();
    deliver(&mut sim, 1, append(1, 0, 0, vec![entry(1); 2], 4));
    let sent = sent_since(&sim, mark);
    assert_eq!(reply_field(&sent[0].2, "AppendReply", "success"), true);
    assert_eq!(reply_field(&sent[0].2, "AppendReply", "match_index"), 4);
    assert_eq!(server(&sim).log().last_index(), 6, "nothing truncated");
}

// ---- The follower's side: conflicts, configurations and snapshots ----------------------------

fn config_entry(term: u64, members: &[u32]) -> Entry {
    Entry {
        term,
        payload: Payload::Config(members.iter().map(|&m| NodeId(m)).collect()),
    }
}

#[test]
fn s5_3_a_configuration_removed_with_a_conflicting_suffix_is_no_longer_in_force() {
    let mut sim = lone_server();
    let entries = vec![
        entry(1),
        config_entry(1, &[0, 1, 2, 3]),
        entry(1),
        config_entry(1, &[0, 1, 2]),
    ];
    deliver(&mut sim, 1, append(1, 0, 0, entries, 0));
    assert_eq!(server(&sim).members().len(), 3);
    // A new leader's entry replaces index 4: the configuration of index 2 is in force again.
    deliver(&mut sim, 2, append(2, 3, 1, vec![entry(2)], 0));
    let four: Vec<NodeId> = (0..4).map(NodeId).collect();
    assert_eq!(server(&sim).members(), four);
    // And replacing index 2 brings back the bootstrap configuration.
    deliver(&mut sim, 3, append(3, 1, 1, vec![entry(3)], 0));
    assert_eq!(server(&sim).members().len(), 5);
}

#[test]
fn s5_3_a_conflict_below_the_commit_index_takes_the_commit_index_back_before_it() {
    // Only a leader that broke the rules sends one; the follower's commit index must not
    // then point past its log, so that the checkers, not a panic, report the break.
    let mut sim = lone_server();
    deliver(&mut sim, 1, append(1, 0, 0, vec![entry(1); 3], 3));
    assert_eq!(server(&sim).commit_index(), 3);
    deliver(&mut sim, 2, append(2, 1, 1, vec![entry(2)], 0));
    assert_eq!(server(&sim).log().last_index(), 2);
    assert_eq!(server(&sim).commit_index(), 1);
}

fn leader_snapshot(index: u64, term: u64, members: &[u32]) -> raft::Snapshot {
    let mut log = raft::Log::<kv::KvMap>::default();
    for _ in 0..index {
        log.append(entry(term));
    }
    raft::Snapshot {
        index,
        term,
        hash: log.hash_at(index).expect("a hash"),
        members: members.iter().map(|&m| NodeId(m)).collect(),
        store: rsm::Store::<kv::KvMap>::new().snapshot(),
    }
}

fn install(sim: &mut Simulation<RaftNode>, term: u64, snapshot: raft::Snapshot) -> u64 {
    let mark = sim.trace().records().len();
    deliver(
        sim,
        1,
        Msg::InstallSnapshot {
            term,
            snapshot: Box::new(snapshot),
            round: 0,
        },
    );
    let sent = sent_since(sim, mark);
    reply_field(&sent[0].2, "SnapshotReply", "index")
        .as_u64()
        .expect("an index")
}

#[test]
fn thesis_5_3_a_snapshot_that_ends_inside_the_log_keeps_what_follows_it() {
    let mut sim = lone_server();
    let mut entries = vec![entry(1); 5];
    entries.push(config_entry(1, &[0, 1, 2]));
    deliver(&mut sim, 1, append(1, 0, 0, entries, 0));
    assert_eq!(
        install(&mut sim, 1, leader_snapshot(4, 1, &[0, 1, 2, 3, 4])),
        4
    );
    let s = server(&sim);
    assert_eq!((s.log().snapshot_index(), s.log().last_index()), (4, 6));
    assert_eq!((s.commit_index(), s.applied_index()), (4, 4));
    assert_eq!(
        s.members().len(),
        3,
        "the configuration after the snapshot stays"
    );
    assert_eq!(disk_log(&sim, NodeId(0)), [5, 6]);
    assert_eq!(snapshot_on_disk(&sim).map(|s| s.index), Some(4));
}

#[test]
fn thesis_5_3_a_snapshot_that_disagrees_with_the_log_replaces_all_of_it() {
    let mut sim = lone_server();
    deliver(&mut sim, 1, append(1, 0, 0, vec![entry(1); 6], 0));
    assert_eq!(install(&mut sim, 2, leader_snapshot(4, 2, &[0, 1, 2])), 4);
    let s = server(&sim);
    assert_eq!((s.log().snapshot_index(), s.log().last_index()), (4, 4));
    assert_eq!(s.members().len(), 3, "the snapshot's configuration");
    assert_eq!(disk_log(&sim, NodeId(0)), Vec::<u64>::new());
}

#[test]
fn thesis_5_3_a_snapshot_from_a_stale_leader_or_not_ahead_changes_nothing() {
    let mut sim = lone_server();
    deliver(&mut sim, 1, append(3, 0, 0, vec![entry(3); 6], 5));
    assert_eq!(
        install(&mut sim, 2, leader_snapshot(6, 2, &[0, 1, 2])),
        0,
        "stale"
    );
    assert_eq!(
        install(&mut sim, 3, leader_snapshot(5, 3, &[0, 1, 2])),
        5,
        "not ahead"
    );
    let s = server(&sim);
    assert_eq!((s.log().snapshot_index(), s.log().last_index()), (0, 6));
    assert_eq!(s.members().len(), 5);
    assert_eq!(snapshot_on_disk(&sim), None);
}

#[test]
fn thesis_4_1_a_new_leader_changes_the_configuration_only_once_its_term_has_committed() {
    let mut sim = lone_leader();
    let term = server(&sim).term();
    let propose = |sim: &mut Simulation<RaftNode>| {
        let mut out = None;
        sim.input(NodeId(0), "propose", |n, ctx| {
            out = n
                .server_mut()
                .map(|s| s.propose_change(raft::Change::Remove(NodeId(4)), ctx));
        })
        .unwrap();
        out.expect("a server")
    };
    let e = propose(&mut sim).expect_err("nothing of its term committed");
    assert!(e.contains("has not committed an entry of term"), "{e}");
    for from in [1, 2] {
        deliver(&mut sim, from, append_reply(term, true, 1, 0, 0));
    }
    assert_eq!(server(&sim).commit_index(), 1);
    assert_eq!(propose(&mut sim), Ok(2));
}

#[test]
fn s5_2_a_vote_whose_write_was_lost_on_one_copy_survives_a_restart() {
    let mut sim = lone_server();
    deliver(&mut sim, 1, append(2, 0, 0, vec![], 0));
    // currentTerm 2 with no vote is on disk, in both copies. The next write, the vote's first
    // copy, is lost; the second copy holds the vote.
    sim.apply_now(sim_core::Fault::Storage {
        node: NodeId(0),
        storage: sim_core::StorageFault::LostWrite,
    })
    .unwrap();
    let ask = |term| Msg::RequestVote {
        term,
        last_index: 0,
        last_term: 0,
        pre_vote: false,
    };
    deliver(&mut sim, 2, ask(2));
    assert_eq!(server(&sim).voted_for(), Some(NodeId(2)));
    crash(&mut sim, NodeId(0));
    restart(&mut sim, NodeId(0));
    assert_eq!(server(&sim).term(), 2);
    assert_eq!(
        server(&sim).voted_for(),
        Some(NodeId(2)),
        "the vote survived"
    );
    let mark = sim.trace().records().len();
    deliver(&mut sim, 3, ask(2));
    let sent = sent_since(&sim, mark);
    assert_eq!(
        reply_field(&sent[0].2, "Vote", "granted"),
        false,
        "no second vote"
    );
}

/// The read round of the last heartbeat server 0 sent to server 1 since trace record `mark`.
fn round_sent_since(sim: &Simulation<RaftNode>, mark: usize) -> Option<u64> {
    appends_sent_to_1(sim, mark)
        .last()
        .map(|a| a["round"].as_u64().expect("a round"))
}

/// The AppendEntries (heartbeats included) server 0 sent server 1 since trace record `mark`.
fn appends_sent_to_1(sim: &Simulation<RaftNode>, mark: usize) -> Vec<serde_json::Value> {
    sent_since(sim, mark)
        .into_iter()
        .filter(|(to, kind, _)| {
            *to == NodeId(1) && (kind == "AppendEntries" || kind == "Heartbeat")
        })
        .map(|(_, _, p)| p["AppendEntries"].clone())
        .collect()
}

fn ack(sim: &mut Simulation<RaftNode>, term: u64, round: u64) {
    for from in [1, 2] {
        deliver(sim, from, append_reply(term, true, 1, 0, round));
    }
}

fn read_request(client: u64, seq: u64) -> Msg {
    raft::Msg::Request(rsm::Request {
        command: rsm::Command {
            client,
            seq,
            op: sim_core::history::models::KvInput::Get { key: "k".into() },
        },
    })
}

/// The sequence numbers of the answers server 0 sent to node `to` since trace record `mark`.
fn answered_since(sim: &Simulation<RaftNode>, mark: usize, to: u32) -> Vec<u64> {
    sent_since(sim, mark)
        .into_iter()
        .filter(|(t, kind, _)| *t == NodeId(to) && kind == "ClientReply")
        .map(|(_, _, p)| p["Reply"]["seq"].as_u64().expect("a number"))
        .collect()
}

#[test]
fn thesis_6_4_a_read_that_arrives_during_a_round_waits_for_a_round_sent_after_it() {
    let mut sim = lone_leader();
    let term = server(&sim).term();
    ack(&mut sim, term, 0);
    assert_eq!(
        server(&sim).commit_index(),
        1,
        "the term's first entry committed"
    );
    let mark = sim.trace().records().len();
    deliver(&mut sim, 3, read_request(3, 1));
    let first = round_sent_since(&sim, mark).expect("a round for the first read");
    // A heartbeat while that round is out repeats it rather than starting another.
    let mark = sim.trace().records().len();
    sim.input(NodeId(0), "heartbeat", |n, ctx| {
        n.on_timer(raft::Timer::Heartbeat { term }, ctx)
    })
    .unwrap();
    assert_eq!(round_sent_since(&sim, mark), Some(first));
    // A second read arrives while that round is out: its acknowledgements were asked for
    // before the read arrived, so they cannot confirm it.
    let mark = sim.trace().records().len();
    deliver(&mut sim, 4, read_request(4, 1));
    assert_eq!(round_sent_since(&sim, mark), None, "one round at a time");
    // One acknowledgement of five is no majority: the round is not over, and no other
    // starts.
    let mark = sim.trace().records().len();
    deliver(&mut sim, 1, append_reply(term, true, 1, 0, first));
    assert!(round_sent_since(&sim, mark).is_none_or(|r| r == first));
    let mark = sim.trace().records().len();
    ack(&mut sim, term, first);
    assert_eq!(
        answered_since(&sim, mark, 3),
        [1],
        "the first read is served"
    );
    assert_eq!(
        answered_since(&sim, mark, 4),
        Vec::<u64>::new(),
        "the second waits"
    );
    let second = round_sent_since(&sim, mark).expect("the next round, at once");
    assert!(second > first);
    let mark = sim.trace().records().len();
    ack(&mut sim, term, second);
    assert_eq!(answered_since(&sim, mark, 4), [1]);
    assert_eq!(
        round_sent_since(&sim, mark),
        None,
        "no read waits: no further round"
    );
}

/// What server 0 sent server 1 since trace record `mark`: (prev_index, number of entries).
fn appends_to_1_since(sim: &Simulation<RaftNode>, mark: usize) -> Vec<(u64, usize)> {
    appends_sent_to_1(sim, mark)
        .iter()
        .map(|a| {
            (
                a["prev_index"].as_u64().expect("an index"),
                a["entries"].as_array().expect("entries").len(),
            )
        })
        .collect()
}

#[test]
fn a_leader_pipelines_appends_up_to_its_limit_from_where_a_follower_needs_them() {
    let mut sim = lone_server_with(Config {
        max_batch: 1,
        max_inflight: 3,
        ..Config::default()
    });
    deliver(&mut sim, 1, append(1, 0, 0, vec![entry(1); 5], 0));
    sim.run_until(ms(600)).unwrap();
    elect(&mut sim);
    let term = server(&sim).term();
    // Server 1 has nothing: the leader backs up and sends three appends of one entry each,
    // one after the other.
    let mark = sim.trace().records().len();
    deliver(&mut sim, 1, append_reply(term, false, 0, 1, 0));
    assert_eq!(appends_to_1_since(&sim, mark), [(0, 1), (1, 1), (2, 1)]);
}

#[test]
fn a_heartbeat_timer_armed_in_an_earlier_term_sends_nothing() {
    let mut sim = lone_leader();
    let term = server(&sim).term();
    let mark = sim.trace().records().len();
    sim.input(NodeId(0), "stale heartbeat", |n, ctx| {
        n.on_timer(raft::Timer::Heartbeat { term: term - 1 }, ctx)
    })
    .unwrap();
    assert_eq!(appends_to_1_since(&sim, mark), []);
    sim.input(NodeId(0), "heartbeat", |n, ctx| {
        n.on_timer(raft::Timer::Heartbeat { term }, ctx)
    })
    .unwrap();
    assert_eq!(appends_to_1_since(&sim, mark).len(), 1);
}

#[test]
fn a_leader_resends_from_the_match_to_a_follower_silent_for_two_heartbeats() {
    let mut sim = lone_leader();
    let term = server(&sim).term();
    let tick = |sim: &mut Simulation<RaftNode>| {
        let mark = sim.trace().records().len();
        sim.input(NodeId(0), "heartbeat", |n, ctx| {
            n.on_timer(raft::Timer::Heartbeat { term }, ctx)
        })
        .unwrap();
        appends_to_1_since(sim, mark)
    };
    // The no-op went out at election and server 1 has not answered: one silent tick sends a
    // heartbeat after it, the second resends it.
    assert_eq!(tick(&mut sim), [(1, 0)]);
    assert_eq!(tick(&mut sim), [(0, 1)]);
}

#[test]
fn s5_1_a_leader_ignores_answers_from_an_earlier_term() {
    let mut sim = lone_leader();
    let term = server(&sim).term();
    for from in [1, 2] {
        deliver(&mut sim, from, append_reply(term - 1, true, 1, 0, 0));
    }
    assert_eq!(
        server(&sim).commit_index(),
        0,
        "what a follower matched for an earlier leader is not a match with this one"
    );
}

#[test]
fn s5_3_a_refusal_at_the_end_of_the_log_gets_an_append_there_at_once() {
    let mut sim = lone_leader();
    let term = server(&sim).term();
    let mark = sim.trace().records().len();
    deliver(&mut sim, 1, append_reply(term, false, 0, 2, 0));
    assert_eq!(appends_to_1_since(&sim, mark), [(1, 0)]);
}

#[test]
fn a_refusal_below_what_the_follower_acknowledged_is_answered_once() {
    let mut sim = lone_leader();
    let term = server(&sim).term();
    let reply = |success, match_index, conflict_index| Msg::AppendReply {
        term,
        success,
        match_index,
        conflict_index,
        conflict_term: None,
        round: 0,
    };
    deliver(&mut sim, 1, reply(true, 1, 0));
    // A stale refusal that points below the acknowledged entry: the leader answers from just
    // after the match, once; a repeat waits for the next heartbeat rather than looping.
    let mark = sim.trace().records().len();
    deliver(&mut sim, 1, reply(false, 0, 1));
    assert_eq!(appends_to_1_since(&sim, mark), [(1, 0)]);
    let mark = sim.trace().records().len();
    deliver(&mut sim, 1, reply(false, 0, 1));
    assert_eq!(appends_to_1_since(&sim, mark), []);
}

// ---- The leader's side of client requests ----------------------------------------------------

fn write_request(client: u64, seq: u64) -> Msg {
    raft::Msg::Request(rsm::Request {
        command: rsm::Command {
            client,
            seq,
            op: sim_core::history::models::KvInput::Put {
                key: "k".into(),
                value: "v".into(),
            },
        },
    })
}

/// `lone_leader` with `config`, its first entry committed.
fn lone_leader_with(config: Config) -> Simulation<RaftNode> {
    let mut sim = lone_server_with(config);
    sim.run_until(ms(400)).unwrap();
    elect(&mut sim);
    let term = server(&sim).term();
    ack(&mut sim, term, 0);
    assert_eq!(server(&sim).commit_index(), 1);
    sim
}

#[test]
fn thesis_6_4_a_read_index_read_adds_no_entry_and_a_logged_read_does() {
    for (mode, entries) in [(raft::ReadMode::ReadIndex, 0), (raft::ReadMode::Log, 1)] {
        let mut sim = lone_leader_with(Config {
            read_mode: mode,
            ..Config::default()
        });
        let before = server(&sim).log().last_index();
        deliver(&mut sim, 3, read_request(3, 1));
        assert_eq!(
            server(&sim).log().last_index(),
            before + entries,
            "{mode:?}"
        );
    }
}

#[test]
fn a_leader_appends_a_write_at_once_or_gathers_it_for_its_batch() {
    let mut sim = lone_leader_with(Config::default());
    deliver(&mut sim, 3, write_request(3, 1));
    assert_eq!(
        server(&sim).log().last_index(),
        2,
        "no batching: appended at once"
    );

    let mut sim = lone_leader_with(Config {
        batch_delay: sim_core::Duration::from_millis(5),
        ..Config::default()
    });
    let term = server(&sim).term();
    deliver(&mut sim, 3, write_request(3, 1));
    assert_eq!(server(&sim).log().last_index(), 1, "gathered");
    // A batch timer armed in an earlier term finds nothing of its own to append.
    sim.input(NodeId(0), "stale batch", |n, ctx| {
        n.on_timer(raft::Timer::Batch { term: term - 1 }, ctx)
    })
    .unwrap();
    assert_eq!(server(&sim).log().last_index(), 1);
    sim.input(NodeId(0), "batch", |n, ctx| {
        n.on_timer(raft::Timer::Batch { term }, ctx)
    })
    .unwrap();
    assert_eq!(server(&sim).log().last_index(), 2);
    assert_eq!(server(&sim).log().term_at(2), Some(term));
}

#[test]
fn a_leader_told_that_a_follower_lost_acknowledged_entries_resends_them() {
    let mut sim = lone_leader();
    let term = server(&sim).term();
    deliver(&mut sim, 1, append_reply(term, true, 1, 0, 0));
    let repair = |term, index| Msg::RepairFrom { term, index };
    // Of an earlier term, or above what it acknowledged: nothing to do.
    for (t, index) in [(term - 1, 1), (term, 2)] {
        let mark = sim.trace().records().len();
        deliver(&mut sim, 1, repair(t, index));
        assert_eq!(appends_to_1_since(&sim, mark), [], "RepairFrom {t} {index}");
    }
    let mark = sim.trace().records().len();
    deliver(&mut sim, 1, repair(term, 1));
    assert_eq!(appends_to_1_since(&sim, mark), [(0, 1)], "entry 1 again");
}

#[test]
fn s5_3_a_heartbeat_that_moves_no_commit_index_records_no_commit() {
    let mut sim = lone_server();
    deliver(&mut sim, 1, append(1, 0, 0, vec![entry(1); 3], 3));
    let commits =
        |sim: &Simulation<RaftNode>| sim.trace().marks().get(sim_core::MarkKind::Committed);
    let before = commits(&sim);
    assert!(before > 0);
    // The leader's commit index is ahead, but this append only vouches for index 1.
    deliver(&mut sim, 1, append(1, 1, 1, vec![], 5));
    assert_eq!(server(&sim).commit_index(), 3);
    assert_eq!(commits(&sim), before);
}
