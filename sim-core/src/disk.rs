//! A node's durable storage.
//!
//! The disk is a sorted key-value store of the node's own record type. Writes are visible to
//! the node at once but become durable only at [`Disk::sync`]; a crash throws away every write
//! since the last sync. This is exactly the property a protocol must respect ("persist before
//! you answer"), and exactly the one the known-bug configurations break.

use serde::Serialize;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// The key of a disk record: a name and an index, so that a log is `("log", i)` and a single
/// value is `("term", 0)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct DiskKey(pub &'static str, pub u64);

/// Name, then index, as a derived order would compare them; two keys whose names are the same
/// constant skip the string comparison, which is most comparisons inside one log.
impl Ord for DiskKey {
    fn cmp(&self, other: &Self) -> Ordering {
        let names = if std::ptr::eq(self.0, other.0) {
            Ordering::Equal
        } else {
            self.0.cmp(other.0)
        };
        names.then(self.1.cmp(&other.1))
    }
}

impl PartialOrd for DiskKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A write not yet made durable.
#[derive(Clone, Debug)]
enum PendingOp<R> {
    Put(DiskKey, R),
    Remove(DiskKey),
    /// Remove every key `(name, i)` with `i >= from`.
    Truncate(&'static str, u64),
    /// Remove every key `(name, i)` with `i < below`.
    RemoveBelow(&'static str, u64),
}

/// Durable storage of one node; survives crashes up to its last sync.
#[derive(Clone, Debug)]
pub struct Disk<R> {
    /// What the node sees: durable state plus unsynced writes.
    current: BTreeMap<DiskKey, R>,
    /// What survives a crash.
    durable: BTreeMap<DiskKey, R>,
    /// Writes since the last sync, in order.
    pending: Vec<PendingOp<R>>,
    writes: u64,
    syncs: u64,
}

impl<R> Default for Disk<R> {
    fn default() -> Self {
        Disk {
            current: BTreeMap::new(),
            durable: BTreeMap::new(),
            pending: Vec::new(),
            writes: 0,
            syncs: 0,
        }
    }
}

impl<R: Clone> Disk<R> {
    /// Writes (or overwrites) a record; durable only after the next [`Disk::sync`].
    pub fn put(&mut self, key: DiskKey, value: R) {
        self.writes += 1;
        self.current.insert(key, value.clone());
        self.pending.push(PendingOp::Put(key, value));
    }

    /// Removes a record; durable only after the next sync.
    pub fn remove(&mut self, key: DiskKey) {
        self.writes += 1;
        self.current.remove(&key);
        self.pending.push(PendingOp::Remove(key));
    }

    /// Removes every record `(name, i)` with `i >= from` (a log suffix); durable after sync.
    pub fn truncate(&mut self, name: &'static str, from: u64) {
        self.writes += 1;
        remove_range(&mut self.current, name, from, u64::MAX);
        self.pending.push(PendingOp::Truncate(name, from));
    }

    /// Removes every record `(name, i)` with `i < below` (a log prefix a snapshot replaced);
    /// durable after sync.
    pub fn remove_below(&mut self, name: &'static str, below: u64) {
        self.writes += 1;
        remove_range(&mut self.current, name, 0, below);
        self.pending.push(PendingOp::RemoveBelow(name, below));
    }

    /// Makes every write so far durable.
    pub fn sync(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        self.syncs += 1;
        for op in self.pending.drain(..) {
            match op {
                PendingOp::Put(k, v) => {
                    self.durable.insert(k, v);
                }
                PendingOp::Remove(k) => {
                    self.durable.remove(&k);
                }
                PendingOp::Truncate(name, from) => {
                    remove_range(&mut self.durable, name, from, u64::MAX);
                }
                PendingOp::RemoveBelow(name, below) => {
                    remove_range(&mut self.durable, name, 0, below);
                }
            }
        }
    }

    /// The record under `key`, as the running node sees it (synced or not).
    pub fn get(&self, key: DiskKey) -> Option<&R> {
        self.current.get(&key)
    }

    /// Every record named `name`, in index order.
    pub fn range(&self, name: &'static str) -> impl Iterator<Item = (u64, &R)> {
        self.current
            .range(DiskKey(name, 0)..=DiskKey(name, u64::MAX))
            .map(|(k, v)| (k.1, v))
    }

    /// True if writes are waiting for a sync.
    pub fn has_unsynced(&self) -> bool {
        !self.pending.is_empty()
    }

    /// How many writes and syncs the node has issued (for metrics).
    pub fn counters(&self) -> (u64, u64) {
        (self.writes, self.syncs)
    }

    /// What a crash leaves: the unsynced writes are gone. Returns how many were lost.
    pub(crate) fn crash(&mut self) -> usize {
        let lost = self.pending.len();
        if lost > 0 {
            self.pending.clear();
            self.current = self.durable.clone();
        }
        lost
    }

    /// How many records the node currently sees.
    pub fn len(&self) -> usize {
        self.current.len()
    }

    /// True if the node sees no records.
    pub fn is_empty(&self) -> bool {
        self.current.is_empty()
    }
}

/// Removes the keys `(name, i)` with `lo <= i` and `i < hi` (or `i <= u64::MAX` when `hi` is
/// `u64::MAX`, so a suffix truncation reaches the last possible index).
///
/// The range is cut out with two splits and the smaller side is merged back into the larger,
/// so dropping a compacted log prefix costs its deallocation, not one search per key.
fn remove_range<R>(map: &mut BTreeMap<DiskKey, R>, name: &'static str, lo: u64, hi: u64) {
    if lo >= hi && hi != u64::MAX {
        return;
    }
    let mut doomed = map.split_off(&DiskKey(name, lo));
    let mut kept = doomed.split_off(&DiskKey(name, hi));
    if hi == u64::MAX
        && let Some(last) = kept.remove(&DiskKey(name, u64::MAX))
    {
        doomed.insert(DiskKey(name, u64::MAX), last);
    }
    drop(doomed);
    if kept.len() > map.len() {
        std::mem::swap(map, &mut kept);
    }
    map.extend(kept);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crash_loses_exactly_the_unsynced_writes() {
        let mut d = Disk::default();
        d.put(DiskKey("term", 0), 1u64);
        d.sync();
        d.put(DiskKey("term", 0), 2);
        d.put(DiskKey("log", 1), 10);
        assert_eq!(d.get(DiskKey("term", 0)), Some(&2));
        assert_eq!(d.crash(), 2);
        assert_eq!(d.get(DiskKey("term", 0)), Some(&1));
        assert_eq!(d.get(DiskKey("log", 1)), None);
        assert!(!d.has_unsynced());
    }

    #[test]
    fn truncate_removes_a_suffix_durably() {
        let mut d = Disk::default();
        for i in 1..=5 {
            d.put(DiskKey("log", i), i * 10);
        }
        d.put(DiskKey("term", 0), 3);
        d.sync();
        d.truncate("log", 3);
        assert_eq!(
            d.range("log").map(|(i, _)| i).collect::<Vec<_>>(),
            vec![1, 2]
        );
        d.sync();
        d.crash();
        assert_eq!(
            d.range("log").map(|(i, _)| i).collect::<Vec<_>>(),
            vec![1, 2]
        );
        assert_eq!(d.get(DiskKey("term", 0)), Some(&3));
    }

    #[test]
    fn remove_below_drops_a_prefix_durably_and_a_crash_before_sync_keeps_it() {
        let mut d = Disk::default();
        for i in 1..=5 {
            d.put(DiskKey("log", i), i);
        }
        d.put(DiskKey("snap", 0), 99);
        d.sync();
        d.remove_below("log", 4);
        assert_eq!(
            d.range("log").map(|(i, _)| i).collect::<Vec<_>>(),
            vec![4, 5]
        );
        d.crash();
        assert_eq!(d.range("log").count(), 5);
        d.remove_below("log", 4);
        d.sync();
        d.crash();
        assert_eq!(
            d.range("log").map(|(i, _)| i).collect::<Vec<_>>(),
            vec![4, 5]
        );
        assert_eq!(d.get(DiskKey("snap", 0)), Some(&99));
    }

    #[test]
    fn removal_is_undone_by_a_crash_before_sync() {
        let mut d = Disk::default();
        d.put(DiskKey("vote", 0), 7u32);
        d.sync();
        d.remove(DiskKey("vote", 0));
        assert_eq!(d.get(DiskKey("vote", 0)), None);
        d.crash();
        assert_eq!(d.get(DiskKey("vote", 0)), Some(&7));
    }

    #[test]
    fn range_removal_keeps_other_names_on_both_sides_and_reaches_the_last_index() {
        let mut d = Disk::default();
        d.put(DiskKey("a", 7), 1u64);
        for i in [1, 2, 3, 4, u64::MAX] {
            d.put(DiskKey("log", i), i);
        }
        d.put(DiskKey("z", 0), 2);
        d.remove_below("log", 2);
        d.truncate("log", 4);
        let left: Vec<DiskKey> = d.current.keys().copied().collect();
        assert_eq!(
            left,
            vec![
                DiskKey("a", 7),
                DiskKey("log", 2),
                DiskKey("log", 3),
                DiskKey("z", 0)
            ]
        );
        d.sync();
        assert_eq!(d.durable.keys().copied().collect::<Vec<_>>(), left);
    }

    #[test]
    fn keys_order_by_name_then_index_whatever_their_address() {
        let owned = String::from("log");
        let other: &'static str = Box::leak(owned.into_boxed_str());
        assert!(!std::ptr::eq(other, "log"));
        assert_eq!(DiskKey(other, 3).cmp(&DiskKey("log", 3)), Ordering::Equal);
        assert!(DiskKey(other, 2) < DiskKey("log", 3));
        assert!(DiskKey("a", 9) < DiskKey("log", 0));
        assert!(DiskKey("log", u64::MAX) < DiskKey("m", 0));
    }
}
