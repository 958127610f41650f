//! Runnable examples: a fenced block whose info string is `console` holds commands (`$ ...`)
//! and the output they must print. Each block runs in a fresh scratch directory where
//! `scenarios` and `docs` are the repository's; `clustersim` is the binary built with the
//! tests. See `book.rs` for the whole convention.

use super::markdown::Block;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::time::Duration;

/// One command of a console block and what it must show.
#[derive(Clone, Debug, PartialEq)]
pub struct Cmd {
    /// The line of the `$ ` prompt.
    pub line: usize,
    /// The command as written, without the prompt and the `# exit N` comment.
    pub text: String,
    /// The exit code it must give (`# exit N`, else 0).
    pub exit: i32,
    /// Lines that must appear in its output, with their line numbers (`...` and blank lines
    /// left out).
    pub expected: Vec<(usize, String)>,
}

/// What the harness does with a command.
#[derive(Clone, Debug, PartialEq)]
pub enum Plan {
    /// Run it with `sh -c` (cargo-run-clustersim already rewritten to `clustersim`).
    Shell(String),
    /// `cargo test --workspace`: the test suite itself, which cannot run inside itself; the
    /// harness checks instead that CI runs it and that the README shows it.
    TestSuite,
    /// A cargo command the harness will not run.
    Refuse(String),
}

/// The commands of a console block; output lines before the first command are an error.
pub fn commands(block: &Block) -> Result<Vec<Cmd>, String> {
    let mut cmds: Vec<Cmd> = Vec::new();
    let mut pending: Option<Cmd> = None;
    for (line, raw) in &block.body {
        let text = raw.trim_end();
        if let Some(c) = pending.as_mut()
            && c.text.ends_with('\\')
        {
            // A continued command line.
            c.text.pop();
            c.text = format!("{} {}", c.text.trim_end(), text.trim());
            continue;
        }
        if let Some(cmd) = text.strip_prefix("$ ") {
            if let Some(c) = pending.take() {
                cmds.push(finish(c));
            }
            pending = Some(Cmd {
                line: *line,
                text: cmd.trim().to_string(),
                exit: 0,
                expected: Vec::new(),
            });
            continue;
        }
        if text.is_empty() || text == "..." {
            continue;
        }
        match pending.as_mut() {
            Some(c) => c.expected.push((*line, text.to_string())),
            None => {
                return Err(format!(
                    "{line}: output before the first `$ ` command: {text:?}"
                ));
            }
        }
    }
    if let Some(c) = pending.take() {
        cmds.push(finish(c));
    }
    Ok(cmds)
}

/// Takes a trailing `# exit N` off the command.
fn finish(mut c: Cmd) -> Cmd {
    if let Some(p) = c.text.rfind('#') {
        let comment = c.text[p + 1..].trim();
        let before = &c.text[..p];
        if (before.is_empty() || before.ends_with(char::is_whitespace))
            && let Some(n) = comment.strip_prefix("exit ")
            && let Ok(n) = n.trim().parse::<i32>()
        {
            c.exit = n;
            c.text = before.trim_end().to_string();
        }
    }
    c
}

/// Decides how to run a command: `cargo run [--release] [--locked] -p scenarios [--bin
/// clustersim] -- ARGS` is the binary with ARGS; `cargo test --workspace [--flags]` is the
/// test suite; any other cargo command is refused.
pub fn plan(cmd: &str) -> Plan {
    let words: Vec<&str> = cmd.split_whitespace().collect();
    if words.len() >= 3
        && words[..3] == ["cargo", "test", "--workspace"]
        && words[3..].iter().all(|w| w.starts_with('-'))
    {
        return Plan::TestSuite;
    }
    let mut out = Vec::new();
    for segment in segments(cmd) {
        let body = segment.trim_start_matches(['&', '|', ';']);
        let words: Vec<&str> = body.split_whitespace().collect();
        let first = words.iter().position(|w| !w.contains('='));
        if first.map(|f| words[f]) != Some("cargo") {
            out.push(segment.to_string());
            continue;
        }
        match clustersim_args(&segment) {
            Some(rewritten) => out.push(rewritten),
            None => {
                return Plan::Refuse(format!(
                    "`{}` is a cargo command other than `cargo run -p scenarios --bin \
                     clustersim -- ...` and `cargo test --workspace`: put it in a sh block",
                    body.trim()
                ));
            }
        }
    }
    Plan::Shell(out.concat().trim().to_string())
}

