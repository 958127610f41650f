//! What the topology-using protocols (broadcast, tree sync) share in the registry: the
//! overlay built from `[cluster] topology`, the edges the front end draws, and reading a node
//! id typed by a person.

use super::Capabilities;
use super::kv_common::invalid;
use crate::error::ScenarioError;
use crate::scenario::Scenario;
use sim_core::{Node, NodeId, Simulation};
use topology::Overlay;

/// What a leaderless protocol over a topology can be asked about: convergence, nothing that
/// needs a leader or clients. Each protocol names its own milestones (`marks`).
pub const LEADERLESS: Capabilities = Capabilities {
    leader: false,
    convergence: true,
    linearizability: false,
    clients: false,
    keys: false,
    topology: true,
    disk: false,
    marks: &[],
};

/// A simulation of the scenario's servers, all with `config`, with the protocol's invariant
/// checkers added by `checkers` unless the file switched them off (which the trace notes).
pub fn simulation<N: Node>(
    s: &Scenario,
    seed: u64,
    protocol: &str,
    config: N::Config,
    checkers: impl FnOnce(&mut Simulation<N>),
) -> Result<Simulation<N>, ScenarioError>
where
    N::Config: Clone,
{
    let n = s.cluster.servers() as usize;
    let mut sim = Simulation::new(s.sim_config(seed), vec![config; n])
        .map_err(|e| ScenarioError::sim(format!("{}: building {protocol}", s.origin.file), e))?;
    if s.checks.invariants {
        checkers(&mut sim);
    } else {
        sim.annotate("invariant checkers off ([checks] invariants = false)");
    }
    Ok(sim)
}

/// The overlay of the scenario's topology for `seed` (everyone may talk to everyone when the
/// file names no topology).
pub fn overlay(s: &Scenario, seed: u64) -> Result<Overlay, ScenarioError> {
    Ok(match s.build_topology(seed)? {
        Some(t) => Overlay::new(t),
        None => Overlay::complete(),
    })
}

/// The overlay's edges among the first `servers` nodes, each once with the lower id first.
pub fn edges(overlay: &Overlay, servers: u32) -> Vec<(NodeId, NodeId)> {
    match overlay.topology() {
        Some(t) => t.edges().filter(|(_, b)| b.0 < servers).collect(),
        None => (0..servers)
            .flat_map(|a| (a + 1..servers).map(move |b| (NodeId(a), NodeId(b))))
            .collect(),
    }
}

/// Refuses a `[workload]` table for a protocol that reads none, saying where its inputs go.
pub fn no_workload(s: &Scenario, protocol: &str, instead: &str) -> Result<(), ScenarioError> {
    match &s.workload {
        Some(_) => Err(invalid(
            s,
            format!("[workload]: protocol \"{protocol}\" has no client workload; {instead}"),
        )),
        None => Ok(()),
    }
}

/// A node id typed by a person (`3` or `n3`) that must be below `count`.
pub fn parse_node(word: &str, count: u32) -> Result<NodeId, String> {
    let digits = word.strip_prefix('n').unwrap_or(word);
    match digits.parse::<u32>() {
        Ok(i) if i < count => Ok(NodeId(i)),
        Ok(i) => Err(format!("n{i} is not a node (the cluster has {count})")),
        Err(_) => Err(format!("expected a node id such as n3, got {word:?}")),
    }
}

/// `set NODE VALUE` typed by a person, for the protocols whose nodes hold a value (tree sync,
/// the layered hierarchy): the node and the value.
pub fn parse_set_value(command: &str, count: u32) -> Result<(NodeId, i64), String> {
    let words: Vec<&str> = command.split_whitespace().collect();
    let ["set", node, value] = words.as_slice() else {
        return Err(format!(
            "expected `set NODE VALUE` (such as `set n3 42`), got {command:?}"
        ));
    };
    let node = parse_node(node, count)?;
    let value: i64 = value
        .parse()
        .map_err(|_| format!("expected a whole number value, got {value:?}"))?;
    Ok((node, value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use topology::TopologySpec;

    #[test]
    fn node_ids_typed_by_a_person() {
        assert_eq!(parse_node("n3", 5), Ok(NodeId(3)));
        assert_eq!(parse_node("4", 5), Ok(NodeId(4)));
        assert!(parse_node("n5", 5).is_err());
        assert!(parse_node("x", 5).is_err());
        assert!(parse_node("", 5).is_err());
    }

    #[test]
    fn edges_of_a_ring_and_of_everyone() {
        let ring = TopologySpec::Ring
            .build(4, &mut topology::topology_rng(1))
            .expect("a ring on 4 nodes");
        let e = edges(&Overlay::new(Arc::new(ring)), 4);
        let n = NodeId;
        assert_eq!(
            e,
            vec![(n(0), n(1)), (n(0), n(3)), (n(1), n(2)), (n(2), n(3))]
        );
        assert_eq!(edges(&Overlay::complete(), 4).len(), 6);
    }
}
