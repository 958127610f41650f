//! One client operation: who asked for what, when, and how it ended.

use crate::Time;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A client process: a single-threaded sequence of operations, one row of a timeline.
///
/// Jepsen numbers its client processes with integers; keeping the same shape lets a history
/// round-trip through EDN unchanged.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct ProcessId(pub u64);

impl fmt::Display for ProcessId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "p{}", self.0)
    }
}

/// An operation's position in its [`History`](super::History), in invocation order; explanations
/// name operations by it so that a front end can find them again.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct OpId(pub u32);

impl OpId {
    /// The id as an index into [`History::ops`](super::History::ops).
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for OpId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "op{}", self.0)
    }
}

/// How an operation ended, as far as its client could tell.
///
/// The three cases are what a client can honestly know: it saw the answer, it was told the
/// operation was refused, or it gave up waiting (a timeout, a crash) and cannot say.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Completion<O> {
    /// The operation took effect, between its invocation and its completion, and returned this.
    Ok(O),
    /// The operation is known not to have taken effect; the checker ignores it.
    Fail,
    /// Unknown: the operation may have taken effect at any time after its invocation, or never,
    /// and its return value is unknown. It stays open forever.
    Info,
}

impl<O> Completion<O> {
    /// The Jepsen name of this kind of completion (`ok`, `fail`, `info`), for reports and EDN.
    pub fn kind(&self) -> &'static str {
        match self {
            Completion::Ok(_) => "ok",
            Completion::Fail => "fail",
            Completion::Info => "info",
        }
    }

    /// The returned value, if the client saw one.
    pub fn output(&self) -> Option<&O> {
        match self {
            Completion::Ok(o) => Some(o),
            Completion::Fail | Completion::Info => None,
        }
    }
}

/// An invocation together with its completion: the unit a linearizability checker orders.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operation<I, O> {
    /// Position in the history.
    pub id: OpId,
    /// The client process that issued it.
    pub process: ProcessId,
    /// What was asked (the model's input).
    pub input: I,
    /// How it ended.
    pub completion: Completion<O>,
    /// When it was invoked.
    pub invoked: Time,
    /// When the client saw it end. For an [`Completion::Info`] operation this is only when the
    /// client gave up (`None` if the run ended first); the operation may take effect later.
    pub completed: Option<Time>,
}

impl<I, O> Operation<I, O> {
    /// The latest time at which the operation can take effect, or `None` if there is no bound
    /// (an info operation); a fail operation never takes effect, and reports its completion.
    pub fn deadline(&self) -> Option<Time> {
        match self.completion {
            Completion::Ok(_) | Completion::Fail => self.completed,
            Completion::Info => None,
        }
    }
}
