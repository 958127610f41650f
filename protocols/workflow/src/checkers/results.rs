//! Committed results: one per task, never lost or changed, and from the run the engine
//! assigned.

use super::touched_coordinator;
use crate::node::WorkflowNode;
use sim_core::{CheckView, Checker};
use std::collections::BTreeMap;

/// No task has two committed results at any coordinator.
#[derive(Clone, Debug, Default)]
pub struct OneResult;

impl Checker<WorkflowNode> for OneResult {
    fn name(&self) -> &str {
        "One Result"
    }

    fn check(&mut self, view: &CheckView<'_, WorkflowNode>) -> Result<(), String> {
        let Some((id, c)) = touched_coordinator(view) else {
            return Ok(());
        };
        // A second result for a task is the newest completion; checking the newest few
        // keeps the check incremental.
        let completions = c.state().completions();
        let Some(&(_, task, _)) = completions.last() else {
            return Ok(());
        };
        let Some(r) = c.state().task(task) else {
            return Ok(());
        };
        if r.results > 1 {
            return Err(format!(
                "{id} has committed {} results for task {task}",
                r.results
            ));
        }
        Ok(())
    }
}

/// A committed result is never lost or changed: every coordinator that has applied as far as
/// the position where a task's result was first committed holds that same result there.
#[derive(Clone, Debug, Default)]
pub struct ResultsKept {
    /// The first committed result of each task: position to `(task, result)`.
    first: BTreeMap<u64, (u32, u64)>,
    /// Per node id (the check runs at every event, so no map lookups): how many of the
    /// coordinator's completions have been checked, and the position up to which the first
    /// results have been found there.
    progress: Vec<(usize, u64)>,
}

impl Checker<WorkflowNode> for ResultsKept {
    fn name(&self) -> &str {
        "Results Kept"
    }

    fn check(&mut self, view: &CheckView<'_, WorkflowNode>) -> Result<(), String> {
        let Some((id, c)) = touched_coordinator(view) else {
            return Ok(());
        };
        let state = c.state();
        let completions = state.completions();
        let i = id.0 as usize;
        if i >= self.progress.len() {
            self.progress.resize(i + 1, (0, 0));
        }
        let (seen, verified) = &mut self.progress[i];
        // A restarted coordinator replays from the start (or a snapshot).
        if *seen > completions.len() {
            *seen = 0;
        }
        for &(pos, task, result) in &completions[*seen..] {
            match self.first.get(&pos) {
                Some(&(t, r)) if (t, r) != (task, result) => {
                    return Err(format!(
                        "{id} committed task {task} = {result:#x} at position {pos}, where task {t} = {r:#x} was committed before"
                    ));
                }
                Some(_) => {}
                None => {
                    self.first.insert(pos, (task, result));
                }
            }
        }
        *seen = completions.len();
        // Every first result up to what this coordinator applied must be there; each is
        // looked for once per coordinator (again after a restart).
        let applied = state.applied();
        if *verified > applied {
            *verified = 0;
        }
        let from = *verified;
        *verified = applied;
        if from >= applied {
            return Ok(());
        }
        for (&pos, &(task, result)) in self.first.range(from + 1..=applied) {
            let kept = state
                .task(task)
                .and_then(|r| r.result)
                .is_some_and(|(_, _, res)| res == result);
            if !kept {
                return Err(format!(
                    "{id} has applied {applied} orders but lost task {task}'s result {result:#x}, committed at position {pos}"
                ));
            }
        }
        Ok(())
    }
}

/// A committed result comes from the agent of the committed assignment: a run the engine
/// never committed (an assignment dispatched before it was committed, then lost in a
/// failover) must not decide the task.
#[derive(Clone, Debug, Default)]
pub struct RunsAsAssigned;

impl Checker<WorkflowNode> for RunsAsAssigned {
    fn name(&self) -> &str {
        "Runs As Assigned"
    }

    fn check(&mut self, view: &CheckView<'_, WorkflowNode>) -> Result<(), String> {
        let Some((_, c)) = touched_coordinator(view) else {
            return Ok(());
        };
        let state = c.state();
        let Some(&(_, task, _)) = state.completions().last() else {
            return Ok(());
        };
        if let Some(r) = state.task(task)
            && let Some((_, agent, _)) = r.result
            && agent != r.agent
        {
            return Err(format!(
                "task {task}'s committed result came from n{agent}, but its committed assignment (attempt {}) is n{}",
                r.attempt, r.agent
            ));
        }
        Ok(())
    }
}
