//! The workflow's safety properties, checked after every event, each incremental: a task
//! starts only with its inputs at its agent; an agent never runs more tasks than its slots;
//! no task has two committed results; a committed result is never lost or changed; a
//! committed result comes from the committed assignment. Beside them, the engine's history is
//! kept (for the linearizability check at the end) and the run's timeline (for its metrics).

mod history;
mod inputs;
mod results;
mod slots;
mod timeline;

pub use history::EngineHistory;
pub use inputs::InputsPresent;
pub use results::{OneResult, ResultsKept, RunsAsAssigned};
pub use slots::WithinSlots;
pub use timeline::Timeline;

use crate::agent::Agent;
use crate::coordinator::Coordinator;
use crate::node::WorkflowNode;
use sim_core::{CheckView, NodeId, Simulation};

/// Adds every safety check to `sim` (the history keeper and the timeline are added by
/// [`crate::build`] in any case).
pub fn add_checkers(sim: &mut Simulation<WorkflowNode>) {
    sim.add_checker(InputsPresent);
    sim.add_checker(WithinSlots);
    sim.add_checker(OneResult);
    sim.add_checker(ResultsKept::default());
    sim.add_checker(RunsAsAssigned);
}

/// The running coordinator an event touched, if it touched one.
pub(crate) fn touched_coordinator<'a>(
    view: &CheckView<'a, WorkflowNode>,
) -> Option<(NodeId, &'a Coordinator)> {
    let id = view.touched?;
    Some((id, view.nodes.get(id)?.coordinator()?))
}

/// The running agent an event touched, if it touched one.
pub(crate) fn touched_agent<'a>(view: &CheckView<'a, WorkflowNode>) -> Option<(NodeId, &'a Agent)> {
    let id = view.touched?;
    Some((id, view.nodes.get(id)?.agent()?))
}
