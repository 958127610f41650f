//! End-to-end tests of every subcommand through the built `clustersim` binary, on the shipped
//! scenario files and on bad ones.

mod binary;
mod library;

use binary::{code, cs, cs_env, stderr, stdout};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The command stopped with a usage or file error (exit 2) that says `want`.
fn assert_refused(o: &std::process::Output, want: &str) {
    assert_eq!(code(o), 2, "{}", stderr(o));
    assert!(stderr(o).contains(want), "{}", stderr(o));
}

/// A shipped scenario by its path under `scenarios/`.
fn shipped(name: &str) -> String {
    root().join(name).display().to_string()
}

fn lib(name: &str) -> String {
    root().join("raft").join(name).display().to_string()
}

fn testdata(name: &str) -> String {
    format!(
        "{}/../../shared/testdata/porcupine-kv/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn run_prints_a_summary_and_repeats() {
    let f = lib("leader-crash.toml");
    let a = cs(&["run", &f]);
    assert_eq!(code(&a), 0, "{}", stderr(&a));
    let text = stdout(&a);
    for want in [
        "protocol    raft, 5 servers + 3 clients, seed 7",
        "crash n",
        "PASS  linearizable",
        "fingerprint 0x",
    ] {
        assert!(text.contains(want), "missing {want:?}:\n{text}");
    }
    assert_eq!(stdout(&cs(&["run", &f])), text);
    let j: serde_json::Value =
        serde_json::from_slice(&cs(&["run", &f, "--json", "--seed", "3"]).stdout).unwrap();
    assert_eq!(j["seed"], 3);
    assert_eq!(j["passed"], true);
    assert!(j["metrics"]["op_latency_ms_p99"].as_f64().unwrap() > 0.0);
    assert!(j["fingerprint"].as_str().unwrap().starts_with("0x"));
}

#[test]
fn a_failing_check_exits_1_with_the_command_to_reproduce() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("tight.toml");
    let text = std::fs::read_to_string(lib("leader-crash.toml"))
        .unwrap()
        .replace("leader_within = \"1s\"", "leader_within = \"1ms\"");
    std::fs::write(&f, text).unwrap();
    let o = cs(&["run", f.to_str().unwrap(), "--seed", "5"]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("FAIL  leader_within 1ms"),
        "{}",
        stdout(&o)
    );
    assert!(
        stderr(&o).contains(&format!(
            "reproduce: clustersim run {} --seed 5",
            f.display()
        )),
        "{}",
        stderr(&o)
    );
    // --set applies to run, and the reproduce line carries it.
    let o = cs(&[
        "run",
        f.to_str().unwrap(),
        "--set",
        "checks.leader_within=2s",
    ]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

#[test]
fn bad_files_exit_2_with_positions_and_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    let typo = write(
        "typo.toml",
        b"name = \"x\"\n[protocol]\nname = \"rafft\"\n[run]\nduration = \"1s\"\n",
    );
    let o = cs(&["run", &typo]);
    assert_refused(
        &o,
        "typo.toml:3:8: unknown protocol \"rafft\", did you mean \"raft\"?",
    );
    let dur = write(
        "dur.toml",
        b"name = \"x\"\n[protocol]\nname = \"raft\"\n[run]\nduration = 5\n",
    );
    let o = cs(&["validate", &dur]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("dur.toml:5:12") && stderr(&o).contains("needs a unit"),
        "{}",
        stderr(&o)
    );
    for (name, bytes) in [
        ("bin.toml", &b"\xff\xfe\0\0garbage"[..]),
        ("empty.toml", b""),
        ("deep.toml", &[b'['; 5000][..]),
    ] {
        let p = write(name, bytes);
        for cmd in ["run", "export", "sweep"] {
            assert_eq!(code(&cs(&[cmd, &p])), 2, "{cmd} {name}");
        }
    }
    assert_eq!(code(&cs(&["run", "/no/such/file.toml"])), 2);
    assert_eq!(code(&cs(&["run"])), 2);
    assert_eq!(code(&cs(&["frobnicate"])), 2);
    assert_eq!(
        code(&cs(&[
            "run",
            &lib("happy-path.toml"),
            "--trace",
            "/no/such/dir/t.jsonl"
        ])),
        2
    );
}

#[test]
fn new_templates_validate_and_unknown_names_are_suggested() {
    let dir = tempfile::tempdir().unwrap();
    let listing = stdout(&cs(&["new"]));
    for protocol in library::protocols() {
        assert!(listing.contains(protocol), "{listing}");
        let f = dir.path().join(format!("{protocol}.toml"));
        assert_eq!(code(&cs(&["new", protocol, "-o", f.to_str().unwrap()])), 0);
        let o = cs(&["validate", f.to_str().unwrap()]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let o = cs(&["run", f.to_str().unwrap()]);
        assert_eq!(code(&o), 0, "{}", stdout(&o));
    }
    let o = cs(&["new", "rafft"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("did you mean \"raft\""));
    for sub in [
        "run",
        "sweep",
        "check",
        "export",
        "plot",
        "lincheck",
        "validate",
        "new",
        "merge",
        "list",
        "completions",
        "man",
    ] {
        let o = cs(&[sub, "--help"]);
        assert_eq!(code(&o), 0, "{sub}");
        assert!(
            stdout(&o).contains("Examples:"),
            "{sub} --help has no examples"
        );
    }
}

fn sweep(args: &[&str], env: &[(&str, &str)], out: &Path) -> String {
    let f = lib("leader-crash.toml");
    let mut all = vec!["sweep", f.as_str(), "-q", "--out", out.to_str().unwrap()];
    all.extend_from_slice(args);
    let o = cs_env(&all, env);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    std::fs::read_to_string(out).unwrap()
}

#[test]
fn sweeps_are_identical_whatever_the_threads_and_shards() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    let grid = [
        "--seeds",
        "1..=4",
        "--set",
        "raft.heartbeat=30ms,50ms",
        "--set",
        "raft.election_timeout=150ms..300ms",
    ];
    let one = sweep(&grid, &[("RAYON_NUM_THREADS", "1")], &p("one.csv"));
    let two = sweep(&grid, &[("RAYON_NUM_THREADS", "2")], &p("two.csv"));
    assert_eq!(one, two);
    // What produced it comes first.
    let head: Vec<&str> = one.lines().take_while(|l| l.starts_with('#')).collect();
    assert_eq!(head[0], "# clustersim sweep");
    assert_eq!(head[1], "# scenario: raft: leader crash");
    assert_eq!(head[3], "# seeds: 1..=4");
    assert_eq!(head[4], "# jobs: 8");
    assert_eq!(head[5], "# shard: all");
    let lines: Vec<&str> = one.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(lines.len(), 9);
    assert!(
        lines[0].starts_with("job,raft.heartbeat,raft.election_timeout,seed,passed,fingerprint,"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("0,30ms,150ms..300ms,1,true,0x"),
        "{}",
        lines[1]
    );
    assert!(
        lines[8].starts_with("7,50ms,150ms..300ms,4,"),
        "{}",
        lines[8]
    );
    // The same run as `clustersim run` gives the same fingerprint.
    let j: serde_json::Value = serde_json::from_slice(
        &cs(&[
            "run",
            &lib("leader-crash.toml"),
            "--json",
            "--seed",
            "1",
            "--set",
            "raft.heartbeat=30ms",
        ])
        .stdout,
    )
    .unwrap();
    assert!(lines[1].contains(j["fingerprint"].as_str().unwrap()));
    let mut shards = Vec::new();
    for i in 0..3 {
        let name = format!("s{i}.csv");
        let mut args = grid.to_vec();
        let shard = format!("{i}/3");
        args.extend(["--shard", shard.as_str()]);
        sweep(&args, &[], &p(&name));
        shards.push(p(&name).display().to_string());
    }
    let mut args = vec!["merge"];
    args.extend(shards.iter().map(String::as_str));
    let merged = p("merged.csv");
    args.extend(["-o", merged.to_str().unwrap()]);
    assert_eq!(code(&cs(&args)), 0);
    assert_eq!(std::fs::read_to_string(&merged).unwrap(), one);
    // JSON too.
    let j1 = sweep(&grid, &[("RAYON_NUM_THREADS", "1")], &p("one.json"));
    let j2 = sweep(
        &[
            "--seeds",
            "1..=4",
            "--set",
            "raft.heartbeat=30ms,50ms",
            "--set",
            "raft.election_timeout=150ms..300ms",
            "--threads",
            "2",
        ],
        &[],
        &p("two.json"),
    );
    assert_eq!(j1, j2);
    let j: serde_json::Value = serde_json::from_str(&j1).unwrap();
    assert_eq!(j["rows"].as_array().unwrap().len(), 8);
    assert_eq!(j["sweep"]["shard"], "all");
    // Merging a shard twice is refused; so is a merge with a shard missing, unless asked.
    let o = cs(&["merge", &shards[0], &shards[0]]);
    assert_refused(&o, "shard 0/3 is given twice");
    let o = cs(&["merge", &shards[0], &shards[2]]);
    assert_refused(&o, "shard 1/3 missing (2 of 3 given)");
    let o = cs(&["merge", &shards[0], &shards[2], "--allow-partial"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("# shard: partial (2 of 3: 1/3 missing)"),
        "{}",
        stdout(&o)
    );
    // Shards of another sweep (here, other parameters) are refused.
    let mut args = grid.to_vec();
    args[3] = "raft.heartbeat=30ms,60ms";
    args.extend(["--shard", "1/3"]);
    sweep(&args, &[], &p("other.csv"));
    let o = cs(&[
        "merge",
        &shards[0],
        p("other.csv").to_str().unwrap(),
        &shards[2],
    ]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains(
            "input 2 is not from the sweep of input 1: different scenario text and --set values"
        ),
        "{}",
        stderr(&o)
    );
    let paxos = p("paxos.csv");
    let o = cs(&[
        "sweep",
        &root().join("paxos/happy-path.toml").display().to_string(),
        "--seeds",
        "1..=4",
        "-q",
        "--shard",
        "1/3",
        "--out",
        paxos.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = cs(&["merge", &shards[0], paxos.to_str().unwrap(), &shards[2]]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("different scenario"), "{}", stderr(&o));
    // Plots from the results.
    let svg = p("hb.svg");
    let o = cs(&[
        "plot",
        p("one.csv").to_str().unwrap(),
        "--x",
        "raft.heartbeat",
        "--y",
        "op_latency_ms_p99",
        "-o",
        svg.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        std::fs::read_to_string(&svg)
            .unwrap()
            .contains("op_latency_ms_p99")
    );
    let png = p("cdf.png");
    assert_eq!(
        code(&cs(&[
            "plot",
            p("one.csv").to_str().unwrap(),
            "--y",
            "op_latency_ms_p99",
            "--cdf",
            "-o",
            png.to_str().unwrap()
        ])),
        0
    );
    assert_eq!(&std::fs::read(&png).unwrap()[..4], b"\x89PNG");
    assert_eq!(
        code(&cs(&[
            "plot",
            p("one.csv").to_str().unwrap(),
            "--y",
            "nope"
        ])),
        2
    );
}

#[test]
fn bad_sweep_arguments_are_usage_errors() {
    let f = lib("happy-path.toml");
    for args in [
        vec!["--seeds", "5..1"],
        vec!["--shard", "3/3"],
        vec!["--set", "raft.heartbeat"],
        vec!["--set", "raft.heartbeat=1s"],
        vec!["--set", "raft.hartbeat=20ms"],
    ] {
        let mut all = vec!["sweep", f.as_str(), "-q"];
        all.extend(args.iter().copied());
        let o = cs(&all);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn check_passes_on_the_library_and_reports_drift_with_its_window() {
    let o = cs(&["check", root().display().to_string().as_str()]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(stdout(&o).contains(" 0 not ok"), "{}", stdout(&o));
    // A copy whose network changed drifts; the checkpoints locate the first difference.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("lc.toml");
    let text = std::fs::read_to_string(lib("leader-crash.toml")).unwrap();
    std::fs::write(
        &f,
        text.replace("[[faults]]\nat = \"2s\"", "[[faults]]\nat = \"2100ms\""),
    )
    .unwrap();
    std::fs::copy(
        lib("leader-crash.seeds.json"),
        dir.path().join("lc.seeds.json"),
    )
    .unwrap();
    let o = cs(&["check", f.to_str().unwrap()]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    assert!(
        out.contains("DRIFT") && out.contains("the runs agree through trace event"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "reproduce: clustersim run {} --seed 7",
            f.display()
        )),
        "{out}"
    );
    // --update rewrites the fingerprints in place, keeping the comments; then it passes.
    let o = cs(&["check", "--update", f.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let updated = std::fs::read_to_string(&f).unwrap();
    assert!(updated.starts_with("# Teaching: the leader crashes."));
    assert_ne!(updated, text);
    assert_eq!(code(&cs(&["check", f.to_str().unwrap()])), 0);
}

#[test]
fn exports_parse_back() {
    let dir = tempfile::tempdir().unwrap();
    let f = lib("leader-crash.toml");
    let out = |n: &str| dir.path().join(n).display().to_string();
    // JSON Lines: sim-core's records, the same as `run --trace`.
    assert_eq!(
        code(&cs(&[
            "export",
            &f,
            "--format",
            "jsonl",
            "-o",
            &out("t.jsonl")
        ])),
        0
    );
    assert_eq!(code(&cs(&["run", &f, "--trace", &out("r.jsonl")])), 0);
    let jsonl = std::fs::read_to_string(out("t.jsonl")).unwrap();
    assert_eq!(jsonl, std::fs::read_to_string(out("r.jsonl")).unwrap());
    let records: Vec<sim_core::TraceRecord> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(records.len() > 1000);
    assert!(records.windows(2).all(|w| w[0].time <= w[1].time));
    // Events are numbered 0, 1, 2, ...; a mark is not an event: it carries the position of
    // the event it was made in, and its own number among the marks.
    let mut marks = 0;
    for w in records.windows(2) {
        match w[1].event {
            sim_core::TraceEvent::Mark { number, .. } => {
                assert_eq!(w[1].index, w[0].index, "{w:?}");
                assert_eq!(number, marks, "{w:?}");
                marks += 1;
            }
            _ => assert_eq!(w[1].index, w[0].index + 1, "{w:?}"),
        }
    }
    assert!(marks > 10, "the Raft run marks its elections and commits");
    // Perfetto: a named track per node; every flow end has its start.
    assert_eq!(
        code(&cs(&[
            "export",
            &f,
            "--format",
            "perfetto",
            "-o",
            &out("p.json")
        ])),
        0
    );
    let p: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out("p.json")).unwrap()).unwrap();
    let ev = p["traceEvents"].as_array().unwrap();
    let names: Vec<&str> = ev
        .iter()
        .filter(|e| e["name"] == "thread_name")
        .filter_map(|e| e["args"]["name"].as_str())
        .collect();
    for n in 0..8 {
        assert!(names.contains(&format!("n{n}").as_str()), "{names:?}");
    }
    let starts: std::collections::BTreeSet<u64> = ev
        .iter()
        .filter(|e| e["ph"] == "s")
        .filter_map(|e| e["id"].as_u64())
        .collect();
    let ends: Vec<u64> = ev
        .iter()
        .filter(|e| e["ph"] == "f")
        .filter_map(|e| e["id"].as_u64())
        .collect();
    assert!(ends.len() > 1000);
    assert!(ends.iter().all(|id| starts.contains(id)));
    // ShiViz: the regex header, then event/clock pairs; clocks tick and receives merge.
    assert_eq!(
        code(&cs(&[
            "export",
            &f,
            "--format",
            "shiviz",
            "-o",
            &out("s.log")
        ])),
        0
    );
    let log = std::fs::read_to_string(out("s.log")).unwrap();
    let mut lines = log.lines();
    assert_eq!(lines.next(), Some(scenarios::export::shiviz::REGEX));
    assert_eq!(lines.next(), Some(""));
    let rest: Vec<&str> = lines.collect();
    assert_eq!(rest.len() % 2, 0);
    let mut last: std::collections::BTreeMap<String, u64> = Default::default();
    let mut sends: std::collections::BTreeMap<String, std::collections::BTreeMap<String, u64>> =
        Default::default();
    for pair in rest.chunks(2) {
        let (host, clock) = pair[1].split_once(' ').unwrap();
        let clock: std::collections::BTreeMap<String, u64> = serde_json::from_str(clock).unwrap();
        let own = clock[host];
        assert_eq!(
            own,
            last.get(host).copied().unwrap_or(0) + 1,
            "{host} did not tick by one"
        );
        last.insert(host.to_string(), own);
        let words: Vec<&str> = pair[0].split_whitespace().collect();
        if words.get(1) == Some(&"send") {
            sends.insert(words[3].to_string(), clock.clone());
        } else if words.get(1) == Some(&"receive")
            && let Some(sent) = sends.get(words[3])
        {
            for (k, v) in sent {
                assert!(
                    clock.get(k).copied().unwrap_or(0) >= *v,
                    "receive does not dominate its send"
                );
            }
        }
    }
    assert!(sends.len() > 100);
}

#[test]
fn lincheck_judges_porcupine_histories() {
    let o = cs(&["lincheck", &testdata("c01-ok.txt"), "--model", "kv"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).starts_with("linearizable"));
    let o = cs(&[
        "lincheck",
        &testdata("c10-bad.txt"),
        "--model",
        "kv",
        "--budget",
        "10s",
    ]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).contains("not linearizable: on key"),
        "{}",
        stdout(&o)
    );
    assert_eq!(
        code(&cs(&[
            "lincheck",
            &testdata("c01-ok.txt"),
            "--model",
            "kv",
            "--budget",
            "soon"
        ])),
        2
    );
    assert_eq!(code(&cs(&["lincheck", "/no/such.edn", "--model", "kv"])), 2);
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.edn");
    std::fs::write(&bad, "{:process 0, :type :invoke, :f :frob}").unwrap();
    let o = cs(&["lincheck", bad.to_str().unwrap(), "--model", "cas"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("bad.edn:1:"), "{}", stderr(&o));
    // Nothing to check is an error, not "linearizable: 0 operations".
    let empty = dir.path().join("empty.edn");
    std::fs::write(&empty, "").unwrap();
    let o = cs(&["lincheck", empty.to_str().unwrap(), "--model", "kv"]);
    assert_refused(&o, "no operation to check");
    // A step budget too small to decide: the answer is unknown, said in words.
    let o = cs(&[
        "lincheck",
        &testdata("c10-bad.txt"),
        "--model",
        "kv",
        "--budget",
        "5",
    ]);
    assert_eq!(code(&o), 2);
    let e = stderr(&o);
    assert!(
        e.contains("unknown: the budget of 5 search steps (raise it with --budget)"),
        "{e}"
    );
    assert!(!e.contains("Some("), "{e}");
}

/// A sweep exits 1 when a run fails a check (0 with --allow-failures), and 2 when a run
/// stops with an error, which it reports as an error rather than a failed check.
#[test]
fn sweep_exit_codes_tell_failures_from_errors() {
    let bug = lib("known-bug.toml");
    let o = cs(&[
        "sweep",
        &bug,
        "--seeds",
        "1..3",
        "-q",
        "--set",
        "raft.bugs=[]",
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("2 runs, 2 failed a check"),
        "{}",
        stderr(&o)
    );
    let o = cs(&[
        "sweep",
        &bug,
        "--seeds",
        "1..3",
        "-q",
        "--set",
        "raft.bugs=[]",
        "--allow-failures",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = cs(&[
        "sweep",
        &lib("happy-path.toml"),
        "--seeds",
        "1",
        "-q",
        "--set",
        "limits.max_events=100",
    ]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("1 run, 0 failed a check, 1 stopped with an error"),
        "{e}"
    );
    assert!(
        e.contains("first error (job 0): error:") && e.contains("max_events"),
        "{e}"
    );
}

/// `list` shows every scenario by protocol with its description; completions and the man
/// page come from the same definitions as --help.
#[test]
fn list_completions_and_the_man_page() {
    let o = cs(&["list", root().to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    for protocol in library::protocols() {
        assert!(
            text.contains(&format!("{protocol} (")),
            "{protocol}: {text}"
        );
    }
    assert!(text.contains("conformance/fast-backup.toml"), "{text}");
    assert!(
        text.contains("Five servers, forty clients; the leader is cut off"),
        "{text}"
    );
    let j: serde_json::Value =
        serde_json::from_slice(&cs(&["list", &lib("happy-path.toml"), "--json"]).stdout).unwrap();
    assert_eq!(j[0]["protocol"], "raft");
    for shell in ["bash", "zsh", "fish"] {
        let o = cs(&["completions", shell]);
        assert_eq!(code(&o), 0);
        let script = stdout(&o);
        assert!(script.contains("clustersim"), "{shell}");
        assert!(
            script.contains("lincheck") && script.contains("allow-failures"),
            "{shell}"
        );
    }
    let o = cs(&["man"]);
    assert_eq!(code(&o), 0);
    assert!(
        stdout(&o).starts_with(".ie") || stdout(&o).contains(".TH clustersim"),
        "{}",
        stdout(&o)
    );
}

/// PASS and FAIL are coloured only when asked for or on a terminal: never in a pipe, and
/// never with NO_COLOR.
#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let f = lib("happy-path.toml");
    let plain = stdout(&cs(&["run", &f]));
    assert!(!plain.contains('\x1b') && plain.contains("  PASS  "));
    let always = stdout(&cs(&["run", &f, "--color", "always"]));
    assert!(always.contains("\x1b[32mPASS\x1b[0m"), "{always}");
    let never = stdout(&cs_env(
        &["run", &f, "--color", "never"],
        &[("NO_COLOR", "1")],
    ));
    assert_eq!(never, plain);
    let o = cs(&["check", &f, "--color", "always"]);
    assert!(stdout(&o).contains("\x1b[32mok\x1b[0m"), "{}", stdout(&o));
}

/// `validate` and `check` report as JSON when asked, problems located as in the text.
#[test]
fn validate_and_check_speak_json() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        std::fs::read_to_string(lib("happy-path.toml"))
            .unwrap()
            .replace("[run]", "[run]\nduraton = \"1s\""),
    )
    .unwrap();
    let o = cs(&[
        "validate",
        &lib("happy-path.toml"),
        bad.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(code(&o), 1);
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j[0]["ok"], true);
    assert_eq!(j[0]["protocol"], "raft");
    assert_eq!(j[1]["ok"], false);
    let p = &j[1]["problems"][0];
    assert!(p["line"].as_u64().unwrap() > 0, "{p}");
    assert!(p["message"].as_str().unwrap().contains("duraton"), "{p}");
    let o = cs(&["check", &lib("happy-path.toml"), "--json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(j[0]["verdict"], "ok");
    assert!(j[0]["seed"].as_u64().is_some());
}

/// A run's client history, written as Jepsen EDN, reads back into `lincheck` with the same
/// operations and the same verdict; `export --format edn` writes the same text.
#[test]
fn histories_round_trip_through_edn() {
    let dir = tempfile::tempdir().unwrap();
    let h = dir.path().join("h.edn");
    let f = lib("leader-crash.toml");
    let o = cs(&["run", &f, "--history", h.to_str().unwrap()]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let ops = stdout(&o)
        .lines()
        .find_map(|l| {
            l.split_once("PASS  linearizable: ")
                .map(|(_, r)| r.to_string())
        })
        .unwrap();
    let n = ops.split(' ').next().unwrap().to_string();
    let o = cs(&["lincheck", h.to_str().unwrap(), "--model", "kv"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with(&format!("linearizable: {n} operations")),
        "{} vs {n}",
        stdout(&o)
    );
    let e = cs(&["export", &f, "--format", "edn"]);
    assert_eq!(stdout(&e), std::fs::read_to_string(&h).unwrap());
    let o = cs(&[
        "export",
        &shipped("broadcast/happy-path.toml"),
        "--format",
        "edn",
    ]);
    assert_refused(&o, "records no client history");
}

/// `validate` (and so `run`, before it starts) refuses what a run would only find at its end:
/// an `expect_failure` that no check of the run can match, and a client command the protocol
/// refuses, each located in the file.
#[test]
fn validate_catches_what_a_run_finds_only_at_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let file = |expect: &str, command: &str| {
        let p = dir.path().join("f.toml");
        std::fs::write(
            &p,
            format!(
                "name = \"f\"\n[protocol]\nname = \"raft\"\n[cluster]\nnodes = 3\n\
                 [workload]\nclients = 1\n[run]\nduration = \"1s\"\n[checks]\n\
                 expect_failure = \"{expect}\"\n[[faults]]\nat = \"100ms\"\n\
                 action = \"submit\"\ncommand = \"{command}\"\n"
            ),
        )
        .unwrap();
        p.display().to_string()
    };
    let f = file("invariant Election", "put x 1");
    let o = cs(&["validate", &f]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));

    let f = file("invarant Election", "put x 1");
    let o = cs(&["validate", &f]);
    assert_eq!(code(&o), 1);
    let e = stderr(&o);
    assert!(
        e.contains("f.toml:11:18: `expect_failure = \"invarant Election\"`"),
        "{e}"
    );
    assert!(
        e.contains("did you mean \"invariant Election Safety\"?"),
        "{e}"
    );
    let o = cs(&["run", &f]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));

    let f = file("invariant Election", "putt x 1");
    let o = cs(&["validate", &f]);
    assert_eq!(code(&o), 1);
    let e = stderr(&o);
    assert!(
        e.contains("f.toml:15:11: protocol \"raft\" refuses the command \"putt x 1\""),
        "{e}"
    );
}

/// Every value a file or `--set` gets wrong is reported at the value (or at the `--set`
/// argument), in the file's own words, never as a Rust structure.
#[test]
fn value_errors_point_at_the_value_in_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("v.toml");
    std::fs::write(
        &p,
        "name = \"v\"\n[protocol]\nname = \"raft\"\n[protocol.params]\nheartbeat = \"0ms\"\n\
         [network]\nlatency = \"5ms..1ms\"\nloss = 1.5\n[[network.links]]\nfrom = 0\nto = 1\n\
         latency = { dist = \"log-normal\", median = \"2ms\", sigma = -1.0 }\n\
         [workload]\nclients = 1\nkeys = 0\n[run]\nduration = \"1s\"\n",
    )
    .unwrap();
    let f = p.display().to_string();
    let o = cs(&["validate", &f]);
    assert_eq!(code(&o), 1);
    let e = stderr(&o);
    for want in [
        "v.toml:7:11: network.latency: a uniform delay needs min <= max, got min 5ms and max 1ms",
        "v.toml:8:8: network.loss must be a probability in [0, 1], got 1.5",
        "v.toml:12:11: network.links.0.latency: a log-normal delay needs sigma, a finite number >= 0, got -1",
    ] {
        assert!(e.contains(want), "missing {want:?} in:\n{e}");
    }
    assert!(!e.contains("Duration(") && !e.contains("Latency {"), "{e}");

    // Once the file's own values are fixed, the protocol's parameters and workload are judged.
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replace("\"5ms..1ms\"", "\"1ms..5ms\"")
        .replace("loss = 1.5", "loss = 0.1")
        .replace("sigma = -1.0", "sigma = 1.0");
    std::fs::write(&p, &text).unwrap();
    let e = stderr(&cs(&["validate", &f]));
    assert!(
        e.contains("v.toml:5:13: protocol.params.heartbeat: must be longer than 0"),
        "{e}"
    );
    std::fs::write(&p, text.replace("heartbeat = \"0ms\"", "max_batch = 8")).unwrap();
    let e = stderr(&cs(&["validate", &f]));
    assert!(
        e.contains("v.toml:15:8: workload.keys: is 0; expected at least one key"),
        "{e}"
    );

    // A `--set` value is reported at the argument, not in a document nobody wrote.
    let o = cs(&[
        "run",
        &f,
        "--set",
        "workload.keys=2",
        "--set",
        "raft.max_inflight=0",
    ]);
    assert_eq!(code(&o), 2);
    let e = stderr(&o);
    assert!(
        e.contains("--set raft.max_inflight=0: protocol.params.max_inflight: must be at least 1"),
        "{e}"
    );
    let o = cs(&[
        "run",
        &f,
        "--set",
        "workload.keys=2",
        "--set",
        "network.loss=3",
    ]);
    assert!(
        stderr(&o).contains("--set network.loss=3: network.loss must be a probability"),
        "{}",
        stderr(&o)
    );
    // A problem the `--set` only uncovers stays at its line of the file.
    let o = cs(&[
        "run",
        &f,
        "--set",
        "workload.keys=2",
        "--set",
        "cluster.nodes=1",
    ]);
    let e = stderr(&o);
    assert!(
        e.contains("v.toml:11:6: network.links.0 names node 1, but the servers are 0 to 0"),
        "{e}"
    );

    // A workflow instance that cannot be read is shown at the key that names it.
    let wf = dir.path().join("wf.toml");
    let text = std::fs::read_to_string(root().join("workflow/agent-crash.toml")).unwrap();
    std::fs::write(
        &wf,
        text.replace(
            "montage-chameleon-2mass-01d-001.json",
            "no-such-instance.json",
        ),
    )
    .unwrap();
    let o = cs(&["validate", wf.to_str().unwrap()]);
    assert_eq!(code(&o), 1);
    let e = stderr(&o);
    assert!(e.contains("wf.toml:23:12: workload.wfformat: "), "{e}");
    assert!(e.contains("no-such-instance.json"), "{e}");

    // A broadcast workload written in `[workload]` is named as such.
    let o = cs(&[
        "run",
        &shipped("broadcast/sender-crash.toml"),
        "--set",
        "workload.origins=[9]",
    ]);
    assert_refused(&o, "workload.origins: n9 is not a node of a 6-node cluster");
}

/// Every command that reports speaks JSON when asked (`lincheck`, `explore`, the sweep's
/// summary), and so do its errors: one object with the message and the located problems.
#[test]
fn reports_and_errors_speak_json() {
    let json = |o: &std::process::Output| -> serde_json::Value {
        serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}{}", stdout(o), stderr(o)))
    };
    let o = cs(&[
        "lincheck",
        &testdata("c01-ok.txt"),
        "--model",
        "kv",
        "--json",
    ]);
    assert_eq!(code(&o), 0);
    let j = json(&o);
    assert_eq!(j["verdict"], "linearizable");
    assert_eq!(j["model"], "kv");
    assert!(j["operations"].as_u64().unwrap() > 0, "{j}");
    assert!(j["explanation"].is_null());
    let o = cs(&[
        "lincheck",
        &testdata("c10-bad.txt"),
        "--model",
        "kv",
        "--budget",
        "10s",
        "--json",
    ]);
    assert_eq!(code(&o), 1);
    let j = json(&o);
    assert_eq!(j["verdict"], "not linearizable");
    assert!(j["explanation"].as_str().unwrap().contains("on key"), "{j}");

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("found");
    let o = cs(&[
        "explore",
        &lib("known-bug.toml"),
        "--seeds",
        "8",
        "--no-shrink",
        "-q",
        "--json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let j = json(&o);
    assert_eq!(j["seeds"], 8);
    let failures = j["failures"].as_array().unwrap();
    assert_eq!(failures[0]["seed"], 2, "{j}");
    assert_eq!(failures[0]["check"], "invariant Log Matching");
    assert!(
        failures[0]["reproduce"]
            .as_str()
            .unwrap()
            .contains("--seeds 2..=2")
    );
    assert!(j["coverage"]["elected"].as_u64().unwrap() > 0, "{j}");
    let written = j["saved"][0]["failing"].as_str().unwrap();
    assert!(Path::new(written).exists(), "{written}");

    let csv = dir.path().join("r.csv");
    let o = cs(&[
        "sweep",
        &lib("known-bug.toml"),
        "--seeds",
        "1..4",
        "--set",
        "raft.bugs=[]",
        "-q",
        "--json",
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let j = json(&o);
    assert_eq!(
        (j["runs"].as_u64(), j["failed"].as_u64()),
        (Some(3), Some(3))
    );
    assert!(
        j["first_failure"]["reproduce"]
            .as_str()
            .unwrap()
            .contains("--set 'raft.bugs=[]'"),
        "{j}"
    );
    assert!(j["first_error"].is_null());
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    // The summary and CSV rows cannot share standard output.
    let o = cs(&["sweep", &lib("known-bug.toml"), "--json"]);
    assert_eq!(code(&o), 2);
    assert!(json(&o)["error"].as_str().unwrap().contains("--out"));

    // Errors: a located problem keeps its place.
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "name = \"b\"\n[protocol]\nname = \"rafft\"\n[run]\nduration = \"1s\"\n",
    )
    .unwrap();
    for cmd in ["run", "explore", "sweep"] {
        let mut args = vec![cmd, bad.to_str().unwrap(), "--json"];
        if cmd == "explore" {
            args.extend(["--seeds", "1"]);
        }
        if cmd == "sweep" {
            args.extend(["--out", csv.to_str().unwrap()]);
        }
        let o = cs(&args);
        assert_eq!(code(&o), 2, "{cmd}");
        let j = json(&o);
        assert!(j["error"].as_str().unwrap().contains("rafft"), "{cmd}: {j}");
        assert_eq!(j["problems"][0]["line"], 3, "{cmd}: {j}");
        assert_eq!(j["problems"][0]["col"], 8, "{cmd}: {j}");
    }
    let o = cs(&["lincheck", "/no/such.edn", "--model", "kv", "--json"]);
    assert_eq!(code(&o), 2);
    assert!(json(&o)["error"].as_str().unwrap().contains("/no/such.edn"));
}

/// A run that holds too much stops at a limit of its own, with the usual limit error naming
/// the limit, the time and who holds the most; `explore` counts such a seed as a failure and
/// shrinks it to a file that stops the same way.
#[test]
fn runs_that_hold_too_much_stop_at_their_limits() {
    let happy = lib("happy-path.toml");
    let long = "run.duration=\"60s\"";
    let o = cs(&[
        "run",
        &happy,
        "--set",
        long,
        "--set",
        "limits.max_memory=1000000",
    ]);
    assert_eq!(code(&o), 2, "{}", stdout(&o));
    let e = stderr(&o);
    assert!(e.contains("limit `max_memory` exceeded:"), "{e}");
    assert!(e.contains("bytes > 1000000 (at t="), "{e}");
    assert!(e.contains("the nodes' own state"), "{e}");
    let o = cs(&[
        "run",
        &happy,
        "--set",
        long,
        "--set",
        "limits.max_bytes_in_flight=100",
    ]);
    assert_eq!(code(&o), 2);
    let e = stderr(&o);
    assert!(
        e.contains("limit `max_bytes_in_flight` exceeded:") && e.contains("on their way to n"),
        "{e}"
    );
    // The default memory bound leaves ordinary runs alone.
    assert_eq!(code(&cs(&["run", &happy, "--set", long])), 0);
    // A cluster that cannot fit is refused before it is built.
    let dir = tempfile::tempdir().unwrap();
    let huge = dir.path().join("huge.toml");
    let cluster = |nodes: u32, limits: &str| {
        format!(
            "name = \"h\"\n[protocol]\nname = \"raft\"\n[cluster]\nnodes = {nodes}\n\
             [run]\nduration = \"1s\"\n{limits}"
        )
    };
    std::fs::write(&huge, cluster(1_000_000, "")).unwrap();
    for cmd in ["validate", "run"] {
        let o = cs(&[cmd, huge.to_str().unwrap()]);
        assert!(code(&o) > 0, "{cmd}");
        let e = stderr(&o);
        assert!(
            e.contains(
                "huge.toml:5:9: protocol \"raft\" keeps state for every pair of servers: \
                 1000000 servers need about 24.0 TB"
            ),
            "{cmd}: {e}"
        );
    }
    std::fs::write(&huge, cluster(3000, "[limits]\nmax_memory = 100000000\n")).unwrap();
    let o = cs(&["validate", huge.to_str().unwrap()]);
    assert!(
        stderr(&o).contains("more than 100.0 MB (`[limits] max_memory`)"),
        "{}",
        stderr(&o)
    );

    let file = dir.path().join("flood.toml");
    let text = std::fs::read_to_string(root().join("raft/explore.toml"))
        .unwrap()
        .replace("safety = \"3s\"", "safety = \"200s\"")
        + "\n[limits]\nmax_bytes_in_flight = 100\n";
    std::fs::write(&file, text).unwrap();
    let found = dir.path().join("found");
    let o = cs(&[
        "explore",
        file.to_str().unwrap(),
        "--seeds",
        "1",
        "-q",
        "--out",
        found.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("seed 0: limit max_bytes_in_flight:"),
        "{}",
        stdout(&o)
    );
    let shrunk = found.join("shrunk-limit-max-bytes-in-flight.toml");
    let o = cs(&["run", shrunk.to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("limit `max_bytes_in_flight` exceeded"));
}
