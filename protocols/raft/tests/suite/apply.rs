//! Applying committed entries: the milestone each new commit records, the results a host
//! that proposes commands itself reads back, reads that wait for a new leader's first commit,
//! and a leader that commits its own removal.

use crate::common::*;
use raft::cluster::change_membership;
use raft::{Change, Config, RaftNode, Role};
use sim_core::{Mark, NodeId, Simulation, TraceEvent, TraceSink};

#[test]
fn each_commit_mark_names_a_higher_index_than_the_last() {
    let mut sim = cluster(1, 3, 2, &Config::default());
    sim.set_trace_sink(TraceSink::Memory(Vec::new()));
    run_ok(&mut sim, ms(2_000));
    let mut last = [0u64; 3];
    let mut marks = 0;
    for r in sim.trace().records() {
        if let TraceEvent::Mark {
            node,
            mark: Mark::Committed { index },
            ..
        } = &r.event
        {
            let before = &mut last[node.index()];
            assert!(
                *index > *before,
                "{node}: commit mark {index} after {before}"
            );
            *before = *index;
            marks += 1;
        }
    }
    assert!(marks > 10, "{marks} commit marks");
    for id in 0..3u32 {
        let s = sim
            .node(NodeId(id))
            .and_then(RaftNode::server)
            .expect("a server");
        assert!(last[id as usize] <= s.commit_index());
    }
}

/// Calls `f` on server `id`'s state inside the run, as an input.
fn on_server<T>(
    sim: &mut Simulation<RaftNode>,
    id: NodeId,
    f: impl FnOnce(&mut raft::Server) -> T,
) -> T {
    let mut out = None;
    sim.input(id, "test", |n, _| {
        out = n.server_mut().map(f);
    })
    .expect("a known node");
    out.expect("a running server")
}

#[test]
fn a_host_reads_back_what_the_commands_it_applies_answered() {
    let mut sim = cluster(1, 3, 2, &Config::default());
    run_ok(&mut sim, ms(1));
    on_server(&mut sim, NodeId(0), |s| s.keep_outcomes());
    run_ok(&mut sim, ms(1_500));
    let outcomes = on_server(&mut sim, NodeId(0), |s| s.take_outcomes());
    assert!(outcomes.len() > 10, "{} outcomes", outcomes.len());
    assert!(outcomes.windows(2).all(|w| w[0].index < w[1].index));
    let applied = on_server(&mut sim, NodeId(0), |s| s.applied_index());
    assert!(outcomes.last().is_some_and(|o| o.index <= applied));
    assert!(on_server(&mut sim, NodeId(0), |s| s.take_outcomes()).is_empty());
    assert!(
        on_server(&mut sim, NodeId(1), |s| s.take_outcomes()).is_empty(),
        "a server that was not asked keeps nothing"
    );
}

#[test]
fn a_leader_that_commits_its_own_removal_steps_down() {
    let mut sim = cluster(1, 3, 1, &Config::default());
    run_ok(&mut sim, ms(1_000));
    let leader = the_leader(&sim);
    assert_eq!(
        change_membership(&mut sim, Change::Remove(leader)),
        Ok(None)
    );
    let removal = sim
        .node(leader)
        .and_then(RaftNode::server)
        .expect("running")
        .log()
        .last_index();
    // It leads until its removal commits (thesis 4.2.2): step until it stops leading.
    loop {
        let s = sim
            .node(leader)
            .and_then(RaftNode::server)
            .expect("running");
        if s.role() != Role::Leader {
            assert!(
                s.commit_index() >= removal,
                "stepped down at commit {} before its removal at {removal} committed",
                s.commit_index()
            );
            break;
        }
        assert!(sim.now() < ms(2_500), "still leading");
        match sim.step().expect("within limits") {
            sim_core::Step::Event { .. } => {}
            other => panic!("{other:?}"),
        }
    }
    run_ok(&mut sim, ms(2_500));
    let old = sim
        .node(leader)
        .and_then(RaftNode::server)
        .expect("running");
    assert_ne!(old.role(), Role::Leader);
    let new = the_leader(&sim);
    assert_ne!(new, leader);
    let s = sim.node(new).and_then(RaftNode::server).expect("running");
    assert!(!s.members().contains(&leader));
}
