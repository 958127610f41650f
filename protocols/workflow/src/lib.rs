//! # workflow: distributed agent workflows
//!
//! An engine splits a job into tasks with dependencies and dispatches each ready task to an
//! agent; agents fetch the inputs, run the task and share the outputs; heartbeats detect dead
//! agents, whose tasks run again elsewhere; and the engine's own state is agreed by consensus,
//! so that it survives the crash of a coordinator.
//!
//! - [`dag`]: the work itself (tasks, the files they exchange, their dependencies), built from
//!   a generator or from a recorded WfCommons instance, and ranked for schedulers.
//! - [`engine`]: the engine as a replicated state machine ([`EngineState`]): the orders its
//!   coordinators agree on (assign, complete, dead, alive), fenced by attempt numbers, and the
//!   model its history is checked against.

pub mod dag;
pub mod engine;

pub use dag::{
    File, FileId, Machine, Recorded, RuntimeSpec, Shape, SizeSpec, Task, TaskId, TaskParams,
    Workflow, WorkflowBuilder, WorkflowError, WorkflowSource,
};
pub use engine::{Answer, EngineModel, EngineState, Order, Subject};
