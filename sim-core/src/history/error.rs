//! Typed errors for building histories: every misuse a client or a file can cause is reported,
//! never panicked on.

use super::{OpId, ProcessId};
use crate::Time;

/// Why a history could not be built as asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HistoryError {
    /// A process invoked an operation while its previous one was still open; a process is a
    /// single thread of requests, so this is a bug in the client.
    #[error("process {process} invoked an operation at {at} while {open} was still open")]
    ProcessBusy {
        /// The process.
        process: ProcessId,
        /// Its open operation.
        open: OpId,
        /// When the second invocation happened.
        at: Time,
    },
    /// A completion for an operation this history never handed out.
    #[error("no operation {op} in this history")]
    UnknownOp {
        /// The handle that was passed.
        op: OpId,
    },
    /// A second completion for the same operation.
    #[error("{op} was already completed")]
    AlreadyCompleted {
        /// The operation.
        op: OpId,
    },
    /// A completion earlier than its invocation.
    #[error("{op} completed at {completed}, before its invocation at {invoked}")]
    CompletedBeforeInvoked {
        /// The operation.
        op: OpId,
        /// Its invocation time.
        invoked: Time,
        /// The completion time given.
        completed: Time,
    },
    /// An ok or fail operation without a completion time.
    #[error("{op} is {kind} but has no completion time")]
    MissingCompletion {
        /// The operation.
        op: OpId,
        /// `ok` or `fail`.
        kind: &'static str,
    },
    /// More operations than an [`OpId`] can number.
    #[error("a history holds at most {max} operations")]
    TooManyOps {
        /// The bound.
        max: u64,
    },
}
