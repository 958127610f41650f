//! Blocks: a batch of records, named by the hash of a header that commits to the block
//! before it (its hash), to the records (their Merkle root) and to where they sit.

use crate::digest::{Domain, Hash32};
use crate::entry::Entry;
use crate::merkle::Proof;
use crate::records::Records;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a block's predecessor hash is for the first block.
pub const GENESIS: Hash32 = Hash32([0; 32]);

/// A block's header: all a client needs to check a record against the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BlockHeader {
    /// The block's place in the chain, from 1.
    pub height: u64,
    /// The hash of the block before ([`GENESIS`] for the first).
    pub prev: Hash32,
    /// The Merkle root of the records.
    pub root: Hash32,
    /// The ledger position of the first record (positions count records from 0).
    pub first: u64,
    /// How many records the block holds.
    pub count: u32,
    /// The records' data bytes.
    pub bytes: u64,
    /// When the leader cut it (its clock, nanoseconds), as agreed in the log.
    pub time: u64,
}

impl BlockHeader {
    /// The block's name.
    pub fn hash(&self) -> Hash32 {
        Hash32::of(
            Domain::Header,
            &[
                &self.height.to_be_bytes(),
                &self.prev.0,
                &self.root.0,
                &self.first.to_be_bytes(),
                &self.count.to_be_bytes(),
                &self.bytes.to_be_bytes(),
                &self.time.to_be_bytes(),
            ],
        )
    }

    /// Whether ledger position `position` falls in this block.
    pub fn holds(&self, position: u64) -> bool {
        position >= self.first && position < self.first + u64::from(self.count)
    }
}

impl fmt::Display for BlockHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "block {} ({} records from {}, prev {})",
            self.height, self.count, self.first, self.prev
        )
    }
}

/// A block: its header and its records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    /// The header.
    pub header: BlockHeader,
    /// The records, in ledger order, shared by every copy of the block.
    pub entries: Records,
}

/// What is wrong with a block on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockFault {
    /// The header counts another number of records than the block holds.
    Count,
    /// The records do not hash to the header's Merkle root.
    Root,
    /// The header's byte count disagrees with the records.
    Bytes,
}

impl fmt::Display for BlockFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BlockFault::Count => "its header counts another number of records",
            BlockFault::Root => "its records do not hash to its Merkle root",
            BlockFault::Bytes => "its header counts other bytes than its records hold",
        })
    }
}

impl Block {
    /// The block at `height` after the block named `prev`, holding `entries` from ledger
    /// position `first`, cut at `time`.
    pub fn cut(
        height: u64,
        prev: Hash32,
        first: u64,
        entries: impl Into<Records>,
        time: u64,
    ) -> Block {
        let entries = entries.into();
        Block {
            header: BlockHeader {
                height,
                prev,
                root: entries.root(),
                first,
                count: entries.len() as u32,
                bytes: entries.iter().map(|e| e.size).sum(),
                time,
            },
            entries,
        }
    }

    /// The block's name.
    pub fn hash(&self) -> Hash32 {
        self.header.hash()
    }

    /// Whether the block agrees with its own header. (Whether it belongs in the chain is
    /// for [`crate::chain`] to say: a block rewritten by an attacker agrees with itself.)
    pub fn check(&self) -> Result<(), BlockFault> {
        if self.entries.len() != self.header.count as usize {
            return Err(BlockFault::Count);
        }
        if self.entries.iter().map(|e| e.size).sum::<u64>() != self.header.bytes {
            return Err(BlockFault::Bytes);
        }
        if self.entries.root() != self.header.root {
            return Err(BlockFault::Root);
        }
        Ok(())
    }

    /// The record at ledger position `position`, with the proof that it is in this block.
    pub fn prove(&self, position: u64) -> Option<(Entry, Proof)> {
        if !self.header.holds(position) {
            return None;
        }
        let i = (position - self.header.first) as usize;
        Some((*self.entries.get(i)?, Proof::of(&self.entries.leaves(), i)?))
    }

