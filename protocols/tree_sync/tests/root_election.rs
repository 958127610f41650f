//! Root election: the tree outlives its root. When the root crashes the lowest live id takes
//! over and the aggregate of the live nodes re-converges under it; when the old root restarts
//! the tree moves back under it; a partition that cuts the root off leaves each side under
//! its own lowest id, and after the heal they merge under the lower one.

mod common;

use common::*;
use sim_core::{Duration, Fault, NodeId, PartitionSpec, Simulation, Time};
use tree_sync::{Config, TreeNode, Value, check_root_aggregate, true_aggregate};

const N: u32 = 30;

fn valued() -> Config {
    Config {
        value: Value::Random {
            min: -1_000,
            max: 1_000,
        },
        ..Config::default()
    }
}

/// Every node of `live` follows `root`, which acts as root.
fn all_follow(s: &sim_core::Simulation<TreeNode>, root: NodeId, live: &[NodeId]) -> bool {
    s.node(root).is_some_and(TreeNode::is_root)
        && live
            .iter()
            .all(|&i| s.node(i).is_some_and(|n| n.root() == Some(root)))
}

/// Runs in 10 ms steps until `who` acts as root (or `deadline`); when it first did.
fn leads_by(s: &mut sim_core::Simulation<TreeNode>, who: NodeId, deadline: Time) -> Option<Time> {
    while s.now() < deadline {
        if s.node(who).is_some_and(TreeNode::is_root) {
            return Some(s.now());
        }
        s.run_for(ms(10)).expect("runs");
    }
    None
}

/// Seed `seed`'s random 4-regular graph, converged, with root n0 crashed just now (and the
/// time of the crash); `None` when the graph without n0 leaves n1 cut off from someone.
fn root_crashed(seed: u64) -> Option<(Simulation<TreeNode>, Time)> {
    let topo = random_regular(N, 4, seed);
    if !connected_without(&topo, NodeId(1), &[NodeId(0)]) {
        return None;
    }
    let mut s = sim(seed, &topo, valued());
    converge(&mut s, &all_but(N, &[]), at_ms(2_000), "initial tree");
    let crashed = s.now();
    s.apply_now(Fault::Crash { node: NodeId(0) })
        .expect("a valid fault");
    Some((s, crashed))
}

#[test]
fn when_the_root_crashes_the_lowest_live_id_is_elected_and_the_aggregate_reconverges() {
    let (mut ran, mut slowest_lead, mut slowest) = (0, Duration::ZERO, Duration::ZERO);
    let mut total = Duration::ZERO;
    for seed in 0..40 {
        let Some((mut s, crashed)) = root_crashed(seed) else {
            continue;
        };
        ran += 1;
        let live = all_but(N, &[NodeId(0)]);
        let led = leads_by(&mut s, NodeId(1), crashed + ms(3_000))
            .unwrap_or_else(|| panic!("seed {seed}: n1 never acts as root"));
        slowest_lead = slowest_lead.max(led - crashed);
        let at = converge(&mut s, &live, crashed + ms(5_000), "after the root crashed");
        slowest = slowest.max(at - crashed);
        total = total + (at - crashed);
        let root = s.node(NodeId(1)).expect("up").subtree();
        assert_eq!(root, true_aggregate(s.nodes(), &live), "seed {seed}");
        assert_eq!(root.count, u64::from(N - 1), "seed {seed}");
        assert!(all_follow(&s, NodeId(1), &live), "seed {seed}");
        // It stays that way while nothing changes.
        s.run_for(ms(2_000)).expect("runs");
        check_root_aggregate(s.nodes(), NodeId(1), &live).expect("stays converged");
        assert!(
            all_follow(&s, NodeId(1), &live),
            "seed {seed}: the tree moved"
        );
        let roots = s.nodes().live().filter(|(_, n)| n.is_root()).count();
        assert_eq!(roots, 1, "seed {seed}: {roots} nodes act as root");
    }
    assert!(ran >= 30, "only {ran} seeds kept the survivors connected");
    println!(
        "root crash, {ran} seeds: n1 acts as root after at most {slowest_lead}; converged after \
         {} on average, at most {slowest}",
        Duration(total.0 / ran)
    );
    // Parent lost after 350 ms (plus up to a tick), root taken over 350 ms later (plus up to
    // a tick); then the trees merge a few hops per period.
    assert!(slowest_lead <= ms(1_000), "slowest election {slowest_lead}");
    assert!(slowest <= ms(2_500), "slowest convergence {slowest}");
}

