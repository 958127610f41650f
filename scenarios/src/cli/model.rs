//! `clustersim model`.

use crate::model::{self, Budget, Report, Verdict};
use crate::registry::Registry;
use crate::runner::resources::{bytes, resident_bytes};
use crate::scenario::{ModelSection, Strategy};
use std::path::{Path, PathBuf};

/// Search every schedule of a small configuration exhaustively, over the protocol's own code,
/// and write the shortest one that breaks an invariant as a scenario file.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  clustersim model scenarios/paxos/model.toml
  clustersim model scenarios/raft/model.toml --set raft.bugs='[\"forget-vote\"]' -o cex.toml
  clustersim model scenarios/raft/model.toml --strategy iddfs --depth 16 --time 1m
  clustersim run cex.toml            # replays the schedule to the violation

From the file's cluster, once every node has started, every choice is taken at every state:
any message in flight arrives, any live timer fires, and within the [model] bounds a message is
lost or duplicated and a server crashes or restarts. Every invariant is checked after each step.
States reached by two orders are searched once. The first violation found has a shortest
schedule; it is written to OUT (default FILE_STEM-counterexample.toml) with a [schedule] that
`clustersim run` and `clustersim check` replay exactly. The depth at which each milestone (a
leader elected, an entry committed) is first reached is reported, so a search that never gets
anywhere interesting shows it. Results do not depend on --threads.
Exits 1 when a violation was found, 0 when none, 2 on a usage or file error.")]
pub struct Args {
    /// The scenario file (protocol, parameters with any `bugs`, cluster, workload, [model]).
    file: PathBuf,
    /// Change a value of the file for this search (as `run --set`).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    sets: Vec<String>,
    /// The search order (default: the file's, or bfs).
    #[arg(long, value_enum)]
    strategy: Option<StrategyArg>,
    /// The longest schedule searched (default: the file's [model] depth).
    #[arg(long)]
    depth: Option<u32>,
    /// Stop after this many distinct states.
    #[arg(long)]
    max_states: Option<u64>,
    /// Stop after this much wall-clock time (`30s`, `5m`).
    #[arg(long)]
    time: Option<String>,
    /// Worker threads (default: all cores, or RAYON_NUM_THREADS).
    #[arg(long)]
    threads: Option<usize>,
    /// Where the counterexample is written.
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// No progress display.
    #[arg(long, short)]
    quiet: bool,
    /// Print the report as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

/// `--strategy`.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum StrategyArg {
    Bfs,
    Iddfs,
}

pub fn run(registry: &Registry, a: Args) -> u8 {
    let s = match super::load(&a.file, &a.sets) {
        Ok(s) => s,
        Err(e) => return super::fail(e),
    };
    let mut section = s.model.clone().unwrap_or_default();
    if let Some(d) = a.depth {
        if !(1..=crate::scenario::MAX_DEPTH).contains(&d) {
            return super::fail(format!(
                "--depth must be between 1 and {}, got {d}",
                crate::scenario::MAX_DEPTH
            ));
        }
        section.depth = d;
    }
    if let Some(st) = a.strategy {
        section.strategy = match st {
            StrategyArg::Bfs => Strategy::Bfs,
            StrategyArg::Iddfs => Strategy::Iddfs,
        };
    }
    let deadline = match super::time_budget(a.time.as_deref()) {
        Ok(b) => b.map(|b| crate::explore::wall_clock_now() + b),
        Err(e) => return super::fail(e),
    };
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| super::beside_stem(&a.file, "-counterexample.toml"));
    if out.as_os_str() == "-" {
        return super::fail("--out: the counterexample is replayed from its file; give a path");
    }
    if let Err(e) = crate::output::Output::resolve(&out) {
        return super::fail(format!("--out: {e}"));
    }
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(a.threads.unwrap_or(0))
        .build()
    {
        Ok(p) => p,
        Err(e) => return super::fail(format!("--threads: {e}")),
    };
    let root = match model::root(registry, &s) {
        Ok(r) => r,
        Err(e) => return super::fail(e),
    };
    let budget = Budget::new(
        a.max_states,
        deadline,
        crate::runner::resources::memory_limit(&s.limits.unwrap_or_default()),
    );
    crate::interrupt::stop_gracefully();
    let bar = progress_bar(a.quiet);
    let start = crate::explore::wall_clock_now();
    // The memory shown is read at most four times a second: reading it is a system call.
    let memory_shown = std::sync::Mutex::new((start, String::new()));
    let shown = |states: u64, unique: u64, depth: u32| {
        let memory = {
            let mut m = memory_shown.lock().unwrap_or_else(|p| p.into_inner());
            if m.1.is_empty() || m.0.elapsed().as_millis() >= 250 {
                *m = (
                    crate::explore::wall_clock_now(),
                    resident_bytes().map(bytes).unwrap_or_default(),
                );
            }
            m.1.clone()
        };
        let secs = start.elapsed().as_secs_f64();
        let rate = if secs > 0.0 {
            states as f64 / secs
        } else {
            0.0
        };
        bar.set_message(format!(
            "{states} states, {unique} distinct, depth {depth}, {} states/s, {memory}",
            rate.round()
        ));
        bar.tick();
    };
    let start_from = root.box_clone();
    let (bounds, budget_ref, shown_ref) = (&section, &budget, &shown);
    let report = pool.install(move || model::search(start_from, bounds, budget_ref, shown_ref));
    let secs = start.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let mut flags: String = a.sets.iter().map(|s| format!(" --set '{s}'")).collect();
    if let Some(d) = a.depth {
        flags.push_str(&format!(" --depth {d}"));
    }
    if a.strategy.is_some() {
        flags.push_str(&format!(" --strategy {}", section.strategy.name()));
    }
    let command = format!("clustersim model {}{flags}", a.file.display());
    let written = match &report.verdict {
        Verdict::Violated(found) => {
            match model::write_counterexample(registry, &out, &s, root.as_ref(), found, &command) {
                Ok(()) => Some(out.clone()),
                Err(e) => {
                    err!("{e}");
                    None
                }
            }
        }
        _ => None,
    };
    if a.json {
        let v = as_json(&a.file, &section, &report, secs, written.as_deref());
        out!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
    } else {
        print_report(&a.file, &section, &report, secs, written.as_deref());
    }
    match report.verdict {
        Verdict::Violated(_) => 1,
        Verdict::Stopped(crate::model::Stop::Interrupted) => 130,
        _ => 0,
    }
}

