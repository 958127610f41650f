//! The tree-sync invariants: a per-event sanity check of each node's own state, and the end
//! checks a scenario runs once the cluster is stable (the root's aggregate is the true
//! aggregate of the live nodes; every live node is in one tree; everyone has the root's
//! figure). The end checks take the root they expect ([`crate::Config::expected_root`]: with
//! election, the lowest live id), and a failure says which roots the nodes follow instead.

use crate::aggregate::Aggregate;
use crate::node::TreeNode;
use sim_core::{CheckView, Checker, Duration, NodeId, Nodes, SimError, Simulation, Time};
use std::collections::BTreeMap;

/// After every event, the node it touched is consistent with itself: it is neither its own
/// parent nor its own child, its parent is not also its child, its path (when known) runs
/// from the root to itself without repeats, and every aggregate it holds could describe some
/// set of values, read no later than now. These hold by construction; a violation is a bug in
/// the node.
#[derive(Clone, Debug, Default)]
pub struct NodeSanity;

impl Checker<TreeNode> for NodeSanity {
    fn name(&self) -> &str {
        "tree node sanity"
    }

    fn check(&mut self, view: &CheckView<'_, TreeNode>) -> Result<(), String> {
        let Some(id) = view.touched else {
            return Ok(());
        };
        let Some(node) = view.nodes.get(id) else {
            return Ok(());
        };
        if node.parent() == Some(id) || node.has_child(id) {
            return Err(format!("{id} is linked to itself"));
        }
        if let Some(p) = node.parent()
            && node.has_child(p)
        {
            return Err(format!("{id} has {p} as both parent and child"));
        }
        let path = node.path();
        if !path.is_empty() {
            let mut sorted = path.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            if path.last() != Some(&id) || sorted.len() != path.len() {
                return Err(format!("{id} has a malformed path {path:?}"));
            }
            if node.parent().is_some()
                && path.len() >= 2
                && path[path.len() - 2] != node.parent().unwrap_or(id)
            {
                return Err(format!("{id}'s path {path:?} does not end at its parent"));
            }
        }
        let sub = node.subtree();
        if !sub.is_consistent() || sub.count == 0 {
            return Err(format!(
                "{id} holds an impossible subtree aggregate {sub:?}"
            ));
        }
        if let Some(g) = node.global()
            && !g.is_consistent()
        {
            return Err(format!("{id} holds an impossible global aggregate {g:?}"));
        }
        let future = node
            .global_summary()
            .into_iter()
            .chain(node.children().iter().filter_map(|(_, c)| c.agg))
            .find(|s| s.as_of > view.time);
        if let Some(s) = future {
            return Err(format!(
                "{id} holds a summary read in the future ({} at {})",
                s.as_of, view.time
            ));
        }
        Ok(())
    }
}

/// Which roots the `live` nodes follow, for failure reports: each root with the number of
/// its followers (and who they are, when few), then the nodes in no tree.
pub fn roots_followed(nodes: Nodes<'_, TreeNode>, live: &[NodeId]) -> String {
    const LISTED: usize = 6;
    let mut by_root: BTreeMap<Option<NodeId>, Vec<NodeId>> = BTreeMap::new();
    for &id in live {
        if let Some(n) = nodes.get(id) {
            by_root.entry(n.root()).or_default().push(id);
        }
    }
    let group = |who: &[NodeId]| {
        if who.len() <= LISTED {
            let names: Vec<String> = who.iter().map(ToString::to_string).collect();
            format!("{}: {}", who.len(), names.join(" "))
        } else {
            format!("{} nodes", who.len())
        }
    };
    let mut parts: Vec<String> = by_root
        .iter()
        .filter_map(|(r, who)| r.map(|r| format!("root {r} ({})", group(who))))
        .collect();
    if let Some(who) = by_root.get(&None) {
        parts.push(format!("no root ({})", group(who)));
    }
    format!("the nodes follow {}", parts.join(", "))
}

/// `why` with the expected root and what the nodes believe.
fn judged(
    nodes: Nodes<'_, TreeNode>,
    root: NodeId,
    live: &[NodeId],
    r: Result<(), String>,
) -> Result<(), String> {
    r.map_err(|why| {
        format!(
            "{why} [expected root {root}; {}]",
            roots_followed(nodes, live)
        )
    })
}

/// The true aggregate of the values of `live` nodes (those down are skipped).
pub fn true_aggregate(nodes: Nodes<'_, TreeNode>, live: &[NodeId]) -> Aggregate {
    Aggregate::of_all(
        live.iter()
            .filter_map(|&id| nodes.get(id))
            .map(|n| n.value()),
    )
}

/// The root's aggregate equals the true aggregate of the `live` nodes.
pub fn check_root_aggregate(
    nodes: Nodes<'_, TreeNode>,
    root: NodeId,
    live: &[NodeId],
) -> Result<(), String> {
    judged(nodes, root, live, root_aggregate(nodes, root, live))
}

