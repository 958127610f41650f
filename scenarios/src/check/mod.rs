//! `clustersim check`: replay every recorded seed of every scenario and compare fingerprints
//! and checks; `--update` records new fingerprints.
//!
//! When a fingerprint drifts, the run is compared with the checkpoints in the scenario's
//! sidecar file (`NAME.seeds.json`, written by `--update`, see [`sidecar`]) to find the first
//! window of trace events where the runs part, and the new run's events in that window are
//! printed. Nothing else is stored: no traces are kept in the repository.

pub mod sidecar;
pub mod update;

use crate::error::ScenarioError;
use crate::hex::Hex64;
use crate::registry::Registry;
use crate::runner::{RunOptions, TraceOut, run_scenario};
use crate::scenario::Scenario;
use sidecar::{Sidecar, first_difference, thin};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What became of one recorded seed.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// Same fingerprint, every check passed.
    Ok,
    /// The fingerprint differs from the recorded one.
    Drift {
        /// Recorded.
        expected: Hex64,
        /// Now.
        actual: Hex64,
        /// Where the runs part, and the new run's events there.
        detail: String,
    },
    /// No fingerprint recorded yet.
    NotRecorded {
        /// Now.
        actual: Hex64,
    },
    /// The fingerprint matches but a check or expectation failed.
    Failed(Vec<String>),
    /// The scenario could not be loaded or run.
    Error(String),
}

/// One line of the report.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The scenario file.
    pub file: PathBuf,
    /// The seed (`None` for a file that did not load).
    pub seed: Option<u64>,
    /// What happened.
    pub verdict: Verdict,
}

impl Outcome {
    /// Whether CI should pass on it (after `--update`, new fingerprints count as recorded).
    pub fn ok(&self) -> bool {
        matches!(self.verdict, Verdict::Ok)
    }
}

/// The sidecar path of a scenario file.
pub fn sidecar_path(file: &Path) -> PathBuf {
    file.with_extension("seeds.json")
}

/// Scenario files under `paths`: files as given, directories searched recursively in name
/// order for `.toml` files with a top-level `[protocol]` table and `[[recorded]]` seeds (so
/// `Cargo.toml`, templates and other TOML files are passed over). Hidden directories and
/// `target` are skipped.
pub fn scenario_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ScenarioError> {
    files_under(paths, true)
}

/// Every scenario file under `paths` (a `[protocol]` table), recorded or not: what
/// `clustersim list` shows.
pub fn every_scenario(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ScenarioError> {
    files_under(paths, false)
}

fn files_under(paths: &[PathBuf], recorded: bool) -> Result<Vec<PathBuf>, ScenarioError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, recorded, &mut out)?;
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(ScenarioError::io(p.display(), "no such file or directory"));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, recorded: bool, out: &mut Vec<PathBuf>) -> Result<(), ScenarioError> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| ScenarioError::io(dir.display(), e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if p.is_dir() {
            if !name.starts_with('.') && name != "target" {
                walk(&p, recorded, out)?;
            }
        } else if name.ends_with(".toml") && looks_like_scenario(&p, recorded) {
            out.push(p);
        }
    }
    Ok(())
}

fn looks_like_scenario(p: &Path, recorded: bool) -> bool {
    std::fs::read_to_string(p)
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .is_some_and(|t| {
            t.get("protocol").is_some_and(toml::Value::is_table)
                && (!recorded || t.contains_key("recorded"))
        })
}

