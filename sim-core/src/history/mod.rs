//! Client histories and a linearizability checker.
//!
//! Raft and Paxos are only as trustworthy as the checker that judges their client histories.
//! This module records what simulated clients asked and were told ([`Recorder`],
//! [`History`]), describes what the replicated object should have done ([`Model`], with
//! ready-made [`models`]), and decides whether the two agree ([`check`]): whether every
//! operation can be placed at one instant within its interval so that the result is a legal
//! sequential run. When it cannot, [`explain`] shrinks the evidence to a few operations and
//! draws them. Histories travel to and from other tools as Jepsen EDN ([`edn`]).
//!
//! The search is Wing and Gong's, with Lowe's memoization of (operations taken, state), run
//! separately per key where the model allows it. It answers linearizable, not linearizable,
//! or — when its [`Budget`] runs out — unknown; it never guesses.

mod check;
pub mod edn;
mod error;
mod explain;
mod model;
pub mod models;
mod op;
mod record;
mod recorder;

pub use check::{Budget, Exhausted, PartitionVerdict, Report, Verdict, check};
pub use error::HistoryError;
pub use explain::{ExplainError, ExplainedOp, Explanation, explain};
pub use model::{Model, Step};
pub use op::{Completion, OpId, Operation, ProcessId};
pub use record::History;
pub use recorder::{OpHandle, Recorder};
