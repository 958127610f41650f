//! The files `clustersim` writes, through the built binary: a FIFO or a symbolic link is
//! never replaced by a regular file, `-` is standard output, a path that cannot be written is
//! refused before any work, `new -o` keeps an existing file without `--force`, and an
//! interrupted `run --trace` leaves nothing behind. Everything happens in a temporary
//! directory; no system device is touched.

mod binary;

use binary::{BIN, code, cs, cs_env, stderr, stdout};
use std::path::{Path, PathBuf};
use std::process::Command;

fn lib(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("raft")
        .join(name)
        .display()
        .to_string()
}

/// A shipped scenario by its path under `scenarios/`.
fn root_file(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(name)
        .display()
        .to_string()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn mkfifo(p: &Path) {
    let ok = Command::new("mkfifo").arg(p).status().unwrap().success();
    assert!(ok, "mkfifo {}", p.display());
}

fn is_fifo(p: &Path) -> bool {
    use std::os::unix::fs::FileTypeExt;
    std::fs::symlink_metadata(p).unwrap().file_type().is_fifo()
}

/// Everything in `dir`, by name.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_fifo_is_written_through_and_stays_a_fifo() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let o = cs(&["new", "raft", "-o", s(&fifo)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let read = reader.join().unwrap();
    assert_eq!(read, stdout(&cs(&["new", "raft"])));
    assert!(is_fifo(&fifo));
    assert_eq!(names(dir.path()), ["pipe"]);
}

#[test]
fn a_symlink_is_followed_and_stays_a_link() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("real.csv");
    let link = dir.path().join("link.csv");
    std::fs::write(&target, "old").unwrap();
    std::os::unix::fs::symlink("real.csv", &link).unwrap();
    let o = cs(&[
        "sweep",
        &lib("happy-path.toml"),
        "--seeds",
        "1..3",
        "-q",
        "--out",
        s(&link),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let csv = std::fs::read_to_string(&target).unwrap();
    assert!(csv.starts_with("# clustersim sweep\n"), "{csv}");
    assert_eq!(
        csv.lines().filter(|l| l.starts_with("job,")).count(),
        1,
        "{csv}"
    );
    assert_eq!(
        csv.lines().filter(|l| !l.starts_with('#')).count(),
        3,
        "{csv}"
    );
    assert_eq!(names(dir.path()), ["link.csv", "real.csv"]);
}

#[test]
fn a_dash_is_standard_output() {
    let o = cs(&["new", "raft", "-o", "-"]);
    assert_eq!(stdout(&o), stdout(&cs(&["new", "raft"])));
    // The trace on standard output, the report on standard error.
    let o = cs(&[
        "run",
        &lib("happy-path.toml"),
        "--set",
        "run.duration=\"300ms\"",
        "--trace",
        "-",
    ]);
    // Cut short, the run fails its checks (exit 1); what matters is where its output went.
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.lines().count() > 10);
    for line in out.lines() {
        serde_json::from_str::<serde_json::Value>(line).unwrap_or_else(|e| panic!("{e}: {line}"));
    }
    assert!(stderr(&o).contains("fingerprint 0x"), "{}", stderr(&o));
    let o = cs(&[
        "sweep",
        &lib("happy-path.toml"),
        "--seeds",
        "1..3",
        "-q",
        "--out",
        "-",
    ]);
    assert!(
        stdout(&o).starts_with("# clustersim sweep\n"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("\njob,"), "{}", stdout(&o));
}

/// A sweep of a million seeds to a directory that does not exist stops at once: it would run
/// for hours before writing otherwise.
#[test]
fn an_output_that_cannot_be_written_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("no/such/dir/r.csv");
    let o = cs(&[
        "sweep",
        &lib("happy-path.toml"),
        "--seeds",
        "1..1000000",
        "-q",
        "--out",
        s(&nowhere),
    ]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("cannot be used"), "{}", stderr(&o));
    let o = cs(&["export", &lib("happy-path.toml"), "-o", s(dir.path())]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("is a directory"), "{}", stderr(&o));
    let file = dir.path().join("plain");
    std::fs::write(&file, "x").unwrap();
    let o = cs(&[
        "explore",
        &lib("explore.toml"),
        "--seeds",
        "1000000",
        "-q",
        "--out",
        s(&file.join("found")),
    ]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("is not a directory"), "{}", stderr(&o));
    let o = cs(&["run", &lib("happy-path.toml"), "--trace", s(&nowhere)]);
    assert_eq!(code(&o), 2);
    assert_eq!(names(dir.path()), ["plain"]);
}

