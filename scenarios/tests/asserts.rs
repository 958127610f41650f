//! `[[assert]]` on the test-only toy protocol: every claim, passing and failing, judged at an
//! instant, through a window or as a wait, with the time and the value it saw; and the
//! files `validate` refuses.
//!
//! The toy's servers follow the lowest id they hear within 35 ms. With n0 crashed at 1s
//! the others keep following it until that runs out; then n1 takes over (one election).

mod common;

use common::{registry, scenario};
use scenarios::registry::CheckResult;
use scenarios::runner::{Finished, RunOptions, run_scenario};

const BASE: &str = r#"
name = "toy asserts"
[protocol]
name = "toy"
[cluster]
nodes = 5
[run]
duration = "2s"
[[faults]]
at = "1s"
action = "crash"
nodes = 0
"#;

fn run(extra: &str) -> Finished {
    let s = scenario(&(BASE.to_string() + extra));
    let opts = RunOptions {
        seed: Some(1),
        ..RunOptions::default()
    };
    run_scenario(&registry(), &s, &opts).unwrap_or_else(|e| panic!("{e}"))
}

/// The verdicts of the run's assertions, in file order.
fn asserts(f: &Finished) -> Vec<&CheckResult> {
    f.report
        .checks
        .iter()
        .filter(|c| c.name.starts_with("assert "))
        .collect()
}

/// The single assertion `extra` adds, judged.
fn one(extra: &str) -> CheckResult {
    let f = run(extra);
    let a = asserts(&f);
    assert_eq!(a.len(), 1, "{:#?}", f.report.checks);
    a[0].clone()
}

fn passes(extra: &str) -> CheckResult {
    let c = one(extra);
    assert!(c.passed, "expected a pass: {c:?}");
    c
}

fn fails(extra: &str) -> CheckResult {
    let c = one(extra);
    assert!(!c.passed, "expected a failure: {c:?}");
    c
}

/// The error `validate` gives for `extra`.
fn refused(extra: &str) -> String {
    let text = BASE.to_string() + extra;
    match scenarios::Scenario::from_str("test.toml", &text) {
        Err(e) => e.to_string(),
        Ok(s) => match run_scenario(&registry(), &s, &RunOptions::default()) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("accepted:\n{extra}"),
        },
    }
}

#[test]
fn leader_claims_over_windows_at_instants_and_as_waits() {
    let c =
        passes("[[assert]]\nthat = \"leader-is\"\nnode = 0\nfrom = \"100ms\"\nuntil = \"999ms\"\n");
    assert_eq!(c.name, "assert leader-is n0 from 100ms until 999ms");
    assert!(c.detail.starts_with("held at all 900 probes"), "{c:?}");
    // The crash at 1s goes in ahead of that instant's events: the probe at 1s sees no leader.
    let c =
        fails("[[assert]]\nthat = \"leader-is\"\nnode = 0\nfrom = \"500ms\"\nuntil = \"1.5s\"\n");
    assert_eq!(c.detail, "at 1s: no leader");
    passes("[[assert]]\nthat = \"no-leader\"\nat = \"1.01s\"\n");
    let c = fails("[[assert]]\nthat = \"no-leader\"\nat = \"1.5s\"\n");
    assert_eq!(c.detail, "at 1.5s: leader n1");
    let c = passes("[[assert]]\nthat = \"leader\"\nfrom = \"1s\"\nwithin = \"100ms\"\n");
    assert!(c.detail.contains("after 1s): leader n1"), "{c:?}");
    let c = fails("[[assert]]\nthat = \"leader\"\nfrom = \"1s\"\nwithin = \"20ms\"\n");
    assert!(
        c.detail
            .starts_with("not seen at any of 21 probes; at 1.02s: no leader"),
        "{c:?}"
    );
    passes("[[assert]]\nthat = \"leader-is-not\"\nnode = 0\nfrom = \"1s\"\n");
    fails("[[assert]]\nthat = \"leader-is-not\"\nnode = 1\nfrom = \"1s\"\n");
}

