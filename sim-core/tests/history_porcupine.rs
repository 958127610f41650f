//! The key-value histories from Porcupine's test suite: the `-ok` files are linearizable, the
//! `-bad` files are not, and the violations come with an explanation.

use sim_core::history::edn::read_history;
use sim_core::history::models::{KvInput, KvModel, KvOutput};
use sim_core::history::{Budget, Exhausted, History, Verdict, check, explain};
use std::collections::BTreeSet;

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/testdata/porcupine-kv/"
);

fn load(name: &str) -> History<KvInput, KvOutput> {
    let path = format!("{DIR}{name}.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let history = read_history(&KvModel, &text).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(
        history.len() > 30,
        "{path}: only {} operations",
        history.len()
    );
    history
}

fn verdict_of(name: &str) -> Verdict {
    check(&KvModel, &load(name), &Budget::default()).verdict
}

/// Checks a bad file and its explanation.
fn refuted_and_explained(name: &str) {
    let history = load(name);
    let report = check(&KvModel, &history, &Budget::default());
    assert_eq!(report.verdict, Verdict::NotLinearizable, "{name}");
    let key = &report.violation().unwrap().key;
    let e = explain(&KvModel, &history, key, &Budget::default()).unwrap();
    assert!(
        (2..=8).contains(&e.ops.len()),
        "{name}: a core of {} operations",
        e.ops.len()
    );
    for op in &e.ops {
        let recorded = history.get(op.id).unwrap();
        assert_eq!(
            recorded.input.key(),
            key,
            "{name}: {op:?} is on another key"
        );
        assert_eq!(
            (recorded.invoked, recorded.completed),
            (op.invoked, op.completed)
        );
    }
    assert!(e.ops.windows(2).all(|w| w[0].invoked <= w[1].invoked));
    // One row per process in the drawing, then one legend line per operation.
    let text = e.to_string();
    let processes: BTreeSet<String> = e.ops.iter().map(|op| op.process.to_string()).collect();
    for p in &processes {
        let rows = text
            .lines()
            .filter(|l| l.starts_with(&format!("{p} ")))
            .count();
        assert!(rows >= 1, "{name}: no row for {p}\n{text}");
    }
    for (n, op) in e.ops.iter().enumerate() {
        assert!(
            text.lines().any(
                |l| l.trim_start().starts_with(&format!("{} ", n + 1)) && l.contains(&op.label)
            ),
            "{name}: no legend for {}\n{text}",
            op.label
        );
        assert!(
            text.contains(&format!("|{}-", n + 1)),
            "{name}: no bar {}\n{text}",
            n + 1
        );
    }
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(json["ops"].as_array().unwrap().len(), e.ops.len());
}

#[test]
fn c01_ok_is_linearizable() {
    assert_eq!(verdict_of("c01-ok"), Verdict::Linearizable);
}

#[test]
fn c01_bad_is_not_linearizable() {
    refuted_and_explained("c01-bad");
}

#[test]
fn c10_ok_is_linearizable() {
    assert_eq!(verdict_of("c10-ok"), Verdict::Linearizable);
}

#[test]
fn c10_bad_is_not_linearizable() {
    refuted_and_explained("c10-bad");
}

#[test]
fn c50_ok_is_linearizable() {
    assert_eq!(verdict_of("c50-ok"), Verdict::Linearizable);
}

#[test]
fn c50_bad_is_not_linearizable() {
    refuted_and_explained("c50-bad");
}

#[test]
fn c01_bad_explanation_is_the_lost_append() {
    let history = load("c01-bad");
    let e = explain(&KvModel, &history, &"7".to_owned(), &Budget::default()).unwrap();
    let labels: Vec<&str> = e.ops.iter().map(|op| op.label.as_str()).collect();
    assert_eq!(labels, [r#"append "x 0 3 y""#, r#"get -> "x 0 0 y""#]);
    assert!(e.minimal);
}

#[test]
fn explaining_a_linearizable_key_is_an_error() {
    let history = load("c01-ok");
    let err = explain(&KvModel, &history, &"0".to_owned(), &Budget::default()).unwrap_err();
    assert_eq!(err, sim_core::history::ExplainError::Linearizable);
}

#[test]
fn a_spent_budget_is_unknown_never_a_guess() {
    let history = load("c50-ok");
    let report = check(&KvModel, &history, &Budget::steps(10_000));
    assert_eq!(report.verdict, Verdict::Unknown);
    assert_eq!(report.exhausted, Some(Exhausted::Steps));
    assert_eq!(report.steps, 10_000);
    assert!(
        report
            .partitions
            .iter()
            .any(|p| p.verdict == Verdict::Unknown)
    );

    let no_time = Budget::unlimited().with_time_limit(std::time::Duration::ZERO);
    let report = check(&KvModel, &history, &no_time);
    assert_eq!(report.verdict, Verdict::Unknown);
    assert_eq!(report.exhausted, Some(Exhausted::Time));
}
