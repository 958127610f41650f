//! The harness calls the scenario runner and the front end make on a Raft cluster: its
//! clients, a command typed by hand, a membership change proposed at the leader.

use crate::common::*;
use raft::cluster::{change_membership, submit};
use raft::{Change, Config, RaftNode};
use sim_core::NodeId;
use sim_core::history::models::KvInput;

#[test]
fn a_typed_command_reaches_every_servers_state_machine() {
    let mut sim = cluster(1, 3, 2, &Config::default());
    run_ok(&mut sim, ms(500));
    assert_eq!(raft::clients(&sim).len(), 2);
    let put = KvInput::Put {
        key: "typed".into(),
        value: "by hand".into(),
    };
    let refused = submit(&mut sim, NodeId(0), put.clone()).expect_err("n0 is a server");
    assert!(refused.contains("not a running client"), "{refused}");
    assert_eq!(submit(&mut sim, NodeId(3), put), Ok(None));
    run_ok(&mut sim, ms(1_500));
    for id in 0..3 {
        let s = sim
            .node(NodeId(id))
            .and_then(RaftNode::server)
            .expect("a server");
        assert_eq!(s.store().read("typed"), "by hand", "n{id}");
    }
    // A crashed client is no running client.
    crash(&mut sim, NodeId(4));
    assert_eq!(raft::clients(&sim).len(), 1);
    let get = KvInput::Get {
        key: "typed".into(),
    };
    assert!(submit(&mut sim, NodeId(4), get).is_err());
}

#[test]
fn a_membership_change_goes_to_the_leader_and_takes_effect() {
    let mut sim = cluster(1, 3, 1, &Config::default());
    assert!(
        change_membership(&mut sim, Change::Remove(NodeId(2))).is_err(),
        "no leader yet"
    );
    run_ok(&mut sim, ms(1_000));
    let leader = the_leader(&sim);
    let removed = NodeId((leader.0 + 1) % 3);
    assert_eq!(
        change_membership(&mut sim, Change::Remove(removed)),
        Ok(None)
    );
    run_ok(&mut sim, ms(2_000));
    let s = sim
        .node(leader)
        .and_then(RaftNode::server)
        .expect("the leader");
    assert!(!s.members().contains(&removed));
    assert_eq!(s.members().len(), 2);
}

#[test]
fn a_single_server_elects_itself_and_serves_its_clients() {
    for pre_vote in [true, false] {
        let config = Config {
            pre_vote,
            ..Config::default()
        };
        let mut sim = cluster(1, 1, 1, &config);
        run_ok(&mut sim, ms(1_500));
        assert_eq!(raft::leader(&sim), Some(NodeId(0)), "pre-vote {pre_vote}");
        assert!(completed(&sim) > 10, "pre-vote {pre_vote}");
        assert_linearizable(&sim);
    }
}

#[test]
fn a_configuration_of_more_than_sixteen_servers_commits() {
    // Majorities of up to sixteen members are ranked on the stack, larger ones on the heap.
    let mut sim = cluster(1, 17, 1, &Config::default());
    run_ok(&mut sim, ms(2_000));
    let leader = the_leader(&sim);
    let s = sim
        .node(leader)
        .and_then(RaftNode::server)
        .expect("the leader");
    assert!(s.commit_index() > 5, "commit index {}", s.commit_index());
    assert!(completed(&sim) > 5);
    assert_linearizable(&sim);
}

