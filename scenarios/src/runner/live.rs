//! A scenario run driven one step at a time, with actions recorded as it goes: what the visual
//! front end plays, rewinds and saves.
//!
//! [`Live`] makes exactly the calls [`super::run_scenario`] makes, in the same order (the
//! agenda of faults, nemeses, heal, probes and end is the runner's own), only one simulation
//! event or one agenda item per [`Live::step`]. An action recorded with [`Live::record`] becomes
//! a fault of the scenario's file at the time it took effect, so that the file written by
//! [`crate::scenario::append_faults`] replays to the same fingerprint.

use super::Finished;
use super::agenda::{Item, class};
use super::engine::{Runner, due};
use super::report::FaultNote;
use crate::diag::Diagnostic;
use crate::duration::DurationStr;
use crate::error::ScenarioError;
use crate::registry::{Registry, Run};
use crate::scenario::{Action, FaultEvent, PlannedFault, Scenario, ScheduleStep};
use sim_core::{Duration, Step, Time, Violation};
use std::sync::Arc;
use toml::Spanned;

/// What one [`Live::step`] did.
#[derive(Clone, Debug, PartialEq)]
pub enum LiveStep {
    /// Processed one simulation event at this time.
    Event(Time),
    /// Did an item of the runner's agenda at this time (a fault of the file, a nemesis strike
    /// or its undoing, the heal, a probe, a client command).
    Acted(Time),
    /// An invariant broke; the run stays stopped here.
    Violated(Violation),
    /// The run is over (its end time was reached, or it stopped on a violation earlier).
    Ended,
}

/// A scenario run stepped by its caller. Cloning it takes a checkpoint that runs on exactly as
/// the original would.
#[derive(Clone)]
pub struct Live {
    runner: Runner,
    /// Faults of the file as loaded; later ones were recorded.
    original_faults: usize,
    /// Time and class of the last agenda item done (class 0 goes in before that time's events).
    last_item: Option<(Time, u8)>,
    done: bool,
    steps: u64,
    /// A `[schedule]` being replayed, and the index of its next step.
    script: Option<(Arc<[ScheduleStep]>, usize)>,
}

impl Live {
    /// Builds the run of `scenario` with `seed` (the file's own when `None`), as
    /// `clustersim run` does.
    pub fn new(
        registry: &Registry,
        scenario: &Scenario,
        seed: Option<u64>,
    ) -> Result<Live, ScenarioError> {
        let protocol = registry.resolve(scenario)?;
        let run = super::prepare::build(protocol, scenario, seed.unwrap_or(scenario.seed))?;
        let mut runner = Runner::new(Arc::new(scenario.clone()), run, protocol, None)?;
        let script = match scenario.schedule {
            Some(_) => {
                let steps = runner.schedule_steps()?;
                runner.start_scheduled()?;
                Some((Arc::from(steps), 0))
            }
            None => {
                runner.start();
                None
            }
        };
        let done = runner.violation.is_some();
        Ok(Live {
            runner,
            original_faults: scenario.faults.len(),
            last_item: None,
            done,
            steps: 0,
            script,
        })
    }

    /// The running simulation, to look at.
    pub fn run(&self) -> &dyn Run {
        self.runner.run.as_ref()
    }

    /// Replaces the trace sink (a memory sink keeps records to read with `run().trace()`).
    pub fn set_trace_sink(&mut self, sink: sim_core::TraceSink) {
        self.runner.run.set_trace_sink(sink);
    }

    /// The scenario, with the recorded actions appended to its faults.
    pub fn scenario(&self) -> &Scenario {
        &self.runner.s
    }

    /// The actions recorded so far, in the order they take effect.
    pub fn recorded(&self) -> &[FaultEvent] {
        &self.runner.s.faults[self.original_faults..]
    }

    /// What the runner did so far besides simulation events (faults, nemeses, heal, commands).
    pub fn notes(&self) -> &[FaultNote] {
        &self.runner.notes
    }

    /// The invariant violation the run stopped on.
    pub fn violation(&self) -> Option<&Violation> {
        self.runner.violation.as_ref()
    }

    /// Whether the run is over.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// How many steps have been taken (events and agenda items).
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The virtual time at which the run ends.
    pub fn end(&self) -> Time {
        self.runner.end
    }

    /// No later than the next step (a cancelled timer ahead in the queue can make it
    /// earlier than the step [`Live::step`] then takes); `None` when the run is over.
    pub fn next_time(&self) -> Option<Time> {
        if self.done {
            return None;
        }
        if let Some((steps, next)) = &self.script {
            let step = steps.get(*next)?;
            return Some(
                self.runner
                    .run
                    .due(step.choice)
                    .unwrap_or_else(|| self.runner.run.now()),
            );
        }
        let (t, item) = self.runner.agenda.peek()?;
        let event = self.runner.run.next_event_time();
        match (due(t, item), event) {
            (Some(d), Some(e)) if e <= d => Some(e),
            _ => Some(t),
        }
    }

    /// Takes one step: the next simulation event, or the next agenda item once every event
    /// before it has run.
    pub fn step(&mut self) -> Result<LiveStep, ScenarioError> {
        Ok(self.step_within(Time::MAX)?.unwrap_or(LiveStep::Ended))
    }

