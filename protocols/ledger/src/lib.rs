//! A hash-chained shared ledger: producers' records (who, the SHA-256 of their data, its size,
//! when) batched into blocks, each block naming the hash of the one before, the order agreed
//! by Raft or Multi-Paxos.
//!
//! This crate holds the ledger's data and rules, free of any protocol: records
//! ([`Entry`]), blocks and their headers ([`Block`], [`BlockHeader`]), Merkle trees and the
//! proofs a client checks one record with ([`merkle`]), the hash chain ([`chain`]), and the
//! replicated state machine ([`Ledger`]) with its sequential model and workload; and the
//! nodes that run it: servers hosting Raft or Multi-Paxos, each keeping its own copy of the
//! chain on its disk (written as blocks are cut, scrubbed, repaired from peers), and
//! producers submitting records.

mod block;
pub mod chain;
pub mod checkers;
pub mod cluster;
mod config;
mod consensus;
mod digest;
mod entry;
mod headers;
mod machine;
pub mod merkle;
mod message;
mod metrics;
mod model;
mod node;
mod op;
mod reader;
mod record;
mod records;
mod server;
mod submitted;
mod timer;
mod workload;

pub use block::{Block, BlockFault, BlockHeader, GENESIS};
pub use config::{Deployment, LedgerBug, LedgerConfig};
pub use digest::Hash32;
pub use entry::{Entry, RecordId};
pub use headers::Headers;
pub use machine::{Ledger, WINDOW};
pub use message::{FETCH_BATCH, Msg};
pub use metrics::{LedgerMetrics, metrics};
pub use model::LedgerModel;
pub use node::{LedgerNode, NodeConfig, Role};
pub use op::{LedgerAnswer, LedgerOp};
pub use reader::{ReadAnswer, Reader, ReaderCounters, ReaderJournal};
pub use record::{BLOCKS, Record, block_key};
pub use records::Records;
pub use server::{LedgerServer, ServerCounters, ServerJournal};
pub use submitted::Submitted;
pub use timer::Timer;
pub use workload::LedgerWorkload;
