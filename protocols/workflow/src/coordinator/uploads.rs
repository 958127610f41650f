//! Outputs uploaded to the coordinators (`via-coordinator` sharing). The leader commits a
//! result only once it holds the attempt's outputs on its disk, so that every committed output
//! lives in two places (its producer and a coordinator) and no single node lost for good takes
//! the only copy with it. A report whose uploads have not all arrived makes the leader fetch
//! them from the reporting agent; the agent re-sends its report until it is acknowledged, so a
//! lost upload is asked for again.

use super::Coordinator;
use crate::TaskId;
use crate::config::Sharing;
use crate::message::Msg;
use crate::node::WorkflowNode;
use sim_core::{Ctx, NodeId};

impl Coordinator {
    /// Whether the leader may commit `attempt`'s result of `task`: under `via-coordinator`,
    /// only once it holds every output of that attempt.
    pub(super) fn holds_uploads(&self, task: u32, attempt: u32) -> bool {
        self.setup.params.sharing != Sharing::ViaCoordinator
            || self.missing_uploads(task, attempt).next().is_none()
    }

    /// Asks `agent` for the outputs of its report of `task` that this coordinator lacks.
    pub(super) fn fetch_uploads(
        &mut self,
        task: u32,
        attempt: u32,
        agent: NodeId,
        ctx: &mut Ctx<'_, WorkflowNode>,
    ) {
        if self.setup.params.sharing != Sharing::ViaCoordinator {
            return;
        }
        let missing: Vec<u32> = self
            .missing_uploads(task, attempt)
            .filter(|f| !self.incoming.contains_key(&(*f, attempt)))
            .collect();
        for file in missing {
            ctx.send(
                agent,
                Msg::Fetch {
                    file,
                    version: attempt,
                },
            );
            self.work_messages += 1;
        }
    }

    /// The outputs of `task`'s `attempt` this coordinator does not hold.
    fn missing_uploads(&self, task: u32, attempt: u32) -> impl Iterator<Item = u32> + '_ {
        let workflow = &self.setup.workflow;
        workflow
            .task(TaskId(task))
            .outputs
            .iter()
            .map(|f| f.0)
            .filter(move |f| !self.held.contains_key(&(*f, attempt)))
    }
}
