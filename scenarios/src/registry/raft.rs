//! Raft (`protocols/raft`) in the registry: `[protocol.params]` is `raft::Config`,
//! `[workload]` is `kv::WorkloadConfig`.

use super::kv_common::{
    PARAMS, client_metrics, history_edn, linearizable, param_error, parse_command, workload,
};
use super::lincheck;
use super::vocabulary::{KV_CLIENT_METRICS, MetricShape, RAFT_FIELDS, RAFT_KINDS, Vocabulary};
use super::{Adapter, Capabilities, CheckResult, Driver, Metrics, Protocol, Run};
use crate::error::ScenarioError;
use crate::scenario::Scenario;
use raft::RaftNode;
use sim_core::{MarkKind, NodeId, Simulation};

/// The registry entry.
pub struct RaftProtocol;

/// What `clustersim new raft` prints.
pub const TEMPLATE: &str = include_str!("templates/raft.toml");

/// Raft's adapter: metrics from `raft::metrics`, linearizability at the end.
#[derive(Clone)]
struct RaftAdapter {
    linearizable: bool,
}

impl Adapter<RaftNode> for RaftAdapter {
    fn metrics(&self, sim: &Simulation<RaftNode>, out: &mut Metrics) {
        let m = raft::metrics(sim);
        out.set("elections", m.elections as f64);
        out.set("bytes_per_command", m.bytes_per_command);
        client_metrics(&raft::clients(sim), out);
        let commit =
            raft::leader(sim).and_then(|l| sim.node(l)?.server().map(|s| s.commit_index()));
        out.set("leader_commit_index", commit.unwrap_or(0) as f64);
    }

    fn check_names(&self) -> Vec<&'static str> {
        lincheck::names(self.linearizable)
    }

    fn finish(&mut self, sim: &mut Simulation<RaftNode>) -> Vec<CheckResult> {
        if self.linearizable {
            vec![linearizable(&raft::clients(sim))]
        } else {
            Vec::new()
        }
    }

    fn history_edn(&self, sim: &Simulation<RaftNode>) -> Option<Result<String, String>> {
        Some(history_edn(&raft::clients(sim)))
    }

    fn submit(&mut self, sim: &mut Simulation<RaftNode>, command: &str) -> Result<String, String> {
        let op = parse_command(command)?;
        let client = sim
            .nodes()
            .live()
            .find(|(_, n)| n.client().is_some())
            .map(|(id, _)| id)
            .ok_or("no client is running (add clients in [workload])")?;
        raft::cluster::submit(sim, client, op)?;
        Ok(format!("submitted by {client}"))
    }

    fn leader(&self, sim: &Simulation<RaftNode>, _servers: u32) -> Option<NodeId> {
        raft::leader(sim)
    }

    /// Converged: a leader, and every running server has applied everything it committed.
    fn converged(&self, sim: &Simulation<RaftNode>) -> Option<bool> {
        let leader = raft::leader(sim)?;
        let commit = sim.node(leader)?.server()?.commit_index();
        Some(
            sim.nodes()
                .live()
                .filter_map(|(_, n)| n.server())
                .all(|s| s.applied_index() == commit),
        )
    }
}

impl Protocol for RaftProtocol {
    fn memory_estimate(&self, servers: u32) -> Option<u64> {
        Some(super::pairwise_memory(servers, 24))
    }
    fn vocabulary(&self) -> Vocabulary {
        let mut metrics = vec![
            ("elections", MetricShape::Value),
            ("bytes_per_command", MetricShape::Value),
            ("leader_commit_index", MetricShape::Value),
        ];
        metrics.extend(KV_CLIENT_METRICS);
        Vocabulary {
            metrics,
            fields: RAFT_FIELDS.to_vec(),
            kinds: RAFT_KINDS.to_vec(),
        }
    }

    fn name(&self) -> &'static str {
        "raft"
    }
    fn summary(&self) -> &'static str {
        "Raft with pre-vote, CheckQuorum, snapshots and a linearizable key-value service"
    }
    fn template(&self) -> &'static str {
        TEMPLATE
    }
    fn example_command(&self) -> &'static str {
        "put x 1"
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            disk: true,
            leader: true,
            convergence: true,
            linearizability: true,
            clients: true,
            keys: true,
            topology: false,
            marks: &[MarkKind::Elected, MarkKind::Committed],
        }
    }
    fn build(&self, s: &Scenario, seed: u64) -> Result<Box<dyn Run>, ScenarioError> {
        let config: raft::Config = s.params()?;
        config.validate().map_err(|e| param_error(s, PARAMS, &e))?;
        let work = workload(s)?;
        let servers = s.cluster.servers();
        let mut sim = if s.checks.invariants {
            raft::cluster::build(s.sim_config(seed), &config, servers, &work)
        } else {
            Simulation::new(
                s.sim_config(seed),
                raft::cluster::cluster(&config, servers, &work),
            )
        }
        .map_err(|e| ScenarioError::sim(format!("{}: building raft", s.origin.file), e))?;
        if !s.checks.invariants {
            sim.annotate("invariant checkers off ([checks] invariants = false)");
        }
        let adapter = RaftAdapter {
            linearizable: s.checks.linearizable() && work.record,
        };
        Ok(Box::new(Driver::new("raft", sim, servers, adapter)))
    }
}
