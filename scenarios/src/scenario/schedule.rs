//! `[schedule]`: an explicit order of events that `run` and `check` replay exactly, as the model
//! checker writes its counterexamples.
//!
//! ```toml
//! [schedule]
//! steps = [
//!     "fire t0 (n0 Election)",
//!     "deliver m0 (n0 -> n1 RequestVote)",
//!     "crash n1",
//!     "restart n1",
//! ]
//! ```
//!
//! Each step names a message or timer by the number the engine gives it (`m3`, `t0`), or a
//! node. Numbers are handed out in the order things happen, so they are the same on every
//! replay of the same steps. What follows in parentheses is what the step was when it was
//! written; the replay checks it, so a schedule that no longer fits the protocol is refused at
//! the first step that differs instead of replaying something else.

use serde::{Deserialize, Serialize};
use sim_core::model::Choice;
use std::ops::Range;
use toml::Spanned;

/// The `[schedule]` section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleSection {
    /// The steps, in order.
    pub steps: Vec<Spanned<String>>,
}

/// One step, read.
#[derive(Clone, Debug, PartialEq)]
pub struct ScheduleStep {
    /// What happens.
    pub choice: Choice,
    /// What the file says it is (`n0 -> n1 RequestVote`), to be checked at replay.
    pub note: Option<String>,
    /// Where the step is written.
    pub span: Range<usize>,
}

impl ScheduleStep {
    /// The step as a schedule writes it.
    pub fn text(choice: Choice, note: Option<&str>) -> String {
        match note {
            Some(n) => format!("{choice} ({n})"),
            None => choice.to_string(),
        }
    }
}

impl ScheduleSection {
    /// Every step read, or the problems with the steps that cannot be, each with its span.
    pub fn steps(&self) -> Result<Vec<ScheduleStep>, Vec<(Range<usize>, String)>> {
        let mut steps = Vec::new();
        let mut problems = Vec::new();
        for (i, s) in self.steps.iter().enumerate() {
            let text = s.get_ref().trim();
            let (head, note) = match text.split_once('(') {
                Some((head, rest)) => match rest.strip_suffix(')') {
                    Some(note) => (head.trim(), Some(note.trim().to_string())),
                    None => {
                        problems.push((
                            s.span(),
                            format!(
                                "schedule step {}: a note in parentheses must end the step",
                                i + 1
                            ),
                        ));
                        continue;
                    }
                },
                None => (text, None),
            };
            match head.parse::<Choice>() {
                Ok(choice) => steps.push(ScheduleStep {
                    choice,
                    note,
                    span: s.span(),
                }),
                Err(e) => problems.push((s.span(), format!("schedule step {}: {e}", i + 1))),
            }
        }
        if problems.is_empty() {
            Ok(steps)
        } else {
            Err(problems)
        }
    }
}

/// `text` (a whole scenario) with the schedule's steps written one per line, as people read
/// and diff them; the value is unchanged.
pub(super) fn one_step_per_line(text: &str) -> String {
    let Ok(mut doc) = text.parse::<toml_edit::DocumentMut>() else {
        return text.to_string();
    };
    if let Some(steps) = doc
        .get_mut("schedule")
        .and_then(|t| t.get_mut("steps"))
        .and_then(|s| s.as_array_mut())
    {
        for step in steps.iter_mut() {
            step.decor_mut().set_prefix("\n    ");
            step.decor_mut().set_suffix("");
        }
        steps.set_trailing_comma(true);
        steps.set_trailing("\n");
    }
    doc.to_string()
}

/// Something in a scenario that a run driven by choice (a `[schedule]`, or `clustersim
/// model`) cannot honour, with where it is written.
#[derive(Clone, Debug, PartialEq)]
pub struct ChoiceConflict {
    /// Its span, when the value carries one.
    pub span: Option<Range<usize>>,
    /// Its key path otherwise (`network.loss`), to be located in the text.
    pub path: Vec<&'static str>,
    /// What is wrong.
    pub message: String,
}

