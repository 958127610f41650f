//! Every block's header, in height order, kept so that a copy costs little.
//!
//! The chain of headers only grows, and the replicated state is copied at every snapshot:
//! an hour of blocks every 100 ms is 36,000 headers, copied about once a second on each
//! server. Headers are therefore kept in sealed chunks that copies share, plus a short open
//! tail; a copy clones the tail and a list of shared chunks, never the sealed headers.

use crate::block::BlockHeader;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::sync::Arc;

/// Headers per sealed chunk.
const CHUNK: usize = 256;

/// The headers of the chain, height 1 first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Headers {
    /// Sealed chunks of exactly [`CHUNK`] headers, shared by every copy.
    sealed: Vec<Arc<[BlockHeader]>>,
    /// The headers after the sealed ones: fewer than [`CHUNK`].
    open: Vec<BlockHeader>,
}

impl Headers {
    /// How many headers there are.
    pub fn len(&self) -> usize {
        self.sealed.len() * CHUNK + self.open.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The header at index `i` (height `i + 1`).
    pub fn get(&self, i: usize) -> Option<&BlockHeader> {
        match self.sealed.get(i / CHUNK) {
            Some(chunk) => chunk.get(i % CHUNK),
            None => self.open.get(i - self.sealed.len() * CHUNK),
        }
    }

    /// The latest header.
    pub fn last(&self) -> Option<&BlockHeader> {
        self.open
            .last()
            .or_else(|| self.sealed.last().and_then(|c| c.last()))
    }

    /// Adds the next header, sealing the open chunk once it is full.
    pub fn push(&mut self, header: BlockHeader) {
        self.open.push(header);
        if self.open.len() == CHUNK {
            let full = std::mem::replace(&mut self.open, Vec::with_capacity(CHUNK));
            self.sealed.push(full.into());
        }
    }

    /// Every header, height 1 first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &BlockHeader> {
        self.sealed
            .iter()
            .flat_map(|c| c.iter())
            .chain(self.open.iter())
    }

    /// The headers from index `i` on.
    pub fn iter_from(&self, i: usize) -> impl Iterator<Item = &BlockHeader> {
        let chunk = (i / CHUNK).min(self.sealed.len());
        let skip = i - chunk * CHUNK;
        self.sealed[chunk..]
            .iter()
            .flat_map(|c| c.iter())
            .chain(self.open.iter())
            .skip(skip)
    }

    /// The first index whose header fails `pred`, given that `pred` holds for a prefix (as
    /// [`slice::partition_point`] says).
    pub fn partition_point(&self, pred: impl Fn(&BlockHeader) -> bool) -> usize {
        let chunk = self.sealed.partition_point(|c| c.last().is_some_and(&pred));
        match self.sealed.get(chunk) {
            Some(c) => chunk * CHUNK + c.partition_point(&pred),
            None => chunk * CHUNK + self.open.partition_point(&pred),
        }
    }
}

/// Written as the plain list of headers.
impl Serialize for Headers {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Headers {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Headers, D::Error> {
        let mut headers = Headers::default();
        for h in Vec::<BlockHeader>::deserialize(d)? {
            headers.push(h);
        }
        Ok(headers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::GENESIS;

    fn header(height: u64) -> BlockHeader {
        BlockHeader {
            height,
            prev: GENESIS,
            root: GENESIS,
            first: height * 10,
            count: 10,
            bytes: 0,
            time: height,
        }
    }

    fn headers(n: u64) -> Headers {
        let mut h = Headers::default();
        for height in 1..=n {
            h.push(header(height));
        }
        h
    }

    #[test]
    fn reads_like_the_plain_list_across_chunk_boundaries() {
        for n in [0, 1, CHUNK as u64 - 1, CHUNK as u64, 2 * CHUNK as u64 + 5] {
            let h = headers(n);
            let plain: Vec<BlockHeader> = (1..=n).map(header).collect();
            assert_eq!(h.len(), plain.len());
            assert_eq!(h.is_empty(), plain.is_empty());
            assert_eq!(h.last(), plain.last());
            assert!(h.iter().eq(plain.iter()));
            assert!(h.iter().rev().eq(plain.iter().rev()));
            for i in [
                0,
                1,
                CHUNK - 1,
                CHUNK,
                CHUNK + 1,
                2 * CHUNK + 4,
                2 * CHUNK + 5,
            ] {
                assert_eq!(h.get(i), plain.get(i), "n {n}, index {i}");
                assert!(h.iter_from(i).eq(plain.iter().skip(i)), "n {n}, from {i}");
            }
            for position in [0, 10, 15, 10 * CHUNK as u64 + 3, 10 * n, 10 * n + 10] {
                let pred = |x: &BlockHeader| x.first + u64::from(x.count) <= position;
                assert_eq!(
                    h.partition_point(pred),
                    plain.partition_point(pred),
                    "n {n}, position {position}"
                );
            }
        }
    }

    #[test]
    fn copies_share_sealed_chunks_and_serialize_as_the_plain_list() {
        let h = headers(CHUNK as u64 + 3);
        let copy = h.clone();
        assert!(Arc::ptr_eq(&h.sealed[0], &copy.sealed[0]));
        let plain: Vec<BlockHeader> = h.iter().copied().collect();
        let text = serde_json::to_string(&h).unwrap();
        assert_eq!(text, serde_json::to_string(&plain).unwrap());
        let back: Headers = serde_json::from_str(&text).unwrap();
        assert_eq!(back, h);
    }
}
