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

Exits 1 if any file is invalid (each problem is printed as FILE:LINE:COL).")]
pub struct Args {
    /// Scenario files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

pub fn run(registry: &Registry, a: Args) -> u8 {
    let mut bad = 0;
    for f in &a.files {
        let result = crate::Scenario::load(f).and_then(|s| {
            let p = registry.resolve(&s)?;
            p.build(&s, s.seed)?;
            Ok(s)
        });
        match result {
            Ok(s) => out!(
                "ok    {} ({}, {})",
                f.display(),
                s.protocol_name(),
                crate::text::count(s.cluster.servers(), "server")
            ),
            Err(e) => {
                bad += 1;
                err!("{e}");
            }
        }
    }
    if bad > 0 {
        err!("{bad} of {} files invalid", a.files.len());
        1
    } else {
        0
    }
}
