//! The topology as a scenario file names it.

use crate::error::TopologyError;
use crate::graph::Topology;
use crate::{edge_list, generate, random};
use serde::{Deserialize, Serialize};
use sim_core::SimRng;
use std::path::PathBuf;

/// A topology kind and its parameters, as written in a scenario file:
///
/// ```toml
/// [topology]
/// kind = "small-world"
/// k = 4
/// beta = 0.1
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "kebab-case",
    deny_unknown_fields,
    from = "SpecRepr"
)]
pub enum TopologySpec {
    /// Every pair of nodes linked.
    Complete,
    /// Each node linked to the next, the last to the first (at least 3 nodes).
    Ring,
    /// Each node linked to the next.
    Line,
    /// A 2-D grid, node `r * cols + c` at row `r` and column `c`; `rows * cols` must equal
    /// the node count.
    Grid {
        /// Number of rows.
        rows: u32,
        /// Number of columns.
        cols: u32,
    },
    /// A k-ary tree in breadth-first numbering: node `i > 0` hangs under `(i - 1) / arity`.
    Tree {
        /// Children per inner node (at least 1).
        arity: u32,
    },
    /// Erdős–Rényi G(n, p): each pair linked independently with probability `p`.
    ErdosRenyi {
        /// Link probability in `[0, 1]`.
        p: f64,
    },
    /// A random graph in which every node has exactly `degree` neighbours (`n * degree` even,
    /// `degree < n`).
    RandomRegular {
        /// Neighbours per node.
        degree: u32,
    },
    /// Watts–Strogatz small world: a ring lattice of `k` nearest neighbours (even, below n)
    /// with each edge rewired with probability `beta`.
    SmallWorld {
        /// Lattice neighbours per node (even).
        k: u32,
        /// Rewiring probability in `[0, 1]`.
        beta: f64,
    },
    /// Edges read from a file (see [`crate::parse_edge_list`] for the format).
    EdgeList {
        /// The file.
        path: PathBuf,
    },
}

/// What a scenario file holds. serde does not reject unknown fields next to the tag of a
/// unit variant, so the parameterless kinds are read as empty struct variants and converted.
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
enum SpecRepr {
    Complete {},
    Ring {},
    Line {},
    Grid { rows: u32, cols: u32 },
    Tree { arity: u32 },
    ErdosRenyi { p: f64 },
    RandomRegular { degree: u32 },
    SmallWorld { k: u32, beta: f64 },
    EdgeList { path: PathBuf },
}

impl From<SpecRepr> for TopologySpec {
    fn from(r: SpecRepr) -> TopologySpec {
        match r {
            SpecRepr::Complete {} => TopologySpec::Complete,
            SpecRepr::Ring {} => TopologySpec::Ring,
            SpecRepr::Line {} => TopologySpec::Line,
            SpecRepr::Grid { rows, cols } => TopologySpec::Grid { rows, cols },
            SpecRepr::Tree { arity } => TopologySpec::Tree { arity },
            SpecRepr::ErdosRenyi { p } => TopologySpec::ErdosRenyi { p },
            SpecRepr::RandomRegular { degree } => TopologySpec::RandomRegular { degree },
            SpecRepr::SmallWorld { k, beta } => TopologySpec::SmallWorld { k, beta },
            SpecRepr::EdgeList { path } => TopologySpec::EdgeList { path },
        }
    }
}

impl TopologySpec {
    /// The kind as spelled in a scenario file.
    pub fn kind(&self) -> &'static str {
        match self {
            TopologySpec::Complete => "complete",
            TopologySpec::Ring => "ring",
            TopologySpec::Line => "line",
            TopologySpec::Grid { .. } => "grid",
            TopologySpec::Tree { .. } => "tree",
            TopologySpec::ErdosRenyi { .. } => "erdos-renyi",
            TopologySpec::RandomRegular { .. } => "random-regular",
            TopologySpec::SmallWorld { .. } => "small-world",
            TopologySpec::EdgeList { .. } => "edge-list",
        }
    }

    /// Builds the topology on `n` nodes. Random kinds draw from `rng` only (use
    /// [`crate::topology_rng`] for the scenario's stream); the others draw nothing. An
    /// edge list is read from its file; use [`crate::parse_edge_list`] to build from text.
    pub fn build(&self, n: u32, rng: &mut SimRng) -> Result<Topology, TopologyError> {
        if n == 0 {
            return Err(TopologyError::invalid(
                self.kind(),
                "a topology needs at least one node",
            ));
        }
        match self {
            TopologySpec::Complete => generate::complete(n),
            TopologySpec::Ring => generate::ring(n),
            TopologySpec::Line => generate::line(n),
            TopologySpec::Grid { rows, cols } => generate::grid(n, *rows, *cols),
            TopologySpec::Tree { arity } => generate::kary_tree(n, *arity),
            TopologySpec::ErdosRenyi { p } => random::erdos_renyi(n, *p, rng),
            TopologySpec::RandomRegular { degree } => random::random_regular(n, *degree, rng),
            TopologySpec::SmallWorld { k, beta } => random::small_world(n, *k, *beta, rng),
            TopologySpec::EdgeList { path } => edge_list::read_edge_list(path, n),
        }
    }
}
