//! What clients and servers say to each other, for any state machine.

use crate::StateMachine;
use serde::{Deserialize, Serialize};
use sim_core::NodeId;
use std::fmt;

/// One client operation as it travels to the servers and into their logs.
///
/// `(client, seq)` names the operation: a retry carries the same pair, which is how the
/// [`Store`](crate::Store) applies it once however many copies reach the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "")]
pub struct Command<S: StateMachine> {
    /// The client's session id (its node id).
    pub client: u64,
    /// The client's operation number, from 1, increasing by one per new operation.
    pub seq: u64,
    /// What to do.
    pub op: S::Input,
}

impl<S: StateMachine> Command<S> {
    /// Bytes on the wire and on disk: the operation plus a fixed header, so that bandwidth
    /// and bytes-per-command figures grow with what a workload writes.
    #[inline]
    pub fn size(&self) -> u64 {
        24 + S::input_bytes(&self.op)
    }

    /// Whether the command only reads, and so may be served without a log entry by a
    /// protocol that can confirm its leadership.
    #[inline]
    pub fn is_read(&self) -> bool {
        S::is_read(&self.op)
    }
}

impl<S: StateMachine> fmt::Display for Command<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "c{}#{} ", self.client, self.seq)?;
        S::describe(&self.op, f)
    }
}

/// A command as a replica applied it, with what it answered: how a node that proposes commands
/// itself (a workflow coordinator's leader) learns their fate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome<S: StateMachine> {
    /// The command's position in the replicated log (or sequence of slots).
    pub index: u64,
    /// The command.
    pub command: Command<S>,
    /// Its result; `None` for a stale duplicate that the sessions ignored.
    pub output: Option<S::Output>,
}

/// A client's request to a server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "")]
pub struct Request<S: StateMachine> {
    /// The operation.
    pub command: Command<S>,
}

/// A server's answer to a [`Request`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "")]
pub struct Reply<S: StateMachine> {
    /// The operation number this answers; a client ignores answers to operations it no longer
    /// waits for.
    pub seq: u64,
    /// What happened.
    pub outcome: ReplyOutcome<S>,
}

/// How a server answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "")]
pub enum ReplyOutcome<S: StateMachine> {
    /// The operation took effect (or, for a read, was served linearizably) with this result.
    Ok(S::Output),
    /// This server cannot serve the operation; `hint` is who it believes leads, if anyone.
    NotLeader {
        /// The believed leader.
        hint: Option<NodeId>,
    },
}

impl<S: StateMachine> Reply<S> {
    /// Bytes on the wire.
    #[inline]
    pub fn size(&self) -> u64 {
        match &self.outcome {
            ReplyOutcome::Ok(out) => 24 + S::output_bytes(out),
            ReplyOutcome::NotLeader { .. } => 24,
        }
    }
}

/// A damaged command keeps its session and number and carries a damaged operation.
impl<S: StateMachine> sim_core::Corruptible for Command<S> {
    fn corrupted(&self, noise: u64) -> Command<S> {
        Command {
            client: self.client,
            seq: self.seq,
            op: self.op.corrupted(noise),
        }
    }
}
