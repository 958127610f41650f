//! What the leader derives from the engine's state to schedule without scanning every task:
//! which tasks are ready, most urgent first, and which tasks each agent holds. It is built
//! once when a reign begins and then kept up to date from each order applied, so that one
//! round of scheduling costs what is ready and running, not the whole workflow.

use super::by_agent::ByAgent;
use crate::TaskId;
use crate::config::Bug;
use crate::engine::{Answer, EngineState, Order};
use crate::setup::Setup;
use std::collections::BTreeSet;

/// The leader's view of the work.
#[derive(Clone, Debug)]
pub(crate) struct Plan {
    /// The engine's `applied` count this plan reflects.
    pub applied: u64,
    /// Per task, its parents without a committed result.
    missing: Vec<u32>,
    /// Per task, whether it has a committed result.
    done: Vec<bool>,
    /// Per task, the agent of its latest assignment, if any.
    agent_of: Vec<Option<u32>>,
    /// Tasks that could run and are not held by a live agent: `(rank, task)`.
    pub ready: BTreeSet<(u32, u32)>,
    /// Per agent, the tasks of its latest assignments not yet done.
    pub held: ByAgent<BTreeSet<u32>>,
    /// Whether dependencies are ignored (the `ignore-dependencies` bug).
    ignore_deps: bool,
}

impl Plan {
    /// The plan of `state`, from scratch.
    pub fn build(setup: &Setup, state: &EngineState) -> Plan {
        let workflow = &setup.workflow;
        let n = workflow.len();
        let mut plan = Plan {
            applied: state.applied(),
            missing: vec![0; n],
            done: vec![false; n],
            agent_of: vec![None; n],
            ready: BTreeSet::new(),
            held: ByAgent::default(),
            ignore_deps: setup.params.has(Bug::IgnoreDependencies),
        };
        for t in 0..n as u32 {
            plan.done[t as usize] = state.is_done(t);
        }
        for t in 0..n as u32 {
            plan.missing[t as usize] = workflow
                .parents(TaskId(t))
                .iter()
                .filter(|p| !plan.done[p.index()])
                .count() as u32;
        }
        for (t, r) in state.tasks() {
            if r.attempt > 0 {
                plan.agent_of[t as usize] = Some(r.agent);
                if !plan.done[t as usize] {
                    plan.held.get_or_default(r.agent).insert(t);
                }
            }
        }
        for t in 0..n as u32 {
            plan.refresh(setup, state, t);
        }
        plan
    }

    /// Whether `task` could run now and no live agent holds it.
    fn is_ready(&self, state: &EngineState, task: u32) -> bool {
        let i = task as usize;
        !self.done[i]
            && (self.ignore_deps || self.missing[i] == 0)
            && self.agent_of[i].is_none_or(|a| state.is_dead(a))
    }

    /// Puts `task` in or out of the ready set as it now stands.
    fn refresh(&mut self, setup: &Setup, state: &EngineState, task: u32) {
        let key = (setup.rank[task as usize], task);
        if self.is_ready(state, task) {
            self.ready.insert(key);
        } else {
            self.ready.remove(&key);
        }
    }

    /// Takes one applied order into account; `state` is the engine's state after it (and
    /// possibly after later orders of the same batch, which are applied next).
    pub fn apply(&mut self, setup: &Setup, state: &EngineState, order: &Order, answer: Answer) {
        self.applied += 1;
        if answer != Answer::Accepted {
            return;
        }
        match *order {
            Order::Assign { task, agent, .. } => {
                let i = task as usize;
                if let Some(old) = self.agent_of[i].replace(agent)
                    && let Some(h) = self.held.get_mut(old)
                {
                    h.remove(&task);
                }
                self.held.get_or_default(agent).insert(task);
                self.refresh(setup, state, task);
            }
            Order::Complete { task, .. } => {
                let i = task as usize;
                if self.done[i] {
                    return;
                }
                self.done[i] = true;
                if let Some(a) = self.agent_of[i]
                    && let Some(h) = self.held.get_mut(a)
                {
                    h.remove(&task);
                }
                self.refresh(setup, state, task);
                for child in setup.workflow.children(TaskId(task)) {
                    let c = child.index();
                    self.missing[c] = self.missing[c].saturating_sub(1);
                    self.refresh(setup, state, child.0);
                }
            }
            Order::Dead { agent } | Order::Alive { agent } => {
                let tasks: Vec<u32> = self
                    .held
                    .get(agent)
                    .map(|h| h.iter().copied().collect())
                    .unwrap_or_default();
                for t in tasks {
                    self.refresh(setup, state, t);
                }
            }
        }
    }
}