/// Replays every recorded seed of the scenario at `path`; with `update`, rewrites its
/// fingerprints and its sidecar.
pub fn check_file(registry: &Registry, path: &Path, update: bool) -> Vec<Outcome> {
    let outcome = |seed, verdict| Outcome {
        file: path.to_path_buf(),
        seed,
        verdict,
    };
    let scenario = match Scenario::load(path) {
        Ok(s) => s,
        Err(e) => return vec![outcome(None, Verdict::Error(e.to_string()))],
    };
    if scenario.recorded.is_empty() {
        return vec![outcome(
            None,
            Verdict::Error("no [[recorded]] seeds to replay".into()),
        )];
    }
    let side_path = sidecar_path(path);
    let side: Sidecar = std::fs::read_to_string(&side_path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    let mut out = Vec::new();
    let mut new_fps = BTreeMap::new();
    let mut new_side = Sidecar::default();
    for rec in &scenario.recorded {
        let opts = RunOptions {
            seed: Some(rec.seed),
            trace: TraceOut::None,
            checkpoint_every: Some(sidecar::FINEST),
            progress: None,
        };
        let f = match run_scenario(registry, &scenario, &opts) {
            Ok(f) => f,
            Err(e) => {
                out.push(outcome(Some(rec.seed), Verdict::Error(e.to_string())));
                continue;
            }
        };
        let actual = f.report.fingerprint;
        new_fps.insert(rec.seed, actual);
        new_side.seeds.insert(rec.seed, thin(&f.report.checkpoints));
        let failures: Vec<String> = f
            .report
            .failures()
            .map(|c| format!("{}: {}", c.name, c.detail))
            .collect();
        let verdict = match rec.fingerprint {
            _ if update && failures.is_empty() => Verdict::Ok,
            None => Verdict::NotRecorded { actual },
            Some(expected) if expected != actual => Verdict::Drift {
                expected,
                actual,
                detail: locate_drift(
                    registry,
                    &scenario,
                    rec.seed,
                    side.seeds.get(&rec.seed),
                    &f.report.checkpoints,
                ),
            },
            _ if !failures.is_empty() => Verdict::Failed(failures),
            _ => Verdict::Ok,
        };
        out.push(outcome(Some(rec.seed), verdict));
    }
    if update && let Err(e) = write_update(path, &side_path, &new_fps, &new_side) {
        out.push(outcome(None, Verdict::Error(e)));
    }
    out
}

fn write_update(
    path: &Path,
    side_path: &Path,
    fps: &BTreeMap<u64, Hex64>,
    side: &Sidecar,
) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let new = update::set_fingerprints(&text, fps)?;
    if new != text {
        crate::atomic::write_atomic(path, new.as_bytes())
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let json = serde_json::to_string_pretty(side).map_err(|e| e.to_string())? + "\n";
    crate::atomic::write_atomic(side_path, json.as_bytes())
        .map_err(|e| format!("{}: {e}", side_path.display()))
}

/// Where a drifting run parts from the recorded one, with the new run's events there.
fn locate_drift(
    registry: &Registry,
    scenario: &Scenario,
    seed: u64,
    recorded: Option<&sidecar::Checkpoints>,
    now: &[(u64, u64)],
) -> String {
    let Some(recorded) = recorded else {
        return "no checkpoints recorded for this seed (run `clustersim check --update` to record them with the fingerprint)".into();
    };
    let Some((from, to)) = first_difference(recorded, now) else {
        return "every recorded checkpoint agrees: the runs part after the last one".into();
    };
    let mut text = format!(
        "the runs agree through trace event {from} and differ by event {to}; the new run there:\n"
    );
    let opts = RunOptions {
        seed: Some(seed),
        trace: TraceOut::Memory,
        checkpoint_every: None,
        progress: None,
    };
    if let Ok(f) = run_scenario(registry, scenario, &opts) {
        const SHOWN: usize = 40;
        let window: Vec<_> = f
            .run
            .trace()
            .records()
            .iter()
            .filter(|r| r.index >= from && r.index < to)
            .collect();
        for r in window.iter().take(SHOWN) {
            let _ = writeln!(
                text,
                "    #{} {} {}",
                r.index,
                r.time,
                serde_json::to_string(&r.event).unwrap_or_default()
            );
        }
        if window.len() > SHOWN {
            let _ = writeln!(
                text,
                "    ... {} more (clustersim export FILE --seed {seed} --format jsonl)",
                window.len() - SHOWN
            );
        }
    }
    text
}
