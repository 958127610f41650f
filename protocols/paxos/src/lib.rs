//! # paxos: single-decree Paxos and Multi-Paxos with a stable leader
//!
//! Lamport's Synod protocol as "Paxos Made Simple" describes it, and Multi-Paxos built on it,
//! serving the same replicated key-value store (`kv`) as Raft, so that the two are measured on
//! the same service and judged by the same linearizability checker.
//!
//! - [`synod`]: single-decree Paxos. Proposers, acceptors and learners as separate roles
//!   that a node may hold; unique ballots `(round, node id)`; prepare/promise carrying the
//!   highest accepted proposal; accept/accepted; learners that learn a value once a quorum
//!   accepted it; dueling proposers separated by randomized back-off.
//! - [`PaxosNode`]: Multi-Paxos. Every server is proposer, acceptor and learner. A
//!   distinguished leader runs phase 1 once for all open slots, re-proposes what the promises
//!   report and fills gaps with no-ops, then runs only phase 2 for a window of slots, several
//!   client commands per slot. Commits travel on accepts and heartbeats; lagging replicas catch
//!   up by asking for chosen values or a snapshot; followers detect a failed leader by missing
//!   heartbeats under randomized timeouts. Acceptors write and sync their promise and accepted
//!   proposals before they answer and recover them after a restart. Flexible quorums are an
//!   option ([`Config::phase1_quorum`], [`Config::phase2_quorum`]).
//! - Reads go through the log: a get is a command in a slot like a put, so it is linearizable
//!   by the same argument (it is applied after everything chosen before it, before everything
//!   chosen after).
//! - Checks while a run goes on ([`add_checkers`]): agreement, validity, promises never
//!   decrease, the same command applied at each slot by every replica; at the end, the client
//!   history's linearizability ([`check_history`]).
//! - Known bugs to switch on ([`Bug`]): `forget-promise`, `ignore-accepted`,
//!   `non-unique-ballots`.
//!
//! The entry points are the same, under the same names, as `raft`'s, so that code written for
//! one reads the other: [`cluster::build`], [`add_checkers`], [`leader()`], [`history()`],
//! [`check_history`], [`metrics()`].
//!
//! ```no_run
//! use paxos::{Config, cluster, metrics};
//! use sim_core::{SimConfig, Time};
//!
//! let config = Config::default();
//! let workload = kv::WorkloadConfig::default();
//! let sim_config = SimConfig { seed: 7, ..SimConfig::default() };
//! let mut sim = cluster::build(sim_config, &config, 5, &workload).expect("a valid cluster");
//! sim.run_until(Time(5_000_000_000)).unwrap();
//! println!("{:?}", metrics(&sim));
//! ```

mod acceptor;
mod ballot;
pub mod checkers;
pub mod cluster;
mod config;
mod disk_note;
mod host;
mod journal;
mod leader;
mod message;
pub mod metrics;
mod node;
mod proposer;
mod replica;
mod server;
pub mod synod;
pub mod synod_agreement;
mod value;
mod view;

pub use acceptor::{AcceptOutcome, Acceptor, MAX_SLOTS_AHEAD};
pub use ballot::Ballot;
pub use checkers::add_checkers;
pub use cluster::{check_history, clients, cluster, history, leader};
pub use config::{Bug, Config};
pub use disk_note::Note;
pub use host::{Host, PaxosRecord};
pub use journal::Journal;
pub use leader::{Leading, Proposal};
pub use message::{AcceptedEntry, Msg};
pub use metrics::{Metrics, metrics};
pub use node::{NodeConfig, PaxosNode, Record, Role, Timer};
pub use proposer::{Phase1, Phase1Outcome, highest_accepted};
pub use replica::{Applied, Replica, Snapshot};
pub use server::{MAX_QUEUED, Proposer, Server};
pub use value::{Batch, Value, chain};
