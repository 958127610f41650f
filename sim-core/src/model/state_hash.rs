//! A 128-bit hash of a simulation's state, by which the model checker knows a state it has
//! seen.

use crate::NodeId;
use crate::trace::Fingerprint;
use crate::trace::postcard_words::PostcardWords;
use serde::Serialize;
use std::fmt::{self, Debug, Write};

/// Two independently seeded lanes of the fingerprint's hash, for a 128-bit value: the model
/// checker keeps millions of states apart by this hash alone, and at 64 bits two of them
/// would collide somewhere around four billion states; at 128 bits, never in practice.
///
/// Values are written into one byte buffer (numbers as 8 little-endian bytes; values in the
/// fingerprint's canonical encoding, postcard, or as their `Debug` text for types that have no
/// serde form, each followed by its length, so the order and boundaries of what is written are
/// part of the hash), and the buffer is hashed once, by both lanes, at [`StateHasher::finish`].
/// A state is hashed millions of times in a search: one buffer, sized once, keeps that free
/// of reallocation and of per-value hashing.
#[derive(Clone, Debug)]
pub struct StateHasher {
    buf: Vec<u8>,
}

impl Default for StateHasher {
    fn default() -> Self {
        StateHasher::new()
    }
}

/// Room for a typical node's state, so that hashing one does not grow the buffer.
const INITIAL: usize = 512;

impl StateHasher {
    /// An empty hasher.
    pub fn new() -> StateHasher {
        StateHasher {
            buf: Vec::with_capacity(INITIAL),
        }
    }

    /// Adds one number.
    pub fn put_u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    /// Adds a value in its canonical (postcard) encoding.
    pub fn put<T: Serialize + Debug>(&mut self, value: &T) {
        let start = self.buf.len();
        if value.serialize(&mut PostcardWords(&mut self.buf)).is_err() {
            self.buf.truncate(start);
            self.write_debug(value);
        }
        self.end_value(start);
    }

    /// Adds a value as its `Debug` text: for state types without a serde form. A derived
    /// `Debug` of ordered collections is canonical; do not use it on hash maps.
    pub fn put_debug<T: Debug + ?Sized>(&mut self, value: &T) {
        let start = self.buf.len();
        self.write_debug(value);
        self.end_value(start);
    }

    /// Adds a set of nodes (members, voters, acknowledgements) in the order of the names
    /// they have under the renaming in force: a collection kept in id order lists renamed
    /// nodes in another order, and symmetry reduction needs the renamed copies of one state
    /// to write the same bytes.
    pub fn put_nodes(&mut self, nodes: impl IntoIterator<Item = NodeId>) {
        let mut names: Vec<u32> = nodes
            .into_iter()
            .map(|n| super::symmetry::renamed(n).0)
            .collect();
        names.sort_unstable();
        self.put_u64(names.len() as u64);
        for n in names {
            self.put_u64(u64::from(n));
        }
    }

    /// Adds a map keyed by node (a leader's progress per follower), ordered by the keys'
    /// names under the renaming in force, each value as its `Debug` text; see
    /// [`StateHasher::put_nodes`].
    pub fn put_node_map<'v, V: Debug + 'v>(
        &mut self,
        entries: impl IntoIterator<Item = (NodeId, &'v V)>,
    ) {
        let mut named: Vec<(u32, &V)> = entries
            .into_iter()
            .map(|(n, v)| (super::symmetry::renamed(n).0, v))
            .collect();
        named.sort_unstable_by_key(|(n, _)| *n);
        self.put_u64(named.len() as u64);
        for (n, v) in named {
            self.put_u64(u64::from(n));
            self.put_debug(v);
        }
    }

    fn write_debug<T: Debug + ?Sized>(&mut self, value: &T) {
        // Writing to a byte buffer cannot fail.
        let _ = write!(ByteWriter(&mut self.buf), "{value:?}");
    }

    /// Closes a value that began at `start` with its length.
    fn end_value(&mut self, start: usize) {
        let len = (self.buf.len() - start) as u32;
        self.buf.extend_from_slice(&len.to_le_bytes());
    }

    /// The hash of everything added so far.
    pub fn finish(&self) -> u128 {
        let mut a = Fingerprint::seeded(0x243f_6a88_85a3_08d3);
        let mut b = Fingerprint::seeded(0x1319_8a2e_0370_7344);
        a.bytes(&self.buf);
        b.bytes(&self.buf);
        u128::from(a.value()) << 64 | u128::from(b.value())
    }
}

/// `fmt::Write` into a byte buffer: `Debug` text goes straight into the hasher's buffer.
struct ByteWriter<'a>(&'a mut Vec<u8>);

impl Write for ByteWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// A hash as the model checker prints it.
pub struct StateHash(pub u128);

impl fmt::Display for StateHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(f: impl FnOnce(&mut StateHasher)) -> u128 {
        let mut h = StateHasher::new();
        f(&mut h);
        h.finish()
    }

    #[test]
    fn order_values_and_boundaries_matter() {
        let ab = of(|h| {
            h.put(&1u32);
            h.put(&2u32);
        });
        assert_eq!(
            ab,
            of(|h| {
                h.put(&1u32);
                h.put(&2u32);
            })
        );
        assert_ne!(
            ab,
            of(|h| {
                h.put(&2u32);
                h.put(&1u32);
            })
        );
        assert_ne!(of(|h| h.put_debug("ab")), of(|h| h.put_debug("a")));
        assert_ne!(
            of(|h| {
                h.put_debug("ab");
                h.put_debug("c");
            }),
            of(|h| {
                h.put_debug("a");
                h.put_debug("bc");
            })
        );
    }

    #[test]
    fn the_two_lanes_differ() {
        let h = of(|h| h.put_u64(5));
        assert_ne!((h >> 64) as u64, h as u64);
    }
}
