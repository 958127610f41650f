//! What the coordinators agree on, one log entry at a time, and what applying it answers.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One decision of the workflow engine. Tasks and agents are numbered as in the workflow
/// (task index) and the cluster (node id).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Order {
    /// Run `task` on `agent`. `attempt` numbers the task's assignments from 1 and is the
    /// fencing token: only a result carrying the current attempt is taken.
    Assign {
        /// The task.
        task: u32,
        /// The agent's node id.
        agent: u32,
        /// This assignment's number for the task.
        attempt: u32,
    },
    /// `agent` reports `task` done with `result` (a digest of its outputs).
    Complete {
        /// The task.
        task: u32,
        /// The reporting agent.
        agent: u32,
        /// The attempt the agent ran; `None` when the engine sends no fencing token (the
        /// `no-fencing` bug), so the result is taken whatever attempt produced it.
        attempt: Option<u32>,
        /// The result.
        result: u64,
    },
    /// `agent` has been silent too long: its tasks are to be run elsewhere.
    Dead {
        /// The agent.
        agent: u32,
    },
    /// `agent`, declared dead, is heard from again and may be given tasks.
    Alive {
        /// The agent.
        agent: u32,
    },
}

/// What applying an [`Order`] answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Answer {
    /// The order took effect.
    Accepted,
    /// The order changed nothing: a superseded attempt, a task already done, an agent already
    /// in that state.
    Refused,
}

/// What an order is about: a task or an agent. Orders about different subjects commute, which
/// lets the linearizability check take each subject on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Subject {
    /// A task, by index.
    Task(u32),
    /// An agent, by node id.
    Agent(u32),
}

impl Order {
    /// The task or agent the order is about.
    pub fn subject(&self) -> Subject {
        match *self {
            Order::Assign { task, .. } | Order::Complete { task, .. } => Subject::Task(task),
            Order::Dead { agent } | Order::Alive { agent } => Subject::Agent(agent),
        }
    }
}

impl fmt::Display for Order {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Order::Assign {
                task,
                agent,
                attempt,
            } => write!(f, "assign t{task} to n{agent} (attempt {attempt})"),
            Order::Complete {
                task,
                agent,
                attempt: Some(a),
                ..
            } => write!(f, "t{task} done at n{agent} (attempt {a})"),
            Order::Complete { task, agent, .. } => {
                write!(f, "t{task} done at n{agent} (unfenced)")
            }
            Order::Dead { agent } => write!(f, "n{agent} is dead"),
            Order::Alive { agent } => write!(f, "n{agent} is alive"),
        }
    }
}

/// A damaged order reads as the same kind of order about another subject or with another
/// result, so that a coordinator applying it diverges from its peers.
impl sim_core::Corruptible for Order {
    fn corrupted(&self, noise: u64) -> Order {
        let bit = 1 << (noise % 4);
        match *self {
            Order::Assign {
                task,
                agent,
                attempt,
            } => Order::Assign {
                task,
                agent: agent ^ bit,
                attempt,
            },
            Order::Complete {
                task,
                agent,
                attempt,
                result,
            } => Order::Complete {
                task,
                agent,
                attempt,
                result: result ^ (noise | 1),
            },
            Order::Dead { agent } => Order::Dead { agent: agent ^ bit },
            Order::Alive { agent } => Order::Alive { agent: agent ^ bit },
        }
    }
}
