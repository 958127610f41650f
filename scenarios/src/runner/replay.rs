//! Replaying a `[schedule]`: the nodes start, then each step happens in the file's order,
//! through the same engine, checkers and trace as a timed run.

use super::Finished;
use super::engine::Runner;
use crate::diag::Diagnostic;
use crate::error::ScenarioError;
use crate::scenario::ScheduleStep;
use sim_core::Step;
use std::ops::Range;

impl Runner {
    /// Runs the schedule to its end, or to the first violated invariant, then judges the
    /// end-of-run checks as a timed run does.
    pub(crate) fn replay(mut self) -> Result<Finished, ScenarioError> {
        let steps = match self.s.schedule.as_ref().map(|s| s.steps()) {
            Some(Ok(steps)) => steps,
            Some(Err(problems)) => {
                let ds = problems
                    .into_iter()
                    .map(|(span, message)| self.located(Some(span), message))
                    .collect();
                return Err(ScenarioError::Invalid(ds));
            }
            None => Vec::new(),
        };
        match self.run.start_all() {
            Ok(Some(v)) => self.violation = Some(v),
            Ok(None) => {}
            Err(e) => return Err(self.sim_err(e)),
        }
        for (i, step) in steps.iter().enumerate() {
            if self.violation.is_some() {
                break;
            }
            self.check_note(i, step)?;
            match self.run.take(step.choice) {
                Ok(Step::Violated(v)) => self.violation = Some(v),
                Ok(_) => {}
                Err(e) => {
                    let message = format!("schedule step {}: {e}", i + 1);
                    return Err(ScenarioError::one(
                        self.located(Some(step.span.clone()), message),
                    ));
                }
            }
        }
        self.finish()
    }

    /// A step's note, when it has one, still describes what the step takes.
    fn check_note(&self, i: usize, step: &ScheduleStep) -> Result<(), ScenarioError> {
        let Some(note) = &step.note else {
            return Ok(());
        };
        match self.run.describe(step.choice) {
            Some(actual) if actual == *note => Ok(()),
            actual => {
                let now = match actual {
                    Some(a) => format!("in this run it is ({a})"),
                    None => "in this run it is not enabled".to_string(),
                };
                let message = format!(
                    "schedule step {}: the file says `{}` is ({note}), but {now}; the schedule \
                     no longer fits this protocol or seed",
                    i + 1,
                    step.choice
                );
                Err(ScenarioError::one(
                    self.located(Some(step.span.clone()), message),
                ))
            }
        }
    }

    fn located(&self, span: Option<Range<usize>>, message: String) -> Diagnostic {
        let span = span.filter(|s| *s != (0..0));
        Diagnostic::at(
            &self.s.origin.file,
            self.s.origin.text.as_deref(),
            span,
            message,
        )
    }
}
