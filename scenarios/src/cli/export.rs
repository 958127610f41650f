//! `clustersim export`.

use crate::export::Format;
use crate::registry::Registry;
use crate::runner::{RunOptions, TraceOut, run_scenario, run_streaming};
use std::path::PathBuf;

/// Run a scenario and write its trace as JSON Lines, a Perfetto/Chrome trace or a ShiViz log,
/// its clients' history as EDN, or a web page that replays it.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  clustersim export scenarios/raft/leader-crash.toml --format jsonl -o trace.jsonl
  clustersim export scenarios/raft/leader-crash.toml --format perfetto -o trace.json
      # open trace.json at https://ui.perfetto.dev (one track per node, messages as arrows)
  clustersim export scenarios/raft/leader-crash.toml --format shiviz -o run.log
      # paste run.log into ShiViz; its first line is the parsing regular expression
  clustersim export scenarios/raft/leader-crash.toml --format html -o leader-crash.html
      # open leader-crash.html in any browser: it needs no network and nothing installed")]
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
    /// The largest web page to write, in MiB (`--format html`): a run that would make a larger
    /// one is refused before anything is written.
    #[arg(long, value_name = "MIB", default_value_t = crate::export::html::DEFAULT_MAX_MIB)]
    max_size: u64,
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
    if a.format == Format::Html {
        return page(registry, &a, &scenario, &out);
    }
    // A trace format streams into the output as the run goes; a history is written at the
    // end.
    if let Some(format) = (a.format != Format::Edn).then_some(a.format) {
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

/// `--format html`: the run gathered into a page, written whole or not at all.
fn page(
    registry: &Registry,
    a: &Args,
    scenario: &crate::Scenario,
    out: &crate::output::Output,
) -> u8 {
    if a.max_size == 0 {
        return super::fail("--max-size: expected a size of at least 1 MiB");
    }
    let max_bytes = a.max_size.saturating_mul(1024 * 1024);
    let (progress, bar) = super::run_progress(a.quiet);
    let data = crate::export::html::collect(registry, scenario, a.seed, max_bytes, Some(&progress));
    bar.finish_and_clear();
    let page = match data.map(|d| crate::export::html::render(&d)) {
        Ok(Ok(page)) => page,
        Ok(Err(e)) => return super::fail(format!("writing the page's data: {e}")),
        Err(e) => return super::fail(e),
    };
    match super::emit(out, &page) {
        Ok(()) => 0,
        Err(e) => super::fail(e),
    }
}
