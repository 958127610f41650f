//! `clustersim merge`.

use crate::sweep::merge::{merge_csv, merge_json};
use crate::sweep::table::Table;
use std::path::PathBuf;

/// Join the outputs of a sharded sweep into the file one unsharded sweep would have written,
/// or (--append) the outputs of separate sweeps of one scenario into one file.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  clustersim merge shard-*.csv -o all.csv
  clustersim merge a.json b.json -o all.json
  clustersim merge --append fast.csv slow.csv -o both.csv")]
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
        merge_json(&texts)
    } else {
        let mut tables = Vec::new();
        for (p, t) in a.inputs.iter().zip(&texts) {
            match Table::parse_csv(t) {
                Ok(t) => tables.push(t),
                Err(e) => return super::fail(format!("{}: {e}", p.display())),
            }
        }
        merge_csv(&tables, a.append).map(|t| t.to_csv())
    };
    match merged.and_then(|m| super::emit(&out, &m)) {
        Ok(()) => 0,
        Err(e) => super::fail(e),
    }
}
