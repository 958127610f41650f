//! A 128-bit hash of a simulation's state, by which the model checker knows a state it has
//! seen.

use crate::trace::Fingerprint;
use serde::Serialize;
use std::fmt::{self, Debug, Write};

/// Two independently seeded lanes of the fingerprint's hash, for a 128-bit value: the model
/// checker keeps millions of states apart by this hash alone, and at 64 bits two of them
/// would collide somewhere around four billion states; at 128 bits, never in practice.
///
/// Values go in through the same canonical encoding the fingerprint uses (postcard bytes,
/// length-prefixed), or as their `Debug` text for types that have no serde form. Each value is
/// length-prefixed, so the order and boundaries of what is written are part of the hash.
#[derive(Clone, Debug)]
pub struct StateHasher {
    a: Fingerprint,
    b: Fingerprint,
    text: String,
}

impl Default for StateHasher {
    fn default() -> Self {
        StateHasher::new()
    }
}

impl StateHasher {
    /// An empty hasher.
    pub fn new() -> StateHasher {
        StateHasher {
            a: Fingerprint::seeded(0x243f_6a88_85a3_08d3),
            b: Fingerprint::seeded(0x1319_8a2e_0370_7344),
            text: String::new(),
        }
    }

    /// Adds one number.
    pub fn put_u64(&mut self, v: u64) {
        self.a.words(&[v]);
        self.b.words(&[v.rotate_left(32) ^ 0x9e37_79b9_7f4a_7c15]);
    }

    /// Adds a value in its canonical (postcard) encoding.
    pub fn put<T: Serialize + Debug>(&mut self, value: &T) {
        self.a.serialized(value);
        self.b.serialized(value);
    }

    /// Adds a value as its `Debug` text: for state types without a serde form. A derived
    /// `Debug` of ordered collections is canonical; do not use it on hash maps.
    pub fn put_debug<T: Debug + ?Sized>(&mut self, value: &T) {
        let mut text = std::mem::take(&mut self.text);
        text.clear();
        // Writing to a String cannot fail.
        let _ = write!(text, "{value:?}");
        self.a.str(&text);
        self.b.str(&text);
        self.text = text;
    }

    /// The hash of everything added so far.
    pub fn finish(&self) -> u128 {
        u128::from(self.a.value()) << 64 | u128::from(self.b.value())
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
