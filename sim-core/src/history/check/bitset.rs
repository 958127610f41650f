//! The set of operations already placed in a partial linearization, with a hash kept up to
//! date as it changes so that looking a configuration up does not rehash the whole set.

use super::memo::mix;

/// A fixed-size set of small integers and its (order-independent) hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Bitset {
    words: Box<[u64]>,
    hash: u64,
}

/// The hash contribution of member `i`; the set's hash is the xor over its members.
#[inline]
fn member_hash(i: usize) -> u64 {
    mix(i as u64 + 1)
}

impl Bitset {
    /// An empty set able to hold `0..n`.
    pub(crate) fn new(n: usize) -> Bitset {
        Bitset {
            words: vec![0; n.div_ceil(64)].into_boxed_slice(),
            hash: 0,
        }
    }

    /// Adds `i`, which must be absent.
    #[inline]
    pub(crate) fn insert(&mut self, i: usize) {
        debug_assert!(!self.contains(i));
        self.words[i / 64] |= 1 << (i % 64);
        self.hash ^= member_hash(i);
    }

    /// Removes `i`, which must be present.
    #[inline]
    pub(crate) fn remove(&mut self, i: usize) {
        debug_assert!(self.contains(i));
        self.words[i / 64] &= !(1 << (i % 64));
        self.hash ^= member_hash(i);
    }

    /// Whether `i` is in the set.
    #[inline]
    pub(crate) fn contains(&self, i: usize) -> bool {
        self.words[i / 64] & (1 << (i % 64)) != 0
    }

    /// The set as words, for storing.
    #[inline]
    pub(crate) fn words(&self) -> &[u64] {
        &self.words
    }

    /// A hash of the set.
    #[inline]
    pub(crate) fn hash(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_sets_have_equal_words_and_hashes_across_words() {
        let mut a = Bitset::new(130);
        a.insert(0);
        a.insert(129);
        let mut b = Bitset::new(130);
        b.insert(129);
        assert_ne!(a.hash(), b.hash());
        a.remove(0);
        assert_eq!(a, b);
        assert!(a.contains(129) && !a.contains(0));
        assert_eq!(a.words().len(), 3);
    }
}
