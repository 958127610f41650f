//! The `clustersim` command line. Each subcommand is a file; every one returns an exit code:
//! 0 success, 1 the run or check found a problem (a failed check, a drifted fingerprint, a
//! non-linearizable history, an invalid file for `validate`), 2 a usage or file error.

/// `println!` that never panics: a closed pipe (`clustersim check | head`) ends the output
/// quietly instead.
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

/// `eprintln!` that never panics.
macro_rules! err {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($t)*);
    }};
}

mod check;
mod colour;
mod completions;
mod explore;
mod export;
mod failure;
mod lincheck;
mod list;
mod merge;
mod model;
mod new;
mod plot;
pub mod reference;
mod run;
mod sweep;
mod validate;

pub use run::summary;

use crate::output::Output;
use crate::registry::Registry;
use crate::scenario::{Scenario, parse_literal};
use crate::{ScenarioError, scenario::apply_sets};
use clap::{Parser, Subcommand};
use std::process::ExitCode;

const EXAMPLES: &str = "\
Examples:
  clustersim run scenarios/raft/leader-crash.toml
  clustersim run scenarios/raft/leader-crash.toml --seed 3 --trace out.jsonl
  clustersim sweep scenarios/raft/leader-crash.toml --seeds 1..100 \\
      --set raft.election_timeout=150ms..300ms,300ms..600ms --out results.csv
  clustersim plot results.csv --x raft.election_timeout --y leader_election_ms_max
  clustersim check scenarios/
  clustersim explore scenarios/raft/explore.toml --seeds 1000
  clustersim model scenarios/paxos/model.toml
  clustersim export scenarios/raft/leader-crash.toml --format perfetto -o trace.json
  clustersim lincheck history.edn --model kv
  clustersim new raft > mine.toml && clustersim validate mine.toml

Output files (--out, -o, --trace) are checked before any work starts. A regular file
appears whole or not at all (written beside it, then renamed; Ctrl-C or SIGTERM removes
the unfinished file and exits 130). `-` is standard output; a FIFO or a character device
is written through, and a symbolic link's target is written, so neither is replaced.

Exit codes: 0 success; 1 a check, expectation or replay failed; 2 usage or file error.";

/// A deterministic cluster simulator: run, sweep, check, export and plot scenarios.
#[derive(Debug, Parser)]
#[command(name = "clustersim", version, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Colour PASS and FAIL: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, global = true, value_enum, default_value = "auto")]
    color: colour::When,
}

#[derive(Debug, Subcommand)]
enum Command {
    Run(run::Args),
    Sweep(sweep::Args),
    Merge(merge::Args),
    Check(check::Args),
    Explore(explore::Args),
    Model(model::Args),
    Export(export::Args),
    Plot(plot::Args),
    Lincheck(lincheck::Args),
    Validate(validate::Args),
    New(new::Args),
    List(list::Args),
    Completions(completions::CompletionArgs),
    Man(completions::ManArgs),
}

impl Command {
    /// Whether the command was asked for JSON, so that its errors come as JSON too.
    fn json(&self) -> bool {
        match self {
            Command::Run(a) => a.json,
            Command::Sweep(a) => a.json,
            Command::Check(a) => a.json,
            Command::Explore(a) => a.json,
            Command::Model(a) => a.json,
            Command::Lincheck(a) => a.json,
            Command::Validate(a) => a.json,
            Command::List(a) => a.json,
            _ => false,
        }
    }
}

/// Parses the command line and runs the subcommand with the protocols of `registry`.
pub fn main(registry: Registry) -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    colour::set(cli.color);
    failure::set_json(cli.command.json());
    let code = match cli.command {
        Command::Run(a) => run::run(&registry, a),
        Command::Sweep(a) => sweep::run(&registry, a),
        Command::Merge(a) => merge::run(&registry, a),
        Command::Check(a) => check::run(&registry, a),
        Command::Explore(a) => explore::run(&registry, a),
        Command::Model(a) => model::run(&registry, a),
        Command::Export(a) => export::run(&registry, a),
        Command::Plot(a) => plot::run(a),
        Command::Lincheck(a) => lincheck::run(a),
        Command::Validate(a) => validate::run(&registry, a),
        Command::New(a) => new::run(&registry, a),
        Command::List(a) => list::run(a),
        Command::Completions(a) => completions::completions(a),
        Command::Man(a) => completions::man(a),
    };
    ExitCode::from(code)
}

pub(crate) use failure::fail;

/// A progress display for one long run, on standard error when it is a terminal: virtual
/// time, events and events per second. Finish it with `finish_and_clear`.
pub(crate) fn run_progress(quiet: bool) -> (crate::runner::Progress, indicatif::ProgressBar) {
    let bar = if quiet {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::no_length()
    };
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} {msg} of virtual time, {human_pos} events, {rate} events/s, {elapsed} elapsed",
    ) {
        let style = style.with_key(
            "rate",
            |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{}", crate::text::number(s.per_sec().round()));
            },
        );
        bar.set_style(style);
    }
    let shown = bar.clone();
    let hook = crate::runner::Progress(std::sync::Arc::new(move |now, events| {
        shown.set_message(format!("{:.3}s", now.0 as f64 / 1e9));
        shown.set_position(events);
    }));
    (hook, bar)
}

/// Reads a scenario file and applies `--set KEY=VALUE` overrides.
pub(crate) fn load(path: &std::path::Path, sets: &[String]) -> Result<Scenario, ScenarioError> {
    if sets.is_empty() {
        return Scenario::load(path);
    }
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ScenarioError::io(&file, e))?;
    let mut pairs = Vec::new();
    for s in sets {
        let (k, v) = s
            .split_once('=')
            .ok_or_else(|| ScenarioError::Usage(format!("--set {s}: expected KEY=VALUE")))?;
        pairs.push((k.trim().to_string(), parse_literal(v.trim())));
    }
    apply_sets(&file, &text, &pairs)
}

/// `--time` (`30s`, `5m`) as a wall-clock budget.
pub(crate) fn time_budget(text: Option<&str>) -> Result<Option<std::time::Duration>, String> {
    match text.map(str::parse::<crate::DurationStr>) {
        Some(Ok(d)) => Ok(Some(std::time::Duration::from_nanos(d.nanos()))),
        Some(Err(e)) => Err(format!("--time: {e}")),
        None => Ok(None),
    }
}

/// Where a command writes by default: the input file's stem with `suffix`, in the working
/// directory (`explore.toml` -> `explore-found`).
pub(crate) fn beside_stem(file: &std::path::Path, suffix: &str) -> std::path::PathBuf {
    let stem = file
        .file_stem()
        .map_or("scenario".into(), |s| s.to_string_lossy());
    std::path::PathBuf::from(format!("{stem}{suffix}"))
}

/// Resolves an output path given on the command line (absent: standard output), before any
/// work starts, so that a path that cannot be written is reported at once.
pub(crate) fn output(path: Option<&std::path::Path>) -> Result<Output, String> {
    match path {
        Some(p) => Output::resolve(p),
        None => Ok(Output::Stdout),
    }
}

/// Writes `text` to a resolved output.
pub(crate) fn emit(out: &Output, text: &str) -> Result<(), String> {
    out.write(text.as_bytes())
        .map_err(|e| format!("{}: {e}", out.shown()))
}

/// The command that reproduces a run.
pub(crate) fn reproduce(file: &std::path::Path, seed: u64, sets: &[String]) -> String {
    let mut cmd = format!("clustersim run {} --seed {seed}", file.display());
    for s in sets {
        cmd.push_str(&format!(" --set '{s}'"));
    }
    cmd
}
