//! The layered group hierarchy (`protocols/layered`) in the registry: `[protocol.params]` is
//! `layered::Config`; the hierarchy is cut from the node ids, so the file names no topology.
//!
//! Checks: the node sanity invariant after every event; once the cluster is stable at the
//! end (see [`LayeredAdapter::finish`]), over the nodes up at the end, every group led by its
//! lowest live member and every live node holding the true aggregate of the live nodes'
//! values. `converged_by` waits for both.

use super::kv_common::{PARAMS, param_error};
use super::overlay::{LEADERLESS, no_workload, parse_set_value, simulation};
use super::study::{FreshnessObserver, STUDY_METRICS};
use super::vocabulary::{MetricShape, Vocabulary};
use super::{Adapter, Capabilities, CheckResult, Driver, Metrics, Protocol, Run};
use crate::error::ScenarioError;
use crate::scenario::Scenario;
use layered::{Config, LayeredNode, Layout, NodeSanity};
use sim_core::{Duration, InvalidParam, NodeId, Nodes, Simulation};

/// The registry entry.
pub struct LayeredProtocol;

/// What `clustersim new layered` prints.
pub const TEMPLATE: &str = include_str!("templates/layered.toml");

const SETTLE: &str = "layered: settle";
const LEADERS: &str = "layered: leaders";
const GLOBAL: &str = "layered: global aggregate";

/// The layered adapter: the configuration every node runs.
#[derive(Clone)]
struct LayeredAdapter {
    config: Config,
}

fn live(nodes: Nodes<'_, LayeredNode>) -> Vec<NodeId> {
    nodes.live().map(|(id, _)| id).collect()
}

impl Adapter<LayeredNode> for LayeredAdapter {
    fn metrics(&self, sim: &Simulation<LayeredNode>, out: &mut Metrics) {
        let nodes = sim.nodes();
        let up = live(nodes);
        let (mut sent, mut promotions, mut busiest) = (0u64, 0u64, 0u64);
        for (_, n) in nodes.live() {
            sent += n.sent().messages;
            busiest = busiest.max(n.sent().messages);
            promotions += n.promotions();
        }
        out.set("live_nodes", up.len() as f64);
        out.set(
            "layers",
            f64::from(Layout::new(self.config.group_size, sim.node_count()).top) + 1.0,
        );
        if !up.is_empty() {
            out.set("traffic_per_node", sent as f64 / up.len() as f64);
        }
        out.set("traffic_max", busiest as f64);
        out.set("promotions", promotions as f64);
        let truth = layered::true_aggregate(nodes, &up);
        out.set("true_count", truth.count as f64);
        out.set("true_sum", truth.sum as f64);
        // What the highest live id (a plain member, the farthest from the root) holds.
        if let Some(last) = up.last().and_then(|&id| nodes.get(id))
            && let Some(g) = last.global()
        {
            out.set("global_count", g.agg.count as f64);
            out.set("global_sum", g.agg.sum as f64);
            out.set("global_age_ms", (sim.now() - g.as_of).as_millis_f64());
        }
        if let Some(o) = sim.checker::<FreshnessObserver<LayeredNode>>() {
            o.write(out);
        }
    }

