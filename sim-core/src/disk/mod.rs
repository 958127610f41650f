//! A node's durable storage.
//!
//! The disk is a sorted key-value store of the node's own record type. Writes are visible to
//! the node at once but become durable only at [`Disk::sync`]; a crash throws away every write
//! since the last sync. This is exactly the property a protocol must respect ("persist before
//! you answer"), and exactly the one the known-bug configurations break.
//!
//! Real disks also fail in other ways, which storage faults ([`crate::StorageFault`]) inject:
//! a record's bytes change, an acknowledged write never reaches the medium, a write lands under
//! another key, a record becomes unreadable, a crash tears a sync in progress. Every record
//! carries a checksum of its contents and of the key it was written for: a node that reads
//! through [`Disk::read`] learns of the damage ([`Damage`]); one that reads through
//! [`Disk::get`] is handed the damaged bytes.

mod damage;
#[cfg(test)]
mod fault_tests;
mod ghost;
mod reading;
mod shelves;
mod strike;

pub use damage::{Corruptible, Damage};
use ghost::Ghost;
pub use reading::Reading;
use shelves::Shelves;

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

/// What undoes one unsynced change: the value `key` held before it (`None`: it was absent).
type Undo<R> = (DiskKey, Option<R>);

/// Durable storage of one node; survives crashes up to its last sync.
///
/// The disk keeps what the node sees and, for the writes since the last sync, what they
/// replaced: a crash undoes them newest first, which leaves exactly the state of the last
/// sync, and a sync only forgets the undo records. So each write touches one map, and a sync
/// costs nothing per record.
#[derive(Clone, Debug)]
pub struct Disk<R> {
    /// What the node sees: durable state plus unsynced writes.
    current: Shelves<R>,
    /// For every change since the last sync, in order, the value it replaced.
    undo: Vec<Undo<R>>,
    /// Write operations since the last sync (a truncation counts once).
    unsynced: usize,
    writes: u64,
    syncs: u64,
    /// Records whose checksum no longer matches (or that cannot be read); empty on a disk no
    /// storage fault touched, which keeps every read on the fast path.
    damage: BTreeMap<DiskKey, Damage>,
    /// Damage that an unsynced overwrite hid, to bring back if a crash undoes the overwrite.
    hidden: Vec<(DiskKey, Damage)>,
    /// Writes the node saw acknowledged that never reached the medium (lost or misdirected):
    /// a crash reveals them.
    ghosts: Vec<Ghost<R>>,
    /// Armed faults that strike the next write: `true` misdirects it, `false` loses it; each
    /// with the draw that decides where a misdirected write lands.
    armed: Vec<(bool, u64)>,
    /// Records a storage fault changed behind the checksums' back (tampered), for inspectors;
    /// reads do not see them as damaged.
    tampered: BTreeMap<DiskKey, ()>,
    /// The virtual time the node last used its disk (set by [`crate::Ctx::disk`]), so that a
    /// sync knows when it began.
    pub(crate) now: crate::Time,
    /// When the latest sync began, what its writes replaced, in order, and the damage of the
    /// records they replaced: what a torn write takes back.
    last_sync: (crate::Time, Vec<Undo<R>>, Vec<(DiskKey, Damage)>),
}

impl<R> Default for Disk<R> {
    fn default() -> Self {
        Disk {
            current: Shelves::default(),
            undo: Vec::new(),
            unsynced: 0,
            writes: 0,
            syncs: 0,
            damage: BTreeMap::new(),
            hidden: Vec::new(),
            ghosts: Vec::new(),
            armed: Vec::new(),
            tampered: BTreeMap::new(),
            now: crate::Time::ZERO,
            last_sync: (crate::Time::ZERO, Vec::new(), Vec::new()),
        }
    }
}

