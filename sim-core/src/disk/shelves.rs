//! The records a disk holds, one shelf per name.
//!
//! A node writes a handful of names (a log, its tail, a term, blocks) and millions of
//! records under them. One sorted map over `(name, index)` makes every write search past
//! the other names' records and compare names at every step. A shelf per name, found among
//! the few by the name's address and kept in name order, gives each write a search over
//! plain integers in its own name's records only, and iterates in exactly the order of
//! [`DiskKey`]: name, then index.

use super::DiskKey;
use std::collections::BTreeMap;

/// Records by name, then index.
#[derive(Clone, Debug)]
pub(crate) struct Shelves<R> {
    /// One shelf per name ever written, sorted by name; a shelf may be empty.
    shelves: Vec<(&'static str, BTreeMap<u64, R>)>,
}

impl<R> Default for Shelves<R> {
    fn default() -> Self {
        Shelves {
            shelves: Vec::new(),
        }
    }
}

impl<R> Shelves<R> {
    /// The shelf of `name`, if one was made: by address first, the common case of a name
    /// written from one constant, then by contents.
    fn shelf(&self, name: &str) -> Option<&BTreeMap<u64, R>> {
        self.shelves
            .iter()
            .find(|(n, _)| std::ptr::eq(*n, name))
            .or_else(|| self.shelves.iter().find(|(n, _)| *n == name))
            .map(|(_, s)| s)
    }

    fn shelf_mut(&mut self, name: &str) -> Option<&mut BTreeMap<u64, R>> {
        let i = self
            .shelves
            .iter()
            .position(|(n, _)| std::ptr::eq(*n, name))
            .or_else(|| self.shelves.iter().position(|(n, _)| *n == name))?;
        Some(&mut self.shelves[i].1)
    }

    /// The shelf of `name`, made (in name order) if it is new.
    fn shelf_or_new(&mut self, name: &'static str) -> &mut BTreeMap<u64, R> {
        // By address over every shelf first: comparing contents shelf by shelf compared the
        // bytes of each same-length name met before the right one.
        let i = match self
            .shelves
            .iter()
            .position(|(n, _)| std::ptr::eq(*n, name))
            .or_else(|| self.shelves.iter().position(|(n, _)| *n == name))
        {
            Some(i) => i,
            None => {
                let at = self.shelves.partition_point(|(n, _)| *n < name);
                self.shelves.insert(at, (name, BTreeMap::new()));
                at
            }
        };
        &mut self.shelves[i].1
    }

    pub(crate) fn get(&self, key: &DiskKey) -> Option<&R> {
        self.shelf(key.0)?.get(&key.1)
    }

    pub(crate) fn get_mut(&mut self, key: &DiskKey) -> Option<&mut R> {
        self.shelf_mut(key.0)?.get_mut(&key.1)
    }

    pub(crate) fn contains_key(&self, key: &DiskKey) -> bool {
        self.get(key).is_some()
    }

    /// Stores `value` under `key`; returns what it replaced.
    pub(crate) fn insert(&mut self, key: DiskKey, value: R) -> Option<R> {
        self.shelf_or_new(key.0).insert(key.1, value)
    }

    pub(crate) fn remove(&mut self, key: &DiskKey) -> Option<R> {
        self.shelf_mut(key.0)?.remove(&key.1)
    }

    /// Every record, in key order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (DiskKey, &R)> {
        self.shelves
            .iter()
            .flat_map(|(n, s)| s.iter().map(move |(i, v)| (DiskKey(n, *i), v)))
    }

