//! What produced a sweep output, written into it so that `merge` can refuse what does not
//! belong together: the scenario, a digest of its text and of the `--set` values, the seeds,
//! the shard and the clustersim version. CSV carries it as leading `#` lines; JSON as the
//! `sweep` object beside the `rows`.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The origin of one sweep output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// The scenario's name.
    pub scenario: String,
    /// SHA-256 (first 16 hex digits) of the scenario text and the `--set` arguments.
    pub digest: String,
    /// The `--seeds` argument (or the file's seed).
    pub seeds: String,
    /// Jobs in the whole sweep, every shard together.
    pub jobs: u64,
    /// This output's shard `I/N`, or `all` for a whole sweep (or a complete merge).
    pub shard: String,
    /// The clustersim version that wrote it.
    pub version: String,
}

/// The keys of the CSV header lines, in order.
const KEYS: [&str; 6] = ["scenario", "digest", "seeds", "jobs", "shard", "version"];

impl Provenance {
    /// The provenance of a sweep of `text` with `sets` over `seeds`.
    pub fn of(name: &str, text: &str, sets: &[String], seeds: &str, jobs: u64) -> Provenance {
        let mut h = Sha256::new();
        h.update(text.as_bytes());
        for s in sets {
            h.update([0u8]);
            h.update(s.as_bytes());
        }
        let digest: String = h.finalize()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Provenance {
            scenario: name.to_string(),
            digest,
            seeds: seeds.to_string(),
            jobs,
            shard: "all".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }

    /// The CSV header lines (`# clustersim sweep`, then `# key: value`).
    pub fn csv_lines(&self) -> String {
        let mut out = String::from("# clustersim sweep\n");
        for (k, v) in KEYS.iter().zip(self.values()) {
            out.push_str(&format!("# {k}: {v}\n"));
        }
        out
    }

    fn values(&self) -> [String; 6] {
        [
            self.scenario.clone(),
            self.digest.clone(),
            self.seeds.clone(),
            self.jobs.to_string(),
            self.shard.clone(),
            self.version.clone(),
        ]
    }

    /// Reads the header lines of a CSV output; `None` if it has none (a file from before
    /// outputs carried them, or not a sweep's).
    pub fn from_csv(text: &str) -> Option<Provenance> {
        let mut lines = text.lines();
        if lines.next()? != "# clustersim sweep" {
            return None;
        }
        let mut values = Vec::new();
        for k in KEYS {
            let v = lines.next()?.strip_prefix(&format!("# {k}: "))?;
            values.push(v.to_string());
        }
        Some(Provenance {
            scenario: values[0].clone(),
            digest: values[1].clone(),
            seeds: values[2].clone(),
            jobs: values[3].parse().ok()?,
            shard: values[4].clone(),
            version: values[5].clone(),
        })
    }

    /// This output's shard as `(I, N)`; `None` for `all`.
    pub fn shard_of(&self) -> Option<(u64, u64)> {
        let (i, n) = self.shard.split_once('/')?;
        Some((i.parse().ok()?, n.parse().ok()?))
    }

    /// Whether two outputs come from one sweep (shards apart).
    pub fn same_sweep(&self, other: &Provenance) -> Result<(), String> {
        for (what, a, b) in [
            ("scenario", &self.scenario, &other.scenario),
            (
                "scenario text and --set values (digest)",
                &self.digest,
                &other.digest,
            ),
            ("seeds", &self.seeds, &other.seeds),
            ("clustersim version", &self.version, &other.version),
        ] {
            if a != b {
                return Err(format!("different {what}: {a:?} and {b:?}"));
            }
        }
        if self.jobs != other.jobs {
            return Err(format!(
                "different numbers of jobs: {} and {}",
                self.jobs, other.jobs
            ));
        }
        Ok(())
    }
}

/// Checks that `inputs` are the shards of one sweep and that none is missing (unless
/// `allow_partial`); the provenance of the merged output. `append` joins separate sweeps of
/// one scenario, so only the scenario and the version must agree.
pub fn merged(
    inputs: &[Provenance],
    append: bool,
    allow_partial: bool,
) -> Result<Provenance, String> {
    let first = inputs.first().ok_or("nothing to merge")?;
    for (i, p) in inputs.iter().enumerate().skip(1) {
        let agree = if append {
            (p.scenario == first.scenario && p.version == first.version)
                .then_some(())
                .ok_or_else(|| {
                    format!(
                        "a different scenario or version: {:?} ({}) and {:?} ({})",
                        p.scenario, p.version, first.scenario, first.version
                    )
                })
        } else {
            first.same_sweep(p)
        };
        agree.map_err(|e| format!("input {} is not from the sweep of input 1: {e}", i + 1))?;
    }
    if append {
        let mut out = first.clone();
        out.seeds = inputs
            .iter()
            .map(|p| p.seeds.as_str())
            .collect::<Vec<_>>()
            .join(" + ");
        out.digest = "appended".into();
        out.jobs = 0;
        return Ok(out);
    }
    let shards: Vec<(u64, u64)> = inputs.iter().filter_map(Provenance::shard_of).collect();
    if shards.is_empty() {
        return Ok(first.clone());
    }
    if shards.len() != inputs.len() {
        return Err("a whole sweep and shards of it cannot be merged".into());
    }
    let n = shards[0].1;
    if let Some((i, m)) = shards.iter().find(|(_, m)| *m != n) {
        return Err(format!("shard {i}/{m} is of a {m}-way split, not {n}"));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (i, _) in &shards {
        if !seen.insert(*i) {
            return Err(format!("shard {i}/{n} is given twice"));
        }
    }
    let missing: Vec<String> = (0..n)
        .filter(|i| !seen.contains(i))
        .map(|i| format!("{i}/{n}"))
        .collect();
    let mut out = first.clone();
    if missing.is_empty() {
        out.shard = "all".into();
    } else if allow_partial {
        out.shard = format!(
            "partial ({} of {n}: {} missing)",
            seen.len(),
            missing.join(", ")
        );
    } else {
        return Err(format!(
            "shard {} missing ({} of {n} given); give --allow-partial to merge what there is",
            missing.join(", shard "),
            seen.len()
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lines_round_trip_and_merges_check_them() {
        let mut p = Provenance::of("raft: x", "text", &["a=1".into()], "1..3", 4);
        assert_eq!(
            Provenance::from_csv(&(p.csv_lines() + "job\n")),
            Some(p.clone())
        );
        assert_ne!(
            p.digest,
            Provenance::of("raft: x", "text", &[], "1..3", 4).digest
        );
        p.shard = "0/2".into();
        let mut q = p.clone();
        q.shard = "1/2".into();
        assert_eq!(
            merged(&[p.clone(), q.clone()], false, false).unwrap().shard,
            "all"
        );
        let e = merged(std::slice::from_ref(&p), false, false).unwrap_err();
        assert_eq!(
            e,
            "shard 1/2 missing (1 of 2 given); give --allow-partial to merge what there is"
        );
        assert!(
            merged(std::slice::from_ref(&p), false, true)
                .unwrap()
                .shard
                .starts_with("partial")
        );
        let mut other = q.clone();
        other.scenario = "paxos: x".into();
        let e = merged(&[p.clone(), other], false, false).unwrap_err();
        assert!(
            e.contains("input 2 is not from the sweep of input 1: different scenario"),
            "{e}"
        );
        assert!(
            merged(&[p.clone(), p], false, false)
                .unwrap_err()
                .contains("given twice")
        );
    }
}
