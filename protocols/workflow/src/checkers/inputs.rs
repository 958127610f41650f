//! A task starts only when all its inputs are at its agent.

use super::touched_agent;
use crate::node::WorkflowNode;
use sim_core::{CheckView, Checker};

/// Every start an agent journals must have had no input missing.
#[derive(Clone, Debug, Default)]
pub struct InputsPresent;

impl Checker<WorkflowNode> for InputsPresent {
    fn name(&self) -> &str {
        "Inputs Present"
    }

    fn check(&mut self, view: &CheckView<'_, WorkflowNode>) -> Result<(), String> {
        let Some((id, agent)) = touched_agent(view) else {
            return Ok(());
        };
        match agent.journal().started.iter().find(|s| s.2 > 0) {
            Some(&(task, attempt, missing)) => Err(format!(
                "{id} started task {task} (attempt {attempt}) with {missing} of its inputs missing"
            )),
            None => Ok(()),
        }
    }
}
