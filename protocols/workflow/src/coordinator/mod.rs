//! A coordinator: a node that keeps the engine's state (alone, or replicated with its peers)
//! and, while it leads, schedules: declares silent agents dead, turns reports into committed
//! results, assigns ready tasks to agents with free slots, and dispatches what is committed.

mod by_agent;
mod lead;
mod plan;
mod replica;
mod schedule;
mod uploads;

pub(crate) use replica::Replica;

use crate::config::Deployment;
use crate::engine::{Answer, EngineState, Order};
use crate::message::{Msg, send_file};
use crate::node::WorkflowNode;
use crate::record;
use crate::setup::Setup;
use crate::timer::Timer;
use lead::{Heard, Lead};
use plan::Plan;
use sim_core::{Ctx, NodeId, NodeView, RoleClass, Time};
use std::collections::BTreeMap;
use std::sync::Arc;

/// What a coordinator proposed and learnt in one event, for the checker that keeps the
/// engine's history (a history kept in the node would die with it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CoordinatorJournal {
    /// Orders proposed, with their command sequence numbers.
    pub proposed: Vec<(u64, Order)>,
    /// Answers learnt for this coordinator's proposals (`None`: a stale duplicate).
    pub answered: Vec<(u64, Option<Answer>)>,
}

/// A coordinator node.
#[derive(Clone, Debug)]
pub struct Coordinator {
    pub(crate) id: NodeId,
    pub(crate) setup: Arc<Setup>,
    pub(crate) replica: Replica,
    pub(crate) lead: Option<Lead>,
    /// Files this coordinator holds, by file and version, with their sizes: the workflow's
    /// inputs (version 0), and outputs uploaded to it.
    pub(crate) held: BTreeMap<(u32, u32), u64>,
    /// Parts received of files (and versions) being uploaded.
    pub(crate) incoming: BTreeMap<(u32, u32), std::collections::BTreeSet<u32>>,
    /// Reports received and not yet settled: task to `(attempt, agent, result)`.
    pub(crate) reports: BTreeMap<u32, (u32, NodeId, u64)>,
    /// Commands proposed by this incarnation.
    pub(crate) seq: u64,
    /// What this coordinator proposed and learnt in the event just handled.
    pub(crate) journal: CoordinatorJournal,
    /// Whether something changed that the scheduler should look at.
    pub(crate) dirty: bool,
    /// Messages of the work sent (dispatches, acknowledgements, files), consensus excluded.
    pub(crate) work_messages: u64,
}

impl Coordinator {
    /// Starts (or restarts) a coordinator, recovering the engine's state from its disk.
    pub(crate) fn start(
        id: NodeId,
        setup: Arc<Setup>,
        ctx: &mut Ctx<'_, WorkflowNode>,
    ) -> Coordinator {
        let replica = match setup.params.deployment {
            Deployment::Single => Replica::single(ctx),
            Deployment::Raft => Replica::raft(
                id,
                Arc::new(setup.params.raft.clone()),
                &setup.coordinators,
                ctx,
            ),
            Deployment::MultiPaxos => Replica::paxos(
                id,
                Arc::new(setup.params.paxos.clone()),
                setup.coordinators.clone().into(),
                ctx,
            ),
        };
        // The workflow's inputs, and the outputs uploaded before a crash.
        let held = setup
            .workflow
            .files()
            .iter()
            .enumerate()
            .filter(|(_, f)| f.producer.is_none())
            .map(|(i, f)| ((i as u32, 0), f.size))
            .chain(record::files_on(ctx.disk()))
            .collect();
        ctx.set_timer(setup.params.heartbeat, Timer::Tick);
        Coordinator {
            id,
            setup,
            replica,
            lead: None,
            held,
            incoming: BTreeMap::new(),
            reports: BTreeMap::new(),
            // Sequence numbers name this incarnation's commands: a restarted coordinator
            // must not reuse one, or the sessions would take its new order for an old one.
            seq: u64::from(ctx.incarnation()) << 40,
            journal: CoordinatorJournal::default(),
            dirty: true,
            work_messages: 0,
        }
    }

