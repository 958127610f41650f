//! Diagnostics that point into a scenario file: `file:line:col`, the message, the source line
//! with the offending text underlined, and a suggestion where one is obvious.

use std::fmt;
use std::ops::Range;

/// One problem in one file, located for a person (and for an editor that jumps to
/// `file:line:col`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// The file as it was named on the command line.
    pub file: String,
    /// 1-based line; 0 when the problem has no place in the file.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    /// What is wrong and what was expected.
    pub message: String,
    /// The source line and an underline, when the place is known.
    pub snippet: Option<String>,
    /// A suggestion (`did you mean "raft"?`).
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic at byte range `span` of `text` (`None`: the file as a whole).
    pub fn at(
        file: &str,
        text: Option<&str>,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> Diagnostic {
        let mut d = Diagnostic {
            file: file.to_string(),
            line: 0,
            col: 0,
            message: message.into(),
            snippet: None,
            help: None,
        };
        if let (Some(text), Some(span)) = (text, span) {
            let (line, col, snippet) = locate(text, span);
            d.line = line;
            d.col = col;
            d.snippet = Some(snippet);
        }
        d
    }

    /// Adds a suggestion.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }
}

/// 1-based line and column of the start of `span`, and the line with the span underlined.
pub fn locate(text: &str, span: Range<usize>) -> (usize, usize, String) {
    let start = floor_char_boundary(text, span.start.min(text.len()));
    let end = floor_char_boundary(text, span.end.clamp(start, text.len()));
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line_no = text[..start].matches('\n').count() + 1;
    let col = text[line_start..start].chars().count() + 1;
    let source = text[line_start..line_end].trim_end_matches('\r');
    let width = text[start..end.min(line_end)].chars().count().max(1);
    let gutter = line_no.to_string().len();
    let snippet = format!(
        "{:gutter$} |\n{line_no} | {source}\n{:gutter$} | {}{}",
        "",
        "",
        " ".repeat(col - 1),
        "^".repeat(width),
    );
    (line_no, col, snippet)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file, self.line, self.col, self.message
            )?;
        } else {
            write!(f, "{}: {}", self.file, self.message)?;
        }
        if let Some(s) = &self.snippet {
            write!(f, "\n{s}")?;
        }
        if let Some(h) = &self.help {
            write!(f, "\n  = help: {h}")?;
        }
        Ok(())
    }
}

/// The candidate closest to `word`, if it is close enough to be what was meant.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // Close means a few edits away (a typo, a swapped pair of letters) or a shared prefix.
    let budget = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter_map(|c| {
            let edits = strsim::damerau_levenshtein(word, c);
            let close = edits <= budget || strsim::jaro_winkler(word, c) >= 0.85;
            close.then_some((edits, c))
        })
        .min_by_key(|&(edits, c)| (edits, c))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_line_and_column_and_underlines() {
        let text = "name = \"x\"\n[protocol]\nname = \"rafft\"\n";
        let start = text.find("\"rafft\"").unwrap();
        let d = Diagnostic::at("f.toml", Some(text), Some(start..start + 7), "unknown");
        assert_eq!((d.line, d.col), (3, 8));
        let shown = d.to_string();
        assert!(shown.starts_with("f.toml:3:8: unknown"), "{shown}");
        assert!(
            shown.contains("3 | name = \"rafft\"\n  |        ^^^^^^^"),
            "{shown}"
        );
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "a = \"µµ\" x";
        let start = text.find('x').unwrap();
        let (_, col, _) = locate(text, start..start + 1);
        assert_eq!(col, 10);
    }

    #[test]
    fn spans_past_the_end_do_not_panic() {
        let (line, col, _) = locate("ab\n", 10..20);
        assert_eq!((line, col), (2, 1));
        let (line, _, _) = locate("", 0..0);
        assert_eq!(line, 1);
    }

    #[test]
    fn suggests_only_close_words() {
        assert_eq!(suggest("rafft", ["raft", "broadcast"]), Some("raft"));
        assert_eq!(suggest("tyo", ["toy", "raft"]), Some("toy"));
        assert_eq!(suggest("zzz", ["raft", "broadcast"]), None);
    }
}
