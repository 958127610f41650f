//! # rsm: replicating any state machine
//!
//! Raft and Multi-Paxos agree on a sequence of commands; what those commands mean is not
//! theirs to know. This crate is the boundary between the two, in the manner of raft-rs and
//! etcd's raft, which leave the state machine to the application:
//!
//! - [`StateMachine`]: a deterministic service: its operations, their results, apply,
//!   snapshot and restore, sizes for the network model, and the
//!   [`Model`](sim_core::history::Model) its clients' histories are checked against.
//! - [`Store`]: a state machine with exactly-once client sessions: a request retried after a
//!   timeout is applied once however many copies reach the log.
//! - [`Command`], [`Request`], [`Reply`]: what clients and servers say to each other; a
//!   protocol wraps them in its own message enum.
//! - [`Client`]: a simulated client as a sans-IO part that any protocol node embeds. It draws
//!   operations from the machine's [`Workload`], sends them to the server it believes leads,
//!   retries on timeouts and redirects, and records every invocation and completion in
//!   virtual time.
//! - [`collect_history`], [`check_linearizable`] and [`ClientMetrics`]: the clients' records
//!   as one history for the linearizability checker, and latency figures from the same record.

mod client;
mod command;
mod history;
mod machine;
mod store;
mod workload;

pub use client::{Client, ClientConfig, ClientTimer};
pub use command::{Command, Outcome, Reply, ReplyOutcome, Request};
pub use history::{ClientMetrics, check_linearizable, collect_history, longest_silence_ms};
pub use machine::{Digest, StateMachine, Wire};
pub use store::{Session, Snapshot, Store};
pub use workload::{Load, NoClients, Pacing, Workload};
