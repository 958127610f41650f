//! The engine's typed errors. A binary reports them with context; the library never panics on
//! anything a user or a protocol configuration can cause.

use crate::{NodeId, Time};

/// Why the engine refused a request or stopped a run.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SimError {
    /// One of the bounds in [`crate::Limits`] would be exceeded.
    #[error(
        "limit `{limit}` exceeded: {value} > {max} (at {time}); raise it in the limits section if this is intended"
    )]
    LimitExceeded {
        /// Name of the limit, as spelled in [`crate::Limits`].
        limit: &'static str,
        /// The value that was reached.
        value: u64,
        /// The configured bound.
        max: u64,
        /// When it happened.
        time: Time,
    },
    /// Too many bytes held (messages in flight, the process's memory): the run stops at a
    /// bound of its own rather than at the machine's.
    #[error(
        "limit `{limit}` exceeded: {value} bytes > {max} (at {time}); {holder}; raise it in the limits section if this is intended"
    )]
    Overloaded {
        /// Name of the limit, as spelled in [`crate::Limits`].
        limit: &'static str,
        /// The bytes held.
        value: u64,
        /// The configured bound.
        max: u64,
        /// When it was seen.
        time: Time,
        /// Who holds the most (`"4.2 GB of them are on their way to n3"`).
        holder: String,
    },
    /// A node id outside the cluster.
    #[error("no node {node}: the cluster has {nodes} nodes (n0..n{})", nodes.saturating_sub(1))]
    UnknownNode {
        /// The id that was asked for.
        node: NodeId,
        /// How many nodes there are.
        nodes: u32,
    },
    /// A fault or event scheduled before the current virtual time.
    #[error("cannot schedule at {at}: the simulation is already at {now}")]
    InThePast {
        /// The requested time.
        at: Time,
        /// The current time.
        now: Time,
    },
    /// A parameter that makes no sense (negative rate, probability above one, ...).
    #[error("invalid {what}: {why}")]
    Invalid {
        /// Which parameter.
        what: String,
        /// What was expected.
        why: String,
    },
    /// The trace sink could not be written.
    #[error("trace output: {0}")]
    Trace(String),
}

/// A configuration parameter that cannot run, named by its key path below the table that
/// holds it (`heartbeat`, `mix.get`), so that whoever read the value from a file can point at
/// it; a nested configuration's problems are seen from the outer table with
/// [`InvalidParam::within`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {why}")]
pub struct InvalidParam {
    /// The key path, dotted.
    pub field: String,
    /// What is wrong and what was expected.
    pub why: String,
}

impl InvalidParam {
    /// `field` is wrong: `why`.
    pub fn new(field: impl Into<String>, why: impl Into<String>) -> InvalidParam {
        InvalidParam {
            field: field.into(),
            why: why.into(),
        }
    }

    /// The same problem seen from the table that holds the table `key`
    /// (`raft` and `heartbeat` give `raft.heartbeat`).
    pub fn within(mut self, key: &str) -> InvalidParam {
        self.field = format!("{key}.{}", self.field);
        self
    }
}

impl From<InvalidParam> for SimError {
    fn from(e: InvalidParam) -> SimError {
        SimError::Invalid {
            what: e.field,
            why: e.why,
        }
    }
}
