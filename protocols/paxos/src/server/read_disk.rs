//! Reading a restarted server's disk, in the spirit of protocol-aware recovery (Alagappan et
//! al., FAST 2018): every record is checked, and damage is reported rather than papered over.
//!
//! - The promise is kept four times (its two records and the two notes); the highest copy
//!   that reads well wins (a copy a lost write left stale is lower). Only when every copy is
//!   damaged is the promise lost: the server then takes no part in either phase until it has
//!   learnt the others' ballots.
//! - The accepted proposals are checked against their checksums and, together with the
//!   snapshot, against the note (see [`crate::disk_note`]). Any disagreement means a record is
//!   damaged, stale or missing, and every slot from the snapshot to the note's tail is
//!   suspect: the server repairs them before it promises anything about them.
//!
//! The two known bugs read differently: `ignore-checksums` takes every record as it reads,
//! damaged or not; `truncate-on-corruption` checks, but then simply forgets what it could not
//! read.

use super::{ACCEPTED, NOTE, NOTE_COPY, PROMISE, PROMISE_COPY, REPAIR, SNAPSHOT};
use crate::disk_note::{Note, entry_hash};
use crate::host::PaxosRecord;
use crate::node::Record;
use crate::replica::Snapshot;
use crate::{Ballot, Bug, Config, Value};
use rsm::StateMachine;
use sim_core::{Damage, Disk, DiskKey, Reading};
use std::sync::Arc;

/// The way a server configured with `config` reads its disk.
pub(crate) fn reading(config: &Config) -> Reading {
    if config.has(Bug::IgnoreChecksums) {
        Reading::Unchecked
    } else if config.has(Bug::TruncateOnCorruption) {
        Reading::Forgetful
    } else {
        Reading::Checked
    }
}

/// What a restarted server found on its disk.
pub(crate) struct Found<S: StateMachine> {
    /// The promise; `None` when both copies are damaged.
    pub promised: Option<Ballot>,
    /// The snapshot, if one was found intact (or read unchecked).
    pub snapshot: Option<Arc<Snapshot<S>>>,
    /// The accepted proposals that read well: `(slot, ballot, value)`.
    pub accepted: Vec<(u64, Ballot, Value<S>)>,
    /// The note as the server continues it: the last one written, or one that adds up the
    /// records found when none reads well.
    pub note: Note,
    /// Slots from the snapshot up to this one (exclusive) are suspect, if any are.
    pub damaged_upto: Option<u64>,
}

/// One record read the way `how` reads: `Err` only when checking found damage.
fn read<R: PaxosRecord<S> + Clone, S: StateMachine>(
    disk: &Disk<R>,
    key: DiskKey,
    how: Reading,
) -> Result<Option<&Record<S>>, Damage> {
    disk.read_as(key, how).map(|r| r.and_then(|r| r.paxos()))
}

