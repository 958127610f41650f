//! The book is tested: its links land and its examples run.
//!
//! The files checked are the README at the root, every crate's README.md and every Markdown
//! file under `docs/src/`.
//!
//! **Links.** Every relative link `[x](path)`, `[x](path#anchor)`, image and reference
//! definition must name an existing file; an anchor into a Markdown file must be the mdBook
//! id of one of its headings (lowercase; alphanumerics, `-` and `_` kept; spaces become `-`;
//! the rest dropped; repeats get `-1`, `-2`). `http(s)` and `mailto` links are not followed.
//! mdBook `{{#include path:anchor}}` directives must name a file and a marked region of it.
//! All broken links are reported at once, as `file:line`.
//!
//! **Runnable commands.** A fenced block whose info string is `console` is run:
//!
//! ````markdown
//! ```console
//! $ clustersim validate scenarios/raft/leader-crash.toml
//! ok    scenarios/raft/leader-crash.toml (raft, 5 servers)
//! $ clustersim run missing.toml  # exit 2
//! ...
//! ```
//! ````
//!
//! Lines starting with `$ ` are commands (a trailing `\` continues one); the other lines are
//! the output the command must print: each non-empty line, trailing whitespace trimmed,
//! must appear verbatim in its standard output and error, except `...`, which stands for
//! omitted lines. A command ending in `# exit N` must exit with N, any other with 0. The
//! commands of a block run in order with `sh -c` in a fresh scratch directory in which
//! `scenarios` and `docs` are the repository's, with `clustersim` (the binary built with
//! these tests) first on `PATH`; `cargo run [--release] [--locked] -p scenarios --bin
//! clustersim -- ARGS` is that binary with ARGS. `cargo test --workspace` cannot run inside
//! itself: for it the harness checks that `.ci/run` runs it and that the README shows it
//! second, after the main job. Any other cargo command belongs in a `sh` block.

mod book {
    pub mod console;
    pub mod links;
    pub mod markdown;
}

use book::console::{self, Cmd, Env, Plan};
use book::{links, markdown};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The README is the front door: two commands and links, not the manual.
const README_MAX_LINES: usize = 250;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the scenarios crate sits in the workspace")
        .to_path_buf()
}

/// The Markdown files of the book and the READMEs, relative to `root`, in name order.
fn documents(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    walk(root, Path::new(""), &mut out);
    out.sort();
    out
}

fn walk(root: &Path, rel: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(root.join(rel)) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = rel.join(&name);
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        if is_dir {
            // Build output, dependencies' sources and the rendered book are not ours.
            let skip = name.starts_with('.')
                || name == "target"
                || name == "node_modules"
                || path == Path::new("docs/book");
            if !skip {
                walk(root, &path, out);
            }
        } else if name == "README.md" || (path.starts_with("docs/src") && name.ends_with(".md")) {
            out.push(path);
        }
    }
}

