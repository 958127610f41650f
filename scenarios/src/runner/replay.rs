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
        let steps = self.schedule_steps()?;
        self.start_scheduled()?;
        for (i, step) in steps.iter().enumerate() {
            if self.violation.is_some() {
                break;
            }
            self.take_step(i, step)?;
        }
        self.finish()
    }

    /// The file's schedule, read.
    pub(crate) fn schedule_steps(&self) -> Result<Vec<ScheduleStep>, ScenarioError> {
        match self.s.schedule.as_ref().map(|s| s.steps()) {
            Some(Ok(steps)) => Ok(steps),
            Some(Err(problems)) => {
                let ds = problems
                    .into_iter()
                    .map(|(span, message)| self.located(Some(span), message))
                    .collect();
                Err(ScenarioError::Invalid(ds))
            }
            None => Ok(Vec::new()),
        }
    }

    /// Starts every node, as a scheduled run begins.
    pub(crate) fn start_scheduled(&mut self) -> Result<(), ScenarioError> {
        match self.run.start_all() {
            Ok(Some(v)) => self.violation = Some(v),
            Ok(None) => {}
            Err(e) => return Err(self.sim_err(e)),
        }
        Ok(())
    }

    /// Takes step `i` of the schedule after checking its note; a violation is kept as the
    /// run's. A step that is not enabled is an error at its place in the file.
    pub(crate) fn take_step(
        &mut self,
        i: usize,
        step: &ScheduleStep,
    ) -> Result<Step, ScenarioError> {
        self.check_note(i, step)?;
        match self.run.take(step.choice) {
            Ok(s) => {
                if let Step::Violated(v) = &s {
                    self.violation = Some(v.clone());
                }
                Ok(s)
            }
            Err(e) => {
                let message = format!("schedule step {}: {e}", i + 1);
                Err(ScenarioError::one(
                    self.located(Some(step.span.clone()), message),
                ))
            }
        }
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
