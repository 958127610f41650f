//! # raft: Raft as the extended paper and Ongaro's thesis specify it
//!
//! A sans-IO Raft server ([`Server`]) serving the shared replicated key-value store
//! ([`kv::KvStore`]) to simulated clients ([`kv::Client`]), run by sim-core as a
//! [`RaftNode`]:
//!
//! - leader election with randomized timeouts, pre-votes and CheckQuorum (each an option);
//! - log replication with the consistency check, pipelining, fast backtracking of nextIndex,
//!   and the commit rule of section 5.4.2 (a no-op entry opens every term);
//! - persistence of currentTerm, votedFor and entries, synced before any answer that
//!   depends on them, and recovery from disk after a restart;
//! - snapshots at a configurable log size, and InstallSnapshot for followers behind them;
//! - single-server membership changes (thesis chapter 4), with the rule that a leader first
//!   commits an entry of its own term;
//! - linearizable reads through the log or through ReadIndex;
//! - the paper's safety properties as incremental [`checkers`], plus linearizability of the
//!   client history at the end ([`cluster::history`]);
//! - named departures from the paper ([`Bug`]) that the checkers are shown to catch.
//!
//! Start with [`cluster::build`] for a ready-made simulation. The entry points are the same,
//! under the same names, as `paxos`'s, so that code written for one reads the other:
//! [`cluster::build`], [`add_checkers`], [`leader()`], [`history()`], [`check_history`],
//! [`metrics()`].

pub mod checkers;
pub mod cluster;
mod config;
mod host;
mod log;
mod message;
pub mod metrics;
mod node;
mod persist;
mod server;
mod snapshot;
mod view;

pub use checkers::add_checkers;
pub use cluster::{check_history, clients, cluster, history, leader};
pub use config::{Bug, Config, ReadMode};
pub use host::{Host, RaftRecord};
pub use log::{Entry, Log, Payload};
pub use message::Msg;
pub use metrics::{Metrics, metrics};
pub use node::{NodeConfig, RaftNode, Role as NodeRole, Timer};
pub use persist::Record;
pub use server::{Change, Role, Server};
pub use snapshot::Snapshot;
pub use view::server_view;
