//! Building a cluster and reading a finished (or running) simulation.

use crate::checkers::add_checkers;
use crate::node::{NodeConfig, Role};
use crate::{Config, PaxosNode};
use rsm::{Client, ClientConfig, StateMachine, Workload};
use sim_core::history::{Budget, History, HistoryError, Model, Report};
use sim_core::{NodeId, SimConfig, SimError, Simulation};
use std::sync::Arc;

/// The node configurations of a cluster: servers get ids `0..servers`, then
/// `workload.clients` clients follow, each asking the servers in id order.
///
/// Call [`Config::validate_for`] with the same `servers` first: a cluster whose quorums do
/// not fit or do not intersect is built, but never makes (safe) progress.
pub fn cluster<W: Workload>(
    config: &Config,
    servers: u32,
    workload: &W,
) -> Vec<NodeConfig<W::Machine>> {
    let config = Arc::new(config.clone());
    let ids: Arc<[NodeId]> = (0..servers).map(NodeId).collect();
    let mut nodes: Vec<NodeConfig<W::Machine>> = (0..servers)
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
    nodes.extend((0..workload.load().clients).map(|_| NodeConfig {
        config: config.clone(),
        role: Role::Client(client.clone()),
    }));
    nodes
}

/// A ready simulation: the cluster, its clients, and every checker attached, so that a test or
/// a tool starts from one call and never forgets the checkers (the same call as
/// `raft::cluster::build`).
pub fn build<W: Workload>(
    sim: SimConfig,
    config: &Config,
    servers: u32,
    workload: &W,
) -> Result<Simulation<PaxosNode<W::Machine>>, SimError> {
    config.validate_for(servers)?;
    workload.validate().map_err(|e| e.within("workload"))?;
    let mut s = Simulation::new(sim, cluster(config, servers, workload))?;
    add_checkers(&mut s);
    Ok(s)
}

/// The live server that leads under the highest ballot, if any server leads.
pub fn leader<S: StateMachine>(sim: &Simulation<PaxosNode<S>>) -> Option<NodeId> {
    sim.nodes()
        .live()
        .filter_map(|(id, n)| n.server()?.leading().map(|b| (b, id)))
        .max()
        .map(|(_, id)| id)
}

/// The running clients.
pub fn clients<S: StateMachine>(sim: &Simulation<PaxosNode<S>>) -> Vec<&Client<S>> {
    let nodes = sim.nodes();
    (0..nodes.len())
        .filter_map(|i| nodes.get(NodeId(i as u32))?.client())
        .collect()
}

/// The clients' recorded operations as one history (empty when the workload does not
/// record).
pub fn history<S: StateMachine>(
    sim: &Simulation<PaxosNode<S>>,
) -> Result<History<S::Input, S::Output>, HistoryError> {
    rsm::collect_history(clients(sim))
}

/// Checks the clients' history for linearizability against the state machine's model.
pub fn check_history<S: StateMachine>(
    sim: &Simulation<PaxosNode<S>>,
    budget: &Budget,
) -> Result<Report<<S::Model as Model>::Key>, HistoryError> {
    Ok(rsm::check_linearizable::<S>(&history(sim)?, budget))
}
