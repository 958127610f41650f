//! Hierarchical sync (`protocols/tree_sync`) in the registry: `[protocol.params]` is
//! `tree_sync::Config`, `[cluster] topology` is the graph the tree is built from.
//!
//! Checks: the node sanity invariant after every event; once the tree is stable at the end
//! (see [`TreeSyncAdapter::finish`]), over the nodes up at the end, one tree under the
//! expected root (the lowest live id when the root is elected, else the configured root),
//! the root's aggregate equal to the true aggregate of their values, and the root's figure
//! known everywhere. `converged_by` waits for all three.

use super::kv_common::{PARAMS, invalid, param_error};
use super::overlay::{LEADERLESS, edges, no_workload, overlay, parse_set_value, simulation};
use super::study::{FreshnessObserver, STUDY_METRICS};
use super::vocabulary::{MetricShape, Vocabulary};
use super::{Adapter, Capabilities, CheckResult, Driver, Metrics, Protocol, Run};
use crate::error::ScenarioError;
use crate::scenario::Scenario;
use sim_core::{Duration, InvalidParam, NodeId, Nodes, Simulation};
use tree_sync::{Config, NodeSanity, TreeNode};

/// The registry entry.
pub struct TreeSyncProtocol;

/// What `clustersim new tree_sync` prints.
pub const TEMPLATE: &str = include_str!("templates/tree_sync.toml");

/// The tree-sync adapter: the configuration every node runs.
/// The end-of-run checks: one tree over the live nodes, a repair that settles, the root's
/// aggregate, and its dissemination.
const ONE_TREE: &str = "tree sync: one tree";
const SETTLE: &str = "tree sync: settle";
const ROOT_AGGREGATE: &str = "tree sync: root aggregate";
const DISSEMINATED: &str = "tree sync: disseminated";

#[derive(Clone)]
struct TreeSyncAdapter {
    config: Config,
}

fn live(nodes: Nodes<'_, TreeNode>) -> Vec<NodeId> {
    nodes.live().map(|(id, _)| id).collect()
}

impl TreeSyncAdapter {
    /// The root the end checks expect over the nodes up now, and why that one.
    fn expected_root(&self, up: &[NodeId]) -> Option<(NodeId, &'static str)> {
        let why = if self.config.elect_root {
            "the lowest live id"
        } else {
            "the fixed root"
        };
        self.config.expected_root(up).map(|r| (r, why))
    }
}

impl Adapter<TreeNode> for TreeSyncAdapter {
    fn metrics(&self, sim: &Simulation<TreeNode>, out: &mut Metrics) {
        let nodes = sim.nodes();
        let up = live(nodes);
        let (mut sent, mut changes, mut depth) = (0u64, 0u64, 0usize);
        for (_, n) in nodes.live() {
            sent += n.sent();
            changes += n.parent_changes();
            depth = depth.max(n.depth().unwrap_or(0));
        }
        out.set("live_nodes", up.len() as f64);
        if !up.is_empty() {
            out.set("traffic_per_node", sent as f64 / up.len() as f64);
        }
        out.set("parent_changes", changes as f64);
        out.set("tree_depth", depth as f64);
        let truth = tree_sync::true_aggregate(nodes, &up);
        out.set("true_count", truth.count as f64);
        out.set("true_sum", truth.sum as f64);
        if let Some(root) = self.expected_root(&up).and_then(|(r, _)| sim.node(r)) {
            let agg = root.subtree();
            out.set("root_count", agg.count as f64);
            out.set("root_sum", agg.sum as f64);
            if agg.count > 0 {
                out.set("root_min", agg.min as f64);
                out.set("root_max", agg.max as f64);
            }
        }
        if let Some(o) = sim.checker::<FreshnessObserver<TreeNode>>() {
            o.write(out);
        }
    }

