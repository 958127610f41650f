//! What a server keeps on its disk, and where: currentTerm and votedFor, each log entry under
//! its index, and the latest snapshot. Every write is followed by a sync before the server
//! answers anything that depends on it.

use crate::log::{Entry, Payload};
use crate::snapshot::Snapshot;
use kv::KvMap;
use rsm::StateMachine;
use sim_core::{DiskKey, NodeId};
use std::sync::Arc;

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

/// What a record's damaged bytes read as: a term or vote one bit off, an entry with a damaged
/// command (or, without one, a damaged term), a snapshot claiming another position.
impl<S: StateMachine> sim_core::Corruptible for Record<S> {
    fn corrupted(&self, noise: u64) -> Record<S> {
        let bit = 1u64 << (noise % 5);
        match self {
            Record::Term(t) => Record::Term(t ^ bit),
            Record::Vote { term, candidate } => Record::Vote {
                term: *term,
                candidate: NodeId(candidate.0 ^ bit as u32),
            },
            Record::Entry(e) => Record::Entry(match &e.payload {
                Payload::Command(c) => Entry {
                    term: e.term,
                    payload: Payload::Command(Arc::new(c.corrupted(noise))),
                },
                _ => Entry {
                    term: e.term ^ bit,
                    payload: e.payload.clone(),
                },
            }),
            Record::Snapshot(s) => {
                let mut s = s.clone();
                s.term ^= bit;
                Record::Snapshot(s)
            }
        }
    }
}
