//! The efficient broadcast for a service that receives many broadcasts: 25 nodes, 100 ms
//! one-way latency, 100 broadcasts per second (Poisson, from every node) for 20 virtual
//! seconds, under a partition nemesis that splits the cluster into random halves and heals
//! before the end. Broadcasts are batched over the spanning tree (a star on the complete
//! overlay, rooted at n0); push-pull anti-entropy with the tree parent and a random node
//! repairs what the cuts made the tree miss, sending only what has been held longer than the
//! tree needs to reach everyone (2 x (batch + latency)).
//!
//! A broadcast that cannot cross a cut waits for the heal, so the largest latency is at least
//! the length of the longest cut; with 1 s cuts it stays under 2 s.
//!
//! Targets: every broadcast delivered everywhere, fewer than 20 messages per broadcast,
//! median latency under 1 s and maximum under 2 s.

use super::constant_latency_sim;
use crate::{Config, Integrity, Metrics, NoDuplicateDelivery, Workload, check_agreement};
use serde::Serialize;
use sim_core::{Duration, Fault, NodeId, Outcome, PartitionSpec, SimError, Time};

/// The run's shape.
#[derive(Clone, Debug, PartialEq)]
pub struct Setup {
    /// Cluster size.
    pub nodes: u32,
    /// One-way latency of every link.
    pub latency: Duration,
    /// Broadcasts per second, over all nodes.
    pub rate: f64,
    /// How long broadcasts are made (from time 0).
    pub duration: Duration,
    /// How long the run goes on after the last broadcast, for the last ones to arrive.
    pub settle: Duration,
    /// Tree batch interval.
    pub batch: Duration,
    /// Anti-entropy period.
    pub repair: Duration,
    /// The partition nemesis.
    pub nemesis: Nemesis,
}

/// A nemesis that, from `first`, every `every` cuts the cluster into two random halves for
/// `length`, the last cut healing no later than `heal_by`.
#[derive(Clone, Debug, PartialEq)]
pub struct Nemesis {
    /// When the first cut happens (`None`: no nemesis).
    pub first: Option<Duration>,
    /// Time from one cut to the next.
    pub every: Duration,
    /// How long each cut lasts.
    pub length: Duration,
    /// Every cut is healed by then.
    pub heal_by: Duration,
}

impl Default for Setup {
    /// The setting: 25 nodes, 100 ms, 100 per second for 20 s; 100 ms batches and
    /// repair every 200 ms; 1 s cuts at 3 s, 8 s and 13 s (healed by 15 s).
    fn default() -> Self {
        Setup {
            nodes: 25,
            latency: Duration::from_millis(100),
            rate: 100.0,
            duration: Duration::from_secs(20),
            settle: Duration::from_secs(3),
            batch: Duration::from_millis(100),
            repair: Duration::from_millis(200),
            nemesis: Nemesis {
                first: Some(Duration::from_secs(3)),
                every: Duration::from_secs(5),
                length: Duration::from_secs(1),
                heal_by: Duration::from_secs(15),
            },
        }
    }
}

/// What a run gives.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The seed.
    pub seed: u64,
    /// The figures.
    pub metrics: Metrics,
    /// True if every node delivered every broadcast (and they agree).
    pub delivered_everywhere: bool,
    /// The first disagreement, if any.
    pub disagreement: Option<String>,
    /// The cuts made: when, and which nodes were on the first side.
    pub cuts: Vec<(Time, Time, Vec<NodeId>)>,
    /// The run's fingerprint.
    pub fingerprint: u64,
}

impl Report {
    /// True if the targets are met.
    pub fn meets_targets(&self) -> bool {
        self.delivered_everywhere
            && self.metrics.messages_per_broadcast < 20.0
            && self.metrics.latency_median < Duration::from_secs(1)
            && self.metrics.latency_max < Duration::from_secs(2)
    }
}

/// Runs one seed, with the duplicate-delivery and integrity checkers on.
pub fn run(setup: &Setup, seed: u64) -> Result<Report, SimError> {
    let settle = Duration(2 * (setup.batch.0 + setup.latency.0));
    let config = Config::efficient(NodeId(0), setup.batch, setup.repair, settle)
        .with_workload(Workload {
            origins: Vec::new(),
            rate: setup.rate,
            rate_per_node: None,
            start: Duration::ZERO,
            stop: setup.duration,
            limit: None,
            initial: Vec::new(),
        })
        .prepare(setup.nodes)?;
    let round = config.round_length();
    let mut sim = constant_latency_sim(seed, setup.nodes, setup.latency, config)?;
    sim.add_checker(NoDuplicateDelivery::default());
    sim.add_checker(Integrity::default());
    let cuts = schedule_nemesis(&mut sim, setup)?;
    let end = Time::ZERO + setup.duration + setup.settle;
    if let Outcome::Violated(v) = sim.run_until(end)? {
        return Err(SimError::Invalid {
            what: "run".into(),
            why: v.to_string(),
        });
    }
    let all: Vec<NodeId> = (0..setup.nodes).map(NodeId).collect();
    let disagreement = check_agreement(sim.nodes(), &all).err();
    let metrics = Metrics::compute(sim.nodes(), sim.stats(), round);
    Ok(Report {
        seed,
        delivered_everywhere: disagreement.is_none() && metrics.complete == metrics.broadcasts,
        disagreement,
        metrics,
        cuts,
        fingerprint: sim.fingerprint(),
    })
}

/// Draws the cuts from the faults stream and schedules them.
fn schedule_nemesis(
    sim: &mut sim_core::Simulation<crate::BroadcastNode>,
    setup: &Setup,
) -> Result<Vec<(Time, Time, Vec<NodeId>)>, SimError> {
    let mut cuts = Vec::new();
    let Some(first) = setup.nemesis.first else {
        return Ok(cuts);
    };
    let heal_by = Time::ZERO + setup.nemesis.heal_by;
    let mut at = Time::ZERO + first;
    while at < heal_by && setup.nemesis.every > Duration::ZERO {
        let heal = (at + setup.nemesis.length).min(heal_by);
        let mut ids: Vec<NodeId> = (0..setup.nodes).map(NodeId).collect();
        sim.faults_rng().shuffle(&mut ids);
        let mut side: Vec<NodeId> = ids[..ids.len() / 2].to_vec();
        side.sort();
        sim.schedule(
            at,
            Fault::Partition {
                spec: PartitionSpec::Groups(vec![side.clone()]),
            },
        )?;
        sim.schedule(heal, Fault::HealAll)?;
        cuts.push((at, heal, side));
        at += setup.nemesis.every;
    }
    Ok(cuts)
}
