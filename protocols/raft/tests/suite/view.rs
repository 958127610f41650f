//! What the inspectors and the front end show of a Raft node: its role in words and as a
//! class, its term, its fields, and the tail of its log with the committed entries marked.

use crate::common::*;
use raft::{Config, RaftNode, Role};
use sim_core::{Node, NodeId, RoleClass};

#[test]
fn roles_have_the_papers_names() {
    let names: Vec<&str> = [
        Role::Follower,
        Role::PreCandidate,
        Role::Candidate,
        Role::Leader,
    ]
    .into_iter()
    .map(Role::name)
    .collect();
    assert_eq!(names, ["follower", "pre-candidate", "candidate", "leader"]);
}

#[test]
fn a_leaders_view_shows_its_term_indices_and_log() {
    let mut sim = cluster(1, 3, 2, &Config::default());
    run_ok(&mut sim, ms(2_000));
    let leader = the_leader(&sim);
    let node = sim.node(leader).expect("running");
    let s = node.server().expect("a server");
    let v = node.view();
    assert_eq!(v.role, "leader");
    assert_eq!(v.class, RoleClass::Leader);
    assert_eq!(v.epoch, Some(s.term()));
    assert_eq!(v.label, format!("T{} leader", s.term()));
    let field = |name: &str| {
        v.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, value)| value.clone())
            .unwrap_or_else(|| panic!("no field {name}"))
    };
    assert_eq!(field("term"), s.term().to_string());
    assert_eq!(field("commit index"), s.commit_index().to_string());
    assert_eq!(field("last index"), s.log().last_index().to_string());
    assert_eq!(field("configuration"), "n0 n1 n2");
    let log = &v.tables[0];
    assert_eq!(log.name, "log");
    assert_eq!(log.columns, ["index", "term", "command", "committed"]);
    let last = s.log().last_index();
    // The view lists the latest 200 entries.
    assert_eq!(log.rows.len() as u64, last.min(200));
    if last <= 200 {
        assert_eq!(log.rows[0][2], "no-op", "a new leader's first entry");
    }
    for (row, marked) in log.rows.iter().zip(&log.marked) {
        let index: u64 = row[0].parse().expect("an index");
        let committed = index <= s.commit_index();
        assert_eq!(*marked, committed, "{row:?}");
        assert_eq!(row[3], if committed { "yes" } else { "no" });
    }
    let follower = NodeId((leader.0 + 1) % 3);
    let fv = sim.node(follower).expect("running").view();
    assert_eq!(
        (fv.role.as_str(), fv.class),
        ("follower", RoleClass::Follower)
    );
    assert!(
        !sim.node(NodeId(3))
            .expect("the client")
            .view()
            .role
            .is_empty()
    );
}

#[test]
fn a_server_exposes_its_state_machine() {
    let mut sim = cluster(1, 3, 2, &Config::default());
    run_ok(&mut sim, ms(2_000));
    let leader = the_leader(&sim);
    let s = sim
        .node(leader)
        .and_then(RaftNode::server)
        .expect("a server");
    assert!(s.applied_index() > 1);
    assert!(
        s.store().applied() > 0,
        "the store is the one commands were applied to"
    );
}
