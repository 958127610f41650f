//! What a file asks of a run that only the protocol can answer, checked before it runs: the
//! cluster must fit in the run's memory bound (checked before it is built), an `expect_failure`
//! must name a check the run can report, and every `submit` must be a command the protocol
//! takes. Otherwise a run is killed for memory while it is built, ends with "the known bug was
//! not caught" for a misspelt check, or has a command refused halfway through.

use super::watch;
use crate::diag::{Diagnostic, suggest};
use crate::error::ScenarioError;
use crate::registry::{Protocol, Run};
use crate::scenario::{Action, Expect, Scenario};
use sim_core::Time;
use std::ops::Range;

/// The check that no invariant was violated, reported when `[checks] invariants` is on.
pub(crate) const INVARIANTS: &str = "invariants";

/// The name of an `[[expect]]` check: the metric and its bounds.
pub(crate) fn expect_name(e: &Expect) -> String {
    let bounds = match (e.min, e.max) {
        (Some(a), Some(b)) => format!("in [{a}, {b}]"),
        (Some(a), None) => format!(">= {a}"),
        (None, Some(b)) => format!("<= {b}"),
        (None, None) => String::new(),
    };
    format!("expect {} {bounds}", e.metric.get_ref())
}

/// The name of the `messages_per_op_max` check.
pub(crate) fn per_op_name(max: f64) -> String {
    format!("messages_per_op_max {max}")
}

/// Every check name a run of `s` may report: the protocol's own (invariants and end-of-run
/// checks), then the file's (watches, assertions, expectations). The verdict on
/// `expect_failure` itself is not among them: a prefix must not match its own verdict.
pub fn check_names(s: &Scenario, run: &dyn Run) -> Vec<String> {
    let mut out = Vec::new();
    if s.checks.invariants {
        out.push(INVARIANTS.to_string());
    }
    out.extend(run.check_names());
    out.extend(watch::names(s));
    out.extend(s.assertions().iter().map(ToString::to_string));
    if let Some(max) = &s.checks.messages_per_op_max {
        out.push(per_op_name(*max.get_ref()));
    }
    out.extend(s.expect.iter().map(expect_name));
    out
}

/// Builds a run of `s` with `seed` and checks what the file asks of it (see the module
/// comment); every problem is located in the file.
pub fn build(
    protocol: &dyn Protocol,
    s: &Scenario,
    seed: u64,
) -> Result<Box<dyn Run>, ScenarioError> {
    if let Some(problem) = too_big(protocol, s) {
        return Err(s.origin.remap(ScenarioError::one(problem)));
    }
    let run = protocol.build(s, seed).map_err(|e| s.origin.remap(e))?;
    let mut problems = Vec::new();
    problems.extend(expect_failure(s, run.as_ref()));
    problems.extend(submits(s, run.as_ref()));
    if problems.is_empty() {
        Ok(run)
    } else {
        Err(s.origin.remap(ScenarioError::Invalid(problems)))
    }
}

/// A cluster whose estimated memory is past the run's memory bound, refused before it is built
/// (building it is what would take the memory).
fn too_big(protocol: &dyn Protocol, s: &Scenario) -> Option<Diagnostic> {
    let servers = s.cluster.servers();
    let need = protocol.memory_estimate(servers)?;
    let limits = s.limits.unwrap_or_default();
    let max = super::resources::memory_limit(&limits)?;
    if need <= max {
        return None;
    }
    let which = if limits.max_memory > 0 {
        "`[limits] max_memory`".to_string()
    } else {
        "`max_memory`, three quarters of this machine's memory".to_string()
    };
    let bytes = super::resources::bytes;
    Some(located(
        s,
        s.cluster.nodes.span(),
        format!(
            "protocol \"{}\" keeps state for every pair of servers: {servers} servers need \
             about {}, more than {} ({which}); use fewer servers, or raise max_memory in \
             [limits]",
            protocol.name(),
            bytes(need),
            bytes(max)
        ),
    ))
}

fn located(s: &Scenario, span: Range<usize>, message: String) -> Diagnostic {
    let span = (span != (0..0)).then_some(span);
    Diagnostic::at(&s.origin.file, s.origin.text.as_deref(), span, message)
}

/// An `expect_failure` that is the start of no check name the run can report.
fn expect_failure(s: &Scenario, run: &dyn Run) -> Option<Diagnostic> {
    let prefix = s.checks.expect_failure.as_ref()?;
    let names = check_names(s, run);
    if names
        .iter()
        .any(|n| n.starts_with(prefix.get_ref().as_str()))
    {
        return None;
    }
    let hint = suggest(prefix.get_ref(), names.iter().map(String::as_str))
        .map(|n| format!("did you mean \"{n}\"? "))
        .unwrap_or_default();
    let listed = names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ");
    Some(located(
        s,
        prefix.span(),
        format!(
            "`expect_failure = \"{}\"` is the start of no check this run reports, so no run \
             could ever catch it; {hint}(the checks: {listed})",
            prefix.get_ref()
        ),
    ))
}

/// Each `submit` the protocol refuses, tried in the file's order on a copy of the run once its
/// nodes have started (a command that depends on the cluster's state at its time, such as one naming a
/// node that will be down, is judged when it is typed in).
fn submits(s: &Scenario, run: &dyn Run) -> Vec<Diagnostic> {
    let commands: Vec<_> = s
        .faults
        .iter()
        .filter(|f| *f.action.get_ref() == Action::Submit)
        .filter_map(|f| f.command.as_ref())
        .collect();
    if commands.is_empty() {
        return Vec::new();
    }
    let mut trial = run.box_clone();
    // The nodes start with the first events, at time zero.
    if let Err(e) = trial.run_until(Time::ZERO) {
        return vec![located(s, 0..0, format!("the run fails at its start: {e}"))];
    }
    commands
        .into_iter()
        .filter_map(|c| {
            trial.submit(c.get_ref()).err().map(|why| {
                located(
                    s,
                    c.span(),
                    format!(
                        "protocol \"{}\" refuses the command \"{}\": {why}",
                        s.protocol_name(),
                        c.get_ref()
                    ),
                )
            })
        })
        .collect()
}
