//! The workflow engine's replicated state: who runs what, and which results are committed.
//!
//! It holds facts, not derived views: a task's assignments and its committed result, and the
//! agents declared dead. Which tasks are ready follows from these facts and the workflow's
//! dependencies, which every coordinator knows from its configuration.

use super::task_table::TaskTable;
use super::{Answer, Order};
use crate::engine::model::EngineModel;
use rsm::{Digest, NoClients, StateMachine};
use serde::{Deserialize, Serialize};
use sim_core::Table;
use std::collections::BTreeSet;
use std::fmt;

/// What the engine knows of one task.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskRecord {
    /// The latest assignment's number (0: never assigned).
    pub attempt: u32,
    /// The agent of the latest assignment.
    pub agent: u32,
    /// The committed result: the attempt that reported it (`None` for an unfenced result),
    /// the reporting agent, and the result.
    pub result: Option<(Option<u32>, u32, u64)>,
    /// How many results were taken: more than one is a task with two committed results.
    pub results: u32,
}

/// The replicated state of the workflow engine.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineState {
    tasks: TaskTable,
    dead: BTreeSet<u32>,
    /// Orders applied, accepted or not: a position in the engine's history.
    applied: u64,
    done: u32,
    /// Every result taken, in order: `(position, task, result)`. Checkers follow it
    /// incrementally.
    completions: Vec<(u64, u32, u64)>,
    /// Every assignment taken, in order: `(task, attempt)`. The timeline follows it
    /// incrementally.
    assignments: Vec<(u32, u32)>,
}

impl EngineState {
    /// What the engine knows of `task` (a default record if it was never assigned).
    pub fn task(&self, task: u32) -> Option<&TaskRecord> {
        self.tasks.get(task)
    }

    /// Every task the engine has assigned, with its record.
    pub fn tasks(&self) -> impl Iterator<Item = (u32, &TaskRecord)> {
        self.tasks.iter()
    }

    /// Whether `task` has a committed result.
    pub fn is_done(&self, task: u32) -> bool {
        self.tasks.get(task).is_some_and(|r| r.result.is_some())
    }

    /// How many tasks have a committed result.
    pub fn done(&self) -> u32 {
        self.done
    }

    /// Whether `agent` is declared dead.
    pub fn is_dead(&self, agent: u32) -> bool {
        self.dead.contains(&agent)
    }

    /// Orders applied so far.
    pub fn applied(&self) -> u64 {
        self.applied
    }

    /// Every assignment taken, in the order taken: `(task, attempt)`.
    pub fn assignments(&self) -> &[(u32, u32)] {
        &self.assignments
    }

    /// Every result taken, in the order taken: `(position, task, result)`, the position being
    /// [`EngineState::applied`] just after it.
    pub fn completions(&self) -> &[(u64, u32, u64)] {
        &self.completions
    }
}

impl StateMachine for EngineState {
    type Input = Order;
    type Output = Answer;
    type Snapshot = EngineState;
    type Model = EngineModel;
    type Workload = NoClients<EngineState>;

    fn apply(&mut self, order: &Order) -> Answer {
        self.applied += 1;
        match *order {
            Order::Assign {
                task,
                agent,
                attempt,
            } => {
                let r = self.tasks.get_or_default(task);
                if r.result.is_some() || attempt <= r.attempt {
                    return Answer::Refused;
                }
                r.attempt = attempt;
                r.agent = agent;
                self.assignments.push((task, attempt));
                Answer::Accepted
            }
            Order::Complete {
                task,
                agent,
                attempt,
                result,
            } => {
                let Some(r) = self.tasks.get_mut(task) else {
                    return Answer::Refused;
                };
                // The attempt number is the fencing token: the engine does not ask who ran it.
                match attempt {
                    Some(a) if r.result.is_some() || a != r.attempt => {
                        return Answer::Refused;
                    }
                    // Without a fencing token the engine cannot tell a stale result from the
                    // current one, and takes whatever arrives.
                    _ if r.attempt == 0 => return Answer::Refused,
                    _ => {}
                }
                if r.result.is_none() {
                    self.done += 1;
                }
                r.result = Some((attempt, agent, result));
                r.results += 1;
                self.completions.push((self.applied, task, result));
                Answer::Accepted
            }
            Order::Dead { agent } => {
                if self.dead.insert(agent) {
                    Answer::Accepted
                } else {
                    Answer::Refused
                }
            }
            Order::Alive { agent } => {
                if self.dead.remove(&agent) {
                    Answer::Accepted
                } else {
                    Answer::Refused
                }
            }
        }
    }

    fn is_read(_: &Order) -> bool {
        false
    }

    fn query(&self, _: &Order) -> Option<Answer> {
        None
    }

    fn snapshot(&self) -> EngineState {
        self.clone()
    }

    fn restore(snapshot: &EngineState) -> EngineState {
        snapshot.clone()
    }

    fn approx_bytes(&self) -> u64 {
        Self::snapshot_bytes(self)
    }

    fn snapshot_bytes(s: &EngineState) -> u64 {
        s.tasks.len() as u64 * 32 + s.dead.len() as u64 * 4 + 16
    }

    fn input_bytes(_: &Order) -> u64 {
        24
    }

    fn output_bytes(_: &Answer) -> u64 {
        1
    }

    fn digest<D: Digest>(order: &Order, d: &mut D) {
        match *order {
            Order::Assign {
                task,
                agent,
                attempt,
            } => {
                d.word(0);
                d.word(u64::from(task));
                d.word(u64::from(agent));
                d.word(u64::from(attempt));
            }
            Order::Complete {
                task,
                agent,
                attempt,
                result,
            } => {
                d.word(1);
                d.word(u64::from(task));
                d.word(u64::from(agent));
                d.word(attempt.map_or(0, |a| u64::from(a) + 1));
                d.word(result);
            }
            Order::Dead { agent } => {
                d.word(2);
                d.word(u64::from(agent));
            }
            Order::Alive { agent } => {
                d.word(3);
                d.word(u64::from(agent));
            }
        }
    }

    fn describe(order: &Order, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(order, f)
    }

    fn table(&self, rows: usize) -> Table {
        let mut table = Table {
            name: "tasks".into(),
            columns: ["task", "agent", "attempt", "state"]
                .map(String::from)
                .to_vec(),
            ..Table::default()
        };
        for (task, r) in self.tasks.iter().take(rows) {
            let state = if r.result.is_some() {
                "done"
            } else if self.dead.contains(&r.agent) {
                "agent dead"
            } else {
                "running"
            };
            table.rows.push(vec![
                format!("t{task}"),
                format!("n{}", r.agent),
                r.attempt.to_string(),
                state.to_string(),
            ]);
            table.marked.push(r.result.is_some());
        }
        table
    }

    fn model() -> EngineModel {
        EngineModel
    }
}