/// Splits a shell line at `&&`, `||`, `|` and `;`, keeping the separators at the front of the
/// following pieces so that joining them gives the line back. Quotes are respected.
fn segments(cmd: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quote: Option<char> = None;
    let chars: Vec<char> = cmd.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
                out.last_mut().unwrap().push(c);
                i += 1;
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                out.last_mut().unwrap().push(c);
                i += 1;
            }
            None if c == ';' || c == '|' || (c == '&' && chars.get(i + 1) == Some(&'&')) => {
                let two = chars.get(i + 1) == Some(&c);
                let sep: String = if two {
                    [c, c].iter().collect()
                } else {
                    c.into()
                };
                out.push(sep);
                i += if two { 2 } else { 1 };
            }
            None => {
                out.last_mut().unwrap().push(c);
                i += 1;
            }
        }
    }
    out
}

/// For a segment `cargo run <options> -- ARGS` that runs clustersim: the segment with the
/// cargo part replaced by `clustersim` (and the separator that started it kept in front).
fn clustersim_args(segment: &str) -> Option<String> {
    let lead_len = segment.len() - segment.trim_start_matches(['&', '|', ';']).len();
    let (lead, body) = segment.split_at(lead_len);
    let (opts, args) = match body.find(" -- ") {
        Some(p) => (&body[..p], &body[p + 4..]),
        None => (body.trim_end().strip_suffix(" --").unwrap_or(body), ""),
    };
    let words: Vec<&str> = opts.split_whitespace().collect();
    if words.get(..2) != Some(&["cargo", "run"][..]) {
        return None;
    }
    let mut package = false;
    let mut i = 2;
    while i < words.len() {
        match (words[i], words.get(i + 1).copied()) {
            ("--release" | "--locked" | "-q" | "--quiet", _) => i += 1,
            ("-p" | "--package", Some("scenarios")) => {
                package = true;
                i += 2;
            }
            ("--bin", Some("clustersim")) => i += 2,
            _ => return None,
        }
    }
    let args = args.trim_end();
    package.then(|| {
        if args.is_empty() {
            format!("{lead} clustersim ")
        } else {
            format!("{lead} clustersim {args} ")
        }
    })
}

/// Where and with what the commands run.
pub struct Env {
    /// The repository root (`scenarios` and `docs` are linked from each scratch directory).
    pub repo: PathBuf,
    /// The `clustersim` binary under test.
    pub binary: PathBuf,
    /// How long one command may take.
    pub timeout: Duration,
}

/// Runs one block's commands in order in a fresh scratch directory; returns the problems,
/// each naming `file:line`. The block stops at its first failed command (later commands
/// usually depend on it). `on_test_suite` judges `cargo test --workspace`.
pub fn run_block(
    env: &Env,
    file: &Path,
    block: &Block,
    on_test_suite: &dyn Fn() -> Vec<String>,
) -> Vec<String> {
    let cmds = match commands(block) {
        Ok(c) => c,
        Err(e) => return vec![format!("{}:{e}", file.display())],
    };
    let scratch = tempfile::tempdir().expect("scratch directory");
    let logs = tempfile::tempdir().expect("log directory");
    let bin = logs.path().join("bin");
    if let Err(e) = setup(env, scratch.path(), &bin) {
        return vec![format!(
            "{}:{}: setting up: {e}",
            file.display(),
            block.line
        )];
    }
    for (n, cmd) in cmds.iter().enumerate() {
        let at = format!("{}:{}", file.display(), cmd.line);
        let script = match plan(&cmd.text) {
            Plan::Refuse(why) => return vec![format!("{at}: {why}")],
            Plan::TestSuite => {
                let problems = on_test_suite();
                if !problems.is_empty() {
                    return problems.into_iter().map(|p| format!("{at}: {p}")).collect();
                }
                continue;
            }
            Plan::Shell(s) => s,
        };
        let log = logs.path().join(format!("out-{n}"));
        let (code, output) = match execute(&script, scratch.path(), &bin, &log, env.timeout) {
            Ok(r) => r,
            Err(e) => return vec![format!("{at}: `{}`: {e}", cmd.text)],
        };
        if let Some(problem) = judge(cmd, code, &output) {
            return vec![format!("{at}: `{}`: {problem}", cmd.text)];
        }
    }
    Vec::new()
}

