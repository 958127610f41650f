//! The hash-chained ledger (`protocols/ledger`) in the registry: `[protocol.params]` is
//! `ledger::LedgerConfig` (with `deployment = "raft"` or `"multi-paxos"`), `[workload]` is
//! `ledger::LedgerWorkload`, `[cluster] nodes` counts the servers.
//!
//! Checks: chains verify, no forks, blocks written match the chain, reads served match the
//! chain, and no client accepts a tampered record, after every event; at the end, every
//! acknowledged record in the chain and the producers' history linearizable.

use super::kv_common::{PARAMS, WORKLOAD, param_error};
use super::lincheck::{self, Nouns};
use super::vocabulary::{
    MetricShape, PAXOS_FIELDS, PAXOS_KINDS, RAFT_FIELDS, RAFT_KINDS, Vocabulary, union,
};
use super::{Adapter, Capabilities, CheckResult, Driver, Metrics, Protocol, Run};
use crate::error::ScenarioError;
use crate::scenario::Scenario;
use ledger::{Entry, Hash32, LedgerConfig, LedgerModel, LedgerNode, LedgerOp, LedgerWorkload};
use rsm::Workload;
use sim_core::{MarkKind, NodeId, Simulation};

/// The registry entry.
pub struct LedgerProtocol;

/// What `clustersim new ledger` prints.
pub const TEMPLATE: &str = include_str!("templates/ledger.toml");

/// The ledger adapter.
/// The end-of-run check that every acknowledged append is in the agreed chain.
const ACKED_IN_CHAIN: &str = "ledger: acknowledged records in the chain";

#[derive(Clone)]
struct LedgerAdapter {
    linearizable: bool,
    /// Records typed by a person so far, to number them.
    typed: u64,
}

impl Adapter<LedgerNode> for LedgerAdapter {
    fn metrics(&self, sim: &Simulation<LedgerNode>, out: &mut Metrics) {
        let m = ledger::metrics(sim);
        out.set("records", m.records as f64);
        out.set("blocks", m.blocks as f64);
        out.set("data_bytes", m.bytes as f64);
        out.set("records_per_s", m.records_per_s);
        out.set("blocks_per_s", m.blocks_per_s);
        out.set("data_bytes_per_s", m.bytes_per_s);
        if let Some(v) = m.chain_bytes_per_record {
            out.set("chain_bytes_per_record", v);
        }
        if let Some(v) = m.commit_ms_p50 {
            out.set("commit_ms_p50", v);
        }
        if let Some(v) = m.commit_ms_p99 {
            out.set("commit_ms_p99", v);
        }
        if let Some(v) = m.inclusion_ms_p50 {
            out.set("inclusion_ms_p50", v);
        }
        if let Some(v) = m.inclusion_ms_p99 {
            out.set("inclusion_ms_p99", v);
        }
        out.set("blocks_damaged", m.damaged as f64);
        out.set("blocks_repaired", m.repaired as f64);
        if let Some(v) = m.repair_ms_mean {
            out.set("damage_to_repair_ms_mean", v);
        }
        if let Some(v) = m.repair_ms_max {
            out.set("damage_to_repair_ms_max", v);
        }
        let (accepted, rejected) =
            sim.nodes()
                .live()
                .filter_map(|(_, n)| n.reader())
                .fold((0, 0), |(a, r), reader| {
                    let c = reader.counters();
                    (a + c.accepted, r + c.rejected)
                });
        out.set("reads_accepted", accepted as f64);
        out.set("reads_turned_down", rejected as f64);
        let clients = ledger::cluster::clients(sim);
        let (issued, completed, gave_up, _) = clients.iter().fold((0, 0, 0, 0), |a, c| {
            let (i, d, g, s) = c.counts();
            (a.0 + i, a.1 + d, a.2 + g, a.3 + s)
        });
        out.set("ops_issued", issued as f64);
        out.set("ops_completed", completed as f64);
        out.set("ops_gave_up", gave_up as f64);
        for c in clients {
            for &ns in c.latencies() {
                out.sample("op_latency_ms", ns as f64 / 1e6);
            }
        }
    }

