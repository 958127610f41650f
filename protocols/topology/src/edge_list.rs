//! Edge-list files: one edge per line, two node ids separated by blanks.
//!
//! ```text
//! # a comment; blank lines are skipped
//! 0 1
//! 1 2   # a trailing comment
//! ```
//! An edge may be listed in both directions; it counts once.

use crate::error::TopologyError;
use crate::graph::{MAX_EDGES, Topology};
use std::path::Path;

/// Parses an edge list for an `n`-node topology. Errors name the 1-based line and say what was
/// expected there.
pub fn parse_edge_list(text: &str, n: u32) -> Result<Topology, TopologyError> {
    let mut edges = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let content = raw.split('#').next().unwrap_or("").trim();
        if content.is_empty() {
            continue;
        }
        let fields: Vec<&str> = content.split_whitespace().collect();
        if fields.len() != 2 {
            return Err(TopologyError::EdgeListLine {
                line,
                why: format!(
                    "expected two node ids `a b`, found {} field{}: {content:?}",
                    fields.len(),
                    if fields.len() == 1 { "" } else { "s" }
                ),
            });
        }
        let id = |s: &str| -> Result<u32, TopologyError> {
            let v: u32 = s.parse().map_err(|_| TopologyError::EdgeListLine {
                line,
                why: format!("expected a node id (an unsigned integer), found {s:?}"),
            })?;
            if v >= n {
                return Err(TopologyError::EdgeListLine {
                    line,
                    why: format!(
                        "node {v} is outside the cluster's ids 0 to {}",
                        n.saturating_sub(1)
                    ),
                });
            }
            Ok(v)
        };
        let (a, b) = (id(fields[0])?, id(fields[1])?);
        if a == b {
            return Err(TopologyError::EdgeListLine {
                line,
                why: format!("self-loop {a} {a}: expected two different nodes"),
            });
        }
        edges.push((a, b));
        if edges.len() as u64 > 2 * MAX_EDGES {
            return Err(TopologyError::TooLarge {
                edges: edges.len() as u64,
                max: MAX_EDGES,
            });
        }
    }
    Topology::from_edges(n, edges)
}

/// Reads and parses an edge-list file.
pub(crate) fn read_edge_list(path: &Path, n: u32) -> Result<Topology, TopologyError> {
    let text = std::fs::read_to_string(path).map_err(|e| TopologyError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    parse_edge_list(&text, n)
}
