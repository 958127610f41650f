//! PASS and FAIL in colour, on a terminal only: `NO_COLOR` (any non-empty value) turns it
//! off, and `--color always|never` overrides both.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

/// When to colour, as `--color` says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum When {
    /// On a terminal, unless NO_COLOR is set.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

static ON: AtomicBool = AtomicBool::new(false);

/// Decides once, for standard output, whether reports are coloured.
pub fn set(when: When) {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let on = match when {
        When::Always => true,
        When::Never => false,
        When::Auto => !no_color && std::io::stdout().is_terminal(),
    };
    ON.store(on, Ordering::Relaxed);
}

/// The verdict words a report starts its lines with, and their colours (green, red, yellow).
const WORDS: [(&str, &str); 6] = [
    ("PASS", "32"),
    ("ok", "32"),
    ("FAIL", "31"),
    ("DRIFT", "31"),
    ("ERROR", "31"),
    ("NEW", "33"),
];

/// `text` with the verdict word at the start of each line coloured, if colour is on.
pub fn paint(text: &str) -> String {
    if !ON.load(Ordering::Relaxed) {
        return text.to_string();
    }
    paint_always(text)
}

fn paint_always(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let body = line.trim_start();
        let indent = &line[..line.len() - body.len()];
        match WORDS
            .iter()
            .find(|(w, _)| body.starts_with(w) && body[w.len()..].starts_with(' '))
        {
            Some((w, c)) => {
                out.push_str(indent);
                out.push_str(&format!("\x1b[{c}m{w}\x1b[0m"));
                out.push_str(&body[w.len()..]);
            }
            None => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_verdict_word_at_a_line_start_is_coloured() {
        let t = "checks\n  PASS  linearizable: 3 ops\n  FAIL  x: PASS inside\nok       a.toml\n";
        let p = paint_always(t);
        assert!(p.contains("  \x1b[32mPASS\x1b[0m  linearizable"));
        assert!(p.contains("\x1b[31mFAIL\x1b[0m  x: PASS inside"));
        assert!(p.contains("\x1b[32mok\x1b[0m       a.toml"));
        assert!(p.starts_with("checks\n"));
        assert_eq!(
            p.replace("\x1b[32m", "")
                .replace("\x1b[31m", "")
                .replace("\x1b[0m", ""),
            t
        );
    }
}
