//! The engine's history: every order a coordinator proposed, invoked when proposed and
//! completed when the proposer learnt its answer. It is kept here rather than in the
//! coordinators, whose memory a crash wipes; a proposal whose proposer crashed stays of
//! unknown outcome.

use super::touched_coordinator;
use crate::engine::{Answer, Order};
use crate::node::WorkflowNode;
use sim_core::history::{Completion, History, OpHandle, ProcessId, Recorder};
use sim_core::{CheckView, Checker, NodeId};
use std::collections::BTreeMap;

/// Keeps the history of the engine's orders; never fails.
#[derive(Clone, Debug, Default)]
pub struct EngineHistory {
    recorder: Recorder<Order, Answer>,
    open: BTreeMap<(NodeId, u64), OpHandle>,
}

impl EngineHistory {
    /// The history so far; open proposals become operations of unknown outcome.
    pub fn history(&self) -> History<Order, Answer> {
        self.recorder.clone().finish()
    }
}

impl Checker<WorkflowNode> for EngineHistory {
    fn name(&self) -> &str {
        "Engine History"
    }

    fn check(&mut self, view: &CheckView<'_, WorkflowNode>) -> Result<(), String> {
        let Some((id, c)) = touched_coordinator(view) else {
            return Ok(());
        };
        let journal = c.journal();
        for (seq, order) in &journal.proposed {
            // Each proposal is its own process: a leader has many orders in flight.
            let process = ProcessId(u64::from(id.0) << 48 | seq);
            if let Ok(handle) = self.recorder.invoke(process, order.clone(), view.time) {
                self.open.insert((id, *seq), handle);
            }
        }
        for (seq, answer) in &journal.answered {
            if let Some(handle) = self.open.remove(&(id, *seq)) {
                let completion = match answer {
                    Some(a) => Completion::Ok(*a),
                    None => Completion::Info,
                };
                let _ = self.recorder.complete(handle, completion, view.time);
            }
        }
        Ok(())
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}
