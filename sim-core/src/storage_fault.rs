//! Storage faults: the ways a real disk fails besides losing unsynced writes at a crash, as
//! FoundationDB's simulation and TigerBeetle's VOPR inject them. Each carries the draws that
//! decide which record it hits and how, taken from the faults stream by whoever scheduled it,
//! so applying one is deterministic and replaying a trace's faults reproduces the damage.

use serde::{Deserialize, Serialize};

/// Which record a fault aims at.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordAim {
    /// Only records of this name (`"log"`, `"block"`); any record when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Exactly this index of `name`; a record drawn among those named when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u64>,
    /// The draw that picks the record when no index is given.
    #[serde(default)]
    pub draw: u64,
}

/// One storage fault on a node's disk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum StorageFault {
    /// A stored record's bytes change; its checksum no longer matches.
    Corrupt {
        /// The record.
        #[serde(flatten)]
        aim: RecordAim,
        /// Which bytes change.
        noise: u64,
    },
    /// The node's next write is acknowledged by its sync but never reaches the medium: the
    /// node sees it until its next crash, then the value before it.
    LostWrite,
    /// The node crashes; if a sync is under way (it began less than the disk's sync time
    /// ago), only a prefix of it persists and the write at the tear is damaged.
    TornWrite {
        /// How many of the sync's writes persist (modulo their number).
        draw: u64,
        /// Which bytes of the torn write are wrong.
        noise: u64,
    },
    /// The node's next write lands under another record (drawn among those of its name); the
    /// intended record keeps its old value. Both show at the node's next crash.
    MisdirectedWrite {
        /// Which record it lands under.
        draw: u64,
    },
    /// A latent error: one record can no longer be read.
    ReadError {
        /// The record.
        #[serde(flatten)]
        aim: RecordAim,
    },
    /// Someone with access to the disk rewrites a record, checksums and all: no read check
    /// catches it, only evidence from outside the record (a hash chain, the other replicas).
    Tamper {
        /// The record.
        #[serde(flatten)]
        aim: RecordAim,
        /// What is changed.
        noise: u64,
    },
}

impl StorageFault {
    /// The name scenario files and reports use.
    pub fn name(&self) -> &'static str {
        match self {
            StorageFault::Corrupt { .. } => "corrupt",
            StorageFault::LostWrite => "lost-write",
            StorageFault::TornWrite { .. } => "torn-write",
            StorageFault::MisdirectedWrite { .. } => "misdirected-write",
            StorageFault::ReadError { .. } => "read-error",
            StorageFault::Tamper { .. } => "tamper",
        }
    }
}
