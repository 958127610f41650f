//! The command-line reference of the book (`docs/src/reference/cli.md`), rendered from the
//! clap definitions themselves so that the page cannot drift from the binary: a test
//! (`scenarios/tests/cli_reference.rs`) compares the committed page with [`markdown`].

use super::Cli;
use clap::{Arg, ArgAction, Command, CommandFactory};
use std::fmt::Write as _;

/// The page's path from the repository root, where the test reads and (with `UPDATE_DOCS=1`)
/// writes it.
pub const PAGE: &str = "docs/src/reference/cli.md";

/// The whole reference page for `clustersim`, in Markdown: the top-level usage and examples,
/// then every subcommand with its description, usage, arguments, options and examples.
pub fn markdown() -> String {
    let mut cmd = Cli::command();
    // Propagates names and global arguments, so each subcommand's usage reads
    // `clustersim run ...` and its `--help` is listed like the binary lists it.
    cmd.build();
    render(&mut cmd)
}

/// Renders `cmd` and its subcommands; split from [`markdown`] so that any clap command can be
/// rendered (the tests render a small one).
pub fn render(cmd: &mut Command) -> String {
    let name = cmd.get_name().to_string();
    let mut o = String::new();
    let _ = writeln!(o, "# Command-line reference");
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "<!--\n  Generated from the clap definitions in scenarios/src/cli/ by\n  \
         scenarios/src/cli/reference.rs: do not edit by hand. The test\n  \
         scenarios/tests/cli_reference.rs fails when this page and the binary differ;\n  \
         regenerate the page with\n\n    \
         UPDATE_DOCS=1 cargo test -p scenarios --test cli_reference\n-->"
    );
    let _ = writeln!(o);
    if let Some(about) = cmd.get_long_about().or(cmd.get_about()) {
        let _ = writeln!(o, "{}", about.to_string().trim());
        let _ = writeln!(o);
    }
    usage(&mut o, cmd);
    let subs: Vec<&Command> = cmd.get_subcommands().filter(|s| shown(s)).collect();
    if !subs.is_empty() {
        let _ = writeln!(o, "Subcommands:");
        let _ = writeln!(o);
        for s in &subs {
            let about = s.get_about().map(|a| a.to_string()).unwrap_or_default();
            let _ = writeln!(
                o,
                "- [`{name} {sub}`](#{anchor}): {about}",
                sub = s.get_name(),
                anchor = anchor(&format!("{name} {}", s.get_name())),
                about = first_line(&about)
            );
        }
        let _ = writeln!(o);
    }
    arguments(&mut o, cmd);
    after_help(&mut o, cmd);
    let mut subs: Vec<Command> = cmd
        .get_subcommands()
        .filter(|s| shown(s))
        .cloned()
        .collect();
    for s in &mut subs {
        let _ = writeln!(o, "## `{name} {}`", s.get_name());
        let _ = writeln!(o);
        if let Some(about) = s.get_long_about().or(s.get_about()) {
            let _ = writeln!(o, "{}", about.to_string().trim());
            let _ = writeln!(o);
        }
        usage(&mut o, s);
        arguments(&mut o, s);
        after_help(&mut o, s);
    }
    // One newline at the end, none doubled: the file is compared byte for byte.
    let trimmed = o.trim_end().len();
    o.truncate(trimmed);
    o.push('\n');
    o
}

/// Whether a subcommand gets a section: not hidden, and not clap's generated `help`, which
/// only repeats `--help`.
fn shown(s: &Command) -> bool {
    !s.is_hide_set() && s.get_name() != "help"
}

