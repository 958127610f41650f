//! What clients and servers say to each other.

use serde::{Deserialize, Serialize};
use sim_core::NodeId;
use sim_core::history::models::{KvInput, KvOutput};
use std::fmt;

/// One client operation as it travels to the servers and into their logs.
///
/// `(client, seq)` names the operation: a retry carries the same pair, which is how the
/// [`KvStore`](crate::KvStore) applies it once however many copies reach the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Command {
    /// The client's session id (its node id).
    pub client: u64,
    /// The client's operation number, from 1, increasing by one per new operation.
    pub seq: u64,
    /// What to do.
    pub op: KvInput,
}

impl Command {
    /// Bytes on the wire and on disk: the strings plus a fixed header, so that bandwidth and
    /// bytes-per-command figures grow with the values a workload writes.
    pub fn size(&self) -> u64 {
        let payload = match &self.op {
            KvInput::Get { key } => key.len(),
            KvInput::Put { key, value } | KvInput::Append { key, value } => key.len() + value.len(),
        };
        24 + payload as u64
    }

    /// Whether the command only reads, and so may be served without a log entry by a
    /// protocol that can confirm its leadership.
    pub fn is_read(&self) -> bool {
        matches!(self.op, KvInput::Get { .. })
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "c{}#{} ", self.client, self.seq)?;
        match &self.op {
            KvInput::Get { key } => write!(f, "get {key}"),
            KvInput::Put { key, value } => write!(f, "put {key}={value}"),
            KvInput::Append { key, value } => write!(f, "append {key}+={value}"),
        }
    }
}

/// A client's request to a server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// The operation.
    pub command: Command,
}

/// A server's answer to a [`Request`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    /// The operation number this answers; a client ignores answers to operations it no longer
    /// waits for.
    pub seq: u64,
    /// What happened.
    pub outcome: ReplyOutcome,
}

/// How a server answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReplyOutcome {
    /// The operation took effect (or, for a read, was served linearizably) with this result.
    Ok(KvOutput),
    /// This server cannot serve the operation; `hint` is who it believes leads, if anyone.
    NotLeader {
        /// The believed leader.
        hint: Option<NodeId>,
    },
}

impl Reply {
    /// Bytes on the wire.
    pub fn size(&self) -> u64 {
        match &self.outcome {
            ReplyOutcome::Ok(KvOutput::Value(v)) => 24 + v.len() as u64,
            _ => 24,
        }
    }
}
