//! Relative links must land: on a file that exists and, with `#anchor`, on a heading of a
//! Markdown target. mdBook's `{{#include path:anchor}}` directives must name an existing file
//! and a marked region of it.

use super::markdown::{heading_ids, links};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// Every broken link of the Markdown files `files` (paths relative to `root`), as
/// `file:line: message`, in file order.
pub fn broken(root: &Path, files: &[PathBuf]) -> Vec<String> {
    let mut ids: BTreeMap<PathBuf, Option<Vec<String>>> = BTreeMap::new();
    let mut out = Vec::new();
    for file in files {
        let text = match std::fs::read_to_string(root.join(file)) {
            Ok(t) => t,
            Err(e) => {
                out.push(format!("{}: cannot read: {e}", file.display()));
                continue;
            }
        };
        let dir = file.parent().unwrap_or(Path::new(""));
        for link in links(&text) {
            if let Some(problem) = check(root, dir, file, &link.target, &mut ids) {
                out.push(format!(
                    "{}:{}: ({}) {problem}",
                    file.display(),
                    link.line,
                    link.target
                ));
            }
        }
        for (line, problem) in includes(root, dir, &text) {
            out.push(format!("{}:{line}: {problem}", file.display()));
        }
    }
    out
}

/// What is wrong with one link target, if anything.
fn check(
    root: &Path,
    dir: &Path,
    file: &Path,
    target: &str,
    ids: &mut BTreeMap<PathBuf, Option<Vec<String>>>,
) -> Option<String> {
    let lower = target.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:")
    {
        return None;
    }
    let (path, anchor) = match target.split_once('#') {
        Some((p, a)) => (p, Some(a)),
        None => (target, None),
    };
    let path = percent_decode(path);
    if path.starts_with('/') {
        return Some("absolute path: links must be relative to the file".into());
    }
    let resolved = if path.is_empty() {
        file.to_path_buf()
    } else {
        match normalize(&dir.join(&path)) {
            Some(p) => p,
            None => return Some("leaves the repository".into()),
        }
    };
    let full = root.join(&resolved);
    if !full.exists() {
        return Some(format!("no such file: {}", resolved.display()));
    }
    let anchor = anchor?;
    let is_md = resolved.extension().is_some_and(|e| e == "md");
    if !is_md {
        // Line anchors into sources (`x.rs#L10`) are what a code host understands.
        let line_anchor = anchor.strip_prefix('L').is_some_and(|r| {
            r.split('-').all(|p| {
                !p.trim_start_matches('L').is_empty()
                    && p.trim_start_matches('L')
                        .chars()
                        .all(|c| c.is_ascii_digit())
            })
        });
        return (!line_anchor).then(|| {
            format!(
                "anchor #{anchor} into {}, which has no headings",
                resolved.display()
            )
        });
    }
    let known = ids
        .entry(resolved.clone())
        .or_insert_with(|| std::fs::read_to_string(&full).ok().map(|t| heading_ids(&t)));
    match known {
        Some(list) if list.iter().any(|id| id == anchor) => None,
        Some(list) => Some(format!(
            "no heading with id #{anchor} in {}{}",
            resolved.display(),
            nearest(anchor, list)
                .map(|s| format!(" (did you mean #{s}?)"))
                .unwrap_or_default()
        )),
        None => Some(format!("cannot read {}", resolved.display())),
    }
}

/// mdBook's `{{#include path}}`, `{{#include path:name}}` and `{{#rustdoc_include ...}}`
/// anywhere in the text (they are usually inside code blocks): the file must exist and a
/// named region must be marked `ANCHOR: name` ... `ANCHOR_END: name` in it.
pub fn includes(root: &Path, dir: &Path, text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(p) = rest.find("{{#") {
            rest = &rest[p + 3..];
            let Some(end) = rest.find("}}") else { break };
            let directive = &rest[..end];
            rest = &rest[end..];
            let mut words = directive.split_whitespace();
            let kind = words.next().unwrap_or("");
            if !matches!(kind, "include" | "rustdoc_include") {
                continue;
            }
            let Some(arg) = words.next() else {
                out.push((i + 1, format!("{{{{#{kind}}}}} without a path")));
                continue;
            };
            let (path, selector) = match arg.split_once(':') {
                Some((p, s)) => (p, Some(s)),
                None => (arg, None),
            };
            let Some(resolved) = normalize(&dir.join(path)) else {
                out.push((
                    i + 1,
                    format!("{{{{#{kind} {arg}}}}} leaves the repository"),
                ));
                continue;
            };
            let Ok(body) = std::fs::read_to_string(root.join(&resolved)) else {
                out.push((
                    i + 1,
                    format!("{{{{#{kind} {arg}}}}}: no such file {}", resolved.display()),
                ));
                continue;
            };
            // Line ranges (`:10:20`, `:5:`) are not anchors.
            if let Some(name) = selector.filter(|s| !s.starts_with(|c: char| c.is_ascii_digit())) {
                let marked = |tag: &str| {
                    body.lines().any(|l| {
                        l.split_once(tag)
                            .is_some_and(|(_, after)| after.trim() == name)
                    })
                };
                if !marked("ANCHOR:") || !marked("ANCHOR_END:") {
                    out.push((
                        i + 1,
                        format!(
                            "{{{{#{kind} {arg}}}}}: {} has no region marked \
                             ANCHOR: {name} ... ANCHOR_END: {name}",
                            resolved.display()
                        ),
                    ));
                }
            }
        }
    }
    out
}

/// `a/b/../c` as `a/c`; `None` when `..` climbs above the root.
pub fn normalize(p: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::Normal(x) => out.push(x),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// `%20` and friends, as a browser decodes them.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 3 <= bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The known id closest to a mistyped one, for the message.
fn nearest<'a>(anchor: &str, ids: &'a [String]) -> Option<&'a str> {
    ids.iter()
        .map(|id| (strsim::levenshtein(anchor, id), id))
        .filter(|(d, _)| *d <= 3.max(anchor.len() / 4))
        .min()
        .map(|(_, id)| id.as_str())
}
