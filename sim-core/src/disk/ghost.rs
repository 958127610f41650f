//! Writes the node saw succeed that the medium never got: a lost write keeps the older value
//! on the medium, a misdirected one also overwrites another record. Both stay invisible while
//! the node runs (its view is the page cache) and show at its next crash, unless a later write
//! that reached the medium made them moot.

use super::{Damage, Disk, DiskKey};

/// One write that did not reach the medium as the node believes.
#[derive(Clone, Debug)]
pub(super) struct Ghost<R> {
    /// The key written, the value the medium still holds there (`None`: nothing) and that
    /// value's damage, if it had any, until a later durable write to the key supersedes it.
    pub revert: Option<(DiskKey, Option<R>, Option<Damage>)>,
    /// Where a misdirected write landed instead, and what it wrote there.
    pub misplaced: Option<(DiskKey, R, DiskKey)>,
    /// Its position among the unsynced changes while it is itself unsynced.
    pub pos: Option<usize>,
}

impl<R: Clone> Disk<R> {
    /// The write of `value` under `key` meets the oldest armed fault.
    pub(super) fn strike_write(&mut self, key: DiskKey, value: &R) {
        let (misdirect, draw) = self.armed.remove(0);
        let misplaced = if misdirect {
            self.elsewhere(key, draw)
                .map(|other| (other, value.clone(), key))
        } else {
            None
        };
        let old = self.current.get(&key).cloned();
        // Damage the write seemed to repair stays on the medium with the old bytes.
        let damage = self.damage.get(&key).cloned();
        self.ghosts.push(Ghost {
            revert: Some((key, old, damage)),
            misplaced,
            pos: Some(self.undo.len()),
        });
    }

    /// Another record for a misdirected write: one of the same name if there is one, else any.
    fn elsewhere(&self, key: DiskKey, draw: u64) -> Option<DiskKey> {
        let same: Vec<DiskKey> = self
            .current
            .named(key.0)
            .map(|(k, _)| k)
            .filter(|k| *k != key)
            .collect();
        let pool = if same.is_empty() {
            self.current.keys().filter(|k| *k != key).collect()
        } else {
            same
        };
        (!pool.is_empty()).then(|| pool[(draw % pool.len() as u64) as usize])
    }

    /// At a sync: a ghost written again later (and now durably) no longer matters there.
    pub(super) fn settle_ghosts(&mut self) {
        let undo = &self.undo;
        for g in &mut self.ghosts {
            let later = &undo[g.pos.map_or(0, |p| p + 1).min(undo.len())..];
            if g.revert
                .as_ref()
                .is_some_and(|(k, _, _)| later.iter().any(|(u, _)| u == k))
            {
                g.revert = None;
            }
            if g.misplaced
                .as_ref()
                .is_some_and(|(k, _, _)| later.iter().any(|(u, _)| u == k))
            {
                g.misplaced = None;
            }
            g.pos = None;
        }
        self.ghosts
            .retain(|g| g.revert.is_some() || g.misplaced.is_some());
    }

    /// At a crash: what the medium holds shows. A ghost never synced was lost as any unsynced
    /// write is, and wrote nothing elsewhere.
    pub(super) fn reveal_ghosts(&mut self) {
        let ghosts = std::mem::take(&mut self.ghosts);
        for g in ghosts.into_iter().rev().filter(|g| g.pos.is_none()) {
            if let Some((key, old, damage)) = g.revert {
                match damage {
                    Some(d) => self.damage.insert(key, d),
                    None => self.damage.remove(&key),
                };
                match old {
                    Some(v) => self.current.insert(key, v),
                    None => self.current.remove(&key),
                };
            }
            if let Some((key, value, meant)) = g.misplaced {
                self.current.insert(key, value);
                self.damage.insert(key, Damage::Misdirected { meant });
            }
        }
    }

    /// Writes that will vanish at the next crash, for inspectors.
    pub(super) fn ghost_keys(&self) -> impl Iterator<Item = DiskKey> + '_ {
        self.ghosts
            .iter()
            .filter(|g| g.pos.is_none())
            .filter_map(|g| g.revert.as_ref().map(|(k, _, _)| *k))
    }
}
