//! A live, stepped run makes the same run as `clustersim run`, checkpoints run on identically,
//! and actions recorded during it replay from the saved file to the same fingerprint.

mod library;

use scenarios::registry::Registry;
use scenarios::runner::{Live, LiveStep, RunOptions, run_scenario};
use scenarios::scenario::{Action, FaultEvent, Selector, append_faults};
use scenarios::{DurationStr, Scenario};
use sim_core::{Duration, NodeStatus, Time};
use std::path::PathBuf;
use toml::Spanned;

/// The shipped scenarios of the protocols that serve clients (the replicated key-value
/// services): the runs whose recorded actions include client commands.
fn library() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = library::protocols_that(|c| c.clients, 2)
        .into_iter()
        .flat_map(library::shipped)
        .collect();
    files.sort();
    assert!(
        files.len() >= 6,
        "the shipped library is missing: {files:?}"
    );
    files
}

fn fingerprint_of_file(text: &str, seed: u64) -> String {
    let s = Scenario::from_str("saved.toml", text).unwrap();
    let opts = RunOptions {
        seed: Some(seed),
        ..RunOptions::default()
    };
    run_scenario(&Registry::builtin(), &s, &opts)
        .unwrap()
        .report
        .fingerprint
        .to_string()
}

#[test]
fn stepping_the_library_gives_the_reports_of_clustersim_run() {
    let reg = Registry::builtin();
    for path in library() {
        let s = Scenario::load(&path).unwrap();
        let whole = run_scenario(&reg, &s, &RunOptions::default())
            .unwrap()
            .report;
        let mut live = Live::new(&reg, &s, None).unwrap();
        let mut steps = 0u64;
        let mut last = Time::ZERO;
        while !live.is_done() {
            let next = live.next_time();
            match live.step().unwrap() {
                LiveStep::Event(t) | LiveStep::Acted(t) => {
                    assert!(t >= last, "{}: time went back", path.display());
                    assert!(
                        next.is_some_and(|n| n <= t),
                        "{}: next_time was late",
                        path.display()
                    );
                    last = t;
                }
                LiveStep::Violated(_) | LiveStep::Ended => {}
            }
            steps += 1;
        }
        match &s.schedule {
            // A replayed schedule takes exactly its own steps.
            Some(schedule) => assert_eq!(steps, schedule.steps.len() as u64, "{}", path.display()),
            None => assert!(steps > 100, "{}: only {steps} steps", path.display()),
        }
        let stepped = live.finish().unwrap().report;
        assert_eq!(stepped, whole, "{}", path.display());
    }
}

#[test]
fn a_checkpoint_runs_on_exactly_as_the_original() {
    let reg = Registry::builtin();
    let s = Scenario::load(&library()[0]).unwrap();
    let mut live = Live::new(&reg, &s, Some(11)).unwrap();
    live.advance_to(Time(1_500_000_000)).unwrap();
    let copy = live.clone();
    let a = live.finish().unwrap().report;
    let b = copy.finish().unwrap().report;
    assert_eq!(a.fingerprint, b.fingerprint);
}

fn crash(node: u32) -> FaultEvent {
    let mut f = FaultEvent::new(DurationStr(Duration(0)), Action::Crash);
    f.nodes = Some(Spanned::new(0..0, Selector::Nodes(vec![node])));
    f
}

#[test]
fn recorded_actions_replay_from_the_saved_file_to_the_same_fingerprint() {
    let reg = Registry::builtin();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("raft/leader-crash.toml");
    let s = Scenario::load(&path).unwrap();
    let seed = 5;
    let mut live = Live::new(&reg, &s, Some(seed)).unwrap();
    // Mid-instant: step one event at a time, then act between two events of one time.
    live.advance_to(Time(700_000_000)).unwrap();
    live.step().unwrap();
    let now = live.run().now();
    let t1 = live.record(crash(1), now).unwrap();
    assert!(
        t1 > now,
        "an event already ran at {now}, so the crash goes after it"
    );
    live.advance_to(t1).unwrap();
    assert_eq!(live.run().statuses()[1], NodeStatus::Down);
    // A client command, and a partition between whole instants.
    let mut put = FaultEvent::new(DurationStr(Duration(0)), Action::Submit);
    put.command = Some(Spanned::new(0..0, "put viz 1".to_string()));
    let t2 = live.record(put, Time(900_000_000)).unwrap();
    assert_eq!(t2, Time(900_000_000));
    let mut part = FaultEvent::new(DurationStr(Duration(0)), Action::Partition);
    part.groups = Some(Spanned::new(
        0..0,
        vec![Selector::Nodes(vec![0, 2]), Selector::Nodes(vec![3, 4])],
    ));
    live.advance_to(Time(1_000_000_000)).unwrap();
    let t3 = live.record(part, Time(1_000_000_000)).unwrap();
    let heal = FaultEvent::new(DurationStr(Duration(0)), Action::Heal);
    live.advance_to(Time(1_500_000_000)).unwrap();
    let t4 = live.record(heal, Time(1_500_000_000)).unwrap();
    assert!(t1 < t2 && t2 < t3 && t3 < t4);
    assert_eq!(live.recorded().len(), 4);
    assert!(
        live.notes()
            .iter()
            .any(|n| n.text.starts_with("submit put viz 1")),
        "{:?}",
        live.notes()
    );
    let text = append_faults(&s, live.recorded(), seed).unwrap();
    let session = live.finish().unwrap().report;
    let plain = run_scenario(
        &reg,
        &s,
        &RunOptions {
            seed: Some(seed),
            ..RunOptions::default()
        },
    )
    .unwrap()
    .report;
    assert_ne!(
        session.fingerprint, plain.fingerprint,
        "the actions changed nothing, so the test shows nothing"
    );
    assert_eq!(
        fingerprint_of_file(&text, seed),
        session.fingerprint.to_string()
    );
}

#[test]
fn an_action_past_the_fault_horizon_is_refused() {
    let reg = Registry::builtin();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("raft/leader-crash.toml");
    let s = Scenario::load(&path).unwrap();
    let mut live = Live::new(&reg, &s, None).unwrap();
    let err = live.record(crash(0), Time(7_000_000_000)).unwrap_err();
    assert!(err.to_string().contains("fault horizon"), "{err}");
    assert!(live.recorded().is_empty());
}

#[test]
fn a_command_with_no_client_to_take_it_is_refused_when_loading() {
    let text = r#"
name = "no clients"
[protocol]
name = "raft"
[cluster]
nodes = 3
[workload]
clients = 0
[[faults]]
at = "1s"
action = "submit"
command = "put x 1"
[run]
duration = "2s"
"#;
    let s = Scenario::from_str("t.toml", text).unwrap();
    // Raft takes client commands only with clients in [workload]: the file is refused before
    // it runs, at the command.
    let e = run_scenario(&Registry::builtin(), &s, &RunOptions::default())
        .err()
        .expect("refused")
        .to_string();
    assert!(
        e.contains(
            "t.toml:12:11: protocol \"raft\" refuses the command \"put x 1\": no client is running"
        ),
        "{e}"
    );
}
