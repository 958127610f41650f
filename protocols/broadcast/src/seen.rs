//! The set of broadcasts a node has seen, kept compact so that it doubles as the digest
//! anti-entropy sends: per origin incarnation, "everything below `prefix`" plus the few
//! numbers seen beyond a gap.
//!
//! At a million gossip nodes this set is most of a node's memory, so it is laid out for
//! size: the origins in one sorted vector (a B-tree's first leaf has room for eleven), the
//! numbers beyond a gap in a set allocated only when there is a gap.

use crate::growth::grow_gently;
use crate::id::MsgId;
use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};
use sim_core::NodeId;
use std::collections::BTreeSet;
use std::ops::Deref;
use std::sync::Arc;

/// Sequence numbers of one origin incarnation: all of `0..prefix`, and `extra` (each above
/// `prefix`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeqSet {
    prefix: u32,
    /// `None` while no number beyond a gap is held (always, when numbers arrive in order).
    /// Boxed so that the common case costs one pointer, not an empty set's 24 bytes.
    #[allow(clippy::box_collection)]
    extra: Option<Box<BTreeSet<u32>>>,
}

/// What an absent set of extras reads as.
static NO_EXTRA: BTreeSet<u32> = BTreeSet::new();

impl SeqSet {
    /// Adds `seq`; true if it was not there.
    pub fn insert(&mut self, seq: u32) -> bool {
        if seq < self.prefix {
            return false;
        }
        let Some(extra) = self.extra.as_deref_mut() else {
            if seq == self.prefix {
                // The usual case, in order: no set to touch.
                self.prefix += 1;
            } else {
                self.extra = Some(Box::new(BTreeSet::from([seq])));
            }
            return true;
        };
        if !extra.insert(seq) {
            return false;
        }
        while extra.first() == Some(&self.prefix) {
            extra.pop_first();
            self.prefix += 1;
        }
        if extra.is_empty() {
            self.extra = None;
        }
        true
    }

    /// The numbers held beyond the prefix.
    fn extra(&self) -> &BTreeSet<u32> {
        self.extra.as_deref().unwrap_or(&NO_EXTRA)
    }

    /// True if `seq` is in the set.
    pub fn contains(&self, seq: u32) -> bool {
        seq < self.prefix || self.extra().contains(&seq)
    }

    /// How many numbers the set holds.
    pub fn len(&self) -> u64 {
        u64::from(self.prefix) + self.extra().len() as u64
    }

    /// True if the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every number in the set, ascending.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.prefix).chain(self.extra().iter().copied())
    }

    /// Numbers in `self` that `other` lacks, ascending.
    pub fn minus<'a>(&'a self, other: &'a SeqSet) -> impl Iterator<Item = u32> + 'a {
        let from_prefix = (other.prefix..self.prefix).filter(|&s| !other.extra().contains(&s));
        let from_extra = self.extra().iter().copied().filter(|&s| !other.contains(s));
        from_prefix.chain(from_extra)
    }

    /// Bytes on the wire: the prefix and each extra number.
    fn wire_bytes(&self) -> u64 {
        4 + 4 * self.extra().len() as u64
    }
}

/// Encoded as it always was, a prefix and a (possibly empty) list of extras, so that traces
/// and fingerprints do not depend on how the extras are held.
impl Serialize for SeqSet {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("SeqSet", 2)?;
        st.serialize_field("prefix", &self.prefix)?;
        st.serialize_field("extra", self.extra())?;
        st.end()
    }
}

/// One origin incarnation: the node and its incarnation.
type Origin = (NodeId, u32);

/// The broadcasts a node has seen; also its anti-entropy digest.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Seen {
    /// Sorted by origin, each origin once.
    sets: Vec<(Origin, SeqSet)>,
    count: u64,
}

impl Seen {
    /// Adds `id`; true if it was new.
    pub fn insert(&mut self, id: MsgId) -> bool {
        let origin = (id.origin, id.incarnation);
        let i = match self.find(origin) {
            Ok(i) => i,
            Err(i) => {
                // With a few origins per node (a million nodes, ten broadcasts) doubling would
                // leave most of the vector empty.
                grow_gently(&mut self.sets);
                self.sets.insert(i, (origin, SeqSet::default()));
                i
            }
        };
        let new = self.sets[i].1.insert(id.seq);
        self.count += u64::from(new);
        new
    }

    /// Where `origin`'s set is, or would go.
    fn find(&self, origin: Origin) -> Result<usize, usize> {
        self.sets.binary_search_by(|(o, _)| o.cmp(&origin))
    }

    /// `origin`'s set, if it has one.
    fn get(&self, origin: Origin) -> Option<&SeqSet> {
        self.find(origin).ok().map(|i| &self.sets[i].1)
    }

