//! The Raft entry of the shipped registry, run through scenarios.

use scenarios::registry::raft::TEMPLATE;
use scenarios::runner::{RunOptions, run_scenario};
use scenarios::{Registry, Scenario};

#[test]
fn the_template_runs_and_passes() {
    let s = Scenario::from_str("raft.toml", TEMPLATE).unwrap_or_else(|e| panic!("{e}"));
    let f = run_scenario(&Registry::builtin(), &s, &RunOptions::default()).unwrap();
    assert!(f.report.passed(), "{:#?}", f.report.checks);
    assert!(
        f.report.metrics["ops_completed"] > 100.0,
        "{:?}",
        f.report.metrics
    );
    assert_eq!(f.report.nodes, 8);
    assert!(
        f.report.faults[0].text.starts_with("crash n"),
        "{:?}",
        f.report.faults
    );
    assert!(
        f.report
            .checks
            .iter()
            .any(|c| c.name == "linearizable" && c.passed)
    );
    let again = run_scenario(&Registry::builtin(), &s, &RunOptions::default()).unwrap();
    assert_eq!(f.report.fingerprint, again.report.fingerprint);
}

#[test]
fn raft_config_errors_point_into_the_file() {
    let text = TEMPLATE.replace(
        "heartbeat = \"50ms\"",
        "heartbeat = \"50 ms\"\nhartbeat = 3",
    );
    let s = Scenario::from_str("r.toml", &text).unwrap();
    let e = run_scenario(&Registry::builtin(), &s, &RunOptions::default())
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains("r.toml:14:1") && e.contains("did you mean `heartbeat`?"),
        "{e}"
    );
    let text = TEMPLATE.replace("heartbeat = \"50ms\"", "heartbeat = \"500ms\"");
    let s = Scenario::from_str("r.toml", &text).unwrap();
    let e = run_scenario(&Registry::builtin(), &s, &RunOptions::default())
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains("must be shorter than the shortest election timeout"),
        "{e}"
    );
    let text = TEMPLATE.replace("clients = 3", "clients = \"three\"");
    let s = Scenario::from_str("r.toml", &text).unwrap();
    let e = run_scenario(&Registry::builtin(), &s, &RunOptions::default())
        .err()
        .unwrap()
        .to_string();
    assert!(e.contains("r.toml:39:11: in [workload]"), "{e}");
}

