//! What the ledger's log holds, and what each operation answers.

use crate::digest::Hash32;
use crate::submitted::Submitted;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An operation of the replicated ledger.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LedgerOp {
    /// A client adds a record; it waits, pending, for the next block.
    Append(Submitted),
    /// The leader closes a block of the `count` oldest pending records, at its clock's
    /// `time`: when enough records wait, or the oldest has waited long enough.
    Cut {
        /// Records to take.
        count: u32,
        /// When the leader cut it.
        time: u64,
    },
}

/// What an operation answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LedgerAnswer {
    /// The record holds this ledger position (positions count records from 0).
    Appended {
        /// Its position.
        position: u64,
    },
    /// A block was closed.
    Cut {
        /// Its height.
        height: u64,
        /// Its hash: the chain's new head.
        hash: Hash32,
    },
    /// A cut asked for more records than wait (a stale proposal, or a duplicate).
    Refused,
}

impl fmt::Display for LedgerOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LedgerOp::Append(e) => write!(f, "append {e}"),
            LedgerOp::Cut { count, .. } => write!(f, "cut {count}"),
        }
    }
}

/// Damaged bytes in a logged operation: a record's data digest changes, a cut its count.
impl sim_core::Corruptible for LedgerOp {
    fn corrupted(&self, noise: u64) -> LedgerOp {
        match self {
            LedgerOp::Append(e) => LedgerOp::Append(e.corrupted(noise).into()),
            LedgerOp::Cut { count, time } => LedgerOp::Cut {
                count: count.corrupted(noise),
                time: *time,
            },
        }
    }
}
