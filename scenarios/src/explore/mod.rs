//! `clustersim explore`: search for runs that break a protocol, and shrink each one to a small
//! scenario file that shows the break.
//!
//! For each seed, [`derive::derive`] draws a cluster, network, workload and an explicit fault
//! schedule from the seed within the file's `[explore]` bounds; the run has a safety phase under
//! those faults, a heal, and a liveness phase, and is judged by every invariant,
//! linearizability (protocols with clients) and progress after the heal (a leader, and
//! convergence, for protocols that have them). The first failed check names the failure.
//! [`shrink::shrink`] then minimises the scenario while that same check still fails first, and
//! [`write`] saves it as a scenario file that `clustersim run` and `clustersim check` replay.
//!
//! Seeds run on the current rayon pool; results are collected in seed order, so the failures
//! and the shrunk files do not depend on the number of threads. A wall-clock budget only
//! decides how many seeds are started (whole chunks of seeds, from the first), never what a
//! seed finds.

pub mod coverage;
pub mod derive;
pub mod shards;
pub mod shrink;
pub mod write;

pub use coverage::Coverage;

use crate::diag::Diagnostic;
use crate::error::ScenarioError;
use crate::registry::{Capabilities, Registry};
use crate::runner::{RunOptions, run_scenario};
use crate::scenario::{ExploreSection, FaultKind, Scenario};
use rayon::prelude::*;
use sim_core::{MarkCounts, Time};
use toml::Spanned;

/// A scenario file made ready for exploring: its bounds, its protocol's capabilities, and the
/// base every seed's scenario is derived from.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The file, with the checks of an explored run filled in.
    pub base: Scenario,
    /// The `[explore]` bounds (defaults where the file has none).
    pub bounds: ExploreSection,
    /// What the protocol can be asked about.
    pub caps: Capabilities,
    /// Safety phase length in nanoseconds.
    pub safety: u64,
    /// Liveness phase length in nanoseconds.
    pub liveness: u64,
}

impl Prepared {
    /// Checks that `base` can be explored: a registered protocol, sane bounds, a safety and a
    /// liveness phase, and every cluster size of the range accepted by the protocol (a topology
    /// such as `random-regular` with an odd degree accepts only some sizes between the ends).
    pub fn new(registry: &Registry, base: Scenario) -> Result<Prepared, ScenarioError> {
        let file = base.origin.file.clone();
        let problem = |msg: String| ScenarioError::one(Diagnostic::at(&file, None, None, msg));
        let protocol = registry.resolve(&base)?;
        let bounds = base.explore.clone().unwrap_or_default();
        if let Some(p) = bounds.problems().into_iter().next() {
            return Err(problem(p));
        }
        let (Some(safety), Some(liveness)) = (base.run.safety.as_ref(), base.run.liveness.as_ref())
        else {
            return Err(problem(
                "explore needs a run with phases: [run] safety = \"3s\" and liveness = \"3s\" \
                 (faults are drawn for the safety phase; progress is judged in the liveness phase)"
                    .into(),
            ));
        };
        let caps = protocol.capabilities();
        for (kind, name) in [(FaultKind::Disk, "disk"), (FaultKind::Tamper, "tamper")] {
            if bounds.faults.contains(&kind) && !caps.disk {
                return Err(problem(format!(
                    "explore.faults: protocol \"{}\" keeps nothing on disk, so \"{name}\" has nothing to damage",
                    base.protocol_name()
                )));
            }
        }
        let mut p = Prepared {
            safety: safety.get_ref().nanos(),
            liveness: liveness.get_ref().nanos(),
            caps,
            bounds,
            base,
        };
        derive::explored_checks(&mut p);
        for n in p.bounds.nodes[0]..=p.bounds.nodes[1] {
            let mut s = p.base.clone();
            s.cluster.nodes = Spanned::new(0..0, n);
            s.faults.clear();
            s.nemesis.clear();
            s.network.links.clear();
            protocol.build(&s, s.seed).map_err(|e| {
                problem(format!(
                    "explore.nodes: protocol \"{}\" cannot run {n} servers: {}",
                    s.protocol_name(),
                    e.to_string().lines().next().unwrap_or("")
                ))
            })?;
        }
        Ok(p)
    }
}