    /// Every key, in order.
    pub(crate) fn keys(&self) -> impl Iterator<Item = DiskKey> + '_ {
        self.iter().map(|(k, _)| k)
    }

    /// The records named `name`, in index order.
    pub(crate) fn named(&self, name: &str) -> impl Iterator<Item = (DiskKey, &R)> {
        self.shelves
            .iter()
            .filter(move |(n, _)| std::ptr::eq(*n, name) || *n == name)
            .flat_map(|(n, s)| s.iter().map(move |(i, v)| (DiskKey(n, *i), v)))
    }

    pub(crate) fn len(&self) -> usize {
        self.shelves.iter().map(|(_, s)| s.len()).sum()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.shelves.iter().all(|(_, s)| s.is_empty())
    }

    /// Takes out the records `(name, i)` with `lo <= i < hi` (or `i <= u64::MAX` when `hi` is
    /// `u64::MAX`, so that a suffix truncation reaches the last possible index), in key
    /// order. Two splits of the name's shelf, the smaller side merged back into the larger:
    /// no search per key.
    pub(crate) fn take_range(&mut self, name: &'static str, lo: u64, hi: u64) -> Vec<(DiskKey, R)> {
        if lo >= hi && hi != u64::MAX {
            return Vec::new();
        }
        let Some(shelf) = self.shelf_mut(name) else {
            return Vec::new();
        };
        let mut taken = shelf.split_off(&lo);
        if hi != u64::MAX {
            let mut kept = taken.split_off(&hi);
            if kept.len() > shelf.len() {
                std::mem::swap(shelf, &mut kept);
            }
            shelf.extend(kept);
        }
        taken
            .into_iter()
            .map(|(i, v)| (DiskKey(name, i), v))
            .collect()
    }
}

impl<R: PartialEq> Shelves<R> {
    /// Whether the records are exactly those of `map` (for tests against a model).
    #[cfg(test)]
    pub(crate) fn same_as(&self, map: &BTreeMap<DiskKey, R>) -> bool {
        self.len() == map.len()
            && self
                .iter()
                .zip(map.iter())
                .all(|(a, b)| a.0 == *b.0 && a.1 == b.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_keys_as_one_sorted_map_would_whatever_the_names_addresses() {
        let leaked: &'static str = Box::leak(String::from("log").into_boxed_str());
        let mut s = Shelves::default();
        let mut map = BTreeMap::new();
        for (k, v) in [
            (DiskKey("tail", 0), 1),
            (DiskKey("log", 3), 2),
            (DiskKey("block", 9), 3),
            (DiskKey(leaked, 1), 4),
            (DiskKey("log", u64::MAX), 5),
            (DiskKey("a", 0), 6),
        ] {
            assert_eq!(s.insert(k, v), map.insert(k, v));
        }
        assert_eq!(
            s.insert(DiskKey(leaked, 3), 7),
            map.insert(DiskKey("log", 3), 7)
        );
        assert!(s.same_as(&map));
        assert_eq!(s.get(&DiskKey("log", 1)), Some(&4));
        assert_eq!(s.get(&DiskKey(leaked, 3)), Some(&7));
        assert!(s.named("log").map(|(k, _)| k.1).eq([1, 3, u64::MAX]));
        assert_eq!(s.remove(&DiskKey(leaked, 1)), Some(4));
        assert_eq!(s.remove(&DiskKey("nothing", 1)), None);
        map.remove(&DiskKey("log", 1));
        assert!(s.same_as(&map));
        assert_eq!(s.len(), 5);
    }

    #[test]
    fn takes_a_prefix_a_middle_and_a_suffix_up_to_the_last_index() {
        let mut s = Shelves::default();
        for i in [1, 2, 3, 4, 5, u64::MAX] {
            s.insert(DiskKey("log", i), i);
        }
        s.insert(DiskKey("meta", 0), 0);
        let keys = |v: Vec<(DiskKey, u64)>| v.into_iter().map(|(k, _)| k.1).collect::<Vec<_>>();
        assert_eq!(keys(s.take_range("log", 0, 2)), vec![1]);
        assert_eq!(keys(s.take_range("log", 3, 4)), vec![3]);
        assert_eq!(keys(s.take_range("log", 4, 4)), Vec::<u64>::new());
        assert_eq!(keys(s.take_range("log", 5, u64::MAX)), vec![5, u64::MAX]);
        assert_eq!(keys(s.take_range("none", 0, u64::MAX)), Vec::<u64>::new());
        assert!(
            s.keys()
                .eq([DiskKey("log", 2), DiskKey("log", 4), DiskKey("meta", 0)])
        );
        assert!(!s.is_empty());
    }
}
