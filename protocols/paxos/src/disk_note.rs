//! An acceptor's account of what its disk should hold, so that a restarted server can tell a
//! disk that lost or misplaced a write from one that is whole.
//!
//! A checksum catches a record whose bytes changed, but not one that was never written (a lost
//! write leaves the previous, well-formed record in place) or one written under another slot.
//! So with every change to its accepted proposals the server also writes a note, twice: how
//! far its snapshot reaches, the highest slot it ever accepted, and a sum over every accepted
//! proposal it holds. A disk whose records do not add up to its note has lost something, and
//! the server cannot tell what: it treats every slot the note covers as damaged. The note also
//! carries the promise.

use crate::Ballot;

/// The note written with every change to the accepted proposals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Note {
    /// Notes written so far: of two copies, the later one wins.
    pub writes: u64,
    /// The slot the replica's snapshot reaches (accepted records below it are gone).
    pub compacted: u64,
    /// The highest slot ever accepted, plus one (0: none).
    pub tail: u64,
    /// The sum of [`entry_hash`] over every accepted proposal held.
    pub sum: u64,
    /// The promise: two more copies of it, beside its own two records, so that losing it
    /// takes damage to all four.
    pub promised: Ballot,
}

/// One accepted proposal's share of a note's sum: a mix of its slot, ballot and value digest,
/// summed with wrapping addition so that a change to one entry updates the sum in O(1).
pub fn entry_hash(slot: u64, ballot: Ballot, digest: u64) -> u64 {
    let mut x = slot
        .wrapping_mul(0x9e37_79b9_7f4a_7c15)
        .wrapping_add(ballot.round.rotate_left(17))
        .wrapping_add(u64::from(ballot.node).rotate_left(41))
        ^ digest;
    // splitmix64's finalizer.
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_part_of_an_entry_moves_its_hash() {
        let base = entry_hash(3, Ballot::new(2, 1), 77);
        assert_ne!(base, entry_hash(4, Ballot::new(2, 1), 77));
        assert_ne!(base, entry_hash(3, Ballot::new(3, 1), 77));
        assert_ne!(base, entry_hash(3, Ballot::new(2, 2), 77));
        assert_ne!(base, entry_hash(3, Ballot::new(2, 1), 78));
        assert_eq!(base, entry_hash(3, Ballot::new(2, 1), 77));
    }
}
