//! An agent never runs more tasks than its slots.

use super::touched_agent;
use crate::node::WorkflowNode;
use sim_core::{CheckView, Checker};

/// The agent an event touched runs no more tasks than it has slots.
#[derive(Clone, Debug, Default)]
pub struct WithinSlots;

impl Checker<WorkflowNode> for WithinSlots {
    fn name(&self) -> &str {
        "Within Slots"
    }

    fn check(&mut self, view: &CheckView<'_, WorkflowNode>) -> Result<(), String> {
        let Some((id, agent)) = touched_agent(view) else {
            return Ok(());
        };
        if agent.running() > agent.slots() {
            return Err(format!(
                "{id} runs {} tasks with {} slots",
                agent.running(),
                agent.slots()
            ));
        }
        Ok(())
    }
}
