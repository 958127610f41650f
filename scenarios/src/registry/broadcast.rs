//! Broadcast and gossip (`protocols/broadcast`) in the registry: `[protocol.params]` is
//! `broadcast::Config`, `[workload]` is `broadcast::Workload` (Poisson broadcasts and the
//! initial ones), `[cluster] topology` restricts who talks to whom.
//!
//! Checks: no duplicate delivery and integrity (no phantom or altered delivery) after every
//! event; at the end, agreement among the correct nodes for the variants that promise it
//! (reliable, the tree broadcast, anything with anti-entropy). A node is correct if it is up
//! at the end and, unless anti-entropy can teach a restarted node what it forgot, never
//! restarted.

use super::kv_common::{PARAMS, WORKLOAD, invalid, param_error};
use super::overlay::{LEADERLESS, edges, overlay, parse_node, simulation};
use super::study::{DeliveryObserver, STUDY_METRICS};
use super::vocabulary::{MetricShape, Vocabulary};
use super::{Adapter, Capabilities, CheckResult, Driver, Metrics, Protocol, Run};
use crate::error::ScenarioError;
use crate::scenario::Scenario;
use broadcast::{BroadcastNode, Config, Integrity, NoDuplicateDelivery, Prepared, Workload};
use sim_core::{InvalidParam, NodeId, Simulation};

/// The registry entry.
pub struct BroadcastProtocol;

/// What `clustersim new broadcast` prints.
pub const TEMPLATE: &str = include_str!("templates/broadcast.toml");

/// The broadcast adapter: the configuration every node runs (for the round length, the
/// overlay and whether agreement is promised).
/// The end-of-run check that the correct nodes delivered the same broadcasts.
const AGREEMENT: &str = "agreement";

#[derive(Clone)]
struct BroadcastAdapter {
    config: Prepared,
}

impl BroadcastAdapter {
    /// The nodes agreement is judged among (see the module documentation).
    fn correct(&self, sim: &Simulation<BroadcastNode>) -> Vec<NodeId> {
        let forgiving = self.config.anti_entropy.is_some();
        sim.nodes()
            .live()
            .filter(|(_, n)| forgiving || n.incarnation() == 0)
            .map(|(id, _)| id)
            .collect()
    }

    /// Whether agreement among the correct nodes means something yet: some live node has
    /// delivered a broadcast, or some node has lost its state (restarted or down), in which
    /// case the broadcasts it held may be gone everywhere and agreeing on what is left (even
    /// on nothing) is all reliable broadcast promises. This keeps a run whose workload has
    /// not begun from counting as converged.
    fn agreement_is_meaningful(sim: &Simulation<BroadcastNode>) -> bool {
        let nodes = sim.nodes();
        nodes.iter().any(|n| match n {
            None => true,
            Some(n) => n.incarnation() > 0 || !n.deliveries().is_empty(),
        })
    }
}

