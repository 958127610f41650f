//! The layered hierarchy on whole clusters: it converges to the true aggregate, elects the
//! right leaders, repairs after a leader, the root or a tenth of the nodes crash, merges after
//! a partition, and each known bug is caught by the end checks it was built for.

use layered::{
    Bug, Changes, Config, LayeredNode, Layout, NodeSanity, check_global, check_leaders,
    run_until_converged, true_aggregate,
};
use sim_core::{
    Duration, Fault, Latency, LinkModel, NetworkConfig, NodeId, PartitionSpec, SimConfig,
    Simulation, Time,
};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn cluster(seed: u64, n: u32, config: Config, loss: f64) -> Simulation<LayeredNode> {
    config.validate(n).expect("a valid config");
    let sim_config = SimConfig {
        seed,
        network: NetworkConfig {
            default: LinkModel {
                loss,
                ..LinkModel::with_latency(Latency::uniform(ms(1), ms(10)))
            },
            ..NetworkConfig::default()
        },
        ..SimConfig::default()
    };
    let mut s = Simulation::new(sim_config, vec![config; n as usize]).expect("a valid cluster");
    s.add_checker(NodeSanity);
    s
}

fn groups_of(g: u32) -> Config {
    Config {
        group_size: g,
        ..Config::default()
    }
}

fn ids(n: u32, without: &[u32]) -> Vec<NodeId> {
    (0..n)
        .filter(|i| !without.contains(i))
        .map(NodeId)
        .collect()
}

/// Runs until converged over `live` within `within`, failing the test otherwise; returns how
/// long it took.
fn converge(
    s: &mut Simulation<LayeredNode>,
    live: &[NodeId],
    within: Duration,
    what: &str,
) -> Duration {
    let from = s.now();
    match run_until_converged(s, live, ms(5), from + within).expect("runs") {
        Ok(at) => at - from,
        Err(why) => panic!("{what}: not converged within {within}: {why}"),
    }
}

#[test]
fn every_node_learns_the_true_aggregate_and_the_lowest_ids_lead() {
    for (n, g) in [(1, 4), (5, 4), (100, 4), (343, 7), (1000, 10)] {
        let mut s = cluster(1, n, groups_of(g), 0.0);
        let all = ids(n, &[]);
        let layers = u32::from(Layout::new(g, n).top) + 1;
        // Up one layer and down one layer per sync, at most, after the first sync.
        let bound = ms(100 * (2 * u64::from(layers) + 2));
        let took = converge(&mut s, &all, bound, &format!("{n} nodes in groups of {g}"));
        let global = s
            .node(NodeId(n - 1))
            .and_then(|x| x.global())
            .expect("a global");
        assert_eq!(global.agg.count, u64::from(n));
        assert_eq!(global.agg.sum, i128::from(n) * i128::from(n - 1) / 2);
        assert_eq!(
            s.node(NodeId(0)).expect("up").top_layer() as u32 + 1,
            layers
        );
        println!("{n} nodes, groups of {g}, {layers} layers: converged in {took}");
    }
}

/// The syncs of one period when every node is up: each node syncs with the other members of
/// its layer-0 group, and the lowest id of every block of level `l` with its sibling blocks
/// at layer `l`.
fn syncs_per_period(layout: &Layout) -> u64 {
    let mut total = 0u64;
    for layer in 0..=layout.top {
        let span = layout.span(layer);
        let mut first = 0u64;
        while first < u64::from(layout.nodes) {
            total += layout.sibling_slots(layer, NodeId(first as u32)).count() as u64;
            first += span;
        }
    }
    total
}

