//! What a leader knows only while it leads: when it last heard from each agent and what the
//! agent said it runs, what it has dispatched, and what it has proposed and not yet seen
//! applied. A new leader starts afresh, giving every agent a full timeout to be heard.

use super::by_agent::ByAgent;
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
    pub heard: ByAgent<Heard>,
    /// When each attempt of a task was last dispatched.
    pub dispatched: Dispatched,
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
                        a.0,
                        Heard {
                            at: now,
                            running: Vec::new(),
                        },
                    )
                })
                .collect(),
            dispatched: Dispatched::default(),
            proposed: BTreeMap::new(),
            plan,
        }
    }
}

/// When each `(task, attempt)` was last dispatched, indexed by task: the scheduler asks for
/// every held task at every round, and a task rarely has more than one attempt.
#[derive(Clone, Debug, Default)]
pub(crate) struct Dispatched(Vec<Vec<(u32, Time)>>);

impl Dispatched {
    /// When `attempt` of `task` was last dispatched, if it was.
    #[inline]
    pub fn get(&self, task: u32, attempt: u32) -> Option<Time> {
        let attempts = self.0.get(task as usize)?;
        attempts
            .iter()
            .find(|(a, _)| *a == attempt)
            .map(|&(_, t)| t)
    }

    /// Notes that `attempt` of `task` was dispatched at `at`.
    pub fn insert(&mut self, task: u32, attempt: u32, at: Time) {
        let i = task as usize;
        if i >= self.0.len() {
            self.0.resize_with(i + 1, Vec::new);
        }
        match self.0[i].iter_mut().find(|(a, _)| *a == attempt) {
            Some(entry) => entry.1 = at,
            None => self.0[i].push((attempt, at)),
        }
    }
}
