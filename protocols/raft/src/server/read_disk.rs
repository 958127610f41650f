//! Reading a restarted server's disk, in the spirit of protocol-aware recovery (Alagappan et
//! al., FAST 2018): every record is checked, and damage is reported rather than papered over.
//!
//! - currentTerm and votedFor are kept twice; a damaged copy yields to the other, so does one
//!   that lost its last write (within a term a vote is only added), and only when both are
//!   damaged is the vote lost (the server then abstains until it has learnt the
//!   cluster's terms).
//! - The log is read in index order and checked three ways: each record's checksum, that the
//!   indices leave no gap, and that each entry's stored chained hash follows from the entries
//!   before it (which catches an entry a lost write left stale, at the entry after it). The
//!   first failure is where the damage starts; what follows it is not trusted.
//! - A damaged snapshot loses the whole log prefix it stood for.
//!
//! The two known bugs read differently: `ignore-checksums` takes every record as it reads,
//! damaged or not; `truncate-on-corruption` checks, but then simply forgets what it could not
//! read.

use crate::config::Bug;
use crate::host::RaftRecord;
use crate::log::{Entry, chain};
use crate::persist::{self, Record};
use crate::snapshot::Snapshot;
use rsm::StateMachine;
use sim_core::{Damage, Disk, NodeId, Reading};

/// What a restarted server found on its disk.
pub(crate) struct Found<S: StateMachine> {
    /// currentTerm and votedFor; `None` when both copies are damaged.
    pub meta: Option<(u64, Option<NodeId>)>,
    /// The snapshot, if one was found intact (or read unchecked).
    pub snapshot: Option<Box<Snapshot<S>>>,
    /// The log entries after the snapshot that can be trusted, from its index + 1 on.
    pub entries: Vec<Entry<S>>,
    /// Where the damage starts: the first index not trusted, if any.
    pub damaged_at: Option<u64>,
    /// The last index of the log on disk, trusted or not.
    pub claimed: u64,
    /// A repair left unfinished by an earlier incarnation: the index its log had reached.
    pub repair: Option<u64>,
}

/// The way a server configured with `has` reads its disk.
pub(crate) fn reading(has: impl Fn(Bug) -> bool) -> Reading {
    if has(Bug::IgnoreChecksums) {
        Reading::Unchecked
    } else if has(Bug::TruncateOnCorruption) {
        Reading::Forgetful
    } else {
        Reading::Checked
    }
}

/// One record read the way `how` reads: `Err` only when checking found damage.
fn read<R: RaftRecord<S> + Clone, S: StateMachine>(
    disk: &Disk<R>,
    key: sim_core::DiskKey,
    how: Reading,
) -> Result<Option<&Record<S>>, Damage> {
    disk.read_as(key, how).map(|r| r.and_then(|r| r.raft()))
}

impl<S: StateMachine> Found<S> {
    /// Reads `disk` as `how` says.
    pub(crate) fn read<R: RaftRecord<S> + Clone>(disk: &Disk<R>, how: Reading) -> Found<S> {
        let meta = Self::meta(disk, how);
        let (snapshot, snapshot_lost) = match read(disk, persist::SNAPSHOT, how) {
            Ok(Some(Record::Snapshot(s))) => (Some(s.clone()), false),
            Ok(_) => (None, false),
            Err(_) => (None, how == Reading::Checked),
        };
        let repair = match read(disk, persist::REPAIR, how) {
            Ok(Some(Record::Repair { upto })) => Some(*upto),
            Ok(_) => None,
            // A damaged repair record still says a repair was under way.
            Err(_) => Some(0),
        };
        let base = snapshot.as_ref().map_or(0, |s| s.index);
        let mut prev = snapshot.as_ref().map_or(0, |s| s.hash);
        let mut entries = Vec::new();
        let mut damaged_at = snapshot_lost.then_some(1);
        let mut claimed = base;
        let log = disk.read_range_as(persist::LOG, how);
        for (index, record) in log {
            claimed = claimed.max(index);
            if index <= base || damaged_at.is_some() {
                continue;
            }
            let expected = base + entries.len() as u64 + 1;
            let found = match record.map(|r| r.raft()) {
                Ok(Some(Record::Entry { entry, chain: c })) if index == expected => {
                    Some((entry, c))
                }
                // A gap, or something other than an entry: the unchecked reading stops there as
                // Raft always did; the others count it as damage.
                Ok(_) if how == Reading::Unchecked => break,
                _ => None,
            };
            match found {
                Some((entry, c)) if how == Reading::Unchecked || chain(prev, entry) == *c => {
                    prev = *c;
                    entries.push(entry.clone());
                }
                _ => damaged_at = Some(expected.min(index)),
            }
        }
        if how == Reading::Checked && damaged_at.is_none() {
            // The log must reach the end its tail notes, with the same hash there.
            let last = base + entries.len() as u64;
            if let Some((index, c)) = Self::tail(disk) {
                claimed = claimed.max(index);
                if index > last {
                    damaged_at = Some(last + 1);
                } else if index == last && prev != c {
                    // The last entry is not the one the log ended with: a stale copy, or a
                    // new one whose tail note a torn sync never wrote. Trust neither.
                    damaged_at = Some(if last > base { last } else { base + 1 });
                }
            }
        }
        if let Some(from) = damaged_at {
            // Only the entries before the damage are trusted: the disk keeps no more of the
            // log (see `settle_damage`), and the memory must not hold what the disk drops.
            entries.truncate(from.saturating_sub(base + 1) as usize);
        }
        Found {
            meta,
            snapshot,
            entries,
            damaged_at,
            claimed,
            repair,
        }
    }

    /// The log's end from the copies of the tail note that read well, the later one winning.
    fn tail<R: RaftRecord<S> + Clone>(disk: &Disk<R>) -> Option<(u64, u64)> {
        [persist::TAIL, persist::TAIL_COPY]
            .into_iter()
            .filter_map(|key| match disk.read(key) {
                Ok(Some(r)) => match r.raft() {
                    Some(Record::Tail { index, chain }) => Some((*index, *chain)),
                    _ => None,
                },
                _ => None,
            })
            .max_by_key(|(index, _)| *index)
    }

    /// currentTerm and votedFor from the copies that read well: the later term wins, and
    /// within a term the copy that holds a vote.
    fn meta<R: RaftRecord<S> + Clone>(
        disk: &Disk<R>,
        how: Reading,
    ) -> Option<(u64, Option<NodeId>)> {
        let mut best: Option<(u64, Option<NodeId>)> = None;
        let mut damaged = 0;
        for key in [persist::META, persist::META_COPY] {
            match read(disk, key, how) {
                Ok(Some(Record::Meta { term, vote })) => {
                    // Within one term a vote is only ever added, never changed: of two copies
                    // of one term, one that holds a vote is the later write (the other lost it).
                    let later =
                        |(t, v): (u64, Option<NodeId>)| (*term, vote.is_some()) > (t, v.is_some());
                    if best.is_none_or(later) {
                        best = Some((*term, *vote));
                    }
                }
                Ok(_) => {}
                Err(_) => damaged += 1,
            }
        }
        match (best, how) {
            (Some(m), _) => Some(m),
            (None, Reading::Checked) if damaged > 0 => None,
            (None, _) => Some((0, None)),
        }
    }
}