impl<R: Clone> Disk<R> {
    /// Adds what the disk holds to a model checker's state hash: every record the node sees,
    /// and, for each record changed since the last sync, what it held then (what a crash
    /// brings back). Two disks that agree on both behave alike however many writes got them
    /// there, and which records are damaged (the model checker's one storage fault is a
    /// corruption). Counters, times and the bookkeeping of other storage faults are left out.
    pub(crate) fn model_state(&self, h: &mut crate::model::StateHasher)
    where
        R: std::fmt::Debug,
    {
        h.put_u64(self.current.len() as u64);
        for (key, record) in self.current.iter() {
            h.put_debug(&key);
            h.put_debug(record);
        }
        let mut at_sync: BTreeMap<DiskKey, &Option<R>> = BTreeMap::new();
        for (key, before) in &self.undo {
            at_sync.entry(*key).or_insert(before);
        }
        h.put_u64(at_sync.len() as u64);
        for (key, before) in at_sync {
            h.put_debug(&key);
            h.put_debug(before);
        }
        // Which records a read will refuse: the model checker's corruptions (`corrupt nN rK`).
        h.put_u64(self.damage.len() as u64);
        for (key, damage) in &self.damage {
            h.put_debug(key);
            h.put_debug(damage);
        }
    }

    /// Writes (or overwrites) a record; durable only after the next [`Disk::sync`].
    pub fn put(&mut self, key: DiskKey, value: R) {
        self.writes += 1;
        self.unsynced += 1;
        if !self.armed.is_empty() {
            self.strike_write(key, &value);
        }
        if !self.damage.is_empty() {
            self.overwrite_damage(key);
        }
        let old = self.current.insert(key, value);
        self.undo.push((key, old));
    }

    /// Removes a record; durable only after the next sync.
    pub fn remove(&mut self, key: DiskKey) {
        self.writes += 1;
        self.unsynced += 1;
        if !self.damage.is_empty() {
            self.overwrite_damage(key);
        }
        if let Some(old) = self.current.remove(&key) {
            self.undo.push((key, Some(old)));
        }
    }

    /// Removes every record `(name, i)` with `i >= from` (a log suffix); durable after sync.
    pub fn truncate(&mut self, name: &'static str, from: u64) {
        self.writes += 1;
        self.unsynced += 1;
        let gone = self.current.take_range(name, from, u64::MAX);
        self.removed(gone);
    }

    /// Removes every record `(name, i)` with `i < below` (a log prefix a snapshot replaced);
    /// durable after sync.
    pub fn remove_below(&mut self, name: &'static str, below: u64) {
        self.writes += 1;
        self.unsynced += 1;
        let gone = self.current.take_range(name, 0, below);
        self.removed(gone);
    }

    /// Records a range removal: undo entries for a crash, damage hidden until the sync.
    fn removed(&mut self, gone: Vec<(DiskKey, R)>) {
        if !self.damage.is_empty() {
            for (k, _) in &gone {
                self.overwrite_damage(*k);
            }
        }
        self.undo
            .extend(gone.into_iter().map(|(k, v)| (k, Some(v))));
    }

    /// How many writes a crash would undo now: those since the last sync.
    pub fn unsynced(&self) -> usize {
        self.unsynced
    }

    /// Makes every write so far durable (except those a storage fault kept from the medium).
    pub fn sync(&mut self) {
        if self.unsynced == 0 {
            return;
        }
        self.syncs += 1;
        self.unsynced = 0;
        if !self.ghosts.is_empty() {
            self.settle_ghosts();
        }
        // The writes of this sync and the damage they hid, kept until the next one in case
        // a crash tears it.
        self.last_sync.0 = self.now;
        std::mem::swap(&mut self.last_sync.1, &mut self.undo);
        self.undo.clear();
        std::mem::swap(&mut self.last_sync.2, &mut self.hidden);
        self.hidden.clear();
    }

    /// The record under `key`, as the running node sees it (synced or not), without checking
    /// it: a damaged record reads as whatever its bytes now say, and an unreadable one as
    /// absent.
    pub fn get(&self, key: DiskKey) -> Option<&R> {
        if !self.damage.is_empty() && self.damage.get(&key) == Some(&Damage::Unreadable) {
            return None;
        }
        self.current.get(&key)
    }

    /// Every record named `name`, in index order, without checking them (see [`Disk::get`]).
    pub fn range(&self, name: &'static str) -> impl Iterator<Item = (u64, &R)> {
        self.current
            .named(name)
            .filter(|(k, _)| {
                self.damage.is_empty() || self.damage.get(k) != Some(&Damage::Unreadable)
            })
            .map(|(k, v)| (k.1, v))
    }

