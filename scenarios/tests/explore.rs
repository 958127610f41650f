//! `clustersim explore`: it finds every known Raft, Paxos, broadcast and tree sync bug, and the
//! workflow's that a healed run can show, within a small seed budget and shrinks each to a few faults; the correct protocols survive the
//! explored seeds; the results do not depend on the number of threads; a shrunk file replays
//! through the binary.

use scenarios::explore::{self, Exploration, Prepared, shrink, write};
use scenarios::{Registry, Scenario};
use sim_core::MarkKind;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_clustersim");

fn lib(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn prepared(path: &str) -> Prepared {
    let s = Scenario::load(&lib(path)).expect("the file loads");
    Prepared::new(&Registry::builtin(), s).expect("the file can be explored")
}

fn explore_on(threads: usize, p: &Prepared, seeds: std::ops::Range<u64>) -> Exploration {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a pool");
    pool.install(|| explore::explore(&Registry::builtin(), p, &mut seeds.clone(), None, &|_| {}))
}

/// Explores `path` on `seeds` and shrinks the first failure of `check`; returns the seed and
/// the shrunk scenario.
fn find(path: &str, seeds: u64, check: &str) -> (u64, shrink::Shrunk) {
    let p = prepared(path);
    let found = explore_on(2, &p, 0..seeds);
    assert_eq!(found.ran, seeds as usize);
    let group: Vec<_> = found
        .failures
        .iter()
        .filter(|f| f.finding.check == check)
        .take(explore::SHRINK_TRIES)
        .collect();
    if group.is_empty() {
        panic!(
            "{path}: no {check:?} in {seeds} seeds; found {:?}",
            found
                .failures
                .iter()
                .map(|f| (f.seed, &f.finding.check))
                .collect::<Vec<_>>()
        );
    }
    let (seed, shrunk) =
        explore::shrink_best(&Registry::builtin(), &p, &group).expect("a shrunk failure");
    assert_eq!(
        shrunk.finding.check, check,
        "{path}: shrinking kept the failure"
    );
    assert!(
        shrunk.scenario.faults.len() <= 5,
        "{path}: {} faults after shrinking",
        shrunk.scenario.faults.len()
    );
    (seed, shrunk)
}

#[test]
fn finds_and_shrinks_raft_bugs() {
    find(
        "raft/explore-no-consistency-check.toml",
        64,
        "invariant Log Matching",
    );
    find("raft/explore-stale-read.toml", 64, "linearizable");
    // Two leaders in one term need a reboot in the few milliseconds between two votes: the
    // first such run is seed 1004.
    find(
        "raft/explore-forget-vote.toml",
        1100,
        "invariant Election Safety",
    );
    // Figure 8: an earlier term's entry committed by counting replicas, then lost to a later
    // leader. About one seed in 5,000 reaches it: seeds 480 and 1253, the second of which
    // shrinks to 4 faults. Without the bug the shrunk schedule is safe.
    find_bug(
        "raft/explore-figure8-commit.toml",
        1300,
        "invariant Leader Completeness",
    );
    // Storage faults on one server: the naive recovery loses a committed entry, and reading
    // without checksums applies damaged entries.
    find_bug(
        "raft/explore-truncate-on-corruption.toml",
        64,
        "invariant Leader Completeness",
    );
    find_bug(
        "raft/explore-ignore-checksums.toml",
        8,
        "invariant Log Matching",
    );
}

#[test]
fn finds_and_shrinks_paxos_bugs() {
    find(
        "paxos/explore-forget-promise.toml",
        16,
        "invariant durability",
    );
    find(
        "paxos/explore-ignore-accepted.toml",
        16,
        "invariant agreement",
    );
    find(
        "paxos/explore-non-unique-ballots.toml",
        16,
        "invariant agreement",
    );
    // Storage faults on one server: the naive recovery forgets an accepted value that was
    // chosen, and reading without checksums proposes damaged ones.
    find_bug(
        "paxos/explore-truncate-on-corruption.toml",
        64,
        "invariant agreement",
    );
    find_bug(
        "paxos/explore-ignore-checksums.toml",
        64,
        "invariant agreement",
    );
}

#[test]
fn finds_and_shrinks_ledger_bugs() {
    // A block tampered with on one server, served by it without a check.
    find_bug(
        "ledger/explore-trust-local-copy.toml",
        16,
        "invariant reads served match the chain",
    );
    // A server catching up after a partition repairs blocks from a peer whose copy was
    // tampered with, and writes them unchecked.
    find_bug(
        "ledger/explore-no-verify-on-repair.toml",
        16,
        "invariant blocks written match the chain",
    );
}

/// Finds and shrinks a bug of `path`, then checks that the shrunk schedule is safe without the
/// bug: the failure is the bug's, not the schedule's (nor a run cut too short to finish).
fn find_bug(path: &str, seeds: u64, check: &str) {
    let (seed, shrunk) = find(path, seeds, check);
    let mut plain = shrunk.scenario.clone();
    assert!(
        plain.protocol.params.remove("bugs").is_some(),
        "{path}: the shrunk scenario keeps the bug"
    );
    let verdict = explore::judge(&Registry::builtin(), &plain, seed);
    assert_eq!(verdict, None, "{path}: the shrunk schedule without the bug");
}

#[test]
fn finds_and_shrinks_workflow_bugs() {
    // no-agent-timeout shows only while a dead agent stays down: its explore file stops a node
    // for good. Its failure is judged at the end of the run, so the shrunk schedule is also
    // replayed without the bug, which must then finish.
    find_bug(
        "workflow/explore-no-agent-timeout.toml",
        4,
        "workflow: all tasks done",
    );
    // Shrinking cuts each of these runs just after its violation, too short for the workflow
    // to finish with or without the bug: they are found and shrunk, not replayed without it.
    find(
        "workflow/explore-ignore-dependencies.toml",
        4,
        "invariant Inputs Present",
    );
    find(
        "workflow/explore-no-fencing.toml",
        16,
        "invariant Runs As Assigned",
    );
    // The window is narrow: the leader must be cut off from its peers (not from the agents)
    // while it dispatches, and the run it dispatched must report before the new leader's.
    find(
        "workflow/explore-assign-before-commit.toml",
        256,
        "invariant Runs As Assigned",
    );
}

#[test]
fn finds_and_shrinks_broadcast_bugs() {
    find_bug(
        "broadcast/explore-deliver-duplicates.toml",
        16,
        "invariant no duplicate delivery",
    );
    find_bug(
        "broadcast/explore-corrupt-relay.toml",
        16,
        "invariant integrity",
    );
    find_bug("broadcast/explore-no-relay.toml", 16, "agreement");
}

#[test]
fn finds_and_shrinks_tree_sync_bugs() {
    find_bug(
        "tree_sync/explore-no-repair.toml",
        16,
        "tree sync: one tree",
    );
    // keep-dead-children shows only while a crashed child stays down: its file stops a node.
    find_bug(
        "tree_sync/explore-keep-dead-children.toml",
        16,
        "tree sync: root aggregate",
    );
}

#[test]
fn correct_protocols_survive_explored_seeds() {
    for path in [
        "raft/explore.toml",
        "paxos/explore.toml",
        "broadcast/explore.toml",
        "tree_sync/explore.toml",
        "workflow/explore.toml",
        "workflow/explore-stop.toml",
        "tree_sync/explore-stop.toml",
        "raft/explore-disk.toml",
        "paxos/explore-disk.toml",
        "ledger/explore.toml",
        "raft/explore-paper.toml",
        "paxos/explore-snapshots.toml",
    ] {
        let found = explore_on(2, &prepared(path), 0..200);
        assert_eq!(found.ran, 200);
        assert!(
            found.failures.is_empty(),
            "{path}: {:?}",
            found.failures.first()
        );
        reaches_its_features(path, &found);
    }
}

/// Exploration reaches what the tests cover: the files that turn a feature on reach it on a
/// good share of their seeds, not once by luck (the default files never snapshot: their runs
/// apply far fewer entries than the snapshot thresholds).
fn reaches_its_features(path: &str, found: &Exploration) {
    let wanted: &[MarkKind] = match path {
        "raft/explore-paper.toml" | "paxos/explore-snapshots.toml" => &[MarkKind::Snapshot],
        "raft/explore.toml" | "paxos/explore.toml" => {
            assert_eq!(
                found.coverage.reached(MarkKind::Snapshot),
                0,
                "{path}: a default file now snapshots; the feature files' share is then moot"
            );
            &[]
        }
        _ => &[],
    };
    for kind in wanted {
        let reached = found.coverage.reached(*kind);
        assert!(
            reached * 4 >= found.coverage.seeds(),
            "{path}: only {reached} of {} seeds reached {kind:?}",
            found.coverage.seeds()
        );
    }
}

#[test]
fn same_failures_and_shrunk_files_with_one_and_two_threads() {
    let p = prepared("raft/explore-no-consistency-check.toml");
    let one = explore_on(1, &p, 20..40);
    let two = explore_on(2, &p, 20..40);
    assert!(!one.failures.is_empty(), "seeds 20..40 find the bug");
    assert_eq!(one, two);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let mut texts = Vec::new();
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a pool");
        let f = &one.failures[0];
        let path = dir.path().join(format!("t{threads}.toml"));
        pool.install(|| {
            let failing = explore::derive::derive(&p, f.seed);
            let s = shrink::shrink(&Registry::builtin(), &p, &failing, f.seed, &f.finding);
            write::write_shrunk(
                &Registry::builtin(),
                &path,
                &s.scenario,
                f.seed,
                &s.finding,
                "x.toml",
                s.faults_before,
            )
            .expect("written");
        });
        let text = std::fs::read_to_string(&path).expect("readable");
        // The header names the file; the rest must be identical.
        texts.push(text.lines().skip(2).collect::<Vec<_>>().join("\n"));
    }
    assert_eq!(texts[0], texts[1]);
}