#[test]
fn new_keeps_an_existing_file_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("mine.toml");
    std::fs::write(&f, "mine").unwrap();
    let o = cs(&["new", "raft", "-o", s(&f)]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("exists; give --force"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&f).unwrap(), "mine");
    let o = cs(&["new", "raft", "-o", s(&f), "--force"]);
    assert_eq!(code(&o), 0);
    assert_eq!(
        std::fs::read_to_string(&f).unwrap(),
        stdout(&cs(&["new", "raft"]))
    );
}

/// SIGINT and SIGTERM during `run --trace`: the half-written trace is removed, nothing takes
/// its name, and the exit code is 130.
#[test]
fn an_interrupted_trace_leaves_nothing_behind() {
    for signal in ["INT", "TERM"] {
        let dir = tempfile::tempdir().unwrap();
        let trace = dir.path().join("t.jsonl");
        let child = Command::new(BIN)
            .args([
                "run",
                &lib("happy-path.toml"),
                "--set",
                "run.duration=\"100000s\"",
                "--trace",
                s(&trace),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Once the trace is being written (its temporary file holds some records).
        let tmp = dir.path().join(".t.jsonl.tmp");
        let written = || std::fs::metadata(&tmp).map_or(0, |m| m.len()) >= 1 << 16;
        let (code, _) = interrupt_when(child, signal, written);
        assert_eq!(code, Some(130), "SIG{signal}");
        assert!(
            names(dir.path()).is_empty(),
            "SIG{signal}: {:?}",
            names(dir.path())
        );
    }
}

/// Sends `signal` to `child` once `ready` holds, and returns its exit code and standard error.
fn interrupt_when(
    mut child: std::process::Child,
    signal: &str,
    ready: impl Fn() -> bool,
) -> (Option<i32>, String) {
    let mut polls = 0;
    while !ready() {
        polls += 1;
        assert!(polls < 60_000, "never ready to interrupt");
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .unwrap()
            .success()
    );
    let mut err = String::new();
    if let Some(mut e) = child.stderr.take() {
        use std::io::Read as _;
        e.read_to_string(&mut err).unwrap();
    }
    (child.wait().unwrap().code(), err)
}

/// An interrupted sweep keeps the runs it finished in a journal; `--resume` does only the
/// rest, and the output is byte for byte the uninterrupted sweep's, in CSV and in JSON.
#[test]
fn an_interrupted_sweep_resumes_to_the_same_output() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["r.csv", "r.json"] {
        let whole = dir.path().join(format!("whole-{name}"));
        let part = dir.path().join(name);
        let args = |out: &Path| {
            vec![
                "sweep".to_string(),
                lib("leader-crash.toml"),
                "--seeds".into(),
                "1..=120".into(),
                "--set".into(),
                "raft.heartbeat=40ms,50ms".into(),
                "--threads".into(),
                "2".into(),
                "-q".into(),
                "--out".into(),
                s(out).into(),
            ]
        };
        let o = Command::new(BIN).args(args(&whole)).output().unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );

        let journal = dir.path().join(format!("{name}.journal"));
        let child = Command::new(BIN)
            .args(args(&part))
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let lines = || std::fs::read_to_string(&journal).map_or(0, |t| t.lines().count());
        let (code, err) = interrupt_when(child, "INT", || lines() > 10);
        assert_eq!(code, Some(130), "{err}");
        assert!(err.contains("interrupted after"), "{err}");
        assert!(err.contains("--resume"), "{err}");
        assert!(!part.exists(), "an interrupted sweep wrote its output");
        let kept = lines() - 1;
        assert!((10..240).contains(&kept), "{kept} runs journaled");
        // The journal is a prefix of the output: its runs in canonical order, none missing.
        let jobs: Vec<u64> = std::fs::read_to_string(&journal)
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["job"]
                    .as_u64()
                    .unwrap()
            })
            .collect();
        assert_eq!(jobs, (0..kept as u64).collect::<Vec<_>>());

        // Without --resume the journal is not overwritten.
        let o = Command::new(BIN).args(args(&part)).output().unwrap();
        assert_eq!(o.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&o.stderr).contains("--resume"));
        assert_eq!(lines() - 1, kept);

        // A journal cut short in the middle of a line loses only that line's run.
        let text = std::fs::read_to_string(&journal).unwrap();
        std::fs::write(&journal, &text[..text.len() - 7]).unwrap();

        let mut resume = args(&part);
        resume.push("--resume".into());
        let o = Command::new(BIN).args(&resume).output().unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(
            std::fs::read(&part).unwrap(),
            std::fs::read(&whole).unwrap(),
            "{name}: the resumed output differs"
        );
        assert!(!journal.exists(), "the journal outlived the sweep");

        // A journal of other seeds is refused.
        std::fs::write(&journal, text).unwrap();
        let mut other = resume.clone();
        other[3] = "1..=60".into();
        let o = Command::new(BIN).args(&other).output().unwrap();
        assert_eq!(o.status.code(), Some(2));
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("the journal of another job"),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        std::fs::remove_file(&journal).unwrap();
    }
}

