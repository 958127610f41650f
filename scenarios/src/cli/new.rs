//! `clustersim new`.

use crate::registry::Registry;
use std::path::PathBuf;

/// Print a complete, commented scenario for a protocol, to start from.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  clustersim new            # list the protocols
  clustersim new raft > mine.toml
  clustersim new raft -o mine.toml")]
pub struct Args {
    /// The protocol (omit to list them).
    protocol: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(short, long)]
    out: Option<PathBuf>,
}

pub fn run(registry: &Registry, a: Args) -> u8 {
    let Some(name) = a.protocol else {
        out!("protocols:");
        for p in registry.iter() {
            out!("  {:12} {}", p.name(), p.summary());
        }
        return 0;
    };
    let Some(p) = registry.get(&name) else {
        return super::fail(registry.unknown(&name));
    };
    match super::emit(a.out.as_deref(), p.template()) {
        Ok(()) => 0,
        Err(e) => super::fail(e),
    }
}
