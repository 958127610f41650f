//! Just enough Markdown for the book's checks: fenced code blocks, headings and their mdBook
//! ids, and link targets outside code. Line numbers are 1-based, as editors show them.

/// A fenced code block.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// The first word of the info string (`console`, `sh`, `rust`; empty when none).
    pub lang: String,
    /// The line of the opening fence.
    pub line: usize,
    /// The lines between the fences, with their line numbers; the fence's indentation is
    /// removed (blocks inside list items are indented).
    pub body: Vec<(usize, String)>,
}

/// A link target found in the text.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// Where it is.
    pub line: usize,
    /// What it points to, as written (`../guide/x.md#anchor`, `img.png`).
    pub target: String,
}

/// Splits `text` into the fenced blocks and, for every line, whether it is prose (outside
/// every fence, and not a fence line itself).
pub fn scan(text: &str) -> (Vec<Block>, Vec<bool>) {
    let mut blocks = Vec::new();
    let mut prose = Vec::new();
    let mut open: Option<(char, usize, usize, Block)> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let indent = raw.len() - raw.trim_start().len();
        let t = raw.trim_start();
        let fence = t
            .chars()
            .next()
            .filter(|c| *c == '`' || *c == '~')
            .map(|c| (c, t.chars().take_while(|x| *x == c).count()))
            .filter(|(_, n)| *n >= 3);
        match &mut open {
            None => {
                if let Some((c, n)) = fence {
                    let info = t[n..].trim();
                    // A backtick fence's info string cannot hold a backtick (that is inline code).
                    if !(c == '`' && info.contains('`')) {
                        let lang = info
                            .split(|ch: char| ch.is_whitespace() || ch == ',' || ch == '{')
                            .next()
                            .unwrap_or("")
                            .to_string();
                        open = Some((
                            c,
                            n,
                            indent,
                            Block {
                                lang,
                                line,
                                body: Vec::new(),
                            },
                        ));
                        prose.push(false);
                        continue;
                    }
                }
                prose.push(true);
            }
            Some((c, n, ind, block)) => {
                prose.push(false);
                if let Some((fc, fnum)) = fence
                    && fc == *c
                    && fnum >= *n
                    && t[fnum..].trim().is_empty()
                {
                    blocks.push(std::mem::replace(
                        block,
                        Block {
                            lang: String::new(),
                            line: 0,
                            body: Vec::new(),
                        },
                    ));
                    open = None;
                    continue;
                }
                let strip = indent.min(*ind);
                block.body.push((line, raw[strip..].to_string()));
            }
        }
    }
    // An unclosed fence runs to the end of the file, as in CommonMark.
    if let Some((_, _, _, block)) = open {
        blocks.push(block);
    }
    (blocks, prose)
}

/// The fenced code blocks of `text`.
pub fn blocks(text: &str) -> Vec<Block> {
    scan(text).0
}

/// Replaces inline code spans (`` `like this` ``) with spaces, so that links and headings
/// inside them are not taken for real ones.
pub fn blank_code_spans(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = chars.clone();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '`' {
            i += 1;
            continue;
        }
        let run = chars[i..].iter().take_while(|c| **c == '`').count();
        // Find a closing run of exactly the same length.
        let mut j = i + run;
        let mut close = None;
        while j < chars.len() {
            if chars[j] == '`' {
                let r = chars[j..].iter().take_while(|c| **c == '`').count();
                if r == run {
                    close = Some(j);
                    break;
                }
                j += r;
            } else {
                j += 1;
            }
        }
        match close {
            Some(j) => {
                for c in &mut out[i..j + run] {
                    *c = ' ';
                }
                i = j + run;
            }
            None => i += run,
        }
    }
    out.into_iter().collect()
}

/// The ids mdBook gives the headings of `text`, in order, repeats numbered (`x`, `x-1`,
/// `x-2`), plus explicit ids (`{#id}` after a heading, `id="..."` in HTML).
pub fn heading_ids(text: &str) -> Vec<String> {
    let (_, prose) = scan(text);
    let lines: Vec<&str> = text.lines().collect();
    let mut ids: Vec<String> = Vec::new();
    let mut seen: std::collections::BTreeMap<String, usize> = Default::default();
    let mut push = |id: String, ids: &mut Vec<String>| {
        let n = seen.entry(id.clone()).or_insert(0);
        let unique = if *n == 0 {
            id.clone()
        } else {
            format!("{id}-{n}")
        };
        *n += 1;
        ids.push(unique);
    };
    for (i, raw) in lines.iter().enumerate() {
        if !prose[i] {
            continue;
        }
        for id in html_ids(raw) {
            ids.push(id);
        }
        let t = raw.trim_start();
        let indent = raw.len() - t.len();
        let heading = if indent <= 3 && t.starts_with('#') {
            let hashes = t.chars().take_while(|c| *c == '#').count();
            let rest = &t[hashes..];
            (hashes <= 6 && (rest.is_empty() || rest.starts_with([' ', '\t'])))
                .then(|| rest.trim().trim_end_matches('#').trim_end().to_string())
        } else {
            // Setext: a text line underlined with `===` or `---`.
            lines
                .get(i + 1)
                .filter(|next| {
                    let u = next.trim();
                    prose.get(i + 1) == Some(&true)
                        && !u.is_empty()
                        && (u.chars().all(|c| c == '=') || u.chars().all(|c| c == '-'))
                        && !t.is_empty()
                        && !t.starts_with(['|', '-', '*', '>', '#'])
                })
                .map(|_| t.trim().to_string())
        };
        let Some(h) = heading else { continue };
        match explicit_id(&h) {
            Some(id) => ids.push(id),
            None => push(normalize_id(&heading_text(&h)), &mut ids),
        }
    }
    ids
}