    /// The record under `key`, checked against its checksum: the damage if it does not
    /// match, or if the record cannot be read.
    pub fn read(&self, key: DiskKey) -> Result<Option<&R>, Damage> {
        if let Some(d) = self.damage.get(&key) {
            return Err(d.clone());
        }
        Ok(self.current.get(&key))
    }

    /// Every record named `name`, in index order, each checked as [`Disk::read`] does.
    pub fn read_range(
        &self,
        name: &'static str,
    ) -> impl Iterator<Item = (u64, Result<&R, Damage>)> {
        self.current
            .named(name)
            .map(|(k, v)| match self.damage.get(&k) {
                None => (k.1, Ok(v)),
                Some(d) => (k.1, Err(d.clone())),
            })
    }

    /// True if writes are waiting for a sync.
    pub fn has_unsynced(&self) -> bool {
        self.unsynced > 0
    }

    /// How many writes and syncs the node has issued (for metrics).
    pub fn counters(&self) -> (u64, u64) {
        (self.writes, self.syncs)
    }

    /// What a crash leaves: the unsynced writes are gone, and so are the writes a storage
    /// fault kept from the medium. Returns how many unsynced writes were lost.
    pub(crate) fn crash(&mut self) -> usize {
        let lost = self.unsynced;
        self.unsynced = 0;
        let undo = std::mem::take(&mut self.undo);
        self.take_back(undo);
        for (key, d) in std::mem::take(&mut self.hidden) {
            self.damage.insert(key, d);
        }
        if !self.ghosts.is_empty() {
            self.reveal_ghosts();
        }
        self.armed.clear();
        self.last_sync.1.clear();
        self.last_sync.2.clear();
        lost
    }

    /// Undoes changes newest first; a record put back is the one the medium held, with
    /// whatever damage the medium's copy had (restored separately from `hidden`).
    fn take_back(&mut self, mut undo: Vec<Undo<R>>) {
        while let Some((key, old)) = undo.pop() {
            if !self.damage.is_empty() {
                self.damage.remove(&key);
            }
            match old {
                Some(v) => {
                    self.current.insert(key, v);
                }
                None => {
                    self.current.remove(&key);
                }
            }
        }
    }

    /// A write over a damaged record replaces the damage; an unsynced one may be undone.
    fn overwrite_damage(&mut self, key: DiskKey) {
        if let Some(d) = self.damage.remove(&key) {
            self.hidden.push((key, d));
        }
        self.tampered.remove(&key);
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
        let left: Vec<DiskKey> = d.current.keys().collect();
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
        d.crash();
        assert_eq!(d.current.keys().collect::<Vec<_>>(), left);
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

    #[test]
    fn a_crash_restores_exactly_the_state_of_the_last_sync_after_any_mix_of_writes() {
        // A model disk that copies the whole map at every sync, against the undo log.
        let mut d: Disk<u64> = Disk::default();
        let mut model_durable: BTreeMap<DiskKey, u64> = BTreeMap::new();
        let mut model_current: BTreeMap<DiskKey, u64> = BTreeMap::new();
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for step in 0..20_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let name = ["log", "term", "vote"][(x % 3) as usize];
            let i = (x >> 8) % 12;
            match (x >> 20) % 7 {
                0..=2 => {
                    d.put(DiskKey(name, i), step);
                    model_current.insert(DiskKey(name, i), step);
                }
                3 => {
                    d.remove(DiskKey(name, i));
                    model_current.remove(&DiskKey(name, i));
                }
                4 => {
                    d.truncate(name, i);
                    model_current.retain(|k, _| k.0 != name || k.1 < i);
                }
                5 => {
                    d.remove_below(name, i);
                    model_current.retain(|k, _| k.0 != name || k.1 >= i);
                }
                _ if (x >> 30).is_multiple_of(2) => {
                    d.sync();
                    model_durable = model_current.clone();
                }
                _ => {
                    d.crash();
                    model_current = model_durable.clone();
                }
            }
            assert!(d.current.same_as(&model_current), "after step {step}");
        }
    }
}
