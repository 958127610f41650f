//! Drawing an explanation as text: one row per client process, each operation a bar over its
//! interval, numbered, with a legend below.

use super::{ExplainedOp, Explanation};
use crate::Time;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Columns between two distinct instants at least, so that a bar can carry its number.
fn min_gap(ops: &[ExplainedOp]) -> usize {
    ops.len().to_string().len() + 2
}

/// Maps each distinct instant to a column: in proportion to time across `width`, but never
/// closer than `gap` to the previous one, so that the order of events always shows.
fn columns(ops: &[ExplainedOp], width: usize, gap: usize) -> BTreeMap<Time, usize> {
    let times: Vec<Time> = ops
        .iter()
        .flat_map(|op| [Some(op.invoked), op.completed])
        .flatten()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let (Some(&first), Some(&last)) = (times.first(), times.last()) else {
        return BTreeMap::new();
    };
    let span = (last.0 - first.0).max(1) as f64;
    let mut out = BTreeMap::new();
    let mut prev: Option<usize> = None;
    for t in times {
        let scaled = ((t.0 - first.0) as f64 / span * width.saturating_sub(1) as f64).round();
        let col = match prev {
            Some(p) => (scaled as usize).max(p + gap),
            None => 0,
        };
        out.insert(t, col);
        prev = Some(col);
    }
    out
}

/// Writes `text` into `row` from column `at`, widening the row as needed.
fn put(row: &mut Vec<char>, at: usize, text: &str) {
    for (i, c) in text.chars().enumerate() {
        if row.len() <= at + i {
            row.resize(at + i + 1, ' ');
        }
        row[at + i] = c;
    }
}

/// The timeline of `e`, bars scaled to about `width` columns.
pub(super) fn draw(e: &Explanation, width: usize) -> String {
    let gap = min_gap(&e.ops);
    let cols = columns(&e.ops, width, gap);
    let right = cols.values().copied().max().unwrap_or(0);
    // Rows: one per process, plus one more whenever a process's operations overlap (an
    // operation after one that never completed).
    let mut rows: Vec<(String, Vec<char>, usize)> = Vec::new();
    let mut by_process: BTreeMap<_, Vec<usize>> = BTreeMap::new();
    for (n, op) in e.ops.iter().enumerate() {
        by_process.entry(op.process).or_default().push(n);
    }
    for (process, numbers) in by_process {
        let first_row = rows.len();
        for n in numbers {
            let op = &e.ops[n];
            let start = cols[&op.invoked];
            let end = op.completed.map_or(right + gap, |t| cols[&t]);
            let slot = (first_row..rows.len()).find(|&r| rows[r].2 < start);
            let r = slot.unwrap_or_else(|| {
                rows.push((process.to_string(), Vec::new(), 0));
                rows.len() - 1
            });
            let label = (n + 1).to_string();
            let mut bar = format!("|{label}");
            while bar.chars().count() < end - start {
                bar.push('-');
            }
            bar.push(if op.completed.is_some() { '|' } else { '>' });
            put(&mut rows[r].1, start, &bar);
            rows[r].2 = start + bar.chars().count();
        }
    }

    let margin = rows.iter().map(|(name, ..)| name.len()).max().unwrap_or(0) + 2;
    let mut out = String::new();
    if let (Some(first), Some(last)) = (cols.keys().next(), cols.keys().next_back()) {
        let mut axis = Vec::new();
        put(&mut axis, margin, &first.to_string());
        let end = last.to_string();
        let at = (margin + right + 1)
            .saturating_sub(end.len())
            .max(axis.len() + 2);
        put(&mut axis, at, &end);
        let _ = writeln!(out, "{}", axis.iter().collect::<String>());
    }
    for (name, row, _) in &rows {
        let _ = writeln!(out, "{name:<margin$}{}", row.iter().collect::<String>());
    }
    out.push('\n');
    let label_width = e
        .ops
        .iter()
        .map(|op| op.label.chars().count())
        .max()
        .unwrap_or(0);
    let number_width = e.ops.len().to_string().len();
    for (n, op) in e.ops.iter().enumerate() {
        let interval = match op.completed {
            Some(done) if op.kind == "ok" => format!("{} .. {}", op.invoked, done),
            Some(done) => format!("{} .. gave up at {}", op.invoked, done),
            None => format!("{} .. never completed", op.invoked),
        };
        let _ = writeln!(
            out,
            "{:>number_width$}  {:<pw$}  {:<label_width$}  {:<4}  {interval}",
            n + 1,
            op.process.to_string(),
            op.label,
            op.kind,
            pw = margin - 2,
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{OpId, ProcessId};

    fn op(
        id: u32,
        process: u64,
        label: &str,
        kind: &str,
        from: u64,
        to: Option<u64>,
    ) -> ExplainedOp {
        ExplainedOp {
            id: OpId(id),
            process: ProcessId(process),
            label: label.to_owned(),
            kind: kind.to_owned(),
            invoked: Time(from),
            completed: to.map(Time),
        }
    }

    #[test]
    fn rows_per_process_bars_to_scale_and_a_legend() {
        let e = Explanation {
            key: "\"k\"".to_owned(),
            ops: vec![
                op(0, 3, "write 1", "ok", 0, Some(100)),
                op(1, 12, "write 2", "info", 50, None),
                op(2, 3, "read -> 2", "ok", 150, Some(200)),
            ],
            others: vec![],
            minimal: true,
            steps: 0,
        };
        let expected = [
            "     t=0ns         t=200ns",
            "p3   |1--------|    |3---|",
            "p12       |2---------------->",
            "",
            "1  p3   write 1    ok    t=0ns .. t=100ns",
            "2  p12  write 2    info  t=50ns .. never completed",
            "3  p3   read -> 2  ok    t=150ns .. t=200ns",
            "",
        ]
        .join("\n");
        assert_eq!(draw(&e, 21), expected);
    }

    #[test]
    fn close_instants_keep_their_order() {
        // 1 ns apart in a 1000 ns span: scaled they would share a column.
        let ops = [
            op(0, 0, "a", "ok", 0, Some(500)),
            op(1, 1, "b", "ok", 501, Some(1000)),
        ];
        let cols = columns(&ops, 10, 3);
        let c: Vec<usize> = cols.values().copied().collect();
        assert_eq!(c, vec![0, 5, 8, 11]);
    }
}