impl super::Scenario {
    /// What a run driven by choice cannot honour: timed faults, nemeses, timed assertions and
    /// watches (choices have no clock to judge them by), and randomness in the network (losses
    /// and duplicates are choices themselves, and FIFO links would forbid some).
    pub fn choice_conflicts(&self) -> Vec<ChoiceConflict> {
        let mut out = Vec::new();
        let mut add =
            |span: Option<Range<usize>>, path: Vec<&'static str>, what: &str, why: &str| {
                out.push(ChoiceConflict {
                    span,
                    path,
                    message: format!("{what} cannot be used in a run driven by choice: {why}"),
                });
            };
        const NO_CLOCK: &str = "the schedule, not the clock, decides what happens next";
        if let Some(f) = self.faults.first() {
            add(
                Some(f.at.span()),
                vec!["faults"],
                "[[faults]]",
                "crashes and restarts are steps of the schedule",
            );
        }
        if let Some(n) = self.nemesis.first() {
            add(
                Some(n.kind.span()),
                vec!["nemesis"],
                "[[nemesis]]",
                "crashes and restarts are steps of the schedule",
            );
        }
        if let Some(a) = self.asserts.first() {
            add(Some(a.that.span()), vec!["assert"], "[[assert]]", NO_CLOCK);
        }
        if let Some(w) = &self.checks.leader_within {
            add(
                Some(w.span()),
                vec!["checks", "leader_within"],
                "checks.leader_within",
                NO_CLOCK,
            );
        }
        if let Some(w) = &self.checks.converged_by {
            add(
                Some(w.span()),
                vec!["checks", "converged_by"],
                "checks.converged_by",
                NO_CLOCK,
            );
        }
        let net = &self.network;
        const LOSS: &str = "losses and duplicates are steps of the schedule; set them to 0";
        if net.loss != 0.0 {
            add(None, vec!["network", "loss"], "network.loss", LOSS);
        }
        if net.duplicate != 0.0 {
            add(
                None,
                vec!["network", "duplicate"],
                "network.duplicate",
                LOSS,
            );
        }
        if net.fifo {
            add(
                None,
                vec!["network", "fifo"],
                "network.fifo",
                "any message in flight may arrive next",
            );
        }
        if net
            .links
            .iter()
            .any(|l| l.loss.is_some_and(|p| p != 0.0) || l.duplicate.is_some_and(|p| p != 0.0))
        {
            add(
                None,
                vec!["network", "links"],
                "a link's loss or duplication",
                LOSS,
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::{MessageId, NodeId};

    fn section(steps: &[&str]) -> ScheduleSection {
        ScheduleSection {
            steps: steps
                .iter()
                .map(|s| Spanned::new(0..0, s.to_string()))
                .collect(),
        }
    }

    #[test]
    fn steps_read_with_and_without_notes() {
        let steps = section(&["deliver m3 (n0 -> n1 Vote)", "crash n1"])
            .steps()
            .unwrap();
        assert_eq!(steps[0].choice, Choice::Deliver(MessageId(3)));
        assert_eq!(steps[0].note.as_deref(), Some("n0 -> n1 Vote"));
        assert_eq!(steps[1].choice, Choice::Crash(NodeId(1)));
        assert_eq!(steps[1].note, None);
        assert_eq!(
            ScheduleStep::text(steps[0].choice, steps[0].note.as_deref()),
            "deliver m3 (n0 -> n1 Vote)"
        );
    }

    #[test]
    fn every_bad_step_is_reported_with_its_number() {
        let problems = section(&["deliver m3 (open", "crash n1", "explode n2"])
            .steps()
            .unwrap_err();
        assert_eq!(problems.len(), 2);
        assert!(
            problems[0].1.starts_with("schedule step 1: a note"),
            "{problems:?}"
        );
        assert!(
            problems[1]
                .1
                .starts_with("schedule step 3: expected a step"),
            "{problems:?}"
        );
    }
}