fn report(what: &str, problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{} {what}:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn links_resolve() {
    let root = repo();
    let files = documents(&root);
    assert!(files.contains(&PathBuf::from("README.md")), "{files:?}");
    report("broken links", &links::broken(&root, &files));
}

#[test]
fn console_blocks_run() {
    let root = repo();
    let env = Env {
        repo: root.clone(),
        binary: PathBuf::from(env!("CARGO_BIN_EXE_clustersim")),
        timeout: Duration::from_secs(600),
    };
    let suite = || test_suite_problems(&root);
    let mut problems = Vec::new();
    for file in documents(&root) {
        let text = std::fs::read_to_string(root.join(&file)).expect("readable");
        for block in markdown::blocks(&text) {
            if block.lang == "console" {
                problems.extend(console::run_block(&env, &file, &block, &suite));
            }
        }
    }
    report("failing console commands", &problems);
}

#[test]
fn readme_is_the_front_door() {
    let root = repo();
    let text = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let lines = text.lines().count();
    assert!(
        lines <= README_MAX_LINES,
        "README.md has {lines} lines; at most {README_MAX_LINES}: it holds the two commands \
         and links into the book (docs/src/), the rest belongs in chapters"
    );
}

#[test]
fn readme_and_ci_agree_on_the_two_commands() {
    report("problems", &test_suite_problems(&repo()));
}

/// What `cargo test --workspace` in a console block stands for: CI runs it, and the README's
/// first two fenced commands are the main job CI runs and that test command.
fn test_suite_problems(root: &Path) -> Vec<String> {
    let ci = std::fs::read_to_string(root.join(".ci/run")).unwrap_or_default();
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap_or_default();
    front_door(&ci, &readme)
}

/// `--locked` is CI's business; otherwise the commands must be the same words.
fn normalize(cmd: &str) -> String {
    cmd.split_whitespace()
        .filter(|w| *w != "--locked")
        .collect::<Vec<_>>()
        .join(" ")
}

/// The checks behind [`test_suite_problems`], on text, so they can be tested.
fn front_door(ci: &str, readme: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let runs_tests = ci.lines().any(|l| {
        let w: Vec<&str> = l.split_whitespace().collect();
        w.len() >= 3
            && w[..3] == ["cargo", "test", "--workspace"]
            && w[3..].iter().all(|x| x.starts_with('-'))
    });
    if !runs_tests {
        problems.push(".ci/run does not run `cargo test --workspace`".to_string());
    }
    // CI's main job: the first `cargo run`, or run of the test build's binary, after the step
    // that names it.
    let main_job = ci
        .lines()
        .skip_while(|l| !l.contains("step \"main job"))
        .map(str::trim)
        .find(|l| l.starts_with("cargo run") || l.starts_with(BUILT))
        .map(normalize);
    let Some(main_job) = main_job else {
        problems.push(format!(
            ".ci/run has no `step \"main job ...\"` followed by a `cargo run` or a `{BUILT}` run"
        ));
        return problems;
    };
    // With the test build's binary, the README's command is a `cargo run` of the same binary
    // with the same arguments, and `$clustersim` must be that binary.
    let built_args = main_job.strip_prefix(BUILT).map(str::trim);
    if built_args.is_some()
        && !ci
            .lines()
            .any(|l| l.trim().starts_with("clustersim=") && l.contains("/debug/clustersim\""))
    {
        problems.push(
            ".ci/run runs `$clustersim` without setting it to the test build's binary".into(),
        );
    }
    let first_ok = |got: &str| match built_args {
        None => normalize(got) == main_job,
        Some(args) => {
            let got = normalize(got);
            got.starts_with("cargo run ")
                && got.contains(" --bin clustersim ")
                && got.split_once(" -- ").is_some_and(|(_, a)| a == args)
        }
    };
    let want_first = match built_args {
        None => main_job.clone(),
        Some(args) => format!("cargo run ... --bin clustersim -- {args}"),
    };
    let cmds = fenced_commands(readme);
    let checks: [(&str, &Judge); 2] = [
        (&want_first, &first_ok),
        ("cargo test --workspace", &|got| {
            normalize(got) == "cargo test --workspace"
        }),
    ];
    for (i, (want, ok)) in checks.iter().enumerate() {
        match cmds.get(i) {
            Some((line, got)) if !ok(got) => problems.push(format!(
                "README.md:{line}: fenced command {} is `{got}`, expected `{want}`",
                i + 1
            )),
            Some(_) => {}
            None => problems.push(format!(
                "README.md: fenced command {} is missing, expected `{want}`",
                i + 1
            )),
        }
    }
    problems
}

/// Whether a README command is the one wanted.
type Judge<'a> = dyn Fn(&str) -> bool + 'a;

/// How `.ci/run` names the binary the test build made.
const BUILT: &str = "\"$clustersim\"";

/// The commands in a Markdown file's shell-like blocks, in order: `$ ` lines of `console`
/// blocks, non-comment lines of `sh`/`bash`/`shell` blocks.
fn fenced_commands(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for b in markdown::blocks(text) {
        match b.lang.as_str() {
            "console" => {
                if let Ok(cmds) = console::commands(&b) {
                    out.extend(cmds.into_iter().map(|c: Cmd| (c.line, c.text)));
                }
            }
            "sh" | "bash" | "shell" => out.extend(
                b.body
                    .iter()
                    .map(|(l, t)| (*l, t.trim().to_string()))
                    .filter(|(_, t)| !t.is_empty() && !t.starts_with('#')),
            ),
            _ => {}
        }
    }
    out
}

// The harness on small fixtures, so it can be seen to fail.

fn fixture(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

#[test]
fn links_broken_anchors_files_and_images_are_all_reported() {
    let dir = fixture(&[
        (
            "README.md",
            "# Top\n[ok](docs/src/a.md#the-runner)\n[bad anchor](docs/src/a.md#the-runnr)\n\
             ![missing](docs/nope.png)\n[web](https://example.com/x.md)\n[self](#top)\n\
             `[in code](gone.md)`\n",
        ),
        (
            "docs/src/a.md",
            "# Intro\n## The runner\n## The runner\n[dup](#the-runner-1)\n[up](../../README.md)\n\
             [gone](b.md)\n[line](../../src.rs#L3)\n[bad](../../src.rs#intro)\n",
        ),
        ("src.rs", "fn main() {}\n"),
    ]);
    let files = vec![PathBuf::from("README.md"), PathBuf::from("docs/src/a.md")];
    let got = links::broken(dir.path(), &files);
    assert_eq!(got.len(), 4, "{got:#?}");
    assert!(
        got[0].starts_with("README.md:3: (docs/src/a.md#the-runnr) no heading with id")
            && got[0].contains("did you mean #the-runner?"),
        "{got:#?}"
    );
    assert!(
        got[1].starts_with("README.md:4: (docs/nope.png) no such file"),
        "{got:#?}"
    );
    assert!(
        got[2].starts_with("docs/src/a.md:6: (b.md) no such file"),
        "{got:#?}"
    );
    assert!(
        got[3].starts_with("docs/src/a.md:8: (../../src.rs#intro) anchor"),
        "{got:#?}"
    );
}

#[test]
fn links_include_directives_need_file_and_anchor() {
    let dir = fixture(&[
        (
            "docs/src/a.md",
            "```rust\n{{#include ../../ex.rs:node}}\n{{#include ../../ex.rs:nope}}\n\
             {{#include ../../ex.rs:2:4}}\n{{#include ../../gone.rs}}\n```\n",
        ),
        ("ex.rs", "// ANCHOR: node\nstruct N;\n// ANCHOR_END: node\n"),
    ]);
    let got = links::broken(dir.path(), &[PathBuf::from("docs/src/a.md")]);
    assert_eq!(got.len(), 2, "{got:#?}");
    assert!(got[0].starts_with("docs/src/a.md:3:") && got[0].contains("ANCHOR: nope"));
    assert!(got[1].starts_with("docs/src/a.md:5:") && got[1].contains("no such file"));
}

fn block(md: &str) -> markdown::Block {
    markdown::blocks(md).into_iter().next().expect("a block")
}

fn run_fixture(md: &str) -> Vec<String> {
    let dir = fixture(&[("scenarios/x", ""), ("docs/y", "")]);
    let env = Env {
        repo: dir.path().to_path_buf(),
        binary: PathBuf::from(env!("CARGO_BIN_EXE_clustersim")),
        timeout: Duration::from_secs(60),
    };
    console::run_block(&env, Path::new("ch.md"), &block(md), &|| {
        vec!["the suite was asked for".into()]
    })
}

#[test]
fn console_parses_commands_output_and_exit_codes() {
    let b = block("```console\n$ echo a \\\n  b  # exit 3\na b\n...\n\n$ true\n```\n");
    let cmds = console::commands(&b).unwrap();
    assert_eq!(cmds.len(), 2);
    assert_eq!(cmds[0].text, "echo a b");
    assert_eq!(cmds[0].exit, 3);
    assert_eq!(cmds[0].expected, vec![(4, "a b".to_string())]);
    assert_eq!((cmds[1].line, cmds[1].exit), (7, 0));
    assert!(console::commands(&block("```console\nstray\n$ true\n```\n")).is_err());
}

#[test]
fn console_a_missing_output_line_fails_with_file_line_and_output() {
    let got = run_fixture("intro\n```console\n$ echo hello; echo world\nhello\nplanet\n```\n");
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].starts_with("ch.md:3: `echo hello; echo world`"),
        "{got:?}"
    );
    assert!(got[0].contains("line 5 is missing: \"planet\""), "{got:?}");
    assert!(got[0].contains("--- output ---\nhello\nworld"), "{got:?}");
    assert!(
        run_fixture("```console\n$ echo hello; echo world\nworld\n...\nhello\n```\n").is_empty()
    );
}

