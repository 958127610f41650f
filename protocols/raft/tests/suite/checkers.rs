//! Each of Raft's invariant checkers fires on a state that breaks its property, and stays
//! quiet on the states a correct run goes through. The broken states are assembled from real
//! runs: a server seen at a later checkpoint and then at an earlier one (its log or commit
//! index went back), or servers taken from two runs that went different ways (two leaders of
//! one term, two different entries at one index).

use crate::common::*;
use raft::checkers::{
    CommitNeverDecreases, ElectionSafety, LeaderAppendOnly, LeaderCompleteness, LogMatching,
    StateMachineSafety,
};
use raft::{Config, RaftNode, Role};
use sim_core::{CheckView, Checker, NodeId, Simulation};

/// Shows `checker` server `id` as it is in `sim`, as the engine does after an event that
/// touched it.
fn show<C: Checker<RaftNode>>(
    checker: &mut C,
    sim: &Simulation<RaftNode>,
    id: NodeId,
) -> Result<(), String> {
    checker.check(&CheckView {
        time: sim.now(),
        event: 1,
        touched: Some(id),
        nodes: sim.nodes(),
    })
}

/// A three-server cluster with two clients on `seed`, run to `t` milliseconds.
fn run(seed: u64, t: u64) -> Simulation<RaftNode> {
    let mut sim = cluster(seed, 3, 2, &Config::default());
    run_ok(&mut sim, ms(t));
    sim
}

/// The run at 1 s and the same run at 2 s, with one leader throughout.
fn early_and_late(seed: u64) -> (Simulation<RaftNode>, Simulation<RaftNode>, NodeId) {
    let early = run(seed, 1_000);
    let mut late = early.clone();
    run_ok(&mut late, ms(2_000));
    let leader = the_leader(&late);
    assert_eq!(the_leader(&early), leader);
    assert_eq!(server(&early, leader).term(), server(&late, leader).term());
    assert!(server(&late, leader).commit_index() > server(&early, leader).commit_index());
    (early, late, leader)
}

/// A seed other than `seed` whose run, at `t`, has `leader` leading the same term with a
/// longer log: the same place in the protocol, reached with other commands.
fn other_run_led_by(seed: u64, leader: NodeId, term: u64, t: u64) -> Simulation<RaftNode> {
    (seed + 1..seed + 200)
        .map(|s| run(s, t))
        .find(|sim| raft::leader(sim) == Some(leader) && server(sim, leader).term() == term)
        .expect("some seed elects the same leader in the same term")
}

#[test]
fn the_checkers_go_by_the_papers_names() {
    let sim = run(1, 1);
    assert_eq!(
        sim.checker_names(),
        [
            "durability",
            "Election Safety",
            "Leader Append-Only",
            "Log Matching",
            "State Machine Safety",
            "Leader Completeness",
            "commit index never decreases",
        ]
    );
}

#[test]
fn a_commit_index_may_only_go_back_with_a_restart() {
    let (early, late, leader) = early_and_late(1);
    let mut c = CommitNeverDecreases::default();
    for sim in [&early, &late] {
        show(&mut c, sim, leader).expect("growing");
    }
    let e = show(&mut c, &early, leader).expect_err("the commit index went back");
    assert!(e.contains("commit index went from"), "{e}");
    // A restart starts the volatile commit index again.
    let mut restarted = late.clone();
    crash(&mut restarted, leader);
    restart(&mut restarted, leader);
    let mut c = CommitNeverDecreases::default();
    show(&mut c, &late, leader).expect("first sight");
    assert!(server(&restarted, leader).commit_index() < server(&late, leader).commit_index());
    show(&mut c, &restarted, leader).expect("a new incarnation");
}

#[test]
fn a_leader_may_not_lose_or_change_an_entry_of_its_term() {
    let (early, late, leader) = early_and_late(1);
    let mut c = LeaderAppendOnly::default();
    for sim in [&early, &late] {
        show(&mut c, sim, leader).expect("appending");
    }
    let e = show(&mut c, &early, leader).expect_err("the leader's log shrank");
    assert!(e.contains("changed or removed its entry"), "{e}");
    // The same leader, term and length, other entries.
    let term = server(&late, leader).term();
    let other = other_run_led_by(1, leader, term, 2_000);
    let mut c = LeaderAppendOnly::default();
    show(&mut c, &early, leader).expect("first sight");
    show(&mut c, &other, leader).expect_err("an entry of the leader's log changed");
    // A server judged as leader only against what it held as leader of that term: seen as a
    // follower, then as the leader of that term with another log, it broke nothing.
    let follower = NodeId((leader.0 + 1) % 3);
    let led_by_follower = other_run_led_by(1, follower, term, 2_000);
    let mut c = LeaderAppendOnly::default();
    show(&mut c, &late, follower).expect("a follower");
    show(&mut c, &led_by_follower, follower).expect("its first sight as leader");
    // A follower's log may lose entries: only a leader's is append-only.
    assert_eq!(server(&late, follower).role(), Role::Follower);
    let mut c = LeaderAppendOnly::default();
    for sim in [&late, &early] {
        show(&mut c, sim, follower).expect("a follower");
    }
}

