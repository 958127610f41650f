//! The state keys a search has met, each with one number (what iterative deepening needs to
//! know of it: the steps that were left when it was searched).
//!
//! A search asks it once per generated state, millions of times, and holds every distinct key
//! to the end. The keys are 128-bit hashes, already uniformly spread, so an open-addressing
//! table indexed by the key's own low bits needs no hashing and takes 20 bytes a key at up to
//! 7/8 load: about a third of an ordered tree's memory and several times its speed. Only
//! membership and the numbers are ever asked; nothing iterates it, so no order can leak into
//! a result.

/// Stands for "no key here"; the one key equal to it is kept aside.
const EMPTY: u128 = 0;

/// The keys met so far.
pub(crate) struct Seen {
    keys: Vec<u128>,
    values: Vec<u32>,
    len: usize,
    /// The number of the key `EMPTY` itself, once met.
    empty: Option<u32>,
}

impl Seen {
    /// An empty set.
    pub(crate) fn new() -> Seen {
        Seen {
            keys: vec![EMPTY; 1 << 12],
            values: vec![0; 1 << 12],
            len: 0,
            empty: None,
        }
    }

    /// How many keys it holds.
    pub(crate) fn len(&self) -> usize {
        self.len + usize::from(self.empty.is_some())
    }

    /// Whether `key` has been met.
    pub(crate) fn contains(&self, key: u128) -> bool {
        self.get(key).is_some()
    }

    /// The number kept with `key`, if it has been met.
    pub(crate) fn get(&self, key: u128) -> Option<u32> {
        if key == EMPTY {
            return self.empty;
        }
        let i = probe(&self.keys, key);
        (self.keys[i] == key).then(|| self.values[i])
    }

    /// Adds `key`; false if it was already there (its number is left as it was).
    pub(crate) fn insert(&mut self, key: u128) -> bool {
        if self.contains(key) {
            return false;
        }
        self.set(key, 0);
        true
    }

    /// Keeps `value` with `key`, which it adds if it is new.
    pub(crate) fn set(&mut self, key: u128, value: u32) {
        if key == EMPTY {
            self.empty = Some(value);
            return;
        }
        if (self.len + 1) * 8 > self.keys.len() * 7 {
            self.grow();
        }
        let i = probe(&self.keys, key);
        if self.keys[i] == EMPTY {
            self.keys[i] = key;
            self.len += 1;
        }
        self.values[i] = value;
    }

    fn grow(&mut self) {
        let size = self.keys.len() * 2;
        let keys = std::mem::replace(&mut self.keys, vec![EMPTY; size]);
        let values = std::mem::replace(&mut self.values, vec![0; size]);
        for (k, v) in keys.into_iter().zip(values).filter(|(k, _)| *k != EMPTY) {
            let i = probe(&self.keys, k);
            self.keys[i] = k;
            self.values[i] = v;
        }
    }
}

/// The slot that holds `key`, or the free slot where it would go.
fn probe(keys: &[u128], key: u128) -> usize {
    let mask = keys.len() - 1;
    let mut i = key as usize & mask;
    while keys[i] != EMPTY && keys[i] != key {
        i = (i + 1) & mask;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_each_key_once_across_growth() {
        let mut seen = Seen::new();
        // Keys that share their low bits probe into one another's slots.
        let keys: Vec<u128> = (0..20_000u128).map(|i| i << 64 | (i % 7)).collect();
        for (n, &k) in keys.iter().enumerate() {
            assert!(!seen.contains(k));
            assert!(seen.insert(k));
            seen.set(k, n as u32);
        }
        for (n, &k) in keys.iter().enumerate() {
            assert_eq!(seen.get(k), Some(n as u32));
            assert!(!seen.insert(k));
        }
        assert_eq!(seen.len(), keys.len());
        assert!(!seen.contains(7 << 64 | 1));
    }

    #[test]
    fn the_zero_key_is_a_key() {
        let mut seen = Seen::new();
        assert!(!seen.contains(0));
        assert!(seen.insert(0));
        assert!(!seen.insert(0));
        seen.set(0, 9);
        assert_eq!(seen.get(0), Some(9));
        assert_eq!(seen.len(), 1);
    }
}
