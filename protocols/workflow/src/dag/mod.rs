//! The description of a workflow: what has to run, in which order, and how much data moves.
//!
//! A [`Workflow`] is immutable and always valid (acyclic, every id known), because the only way
//! to make one is a [`WorkflowBuilder`].

mod error;
mod graph;
mod rank;
mod task;

pub use error::WorkflowError;
pub use graph::{Workflow, WorkflowBuilder};
pub use task::{File, FileId, Machine, Recorded, Task, TaskId};