impl<S: StateMachine> Found<S> {
    /// Reads `disk` as `how` says.
    pub(crate) fn read<R: PaxosRecord<S> + Clone>(disk: &Disk<R>, how: Reading) -> Found<S> {
        let (snapshot, snapshot_damaged) = match read(disk, SNAPSHOT, how) {
            Ok(Some(Record::Snapshot(s))) => (Some(s.clone()), false),
            Ok(Some(_)) => (None, true),
            Ok(None) => (None, false),
            Err(_) => (None, true),
        };
        let base = snapshot.as_ref().map_or(0, |s| s.upto);
        let mut accepted = Vec::new();
        let mut damaged = snapshot_damaged;
        let mut sum = 0u64;
        let mut highest = 0;
        let records = disk.read_range_as(ACCEPTED, how);
        for (slot, record) in records {
            highest = highest.max(slot + 1);
            match record.map(|r| r.paxos()) {
                Ok(Some(Record::Accepted(b, v))) => {
                    if slot >= base {
                        sum = sum.wrapping_add(entry_hash(slot, *b, v.digest()));
                        accepted.push((slot, *b, v.clone()));
                    }
                }
                _ => damaged = true,
            }
        }
        let note = Self::note(disk, how);
        let promised = Self::promise(disk, how).map(|p| {
            // A promise a lost write left stale is still at least what was accepted under it.
            let accepted_under = accepted
                .iter()
                .map(|(_, b, _)| *b)
                .filter(|b| *b != Ballot::CHOSEN)
                .max();
            p.max(accepted_under.unwrap_or(Ballot::ZERO))
        });
        if how != Reading::Checked {
            return Found {
                promised: promised.or(Some(Ballot::ZERO)),
                snapshot,
                accepted,
                note: Note {
                    compacted: base,
                    tail: highest,
                    sum,
                    ..note.unwrap_or_default()
                },
                damaged_upto: None,
            };
        }
        let repair_under_way = match read(disk, REPAIR, how) {
            Ok(Some(Record::Repair { upto })) => Some(*upto),
            Ok(_) => None,
            // A damaged repair record still says a repair was under way.
            Err(_) => Some(0),
        };
        let (note, adds_up) = match note {
            Some(n) => (n, n.compacted == base && n.sum == sum && n.tail >= highest),
            // No note at all on a disk with records: one was lost.
            None => (
                Note {
                    compacted: base,
                    tail: highest,
                    sum,
                    writes: 0,
                    promised: Ballot::ZERO,
                },
                snapshot.is_none() && highest == 0 && !damaged,
            ),
        };
        let upto = note.tail.max(highest).max(note.compacted);
        let damaged_upto = if damaged || !adds_up {
            Some(upto)
        } else {
            repair_under_way.map(|u| u.max(upto))
        };
        Found {
            promised,
            snapshot,
            accepted,
            note: Note {
                compacted: base,
                tail: upto,
                sum,
                writes: note.writes,
                promised: note.promised,
            },
            damaged_upto: damaged_upto.filter(|&u| u > base || snapshot_damaged),
        }
    }

    /// The promise from its four copies (two records, and the two notes), the highest one
    /// that reads well winning: a lost or misdirected write leaves a copy older, never newer.
    /// Checked, the promise is lost only when no copy reads well and one is damaged; read
    /// unchecked or forgetfully, it is never lost.
    fn promise<R: PaxosRecord<S> + Clone>(disk: &Disk<R>, how: Reading) -> Option<Ballot> {
        let mut best: Option<Ballot> = None;
        let mut damaged = false;
        for key in [PROMISE, PROMISE_COPY, NOTE, NOTE_COPY] {
            match read(disk, key, how) {
                Ok(Some(Record::Promise(b))) => best = best.max(Some(*b)),
                Ok(Some(Record::Note(n))) => best = best.max(Some(n.promised)),
                Ok(None) => {}
                Ok(Some(_)) | Err(_) => damaged = true,
            }
        }
        match best {
            Some(b) => Some(b),
            None if damaged && how == Reading::Checked => None,
            None => Some(Ballot::ZERO),
        }
    }

    /// Whether the two copies of the promise differ from `promised` (one damaged, stale or
    /// missing): the server then writes both again, so that damage does not pile up.
    pub(crate) fn promise_needs_rewrite<R: PaxosRecord<S> + Clone>(
        disk: &Disk<R>,
        promised: Ballot,
    ) -> bool {
        promised.is_real()
            && [PROMISE, PROMISE_COPY].into_iter().any(|key| {
                !matches!(disk.read(key), Ok(Some(r)) if matches!(r.paxos(), Some(Record::Promise(b)) if *b == promised))
            })
    }

    /// The later of the two copies of the note that read well.
    fn note<R: PaxosRecord<S> + Clone>(disk: &Disk<R>, how: Reading) -> Option<Note> {
        [NOTE, NOTE_COPY]
            .into_iter()
            .filter_map(|key| match read(disk, key, how) {
                Ok(Some(Record::Note(n))) => Some(*n),
                _ => None,
            })
            .max_by_key(|n| n.writes)
    }
}
