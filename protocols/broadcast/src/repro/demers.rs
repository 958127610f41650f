//! Demers et al. (1987), "Epidemic algorithms for replicated database maintenance", Tables 1
//! and 2: push rumor mongering on 1000 sites, feedback with counters and blind with coins,
//! k = 1..5 — residue, traffic (update messages per site), and the average and last
//! convergence time in cycles.
//!
//! A cycle is the rumor period; the one-way latency is much smaller than it, and every node
//! pushes at the multiples of the period, so a node infected in cycle `c` first pushes in
//! cycle `c + 1`, as in the paper's synchronous simulation. One update is injected at node 0
//! at time 0; the run lasts until no node is spreading it.
//!
//! The feedback/counter rows read the paper's synchronous model as follows (both readings are
//! options of [`crate::Rumor`]): a partner "already knew" a rumor only if it knew it when the
//! cycle began (`cycle_feedback`), and the counter counts unnecessary pushes in a row, a push
//! that told the partner something starting it again (`reset_on_useful`). With these the
//! residue, traffic and t_last of Table 1 come out within a few percent; counting unnecessary
//! pushes in total, with "knew" meaning "knew on arrival", gives the residue of the coin
//! variant's analysis, s = exp(-(k+1)(1-s)), instead.

use super::constant_latency_sim;
use crate::{Config, Loss, Metrics, Phase, Stop, Workload};
use serde::Serialize;
use sim_core::{Duration, NodeId, SimError, Time};
use std::fmt::Write;

/// The run's shape.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Setup {
    /// Sites.
    pub sites: u32,
    /// One cycle.
    pub period: Duration,
    /// One-way latency (much smaller than a cycle).
    pub latency: Duration,
    /// Most cycles before giving up (a run always ends long before).
    pub max_cycles: u64,
    /// Read feedback and counters as the paper's synchronous model does (see the module
    /// documentation); `false` gives the plain asynchronous reading.
    pub synchronous: bool,
}

impl Default for Setup {
    /// 1000 sites, 1 s cycles, 1 ms latency, the synchronous reading.
    fn default() -> Self {
        Setup {
            sites: 1000,
            period: Duration::from_secs(1),
            latency: Duration::from_millis(1),
            max_cycles: 100_000,
            synchronous: true,
        }
    }
}

/// The two variants the paper tabulates, and their names in the output.
pub const VARIANTS: [(Loss, Stop, &str); 2] = [
    (Loss::Feedback, Stop::Counter, "feedback/counter"),
    (Loss::Blind, Stop::Coin, "blind/coin"),
];

/// One run's figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Outcome {
    /// Fraction of sites never reached.
    pub residue: f64,
    /// Update messages per site.
    pub traffic: f64,
    /// Mean cycle at which a site other than the origin received the update.
    pub t_ave: f64,
    /// Cycle at which the last site received it.
    pub t_last: f64,
}

/// The configuration of one run: rumor mongering with synchronous cycles, and one update
/// made by node 0 as it starts (the workload's `initial`). The scenario
/// `scenarios/broadcast/demers.toml` says the same in TOML, so that `clustersim sweep` on it
/// gives the same figures as [`sweep`].
pub fn config(setup: &Setup, loss: Loss, stop: Stop, k: u32) -> Config {
    let mut config = Config::rumor(loss, stop, k, setup.period);
    if let crate::Dissemination::Rumor(r) = &mut config.dissemination {
        r.phase = Phase::Aligned;
        r.cycle_feedback = setup.synchronous;
        r.reset_on_useful = setup.synchronous;
    }
    config.with_workload(Workload {
        rate: 0.0,
        initial: vec![NodeId(0)],
        ..Workload::default()
    })
}

/// Runs one seed.
pub fn run(setup: &Setup, loss: Loss, stop: Stop, k: u32, seed: u64) -> Result<Outcome, SimError> {
    let mut sim = constant_latency_sim(
        seed,
        setup.sites,
        setup.latency,
        config(setup, loss, stop, k).prepare(setup.sites)?,
    )?;
    let end = Time::ZERO + Duration(setup.period.0.saturating_mul(setup.max_cycles));
    sim.run_until(end)?;
    let m = Metrics::compute(sim.nodes(), sim.stats(), Some(setup.period));
    Ok(Outcome {
        residue: m.residue,
        traffic: m.update_traffic_mean,
        t_ave: m.delivery_rounds_mean.unwrap_or(0.0),
        t_last: m.convergence_rounds_mean.unwrap_or(0.0),
    })
}

/// One row of the table: a variant and `k`, averaged over the seeds.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    /// `feedback/counter` or `blind/coin`.
    pub variant: String,
    /// The counter limit or inverse coin probability.
    pub k: u32,
    /// Seeds averaged over.
    pub seeds: u64,
    /// Mean residue.
    pub residue: f64,
    /// Mean update messages per site.
    pub traffic: f64,
    /// Mean of t_ave, in cycles.
    pub t_ave: f64,
    /// Mean of t_last, in cycles.
    pub t_last: f64,
    /// The paper's figures for the same row: residue, traffic, t_ave, t_last.
    pub published: Option<[f64; 4]>,
}

