//! Multi-Paxos (`protocols/paxos`) in the registry: `[protocol.params]` is `paxos::Config`,
//! `[workload]` is `kv::WorkloadConfig`.

use super::kv_common::{
    PARAMS, client_metrics, history_edn, linearizable, param_error, parse_command, workload,
};
use super::lincheck;
use super::vocabulary::{KV_CLIENT_METRICS, MetricShape, PAXOS_FIELDS, PAXOS_KINDS, Vocabulary};
use super::{Adapter, Capabilities, CheckResult, Driver, Metrics, Protocol, Run};
use crate::error::ScenarioError;
use crate::scenario::Scenario;
use paxos::PaxosNode;
use sim_core::{MarkKind, NodeId, Simulation};

/// The registry entry.
pub struct PaxosProtocol;

/// What `clustersim new paxos` prints.
pub const TEMPLATE: &str = include_str!("templates/paxos.toml");

/// Paxos's adapter: metrics from `paxos::metrics`, linearizability at the end.
#[derive(Clone)]
struct PaxosAdapter {
    linearizable: bool,
}

impl Adapter<PaxosNode> for PaxosAdapter {
    fn metrics(&self, sim: &Simulation<PaxosNode>, out: &mut Metrics) {
        let m = paxos::metrics(sim);
        out.set("slots", m.slots as f64);
        out.set("commands_per_slot", m.commands_per_slot);
        out.set("leader_changes", m.leader_changes as f64);
        if let Some(r) = m.recovery_ms {
            out.set("recovery_ms", r);
        }
        client_metrics(&paxos::clients(sim), out);
    }

    fn check_names(&self) -> Vec<&'static str> {
        lincheck::names(self.linearizable)
    }

    fn finish(&mut self, sim: &mut Simulation<PaxosNode>) -> Vec<CheckResult> {
        if self.linearizable {
            vec![linearizable(&paxos::clients(sim))]
        } else {
            Vec::new()
        }
    }

    fn history_edn(&self, sim: &Simulation<PaxosNode>) -> Option<Result<String, String>> {
        Some(history_edn(&paxos::clients(sim)))
    }

    fn submit(&mut self, sim: &mut Simulation<PaxosNode>, command: &str) -> Result<String, String> {
        let op = parse_command(command)?;
        let client = sim
            .nodes()
            .live()
            .find(|(_, n)| n.client().is_some())
            .map(|(id, _)| id)
            .ok_or("no client is running (add clients in [workload])")?;
        let label = format!("submit {command}");
        sim.input(client, &label, |node, ctx| {
            if let Some(c) = node.client_mut() {
                c.submit(op, ctx);
            }
        })
        .map_err(|e| e.to_string())?;
        Ok(format!("submitted by {client}"))
    }

    fn leader(&self, sim: &Simulation<PaxosNode>, _servers: u32) -> Option<NodeId> {
        paxos::leader(sim)
    }

    /// Converged: a leader, and every running server has applied as many slots as it.
    fn converged(&self, sim: &Simulation<PaxosNode>) -> Option<bool> {
        let leader = paxos::leader(sim)?;
        let applied = sim.node(leader)?.server()?.replica().applied();
        Some(
            sim.nodes()
                .live()
                .filter_map(|(_, n)| n.server())
                .all(|s| s.replica().applied() == applied),
        )
    }
}

impl Protocol for PaxosProtocol {
    fn memory_estimate(&self, servers: u32) -> Option<u64> {
        Some(super::pairwise_memory(servers, 32))
    }
    fn vocabulary(&self) -> Vocabulary {
        let mut metrics = vec![
            ("slots", MetricShape::Value),
            ("commands_per_slot", MetricShape::Value),
            ("leader_changes", MetricShape::Value),
            ("recovery_ms", MetricShape::Value),
        ];
        metrics.extend(KV_CLIENT_METRICS);
        Vocabulary {
            metrics,
            fields: PAXOS_FIELDS.to_vec(),
            kinds: PAXOS_KINDS.to_vec(),
        }
    }

    fn name(&self) -> &'static str {
        "paxos"
    }
    fn summary(&self) -> &'static str {
        "Multi-Paxos with a stable leader serving the shared linearizable key-value store"
    }
    fn template(&self) -> &'static str {
        TEMPLATE
    }
    fn example_command(&self) -> &'static str {
        "append x 2"
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
        let config: paxos::Config = s.params()?;
        let servers = s.cluster.servers();
        config
            .validate_for(servers)
            .map_err(|e| param_error(s, PARAMS, &e))?;
        let work = workload(s)?;
        let sim = if s.checks.invariants {
            paxos::cluster::build(s.sim_config(seed), &config, servers, &work)
        } else {
            Simulation::new(
                s.sim_config(seed),
                paxos::cluster::cluster(&config, servers, &work),
            )
        }
        .map_err(|e| ScenarioError::sim(format!("{}: building paxos", s.origin.file), e))?;
        let adapter = PaxosAdapter {
            linearizable: s.checks.linearizable() && work.record,
        };
        Ok(Box::new(Driver::new("paxos", sim, servers, adapter)))
    }
}