/// The first check a run failed: what shrinking preserves.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Finding {
    /// The check's name (`invariant Log Matching`, `linearizable`, `leader_within 3s`), or,
    /// when the run stopped with an error, `limit NAME` for a limit it crossed and `error`
    /// otherwise.
    pub check: String,
    /// What the check found.
    pub detail: String,
    /// Virtual time of the invariant violation, if the run stopped on one.
    pub at: Option<Time>,
}

impl Finding {
    /// Whether the run stopped with an error rather than failing a check.
    pub fn is_error(&self) -> bool {
        self.check == "error" || self.check.starts_with("limit ")
    }
}

/// Runs `s` with `seed`; the first failed check, if any.
pub fn judge(registry: &Registry, s: &Scenario, seed: u64) -> Option<Finding> {
    judge_counting(registry, s, seed).0
}

/// Runs `s` with `seed`; the first failed check, if any, and the marks the run recorded (none
/// when it could not be built).
pub fn judge_counting(
    registry: &Registry,
    s: &Scenario,
    seed: u64,
) -> (Option<Finding>, MarkCounts) {
    let opts = RunOptions {
        seed: Some(seed),
        ..RunOptions::default()
    };
    match run_scenario(registry, s, &opts) {
        Ok(f) => {
            let at = f.report.violation.as_ref().map(|v| v.time);
            let finding = f.report.failures().next().map(|c| Finding {
                check: c.name.clone(),
                detail: c.detail.clone(),
                at,
            });
            (finding, *f.run.trace().marks())
        }
        Err(e) => (
            Some(Finding {
                check: error_name(&e),
                detail: e.to_string(),
                at: None,
            }),
            MarkCounts::default(),
        ),
    }
}

/// What a run that stopped with an error is reported as: `limit NAME` for a limit it crossed
/// (so that shrinking keeps that limit crossed), `error` otherwise.
pub(crate) fn error_name(e: &crate::ScenarioError) -> String {
    match e {
        crate::ScenarioError::Sim {
            source:
                sim_core::SimError::LimitExceeded { limit, .. }
                | sim_core::SimError::Overloaded { limit, .. },
            ..
        } => format!("limit {limit}"),
        _ => "error".into(),
    }
}

/// A seed whose run failed a check.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Failure {
    /// The seed.
    pub seed: u64,
    /// What failed.
    pub finding: Finding,
}

/// What an exploration ran and found.
#[derive(Clone, Debug, PartialEq)]
pub struct Exploration {
    /// How many of the requested seeds ran (the first ones, unless an interrupt left some
    /// of the last chunk out).
    pub ran: usize,
    /// The failures, in seed order.
    pub failures: Vec<Failure>,
    /// How many of the seeds that ran reached each kind of milestone.
    pub coverage: Coverage,
}

/// Reads the wall clock, for `--time` only: it decides how many chunks of seeds start, never
/// what a seed finds, and never runs inside a simulation.
#[allow(clippy::disallowed_methods)]
pub fn wall_clock_now() -> std::time::Instant {
    std::time::Instant::now()
}

/// Runs `seeds` in order on the current rayon pool, in chunks; stops starting chunks once
/// `deadline` has passed. `progress(failed)` is called once per finished seed.
pub fn explore(
    registry: &Registry,
    p: &Prepared,
    seeds: &mut (dyn Iterator<Item = u64> + Send),
    deadline: Option<std::time::Instant>,
    progress: &(dyn Fn(bool) + Sync),
) -> Exploration {
    explore_journaled(registry, p, seeds, deadline, progress, &|_| {})
}

/// One explored seed as a journal line: its failure, if any, and the marks its run reached.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SeedLine {
    /// The seed.
    pub seed: u64,
    /// Its first failed check.
    pub failure: Option<Finding>,
    /// The kinds of mark its run recorded.
    pub reached: Vec<String>,
}

