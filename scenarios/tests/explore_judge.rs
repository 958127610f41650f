//! `clustersim explore` as a judge of mutants: each test explores a protocol's explore files
//! (the correct protocol, every fault kind they draw) on a budget of seeds and fails on the
//! first failure found. Unmutated, the protocols pass; under cargo-mutants
//! (`bash .ci/mutants explore CRATE`) a failing test is a mutant that exploration alone kills,
//! which measures how much of what the crate's tests catch a random search catches too.
//!
//! Ignored in the normal suite: `tests/explore.rs` already checks that the correct protocols
//! survive their explored seeds. The budget is `CLUSTERSIM_JUDGE_SEEDS` seeds per file
//! (default 200), on every core.

use scenarios::explore::{self, Prepared};
use scenarios::{Registry, Scenario};
use std::path::PathBuf;

fn seeds() -> u64 {
    match std::env::var("CLUSTERSIM_JUDGE_SEEDS") {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("CLUSTERSIM_JUDGE_SEEDS={v:?} is not a number of seeds")),
        Err(_) => 200,
    }
}

/// Explores each of `files` (paths in the scenario library) on seeds 0..budget and panics with
/// the first failure, naming its file, seed and check.
fn explore_finds_nothing(files: &[&str]) {
    let registry = Registry::builtin();
    let budget = seeds();
    for file in files {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(file);
        let s = Scenario::load(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
        let p = Prepared::new(&registry, s).unwrap_or_else(|e| panic!("{file}: {e}"));
        let found = explore::explore(&registry, &p, &mut (0..budget), None, &|_| {});
        assert_eq!(found.ran as u64, budget, "{file}: every seed ran");
        if let Some(f) = found.failures.first() {
            panic!(
                "{file}: seed {} fails {:?}: {}",
                f.seed, f.finding.check, f.finding.detail
            );
        }
    }
}

#[test]
#[ignore = "a judge for mutation testing: run by .ci/mutants explore raft"]
fn raft_explore_finds_nothing() {
    explore_finds_nothing(&[
        "raft/explore.toml",
        "raft/explore-disk.toml",
        "raft/explore-paper.toml",
    ]);
}

#[test]
#[ignore = "a judge for mutation testing: run by .ci/mutants explore paxos"]
fn paxos_explore_finds_nothing() {
    explore_finds_nothing(&[
        "paxos/explore.toml",
        "paxos/explore-disk.toml",
        "paxos/explore-snapshots.toml",
    ]);
}

#[test]
#[ignore = "a judge for mutation testing: run by .ci/mutants explore kv"]
fn kv_explore_finds_nothing() {
    // The key-value service runs on both consensus protocols.
    explore_finds_nothing(&[
        "raft/explore.toml",
        "paxos/explore.toml",
        "raft/explore-disk.toml",
        "paxos/explore-disk.toml",
    ]);
}