#[test]
fn membership_changes_come_one_at_a_time_and_must_change_something() {
    let mut sim = cluster(1, 3, 1, &Config::default());
    run_ok(&mut sim, ms(1_000));
    let refused = |sim: &mut sim_core::Simulation<RaftNode>, change| {
        change_membership(sim, change).expect_err("refused")
    };
    let e = refused(&mut sim, Change::Add(NodeId(1)));
    assert!(e.contains("already a member"), "{e}");
    let e = refused(&mut sim, Change::Remove(NodeId(9)));
    assert!(e.contains("is not a member"), "{e}");
    let leader = the_leader(&sim);
    let other = NodeId((leader.0 + 1) % 3);
    assert_eq!(change_membership(&mut sim, Change::Remove(other)), Ok(None));
    let e = refused(&mut sim, Change::Add(other));
    assert!(e.contains("has not committed yet"), "{e}");
    run_ok(&mut sim, ms(1_500));
    assert_eq!(
        change_membership(&mut sim, Change::Add(other)),
        Ok(None),
        "the first change committed"
    );
    run_ok(&mut sim, ms(2_500));
    let s = sim
        .node(the_leader(&sim))
        .and_then(RaftNode::server)
        .expect("the leader");
    assert_eq!(s.members().len(), 3);
    // The leader replicates to the member it added back.
    let added = sim.node(other).and_then(RaftNode::server).expect("running");
    assert!(
        added.log().last_index() + 20 >= s.log().last_index(),
        "{other} at {} of {}",
        added.log().last_index(),
        s.log().last_index()
    );
    assert!(added.members().contains(&other));
}

#[test]
fn the_benchmark_run_is_seed_one_with_or_without_the_checkers() {
    let with = raft::cluster::benchmark(true).expect("the benchmark cluster");
    let without = raft::cluster::benchmark(false).expect("the benchmark cluster");
    assert_eq!((with.seed(), without.seed()), (1, 1));
    assert_eq!(with.checker_names().len(), 7);
    assert_eq!(without.checker_names(), ["durability"]);
}

#[test]
fn a_server_added_to_the_configuration_gets_the_log_and_a_removed_one_stops_getting_it() {
    // Four servers, of which the first three are the configuration.
    let mut configs = raft::cluster(&Config::default(), 4, &workload(1));
    let three: Vec<NodeId> = (0..3).map(NodeId).collect();
    for c in configs.iter_mut().take(4) {
        c.role = raft::NodeRole::Server {
            bootstrap: three.clone(),
        };
    }
    let sim_config = sim_core::SimConfig {
        seed: 1,
        network: network(1, 10, 0.0, 0.0),
        ..sim_core::SimConfig::default()
    };
    let mut sim = sim_core::Simulation::new(sim_config, configs).expect("a cluster");
    raft::add_checkers(&mut sim);
    run_ok(&mut sim, ms(1_000));
    let server = |sim: &sim_core::Simulation<RaftNode>, id| {
        sim.node(id)
            .and_then(RaftNode::server)
            .expect("a server")
            .clone()
    };
    let newcomer = NodeId(3);
    assert!(!server(&sim, newcomer).is_voter());
    assert_eq!(
        server(&sim, newcomer).log().last_index(),
        0,
        "nobody sends it anything"
    );
    let leader = the_leader(&sim);
    let term = server(&sim, leader).term();
    assert_eq!(change_membership(&mut sim, Change::Add(newcomer)), Ok(None));
    run_ok(&mut sim, ms(2_000));
    assert_eq!(the_leader(&sim), leader, "no election needed");
    assert_eq!(server(&sim, leader).term(), term);
    let last = server(&sim, leader).log().last_index();
    assert!(server(&sim, newcomer).log().last_index() + 20 >= last);
    // Remove a follower: the leader stops replicating to it.
    let removed = (0..3)
        .map(NodeId)
        .find(|&n| n != leader)
        .expect("a follower");
    assert_eq!(
        change_membership(&mut sim, Change::Remove(removed)),
        Ok(None)
    );
    run_ok(&mut sim, ms(2_500));
    let at_removal = server(&sim, removed).log().last_index();
    run_ok(&mut sim, ms(3_500));
    assert_eq!(server(&sim, removed).log().last_index(), at_removal);
    assert!(server(&sim, leader).log().last_index() > at_removal + 10);
}
