//! A record as a producer submits it, carrying its Merkle leaf once computed.
//!
//! Every server that applies an append hashes the record into its block's Merkle tree. The
//! logged operation is one value that the simulator shares between the servers' logs, and
//! the leaf is a pure function of the record inside it, so the first server to need it
//! computes it and the others find it: the simulator pays for one SHA-256 per record, not
//! one per server, and every server holds exactly the leaf it would have computed. The
//! record can only change through [`Submitted::entry_mut`], which forgets the leaf, and
//! damage makes a new value ([`crate::LedgerOp`]'s `Corruptible`).

use crate::digest::Hash32;
use crate::entry::Entry;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::ops::Deref;
use std::sync::OnceLock;

/// A submitted record.
#[derive(Clone)]
pub struct Submitted {
    entry: Entry,
    leaf: OnceLock<Hash32>,
}

impl Submitted {
    /// The record `entry`, its leaf not yet computed.
    pub fn new(entry: Entry) -> Submitted {
        Submitted {
            entry,
            leaf: OnceLock::new(),
        }
    }

    /// The record.
    pub fn entry(&self) -> Entry {
        self.entry
    }

    /// The record, to change (a producer stamping its time); the leaf is forgotten.
    pub fn entry_mut(&mut self) -> &mut Entry {
        self.leaf = OnceLock::new();
        &mut self.entry
    }

    /// The record's Merkle leaf ([`Entry::leaf`]), computed on first use.
    pub fn leaf(&self) -> Hash32 {
        *self.leaf.get_or_init(|| self.entry.leaf())
    }
}

impl From<Entry> for Submitted {
    fn from(entry: Entry) -> Submitted {
        Submitted::new(entry)
    }
}

impl Deref for Submitted {
    type Target = Entry;

    fn deref(&self) -> &Entry {
        &self.entry
    }
}

impl PartialEq for Submitted {
    fn eq(&self, other: &Submitted) -> bool {
        self.entry == other.entry
    }
}

impl Eq for Submitted {}

impl fmt::Debug for Submitted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.entry, f)
    }
}

impl fmt::Display for Submitted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.entry, f)
    }
}

/// Written as the record alone.
impl Serialize for Submitted {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.entry.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Submitted {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Submitted, D::Error> {
        Entry::deserialize(d).map(Submitted::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::tests::entries;

    #[test]
    fn the_leaf_is_the_records_and_follows_a_change() {
        let [a, b] = [entries(2, 1)[0], entries(2, 1)[1]];
        let mut s = Submitted::new(a);
        assert_eq!(s.leaf(), a.leaf());
        let copy = s.clone();
        *s.entry_mut() = b;
        assert_eq!(s.leaf(), b.leaf());
        assert_eq!(copy.leaf(), a.leaf());
        assert_ne!(copy, s);
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            serde_json::to_string(&b).unwrap()
        );
        let back: Submitted = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
        assert_eq!(format!("{s:?}"), format!("{b:?}"));
    }
}
