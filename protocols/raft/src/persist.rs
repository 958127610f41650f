//! What a server keeps on its disk, and where: currentTerm with votedFor (twice, so that one
//! damaged copy never loses a vote), each log entry under its index with the chained hash of
//! the log up to it (so that an entry a lost write left stale is caught), the latest snapshot,
//! and, while a server repairs a damaged log, how far its log reached before the damage. Every
//! write is followed by a sync before the server answers anything that depends on it.

use crate::log::{Entry, Payload};
use crate::snapshot::Snapshot;
use kv::KvMap;
use rsm::StateMachine;
use sim_core::{DiskKey, NodeId};
use std::sync::Arc;

/// One durable record.
#[derive(Clone, Debug)]
pub enum Record<S: StateMachine = KvMap> {
    /// currentTerm and votedFor (the vote cast in that term, if any).
    Meta {
        /// currentTerm.
        term: u64,
        /// votedFor in `term`.
        vote: Option<NodeId>,
    },
    /// A log entry (the key holds its index).
    Entry {
        /// The entry.
        entry: Entry<S>,
        /// The chained hash of the log up to and including it.
        chain: u64,
    },
    /// The latest snapshot.
    Snapshot(Box<Snapshot<S>>),
    /// Where the log ends and the chained hash there, written with every change to the log
    /// (twice), so that an entry a lost or misdirected write never stored at the end of the
    /// log is missed at recovery.
    Tail {
        /// The last index.
        index: u64,
        /// The chained hash of the log up to it.
        chain: u64,
    },
    /// The server found its log damaged and is repairing it: its log reached `upto` before.
    /// Until the repair ends it does not vote.
    Repair {
        /// The last index the log held before the damage.
        upto: u64,
    },
}

/// Where currentTerm and votedFor live.
pub const META: DiskKey = DiskKey("meta", 0);
/// Their second copy, under another name so that no misdirected write of one lands on the
/// other.
pub const META_COPY: DiskKey = DiskKey("meta-copy", 0);
/// Where the snapshot lives.
pub const SNAPSHOT: DiskKey = DiskKey("snapshot", 0);
/// Where the log's end is noted.
pub const TAIL: DiskKey = DiskKey("tail", 0);
/// Its second copy.
pub const TAIL_COPY: DiskKey = DiskKey("tail-copy", 0);
/// Where an unfinished repair is remembered.
pub const REPAIR: DiskKey = DiskKey("repair", 0);
/// The name of the log's records; entry `i` is `("log", i)`.
pub const LOG: &str = "log";

/// What a record's damaged bytes read as: a term or vote one bit off, an entry with a damaged
/// command (or, without one, a damaged term), a snapshot claiming another position.
impl<S: StateMachine> sim_core::Corruptible for Record<S> {
    fn corrupted(&self, noise: u64) -> Record<S> {
        let bit = 1u64 << (noise % 5);
        match self {
            Record::Meta { term, vote } if noise.is_multiple_of(2) => Record::Meta {
                term: term ^ bit,
                vote: *vote,
            },
            Record::Meta { term, vote } => Record::Meta {
                term: *term,
                vote: Some(NodeId(vote.map_or(0, |v| v.0) ^ bit as u32)),
            },
            Record::Entry { entry: e, chain } => Record::Entry {
                entry: match &e.payload {
                    Payload::Command(c) => Entry {
                        term: e.term,
                        payload: Payload::Command(Arc::new(c.corrupted(noise))),
                    },
                    _ => Entry {
                        term: e.term ^ bit,
                        payload: e.payload.clone(),
                    },
                },
                chain: *chain,
            },
            Record::Repair { upto } => Record::Repair { upto: upto ^ bit },
            Record::Tail { index, chain } => Record::Tail {
                index: index ^ bit,
                chain: *chain,
            },
            Record::Snapshot(s) => {
                let mut s = s.clone();
                s.term ^= bit;
                Record::Snapshot(s)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::Corruptible;

    /// Noise as storage faults draw it: small values, and the whole range of a u64.
    const NOISE: [u64; 8] = [0, 1, 2, 3, 4, 7, u64::MAX - 1, u64::MAX];

    /// `a` and `b` differ in exactly one of their five lowest bits.
    fn one_low_bit_apart(a: u64, b: u64) -> bool {
        let d = a ^ b;
        d.is_power_of_two() && d < 32
    }

    /// The number a tail, repair or snapshot record is about.
    fn number(r: &Record) -> u64 {
        match r {
            Record::Tail { index, .. } => *index,
            Record::Repair { upto } => *upto,
            Record::Snapshot(s) => s.term,
            _ => panic!("{r:?}"),
        }
    }

    fn snapshot(term: u64) -> Snapshot {
        Snapshot {
            index: 5,
            term,
            hash: 9,
            members: vec![NodeId(0)],
            store: rsm::Store::<KvMap>::new().snapshot(),
        }
    }

    #[test]
    fn damage_turns_one_bit_of_a_number_a_record_holds() {
        // Terms and votes with every low bit set, so that a damage that sets a bit, rather
        // than flipping it, shows.
        let (term, vote) = (31, NodeId(31));
        for noise in NOISE {
            let meta = Record::<KvMap>::Meta {
                term,
                vote: Some(vote),
            };
            match (meta.corrupted(noise), noise % 2 == 0) {
                (Record::Meta { term: t, vote: v }, true) => {
                    assert!(one_low_bit_apart(t, term), "noise {noise}: term {t}");
                    assert_eq!(
                        v,
                        Some(vote),
                        "noise {noise}: an even noise damages the term"
                    );
                }
                (
                    Record::Meta {
                        term: t,
                        vote: Some(v),
                    },
                    false,
                ) => {
                    assert_eq!(t, term, "noise {noise}: an odd noise damages the vote");
                    assert!(one_low_bit_apart(u64::from(v.0), 31), "noise {noise}: {v}");
                }
                (other, _) => panic!("noise {noise}: {other:?}"),
            }
            let noop = Record::<KvMap>::Entry {
                entry: Entry {
                    term,
                    payload: Payload::Noop,
                },
                chain: 7,
            };
            let Record::Entry { entry, chain } = noop.corrupted(noise) else {
                panic!("an entry stays an entry")
            };
            assert!(one_low_bit_apart(entry.term, term), "noise {noise}");
            assert_eq!(chain, 7, "the stored hash is what reveals the damage");
            for record in [
                Record::Tail {
                    index: 31,
                    chain: 7,
                },
                Record::Repair { upto: 31 },
                Record::Snapshot(Box::new(snapshot(31))),
            ] {
                let damaged = number(&record.corrupted(noise));
                assert!(one_low_bit_apart(damaged, 31), "noise {noise}: {record:?}");
            }
        }
    }

    #[test]
    fn a_damaged_command_keeps_its_term() {
        let command = rsm::Command::<KvMap> {
            client: 3,
            seq: 1,
            op: sim_core::history::models::KvInput::Put {
                key: "key".into(),
                value: "value".into(),
            },
        };
        let record = Record::Entry {
            entry: Entry {
                term: 4,
                payload: Payload::Command(Arc::new(command.clone())),
            },
            chain: 7,
        };
        for noise in NOISE {
            let Record::Entry { entry, .. } = record.corrupted(noise) else {
                panic!("an entry stays an entry")
            };
            assert_eq!(entry.term, 4);
            let Payload::Command(c) = entry.payload else {
                panic!("a command stays a command")
            };
            assert_ne!(c.op, command.op, "noise {noise}: the operation is damaged");
        }
    }
}