#[test]
fn when_the_old_root_restarts_the_tree_moves_back_under_it() {
    let mut slowest = Duration::ZERO;
    let mut ran = 0;
    for seed in 0..30 {
        let Some((mut s, t)) = root_crashed(seed) else {
            continue;
        };
        ran += 1;
        converge(
            &mut s,
            &all_but(N, &[NodeId(0)]),
            t + ms(5_000),
            "without n0",
        );
        s.apply_now(Fault::Restart { node: NodeId(0) })
            .expect("a valid fault");
        let back = s.now();
        let all = all_but(N, &[]);
        let at = converge(&mut s, &all, back + ms(5_000), "with n0 back");
        slowest = slowest.max(at - back);
        assert!(all_follow(&s, NodeId(0), &all), "seed {seed}");
        assert!(!s.node(NodeId(1)).expect("up").is_root(), "seed {seed}");
        assert_eq!(
            s.node(NodeId(0)).expect("up").subtree(),
            true_aggregate(s.nodes(), &all),
            "seed {seed}"
        );
    }
    assert!(ran >= 20, "only {ran} seeds");
    println!("old root restarted, {ran} seeds: back under n0 after at most {slowest}");
    assert!(slowest <= ms(2_000), "slowest {slowest}");
}

/// The `k` nodes nearest to `from` in breadth-first order (a connected set), sorted.
fn nearest(topo: &topology::Topology, from: NodeId, k: usize) -> Vec<NodeId> {
    let mut seen = vec![from];
    let mut i = 0;
    while seen.len() < k && i < seen.len() {
        for &m in topo.neighbours(seen[i]) {
            if seen.len() < k && !seen.contains(&m) {
                seen.push(m);
            }
        }
        i += 1;
    }
    seen.sort();
    seen
}

#[test]
fn a_partition_that_cuts_the_root_off_elects_a_root_per_side_and_the_heal_merges_them() {
    let (mut ran, mut slowest_cut, mut slowest_heal) = (0, Duration::ZERO, Duration::ZERO);
    for seed in 0..60 {
        let topo = random_regular(N, 4, seed);
        // n0's side: the 15 nodes nearest to it (breadth first); the other side is cut off,
        // and its lowest id, wherever it lies, should become its root. Only seeds on which
        // the other side is connected by itself can converge side by side.
        let root_side = nearest(&topo, NodeId(0), 15);
        let cut_off = all_but(N, &root_side);
        let other = cut_off[0];
        if !connected_without(&topo, other, &root_side) {
            continue;
        }
        ran += 1;
        let mut s = sim(seed, &topo, valued());
        let all = all_but(N, &[]);
        converge(&mut s, &all, at_ms(2_000), "initial tree");
        let cut = s.now();
        s.apply_now(Fault::Partition {
            spec: PartitionSpec::Groups(vec![cut_off.clone()]),
        })
        .expect("a valid fault");
        let a = converge(
            &mut s,
            &root_side,
            cut + ms(5_000),
            "n0's side during the cut",
        );
        let b = converge_under(&mut s, other, &cut_off, cut + ms(5_000), "the cut-off side");
        slowest_cut = slowest_cut.max(a.max(b) - cut);
        assert_eq!(
            s.node(other).expect("up").subtree(),
            true_aggregate(s.nodes(), &cut_off),
            "seed {seed}"
        );
        assert!(all_follow(&s, NodeId(0), &root_side), "seed {seed}");
        assert!(all_follow(&s, other, &cut_off), "seed {seed}");
        s.run_for(ms(1_000)).expect("runs");
        assert!(
            all_follow(&s, other, &cut_off),
            "seed {seed}: {other} lost its tree"
        );
        let healed = s.now();
        s.apply_now(Fault::HealAll).expect("a valid fault");
        let at = converge(&mut s, &all, healed + ms(5_000), "after the heal");
        slowest_heal = slowest_heal.max(at - healed);
        assert!(all_follow(&s, NodeId(0), &all), "seed {seed}");
        assert_eq!(s.node(NodeId(0)).expect("up").subtree().count, u64::from(N));
    }
    assert!(ran >= 20, "only {ran} seeds keep both sides connected");
    println!(
        "root's side cut off, {ran} seeds: both sides converged after at most {slowest_cut}; \
         one tree after the heal after at most {slowest_heal}"
    );
    assert!(
        slowest_cut <= ms(3_000),
        "slowest during the cut {slowest_cut}"
    );
    assert!(slowest_heal <= ms(3_000), "slowest heal {slowest_heal}");
}

#[test]
fn a_configured_root_above_the_lowest_id_hands_the_tree_to_it() {
    let topo = grid(5, 5);
    for seed in 0..20 {
        let config = Config {
            root: NodeId(12),
            ..Config::default()
        };
        let mut s = sim(seed, &topo, config);
        let all = all_but(25, &[]);
        converge(&mut s, &all, at_ms(3_000), "tree from n12 handed to n0");
        assert!(all_follow(&s, NodeId(0), &all), "seed {seed}");
    }
}

#[test]
fn without_election_a_cut_off_side_stays_without_a_root() {
    let (mut s, _) = converged_fixed_root_grid(5);
    let right: Vec<NodeId> = (0..16).filter(|i| i % 4 >= 2).map(NodeId).collect();
    s.apply_now(Fault::Partition {
        spec: PartitionSpec::Groups(vec![right.clone()]),
    })
    .expect("a valid fault");
    s.run_for(ms(3_000)).expect("runs");
    assert!(
        right
            .iter()
            .all(|&r| s.node(r).is_some_and(|n| n.root().is_none())),
        "a fixed root is never replaced"
    );
}