#[test]
fn console_exit_codes_are_honoured() {
    assert!(run_fixture("```console\n$ false  # exit 1\n```\n").is_empty());
    assert!(
        run_fixture("```console\n$ sh -c 'echo oops >&2; exit 2' # exit 2\noops\n```\n").is_empty()
    );
    let wrong = run_fixture("```console\n$ false\n```\n");
    assert!(
        wrong.len() == 1 && wrong[0].contains("exited 1, expected 0"),
        "{wrong:?}"
    );
    let wrong = run_fixture("```console\n$ true  # exit 1\n```\n");
    assert!(
        wrong.len() == 1 && wrong[0].contains("exited 0, expected 1"),
        "{wrong:?}"
    );
}

#[test]
fn console_blocks_run_in_a_scratch_directory_with_the_binary() {
    // Files land in the scratch directory and persist through the block; the repository's
    // directories are linked; `clustersim` and cargo-run are the binary under test.
    let ok = run_fixture(
        "```console\n$ touch made && ls\ndocs\nmade\nscenarios\n$ ls made\nmade\n\
         $ clustersim --version\nclustersim 0.1.0\n\
         $ cargo run --release --locked -p scenarios --bin clustersim -- --version | tr a-z A-Z\n\
         CLUSTERSIM 0.1.0\n```\n",
    );
    assert!(ok.is_empty(), "{ok:?}");
    // A block starts afresh.
    let fresh = run_fixture("```console\n$ ls made  # exit 2\n```\n");
    assert!(fresh.is_empty(), "{fresh:?}");
}

