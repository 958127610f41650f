//! The set of broadcasts a node has seen, kept compact so that it doubles as the digest
//! anti-entropy sends: per origin incarnation, "everything below `prefix`" plus the few
//! numbers seen beyond a gap.

use crate::id::MsgId;
use serde::{Serialize, Serializer};
use sim_core::NodeId;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Deref;
use std::sync::Arc;

/// Sequence numbers of one origin incarnation: all of `0..prefix`, and `extra` (each above
/// `prefix`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SeqSet {
    prefix: u32,
    extra: BTreeSet<u32>,
}

impl SeqSet {
    /// Adds `seq`; true if it was not there.
    pub fn insert(&mut self, seq: u32) -> bool {
        if seq == self.prefix && self.extra.is_empty() {
            // The usual case, in order: no set to touch (a set's first insert allocates room
            // for eleven numbers, and keeps it once emptied again).
            self.prefix += 1;
            return true;
        }
        if seq < self.prefix || !self.extra.insert(seq) {
            return false;
        }
        while self.extra.first() == Some(&self.prefix) {
            self.extra.pop_first();
            self.prefix += 1;
        }
        true
    }

    /// True if `seq` is in the set.
    pub fn contains(&self, seq: u32) -> bool {
        seq < self.prefix || self.extra.contains(&seq)
    }

    /// How many numbers the set holds.
    pub fn len(&self) -> u64 {
        u64::from(self.prefix) + self.extra.len() as u64
    }

    /// True if the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every number in the set, ascending.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.prefix).chain(self.extra.iter().copied())
    }

    /// Numbers in `self` that `other` lacks, ascending.
    pub fn minus<'a>(&'a self, other: &'a SeqSet) -> impl Iterator<Item = u32> + 'a {
        let from_prefix = (other.prefix..self.prefix).filter(|s| !other.extra.contains(s));
        let from_extra = self.extra.iter().copied().filter(|&s| !other.contains(s));
        from_prefix.chain(from_extra)
    }

    /// Bytes on the wire: the prefix and each extra number.
    fn wire_bytes(&self) -> u64 {
        4 + 4 * self.extra.len() as u64
    }
}

/// The broadcasts a node has seen; also its anti-entropy digest.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Seen {
    sets: BTreeMap<(NodeId, u32), SeqSet>,
    count: u64,
}

impl Seen {
    /// Adds `id`; true if it was new.
    pub fn insert(&mut self, id: MsgId) -> bool {
        let new = self
            .sets
            .entry((id.origin, id.incarnation))
            .or_default()
            .insert(id.seq);
        self.count += u64::from(new);
        new
    }

    /// True if `id` has been seen.
    pub fn contains(&self, id: MsgId) -> bool {
        self.sets
            .get(&(id.origin, id.incarnation))
            .is_some_and(|s| s.contains(id.seq))
    }

    /// How many broadcasts have been seen.
    pub fn len(&self) -> u64 {
        self.count
    }

    /// True if nothing has been seen.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Ids in `self` that `other` lacks, in id order.
    pub fn minus<'a>(&'a self, other: &'a Seen) -> impl Iterator<Item = MsgId> + 'a {
        static EMPTY: SeqSet = SeqSet {
            prefix: 0,
            extra: BTreeSet::new(),
        };
        self.sets
            .iter()
            .flat_map(move |(&(origin, incarnation), set)| {
                let theirs = other.sets.get(&(origin, incarnation)).unwrap_or(&EMPTY);
                set.minus(theirs).map(move |seq| MsgId {
                    origin,
                    incarnation,
                    seq,
                })
            })
    }

    /// Every id seen, in id order.
    pub fn iter(&self) -> impl Iterator<Item = MsgId> + '_ {
        self.sets.iter().flat_map(|(&(origin, incarnation), set)| {
            set.iter().map(move |seq| MsgId {
                origin,
                incarnation,
                seq,
            })
        })
    }

    /// Bytes the set takes as a digest on the wire.
    pub fn wire_bytes(&self) -> u64 {
        self.sets.values().map(|s| 8 + s.wire_bytes()).sum()
    }

    /// How many origin incarnations the digest names (for the view).
    pub fn origins(&self) -> usize {
        self.sets.len()
    }
}

/// A [`Seen`] set as sent in anti-entropy digests: shared, so that the many messages carrying
/// the same digest (one per partner per period, unchanged once a node has everything) do not
/// each copy it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Digest(Arc<Seen>);

impl Digest {
    /// Wraps a snapshot of a seen set.
    pub fn new(seen: Seen) -> Digest {
        Digest(Arc::new(seen))
    }
}

impl Deref for Digest {
    type Target = Seen;
    fn deref(&self) -> &Seen {
        &self.0
    }
}

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(origin: u32, seq: u32) -> MsgId {
        MsgId {
            origin: NodeId(origin),
            incarnation: 0,
            seq,
        }
    }

    #[test]
    fn seqset_folds_contiguous_numbers_into_the_prefix() {
        let mut s = SeqSet::default();
        assert!(s.insert(2));
        assert!(s.insert(0));
        assert_eq!((s.prefix, s.extra.len()), (1, 1));
        assert!(s.insert(1));
        assert_eq!((s.prefix, s.extra.len()), (3, 0));
        assert!(!s.insert(1));
        assert!(s.contains(2) && !s.contains(3));
        assert_eq!(s.len(), 3);
    }

    #[test]
    fn in_order_numbers_never_touch_the_extra_set() {
        let mut s = SeqSet::default();
        for seq in 0..5 {
            assert!(s.insert(seq));
        }
        assert!(!s.insert(3));
        assert_eq!((s.prefix, s.extra.len()), (5, 0));
        // A gap, then the number that closes it: the extras fold into the prefix.
        assert!(s.insert(6));
        assert!(s.insert(5));
        assert_eq!((s.prefix, s.extra.len()), (7, 0));
        assert!(s.insert(7));
        assert_eq!(s.iter().collect::<Vec<_>>(), (0..8).collect::<Vec<_>>());
    }

    #[test]
    fn minus_lists_exactly_the_missing_ids() {
        let mut a = Seen::default();
        let mut b = Seen::default();
        for s in [0, 1, 2, 3, 7] {
            a.insert(id(1, s));
        }
        a.insert(id(2, 0));
        for s in [0, 2, 9] {
            b.insert(id(1, s));
        }
        let missing: Vec<MsgId> = a.minus(&b).collect();
        assert_eq!(missing, vec![id(1, 1), id(1, 3), id(1, 7), id(2, 0)]);
        let other: Vec<MsgId> = b.minus(&a).collect();
        assert_eq!(other, vec![id(1, 9)]);
        assert_eq!(a.len(), 6);
        assert_eq!(a.iter().count(), 6);
        assert!(a.minus(&a).next().is_none());
    }

    #[test]
    fn incarnations_are_separate_origins() {
        let mut a = Seen::default();
        let restarted = MsgId {
            origin: NodeId(1),
            incarnation: 1,
            seq: 0,
        };
        assert!(a.insert(id(1, 0)));
        assert!(a.insert(restarted));
        assert!(a.contains(restarted));
        assert_eq!(a.origins(), 2);
    }
}
