//! Reproductions of published results and the scale run, shared by the examples (which print
//! the full figures) and the tests (which check the claims on smaller settings).
//!
//! - [`demers`]: the rumor-mongering tables of Demers et al. (1987) for 1000 sites.
//! - [`efficient`]: the batched tree broadcast on 25 nodes under a partition nemesis.
//! - [`scale`]: push-pull anti-entropy on a very large cluster.

pub mod demers;
pub mod efficient;
pub mod scale;

use crate::{BroadcastNode, Prepared};
use sim_core::{Duration, Latency, LinkModel, NetworkConfig, SimConfig, SimError, Simulation};

/// A simulation of `n` nodes with the same configuration and a constant one-way latency.
pub fn constant_latency_sim(
    seed: u64,
    n: u32,
    latency: Duration,
    config: Prepared,
) -> Result<Simulation<BroadcastNode>, SimError> {
    let sim_config = SimConfig {
        seed,
        network: NetworkConfig {
            default: LinkModel::with_latency(Latency::constant(latency)),
            ..NetworkConfig::default()
        },
        ..SimConfig::default()
    };
    Simulation::new(sim_config, vec![config; n as usize])
}
