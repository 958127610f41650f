//! What a server keeps on its disk, and where: currentTerm with votedFor (twice, so that one
//! damaged copy never loses a vote), each log entry under its index with the chained hash of
//! the log up to it (so that an entry a lost write left stale is caught), the latest snapshot,
//! and, while a server repairs a damaged log, how far its log reached before the damage. Every
//! write is followed by a sync before the server answers anything that depends on it.

use crate::log::{Entry, Payload};
use crate::snapshot::Snapshot;
use kv::KvMap;
use rsm::StateMachine;
use sim_core::{DiskKey, NodeId};
use std::sync::Arc;

/// One durable record.
#[derive(Clone, Debug)]
pub enum Record<S: StateMachine = KvMap> {
    /// currentTerm and votedFor (the vote cast in that term, if any).
    Meta {
        /// currentTerm.
        term: u64,
        /// votedFor in `term`.
        vote: Option<NodeId>,
    },
    /// A log entry (the key holds its index).
    Entry {
        /// The entry.
        entry: Entry<S>,
        /// The chained hash of the log up to and including it.
        chain: u64,
    },
    /// The latest snapshot.
    Snapshot(Box<Snapshot<S>>),
    /// Where the log ends and the chained hash there, written with every change to the log
    /// (twice), so that an entry a lost or misdirected write never stored at the end of the
    /// log is missed at recovery.
    Tail {
        /// The last index.
        index: u64,
        /// The chained hash of the log up to it.
        chain: u64,
    },
    /// The server found its log damaged and is repairing it: its log reached `upto` before.
    /// Until the repair ends it does not vote.
    Repair {
        /// The last index the log held before the damage.
        upto: u64,
    },
}

/// Where currentTerm and votedFor live.
pub const META: DiskKey = DiskKey("meta", 0);
/// Their second copy, under another name so that no misdirected write of one lands on the
/// other.
pub const META_COPY: DiskKey = DiskKey("meta-copy", 0);
/// Where the snapshot lives.
pub const SNAPSHOT: DiskKey = DiskKey("snapshot", 0);
/// Where the log's end is noted.
pub const TAIL: DiskKey = DiskKey("tail", 0);
/// Its second copy.
pub const TAIL_COPY: DiskKey = DiskKey("tail-copy", 0);
/// Where an unfinished repair is remembered.
pub const REPAIR: DiskKey = DiskKey("repair", 0);
/// The name of the log's records; entry `i` is `("log", i)`.
pub const LOG: &str = "log";

/// What a record's damaged bytes read as: a term or vote one bit off, an entry with a damaged
/// command (or, without one, a damaged term), a snapshot claiming another position.
impl<S: StateMachine> sim_core::Corruptible for Record<S> {
    fn corrupted(&self, noise: u64) -> Record<S> {
        let bit = 1u64 << (noise % 5);
        match self {
            Record::Meta { term, vote } if noise.is_multiple_of(2) => Record::Meta {
                term: term ^ bit,
                vote: *vote,
            },
            Record::Meta { term, vote } => Record::Meta {
                term: *term,
                vote: Some(NodeId(vote.map_or(0, |v| v.0) ^ bit as u32)),
            },
            Record::Entry { entry: e, chain } => Record::Entry {
                entry: match &e.payload {
                    Payload::Command(c) => Entry {
                        term: e.term,
                        payload: Payload::Command(Arc::new(c.corrupted(noise))),
                    },
                    _ => Entry {
                        term: e.term ^ bit,
                        payload: e.payload.clone(),
                    },
                },
                chain: *chain,
            },
            Record::Repair { upto } => Record::Repair { upto: upto ^ bit },
            Record::Tail { index, chain } => Record::Tail {
                index: index ^ bit,
                chain: *chain,
            },
            Record::Snapshot(s) => {
                let mut s = s.clone();
                s.term ^= bit;
                Record::Snapshot(s)
            }
        }
    }
}
