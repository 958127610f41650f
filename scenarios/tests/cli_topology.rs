//! End-to-end tests through the built `clustersim` binary for the protocols with a topology
//! (broadcast, tree_sync): the shipped scenarios, their known bugs, and bad files.

mod binary;
mod library;

use binary::{code, cs, stderr, stdout};
use std::path::PathBuf;

fn lib(protocol: &str, name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(protocol)
        .join(name)
        .display()
        .to_string()
}

/// Writes `text` to a file in a fresh directory and returns both (the directory must live).
fn file(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("bad.toml");
    std::fs::write(&f, text).unwrap();
    let shown = f.display().to_string();
    (dir, shown)
}

#[test]
fn sender_crash_is_survived_by_reliable_broadcast() {
    let o = cs(&["run", &lib("broadcast", "sender-crash.toml")]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let text = stdout(&o);
    for want in [
        "protocol    broadcast, 6 servers, seed 7",
        "crash n0",
        "PASS  agreement: the 5 correct nodes delivered the same 1 broadcasts",
        "PASS  invariants",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
}

#[test]
fn known_bugs_are_caught_and_the_files_pass_because_they_are() {
    for (protocol, name, caught) in [
        (
            "broadcast",
            "known-bug.toml",
            "agreement: failed as expected",
        ),
        (
            "broadcast",
            "duplicate-delivery-bug.toml",
            "invariant no duplicate delivery: failed as expected",
        ),
        (
            "tree_sync",
            "known-bug.toml",
            "tree sync: root aggregate: failed as expected",
        ),
        (
            "layered",
            "known-bug-keep-dead-peers.toml",
            "layered: global aggregate: failed as expected",
        ),
        (
            "layered",
            "known-bug-no-reelection.toml",
            "layered: leaders: failed as expected",
        ),
    ] {
        let o = cs(&["run", &lib(protocol, name)]);
        assert_eq!(code(&o), 0, "{name}: {}", stdout(&o));
        assert!(stdout(&o).contains(caught), "{name}: {}", stdout(&o));
        // Without the bug the same file fails its expectation that something is caught.
        let o = cs(&[
            "run",
            &lib(protocol, name),
            "--set",
            &format!("{protocol}.bugs=[]"),
        ]);
        assert_eq!(code(&o), 1, "{name} without the bug: {}", stdout(&o));
        assert!(
            stdout(&o).contains("the known bug was not caught"),
            "{}",
            stdout(&o)
        );
    }
}

#[test]
fn tree_sync_repairs_a_crashed_parent_and_json_has_the_aggregates() {
    let o = cs(&["run", &lib("tree_sync", "parent-crash.toml"), "--json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let metrics = &v["metrics"];
    assert_eq!(metrics["root_count"], 24.0, "{v}");
    assert_eq!(metrics["root_sum"], metrics["true_sum"], "{v}");
    assert!(metrics["parent_changes"].as_f64().unwrap() >= 1.0, "{v}");
}

#[test]
fn the_library_replays() {
    for dir in library::protocols_that(|c| c.topology, 2) {
        let o = cs(&["check", &lib(dir, "")]);
        assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
        assert!(stdout(&o).contains("0 not ok"), "{}", stdout(&o));
    }
}

const BROADCAST: &str = r#"name = "b"
[protocol]
name = "broadcast"
[cluster]
nodes = 6
TOPOLOGY
[run]
duration = "1s"
"#;

fn with_topology(line: &str) -> String {
    BROADCAST.replace("TOPOLOGY", line)
}

#[test]
fn bad_topologies_are_located_with_what_was_expected() {
    let cases: [(String, &[&str]); 5] = [
        (
            with_topology(r#"topology = { kind = "rng" }"#),
            &[":6:", "unknown variant `rng`", "did you mean `ring`?"],
        ),
        (
            with_topology(r#"topology = { kind = "grid", rows = 2, cols = 4 }"#),
            &[":6:", "in [cluster] topology", "grid"],
        ),
        (
            with_topology(r#"topology = { kind = "ring", size = 3 }"#),
            &[":6:", "unknown field `size`"],
        ),
        (
            with_topology(r#"topology = { kind = "random-regular", degree = 7 }"#),
            &[":6:", "in [cluster] topology"],
        ),
        (
            with_topology(r#"topology = { kind = "edge-list", path = "missing.txt" }"#),
            &[":6:", "missing.txt"],
        ),
    ];
    for (text, wants) in cases {
        let (_dir, f) = file(&text);
        for sub in ["run", "validate"] {
            let o = cs(&[sub, &f]);
            assert_ne!(code(&o), 0, "{sub} accepted\n{text}");
            let err = stderr(&o);
            for want in wants {
                assert!(err.contains(want), "{sub}: missing {want:?} in\n{err}");
            }
        }
    }
}

#[test]
fn an_edge_list_is_read_relative_to_the_scenario() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("g.txt"), "0 1\n1 2\n2 3\n3 4\n4 5\n").unwrap();
    let f = dir.path().join("line.toml");
    let text = with_topology(r#"topology = { kind = "edge-list", path = "g.txt" }"#)
        + "[workload]\norigins = [0]\nrate = 50.0\nstop = \"500ms\"\n";
    std::fs::write(&f, text).unwrap();
    let o = cs(&["run", f.to_str().unwrap(), "--json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    // On a line from n0, the farthest node is five hops away.
    assert_eq!(v["metrics"]["max_hops"], 5.0, "{v}");
}

#[test]
fn leaderless_protocols_refuse_what_needs_a_leader_and_raft_refuses_a_topology() {
    let leader_fault =
        with_topology("") + "[[faults]]\nat = \"1s\"\naction = \"crash\"\nnodes = \"leader\"\n";
    let leader_check = with_topology("") + "[checks]\nleader_within = \"1s\"\n";
    let tree_workload =
        with_topology("").replace("\"broadcast\"", "\"tree_sync\"") + "[workload]\nrate = 1.0\n";
    let raft_topology =
        with_topology(r#"topology = { kind = "ring" }"#).replace("\"broadcast\"", "\"raft\"");
    let linearizable = with_topology("") + "[checks]\nlinearizable = true\n";
    for (text, want) in [
        (
            leader_fault,
            "cannot be checked for selector \"leader\": it has no leader",
        ),
        (
            leader_check,
            "cannot be checked for `leader_within`: it has no leader",
        ),
        (
            tree_workload,
            "protocol \"tree_sync\" has no client workload",
        ),
        (
            raft_topology,
            "protocol \"raft\" takes no `[cluster] topology`",
        ),
        (linearizable, "cannot be checked for `linearizable`"),
    ] {
        let (_dir, f) = file(&text);
        let o = cs(&["validate", &f]);
        assert_eq!(code(&o), 1, "accepted:\n{text}");
        assert!(
            stderr(&o).contains(want),
            "missing {want:?} in\n{}",
            stderr(&o)
        );
    }
}

#[test]
fn bad_protocol_parameters_point_into_the_file() {
    for (params, wants) in [
        (
            "[protocol.params.dissemination]\nkind = \"rumour\"\n",
            &["unknown variant `rumour`", "did you mean `rumor`?"][..],
        ),
        (
            "[protocol.params.dissemination]\nkind = \"rumor\"\nk = 0\n",
            &["dissemination.k", "at least 1"][..],
        ),
        (
            "[protocol.params]\nbugs = [\"no-relai\"]\n",
            &["no-relay"][..],
        ),
        (
            "[workload]\norigins = [9]\n",
            &["workload.origins", "n9"][..],
        ),
    ] {
        let (_dir, f) = file(&(with_topology("") + params));
        let o = cs(&["validate", &f]);
        assert_eq!(code(&o), 1, "accepted {params}");
        for want in wants {
            assert!(
                stderr(&o).contains(want),
                "missing {want:?} in\n{}",
                stderr(&o)
            );
        }
    }
}
