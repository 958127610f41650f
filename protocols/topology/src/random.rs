//! The random graphs: Erdős–Rényi G(n, p), random d-regular and Watts–Strogatz small world.
//! Each draws only from the generator it is handed, in a fixed order.

use crate::error::TopologyError;
use crate::graph::{Topology, ensure_edges_fit};
use sim_core::SimRng;
use std::collections::{BTreeMap, BTreeSet};

/// Attempts a random regular graph gets before giving up.
const REGULAR_ATTEMPTS: u32 = 200;

/// G(n, p): each of the n(n-1)/2 pairs is linked independently with probability `p`.
///
/// Uses Batagelj and Brandes' geometric skipping (2005), so the cost is O(n + edges) rather
/// than O(n^2) coin flips.
pub(crate) fn erdos_renyi(n: u32, p: f64, rng: &mut SimRng) -> Result<Topology, TopologyError> {
    if !(p.is_finite() && (0.0..=1.0).contains(&p)) {
        return Err(TopologyError::invalid(
            "erdos-renyi",
            format!("p must be a probability in [0, 1], got {p}"),
        ));
    }
    let expected = p * f64::from(n) * f64::from(n.saturating_sub(1)) / 2.0;
    ensure_edges_fit(expected as u64)?;
    if p == 1.0 {
        return crate::generate::complete(n);
    }
    let mut pairs = Vec::new();
    if p > 0.0 && n > 1 {
        let log_q = libm::log(1.0 - p);
        let (mut v, mut w): (i64, i64) = (1, -1);
        let n = i64::from(n);
        while v < n {
            let skip = libm::floor(libm::log(rng.open_unit_f64()) / log_q);
            // A skip past every remaining pair ends the graph; clamping keeps the arithmetic
            // finite when p is tiny.
            w = w.saturating_add(1).saturating_add(skip.min(1e15) as i64);
            while w >= v && v < n {
                w -= v;
                v += 1;
            }
            if v < n {
                pairs.push((w as u32, v as u32));
            }
            ensure_edges_fit(pairs.len() as u64)?;
        }
    }
    pairs.sort_unstable();
    Ok(Topology::from_sorted_unique(n, &pairs))
}

/// A uniformly chosen-ish d-regular graph by Steger and Wormald's pairing (1999): stubs are
/// paired at random, pairs that would make a loop or a repeated edge are put back and paired
/// again; a dead end restarts the attempt.
pub(crate) fn random_regular(
    n: u32,
    degree: u32,
    rng: &mut SimRng,
) -> Result<Topology, TopologyError> {
    if u64::from(n) * u64::from(degree) % 2 == 1 {
        return Err(TopologyError::invalid(
            "random-regular",
            format!("n * degree must be even, got {n} * {degree}"),
        ));
    }
    if degree >= n && !(degree == 0 && n == 0) {
        return Err(TopologyError::invalid(
            "random-regular",
            format!("degree must be below the node count, got degree {degree} on {n} nodes"),
        ));
    }
    ensure_edges_fit(u64::from(n) * u64::from(degree) / 2)?;
    if degree == 0 {
        return Ok(Topology::from_sorted_unique(n, &[]));
    }
    for _ in 0..REGULAR_ATTEMPTS {
        if let Some(edges) = try_regular(n, degree, rng) {
            let pairs: Vec<(u32, u32)> = edges.into_iter().collect();
            return Ok(Topology::from_sorted_unique(n, &pairs));
        }
    }
    Err(TopologyError::GenerationFailed {
        topology: "random-regular",
        attempts: REGULAR_ATTEMPTS,
        why: format!("the pairing kept reaching dead ends for degree {degree} on {n} nodes"),
    })
}

fn try_regular(n: u32, degree: u32, rng: &mut SimRng) -> Option<BTreeSet<(u32, u32)>> {
    let mut edges = BTreeSet::new();
    let mut stubs: Vec<u32> = (0..n)
        .flat_map(|i| std::iter::repeat_n(i, degree as usize))
        .collect();
    while !stubs.is_empty() {
        let mut leftover: BTreeMap<u32, u32> = BTreeMap::new();
        rng.shuffle(&mut stubs);
        for pair in stubs.chunks_exact(2) {
            let (a, b) = (pair[0].min(pair[1]), pair[0].max(pair[1]));
            if a != b && edges.insert((a, b)) {
                continue;
            }
            *leftover.entry(a).or_default() += 1;
            *leftover.entry(b).or_default() += 1;
        }
        if !can_still_pair(&edges, &leftover) {
            return None;
        }
        stubs = leftover
            .iter()
            .flat_map(|(&node, &count)| std::iter::repeat_n(node, count as usize))
            .collect();
    }
    Some(edges)
}

/// True if some two distinct nodes among those with unpaired stubs are not linked yet.
fn can_still_pair(edges: &BTreeSet<(u32, u32)>, leftover: &BTreeMap<u32, u32>) -> bool {
    if leftover.is_empty() {
        return true;
    }
    let nodes: Vec<u32> = leftover.keys().copied().collect();
    nodes.iter().enumerate().any(|(i, &a)| {
        nodes[i + 1..]
            .iter()
            .any(|&b| !edges.contains(&(a.min(b), a.max(b))))
    })
}

/// Watts and Strogatz (1998): a ring lattice where each node links to its `k` nearest
/// neighbours (`k / 2` on each side); then each lattice edge `(u, u + j)` is rewired with
/// probability `beta` to `(u, w)` for a uniformly chosen `w` that makes neither a loop nor a
/// repeated edge.
pub(crate) fn small_world(
    n: u32,
    k: u32,
    beta: f64,
    rng: &mut SimRng,
) -> Result<Topology, TopologyError> {
    if !(beta.is_finite() && (0.0..=1.0).contains(&beta)) {
        return Err(TopologyError::invalid(
            "small-world",
            format!("beta must be a probability in [0, 1], got {beta}"),
        ));
    }
    if k % 2 == 1 {
        return Err(TopologyError::invalid(
            "small-world",
            format!("k must be even (k / 2 neighbours on each side), got {k}"),
        ));
    }
    if k >= n && k > 0 {
        return Err(TopologyError::invalid(
            "small-world",
            format!("k must be below the node count, got k = {k} on {n} nodes"),
        ));
    }
    ensure_edges_fit(u64::from(n) * u64::from(k) / 2)?;
    let mut adj: Vec<BTreeSet<u32>> = vec![BTreeSet::new(); n as usize];
    let link = |adj: &mut Vec<BTreeSet<u32>>, a: u32, b: u32| {
        adj[a as usize].insert(b);
        adj[b as usize].insert(a);
    };
    for j in 1..=k / 2 {
        for u in 0..n {
            link(&mut adj, u, (u + j) % n);
        }
    }
    for j in 1..=k / 2 {
        for u in 0..n {
            let v = (u + j) % n;
            if !rng.chance(beta) {
                continue;
            }
            if adj[u as usize].len() as u64 >= u64::from(n) - 1 {
                continue;
            }
            let w = loop {
                let w = rng.below(u64::from(n)) as u32;
                if w != u && !adj[u as usize].contains(&w) {
                    break w;
                }
            };
            adj[u as usize].remove(&v);
            adj[v as usize].remove(&u);
            link(&mut adj, u, w);
        }
    }
    let mut pairs = Vec::new();
    for (a, set) in adj.iter().enumerate() {
        for &b in set.range(a as u32 + 1..) {
            pairs.push((a as u32, b));
        }
    }
    Ok(Topology::from_sorted_unique(n, &pairs))
}
