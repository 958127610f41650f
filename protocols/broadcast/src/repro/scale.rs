//! Push-pull anti-entropy on a very large cluster (100,000 nodes by default): a few
//! broadcasts from spread-out origins at time 0, run until every node has every one of them.

use crate::{BroadcastNode, Config, Direction, Metrics};
use sim_core::{
    Duration, Latency, LinkModel, NetworkConfig, NodeId, SimConfig, SimError, Simulation, Time,
};

/// The run's shape.
#[derive(Clone, Debug, PartialEq)]
pub struct Setup {
    /// Cluster size.
    pub nodes: u32,
    /// Broadcasts made at time 0, from evenly spread origins.
    pub broadcasts: u32,
    /// Anti-entropy period.
    pub period: Duration,
    /// One-way latency: uniform between these.
    pub latency: (Duration, Duration),
    /// Most periods to run before giving up.
    pub max_rounds: u64,
}

impl Default for Setup {
    /// 100,000 nodes, 10 broadcasts, 1 s period, 5–15 ms latency, at most 100 periods.
    fn default() -> Self {
        Setup {
            nodes: 100_000,
            broadcasts: 10,
            period: Duration::from_secs(1),
            latency: (Duration::from_millis(5), Duration::from_millis(15)),
            max_rounds: 100,
        }
    }
}

/// Builds the simulation and makes the broadcasts (nodes started, time 0).
pub fn build(setup: &Setup, seed: u64) -> Result<Simulation<BroadcastNode>, SimError> {
    let config = Config::anti_entropy(Direction::PushPull, 1, setup.period).prepare(setup.nodes)?;
    let sim_config = SimConfig {
        seed,
        network: NetworkConfig {
            default: LinkModel::with_latency(Latency::uniform(setup.latency.0, setup.latency.1)),
            ..NetworkConfig::default()
        },
        ..SimConfig::default()
    };
    let mut sim: Simulation<BroadcastNode> =
        Simulation::new(sim_config, vec![config; setup.nodes as usize])?;
    sim.run_until(Time::ZERO)?;
    let step = (setup.nodes / setup.broadcasts.max(1)).max(1);
    for b in 0..setup.broadcasts.min(setup.nodes) {
        sim.input(NodeId(b * step), "broadcast", |n, ctx| {
            n.broadcast(u64::from(b), ctx);
        })?;
    }
    Ok(sim)
}

/// Runs period by period until every node has every broadcast (or `max_rounds` passed);
/// returns the periods run and the figures.
pub fn run(sim: &mut Simulation<BroadcastNode>, setup: &Setup) -> Result<(u64, Metrics), SimError> {
    let want = u64::from(setup.broadcasts.min(setup.nodes));
    let mut rounds = 0;
    while rounds < setup.max_rounds {
        sim.run_for(setup.period)?;
        rounds += 1;
        if sim
            .nodes()
            .iter()
            .all(|n| n.is_some_and(|n| n.seen().len() >= want))
        {
            break;
        }
    }
    Ok((
        rounds,
        Metrics::compute(sim.nodes(), sim.stats(), Some(setup.period)),
    ))
}
