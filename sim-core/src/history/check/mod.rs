//! The linearizability checker: splits a history by key, searches each partition for a
//! linearization, and reports linearizable, not linearizable, or unknown.

mod bitset;
pub(crate) mod budget;
mod entries;
mod memo;
pub(crate) mod search;

pub use budget::{Budget, Exhausted};

use super::{Completion, History, Model, OpId};
use crate::Time;
use budget::Meter;
use search::{Found, Role, Search, SearchOp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The checker's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// Some order of the operations, each placed within its interval, is a legal sequential
    /// run of the model.
    Linearizable,
    /// No such order exists: proven by exhausting the search.
    NotLinearizable,
    /// The budget ran out before either could be shown.
    Unknown,
}

/// The answer for one key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionVerdict<K> {
    /// The key.
    pub key: K,
    /// Its operations (fail operations excluded: they did not happen).
    pub ops: Vec<OpId>,
    /// What the search found.
    pub verdict: Verdict,
    /// Search steps spent on it.
    pub steps: u64,
}

/// Everything a check found out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report<K> {
    /// The overall answer: not linearizable if any key is, otherwise unknown if any key is.
    pub verdict: Verdict,
    /// Per-key answers, in key order. The check stops as soon as one key is found not
    /// linearizable or the budget runs out; keys not decided by then are listed as unknown.
    pub partitions: Vec<PartitionVerdict<K>>,
    /// Search steps spent in all.
    pub steps: u64,
    /// Which limit ran out, if one did.
    pub exhausted: Option<Exhausted>,
}

impl<K> Report<K> {
    /// The key found not linearizable, if any; pass it to [`explain`](super::explain).
    pub fn violation(&self) -> Option<&PartitionVerdict<K>> {
        self.partitions
            .iter()
            .find(|p| p.verdict == Verdict::NotLinearizable)
    }
}

/// Steps a partition may take before the next one gets its turn; doubled every round, so
/// that switching costs little in long checks while a quickly refuted key is found early.
const FIRST_SLICE: u64 = 1024;

/// Checks whether `history` is linearizable with respect to `model`, within `budget`.
///
/// Operations are grouped by [`Model::key`] and each group is searched on its own. The
/// searches take turns, in key order, with slices of steps that double every round: a key
/// that is quickly refuted decides the answer without waiting for a hard key to be finished,
/// and the result does not depend on the machine. A fail operation is left out (it did not
/// happen); an info operation may take effect at any time after its invocation, or never.
pub fn check<M: Model>(
    model: &M,
    history: &History<M::Input, M::Output>,
    budget: &Budget,
) -> Report<M::Key> {
    let mut meter = Meter::new(budget);
    let mut partitions = Vec::new();
    let mut searches = Vec::new();
    for (key, ids) in partition(model, history) {
        searches.push(Some(Search::new(model, search_ops(history, &ids))));
        partitions.push(PartitionVerdict {
            key,
            ops: ids,
            verdict: Verdict::Unknown,
            steps: 0,
        });
    }
    let mut verdict = Verdict::Linearizable;
    let mut slice = FIRST_SLICE;
    'rounds: while searches.iter().any(Option::is_some) {
        for (part, slot) in partitions.iter_mut().zip(searches.iter_mut()) {
            let Some(search) = slot else { continue };
            let before = meter.used();
            let found = search.run(model, &mut meter, slice);
            part.steps += meter.used() - before;
            match found {
                None if meter.exhausted().is_some() => {
                    verdict = Verdict::Unknown;
                    break 'rounds;
                }
                None => continue,
                Some(Found::Linearizable) => part.verdict = Verdict::Linearizable,
                Some(Found::NotLinearizable) => {
                    part.verdict = Verdict::NotLinearizable;
                    verdict = Verdict::NotLinearizable;
                    break 'rounds;
                }
                Some(Found::OutOfBudget) => {
                    verdict = Verdict::Unknown;
                    break 'rounds;
                }
            }
            *slot = None;
        }
        slice = slice.saturating_mul(2);
    }
    Report {
        verdict,
        partitions,
        steps: meter.used(),
        exhausted: meter.exhausted(),
    }
}

/// The operations that may have happened, grouped by key, each group in invocation order.
pub(crate) fn partition<M: Model>(
    model: &M,
    history: &History<M::Input, M::Output>,
) -> BTreeMap<M::Key, Vec<OpId>> {
    let mut groups: BTreeMap<M::Key, Vec<OpId>> = BTreeMap::new();
    for op in history.ops() {
        if !matches!(op.completion, Completion::Fail) {
            groups.entry(model.key(&op.input)).or_default().push(op.id);
        }
    }
    groups
}

/// The search's view of some operations, as recorded.
pub(crate) fn search_ops<'h, M: Model>(
    history: &'h History<M::Input, M::Output>,
    ids: &[OpId],
) -> Vec<SearchOp<'h, M>> {
    ids.iter()
        .filter_map(|&id| history.get(id))
        .map(|op| SearchOp {
            input: &op.input,
            output: op.completion.output(),
            invoked: op.invoked,
            deadline: op.deadline().unwrap_or(Time::MAX),
            role: match op.completion {
                Completion::Ok(_) => Role::Required,
                Completion::Fail | Completion::Info => Role::Open,
            },
        })
        .collect()
}
