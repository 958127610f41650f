//! Values that change: every change reaches the root's aggregate and every node, and each
//! summary says how old its oldest value is.

mod common;

use common::*;
use sim_core::{NodeId, Time};
use tree_sync::{Changes, Config, Value};

#[test]
fn changing_values_are_counted_once_the_changes_stop() {
    let topo = random_regular(60, 4, 3);
    let config = Config {
        value: Value::Constant(0),
        changes: Some(Changes {
            rate: 2.0,
            start: ms(500),
            stop: ms(3_000),
        }),
        ..Config::default()
    };
    let mut s = sim(5, &topo, config);
    s.run_until(at_ms(3_000)).expect("runs");
    let made: i64 = s.nodes().live().map(|(_, n)| n.value()).sum();
    // 60 nodes, 2 changes a second each, for 2.5 s: about 300.
    assert!((200..=400).contains(&made), "{made} changes");
    let all: Vec<NodeId> = (0..60).map(NodeId).collect();
    converge(&mut s, &all, at_ms(5_000), "after the changes stop");
    let global = s
        .node(NodeId(59))
        .and_then(|n| n.global_summary())
        .expect("a global");
    assert_eq!(global.agg.sum, i128::from(made));
    assert!(global.as_of >= Time::ZERO + ms(3_000));
}

#[test]
fn a_summary_is_as_old_as_its_oldest_value() {
    let topo = grid(6, 6);
    let mut s = sim(2, &topo, Config::default());
    let all: Vec<NodeId> = (0..36).map(NodeId).collect();
    converge(&mut s, &all, at_ms(3_000), "initial");
    s.run_for(ms(2_345)).expect("runs");
    let now = s.now();
    let depth = s
        .nodes()
        .live()
        .filter_map(|(_, n)| n.depth())
        .max()
        .expect("a tree") as u64;
    for (id, n) in s.nodes().live() {
        let g = n.global_summary().expect("a global");
        let age = now - g.as_of;
        // Reports climb a level per round (a node reports its children's last reports when
        // the next round reaches it), and the root's figure comes down within the round:
        // about a period per level, and a period of waiting at each end.
        assert!(
            age <= ms(100 * (depth + 2)),
            "{id}'s global is {age} old at depth {depth}"
        );
        assert!(g.as_of <= now);
        // The root's own summary is read now; a leaf's holds only its value, read now.
        let sub = n.subtree_summary(now);
        assert!(sub.as_of <= now);
        if n.children().is_empty() {
            assert_eq!(sub.as_of, now);
        }
    }
}
