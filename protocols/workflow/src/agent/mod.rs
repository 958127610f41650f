//! An agent: a node with slots that runs the tasks the leader dispatches, fetches their inputs
//! from wherever they are held, shares their outputs, reports results until they are
//! acknowledged, and heartbeats so that the engine knows it is alive.

mod files;
mod run;

use crate::message::{Msg, Source};
use crate::node::WorkflowNode;
use crate::record;
use crate::setup::Setup;
use crate::timer::Timer;
use sim_core::{Ctx, NodeId, NodeView, RoleClass, Table, Time};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

/// Where a dispatched task stands on its agent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Waiting for a free slot.
    Queued,
    /// Holding a slot, waiting for these input files.
    Fetching(BTreeSet<u32>),
    /// Running since this time.
    Running(Time),
}

/// One dispatched attempt of a task.
#[derive(Clone, Debug)]
pub(crate) struct Run {
    pub attempt: u32,
    pub phase: Phase,
    /// Each input: the version to read and who holds it.
    pub sources: Vec<Source>,
}

/// A file being fetched: which version, from which holders, and which request is outstanding.
#[derive(Clone, Debug)]
pub(crate) struct Fetching {
    pub version: u32,
    pub sources: Vec<NodeId>,
    pub next: usize,
    pub request: u32,
}

/// What an agent did in the event just handled, for the checkers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AgentJournal {
    /// Tasks started: `(task, attempt, inputs not held at the start)`.
    pub started: Vec<(u32, u32, u32)>,
    /// Tasks run to their end: `(task, attempt)`.
    pub finished: Vec<(u32, u32)>,
}

/// What an agent has done so far, for metrics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AgentCounters {
    /// Attempts started.
    pub started: u64,
    /// Attempts run to the end.
    pub finished: u64,
    /// Nanoseconds spent running tasks (finished or not).
    pub busy_ns: u64,
    /// Bytes of files received.
    pub bytes_in: u64,
    /// Messages of the work sent (files, requests for them, reports), heartbeats excluded.
    pub work_messages: u64,
}

/// A simulated agent.
#[derive(Clone, Debug)]
pub struct Agent {
    pub(crate) id: NodeId,
    pub(crate) setup: Arc<Setup>,
    pub(crate) slots: u32,
    pub(crate) speed: f64,
    /// Files held, by file and version, with their sizes. Every version is kept: a task may
    /// need an older one than this agent last wrote.
    pub(crate) held: BTreeMap<(u32, u32), u64>,
    /// Dispatched attempts by task.
    pub(crate) runs: BTreeMap<u32, Run>,
    /// Tasks waiting for a slot, in dispatch order.
    pub(crate) queue: VecDeque<u32>,
    /// Results not yet acknowledged: task to `(attempt, result)`.
    pub(crate) reports: BTreeMap<u32, (u32, u64)>,
    /// Files being fetched.
    pub(crate) fetches: BTreeMap<u32, Fetching>,
    /// Parts received of files (and versions) not yet whole.
    pub(crate) incoming: BTreeMap<(u32, u32), BTreeSet<u32>>,
    pub(crate) journal: AgentJournal,
    pub(crate) counters: AgentCounters,
    /// The coordinator that last dispatched, acknowledged or cancelled: the leader, as far as
    /// this agent knows.
    pub(crate) leader: Option<NodeId>,
    /// Heartbeats sent.
    pub(crate) beats: u64,
}

/// Every how many heartbeats an agent that knows the leader tells every coordinator anyway,
/// so that a new leader hears it well within a timeout.
const BEAT_ALL_EVERY: u64 = 4;

impl Agent {
    /// Starts (or restarts) an agent: the files on its disk survive a crash, the tasks it ran
    /// do not.
    pub(crate) fn start(id: NodeId, setup: Arc<Setup>, ctx: &mut Ctx<'_, WorkflowNode>) -> Agent {
        let index = setup.agent_index(id).unwrap_or(0);
        let held = record::files_on(ctx.disk()).collect();
        let mut agent = Agent {
            id,
            slots: setup.params.slots_of(index),
            speed: setup.params.speed_of(index),
            setup,
            held,
            runs: BTreeMap::new(),
            queue: VecDeque::new(),
            reports: BTreeMap::new(),
            fetches: BTreeMap::new(),
            incoming: BTreeMap::new(),
            journal: AgentJournal::default(),
            counters: AgentCounters::default(),
            leader: None,
            beats: 0,
        };
        agent.heartbeat(ctx);
        agent
    }