#[test]
fn console_cargo_commands_are_mapped_or_refused() {
    let bin = |s: &str| Plan::Shell(s.to_string());
    assert_eq!(
        console::plan("cargo run --release -p scenarios --bin clustersim -- run a.toml"),
        bin("clustersim run a.toml")
    );
    assert_eq!(
        console::plan("cargo run -p scenarios -- check scenarios/ | head -3"),
        bin("clustersim check scenarios/ | head -3")
    );
    assert_eq!(
        console::plan("cargo test --workspace --locked"),
        Plan::TestSuite
    );
    assert_eq!(
        console::plan("echo 'cargo build'"),
        bin("echo 'cargo build'")
    );
    for refused in [
        "cargo build",
        "cargo test -p scenarios",
        "cargo run -p raft -- x",
        "ls && cargo clippy",
    ] {
        assert!(
            matches!(console::plan(refused), Plan::Refuse(ref m) if m.contains("put it in a sh block")),
            "{refused}"
        );
    }
    let got = run_fixture("```console\n$ cargo build\n```\n");
    assert!(
        got.len() == 1 && got[0].starts_with("ch.md:2: `cargo build`"),
        "{got:?}"
    );
    let got = run_fixture("```console\n$ cargo test --workspace\n```\n");
    assert_eq!(got, vec!["ch.md:2: the suite was asked for".to_string()]);
}

