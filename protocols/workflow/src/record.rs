//! What workflow nodes keep on their disks: consensus's records for a replicated coordinator,
//! the orders of a single coordinator, and the files an agent holds.

use crate::engine::{EngineState, Order};

/// One durable record.
#[derive(Clone, Debug)]
pub enum Record {
    /// A Raft coordinator's record.
    Raft(raft::Record<EngineState>),
    /// A Multi-Paxos coordinator's record.
    Paxos(paxos::Record<EngineState>),
    /// A single coordinator's order, in the position its key gives.
    Order(Order),
    /// A file an agent holds: its version and size.
    File {
        /// The attempt of the task that wrote it (0 for a workflow input).
        version: u32,
        /// Its size in bytes.
        bytes: u64,
    },
}

impl From<raft::Record<EngineState>> for Record {
    fn from(r: raft::Record<EngineState>) -> Record {
        Record::Raft(r)
    }
}

impl From<paxos::Record<EngineState>> for Record {
    fn from(r: paxos::Record<EngineState>) -> Record {
        Record::Paxos(r)
    }
}

impl raft::RaftRecord<EngineState> for Record {
    fn raft(&self) -> Option<&raft::Record<EngineState>> {
        match self {
            Record::Raft(r) => Some(r),
            _ => None,
        }
    }
}

impl paxos::PaxosRecord<EngineState> for Record {
    fn paxos(&self) -> Option<&paxos::Record<EngineState>> {
        match self {
            Record::Paxos(r) => Some(r),
            _ => None,
        }
    }
}
