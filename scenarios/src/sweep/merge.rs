//! `clustersim merge`: joins the outputs of a sharded sweep into the file one unsharded run
//! would have written.

use super::provenance::Provenance;
use super::table::Table;

/// Merges CSV tables: the same fixed columns in each, metric columns united in name order,
/// rows in job order. Fails on a job that appears twice.
///
/// With `append`, the tables are separate sweeps of the same scenario (parameters that must
/// vary together, such as an election timeout and its heartbeat, swept one pair per run):
/// their rows follow one another in input order and the jobs are numbered again from 0.
pub fn merge_csv(tables: &[Table], append: bool) -> Result<Table, String> {
    let first = tables.first().ok_or("nothing to merge")?;
    let fixed_end = first
        .column("fingerprint")
        .ok_or("not a sweep result: no `fingerprint` column")?
        + 1;
    let fixed: Vec<String> = first.columns[..fixed_end].to_vec();
    let mut metrics = std::collections::BTreeSet::new();
    for (i, t) in tables.iter().enumerate() {
        if t.columns.len() <= fixed_end || t.columns[..fixed_end] != fixed[..] {
            return Err(format!(
                "input {} has different parameter columns ({}) than the first ({})",
                i + 1,
                t.columns.join(","),
                fixed.join(",")
            ));
        }
        if t.columns.last().map(String::as_str) != Some("failed_checks") {
            return Err(format!(
                "input {}: not a sweep result (no failed_checks column)",
                i + 1
            ));
        }
        metrics.extend(t.columns[fixed_end..t.columns.len() - 1].iter().cloned());
    }
    let mut columns = fixed.clone();
    columns.extend(metrics.iter().cloned());
    columns.push("failed_checks".into());
    let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
    for t in tables {
        for r in &t.rows {
            let job: u64 = r[0]
                .parse()
                .map_err(|_| format!("job {:?} is not a number", r[0]))?;
            let job = if append { rows.len() as u64 } else { job };
            let mut cells = r[..fixed_end].to_vec();
            cells[0] = job.to_string();
            for m in &metrics {
                cells.push(t.column(m).map(|i| r[i].clone()).unwrap_or_default());
            }
            cells.push(r[r.len() - 1].clone());
            rows.push((job, cells));
        }
    }
    rows.sort_by_key(|(j, _)| *j);
    if let Some(w) = rows.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(format!(
            "job {} appears twice: were the same shard's files given twice?",
            w[0].0
        ));
    }
    Ok(Table {
        columns,
        rows: rows.into_iter().map(|(_, r)| r).collect(),
    })
}

/// The provenance and the rows of a JSON output.
pub fn read_json(text: &str) -> Result<(Provenance, Vec<serde_json::Value>), String> {
    #[derive(serde::Deserialize)]
    struct Output {
        sweep: Provenance,
        rows: Vec<serde_json::Value>,
    }
    let o: Output = serde_json::from_str(text).map_err(|e| {
        format!("not a sweep output with its `sweep` header (written by an older clustersim?): {e}")
    })?;
    Ok((o.sweep, o.rows))
}

/// Merges the rows of JSON outputs into one output in job order, under `sweep`.
pub fn merge_json(
    inputs: Vec<Vec<serde_json::Value>>,
    sweep: &Provenance,
) -> Result<String, String> {
    let mut rows: Vec<(u64, serde_json::Value)> = Vec::new();
    for (i, v) in inputs.into_iter().enumerate() {
        for r in v {
            let job = r["job"]
                .as_u64()
                .ok_or(format!("input {}: a row without a job number", i + 1))?;
            rows.push((job, r));
        }
    }
    rows.sort_by_key(|(j, _)| *j);
    if let Some(w) = rows.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(format!("job {} appears twice", w[0].0));
    }
    let head = serde_json::to_string(sweep).map_err(|e| e.to_string())?;
    let mut out = format!("{{\"sweep\": {head},\n\"rows\": [\n");
    for (i, (_, r)) in rows.iter().enumerate() {
        out.push_str(&r.to_string());
        out.push_str(if i + 1 < rows.len() { ",\n" } else { "\n" });
    }
    out.push_str("]}\n");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        Table::parse_csv(text).expect("a valid table")
    }

    #[test]
    fn appended_sweeps_keep_input_order_and_are_numbered_again() {
        let a = table(
            "job,p,seed,passed,fingerprint,x,failed_checks\n0,a,1,true,0x1,5,\n1,a,2,true,0x2,6,\n",
        );
        let b = table("job,p,seed,passed,fingerprint,y,failed_checks\n0,b,1,true,0x3,7,\n");
        assert!(
            merge_csv(&[a.clone(), b.clone()], false).is_err(),
            "job 0 twice"
        );
        let m = merge_csv(&[b, a], true).expect("appended");
        assert_eq!(
            m.columns.join(","),
            "job,p,seed,passed,fingerprint,x,y,failed_checks"
        );
        let rows: Vec<String> = m.rows.iter().map(|r| r.join(",")).collect();
        assert_eq!(
            rows,
            [
                "0,b,1,true,0x3,,7,",
                "1,a,1,true,0x1,5,,",
                "2,a,2,true,0x2,6,,"
            ]
        );
    }
}
