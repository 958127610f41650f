//! The overlay restricts who talks to whom, and the metrics count what happened.

mod common;

use broadcast::{Config, Metrics};
use common::*;
use sim_core::{Latency, NodeId, TraceEvent, TraceSink};
use std::sync::Arc;
use topology::{Overlay, Topology, TopologySpec, topology_rng};

fn overlay(spec: TopologySpec, n: u32) -> (Arc<Topology>, Overlay) {
    let t = Arc::new(
        spec.build(n, &mut topology_rng(3))
            .expect("a valid topology"),
    );
    (t.clone(), Overlay::new(t))
}

#[test]
fn every_message_travels_along_an_edge() {
    let n = 20;
    let (topo, ov) = overlay(TopologySpec::SmallWorld { k: 4, beta: 0.2 }, n);
    let configs = [
        Config::reliable(),
        Config::anti_entropy(broadcast::Direction::PushPull, 2, ms(50)),
        Config::rumor(
            broadcast::Loss::Feedback,
            broadcast::Stop::Counter,
            2,
            ms(50),
        ),
        Config::efficient(NodeId(0), ms(20), ms(50), ms(100)),
    ];
    for config in configs {
        let mut s = sim(5, n, config.with_overlay(ov.clone()));
        s.set_trace_sink(TraceSink::Memory(Vec::new()));
        for i in 0..5 {
            broadcast(&mut s, NodeId(i * 3), u64::from(i));
        }
        run_to(&mut s, at_ms(3_000));
        let mut sends = 0;
        for r in s.trace().records() {
            if let TraceEvent::Send { from, to, kind, .. } = &r.event {
                sends += 1;
                assert!(
                    topo.has_edge(*from, *to),
                    "{kind} from {from} to {to}: no such edge"
                );
            }
        }
        assert!(sends > 0);
    }
}

#[test]
fn best_effort_reaches_only_neighbours_and_reliable_reaches_all() {
    let n = 10;
    let (_, ring) = overlay(TopologySpec::Ring, n);
    let mut s = sim(1, n, Config::best_effort().with_overlay(ring.clone()));
    let id = broadcast(&mut s, NodeId(0), 1);
    run_to(&mut s, at_ms(500));
    let reached: Vec<u32> = s
        .nodes()
        .live()
        .filter(|(_, node)| node.has_delivered(id))
        .map(|(i, _)| i.0)
        .collect();
    assert_eq!(reached, vec![0, 1, 9]);

    let (_, line) = overlay(TopologySpec::Line, n);
    let mut s = sim(1, n, Config::reliable().with_overlay(line));
    broadcast(&mut s, NodeId(0), 1);
    run_to(&mut s, at_ms(500));
    for (i, node) in s.nodes().live() {
        let d = node.deliveries();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].hops, i.0, "on a line a copy makes one hop per node");
    }
}

#[test]
fn metrics_of_a_flood_on_a_complete_graph() {
    let n = 5;
    let mut s = sim_with(1, n, Config::reliable(), Latency::constant(ms(10)));
    broadcast(&mut s, NodeId(0), 9);
    run_to(&mut s, at_ms(100));
    let m = Metrics::compute(s.nodes(), s.stats(), None);
    // The origin sends to 4; each of them relays to the 3 others that are not the origin.
    assert_eq!(m.messages, 4 + 4 * 3);
    assert_eq!(m.broadcasts, 1);
    assert_eq!(m.messages_per_broadcast, 16.0);
    assert_eq!(m.deliveries, 4);
    assert_eq!((m.latency_median, m.latency_max), (ms(10), ms(10)));
    assert_eq!(m.residue, 0.0);
    assert_eq!(m.complete, 1);
    assert_eq!(m.convergence_max, ms(10));
    assert_eq!(m.max_hops, 1);
    assert_eq!(m.traffic_max, 4);
    assert_eq!(m.traffic_mean, 16.0 / 5.0);
    assert!(m.convergence_rounds_mean.is_none());
}

#[test]
fn residue_counts_the_nodes_never_reached() {
    let n = 10;
    let (_, ring) = overlay(TopologySpec::Ring, n);
    let mut s = sim(1, n, Config::best_effort().with_overlay(ring));
    broadcast(&mut s, NodeId(0), 1);
    broadcast(&mut s, NodeId(5), 2);
    run_to(&mut s, at_ms(500));
    let m = Metrics::compute(s.nodes(), s.stats(), None);
    assert_eq!(m.broadcasts, 2);
    assert!(
        (m.residue - 0.7).abs() < 1e-12,
        "each reaches 3 of 10: {}",
        m.residue
    );
    assert_eq!(m.complete, 0);
}
