//! Symmetry reduction: states that differ only in which server is called what are searched once.
//!
//! A protocol whose servers run the same code from the same configuration cannot tell a state
//! from the same state with its servers renamed: what one of them does from there, the other
//! does with the names swapped. The model checker keys each state by the least of its hashes
//! under every renaming the protocol allows ([`Symmetry`]), so such states share one key.
//!
//! The renaming reaches inside node states and messages without any protocol code: while a
//! state is hashed under a renaming ([`under`]), every [`NodeId`] writes itself renamed, in its
//! serde form and in its `Debug` text alike. A protocol that keeps a node only as a position
//! (an index into a list of servers) must write it as a `NodeId` in `Node::model_state`.
//! Outside [`under`] (in every run, trace and fingerprint) ids are never renamed.

use crate::NodeId;
use std::cell::{Cell, RefCell};

/// Which renamings of its nodes a protocol's behaviour does not notice, as the protocol
/// declares it (`Node::symmetry`). Nodes past the renamed ones (clients) keep their names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Symmetry {
    /// Every node is distinguishable: no reduction.
    None,
    /// Nodes `0..n` may be renamed by any permutation: their code and configuration are the
    /// same, and nothing they do depends on how ids compare.
    Any(u32),
    /// Nodes `0..n` may be renamed by a rotation `i -> (i + k) mod n` only: something else (a
    /// client that tries the servers in id order, one after the other) sees their cyclic order.
    Rotation(u32),
}

/// The most renamings a search will hash each state under: 5 servers' permutations.
pub const MAX_RENAMINGS: usize = 120;

impl Symmetry {
    /// Every renaming in the group, the identity first.
    pub fn renamings(self) -> Vec<Renaming> {
        match self {
            Symmetry::None => vec![Renaming::identity()],
            Symmetry::Rotation(n) => (0..n.max(1))
                .map(|k| Renaming((0..n).map(|i| (i + k) % n).collect()))
                .collect(),
            Symmetry::Any(n) => {
                let mut out = Vec::new();
                permutations(&mut (0..n).collect::<Vec<u32>>(), 0, &mut out);
                out.sort();
                out.into_iter().map(Renaming).collect()
            }
        }
    }

    /// How many renamings [`Symmetry::renamings`] gives, without listing them.
    pub fn group_size(self) -> u64 {
        match self {
            Symmetry::None => 1,
            Symmetry::Rotation(n) => u64::from(n.max(1)),
            Symmetry::Any(n) => (1..=u64::from(n)).product(),
        }
    }
}

/// Every ordering of `items[k..]` after the fixed `items[..k]` (Heap's swaps, then sorted by
/// the caller so that the identity comes first).
fn permutations(items: &mut Vec<u32>, k: usize, out: &mut Vec<Vec<u32>>) {
    if k == items.len() {
        out.push(items.clone());
        return;
    }
    for i in k..items.len() {
        items.swap(k, i);
        permutations(items, k + 1, out);
        items.swap(k, i);
    }
}

/// A renaming of node ids: node `i` is called `to[i]`; ids past the table keep their names.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Renaming(Vec<u32>);

impl Renaming {
    /// Every node keeps its name.
    pub fn identity() -> Renaming {
        Renaming(Vec::new())
    }

    /// Whether every node keeps its name.
    pub fn is_identity(&self) -> bool {
        self.0.iter().enumerate().all(|(i, to)| i as u32 == *to)
    }

    /// What `id` is called under this renaming.
    pub fn of(&self, id: NodeId) -> NodeId {
        NodeId(self.0.get(id.index()).copied().unwrap_or(id.0))
    }

    /// Per-node values (node `i`'s at `i`) moved to where the renaming puts each node: what
    /// node `i` holds goes to the slot of its new name.
    pub fn place<T: Copy + Default>(&self, values: &[T]) -> Vec<T> {
        let mut placed = vec![T::default(); values.len()];
        for (i, v) in values.iter().enumerate() {
            if let Some(slot) = placed.get_mut(self.of(NodeId(i as u32)).index()) {
                *slot = *v;
            }
        }
        placed
    }
}

thread_local! {
    /// Whether a renaming is in force on this thread: checked first, so that an id written
    /// outside [`under`] costs one load.
    static ACTIVE: Cell<bool> = const { Cell::new(false) };
    static TABLE: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
}

/// What `id` writes itself as: renamed inside [`under`], itself everywhere else.
#[inline]
pub(crate) fn renamed(id: NodeId) -> NodeId {
    if !ACTIVE.with(Cell::get) {
        return id;
    }
    TABLE.with(|t| NodeId(t.borrow().get(id.index()).copied().unwrap_or(id.0)))
}

/// Runs `f` with `renaming` in force on this thread (nothing changes for the identity).
pub(crate) fn under<R>(renaming: &Renaming, f: impl FnOnce() -> R) -> R {
    if renaming.is_identity() {
        return f();
    }
    /// Ends the renaming however `f` returns.
    struct End;
    impl Drop for End {
        fn drop(&mut self) {
            ACTIVE.with(|a| a.set(false));
        }
    }
    TABLE.with(|t| {
        let mut t = t.borrow_mut();
        t.clear();
        t.extend_from_slice(&renaming.0);
    });
    ACTIVE.with(|a| a.set(true));
    let _end = End;
    f()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_have_their_sizes_and_start_with_the_identity() {
        for s in [Symmetry::None, Symmetry::Any(3), Symmetry::Rotation(3)] {
            let r = s.renamings();
            assert_eq!(r.len() as u64, s.group_size());
            assert!(r[0].is_identity());
            let mut unique = r.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), r.len(), "{s:?}");
        }
        assert_eq!(Symmetry::Any(4).renamings().len(), 24);
        // n0's value goes to n1's slot and n1's to n0's; a client (n3) keeps its slot.
        assert_eq!(
            Renaming(vec![1, 0, 2]).place(&[10, 11, 12, 13]),
            [11, 10, 12, 13]
        );
        // A rotation keeps the cyclic order: n0's successor n1 is renamed to the successor
        // of n0's new name.
        for r in Symmetry::Rotation(3).renamings() {
            let next = |id: u32| NodeId((id + 1) % 3);
            assert_eq!(r.of(next(0)), next(r.of(NodeId(0)).0));
        }
    }

    #[test]
    fn ids_are_renamed_only_under_a_renaming() {
        let swap = Renaming(vec![1, 0, 2]);
        let text = |id: NodeId| format!("{id:?}");
        assert_eq!(text(NodeId(0)), "NodeId(0)");
        under(&swap, || {
            assert_eq!(text(NodeId(0)), "NodeId(1)");
            assert_eq!(text(NodeId(2)), "NodeId(2)");
            // Past the table: a client keeps its name.
            assert_eq!(text(NodeId(7)), "NodeId(7)");
        });
        assert_eq!(text(NodeId(0)), "NodeId(0)");
        let caught = std::panic::catch_unwind(|| under(&swap, || panic!("inside")));
        assert!(caught.is_err());
        assert_eq!(text(NodeId(1)), "NodeId(1)", "a panic ends the renaming");
    }
}
