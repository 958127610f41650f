//! The session: one scenario run that can be played, stepped, rewound and changed by hand.
//!
//! It holds the live run ([`Live`], the same runner as `clustersim run`), checkpoints for
//! seeking back, the history read from the trace, samples for the charts, and the actions the
//! user recorded. Nothing here knows a protocol: it sees the run through the registry's
//! [`scenarios::Run`] handle only.

use crate::actions::UserAction;
use crate::checkpoints::{Checkpoints, DEFAULT_EVERY};
use crate::history::History;
use scenarios::registry::{CheckResult, Registry};
use scenarios::runner::{Live, LiveStep, RunOptions, run_scenario};
use scenarios::scenario::{FaultEvent, append_faults};
use scenarios::{Run, Scenario};
use sim_core::{Duration, Time, TraceSink, Violation};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One point of the charts.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// When.
    pub at: Time,
    /// Messages sent so far.
    pub sent: u64,
    /// Progress of each server: the view's commit-like field, or messages delivered to it.
    pub progress: Vec<f64>,
}

/// Why stepping stopped before its target.
#[derive(Clone, Debug, PartialEq)]
pub enum Halt {
    /// An invariant broke at this event.
    Violation(Violation),
    /// The run reached its end.
    End,
    /// The step budget ran out first (the rest follows on the next call).
    Budget,
}

/// What saving the session as a scenario found.
#[derive(Clone, Debug, PartialEq)]
pub struct Saved {
    /// The file written.
    pub path: PathBuf,
    /// The session's fingerprint at the end of the run.
    pub session: String,
    /// The fingerprint of `clustersim run` on the written file.
    pub replay: String,
}

/// A live, rewindable run.
pub struct Session {
    registry: Arc<Registry>,
    /// The file it was opened from.
    pub file: Option<PathBuf>,
    /// The scenario as loaded (without recorded actions).
    pub scenario: Scenario,
    /// The seed.
    pub seed: u64,
    live: Live,
    checkpoints: Checkpoints,
    /// What has been seen of the trace.
    pub history: History,
    /// Actions recorded by hand, in time order.
    actions: Vec<FaultEvent>,
    /// Samples for the charts, in time order.
    pub samples: Vec<Sample>,
    /// What the servers' progress counters count (`"commit index"`), if the protocol has one
    /// ([`sim_core::NodeView::progress`]); without one the chart counts deliveries.
    pub progress_label: Option<&'static str>,
    sample_every: Duration,
    /// The virtual time shown: every step due at or before it has been taken.
    pub cursor: Time,
}

/// Samples over a whole run.
const SAMPLES_PER_RUN: u64 = 600;

impl Session {
    /// Opens `path` as `clustersim run` would, with the protocols of `registry`, and builds its
    /// run with `seed` (the file's when `None`).
    pub fn open(
        registry: Arc<Registry>,
        path: &Path,
        seed: Option<u64>,
    ) -> Result<Session, String> {
        let scenario = Scenario::load(path).map_err(|e| e.to_string())?;
        let mut s = Session::new(registry, scenario, seed)?;
        s.file = Some(path.to_path_buf());
        Ok(s)
    }

    /// A session of a scenario built in memory, with the protocols of `registry`.
    pub fn new(
        registry: Arc<Registry>,
        scenario: Scenario,
        seed: Option<u64>,
    ) -> Result<Session, String> {
        let seed = seed.unwrap_or(scenario.seed);
        let mut live = Live::new(&registry, &scenario, Some(seed)).map_err(|e| e.to_string())?;
        live.set_trace_sink(TraceSink::Memory(Vec::new()));
        let progress_label = progress_label(live.run());
        let sample_every = Duration((live.end().0 / SAMPLES_PER_RUN).max(1_000_000));
        let checkpoints = Checkpoints::new(&live, DEFAULT_EVERY);
        let mut s = Session {
            registry,
            file: None,
            scenario,
            seed,
            live,
            checkpoints,
            history: History::default(),
            actions: Vec::new(),
            samples: Vec::new(),
            progress_label,
            sample_every,
            cursor: Time::ZERO,
        };
        s.sample();
        Ok(s)
    }

