//! Running a scenario: build the protocol's run, play the fault schedule and the nemeses at
//! their times (selectors resolved at the moment each fault fires), heal between the safety
//! and liveness phases, watch for leaders and convergence, and judge the checks and
//! expectations.
//!
//! Everything random the runner decides (which node `random` picks, where a nemesis cuts)
//! is drawn from the simulation's faults stream, so one scenario and seed always give one
//! run and one fingerprint.

mod agenda;
mod asserts;
mod engine;
mod leaders;
mod live;
mod nemesis;
mod prepare;
mod replay;
mod report;
mod resolve;
pub(crate) mod resources;
mod watch;

pub use live::{Live, LiveStep};
pub use prepare::{build, check_names};
pub use report::{FaultNote, RunReport};

use crate::error::ScenarioError;
use crate::registry::{Registry, Run};
use crate::scenario::Scenario;
use std::path::PathBuf;
use std::sync::Arc;

/// Where the trace of a run goes.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum TraceOut {
    /// Nowhere (the fingerprint is still computed).
    #[default]
    None,
    /// Kept in memory (`Run::trace().records()`), for exports and drift reports.
    Memory,
    /// Written as JSON Lines to this file (atomically for a regular file; `-` is standard
    /// output, and a FIFO or a device is written through).
    Jsonl(PathBuf),
}

/// Told the virtual time and the events so far, every 65,536 events of a run: what a progress
/// display shows.
#[derive(Clone)]
pub struct Progress(pub Arc<dyn Fn(sim_core::Time, u64) + Send + Sync>);

impl std::fmt::Debug for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Progress")
    }
}

/// How to run a scenario.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// The seed (the scenario's own seed when `None`).
    pub seed: Option<u64>,
    /// Where the trace goes.
    pub trace: TraceOut,
    /// Record `(trace events, fingerprint)` every this many trace events, for locating drift.
    pub checkpoint_every: Option<u64>,
    /// Told how far the run has got, now and then.
    pub progress: Option<Progress>,
}

/// A finished run: the report and the run itself (for its trace, views and metrics).
pub struct Finished {
    /// What happened and what was judged.
    pub report: RunReport,
    /// The run, stopped at its end.
    pub run: Box<dyn Run>,
}

/// Runs `scenario` with the protocol `registry` names for it.
pub fn run_scenario(
    registry: &Registry,
    scenario: &Scenario,
    opts: &RunOptions,
) -> Result<Finished, ScenarioError> {
    let protocol = registry.resolve(scenario)?;
    let seed = opts.seed.unwrap_or(scenario.seed);
    let mut run = prepare::build(protocol, scenario, seed)?;
    match &opts.trace {
        TraceOut::None => {}
        TraceOut::Memory => run.set_trace_sink(sim_core::TraceSink::Memory(Vec::new())),
        TraceOut::Jsonl(path) => {
            // A regular file appears whole at the end; a FIFO, a device or `-` is written
            // through (see `crate::output`).
            let out = crate::output::Output::resolve(path)
                .map_err(|e| ScenarioError::io(path.display(), e))?;
            let stream = out
                .stream()
                .map_err(|e| ScenarioError::io(path.display(), e))?;
            let sink = sim_core::trace::JsonlSink::new(Box::new(stream));
            run.set_trace_sink(sim_core::TraceSink::Jsonl(sink));
        }
    }
    let mut runner = engine::Runner::new(
        Arc::new(scenario.clone()),
        run,
        protocol,
        opts.checkpoint_every,
    )?;
    runner.progress = opts.progress.clone();
    let finished = runner.run()?;
    finish_file_trace(finished, &opts.trace)
}

/// Runs `scenario` with its trace written, record by record, to the writer `sink` makes for a
/// run of that many nodes: what a streaming export does.
pub fn run_streaming(
    registry: &Registry,
    scenario: &Scenario,
    seed: Option<u64>,
    progress: Option<Progress>,
    sink: impl FnOnce(u32) -> Result<Box<dyn sim_core::trace::TraceWriter>, ScenarioError>,
) -> Result<Finished, ScenarioError> {
    let protocol = registry.resolve(scenario)?;
    let mut run = prepare::build(protocol, scenario, seed.unwrap_or(scenario.seed))?;
    let writer = sink(run.node_count())?;
    run.set_trace_sink(sim_core::TraceSink::Jsonl(sim_core::trace::JsonlSink::new(
        writer,
    )));
    let mut runner = engine::Runner::new(Arc::new(scenario.clone()), run, protocol, None)?;
    runner.progress = progress;
    let mut f = runner.run()?;
    f.run
        .finish_trace()
        .map_err(|e| ScenarioError::sim("writing the export", e))?;
    Ok(f)
}

/// Closes a JSONL trace (renaming it into place); a memory trace stays readable.
fn finish_file_trace(mut f: Finished, trace: &TraceOut) -> Result<Finished, ScenarioError> {
    if let TraceOut::Jsonl(path) = trace {
        f.run
            .finish_trace()
            .map_err(|e| ScenarioError::sim(format!("writing the trace {}", path.display()), e))?;
    }
    Ok(f)
}
