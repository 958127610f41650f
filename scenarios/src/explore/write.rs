//! Writing explored and shrunk scenarios as files that the other commands replay.
//!
//! A shrunk file is a plain scenario: explicit timed faults, the failing seed, the one check
//! that fails with `expect_failure` naming it (so `clustersim check` counts the failure as
//! expected), a description of the violation, and a `[[recorded]]` seed whose fingerprint and
//! `NAME.seeds.json` checkpoints are filled in the way `clustersim check --update` fills them.

use super::Finding;
use crate::check::{Verdict, check_file};
use crate::registry::Registry;
use crate::scenario::{Recorded, Scenario};
use std::path::Path;
use toml::Spanned;

/// A file-name fragment for a check: `invariant Log Matching` -> `invariant-log-matching`.
pub fn slug(check: &str) -> String {
    let mut out = String::new();
    for c in check.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The first line of `detail`, at most 200 characters.
fn short(detail: &str) -> String {
    let line = detail
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .trim_end_matches([',', ':']);
    match line.char_indices().nth(200) {
        Some((i, _)) => format!("{}...", &line[..i]),
        None => line.to_string(),
    }
}

/// Writes `s` (an explored scenario for `seed`) to `path` atomically, as a file that
/// `clustersim run path` runs with that seed.
pub fn write_scenario(path: &Path, s: &Scenario, header: &str) -> Result<(), String> {
    let text = s
        .to_toml()
        .map_err(|e| format!("{}: cannot write the scenario: {e}", path.display()))?;
    let mut out = String::new();
    for line in header.lines() {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&text);
    crate::atomic::write_atomic(path, out.as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes the shrunk scenario to `path` with its recorded fingerprint and sidecar, and checks
/// that replaying the file gives the same failure. `source` is the explored file, for the
/// description.
pub fn write_shrunk(
    registry: &Registry,
    path: &Path,
    shrunk: &Scenario,
    seed: u64,
    finding: &Finding,
    source: &str,
    faults_before: usize,
) -> Result<(), String> {
    let mut s = shrunk.clone();
    s.name = format!("shrunk: {} {}", s.protocol_name(), finding.check);
    s.seed = seed;
    s.description = format!(
        "{}: {} (found by clustersim explore {source} with seed {seed}; {} faults shrunk to {})",
        finding.check,
        short(&finding.detail),
        faults_before,
        s.faults.len()
    );
    s.checks.expect_failure = Some(Spanned::new(0..0, finding.check.clone()));
    s.recorded = vec![Recorded {
        seed,
        fingerprint: None,
    }];
    s.explore = None;
    let header = format!(
        "Shrunk by `clustersim explore {source}` from seed {seed}: {}.\n\
         Replay: clustersim run {} (the check fails as expected: exit 0 means it was caught).",
        finding.check,
        path.display()
    );
    write_scenario(path, &s, &header)?;
    let outcomes = check_file(registry, path, true);
    let replay = check_file(registry, path, false);
    for o in outcomes.iter().chain(&replay) {
        match &o.verdict {
            Verdict::Ok => {}
            Verdict::Failed(why) => {
                return Err(format!(
                    "{}: the replay failed: {}",
                    path.display(),
                    why.join("; ")
                ));
            }
            Verdict::Error(e) => return Err(format!("{}: {e}", path.display())),
            other => return Err(format!("{}: the replay differs: {other:?}", path.display())),
        }
    }
    Ok(())
}
