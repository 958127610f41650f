//! # kv: the replicated key-value service that Raft and Paxos both serve
//!
//! A consensus protocol is only interesting with something to agree on. This crate is the
//! service the benchmarks, the shipped scenarios and the Raft/Multi-Paxos comparison use,
//! written once so that both protocols are measured on exactly the same service and judged by
//! exactly the same checker. It is one [`rsm::StateMachine`]; the sessions, the client and the
//! history tools are [`rsm`]'s, named here for the key-value store:
//!
//! - [`KvMap`]: the deterministic state machine (get, put, append), checked against
//!   [`KvModel`](sim_core::history::models::KvModel).
//! - [`KvStore`]: the map with client sessions, so that a request retried after a timeout is
//!   applied once however many times it reaches the log.
//! - [`WorkloadConfig`]: what the simulated clients ask for and how often; the `[workload]`
//!   table of a key-value scenario.
//! - [`check_linearizable`]: a history of the clients' operations against the key-value model.

pub mod benchmark;
mod map;
mod workload;

pub use map::KvMap;
pub use rsm::{ClientMetrics, ClientTimer, Pacing, collect_history, longest_silence_ms};
pub use sim_core::history::models::{KvInput, KvOutput};
pub use workload::{Mix, WorkloadConfig};

use sim_core::history::models::KvModel;
use sim_core::history::{Budget, History, Report, check};

/// The key-value map with its client sessions: what every replica applies commands to.
pub type KvStore = rsm::Store<KvMap>;
/// What the store remembers of a client.
pub type Session = rsm::Session<KvMap>;
/// A key-value operation with its client and sequence number.
pub type Command = rsm::Command<KvMap>;
/// A client's request.
pub type Request = rsm::Request<KvMap>;
/// A server's answer.
pub type Reply = rsm::Reply<KvMap>;
/// How a server answered.
pub type ReplyOutcome = rsm::ReplyOutcome<KvMap>;
/// A simulated client of the key-value service.
pub type Client = rsm::Client<KvMap>;
/// What a key-value client needs to know.
pub type ClientConfig = rsm::ClientConfig<KvMap>;

/// Checks a key-value history for linearizability within `budget`.
pub fn check_linearizable(history: &History<KvInput, KvOutput>, budget: &Budget) -> Report<String> {
    check(&KvModel, history, budget)
}