    /// The end checks are judged once the cluster is stable: when they do not hold at the
    /// end, the run goes on, with no new faults, for the time a repair under way takes (a
    /// timeout to notice a silent leader, then a period per layer up and a period per layer
    /// down, twice over), and they are judged at the first millisecond they hold, or at the
    /// end of that window.
    fn check_names(&self) -> Vec<&'static str> {
        vec![SETTLE, LEADERS, GLOBAL]
    }

    fn finish(&mut self, sim: &mut Simulation<LayeredNode>) -> Vec<CheckResult> {
        if sim.violation().is_some() {
            return Vec::new();
        }
        let up = live(sim.nodes());
        if up.is_empty() {
            return vec![CheckResult::fail(
                LEADERS,
                "no node is up at the end".to_string(),
            )];
        }
        let end = sim.now();
        let layers = u64::from(Layout::new(self.config.group_size, sim.node_count()).top) + 1;
        let window = self
            .config
            .timeout
            .saturating_add(Duration(self.config.period.0.saturating_mul(4 * layers)));
        let settled =
            layered::run_until_converged(sim, &up, Duration::from_millis(1), end + window);
        let after = match settled {
            Ok(Ok(at)) if at > end => format!(
                " (held {} after the end, once the repair under way at the end was done; settle window {window})",
                at - end
            ),
            Ok(_) => String::new(),
            Err(e) => {
                return vec![CheckResult::fail(
                    SETTLE,
                    format!("while waiting up to {window} after the end to settle: {e}"),
                )];
            }
        };
        let unsettled = if sim.now() > end {
            format!(" (at the end and still {window} later)")
        } else {
            String::new()
        };
        let nodes = sim.nodes();
        let verdict = |name: &str, r: Result<(), String>, ok: String| match r {
            Ok(()) => CheckResult::pass(name, format!("{ok}{after}")),
            Err(why) => CheckResult::fail(name, format!("{why}{unsettled}")),
        };
        let truth = layered::true_aggregate(nodes, &up);
        vec![
            verdict(
                LEADERS,
                layered::check_leaders(nodes, &up),
                format!(
                    "every group of the {} live nodes is led by its lowest live member",
                    up.len()
                ),
            ),
            verdict(
                GLOBAL,
                layered::check_global(nodes, &up),
                format!("every live node holds {truth}, the true aggregate of the live nodes"),
            ),
        ]
    }

    /// The hierarchy as first built: each layer-0 group's members, and at each layer above,
    /// the lowest ids of the sibling blocks (the leaders while every node is up).
    fn topology(&self, _sim: &Simulation<LayeredNode>, servers: u32) -> Vec<(NodeId, NodeId)> {
        let layout = Layout::new(self.config.group_size, servers);
        let mut edges = Vec::new();
        for layer in 0..=layout.top {
            let span = layout.span(layer);
            let mut first = 0u64;
            while first < u64::from(servers) {
                let a = NodeId(first as u32);
                for s in layout.sibling_slots(layer, a) {
                    if let Some(ids) = layout.sibling_ids(layer, a, s)
                        && ids.start > a.0
                    {
                        edges.push((a, NodeId(ids.start)));
                    }
                }
                first += span;
            }
        }
        edges
    }

    /// `set NODE VALUE`: the node's value changes; every node's global follows.
    fn submit(
        &mut self,
        sim: &mut Simulation<LayeredNode>,
        command: &str,
    ) -> Result<String, String> {
        let (node, value) = parse_set_value(command, sim.node_count())?;
        sim.input(node, &format!("set value {value}"), |n, ctx| {
            n.set_value(value, ctx);
        })
        .map_err(|e| e.to_string())?;
        Ok(format!("{node} now holds {value}"))
    }

    fn leader(&self, _sim: &Simulation<LayeredNode>, _servers: u32) -> Option<NodeId> {
        None
    }

    fn converged(&self, sim: &Simulation<LayeredNode>) -> Option<bool> {
        let nodes = sim.nodes();
        Some(layered::is_converged(nodes, &live(nodes)))
    }
}

impl Protocol for LayeredProtocol {
    fn vocabulary(&self) -> Vocabulary {
        let names = [
            "live_nodes",
            "layers",
            "traffic_per_node",
            "traffic_max",
            "promotions",
            "true_count",
            "true_sum",
            "global_count",
            "global_sum",
            "global_age_ms",
        ];
        let mut metrics = names.map(|n| (n, MetricShape::Value)).to_vec();
        metrics.extend(STUDY_METRICS);
        Vocabulary {
            metrics,
            fields: vec!["value", "layers", "global", "promotions", "messages sent"],
            kinds: vec!["Sync", "Leader"],
        }
    }

    fn name(&self) -> &'static str {
        "layered"
    }
    fn summary(&self) -> &'static str {
        "hierarchical sync by layers of groups: groups sync all-to-all, elected leaders one layer up"
    }
    fn template(&self) -> &'static str {
        TEMPLATE
    }
    fn example_command(&self) -> &'static str {
        "set n3 1000"
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            marks: &[sim_core::MarkKind::Converged],
            topology: false,
            ..LEADERLESS
        }
    }
    fn build(&self, s: &Scenario, seed: u64) -> Result<Box<dyn Run>, ScenarioError> {
        no_workload(
            s,
            "layered",
            "node values and their changes are set by [protocol.params] value and changes",
        )?;
        let config: Config = s.params()?;
        let n = s.cluster.servers();
        config
            .validate(n)
            .map_err(|e| param_error(s, PARAMS, &InvalidParam::new(e.field, e.why)))?;
        let mut sim = simulation(s, seed, "layered", config.clone(), |sim| {
            sim.add_checker(NodeSanity)
        })?;
        if let Some(c) = &config.changes {
            let window = super::study::window(s, c.start, c.stop);
            sim.add_checker(FreshnessObserver::<LayeredNode>::new(window, n));
        }
        Ok(Box::new(Driver::new(
            "layered",
            sim,
            n,
            LayeredAdapter { config },
        )))
    }
}
