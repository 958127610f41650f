//! `--set KEY=VALUE`: overriding one value of a scenario from the command line (sweeps, and
//! `run` to reproduce a sweep's job).
//!
//! `KEY` is a dotted path into the file. A first segment equal to the protocol's name is short
//! for `protocol.params` (`raft.election_timeout` is `protocol.params.election_timeout`); a
//! numeric segment indexes an array of tables (`faults.0.at`). The scenario is rebuilt from the
//! edited document and validated again, so a bad value is reported like a bad file.

use super::Scenario;
use crate::diag::Diagnostic;
use crate::error::ScenarioError;
use std::sync::Arc;

/// Reads a command-line value as TOML (`3`, `0.5`, `true`, `[1, 2]`, `"x"`); anything that is
/// not TOML (`150ms`, `150ms..300ms`) is a string.
pub fn parse_literal(text: &str) -> toml::Value {
    let doc = format!("v = {text}");
    match toml::from_str::<toml::Table>(&doc) {
        Ok(mut t) => t
            .remove("v")
            .unwrap_or_else(|| toml::Value::String(text.to_string())),
        Err(_) => toml::Value::String(text.to_string()),
    }
}

/// Sets `key` in `doc` (a whole scenario document) to `value`; `protocol` is the scenario's
/// protocol name, for the `NAME.` shorthand.
pub fn set_path(
    doc: &mut toml::Table,
    protocol: &str,
    key: &str,
    value: toml::Value,
) -> Result<(), String> {
    let mut segments: Vec<&str> = key.split('.').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return Err(format!("--set {key}: empty segment in the key"));
    }
    if segments.first() == Some(&protocol) {
        segments.splice(0..1, ["protocol", "params"]);
    }
    let (last, parents) = segments
        .split_last()
        .ok_or_else(|| format!("--set {key}: empty key"))?;
    let mut here = doc;
    for (depth, seg) in parents.iter().enumerate() {
        let entry = here
            .entry(seg.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        here = match entry {
            toml::Value::Table(t) => t,
            toml::Value::Array(items) => {
                return set_in_array(items, &segments[depth + 1..], key, value);
            }
            _ => return Err(format!("--set {key}: `{seg}` is a value, not a table")),
        };
    }
    here.insert(last.to_string(), value);
    Ok(())
}

fn set_in_array(
    items: &mut [toml::Value],
    rest: &[&str],
    key: &str,
    value: toml::Value,
) -> Result<(), String> {
    let (index, rest) = rest
        .split_first()
        .ok_or_else(|| format!("--set {key}: an array needs an index"))?;
    let i: usize = index
        .parse()
        .map_err(|_| format!("--set {key}: `{index}` is not an array index"))?;
    let len = items.len();
    let item = items
        .get_mut(i)
        .ok_or_else(|| format!("--set {key}: index {i} is out of range (the array has {len})"))?;
    match (item, rest) {
        (slot, []) => {
            *slot = value;
            Ok(())
        }
        (toml::Value::Table(t), rest) => {
            let sub = rest.join(".");
            set_path(t, "\u{0}", &sub, value)
        }
        _ => Err(format!("--set {key}: item {i} is not a table")),
    }
}

/// The scenario read from `text` with every `(key, value)` of `sets` applied, validated again.
/// A problem is reported at the `--set` argument that caused it, or in the file as written.
pub fn apply_sets(
    file: &str,
    text: &str,
    sets: &[(String, toml::Value)],
) -> Result<Scenario, ScenarioError> {
    let base = Scenario::from_str(file, text)?;
    if sets.is_empty() {
        return Ok(base);
    }
    let mut doc: toml::Table =
        toml::from_str(text).map_err(|e| ScenarioError::Usage(format!("{file}: {e}")))?;
    let protocol = base.protocol_name().to_string();
    let mut shown = Vec::new();
    let mut edits = Vec::new();
    for (k, v) in sets {
        set_path(&mut doc, &protocol, k, v.clone()).map_err(ScenarioError::Usage)?;
        shown.push(format!("{k}={v}"));
        edits.push(SetEdit {
            shown: format!("{k}={v}"),
            path: full_path(&protocol, k),
        });
    }
    let edited = toml::to_string(&doc)
        .map_err(|e| ScenarioError::Usage(format!("{file}: cannot apply --set: {e}")))?;
    let label = format!("{file} (with --set {})", shown.join(" --set "));
    let edits = Arc::new(SetEdits {
        label: label.clone(),
        file: file.to_string(),
        text: Arc::from(text),
        edited: Arc::from(edited.as_str()),
        sets: edits,
    });
    match Scenario::from_str(&label, &edited) {
        Ok(mut s) => {
            s.origin.edits = Some(edits);
            Ok(s)
        }
        Err(ScenarioError::Invalid(ds)) => Err(ScenarioError::Invalid(
            ds.into_iter().map(|d| edits.remap(d)).collect(),
        )),
        Err(e) => Err(e),
    }
}

