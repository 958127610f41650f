//! `clustersim run`.

use crate::registry::Registry;
use crate::runner::{RunOptions, RunReport, TraceOut, run_scenario};
use std::fmt::Write as _;
use std::path::PathBuf;

/// Run a scenario once and print what happened, the metrics, the checks and the fingerprint.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  clustersim run scenarios/raft/leader-crash.toml
  clustersim run scenarios/raft/leader-crash.toml --seed 42 --json
  clustersim run scenarios/raft/leader-crash.toml --trace trace.jsonl
  clustersim run mine.toml --set raft.heartbeat=20ms --set cluster.nodes=7

Exits 1 when a check or expectation fails, printing the command that reproduces the run.")]
pub struct Args {
    /// The scenario file.
    file: PathBuf,
    /// Seed (default: the file's `seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// Write the trace as JSON Lines to this file (written whole or not at all; `-` is
    /// standard output, and the report then goes to standard error).
    #[arg(long, value_name = "OUT.jsonl")]
    trace: Option<PathBuf>,
    /// Write the clients' history as Jepsen EDN to this file (Raft and Paxos; `-` is
    /// standard output), for Knossos, Elle, Porcupine or `clustersim lincheck --model kv`.
    #[arg(long, value_name = "OUT.edn")]
    history: Option<PathBuf>,
    /// Print the report as JSON instead of text.
    #[arg(long)]
    pub(crate) json: bool,
    /// Override a value of the file: KEY=VALUE (`raft.heartbeat=20ms`, `network.loss=0.1`).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    sets: Vec<String>,
    /// No progress display (it is shown only on a terminal anyway).
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(registry: &Registry, a: Args) -> u8 {
    let history = match a
        .history
        .as_deref()
        .map(crate::output::Output::resolve)
        .transpose()
    {
        Ok(h) => h,
        Err(e) => return super::fail(e),
    };
    let scenario = match super::load(&a.file, &a.sets) {
        Ok(s) => s,
        Err(e) => return super::fail(e),
    };
    let (progress, bar) = super::run_progress(a.quiet);
    let opts = RunOptions {
        seed: a.seed,
        trace: a.trace.clone().map_or(TraceOut::None, TraceOut::Jsonl),
        checkpoint_every: None,
        progress: Some(progress),
    };
    let f = run_scenario(registry, &scenario, &opts);
    bar.finish_and_clear();
    let f = match f {
        Ok(f) => f,
        Err(e) => return super::fail(e),
    };
    if let Some(out) = &history {
        let written = match f.run.history_edn() {
            Some(Ok(text)) => super::emit(out, &text),
            Some(Err(e)) => Err(format!("the clients' history: {e}")),
            None => Err(format!(
                "protocol \"{}\" records no client history to write",
                f.run.protocol()
            )),
        };
        if let Err(e) = written {
            return super::fail(e);
        }
    }
    let r = &f.report;
    let repro = super::reproduce(&a.file, r.seed, &a.sets);
    // With the trace on standard output, the report goes to standard error.
    let traced_to_stdout = a.trace.as_ref().is_some_and(|t| t.as_os_str() == "-");
    let mut report = if a.json {
        let mut v = serde_json::to_value(r).unwrap_or_default();
        v["passed"] = r.passed().into();
        v["reproduce"] = repro.clone().into();
        serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
    } else {
        summary(r, &a.file.display().to_string())
    };
    if let Some(t) = &a.trace
        && !a.json
        && !traced_to_stdout
    {
        report.push_str(&format!("trace       {}\n", t.display()));
    }
    {
        use std::io::Write as _;
        if traced_to_stdout {
            let _ = write!(std::io::stderr(), "{report}");
        } else {
            let _ = write!(std::io::stdout(), "{}", super::colour::paint(&report));
        }
    }
    if r.passed() {
        0
    } else {
        err!("reproduce: {repro}");
        1
    }
}

/// The readable summary of a run.
pub fn summary(r: &RunReport, file: &str) -> String {
    let mut o = String::new();
    let s = &r.stats;
    let _ = writeln!(o, "scenario    {} ({file})", r.scenario);
    let clients = r.nodes - r.servers;
    let _ = writeln!(
        o,
        "protocol    {}, {}{}, seed {}",
        r.protocol,
        crate::text::count(r.servers, "server"),
        if clients > 0 {
            format!(" + {}", crate::text::count(clients, "client"))
        } else {
            String::new()
        },
        r.seed
    );
    let _ = writeln!(
        o,
        "ran         {} of virtual time, {} events",
        crate::DurationStr(sim_core::Duration(r.end.0)),
        s.events
    );
    let _ = writeln!(
        o,
        "messages    {} sent, {} delivered, {} dropped (loss {}, partition {}, node down {}), {} duplicated",
        s.sent,
        s.delivered,
        s.dropped_loss + s.dropped_partition + s.dropped_node_down,
        s.dropped_loss,
        s.dropped_partition,
        s.dropped_node_down,
        s.duplicated
    );
    let _ = writeln!(
        o,
        "faults      {} listed below, {} applied to the engine",
        r.faults.len(),
        s.faults
    );
    for n in &r.faults {
        let _ = writeln!(
            o,
            "  {:>10}  {}",
            crate::DurationStr(sim_core::Duration(n.at.0)).to_string(),
            n.text
        );
    }
    let _ = writeln!(o, "metrics");
    let width = r.metrics.keys().map(String::len).max().unwrap_or(0);
    for (k, v) in &r.metrics {
        let _ = writeln!(o, "  {k:width$}  {}", crate::text::number(*v));
    }
    let _ = writeln!(o, "checks");
    for c in &r.checks {
        let mark = if c.passed { "PASS" } else { "FAIL" };
        let mut lines = c.detail.lines();
        let _ = writeln!(o, "  {mark}  {}: {}", c.name, lines.next().unwrap_or(""));
        for l in lines {
            let _ = writeln!(o, "        {l}");
        }
    }
    let _ = writeln!(o, "fingerprint {}", r.fingerprint);
    o
}
