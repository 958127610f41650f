//! The end-of-run linearizability check every protocol with a history shares: the verdict as a
//! check result, with the checker's explanation when the history is not linearizable.

use super::CheckResult;
use sim_core::history::{Budget, History, HistoryError, Model, Verdict, check, explain};
use std::fmt::Debug;

/// What a history's operations and partitions are called in the pass message (`"operations"`
/// on `"keys"`, `"orders"` on `"tasks and agents"`).
pub struct Nouns {
    /// The operations.
    pub ops: &'static str,
    /// The partitions the checker took one at a time.
    pub parts: &'static str,
    /// One partition (`"key"`).
    pub part: &'static str,
}

/// The check's name in every protocol that has it.
pub const LINEARIZABLE: &str = "linearizable";

/// The check's name in a list of a run's check names, if the run checks its history.
pub fn names(checked: bool) -> Vec<&'static str> {
    if checked {
        vec![LINEARIZABLE]
    } else {
        Vec::new()
    }
}

/// Checks `history` against `model` within the default budget.
pub fn linearizable<M: Model>(
    model: &M,
    history: Result<History<M::Input, M::Output>, HistoryError>,
    nouns: Nouns,
) -> CheckResult
where
    M::Key: Debug,
{
    let name = LINEARIZABLE;
    let history = match history {
        Ok(h) => h,
        Err(e) => return CheckResult::fail(name, format!("the history is malformed: {e}")),
    };
    let budget = Budget::default();
    let report = check(model, &history, &budget);
    match report.verdict {
        Verdict::Linearizable => CheckResult::pass(
            name,
            format!(
                "{} {} on {} {}",
                history.len(),
                nouns.ops,
                report.partitions.len(),
                nouns.parts
            ),
        ),
        Verdict::Unknown => CheckResult::fail(
            name,
            format!(
                "unknown: the checker's budget ran out after {} steps",
                report.steps
            ),
        ),
        Verdict::NotLinearizable => {
            let detail = match report.violation() {
                Some(bad) => match explain(model, &history, &bad.key, &budget) {
                    Ok(e) => e.to_string(),
                    Err(e) => format!("not linearizable on {} {:?} ({e})", nouns.part, bad.key),
                },
                None => "not linearizable".to_string(),
            };
            CheckResult::fail(name, detail)
        }
    }
}
