//! The value of a key-value store key: a string built by appends, stored as a chain of
//! appended pieces shared between the states that extend it.
//!
//! A checker explores many states that differ only in their last few appends. Copying the
//! whole string for every one, and hashing it again to look it up, is what made a string
//! state slow and memory-hungry; here an append costs one small piece, and the hash of the
//! whole string is kept up to date incrementally.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// The multiplier of the polynomial hash (a 40-bit prime).
const BASE: u64 = 0x100_0000_01b3;

/// The polynomial hash of `bytes` continuing from the hash `h` of what precedes them.
fn extend_hash(h: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(h, |h, &b| {
        h.wrapping_mul(BASE).wrapping_add(u64::from(b) + 1)
    })
}

struct Piece {
    prev: Option<Arc<Piece>>,
    chunk: Box<str>,
    /// Length of the whole string up to and including this piece.
    len: usize,
    /// Polynomial hash of the whole string up to and including this piece.
    hash: u64,
}

impl Drop for Piece {
    /// Frees a long chain iteratively: the derived drop would recurse once per piece.
    fn drop(&mut self) {
        let mut next = self.prev.take();
        while let Some(piece) = next {
            match Arc::try_unwrap(piece) {
                Ok(mut piece) => next = piece.prev.take(),
                Err(_) => break,
            }
        }
    }
}

/// An immutable string that is cheap to extend and compare.
#[derive(Clone, Default)]
pub struct Text(Option<Arc<Piece>>);

impl Text {
    /// The string `s`.
    pub fn new(s: &str) -> Text {
        Text::default().append(s)
    }

    /// This string followed by `s`; this one is shared, not copied.
    pub fn append(&self, s: &str) -> Text {
        if s.is_empty() {
            return self.clone();
        }
        let (len, hash) = self.0.as_ref().map_or((0, 0), |p| (p.len, p.hash));
        Text(Some(Arc::new(Piece {
            prev: self.0.clone(),
            chunk: s.into(),
            len: len + s.len(),
            hash: extend_hash(hash, s.as_bytes()),
        })))
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |p| p.len)
    }

    /// Whether the string is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn pieces(&self) -> impl Iterator<Item = &Piece> {
        std::iter::successors(self.0.as_deref(), |p| p.prev.as_deref())
    }

    /// Whether the string equals `s`, compared piece by piece from the end so that a
    /// mismatch in the latest appends is found at once.
    pub fn equals(&self, s: &str) -> bool {
        if s.len() != self.len() {
            return false;
        }
        let mut end = s.len();
        for piece in self.pieces() {
            let start = end - piece.chunk.len();
            if s.as_bytes()[start..end] != *piece.chunk.as_bytes() {
                return false;
            }
            end = start;
        }
        true
    }

    /// The whole string, copied out (also what `to_string` gives).
    fn flatten(&self) -> String {
        let chunks: Vec<&str> = self.pieces().map(|p| &*p.chunk).collect();
        let mut s = String::with_capacity(self.len());
        for chunk in chunks.iter().rev() {
            s.push_str(chunk);
        }
        s
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        let (mut a, mut b) = (self.0.as_ref(), other.0.as_ref());
        if self.len() != other.len() || a.map(|p| p.hash) != b.map(|p| p.hash) {
            return false;
        }
        // Walk back while the pieces line up; a shared tail settles it.
        loop {
            match (a, b) {
                (None, None) => return true,
                (Some(x), Some(y)) if Arc::ptr_eq(x, y) => return true,
                (Some(x), Some(y)) if x.chunk.len() == y.chunk.len() => {
                    if x.chunk != y.chunk {
                        return false;
                    }
                    (a, b) = (x.prev.as_ref(), y.prev.as_ref());
                }
                _ => return self.flatten() == other.flatten(),
            }
        }
    }
}

impl Eq for Text {}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.0.as_ref().map_or(0, |p| p.hash));
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.flatten(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.flatten())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};

    fn hash(t: &Text) -> u64 {
        BuildHasherDefault::<DefaultHasher>::default().hash_one(t)
    }

    #[test]
    fn equality_and_hash_ignore_how_the_string_was_built() {
        let a = Text::new("ab").append("cd");
        let b = Text::new("a").append("bcd");
        let c = Text::default().append("abc").append("d");
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(hash(&a), hash(&b));
        assert_ne!(a, Text::new("abdc"));
        assert_ne!(a, Text::new("abc"));
        assert!(a.equals("abcd") && !a.equals("abce") && !a.equals("abc"));
        assert_eq!(a.to_string(), "abcd");
        assert_eq!(Text::new(""), Text::default());
        assert!(Text::default().equals(""));
    }

    #[test]
    fn a_long_chain_drops_without_recursion() {
        let mut t = Text::default();
        for _ in 0..200_000 {
            t = t.append("x");
        }
        assert_eq!(t.len(), 200_000);
        drop(t);
    }
}
