//! What a workflow run measures: how long the workflow took against what it could have taken,
//! how long ready tasks waited, how busy the agents were, what was run twice, what the
//! network carried per task, and how long the engine went without assigning anything.

use crate::TaskId;
use crate::checkers::Timeline;
use crate::cluster::engine;
use crate::node::WorkflowNode;
use serde::Serialize;
use sim_core::{Duration, Simulation, Time};
use std::collections::BTreeMap;

/// A run's figures (seconds are virtual seconds).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Metrics {
    /// Tasks in the workflow.
    pub tasks: u32,
    /// Tasks with a committed result.
    pub done: u32,
    /// When the last task's result was committed, if every task's was.
    pub makespan_s: Option<f64>,
    /// The larger of the critical path and the total work spread over every slot, at speed 1.
    pub lower_bound_s: f64,
    /// Makespan over the lower bound.
    pub makespan_over_bound: Option<f64>,
    /// From a task being ready (its parents' results committed) to its committed attempt
    /// starting: mean and 99th percentile.
    pub wait_mean_s: f64,
    /// See `wait_mean_s`.
    pub wait_p99_s: f64,
    /// Attempts started, all told.
    pub attempts_started: u64,
    /// Attempts started beyond one per task: work done again.
    pub reexecuted: u64,
    /// Agent time spent on attempts whose result was not the committed one.
    pub wasted_agent_s: f64,
    /// Committed run time over the makespan times every slot.
    pub utilization: Option<f64>,
    /// Messages and bytes sent per task done, everything (heartbeats, consensus) until the
    /// run's end.
    pub messages_per_task: Option<f64>,
    /// Messages of the work itself per task done: dispatches, acknowledgements, reports,
    /// files and requests for them (heartbeats and consensus excluded; nodes down at the end
    /// no longer count theirs).
    pub work_messages_per_task: Option<f64>,
    /// See `messages_per_task`.
    pub bytes_per_task: Option<f64>,
    /// From an agent's crash to each task it held starting again elsewhere (a later
    /// attempt): the longest, and the mean. `None` when no crash orphaned a task.
    pub crash_to_rerun_max_s: Option<f64>,
    /// See `crash_to_rerun_max_s`.
    pub crash_to_rerun_mean_s: Option<f64>,
    /// The longest stretch in which some task could have run (its parents had finished, a slot
    /// was free) and the engine committed no assignment at all: a coordinator's failover, or
    /// its crash without a replica, shows here.
    pub longest_stall_s: f64,
}

fn secs(d: Duration) -> f64 {
    d.0 as f64 / 1e9
}