impl Adapter<BroadcastNode> for BroadcastAdapter {
    fn metrics(&self, sim: &Simulation<BroadcastNode>, out: &mut Metrics) {
        let m = broadcast::Metrics::compute(sim.nodes(), sim.stats(), self.config.round_length());
        let ms = |d: sim_core::Duration| d.as_millis_f64();
        out.set("live_nodes", f64::from(m.live_nodes));
        out.set("broadcasts", m.broadcasts as f64);
        out.set("broadcasts_complete", m.complete as f64);
        out.set("deliveries", m.deliveries as f64);
        out.set("messages_per_broadcast", m.messages_per_broadcast);
        out.set("latency_median_ms", ms(m.latency_median));
        out.set("latency_p99_ms", ms(m.latency_p99));
        out.set("latency_max_ms", ms(m.latency_max));
        out.set("residue", m.residue);
        out.set("spread_mean_ms", ms(m.convergence_mean));
        out.set("spread_median_ms", ms(m.convergence_median));
        out.set("spread_p99_ms", ms(m.convergence_p99));
        out.set("spread_max_ms", ms(m.convergence_max));
        out.set("delivery_mean_ms", ms(m.delivery_mean));
        if let (Some(ave), Some(last), Some(last_max)) = (
            m.delivery_rounds_mean,
            m.convergence_rounds_mean,
            m.convergence_rounds_max,
        ) {
            out.set("t_ave_rounds", ave);
            out.set("t_last_rounds", last);
            out.set("t_last_max_rounds", last_max);
        }
        out.set("max_hops", f64::from(m.max_hops));
        out.set("traffic_per_node", m.traffic_mean);
        out.set("traffic_max", m.traffic_max as f64);
        out.set("update_traffic_per_node", m.update_traffic_mean);
        out.set("bytes_per_node", m.bytes_per_node);
        let hot: usize = sim.nodes().live().map(|(_, n)| n.hot_rumors()).sum();
        out.set("hot_rumors", hot as f64);
        if let Some(o) = sim.checker::<DeliveryObserver>() {
            o.write(sim.nodes(), out);
        }
    }

    fn check_names(&self) -> Vec<&'static str> {
        if self.config.promises_agreement() {
            vec![AGREEMENT]
        } else {
            Vec::new()
        }
    }

    fn finish(&mut self, sim: &mut Simulation<BroadcastNode>) -> Vec<CheckResult> {
        // A run stopped by a violated invariant never reached its end: judging agreement
        // there would only repeat the violation in other words.
        if !self.config.promises_agreement() || sim.violation().is_some() {
            return Vec::new();
        }
        let correct = self.correct(sim);
        let name = AGREEMENT;
        vec![match broadcast::check_agreement(sim.nodes(), &correct) {
            Ok(()) => {
                let delivered = correct
                    .first()
                    .and_then(|&id| sim.node(id))
                    .map_or(0, |n| n.seen().len());
                CheckResult::pass(
                    name,
                    format!(
                        "the {} correct nodes delivered the same {delivered} broadcasts",
                        correct.len()
                    ),
                )
            }
            Err(why) => CheckResult::fail(name, why),
        }]
    }

    fn topology(&self, _sim: &Simulation<BroadcastNode>, servers: u32) -> Vec<(NodeId, NodeId)> {
        edges(&self.config.overlay, servers)
    }

    /// `broadcast NODE [PAYLOAD]`: the node broadcasts the payload (0 if none is given).
    fn submit(
        &mut self,
        sim: &mut Simulation<BroadcastNode>,
        command: &str,
    ) -> Result<String, String> {
        let words: Vec<&str> = command.split_whitespace().collect();
        let (node, payload) = match words.as_slice() {
            ["broadcast", node] => (*node, 0),
            ["broadcast", node, payload] => (
                *node,
                payload
                    .parse::<u64>()
                    .map_err(|_| format!("expected a whole number payload, got {payload:?}"))?,
            ),
            _ => {
                return Err(format!(
                    "expected `broadcast NODE [PAYLOAD]` (such as `broadcast n2 42`), got {command:?}"
                ));
            }
        };
        let node = parse_node(node, sim.node_count())?;
        let mut made = None;
        sim.input(node, &format!("broadcast {payload}"), |n, ctx| {
            made = Some(n.broadcast(payload, ctx));
        })
        .map_err(|e| e.to_string())?;
        let id = made.ok_or("the node made no broadcast")?;
        Ok(format!("{node} broadcast {id} (payload {payload})"))
    }

    fn leader(&self, _sim: &Simulation<BroadcastNode>, _servers: u32) -> Option<NodeId> {
        None
    }

    /// Converged: the correct nodes have delivered the same broadcasts, once agreement means
    /// something (see `agreement_is_meaningful`).
    ///
    /// The watch asks after every probe while it waits, so nodes that have delivered
    /// different numbers of broadcasts (the usual case while broadcasts are in flight) are
    /// turned away without building the union of what they delivered.
    fn converged(&self, sim: &Simulation<BroadcastNode>) -> Option<bool> {
        let correct = self.correct(sim);
        let mut counts = correct
            .iter()
            .filter_map(|&id| sim.node(id))
            .map(|n| n.seen().len());
        if let Some(first) = counts.next()
            && counts.any(|c| c != first)
        {
            return Some(false);
        }
        Some(
            Self::agreement_is_meaningful(sim)
                && broadcast::check_agreement(sim.nodes(), &correct).is_ok(),
        )
    }
}

