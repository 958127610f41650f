//! The plain data of a workflow: tasks, the files they exchange, and how a recorded run went.

use serde::{Deserialize, Serialize};
use sim_core::Duration;
use std::fmt;

/// Names a task by its position in [`crate::Workflow::tasks`], so that schedulers index plain
/// vectors instead of looking names up.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct TaskId(pub u32);

/// Names a file by its position in [`crate::Workflow::files`], for the same reason as
/// [`TaskId`].
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct FileId(pub u32);

impl TaskId {
    /// The position of the task, for indexing the workflow's vectors.
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

impl FileId {
    /// The position of the file, for indexing the workflow's vectors.
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "task#{}", self.0)
    }
}

impl fmt::Display for FileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "file#{}", self.0)
    }
}

/// One unit of work an agent runs: how long it takes on a reference machine, how urgent it is,
/// and which files it needs and leaves behind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    /// Unique within the workflow; what people and traces call the task.
    pub name: String,
    /// Time to run on one core of a reference machine.
    pub runtime: Duration,
    /// Larger runs first when a scheduler has a choice (WfFormat's `priority`).
    pub priority: i64,
    /// Files that must be available before the task starts.
    pub inputs: Vec<FileId>,
    /// Files the task writes; each has this task as its producer.
    pub outputs: Vec<FileId>,
}

/// Data moved between tasks: its size decides how long a transfer between machines takes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct File {
    /// Unique within the workflow.
    pub name: String,
    /// Size in bytes.
    pub size: u64,
    /// The task that writes the file; `None` for a workflow input, available from the start.
    pub producer: Option<TaskId>,
}

/// A machine of a recorded run, so that a simulation can be set up like the real one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Machine {
    /// The host name the recording used.
    pub name: String,
    /// Cores, i.e. tasks that can run at once.
    pub cores: u32,
    /// Clock speed, when recorded, to scale run times between machines.
    pub speed_mhz: Option<u32>,
}

/// How a real execution of the workflow went, to compare a simulated schedule against.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded {
    /// Wall time of the whole recorded run.
    pub makespan: Duration,
    /// The machines the run used.
    pub machines: Vec<Machine>,
    /// For each task (by [`TaskId`]), the index in `machines` it ran on, when recorded.
    pub task_machine: Vec<Option<usize>>,
}
