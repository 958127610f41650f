//! `clustersim list`.

use crate::Scenario;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// List scenario files with what each shows, by protocol.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  clustersim list                      # the library under ./scenarios
  clustersim list scenarios/raft/conformance
  clustersim list --json | jq '.[].file'")]
pub struct Args {
    /// Files or directories (searched recursively); default: ./scenarios.
    paths: Vec<PathBuf>,
    /// Print a JSON array of {file, protocol, name, description}.
    #[arg(long)]
    pub(crate) json: bool,
}

pub fn run(a: Args) -> u8 {
    let paths = if a.paths.is_empty() {
        vec![PathBuf::from("scenarios")]
    } else {
        a.paths
    };
    let files = match crate::check::every_scenario(&paths) {
        Ok(f) => f,
        Err(e) => return super::fail(e),
    };
    let mut by_protocol: BTreeMap<String, Vec<(PathBuf, Scenario)>> = BTreeMap::new();
    let mut bad = 0;
    for f in files {
        match Scenario::load(&f) {
            Ok(s) => by_protocol
                .entry(s.protocol_name().to_string())
                .or_default()
                .push((f, s)),
            Err(e) => {
                bad += 1;
                err!("{e}");
            }
        }
    }
    if a.json {
        let rows: Vec<serde_json::Value> = by_protocol
            .iter()
            .flat_map(|(p, v)| {
                v.iter().map(move |(f, s)| {
                    serde_json::json!({
                        "file": f.display().to_string(),
                        "protocol": p,
                        "name": s.name,
                        "description": s.description,
                    })
                })
            })
            .collect();
        out!(
            "{}",
            serde_json::to_string_pretty(&rows).unwrap_or_default()
        );
    } else {
        for (protocol, v) in &by_protocol {
            out!(
                "{protocol} ({})",
                crate::text::count(v.len() as u64, "scenario")
            );
            for (f, s) in v {
                let what = if s.description.is_empty() {
                    &s.name
                } else {
                    &s.description
                };
                out!("  {}", f.display());
                out!("      {what}");
            }
        }
    }
    if bad > 0 { 2 } else { 0 }
}
