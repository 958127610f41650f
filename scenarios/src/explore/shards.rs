//! An exploration spread over machines: `explore --shard I/N` runs every N-th seed of the
//! list and writes what it found (failures and coverage, nothing shrunk) to a findings file;
//! `clustersim merge` joins the findings of every shard and shrinks them exactly as one machine
//! would have, so the failures and the shrunk files are the same.
//!
//! A findings file carries the sweep [`Provenance`] of the exploration (the scenario, a digest
//! of its text, the seeds, the shard, the version): findings of different explorations are
//! refused, and so is a merge with a shard missing.

use super::coverage::Coverage;
use super::{Exploration, Failure};
use crate::sweep::provenance::Provenance;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One shard's findings, as written to its file.
#[derive(Debug, Serialize, Deserialize)]
pub struct Findings {
    /// What was explored, and which shard this is.
    pub explore: Provenance,
    /// The scenario file, as named on the command line (merge reads it again to shrink).
    pub file: String,
    /// Seeds run.
    pub ran: u64,
    /// Failures, in seed order.
    pub failures: Vec<Failure>,
    /// Seeds that reached each mark.
    pub coverage: BTreeMap<String, u64>,
}

impl Findings {
    /// A shard's findings.
    pub fn of(explore: Provenance, file: &str, found: &Exploration) -> Findings {
        Findings {
            explore,
            file: file.to_string(),
            ran: found.ran as u64,
            failures: found.failures.clone(),
            coverage: found.coverage.by_name(),
        }
    }

    /// Reads a findings file's text; `None` if it is not one (a sweep's output, say).
    pub fn read(text: &str) -> Option<Result<Findings, String>> {
        let v: serde_json::Value = serde_json::from_str(text).ok()?;
        v.get("explore")?;
        Some(serde_json::from_value(v).map_err(|e| format!("a broken findings file: {e}")))
    }

    /// The file name of shard `index` of `count` in an exploration's directory.
    pub fn file_name(index: u64, count: u64) -> String {
        format!("shard-{index}-of-{count}.json")
    }
}

/// The findings of every shard as one exploration: the provenance with the shard joined, the
/// scenario file, and the exploration (failures in seed order, coverage summed).
pub fn join(
    parts: Vec<Findings>,
    allow_partial: bool,
) -> Result<(Provenance, String, Exploration), String> {
    let origins: Vec<Provenance> = parts.iter().map(|p| p.explore.clone()).collect();
    let origin = crate::sweep::provenance::merged(&origins, false, allow_partial)?;
    let file = parts.first().map(|p| p.file.clone()).unwrap_or_default();
    let mut ran = 0;
    let mut failures = Vec::new();
    let mut coverage = Coverage::default();
    for p in parts {
        ran += p.ran as usize;
        coverage.absorb(&Coverage::from_names(p.ran, &p.coverage)?);
        failures.extend(p.failures);
    }
    failures.sort_by_key(|f| f.seed);
    Ok((
        origin,
        file,
        Exploration {
            ran,
            failures,
            coverage,
        },
    ))
}