    /// Takes the next step if it happens at or before `limit`; `None` if it is later (nothing
    /// is taken then).
    pub fn step_within(&mut self, limit: Time) -> Result<Option<LiveStep>, ScenarioError> {
        if self.done {
            return Ok(Some(LiveStep::Ended));
        }
        if self.script.is_some() {
            return self.scripted_step(limit);
        }
        let Some((t, item)) = self.runner.agenda.peek() else {
            self.done = true;
            return Ok(Some(LiveStep::Ended));
        };
        if t > self.runner.end {
            self.done = true;
            return Ok(Some(LiveStep::Ended));
        }
        if let Some(before) = due(t, item) {
            match self.runner.run.step_until(before.min(limit)) {
                Ok(Some(Step::Event { time, .. })) => {
                    self.steps += 1;
                    return Ok(Some(LiveStep::Event(time)));
                }
                Ok(Some(Step::Violated(v))) => {
                    self.steps += 1;
                    self.runner.violation = Some(v.clone());
                    self.done = true;
                    return Ok(Some(LiveStep::Violated(v)));
                }
                Ok(Some(Step::Idle) | None) => {}
                Err(e) => return Err(self.runner.sim_err(e)),
            }
        }
        // No event is left before the item; the item itself happens at `t`.
        if t > limit {
            return Ok(None);
        }
        let Some((t, item)) = self.runner.agenda.pop() else {
            self.done = true;
            return Ok(Some(LiveStep::Ended));
        };
        let item_class = class(&item);
        let is_end = item == Item::End;
        self.steps += 1;
        if self.runner.act(t, item)? {
            self.done = true;
            return Ok(Some(match (&self.runner.violation, is_end) {
                (Some(v), false) => LiveStep::Violated(v.clone()),
                _ => LiveStep::Ended,
            }));
        }
        self.last_item = Some((t, item_class));
        Ok(Some(LiveStep::Acted(t)))
    }

    /// The next step of a replayed `[schedule]`, if it happens at or before `limit`.
    fn scripted_step(&mut self, limit: Time) -> Result<Option<LiveStep>, ScenarioError> {
        let Some((steps, next)) = &self.script else {
            return Ok(Some(LiveStep::Ended));
        };
        let (steps, i) = (steps.clone(), *next);
        let Some(step) = steps.get(i) else {
            self.done = true;
            return Ok(Some(LiveStep::Ended));
        };
        let now = self.runner.run.now();
        if self.runner.run.due(step.choice).unwrap_or(now) > limit {
            return Ok(None);
        }
        self.script = Some((steps.clone(), i + 1));
        self.steps += 1;
        match self.runner.take_step(i, step)? {
            Step::Violated(v) => {
                self.done = true;
                Ok(Some(LiveStep::Violated(v)))
            }
            Step::Event { time, .. } => Ok(Some(LiveStep::Event(time))),
            Step::Idle => Ok(Some(LiveStep::Event(self.runner.run.now()))),
        }
    }

    /// Takes every step that happens at or before `t`; stops early on a violation or at the
    /// end. Returns how many steps were taken.
    pub fn advance_to(&mut self, t: Time) -> Result<u64, ScenarioError> {
        let mut n = 0;
        while let Some(step) = self.step_within(t)? {
            n += 1;
            if matches!(step, LiveStep::Violated(_) | LiveStep::Ended) {
                break;
            }
        }
        Ok(n)
    }

    /// The earliest time at which `action` can be recorded now so that the file replays it at
    /// the same place: after every event and runner step already taken.
    pub fn earliest(&self, action: Action) -> Time {
        let run = self.runner.run.as_ref();
        if action == Action::Submit {
            // A command goes in after every event of its time, and after the runner's items.
            let after = self.last_item.map_or(Time::ZERO, |(t, _)| t);
            return run.now().max(after);
        }
        let after = match self.last_item {
            None => Time::ZERO,
            Some((t, 0)) => t,
            Some((t, _)) => t + Duration(1),
        };
        run.next_input_time().max(after)
    }

    /// Records `event` as a fault of the file at the earliest time it can take effect that is
    /// not before `at`, and schedules it; returns that time. The action happens when the run
    /// is next stepped up to that time. Refused when the run is over, or when the time is past
    /// the scenario's fault horizon (the file could not hold it).
    pub fn record(&mut self, mut event: FaultEvent, at: Time) -> Result<Time, ScenarioError> {
        let action = *event.action.get_ref();
        let file = self.runner.s.origin.file.clone();
        let refuse = |why: String| ScenarioError::one(Diagnostic::at(&file, None, None, why));
        if self.done {
            return Err(refuse(
                "the run is over: nothing more can be recorded".into(),
            ));
        }
        if self.script.is_some() {
            return Err(refuse(
                "this run replays a [schedule]: its steps, not recorded actions, decide what \
                 happens"
                    .into(),
            ));
        }
        let t = self.earliest(action).max(at);
        let horizon = self.runner.s.run.fault_horizon();
        let phased = self.runner.s.run.heal_at().is_some();
        if t > horizon || (phased && t == horizon) {
            return Err(refuse(format!(
                "{} at {} is past the scenario's fault horizon ({}), so a scenario file could not replay it",
                action.name(),
                DurationStr(Duration(t.0)),
                DurationStr(Duration(horizon.0)),
            )));
        }
        event.at = Spanned::new(0..0, DurationStr(Duration(t.0)));
        let planned = PlannedFault::from_event(&event).map_err(|problems| {
            let words: Vec<String> = problems.into_iter().map(|p| p.message).collect();
            refuse(words.join("; "))
        })?;
        Arc::make_mut(&mut self.runner.s).faults.push(event);
        let plan = Arc::make_mut(&mut self.runner.plan);
        plan.push(planned);
        let i = plan.faults().len() - 1;
        self.runner.agenda.push_fault(i, &plan[i], 0);
        Ok(t)
    }

    /// Runs to the end and judges the run exactly as `clustersim run` does.
    pub fn finish(mut self) -> Result<Finished, ScenarioError> {
        while !self.done {
            self.step()?;
        }
        self.runner.finish()
    }
}
