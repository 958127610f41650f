//! Each topology: its degrees, edge count and connectivity, what the same seed gives, and the
//! errors impossible parameters get.

use sim_core::{NodeId, SimRng, Stream};
use topology::{Topology, TopologyError, TopologySpec, parse_edge_list, topology_rng};

fn build(spec: TopologySpec, n: u32, seed: u64) -> Result<Topology, TopologyError> {
    spec.build(n, &mut topology_rng(seed))
}

fn degrees(t: &Topology) -> Vec<usize> {
    (0..t.node_count()).map(|i| t.degree(NodeId(i))).collect()
}

fn edge_list(t: &Topology) -> Vec<(u32, u32)> {
    t.edges().map(|(a, b)| (a.0, b.0)).collect()
}

/// The adjacency lists, the edge iterator and petgraph agree, and lists are sorted.
fn assert_consistent(t: &Topology) {
    let mut from_lists = 0;
    for i in 0..t.node_count() {
        let ns = t.neighbours(NodeId(i));
        assert!(
            ns.windows(2).all(|w| w[0] < w[1]),
            "n{i}: {ns:?} not sorted"
        );
        assert!(!ns.contains(&NodeId(i)), "n{i} lists itself");
        for &j in ns {
            assert!(
                t.neighbours(j).contains(&NodeId(i)),
                "edge {i}-{} one-sided",
                j.0
            );
        }
        from_lists += ns.len();
    }
    assert_eq!(from_lists, 2 * t.edge_count());
    assert_eq!(t.edges().count(), t.edge_count());
    assert_eq!(t.graph().edge_count(), t.edge_count());
    assert_eq!(t.graph().node_count() as u32, t.node_count());
}

#[test]
fn complete_links_every_pair() {
    let t = build(TopologySpec::Complete, 12, 1).unwrap();
    assert_consistent(&t);
    assert_eq!(t.edge_count(), 66);
    assert!(degrees(&t).iter().all(|&d| d == 11));
    assert!(t.is_connected());
    let one = build(TopologySpec::Complete, 1, 1).unwrap();
    assert_eq!(one.edge_count(), 0);
    assert!(one.is_connected());
}

#[test]
fn ring_and_line() {
    let ring = build(TopologySpec::Ring, 10, 1).unwrap();
    assert_consistent(&ring);
    assert_eq!(ring.edge_count(), 10);
    assert!(degrees(&ring).iter().all(|&d| d == 2));
    assert_eq!(ring.neighbours(NodeId(0)), &[NodeId(1), NodeId(9)]);
    assert!(ring.is_connected());

    let line = build(TopologySpec::Line, 10, 1).unwrap();
    assert_consistent(&line);
    assert_eq!(line.edge_count(), 9);
    assert_eq!(degrees(&line)[0], 1);
    assert_eq!(degrees(&line)[9], 1);
    assert!(degrees(&line)[1..9].iter().all(|&d| d == 2));
    assert!(line.is_connected());
    assert_eq!(build(TopologySpec::Line, 1, 1).unwrap().edge_count(), 0);

    let err = build(TopologySpec::Ring, 2, 1).unwrap_err().to_string();
    assert!(err.contains("at least 3 nodes"), "{err}");
}

#[test]
fn grid_has_the_lattice_degrees() {
    let t = build(TopologySpec::Grid { rows: 3, cols: 4 }, 12, 1).unwrap();
    assert_consistent(&t);
    // 3 rows of 3 horizontal links, 2 rows of 4 vertical ones.
    assert_eq!(t.edge_count(), 3 * 3 + 2 * 4);
    let d = degrees(&t);
    assert_eq!(d.iter().filter(|&&x| x == 2).count(), 4, "corners");
    assert_eq!(d.iter().filter(|&&x| x == 3).count(), 6, "edges");
    assert_eq!(d.iter().filter(|&&x| x == 4).count(), 2, "inner");
    assert_eq!(
        t.neighbours(NodeId(5)),
        &[NodeId(1), NodeId(4), NodeId(6), NodeId(9)]
    );
    assert!(t.is_connected());

    let err = build(TopologySpec::Grid { rows: 3, cols: 5 }, 12, 1).unwrap_err();
    assert!(err.to_string().contains("15 cells"), "{err}");
    assert!(build(TopologySpec::Grid { rows: 0, cols: 5 }, 12, 1).is_err());
}

