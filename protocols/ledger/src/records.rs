//! A block's records, shared and immutable, with their Merkle root worked out once.
//!
//! A block is copied often (into the replicated state's window, a snapshot, the disk, a
//! message to a peer) and checked often (a scrub, a repair, a restart). Every copy of one
//! list shares it, and because nothing can change a list once made, its leaves and root are
//! a pure function of it: the root is computed on first use and remembered (the leaves, 32
//! bytes a record, are not: a node keeps every block it holds, and only a read needs them).
//! Damage never edits a list in place; it builds a new one ([`crate::Block`]'s
//! `Corruptible`), whose root is computed afresh. So a check gives exactly the answer that hashing every
//! record again would give, without the simulator paying for bytes it already hashed.

use crate::digest::Hash32;
use crate::entry::Entry;
use crate::merkle;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

/// A block's records, in ledger order.
#[derive(Clone, Default)]
pub struct Records(Arc<Shared>);

#[derive(Default)]
struct Shared {
    entries: Vec<Entry>,
    root: OnceLock<Hash32>,
}

impl Records {
    /// The list of `entries`, in this order.
    pub fn new(entries: Vec<Entry>) -> Records {
        Records(Arc::new(Shared {
            entries,
            ..Shared::default()
        }))
    }

    /// The list of `entries` whose leaves, in order, are `leaves` (each [`Entry::leaf`], as
    /// a submitted record carries it): the root is computed from them at once.
    pub fn with_leaves(entries: Vec<Entry>, leaves: &[Hash32]) -> Records {
        debug_assert!(entries.iter().map(Entry::leaf).eq(leaves.iter().copied()));
        let records = Records::new(entries);
        let _ = records.0.root.set(merkle::root(leaves));
        records
    }

    /// Each record's Merkle leaf, in order.
    pub fn leaves(&self) -> Vec<Hash32> {
        self.0.entries.iter().map(Entry::leaf).collect()
    }

    /// The Merkle root over the records.
    pub fn root(&self) -> Hash32 {
        *self.0.root.get_or_init(|| merkle::root(&self.leaves()))
    }

    /// A copy of the records to change: a new list, with nothing remembered.
    pub fn to_vec(&self) -> Vec<Entry> {
        self.0.entries.clone()
    }
}

impl Deref for Records {
    type Target = [Entry];

    fn deref(&self) -> &[Entry] {
        &self.0.entries
    }
}

impl From<Vec<Entry>> for Records {
    fn from(entries: Vec<Entry>) -> Records {
        Records::new(entries)
    }
}

impl PartialEq for Records {
    fn eq(&self, other: &Records) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0.entries == other.0.entries
    }
}

impl Eq for Records {}

impl fmt::Debug for Records {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.0.entries.iter()).finish()
    }
}

/// Written as the plain list of records, as a `Vec` would be.
impl Serialize for Records {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.entries.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Records {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Records, D::Error> {
        Vec::<Entry>::deserialize(d).map(Records::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::tests::entries;

    #[test]
    fn remembers_what_hashing_every_record_gives() {
        let list = entries(7, 3);
        let leaves: Vec<Hash32> = list.iter().map(Entry::leaf).collect();
        let records = Records::new(list.clone());
        assert_eq!(records.leaves(), leaves);
        assert_eq!(records.root(), merkle::root(&leaves));
        assert_eq!(records.root(), merkle::root(&leaves), "asked twice");
        assert_eq!(&records[..], &list[..]);
    }

    #[test]
    fn a_changed_copy_is_hashed_afresh_and_the_original_keeps_its_root() {
        let records = Records::new(entries(5, 1));
        let root = records.root();
        let mut changed = records.to_vec();
        changed[2].size += 1;
        let changed = Records::new(changed);
        assert_ne!(changed.root(), root);
        assert_eq!(
            changed.root(),
            merkle::root(&changed.iter().map(Entry::leaf).collect::<Vec<_>>())
        );
        assert_eq!(records.root(), root);
        assert_ne!(records, changed);
        assert_eq!(records, Records::new(entries(5, 1)), "equal by contents");
    }

    #[test]
    fn serializes_as_the_plain_list() {
        let list = entries(3, 2);
        let records = Records::new(list.clone());
        let text = serde_json::to_string(&records).unwrap();
        assert_eq!(text, serde_json::to_string(&list).unwrap());
        let back: Records = serde_json::from_str(&text).unwrap();
        assert_eq!(back, records);
    }
}
