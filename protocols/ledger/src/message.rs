//! What ledger nodes say to each other: consensus's messages, producers' requests, and blocks
//! fetched to fill or repair a node's copy of the chain.

use crate::block::Block;
use crate::machine::Ledger;
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
}

/// The most blocks sent in one answer.
pub const FETCH_BATCH: u64 = 16;

impl Message for Msg {
    fn kind(&self) -> &'static str {
        match self {
            Msg::Raft(m) => m.kind(),
            Msg::Paxos(m) => m.kind(),
            Msg::Request(_) => "Request",
            Msg::Fetch { .. } => "Fetch",
            Msg::Blocks(_) => "Blocks",
        }
    }

    fn size(&self) -> u64 {
        match self {
            Msg::Raft(m) => m.size(),
            Msg::Paxos(m) => m.size(),
            Msg::Request(r) => r.command.size(),
            Msg::Fetch { .. } => 32,
            Msg::Blocks(blocks) => 16 + blocks.iter().map(Block::size).sum::<u64>(),
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
