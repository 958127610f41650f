//! # workflow: distributed agent workflows
//!
//! An engine splits a job into tasks with dependencies and dispatches each ready task to an
//! agent; agents fetch the inputs, run the task and share the outputs; heartbeats detect dead
//! agents, whose tasks run again elsewhere; and the engine's own state is agreed by consensus,
//! so that it survives the crash of a coordinator.
//!
//! - [`engine`]: the engine as a replicated state machine ([`EngineState`]): the orders its
//!   coordinators agree on (assign, complete, dead, alive), fenced by attempt numbers, and the
//!   model its history is checked against.

pub mod engine;

pub use engine::{Answer, EngineModel, EngineState, Order, Subject};