/// The paper's Table 1 (feedback, counters) and Table 2 (blind, coin), k = 1..5, as printed
/// in the CSL-89-1 version: residue s, traffic m, t_ave, t_last.
pub const PUBLISHED: [(&str, [[f64; 4]; 5]); 2] = [
    (
        "feedback/counter",
        [
            [0.18, 1.7, 11.0, 16.8],
            [0.037, 3.3, 12.1, 16.9],
            [0.011, 4.5, 12.5, 17.4],
            [0.0036, 5.6, 12.7, 17.5],
            [0.0012, 6.7, 12.8, 17.7],
        ],
    ),
    (
        "blind/coin",
        [
            [0.96, 0.04, 19.0, 38.0],
            [0.20, 1.6, 17.0, 33.0],
            [0.060, 2.8, 15.0, 32.0],
            [0.021, 3.9, 14.1, 32.0],
            [0.008, 4.9, 13.8, 32.0],
        ],
    ),
];

fn published(variant: &str, k: u32) -> Option<[f64; 4]> {
    let (_, rows) = PUBLISHED.iter().find(|(v, _)| *v == variant)?;
    rows.get(usize::try_from(k).ok()?.checked_sub(1)?).copied()
}

/// Runs every variant and `k` over `seeds` seeds (0..seeds), spreading the runs over `jobs`
/// threads (each simulation runs on one thread; the result does not depend on `jobs`).
pub fn sweep(setup: &Setup, ks: &[u32], seeds: u64, jobs: usize) -> Result<Vec<Row>, SimError> {
    let mut rows = Vec::new();
    for &(loss, stop, name) in &VARIANTS {
        for &k in ks {
            let outcomes = run_seeds(setup, loss, stop, k, seeds, jobs)?;
            let mean = |f: fn(&Outcome) -> f64| {
                outcomes.iter().map(f).sum::<f64>() / outcomes.len().max(1) as f64
            };
            rows.push(Row {
                variant: name.to_string(),
                k,
                seeds,
                residue: mean(|o| o.residue),
                traffic: mean(|o| o.traffic),
                t_ave: mean(|o| o.t_ave),
                t_last: mean(|o| o.t_last),
                published: published(name, k),
            });
        }
    }
    Ok(rows)
}

/// Runs seeds `0..seeds` on `jobs` threads; the outcomes come back in seed order, so that the
/// averages (floating-point sums) do not depend on how the seeds were spread.
fn run_seeds(
    setup: &Setup,
    loss: Loss,
    stop: Stop,
    k: u32,
    seeds: u64,
    jobs: usize,
) -> Result<Vec<Outcome>, SimError> {
    let jobs = jobs.max(1) as u64;
    let results: Vec<Result<Vec<(u64, Outcome)>, SimError>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..jobs)
            .map(|j| {
                s.spawn(move || {
                    (0..seeds)
                        .filter(|seed| seed % jobs == j)
                        .map(|seed| run(setup, loss, stop, k, seed).map(|o| (seed, o)))
                        .collect::<Result<Vec<_>, _>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut all = Vec::new();
    for r in results {
        all.extend(r?);
    }
    all.sort_by_key(|&(seed, _)| seed);
    Ok(all.into_iter().map(|(_, o)| o).collect())
}

/// The table as text, our figures next to the paper's.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<17} {:>2}  {:>9} {:>8} {:>7} {:>7}   | published: {:>7} {:>5} {:>5} {:>5}",
        "variant", "k", "residue", "traffic", "t_ave", "t_last", "s", "m", "t_ave", "t_last"
    );
    for r in rows {
        let _ = write!(
            out,
            "{:<17} {:>2}  {:>9.4} {:>8.2} {:>7.2} {:>7.2}   |",
            r.variant, r.k, r.residue, r.traffic, r.t_ave, r.t_last
        );
        match r.published {
            Some([s, m, a, l]) => {
                let _ = writeln!(out, "            {s:>7} {m:>5} {a:>5} {l:>5}");
            }
            None => out.push('\n'),
        }
    }
    out
}

/// The table as CSV with a header line.
pub fn csv(rows: &[Row]) -> String {
    let mut out = String::from(
        "variant,k,seeds,residue,traffic,t_ave,t_last,published_residue,published_traffic,published_t_ave,published_t_last\n",
    );
    for r in rows {
        let _ = write!(
            out,
            "{},{},{},{:.6},{:.4},{:.4},{:.4}",
            r.variant, r.k, r.seeds, r.residue, r.traffic, r.t_ave, r.t_last
        );
        match r.published {
            Some([s, m, a, l]) => {
                let _ = writeln!(out, ",{s},{m},{a},{l}");
            }
            None => out.push_str(",,,,\n"),
        }
    }
    out
}