    /// True if `id` has been seen.
    pub fn contains(&self, id: MsgId) -> bool {
        self.get((id.origin, id.incarnation))
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
            extra: None,
        };
        self.sets
            .iter()
            .flat_map(move |&((origin, incarnation), ref set)| {
                let theirs = other.get((origin, incarnation)).unwrap_or(&EMPTY);
                set.minus(theirs).map(move |seq| MsgId {
                    origin,
                    incarnation,
                    seq,
                })
            })
    }

    /// Every id seen, in id order.
    pub fn iter(&self) -> impl Iterator<Item = MsgId> + '_ {
        self.sets
            .iter()
            .flat_map(|&((origin, incarnation), ref set)| {
                set.iter().map(move |seq| MsgId {
                    origin,
                    incarnation,
                    seq,
                })
            })
    }

    /// Bytes the set takes as a digest on the wire.
    pub fn wire_bytes(&self) -> u64 {
        self.sets.iter().map(|(_, s)| 8 + s.wire_bytes()).sum()
    }

    /// How many origin incarnations the digest names (for the view).
    pub fn origins(&self) -> usize {
        self.sets.len()
    }
}

/// Encoded as the map from origin to numbers that it once was, so that traces and
/// fingerprints do not depend on how the origins are held.
impl Serialize for Seen {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Sets<'a>(&'a [(Origin, SeqSet)]);
        impl Serialize for Sets<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_map(self.0.iter().map(|(o, set)| (o, set)))
            }
        }
        let mut st = s.serialize_struct("Seen", 2)?;
        st.serialize_field("sets", &Sets(&self.sets))?;
        st.serialize_field("count", &self.count)?;
        st.end()
    }
}

/// A [`Seen`] set as sent in anti-entropy digests and as a node holds it: shared, so that the
/// many messages carrying the same digest (one per partner per period, unchanged once a node
/// has everything) do not each copy it, and so that the node's own set is the digest. A node
/// that learns something while a digest it sent is still in flight copies its set then
/// ([`Digest::make_mut`]), never otherwise.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Digest(Arc<Seen>);

impl Digest {
    /// Wraps a snapshot of a seen set.
    pub fn new(seen: Seen) -> Digest {
        Digest(Arc::new(seen))
    }

    /// The set, to change: copied first if a message still carries it.
    pub fn make_mut(&mut self) -> &mut Seen {
        Arc::make_mut(&mut self.0)
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
        assert_eq!((s.prefix, s.extra().len()), (1, 1));
        assert!(s.insert(1));
        assert_eq!((s.prefix, s.extra().len()), (3, 0));
        assert!(s.extra.is_none(), "an emptied set of extras is freed");
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
        assert_eq!((s.prefix, s.extra().len()), (5, 0));
        assert!(s.extra.is_none());
        // A gap, then the number that closes it: the extras fold into the prefix.
        assert!(s.insert(6));
        assert!(s.insert(5));
        assert_eq!((s.prefix, s.extra().len()), (7, 0));
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
    fn a_digest_in_flight_keeps_its_snapshot_while_its_owner_learns() {
        let mut own = Digest::default();
        own.make_mut().insert(id(1, 0));
        let sent = own.clone();
        own.make_mut().insert(id(1, 1));
        own.make_mut().insert(id(2, 5));
        assert_eq!((sent.len(), own.len()), (1, 3));
        assert!(!sent.contains(id(1, 1)) && own.contains(id(1, 1)));
        assert_eq!(sent.origins(), 1);
    }

    /// The encoding the fingerprint hashes is the one the sets had when they were B-trees.
    #[test]
    fn encodes_exactly_as_the_map_of_sets_it_replaced() {
        #[derive(Serialize)]
        struct OldSeqSet {
            prefix: u32,
            extra: BTreeSet<u32>,
        }
        #[derive(Serialize)]
        struct OldSeen {
            sets: std::collections::BTreeMap<(NodeId, u32), OldSeqSet>,
            count: u64,
        }
        let mut seen = Seen::default();
        let mut old = OldSeen {
            sets: Default::default(),
            count: 0,
        };
        for (origin, incarnation, seq) in [(4, 0, 0), (1, 1, 3), (1, 0, 0), (1, 0, 1), (4, 0, 9)] {
            let m = MsgId {
                origin: NodeId(origin),
                incarnation,
                seq,
            };
            seen.insert(m);
        }
        for ((origin, incarnation), prefix, extra) in [
            ((1, 0), 2, vec![]),
            ((1, 1), 0, vec![3]),
            ((4, 0), 1, vec![9]),
        ] {
            old.sets.insert(
                (NodeId(origin), incarnation),
                OldSeqSet {
                    prefix,
                    extra: extra.into_iter().collect(),
                },
            );
        }
        old.count = 5;
        let want = postcard::to_allocvec(&old).expect("encodable");
        assert_eq!(postcard::to_allocvec(&seen).expect("encodable"), want);
        let digest = Digest::new(seen);
        assert_eq!(postcard::to_allocvec(&digest).expect("encodable"), want);
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
