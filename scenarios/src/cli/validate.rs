//! `clustersim validate`.

use crate::registry::Registry;
use std::path::PathBuf;

/// Check scenario files without running them: syntax, keys, values, the protocol's own
/// parameters and workload.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  clustersim validate mine.toml
  clustersim validate scenarios/raft/*.toml

  clustersim validate mine.toml --json

Exits 1 if any file is invalid (each problem is printed as FILE:LINE:COL).")]
pub struct Args {
    /// Scenario files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Print a JSON array, one object per file: file, ok, protocol, servers, and problems
    /// (each with file, line, col, message, snippet, help).
    #[arg(long)]
    pub(crate) json: bool,
}

pub fn run(registry: &Registry, a: Args) -> u8 {
    let mut bad = 0;
    let mut report = Vec::new();
    for f in &a.files {
        let result = crate::Scenario::load(f).and_then(|s| {
            let p = registry.resolve(&s)?;
            crate::runner::build(p, &s, s.seed)?;
            Ok(s)
        });
        let file = f.display().to_string();
        match result {
            Ok(s) if a.json => report.push(serde_json::json!({
                "file": file, "ok": true, "protocol": s.protocol_name(),
                "servers": s.cluster.servers(), "problems": [],
            })),
            Ok(s) => out!(
                "ok    {} ({}, {})",
                f.display(),
                s.protocol_name(),
                crate::text::count(s.cluster.servers(), "server")
            ),
            Err(e) if a.json => {
                bad += 1;
                let problems = match e {
                    crate::ScenarioError::Invalid(d) => serde_json::to_value(d).unwrap_or_default(),
                    other => serde_json::json!([{
                        "file": file, "line": 0, "col": 0, "message": other.to_string(),
                        "snippet": null, "help": null,
                    }]),
                };
                report.push(serde_json::json!({"file": file, "ok": false, "problems": problems}));
            }
            Err(e) => {
                bad += 1;
                err!("{e}");
            }
        }
    }
    if a.json {
        out!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
        return u8::from(bad > 0);
    }
    if bad > 0 {
        err!("{bad} of {} files invalid", a.files.len());
        1
    } else {
        0
    }
}
