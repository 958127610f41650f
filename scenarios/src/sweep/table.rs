//! Sweep results as rows, written as CSV or JSON and read back (for `merge` and `plot`).
//!
//! Columns, in order: `job`, one column per swept parameter, `seed`, `passed`,
//! `fingerprint`, every metric in name order (the union over all rows; a row without a metric
//! leaves its cell empty), `failed_checks`. Numbers are written in Rust's shortest form that
//! reads back to the same `f64`, so the bytes of a file depend only on the results.

use crate::hex::Hex64;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One job's results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// Position in canonical order.
    pub job: u64,
    /// The swept parameters and their values, in the order given.
    pub params: Vec<(String, String)>,
    /// The seed.
    pub seed: u64,
    /// Whether every check and expectation held.
    pub passed: bool,
    /// The run's fingerprint.
    pub fingerprint: Hex64,
    /// Flattened metrics.
    pub metrics: BTreeMap<String, f64>,
    /// Names of the checks that failed (or the error that stopped the run).
    pub failed_checks: Vec<String>,
}

/// A row as a journal line ([`crate::journal`]). Metrics are kept as the bits of their `f64`,
/// so that every value (NaN and infinities too) reads back exactly.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct RowLine {
    job: u64,
    params: Vec<(String, String)>,
    seed: u64,
    passed: bool,
    fingerprint: u64,
    metrics: BTreeMap<String, u64>,
    failed_checks: Vec<String>,
}

impl RowLine {
    /// The line of a row.
    pub fn of(r: &Row) -> RowLine {
        RowLine {
            job: r.job,
            params: r.params.clone(),
            seed: r.seed,
            passed: r.passed,
            fingerprint: r.fingerprint.0,
            metrics: r
                .metrics
                .iter()
                .map(|(k, v)| (k.clone(), v.to_bits()))
                .collect(),
            failed_checks: r.failed_checks.clone(),
        }
    }

    /// The row of a line.
    pub fn row(self) -> Row {
        Row {
            job: self.job,
            params: self.params,
            seed: self.seed,
            passed: self.passed,
            fingerprint: crate::hex::Hex64(self.fingerprint),
            metrics: self
                .metrics
                .into_iter()
                .map(|(k, b)| (k, f64::from_bits(b)))
                .collect(),
            failed_checks: self.failed_checks,
        }
    }
}

/// A CSV file as strings.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Header.
    pub columns: Vec<String>,
    /// Cells, one row per line.
    pub rows: Vec<Vec<String>>,
}

fn quote(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

impl Table {
    /// The table of `rows`.
    pub fn from_rows(rows: &[Row]) -> Table {
        let params: Vec<String> = rows
            .first()
            .map(|r| r.params.iter().map(|(k, _)| k.clone()).collect())
            .unwrap_or_default();
        let metrics: BTreeSet<&String> = rows.iter().flat_map(|r| r.metrics.keys()).collect();
        let mut columns = vec!["job".to_string()];
        columns.extend(params.iter().cloned());
        columns.extend(["seed", "passed", "fingerprint"].map(String::from));
        columns.extend(metrics.iter().map(|m| (*m).clone()));
        columns.push("failed_checks".into());
        let rows = rows
            .iter()
            .map(|r| {
                let mut cells = vec![r.job.to_string()];
                cells.extend(r.params.iter().map(|(_, v)| v.clone()));
                cells.push(r.seed.to_string());
                cells.push(r.passed.to_string());
                cells.push(r.fingerprint.to_string());
                for m in &metrics {
                    cells.push(r.metrics.get(*m).map(|v| v.to_string()).unwrap_or_default());
                }
                cells.push(r.failed_checks.join("; "));
                cells
            })
            .collect();
        Table { columns, rows }
    }

    /// CSV text.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let line = |cells: &[String]| cells.iter().map(|c| quote(c)).collect::<Vec<_>>().join(",");
        out.push_str(&line(&self.columns));
        out.push('\n');
        for r in &self.rows {
            out.push_str(&line(r));
            out.push('\n');
        }
        out
    }

    /// Reads CSV text (RFC 4180 quoting); leading `#` lines (a sweep's provenance) are
    /// passed over.
    pub fn parse_csv(text: &str) -> Result<Table, String> {
        let mut skipped = 0;
        let mut text = text;
        while text.starts_with('#') {
            text = text.split_once('\n').map_or("", |(_, rest)| rest);
            skipped += 1;
        }
        let mut records: Vec<Vec<String>> = Vec::new();
        let (mut row, mut cell, mut quoted, mut chars) =
            (Vec::new(), String::new(), false, text.chars().peekable());
        let mut line = 1 + skipped;
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                ('"', true) => quoted = false,
                ('"', false) if cell.is_empty() => quoted = true,
                (',', false) => row.push(std::mem::take(&mut cell)),
                ('\r', false) => {}
                ('\n', false) => {
                    row.push(std::mem::take(&mut cell));
                    records.push(std::mem::take(&mut row));
                    line += 1;
                }
                (c, _) => {
                    if c == '\n' {
                        line += 1;
                    }
                    cell.push(c);
                }
            }
        }
        if quoted {
            return Err(format!("line {line}: a quoted cell is not closed"));
        }
        if !cell.is_empty() || !row.is_empty() {
            row.push(cell);
            records.push(row);
        }
        let mut it = records.into_iter();
        let columns = it.next().ok_or("the file is empty")?;
        let rows: Vec<Vec<String>> = it.collect();
        for (i, r) in rows.iter().enumerate() {
            if r.len() != columns.len() {
                return Err(format!(
                    "line {}: {} cells, but the header has {}",
                    i + 2 + skipped,
                    r.len(),
                    columns.len()
                ));
            }
        }
        Ok(Table { columns, rows })
    }

    /// The index of a column.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }
}

/// JSON text: the sweep's provenance, then its rows, one object per line.
pub fn to_json(rows: &[Row], sweep: &super::provenance::Provenance) -> String {
    let head = serde_json::to_string(sweep).unwrap_or_default();
    let mut out = format!("{{\"sweep\": {head},\n\"rows\": [\n");
    for (i, r) in rows.iter().enumerate() {
        let obj = serde_json::json!({
            "job": r.job,
            "params": r.params.iter().map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone()))).collect::<serde_json::Map<_, _>>(),
            "seed": r.seed,
            "passed": r.passed,
            "fingerprint": r.fingerprint.to_string(),
            "metrics": r.metrics,
            "failed_checks": r.failed_checks,
        });
        out.push_str(&obj.to_string());
        out.push_str(if i + 1 < rows.len() { ",\n" } else { "\n" });
    }
    out.push_str("]}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_round_trips_with_quotes() {
        let t = Table {
            columns: vec!["a".into(), "b".into()],
            rows: vec![
                vec!["x,y".into(), "say \"hi\"\nthere".into()],
                vec!["".into(), "2".into()],
            ],
        };
        assert_eq!(Table::parse_csv(&t.to_csv()).unwrap(), t);
        assert!(Table::parse_csv("a,b\n1\n").is_err());
        assert!(Table::parse_csv("a\n\"open\n").is_err());
        assert!(Table::parse_csv("").is_err());
    }
}
