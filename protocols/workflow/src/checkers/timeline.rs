//! The run's timeline, for its metrics: when each task first had a committed result, when
//! each attempt started, and when assignments were committed. Never fails.

use crate::node::WorkflowNode;
use sim_core::{CheckView, Checker, Time};
use std::collections::BTreeMap;

/// What happened when.
#[derive(Clone, Debug, Default)]
pub struct Timeline {
    /// Per task, when a coordinator first showed its result committed.
    pub done: BTreeMap<u32, Time>,
    /// Per `(task, attempt)`, when an agent started running it.
    pub started: BTreeMap<(u32, u32), Time>,
    /// Per `(task, attempt)`, when an agent finished running it.
    pub finished: BTreeMap<(u32, u32), Time>,
    /// When a coordinator's applied state first showed each `(task, attempt)` assigned.
    pub assigned: BTreeMap<(u32, u32), Time>,
    /// Tasks an agent held when it crashed: `(task, attempt, crash time)`.
    pub orphaned: Vec<(u32, u32, Time)>,
    /// Per coordinator, how many completions and assignments it showed at its last check.
    /// Indexed by node id (the checker runs at every event, so no map lookups).
    seen: Vec<(usize, usize)>,
    /// Per node id: `Some(down)` for an agent seen running, with whether it is down now.
    agents: Vec<Option<bool>>,
}

impl Checker<WorkflowNode> for Timeline {
    fn name(&self) -> &str {
        "Timeline"
    }

    fn check(&mut self, view: &CheckView<'_, WorkflowNode>) -> Result<(), String> {
        let Some(id) = view.touched else {
            return Ok(());
        };
        let Some(node) = view.nodes.get(id) else {
            // An agent seen running and now gone has crashed: note the tasks it held.
            if let Some(Some(down)) = self.agents.get_mut(id.0 as usize)
                && !*down
            {
                *down = true;
                let engine = view
                    .nodes
                    .live()
                    .filter_map(|(_, n)| n.coordinator())
                    .map(|c| c.state())
                    .max_by_key(|s| s.applied());
                if let Some(state) = engine {
                    for (task, r) in state.tasks() {
                        if r.agent == id.0 && r.result.is_none() && !state.is_dead(id.0) {
                            self.orphaned.push((task, r.attempt, view.time));
                        }
                    }
                }
            }
            return Ok(());
        };
        if let Some(agent) = node.agent() {
            let i = id.0 as usize;
            if i >= self.agents.len() {
                self.agents.resize(i + 1, None);
            }
            self.agents[i] = Some(false);
            for &(task, attempt, _) in &agent.journal().started {
                self.started.entry((task, attempt)).or_insert(view.time);
            }
            for &(task, attempt) in &agent.journal().finished {
                self.finished.entry((task, attempt)).or_insert(view.time);
            }
            return Ok(());
        }
        let Some(c) = node.coordinator() else {
            return Ok(());
        };
        let state = c.state();
        let i = id.0 as usize;
        if i >= self.seen.len() {
            self.seen.resize(i + 1, (0, 0));
        }
        let seen = &mut self.seen[i];
        if seen.0 > state.completions().len() {
            *seen = (0, 0);
        }
        for &(_, task, _) in &state.completions()[seen.0..] {
            self.done.entry(task).or_insert(view.time);
        }
        seen.0 = state.completions().len();
        if seen.1 > state.assignments().len() {
            seen.1 = 0;
        }
        for &(task, attempt) in &state.assignments()[seen.1..] {
            self.assigned.entry((task, attempt)).or_insert(view.time);
        }
        seen.1 = state.assignments().len();
        Ok(())
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}
