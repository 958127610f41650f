//! What a workflow node's timers mean.

use serde::Serialize;

/// Every timer of a workflow cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Timer {
    /// A Raft timer of a coordinator.
    Raft(raft::Timer),
    /// A Multi-Paxos timer of a coordinator.
    Paxos(paxos::Timer),
    /// A coordinator's periodic look at its agents and its plan.
    Tick,
    /// An agent's heartbeat is due.
    Heartbeat,
    /// An agent finishes running a task.
    Finish {
        /// The task.
        task: u32,
        /// The attempt.
        attempt: u32,
    },
    /// An agent has waited long enough for a file from one holder.
    Fetch {
        /// The file.
        file: u32,
        /// Which request for it this is.
        request: u32,
    },
    /// An agent's report is still unacknowledged.
    Report {
        /// The task.
        task: u32,
        /// The attempt.
        attempt: u32,
    },
}

impl From<raft::Timer> for Timer {
    fn from(t: raft::Timer) -> Timer {
        Timer::Raft(t)
    }
}

impl From<paxos::Timer> for Timer {
    fn from(t: paxos::Timer) -> Timer {
        Timer::Paxos(t)
    }
}