    /// Handles a message.
    pub(crate) fn on_message(&mut self, from: NodeId, msg: Msg, ctx: &mut Ctx<'_, WorkflowNode>) {
        match msg {
            Msg::Raft(m) => {
                if let Replica::Raft(s) = &mut self.replica {
                    s.on_message(from, m, ctx);
                }
            }
            Msg::Paxos(m) => {
                if let Replica::Paxos(s) = &mut self.replica {
                    s.on_message(from, m, ctx);
                }
            }
            Msg::Heartbeat { running } => self.on_heartbeat(from, running, ctx),
            Msg::Report {
                task,
                attempt,
                result,
            } if self.lead.is_some() => {
                self.reports.insert(task, (attempt, from, result));
                if !self.replica.state().is_done(task) {
                    self.fetch_uploads(task, attempt, from, ctx);
                }
                self.dirty = true;
            }
            Msg::Fetch { file, version } => {
                self.work_messages += match self.held.get(&(file, version)) {
                    Some(&bytes) => send_file(ctx, from, (file, version, bytes), false),
                    None => {
                        ctx.send(from, Msg::Missing { file });
                        1
                    }
                };
            }
            Msg::Data {
                file,
                version,
                part,
                parts,
                bytes,
                ..
            } => {
                let got = self.incoming.entry((file, version)).or_default();
                got.insert(part);
                if got.len() as u32 >= parts {
                    self.incoming.remove(&(file, version));
                    self.held.insert((file, version), bytes);
                    record::persist_file(ctx.disk(), (file, version, bytes));
                    self.dirty = true;
                }
            }
            _ => {}
        }
        self.after(ctx, false);
    }

