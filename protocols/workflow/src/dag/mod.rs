//! The description of a workflow: what has to run, in which order, and how much data moves.
//!
//! A [`Workflow`] is immutable and always valid (acyclic, every id known), because the only way
//! to make one is a [`WorkflowBuilder`]. Workflows come from a [`WorkflowSource`]: a generator
//! drawing from a named random stream ([`generate`]) or a WfCommons WfFormat 1.5 file
//! ([`wfformat`]).

mod error;
pub mod generate;
mod graph;
mod rank;
mod source;
mod spec;
mod task;
pub mod wfformat;

pub use error::WorkflowError;
pub use generate::{Shape, TaskParams};
pub use graph::{MAX_TASKS, Workflow, WorkflowBuilder};
pub use source::WorkflowSource;
pub use spec::{RuntimeSpec, SizeSpec};
pub use task::{File, FileId, Machine, Recorded, Task, TaskId};
