//! Spanning trees and the overlay's neighbour queries.

use sim_core::{NodeId, SimRng, Stream};
use std::sync::Arc;
use topology::{Overlay, SpanningTree, Topology, TopologySpec, topology_rng};

fn grid(rows: u32, cols: u32) -> Topology {
    TopologySpec::Grid { rows, cols }
        .build(rows * cols, &mut topology_rng(1))
        .unwrap()
}

#[test]
fn bfs_tree_gives_shortest_depths_and_consistent_children() {
    let t = grid(4, 5);
    let tree = t.bfs_tree(NodeId(0)).unwrap();
    assert_eq!(tree.reached(), 20);
    for i in 0..20u32 {
        let (r, c) = (i / 5, i % 5);
        assert_eq!(
            tree.depth(NodeId(i)),
            Some(r + c),
            "manhattan distance of n{i}"
        );
        if let Some(p) = tree.parent(NodeId(i)) {
            assert!(
                t.has_edge(p, NodeId(i)),
                "tree edge {p}-n{i} not in the grid"
            );
            assert!(tree.children(p).contains(&NodeId(i)));
        }
        let kids = tree.children(NodeId(i));
        assert!(kids.windows(2).all(|w| w[0] < w[1]));
    }
    assert_eq!(tree.parent(NodeId(0)), None);
    assert_eq!(tree.height(), 7);
    assert_eq!(tree.edges().count(), 19);
    // Neighbours are visited in id order, so n6 (row 1, col 1) hangs under n1, not n5.
    assert_eq!(tree.parent(NodeId(6)), Some(NodeId(1)));
}

#[test]
fn bfs_tree_leaves_out_what_the_root_cannot_reach() {
    let t = Topology::from_edges(5, [(0, 1), (1, 2), (3, 4)]).unwrap();
    let tree = t.bfs_tree(NodeId(1)).unwrap();
    assert_eq!(tree.reached(), 3);
    assert!(!tree.contains(NodeId(3)));
    assert_eq!(tree.parent(NodeId(4)), None);
    assert_eq!(tree.depth(NodeId(4)), None);
    assert!(t.bfs_tree(NodeId(5)).is_err());
}

#[test]
fn star_is_the_complete_graphs_bfs_tree() {
    let complete = TopologySpec::Complete
        .build(6, &mut topology_rng(0))
        .unwrap();
    let bfs = complete.bfs_tree(NodeId(2)).unwrap();
    assert_eq!(bfs, SpanningTree::star(6, NodeId(2)).unwrap());
    assert_eq!(bfs.children(NodeId(2)), &[0, 1, 3, 4, 5].map(NodeId));
    assert!(SpanningTree::star(6, NodeId(6)).is_err());
}

#[test]
fn complete_overlay_answers_like_a_complete_topology() {
    let n = 7;
    let topo = Arc::new(
        TopologySpec::Complete
            .build(n, &mut topology_rng(0))
            .unwrap(),
    );
    let explicit = Overlay::new(topo);
    let implicit = Overlay::complete();
    for me in 0..n {
        let me = NodeId(me);
        let a: Vec<NodeId> = explicit.neighbours(me, n).collect();
        let b: Vec<NodeId> = implicit.neighbours(me, n).collect();
        assert_eq!(a, b);
        assert_eq!(implicit.degree(me, n), 6);
        for i in 0..6 {
            assert_eq!(implicit.neighbour(me, n, i), explicit.neighbour(me, n, i));
        }
        assert_eq!(implicit.neighbour(me, n, 6), None);
        assert_eq!(
            implicit.tree_links(me, n, NodeId(3)),
            explicit.tree_links(me, n, NodeId(3))
        );
    }
    assert!(!implicit.is_neighbour(NodeId(1), NodeId(1), n));
    assert!(implicit.is_neighbour(NodeId(1), NodeId(6), n));
}

#[test]
fn sampling_picks_distinct_neighbours_uniformly() {
    let t = Arc::new(grid(5, 5));
    let overlay = Overlay::new(t);
    let mut rng = SimRng::new(3, Stream::Workload);
    let mut out = Vec::new();
    let mut counts = [0u32; 4];
    let centre = NodeId(12);
    let ns = [NodeId(7), NodeId(11), NodeId(13), NodeId(17)];
    for _ in 0..8000 {
        overlay.sample_neighbours(centre, 25, 2, &mut rng, &mut out);
        assert_eq!(out.len(), 2);
        assert_ne!(out[0], out[1]);
        for x in &out {
            let i = ns.iter().position(|n| n == x).expect("a neighbour");
            counts[i] += 1;
        }
    }
    for c in counts {
        assert!((3700..4300).contains(&c), "{counts:?}");
    }
    // Asking for more than there are gives them all, in order.
    overlay.sample_neighbours(NodeId(0), 25, 5, &mut rng, &mut out);
    assert_eq!(out, vec![NodeId(1), NodeId(5)]);
    assert!(overlay.random_neighbour(NodeId(0), 25, &mut rng).is_some());
    let isolated = Overlay::new(Arc::new(Topology::from_edges(2, []).unwrap()));
    assert_eq!(isolated.random_neighbour(NodeId(0), 2, &mut rng), None);
}

#[test]
fn shared_tree_is_used_and_validated() {
    let t = Arc::new(grid(3, 3));
    let overlay = Overlay::new(t).with_tree(NodeId(4), 9).unwrap();
    let links = overlay.tree_links(NodeId(4), 9, NodeId(4));
    assert_eq!(
        links.children,
        vec![NodeId(1), NodeId(3), NodeId(5), NodeId(7)]
    );
    // A different root is computed on the spot.
    assert_eq!(overlay.tree_links(NodeId(0), 9, NodeId(0)).parent, None);
    assert_eq!(
        overlay.tree_links(NodeId(1), 9, NodeId(0)).parent,
        Some(NodeId(0))
    );
    assert!(overlay.validate(9).is_ok());
    assert!(overlay.validate(10).is_err());
    assert!(Overlay::complete().with_tree(NodeId(9), 9).is_err());
}
