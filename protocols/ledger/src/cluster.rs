//! Building a ledger cluster: servers first (ids `0..servers`), then the producers, then the
//! readers.

use crate::checkers::add_checkers;
use crate::config::LedgerConfig;
use crate::machine::Ledger;
use crate::node::{LedgerNode, NodeConfig, Role};
use crate::workload::LedgerWorkload;
use rsm::{Client, ClientConfig, Workload};
use sim_core::{NodeId, SimConfig, SimError, Simulation};
use std::sync::Arc;

/// The nodes of a cluster of `servers` servers and the workload's producers.
pub fn cluster(config: &LedgerConfig, servers: u32, workload: &LedgerWorkload) -> Vec<NodeConfig> {
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
    nodes.extend((0..workload.load().clients).map(|_| NodeConfig {
        config: config.clone(),
        role: Role::Client(client.clone()),
    }));
    nodes.extend((0..workload.readers).map(|_| NodeConfig {
        config: config.clone(),
        role: Role::Reader {
            servers: ids.clone(),
            every: workload.read_every,
            start: workload.start,
        },
    }));
    nodes
}

/// A checked simulation of a ledger cluster: parameters validated, every checker on.
pub fn build(
    sim: SimConfig,
    config: &LedgerConfig,
    servers: u32,
    workload: &LedgerWorkload,
) -> Result<Simulation<LedgerNode>, SimError> {
    let mut s = build_unchecked(sim, config, servers, workload)?;
    add_checkers(&mut s);
    Ok(s)
}

/// The same cluster, parameters validated, without the per-event checkers (a long benchmark
/// run).
pub fn build_unchecked(
    sim: SimConfig,
    config: &LedgerConfig,
    servers: u32,
    workload: &LedgerWorkload,
) -> Result<Simulation<LedgerNode>, SimError> {
    let invalid = |why: String| SimError::Invalid {
        what: "configuration".into(),
        why,
    };
    if servers == 0 {
        return Err(invalid("a ledger needs at least one server".into()));
    }
    config.validate()?;
    workload.validate().map_err(|e| e.within("workload"))?;
    Simulation::new(sim, cluster(config, servers, workload))
}

/// The leader, if one server leads (the one with the longest chain if several think so).
pub fn leader(sim: &Simulation<LedgerNode>) -> Option<NodeId> {
    sim.nodes()
        .live()
        .filter_map(|(id, n)| {
            let s = n.server()?;
            s.is_leader().then(|| (s.ledger().height(), id))
        })
        .max()
        .map(|(_, id)| id)
}

/// The producers, in id order.
pub fn clients(sim: &Simulation<LedgerNode>) -> Vec<&Client<Ledger>> {
    let nodes = sim.nodes();
    (0..nodes.len())
        .filter_map(|i| nodes.get(NodeId(i as u32))?.client())
        .collect()
}

/// The producers' recorded operations as one history (empty when the workload does not
/// record).
pub fn history(
    sim: &Simulation<LedgerNode>,
) -> Result<
    sim_core::history::History<crate::op::LedgerOp, crate::op::LedgerAnswer>,
    sim_core::history::HistoryError,
> {
    rsm::collect_history(clients(sim))
}

/// The benchmark's cluster: 5 servers on Raft, 10 producers at 100 records a second each
/// (1,000 a second), blocks of 100 records or 100 ms, scrubbing at 20 blocks a second, no
/// histories kept and no checkers. The Raft leader gathers records for 5 ms before it
/// appends them (`batch_delay`): a record waits up to a block's 100 ms anyway, and one
/// AppendEntries then carries about five.
pub fn benchmark() -> Result<Simulation<LedgerNode>, SimError> {
    let mut config = LedgerConfig::default();
    config.raft.batch_delay = sim_core::Duration::from_millis(5);
    let workload = LedgerWorkload {
        clients: 10,
        pacing: rsm::Pacing::Rate { per_second: 100.0 },
        record: false,
        ..LedgerWorkload::default()
    };
    build_unchecked(SimConfig::default(), &config, 5, &workload)
}
