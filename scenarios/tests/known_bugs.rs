//! Every known bug of broadcast and tree sync is caught: for each, a seed on which the
//! checkers report the violation with the bug switched on, and the correct implementation
//! passing every check on the same seeds.

use scenarios::runner::{RunOptions, run_scenario};
use scenarios::{Registry, Scenario};

/// Runs `text` with `seed` and returns the names of the checks that failed.
fn failed(text: &str, seed: u64) -> Vec<String> {
    let s = Scenario::from_str("bug.toml", text).unwrap_or_else(|e| panic!("{e}"));
    let opts = RunOptions {
        seed: Some(seed),
        ..RunOptions::default()
    };
    let f = run_scenario(&Registry::builtin(), &s, &opts).unwrap_or_else(|e| panic!("{e}"));
    f.report
        .checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| format!("{}: {}", c.name, c.detail))
        .collect()
}

/// Finds the first seed in `1..=20` on which a check starting with `caught` fails with `bug`
/// switched on; then shows that without the bug every check passes on every one of those
/// seeds. Returns the seed.
fn hunt(base: &str, bug: &str, caught: &str) -> u64 {
    let buggy = base.replace("BUGS", &format!("bugs = [\"{bug}\"]"));
    let correct = base.replace("BUGS", "bugs = []");
    let seeds = 1..=20u64;
    let found = seeds
        .clone()
        .find(|&seed| failed(&buggy, seed).iter().any(|c| c.starts_with(caught)))
        .unwrap_or_else(|| panic!("{bug}: no seed in {seeds:?} shows it to {caught:?}"));
    for seed in seeds {
        let f = failed(&correct, seed);
        assert!(f.is_empty(), "without {bug}, seed {seed} fails: {f:?}");
    }
    found
}

const RELIABLE_FLOOD: &str = r#"
name = "flood"
[protocol]
name = "broadcast"
[protocol.params]
BUGS
[cluster]
nodes = 8
topology = { kind = "random-regular", degree = 3 }
[network]
latency = "2ms..20ms"
[workload]
rate = 20.0
stop = "1s"
[run]
duration = "2s"
"#;

#[test]
fn deliver_duplicates_is_caught_by_no_duplicate_delivery() {
    hunt(
        RELIABLE_FLOOD,
        "deliver-duplicates",
        "invariant no duplicate delivery",
    );
}

#[test]
fn corrupt_relay_is_caught_by_integrity() {
    hunt(RELIABLE_FLOOD, "corrupt-relay", "invariant integrity");
}

/// The origin reaches only one node (a one-way cut), then crashes.
const SENDER_CRASH: &str = r#"
name = "sender crash"
[protocol]
name = "broadcast"
[protocol.params]
BUGS
[cluster]
nodes = 7
topology = { kind = "small-world", k = 4, beta = 0.3 }
[network]
latency = "5ms..10ms"
[workload]
origins = [0]
rate = 1000.0
start = "10ms"
limit = 1
[[faults]]
at = "1ms"
action = "partition"
one_way = { from = 0, to = [2, 3, 4, 5, 6] }
[[faults]]
at = "50ms"
action = "crash"
nodes = 0
[[faults]]
at = "100ms"
action = "heal"
[run]
duration = "1s"
"#;

#[test]
fn no_relay_is_caught_by_agreement_when_the_sender_crashes() {
    hunt(SENDER_CRASH, "no-relay", "agreement");
}

/// An inner node of a grid's tree crashes for good at 1 s.
const INNER_CRASH: &str = r#"
name = "inner crash"
[protocol]
name = "tree_sync"
[protocol.params]
BUGS
value = { random = { min = 0, max = 1000 } }
[cluster]
nodes = 16
topology = { kind = "grid", rows = 4, cols = 4 }
[network]
latency = "1ms..10ms"
[[faults]]
at = "1s"
action = "crash"
nodes = 5
[run]
duration = "3s"
"#;

#[test]
fn no_repair_is_caught_by_the_tree_and_root_aggregate_checks() {
    hunt(INNER_CRASH, "no-repair", "tree sync: root aggregate");
    hunt(INNER_CRASH, "no-repair", "tree sync: one tree");
}

#[test]
fn keep_dead_children_is_caught_by_the_root_aggregate_check() {
    hunt(
        INNER_CRASH,
        "keep-dead-children",
        "tree sync: root aggregate",
    );
}

/// The checks of the shipped tree-sync file `name` (in `scenarios/tree_sync/`), run on its seed.
/// An `expect_failure` in the file is dropped, so that the checks' own verdicts show.
fn shipped_tree_sync_checks(name: &str) -> Vec<scenarios::registry::CheckResult> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tree_sync")
        .join(name);
    let mut s = Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    s.checks.expect_failure = None;
    let f = run_scenario(&Registry::builtin(), &s, &RunOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    f.report
        .checks
        .into_iter()
        .filter(|c| c.name.starts_with("tree sync"))
        .collect()
}

#[test]
fn tree_sync_end_checks_wait_for_a_repair_under_way_at_the_end() {
    // Explore seed 31015: a child dropped less than 140 ms before the end after four lost
    // reports. Judged at the end instant the tree is broken; once stable it holds.
    let checks = shipped_tree_sync_checks("regression-reports-lost-just-before-the-end.toml");
    assert_eq!(checks.len(), 3, "{checks:?}");
    for c in &checks {
        assert!(c.passed, "{c:?}");
        assert!(
            c.detail.contains("after the end"),
            "the checks should have held only after the end: {c:?}"
        );
    }
}

#[test]
fn tree_sync_settle_window_does_not_hide_a_tree_wrong_for_good() {
    let checks = shipped_tree_sync_checks("known-bug-keep-dead-children.toml");
    let aggregate = checks
        .iter()
        .find(|c| c.name == "tree sync: root aggregate")
        .expect("the root aggregate check ran");
    assert!(!aggregate.passed, "{aggregate:?}");
    assert!(
        aggregate.detail.contains("still 1.950s later"),
        "{aggregate:?}"
    );
}