#[test]
fn kary_tree_hangs_each_node_under_its_parent() {
    let t = build(TopologySpec::Tree { arity: 3 }, 13, 1).unwrap();
    assert_consistent(&t);
    assert_eq!(t.edge_count(), 12);
    assert!(t.is_connected());
    assert_eq!(t.neighbours(NodeId(0)), &[NodeId(1), NodeId(2), NodeId(3)]);
    assert_eq!(
        t.neighbours(NodeId(1)),
        &[NodeId(0), NodeId(4), NodeId(5), NodeId(6)]
    );
    let tree = t.bfs_tree(NodeId(0)).unwrap();
    assert_eq!(tree.height(), 2);
    assert_eq!(tree.parent(NodeId(12)), Some(NodeId(3)));

    let err = build(TopologySpec::Tree { arity: 0 }, 5, 1).unwrap_err();
    assert!(
        matches!(
            err,
            TopologyError::Invalid {
                topology: "tree",
                ..
            }
        ),
        "{err}"
    );
    // A unary tree is a line.
    let unary = build(TopologySpec::Tree { arity: 1 }, 5, 1).unwrap();
    assert_eq!(
        edge_list(&unary),
        edge_list(&build(TopologySpec::Line, 5, 1).unwrap())
    );
}

#[test]
fn erdos_renyi_has_about_p_of_the_pairs() {
    let (n, p) = (400u32, 0.05);
    let pairs = f64::from(n * (n - 1) / 2);
    let mut total = 0usize;
    for seed in 0..10 {
        let t = build(TopologySpec::ErdosRenyi { p }, n, seed).unwrap();
        assert_consistent(&t);
        total += t.edge_count();
    }
    let mean = total as f64 / 10.0;
    let sd = (pairs * p * (1.0 - p) / 10.0).sqrt();
    assert!(
        (mean - pairs * p).abs() < 4.0 * sd,
        "mean edges {mean}, expected {}",
        pairs * p
    );
    // Above the connectivity threshold ln(n)/n the graph is connected (almost surely).
    assert!(
        build(TopologySpec::ErdosRenyi { p }, n, 3)
            .unwrap()
            .is_connected()
    );
    // p = 0 and p = 1 are the empty and the complete graph.
    assert_eq!(
        build(TopologySpec::ErdosRenyi { p: 0.0 }, 30, 1)
            .unwrap()
            .edge_count(),
        0
    );
    assert_eq!(
        build(TopologySpec::ErdosRenyi { p: 1.0 }, 30, 1)
            .unwrap()
            .edge_count(),
        435
    );
    assert!(
        !build(TopologySpec::ErdosRenyi { p: 0.0 }, 30, 1)
            .unwrap()
            .is_connected()
    );
    for bad in [-0.1, 1.5, f64::NAN] {
        let err = build(TopologySpec::ErdosRenyi { p: bad }, 30, 1).unwrap_err();
        assert!(err.to_string().contains("[0, 1]"), "{err}");
    }
}

#[test]
fn erdos_renyi_pairs_are_evenly_covered() {
    // Skipping must not favour low or high ids: node degrees average out evenly.
    let (n, p) = (60u32, 0.3);
    let mut deg = vec![0usize; n as usize];
    for seed in 0..200 {
        let t = build(TopologySpec::ErdosRenyi { p }, n, seed).unwrap();
        for (i, d) in degrees(&t).into_iter().enumerate() {
            deg[i] += d;
        }
    }
    let expect = 200.0 * p * f64::from(n - 1);
    for (i, d) in deg.iter().enumerate() {
        let d = *d as f64;
        assert!(
            (d - expect).abs() < 0.08 * expect,
            "n{i}: total degree {d}, expected {expect}"
        );
    }
}

