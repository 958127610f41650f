//! The hash chain: each header names the hash of the one before, so a whole chain is vouched
//! for by the hash of its last header, and a block rewritten anywhere shows at the next one.

use crate::block::{BlockHeader, GENESIS};
use crate::digest::Hash32;
use std::fmt;

/// Where and how a chain breaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChainFault {
    /// A header at the wrong height.
    Height {
        /// The height expected there.
        expected: u64,
        /// The height found.
        found: u64,
    },
    /// A header that does not name the hash of the header before it.
    Link {
        /// The height of the header whose `prev` is wrong.
        height: u64,
    },
    /// A header whose records do not start where the previous block's end.
    Position {
        /// The height of the header.
        height: u64,
    },
    /// The last header is not the trusted head.
    Head {
        /// The height of the last header.
        height: u64,
    },
}

impl fmt::Display for ChainFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainFault::Height { expected, found } => {
                write!(
                    f,
                    "a header at height {found} where {expected} was expected"
                )
            }
            ChainFault::Link { height } => write!(
                f,
                "block {height} does not name the hash of block {}",
                height.saturating_sub(1)
            ),
            ChainFault::Position { height } => write!(
                f,
                "block {height}'s records do not start where block {}'s end",
                height.saturating_sub(1)
            ),
            ChainFault::Head { height } => {
                write!(f, "block {height} is not the trusted head")
            }
        }
    }
}

/// Checks that `headers` follow on from `before` (the header just below the first of them,
/// `None` below height 1): consecutive heights, each naming the hash of the one before, and
/// records in unbroken positions.
pub fn verify<'a>(
    before: Option<&BlockHeader>,
    headers: impl IntoIterator<Item = &'a BlockHeader>,
) -> Result<(), ChainFault> {
    let (mut height, mut prev, mut next_position) = match before {
        Some(h) => (h.height, h.hash(), h.first + u64::from(h.count)),
        None => (0, GENESIS, 0),
    };
    for h in headers {
        if h.height != height + 1 {
            return Err(ChainFault::Height {
                expected: height + 1,
                found: h.height,
            });
        }
        if h.prev != prev {
            return Err(ChainFault::Link { height: h.height });
        }
        if h.first != next_position {
            return Err(ChainFault::Position { height: h.height });
        }
        height = h.height;
        prev = h.hash();
        next_position = h.first + u64::from(h.count);
    }
    Ok(())
}

/// Checks that `headers`, the first being the block a client asked about, lead up to the
/// head it trusts (`head`, the hash of the last of them).
pub fn reaches(headers: &[BlockHeader], head: Hash32) -> Result<(), ChainFault> {
    let Some((first, rest)) = headers.split_first() else {
        return Err(ChainFault::Head { height: 0 });
    };
    verify(Some(first), rest)?;
    let last = rest.last().unwrap_or(first);
    if last.hash() != head {
        return Err(ChainFault::Head {
            height: last.height,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::block::Block;
    use crate::entry::{Entry, RecordId};

    fn chain(blocks: u64) -> Vec<Block> {
        let mut out: Vec<Block> = Vec::new();
        let mut first = 0;
        for height in 1..=blocks {
            let prev = out.last().map_or(GENESIS, Block::hash);
            let entries: Vec<Entry> = (0..height)
                .map(|n| Entry {
                    id: RecordId {
                        producer: height as u32,
                        number: n,
                    },
                    data: Hash32::of_data(&n.to_be_bytes()),
                    size: 10,
                    time: 0,
                })
                .collect();
            let n = entries.len() as u64;
            out.push(Block::cut(height, prev, first, entries, height));
            first += n;
        }
        out
    }

    fn headers(blocks: &[Block]) -> Vec<BlockHeader> {
        blocks.iter().map(|b| b.header).collect()
    }

    #[test]
    fn a_chain_verifies_whole_and_from_any_point() {
        let h = headers(&chain(6));
        assert_eq!(verify(None, &h), Ok(()));
        assert_eq!(verify(Some(&h[2]), &h[3..]), Ok(()));
        assert_eq!(reaches(&h[1..], h[5].hash()), Ok(()));
        assert_eq!(reaches(&h[5..], h[5].hash()), Ok(()));
    }

    #[test]
    fn a_tampered_block_shows_at_the_next_one_and_at_the_head() {
        let mut blocks = chain(5);
        let honest_head = blocks[4].hash();
        blocks[2] = sim_core::Corruptible::tampered(&blocks[2], 99);
        assert_eq!(blocks[2].check(), Ok(()), "the block agrees with itself");
        let h = headers(&blocks);
        assert_eq!(verify(None, &h), Err(ChainFault::Link { height: 4 }));
        // A client holding the honest head rejects the tampered block with any path.
        assert!(reaches(&h[2..], honest_head).is_err());
        // Even with the rest of the chain rewritten to fit, the head gives it away.
        let mut forged = blocks[..3].to_vec();
        for b in &blocks[3..] {
            let prev = forged.last().unwrap().hash();
            forged.push(Block::cut(
                b.header.height,
                prev,
                b.header.first,
                b.entries.to_vec(),
                b.header.time,
            ));
        }
        let f = headers(&forged);
        assert_eq!(verify(None, &f), Ok(()));
        assert_eq!(
            reaches(&f[2..], honest_head),
            Err(ChainFault::Head { height: 5 })
        );
    }

    #[test]
    fn gaps_and_misplaced_records_are_faults() {
        let h = headers(&chain(4));
        assert_eq!(
            verify(None, &[h[0], h[2]]),
            Err(ChainFault::Height {
                expected: 2,
                found: 3
            })
        );
        let mut shifted = h.clone();
        shifted[1].first += 1;
        // Shifting a header changes its hash too, so the next link breaks as well; the
        // position is what is reported first.
        assert_eq!(
            verify(None, &shifted),
            Err(ChainFault::Position { height: 2 })
        );
        assert_eq!(
            reaches(&[], h[0].hash()),
            Err(ChainFault::Head { height: 0 })
        );
    }
}
