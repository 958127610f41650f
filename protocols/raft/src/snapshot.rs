//! A snapshot: the state machine as of an applied index, with what a server needs to go on
//! from there (the configuration, and the hash of the log prefix it replaces).

use kv::KvMap;
use rsm::StateMachine;
use serde::Serialize;
use sim_core::NodeId;

/// The state machine and configuration as of `index`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(bound = "")]
pub struct Snapshot<S: StateMachine = KvMap> {
    /// The last log index the snapshot covers.
    pub index: u64,
    /// That entry's term.
    pub term: u64,
    /// The chained hash of the log prefix up to `index`, so that logs remain comparable.
    pub hash: u64,
    /// The voting configuration as of `index`.
    pub members: Vec<NodeId>,
    /// The state machine with its client sessions.
    pub store: rsm::Snapshot<S>,
}

impl<S: StateMachine> Snapshot<S> {
    /// Bytes on the wire.
    pub fn size(&self) -> u64 {
        32 + 4 * self.members.len() as u64 + self.store.approx_bytes()
    }
}
