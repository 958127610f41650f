//! The run's fingerprint: a running 64-bit hash over a canonical byte encoding of each event.
//!
//! # Encoding
//! Each event is encoded as: a one-byte tag, the time (u64), then its fields in a fixed order;
//! integers little-endian, strings as a u32 length and UTF-8 bytes, optional times as a
//! presence byte and a u64, message and timer payloads in postcard's documented wire format
//! (prefixed by their length). The fingerprint after an event is
//! `xxh3_64_with_seed(encoding, fingerprint_before)`, starting from 0. Nothing
//! platform-dependent enters: no pointer widths, no hash-map order, no floating-point text.

use postcard::ser_flavors::Flavor;
use serde::Serialize;
use xxhash_rust::xxh3::xxh3_64_with_seed;

/// Accumulates the fingerprint; holds a reusable encoding buffer so that hashing an event
/// allocates nothing once warmed up.
#[derive(Clone, Debug, Default)]
pub struct Fingerprint {
    value: u64,
    events: u64,
    buf: Vec<u8>,
}

impl Fingerprint {
    /// The fingerprint so far.
    pub fn value(&self) -> u64 {
        self.value
    }

    /// How many events have been folded in.
    pub fn events(&self) -> u64 {
        self.events
    }

    #[inline]
    pub(crate) fn begin(&mut self, tag: u8, time: crate::Time) {
        self.buf.clear();
        self.buf.push(tag);
        self.buf.extend_from_slice(&time.0.to_le_bytes());
    }

    #[inline]
    pub(crate) fn put_u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    #[inline]
    pub(crate) fn put_u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    #[inline]
    pub(crate) fn put_u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    #[inline]
    pub(crate) fn put_str(&mut self, s: &str) {
        self.put_u32(s.len() as u32);
        self.buf.extend_from_slice(s.as_bytes());
    }

    #[inline]
    pub(crate) fn put_opt_time(&mut self, t: Option<crate::Time>) {
        match t {
            None => self.put_u8(0),
            Some(t) => {
                self.put_u8(1);
                self.put_u64(t.0);
            }
        }
    }

    /// Appends the postcard encoding of `value`, prefixed by its length. A value postcard
    /// cannot encode (a sequence of unknown length) falls back to its `Debug` text.
    #[inline]
    pub(crate) fn put_serialized<T: Serialize + std::fmt::Debug>(&mut self, value: &T) {
        let len_at = self.buf.len();
        self.put_u32(0);
        let start = self.buf.len();
        let ok = postcard::serialize_with_flavor(value, AppendTo(&mut self.buf)).is_ok();
        if !ok {
            self.buf.truncate(start);
            self.buf.extend_from_slice(format!("{value:?}").as_bytes());
        }
        let len = (self.buf.len() - start) as u32;
        self.buf[len_at..start].copy_from_slice(&len.to_le_bytes());
    }

    #[inline]
    pub(crate) fn end(&mut self) {
        self.value = xxh3_64_with_seed(&self.buf, self.value);
        self.events += 1;
    }
}

/// A postcard output flavor that appends to an existing buffer.
struct AppendTo<'a>(&'a mut Vec<u8>);

impl Flavor for AppendTo<'_> {
    type Output = ();

    #[inline]
    fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
        self.0.extend_from_slice(data);
        Ok(())
    }

    #[inline]
    fn try_push(&mut self, data: u8) -> postcard::Result<()> {
        self.0.push(data);
        Ok(())
    }

    fn finalize(self) -> postcard::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Time;

    fn one(tag: u8, payload: &[u32]) -> u64 {
        let mut f = Fingerprint::default();
        f.begin(tag, Time(5));
        f.put_serialized(&payload.to_vec());
        f.end();
        f.value()
    }

    #[test]
    fn every_field_matters() {
        assert_ne!(one(1, &[1, 2]), one(2, &[1, 2]));
        assert_ne!(one(1, &[1, 2]), one(1, &[2, 1]));
        assert_eq!(one(1, &[1, 2]), one(1, &[1, 2]));
    }

    #[test]
    fn known_answer_pins_the_encoding() {
        // Changing the encoding changes every recorded fingerprint: do it on purpose only.
        let mut f = Fingerprint::default();
        f.begin(2, Time(1_000_000));
        f.put_u32(1);
        f.put_u32(2);
        f.put_u64(3);
        f.end();
        let mut bytes = vec![2u8];
        bytes.extend_from_slice(&1_000_000u64.to_le_bytes());
        bytes.extend_from_slice(&1u32.to_le_bytes());
        bytes.extend_from_slice(&2u32.to_le_bytes());
        bytes.extend_from_slice(&3u64.to_le_bytes());
        assert_eq!(f.value(), xxh3_64_with_seed(&bytes, 0));
        assert_eq!(f.events(), 1);
    }
}
