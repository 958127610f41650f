//! The replicated state machine: a map of strings with client sessions.

use crate::Command;
use serde::{Deserialize, Serialize};
use sim_core::history::models::{KvInput, KvOutput};
use std::collections::BTreeMap;

/// What the store remembers of a client: its last applied operation and that operation's
/// result, so a retry of it is answered without applying it again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The highest operation number applied for the client.
    pub seq: u64,
    /// Its result.
    pub output: KvOutput,
}

/// The key-value state machine every replica applies committed commands to, in log order.
///
/// Deterministic by construction (ordered maps, no randomness), so replicas that apply the
/// same commands hold equal stores; the checkers compare them. A key never written reads as
/// the empty string, matching the checker's [`KvModel`](sim_core::history::models::KvModel).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KvStore {
    data: BTreeMap<String, String>,
    sessions: BTreeMap<u64, Session>,
    applied: u64,
}

impl KvStore {
    /// An empty store.
    pub fn new() -> KvStore {
        KvStore::default()
    }

    /// Applies a committed command and returns its result.
    ///
    /// A command whose `(client, seq)` was already applied is not applied again: the stored
    /// result of the client's last operation is returned for a retry of it, and `None` for an
    /// older one (the client has moved on and waits for no answer).
    pub fn apply(&mut self, command: &Command) -> Option<KvOutput> {
        if let Some(session) = self.sessions.get(&command.client) {
            if command.seq == session.seq {
                return Some(session.output.clone());
            }
            if command.seq < session.seq {
                return None;
            }
        }
        let output = match &command.op {
            KvInput::Get { key } => KvOutput::Value(self.read(key)),
            // Every replica applies every command: a key already present is updated in place
            // rather than copied again for the map.
            KvInput::Put { key, value } => {
                match self.data.get_mut(key.as_str()) {
                    Some(v) => v.clone_from(value),
                    None => {
                        self.data.insert(key.clone(), value.clone());
                    }
                }
                KvOutput::Done
            }
            KvInput::Append { key, value } => {
                match self.data.get_mut(key.as_str()) {
                    Some(v) => v.push_str(value),
                    None => {
                        self.data.insert(key.clone(), value.clone());
                    }
                }
                KvOutput::Done
            }
        };
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

    /// Reads a key without going through the log, for a read that the protocol has made
    /// linearizable another way (ReadIndex, leases).
    pub fn read(&self, key: &str) -> String {
        self.data.get(key).cloned().unwrap_or_default()
    }

    /// How many commands changed the store (duplicates excluded).
    pub fn applied(&self) -> u64 {
        self.applied
    }

    /// The keys and values, in key order, for inspectors.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.data.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The session of a client, if the store has applied any of its commands.
    pub fn session(&self, client: u64) -> Option<&Session> {
        self.sessions.get(&client)
    }

    /// An estimate of the store's size in bytes, for snapshot transfer sizes.
    pub fn approx_bytes(&self) -> u64 {
        let data: usize = self.data.iter().map(|(k, v)| k.len() + v.len() + 16).sum();
        let sessions = self.sessions.len() * 48;
        (data + sessions) as u64 + 16
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(client: u64, seq: u64, op: KvInput) -> Command {
        Command { client, seq, op }
    }

    fn put(k: &str, v: &str) -> KvInput {
        KvInput::Put {
            key: k.into(),
            value: v.into(),
        }
    }

    fn append(k: &str, v: &str) -> KvInput {
        KvInput::Append {
            key: k.into(),
            value: v.into(),
        }
    }

    fn get(k: &str) -> KvInput {
        KvInput::Get { key: k.into() }
    }

    #[test]
    fn get_put_append_follow_the_model() {
        let mut s = KvStore::new();
        assert_eq!(
            s.apply(&cmd(1, 1, get("x"))),
            Some(KvOutput::Value(String::new()))
        );
        assert_eq!(s.apply(&cmd(1, 2, put("x", "a"))), Some(KvOutput::Done));
        assert_eq!(s.apply(&cmd(2, 1, append("x", "b"))), Some(KvOutput::Done));
        assert_eq!(
            s.apply(&cmd(1, 3, get("x"))),
            Some(KvOutput::Value("ab".into()))
        );
        assert_eq!(s.applied(), 4);
    }

    #[test]
    fn a_retried_append_is_applied_once_and_answered_again() {
        let mut s = KvStore::new();
        s.apply(&cmd(7, 1, append("k", "x")));
        assert_eq!(s.apply(&cmd(7, 1, append("k", "x"))), Some(KvOutput::Done));
        assert_eq!(s.read("k"), "x");
        assert_eq!(s.applied(), 1);
    }

    #[test]
    fn a_stale_operation_is_ignored_without_an_answer() {
        let mut s = KvStore::new();
        s.apply(&cmd(7, 1, append("k", "a")));
        s.apply(&cmd(7, 3, append("k", "c")));
        assert_eq!(s.apply(&cmd(7, 2, append("k", "b"))), None);
        assert_eq!(s.read("k"), "ac");
    }

    #[test]
    fn sessions_are_per_client() {
        let mut s = KvStore::new();
        s.apply(&cmd(1, 5, append("k", "a")));
        s.apply(&cmd(2, 1, append("k", "b")));
        assert_eq!(s.read("k"), "ab");
        assert_eq!(s.session(1).map(|x| x.seq), Some(5));
        assert_eq!(s.session(2).map(|x| x.seq), Some(1));
    }
}
