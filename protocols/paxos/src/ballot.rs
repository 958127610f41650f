//! Ballot numbers: the total order that lets a later proposer override an earlier one.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A ballot (proposal number) `(round, node)`, ordered by round, then node.
///
/// Paxos needs every proposer to draw from its own, disjoint set of ballots: two proposers that
/// run phase 2 under the same ballot could each get a value accepted by a quorum. Putting the
/// proposer's node id in the ballot makes the sets disjoint. [`Ballot::ZERO`] is below every
/// ballot a proposer uses and stands for "none yet".
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Ballot {
    /// The round; a proposer that needs a higher ballot raises it.
    pub round: u64,
    /// The proposer that owns the ballot (0 for everyone under the `non-unique-ballots` bug).
    pub node: u32,
}

impl Ballot {
    /// No ballot: below every real one.
    pub const ZERO: Ballot = Ballot { round: 0, node: 0 };

    /// Not a ballot anyone runs: what an acceptor records for a slot it repaired from the
    /// value it learnt was chosen there. Above every real ballot, so a new proposer that hears
    /// of it takes that value, which is the only value it may propose in that slot.
    pub const CHOSEN: Ballot = Ballot {
        round: u64::MAX,
        node: u32::MAX,
    };

    /// A ballot of `round` owned by `node`.
    pub const fn new(round: u64, node: u32) -> Ballot {
        Ballot { round, node }
    }

    /// The smallest ballot of proposer `node` above both `self` and `seen` (the highest
    /// ballot the proposer has heard of). With `unique` false (the `non-unique-ballots` bug)
    /// the owner is left out, so two proposers may pick the very same ballot.
    pub fn next_for(seen: Ballot, node: u32, unique: bool) -> Ballot {
        Ballot {
            round: seen.round.saturating_add(1),
            node: if unique { node } else { 0 },
        }
    }

    /// True for a ballot a proposer actually used.
    pub fn is_real(self) -> bool {
        self.round > 0
    }
}

impl fmt::Display for Ballot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == Ballot::CHOSEN {
            return f.write_str("chosen");
        }
        write!(f, "b({},{})", self.round, self.node)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_dominate_then_node_ids_break_ties() {
        assert!(Ballot::new(2, 0) > Ballot::new(1, 4));
        assert!(Ballot::new(1, 4) > Ballot::new(1, 3));
        assert!(Ballot::ZERO < Ballot::new(1, 0));
        assert_eq!(Ballot::new(3, 1).to_string(), "b(3,1)");
    }

    #[test]
    fn next_ballots_are_above_what_was_seen_and_unique_per_proposer() {
        let seen = Ballot::new(4, 2);
        let a = Ballot::next_for(seen, 1, true);
        let b = Ballot::next_for(seen, 3, true);
        assert!(a > seen && b > seen);
        assert_ne!(a, b);
        // The bug: both proposers land on the same ballot.
        assert_eq!(
            Ballot::next_for(seen, 1, false),
            Ballot::next_for(seen, 3, false)
        );
    }
}
