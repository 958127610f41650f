//! The run's fingerprint: a running 64-bit hash over a canonical encoding of each event.
//!
//! # Encoding
//! An event is a sequence of 64-bit words: its tag, the time in nanoseconds, then its fields
//! in a fixed order (two 32-bit values such as sender and receiver share one word, `a << 32 |
//! b`; an optional time is a presence flag in the tag word and the time or 0). A payload (a
//! message or timer, in postcard's documented wire format) or a string follows as its byte
//! length and its bytes in little-endian 8-byte words, the last one padded with zeros. Every
//! field has a fixed position or a length prefix, so two different events never share an
//! encoding. What is a function of another field (a message's kind and size are functions of
//! its payload) is not encoded twice.
//!
//! # Hash
//! Words are folded two at a time into the state `h` (0 at the start of a run; an odd word is
//! paired with 0) as `h' = mum(a ^ h ^ P0, b ^ P1) ^ rotl(h, 17)`, where `mum(x, y)` is the
//! xor of the high and low halves of the 128-bit product `x * y`: the full-width multiply
//! mixes every bit of both words into `h'`, and the rotated term keeps the history even if a
//! product were ever zero. It is integer arithmetic only, identical on every platform. The
//! fingerprint is `h` after the last event.

use super::postcard_words::PostcardWords;
use serde::Serialize;

const P0: u64 = 0xa076_1d64_78bd_642f;
const P1: u64 = 0xe703_7ed1_a0b4_28db;

/// Accumulates the fingerprint; holds a reusable buffer for payload encodings, so hashing an
/// event allocates nothing once warmed up.
#[derive(Clone, Debug, Default)]
pub struct Fingerprint {
    value: u64,
    events: u64,
    scratch: Vec<u8>,
}

#[inline(always)]
fn fold2(h: u64, a: u64, b: u64) -> u64 {
    let m = u128::from(a ^ h ^ P0) * u128::from(b ^ P1);
    ((m as u64) ^ ((m >> 64) as u64)) ^ h.rotate_left(17)
}

/// Packs two 32-bit values into one word.
#[inline(always)]
pub(crate) fn pair(a: u32, b: u32) -> u64 {
    u64::from(a) << 32 | u64::from(b)
}

impl Fingerprint {
    /// A hash that starts from `value` instead of 0: a second, independent lane (see
    /// `model::StateHasher`).
    pub(crate) fn seeded(value: u64) -> Fingerprint {
        Fingerprint {
            value,
            ..Fingerprint::default()
        }
    }

    /// The fingerprint so far.
    pub fn value(&self) -> u64 {
        self.value
    }

    /// How many events have been folded in.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Folds a fixed sequence of words (the head of an event).
    #[inline(always)]
    pub(crate) fn words(&mut self, words: &[u64]) {
        let mut h = self.value;
        let mut it = words.chunks_exact(2);
        for p in &mut it {
            h = fold2(h, p[0], p[1]);
        }
        if let [last] = it.remainder() {
            h = fold2(h, *last, 0);
        }
        self.value = h;
    }

    /// A length-prefixed byte string.
    #[inline]
    pub(crate) fn bytes(&mut self, bytes: &[u8]) {
        // Whole words load directly; only the last, partial one is assembled byte by byte
        // (copying a slice of unknown length into a word would call `memcpy` per word).
        let mut whole = bytes.chunks_exact(8);
        let tail = whole.remainder();
        let tail = (!tail.is_empty()).then(|| {
            tail.iter()
                .enumerate()
                .fold(0, |w, (i, &b)| w | u64::from(b) << (8 * i))
        });
        let mut words = whole
            .by_ref()
            .map(|c| {
                let mut w = [0u8; 8];
                w.copy_from_slice(c);
                u64::from_le_bytes(w)
            })
            .chain(tail);
        let mut h = self.value;
        h = fold2(h, bytes.len() as u64, words.next().unwrap_or(0));
        loop {
            match (words.next(), words.next()) {
                (Some(a), Some(b)) => h = fold2(h, a, b),
                (Some(a), None) => {
                    h = fold2(h, a, 0);
                    break;
                }
                _ => break,
            }
        }
        self.value = h;
    }

    /// A length-prefixed string.
    #[inline]
    pub(crate) fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }

    /// The postcard encoding of `value` as a byte string. A value postcard cannot encode (a
    /// sequence of unknown length) falls back to its `Debug` text.
    #[inline]
    pub(crate) fn serialized<T: Serialize + std::fmt::Debug>(&mut self, value: &T) {
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        if value.serialize(&mut PostcardWords(&mut scratch)).is_err() {
            scratch.clear();
            scratch.extend_from_slice(format!("{value:?}").as_bytes());
        }
        self.bytes(&scratch);
        self.scratch = scratch;
    }

    /// Ends an event.
    #[inline]
    pub(crate) fn end(&mut self) {
        self.events += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Time;

    fn one(tag: u64, payload: &[u32]) -> u64 {
        let mut f = Fingerprint::default();
        f.words(&[tag, 5]);
        f.serialized(&payload.to_vec());
        f.end();
        f.value()
    }

    #[test]
    fn every_field_matters() {
        assert_ne!(one(1, &[1, 2]), one(2, &[1, 2]));
        assert_ne!(one(1, &[1, 2]), one(1, &[2, 1]));
        assert_ne!(one(1, &[1, 2]), one(1, &[1, 2, 0]));
        assert_eq!(one(1, &[1, 2]), one(1, &[1, 2]));
    }

    #[test]
    fn a_payload_folds_as_its_postcard_bytes() {
        for n in [0u32, 1, 2, 3, 5, 8, 13, 300] {
            let value: Vec<u32> = (0..n).map(|i| i.wrapping_mul(2_654_435_761)).collect();
            let mut streamed = Fingerprint::default();
            streamed.serialized(&value);
            let mut direct = Fingerprint::default();
            direct.bytes(&postcard::to_allocvec(&value).expect("encodable"));
            assert_eq!(streamed.value(), direct.value(), "{n} elements");
        }
    }

    #[test]
    fn strings_are_length_prefixed() {
        let two = |a: &str, b: &str| {
            let mut f = Fingerprint::default();
            f.str(a);
            f.str(b);
            f.value()
        };
        assert_ne!(two("ab", "c"), two("a", "bc"));
        assert_ne!(two("", "\0"), two("\0", ""));
    }

    #[test]
    fn known_answer_pins_the_encoding() {
        // Changing the encoding or the hash changes every recorded fingerprint: do it on
        // purpose only, and update this value with the reason in the commit.
        let mut f = Fingerprint::default();
        f.words(&[2, Time(1_000_000).0, pair(1, 2), 3]);
        f.str("AppendEntries");
        f.end();
        assert_eq!(f.value(), KNOWN);
        assert_eq!(f.events(), 1);
    }

    const KNOWN: u64 = 429_233_772_738_843_889;
}
