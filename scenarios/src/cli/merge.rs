//! `clustersim merge`.

use crate::sweep::merge::{merge_csv, merge_json, read_json};
use crate::sweep::provenance::{Provenance, merged};
use crate::sweep::table::Table;
use std::path::PathBuf;

/// Join the outputs of a sharded sweep into the file one unsharded sweep would have written,
/// or (--append) the outputs of separate sweeps of one scenario into one file.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  clustersim merge shard-*.csv -o all.csv
  clustersim merge a.json b.json -o all.json
  clustersim merge --append fast.csv slow.csv -o both.csv

Each input carries what produced it (scenario, digest of its text and --set values, seeds,
shard, version). Inputs of different sweeps are refused, and so is a merge with a shard
missing (`shard 3/12 missing`) unless --allow-partial is given.")]
pub struct Args {
    /// Shard outputs (all CSV or all JSON).
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Output file (default, or `-`: standard output).
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// The inputs are separate sweeps (CSV): keep their rows in input order, numbering the
    /// jobs again from 0.
    #[arg(long)]
    append: bool,
    /// Merge the shards given even if some are missing (the output says which).
    #[arg(long)]
    allow_partial: bool,
}

pub fn run(a: Args) -> u8 {
    let out = match super::output(a.out.as_deref()) {
        Ok(o) => o,
        Err(e) => return super::fail(e),
    };
    let mut texts = Vec::new();
    for p in &a.inputs {
        match std::fs::read_to_string(p) {
            Ok(t) => texts.push(t),
            Err(e) => return super::fail(format!("{}: {e}", p.display())),
        }
    }
    let json = a
        .inputs
        .iter()
        .all(|p| p.extension().is_some_and(|e| e == "json"));
    let merged = if json && a.append {
        Err("--append joins CSV results; sweep with --out FILE.csv".to_string())
    } else if json {
        merge_all_json(&a, &texts)
    } else {
        merge_all_csv(&a, &texts)
    };
    match merged.and_then(|m| super::emit(&out, &m)) {
        Ok(()) => 0,
        Err(e) => super::fail(e),
    }
}

/// Every input's provenance, or which input lacks one.
fn origins(a: &Args, found: Vec<Option<Provenance>>) -> Result<Vec<Provenance>, String> {
    found
        .into_iter()
        .zip(&a.inputs)
        .map(|(p, path)| {
            p.ok_or_else(|| {
                format!(
                    "{}: no sweep header (`# clustersim sweep`): not a sweep output, or one \
                     written by an older clustersim",
                    path.display()
                )
            })
        })
        .collect()
}

fn merge_all_csv(a: &Args, texts: &[String]) -> Result<String, String> {
    let found = texts.iter().map(|t| Provenance::from_csv(t)).collect();
    let origin = merged(&origins(a, found)?, a.append, a.allow_partial)?;
    let mut tables = Vec::new();
    for (p, t) in a.inputs.iter().zip(texts) {
        tables.push(Table::parse_csv(t).map_err(|e| format!("{}: {e}", p.display()))?);
    }
    let table = merge_csv(&tables, a.append)?;
    Ok(origin.csv_lines() + &table.to_csv())
}

fn merge_all_json(a: &Args, texts: &[String]) -> Result<String, String> {
    let mut found = Vec::new();
    let mut rows = Vec::new();
    for (p, t) in a.inputs.iter().zip(texts) {
        let (origin, r) = read_json(t).map_err(|e| format!("{}: {e}", p.display()))?;
        found.push(Some(origin));
        rows.push(r);
    }
    let origin = merged(&origins(a, found)?, false, a.allow_partial)?;
    merge_json(rows, &origin)
}
