//! A hash-chained shared ledger: producers' records (who, the SHA-256 of their data, its size,
//! when) batched into blocks, each block naming the hash of the one before, the order agreed
//! by Raft or Multi-Paxos.
//!
//! This crate holds the ledger's data and rules, free of any protocol: records
//! ([`Entry`]), blocks and their headers ([`Block`], [`BlockHeader`]), Merkle trees and the
//! proofs a client checks one record with ([`merkle`]), the hash chain ([`chain`]), and the
//! replicated state machine ([`Ledger`]) with its sequential model and workload.

mod block;
pub mod chain;
mod digest;
mod entry;
mod machine;
pub mod merkle;
mod model;
mod op;
mod workload;

pub use block::{Block, BlockFault, BlockHeader, GENESIS};
pub use digest::Hash32;
pub use entry::{Entry, RecordId};
pub use machine::{Ledger, WINDOW};
pub use model::LedgerModel;
pub use op::{LedgerAnswer, LedgerOp};
pub use workload::LedgerWorkload;
