//! Agent workflows: a DAG of tasks that a coordinator dispatches to agent nodes.
//!
//! The [`dag`] module describes the work itself (tasks, the files they exchange, their
//! dependencies) and ranks it for schedulers.

pub mod dag;

pub use dag::{
    File, FileId, Machine, Recorded, Task, TaskId, Workflow, WorkflowBuilder, WorkflowError,
};
