//! What ledger nodes keep on their disks: consensus's records, and the blocks of the chain,
//! one record per block (`("block", height)`).

use crate::block::Block;
use crate::machine::Ledger;
use sim_core::DiskKey;

/// Where a node keeps its blocks.
pub const BLOCKS: &str = "block";

/// The key of the block at `height`.
pub fn block_key(height: u64) -> DiskKey {
    DiskKey(BLOCKS, height)
}

/// One durable record.
#[derive(Clone, Debug)]
pub enum Record {
    /// A Raft server's record.
    Raft(raft::Record<Ledger>),
    /// A Multi-Paxos server's record.
    Paxos(paxos::Record<Ledger>),
    /// A block of the chain (boxed: a header is larger than consensus's records, and every
    /// record on the disk and in its undo log would pay for it).
    Block(Box<Block>),
}

impl From<raft::Record<Ledger>> for Record {
    fn from(r: raft::Record<Ledger>) -> Record {
        Record::Raft(r)
    }
}

impl From<paxos::Record<Ledger>> for Record {
    fn from(r: paxos::Record<Ledger>) -> Record {
        Record::Paxos(r)
    }
}

impl raft::RaftRecord<Ledger> for Record {
    fn raft(&self) -> Option<&raft::Record<Ledger>> {
        match self {
            Record::Raft(r) => Some(r),
            _ => None,
        }
    }
}

impl paxos::PaxosRecord<Ledger> for Record {
    fn paxos(&self) -> Option<&paxos::Record<Ledger>> {
        match self {
            Record::Paxos(r) => Some(r),
            _ => None,
        }
    }
}

/// Consensus's records damage as their protocols say; a block as [`Block`] says, which keeps
/// a tampered block consistent with itself.
impl sim_core::Corruptible for Record {
    fn corrupted(&self, noise: u64) -> Record {
        match self {
            Record::Raft(r) => Record::Raft(r.corrupted(noise)),
            Record::Paxos(r) => Record::Paxos(r.corrupted(noise)),
            Record::Block(b) => Record::Block(Box::new(b.corrupted(noise))),
        }
    }

    fn tampered(&self, noise: u64) -> Record {
        match self {
            Record::Raft(r) => Record::Raft(r.tampered(noise)),
            Record::Paxos(r) => Record::Paxos(r.tampered(noise)),
            Record::Block(b) => Record::Block(Box::new(b.tampered(noise))),
        }
    }
}
