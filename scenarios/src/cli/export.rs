//! `clustersim export`.

use crate::export::Format;
use crate::registry::Registry;
use crate::runner::{RunOptions, TraceOut, run_scenario, run_streaming};
use std::path::PathBuf;

/// Run a scenario and write its trace as JSON Lines, a Perfetto/Chrome trace or a ShiViz log.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  clustersim export scenarios/raft/leader-crash.toml --format jsonl -o trace.jsonl
  clustersim export scenarios/raft/leader-crash.toml --format perfetto -o trace.json
      # open trace.json at https://ui.perfetto.dev (one track per node, messages as arrows)
  clustersim export scenarios/raft/leader-crash.toml --format shiviz -o run.log
      # paste run.log into ShiViz; its first line is the parsing regular expression")]
pub struct Args {
    /// The scenario file.
    file: PathBuf,
    /// Seed (default: the file's `seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// Output format.
    #[arg(long, value_enum, default_value = "jsonl")]
    format: Format,
    /// Output file (default, or `-`: standard output).
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// Override a value of the file: KEY=VALUE.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    sets: Vec<String>,
    /// No progress display (it is shown only on a terminal anyway).
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(registry: &Registry, a: Args) -> u8 {
    let out = match super::output(a.out.as_deref()) {
        Ok(o) => o,
        Err(e) => return super::fail(e),
    };
    let scenario = match super::load(&a.file, &a.sets) {
        Ok(s) => s,
        Err(e) => return super::fail(e),
    };
    // A trace format streams into the output as the run goes; a history is written at the
    // end.
    if let Some(format) = (a.format != crate::export::Format::Edn).then_some(a.format) {
        let (progress, bar) = super::run_progress(a.quiet);
        let made = run_streaming(registry, &scenario, a.seed, Some(progress), |nodes| {
            let renderer = crate::export::renderer(format, nodes)
                .ok_or_else(|| crate::ScenarioError::Usage("not a trace format".into()))?;
            let stream = out
                .stream()
                .map_err(|e| crate::ScenarioError::io(out.shown(), e))?;
            let writer = crate::export::RenderingWriter::new(renderer, stream)
                .map_err(|e| crate::ScenarioError::io(out.shown(), e))?;
            Ok(Box::new(writer))
        });
        bar.finish_and_clear();
        return match made {
            Ok(_) => 0,
            Err(e) => super::fail(e),
        };
    }
    let (progress, bar) = super::run_progress(a.quiet);
    let opts = RunOptions {
        seed: a.seed,
        trace: TraceOut::None,
        checkpoint_every: None,
        progress: Some(progress),
    };
    let f = run_scenario(registry, &scenario, &opts);
    bar.finish_and_clear();
    let f = match f {
        Ok(f) => f,
        Err(e) => return super::fail(e),
    };
    let text = match f.run.history_edn() {
        Some(Ok(t)) => t,
        Some(Err(e)) => return super::fail(format!("the clients' history: {e}")),
        None => {
            return super::fail(format!(
                "protocol \"{}\" records no client history to write as EDN",
                f.run.protocol()
            ));
        }
    };
    match super::emit(&out, &text) {
        Ok(()) => 0,
        Err(e) => super::fail(e),
    }
}
