//! The invariants checked after every event, each incremental: it reads only what the event
//! changed on the node it touched (the server's [`Journal`](crate::Journal)).

mod agreement;
mod promises;
mod replicas;
mod validity;
mod window;

pub use agreement::Agreement;
pub use promises::PromisesNeverDecrease;
pub use replicas::SameCommandPerSlot;
pub use validity::Validity;

use crate::{PaxosNode, Server};
use rsm::StateMachine;
use sim_core::{CheckView, Simulation};

/// How many slots a checker remembers; beyond it the oldest slot is forgotten, so that a
/// long run's checking memory stays bounded (a slot that old is long settled).
pub const MAX_TRACKED_SLOTS: usize = 1 << 20;

/// Adds every invariant of the protocol to `sim`: agreement, validity, promises never
/// decrease, and the same command applied at each slot by every replica. (Linearizability
/// of the client history is checked at the end of a run: [`crate::check_history`].)
pub fn add_checkers<S: StateMachine>(sim: &mut Simulation<PaxosNode<S>>) {
    sim.add_checker(Agreement::default());
    sim.add_checker(Validity::default());
    sim.add_checker(PromisesNeverDecrease::settling_in(sim.disk_sync()));
    sim.add_checker(SameCommandPerSlot::default());
}

/// The server the event touched, if it is a running server.
fn touched_server<'a, S: StateMachine>(
    view: &CheckView<'a, PaxosNode<S>>,
) -> Option<&'a Server<S>> {
    view.touched
        .and_then(|id| view.nodes.get(id))
        .and_then(PaxosNode::server)
}
