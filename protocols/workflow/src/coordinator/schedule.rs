//! The leader's plan, made again whenever something changed: declare silent agents dead (and
//! returning ones alive), commit the results agents report, assign ready tasks to agents with
//! free slots in the policy's order, and dispatch every committed assignment.

use super::Coordinator;
use crate::TaskId;
use crate::config::{Bug, Policy, Sharing};
use crate::engine::{EngineState, Order};
use crate::message::{Msg, Source, send_file};
use crate::node::WorkflowNode;
use sim_core::{Ctx, Duration, NodeId};
use std::collections::{BTreeMap, BTreeSet};

impl Coordinator {
    /// One round of the leader's plan; agents are judged alive or dead on the periodic tick
    /// (a heartbeat's granularity is all a timeout needs).
    pub(super) fn schedule(&mut self, tick: bool, ctx: &mut Ctx<'_, WorkflowNode>) {
        if tick {
            self.judge_agents(ctx);
        }
        self.commit_reports(ctx);
        self.assign(ctx);
        self.dispatch(ctx);
    }

    /// Agents silent for `agent_timeout` are declared dead; dead ones heard again, alive.
    fn judge_agents(&mut self, ctx: &mut Ctx<'_, WorkflowNode>) {
        let Some(lead) = &self.lead else { return };
        let now = ctx.now();
        let timeout = self.setup.params.agent_timeout;
        let state = self.replica.state();
        let mut orders = Vec::new();
        for (agent, heard) in lead.heard.iter() {
            let silent = now > heard.at + timeout;
            let dead = state.is_dead(agent);
            if silent && !dead && !self.setup.params.has(Bug::NoAgentTimeout) {
                orders.push(Order::Dead { agent });
            } else if !silent && dead {
                orders.push(Order::Alive { agent });
            }
        }
        for order in orders {
            self.propose(order, ctx);
        }
    }

    /// Reports become `Complete` orders (under `via-coordinator`, once their outputs are
    /// here); reports of tasks already done are acknowledged.
    fn commit_reports(&mut self, ctx: &mut Ctx<'_, WorkflowNode>) {
        let fenced = !self.setup.params.has(Bug::NoFencing);
        let reports: Vec<(u32, (u32, NodeId, u64))> =
            self.reports.iter().map(|(t, r)| (*t, *r)).collect();
        for (task, (attempt, agent, result)) in reports {
            let done = self.replica.state().is_done(task);
            if done && fenced {
                self.reports.remove(&task);
                ctx.send(agent, Msg::Ack { task, attempt });
                self.work_messages += 1;
                continue;
            }
            if !self.holds_uploads(task, attempt) {
                continue;
            }
            let order = Order::Complete {
                task,
                agent: agent.0,
                attempt: fenced.then_some(attempt),
                result,
            };
            self.propose(order, ctx);
        }
    }

    /// Ready tasks, most urgent first, go to agents with free slots.
    fn assign(&mut self, ctx: &mut Ctx<'_, WorkflowNode>) {
        let Some(lead) = &self.lead else { return };
        if lead.plan.ready.is_empty() {
            return;
        }
        let now = ctx.now();
        let state = self.replica.state();
        // Free slots of the agents alive and heard from, counting committed assignments not
        // done and assignments proposed but not yet applied.
        let mut free: BTreeMap<NodeId, i64> = BTreeMap::new();
        for (i, &agent) in self.setup.agents.iter().enumerate() {
            let heard = lead
                .heard
                .get(agent.0)
                .is_some_and(|h| now <= h.at + self.setup.params.agent_timeout);
            if heard && !state.is_dead(agent.0) {
                let held = lead.plan.held.get(agent.0).map_or(0, |h| h.len());
                let slots = i64::from(self.setup.params.slots_of(i as u32));
                free.insert(agent, slots - held as i64);
            }
        }
        let mut pending: BTreeSet<u32> = BTreeSet::new();
        for order in lead.proposed.keys() {
            if let Order::Assign { task, agent, .. } = *order {
                pending.insert(task);
                if let Some(f) = free.get_mut(&NodeId(agent)) {
                    *f -= 1;
                }
            }
        }
        let mut orders = Vec::new();
        for &(_, t) in &lead.plan.ready {
            if free.values().all(|&f| f <= 0) {
                break;
            }
            if pending.contains(&t) {
                continue;
            }
            let Some(agent) = self.pick_agent(TaskId(t), &free, state) else {
                continue;
            };
            if let Some(f) = free.get_mut(&agent) {
                *f -= 1;
            }
            let attempt = state.task(t).map_or(0, |r| r.attempt) + 1;
            orders.push(Order::Assign {
                task: t,
                agent: agent.0,
                attempt,
            });
        }
        for order in orders {
            if self.setup.params.has(Bug::AssignBeforeCommit)
                && let Order::Assign {
                    task,
                    agent,
                    attempt,
                } = order
            {
                self.send_dispatch(task, attempt, NodeId(agent), ctx);
            }
            self.propose(order, ctx);
        }
    }