#[test]
fn front_door_wants_the_main_job_then_the_test_command() {
    let ci = "step \"tests\"\ncargo test --workspace --locked\nstep \"main job (x)\"\n\
              cargo run --release --locked -p scenarios --bin clustersim -- run a.toml\n";
    let good = "# x\n```console\n$ cargo run --release -p scenarios --bin clustersim -- run a.toml\n\
                ...\n$ cargo test --workspace\n```\n";
    assert!(
        front_door(ci, good).is_empty(),
        "{:?}",
        front_door(ci, good)
    );
    let sh = "```sh\n# main\ncargo run --release -p scenarios --bin clustersim -- run a.toml\n\n\
              cargo test --workspace\n```\n";
    assert!(front_door(ci, sh).is_empty());
    let swapped = "```console\n$ cargo test --workspace\n$ cargo run --release -p scenarios \
                   --bin clustersim -- run a.toml\n```\n";
    let got = front_door(ci, swapped);
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(
        got[0].starts_with("README.md:2: fenced command 1"),
        "{got:?}"
    );
    let got = front_door(
        &ci.replace("cargo test --workspace", "cargo test -p x"),
        good,
    );
    assert_eq!(
        got,
        vec![".ci/run does not run `cargo test --workspace`".to_string()]
    );
}

#[test]
fn front_door_accepts_the_test_builds_binary_with_the_readmes_arguments() {
    let ci = "step \"tests\"\ncargo test --workspace --locked\n\
              clustersim=\"$(cd target && pwd)/debug/clustersim\"\nstep \"main job (x)\"\n\
              \"$clustersim\" run a.toml\n";
    let good = "```console\n$ cargo run --release -p scenarios --bin clustersim -- run a.toml\n\
                $ cargo test --workspace\n```\n";
    assert!(
        front_door(ci, good).is_empty(),
        "{:?}",
        front_door(ci, good)
    );
    let other = good.replace("run a.toml", "run b.toml");
    let got = front_door(ci, &other);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].contains("expected `cargo run ... --bin clustersim -- run a.toml`"),
        "{got:?}"
    );
    let unset = ci.replace("/debug/clustersim", "/release/clustersim");
    let got = front_door(&unset, good);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].contains("without setting it"), "{got:?}");
}

#[test]
fn judge_reports_exit_before_output() {
    let cmd = Cmd {
        line: 1,
        text: "x".into(),
        exit: 0,
        expected: vec![(2, "y".into())],
    };
    assert!(console::judge(&cmd, Some(0), "a\ny  \n").is_none());
    assert!(
        console::judge(&cmd, Some(0), "a\n")
            .unwrap()
            .contains("missing")
    );
    assert!(console::judge(&cmd, None, "y").unwrap().contains("killed"));
}

/// The README's scenario excerpt is real: every table it shows is, key for key, one of the
/// tables of the file it quotes, in the same order (its commands are `console` blocks, run by
/// [`console_blocks_run`]).
#[test]
fn readme_scenario_excerpt_is_part_of_the_file_it_quotes() {
    let root = repo();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let excerpts: Vec<markdown::Block> = markdown::blocks(&readme)
        .into_iter()
        .filter(|b| b.lang == "toml")
        .collect();
    assert_eq!(excerpts.len(), 1, "the README shows one scenario excerpt");
    let quoted = root.join("scenarios/raft/conformance/re-election.toml");
    let file: toml::Table =
        toml::from_str(&std::fs::read_to_string(&quoted).expect("the quoted file")).unwrap();
    let text: Vec<&str> = excerpts[0].body.iter().map(|(_, l)| l.as_str()).collect();
    let excerpt: toml::Table = toml::from_str(&text.join("\n")).expect("the excerpt parses");
    assert!(!excerpt.is_empty());
    for (array, tables) in &excerpt {
        let shown = tables.as_array().expect("arrays of tables");
        let theirs = file[array.as_str()].as_array().expect("the file has them");
        let mut from = 0;
        for t in shown {
            let t = t.as_table().unwrap();
            let at = theirs[from..].iter().position(|f| {
                let f = f.as_table().unwrap();
                t.iter().all(|(k, v)| f.get(k) == Some(v))
            });
            let at = at.unwrap_or_else(|| panic!("{array}: {t:?} is not in {}", quoted.display()));
            from += at + 1;
        }
    }
    // The excerpt reads as the file says it runs: the file itself passes.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_clustersim"))
        .args(["run", quoted.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
}
