//! The runner on the test-only toy protocol: faults with selectors, nemeses, phases, watches,
//! checks and determinism.

mod common;

use common::{TOY_FOLLOWER, TOY_LEADER, registry, scenario};
use scenarios::runner::{RunOptions, TraceOut, run_scenario};
use sim_core::{Fault, TraceEvent};

const BASE: &str = r#"
name = "toy run"
[protocol]
name = "toy"
[cluster]
nodes = 5
[network]
latency = "1ms..3ms"
[run]
duration = "2s"
[checks]
leader_within = "200ms"
converged_by = "300ms"
"#;

fn run(text: &str, seed: u64) -> scenarios::runner::Finished {
    let s = scenario(text);
    let opts = RunOptions {
        seed: Some(seed),
        trace: TraceOut::Memory,
        checkpoint_every: None,
        progress: None,
    };
    run_scenario(&registry(), &s, &opts).unwrap_or_else(|e| panic!("{e}"))
}

fn faults(f: &scenarios::runner::Finished) -> Vec<(u64, Fault)> {
    f.run
        .trace()
        .records()
        .iter()
        .filter_map(|r| match &r.event {
            TraceEvent::Fault { fault, .. } => Some((r.time.0, fault.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn happy_path_passes_and_repeats() {
    let a = run(BASE, 1);
    assert!(a.report.passed(), "{:#?}", a.report.checks);
    let names: Vec<&str> = a.report.checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "invariants",
            "toy end check",
            "leader_within 200ms",
            "converged_by 300ms"
        ]
    );
    assert!(a.report.metrics["beats"] > 500.0);
    assert!(a.report.metrics.contains_key("beats_per_node_p50"));
    assert!(a.report.metrics.contains_key("leader_election_ms_max"));
    let b = run(BASE, 1);
    assert_eq!(a.report.fingerprint, b.report.fingerprint);
    assert_ne!(a.report.fingerprint, run(BASE, 2).report.fingerprint);
}

/// The toy's roles are called "kapitän" and "matrose": the runner finds the leader by the
/// views' typed role class, never by what a protocol calls its roles.
#[test]
fn leader_detection_reads_the_role_class_not_the_role_name() {
    let f = run(BASE, 3);
    let views = f.run.views();
    let roles: Vec<&str> = views.iter().flatten().map(|v| v.role.as_str()).collect();
    assert_eq!(roles[0], TOY_LEADER, "{roles:?}");
    assert!(roles[1..].iter().all(|r| *r == TOY_FOLLOWER), "{roles:?}");
    assert!(!roles.contains(&"leader"), "{roles:?}");
    assert_eq!(f.run.leader(), Some(sim_core::NodeId(0)));
}

#[test]
fn leader_selector_resolves_when_the_fault_fires() {
    let text = format!(
        "{BASE}\n[[faults]]\nat = \"1s\"\naction = \"crash\"\nnodes = \"leader\"\n\
         [[faults]]\nat = \"1500ms\"\naction = \"restart\"\nnodes = \"all-crashed\"\n"
    );
    let f = run(&text, 3);
    // Node 0 is the lowest id, so it leads at 1s; the restart picks whoever is down.
    assert_eq!(
        faults(&f),
        vec![
            (
                1_000_000_000,
                Fault::Crash {
                    node: sim_core::NodeId(0)
                }
            ),
            (
                1_500_000_000,
                Fault::Restart {
                    node: sim_core::NodeId(0)
                }
            ),
        ]
    );
    assert_eq!(f.report.faults[0].text, "crash n0 (leader)");
    // The leader watch restarted at the crash: n1 takes over within the bound.
    let lw = f
        .report
        .checks
        .iter()
        .find(|c| c.name.starts_with("leader_within"))
        .unwrap();
    assert!(
        lw.passed && lw.detail.contains("losing leader n0 at 1s"),
        "{lw:?}"
    );
}

#[test]
fn leader_within_fails_when_the_bound_is_too_tight() {
    let text = BASE.replace("leader_within = \"200ms\"", "leader_within = \"1ms\"")
        + "\n[[faults]]\nat = \"1s\"\naction = \"crash\"\nnodes = \"leader\"\n";
    let f = run(&text, 3);
    let lw = f
        .report
        .checks
        .iter()
        .find(|c| c.name.starts_with("leader_within"))
        .unwrap();
    assert!(!lw.passed, "{lw:?}");
    assert!(!f.report.passed());
}

#[test]
fn random_and_majority_selectors_draw_from_the_faults_stream() {
    let text = format!(
        "{BASE}\n[[faults]]\nat = \"500ms\"\naction = \"partition\"\ngroups = [\"majority\", \"minority\"]\n\
         [[faults]]\nat = \"600ms\"\naction = \"crash\"\nnodes = \"random\"\n"
    );
    let a = faults(&run(&text, 11));
    let b = faults(&run(&text, 11));
    assert_eq!(a, b);
    let Fault::Partition {
        spec: sim_core::PartitionSpec::Groups(groups),
    } = &a[0].1
    else {
        panic!("{a:?}")
    };
    assert_eq!(groups.len(), 2);
    assert_eq!((groups[0].len(), groups[1].len()), (3, 2));
    let mut all: Vec<u32> = groups.iter().flatten().map(|n| n.0).collect();
    all.sort();
    assert_eq!(all, [0, 1, 2, 3, 4]);
    // Different seeds draw different majorities at least sometimes.
    let differs = (1..20).any(|s| faults(&run(&text, s))[0] != a[0]);
    assert!(differs);
}

#[test]
fn safety_phase_then_heal_restores_everything() {
    let text = BASE.replace("duration = \"2s\"", "safety = \"1s\"\nliveness = \"1s\"")
        + r#"
[[nemesis]]
kind = "crash-restart"
interval = "200ms"
duration = "150ms"
[[nemesis]]
kind = "flaky-links"
interval = "300ms"
duration = "1s"
links = 2
[[nemesis]]
kind = "clock-drift"
interval = "400ms"
duration = "2s"
[[faults]]
at = "900ms"
action = "pause"
nodes = [3]
"#;
    let f = run(&text, 5);
    let heal = f
        .report
        .faults
        .iter()
        .find(|n| n.text.starts_with("heal:"))
        .unwrap();
    assert_eq!(heal.at.0, 1_000_000_000);
    assert!(heal.text.contains("resume n3"), "{}", heal.text);
    assert!(heal.text.contains("link n"), "{}", heal.text);
    assert!(heal.text.contains("clock n"), "{}", heal.text);
    // Nemeses struck during the safety phase, and nothing after the heal.
    let applied = faults(&f);
    assert!(
        applied
            .iter()
            .any(|(_, x)| matches!(x, Fault::Crash { .. }))
    );
    assert!(
        applied
            .iter()
            .any(|(_, x)| matches!(x, Fault::DegradeLink { .. }))
    );
    assert!(applied.iter().all(|(t, _)| *t <= 1_000_000_000));
    // The watches restarted at the heal and were met.
    assert!(f.report.passed(), "{:#?}", f.report.checks);
    let conv = f
        .report
        .checks
        .iter()
        .find(|c| c.name.starts_with("converged_by"))
        .unwrap();
    assert!(conv.detail.contains("after the heal at 1s"), "{conv:?}");
    for s in f.run.statuses() {
        assert_eq!(s, sim_core::NodeStatus::Up);
    }
}

#[test]
fn majorities_ring_gives_every_node_a_majority() {
    let text = BASE.to_string()
        + "[[nemesis]]\nkind = \"majorities-ring\"\ninterval = \"500ms\"\nduration = \"100ms\"\nuntil = \"600ms\"\n";
    let f = run(&text, 9);
    let cuts: Vec<(u32, u32)> = faults(&f)
        .iter()
        .filter_map(|(_, x)| match x {
            Fault::Partition {
                spec: sim_core::PartitionSpec::Link { from, to },
            } => Some((from.0, to.0)),
            _ => None,
        })
        .collect();
    // 5 servers, each cut from the 2 that are not its ring neighbours, both ways.
    assert_eq!(cuts.len(), 10);
    for n in 0..5 {
        let unreachable = cuts.iter().filter(|(a, _)| *a == n).count();
        assert_eq!(
            5 - unreachable,
            3,
            "node {n} sees a majority (itself included)"
        );
    }
}

#[test]
fn a_violation_stops_the_run_and_fails() {
    let text = BASE.replace(
        "name = \"toy\"",
        "name = \"toy\"\n[protocol.params]\nbreak_at_ms = 100",
    );
    let f = run(&text, 1);
    assert!(!f.report.passed());
    let v = f.report.violation.as_ref().unwrap();
    assert_eq!(v.checker, "time stands still");
    assert!(f.report.end.0 < 200_000_000);
    assert!(f.report.checks[0].name == "invariant time stands still" && !f.report.checks[0].passed);
    let off = text.replace("[checks]", "[checks]\ninvariants = false");
    assert!(run(&off, 1).report.violation.is_none());
}

#[test]
fn expectations_judge_metrics_and_suggest_names() {
    let text = BASE.to_string()
        + "[[expect]]\nmetric = \"beats\"\nmin = 10.0\n[[expect]]\nmetric = \"leader_election_ms_p99\"\nmax = 1000.0\n\
           [[expect]]\nmetric = \"messages_sent\"\nmax = 1.0\n";
    let f = run(&text, 1);
    let e: Vec<_> = f
        .report
        .checks
        .iter()
        .filter(|c| c.name.starts_with("expect"))
        .collect();
    assert!(e[0].passed && e[1].passed, "{e:?}");
    assert!(!e[2].passed);
    // A name the protocol never reports is refused when the file is loaded, located, with
    // the closest name it does report.
    let typo = BASE.to_string() + "[[expect]]\nmetric = \"beatz\"\nmax = 1.0\n";
    let err = run_scenario(&registry(), &scenario(&typo), &RunOptions::default())
        .err()
        .expect("refused")
        .to_string();
    assert!(
        err.contains("test.toml:15:10")
            && err.contains("reports no metric \"beatz\"; did you mean \"beats\"?"),
        "{err}"
    );
    // `convergence_ms` exists only where a run waits for convergence.
    let without = BASE.replace("converged_by = \"300ms\"\n", "")
        + "[[expect]]\nmetric = \"convergence_ms\"\nmax = 1.0\n";
    assert!(run_scenario(&registry(), &scenario(&without), &RunOptions::default()).is_err());
}

#[test]
fn checkpoints_and_sinks_leave_the_fingerprint_alone() {
    let s = scenario(BASE);
    let plain = run_scenario(&registry(), &s, &RunOptions::default()).unwrap();
    let opts = RunOptions {
        seed: None,
        trace: TraceOut::Memory,
        checkpoint_every: Some(100),
        progress: None,
    };
    let cp = run_scenario(&registry(), &s, &opts).unwrap();
    assert_eq!(plain.report.fingerprint, cp.report.fingerprint);
    assert!(cp.report.checkpoints.len() > 10);
    assert!(cp.report.checkpoints.windows(2).all(|w| w[0].0 < w[1].0));
    assert_eq!(plain.report.seed, 7);
}

#[test]
fn capability_mismatch_is_refused_at_load() {
    let text = BASE.to_string() + "linearizable = true\n";
    let s = scenario(&text);
    let e = run_scenario(&registry(), &s, &RunOptions::default())
        .err()
        .unwrap();
    let shown = e.to_string();
    assert!(
        shown.contains("cannot be checked for `linearizable`"),
        "{shown}"
    );
    assert!(shown.contains("test.toml:14:"), "{shown}");
}

#[test]
fn stopped_nodes_stay_down_through_the_heal_and_all_crashed() {
    let text = BASE.replace("duration = \"2s\"", "safety = \"1s\"\nliveness = \"1s\"")
        + r#"
[[faults]]
at = "100ms"
action = "stop"
nodes = [4]
[[faults]]
at = "200ms"
action = "crash"
nodes = [3]
[[faults]]
at = "300ms"
action = "restart"
nodes = "all-crashed"
[[faults]]
at = "400ms"
action = "crash"
nodes = [2]
"#;
    let f = run(&text, 1);
    let restarts: Vec<(u64, u32)> = faults(&f)
        .into_iter()
        .filter_map(|(t, x)| match x {
            Fault::Restart { node } => Some((t, node.0)),
            _ => None,
        })
        .collect();
    // all-crashed brings back n3 but not the stopped n4; the heal brings back n2 alone.
    assert_eq!(restarts, [(300_000_000, 3), (1_000_000_000, 2)]);
    let heal = f
        .report
        .faults
        .iter()
        .find(|n| n.text.starts_with("heal:"))
        .unwrap();
    assert!(heal.text.contains("restart n2"), "{}", heal.text);
    assert!(!heal.text.contains("n4"), "{}", heal.text);
    // A file that names a stopped node to restart brings it back.
    let named = text.replace("nodes = \"all-crashed\"", "nodes = [3, 4]");
    let again: Vec<u32> = faults(&run(&named, 1))
        .into_iter()
        .filter_map(|(_, x)| match x {
            Fault::Restart { node } => Some(node.0),
            _ => None,
        })
        .collect();
    assert_eq!(again, [3, 4, 2]);
}

/// The fault notes of a run, as `(ms, text)`.
fn notes(f: &scenarios::runner::Finished) -> Vec<(u64, String)> {
    f.report
        .faults
        .iter()
        .map(|n| (n.at.0 / 1_000_000, n.text.clone()))
        .collect()
}

const FIVE: &str =
    "name = \"sel\"\n[protocol]\nname = \"toy\"\n[cluster]\nnodes = 5\n[run]\nduration = \"1s\"\n";

/// `old-leader` is the leader before the change; a label names exactly the nodes its fault
/// touched and the partition it made, for `reconnect` and a partial `heal`.
#[test]
fn old_leader_and_labels_bring_back_exactly_what_was_cut_off() {
    let text = FIVE.to_string()
        + "[[faults]]\nat = \"200ms\"\naction = \"partition\"\nisolate = \"leader\"\nlabel = \"cut\"\n\
           [[faults]]\nat = \"300ms\"\naction = \"partition\"\nisolate = 3\nlabel = \"other\"\n\
           [[faults]]\nat = \"400ms\"\naction = \"reconnect\"\nnodes = \"old-leader\"\n\
           [[faults]]\nat = \"500ms\"\naction = \"partition\"\nisolate = \"cut\"\n\
           [[faults]]\nat = \"600ms\"\naction = \"heal\"\npartition = \"other\"\n";
    let f = run(&text, 4);
    let n = notes(&f);
    assert_eq!(n[0], (200, "partition n0 (leader)".into()), "{n:?}");
    assert_eq!(n[2], (400, "reconnect n0 (old-leader)".into()), "{n:?}");
    assert_eq!(n[3], (500, "partition n0 (label cut)".into()), "{n:?}");
    let engine: Vec<(u64, Fault)> = faults(&f);
    use sim_core::{NodeId, PartitionSpec};
    let isolated = |t: u64| {
        engine
            .iter()
            .filter(|(at, _)| *at == t * 1_000_000)
            .map(|(_, f)| f.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(isolated(400), vec![Fault::Reconnect { node: NodeId(0) }]);
    let healed = isolated(600);
    assert_eq!(healed.len(), 1, "{healed:?}");
    assert_eq!(
        healed,
        vec![Fault::HealPartition {
            spec: PartitionSpec::Isolate(NodeId(3))
        }]
    );
    // n0, isolated again by its label, stays cut off at the end; n3 is back.
    assert!(f.run.link_cut(NodeId(0), NodeId(1)));
    assert!(!f.run.link_cut(NodeId(3), NodeId(1)) && !f.run.link_cut(NodeId(1), NodeId(3)));
}

/// `disconnected` is the side that cannot reach a majority; `crashed` is every server down.
#[test]
fn disconnected_and_crashed_select_by_the_state_of_the_cluster() {
    let text = FIVE.to_string()
        + "[[faults]]\nat = \"100ms\"\naction = \"partition\"\ngroups = [[0, 1], [2, 3, 4]]\n\
           [[faults]]\nat = \"150ms\"\naction = \"partition\"\nisolate = 4\n\
           [[faults]]\nat = \"200ms\"\naction = \"crash\"\nnodes = \"disconnected\"\n\
           [[faults]]\nat = \"300ms\"\naction = \"stop\"\nnodes = 2\n\
           [[faults]]\nat = \"400ms\"\naction = \"restart\"\nnodes = \"crashed\"\n";
    let n = notes(&run(&text, 1));
    // Partitions compose: n4 isolated inside the majority side leaves n2, n3 a minority too.
    assert_eq!(n[2].1, "crash n0,n1,n2,n3,n4 (disconnected)", "{n:?}");
    assert_eq!(n[4].1, "restart n0,n1,n2,n3,n4 (crashed)", "{n:?}");
    let text = FIVE.to_string()
        + "[[faults]]\nat = \"100ms\"\naction = \"partition\"\ngroups = [[0, 1], [2, 3, 4]]\n\
           [[faults]]\nat = \"200ms\"\naction = \"crash\"\nnodes = \"disconnected\"\n";
    assert_eq!(notes(&run(&text, 1))[1].1, "crash n0,n1 (disconnected)");
}

/// `if_up_below` and `if_up_above` skip a fault whose condition fails when it is due.
#[test]
fn guards_skip_faults_by_how_many_servers_are_up() {
    let text = FIVE.to_string()
        + "[[faults]]\nat = \"100ms\"\naction = \"crash\"\nnodes = 4\nif_up_above = 4\n\
           [[faults]]\nat = \"200ms\"\naction = \"crash\"\nnodes = 3\nif_up_above = 4\n\
           [[faults]]\nat = \"300ms\"\naction = \"restart\"\nnodes = \"crashed\"\nif_up_below = 4\n\
           [[faults]]\nat = \"400ms\"\naction = \"restart\"\nnodes = \"crashed\"\nif_up_below = 5\n";
    let n = notes(&run(&text, 1));
    assert_eq!(
        n.iter().map(|(_, t)| t.as_str()).collect::<Vec<_>>(),
        [
            "crash n4",
            "crash skipped: 4 servers up (if_up_above = 4)",
            "restart skipped: 4 servers up (if_up_below = 4)",
            "restart n4 (crashed)",
        ]
    );
}

/// A link degraded for some kinds of message: the toy's leader's beats lost on their way
/// out hand the lead to n1, and the heal lifts it.
#[test]
fn degrading_one_kind_on_a_link_acts_on_that_kind_alone() {
    let text = "name = \"kinds\"\n[protocol]\nname = \"toy\"\n[cluster]\nnodes = 3\n\
                [run]\nsafety = \"500ms\"\nliveness = \"500ms\"\n\
                [[faults]]\nat = \"100ms\"\naction = \"degrade-link\"\nfrom = 0\nto = \"all\"\n\
                kinds = [\"Beat\"]\nloss = 1.0\n\
                [[assert]]\nthat = \"leader-is\"\nnode = 1\nfrom = \"300ms\"\nuntil = \"499ms\"\n\
                [[assert]]\nthat = \"leader-is\"\nnode = 0\nat = \"1s\"\n";
    let f = run(text, 1);
    assert!(f.report.passed(), "{:#?}", f.report.checks);
    let lifted: Vec<Fault> = faults(&f)
        .into_iter()
        .filter(|(t, _)| *t == 500_000_000)
        .map(|(_, f)| f)
        .collect();
    assert!(lifted.contains(&Fault::RestoreLink {
        from: sim_core::NodeId(0),
        to: sim_core::NodeId(1)
    }));
    let err = scenarios::Scenario::from_str("k.toml", &text.replace("[\"Beat\"]", "[\"Beet\"]"))
        .and_then(|s| run_scenario(&registry(), &s, &RunOptions::default()).map(|_| ()))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("reports no message kind \"Beet\"; did you mean \"Beat\"?"),
        "{err}"
    );
}

/// Labels are checked when the file is loaded: one that no earlier fault has, one given
/// twice, a partial heal of a fault that is no partition, and guards that cannot hold.
#[test]
fn bad_labels_and_guards_are_located() {
    let cases = [
        (
            "[[faults]]\nat = \"1ms\"\naction = \"crash\"\nnodes = \"leadr\"\n",
            "no earlier fault has label \"leadr\", did you mean \"leader\"?",
        ),
        (
            "[[faults]]\nat = \"1ms\"\naction = \"crash\"\nnodes = 1\nlabel = \"a\"\n[[faults]]\nat = \"2ms\"\naction = \"crash\"\nnodes = 2\nlabel = \"a\"\n",
            "label \"a\" is given to two faults",
        ),
        (
            "[[faults]]\nat = \"1ms\"\naction = \"crash\"\nnodes = 1\nlabel = \"a\"\n[[faults]]\nat = \"2ms\"\naction = \"heal\"\npartition = \"a\"\n",
            "the fault labelled \"a\" is not a partition",
        ),
        (
            "[[faults]]\nat = \"5ms\"\naction = \"crash\"\nnodes = 1\nlabel = \"a\"\n[[faults]]\nat = \"2ms\"\naction = \"restart\"\nnodes = \"a\"\n",
            "fires at 5ms, after this one at 2ms",
        ),
        (
            "[[faults]]\nat = \"1ms\"\naction = \"crash\"\nnodes = 1\nif_up_below = 0\n",
            "if_up_below = 0 can never or always hold",
        ),
        (
            "[[faults]]\nat = \"1ms\"\naction = \"crash\"\nnodes = 1\nif_up_above = 5\n",
            "if_up_above = 5 can never hold",
        ),
        (
            "[[faults]]\nat = \"1ms\"\naction = \"crash\"\nnodes = 1\nlabel = \"leader\"\n",
            "is a selector's name",
        ),
    ];
    for (faults, want) in cases {
        let err = scenarios::Scenario::from_str("l.toml", &(FIVE.to_string() + faults))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(want) && err.contains("l.toml:"),
            "{faults}: {err}"
        );
    }
}

/// Jitter is drawn from a half-open range, so a fault may reach the end of its phase; a
/// client command may come after the heal.
#[test]
fn jitter_may_reach_the_phase_end_and_submit_the_liveness_phase() {
    let text = "name = \"j\"\n[protocol]\nname = \"toy\"\n[cluster]\nnodes = 3\n\
                [run]\nsafety = \"1s\"\nliveness = \"1s\"\n\
                [[faults]]\nat = \"900ms\"\njitter = \"100ms\"\naction = \"crash\"\nnodes = 1\n";
    let f = run(text, 1);
    assert!(f.report.faults[0].at.0 < 1_000_000_000);
    let late = text.replace("jitter = \"100ms\"", "jitter = \"101ms\"");
    assert!(scenarios::Scenario::from_str("j.toml", &late).is_err());
    let submit = "name = \"s\"\n[protocol]\nname = \"raft\"\n[cluster]\nnodes = 3\n\
                  [workload]\nclients = 1\n[run]\nsafety = \"1s\"\nliveness = \"1s\"\n\
                  [[faults]]\nat = \"1.5s\"\naction = \"submit\"\ncommand = \"put x 1\"\n";
    scenarios::Scenario::from_str("s.toml", submit).unwrap_or_else(|e| panic!("{e}"));
    let crash = submit.replace(
        "action = \"submit\"\ncommand = \"put x 1\"",
        "action = \"crash\"\nnodes = 1",
    );
    assert!(scenarios::Scenario::from_str("s.toml", &crash).is_err());
}

/// A flaky-links nemesis may lose only some kinds of message; its undo lifts that too.
#[test]
fn a_nemesis_can_lose_only_some_kinds() {
    let text = FIVE.to_string()
        + "[[nemesis]]\nkind = \"flaky-links\"\ninterval = \"200ms\"\nduration = \"100ms\"\n\
           loss = 1.0\nlinks = 2\nkinds = [\"Beat\"]\n";
    let f = run(&text, 2);
    let n = notes(&f);
    assert!(n[0].1.ends_with("(loss 1 of Beat)"), "{n:?}");
    let engine = faults(&f);
    let degraded = engine
        .iter()
        .filter(|(_, f)| matches!(f, Fault::DegradeKinds { kinds, .. } if kinds == &["Beat"]))
        .count();
    let restored = engine
        .iter()
        .filter(|(_, f)| matches!(f, Fault::RestoreLink { .. }))
        .count();
    assert!(degraded >= 2 && restored >= 2, "{engine:?}");
    let typo = text.replace("[\"Beat\"]", "[\"beat\"]");
    let err = run_scenario(&registry(), &scenario(&typo), &RunOptions::default())
        .err()
        .expect("refused")
        .to_string();
    assert!(
        err.contains("no message kind \"beat\"; did you mean \"Beat\"?"),
        "{err}"
    );
}

/// A list may mix rules and ids: the union of what each selects, as the reference's
/// `groups = [["leader"], "minority"]` writes a group.
#[test]
fn a_list_of_selectors_selects_their_union() {
    let text = FIVE.to_string()
        + "[[faults]]\nat = \"100ms\"\naction = \"partition\"\ngroups = [[\"leader\", 3], [\"follower\"]]\n\
           [[faults]]\nat = \"200ms\"\naction = \"heal\"\n\
           [[faults]]\nat = \"300ms\"\naction = \"partition\"\ngroups = [[\"leader\"], \"minority\"]\n";
    let f = run(&text, 1);
    let n = notes(&f);
    assert!(n[0].1.starts_with("partition n0,n3,n"), "{n:?}");
    assert!(n[0].1.ends_with("(leader + n3, follower)"), "{n:?}");
    assert!(n[2].1.ends_with("(leader, minority)"), "{n:?}");
    let bad = FIVE.to_string()
        + "[[faults]]\nat = \"100ms\"\naction = \"crash\"\nnodes = [\"leader\", 7]\n";
    let e = scenarios::Scenario::from_str("u.toml", &bad)
        .unwrap_err()
        .to_string();
    assert!(e.contains("node 7 is not a server"), "{e}");
}