fn progress_bar(quiet: bool) -> indicatif::ProgressBar {
    if quiet {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner();
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {msg}  {elapsed_precise}")
    {
        bar.set_style(style);
    }
    bar
}

fn bounds_text(m: &ModelSection) -> String {
    format!(
        "{} to depth {}; per schedule at most {} crashes, {} losses, {} duplicates, {} \
         corruptions, {} timer firings per node; states with more than {} messages in flight not searched further{}",
        m.strategy.name(),
        m.depth,
        m.crashes,
        m.losses,
        m.duplicates,
        m.corruptions,
        m.timers_per_node,
        m.max_in_flight,
        if m.symmetry {
            "; servers' names reduced by symmetry"
        } else {
            ""
        }
    )
}

fn rate(report: &Report, secs: f64) -> String {
    let per_sec = if secs > 0.0 {
        report.states as f64 / secs
    } else {
        0.0
    };
    format!(
        "{} states generated, {} distinct, in {secs:.2} s ({} states/s)",
        report.states,
        report.unique,
        per_sec.round()
    )
}

fn print_report(file: &Path, m: &ModelSection, report: &Report, secs: f64, written: Option<&Path>) {
    out!("model {}: {}", file.display(), bounds_text(m));
    match &report.verdict {
        Verdict::Violated(found) => {
            out!(
                "VIOLATED {} after {} steps (no shorter schedule breaks an invariant): {}",
                found.check,
                found.steps.len(),
                found.detail.lines().next().unwrap_or("")
            );
            let steps: Vec<String> = found.steps.iter().map(ToString::to_string).collect();
            out!("  schedule: {}", steps.join(", "));
            if let Some(path) = written {
                out!(
                    "  written to {}; replay: clustersim run {}",
                    path.display(),
                    path.display()
                );
            }
        }
        Verdict::Exhausted => out!(
            "no violation: every state within the bounds was searched (depth {} reached; {} \
             states at the depth bound, {} over the messages-in-flight bound)",
            report.depth,
            report.at_depth_bound,
            report.over_in_flight
        ),
        Verdict::Stopped(stop) => out!(
            "no violation in what was searched, but the search is incomplete: {} (depth {} \
             complete)",
            stop.describe(),
            report.depth
        ),
    }
    out!("  {}", rate(report, secs));
    if let Some(peak) = crate::runner::resources::peak_bytes() {
        out!("  peak memory {}", bytes(peak));
    }
    if report.reached.is_empty() {
        out!("  milestones: none reached within the bounds");
    } else {
        let reached: Vec<String> = report
            .reached
            .iter()
            .map(|(k, d)| format!("{} at depth {d}", serde_name(k)))
            .collect();
        out!("  milestones first reached: {}", reached.join(", "));
    }
}

fn serde_name(k: &sim_core::MarkKind) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| format!("{k:?}"))
}

fn as_json(
    file: &Path,
    m: &ModelSection,
    report: &Report,
    secs: f64,
    written: Option<&Path>,
) -> serde_json::Value {
    let (verdict, found) = match &report.verdict {
        Verdict::Violated(f) => ("violated", Some(f)),
        Verdict::Exhausted => ("exhausted", None),
        Verdict::Stopped(_) => ("stopped", None),
    };
    let reached: serde_json::Map<String, serde_json::Value> = report
        .reached
        .iter()
        .map(|(k, d)| (serde_name(k), serde_json::json!(d)))
        .collect();
    serde_json::json!({
        "file": file.display().to_string(),
        "strategy": m.strategy.name(),
        "bounds": {
            "depth": m.depth,
            "max_in_flight": m.max_in_flight,
            "crashes": m.crashes,
            "losses": m.losses,
            "duplicates": m.duplicates,
            "corruptions": m.corruptions,
            "timers_per_node": m.timers_per_node,
            "symmetry": m.symmetry,
        },
        "verdict": verdict,
        "stopped": match &report.verdict {
            Verdict::Stopped(s) => Some(s.describe()),
            _ => None,
        },
        "check": found.map(|f| f.check.clone()),
        "detail": found.map(|f| f.detail.clone()),
        "schedule": found.map(|f| f.steps.iter().map(ToString::to_string).collect::<Vec<_>>()),
        "counterexample": written.map(|p| p.display().to_string()),
        "states": report.states,
        "unique": report.unique,
        "depth": report.depth,
        "at_depth_bound": report.at_depth_bound,
        "over_in_flight": report.over_in_flight,
        "reached": reached,
        "seconds": secs,
        "peak_bytes": crate::runner::resources::peak_bytes(),
    })
}
