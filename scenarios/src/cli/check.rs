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

A directory is searched recursively, in name order, for .toml files with a [protocol] table.
On drift, the checkpoints in NAME.seeds.json (written by --update) narrow the difference to
a window of trace events, which is printed. Exits 1 on any drift or failed check.")]
pub struct Args {
    /// Scenario files or directories (default: scenarios/ if it exists, else .).
    paths: Vec<PathBuf>,
    /// Rewrite the recorded fingerprints (and the checkpoint files) with the current runs.
    #[arg(long)]
    update: bool,
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
    let (mut good, mut bad) = (0, 0);
    for f in &files {
        for o in check_file(registry, f, a.update) {
            let seed = o.seed.map(|s| format!(" seed {s}")).unwrap_or_default();
            let file = o.file.display();
            match &o.verdict {
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
