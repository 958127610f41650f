//! # kv: the replicated key-value service that Raft and Paxos both serve
//!
//! A consensus protocol is only interesting with something to agree on. This crate is that
//! something, written once so that Raft and Multi-Paxos are measured on exactly the same
//! service and judged by exactly the same checker:
//!
//! - [`KvStore`]: the deterministic state machine (get, put, append) with client sessions, so
//!   that a request retried after a timeout is applied once however many times it reaches the
//!   log.
//! - [`Request`] and [`Reply`]: what clients and servers say to each other; a protocol wraps
//!   them in its own message enum.
//! - [`Client`]: a simulated client as a sans-IO part that any protocol node embeds. It draws
//!   operations from a [`WorkloadConfig`], sends them to the server it believes leads, retries
//!   on timeouts and redirects, and records every invocation and completion in virtual time.
//! - [`collect_history`] and [`ClientMetrics`]: the recorded operations of all clients as one
//!   history for the linearizability checker, and latency figures from the same record.

pub mod benchmark;
mod client;
mod history;
mod request;
mod store;
mod workload;

pub use client::{Client, ClientConfig, ClientTimer};
pub use history::{ClientMetrics, check_linearizable, collect_history, longest_silence_ms};
pub use request::{Command, Reply, ReplyOutcome, Request};
pub use sim_core::history::models::{KvInput, KvOutput};
pub use store::{KvStore, Session};
pub use workload::{Mix, Pacing, WorkloadConfig};