    /// Handles a message.
    pub(crate) fn on_message(&mut self, from: NodeId, msg: Msg, ctx: &mut Ctx<'_, WorkflowNode>) {
        if matches!(
            msg,
            Msg::Dispatch { .. } | Msg::Ack { .. } | Msg::Cancel { .. }
        ) {
            self.leader = Some(from);
        }
        match msg {
            Msg::Dispatch {
                task,
                attempt,
                sources,
            } => self.on_dispatch(task, attempt, sources, ctx),
            Msg::Cancel { task, attempt } => self.on_cancel(task, attempt, ctx),
            Msg::Ack { task, attempt }
                if self.reports.get(&task).is_some_and(|(a, _)| *a == attempt) =>
            {
                self.reports.remove(&task);
            }
            Msg::Fetch { file, version } => self.on_fetch(from, (file, version), ctx),
            Msg::Data {
                file,
                version,
                part,
                parts,
                bytes,
                spread,
            } => self.on_data(from, (file, version, part, parts, bytes), spread, ctx),
            Msg::Missing { file } => self.next_source(file, ctx),
            _ => {}
        }
    }

    /// Handles a timer.
    pub(crate) fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx<'_, WorkflowNode>) {
        match timer {
            Timer::Heartbeat => self.heartbeat(ctx),
            Timer::Finish { task, attempt } => self.finish(task, attempt, ctx),
            Timer::Fetch { file, request }
                if self
                    .fetches
                    .get(&file)
                    .is_some_and(|f| f.request == request) =>
            {
                self.next_source(file, ctx);
            }
            Timer::Report { task, attempt } => self.resend_report(task, attempt, ctx),
            _ => {}
        }
    }

    /// Tells the leader (and now and then every coordinator) what it runs, and sets the next
    /// heartbeat.
    fn heartbeat(&mut self, ctx: &mut Ctx<'_, WorkflowNode>) {
        let running: Vec<(u32, u32)> = self.runs.iter().map(|(t, r)| (*t, r.attempt)).collect();
        let msg = Msg::Heartbeat { running };
        self.beats += 1;
        match self.leader {
            Some(leader) if !self.beats.is_multiple_of(BEAT_ALL_EVERY) => ctx.send(leader, msg),
            _ => ctx.send_all(self.setup.coordinators.iter().copied(), &msg),
        }
        ctx.set_timer(self.setup.params.heartbeat, Timer::Heartbeat);
    }

    /// Tasks holding a slot (fetching or running).
    pub fn busy_slots(&self) -> u32 {
        self.runs
            .values()
            .filter(|r| r.phase != Phase::Queued)
            .count() as u32
    }

    /// Tasks running (inputs all there).
    pub fn running(&self) -> u32 {
        self.runs
            .values()
            .filter(|r| matches!(r.phase, Phase::Running(_)))
            .count() as u32
    }

    /// The agent's slots.
    pub fn slots(&self) -> u32 {
        self.slots
    }

    /// Whether the agent holds some version of `file`.
    pub fn holds(&self, file: u32) -> bool {
        self.held
            .range((file, 0)..=(file, u32::MAX))
            .next()
            .is_some()
    }

    /// What the agent did in the last event.
    pub fn journal(&self) -> &AgentJournal {
        &self.journal
    }

    /// What the agent has done so far.
    pub fn counters(&self) -> AgentCounters {
        self.counters
    }

    pub(crate) fn persist_file(
        &mut self,
        file: u32,
        version: u32,
        bytes: u64,
        ctx: &mut Ctx<'_, WorkflowNode>,
    ) {
        self.held.insert((file, version), bytes);
        record::persist_file(ctx.disk(), (file, version, bytes));
    }

    /// A picture of the agent for inspectors.
    pub fn view(&self) -> NodeView {
        let mut table = Table {
            name: "tasks".into(),
            columns: ["task", "attempt", "state"].map(String::from).to_vec(),
            ..Table::default()
        };
        for (task, run) in &self.runs {
            let state = match &run.phase {
                Phase::Queued => "queued".to_string(),
                Phase::Fetching(missing) => format!("fetching {} inputs", missing.len()),
                Phase::Running(_) => "running".to_string(),
            };
            table.rows.push(vec![
                self.setup.workflow.task(crate::TaskId(*task)).name.clone(),
                run.attempt.to_string(),
                state,
            ]);
            table.marked.push(matches!(run.phase, Phase::Running(_)));
        }
        let bytes: u64 = self.held.values().sum();
        NodeView::new(
            "agent",
            format!("agent {}/{}", self.busy_slots(), self.slots),
        )
        .class(RoleClass::Other)
        .progress("tasks finished", self.counters.finished)
        .field(
            "slots in use",
            format!("{} of {}", self.busy_slots(), self.slots),
        )
        .field("running", self.running())
        .field("queued", self.queue.len())
        .field("files held", self.held.len())
        .field("bytes held", bytes)
        .field("unacknowledged results", self.reports.len())
        .field("finished", self.counters.finished)
        .table(table)
    }
}
