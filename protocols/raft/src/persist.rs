//! What a server keeps on its disk, and where: currentTerm and votedFor, each log entry under
//! its index, and the latest snapshot. Every write is followed by a sync before the server
//! answers anything that depends on it.

use crate::log::Entry;
use crate::snapshot::Snapshot;
use kv::KvMap;
use rsm::StateMachine;
use sim_core::{DiskKey, NodeId};

/// One durable record.
#[derive(Clone, Debug)]
pub enum Record<S: StateMachine = KvMap> {
    /// currentTerm.
    Term(u64),
    /// votedFor, with the term it was cast in.
    Vote {
        /// The term.
        term: u64,
        /// The candidate.
        candidate: NodeId,
    },
    /// A log entry (the key holds its index).
    Entry(Entry<S>),
    /// The latest snapshot.
    Snapshot(Box<Snapshot<S>>),
}

/// Where currentTerm lives.
pub const TERM: DiskKey = DiskKey("term", 0);
/// Where votedFor lives.
pub const VOTE: DiskKey = DiskKey("vote", 0);
/// Where the snapshot lives.
pub const SNAPSHOT: DiskKey = DiskKey("snapshot", 0);
/// The name of the log's records; entry `i` is `("log", i)`.
pub const LOG: &str = "log";
