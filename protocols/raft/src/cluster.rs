//! Building a Raft cluster with clients, and reading results out of a finished run.

use crate::checkers::add_checkers;
use crate::config::Config;
use crate::node::{NodeConfig, RaftNode, Role};
use crate::server::{Change, Role as ServerRole};
use rsm::{Client, ClientConfig, StateMachine, Workload, collect_history};
use sim_core::history::{Budget, History, HistoryError, Model, Report};
use sim_core::{NodeId, SimConfig, SimError, Simulation, Violation};
use std::sync::Arc;

/// The node configurations of `servers` servers (ids `0..servers`, all voters) followed by
/// the workload's clients; the workload names the state machine replicated.
pub fn cluster<W: Workload>(
    config: &Config,
    servers: u32,
    workload: &W,
) -> Vec<NodeConfig<W::Machine>> {
    let raft = Arc::new(config.clone());
    let members: Vec<NodeId> = (0..servers).map(NodeId).collect();
    let mut nodes: Vec<NodeConfig<W::Machine>> = members
        .iter()
        .map(|_| NodeConfig {
            raft: raft.clone(),
            role: Role::Server {
                bootstrap: members.clone(),
            },
        })
        .collect();
    let client = ClientConfig {
        workload: workload.clone(),
        servers: members,
    };
    for _ in 0..workload.load().clients {
        nodes.push(NodeConfig {
            raft: raft.clone(),
            role: Role::Client(client.clone()),
        });
    }
    nodes
}

/// The benchmark run Raft is measured on (`kv::benchmark`'s load, seed 1, no history), with
/// every checker when `checkers`; one place so that the criterion bench and the hour-long
/// example measure exactly the same simulation.
pub fn benchmark(checkers: bool) -> Result<Simulation<RaftNode>, SimError> {
    let nodes = cluster(
        &Config::default(),
        kv::benchmark::SERVERS,
        &kv::benchmark::workload(false),
    );
    let config = SimConfig {
        seed: 1,
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(config, nodes)?;
    if checkers {
        add_checkers(&mut sim);
    }
    Ok(sim)
}

/// A ready simulation: the cluster, its clients, and every checker attached.
pub fn build<W: Workload>(
    sim: SimConfig,
    config: &Config,
    servers: u32,
    workload: &W,
) -> Result<Simulation<RaftNode<W::Machine>>, SimError> {
    config.validate()?;
    workload.validate().map_err(|e| e.within("workload"))?;
    let mut s = Simulation::new(sim, cluster(config, servers, workload))?;
    add_checkers(&mut s);
    Ok(s)
}

/// The live server that leads the highest term, if any.
pub fn leader<S: StateMachine>(sim: &Simulation<RaftNode<S>>) -> Option<NodeId> {
    sim.nodes()
        .live()
        .filter_map(|(id, n)| n.server().map(|s| (id, s)))
        .filter(|(_, s)| s.role() == ServerRole::Leader)
        .max_by_key(|(_, s)| s.term())
        .map(|(id, _)| id)
}

/// The running clients, for what they measured and what they recorded.
pub fn clients<S: StateMachine>(sim: &Simulation<RaftNode<S>>) -> Vec<&Client<S>> {
    sim.nodes().live().filter_map(|(_, n)| n.client()).collect()
}

/// The clients' operations as one history for the linearizability checker.
pub fn history<S: StateMachine>(
    sim: &Simulation<RaftNode<S>>,
) -> Result<History<S::Input, S::Output>, HistoryError> {
    collect_history(sim.nodes().live().filter_map(|(_, n)| n.client()))
}

/// Checks the clients' history for linearizability against the state machine's model, in one
/// call (the same call as `paxos::check_history`).
pub fn check_history<S: StateMachine>(
    sim: &Simulation<RaftNode<S>>,
    budget: &Budget,
) -> Result<Report<<S::Model as Model>::Key>, HistoryError> {
    Ok(rsm::check_linearizable::<S>(&history(sim)?, budget))
}

/// Proposes a membership change at the current leader, now.
pub fn change_membership<S: StateMachine>(
    sim: &mut Simulation<RaftNode<S>>,
    change: Change,
) -> Result<Option<Violation>, String> {
    let leader = leader(sim).ok_or("no leader to propose the change to")?;
    let mut outcome = Ok(0);
    let label = format!("membership {change:?}");
    let violation = sim
        .input(leader, &label, |node, ctx| {
            if let Some(s) = node.server_mut() {
                outcome = s.propose_change(change, ctx);
            }
        })
        .map_err(|e| e.to_string())?;
    outcome.map(|_| violation)
}

/// Has client `client` issue `op` now (ahead of its own workload).
pub fn submit<S: StateMachine>(
    sim: &mut Simulation<RaftNode<S>>,
    client: NodeId,
    op: S::Input,
) -> Result<Option<Violation>, String> {
    let is_client = sim.node(client).is_some_and(|n| n.client().is_some());
    if !is_client {
        return Err(format!("{client} is not a running client"));
    }
    let label = format!("submit {op:?}");
    sim.input(client, &label, |node, ctx| {
        if let Some(c) = node.client_mut() {
            c.submit(op, ctx);
        }
    })
    .map_err(|e| e.to_string())
}
