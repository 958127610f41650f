//! What the last event did to a server, for the god's-eye checkers.
//!
//! Checkers run after every event and are told which node it touched. A server cleared its
//! journal when the event began and wrote into it what it proposed, accepted and applied, so
//! a checker reads exactly the changes of that event instead of diffing whole tables.

use crate::Ballot;

/// The changes a server made during the event being handled.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Journal {
    /// Values proposed: `(slot, digest)`.
    pub proposed: Vec<(u64, u64)>,
    /// Proposals accepted by this server's acceptor: `(slot, ballot, digest)`.
    pub accepted: Vec<(u64, Ballot, u64)>,
    /// Applied prefixes: `(slots applied, digest of that prefix)`, one per slot applied or
    /// snapshot installed.
    pub applied: Vec<(u64, u64)>,
}

impl Journal {
    /// Forgets the previous event's changes (keeping the memory).
    pub fn clear(&mut self) {
        self.proposed.clear();
        self.accepted.clear();
        self.applied.clear();
    }
}
