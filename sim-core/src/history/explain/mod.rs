//! Explaining a violation: the few operations of one key that cannot be put in any order,
//! with their intervals, as data for a front end and as a text timeline for a person.

mod shrink;
mod timeline;

use super::check::budget::Meter;
use super::check::search::{Found, search};
use super::check::{Budget, Exhausted, partition, search_ops};
use super::{Completion, History, Model, OpId, ProcessId};
use crate::Time;
use serde::{Deserialize, Serialize};
use shrink::{Fate, shrink};
use std::fmt;

/// One operation of an explanation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExplainedOp {
    /// The operation in the history.
    pub id: OpId,
    /// Its process.
    pub process: ProcessId,
    /// What it did, as the model describes it (`append "x"`, `read -> 3`).
    pub label: String,
    /// `ok` or `info`.
    pub kind: String,
    /// When it was invoked.
    pub invoked: Time,
    /// When it completed (for info: when the client gave up), if it did.
    pub completed: Option<Time>,
}

/// Why a history is not linearizable, shrunk to what a person needs to see.
///
/// The operations in [`ops`](Explanation::ops) cannot be ordered, each at one instant within
/// its interval, into a legal sequential run, whatever the key's other operations did: those
/// were each allowed to take effect within their interval, with any result, or not at all.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    /// The key, as the model names it.
    pub key: String,
    /// The operations that cannot be ordered, by invocation time.
    pub ops: Vec<ExplainedOp>,
    /// The key's other operations that were kept as "may have happened within its interval"
    /// (the rest could be cut off).
    pub others: Vec<OpId>,
    /// Whether no operation of `ops` can be dropped on its own (false only when the budget
    /// cut the shrinking short; the operations still cannot be ordered).
    pub minimal: bool,
    /// Search steps spent explaining.
    pub steps: u64,
}

impl Explanation {
    /// The explanation drawn as text, bars scaled to about `width` columns.
    pub fn timeline(&self, width: usize) -> String {
        timeline::draw(self, width)
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "not linearizable: on key {}, these {} operations cannot be put in any order that \
             fits their intervals{}",
            self.key,
            self.ops.len(),
            if !self.others.is_empty() {
                format!(
                    ",\nwhatever the key's {} other operations did within theirs",
                    self.others.len()
                )
            } else {
                String::new()
            }
        )?;
        writeln!(f)?;
        f.write_str(&self.timeline(64))
    }
}

/// Why no explanation could be given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExplainError {
    /// The key's operations are linearizable: there is nothing to explain.
    #[error("the operations on this key are linearizable")]
    Linearizable,
    /// The budget ran out before the key was shown not linearizable.
    #[error("the budget ({0:?}) ran out before the key was shown not linearizable")]
    Unknown(Exhausted),
}

/// Steps each shrinking attempt may take, as a multiple of what refuting the whole key took;
/// weakened histories are usually easier, and an attempt that runs out only keeps the core
/// larger, never wrong.
const ATTEMPT_FACTOR: u64 = 4;
/// Steps each attempt may take at least.
const ATTEMPT_MIN: u64 = 100_000;

/// Explains why the operations on `key` are not linearizable (see [`Report::violation`]).
///
/// The key's operations are refuted again, then shrunk: operations are relaxed to "may have
/// happened within its interval" while the rest still cannot be ordered, and operations
/// invoked after all remaining ones have completed are cut off. Each step is proven, so the
/// result never claims more than the history shows.
///
/// [`Report::violation`]: super::Report::violation
pub fn explain<M: Model>(
    model: &M,
    history: &History<M::Input, M::Output>,
    key: &M::Key,
    budget: &Budget,
) -> Result<Explanation, ExplainError> {
    let mut meter = Meter::new(budget);
    let ids = partition(model, history).remove(key).unwrap_or_default();
    let ops = search_ops(history, &ids);
    match search(model, ops.clone(), &mut meter) {
        Found::NotLinearizable => {}
        Found::Linearizable => return Err(ExplainError::Linearizable),
        Found::OutOfBudget => {
            return Err(ExplainError::Unknown(
                meter.exhausted().unwrap_or(Exhausted::Steps),
            ));
        }
    }
    let per_attempt = (meter.used() * ATTEMPT_FACTOR).max(ATTEMPT_MIN);
    let shrunk = shrink(model, &ops, &mut meter, per_attempt);

    let mut core = Vec::new();
    let mut others = Vec::new();
    for (&id, fate) in ids.iter().zip(&shrunk.fates) {
        let Some(op) = history.get(id) else { continue };
        match fate {
            Fate::Keep if matches!(op.completion, Completion::Ok(_)) => {
                core.push(ExplainedOp {
                    id,
                    process: op.process,
                    label: model.describe(&op.input, op.completion.output()),
                    kind: op.completion.kind().to_owned(),
                    invoked: op.invoked,
                    completed: op.completed,
                });
            }
            Fate::Keep | Fate::Relax => others.push(id),
            Fate::Delete => {}
        }
    }
    core.sort_by_key(|op| (op.invoked, op.id));
    Ok(Explanation {
        key: model.describe_key(key),
        ops: core,
        others,
        minimal: shrunk.minimal,
        steps: meter.used(),
    })
}