fn cs(args: &[&str]) -> (i32, String) {
    let out = Command::new(BIN)
        .args(args)
        .output()
        .expect("the binary runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains("panicked"), "{args:?}: {text}");
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn the_binary_explores_shrinks_and_replays() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let out = dir.path().display().to_string();
    let file = lib("raft/explore-no-consistency-check.toml");
    let file = file.display().to_string();
    let (code, text) = cs(&["explore", &file, "--seeds", "20..40", "--out", &out, "-q"]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("explored 20 seeds"), "{text}");
    assert!(text.contains("reproduce: clustersim run"), "{text}");
    let shrunk = Path::new(&out).join("shrunk-invariant-log-matching.toml");
    let shrunk = shrunk.display().to_string();
    let (code, text) = cs(&["run", &shrunk]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("PASS  invariant Log Matching: failed as expected"),
        "{text}"
    );
    let (code, text) = cs(&["check", &shrunk]);
    assert_eq!(code, 0, "{text}");
    // Without the known bug the same schedule is safe: the replay then fails its expectation.
    let plain = std::fs::read_to_string(&shrunk)
        .expect("readable")
        .replace("bugs = [\"no-consistency-check\"]\n", "");
    let plain_path = dir.path().join("plain.toml");
    std::fs::write(&plain_path, plain).expect("writable");
    let (code, text) = cs(&["run", &plain_path.display().to_string()]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("the known bug was not caught"), "{text}");
}

#[test]
fn explore_refuses_a_run_without_phases() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("flat.toml");
    std::fs::write(
        &path,
        "name = \"x\"\n[protocol]\nname = \"raft\"\n[run]\nduration = \"1s\"\n",
    )
    .expect("writable");
    let (code, text) = cs(&["explore", &path.display().to_string(), "--seeds", "3"]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("explore needs a run with phases"), "{text}");
    let (code, text) = cs(&["explore", &lib("raft/explore.toml").display().to_string()]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("give --seeds"), "{text}");
}