#[test]
fn two_logs_with_one_entry_at_an_index_and_term_must_agree_before_it() {
    let (_, late, leader) = early_and_late(1);
    let term = server(&late, leader).term();
    let other = other_run_led_by(1, leader, term, 2_000);
    // The checker compares a server's log afresh from its commit index on, so the server
    // taken from the other run is one it has not seen.
    let follower = NodeId((leader.0 + 1) % 3);
    let mut c = LogMatching::default();
    for id in (0..3).map(NodeId).filter(|&id| id != follower) {
        show(&mut c, &late, id).expect("one run's logs match");
    }
    let e = show(&mut c, &other, follower).expect_err("two runs' logs differ");
    assert!(e.contains("both hold an entry of term"), "{e}");
}

#[test]
fn no_two_servers_commit_different_entries_at_one_index() {
    let (_, late, leader) = early_and_late(1);
    let term = server(&late, leader).term();
    let other = other_run_led_by(1, leader, term, 2_000);
    let mut c = StateMachineSafety::default();
    for id in 0..3 {
        show(&mut c, &late, NodeId(id)).expect("one run commits one log");
    }
    let e = show(&mut c, &other, leader).expect_err("another run committed other entries");
    assert!(e.contains("committed a different entry"), "{e}");
}

#[test]
fn a_leader_of_a_later_term_holds_every_committed_entry() {
    let (_, late, leader) = early_and_late(1);
    // Another run whose second leader (after a crash) leads a later term, with other entries.
    let mut other = run(2, 1_000);
    let first = the_leader(&other);
    crash(&mut other, first);
    run_ok(&mut other, ms(2_000));
    let next = the_leader(&other);
    assert!(server(&other, next).term() > server(&late, leader).term());
    let mut c = LeaderCompleteness::default();
    show(&mut c, &late, leader).expect("the leader holds what it committed");
    let e = show(&mut c, &other, next).expect_err("the later leader lacks the entries");
    assert!(e.contains("without the entry committed"), "{e}");
    // The same run's later leader has them all.
    let mut same = late.clone();
    crash(&mut same, leader);
    run_ok(&mut same, ms(3_000));
    let next = the_leader(&same);
    let mut c = LeaderCompleteness::default();
    show(&mut c, &late, leader).expect("first sight");
    show(&mut c, &same, next).expect("a complete leader");
}

#[test]
fn one_term_has_at_most_one_leader() {
    let (_, late, leader) = early_and_late(1);
    let term = server(&late, leader).term();
    let rival = (2..200)
        .map(|s| run(s, 2_000))
        .find(|sim| raft::leader(sim).is_some_and(|l| l != leader && server(sim, l).term() == term))
        .expect("some seed elects another leader in the same term");
    let mut c = ElectionSafety::default();
    show(&mut c, &late, leader).expect("one leader");
    show(&mut c, &late, leader).expect("the same leader again");
    let e = show(&mut c, &rival, the_leader(&rival)).expect_err("two leaders of one term");
    assert!(e.contains("are both leaders of term"), "{e}");
    assert_eq!(c.elections().count(), 1);
}

#[test]
fn leader_completeness_holds_a_later_leader_to_the_highest_commit_of_each_term() {
    let (early, late, leader) = early_and_late(1);
    // A branch of the same run whose leader crashed at 1 s: its next leader holds what was
    // committed by then, but not what the original run committed after.
    let mut branch = early.clone();
    crash(&mut branch, leader);
    run_ok(&mut branch, ms(2_000));
    let next = the_leader(&branch);
    let mut c = LeaderCompleteness::default();
    show(&mut c, &early, leader).expect("first sight");
    show(&mut c, &branch, next).expect("it holds what was committed at 1 s");
    let mut c = LeaderCompleteness::default();
    show(&mut c, &early, leader).expect("first sight");
    show(&mut c, &late, leader).expect("the same leader, more committed");
    let e = show(&mut c, &branch, next).expect_err("it lacks what was committed at 2 s");
    assert!(e.contains("without the entry committed"), "{e}");
}