/// A `--set` key as a path into the document, with the protocol's shorthand expanded.
fn full_path(protocol: &str, key: &str) -> Vec<String> {
    let mut path: Vec<String> = key.split('.').map(str::to_string).collect();
    if path.first().map(String::as_str) == Some(protocol) {
        path.splice(0..1, ["protocol".to_string(), "params".to_string()]);
    }
    path
}

/// One `--set` argument: as typed, and the path it sets.
#[derive(Debug)]
struct SetEdit {
    shown: String,
    path: Vec<String>,
}

/// A scenario document edited by `--set`: the file as written, the edited text the scenario was
/// read from, and the edits, so that a problem found in the edited text is shown where the
/// user can see it.
#[derive(Debug)]
pub struct SetEdits {
    label: String,
    file: String,
    text: Arc<str>,
    edited: Arc<str>,
    sets: Vec<SetEdit>,
}

impl SetEdits {
    /// `d` pointed at the `--set` argument whose value (or a value inside it) it is about; or
    /// at the same key of the file as written; or, when neither holds it, at the file as a
    /// whole, labelled with the `--set` arguments.
    pub fn remap(&self, d: Diagnostic) -> Diagnostic {
        if d.file != self.label {
            return d;
        }
        let bare = |file: &str| Diagnostic {
            file: file.to_string(),
            line: 0,
            col: 0,
            message: d.message.clone(),
            snippet: None,
            help: d.help.clone(),
        };
        let Some(path) = offset(&self.edited, d.line, d.col)
            .and_then(|at| super::locate::path_at(&self.edited, at))
        else {
            return d;
        };
        if let Some(set) = self.sets.iter().find(|s| path.starts_with(&s.path)) {
            return bare(&format!("--set {}", set.shown));
        }
        let keys: Vec<&str> = path.iter().map(String::as_str).collect();
        match super::locate::span_of(&self.text, &keys) {
            Some(span) => {
                let mut out = Diagnostic::at(&self.file, Some(&self.text), Some(span), &d.message);
                out.help = d.help.clone();
                out
            }
            None => bare(&self.label),
        }
    }
}

/// The byte offset of 1-based `line` and `col` (in characters) in `text`.
fn offset(text: &str, line: usize, col: usize) -> Option<usize> {
    let start = if line <= 1 {
        0
    } else {
        text.match_indices('\n').nth(line - 2)?.0 + 1
    };
    let rest = &text[start..];
    let within = rest
        .char_indices()
        .nth(col.checked_sub(1)?)
        .map_or(rest.len(), |(i, _)| i);
    Some(start + within)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_toml_or_strings() {
        assert_eq!(parse_literal("3"), toml::Value::Integer(3));
        assert_eq!(parse_literal("0.5"), toml::Value::Float(0.5));
        assert_eq!(parse_literal("true"), toml::Value::Boolean(true));
        assert_eq!(parse_literal("150ms"), toml::Value::String("150ms".into()));
        assert_eq!(
            parse_literal("150ms..300ms"),
            toml::Value::String("150ms..300ms".into())
        );
        assert_eq!(parse_literal("\"a,b\""), toml::Value::String("a,b".into()));
    }

    #[test]
    fn protocol_shorthand_and_array_index() {
        let mut doc: toml::Table = toml::from_str(
            "[protocol]\nname = \"raft\"\n[[faults]]\nat = \"1s\"\naction = \"heal\"\n",
        )
        .unwrap();
        set_path(&mut doc, "raft", "raft.heartbeat", parse_literal("50ms")).unwrap();
        set_path(&mut doc, "raft", "faults.0.at", parse_literal("2s")).unwrap();
        set_path(&mut doc, "raft", "network.loss", parse_literal("0.1")).unwrap();
        assert_eq!(
            doc["protocol"]["params"]["heartbeat"].as_str(),
            Some("50ms")
        );
        assert_eq!(doc["faults"][0]["at"].as_str(), Some("2s"));
        assert_eq!(doc["network"]["loss"].as_float(), Some(0.1));
        assert!(set_path(&mut doc, "raft", "faults.3.at", parse_literal("2s")).is_err());
        assert!(set_path(&mut doc, "raft", "protocol.name.x", parse_literal("2")).is_err());
        assert!(set_path(&mut doc, "raft", "a..b", parse_literal("2")).is_err());
    }
}
