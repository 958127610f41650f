//! The layered invariants: a per-event sanity check of the node an event touched, and the
//! end checks a scenario runs once the cluster is stable (every block is led by its lowest
//! live id, and every live node's global aggregate is the true aggregate of the live nodes).

use crate::layout::Layout;
use crate::node::LayeredNode;
use sim_core::{CheckView, Checker, Duration, NodeId, Nodes, SimError, Simulation, Time};
use tree_sync::Aggregate;

/// After every event, the node it touched holds only summaries that could describe some set
/// of values of this cluster, none read in the future, and takes part in no layer above the
/// top. These hold by construction; a violation is a bug in the node.
#[derive(Clone, Debug, Default)]
pub struct NodeSanity;

impl Checker<LayeredNode> for NodeSanity {
    fn name(&self) -> &str {
        "layered node sanity"
    }

    fn check(&mut self, view: &CheckView<'_, LayeredNode>) -> Result<(), String> {
        let Some(id) = view.touched else {
            return Ok(());
        };
        let Some(node) = view.nodes.get(id) else {
            return Ok(());
        };
        let layout = node.layout();
        if node.top_layer() > layout.top {
            return Err(format!(
                "{id} takes part in layer {} of a {}-layer hierarchy",
                node.top_layer(),
                u32::from(layout.top) + 1
            ));
        }
        let nodes = u64::from(layout.nodes);
        let sane = |s: &tree_sync::Summary| {
            s.agg.is_consistent() && s.agg.count <= nodes && s.as_of <= view.time
        };
        if let Some(g) = node.global()
            && !sane(&g)
        {
            return Err(format!("{id} holds an impossible global summary {g:?}"));
        }
        for layer in 0..=node.top_layer() {
            for (slot, s) in node.layer(layer).into_iter().flat_map(|t| t.siblings()) {
                if let Some(x) = s.summary
                    && !sane(&x)
                {
                    return Err(format!(
                        "{id} holds an impossible summary {x:?} for slot {slot} of layer {layer}"
                    ));
                }
            }
        }
        Ok(())
    }
}

/// The true aggregate of the `live` nodes' values.
pub fn true_aggregate(nodes: Nodes<'_, LayeredNode>, live: &[NodeId]) -> Aggregate {
    Aggregate::of_all(
        live.iter()
            .filter_map(|&id| nodes.get(id))
            .map(|n| n.value()),
    )
}

/// The highest layer `id` should take part in when `live` (sorted) are the nodes up: every
/// layer whose group's block it is the lowest live id of.
pub fn expected_top(layout: &Layout, live: &[NodeId], id: NodeId) -> u8 {
    let below = live.partition_point(|&x| x < id);
    let Some(&prev) = below.checked_sub(1).and_then(|i| live.get(i)) else {
        return layout.top;
    };
    // `id` leads its block of level `l` unless `prev`, a lower live id, shares it.
    let mut top = 0u8;
    while top < layout.top && layout.block(top + 1, prev) != layout.block(top + 1, id) {
        top += 1;
    }
    top
}

/// Every live node takes part in exactly the layers it leads: it leads its group exactly
/// when it is the lowest live id of the group's block. Names the first few that do not.
pub fn check_leaders(nodes: Nodes<'_, LayeredNode>, live: &[NodeId]) -> Result<(), String> {
    let mut sorted = live.to_vec();
    sorted.sort_unstable();
    let mut wrong = Vec::new();
    let mut count = 0usize;
    for &id in &sorted {
        let Some(n) = nodes.get(id) else {
            return Err(format!("{id} is not up"));
        };
        let want = expected_top(&n.layout(), &sorted, id);
        if n.top_layer() != want {
            count += 1;
            if wrong.len() < 4 {
                wrong.push(format!(
                    "{id} takes part up to layer {} but should up to layer {want}",
                    n.top_layer()
                ));
            }
        }
    }
    if count == 0 {
        Ok(())
    } else {
        Err(format!(
            "{count} nodes lead the wrong groups: {}",
            wrong.join("; ")
        ))
    }
}

/// Every live node's global aggregate is the true aggregate of the live nodes' values.
pub fn check_global(nodes: Nodes<'_, LayeredNode>, live: &[NodeId]) -> Result<(), String> {
    let truth = true_aggregate(nodes, live);
    let mut wrong = Vec::new();
    let mut count = 0usize;
    for &id in live {
        let Some(n) = nodes.get(id) else {
            return Err(format!("{id} is not up"));
        };
        let held = n.global().map(|g| g.agg);
        if held != Some(truth) {
            count += 1;
            if wrong.len() < 3 {
                let held = held.map_or_else(|| "nothing".to_string(), |a| a.to_string());
                wrong.push(format!("{id} holds {held}"));
            }
        }
    }
    if count == 0 {
        Ok(())
    } else {
        Err(format!(
            "{count} of {} live nodes do not hold the true aggregate {truth}: {}",
            live.len(),
            wrong.join("; ")
        ))
    }
}

/// True if the leaders and every global aggregate are right.
pub fn is_converged(nodes: Nodes<'_, LayeredNode>, live: &[NodeId]) -> bool {
    check_leaders(nodes, live).is_ok() && check_global(nodes, live).is_ok()
}

/// Runs in steps of `step` until [`is_converged`] holds for `live` or `deadline` passes.
/// Returns the time it first held, or why it still does not at the deadline.
pub fn run_until_converged(
    sim: &mut Simulation<LayeredNode>,
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
        if is_converged(sim.nodes(), live) {
            return Ok(Ok(sim.now()));
        }
        if sim.now() >= deadline {
            let nodes = sim.nodes();
            return Ok(check_leaders(nodes, live)
                .and_then(|()| check_global(nodes, live))
                .map(|()| sim.now()));
        }
        let next = (sim.now() + step).min(deadline);
        sim.run_until(next)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lowest_live_id_of_each_block_leads_it() {
        let l = Layout::new(3, 10);
        let all: Vec<NodeId> = (0..10).map(NodeId).collect();
        assert_eq!(expected_top(&l, &all, NodeId(0)), 2);
        assert_eq!(expected_top(&l, &all, NodeId(3)), 1);
        assert_eq!(expected_top(&l, &all, NodeId(4)), 0);
        assert_eq!(expected_top(&l, &all, NodeId(9)), 2);
        // Without 0 and 3, node 1 leads the first block and 4 the second.
        let some: Vec<NodeId> = [1, 2, 4, 5, 9].map(NodeId).to_vec();
        assert_eq!(expected_top(&l, &some, NodeId(1)), 2);
        assert_eq!(expected_top(&l, &some, NodeId(2)), 0);
        assert_eq!(expected_top(&l, &some, NodeId(4)), 1);
        assert_eq!(expected_top(&l, &some, NodeId(9)), 2);
    }
}
