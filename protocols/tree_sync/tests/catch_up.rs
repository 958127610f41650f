//! On a lossy network a child that misses rounds asks its parent for the round it missed
//! instead of leaving it: the tree keeps its shape, where without the catch-up it keeps
//! changing.

mod common;

use common::*;
use tree_sync::{Bug, Config};

/// Parent changes over all nodes of a 5x5 grid, 6% loss on every link, 20 s after the
/// initial tree, summed over `seeds`.
fn parent_changes(bugs: Vec<Bug>, seeds: std::ops::Range<u64>) -> u64 {
    let topo = grid(5, 5);
    let mut total = 0;
    for seed in seeds {
        let config = Config {
            bugs: bugs.clone(),
            ..Config::default()
        };
        let mut s = lossy_sim(seed, &topo, config, 0.06);
        s.run_until(at_ms(20_000)).expect("runs");
        assert!(s.violation().is_none(), "seed {seed}: {:?}", s.violation());
        total += s
            .nodes()
            .live()
            .map(|(_, n)| n.parent_changes())
            .sum::<u64>();
    }
    total
}

#[test]
fn a_child_that_misses_rounds_catches_up_instead_of_leaving_its_parent() {
    let without = parent_changes(vec![Bug::NoCatchUp], 0..5);
    let with = parent_changes(Vec::new(), 0..5);
    println!("parent changes over 5 seeds: {with} with catch-up, {without} without");
    // Without the catch-up, three rounds lost in a row (one in six per hop at depth 4) happen
    // many times in 100 node-seconds of 20 nodes.
    assert!(
        without >= 20,
        "without catch-up only {without} parent changes: the loss is too mild to test anything"
    );
    assert!(
        with * 10 <= without,
        "with catch-up {with} parent changes against {without} without"
    );
}