/// mdBook's heading id of a heading text (lowercase; alphanumerics, `-` and `_` kept; spaces
/// become `-`; the rest dropped), so the page's own links land.
fn anchor(text: &str) -> String {
    text.chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                Some(c.to_ascii_lowercase())
            } else if c == ' ' {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

fn first_line(s: &str) -> &str {
    s.trim().lines().next().unwrap_or("")
}

fn usage(o: &mut String, cmd: &mut Command) {
    let usage = cmd.render_usage().to_string();
    let _ = writeln!(o, "```text\n{}\n```", usage.trim());
    let _ = writeln!(o);
}

fn arguments(o: &mut String, cmd: &Command) {
    // `-h, --help` is on every command and says nothing about it.
    let shown: Vec<&Arg> = cmd
        .get_arguments()
        .filter(|a| !a.is_hide_set())
        .filter(|a| {
            !matches!(
                a.get_action(),
                ArgAction::Help | ArgAction::HelpShort | ArgAction::HelpLong
            )
        })
        .collect();
    let positionals: Vec<&&Arg> = shown.iter().filter(|a| a.is_positional()).collect();
    let options: Vec<&&Arg> = shown.iter().filter(|a| !a.is_positional()).collect();
    for (title, args) in [("Arguments", positionals), ("Options", options)] {
        if args.is_empty() {
            continue;
        }
        let _ = writeln!(o, "{title}:");
        let _ = writeln!(o);
        for a in args {
            let _ = writeln!(o, "- `{}`{}", signature(a), help(a));
        }
        let _ = writeln!(o);
    }
}

/// How the argument is written on the command line: `<FILE>`, `--seed <SEED>`, `-o, --out
/// <OUT>`, `--json`.
fn signature(a: &Arg) -> String {
    let values = value_names(a);
    if a.is_positional() {
        let v = values.join(" ");
        return if a.get_action().takes_values() && matches!(a.get_action(), ArgAction::Append) {
            format!("{v}...")
        } else {
            v
        };
    }
    let mut s = String::new();
    if let Some(c) = a.get_short() {
        s.push('-');
        s.push(c);
    }
    if let Some(l) = a.get_long() {
        if !s.is_empty() {
            s.push_str(", ");
        }
        s.push_str("--");
        s.push_str(l);
    }
    if a.get_action().takes_values() {
        for v in values {
            s.push(' ');
            s.push_str(&v);
        }
    }
    s
}

fn value_names(a: &Arg) -> Vec<String> {
    match a.get_value_names() {
        Some(names) => names.iter().map(|n| format!("<{n}>")).collect(),
        // What clap itself shows when no value name is set: the id as written.
        None => vec![format!("<{}>", a.get_id().as_str())],
    }
}

/// The help text, then what clap would add in brackets: possible values, defaults, repeats.
fn help(a: &Arg) -> String {
    let text = a
        .get_long_help()
        .or(a.get_help())
        .map(|h| h.to_string())
        .unwrap_or_default();
    let mut notes = Vec::new();
    let possible: Vec<String> = a
        .get_possible_values()
        .iter()
        .filter(|p| !p.is_hide_set())
        .map(|p| format!("`{}`", p.get_name()))
        .collect();
    if !possible.is_empty() && a.get_action().takes_values() {
        notes.push(format!("one of {}", possible.join(", ")));
    }
    if !a.is_hide_default_value_set() && a.get_action().takes_values() {
        let defaults: Vec<String> = a
            .get_default_values()
            .iter()
            .map(|d| format!("`{}`", d.to_string_lossy()))
            .collect();
        if !defaults.is_empty() {
            notes.push(format!("default {}", defaults.join(", ")));
        }
    }
    if !a.is_positional() && matches!(a.get_action(), ArgAction::Append) {
        notes.push("may be repeated".to_string());
    }
    if a.is_required_set() && !a.is_positional() {
        notes.push("required".to_string());
    }
    let mut s = String::new();
    let text = text.trim();
    if !text.is_empty() {
        s.push_str(": ");
        // Continuation lines of a long help stay inside the list item.
        s.push_str(&text.lines().collect::<Vec<_>>().join("\n  "));
    }
    if !notes.is_empty() {
        s.push_str(&format!(" ({})", notes.join("; ")));
    }
    s
}

fn after_help(o: &mut String, cmd: &Command) {
    if let Some(text) = cmd.get_after_long_help().or(cmd.get_after_help()) {
        let _ = writeln!(o, "```text\n{}\n```", text.to_string().trim_end());
        let _ = writeln!(o);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Command {
        Command::new("tool")
            .about("Does things.")
            .subcommand(
                Command::new("go")
                    .about("Goes somewhere.")
                    .after_help("Examples:\n  tool go home")
                    .arg(Arg::new("place").required(true).help("Where to."))
                    .arg(
                        Arg::new("speed")
                            .long("speed")
                            .short('s')
                            .value_name("KMH")
                            .default_value("5")
                            .help("How fast."),
                    )
                    .arg(
                        Arg::new("loud")
                            .long("loud")
                            .action(ArgAction::SetTrue)
                            .help("Shout."),
                    )
                    .arg(
                        Arg::new("via")
                            .long("via")
                            .action(ArgAction::Append)
                            .help("A stop."),
                    ),
            )
            .subcommand(Command::new("secret").hide(true))
    }

    #[test]
    fn renders_usage_arguments_options_and_examples() {
        let mut cmd = small();
        cmd.build();
        let md = render(&mut cmd);
        assert!(md.starts_with("# Command-line reference\n"), "{md}");
        assert!(
            md.contains("- [`tool go`](#tool-go): Goes somewhere."),
            "{md}"
        );
        assert!(md.contains("## `tool go`\n\nGoes somewhere.\n"), "{md}");
        assert!(
            md.contains("```text\nUsage: tool go [OPTIONS] <place>\n```"),
            "{md}"
        );
        assert!(md.contains("- `<place>`: Where to."), "{md}");
        assert!(
            md.contains("- `-s, --speed <KMH>`: How fast. (default `5`)"),
            "{md}"
        );
        assert!(md.contains("- `--loud`: Shout.\n"), "{md}");
        assert!(
            md.contains("- `--via <via>`: A stop. (may be repeated)"),
            "{md}"
        );
        assert!(
            md.contains("```text\nExamples:\n  tool go home\n```"),
            "{md}"
        );
        assert!(
            !md.contains("secret"),
            "hidden subcommands stay hidden: {md}"
        );
        assert!(md.ends_with("```\n") && !md.ends_with("\n\n"), "{md}");
    }

    #[test]
    fn anchors_follow_mdbook() {
        assert_eq!(anchor("clustersim run"), "clustersim-run");
        assert_eq!(anchor("`clustersim new`"), "clustersim-new");
        assert_eq!(anchor("A: b_c-D"), "a-b_c-d");
    }

    #[test]
    fn the_real_cli_lists_every_subcommand() {
        let md = markdown();
        for sub in Cli::command().get_subcommands() {
            assert!(
                md.contains(&format!("## `clustersim {}`", sub.get_name())),
                "{} missing",
                sub.get_name()
            );
        }
        assert!(
            md.contains("Usage: clustersim run [OPTIONS] <FILE>"),
            "{md}"
        );
    }
}