#[test]
fn a_stable_cluster_sends_exactly_its_syncs_and_nothing_else() {
    let (n, g) = (200, 5);
    let mut s = cluster(3, n, groups_of(g), 0.0);
    s.count_sent_kinds();
    let all = ids(n, &[]);
    converge(&mut s, &all, ms(2_000), "initial");
    s.run_for(ms(1_000)).expect("runs");
    let before: u64 = s.nodes().live().map(|(_, x)| x.sent().messages).sum();
    s.run_for(ms(2_000)).expect("runs");
    let after: u64 = s.nodes().live().map(|(_, x)| x.sent().messages).sum();
    let per_period = syncs_per_period(&Layout::new(g, n));
    // Every node ticks once per 100 ms period: 20 ticks each in 2 s.
    assert_eq!(after - before, 20 * per_period);
    // In groups of 5, about N * (g - 1) * g / (g - 1) = 5 N syncs per period, far below the
    // N (N - 1) of all-to-all.
    assert!(per_period <= 5 * u64::from(n), "{per_period}");
    assert!(
        s.sent_by_kind().iter().all(|&(kind, _)| kind == "Sync"),
        "{:?}",
        s.sent_by_kind()
    );
}

#[test]
fn a_crashed_group_leader_is_replaced_by_the_next_lowest_member() {
    let (n, g) = (64, 4);
    for seed in 0..5 {
        let mut s = cluster(seed, n, groups_of(g), 0.0);
        converge(&mut s, &ids(n, &[]), ms(2_000), "initial");
        // n16 leads a layer-0 and a layer-1 group (blocks [16, 20) and [16, 32)).
        assert_eq!(s.node(NodeId(16)).expect("up").top_layer(), 2);
        s.apply_now(Fault::Crash { node: NodeId(16) })
            .expect("a valid fault");
        let live = ids(n, &[16]);
        let took = converge(&mut s, &live, ms(2_000), "after the leader's crash");
        assert_eq!(
            s.node(NodeId(17)).expect("up").top_layer(),
            2,
            "seed {seed}"
        );
        assert!(
            took >= ms(350),
            "seed {seed}: converged in {took}, before the timeout"
        );
        assert_eq!(
            s.node(NodeId(63)).and_then(|x| x.global()).map(|g| g.agg),
            Some(true_aggregate(s.nodes(), &live))
        );
    }
}

#[test]
fn the_root_a_tenth_of_the_nodes_and_consecutive_ids_crash_and_the_rest_converge() {
    let (n, g) = (200, 4);
    // The root; 20 nodes including every member of one group ([40, 44)) and the two lowest
    // ids of another; then everything heals and the dead come back.
    let victims: Vec<u32> = vec![
        0, 1, 40, 41, 42, 43, 60, 61, 77, 90, 101, 115, 128, 133, 150, 162, 171, 180, 190, 199,
    ];
    for seed in 0..3 {
        let mut s = cluster(seed, n, groups_of(g), 0.0);
        converge(&mut s, &ids(n, &[]), ms(2_000), "initial");
        for &v in &victims {
            s.apply_now(Fault::Crash { node: NodeId(v) })
                .expect("a valid fault");
        }
        let live = ids(n, &victims);
        converge(&mut s, &live, ms(3_000), "after 10% crashed");
        assert_eq!(
            s.node(NodeId(2)).expect("up").top_layer(),
            Layout::new(g, n).top
        );
        for &v in &victims {
            s.apply_now(Fault::Restart { node: NodeId(v) })
                .expect("a valid fault");
        }
        converge(&mut s, &ids(n, &[]), ms(3_000), "after the restarts");
        assert_eq!(
            s.node(NodeId(0)).expect("up").top_layer(),
            Layout::new(g, n).top
        );
    }
}

#[test]
fn both_sides_of_a_partition_converge_and_merge_after_the_heal() {
    let (n, g) = (48, 4);
    let right: Vec<NodeId> = (20..48).map(NodeId).collect();
    let left = ids(20, &[]);
    for seed in 0..5 {
        let mut s = cluster(seed, n, groups_of(g), 0.0);
        converge(&mut s, &ids(n, &[]), ms(2_000), "initial");
        s.apply_now(Fault::Partition {
            spec: PartitionSpec::Groups(vec![right.clone()]),
        })
        .expect("a valid fault");
        converge(&mut s, &left, ms(3_000), "left side");
        converge(&mut s, &right, ms(3_000), "right side");
        s.apply_now(Fault::HealAll).expect("a valid fault");
        let took = converge(&mut s, &ids(n, &[]), ms(3_000), "after the heal");
        println!("seed {seed}: merged {took} after the heal");
    }
}