/// The shipped regression of a rejoining follower: on every one of 200 seeds the leader
/// elected first keeps leading, and the run passes its checks.
#[test]
fn a_rejoining_follower_never_deposes_the_leader_on_200_seeds() {
    let path = "raft/rejoining-follower.toml";
    let text = std::fs::read_to_string(format!(
        "{}/../scenarios/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let s = Scenario::from_str(path, &text).unwrap_or_else(|e| panic!("{e}"));
    for seed in 1..=200 {
        let options = RunOptions {
            seed: Some(seed),
            ..RunOptions::default()
        };
        let f = run_scenario(&Registry::builtin(), &s, &options).unwrap();
        assert_eq!(f.report.metrics["elections"], 1.0, "seed {seed}");
        assert!(f.report.passed(), "seed {seed}: {:#?}", f.report.checks);
        assert!(
            f.report.faults[0].text.starts_with("partition"),
            "seed {seed}: {:?}",
            f.report.faults
        );
    }
}

const BRIEF_ISOLATION: &str = r#"
name = "leader isolated briefly"
seed = 1
[protocol]
name = "raft"
[cluster]
nodes = 3
[workload]
clients = 2
[[faults]]
at = "1.5s"
action = "partition"
isolate = "leader"
[[faults]]
at = "1.55s"
action = "heal"
[run]
duration = "4s"
"#;

/// The leader cut off for 50 ms, before anyone times out, keeps leading: `leader_within`
/// counts it again once the heal reconnects it (it used to exclude it for good and fail).
#[test]
fn leader_within_counts_an_old_leader_that_never_stopped_leading() {
    for seed in 1..=20 {
        let text = format!("{BRIEF_ISOLATION}[checks]\nleader_within = \"1s\"\n");
        let s = Scenario::from_str("brief.toml", &text).unwrap();
        let options = RunOptions {
            seed: Some(seed),
            ..RunOptions::default()
        };
        let f = run_scenario(&Registry::builtin(), &s, &options).unwrap();
        assert_eq!(f.report.metrics["elections"], 1.0, "seed {seed}");
        let check = f
            .report
            .checks
            .iter()
            .find(|c| c.name == "leader_within 1s")
            .unwrap();
        assert!(check.passed, "seed {seed}: {check:?}");
        assert!(
            check.detail.contains("50ms after losing leader"),
            "{check:?}"
        );
    }
}

/// A run of a protocol with a leader reports how long its elections took, whether or not it
/// checks `leader_within`.
#[test]
fn election_times_are_reported_without_leader_within() {
    let s = Scenario::from_str("brief.toml", BRIEF_ISOLATION).unwrap();
    let f = run_scenario(&Registry::builtin(), &s, &RunOptions::default()).unwrap();
    assert!(
        !f.report
            .checks
            .iter()
            .any(|c| c.name.starts_with("leader_within"))
    );
    // The first election, then the old leader found again after its loss.
    assert_eq!(f.report.metrics["leader_election_ms_count"], 2.0);
    assert!(f.report.metrics["leader_election_ms_max"] > 0.0);
}

/// `"follower"` picks one running server other than the leader, `"followers"` every one.
#[test]
fn follower_selectors_leave_the_leader_alone() {
    for (selector, count) in [("follower", 1), ("followers", 4)] {
        for seed in 1..=10 {
            let text = format!(
                "name = \"followers\"\nseed = {seed}\n[protocol]\nname = \"raft\"\n\
                 [cluster]\nnodes = 5\n[workload]\nclients = 0\n\
                 [[faults]]\nat = \"1s\"\naction = \"pause\"\nnodes = \"{selector}\"\n\
                 [run]\nduration = \"1.5s\"\n[checks]\nleader_within = \"1s\"\n"
            );
            let s = Scenario::from_str("f.toml", &text).unwrap();
            let f = run_scenario(&Registry::builtin(), &s, &RunOptions::default()).unwrap();
            let leader = &f
                .report
                .checks
                .iter()
                .find(|c| c.name == "leader_within 1s")
                .unwrap();
            let note = &f.report.faults[0].text;
            let leader = leader.detail.split(['(', ')']).nth(1).unwrap().to_string();
            let paused = nodes_in(note, "pause");
            assert_eq!(paused.len(), count, "{selector} seed {seed}: {note}");
            assert!(
                !paused.contains(&leader.as_str()),
                "{selector} seed {seed}: {note}, leader {leader}"
            );
            assert!(note.ends_with(&format!("({selector})")), "{note}");
        }
    }
}

/// `{ random = K }` draws K distinct servers; asking for more than there are, or none, is an
/// error that points at the selector.
#[test]
fn random_k_draws_distinct_servers_and_bad_counts_are_located() {
    let file = |nodes: &str| {
        format!(
            "name = \"k\"\nseed = 3\n[protocol]\nname = \"raft\"\n[cluster]\nnodes = 5\n\
             [workload]\nclients = 0\n[[faults]]\nat = \"1s\"\naction = \"crash\"\n\
             nodes = {nodes}\n[run]\nduration = \"1.5s\"\n"
        )
    };
    for seed in 1..=10 {
        let s = Scenario::from_str("k.toml", &file("{ random = 2 }")).unwrap();
        let options = RunOptions {
            seed: Some(seed),
            ..RunOptions::default()
        };
        let f = run_scenario(&Registry::builtin(), &s, &options).unwrap();
        let note = &f.report.faults[0].text;
        let crashed = nodes_in(note, "crash");
        assert_eq!(crashed.len(), 2, "seed {seed}: {note}");
        assert_ne!(crashed[0], crashed[1], "seed {seed}: {note}");
        assert!(note.ends_with("(random 2)"), "{note}");
    }
    let e = Scenario::from_str("k.toml", &file("{ random = 6 }"))
        .and_then(|s| run_scenario(&Registry::builtin(), &s, &RunOptions::default()).map(|_| ()))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("k.toml:12:") && e.contains("more servers than the 5"),
        "{e}"
    );
    let e = Scenario::from_str("k.toml", &file("{ random = 0 }"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("k.toml:12:") && e.contains("selects nobody"),
        "{e}"
    );
}

/// `{ fraction = F }` draws that share of the servers, rounded down and at least one, so one
/// file crashes a tenth of any cluster; a share outside (0, 1] is an error at the selector.
#[test]
fn a_fraction_of_the_servers_scales_with_the_cluster() {
    let file = |servers: u32, nodes: &str| {
        format!(
            "name = \"f\"\nseed = 3\n[protocol]\nname = \"raft\"\n[cluster]\nnodes = {servers}\n\
             [workload]\nclients = 0\n[[faults]]\nat = \"1s\"\naction = \"crash\"\n\
             nodes = {nodes}\n[run]\nduration = \"1.5s\"\n"
        )
    };
    for (servers, want) in [(3, 1), (10, 3), (21, 6)] {
        let s = Scenario::from_str("f.toml", &file(servers, "{ fraction = 0.3 }")).unwrap();
        let f = run_scenario(&Registry::builtin(), &s, &RunOptions::default()).unwrap();
        let note = &f.report.faults[0].text;
        let mut crashed = nodes_in(note, "crash");
        crashed.dedup();
        assert_eq!(crashed.len(), want, "{servers} servers: {note}");
        assert!(note.ends_with("(random 30%)"), "{note}");
    }
    for bad in ["{ fraction = 0 }", "{ fraction = 1.5 }"] {
        let e = Scenario::from_str("f.toml", &file(5, bad))
            .unwrap_err()
            .to_string();
        assert!(e.contains("f.toml:12:") && e.contains("above 0"), "{e}");
    }
}

/// The nodes a fault note (`crash n0,n3 (random 2)`) names after its action.
fn nodes_in<'a>(note: &'a str, action: &str) -> Vec<&'a str> {
    note.strip_prefix(action)
        .and_then(|rest| rest.split_whitespace().next())
        .map(|ids| ids.split(',').collect())
        .unwrap_or_default()
}

