//! A ledger record: who produced what, named by the SHA-256 of its data.

use crate::digest::{Domain, Hash32};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A record's name, chosen by its producer: the producer and its own running number. Clients
/// read a record back by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct RecordId {
    /// The producer (an agent, a client node).
    pub producer: u32,
    /// The producer's number for it, from 1.
    pub number: u64,
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "r{}.{}", self.producer, self.number)
    }
}

/// One record: its name, the digest of its data, the data's size and the producer's time.
/// The data itself stays with the producer; the ledger keeps evidence of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Entry {
    /// The record's name.
    pub id: RecordId,
    /// SHA-256 of the data.
    pub data: Hash32,
    /// The data's size in bytes.
    pub size: u64,
    /// When the producer made it (nanoseconds of its clock).
    pub time: u64,
}

impl Entry {
    /// Bytes of a record on the wire and on disk.
    pub const BYTES: u64 = 4 + 8 + 32 + 8 + 8;

    /// The record as it is hashed: a fixed-width encoding of every field.
    pub fn encode(&self) -> [u8; Entry::BYTES as usize] {
        let mut out = [0u8; Entry::BYTES as usize];
        out[..4].copy_from_slice(&self.id.producer.to_be_bytes());
        out[4..12].copy_from_slice(&self.id.number.to_be_bytes());
        out[12..44].copy_from_slice(&self.data.0);
        out[44..52].copy_from_slice(&self.size.to_be_bytes());
        out[52..60].copy_from_slice(&self.time.to_be_bytes());
        out
    }

    /// The record's Merkle leaf.
    pub fn leaf(&self) -> Hash32 {
        Hash32::of(Domain::Leaf, &[&self.encode()])
    }
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ({} B)", self.id, self.data, self.size)
    }
}

impl sim_core::Corruptible for Entry {
    fn corrupted(&self, noise: u64) -> Entry {
        let mut e = *self;
        e.data.0[(noise % 32) as usize] ^= 1 << (noise % 8);
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::Corruptible;

    fn entry() -> Entry {
        Entry {
            id: RecordId {
                producer: 3,
                number: 9,
            },
            data: Hash32::of_data(b"result"),
            size: 1024,
            time: 5_000,
        }
    }

    #[test]
    fn every_field_moves_the_leaf() {
        let e = entry();
        let mut changed = [e; 5];
        changed[0].id.producer = 4;
        changed[1].id.number = 10;
        changed[2].data = Hash32::of_data(b"other");
        changed[3].size = 1025;
        changed[4].time = 5_001;
        for c in changed {
            assert_ne!(c.leaf(), e.leaf(), "{c:?}");
        }
        assert_ne!(e.corrupted(7).leaf(), e.leaf());
    }
}