#[test]
fn counting_claims_count_over_their_window() {
    let c = passes("[[assert]]\nthat = \"elections\"\nequals = 1\n");
    assert_eq!(c.detail, "elections = 1 from 0s to 2s");
    let c = fails("[[assert]]\nthat = \"elections\"\nmax = 0\nfrom = \"500ms\"\n");
    assert_eq!(c.detail, "elections = 1 from 500ms to 2s");
    passes("[[assert]]\nthat = \"elections\"\nmax = 0\nuntil = \"999ms\"\n");
    // The toy sends only beats: counting them counts every message.
    let all = fails("[[assert]]\nthat = \"messages\"\nfrom = \"1s\"\nuntil = \"1.5s\"\nmax = 10\n");
    let beats = fails(
        "[[assert]]\nthat = \"messages\"\nkinds = [\"Beat\"]\nfrom = \"1s\"\nuntil = \"1.5s\"\nmax = 10\n",
    );
    let count = |c: &CheckResult| -> f64 {
        let (_, rest) = c.detail.split_once(" = ").unwrap();
        rest.split(' ').next().unwrap().parse().unwrap()
    };
    assert_eq!(count(&all), count(&beats));
    // Four servers beating every 10 ms to the four others (n0 included, down or not) for 0.5 s.
    assert!((780.0..=820.0).contains(&count(&all)), "{all:?}");
    assert!(beats.detail.starts_with("Beat sent = "), "{beats:?}");
}

#[test]
fn state_claims_read_terms_fields_crashes_and_convergence() {
    let c = passes("[[assert]]\nthat = \"term\"\nat = \"2s\"\nequals = 1\n");
    assert_eq!(c.detail, "at 2s: term 1");
    fails("[[assert]]\nthat = \"term\"\nat = \"2s\"\nmax = 0\n");
    let c = passes(
        "[[assert]]\nthat = \"field\"\nnode = 3\nfield = \"leader\"\nequals = \"n1\"\nat = \"2s\"\n",
    );
    assert_eq!(c.detail, "at 2s: n3 leader = \"n1\"");
    let c = fails(
        "[[assert]]\nthat = \"field\"\nnode = 0\nfield = \"leader\"\nequals = \"n0\"\nat = \"2s\"\n",
    );
    assert_eq!(c.detail, "at 2s: n0 is down");
    let c =
        fails("[[assert]]\nthat = \"field\"\nnode = 3\nfield = \"leader\"\nmin = 1\nat = \"2s\"\n");
    assert_eq!(c.detail, "at 2s: n3 leader is \"n1\", not a number");
    passes("[[assert]]\nthat = \"fields-equal\"\nfield = \"leader\"\nfrom = \"1.5s\"\n");
    let c = fails("[[assert]]\nthat = \"fields-equal\"\nfield = \"leader\"\nfrom = \"900ms\"\n");
    assert!(
        c.detail.contains("n1=n1") && c.detail.contains("=n0"),
        "{c:?}"
    );
    passes("[[assert]]\nthat = \"crashed\"\nequals = 1\nfrom = \"1s\"\n");
    fails("[[assert]]\nthat = \"crashed\"\nequals = 0\nfrom = \"900ms\"\n");
    passes("[[assert]]\nthat = \"converged\"\nfrom = \"1s\"\nwithin = \"200ms\"\n");
    fails("[[assert]]\nthat = \"converged\"\nat = \"0s\"\n");
}

#[test]
fn several_waits_go_in_one_run_and_a_run_cut_short_judges_none_of_the_rest() {
    let f = run("[[assert]]\nthat = \"leader\"\nwithin = \"10ms\"\n\
                 [[assert]]\nthat = \"leader\"\nfrom = \"1s\"\nwithin = \"100ms\"\n\
                 [[assert]]\nthat = \"leader-is\"\nnode = 1\nat = \"1.9s\"\n");
    let a = asserts(&f);
    assert_eq!(a.len(), 3);
    assert!(a.iter().all(|c| c.passed), "{a:#?}");
    assert!(a[0].detail.starts_with("at 0s"), "{a:?}");
    let cut = BASE.to_string()
        + "[protocol.params]\nbreak_at_ms = 500\n[[assert]]\nthat = \"leader\"\nat = \"1.5s\"\n";
    let f = run_scenario(&registry(), &scenario(&cut), &RunOptions::default()).unwrap();
    let a = asserts(&f);
    assert!(
        !a[0].passed
            && a[0]
                .detail
                .starts_with("not judged: the run stopped at 500"),
        "{a:?}"
    );
}

