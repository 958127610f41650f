//! Merkle trees over a block's records, and the proofs that let a client check one record
//! against a block header without the rest of the block.
//!
//! Leaves are the records' hashes ([`crate::Entry::leaf`]); an inner node hashes its two
//! children. A level with an odd number of nodes passes its last one up unchanged, rather
//! than pairing it with itself, so that no two different lists of records share a root (with
//! duplication, `[a, b, c]` and `[a, b, c, c]` would).

use crate::digest::{Domain, Hash32};
use serde::{Deserialize, Serialize};

/// The root of a block without records.
pub fn empty_root() -> Hash32 {
    Hash32::of(Domain::Node, &[])
}

fn parent(left: &Hash32, right: &Hash32) -> Hash32 {
    Hash32::of(Domain::Node, &[&left.0, &right.0])
}

/// The root over `leaves`, in order.
pub fn root(leaves: &[Hash32]) -> Hash32 {
    if leaves.is_empty() {
        return empty_root();
    }
    let mut level = leaves.to_vec();
    while level.len() > 1 {
        level = up(&level);
    }
    level[0]
}

/// The level above `level`: each pair's parent, and an odd last node passed up unchanged.
fn up(level: &[Hash32]) -> Vec<Hash32> {
    level
        .chunks(2)
        .map(|pair| match pair {
            [l, r] => parent(l, r),
            [only] => *only,
            _ => unreachable!("chunks of two"),
        })
        .collect()
}

/// The evidence that a leaf sits at `index` of a tree of `count` leaves: the sibling at each
/// level where there is one, from the leaf up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proof {
    /// The leaf's position.
    pub index: u32,
    /// How many leaves the tree has.
    pub count: u32,
    /// The siblings, leaf level first.
    pub path: Vec<Hash32>,
}

impl Proof {
    /// The proof for leaf `index` of `leaves`; `None` if there is no such leaf.
    pub fn of(leaves: &[Hash32], index: usize) -> Option<Proof> {
        if index >= leaves.len() {
            return None;
        }
        let mut path = Vec::new();
        let mut level = leaves.to_vec();
        let mut i = index;
        while level.len() > 1 {
            let sibling = if i % 2 == 1 { i - 1 } else { i + 1 };
            if sibling < level.len() {
                path.push(level[sibling]);
            }
            level = up(&level);
            i /= 2;
        }
        Some(Proof {
            index: index as u32,
            count: leaves.len() as u32,
            path,
        })
    }

    /// Whether `leaf` at this proof's position leads to `root`. The sides are taken from the
    /// position, not from the proof, so a proof cannot move a leaf elsewhere in the tree.
    pub fn verifies(&self, leaf: Hash32, root: Hash32) -> bool {
        if self.index >= self.count {
            return false;
        }
        let (mut i, mut n) = (self.index as u64, self.count as u64);
        let mut at = leaf;
        let mut path = self.path.iter();
        while n > 1 {
            if i % 2 == 1 {
                let Some(left) = path.next() else {
                    return false;
                };
                at = parent(left, &at);
            } else if i + 1 < n {
                let Some(right) = path.next() else {
                    return false;
                };
                at = parent(&at, right);
            }
            i /= 2;
            n = n.div_ceil(2);
        }
        path.next().is_none() && at == root
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn leaves(n: usize) -> Vec<Hash32> {
        (0..n)
            .map(|i| Hash32::of(Domain::Leaf, &[&(i as u64).to_be_bytes()]))
            .collect()
    }

    #[test]
    fn small_trees_have_the_roots_worked_out_by_hand() {
        let l = leaves(3);
        assert_eq!(root(&l[..1]), l[0]);
        assert_eq!(root(&l[..2]), parent(&l[0], &l[1]));
        // The odd one out goes up unchanged.
        assert_eq!(root(&l), parent(&parent(&l[0], &l[1]), &l[2]));
        let mut dup = l.clone();
        dup.push(l[2]);
        assert_ne!(root(&dup), root(&l), "no duplication of the last leaf");
        assert_eq!(root(&[]), empty_root());
    }

    proptest! {
        #[test]
        fn every_leaf_proves_and_no_other_leaf_or_position_does(n in 1usize..70, pick in 0usize..70) {
            let l = leaves(n);
            let r = root(&l);
            let i = pick % n;
            let proof = Proof::of(&l, i).unwrap();
            prop_assert!(proof.verifies(l[i], r));
            // Another leaf at the same place fails.
            let other = Hash32::of(Domain::Leaf, &[b"other"]);
            prop_assert!(!proof.verifies(other, r));
            // The same path claimed for another position fails (unless the shapes agree and
            // the leaves are equal, which distinct leaves are not).
            if n > 1 {
                let moved = Proof { index: ((i + 1) % n) as u32, ..proof.clone() };
                prop_assert!(!moved.verifies(l[i], r));
            }
            // A damaged sibling fails.
            if let Some(first) = proof.path.first() {
                let mut bad = proof.clone();
                bad.path[0] = Hash32::of(Domain::Node, &[&first.0, b"x"]);
                prop_assert!(!bad.verifies(l[i], r));
            }
            // A truncated or padded path fails.
            let mut long = proof.clone();
            long.path.push(r);
            prop_assert!(!long.verifies(l[i], r));
        }
    }
}