    /// Handles a timer.
    pub(crate) fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx<'_, WorkflowNode>) {
        match timer {
            Timer::Raft(t) => {
                if let Replica::Raft(s) = &mut self.replica {
                    s.on_timer(t, ctx);
                }
            }
            Timer::Paxos(t) => {
                if let Replica::Paxos(s) = &mut self.replica {
                    s.on_timer(&t, ctx);
                }
            }
            Timer::Tick => {
                ctx.set_timer(self.setup.params.heartbeat, Timer::Tick);
                self.dirty = true;
                self.after(ctx, true);
                return;
            }
            _ => {}
        }
        self.after(ctx, false);
    }

    /// What every event ends with: record what the proposals answered, notice a change of
    /// leadership, and schedule if leading.
    fn after(&mut self, ctx: &mut Ctx<'_, WorkflowNode>, tick: bool) {
        let now = ctx.now();
        for outcome in self.replica.take_outcomes() {
            self.dirty = true;
            if let (Some(lead), Some(answer)) = (&mut self.lead, outcome.output) {
                lead.plan.apply(
                    &self.setup,
                    self.replica.state(),
                    &outcome.command.op,
                    answer,
                );
            }
            if outcome.command.client != u64::from(self.id.0) {
                continue;
            }
            if let Some(lead) = &mut self.lead {
                lead.proposed.remove(&outcome.command.op);
            }
            self.journal
                .answered
                .push((outcome.command.seq, outcome.output));
            if let Order::Complete { task, attempt, .. } = outcome.command.op {
                self.settle_report(task, attempt, ctx);
            }
        }
        // A state that moved other than order by order (a snapshot installed) is planned anew.
        if let Some(lead) = &mut self.lead
            && lead.plan.applied != self.replica.state().applied()
        {
            lead.plan = Plan::build(&self.setup, self.replica.state());
        }
        let leading = self.replica.is_leader();
        let epoch = self.replica.epoch();
        match &self.lead {
            Some(l) if leading && l.epoch == epoch => {}
            _ if leading => {
                let plan = Plan::build(&self.setup, self.replica.state());
                self.lead = Some(Lead::new(epoch, &self.setup.agents, now, plan));
                self.dirty = true;
            }
            Some(_) => {
                self.lead = None;
                self.reports.clear();
            }
            None => {}
        }
        if self.lead.is_some() && self.dirty {
            self.dirty = false;
            self.schedule(tick, ctx);
        }
    }

    fn on_heartbeat(
        &mut self,
        from: NodeId,
        running: Vec<(u32, u32)>,
        ctx: &mut Ctx<'_, WorkflowNode>,
    ) {
        let Some(lead) = &mut self.lead else {
            return;
        };
        let was_silent = lead
            .heard
            .get(from.0)
            .is_none_or(|h| ctx.now() > h.at + self.setup.params.agent_timeout);
        // Attempts the agent runs that the engine has moved on from.
        let state = self.replica.state();
        for &(task, attempt) in &running {
            let current = state
                .task(task)
                .is_some_and(|r| r.result.is_none() && r.attempt == attempt && r.agent == from.0);
            if !current && state.task(task).is_some_and(|r| r.attempt >= attempt) {
                ctx.send(from, Msg::Cancel { task, attempt });
                self.work_messages += 1;
            }
        }
        lead.heard.insert(
            from.0,
            Heard {
                at: ctx.now(),
                running,
            },
        );
        if was_silent || self.replica.state().is_dead(from.0) {
            self.dirty = true;
        }
    }

    /// A report is settled (its result committed, or refused): the agent may stop sending it.
    /// An unfenced result settles whatever attempt was reported.
    fn settle_report(&mut self, task: u32, attempt: Option<u32>, ctx: &mut Ctx<'_, WorkflowNode>) {
        if let Some(&(a, agent, _)) = self.reports.get(&task)
            && attempt.is_none_or(|x| x == a)
        {
            let attempt = a;
            self.reports.remove(&task);
            ctx.send(agent, Msg::Ack { task, attempt });
            self.work_messages += 1;
        }
    }

    /// Proposes an order and records it in the history.
    pub(crate) fn propose(&mut self, order: Order, ctx: &mut Ctx<'_, WorkflowNode>) {
        let now = ctx.now();
        if let Some(lead) = &mut self.lead {
            if lead
                .proposed
                .get(&order)
                .is_some_and(|&t| now < t + self.setup.params.propose_retry)
            {
                return;
            }
            lead.proposed.insert(order.clone(), now);
        }
        self.seq += 1;
        let seq = self.seq;
        self.journal.proposed.push((seq, order.clone()));
        // A refusal (not leading after all) leaves the proposal's outcome unknown.
        let _ = self.replica.propose(self.id, seq, order, ctx);
    }

    /// An operator drains `agent`: this leader declares it dead at once, so its tasks run
    /// elsewhere under new attempt numbers; its next heartbeat declares it alive again.
    pub fn drain(&mut self, agent: NodeId, ctx: &mut Ctx<'_, WorkflowNode>) -> Result<(), String> {
        if self.lead.is_none() {
            return Err(format!("{} does not lead", self.id));
        }
        if self.setup.agent_index(agent).is_none() {
            return Err(format!("{agent} is not an agent"));
        }
        if self.replica.state().is_dead(agent.0) {
            return Err(format!("{agent} is already declared dead"));
        }
        self.journal = CoordinatorJournal::default();
        self.propose(Order::Dead { agent: agent.0 }, ctx);
        Ok(())
    }

    /// The engine's state as applied here.
    pub fn state(&self) -> &EngineState {
        self.replica.state()
    }

    /// Whether this coordinator leads.
    pub fn is_leader(&self) -> bool {
        self.replica.is_leader()
    }

    /// Messages of the work this coordinator sent (dispatches, acknowledgements, files).
    pub fn work_messages(&self) -> u64 {
        self.work_messages
    }

    /// What this coordinator proposed and learnt in the last event.
    pub fn journal(&self) -> &CoordinatorJournal {
        &self.journal
    }

    /// When this coordinator's last reign began hearing agents, if it leads.
    pub fn leading_since(&self) -> Option<Time> {
        self.lead
            .as_ref()
            .and_then(|l| l.heard.values().map(|h| h.at).min())
    }

    /// A picture of the coordinator for inspectors: its consensus role and the engine's
    /// tasks.
    pub fn view(&self) -> NodeView {
        let state = self.state();
        let total = self.setup.workflow.len();
        let running = state.tasks().filter(|(_, r)| r.result.is_none()).count();
        let base = match &self.replica {
            Replica::Raft(s) => raft::server_view(s),
            Replica::Paxos(s) => s.view(),
            Replica::Single { .. } => NodeView::new("coordinator", "coordinator")
                .class(RoleClass::Leader)
                .epoch(0),
        };
        let (class, epoch) = (base.class, base.epoch);
        let mut view = NodeView::new(
            if self.is_leader() {
                "coordinator (leader)"
            } else {
                "coordinator"
            },
            format!("{}/{} done", state.done(), total),
        )
        .class(class)
        .progress("tasks done", u64::from(state.done()))
        .field("done", state.done())
        .field(
            "ready",
            self.lead
                .as_ref()
                .map_or("-".to_string(), |l| l.plan.ready.len().to_string()),
        )
        .field("running", running)
        .field(
            "not started",
            total.saturating_sub(running + state.done() as usize),
        )
        .field("orders applied", state.applied())
        .field("files held", self.held.len());
        if let Some(e) = epoch {
            view = view.epoch(e);
        }
        view.fields.extend(base.fields);
        view.tables.push(rsm::StateMachine::table(state, 50));
        view.tables.extend(base.tables);
        view
    }
}