    /// The run, to look at.
    pub fn run(&self) -> &dyn Run {
        self.live.run()
    }

    /// The live run (its notes, violation, recorded actions).
    pub fn live(&self) -> &Live {
        &self.live
    }

    /// The actions recorded by hand.
    pub fn actions(&self) -> &[FaultEvent] {
        &self.actions
    }

    /// Checkpoints kept.
    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }

    /// The end of the run.
    pub fn end(&self) -> Time {
        self.live.end()
    }

    /// The run's fingerprint so far.
    pub fn fingerprint(&self) -> u64 {
        self.live.run().fingerprint()
    }

    /// Takes one step and reads what it wrote to the trace.
    pub fn step(&mut self) -> Result<LiveStep, String> {
        let step = self.live.step().map_err(|e| e.to_string())?;
        self.after_step();
        if let LiveStep::Event(t) | LiveStep::Acted(t) = step {
            self.cursor = self.cursor.max(t);
        }
        if let LiveStep::Violated(v) = &step {
            self.cursor = self.cursor.max(v.time);
        }
        Ok(step)
    }

    fn after_step(&mut self) {
        let run = self.live.run();
        let records = run.trace().records();
        if !records.is_empty() {
            self.history.extend(records);
            self.live.set_trace_sink(TraceSink::Memory(Vec::new()));
        }
        self.sample();
        self.checkpoints.offer(&self.live);
    }

    fn sample(&mut self) {
        let now = self.live.run().now();
        let due = self
            .samples
            .last()
            .map_or(Time::ZERO, |s| s.at + self.sample_every);
        if now < due && !self.samples.is_empty() {
            return;
        }
        let run = self.live.run();
        let servers = run.server_count() as usize;
        let progress = match self.progress_label {
            Some(_) => run
                .views()
                .iter()
                .take(servers)
                .map(|v| {
                    v.as_ref()
                        .and_then(|v| v.progress)
                        .map_or(f64::NAN, |p| p.value as f64)
                })
                .collect(),
            None => {
                let mut counts = vec![0.0; servers];
                for d in &self.history.delivered {
                    if let Some(c) = counts.get_mut(d.to.index()) {
                        *c += 1.0;
                    }
                }
                counts
            }
        };
        // After a seek back the samples ahead are already known.
        if self.samples.last().is_some_and(|s| s.at >= now) && !self.samples.is_empty() {
            return;
        }
        self.samples.push(Sample {
            at: now,
            sent: run.stats().sent,
            progress,
        });
    }

    /// Takes every step due at or before `t`, at most `budget` of them; the cursor moves to
    /// `t` unless it stopped early.
    pub fn advance_to(&mut self, t: Time, budget: u64) -> Result<Option<Halt>, String> {
        let t = t.min(self.end());
        let mut n = 0;
        loop {
            if n >= budget {
                return Ok(Some(Halt::Budget));
            }
            let Some(step) = self.live.step_within(t).map_err(|e| e.to_string())? else {
                break;
            };
            n += 1;
            self.after_step();
            match step {
                LiveStep::Violated(v) => {
                    self.cursor = self.cursor.max(v.time);
                    return Ok(Some(Halt::Violation(v)));
                }
                LiveStep::Ended => {
                    self.cursor = self.cursor.max(self.last_step_time());
                    return Ok(Some(Halt::End));
                }
                LiveStep::Event(at) | LiveStep::Acted(at) => self.cursor = self.cursor.max(at),
            }
        }
        self.cursor = self.cursor.max(t);
        if self.live.is_done() || t >= self.end() {
            if let Some(v) = self.live.violation() {
                return Ok(Some(Halt::Violation(v.clone())));
            }
            return Ok(Some(Halt::End));
        }
        Ok(None)
    }

    /// Goes back (or forward) to time `t`: from the nearest checkpoint, re-simulating.
    pub fn seek(&mut self, t: Time) -> Result<Option<Halt>, String> {
        let t = t.min(self.end());
        if t < self.cursor || t < self.live.run().now() {
            let cp = self.checkpoints.before_time(t).clone();
            self.restore(cp.live, cp.actions)?;
            self.cursor = Time::ZERO;
        }
        self.advance_to(t, u64::MAX)
    }

    /// Goes to the state after exactly `steps` steps (one step back is `steps() - 1`).
    pub fn seek_step(&mut self, steps: u64) -> Result<(), String> {
        if steps < self.live.steps() {
            let cp = self.checkpoints.before_step(steps).clone();
            self.restore(cp.live, cp.actions)?;
            self.cursor = Time::ZERO;
        }
        while self.live.steps() < steps && !self.live.is_done() {
            self.step()?;
        }
        self.cursor = self.last_step_time();
        Ok(())
    }

    /// Time of the last step taken (the run's clock).
    pub fn last_step_time(&self) -> Time {
        self.live.run().now()
    }

    /// Steps until a step writes a trace record with label `wanted` (see
    /// [`crate::history::record_label`]; [`crate::history::ANY_LABEL`] takes any), at most
    /// `budget` steps. Returns the label found.
    pub fn step_until_label(
        &mut self,
        wanted: &str,
        budget: u64,
    ) -> Result<Option<String>, String> {
        for _ in 0..budget {
            if self.live.is_done() {
                return Ok(None);
            }
            let step = self.live.step().map_err(|e| e.to_string())?;
            let found = self
                .live
                .run()
                .trace()
                .records()
                .iter()
                .map(crate::history::record_label)
                .find(|l| wanted == crate::history::ANY_LABEL || l == wanted);
            self.after_step();
            self.cursor = self.cursor.max(self.last_step_time());
            if let LiveStep::Violated(_) = step {
                return Ok(Some("violation".into()));
            }
            if found.is_some() {
                return Ok(found);
            }
        }
        Ok(None)
    }

    fn restore(&mut self, live: Live, included: usize) -> Result<(), String> {
        self.live = live;
        for a in &self.actions[included..] {
            let at = Time(a.at.get_ref().nanos());
            let t = self.live.record(a.clone(), at).map_err(|e| e.to_string())?;
            if t != at {
                return Err(format!(
                    "a recorded action moved from {at} to {t} when replayed (a bug in the session)"
                ));
            }
        }
        Ok(())
    }

    /// Applies `action` at the cursor (or just after the last step, if later) and records it.
    /// Recorded actions that were still ahead of it are dropped: the future is rewritten.
    /// Returns the time it took effect.
    pub fn act(&mut self, action: &UserAction) -> Result<Time, String> {
        if let UserAction::Submit(command) = action {
            self.try_command(command.trim())?;
        }
        let events = action.to_faults(self.live.run())?;
        let mut at = self.cursor;
        for e in &events {
            at = at.max(self.live.earliest(*e.action.get_ref()));
        }
        let keep = self
            .actions
            .partition_point(|a| a.at.get_ref().nanos() <= at.0);
        if keep < self.actions.len() {
            let steps = self.live.steps();
            self.actions.truncate(keep);
            self.checkpoints.cut(steps, keep);
            let cp = self.checkpoints.before_step(steps).clone();
            self.restore(cp.live, cp.actions)?;
            while self.live.steps() < steps && !self.live.is_done() {
                self.live.step().map_err(|e| e.to_string())?;
                self.live.set_trace_sink(TraceSink::Memory(Vec::new()));
            }
        }
        let mut last = at;
        for e in events {
            last = self.live.record(e.clone(), at).map_err(|e| e.to_string())?;
            self.actions.push(e_with_time(e, last));
        }
        self.checkpoints.cut(self.live.steps(), self.actions.len());
        self.history.cut(self.live.run().trace().len());
        let now = self.live.run().now();
        self.samples.retain(|s| s.at <= now);
        self.advance_to(last, u64::MAX)?;
        Ok(last)
    }

    /// Tries a typed command on a copy of the run as it is now: one the protocol refuses is
    /// neither applied nor recorded, so a saved session never holds a command that the app
    /// and `clustersim run` would then reject.
    fn try_command(&self, command: &str) -> Result<(), String> {
        let mut trial = self.live.run().box_clone();
        trial.submit(command).map(|_| ()).map_err(|why| {
            format!(
                "protocol \"{}\" refuses \"{command}\": {why}",
                self.live.run().protocol()
            )
        })
    }

    /// True if the file is a found or known failure (`expect_failure`): the front end then
    /// opens it at the failure.
    pub fn expects_failure(&self) -> bool {
        self.scenario.checks.expect_failure.is_some()
    }

    /// Plays to the failure the run shows and stops there: at the violating event for an
    /// invariant, at the end for a check judged there. Returns the failed check's name and
    /// explanation (for a file with `expect_failure`, the expected one), or `None` if the run
    /// breaks nothing.
    pub fn seek_failure(&mut self) -> Result<Option<(String, String)>, String> {
        if let Some(Halt::Violation(v)) = self.seek(self.end())? {
            return Ok(Some(violation_text(&v)));
        }
        let finished = self.live.clone().finish().map_err(|e| e.to_string())?;
        let expected = self
            .scenario
            .checks
            .expect_failure
            .as_ref()
            .map(|e| e.get_ref().clone());
        let failed = finished
            .report
            .checks
            .into_iter()
            .find(|c| match &expected {
                Some(prefix) => c.name.starts_with(prefix.as_str()),
                None => !c.passed,
            });
        Ok(failed.map(|c| (c.name, c.detail)))
    }

    /// The end-of-run checks on the run so far (linearizability of the history so far and the
    /// like), with the invariant violation first if there is one.
    pub fn verdicts(&self) -> Vec<CheckResult> {
        let mut out = Vec::new();
        if let Some(v) = self.live.violation() {
            out.push(CheckResult::fail(
                format!("invariant {}", v.checker),
                format!(
                    "violated at {} (event {}): {}",
                    v.time, v.event, v.description
                ),
            ));
        }
        out.extend(self.live.run().box_clone().finish());
        out
    }

    /// The scenario file's text with the recorded actions in its fault schedule.
    pub fn scenario_text(&self) -> Result<String, String> {
        append_faults(&self.scenario, &self.actions, self.seed)
    }

    /// Writes the session as a scenario file, then checks that `clustersim run` of it gives the
    /// fingerprint the session gives at the end of the run.
    pub fn save(&self, path: &Path) -> Result<Saved, String> {
        let text = self.scenario_text()?;
        scenarios::atomic::write_atomic(path, text.as_bytes())
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let session = self
            .live
            .clone()
            .finish()
            .map_err(|e| e.to_string())?
            .report
            .fingerprint
            .to_string();
        let written = Scenario::load(path).map_err(|e| e.to_string())?;
        let replay = run_scenario(
            &self.registry,
            &written,
            &RunOptions {
                seed: Some(self.seed),
                ..RunOptions::default()
            },
        )
        .map_err(|e| e.to_string())?
        .report
        .fingerprint
        .to_string();
        Ok(Saved {
            path: path.to_path_buf(),
            session,
            replay,
        })
    }
}

fn e_with_time(mut e: FaultEvent, t: Time) -> FaultEvent {
    e.at = toml::Spanned::new(0..0, scenarios::DurationStr(Duration(t.0)));
    e
}

/// What the first server view with a progress counter says it counts.
fn progress_label(run: &dyn Run) -> Option<&'static str> {
    let mut probe = run.box_clone();
    // Views exist once the nodes have started (the first events, at time zero).
    for _ in 0..u64::from(probe.node_count()) + 1 {
        if probe.step().is_err() {
            break;
        }
    }
    let views = probe.views();
    views
        .iter()
        .take(probe.server_count() as usize)
        .flatten()
        .find_map(|v| v.progress.map(|p| p.what))
}

/// A violation as the panels show it: the checker's name, and when, where and why.
pub fn violation_text(v: &Violation) -> (String, String) {
    (
        format!("invariant {}", v.checker),
        format!(
            "violated at {} (event {}, seed {}):\n{}",
            v.time, v.event, v.seed, v.description
        ),
    )
}