/// The assertions that need a key-value store's clients and a Raft server's fields, passing
/// and failing on one run: ten commands, then nothing.
#[test]
fn client_and_field_assertions_on_raft() {
    let text = "name = \"a\"\nseed = 1\n[protocol]\nname = \"raft\"\n[cluster]\nnodes = 3\n\
                [workload]\nclients = 1\nops_per_client = 10\nstart = \"500ms\"\nmix = { get = 0.0, put = 1.0, append = 0.0 }\n[run]\nduration = \"2s\"\n\
                [[assert]]\nthat = \"ops-completed\"\nequals = 10\n\
                [[assert]]\nthat = \"ops-completed\"\nfrom = \"1.5s\"\nmin = 1\n\
                [[assert]]\nthat = \"field\"\nnode = 0\nfield = \"commit index\"\nmin = 10\nat = \"2s\"\n\
                [[assert]]\nthat = \"field\"\nnode = 0\nfield = \"commit index\"\nmax = 5\nat = \"2s\"\n\
                [[assert]]\nthat = \"fields-equal\"\nfield = \"applied index\"\nat = \"2s\"\n";
    let s = Scenario::from_str("a.toml", text).unwrap();
    let f = run_scenario(&Registry::builtin(), &s, &RunOptions::default()).unwrap();
    let a: Vec<_> = f
        .report
        .checks
        .iter()
        .filter(|c| c.name.starts_with("assert"))
        .collect();
    let verdicts: Vec<bool> = a.iter().map(|c| c.passed).collect();
    assert_eq!(verdicts, [true, false, true, false, true], "{a:#?}");
    assert_eq!(a[1].detail, "operations completed = 0 from 1.5s to 2s");
    // Ten writes and the new leader's no-op.
    assert_eq!(a[3].detail, "at 2s: n0 commit index = 11");
    let typo = text.replace("\"applied index\"", "\"applied idx\"");
    let err = Scenario::from_str("a.toml", &typo)
        .and_then(|s| run_scenario(&Registry::builtin(), &s, &RunOptions::default()).map(|_| ()))
        .unwrap_err()
        .to_string();
    assert!(err.contains("did you mean \"applied index\"?"), "{err}");
}