    /// Bytes of a header on disk and on the wire.
    pub const HEADER_BYTES: u64 = 8 + 32 + 32 + 8 + 4 + 8 + 8;

    /// Bytes of the block on disk and on the wire.
    pub fn size(&self) -> u64 {
        Block::HEADER_BYTES + self.entries.len() as u64 * Entry::BYTES
    }
}

/// Damaged bytes in a block: one record's data digest changes, and nothing else does, so the
/// block no longer agrees with its own Merkle root.
impl sim_core::Corruptible for Block {
    fn corrupted(&self, noise: u64) -> Block {
        let mut b = self.clone();
        match b.entries.len() {
            0 => b.header.root.0[(noise % 32) as usize] ^= 1,
            n => {
                let i = (noise % n as u64) as usize;
                let mut entries = b.entries.to_vec();
                entries[i] = entries[i].corrupted(noise >> 8);
                b.entries = Records::new(entries);
            }
        }
        b
    }

    /// An attacker rewrites one record and recomputes the Merkle root, so the block agrees
    /// with itself: only its hash, which the next block and the other nodes remember, gives
    /// it away.
    fn tampered(&self, noise: u64) -> Block {
        let mut entries = self.entries.to_vec();
        if let Some(n) = std::num::NonZeroUsize::new(entries.len()) {
            let i = (noise % n.get() as u64) as usize;
            entries[i] = entries[i].corrupted(noise >> 8);
        }
        let h = &self.header;
        let mut b = Block::cut(h.height, h.prev, h.first, entries, h.time);
        if b.entries.is_empty() {
            b.header.time ^= noise | 1;
        }
        b
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::entry::RecordId;
    use sim_core::Corruptible;

    pub(crate) fn entries(n: u64, producer: u32) -> Vec<Entry> {
        (1..=n)
            .map(|number| Entry {
                id: RecordId { producer, number },
                data: Hash32::of_data(&number.to_be_bytes()),
                size: 100 + number,
                time: number * 1000,
            })
            .collect()
    }

    #[test]
    fn a_cut_block_checks_and_proves_each_of_its_records() {
        let b = Block::cut(4, GENESIS, 30, entries(5, 1), 77);
        assert_eq!(b.check(), Ok(()));
        assert_eq!(b.header.bytes, 101 + 102 + 103 + 104 + 105);
        for p in 30..35 {
            let (e, proof) = b.prove(p).unwrap();
            assert_eq!(e, b.entries[(p - 30) as usize]);
            assert!(proof.verifies(e.leaf(), b.header.root));
        }
        assert!(b.prove(29).is_none() && b.prove(35).is_none());
    }

    #[test]
    fn corruption_breaks_the_root_and_tampering_keeps_it_but_moves_the_hash() {
        let b = Block::cut(2, GENESIS, 0, entries(3, 2), 5);
        let c = b.corrupted(12345);
        assert_eq!(c.check(), Err(BlockFault::Root));
        let t = b.tampered(12345);
        assert_eq!(t.check(), Ok(()));
        assert_ne!(t.hash(), b.hash());
        assert_eq!(t.header.prev, b.header.prev);
        let empty = Block::cut(1, GENESIS, 0, Vec::new(), 5);
        assert_ne!(empty.tampered(3).hash(), empty.hash());
        assert_ne!(empty.corrupted(3).check(), Ok(()));
    }

    #[test]
    fn every_header_field_moves_the_hash() {
        let h = Block::cut(2, GENESIS, 0, entries(3, 2), 5).header;
        let mut changed = [h; 7];
        changed[0].height += 1;
        changed[1].prev.0[0] ^= 1;
        changed[2].root.0[0] ^= 1;
        changed[3].first += 1;
        changed[4].count += 1;
        changed[5].bytes += 1;
        changed[6].time += 1;
        for c in changed {
            assert_ne!(c.hash(), h.hash(), "{c:?}");
        }
    }
}