impl SeedLine {
    /// The marks back as counts (one of each kind reached).
    pub fn marks(&self) -> MarkCounts {
        let mut m = MarkCounts::default();
        for k in sim_core::MarkKind::ALL {
            if self.reached.iter().any(|r| r == k.name()) {
                m.add(k);
            }
        }
        m
    }
}

/// [`explore`], handing every finished seed to `finished` as it comes (a journal).
pub fn explore_journaled(
    registry: &Registry,
    p: &Prepared,
    seeds: &mut (dyn Iterator<Item = u64> + Send),
    deadline: Option<std::time::Instant>,
    progress: &(dyn Fn(bool) + Sync),
    finished: &(dyn Fn(&SeedLine) + Sync),
) -> Exploration {
    let chunk = 64 * rayon::current_num_threads().max(1);
    let mut ran = 0;
    let mut failures = Vec::new();
    let mut coverage = Coverage::default();
    loop {
        if deadline.is_some_and(|d| wall_clock_now() >= d) || crate::interrupt::requested() {
            break;
        }
        let part: Vec<u64> = (0..chunk).map_while(|_| seeds.next()).collect();
        if part.is_empty() {
            break;
        }
        // After an interrupt, the seeds not yet started are left out.
        let found: Vec<Option<(Option<Failure>, MarkCounts)>> = part
            .par_iter()
            .map(|&seed| {
                if crate::interrupt::requested() {
                    return None;
                }
                let s = derive::derive(p, seed);
                let (finding, marks) = judge_counting(registry, &s, seed);
                finished(&SeedLine {
                    seed,
                    failure: finding.clone(),
                    reached: sim_core::MarkKind::ALL
                        .into_iter()
                        .filter(|k| marks.get(*k) > 0)
                        .map(|k| k.name().to_string())
                        .collect(),
                });
                let f = finding.map(|finding| Failure { seed, finding });
                progress(f.is_some());
                Some((f, marks))
            })
            .collect();
        for (f, marks) in found.into_iter().flatten() {
            ran += 1;
            coverage.add(&marks);
            failures.extend(f);
        }
    }
    Exploration {
        ran,
        failures,
        coverage,
    }
}

impl Exploration {
    /// This exploration together with the seeds a journal already held: failures in seed
    /// order, coverage summed.
    pub fn with_journaled(mut self, lines: &[SeedLine]) -> Exploration {
        if lines.is_empty() {
            return self;
        }
        for l in lines {
            self.ran += 1;
            self.coverage.add(&l.marks());
            if let Some(finding) = &l.failure {
                self.failures.push(Failure {
                    seed: l.seed,
                    finding: finding.clone(),
                });
            }
        }
        self.failures.sort_by_key(|f| f.seed);
        self
    }
}

/// How many failures of one check are shrunk (the first ones, in seed order); the smallest
/// result is kept.
pub const SHRINK_TRIES: usize = 3;

/// The failures worth shrinking, grouped by check (in order of each check's first failure):
/// the first [`SHRINK_TRIES`] of each, in seed order.
pub fn distinct(failures: &[Failure]) -> Vec<Vec<&Failure>> {
    let mut groups: Vec<Vec<&Failure>> = Vec::new();
    for f in failures {
        match groups
            .iter_mut()
            .find(|g| g[0].finding.check == f.finding.check)
        {
            Some(g) if g.len() < SHRINK_TRIES => g.push(f),
            Some(_) => {}
            None => groups.push(vec![f]),
        }
    }
    groups
}

/// Shrinks each failure of `group` (failures of one check) and keeps the result with the
/// fewest faults (the earliest seed among equals), with its seed.
pub fn shrink_best(
    registry: &Registry,
    p: &Prepared,
    group: &[&Failure],
) -> Option<(u64, shrink::Shrunk)> {
    let mut best: Option<(u64, shrink::Shrunk)> = None;
    for f in group {
        let failing = derive::derive(p, f.seed);
        let s = shrink::shrink(registry, p, &failing, f.seed, &f.finding);
        if s.finding.check != f.finding.check {
            continue;
        }
        if best
            .as_ref()
            .is_none_or(|(_, b)| s.scenario.faults.len() < b.scenario.faults.len())
        {
            best = Some((f.seed, s));
        }
    }
    best
}
