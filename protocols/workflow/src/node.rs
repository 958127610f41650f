//! The node type the engine runs: a coordinator or an agent, as the node's id says.

use crate::agent::Agent;
use crate::coordinator::Coordinator;
use crate::message::Msg;
use crate::record::Record;
use crate::setup::Setup;
use crate::timer::Timer;
use sim_core::{Ctx, Node, NodeId, NodeView};
use std::sync::Arc;

/// What a node of a workflow cluster is.
#[derive(Clone, Debug)]
pub enum WorkflowNode {
    /// A coordinator (ids `0..coordinators`).
    Coordinator(Box<Coordinator>),
    /// An agent (the ids after).
    Agent(Box<Agent>),
}

/// One node's configuration: the cluster's shared knowledge (the node's id says its role).
#[derive(Clone, Debug)]
pub struct NodeConfig {
    /// What every node knows.
    pub setup: Arc<Setup>,
}

impl WorkflowNode {
    /// The coordinator, if this node is one.
    pub fn coordinator(&self) -> Option<&Coordinator> {
        match self {
            WorkflowNode::Coordinator(c) => Some(c),
            WorkflowNode::Agent(_) => None,
        }
    }

    /// The agent, if this node is one.
    pub fn agent(&self) -> Option<&Agent> {
        match self {
            WorkflowNode::Agent(a) => Some(a),
            WorkflowNode::Coordinator(_) => None,
        }
    }
}

impl Node for WorkflowNode {
    type Message = Msg;
    type Timer = Timer;
    type Record = Record;
    type Config = NodeConfig;

    fn start(id: NodeId, config: &NodeConfig, ctx: &mut Ctx<'_, Self>) -> Self {
        let setup = config.setup.clone();
        if setup.is_coordinator(id) {
            WorkflowNode::Coordinator(Box::new(Coordinator::start(id, setup, ctx)))
        } else {
            WorkflowNode::Agent(Box::new(Agent::start(id, setup, ctx)))
        }
    }

    fn on_message(&mut self, from: NodeId, msg: Msg, ctx: &mut Ctx<'_, Self>) {
        match self {
            WorkflowNode::Coordinator(c) => {
                c.journal = Default::default();
                c.on_message(from, msg, ctx);
            }
            WorkflowNode::Agent(a) => {
                a.journal = Default::default();
                a.on_message(from, msg, ctx);
            }
        }
    }

    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx<'_, Self>) {
        match self {
            WorkflowNode::Coordinator(c) => {
                c.journal = Default::default();
                c.on_timer(timer, ctx);
            }
            WorkflowNode::Agent(a) => {
                a.journal = Default::default();
                a.on_timer(timer, ctx);
            }
        }
    }

    fn view(&self) -> NodeView {
        match self {
            WorkflowNode::Coordinator(c) => c.view(),
            WorkflowNode::Agent(a) => a.view(),
        }
    }
}
