//! The ledger nodes' timers.

use serde::Serialize;

/// A ledger node's timer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Timer {
    /// A Raft server's timer.
    Raft(raft::Timer),
    /// A Multi-Paxos server's timer.
    Paxos(paxos::Timer),
    /// A producer's timer.
    Client(rsm::ClientTimer),
    /// The leader looks whether a block is due.
    Cut,
    /// The node checks the next block of its copy of the chain.
    Scrub,
    /// A reader's next round.
    Read,
    /// A fetch of blocks went unanswered: ask another peer.
    Fetch {
        /// The fetch's number; older fetches' timers are stale.
        attempt: u64,
    },
}

impl From<raft::Timer> for Timer {
    fn from(t: raft::Timer) -> Timer {
        Timer::Raft(t)
    }
}

impl From<paxos::Timer> for Timer {
    fn from(t: paxos::Timer) -> Timer {
        Timer::Paxos(t)
    }
}

impl From<rsm::ClientTimer> for Timer {
    fn from(t: rsm::ClientTimer) -> Timer {
        Timer::Client(t)
    }
}
