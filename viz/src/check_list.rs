//! Every check of the open file with its state at the cursor: what the checks panel lists.
//! Invariants hold or broke so far; the protocol's end-of-run checks (linearizability of the
//! history so far) are judged on the run so far; the file's watches, assertions and
//! expectations can only be judged at the end, and read "pending" until then. At the end every
//! check has the verdict `clustersim run` gives.

use crate::session::Session;
use scenarios::registry::CheckResult;

/// Where a check stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckState {
    /// It holds (so far, or at the end).
    Pass,
    /// It failed.
    Fail,
    /// It is judged at the end of the run, which has not come yet.
    Pending,
}

/// One check of the file and where it stands.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckLine {
    /// The check, as `clustersim run` names it.
    pub name: String,
    /// Where it stands.
    pub state: CheckState,
    /// What was found, or when it will be judged.
    pub detail: String,
}

/// Every check of the session's file, in the order `clustersim run` reports them, given the
/// checks judged on the run so far (`Session::verdicts`, which clones the run: the caller has
/// them already).
pub fn checks(s: &Session, so_far: &[CheckResult]) -> Vec<CheckLine> {
    let names = scenarios::runner::check_names(&s.scenario, s.run());
    if s.live().is_done() {
        // The run is over: its verdicts are the report's.
        if let Ok(finished) = s.live().clone().finish() {
            return finished
                .report
                .checks
                .into_iter()
                .map(|c| line(&c))
                .collect();
        }
    }
    let end = scenarios::DurationStr(sim_core::Duration(s.end().0));
    names
        .into_iter()
        .map(|name| {
            let found = so_far.iter().find(|c| {
                c.name == name || (name == "invariants" && c.name.starts_with("invariant "))
            });
            match found {
                Some(c) => line(c),
                None if name == "invariants" => CheckLine {
                    name,
                    state: CheckState::Pass,
                    detail: "none violated so far".into(),
                },
                None => CheckLine {
                    name,
                    state: CheckState::Pending,
                    detail: format!("judged at the end of the run ({end})"),
                },
            }
        })
        .collect()
}

fn line(c: &CheckResult) -> CheckLine {
    CheckLine {
        name: c.name.clone(),
        state: if c.passed {
            CheckState::Pass
        } else {
            CheckState::Fail
        },
        detail: c.detail.clone(),
    }
}