/// The figures of `sim` so far.
pub fn metrics(sim: &Simulation<WorkflowNode>) -> Metrics {
    let mut m = Metrics::default();
    let Some(setup) = sim
        .nodes()
        .live()
        .map(|(_, n)| match n {
            WorkflowNode::Coordinator(c) => c.setup.clone(),
            WorkflowNode::Agent(a) => a.setup.clone(),
        })
        .next()
    else {
        return m;
    };
    let workflow = &setup.workflow;
    m.tasks = workflow.len() as u32;
    m.lower_bound_s = secs(workflow.lower_bound(setup.params.total_slots()));
    let Some(state) = engine(sim) else {
        return m;
    };
    m.done = state.done();
    let Some(timeline) = sim.checker::<Timeline>() else {
        return m;
    };
    let last_done = timeline.done.values().max().copied();
    if m.done == m.tasks
        && let Some(end) = last_done
    {
        m.makespan_s = Some(secs(end - Time::ZERO));
        if m.lower_bound_s > 0.0 {
            m.makespan_over_bound = Some(secs(end - Time::ZERO) / m.lower_bound_s);
        }
    }
    // Waits and work, per committed attempt.
    let mut waits = Vec::new();
    let mut committed_ns = 0u64;
    let mut committed: BTreeMap<(u32, u32), ()> = BTreeMap::new();
    for (task, r) in state.tasks() {
        let Some((Some(attempt), _, _)) = r.result else {
            continue;
        };
        committed.insert((task, attempt), ());
        committed_ns += workflow.task(TaskId(task)).runtime.0;
        let ready = workflow
            .parents(TaskId(task))
            .iter()
            .filter_map(|p| timeline.done.get(&p.0))
            .max()
            .copied()
            .unwrap_or(Time::ZERO);
        if let Some(&start) = timeline.started.get(&(task, attempt)) {
            waits.push(secs(start - ready.min(start)));
        }
    }
    if !waits.is_empty() {
        waits.sort_by(f64::total_cmp);
        m.wait_mean_s = waits.iter().sum::<f64>() / waits.len() as f64;
        let rank = ((0.99 * waits.len() as f64).ceil() as usize).clamp(1, waits.len());
        m.wait_p99_s = waits[rank - 1];
    }
    m.attempts_started = timeline.started.len() as u64;
    let mut per_task: BTreeMap<u32, u64> = BTreeMap::new();
    for &(task, _) in timeline.started.keys() {
        *per_task.entry(task).or_default() += 1;
    }
    m.reexecuted = per_task.values().map(|n| n - 1).sum();
    let now = sim.now();
    let wasted: u64 = timeline
        .started
        .iter()
        .filter(|(k, _)| !committed.contains_key(k))
        .map(|(&(task, _), &start)| workflow.task(TaskId(task)).runtime.0.min((now - start).0))
        .sum();
    m.wasted_agent_s = wasted as f64 / 1e9;
    if let Some(span) = m.makespan_s
        && span > 0.0
    {
        m.utilization =
            Some(committed_ns as f64 / 1e9 / (span * f64::from(setup.params.total_slots())));
    }
    let stats = sim.stats();
    if m.done > 0 {
        let work: u64 = sim
            .nodes()
            .live()
            .map(|(_, n)| match n {
                WorkflowNode::Coordinator(c) => c.work_messages(),
                WorkflowNode::Agent(a) => a.counters().work_messages,
            })
            .sum();
        m.work_messages_per_task = Some(work as f64 / f64::from(m.done));
        m.messages_per_task = Some(stats.sent as f64 / f64::from(m.done));
        m.bytes_per_task = Some(stats.bytes_sent as f64 / f64::from(m.done));
    }
    let reruns: Vec<f64> = timeline
        .orphaned
        .iter()
        .filter_map(|&(task, attempt, crash)| {
            timeline
                .started
                .range((task, attempt + 1)..(task + 1, 0))
                .map(|(_, &t)| t)
                .filter(|&t| t >= crash)
                .min()
                .map(|t| secs(t - crash))
        })
        .collect();
    if !reruns.is_empty() {
        m.crash_to_rerun_max_s = reruns.iter().copied().reduce(f64::max);
        m.crash_to_rerun_mean_s = Some(reruns.iter().sum::<f64>() / reruns.len() as f64);
    }
    m.longest_stall_s = secs(longest_stall(
        workflow,
        timeline,
        setup.params.total_slots(),
    ));
    m
}

/// The longest stretch in which a task could have run (its parents had finished), a slot was
/// free somewhere, and nothing at all was assigned: waits for a slot (every slot busy) or for
/// a parent still running are the workflow's shape, not the engine's stall.
fn longest_stall(workflow: &crate::Workflow, timeline: &Timeline, total_slots: u32) -> Duration {
    // Events in time order: a task ready (+waiting), first assigned (-waiting, +busy), done
    // (-busy). At equal times, done and ready come before assignments.
    let mut first: BTreeMap<u32, Time> = BTreeMap::new();
    for (&(task, _), &t) in &timeline.assigned {
        let e = first.entry(task).or_insert(t);
        *e = (*e).min(t);
    }
    // A task is free when an attempt of it finished (the agent's slot is free, its result
    // could be committed) or, failing that, when its result was committed.
    let mut free_at: BTreeMap<u32, Time> = BTreeMap::new();
    for (&(task, _), &t) in &timeline.finished {
        let e = free_at.entry(task).or_insert(t);
        *e = (*e).min(t);
    }
    for (&task, &t) in &timeline.done {
        free_at.entry(task).or_insert(t);
    }
    let mut events: Vec<(Time, u8, i64, i64)> = Vec::new();
    for (&task, &at) in &first {
        let ready = workflow
            .parents(TaskId(task))
            .iter()
            .filter_map(|p| free_at.get(&p.0))
            .max()
            .copied()
            .unwrap_or(Time::ZERO)
            .min(at);
        events.push((ready, 0, 1, 0));
        events.push((at, 1, -1, 1));
        if let Some(&free) = free_at.get(&task) {
            events.push((free.max(at), 0, 0, -1));
        }
    }
    events.sort_unstable();
    let (mut waiting, mut busy) = (0i64, 0i64);
    let mut since: Option<Time> = None;
    let mut longest = Duration::ZERO;
    for (t, kind, dw, db) in events {
        if kind == 1
            && let Some(s) = since.take()
        {
            longest = longest.max(t - s);
        }
        waiting += dw;
        busy += db;
        let stalled = waiting > 0 && busy < i64::from(total_slots);
        match (stalled, since) {
            (true, None) => since = Some(t),
            (false, Some(_)) => since = None,
            _ => {}
        }
    }
    longest
}
