//! Agent workflows: a DAG of tasks that a coordinator dispatches to agent nodes.
//!
//! The [`dag`] module describes the work itself (tasks, the files they exchange, their
//! dependencies), builds it from a generator or from a recorded WfCommons instance, and ranks it
//! for schedulers.

pub mod dag;

pub use dag::{
    File, FileId, Machine, Recorded, RuntimeSpec, Shape, SizeSpec, Task, TaskId, TaskParams,
    Workflow, WorkflowBuilder, WorkflowError, WorkflowSource,
};
