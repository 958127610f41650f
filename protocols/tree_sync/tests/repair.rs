//! The tree repairs itself after a parent crashes, re-converges after a partition heals, and
//! its root aggregate is the true aggregate of the live nodes once stable. (The root's own
//! crash is in `root_election.rs`.)

mod common;

use common::*;
use sim_core::{Fault, NodeId, PartitionSpec};
use tree_sync::{Aggregate, Config, Value, check_root_aggregate, true_aggregate};

#[test]
fn tree_repairs_after_a_parent_crash_and_the_aggregate_is_right() {
    let n = 30;
    let mut repaired_slowest = sim_core::Duration::ZERO;
    let mut ran = 0;
    for seed in 0..60 {
        let topo = random_regular(n, 4, seed);
        let config = Config {
            value: Value::Random {
                min: -1_000,
                max: 1_000,
            },
            ..Config::default()
        };
        let mut s = sim(seed, &topo, config);
        let all = all_but(n, &[]);
        converge(&mut s, &all, at_ms(2_000), "initial tree");
        // Crash the inner node with the most children.
        let victim = s
            .nodes()
            .live()
            .filter(|(id, node)| *id != NodeId(0) && !node.children().is_empty())
            .max_by_key(|(id, node)| (node.children().len(), std::cmp::Reverse(*id)))
            .map(|(id, _)| id)
            .expect("a tree of 30 has an inner node");
        if !connected_without(&topo, NodeId(0), &[victim]) {
            continue;
        }
        ran += 1;
        let orphans: Vec<NodeId> = s
            .node(victim)
            .expect("up")
            .children()
            .iter()
            .map(|&(c, _)| c)
            .collect();
        let crashed_at = s.now();
        s.apply_now(Fault::Crash { node: victim })
            .expect("a valid fault");
        let live = all_but(n, &[victim]);
        let at = converge(&mut s, &live, crashed_at + ms(3_000), "after the crash");
        repaired_slowest = repaired_slowest.max(at - crashed_at);
        check_root_aggregate(s.nodes(), NodeId(0), &live).expect("converged");
        let root = s.node(NodeId(0)).expect("up").subtree();
        assert_eq!(root.count, u64::from(n - 1), "seed {seed}");
        for o in orphans {
            let p = s.node(o).expect("up").parent();
            assert!(
                p.is_some() && p != Some(victim),
                "seed {seed}: {o} still under {victim}"
            );
        }
        // The figure stays right while nothing changes.
        s.run_for(ms(1_000)).expect("runs");
        check_root_aggregate(s.nodes(), NodeId(0), &live).expect("stays converged");
    }
    assert!(ran >= 50, "only {ran} seeds kept the survivors connected");
    assert!(
        repaired_slowest < ms(2_000),
        "slowest repair {repaired_slowest}"
    );
}

#[test]
fn tree_reconverges_after_a_partition_heals() {
    let (rows, cols) = (6, 6);
    let n = rows * cols;
    let topo = grid(rows, cols);
    let right: Vec<NodeId> = (0..n).filter(|i| i % cols >= 3).map(NodeId).collect();
    let left = all_but(n, &right);
    for seed in 0..50 {
        let mut s = sim(seed, &topo, Config::default());
        let all = all_but(n, &[]);
        converge(&mut s, &all, at_ms(2_000), "initial tree");
        let cut = s.now();
        s.apply_now(Fault::Partition {
            spec: PartitionSpec::Groups(vec![right.clone()]),
        })
        .expect("a valid fault");
        // Cut off from n0, the right half elects its own root, its lowest id n3, while n0
        // converges on the left half alone.
        converge(&mut s, &left, cut + ms(3_000), "left half during the cut");
        let root = s.node(NodeId(0)).expect("up").subtree();
        assert_eq!(root, true_aggregate(s.nodes(), &left), "seed {seed}");
        assert_eq!(root.count, 18);
        converge(&mut s, &right, cut + ms(5_000), "right half during the cut");
        let right_root = s.node(NodeId(3)).expect("up").subtree();
        assert_eq!(right_root, true_aggregate(s.nodes(), &right), "seed {seed}");
        s.run_for(ms(500)).expect("runs");
        assert!(
            right
                .iter()
                .all(|&r| s.node(r).expect("up").root() == Some(NodeId(3))),
            "seed {seed}: the right half stays under n3 while it has no way to n0"
        );
        let healed = s.now();
        s.apply_now(Fault::HealAll).expect("a valid fault");
        let at = converge(&mut s, &all, healed + ms(2_000), "after the heal");
        assert!(at - healed < ms(2_000));
        assert_eq!(s.node(NodeId(0)).expect("up").subtree().count, u64::from(n));
    }
}

#[test]
fn value_changes_reach_the_root_and_everyone() {
    let topo = grid(5, 5);
    for seed in 0..20 {
        let mut s = sim(seed, &topo, Config::default());
        let all = all_but(25, &[]);
        converge(&mut s, &all, at_ms(2_000), "initial tree");
        for i in 0..25u32 {
            let v = i64::from(i) * 10 - 77;
            s.input(NodeId(i), "set value", |n, ctx| n.set_value(v, ctx))
                .expect("up");
        }
        let changed = s.now();
        let at = converge(&mut s, &all, changed + ms(2_000), "after the changes");
        // Eight levels of a 5 x 5 grid from a corner: a report climbs one level per round.
        assert!(
            at - changed <= ms(1_100),
            "seed {seed}: took {}",
            at - changed
        );
        let want = Aggregate::of_all((0..25).map(|i| i * 10 - 77));
        assert_eq!(s.node(NodeId(0)).expect("up").subtree(), want);
        assert_eq!(s.node(NodeId(24)).expect("up").global(), Some(want));
    }
}

#[test]
fn a_restarted_node_is_counted_again() {
    let topo = grid(4, 4);
    for seed in 0..20 {
        let mut s = sim(seed, &topo, Config::default());
        let all = all_but(16, &[]);
        converge(&mut s, &all, at_ms(2_000), "initial tree");
        let victim = NodeId(5);
        s.apply_now(Fault::Crash { node: victim })
            .expect("a valid fault");
        let t = s.now();
        converge(&mut s, &all_but(16, &[victim]), t + ms(3_000), "without n5");
        s.apply_now(Fault::Restart { node: victim })
            .expect("a valid fault");
        let t = s.now();
        converge(&mut s, &all, t + ms(3_000), "with n5 back");
        assert!(s.node(victim).expect("up").parent().is_some());
    }
}

#[test]
fn a_fixed_root_is_waited_for_when_it_crashes_and_the_tree_rebuilds_when_it_returns() {
    let (mut s, all) = converged_fixed_root_grid(3);
    s.apply_now(Fault::Crash { node: NodeId(0) })
        .expect("a valid fault");
    s.run_for(ms(2_000)).expect("runs");
    assert!(
        s.nodes()
            .live()
            .all(|(_, n)| n.parent().is_none() && !n.is_root()),
        "with no root, no round is new and every node detaches; none takes over"
    );
    s.apply_now(Fault::Restart { node: NodeId(0) })
        .expect("a valid fault");
    let t = s.now();
    converge(&mut s, &all, t + ms(3_000), "after the root returned");
}