#[test]
fn explore_refuses_a_size_inside_the_range_the_topology_cannot_have() {
    // A 3-regular graph needs an even number of nodes: 4 and 6 are fine, 5 in between is not.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("regular.toml");
    std::fs::write(
        &path,
        "name = \"x\"\n[protocol]\nname = \"broadcast\"\n[protocol.params.dissemination]\n\
         kind = \"reliable\"\n[cluster]\ntopology = { kind = \"random-regular\", degree = 3 }\n\
         [run]\nsafety = \"1s\"\nliveness = \"1s\"\n[explore]\nnodes = [4, 6]\n",
    )
    .expect("writable");
    let (code, text) = cs(&["explore", &path.display().to_string(), "--seeds", "3"]);
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("explore.nodes: protocol \"broadcast\" cannot run 5 servers"),
        "{text}"
    );
}

#[test]
fn coverage_counts_the_seeds_that_elected_and_committed() {
    let p = prepared("raft/explore.toml");
    let found = explore_on(1, &p, 0..6);
    let cov = found.coverage;
    assert_eq!(cov.seeds(), 6);
    // Every explored Raft run elects a leader (the liveness phase demands one) and commits.
    assert_eq!(cov.reached(sim_core::MarkKind::Elected), 6);
    assert_eq!(cov.reached(sim_core::MarkKind::Committed), 6);
    assert!(cov.missing(p.caps.marks).is_empty());
    assert_eq!(found.coverage, explore_on(2, &p, 0..6).coverage);
}

