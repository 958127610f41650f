//! `clustersim new`.

use crate::registry::Registry;
use std::path::PathBuf;

/// Print a complete, commented scenario for a protocol, to start from.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  clustersim new            # list the protocols
  clustersim new raft > mine.toml
  clustersim new raft -o mine.toml
  clustersim new raft -o mine.toml --force   # replace mine.toml")]
pub struct Args {
    /// The protocol (omit to list them).
    protocol: Option<String>,
    /// Write to this file instead of standard output (`-`: standard output).
    #[arg(short, long)]
    out: Option<PathBuf>,
    /// Replace the file `-o` names if it exists.
    #[arg(long)]
    force: bool,
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
    let out = match a.out.as_deref() {
        Some(path) => crate::output::Output::resolve_new(path, a.force),
        None => Ok(crate::output::Output::Stdout),
    };
    match out.and_then(|o| super::emit(&o, p.template())) {
        Ok(()) => 0,
        Err(e) => super::fail(e),
    }
}
