//! Writing explored and shrunk scenarios as files that the other commands replay.
//!
//! A shrunk file is a plain scenario: explicit timed faults, the failing seed, the one check
//! that fails with `expect_failure` naming it (so `clustersim check` counts the failure as
//! expected), a description of the violation, and a `[[recorded]]` seed whose fingerprint and
//! `NAME.seeds.json` checkpoints are filled in the way `clustersim check --update` fills them.

use super::Finding;
use crate::check::{Verdict, check_file};
use crate::registry::Registry;
use crate::runner::{RunOptions, run_scenario};
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

/// The `expect_failure` prefix of a shrunk run: the failing check's name, or, when other checks
/// the protocol always makes fail with it (tree sync's "one tree", "root aggregate" and
/// "disseminated" all judge the same broken tree), the words their names share, so that the
/// replay expects every failure it shows.
fn expected_failure(registry: &Registry, s: &Scenario, seed: u64, check: &str) -> String {
    let opts = RunOptions {
        seed: Some(seed),
        ..RunOptions::default()
    };
    let failing: Vec<String> = match run_scenario(registry, s, &opts) {
        Ok(f) => f.report.failures().map(|c| c.name.clone()).collect(),
        Err(_) => Vec::new(),
    };
    shared_words(check, &failing)
}

/// The longest run of whole words at the start of `check` (without a trailing `:`) that
/// every name in `names` starts with as whole words; `check` itself when they share none.
fn shared_words(check: &str, names: &[String]) -> String {
    let boundary =
        |text: &str, end: usize| end == text.len() || text[end..].starts_with([' ', ':']);
    let ends = (1..=check.len())
        .rev()
        .filter(|&e| check.is_char_boundary(e) && boundary(check, e));
    for end in ends {
        let words = &check[..end];
        if names
            .iter()
            .all(|n| n.starts_with(words) && boundary(n, end))
        {
            let kept = words.trim_end_matches([' ', ':']);
            if !kept.is_empty() {
                return kept.to_string();
            }
        }
    }
    check.to_string()
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
    s.explore = None;
    if finding.is_error() {
        return write_stopped(registry, path, s, seed, finding, source);
    }
    let expected = expected_failure(registry, &s, seed, &finding.check);
    s.checks.expect_failure = Some(Spanned::new(0..0, expected));
    s.recorded = vec![Recorded {
        seed,
        fingerprint: None,
    }];
    let header = format!(
        "Shrunk by `clustersim explore {source}` from seed {seed}: {}.\n\
         Replay: clustersim run {} (the check fails as expected: exit 0 means it was caught).",
        finding.check,
        path.display()
    );
    write_scenario(path, &s, &header)?;
    record_and_replay(registry, path)
}

/// Records the fingerprints of the file just written at `path` (as `clustersim check
/// --update` does) and replays them: a written failure must fail the same way from its file.
pub fn record_and_replay(registry: &Registry, path: &Path) -> Result<(), String> {
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

/// A shrunk run that stops with an error (a limit crossed) has no check to expect and no
/// fingerprint to record: the file replays the error, which is verified here.
fn write_stopped(
    registry: &Registry,
    path: &Path,
    s: Scenario,
    seed: u64,
    finding: &Finding,
    source: &str,
) -> Result<(), String> {
    let header = format!(
        "Shrunk by `clustersim explore {source}` from seed {seed}: {}.\n\
         Replay: clustersim run {} (it stops with the same error, exit 2).",
        finding.check,
        path.display()
    );
    write_scenario(path, &s, &header)?;
    let replayed = Scenario::load(path).map_err(|e| e.to_string())?;
    let opts = RunOptions {
        seed: Some(seed),
        ..RunOptions::default()
    };
    match run_scenario(registry, &replayed, &opts) {
        Err(e) if super::error_name(&e) == finding.check => Ok(()),
        Err(e) => Err(format!(
            "{}: the replay stops otherwise: {e}",
            path.display()
        )),
        Ok(_) => Err(format!(
            "{}: the replay runs to its end instead of stopping with {}",
            path.display(),
            finding.check
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::shared_words;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_failing_check_alone_is_expected_by_its_name() {
        let n = names(&["invariant Log Matching"]);
        assert_eq!(
            shared_words("invariant Log Matching", &n),
            "invariant Log Matching"
        );
    }

    #[test]
    fn checks_failing_together_are_expected_by_the_words_they_share() {
        let n = names(&[
            "tree sync: one tree",
            "tree sync: root aggregate",
            "tree sync: disseminated",
        ]);
        assert_eq!(shared_words("tree sync: one tree", &n), "tree sync");
        // A shared part of a word is not a word.
        let n = names(&["agreement", "agree"]);
        assert_eq!(shared_words("agreement", &n), "agreement");
        let n = names(&["tree sync: one tree", "tree sync: one treetop"]);
        assert_eq!(shared_words("tree sync: one tree", &n), "tree sync: one");
        let n = names(&["tree sync: one tree", "tree sync: ones"]);
        assert_eq!(shared_words("tree sync: one tree", &n), "tree sync");
    }
}
