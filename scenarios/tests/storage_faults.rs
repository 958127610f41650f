//! Storage faults in scenario files: what each action does to a disk, as the trace records
//! it, and the located errors for files that ask for the impossible.

use scenarios::runner::{RunOptions, TraceOut, run_scenario};
use scenarios::{Registry, Scenario};
use sim_core::{Fault, StorageFault, TraceEvent};

const RAFT: &str = r#"
name = "raft under storage faults"
[protocol]
name = "raft"
[cluster]
nodes = 3
[network]
latency = "1ms..3ms"
[workload]
clients = 2
[run]
duration = "3s"
"#;

fn run(text: &str) -> scenarios::runner::Finished {
    let s = Scenario::from_str("disk.toml", text).unwrap_or_else(|e| panic!("{e}"));
    let opts = RunOptions {
        seed: Some(3),
        trace: TraceOut::Memory,
        checkpoint_every: None,
        progress: None,
    };
    run_scenario(&Registry::builtin(), &s, &opts).unwrap_or_else(|e| panic!("{e}"))
}

fn error(text: &str) -> String {
    match Scenario::from_str("disk.toml", text) {
        Err(e) => e.to_string(),
        Ok(s) => run_scenario(&Registry::builtin(), &s, &RunOptions::default())
            .err()
            .expect("the file is refused")
            .to_string(),
    }
}

/// Every storage fault applied, with what the trace says it did.
fn storage(f: &scenarios::runner::Finished) -> Vec<(u32, StorageFault, String)> {
    f.run
        .trace()
        .records()
        .iter()
        .filter_map(|r| match &r.event {
            TraceEvent::Fault {
                fault: Fault::Storage { node, storage },
                detail,
            } => Some((node.0, storage.clone(), detail.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn each_action_reaches_the_disk_and_the_trace() {
    let text = RAFT.to_string()
        + r#"
disk_sync = "2ms"
[[faults]]
at = "1s"
action = "corrupt"
nodes = [1]
record = "log"
index = 2
[[faults]]
at = "1.1s"
action = "read-error"
nodes = [2]
record = "log"
[[faults]]
at = "1.2s"
action = "lost-write"
nodes = [0]
[[faults]]
at = "1.3s"
action = "misdirected-write"
nodes = [2]
[[faults]]
at = "1.4s"
action = "tamper"
nodes = [1]
record = "meta"
[[faults]]
at = "1.5s"
action = "torn-write"
nodes = [0]
"#;
    // `disk_sync` belongs to [cluster]: move it there.
    let text = text
        .replace("\ndisk_sync = \"2ms\"", "")
        .replace("nodes = 3\n", "nodes = 3\ndisk_sync = \"2ms\"\n");
    let f = run(&text);
    let hits = storage(&f);
    let kinds: Vec<(u32, &str)> = hits.iter().map(|(n, s, _)| (*n, s.name())).collect();
    assert_eq!(
        kinds,
        [
            (1, "corrupt"),
            (2, "read-error"),
            (0, "lost-write"),
            (2, "misdirected-write"),
            (1, "tamper"),
            (0, "torn-write"),
        ]
    );
    assert_eq!(hits[0].2, "corrupted log/2");
    assert!(
        hits[1].2.starts_with("log/") && hits[1].2.ends_with(" unreadable"),
        "{}",
        hits[1].2
    );
    assert_eq!(hits[4].2, "tampered with meta/0");
    assert!(hits[5].2.contains("crashed"), "{}", hits[5].2);
    let damaged: Vec<_> = f.run.disk_damage()[1]
        .iter()
        .map(|(k, d)| (k.0, k.1, d.clone()))
        .collect();
    // The damage the server never overwrote is still there at the end (the term record it
    // rewrote at a later election is not).
    assert_eq!(damaged, [("log", 2, sim_core::Damage::Corrupt)]);
}

#[test]
fn storage_faults_move_the_fingerprint_and_replay_exactly() {
    let plain = run(RAFT);
    let text = RAFT.to_string()
        + "[[faults]]\nat = \"1s\"\naction = \"corrupt\"\nnodes = [1]\nrecord = \"log\"\n";
    let damaged = run(&text);
    assert_ne!(plain.report.fingerprint, damaged.report.fingerprint);
    assert_eq!(damaged.report.fingerprint, run(&text).report.fingerprint);
}

#[test]
fn a_disk_faults_nemesis_strikes_with_its_rates() {
    let text = RAFT.to_string()
        + r#"
[[nemesis]]
kind = "disk-faults"
interval = "200ms"
corrupt = 1.0
read_error = 0.5
record = "log"
"#;
    let f = run(&text);
    let hits = storage(&f);
    let corrupt = hits
        .iter()
        .filter(|(_, s, _)| s.name() == "corrupt")
        .count();
    let unreadable = hits
        .iter()
        .filter(|(_, s, _)| s.name() == "read-error")
        .count();
    // One strike every 200 ms until the end at 3 s: 14 strikes, each corrupting.
    assert_eq!(corrupt, 14, "{hits:?}");
    assert!((1..14).contains(&unreadable), "{unreadable}");
    assert!(
        hits.iter()
            .filter(|(_, s, _)| s.name() == "corrupt")
            .all(|(_, _, d)| d.starts_with("corrupted log/")),
        "{hits:?}"
    );
}

#[test]
fn impossible_storage_faults_are_refused_where_they_are_written() {
    let broadcast = r#"
name = "no disk"
[protocol]
name = "broadcast"
[cluster]
nodes = 3
[run]
duration = "1s"
[[faults]]
at = "500ms"
action = "corrupt"
nodes = [1]
"#;
    let e = error(broadcast);
    assert!(
        e.contains("disk.toml:11:") && e.contains("keep nothing on disk"),
        "{e}"
    );
    let torn = RAFT.to_string() + "[[faults]]\nat = \"1s\"\naction = \"torn-write\"\nnodes = [0]\n";
    let e = error(&torn);
    assert!(e.contains("disk_sync"), "{e}");
    let rate = RAFT.to_string()
        + "[[nemesis]]\nkind = \"disk-faults\"\ninterval = \"1s\"\ncorrupt = 1.5\n";
    let e = error(&rate);
    assert!(e.contains("probability in [0, 1], got 1.5"), "{e}");
    let undo = RAFT.to_string()
        + "[[nemesis]]\nkind = \"disk-faults\"\ninterval = \"1s\"\nduration = \"1s\"\ncorrupt = 0.5\n";
    let e = error(&undo);
    assert!(e.contains("damage to a disk is not undone"), "{e}");
    let index = RAFT.to_string()
        + "[[faults]]\nat = \"1s\"\naction = \"corrupt\"\nnodes = [0]\nindex = 3\n";
    let e = error(&index);
    assert!(
        e.contains("`index` of action \"corrupt\" needs `record`"),
        "{e}"
    );
    let key = RAFT.to_string()
        + "[[faults]]\nat = \"1s\"\naction = \"lost-write\"\nnodes = [0]\nrecord = \"log\"\n";
    let e = error(&key);
    assert!(
        e.contains("`record` does not apply to action \"lost-write\""),
        "{e}"
    );
}