/// mdBook's id of a heading's text: lowercase; alphanumerics, `-` and `_` kept; whitespace
/// becomes `-`; everything else dropped.
pub fn normalize_id(text: &str) -> String {
    text.chars()
        .filter_map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                Some(c.to_lowercase().next().unwrap_or(c))
            } else if c.is_whitespace() {
                Some('-')
            } else {
                None
            }
        })
        .collect()
}

/// `## Title {#custom}` gives the id `custom`.
fn explicit_id(h: &str) -> Option<String> {
    let open = h.rfind("{#")?;
    h.ends_with('}').then(|| {
        h[open + 2..h.len() - 1]
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_string()
    })
}

/// The text a heading renders to: links become their text, HTML tags vanish.
fn heading_text(h: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = h.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '<' => {
                // An HTML tag: skip to its end.
                match chars[i..].iter().position(|c| *c == '>') {
                    Some(p) => i += p + 1,
                    None => i += 1,
                }
            }
            ']' if chars.get(i + 1) == Some(&'(') => {
                // The end of a link's text: skip the target.
                let mut depth = 0;
                let mut j = i + 1;
                while j < chars.len() {
                    match chars[j] {
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => {}
                    }
                    j += 1;
                }
                i = j + 1;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// `id="..."` and `name="..."` attributes in HTML on a line (`<a id="x"></a>`).
fn html_ids(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [" id=\"", " name=\""] {
        let mut rest = line;
        while let Some(p) = rest.find(attr) {
            rest = &rest[p + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].to_string());
                rest = &rest[end..];
            }
        }
    }
    out
}

/// Every link target in the prose of `text`: inline links and images (`[x](t)`, `![x](t)`),
/// reference definitions (`[x]: t`) and HTML `href`/`src` attributes. Code is skipped.
pub fn links(text: &str) -> Vec<Link> {
    let (_, prose) = scan(text);
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        if !prose[i] {
            continue;
        }
        let line = blank_code_spans(raw);
        let number = i + 1;
        // Reference definitions: `[name]: target "title"`.
        let t = line.trim_start();
        if t.starts_with('[')
            && let Some(close) = t.find("]:")
            && !t[..close].contains(']')
        {
            if let Some(target) = t[close + 2..].split_whitespace().next() {
                out.push(Link {
                    line: number,
                    target: target.trim_matches(['<', '>']).to_string(),
                });
            }
            continue;
        }
        let chars: Vec<char> = line.chars().collect();
        let mut k = 0;
        while k + 1 < chars.len() {
            if chars[k] == ']' && chars[k + 1] == '(' {
                let (target, end) = inline_target(&chars[k + 2..]);
                if !target.is_empty() {
                    out.push(Link {
                        line: number,
                        target,
                    });
                }
                k += 2 + end;
            } else {
                k += 1;
            }
        }
        for attr in ["href=\"", "src=\""] {
            let mut rest = line.as_str();
            while let Some(p) = rest.find(attr) {
                rest = &rest[p + attr.len()..];
                if let Some(end) = rest.find('"') {
                    out.push(Link {
                        line: number,
                        target: rest[..end].to_string(),
                    });
                    rest = &rest[end..];
                }
            }
        }
    }
    out
}

/// The target of an inline link, from just after `](`: `<a b.md>` or `a.md "title"` or
/// `a(b).md`. Returns the target and how many characters were consumed.
fn inline_target(chars: &[char]) -> (String, usize) {
    if chars.first() == Some(&'<') {
        let end = chars.iter().position(|c| *c == '>').unwrap_or(chars.len());
        return (chars[1..end].iter().collect(), end);
    }
    let mut depth = 0;
    let mut target = String::new();
    for (i, c) in chars.iter().enumerate() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => return (target, i),
            ')' => depth -= 1,
            c if c.is_whitespace() => {
                // A title follows; the target is complete.
                let end = chars[i..]
                    .iter()
                    .position(|c| *c == ')')
                    .map_or(chars.len(), |p| i + p);
                return (target, end);
            }
            _ => {}
        }
        target.push(*c);
    }
    (target, chars.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_nest_by_length_and_char() {
        let md = "a\n````md\n```console\n$ x\n```\n````\n~~~console\n$ y\nout\n~~~\n";
        let b = blocks(md);
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].lang, "md");
        assert_eq!(b[0].body.len(), 3);
        assert_eq!(b[1].lang, "console");
        assert_eq!(b[1].line, 7);
        assert_eq!(b[1].body, vec![(8, "$ y".into()), (9, "out".into())]);
    }

    #[test]
    fn heading_ids_follow_mdbook() {
        let md = "# Hello, World!\n## Hello World\n## hello world\n```\n# not a heading\n```\n\
                  ### The `run` command\n#### A [link](x.md) here\n## Custom {#mine}\n\
                  Setext\n------\n";
        assert_eq!(
            heading_ids(md),
            vec![
                "hello-world",
                "hello-world-1",
                "hello-world-2",
                "the-run-command",
                "a-link-here",
                "mine",
                "setext"
            ]
        );
    }

    #[test]
    fn links_outside_code_only() {
        let md = "See [a](a.md#x) and ![img](p.png \"t\").\n`[no](code.md)`\n```\n[no](b.md)\n```\n\
                  [ref]: c.md\n<img src=\"d.png\">\n[paren](e(1).md)";
        let t: Vec<(usize, String)> = links(md).into_iter().map(|l| (l.line, l.target)).collect();
        assert_eq!(
            t,
            vec![
                (1, "a.md#x".into()),
                (1, "p.png".into()),
                (6, "c.md".into()),
                (7, "d.png".into()),
                (8, "e(1).md".into())
            ]
        );
    }
}
