//! The book's command-line reference (`docs/src/reference/cli.md`) is generated from the clap
//! definitions; this test fails when the committed page differs from what the binary would
//! print, so a changed flag or help text cannot leave the page behind.
//!
//! To regenerate the page after changing the command line, run
//!
//! ```sh
//! UPDATE_DOCS=1 cargo test -p scenarios --test cli_reference
//! ```
//!
//! and commit the rewritten page with the change.

use scenarios::cli::reference::{PAGE, markdown};
use std::path::PathBuf;

fn page() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(PAGE)
}

#[test]
fn the_committed_cli_reference_is_current() {
    let rendered = markdown();
    let path = page();
    if std::env::var_os("UPDATE_DOCS").is_some_and(|v| v == "1") {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
        }
        std::fs::write(&path, &rendered)
            .unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; generate it with UPDATE_DOCS=1 cargo test -p scenarios --test cli_reference",
            path.display()
        )
    });
    if committed != rendered {
        let line = committed
            .lines()
            .zip(rendered.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(rendered.lines().count()));
        panic!(
            "{PAGE} is out of date with the command line (first difference at line {}):\n  \
             committed: {:?}\n  generated: {:?}\nregenerate it with \
             UPDATE_DOCS=1 cargo test -p scenarios --test cli_reference",
            line + 1,
            committed.lines().nth(line).unwrap_or("<end of file>"),
            rendered.lines().nth(line).unwrap_or("<end of file>"),
        );
    }
}

/// Every example in `--help`, of the whole binary and of each subcommand, is a command line
/// clustersim accepts: the flags exist and their values parse. (Whether the files it names
/// exist is another matter.)
#[test]
fn every_help_example_parses() {
    use clap::{CommandFactory, Parser};
    let top = scenarios::cli::Cli::command();
    let mut texts = vec![
        top.get_after_help()
            .map(|h| h.to_string())
            .unwrap_or_default(),
    ];
    for sub in top.get_subcommands() {
        texts.push(
            sub.get_after_help()
                .map(|h| h.to_string())
                .unwrap_or_default(),
        );
    }
    let mut checked = 0;
    for text in texts {
        // Continuation lines (a trailing backslash) join the next one.
        let joined = text.replace("\\\n", " ");
        for line in joined.lines() {
            let Some(cmd) = line.trim().strip_prefix("clustersim ") else {
                continue;
            };
            // Shell around the command: a comment, a redirection, a pipe, a second command.
            for (i, part) in cmd.split("&&").enumerate() {
                // After `&&` only a clustersim command is checked (not `man ./clustersim.1`).
                if i > 0 && !part.trim_start().starts_with("clustersim ") {
                    continue;
                }
                let part = part.split(" #").next().unwrap_or("");
                let part = part.split(['>', '|']).next().unwrap_or("");
                let part = part.trim().trim_start_matches("clustersim ").trim();
                let args = words(part);
                let mut argv = vec!["clustersim".to_string()];
                argv.extend(args);
                if let Err(e) = scenarios::cli::Cli::try_parse_from(&argv) {
                    panic!("help example `{line}` does not parse:\n{e}");
                }
                checked += 1;
            }
        }
    }
    assert!(checked >= 30, "only {checked} examples found");
}

/// Splits a command line into words, with single and double quotes.
fn words(s: &str) -> Vec<String> {
    let (mut out, mut cur, mut quote) = (Vec::new(), String::new(), None::<char>);
    let mut in_word = false;
    for c in s.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => cur.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    out
}
