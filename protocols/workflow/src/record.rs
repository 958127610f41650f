//! What workflow nodes keep on their disks: consensus's records for a replicated coordinator,
//! the orders of a single coordinator, and the files an agent holds.

use crate::engine::{EngineState, Order};
use sim_core::{Disk, DiskKey};

/// Where the files a node holds live on its disk: `("file", id << 32 | version)`. Agents keep
/// what they produce and fetch; coordinators, what agents upload to them.
pub(crate) const FILES: &str = "file";

/// Writes a held file to `disk` and syncs it, so that it outlives a crash.
pub(crate) fn persist_file(disk: &mut Disk<Record>, (file, version, bytes): (u32, u32, u64)) {
    let key = u64::from(file) << 32 | u64::from(version);
    disk.put(DiskKey(FILES, key), Record::File { version, bytes });
    disk.sync();
}

/// The files on `disk`, by file and version, with their sizes.
pub(crate) fn files_on(disk: &Disk<Record>) -> impl Iterator<Item = ((u32, u32), u64)> + '_ {
    disk.range(FILES).filter_map(|(key, r)| match r {
        Record::File { version, bytes } => Some((((key >> 32) as u32, *version), *bytes)),
        _ => None,
    })
}

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

/// What a record's damaged bytes read as: consensus's records as their protocols say, an
/// order damaged as [`Order`] says, a file claiming another version.
impl sim_core::Corruptible for Record {
    fn corrupted(&self, noise: u64) -> Record {
        match self {
            Record::Raft(r) => Record::Raft(r.corrupted(noise)),
            Record::Paxos(r) => Record::Paxos(r.corrupted(noise)),
            Record::Order(o) => Record::Order(o.corrupted(noise)),
            Record::File { version, bytes } => Record::File {
                version: version ^ (1 << (noise % 3)),
                bytes: *bytes,
            },
        }
    }
}