    /// The agent for `task` among those with free slots: under `locality` the one holding
    /// the most input bytes, otherwise the one with the most free slots. Ties go round the
    /// agents from a point that moves with each reign, so that leaders spread work
    /// differently, as independent schedulers do.
    fn pick_agent(
        &self,
        task: TaskId,
        free: &BTreeMap<NodeId, i64>,
        state: &EngineState,
    ) -> Option<NodeId> {
        let candidates = free.iter().filter(|(_, f)| **f > 0);
        let n = self.setup.agents.len().max(1) as u64;
        let shift = self.lead.as_ref().map_or(0, |l| l.epoch.wrapping_mul(3));
        let turn = |a: &NodeId| std::cmp::Reverse((u64::from(a.0) + n - shift % n) % n);
        if self.setup.params.policy == Policy::Locality {
            let workflow = &self.setup.workflow;
            let mut held: BTreeMap<NodeId, u64> = BTreeMap::new();
            for f in &workflow.task(task).inputs {
                let file = workflow.file(*f);
                if let Some(p) = file.producer
                    && let Some(r) = state.task(p.0)
                    && r.result.is_some()
                {
                    *held.entry(NodeId(r.agent)).or_default() += file.size;
                }
            }
            return candidates
                .max_by_key(|(a, f)| {
                    (
                        held.get(a).copied().unwrap_or(0),
                        **f,
                        std::cmp::Reverse(**a),
                    )
                })
                .map(|(a, _)| *a);
        }
        candidates
            .max_by_key(|(a, f)| (**f, turn(a)))
            .map(|(a, _)| *a)
    }

    /// Every committed assignment of a live agent is dispatched; one the agent has not
    /// mentioned in its heartbeats for a while is dispatched again (the agent may have
    /// restarted, or the message been lost), and one it runs is dispatched again now and then
    /// with fresh holders for its inputs (a holder may have died or come back since).
    fn dispatch(&mut self, ctx: &mut Ctx<'_, WorkflowNode>) {
        let Some(lead) = &self.lead else { return };
        let now = ctx.now();
        let again = Duration(self.setup.params.heartbeat.0 * 3);
        let refresh = Duration(self.setup.params.heartbeat.0 * 20);
        let state = self.replica.state();
        let mut due = Vec::new();
        for (agent_id, tasks) in lead.plan.held.iter() {
            if state.is_dead(agent_id) {
                continue;
            }
            let agent = NodeId(agent_id);
            let heard = lead.heard.get(agent_id);
            for &task in tasks {
                // The plan catches up with this round's own orders at the next event (a single
                // coordinator applies them at once): trust the state.
                let Some(r) = state.task(task) else { continue };
                if r.agent != agent_id || r.result.is_some() {
                    continue;
                }
                let reported = self.reports.contains_key(&task);
                let running = || heard.is_some_and(|h| h.running.contains(&(task, r.attempt)));
                let fresh = match lead.dispatched.get(task, r.attempt) {
                    Some(t) if reported => now < t + refresh.max(again),
                    Some(t) if running() => now < t + refresh,
                    Some(t) => now < t + again,
                    None => false,
                };
                if !fresh {
                    due.push((task, r.attempt, agent));
                }
            }
        }
        for (task, attempt, agent) in due {
            self.send_dispatch(task, attempt, agent, ctx);
        }
    }

    /// Sends a dispatch naming where each input is held; under `via-coordinator` the inputs
    /// this coordinator holds go along with it.
    fn send_dispatch(
        &mut self,
        task: u32,
        attempt: u32,
        agent: NodeId,
        ctx: &mut Ctx<'_, WorkflowNode>,
    ) {
        let workflow = self.setup.workflow.clone();
        let state = self.replica.state();
        let mut sources = Vec::new();
        let mut pushed = Vec::new();
        for f in &workflow.task(TaskId(task)).inputs {
            let file = workflow.file(*f);
            // The version to read: the attempt whose result the engine committed.
            let version = file
                .producer
                .and_then(|p| state.task(p.0))
                .and_then(|r| r.result.map(|(a, _, _)| a.unwrap_or(r.attempt)))
                .unwrap_or(0);
            let mut holders: Vec<NodeId> = Vec::new();
            if self.setup.params.sharing == Sharing::ViaCoordinator
                && let Some(&bytes) = self.held.get(&(f.0, version))
            {
                pushed.push((f.0, version, bytes));
            }
            match file.producer {
                None => holders.extend(self.setup.coordinators.iter().copied()),
                Some(p) => {
                    if self.setup.params.sharing == Sharing::ViaCoordinator {
                        holders.extend(self.setup.coordinators.iter().copied());
                    }
                    if let Some((_, producer, _)) = state.task(p.0).and_then(|r| r.result) {
                        holders.push(NodeId(producer));
                    }
                    // Agents that ran a reader of the file fetched it, and hold it too.
                    for c in workflow.children(p) {
                        if let Some((_, reader, _)) = state.task(c.0).and_then(|r| r.result)
                            && workflow.task(*c).inputs.contains(f)
                        {
                            holders.push(NodeId(reader));
                        }
                    }
                }
            }
            // A dead holder goes last rather than away: it may come back with its disk.
            holders.retain(|h| *h != agent);
            holders.sort_by_key(|h| state.is_dead(h.0));
            let mut seen = Vec::new();
            holders.retain(|h| {
                let new = !seen.contains(h);
                seen.push(*h);
                new
            });
            sources.push(Source {
                file: f.0,
                version,
                holders,
            });
        }
        for file in pushed {
            self.work_messages += send_file(ctx, agent, file, false);
        }
        self.work_messages += 1;
        ctx.send(
            agent,
            Msg::Dispatch {
                task,
                attempt,
                sources,
            },
        );
        if let Some(lead) = &mut self.lead {
            lead.dispatched.insert(task, attempt, ctx.now());
        }
    }
}
