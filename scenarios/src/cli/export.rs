//! `clustersim export`.

use crate::export::{Format, render};
use crate::registry::Registry;
use crate::runner::{RunOptions, TraceOut, run_scenario};
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
    let edn = a.format == crate::export::Format::Edn;
    let opts = RunOptions {
        seed: a.seed,
        trace: if edn {
            TraceOut::None
        } else {
            TraceOut::Memory
        },
        checkpoint_every: None,
    };
    let f = match run_scenario(registry, &scenario, &opts) {
        Ok(f) => f,
        Err(e) => return super::fail(e),
    };
    let text = if edn {
        match f.run.history_edn() {
            Some(Ok(t)) => t,
            Some(Err(e)) => return super::fail(format!("the clients' history: {e}")),
            None => {
                return super::fail(format!(
                    "protocol \"{}\" records no client history to write as EDN",
                    f.run.protocol()
                ));
            }
        }
    } else {
        render(a.format, f.run.trace().records(), f.run.node_count())
    };
    match super::emit(&out, &text) {
        Ok(()) => 0,
        Err(e) => super::fail(e),
    }
}