#[test]
fn a_file_whose_seeds_never_elect_is_flagged() {
    // Election timeouts far beyond the run: no server ever stands for election.
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("asleep.toml");
    let text = std::fs::read_to_string(lib("raft/explore.toml"))
        .expect("readable")
        .replace("\"100ms..200ms\"", "\"60s..61s\"")
        .replace("safety = \"3s\"", "safety = \"300ms\"")
        .replace("liveness = \"3s\"", "liveness = \"300ms\"")
        // The progress claim's window, moved with the phases.
        .replace("from = \"3s\"", "from = \"300ms\"")
        .replace("until = \"6s\"", "until = \"600ms\"");
    std::fs::write(&path, text).expect("writable");
    let (_, text) = cs(&[
        "explore",
        &path.display().to_string(),
        "--seeds",
        "2",
        "--no-shrink",
        "-q",
        "--out",
        &dir.path().display().to_string(),
    ]);
    assert!(
        text.contains("coverage: elected 0/2, committed 0/2"),
        "{text}"
    );
    assert!(
        text.contains("warning: no seed reached `elected`"),
        "{text}"
    );
    assert!(
        text.contains("warning: no seed reached `committed`"),
        "{text}"
    );
}

/// Runs the binary in `dir`; its exit code and standard error.
fn cs_in(dir: &Path, args: &[&str]) -> (Option<i32>, String) {
    let o = Command::new(BIN)
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the binary runs");
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Every file in `dir`, by name, with its bytes.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// An exploration split into shards and merged finds the same failures and writes the same
/// failing and shrunk files, byte for byte, as one machine; a merge of findings that do not
/// belong together is refused.
#[test]
fn a_sharded_exploration_merges_into_what_one_machine_finds() {
    let file = lib("paxos/explore-forget-promise.toml");
    let file = file.to_str().unwrap();
    let one = tempfile::tempdir().unwrap();
    let (code, err) = cs_in(
        one.path(),
        &["explore", file, "--seeds", "12", "-q", "--out", "found"],
    );
    assert_eq!(code, Some(1), "{err}");
    let many = tempfile::tempdir().unwrap();
    for i in 0..3 {
        let shard = format!("{i}/3");
        let args = [
            "explore", file, "--seeds", "12", "-q", "--shard", &shard, "--out", "found",
        ];
        let (code, err) = cs_in(many.path(), &args);
        assert!(code == Some(0) || code == Some(1), "{err}");
    }
    let shards: Vec<String> = (0..3)
        .map(|i| format!("found/shard-{i}-of-3.json"))
        .collect();
    let mut merge = vec!["merge"];
    merge.extend(shards.iter().map(String::as_str));
    merge.extend(["-o", "found"]);
    // One shard missing: refused, and named.
    let (code, err) = cs_in(many.path(), &merge[..3]);
    assert_eq!(code, Some(2));
    assert!(err.contains("-o DIRECTORY"), "{err}");
    let partial = ["merge", &shards[0], &shards[1], "-o", "found"];
    let (code, err) = cs_in(many.path(), &partial);
    assert_eq!(code, Some(2));
    assert!(err.contains("shard 2/3 missing"), "{err}");
    // The whole set: the same files as one machine's.
    let (code, err) = cs_in(many.path(), &merge);
    assert_eq!(code, Some(1), "{err}");
    let merged: Vec<_> = files(&many.path().join("found"))
        .into_iter()
        .filter(|(name, _)| !name.starts_with("shard-"))
        .collect();
    let alone = files(&one.path().join("found"));
    assert!(
        alone.len() >= 3,
        "{:?}",
        alone.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert_eq!(
        merged.iter().map(|f| &f.0).collect::<Vec<_>>(),
        alone.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert!(merged == alone, "a merged file differs from one machine's");
    // Findings of another exploration (other seeds) do not merge with these.
    let (code, _) = cs_in(
        many.path(),
        &[
            "explore", file, "--seeds", "9", "-q", "--shard", "0/3", "--out", "other",
        ],
    );
    assert!(code == Some(0) || code == Some(1));
    let mixed = [
        "merge",
        "other/shard-0-of-3.json",
        &shards[1],
        &shards[2],
        "-o",
        "x",
    ];
    let (code, err) = cs_in(many.path(), &mixed);
    assert_eq!(code, Some(2));
    assert!(err.contains("is not from the sweep of input 1"), "{err}");
}