    fn check_names(&self) -> Vec<&'static str> {
        let mut out = vec![ACKED_IN_CHAIN];
        out.extend(lincheck::names(self.linearizable));
        out
    }

    fn finish(&mut self, sim: &mut Simulation<LedgerNode>) -> Vec<CheckResult> {
        if sim.violation().is_some() {
            return Vec::new();
        }
        let name = ACKED_IN_CHAIN;
        let mut out = vec![match ledger::checkers::acked_records_in_chain(sim) {
            Ok(()) => CheckResult::pass(
                name,
                format!(
                    "{} records, {} blocks",
                    ledger::metrics(sim).records,
                    ledger::metrics(sim).blocks
                ),
            ),
            Err(why) => CheckResult::fail(name, why),
        }];
        if self.linearizable {
            let nouns = Nouns {
                ops: "appends",
                parts: "ledger",
                part: "ledger",
            };
            out.push(lincheck::linearizable(
                &LedgerModel,
                ledger::cluster::history(sim),
                nouns,
            ));
        }
        out
    }

    fn leader(&self, sim: &Simulation<LedgerNode>, _servers: u32) -> Option<NodeId> {
        ledger::cluster::leader(sim)
    }

    /// Converged: a leader, and every running server holds its chain, checked, on disk.
    fn converged(&self, sim: &Simulation<LedgerNode>) -> Option<bool> {
        let leader = ledger::cluster::leader(sim)?;
        let head = sim.node(leader)?.server()?.ledger().head();
        Some(sim.nodes().live().filter_map(|(_, n)| n.server()).all(|s| {
            s.ledger().head() == head && s.stored() == head.0 && s.missing().next().is_none()
        }))
    }

    /// `append TEXT`: a producer submits a record of the text.
    fn submit(
        &mut self,
        sim: &mut Simulation<LedgerNode>,
        command: &str,
    ) -> Result<String, String> {
        let Some(text) = command
            .strip_prefix("append ")
            .map(str::trim)
            .filter(|t| !t.is_empty())
        else {
            return Err(format!(
                "expected `append TEXT` (such as `append model-v2 weights`), got {command:?}"
            ));
        };
        let client = sim
            .nodes()
            .live()
            .find(|(_, n)| n.client().is_some())
            .map(|(id, _)| id)
            .ok_or("no producer is running (add clients in [workload])")?;
        self.typed += 1;
        let entry = Entry {
            id: ledger::RecordId {
                producer: client.0,
                number: u64::MAX - self.typed,
            },
            data: Hash32::of_data(text.as_bytes()),
            size: text.len() as u64,
            time: sim.now().0,
        };
        sim.input(client, &format!("submit {command}"), |node, ctx| {
            if let Some(c) = node.client_mut() {
                c.submit(LedgerOp::Append(entry.into()), ctx);
            }
        })
        .map_err(|e| e.to_string())?;
        Ok(format!("submitted by {client}: data {}", entry.data))
    }
}

impl Protocol for LedgerProtocol {
    fn memory_estimate(&self, servers: u32) -> Option<u64> {
        Some(super::pairwise_memory(servers, 32))
    }
    fn vocabulary(&self) -> Vocabulary {
        let names = [
            "records",
            "blocks",
            "data_bytes",
            "records_per_s",
            "blocks_per_s",
            "data_bytes_per_s",
            "chain_bytes_per_record",
            "commit_ms_p50",
            "commit_ms_p99",
            "inclusion_ms_p50",
            "inclusion_ms_p99",
            "blocks_damaged",
            "blocks_repaired",
            "damage_to_repair_ms_mean",
            "damage_to_repair_ms_max",
            "reads_accepted",
            "reads_turned_down",
            "ops_issued",
            "ops_completed",
            "ops_gave_up",
        ];
        let mut metrics = names.map(|n| (n, MetricShape::Value)).to_vec();
        metrics.push(("op_latency_ms", MetricShape::Samples));
        let own = [
            "chain head",
            "blocks on disk (checked)",
            "records waiting",
            "repairing",
            "blocks scrubbed",
            "blocks repaired",
        ];
        let kinds = [
            "Request",
            "Fetch",
            "Blocks",
            "HeadQuery",
            "Head",
            "Read",
            "ReadAnswer",
        ];
        Vocabulary {
            metrics,
            fields: union(&union(&RAFT_FIELDS, &PAXOS_FIELDS), &own),
            kinds: union(&union(&kinds, &RAFT_KINDS), &PAXOS_KINDS),
        }
    }

    fn name(&self) -> &'static str {
        "ledger"
    }
    fn summary(&self) -> &'static str {
        "a hash-chained ledger of records, blocks agreed by Raft or Multi-Paxos, scrubbed and repaired"
    }
    fn template(&self) -> &'static str {
        TEMPLATE
    }
    fn example_command(&self) -> &'static str {
        "append model-v2 weights"
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            disk: true,
            leader: true,
            convergence: true,
            linearizability: true,
            clients: true,
            keys: false,
            topology: false,
            marks: &[MarkKind::Elected, MarkKind::Committed],
        }
    }
    fn build(&self, s: &Scenario, seed: u64) -> Result<Box<dyn Run>, ScenarioError> {
        let config: LedgerConfig = s.params()?;
        config.validate().map_err(|e| param_error(s, PARAMS, &e))?;
        let work: LedgerWorkload = s.workload()?.unwrap_or_default();
        work.validate().map_err(|e| param_error(s, WORKLOAD, &e))?;
        let servers = s.cluster.servers();
        let build = if s.checks.invariants {
            ledger::cluster::build
        } else {
            ledger::cluster::build_unchecked
        };
        let sim = build(s.sim_config(seed), &config, servers, &work).map_err(|e| {
            ScenarioError::sim(format!("{}: building the ledger", s.origin.file), e)
        })?;
        let adapter = LedgerAdapter {
            linearizable: s.checks.linearizable() && work.record,
            typed: 0,
        };
        Ok(Box::new(Driver::new("ledger", sim, servers, adapter)))
    }
}
