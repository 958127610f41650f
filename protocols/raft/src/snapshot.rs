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

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(members: u32, store: &rsm::Store<KvMap>) -> Snapshot {
        Snapshot {
            index: 7,
            term: 2,
            hash: 1,
            members: (0..members).map(NodeId).collect(),
            store: store.snapshot(),
        }
    }

    #[test]
    fn a_snapshot_weighs_its_header_members_and_store() {
        let empty = rsm::Store::<KvMap>::new();
        let three = snapshot(3, &empty);
        assert_eq!(three.size(), 32 + 3 * 4 + empty.approx_bytes());
        assert_eq!(snapshot(5, &empty).size(), three.size() + 2 * 4);
        let mut full = rsm::Store::<KvMap>::new();
        full.apply(&rsm::Command {
            client: 9,
            seq: 1,
            op: sim_core::history::models::KvInput::Put {
                key: "key".into(),
                value: "a value of some length".into(),
            },
        });
        assert_eq!(snapshot(3, &full).size(), 32 + 3 * 4 + full.approx_bytes());
        assert!(full.approx_bytes() > empty.approx_bytes() + 20);
    }
}