/// What is wrong with a command's result, if anything.
pub fn judge(cmd: &Cmd, code: Option<i32>, output: &str) -> Option<String> {
    let trimmed: String = output
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n");
    let show = || truncate(output, 60, 4000);
    if code != Some(cmd.exit) {
        let got = code.map_or("was killed by a signal".to_string(), |c| {
            format!("exited {c}")
        });
        return Some(format!(
            "{got}, expected {} (add `# exit N` to the command if that is intended)\n\
             --- output ---\n{}",
            cmd.exit,
            show()
        ));
    }
    cmd.expected
        .iter()
        .find(|(_, want)| !trimmed.contains(want.as_str()))
        .map(|(line, want)| {
            format!(
                "expected output line {line} is missing: {want:?}\n--- output ---\n{}",
                show()
            )
        })
}

/// The scratch directory's links into the repository, and a directory holding only
/// `clustersim` to put first on `PATH`.
fn setup(env: &Env, scratch: &Path, bin: &Path) -> std::io::Result<()> {
    for name in ["scenarios", "docs"] {
        symlink(&env.repo.join(name), &scratch.join(name))?;
    }
    std::fs::create_dir_all(bin)?;
    symlink(&env.binary, &bin.join("clustersim"))
}

#[cfg(unix)]
fn symlink(from: &Path, to: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(from, to)
}

#[cfg(not(unix))]
fn symlink(from: &Path, to: &Path) -> std::io::Result<()> {
    Err(std::io::Error::other(format!(
        "console blocks need symbolic links ({} -> {})",
        to.display(),
        from.display()
    )))
}

/// Runs `script` with `sh -c`, standard output and error interleaved into `log` as they
/// happen; kills it after `timeout`.
fn execute(
    script: &str,
    dir: &Path,
    bin: &Path,
    log: &Path,
    timeout: Duration,
) -> std::io::Result<(Option<i32>, String)> {
    let out = std::fs::File::create(log)?;
    let err = out.try_clone()?;
    let path = match std::env::var_os("PATH") {
        Some(p) => {
            let mut dirs = vec![bin.to_path_buf()];
            dirs.extend(std::env::split_paths(&p));
            std::env::join_paths(dirs).map_err(std::io::Error::other)?
        }
        None => bin.as_os_str().to_owned(),
    };
    let mut child = Process::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()?;
    // The clock is off limits in this workspace (clippy.toml), so the timeout counts polls:
    // at least `timeout`, since each poll sleeps a full interval.
    let interval = Duration::from_millis(20);
    let mut polls_left = timeout.as_millis() / interval.as_millis();
    let status = loop {
        if let Some(s) = child.try_wait()? {
            break Some(s);
        }
        if polls_left == 0 {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        polls_left -= 1;
        std::thread::sleep(interval);
    };
    let output = String::from_utf8_lossy(&std::fs::read(log)?).into_owned();
    match status {
        Some(s) => Ok((s.code(), output)),
        None => Err(std::io::Error::other(format!(
            "took longer than {} s and was stopped\n--- output ---\n{}",
            timeout.as_secs(),
            truncate(&output, 60, 4000)
        ))),
    }
}

/// The first `lines` lines of `s`, at most `chars` characters, with a note of what was cut.
pub fn truncate(s: &str, lines: usize, chars: usize) -> String {
    let mut out: String = s.lines().take(lines).collect::<Vec<_>>().join("\n");
    if out.len() > chars {
        let mut cut = chars;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
    }
    if out.len() < s.trim_end().len() {
        out.push_str(&format!(
            "\n[... {} more lines]",
            s.lines().count().saturating_sub(out.lines().count())
        ));
    }
    out
}
