//! SHA-256 digests: what a record's data, a Merkle node and a block header are named by.
//!
//! Domain separation keeps the three apart: a leaf, an inner Merkle node and a header are
//! hashed with different one-byte prefixes, so no value of one kind can pass for another
//! (the second-preimage attack on Merkle trees that hash leaves and nodes alike).

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use std::fmt;

/// A SHA-256 digest.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Hash32(pub [u8; 32]);

/// What a hash is of: the prefix byte that keeps kinds apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Domain {
    /// Data a client submits (its digest is what a record carries).
    Data = 0,
    /// A Merkle leaf: one record.
    Leaf = 1,
    /// An inner Merkle node: two children.
    Node = 2,
    /// A block header.
    Header = 3,
}

impl Hash32 {
    /// The digest of `parts`, in order, under `domain`.
    pub(crate) fn of(domain: Domain, parts: &[&[u8]]) -> Hash32 {
        let mut h = Sha256::new();
        h.update([domain as u8]);
        for p in parts {
            h.update(p);
        }
        Hash32(h.finalize().into())
    }

    /// The digest of data a client submits.
    pub fn of_data(data: &[u8]) -> Hash32 {
        Hash32::of(Domain::Data, &[data])
    }

    /// The first eight bytes as a number: for traces, views and cheap comparisons.
    pub fn short(&self) -> u64 {
        let mut b = [0; 8];
        b.copy_from_slice(&self.0[..8]);
        u64::from_be_bytes(b)
    }
}

impl fmt::Display for Hash32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.short())
    }
}

impl fmt::Debug for Hash32 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_published_sha256_of_a_prefixed_message() {
        // SHA-256 of the two bytes 0x00 'a' (the data domain's prefix, then "a").
        let h = Hash32::of_data(b"a");
        let mut plain = Sha256::new();
        plain.update([0u8, b'a']);
        assert_eq!(h.0, <[u8; 32]>::from(plain.finalize()));
        // And SHA-256 itself is the standard one: the digest of "abc".
        let abc: [u8; 32] = Sha256::digest(b"abc").into();
        assert_eq!(
            format!("{:?}", Hash32(abc)),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn domains_keep_kinds_apart() {
        let d = Hash32::of(Domain::Leaf, &[b"x"]);
        assert_ne!(d, Hash32::of(Domain::Node, &[b"x"]));
        assert_ne!(d, Hash32::of(Domain::Header, &[b"x"]));
        assert_eq!(d, Hash32::of(Domain::Leaf, &[b"x"]));
    }
}
