//! Writing a counterexample as a scenario file with a `[schedule]`, which `run` and `check`
//! replay exactly.

use super::Counterexample;
use crate::explore::write::{record_and_replay, write_scenario};
use crate::registry::{Registry, Run};
use crate::scenario::{Recorded, Scenario, ScheduleSection, ScheduleStep};
use std::path::Path;
use toml::Spanned;

/// Writes `found`, a schedule from `root`, as a copy of `source` (the searched file) with the
/// schedule in place of the search bounds, the failing check expected, and its fingerprint
/// recorded; then replays the file to make sure it fails the same way. `command` is what found
/// it, for the file's header.
pub fn write_counterexample(
    registry: &Registry,
    path: &Path,
    source: &Scenario,
    root: &dyn Run,
    found: &Counterexample,
    command: &str,
) -> Result<(), String> {
    let steps = annotated(root, &found.steps)?;
    let mut s = source.clone();
    s.name = format!("counterexample: {} {}", s.protocol_name(), found.check);
    s.description = format!(
        "{}: {} (the shortest schedule found by {command}: {} steps)",
        found.check,
        first_line(&found.detail),
        found.steps.len()
    );
    s.model = None;
    s.explore = None;
    s.schedule = Some(ScheduleSection {
        steps: steps.into_iter().map(|t| Spanned::new(0..0, t)).collect(),
    });
    let stops = found.check == "error";
    let replay = if stops {
        s.checks.expect_failure = None;
        s.recorded = Vec::new();
        "it stops with the same error, exit 2"
    } else {
        s.checks.expect_failure = Some(Spanned::new(0..0, found.check.clone()));
        s.recorded = vec![Recorded {
            seed: s.seed,
            fingerprint: None,
        }];
        "the check fails as expected: exit 0 means it was caught"
    };
    let header = format!(
        "Found by `{command}`: {}.\nReplay: clustersim run {} ({replay}).",
        found.check,
        path.display()
    );
    write_scenario(path, &s, &header)?;
    if stops {
        return Ok(());
    }
    record_and_replay(registry, path)
}

/// The steps as a schedule writes them, each message and timer with what it is, read by
/// replaying the steps from `root`.
fn annotated(root: &dyn Run, steps: &[sim_core::model::Choice]) -> Result<Vec<String>, String> {
    let mut run = root.box_clone();
    let mut out = Vec::new();
    for (i, &choice) in steps.iter().enumerate() {
        let note = match choice {
            sim_core::model::Choice::Crash(_) | sim_core::model::Choice::Restart(_) => None,
            _ => run.describe(choice),
        };
        out.push(ScheduleStep::text(choice, note.as_deref()));
        let last = i + 1 == steps.len();
        match run.take(choice) {
            Ok(_) => {}
            Err(_) if last => {}
            Err(e) => return Err(format!("replaying step {} (`{choice}`): {e}", i + 1)),
        }
    }
    Ok(out)
}

fn first_line(detail: &str) -> &str {
    detail.lines().next().unwrap_or("").trim()
}
