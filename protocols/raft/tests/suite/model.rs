//! What Raft declares to the model checker: which renamings of its servers it cannot tell
//! apart, and a state that changes exactly when what a server does next can.

use crate::common::*;
use raft::{Config, NodeRole, RaftNode};
use sim_core::model::{StateHasher, Symmetry};
use sim_core::{Node, NodeId, Simulation};

fn configs(servers: u32, clients: u32) -> Vec<raft::NodeConfig> {
    raft::cluster(&Config::default(), servers, &workload(clients))
}

#[test]
fn identical_servers_without_clients_may_be_renamed_at_will() {
    assert_eq!(RaftNode::symmetry(&configs(3, 0)), Symmetry::Any(3));
    assert_eq!(RaftNode::symmetry(&configs(5, 0)), Symmetry::Any(5));
    // One server renamed is no renaming at all.
    assert_eq!(RaftNode::symmetry(&configs(1, 0)), Symmetry::None);
}

#[test]
fn clients_that_try_servers_in_order_allow_only_rotations() {
    assert_eq!(RaftNode::symmetry(&configs(3, 2)), Symmetry::Rotation(3));
    let mut reordered = configs(3, 1);
    let NodeRole::Client(client) = &mut reordered[3].role else {
        panic!("node 3 is the client")
    };
    client.servers.reverse();
    assert_eq!(RaftNode::symmetry(&reordered), Symmetry::None);
}

#[test]
fn servers_that_differ_break_the_symmetry() {
    let mut differ = configs(3, 0);
    differ[1].raft = std::sync::Arc::new(Config {
        pre_vote: !Config::default().pre_vote,
        ..Config::default()
    });
    assert_eq!(RaftNode::symmetry(&differ), Symmetry::None);
    let mut outsider = configs(3, 0);
    outsider[2].role = NodeRole::Server {
        bootstrap: vec![NodeId(0), NodeId(1)],
    };
    assert_eq!(RaftNode::symmetry(&outsider), Symmetry::None);
    // The order a server lists its bootstrap members in does not matter.
    let mut shuffled = configs(3, 0);
    shuffled[0].role = NodeRole::Server {
        bootstrap: vec![NodeId(2), NodeId(0), NodeId(1)],
    };
    assert_eq!(RaftNode::symmetry(&shuffled), Symmetry::Any(3));
}

fn model_state(sim: &Simulation<RaftNode>, id: u32) -> u128 {
    let mut h = StateHasher::new();
    assert!(
        sim.node(NodeId(id))
            .expect("a live node")
            .model_state(&mut h),
        "Raft defines its model state"
    );
    h.finish()
}

#[test]
fn a_servers_model_state_follows_what_it_will_do() {
    let mut sim = cluster(3, 3, 1, &Config::default());
    run_ok(&mut sim, ms(1));
    // A client's state is told apart from a server's.
    let start: Vec<u128> = (0..4).map(|i| model_state(&sim, i)).collect();
    assert_ne!(start[3], start[0]);
    run_ok(&mut sim, ms(1_000));
    let leader = the_leader(&sim);
    assert_ne!(
        model_state(&sim, leader.0),
        start[leader.index()],
        "leading a new term changes what a server does"
    );
    assert_ne!(
        model_state(&sim, 3),
        start[3],
        "the client has sent commands"
    );
}
