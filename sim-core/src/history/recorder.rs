//! Recording a history while a simulation runs: simulated clients report each invocation and
//! completion as it happens, in virtual time.

use super::{Completion, History, HistoryError, OpId, Operation, ProcessId};
use crate::Time;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A ticket for an open operation, returned by [`Recorder::invoke`] and handed back to
/// [`Recorder::complete`]; cheap to copy into a client's pending-request table.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct OpHandle(pub OpId);

/// Collects the operations of simulated clients during a run.
///
/// Operations that are still open when [`finish`](Recorder::finish) is called become
/// [`Completion::Info`]: the run ended before the client learnt their fate. Two events at the
/// same virtual time are taken as concurrent, which can hide an ordering but never invents one.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(bound(
    serialize = "I: Serialize, O: Serialize",
    deserialize = "I: Deserialize<'de>, O: Deserialize<'de>"
))]
pub struct Recorder<I, O> {
    history: History<I, O>,
    /// The open operation of each busy process, so a double invocation is caught at once.
    open: BTreeMap<ProcessId, OpId>,
}

impl<I, O> Default for Recorder<I, O> {
    fn default() -> Self {
        Recorder {
            history: History::new(),
            open: BTreeMap::new(),
        }
    }
}

impl<I, O> Recorder<I, O> {
    /// A recorder with nothing recorded.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records that `process` invoked `input` at `at`.
    ///
    /// Fails if the process still has an operation open: a client process issues one request
    /// at a time. An operation completed as info frees its process.
    pub fn invoke(
        &mut self,
        process: ProcessId,
        input: I,
        at: Time,
    ) -> Result<OpHandle, HistoryError> {
        if let Some(&open) = self.open.get(&process) {
            return Err(HistoryError::ProcessBusy { process, open, at });
        }
        let id = self.history.next_id()?;
        self.history.push_unchecked(Operation {
            id,
            process,
            input,
            completion: Completion::Info,
            invoked: at,
            completed: None,
        });
        self.open.insert(process, id);
        Ok(OpHandle(id))
    }

    /// Records how the operation behind `handle` ended, at `at`.
    pub fn complete(
        &mut self,
        handle: OpHandle,
        completion: Completion<O>,
        at: Time,
    ) -> Result<(), HistoryError> {
        let id = handle.0;
        let op = self
            .history
            .op_mut(id)
            .ok_or(HistoryError::UnknownOp { op: id })?;
        if op.completed.is_some() || self.open.get(&op.process) != Some(&id) {
            return Err(HistoryError::AlreadyCompleted { op: id });
        }
        if at < op.invoked {
            return Err(HistoryError::CompletedBeforeInvoked {
                op: id,
                invoked: op.invoked,
                completed: at,
            });
        }
        op.completion = completion;
        op.completed = Some(at);
        self.open.remove(&op.process);
        Ok(())
    }

    /// What is recorded so far, open operations included (as info operations without a
    /// completion time): for a view of the latest operations.
    pub fn history(&self) -> &History<I, O> {
        &self.history
    }

    /// How many operations are still open.
    pub fn open_ops(&self) -> usize {
        self.open.len()
    }

    /// Ends the recording; operations still open become info operations with no completion.
    pub fn finish(self) -> History<I, O> {
        self.history
    }
}