fn root_aggregate(nodes: Nodes<'_, TreeNode>, root: NodeId, live: &[NodeId]) -> Result<(), String> {
    let r = nodes
        .get(root)
        .ok_or_else(|| format!("root {root} is down"))?;
    let want = true_aggregate(nodes, live);
    let got = r.subtree();
    if got != want {
        return Err(format!(
            "root {root} aggregates {got}, but the {} live nodes hold {want}",
            live.len()
        ));
    }
    Ok(())
}

/// Every node in `live` is in one tree under `root`: the root acts as root, each other node
/// has a live parent that counts it as a child, and following parents from any node reaches
/// the root.
pub fn check_tree(nodes: Nodes<'_, TreeNode>, root: NodeId, live: &[NodeId]) -> Result<(), String> {
    judged(nodes, root, live, tree(nodes, root, live))
}

fn tree(nodes: Nodes<'_, TreeNode>, root: NodeId, live: &[NodeId]) -> Result<(), String> {
    let r = nodes
        .get(root)
        .ok_or_else(|| format!("root {root} is down"))?;
    if !r.is_root() {
        return Err(match r.parent() {
            Some(p) => format!("{root} has parent {p} instead of acting as root"),
            None => format!("{root} is detached instead of acting as root"),
        });
    }
    // Nodes already known to hang under the root, so that each climb stops where an earlier
    // one passed: the check is then linear in the nodes, not in nodes times depth, which
    // matters when it runs every millisecond while a large tree settles after the end.
    let mut under_root = vec![false; nodes.len()];
    under_root[root.index()] = true;
    let mut climbed = Vec::new();
    for &id in live {
        if id == root {
            continue;
        }
        let mut at = id;
        let mut hops = 0;
        climbed.clear();
        while !under_root[at.index()] {
            let node = nodes
                .get(at)
                .ok_or_else(|| format!("{at} (above {id}) is down"))?;
            let p = node
                .parent()
                .ok_or_else(|| format!("{at} (above or at {id}) has no parent"))?;
            let parent = nodes
                .get(p)
                .ok_or_else(|| format!("{at}'s parent {p} is down"))?;
            if !parent.has_child(at) {
                return Err(format!("{at}'s parent {p} does not count it as a child"));
            }
            climbed.push(at);
            at = p;
            hops += 1;
            if hops > live.len() {
                return Err(format!("following parents from {id} loops"));
            }
        }
        for c in &climbed {
            under_root[c.index()] = true;
        }
    }
    Ok(())
}

/// Every node in `live` (the root included) has the root's current aggregate as its global
/// figure: the round that carried it has reached everyone.
pub fn check_disseminated(
    nodes: Nodes<'_, TreeNode>,
    root: NodeId,
    live: &[NodeId],
) -> Result<(), String> {
    judged(nodes, root, live, disseminated(nodes, root, live))
}

fn disseminated(nodes: Nodes<'_, TreeNode>, root: NodeId, live: &[NodeId]) -> Result<(), String> {
    let r = nodes
        .get(root)
        .ok_or_else(|| format!("root {root} is down"))?;
    let want = Some(r.subtree());
    for &id in live {
        let got = nodes.get(id).and_then(|n| n.global());
        if got != want {
            return Err(format!(
                "{id} knows the global aggregate as {}, the root as {}",
                got.map_or_else(|| "nothing".into(), |g| g.to_string()),
                want.map_or_else(|| "nothing".into(), |g| g.to_string())
            ));
        }
    }
    Ok(())
}

/// All three end checks: one tree, the right aggregate at the root, everyone told.
pub fn check_converged(
    nodes: Nodes<'_, TreeNode>,
    root: NodeId,
    live: &[NodeId],
) -> Result<(), String> {
    judged(nodes, root, live, converged(nodes, root, live))
}

/// True if [`check_converged`] holds. For polling: it skips describing what the nodes
/// believe, which would cost far more than the check on every probe of an unsettled tree.
pub fn is_converged(nodes: Nodes<'_, TreeNode>, root: NodeId, live: &[NodeId]) -> bool {
    converged(nodes, root, live).is_ok()
}

fn converged(nodes: Nodes<'_, TreeNode>, root: NodeId, live: &[NodeId]) -> Result<(), String> {
    tree(nodes, root, live)?;
    root_aggregate(nodes, root, live)?;
    disseminated(nodes, root, live)
}

/// Runs in steps of `step` until [`check_converged`] holds (over `root`, the root the
/// caller expects, usually [`crate::Config::expected_root`] of `live`): returns the first
/// time it was seen to, or when `deadline` passes the last reason it did not. A violated
/// invariant is returned as an error.
pub fn run_until_converged(
    sim: &mut Simulation<TreeNode>,
    root: NodeId,
    live: &[NodeId],
    step: Duration,
    deadline: Time,
) -> Result<Result<Time, String>, SimError> {
    loop {
        if let Some(v) = sim.violation() {
            return Err(SimError::Invalid {
                what: "run".into(),
                why: v.to_string(),
            });
        }
        if is_converged(sim.nodes(), root, live) {
            return Ok(Ok(sim.now()));
        }
        if sim.now() >= deadline {
            return Ok(check_converged(sim.nodes(), root, live).map(|()| sim.now()));
        }
        let next = (sim.now() + step).min(deadline);
        sim.run_until(next)?;
    }
}
