//! The search's memory: every distinct model state gets a small number, and every explored
//! configuration (operations taken, state number) is stored once, compactly.
//!
//! Numbering states means a configuration costs a few machine words however large the state
//! is, and a backtracking stack holds numbers instead of copies. The hash tables use a fixed
//! hasher: nothing here is iterated, but a seeded hasher would still make memory use and
//! timing differ from run to run.

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;
use std::hash::{BuildHasher, Hash};

/// A state number.
pub(crate) type StateId = u32;

/// Spreads the bits of `x` (the finalizer of SplitMix64), so that small integers make good
/// hash keys.
#[inline]
pub(crate) fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Numbers model states.
pub(crate) struct States<S> {
    states: Vec<S>,
    /// (hash, number): the hash is kept so that growing the table never rehashes a state.
    index: HashTable<(u64, StateId)>,
}

impl<S: Eq + Hash> States<S> {
    pub(crate) fn new() -> Self {
        States {
            states: Vec::new(),
            index: HashTable::new(),
        }
    }

    /// The number of `state`, giving it the next one if it is new.
    pub(crate) fn intern(&mut self, state: S) -> StateId {
        let hash = FxBuildHasher.hash_one(&state);
        let states = &mut self.states;
        let same = |&(h, id): &(u64, StateId)| h == hash && states[id as usize] == state;
        if let Some(&(_, id)) = self.index.find(hash, same) {
            return id;
        }
        let id = states.len() as StateId;
        states.push(state);
        self.index.insert_unique(hash, (hash, id), |&(h, _)| h);
        id
    }

    /// The state numbered `id`.
    #[inline]
    pub(crate) fn get(&self, id: StateId) -> &S {
        &self.states[id as usize]
    }
}

/// The set of explored configurations. Each is stored as the words of its bitset followed by
/// its state number, in one arena; the table holds (hash, arena slot) pairs.
pub(crate) struct Configs {
    /// Words per bitset.
    words: usize,
    arena: Vec<u64>,
    table: HashTable<(u64, u32)>,
}

impl Configs {
    pub(crate) fn new(words: usize) -> Configs {
        Configs {
            words,
            arena: Vec::new(),
            table: HashTable::new(),
        }
    }

    /// Adds a configuration; `false` if it was already there. `bits_hash` must be a hash of
    /// `bits` alone (the search keeps one up to date as it goes).
    pub(crate) fn insert(&mut self, bits: &[u64], bits_hash: u64, state: StateId) -> bool {
        debug_assert_eq!(bits.len(), self.words);
        let hash = bits_hash ^ mix(u64::from(state) ^ 0x9e37_79b9_7f4a_7c15);
        let stride = self.words + 1;
        let arena = &mut self.arena;
        let same = |&(h, slot): &(u64, u32)| {
            let at = slot as usize * stride;
            h == hash
                && arena[at + self.words] == u64::from(state)
                && arena[at..at + self.words] == *bits
        };
        if self.table.find(hash, same).is_some() {
            return false;
        }
        let slot = (arena.len() / stride) as u32;
        arena.extend_from_slice(bits);
        arena.push(u64::from(state));
        self.table.insert_unique(hash, (hash, slot), |&(h, _)| h);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_states_share_a_number() {
        let mut s = States::new();
        let a = s.intern("x".to_owned());
        let b = s.intern("y".to_owned());
        assert_ne!(a, b);
        assert_eq!(s.intern("x".to_owned()), a);
        assert_eq!(s.get(b), "y");
    }

    #[test]
    fn configurations_differ_by_bits_or_state() {
        let mut c = Configs::new(2);
        assert!(c.insert(&[1, 0], 7, 0));
        assert!(!c.insert(&[1, 0], 7, 0));
        assert!(c.insert(&[1, 0], 7, 1));
        // A hash collision must not make different bitsets equal.
        assert!(c.insert(&[0, 1], 7, 0));
    }
}