#[test]
fn random_regular_gives_every_node_the_degree() {
    for (n, d) in [(10u32, 3u32), (100, 4), (1000, 7 * 2), (51, 50)] {
        let t = build(TopologySpec::RandomRegular { degree: d }, n, 5).unwrap();
        assert_consistent(&t);
        assert!(degrees(&t).iter().all(|&x| x == d as usize), "n={n} d={d}");
        assert_eq!(t.edge_count() as u32, n * d / 2);
    }
    assert!(
        build(TopologySpec::RandomRegular { degree: 4 }, 1000, 1)
            .unwrap()
            .is_connected()
    );
    let odd = build(TopologySpec::RandomRegular { degree: 3 }, 11, 1).unwrap_err();
    assert!(odd.to_string().contains("must be even"), "{odd}");
    let big = build(TopologySpec::RandomRegular { degree: 10 }, 10, 1).unwrap_err();
    assert!(big.to_string().contains("below the node count"), "{big}");
    assert_eq!(
        build(TopologySpec::RandomRegular { degree: 0 }, 7, 1)
            .unwrap()
            .edge_count(),
        0
    );
}

#[test]
fn small_world_keeps_the_edge_count_and_rewires_some() {
    let n = 200;
    let lattice = build(TopologySpec::SmallWorld { k: 6, beta: 0.0 }, n, 1).unwrap();
    assert_consistent(&lattice);
    assert_eq!(lattice.edge_count(), 600);
    assert!(degrees(&lattice).iter().all(|&d| d == 6));
    assert_eq!(
        lattice.neighbours(NodeId(0)),
        &[1, 2, 3, 197, 198, 199].map(NodeId)
    );
    let rewired = build(TopologySpec::SmallWorld { k: 6, beta: 0.2 }, n, 1).unwrap();
    assert_consistent(&rewired);
    assert_eq!(
        rewired.edge_count(),
        600,
        "rewiring moves edges, never adds or drops one"
    );
    let lattice_edges = edge_list(&lattice);
    let moved = edge_list(&rewired)
        .iter()
        .filter(|e| lattice_edges.binary_search(e).is_err())
        .count();
    // About beta of 600 edges move (a few may land back on a lattice pair).
    assert!((60..=180).contains(&moved), "{moved} edges rewired");
    assert!(rewired.is_connected());

    assert!(build(TopologySpec::SmallWorld { k: 3, beta: 0.1 }, n, 1).is_err());
    assert!(build(TopologySpec::SmallWorld { k: 200, beta: 0.1 }, n, 1).is_err());
    assert!(build(TopologySpec::SmallWorld { k: 4, beta: 2.0 }, n, 1).is_err());
}

#[test]
fn random_kinds_repeat_from_the_seed_and_differ_across_seeds() {
    let specs = [
        TopologySpec::ErdosRenyi { p: 0.1 },
        TopologySpec::RandomRegular { degree: 4 },
        TopologySpec::SmallWorld { k: 4, beta: 0.3 },
    ];
    for spec in specs {
        let a = edge_list(&build(spec.clone(), 100, 42).unwrap());
        let b = edge_list(&build(spec.clone(), 100, 42).unwrap());
        let c = edge_list(&build(spec.clone(), 100, 43).unwrap());
        assert_eq!(a, b, "{spec:?}: same seed, different graph");
        assert_ne!(a, c, "{spec:?}: different seeds, same graph");
    }
    // The stream is the documented custom one, not the network's or a node's.
    let mut custom = SimRng::new(42, Stream::Custom(topology::TOPOLOGY_STREAM_ID));
    let mut ours = topology_rng(42);
    assert_eq!(custom.next_u64(), ours.next_u64());
}