#[test]
fn it_converges_on_a_lossy_network() {
    let (n, g) = (300, 6);
    let config = Config {
        timeout: ms(450),
        ..groups_of(g)
    };
    let mut s = cluster(9, n, config, 0.05);
    converge(&mut s, &ids(n, &[]), ms(5_000), "5% loss");
}

#[test]
fn changing_values_reach_every_node_once_the_changes_stop() {
    let (n, g) = (120, 5);
    let config = Config {
        value: tree_sync::Value::Constant(0),
        changes: Some(Changes {
            rate: 2.0,
            start: ms(500),
            stop: ms(3_000),
        }),
        ..groups_of(g)
    };
    let mut s = cluster(4, n, config, 0.0);
    s.run_until(Time::ZERO + ms(3_000)).expect("runs");
    let made: i64 = s.nodes().live().map(|(_, x)| x.value()).sum();
    // 120 nodes, 2 changes a second each, for 2.5 s: about 600.
    assert!((450..=750).contains(&made), "{made} changes");
    converge(&mut s, &ids(n, &[]), ms(2_000), "after the changes stop");
    let g0 = s
        .node(NodeId(77))
        .and_then(|x| x.global())
        .expect("a global");
    assert_eq!(g0.agg.sum, i128::from(made));
    assert!(g0.as_of >= Time::ZERO + ms(3_000));
}

#[test]
fn the_global_says_how_stale_it_is() {
    let (n, g) = (256, 4);
    let mut s = cluster(2, n, groups_of(g), 0.0);
    converge(&mut s, &ids(n, &[]), ms(2_000), "initial");
    s.run_for(ms(1_234)).expect("runs");
    let now = s.now();
    let layers = u64::from(Layout::new(g, n).top) + 1;
    for (id, x) in s.nodes().live() {
        let age = now - x.global().expect("a global").as_of;
        // A value is read at a sync, climbs a layer per period and comes down a layer per
        // period, each step at most a period plus a link's 10 ms.
        assert!(
            age <= ms(110 * (2 * layers + 1)),
            "{id}'s global is {age} old"
        );
    }
}

#[test]
fn keeping_dead_peers_is_caught_by_the_global_check() {
    let (n, g) = (40, 4);
    let config = Config {
        bugs: vec![Bug::KeepDeadPeers],
        ..groups_of(g)
    };
    let mut s = cluster(1, n, config, 0.0);
    converge(&mut s, &ids(n, &[]), ms(2_000), "initial");
    s.apply_now(Fault::Crash { node: NodeId(7) })
        .expect("a valid fault");
    let live = ids(n, &[7]);
    s.run_for(ms(3_000)).expect("runs");
    let err = check_global(s.nodes(), &live).expect_err("the dead node is still counted");
    assert!(err.contains("count 40"), "{err}");
}

#[test]
fn no_reelection_is_caught_by_the_leader_and_global_checks() {
    let (n, g) = (40, 4);
    let config = Config {
        bugs: vec![Bug::NoReelection],
        ..groups_of(g)
    };
    let mut s = cluster(1, n, config, 0.0);
    converge(&mut s, &ids(n, &[]), ms(2_000), "initial");
    s.apply_now(Fault::Crash { node: NodeId(8) })
        .expect("a valid fault");
    let live = ids(n, &[8]);
    s.run_for(ms(3_000)).expect("runs");
    assert!(check_leaders(s.nodes(), &live).is_err());
    let err = check_global(s.nodes(), &live).expect_err("n8's group is lost");
    assert!(err.contains("do not hold the true aggregate"), "{err}");
}
