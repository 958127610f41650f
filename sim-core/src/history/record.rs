//! A finished history: the list of operations a checker judges.

use super::{Completion, HistoryError, OpId, Operation, ProcessId};
use crate::Time;
use serde::{Deserialize, Serialize};

/// The operations of a run, in invocation order, each with its interval and outcome.
///
/// Built by a [`Recorder`](super::Recorder) during a run, by [`History::push`] in tests, or by
/// the EDN reader; every way in checks the intervals, so the checker can trust them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound(
    serialize = "I: Serialize, O: Serialize",
    deserialize = "I: Deserialize<'de>, O: Deserialize<'de>"
))]
pub struct History<I, O> {
    ops: Vec<Operation<I, O>>,
}

impl<I, O> Default for History<I, O> {
    fn default() -> Self {
        History { ops: Vec::new() }
    }
}

impl<I, O> History<I, O> {
    /// An empty history.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a complete operation and returns its id.
    ///
    /// `completed` is required for ok and fail operations and must not precede `invoked`; for
    /// an info operation it is when the client gave up, if it did.
    pub fn push(
        &mut self,
        process: ProcessId,
        input: I,
        completion: Completion<O>,
        invoked: Time,
        completed: Option<Time>,
    ) -> Result<OpId, HistoryError> {
        let id = self.next_id()?;
        match (&completion, completed) {
            (Completion::Ok(_) | Completion::Fail, None) => {
                return Err(HistoryError::MissingCompletion {
                    op: id,
                    kind: completion.kind(),
                });
            }
            (_, Some(done)) if done < invoked => {
                return Err(HistoryError::CompletedBeforeInvoked {
                    op: id,
                    invoked,
                    completed: done,
                });
            }
            _ => {}
        }
        self.ops.push(Operation {
            id,
            process,
            input,
            completion,
            invoked,
            completed,
        });
        Ok(id)
    }

    /// The id the next pushed operation will get.
    pub(crate) fn next_id(&self) -> Result<OpId, HistoryError> {
        u32::try_from(self.ops.len())
            .map(OpId)
            .map_err(|_| HistoryError::TooManyOps {
                max: u64::from(u32::MAX),
            })
    }

    /// Gives the recorder write access to an operation it handed out.
    pub(crate) fn op_mut(&mut self, id: OpId) -> Option<&mut Operation<I, O>> {
        self.ops.get_mut(id.index())
    }

    /// Appends without validation; the recorder validates as it goes.
    pub(crate) fn push_unchecked(&mut self, op: Operation<I, O>) {
        self.ops.push(op);
    }

    /// All operations, indexed by [`OpId::index`].
    pub fn ops(&self) -> &[Operation<I, O>] {
        &self.ops
    }

    /// One operation.
    pub fn get(&self, id: OpId) -> Option<&Operation<I, O>> {
        self.ops.get(id.index())
    }

    /// How many operations there are.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}