#[test]
fn edge_lists_parse_and_report_the_bad_line() {
    let t = parse_edge_list("# ring of 4\n0 1\n1 2\n\n2 3  # last\n3 0\n1 0\n", 4).unwrap();
    assert_consistent(&t);
    assert_eq!(edge_list(&t), vec![(0, 1), (0, 3), (1, 2), (2, 3)]);
    assert!(t.is_connected());

    let cases = [
        ("0 1\n1\n", 2, "expected two node ids"),
        ("0 1\n1 2 3\n", 2, "found 3 fields"),
        ("0 1\n\n1 x\n", 3, "expected a node id"),
        ("0 1\n0 9\n", 2, "outside the cluster's ids 0 to 3"),
        ("0 1\n2 2\n", 2, "self-loop"),
        ("0 -1\n", 1, "expected a node id"),
    ];
    for (text, line, what) in cases {
        let err = parse_edge_list(text, 4).unwrap_err();
        match &err {
            TopologyError::EdgeListLine { line: l, why } => {
                assert_eq!(*l, line, "{text:?}: {err}");
                assert!(why.contains(what), "{text:?}: {err}");
            }
            other => panic!("{text:?}: unexpected {other:?}"),
        }
    }
    // Nodes never mentioned are isolated.
    assert!(!parse_edge_list("0 1\n", 3).unwrap().is_connected());
}

#[test]
fn edge_list_spec_reads_its_file() {
    let dir = std::env::temp_dir().join(format!("topology-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("star.edges");
    std::fs::write(&path, "0 1\n0 2\n0 3\n").unwrap();
    let t = build(TopologySpec::EdgeList { path: path.clone() }, 4, 1).unwrap();
    assert_eq!(t.degree(NodeId(0)), 3);
    let missing = build(
        TopologySpec::EdgeList {
            path: dir.join("missing.edges"),
        },
        4,
        1,
    )
    .unwrap_err();
    assert!(matches!(missing, TopologyError::Io { .. }), "{missing}");
    assert!(missing.to_string().contains("missing.edges"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn specs_read_from_scenario_text() {
    let spec: TopologySpec =
        serde_json::from_str(r#"{"kind": "small-world", "k": 4, "beta": 0.25}"#).unwrap();
    assert_eq!(spec, TopologySpec::SmallWorld { k: 4, beta: 0.25 });
    let spec: TopologySpec = serde_json::from_str(r#"{"kind": "erdos-renyi", "p": 0.5}"#).unwrap();
    assert_eq!(spec.kind(), "erdos-renyi");
    let spec: TopologySpec =
        serde_json::from_str(r#"{"kind": "random-regular", "degree": 3}"#).unwrap();
    assert_eq!(spec, TopologySpec::RandomRegular { degree: 3 });
    let spec: TopologySpec =
        serde_json::from_str(r#"{"kind": "edge-list", "path": "a.txt"}"#).unwrap();
    assert_eq!(spec.kind(), "edge-list");
    let err = serde_json::from_str::<TopologySpec>(r#"{"kind": "ring", "size": 3}"#).unwrap_err();
    assert!(err.to_string().contains("unknown field"), "{err}");
    let err = serde_json::from_str::<TopologySpec>(r#"{"kind": "torus"}"#).unwrap_err();
    assert!(err.to_string().contains("unknown variant"), "{err}");
    // Round trip, the parameterless kinds included.
    let text = serde_json::to_string(&TopologySpec::Complete).unwrap();
    assert_eq!(text, r#"{"kind":"complete"}"#);
    assert_eq!(
        serde_json::from_str::<TopologySpec>(&text).unwrap(),
        TopologySpec::Complete
    );
    let grid = TopologySpec::Grid { rows: 2, cols: 3 };
    let text = serde_json::to_string(&grid).unwrap();
    assert_eq!(serde_json::from_str::<TopologySpec>(&text).unwrap(), grid);
}

#[test]
fn zero_nodes_and_huge_complete_graphs_are_refused() {
    assert!(build(TopologySpec::Line, 0, 1).is_err());
    let err = build(TopologySpec::Complete, 100_000, 1).unwrap_err();
    assert!(matches!(err, TopologyError::TooLarge { .. }), "{err}");
    let err = Topology::from_edges(3, [(0, 5)]).unwrap_err();
    assert!(matches!(err, TopologyError::NodeOutOfRange { .. }), "{err}");
}
