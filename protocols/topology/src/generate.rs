//! The deterministic shapes: complete, ring, line, grid and k-ary tree.

use crate::error::TopologyError;
use crate::graph::{Topology, ensure_edges_fit};

/// Every pair of nodes linked.
pub(crate) fn complete(n: u32) -> Result<Topology, TopologyError> {
    let edges = u64::from(n) * u64::from(n.saturating_sub(1)) / 2;
    ensure_edges_fit(edges)?;
    let mut pairs = Vec::with_capacity(edges as usize);
    for a in 0..n {
        for b in a + 1..n {
            pairs.push((a, b));
        }
    }
    Ok(Topology::from_sorted_unique(n, &pairs))
}

/// `0 - 1 - ... - (n-1) - 0`.
pub(crate) fn ring(n: u32) -> Result<Topology, TopologyError> {
    if n < 3 {
        return Err(TopologyError::invalid(
            "ring",
            format!("a ring needs at least 3 nodes, got {n} (use `line` for fewer)"),
        ));
    }
    let mut pairs: Vec<(u32, u32)> = (0..n - 1).map(|i| (i, i + 1)).collect();
    pairs.push((0, n - 1));
    pairs.sort_unstable();
    Ok(Topology::from_sorted_unique(n, &pairs))
}

/// `0 - 1 - ... - (n-1)`.
pub(crate) fn line(n: u32) -> Result<Topology, TopologyError> {
    let pairs: Vec<(u32, u32)> = (0..n.saturating_sub(1)).map(|i| (i, i + 1)).collect();
    Ok(Topology::from_sorted_unique(n, &pairs))
}

/// A `rows` x `cols` grid, node `r * cols + c` at row `r`, column `c`, linked to the nodes
/// right of and below it.
pub(crate) fn grid(n: u32, rows: u32, cols: u32) -> Result<Topology, TopologyError> {
    if rows == 0 || cols == 0 {
        return Err(TopologyError::invalid(
            "grid",
            format!("rows and cols must be at least 1, got {rows} x {cols}"),
        ));
    }
    if u64::from(rows) * u64::from(cols) != u64::from(n) {
        return Err(TopologyError::invalid(
            "grid",
            format!(
                "{rows} x {cols} = {} cells, but the cluster has {n} nodes",
                u64::from(rows) * u64::from(cols)
            ),
        ));
    }
    let mut pairs = Vec::new();
    for r in 0..rows {
        for c in 0..cols {
            let i = r * cols + c;
            if c + 1 < cols {
                pairs.push((i, i + 1));
            }
            if r + 1 < rows {
                pairs.push((i, i + cols));
            }
        }
    }
    pairs.sort_unstable();
    Ok(Topology::from_sorted_unique(n, &pairs))
}

/// The complete-as-possible `arity`-ary tree in breadth-first numbering: node `i > 0` hangs
/// under node `(i - 1) / arity`.
pub(crate) fn kary_tree(n: u32, arity: u32) -> Result<Topology, TopologyError> {
    if arity == 0 {
        return Err(TopologyError::invalid(
            "tree",
            "arity must be at least 1 (each inner node has `arity` children)",
        ));
    }
    let mut pairs: Vec<(u32, u32)> = (1..n).map(|i| ((i - 1) / arity, i)).collect();
    pairs.sort_unstable();
    Ok(Topology::from_sorted_unique(n, &pairs))
}