    /// The end checks are judged once the tree is stable. On a lossy network a parent may
    /// drop a child whose reports were lost several times in a row, and the run may end inside
    /// the repair that follows. So when the checks do not all hold at the end, the run goes
    /// on, with no new faults, for at most the time such a repair takes: one `child_timeout`
    /// (the time the protocol gives a silent child before it acts) and one `period` per live
    /// node (reports climb one level per round, and no tree is deeper than the cluster), and
    /// they are judged at the first millisecond they all hold, or at the end of that window.
    /// A tree that is wrong for good (a dead child still counted, a subtree never
    /// reattached) fails as before.
    fn check_names(&self) -> Vec<&'static str> {
        vec![ONE_TREE, SETTLE, ROOT_AGGREGATE, DISSEMINATED]
    }

    fn finish(&mut self, sim: &mut Simulation<TreeNode>) -> Vec<CheckResult> {
        // A run stopped by a violated invariant never reached the end these checks judge.
        if sim.violation().is_some() {
            return Vec::new();
        }
        let up = live(sim.nodes());
        let Some((root, which)) = self.expected_root(&up) else {
            return vec![CheckResult::fail(
                ONE_TREE,
                "no node is up at the end".to_string(),
            )];
        };
        let end = sim.now();
        let climb = Duration(self.config.period.0.saturating_mul(up.len() as u64));
        let window = self.config.child_timeout.saturating_add(climb);
        let settled =
            tree_sync::run_until_converged(sim, root, &up, Duration::from_millis(1), end + window);
        let after = match settled {
            Ok(Ok(at)) if at > end => format!(
                " (held {} after the end, once the repair under way at the end was done; settle window {window})",
                at - end
            ),
            Ok(_) => String::new(),
            Err(e) => {
                return vec![CheckResult::fail(
                    SETTLE,
                    format!(
                        "while waiting up to {window} after the end for the tree to settle: {e}"
                    ),
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
            Err(why) => CheckResult::fail(name, format!("{why}{unsettled} ({root} is {which})")),
        };
        let truth = tree_sync::true_aggregate(nodes, &up);
        vec![
            verdict(
                ONE_TREE,
                tree_sync::check_tree(nodes, root, &up),
                format!("the {} live nodes hang under {root} ({which})", up.len()),
            ),
            verdict(
                ROOT_AGGREGATE,
                tree_sync::check_root_aggregate(nodes, root, &up),
                format!(
                    "{root} ({which}) aggregates {truth}, the true aggregate of the live nodes"
                ),
            ),
            verdict(
                DISSEMINATED,
                tree_sync::check_disseminated(nodes, root, &up),
                "every live node knows the root's aggregate".to_string(),
            ),
        ]
    }

    fn topology(&self, _sim: &Simulation<TreeNode>, servers: u32) -> Vec<(NodeId, NodeId)> {
        edges(&self.config.overlay, servers)
    }

    /// `set NODE VALUE`: the node's value changes; the root's aggregate follows.
    fn submit(&mut self, sim: &mut Simulation<TreeNode>, command: &str) -> Result<String, String> {
        let (node, value) = parse_set_value(command, sim.node_count())?;
        sim.input(node, &format!("set value {value}"), |n, ctx| {
            n.set_value(value, ctx);
        })
        .map_err(|e| e.to_string())?;
        Ok(format!("{node} now holds {value}"))
    }

    fn leader(&self, _sim: &Simulation<TreeNode>, _servers: u32) -> Option<NodeId> {
        None
    }

    fn converged(&self, sim: &Simulation<TreeNode>) -> Option<bool> {
        let nodes = sim.nodes();
        let up = live(nodes);
        let Some((root, _)) = self.expected_root(&up) else {
            return Some(false);
        };
        Some(tree_sync::is_converged(nodes, root, &up))
    }
}

impl Protocol for TreeSyncProtocol {
    fn vocabulary(&self) -> Vocabulary {
        let names = [
            "live_nodes",
            "traffic_per_node",
            "parent_changes",
            "tree_depth",
            "true_count",
            "true_sum",
            "root_count",
            "root_sum",
            "root_min",
            "root_max",
        ];
        let mut metrics = names.map(|n| (n, MetricShape::Value)).to_vec();
        metrics.extend(STUDY_METRICS);
        Vocabulary {
            metrics,
            fields: vec![
                "value",
                "root",
                "parent",
                "children",
                "depth",
                "subtree",
                "global",
                "round",
                "lowest root heard of",
                "messages sent",
            ],
            kinds: vec!["Down", "Report", "Probe", "Offer", "Unlink"],
        }
    }

    fn name(&self) -> &'static str {
        "tree_sync"
    }
    fn summary(&self) -> &'static str {
        "hierarchical aggregation and dissemination over a self-repairing spanning tree"
    }
    fn template(&self) -> &'static str {
        TEMPLATE
    }
    fn example_command(&self) -> &'static str {
        "set n3 1000"
    }
    fn capabilities(&self) -> Capabilities {
        Capabilities {
            // A tree built at the start needs no join: convergence is what every run reaches.
            marks: &[sim_core::MarkKind::Converged],
            ..LEADERLESS
        }
    }
    fn build(&self, s: &Scenario, seed: u64) -> Result<Box<dyn Run>, ScenarioError> {
        no_workload(
            s,
            "tree_sync",
            "node values are set by [protocol.params] value and changes (and by `set NODE VALUE` typed in the front end)",
        )?;
        let config: Config = s.params()?;
        let n = s.cluster.servers();
        let config = config
            .with_overlay(overlay(s, seed)?)
            .prepare(n)
            .map_err(|e| match e {
                tree_sync::ConfigError::Invalid { field, why } => {
                    param_error(s, PARAMS, &InvalidParam::new(field, why))
                }
                other => invalid(s, format!("in [protocol.params]: {other}")),
            })?;
        let mut sim = simulation(s, seed, "tree_sync", config.clone(), |sim| {
            sim.add_checker(NodeSanity)
        })?;
        if let Some(c) = &config.changes {
            let window = super::study::window(s, c.start, c.stop);
            sim.add_checker(FreshnessObserver::<TreeNode>::new(window, n));
        }
        Ok(Box::new(Driver::new(
            "tree_sync",
            sim,
            n,
            TreeSyncAdapter { config },
        )))
    }
}
