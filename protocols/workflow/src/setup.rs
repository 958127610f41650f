//! What every node of a workflow cluster knows from its configuration: the workflow, who the
//! coordinators and agents are, the ranks the scheduler orders by, and the agents' spanning
//! tree for `tree` sharing.

use crate::config::{Params, Policy, Sharing};
use crate::dag::{TaskId, Workflow};
use sim_core::{Duration, NodeId, SimRng, Stream};
use std::sync::Arc;
use topology::{SpanningTree, TopologySpec};

/// The cluster's shared, immutable knowledge; one allocation shared by every node.
#[derive(Debug)]
pub struct Setup {
    /// The parameters.
    pub params: Params,
    /// The workflow.
    pub workflow: Arc<Workflow>,
    /// Coordinator node ids (`0..coordinators`).
    pub coordinators: Vec<NodeId>,
    /// Agent node ids, after the coordinators.
    pub agents: Vec<NodeId>,
    /// Tasks in the order the policy dispatches ready ones (most urgent first); the
    /// scheduler walks it and takes the ready tasks.
    pub order: Vec<TaskId>,
    /// Per task, its position in `order`.
    pub rank: Vec<u32>,
    /// The agents' spanning tree (by agent index), for `tree` sharing.
    pub tree: Option<SpanningTree>,
}

impl Setup {
    /// The shared knowledge of a cluster running `workflow` with `params`.
    pub fn new(params: Params, workflow: Arc<Workflow>) -> Result<Setup, String> {
        let coordinators: Vec<NodeId> = (0..params.coordinators).map(NodeId).collect();
        let agents: Vec<NodeId> = (0..params.agents)
            .map(|i| NodeId(params.coordinators + i))
            .collect();
        let order = dispatch_order(&workflow, params.policy);
        let mut rank = vec![0; workflow.len()];
        for (i, t) in order.iter().enumerate() {
            rank[t.index()] = i as u32;
        }
        let tree = match params.sharing {
            Sharing::Tree => {
                let spec = TopologySpec::Tree {
                    arity: params.tree_fanout,
                };
                // A k-ary tree draws nothing; the stream is named all the same.
                let mut rng = SimRng::new(0, Stream::Custom(0));
                let topology = spec
                    .build(params.agents, &mut rng)
                    .map_err(|e| format!("protocol.params.tree_fanout: {e}"))?;
                Some(
                    topology
                        .bfs_tree(NodeId(0))
                        .map_err(|e| format!("protocol.params.tree_fanout: {e}"))?,
                )
            }
            _ => None,
        };
        Ok(Setup {
            params,
            workflow,
            coordinators,
            agents,
            order,
            rank,
            tree,
        })
    }

    /// The agent index of node `id`, if it is an agent.
    pub fn agent_index(&self, id: NodeId) -> Option<u32> {
        id.0.checked_sub(self.params.coordinators)
            .filter(|&i| i < self.params.agents)
    }

    /// Whether node `id` is a coordinator.
    pub fn is_coordinator(&self, id: NodeId) -> bool {
        id.0 < self.params.coordinators
    }

    /// An agent's neighbours in the spanning tree (parent and children), as node ids.
    pub fn tree_neighbours(&self, id: NodeId) -> Vec<NodeId> {
        let (Some(tree), Some(i)) = (&self.tree, self.agent_index(id)) else {
            return Vec::new();
        };
        let me = NodeId(i);
        let mut out: Vec<NodeId> = tree.parent(me).into_iter().collect();
        out.extend_from_slice(tree.children(me));
        out.into_iter()
            .map(|n| NodeId(n.0 + self.params.coordinators))
            .collect()
    }

    /// How long `task` runs on an agent of `speed`.
    pub fn run_time(&self, task: u32, speed: f64) -> Duration {
        let base = self.workflow.task(TaskId(task)).runtime;
        if speed == 1.0 {
            return base;
        }
        Duration((base.0 as f64 / speed).round() as u64)
    }
}

/// The tasks, most urgent first, under `policy`; ties go to the lower task id.
fn dispatch_order(workflow: &Workflow, policy: Policy) -> Vec<TaskId> {
    let mut order: Vec<TaskId> = workflow.ids().collect();
    match policy {
        Policy::Fifo => {}
        Policy::Priority => {
            order.sort_by_key(|t| (std::cmp::Reverse(workflow.task(*t).priority), *t));
        }
        Policy::CriticalPath | Policy::Locality => {
            let ranks = workflow.upward_ranks(|_| Duration::ZERO);
            order.sort_by_key(|t| (std::cmp::Reverse(ranks[t.index()]), *t));
        }
    }
    order
}