/// An interrupted exploration reports the failures it found, each with the command that
/// replays it, and exits 130.
#[test]
fn an_interrupted_exploration_reports_what_it_found() {
    let dir = tempfile::tempdir().unwrap();
    let file = lib("known-bug.toml");
    let child = Command::new(BIN)
        .args([
            "explore",
            &file,
            "--seeds",
            "100000",
            "-q",
            "--threads",
            "1",
            "--out",
            s(&dir.path().join("found")),
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Seed 2 fails (Log Matching), and one thread takes the seeds in order at about 100 a
    // second: in 5 seconds it has long been found.
    let (code, err) = {
        let mut child = child;
        let stdout = child.stdout.take();
        std::thread::sleep(std::time::Duration::from_secs(5));
        let r = interrupt_when(child, "INT", || true);
        let mut text = String::new();
        if let Some(mut o) = stdout {
            use std::io::Read as _;
            o.read_to_string(&mut text).unwrap();
        }
        (r.0, format!("{}{text}", r.1))
    };
    assert_eq!(code, Some(130), "{err}");
    assert!(err.contains("interrupted after"), "{err}");
    assert!(err.contains("failed"), "{err}");
    assert!(err.contains("  seed 2: invariant Log Matching"), "{err}");
    assert!(
        err.contains("reproduce: clustersim explore") && err.contains("--seeds 2..=2"),
        "{err}"
    );
    let left: Vec<String> = names(&dir.path().join("found"));
    assert_eq!(
        left,
        ["explore.journal"],
        "an interrupted exploration shrank"
    );
}

/// An interrupted exploration of a list of seeds resumes from its journal to the very files
/// an uninterrupted one writes.
#[test]
fn an_interrupted_exploration_resumes_to_the_same_files() {
    let file = root_file("paxos/explore-forget-promise.toml");
    let args = |resume: bool| {
        let mut v = vec![
            "explore",
            file.as_str(),
            "--seeds",
            "400",
            "-q",
            "--threads",
            "1",
        ];
        v.extend(["--out", "found"]);
        if resume {
            v.push("--resume");
        }
        v.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let whole = tempfile::tempdir().unwrap();
    let o = Command::new(BIN)
        .current_dir(whole.path())
        .args(args(false))
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    let part = tempfile::tempdir().unwrap();
    let journal = part.path().join("found/explore.journal");
    let child = Command::new(BIN)
        .current_dir(part.path())
        .args(args(false))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let lines = || std::fs::read_to_string(&journal).map_or(0, |t| t.lines().count());
    let (code, err) = interrupt_when(child, "INT", || lines() > 40);
    assert_eq!(code, Some(130), "{err}");
    assert!(err.contains("--resume goes on"), "{err}");
    let o = Command::new(BIN)
        .current_dir(part.path())
        .args(args(true))
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let files = |d: &Path| -> Vec<(String, Vec<u8>)> {
        names(d)
            .into_iter()
            .map(|n| {
                let bytes = std::fs::read(d.join(&n)).unwrap();
                (n, bytes)
            })
            .collect()
    };
    let resumed = files(&part.path().join("found"));
    let alone = files(&whole.path().join("found"));
    assert!(alone.len() >= 3, "{:?}", names(&whole.path().join("found")));
    assert_eq!(
        resumed.iter().map(|f| &f.0).collect::<Vec<_>>(),
        alone.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    assert!(resumed == alone, "a resumed exploration wrote other files");
}

/// A PNG chart is encoded in memory and written like any output: through a FIFO without a
/// temporary file anywhere (even with no usable temporary directory), and an output that
/// cannot be written is refused in words.
#[test]
fn a_png_chart_goes_through_a_fifo_and_bad_paths_are_said_in_words() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("r.csv");
    let o = cs(&[
        "sweep",
        &lib("happy-path.toml"),
        "--seeds",
        "1..4",
        "-q",
        "--out",
        s(&csv),
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let fifo = dir.path().join("chart.png");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    let o = cs_env(
        &["plot", s(&csv), "--y", "events", "--cdf", "-o", s(&fifo)],
        &[("TMPDIR", "/nonexistent")],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let bytes = reader.join().unwrap();
    assert_eq!(&bytes[..4], b"\x89PNG");
    assert!(is_fifo(&fifo));
    for bad in ["/nonexistent/dir/c.png", "/nonexistent/dir/c.svg"] {
        let o = cs(&["plot", s(&csv), "--y", "events", "--cdf", "-o", bad]);
        assert_eq!(code(&o), 2);
        let e = stderr(&o);
        assert!(
            e.contains("the directory /nonexistent/dir cannot be used"),
            "{e}"
        );
        assert!(!e.contains("Error(") && !e.contains("Os {"), "{e}");
    }
}

/// An export streams: its peak memory stays far below the size of what it writes. Measured
/// on the largest shipped trace (`tree_sync/scale.toml`, 2,000 nodes), to Perfetto: the
/// budget is 200 MiB (streaming takes about 20 MB; holding the trace took 5 GB).
#[cfg(target_os = "linux")]
#[test]
fn an_export_of_the_largest_scenario_stays_within_its_memory_budget() {
    let peak_of = |pid: u32| -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        line[6..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse::<u64>()
            .ok()
    };
    let mut child = Command::new(BIN)
        .args([
            "export",
            &root_file("tree_sync/scale.toml"),
            "--format",
            "perfetto",
            "-o",
            "/dev/null",
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The high-water mark only grows: the last reading before the exit is the peak, give or
    // take the last few milliseconds.
    let mut peak_kb = 0;
    while child.try_wait().unwrap().is_none() {
        if let Some(kb) = peak_of(child.id()) {
            peak_kb = peak_kb.max(kb);
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        peak_kb > 1000,
        "no reading of the export's memory ({peak_kb} kB)"
    );
    assert!(
        peak_kb < 200 * 1024,
        "the export peaked at {peak_kb} kB, over its 200 MiB budget"
    );
}

/// A long run shows how far it has got on a terminal (virtual time, events, events per
/// second), and nothing of the kind when its output is not a terminal or with `-q`. The
/// terminal is `script`'s pseudo-terminal.
#[test]
fn a_long_run_shows_its_progress_on_a_terminal_only() {
    let run = |quiet: &str| {
        format!(
            "{BIN} run {} --set 'run.duration=\"120s\"' {quiet}",
            lib("happy-path.toml")
        )
    };
    let on_terminal = |cmd: &str| {
        let o = Command::new("script")
            .args(["-qec", cmd, "/dev/null"])
            .output()
            .expect("script(1) runs");
        assert_eq!(
            o.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let shown = on_terminal(&run(""));
    assert!(
        shown.contains("s of virtual time, ") && shown.contains(" events/s, "),
        "{shown}"
    );
    assert!(!on_terminal(&run("-q")).contains(" events/s, "));
    let o = cs(&[
        "run",
        &lib("happy-path.toml"),
        "--set",
        "run.duration=\"120s\"",
    ]);
    assert_eq!(code(&o), 0);
    assert!(!stderr(&o).contains("events/s") && !stdout(&o).contains("events/s"));
}
