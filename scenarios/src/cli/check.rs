//! `clustersim check`.

use crate::check::{Verdict, check_file, scenario_files};
use crate::registry::Registry;
use std::path::PathBuf;

/// Replay the recorded seeds of every scenario and compare fingerprints and checks.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  clustersim check scenarios/                  # every scenario file under scenarios/
  clustersim check scenarios/raft/leader-crash.toml
  clustersim check --update scenarios/raft/    # record new fingerprints (and checkpoints)
  clustersim check scenarios/raft/conformance --json

A directory is searched recursively, in name order, for .toml files with a [protocol] table.
On drift, the checkpoints in NAME.seeds.json (written by --update) narrow the difference to
a window of trace events, which is printed. Exits 1 on any drift or failed check.")]
pub struct Args {
    /// Scenario files or directories (default: scenarios/ if it exists, else .).
    paths: Vec<PathBuf>,
    /// Rewrite the recorded fingerprints (and the checkpoint files) with the current runs.
    #[arg(long)]
    update: bool,
    /// Print a JSON array, one object per (file, seed): file, seed, verdict (ok, drift,
    /// new, failed, error), ok, and what was found.
    #[arg(long)]
    pub(crate) json: bool,
    /// Print only what is not ok, and the count.
    #[arg(long, short)]
    quiet: bool,
}

pub fn run(registry: &Registry, a: Args) -> u8 {
    let paths = if a.paths.is_empty() {
        let d = PathBuf::from("scenarios");
        vec![if d.is_dir() { d } else { PathBuf::from(".") }]
    } else {
        a.paths
    };
    let files = match scenario_files(&paths) {
        Ok(f) => f,
        Err(e) => return super::fail(e),
    };
    if files.is_empty() {
        return super::fail("no scenario files found");
    }
    if a.json {
        let mut rows = Vec::new();
        let mut bad = false;
        for f in &files {
            for o in check_file(registry, f, a.update) {
                bad |= !o.ok();
                rows.push(as_json(&o));
            }
        }
        out!(
            "{}",
            serde_json::to_string_pretty(&rows).unwrap_or_default()
        );
        return u8::from(bad);
    }
    let (mut good, mut bad) = (0, 0);
    for f in &files {
        for o in check_file(registry, f, a.update) {
            let seed = o.seed.map(|s| format!(" seed {s}")).unwrap_or_default();
            let file = o.file.display();
            match &o.verdict {
                Verdict::Ok if a.quiet => {}
                Verdict::Ok => out!(
                    "{}",
                    super::colour::paint(&format!("ok       {file}{seed}"))
                ),
                Verdict::NotRecorded { actual } => out!(
                    "new      {file}{seed}: fingerprint {actual} not recorded (run with --update)"
                ),
                Verdict::Drift {
                    expected,
                    actual,
                    detail,
                } => {
                    out!(
                        "{}",
                        super::colour::paint(&format!(
                            "DRIFT    {file}{seed}: expected {expected}, got {actual}"
                        ))
                    );
                    for l in detail.lines() {
                        out!("         {l}");
                    }
                }
                Verdict::Failed(f) => {
                    out!(
                        "{}",
                        super::colour::paint(&format!("FAIL     {file}{seed}"))
                    );
                    for l in f {
                        out!("         {}", l.lines().next().unwrap_or(""));
                    }
                }
                Verdict::Error(e) => {
                    out!(
                        "{}",
                        super::colour::paint(&format!("ERROR    {file}{seed}"))
                    );
                    for l in e.lines() {
                        out!("         {l}");
                    }
                }
            }
            if o.ok() {
                good += 1;
            } else {
                bad += 1;
                if let Some(s) = o.seed {
                    out!("         reproduce: clustersim run {file} --seed {s}");
                }
            }
        }
    }
    out!(
        "{good} ok, {bad} not ok{}",
        if a.update {
            " (fingerprints updated)"
        } else {
            ""
        }
    );
    u8::from(bad > 0)
}

/// One outcome as JSON.
fn as_json(o: &crate::check::Outcome) -> serde_json::Value {
    let (verdict, found) = match &o.verdict {
        Verdict::Ok => ("ok", serde_json::Value::Null),
        Verdict::Drift {
            expected,
            actual,
            detail,
        } => (
            "drift",
            serde_json::json!({
                "expected": expected.to_string(), "actual": actual.to_string(), "detail": detail,
            }),
        ),
        Verdict::NotRecorded { actual } => {
            ("new", serde_json::json!({ "actual": actual.to_string() }))
        }
        Verdict::Failed(checks) => ("failed", serde_json::json!({ "checks": checks })),
        Verdict::Error(e) => ("error", serde_json::json!({ "error": e })),
    };
    serde_json::json!({
        "file": o.file.display().to_string(),
        "seed": o.seed,
        "verdict": verdict,
        "ok": o.ok(),
        "found": found,
    })
}
