//! The sync study's figures on small clusters, against what each variant must send: flat
//! sends N - 1 messages per update, relays about degree - 1 per node, a stable layered
//! hierarchy exactly its syncs; every update reaches everyone, within each variant's bound.

use scenarios::runner::{RunOptions, run_scenario};
use scenarios::{Registry, Scenario};
use std::collections::BTreeMap;

/// Runs the study file `name` with `nodes` nodes (and every check passing); its metrics.
fn study(name: &str, nodes: u32) -> BTreeMap<String, f64> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("study")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("a shipped study file");
    assert!(text.contains("\nnodes = 100\n"), "{name}");
    let text = text.replace("\nnodes = 100\n", &format!("\nnodes = {nodes}\n"));
    let s = Scenario::from_str(name, &text).unwrap_or_else(|e| panic!("{e}"));
    let f = run_scenario(&Registry::builtin(), &s, &RunOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    for c in &f.report.checks {
        assert!(c.passed, "{name}: {} {}", c.name, c.detail);
    }
    f.report.metrics
}

fn get(m: &BTreeMap<String, f64>, name: &str) -> f64 {
    *m.get(name)
        .unwrap_or_else(|| panic!("no {name} in {:?}", m.keys().collect::<Vec<_>>()))
}

/// Every node changes 0.2 times a second for 5 s: about N updates, none left behind.
fn updates_all_arrive(m: &BTreeMap<String, f64>, nodes: u32) {
    let updates = get(m, "updates");
    let n = f64::from(nodes);
    assert!(updates > 0.5 * n && updates < 1.6 * n, "{updates} updates");
    assert_eq!(get(m, "updates_incomplete"), 0.0);
    assert_eq!(get(m, "update_latency_ms_count"), updates);
}

#[test]
fn flat_sends_every_update_to_the_other_n_minus_1_nodes() {
    let m = study("flat.toml", 50);
    updates_all_arrive(&m, 50);
    assert_eq!(get(&m, "messages_per_update"), 49.0);
    // One hop: a link takes 1 to 10 ms, and nothing is older than that.
    assert!(get(&m, "update_latency_ms_max") <= 10.0);
    assert!(get(&m, "staleness_max_ms") <= 10.0);
    // The busiest node sends 49 messages per update it makes, over the 5 s window.
    let busiest = get(&m, "hot_spot_msgs_per_s") * 5.0;
    assert_eq!(busiest % 49.0, 0.0, "{busiest}");
}

#[test]
fn relays_send_each_update_along_every_edge_but_the_one_it_came_by() {
    let m = study("relay.toml", 50);
    updates_all_arrive(&m, 50);
    // On an 8-regular graph the origin sends 8 and every other node 7: 351 per update. The
    // window counts what was sent in it, so the relays of an update made in the last few
    // milliseconds before the stop fall outside it (and those of one made just before the
    // start inside): an edge of a hop or two in a 5 s window, well under 1%.
    let per = get(&m, "messages_per_update");
    assert!((per - 351.0).abs() < 3.5, "{per}");
}

#[test]
fn a_stable_layered_hierarchy_sends_exactly_its_syncs() {
    // 64 nodes in groups of 8: 64 * 7 syncs at layer 0 and 8 * 7 at layer 1, every 100 ms,
    // for the 5 s window.
    let m = study("layered.toml", 64);
    updates_all_arrive(&m, 64);
    let sent = get(&m, "messages_per_update") * get(&m, "updates");
    assert!(
        (sent - 50.0 * (64.0 * 7.0 + 8.0 * 7.0)).abs() < 1e-6,
        "{sent}"
    );
    // A value is read at a sync, climbs a layer per sync and comes down a layer per sync:
    // within two layers up and down, and a period of waiting at each end.
    let worst = get(&m, "update_latency_ms_max");
    assert!(worst > 100.0 && worst <= 600.0, "{worst}");
    assert!(get(&m, "staleness_max_ms") <= 600.0);
}

#[test]
fn tree_sync_and_gossip_bring_every_update_to_everyone() {
    let m = study("tree-sync.toml", 73);
    updates_all_arrive(&m, 73);
    // The breadth-first tree of a random 8-regular graph on 73 nodes is 2 or 3 levels deep,
    // and reports climb a level per round.
    let worst = get(&m, "update_latency_ms_max");
    assert!(worst > 100.0 && worst <= 500.0, "{worst}");
    // Every node but the root reports once a round and gets one round: 2 * 72 messages
    // each 100 ms, give or take the catch-ups.
    let per_s = get(&m, "messages_per_update") * get(&m, "updates") / 5.0;
    assert!((per_s - 1440.0).abs() < 30.0, "{per_s}");
    for file in ["gossip.toml", "tree-broadcast.toml"] {
        let m = study(file, 40);
        updates_all_arrive(&m, 40);
        assert!(get(&m, "update_latency_ms_mean") < 2_000.0, "{file}");
    }
}