#[test]
fn validate_locates_every_malformed_assertion() {
    let cases: [(&str, &str); 12] = [
        (
            "that = \"leadr\"\n",
            "unknown claim \"leadr\", did you mean \"leader\"?",
        ),
        (
            "that = \"elections\"\nat = \"1s\"\nmax = 1\n",
            "counts over a window",
        ),
        ("that = \"elections\"\n", "needs `min`, `max` or `equals`"),
        (
            "that = \"leader\"\nfrom = \"1.5s\"\nuntil = \"1s\"\n",
            "until 1s is before from 1.5s",
        ),
        (
            "that = \"leader\"\nat = \"3s\"\n",
            "after the run ends at 2s",
        ),
        (
            "that = \"leader\"\nfrom = \"1.5s\"\nwithin = \"1s\"\n",
            "the wait ends at 2.5s",
        ),
        ("that = \"leader-is\"\nnode = 9\n", "node 9 is not a server"),
        ("that = \"leader-is\"\n", "needs `node`"),
        (
            "that = \"leader\"\nnode = 1\n",
            "`node` does not go with that = \"leader\"",
        ),
        (
            "that = \"field\"\nnode = 1\nfield = \"leadr\"\nequals = \"n1\"\n",
            "reports no view field \"leadr\"; did you mean \"leader\"?",
        ),
        (
            "that = \"messages\"\nkinds = [\"Beats\"]\nmax = 1\n",
            "reports no message kind \"Beats\"; did you mean \"Beat\"?",
        ),
        (
            "that = \"ops-completed\"\nmin = 1\n",
            "cannot be asserted `that = \"ops-completed\"`: it has no client operations",
        ),
    ];
    for (body, want) in cases {
        let err = refused(&format!("[[assert]]\n{body}"));
        assert!(err.contains(want), "{body}: {err}");
        assert!(err.contains("test.toml:"), "{body}: not located: {err}");
    }
}

/// An assertion may name a node by the label of the fault that touched it: the leader a
/// fault isolated, whichever node that was on the seed.
#[test]
fn a_label_names_the_node_its_fault_touched() {
    let text = "name = \"l\"\n[protocol]\nname = \"toy\"\n[cluster]\nnodes = 3\n[run]\nduration = \"1s\"\n\
                [[faults]]\nat = \"300ms\"\naction = \"partition\"\nisolate = \"leader\"\nlabel = \"old\"\n\
                [[assert]]\nthat = \"leader-is\"\nnode = \"old\"\nat = \"200ms\"\n\
                [[assert]]\nthat = \"leader-is-not\"\nnode = \"old\"\nfrom = \"400ms\"\n\
                [[assert]]\nthat = \"field\"\nnode = \"old\"\nfield = \"leader\"\nequals = \"n0\"\nat = \"1s\"\n";
    let f = run_scenario(&registry(), &scenario(text), &RunOptions::default()).unwrap();
    let a = asserts(&f);
    // Before the fault fires its label names nobody.
    assert_eq!(
        a[0].detail,
        "at 200ms: the fault labelled \"old\" has not fired"
    );
    assert!(!a[0].passed);
    assert!(a[1].passed && a[2].passed, "{a:#?}");
    assert_eq!(a[1].name, "assert leader-is-not old from 400ms until 1s");
    let err = refused("[[assert]]\nthat = \"leader-is\"\nnode = \"olf\"\n");
    assert!(err.contains("no fault has label \"olf\""), "{err}");
}
