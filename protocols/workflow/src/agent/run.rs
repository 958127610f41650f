//! Running tasks: taking a dispatch, waiting for a slot and the inputs, running for the task's
//! time, and reporting the result until the leader acknowledges it.

use super::{Agent, Phase, Run};
use crate::TaskId;
use crate::config::{Bug, Sharing};
use crate::message::{Msg, Source, send_file};
use crate::node::WorkflowNode;
use crate::timer::Timer;
use sim_core::{Ctx, NodeId};
use std::collections::BTreeSet;

impl Agent {
    /// A dispatch: a newer attempt replaces an older one of the same task; a repeat refreshes
    /// where the inputs can be found.
    pub(super) fn on_dispatch(
        &mut self,
        task: u32,
        attempt: u32,
        sources: Vec<Source>,
        ctx: &mut Ctx<'_, WorkflowNode>,
    ) {
        if self.reports.get(&task).is_some_and(|(a, _)| *a >= attempt) {
            // Already run: the report is on its way.
            return;
        }
        match self.runs.get_mut(&task) {
            Some(run) if run.attempt > attempt => return,
            Some(run) if run.attempt == attempt => {
                run.sources = sources;
                if let Phase::Fetching(missing) = &run.phase {
                    let missing: Vec<u32> = missing.iter().copied().collect();
                    for file in missing {
                        self.fetch(task, file, ctx);
                    }
                }
                return;
            }
            Some(_) => {
                self.runs.remove(&task);
                self.queue.retain(|t| *t != task);
            }
            None => {}
        }
        self.runs.insert(
            task,
            Run {
                attempt,
                phase: Phase::Queued,
                sources,
            },
        );
        self.queue.push_back(task);
        self.start_queued(ctx);
    }

    /// The leader says an attempt is superseded: drop it and free its slot.
    pub(super) fn on_cancel(&mut self, task: u32, attempt: u32, ctx: &mut Ctx<'_, WorkflowNode>) {
        if self.runs.get(&task).is_some_and(|r| r.attempt == attempt) {
            self.runs.remove(&task);
            self.queue.retain(|t| *t != task);
            self.start_queued(ctx);
        }
    }

    /// Gives free slots to queued tasks, in dispatch order.
    pub(super) fn start_queued(&mut self, ctx: &mut Ctx<'_, WorkflowNode>) {
        while self.busy_slots() < self.slots {
            let Some(task) = self.queue.pop_front() else {
                return;
            };
            let Some(run) = self.runs.get_mut(&task) else {
                continue;
            };
            // An input is missing unless the version the engine committed is here.
            let held = &self.held;
            let missing: BTreeSet<u32> = run
                .sources
                .iter()
                .filter(|s| !held.contains_key(&(s.file, s.version)))
                .map(|s| s.file)
                .collect();
            if missing.is_empty() || self.setup.params.has(Bug::IgnoreDependencies) {
                self.begin(task, missing.len() as u32, ctx);
                continue;
            }
            run.phase = Phase::Fetching(missing.clone());
            for file in missing {
                self.fetch(task, file, ctx);
            }
        }
    }

    /// Starts running a task whose inputs are all there (or, with `ignore-dependencies`,
    /// whatever is there).
    pub(super) fn begin(&mut self, task: u32, missing: u32, ctx: &mut Ctx<'_, WorkflowNode>) {
        let Some(run) = self.runs.get_mut(&task) else {
            return;
        };
        let now = ctx.now();
        run.phase = Phase::Running(now);
        let attempt = run.attempt;
        self.journal.started.push((task, attempt, missing));
        self.counters.started += 1;
        let time = self.setup.run_time(task, self.speed);
        ctx.set_timer(time, Timer::Finish { task, attempt });
    }

    /// A task ran to its end: keep and share its outputs, report the result.
    pub(super) fn finish(&mut self, task: u32, attempt: u32, ctx: &mut Ctx<'_, WorkflowNode>) {
        let started = match self.runs.get(&task) {
            Some(Run {
                attempt: a,
                phase: Phase::Running(t),
                ..
            }) if *a == attempt => *t,
            _ => return,
        };
        self.runs.remove(&task);
        let now = ctx.now();
        self.journal.finished.push((task, attempt));
        self.counters.finished += 1;
        self.counters.busy_ns += (now - started).0;
        let outputs: Vec<(u32, u64)> = self
            .setup
            .workflow
            .task(TaskId(task))
            .outputs
            .iter()
            .map(|f| (f.0, self.setup.workflow.file(*f).size))
            .collect();
        for &(file, bytes) in &outputs {
            self.persist_file(file, attempt, bytes, ctx);
            self.share((file, attempt, bytes), ctx);
            self.arrived(file, attempt, ctx);
        }
        let result = result_of(task, attempt, self.id);
        self.reports.insert(task, (attempt, result));
        self.resend_report(task, attempt, ctx);
        self.start_queued(ctx);
    }

    /// Sends a report to every coordinator (only the leader acts on it) and waits for the
    /// acknowledgement.
    pub(super) fn resend_report(
        &mut self,
        task: u32,
        attempt: u32,
        ctx: &mut Ctx<'_, WorkflowNode>,
    ) {
        let Some(&(a, result)) = self.reports.get(&task) else {
            return;
        };
        if a != attempt {
            return;
        }
        let msg = Msg::Report {
            task,
            attempt,
            result,
        };
        ctx.send_all(self.setup.coordinators.iter().copied(), &msg);
        self.counters.work_messages += self.setup.coordinators.len() as u64;
        ctx.set_timer(
            self.setup.params.report_retry,
            Timer::Report { task, attempt },
        );
    }

    /// Sends a new output where the sharing mode says it goes.
    fn share(&mut self, (file, version, bytes): (u32, u32, u64), ctx: &mut Ctx<'_, WorkflowNode>) {
        let spread = self.setup.params.sharing == Sharing::Tree;
        let to: Vec<NodeId> = match self.setup.params.sharing {
            Sharing::ViaCoordinator => self.setup.coordinators.clone(),
            Sharing::Direct => Vec::new(),
            Sharing::Broadcast => self
                .setup
                .agents
                .iter()
                .copied()
                .filter(|&a| a != self.id)
                .collect(),
            Sharing::Tree => self.setup.tree_neighbours(self.id),
        };
        for node in to {
            self.counters.work_messages += send_file(ctx, node, (file, version, bytes), spread);
        }
    }
}

/// What an attempt computes: a digest of the task, the attempt and the agent, so that two
/// runs of one task give different results (an agent's output is not reproducible), and a
/// task committed twice shows as two different results.
fn result_of(task: u32, attempt: u32, agent: NodeId) -> u64 {
    let mut z = (u64::from(task) << 32 | u64::from(attempt)) ^ (u64::from(agent.0) << 48);
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
