//! What ledger nodes say to each other: consensus's messages, producers' requests, and blocks
//! fetched to fill or repair a node's copy of the chain.

use crate::block::Block;
use crate::digest::Hash32;
use crate::entry::Entry;
use crate::machine::Ledger;
use crate::reader::ReadAnswer;
use rsm::Request;
use serde::Serialize;
use sim_core::Message;

/// A ledger message.
#[derive(Clone, Debug, Serialize)]
pub enum Msg {
    /// Raft between servers, and its replies to producers.
    Raft(raft::Msg<Ledger>),
    /// Multi-Paxos between servers, and its replies to producers.
    Paxos(paxos::Msg<Ledger>),
    /// A producer's request, for whichever protocol the servers run.
    Request(Request<Ledger>),
    /// "Send me your blocks from height `from` up to `upto` (inclusive)."
    Fetch {
        /// The first height wanted.
        from: u64,
        /// The last height wanted.
        upto: u64,
    },
    /// Blocks a peer holds, in height order (those it could read; possibly none).
    Blocks(Vec<Block>),
    /// A reader asks a server for its chain's head.
    HeadQuery {
        /// The reader's round.
        round: u64,
    },
    /// A server's head.
    Head {
        /// The reader's round.
        round: u64,
        /// The head's height (0: no block yet).
        height: u64,
        /// The head's hash.
        hash: Hash32,
    },
    /// A reader asks for a record of block `height` (the one at `pick` modulo its count), with
    /// the headers from `since` up to `head` (those it lacks).
    Read {
        /// The reader's round.
        round: u64,
        /// The block.
        height: u64,
        /// The head the reader trusts.
        head: u64,
        /// Which record.
        pick: u64,
        /// The first header the reader lacks.
        since: u64,
    },
    /// The answer to a read.
    ReadAnswer(ReadAnswer),
}

/// The most blocks sent in one answer.
pub const FETCH_BATCH: u64 = 16;

impl Message for Msg {
    /// What the replicated log's own messages promise.
    fn promises_durability(&self) -> bool {
        match self {
            Msg::Raft(m) => m.promises_durability(),
            Msg::Paxos(m) => m.promises_durability(),
            _ => false,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Msg::Raft(m) => m.kind(),
            Msg::Paxos(m) => m.kind(),
            Msg::Request(_) => "Request",
            Msg::Fetch { .. } => "Fetch",
            Msg::Blocks(_) => "Blocks",
            Msg::HeadQuery { .. } => "HeadQuery",
            Msg::Head { .. } => "Head",
            Msg::Read { .. } => "Read",
            Msg::ReadAnswer(_) => "ReadAnswer",
        }
    }

    fn size(&self) -> u64 {
        match self {
            Msg::Raft(m) => m.size(),
            Msg::Paxos(m) => m.size(),
            Msg::Request(r) => r.command.size(),
            Msg::Fetch { .. } => 32,
            Msg::Blocks(blocks) => 16 + blocks.iter().map(Block::size).sum::<u64>(),
            Msg::HeadQuery { .. } | Msg::Read { .. } => 32,
            Msg::Head { .. } => 56,
            Msg::ReadAnswer(a) => {
                let proof = a
                    .found
                    .as_ref()
                    .map_or(0, |(_, _, _, p)| 8 + 32 * p.path.len() as u64);
                24 + proof + Entry::BYTES + Block::HEADER_BYTES * (1 + a.path.len() as u64)
            }
        }
    }
}

impl From<raft::Msg<Ledger>> for Msg {
    fn from(m: raft::Msg<Ledger>) -> Msg {
        Msg::Raft(m)
    }
}

impl From<paxos::Msg<Ledger>> for Msg {
    fn from(m: paxos::Msg<Ledger>) -> Msg {
        Msg::Paxos(m)
    }
}

impl From<Request<Ledger>> for Msg {
    fn from(r: Request<Ledger>) -> Msg {
        Msg::Request(r)
    }
}
