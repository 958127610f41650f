//! Building a cluster and reading a finished (or running) simulation.

use crate::checkers::add_checkers;
use crate::node::{NodeConfig, Role};
use crate::{Config, PaxosNode};
use kv::{Client, ClientConfig, KvInput, KvOutput, WorkloadConfig};
use sim_core::history::{Budget, History, HistoryError, Report};
use sim_core::{NodeId, SimConfig, SimError, Simulation};
use std::sync::Arc;

/// The node configurations of a cluster: servers get ids `0..servers`, then
/// `workload.clients` clients follow, each asking the servers in id order.
///
/// Call [`Config::validate_for`] with the same `servers` first: a cluster whose quorums do
/// not fit or do not intersect is built, but never makes (safe) progress.
pub fn cluster(config: &Config, servers: u32, workload: &WorkloadConfig) -> Vec<NodeConfig> {
    let config = Arc::new(config.clone());
    let ids: Arc<[NodeId]> = (0..servers).map(NodeId).collect();
    let mut nodes: Vec<NodeConfig> = (0..servers)
        .map(|_| NodeConfig {
            config: config.clone(),
            role: Role::Server {
                servers: ids.clone(),
            },
        })
        .collect();
    let client = ClientConfig {
        workload: workload.clone(),
        servers: ids.to_vec(),
    };
    nodes.extend((0..workload.clients).map(|_| NodeConfig {
        config: config.clone(),
        role: Role::Client(client.clone()),
    }));
    nodes
}

/// A ready simulation: the cluster, its clients, and every checker attached, so that a test or
/// a tool starts from one call and never forgets the checkers (the same call as
/// `raft::cluster::build`).
pub fn build(
    sim: SimConfig,
    config: &Config,
    servers: u32,
    workload: &WorkloadConfig,
) -> Result<Simulation<PaxosNode>, SimError> {
    config
        .validate_for(servers)
        .map_err(|why| SimError::Invalid {
            what: "configuration".into(),
            why,
        })?;
    workload.validate().map_err(|why| SimError::Invalid {
        what: "configuration".into(),
        why,
    })?;
    let mut s = Simulation::new(sim, cluster(config, servers, workload))?;
    add_checkers(&mut s);
    Ok(s)
}

/// The live server that leads under the highest ballot, if any server leads.
pub fn leader(sim: &Simulation<PaxosNode>) -> Option<NodeId> {
    sim.nodes()
        .live()
        .filter_map(|(id, n)| n.server()?.leading().map(|b| (b, id)))
        .max()
        .map(|(_, id)| id)
}

/// The running clients.
pub fn clients(sim: &Simulation<PaxosNode>) -> Vec<&Client> {
    let nodes = sim.nodes();
    (0..nodes.len())
        .filter_map(|i| nodes.get(NodeId(i as u32))?.client())
        .collect()
}

/// The clients' recorded operations as one history (empty when the workload does not
/// record).
pub fn history(sim: &Simulation<PaxosNode>) -> Result<History<KvInput, KvOutput>, HistoryError> {
    kv::collect_history(clients(sim))
}

/// Checks the clients' history for linearizability against the key-value model.
pub fn check_history(
    sim: &Simulation<PaxosNode>,
    budget: &Budget,
) -> Result<Report<String>, HistoryError> {
    Ok(kv::check_linearizable(&history(sim)?, budget))
}
