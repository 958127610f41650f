//! What a leader knows only while it leads: when it last heard from each agent and what the
//! agent said it runs, what it has dispatched, and what it has proposed and not yet seen
//! applied. A new leader starts afresh, giving every agent a full timeout to be heard.

use super::plan::Plan;
use crate::engine::Order;
use sim_core::{NodeId, Time};
use std::collections::BTreeMap;

/// An agent as the leader last heard of it.
#[derive(Clone, Debug, Default)]
pub(crate) struct Heard {
    pub at: Time,
    pub running: Vec<(u32, u32)>,
}

/// A leader's volatile state.
#[derive(Clone, Debug)]
pub(crate) struct Lead {
    /// The term or ballot round of this reign.
    pub epoch: u64,
    /// Agents, by node id.
    pub heard: BTreeMap<NodeId, Heard>,
    /// `(task, attempt)` to when it was last dispatched.
    pub dispatched: BTreeMap<(u32, u32), Time>,
    /// Orders proposed, to when: not proposed again until applied or given up on.
    pub proposed: BTreeMap<Order, Time>,
    /// What is ready and who holds what, kept up to date from the orders applied.
    pub plan: Plan,
}

impl Lead {
    /// A new reign, hearing every agent now.
    pub fn new(epoch: u64, agents: &[NodeId], now: Time, plan: Plan) -> Lead {
        Lead {
            epoch,
            heard: agents
                .iter()
                .map(|&a| {
                    (
                        a,
                        Heard {
                            at: now,
                            running: Vec::new(),
                        },
                    )
                })
                .collect(),
            dispatched: BTreeMap::new(),
            proposed: BTreeMap::new(),
            plan,
        }
    }
}
