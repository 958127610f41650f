//! Storage faults as they act on one disk: which record they hit and what they leave. The
//! engine draws every choice from the faults stream before it gets here, so these functions
//! are deterministic in their arguments.

use super::{Corruptible, Damage, Disk, DiskKey};
use crate::{Duration, Time};

/// What a crash inside a sync left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tear {
    /// The record at the tear (`None`: the write there was a removal, undone).
    pub torn: Option<DiskKey>,
    /// How many of the sync's writes persisted before it.
    pub kept: usize,
    /// How many writes the sync had.
    pub of: usize,
    /// When the sync began: what the node sent since was waiting for it and never left.
    pub began: Time,
}

impl<R: Clone + Corruptible> Disk<R> {
    /// A record for a fault to hit: the `draw`-th (modulo their number) of the records named
    /// `name`, or of all records; `None` on a disk without one.
    pub(crate) fn pick(&self, name: Option<&str>, draw: u64) -> Option<DiskKey> {
        let count = self
            .current
            .keys()
            .filter(|k| name.is_none_or(|n| k.0 == n))
            .count();
        if count == 0 {
            return None;
        }
        self.current
            .keys()
            .filter(|k| name.is_none_or(|n| k.0 == n))
            .nth((draw % count as u64) as usize)
    }

    /// The record's bytes change; its checksum no longer matches.
    /// Each record not damaged yet, with its place among all records in key order (the draw
    /// that [`Disk::pick`] turns into it).
    pub(crate) fn undamaged(&self) -> Vec<(u32, DiskKey)> {
        self.current
            .keys()
            .enumerate()
            .filter(|(_, k)| !self.damage.contains_key(k))
            .map(|(i, k)| (i as u32, k))
            .collect()
    }

    pub(crate) fn corrupt(&mut self, key: DiskKey, noise: u64) {
        if let Some(v) = self.current.get_mut(&key) {
            *v = v.corrupted(noise);
            self.damage.insert(key, Damage::Corrupt);
            self.tampered.remove(&key);
        }
    }

    /// The record can no longer be read.
    pub(crate) fn make_unreadable(&mut self, key: DiskKey) {
        if self.current.contains_key(&key) {
            self.damage.insert(key, Damage::Unreadable);
        }
    }

    /// The record is rewritten with valid checksums.
    pub(crate) fn tamper(&mut self, key: DiskKey, noise: u64) {
        if let Some(v) = self.current.get_mut(&key) {
            *v = v.tampered(noise);
            self.damage.remove(&key);
            self.tampered.insert(key, ());
        }
    }

    /// The next write will not reach the medium (`misdirect`: it lands under another record,
    /// chosen by `draw`). Armed faults meet writes in the order they were armed.
    pub(crate) fn arm(&mut self, misdirect: bool, draw: u64) {
        self.armed.push((misdirect, draw));
    }

    /// A crash at `now` tears the latest sync if it is still under way (it began less than
    /// `takes` ago): its first `draw % n` writes persist, the next is torn (its bytes partly
    /// written), the rest never happened. `None` when no sync was under way.
    pub(crate) fn tear(
        &mut self,
        now: Time,
        takes: Duration,
        draw: u64,
        noise: u64,
    ) -> Option<Tear> {
        let (began, writes, _) = &self.last_sync;
        if writes.is_empty() || now >= *began + takes {
            return None;
        }
        let began = *began;
        let n = writes.len();
        let keep = (draw % n as u64) as usize;
        let mut undo = std::mem::take(&mut self.last_sync.1);
        let hidden = std::mem::take(&mut self.last_sync.2);
        let tail = undo.split_off(keep + 1);
        let mut undone: Vec<DiskKey> = tail.iter().map(|(k, _)| *k).collect();
        self.take_back(tail);
        // The torn write: what it wrote, damaged; a torn removal never happened.
        let (key, old) = undo.pop().expect("keep < n");
        let torn = match self.current.get(&key) {
            Some(_) => {
                self.corrupt(key, noise);
                self.damage.insert(key, Damage::Torn);
                Some(key)
            }
            None => {
                self.take_back(vec![(key, old)]);
                undone.push(key);
                None
            }
        };
        // A record taken back to what the medium held before the sync (no write of the sync
        // to it persisted) has that copy's damage again.
        for (k, d) in hidden {
            if undone.contains(&k) && !undo.iter().any(|(u, _)| *u == k) && torn != Some(k) {
                self.damage.insert(k, d);
            }
        }
        Some(Tear {
            torn,
            kept: keep,
            of: n,
            began,
        })
    }

    /// Every record a storage fault damaged, with what it did: those that fail their check,
    /// those tampered with, and writes that will vanish at the next crash.
    pub fn damaged(&self) -> Vec<(DiskKey, Damage)> {
        let mut out: Vec<(DiskKey, Damage)> =
            self.damage.iter().map(|(k, d)| (*k, d.clone())).collect();
        out.extend(self.tampered.keys().map(|k| (*k, Damage::Tampered)));
        out.extend(self.ghost_keys().map(|k| (k, Damage::LostWrite)));
        out.sort_by_key(|(k, _)| *k);
        out
    }
}
