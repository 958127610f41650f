//! Sweeps: every combination of swept parameters times every seed, on all cores, with results
//! in canonical order (combination, then seed) whatever the number of threads or shards.

pub mod grid;
pub mod merge;
pub mod provenance;
pub mod shard;
pub mod table;

use crate::error::ScenarioError;
use crate::hex::Hex64;
use crate::registry::Registry;
use crate::runner::{RunOptions, run_scenario};
use crate::scenario::{Scenario, apply_sets};
use grid::{Job, Param};
use rayon::prelude::*;
use table::Row;

/// A prepared sweep: one validated scenario per combination, and the jobs to run.
pub struct Sweep {
    /// Per combination: its `(key, value)` pairs and the scenario with them applied.
    pub combos: Vec<(Vec<(String, toml::Value)>, Scenario)>,
    /// The jobs (of this shard), in canonical order.
    pub jobs: Vec<Job>,
}

impl Sweep {
    /// Builds every combination of `params` over the scenario `text` (named `file`) and the
    /// jobs with `seeds`, keeping this shard's. Every combination is validated before any run.
    pub fn prepare(
        registry: &Registry,
        file: &str,
        text: &str,
        params: &[Param],
        seeds: &[u64],
        shard: Option<shard::Shard>,
    ) -> Result<Sweep, ScenarioError> {
        let mut combos = Vec::new();
        for c in grid::combinations(params) {
            let s = apply_sets(file, text, &c)?;
            // Building once checks the protocol's own parameters before any job runs.
            crate::runner::build(registry.resolve(&s)?, &s, s.seed)?;
            combos.push((c, s));
        }
        let all = grid::jobs(combos.len(), seeds);
        let jobs = match shard {
            Some(s) => s.select(all),
            None => all,
        };
        Ok(Sweep { combos, jobs })
    }

    /// The command that reproduces one job.
    pub fn reproduce(&self, file: &str, job: &Job) -> String {
        let mut cmd = format!("clustersim run {file} --seed {}", job.seed);
        for (k, v) in &self.combos[job.combo].0 {
            cmd.push_str(&format!(" --set '{k}={}'", grid::show(v)));
        }
        cmd
    }

    /// Runs every job on the current rayon pool; `progress` is called once per finished job.
    /// Rows come back in job order.
    pub fn run(&self, registry: &Registry, progress: &(dyn Fn() + Sync)) -> Vec<Row> {
        self.run_some(registry, &|_| false, &|_| Ok(()), progress)
            .unwrap_or_default()
    }

    /// Runs the jobs that `done` does not hold, handing each finished row to `finished`
    /// (a journal) as it comes; a job not yet started when `stop` says so is left out. Rows
    /// come back in job order; the first error of `finished` stops the sweep.
    pub fn run_some(
        &self,
        registry: &Registry,
        done: &(dyn Fn(u64) -> bool + Sync),
        finished: &(dyn Fn(&Row) -> Result<(), String> + Sync),
        progress: &(dyn Fn() + Sync),
    ) -> Result<Vec<Row>, String> {
        let stop = || crate::interrupt::requested();
        let rows: Vec<Option<Result<Row, String>>> = self
            .jobs
            .par_iter()
            .map(|job| {
                if done(job.index) || stop() {
                    return None;
                }
                let row = self.run_one(registry, job);
                progress();
                Some(finished(&row).map(|()| row))
            })
            .collect();
        rows.into_iter().flatten().collect()
    }

    fn run_one(&self, registry: &Registry, job: &Job) -> Row {
        let (combo, scenario) = &self.combos[job.combo];
        let params = combo
            .iter()
            .map(|(k, v)| (k.clone(), grid::show(v)))
            .collect();
        let opts = RunOptions {
            seed: Some(job.seed),
            ..RunOptions::default()
        };
        match run_scenario(registry, scenario, &opts) {
            Ok(f) => Row {
                job: job.index,
                params,
                seed: job.seed,
                passed: f.report.passed(),
                fingerprint: f.report.fingerprint,
                metrics: f.report.metrics.clone(),
                failed_checks: f.report.failures().map(|c| c.name.clone()).collect(),
            },
            Err(e) => Row {
                job: job.index,
                params,
                seed: job.seed,
                passed: false,
                fingerprint: Hex64(0),
                metrics: Default::default(),
                failed_checks: vec![format!(
                    "error: {}",
                    e.to_string()
                        .lines()
                        .next()
                        .unwrap_or("")
                        .trim_start_matches("error: ")
                )],
            },
        }
    }
}
