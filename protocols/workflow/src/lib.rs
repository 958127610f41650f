//! # workflow: distributed agent workflows
//!
//! An engine splits a job into tasks with dependencies and dispatches each ready task to an
//! agent; agents fetch the inputs, run the task and share the outputs; heartbeats detect dead
//! agents, whose tasks run again elsewhere; and the engine's own state is agreed by consensus,
//! so that it survives the crash of a coordinator.
//!
//! - [`dag`]: the work itself (tasks, the files they exchange, their dependencies), built from
//!   a generator or from a recorded WfCommons instance, and ranked for schedulers.
//! - [`WorkflowNode`]: a coordinator ([`Coordinator`]) or an agent ([`Agent`]); coordinators
//!   keep the engine's state alone or replicated by the real Raft or Multi-Paxos
//!   ([`Deployment`]), and the leader schedules by a [`Policy`]; outputs travel by a
//!   [`Sharing`] mode.
//! - [`checkers`]: the safety properties, checked after every event, and the engine's
//!   history.
//! - [`engine`]: the engine as a replicated state machine ([`EngineState`]): the orders its
//!   coordinators agree on (assign, complete, dead, alive), fenced by attempt numbers, and the
//!   model its history is checked against.

mod agent;
pub mod checkers;
pub mod cluster;
mod config;
mod coordinator;
pub mod dag;
pub mod engine;
pub mod fidelity;
mod message;
pub mod metrics;
mod node;
mod record;
mod setup;
mod timer;

pub use agent::{Agent, AgentCounters, AgentJournal};
pub use cluster::{build, build_unchecked, check_history, complete, done, engine, history, leader};
pub use config::{Bug, Deployment, Params, Policy, Sharing};
pub use coordinator::{Coordinator, CoordinatorJournal};
pub use dag::{
    File, FileId, Machine, Recorded, RuntimeSpec, Shape, SizeSpec, Task, TaskId, TaskParams,
    Workflow, WorkflowBuilder, WorkflowError, WorkflowSource,
};
pub use engine::{Answer, EngineModel, EngineState, Order, Subject};
pub use message::Msg;
pub use metrics::{Metrics, metrics};
pub use node::{NodeConfig, WorkflowNode};
pub use record::Record;
pub use setup::Setup;
pub use timer::Timer;
