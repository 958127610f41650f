//! A state machine with client sessions: what each replica applies committed commands to.

use crate::{Command, StateMachine};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Deref;

/// What the store remembers of a client: its last applied operation and that operation's
/// result, so a retry of it is answered without applying it again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "")]
pub struct Session<S: StateMachine> {
    /// The highest operation number applied for the client.
    pub seq: u64,
    /// Its result.
    pub output: S::Output,
}

/// A state machine wrapped in exactly-once client sessions (Raft thesis, section 6.3).
///
/// Consensus may put a command in the log more than once: a client that timed out sends it
/// again, perhaps to a new leader. The store applies each `(client, seq)` once, answers a
/// retry of a client's last operation with the stored result, and ignores anything older.
/// It dereferences to the machine, for reads and inspectors.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "")]
pub struct Store<S: StateMachine> {
    state: S,
    sessions: BTreeMap<u64, Session<S>>,
    applied: u64,
}

/// A store as of some point of the log: the machine's snapshot and the sessions, which must
/// travel with it or a retry after the snapshot would be applied twice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(bound = "")]
pub struct Snapshot<S: StateMachine> {
    state: S::Snapshot,
    sessions: BTreeMap<u64, Session<S>>,
    applied: u64,
}

/// Estimated bytes of one client session.
const SESSION_BYTES: u64 = 48;

impl<S: StateMachine> Store<S> {
    /// An empty store around the machine's initial state.
    pub fn new() -> Store<S> {
        Store::default()
    }

    /// Applies a committed command and returns its result.
    ///
    /// A command whose `(client, seq)` was already applied is not applied again: the stored
    /// result of the client's last operation is returned for a retry of it, and `None` for an
    /// older one (the client has moved on and waits for no answer).
    pub fn apply(&mut self, command: &Command<S>) -> Option<S::Output> {
        if let Some(session) = self.sessions.get(&command.client) {
            if command.seq == session.seq {
                return Some(session.output.clone());
            }
            if command.seq < session.seq {
                return None;
            }
        }
        let output = self.state.apply(&command.op);
        self.applied += 1;
        let session = Session {
            seq: command.seq,
            output: output.clone(),
        };
        match self.sessions.get_mut(&command.client) {
            Some(s) => *s = session,
            None => {
                self.sessions.insert(command.client, session);
            }
        }
        Some(output)
    }

    /// Answers a read without going through the log, for a read that the protocol has made
    /// linearizable another way (ReadIndex, leases); `None` when `op` is not a read.
    pub fn query(&self, op: &S::Input) -> Option<S::Output> {
        self.state.query(op)
    }

    /// How many commands changed the store (duplicates excluded).
    pub fn applied(&self) -> u64 {
        self.applied
    }

    /// The session of a client, if the store has applied any of its commands.
    pub fn session(&self, client: u64) -> Option<&Session<S>> {
        self.sessions.get(&client)
    }

    /// The machine.
    pub fn state(&self) -> &S {
        &self.state
    }

    /// An estimate of the store's size in bytes, for snapshot transfer sizes.
    pub fn approx_bytes(&self) -> u64 {
        self.state.approx_bytes() + self.sessions.len() as u64 * SESSION_BYTES + 16
    }

    /// The store as of now.
    pub fn snapshot(&self) -> Snapshot<S> {
        Snapshot {
            state: self.state.snapshot(),
            sessions: self.sessions.clone(),
            applied: self.applied,
        }
    }

    /// The store a snapshot holds.
    pub fn restore(snapshot: &Snapshot<S>) -> Store<S> {
        Store {
            state: S::restore(&snapshot.state),
            sessions: snapshot.sessions.clone(),
            applied: snapshot.applied,
        }
    }
}

impl<S: StateMachine> Deref for Store<S> {
    type Target = S;

    fn deref(&self) -> &S {
        &self.state
    }
}

impl<S: StateMachine> Snapshot<S> {
    /// An estimate of the snapshot's size in bytes on the wire: the same figure as
    /// [`Store::approx_bytes`] of the store it was taken from.
    pub fn approx_bytes(&self) -> u64 {
        S::snapshot_bytes(&self.state) + self.sessions.len() as u64 * SESSION_BYTES + 16
    }

    /// Commands applied up to the snapshot (duplicates excluded).
    pub fn applied(&self) -> u64 {
        self.applied
    }
}