impl Protocol for BroadcastProtocol {
    fn vocabulary(&self) -> Vocabulary {
        let names = [
            "live_nodes",
            "broadcasts",
            "broadcasts_complete",
            "deliveries",
            "messages_per_broadcast",
            "latency_median_ms",
            "latency_p99_ms",
            "latency_max_ms",
            "residue",
            "spread_mean_ms",
            "spread_median_ms",
            "spread_p99_ms",
            "spread_max_ms",
            "delivery_mean_ms",
            "t_ave_rounds",
            "t_last_rounds",
            "t_last_max_rounds",
            "max_hops",
            "traffic_per_node",
            "traffic_max",
            "update_traffic_per_node",
            "bytes_per_node",
            "hot_rumors",
        ];
        let mut metrics = names.map(|n| (n, MetricShape::Value)).to_vec();
        metrics.extend(STUDY_METRICS);
        Vocabulary {
            metrics,
            fields: vec![
                "variant",
                "delivered",
                "broadcast here",
                "incarnation",
                "hot rumors",
                "parent",
                "children",
                "digest origins",
                "messages sent",
                "bytes sent",
            ],
            kinds: vec![
                "Flood", "Batch", "Rumor", "Feedback", "Digest", "Reply", "Repair",
            ],
        }
    }

    fn name(&self) -> &'static str {
        "broadcast"
    }
    fn summary(&self) -> &'static str {
        "best-effort, reliable, anti-entropy, rumor-mongering and batched tree broadcast over a topology"
    }
    fn template(&self) -> &'static str {
        TEMPLATE
    }
    fn example_command(&self) -> &'static str {
        "broadcast n2 42"
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            marks: &[sim_core::MarkKind::Delivered],
            ..LEADERLESS
        }
    }
    fn build(&self, s: &Scenario, seed: u64) -> Result<Box<dyn Run>, ScenarioError> {
        let mut config: Config = s.params()?;
        let load: Option<Workload> = s.workload()?;
        if load.is_some() && config.workload.is_some() {
            return Err(invalid(
                s,
                "the broadcast workload is given twice, in [workload] and in \
                 [protocol.params.workload]; keep one"
                    .to_string(),
            ));
        }
        let in_workload = load.is_some();
        if in_workload {
            config.workload = load;
        }
        let n = s.cluster.servers();
        let config = config
            .with_overlay(overlay(s, seed)?)
            .prepare(n)
            .map_err(|e| match e {
                broadcast::ConfigError::Invalid { field, why } => {
                    // The workload's fields are read from `[workload]` when the file puts
                    // it there.
                    let (table, field) = match field.strip_prefix("workload.") {
                        Some(f) if in_workload => (WORKLOAD, f),
                        _ => (PARAMS, field),
                    };
                    param_error(s, table, &InvalidParam::new(field, why))
                }
                other => invalid(s, format!("in [protocol.params]: {other}")),
            })?;
        let mut sim = simulation(s, seed, "broadcast", config.clone(), |sim| {
            sim.add_checker(NoDuplicateDelivery::default());
            sim.add_checker(Integrity::default());
        })?;
        if let Some(w) = &config.workload {
            let window = super::study::window(s, w.start, w.stop);
            sim.add_checker(DeliveryObserver::new(window, n));
        }
        Ok(Box::new(Driver::new(
            "broadcast",
            sim,
            n,
            BroadcastAdapter { config },
        )))
    }
}
