//! The paper's safety properties (Figure 3), checked after every event.
//!
//! Each checker looks only at the node the event touched, so checking keeps an event O(1) in
//! the cluster's size. Logs are compared through their chained prefix hashes: two logs agree
//! up to index `i` exactly when their hashes at `i` are equal.

mod append_only;
mod commit_monotonic;
mod committed;
mod election_safety;
mod log_matching;

pub use append_only::LeaderAppendOnly;
pub use commit_monotonic::CommitNeverDecreases;
pub use committed::{CommittedLog, LeaderCompleteness, StateMachineSafety};
pub use election_safety::{Election, ElectionSafety};
pub use log_matching::LogMatching;

use crate::node::RaftNode;
use rsm::StateMachine;
use sim_core::{CheckView, NodeId, Simulation};

/// Attaches every Raft invariant to a simulation.
pub fn add_checkers<S: StateMachine>(sim: &mut Simulation<RaftNode<S>>) {
    sim.add_checker(ElectionSafety::default());
    sim.add_checker(LeaderAppendOnly::default());
    sim.add_checker(LogMatching::default());
    sim.add_checker(StateMachineSafety::default());
    sim.add_checker(LeaderCompleteness::default());
    sim.add_checker(CommitNeverDecreases::default());
}

/// The server an event touched, if it touched a running server.
pub(crate) fn touched_server<'a, S: StateMachine>(
    view: &CheckView<'a, RaftNode<S>>,
) -> Option<(NodeId, &'a crate::server::Server<S>)> {
    let id = view.touched?;
    let server = view.nodes.get(id)?.server()?;
    Some((id, server))
}

/// Grows a per-node table to hold `id`.
pub(crate) fn slot<T: Default + Clone>(table: &mut Vec<T>, id: NodeId) -> &mut T {
    if table.len() <= id.index() {
        table.resize(id.index() + 1, T::default());
    }
    &mut table[id.index()]
}
