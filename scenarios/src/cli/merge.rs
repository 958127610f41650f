//! `clustersim merge`.

use crate::explore::Prepared;
use crate::explore::shards::{Findings, join};
use crate::registry::Registry;
use crate::sweep::merge::{merge_csv, merge_json, read_json};
use crate::sweep::provenance::{Provenance, merged};
use crate::sweep::table::Table;
use std::path::PathBuf;

/// Join the outputs of a sharded sweep into the file one unsharded sweep would have written,
/// or (--append) the outputs of separate sweeps of one scenario into one file; or the findings
/// of a sharded exploration, shrunk as one machine would.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  clustersim merge shard-*.csv -o all.csv
  clustersim merge a.json b.json -o all.json
  clustersim merge --append fast.csv slow.csv -o both.csv
  clustersim merge found/shard-*.json -o found/     # explore --shard findings: shrink them

Each input carries what produced it (scenario, digest of its text and --set values, seeds,
shard, version). Inputs of different sweeps are refused, and so is a merge with a shard
missing (`shard 3/12 missing`) unless --allow-partial is given. Findings of `explore --shard`
are joined in seed order and shrunk into the -o directory: the same failures and shrunk files
as one machine's exploration; the scenario file must not have changed since.")]
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

pub fn run(registry: &Registry, a: Args) -> u8 {
    if let Some(first) = a.inputs.first()
        && let Ok(text) = std::fs::read_to_string(first)
        && Findings::read(&text).is_some()
    {
        return merge_explore(registry, &a);
    }
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

/// The findings of every shard of an exploration, joined and concluded as one machine's.
fn merge_explore(registry: &Registry, a: &Args) -> u8 {
    let Some(out) = a.out.clone() else {
        return super::fail("merging explore findings writes scenario files: give -o DIRECTORY");
    };
    let mut parts = Vec::new();
    for p in &a.inputs {
        let text = match std::fs::read_to_string(p) {
            Ok(t) => t,
            Err(e) => return super::fail(format!("{}: {e}", p.display())),
        };
        match Findings::read(&text) {
            Some(Ok(f)) => parts.push(f),
            Some(Err(e)) => return super::fail(format!("{}: {e}", p.display())),
            None => {
                return super::fail(format!(
                    "{}: not the findings of `explore --shard` (the first input is)",
                    p.display()
                ));
            }
        }
    }
    let (origin, file, found) = match join(parts, a.allow_partial) {
        Ok(j) => j,
        Err(e) => return super::fail(e),
    };
    let path = std::path::PathBuf::from(&file);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => return super::fail(format!("{file} (the explored file): {e}")),
    };
    let now = Provenance::of(&origin.scenario, &text, &[], &origin.seeds, origin.jobs);
    if now.digest != origin.digest {
        return super::fail(format!(
            "{file} has changed since it was explored (digest {} then, {} now): shrinking \
             would judge another scenario",
            origin.digest, now.digest
        ));
    }
    let prepared = match super::load(&path, &[]).and_then(|s| Prepared::new(registry, s)) {
        Ok(p) => p,
        Err(e) => return super::fail(e),
    };
    if let Err(e) = crate::output::check_directory(&out) {
        return super::fail(e);
    }
    out!(
        "merged {} ({}): {}, {} failed",
        file,
        if origin.shard == "all" {
            "every shard".to_string()
        } else {
            format!("shards: {}", origin.shard)
        },
        crate::text::count(found.ran as u64, "seed"),
        found.failures.len()
    );
    super::explore::report_failures(&path, &found);
    let how = super::explore::Conclusion {
        file: &path,
        out: &out,
        no_shrink: false,
        json: false,
        secs: 0.0,
    };
    super::explore::conclude(registry, &prepared, &found, &how)
}
