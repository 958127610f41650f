//! # topology: who may talk to whom
//!
//! A cluster's communication graph, kept apart from every protocol so that the scenario crate,
//! the protocols and the visual front end all see the same one:
//!
//! - [`Topology`]: an undirected graph over node ids `0..n`, stored as a petgraph graph (for
//!   algorithms and drawing) and as sorted adjacency lists (so that a protocol picks "its i-th
//!   neighbour" the same way on every machine).
//! - [`TopologySpec`]: the serde form a scenario file names (`complete`, `ring`, `line`,
//!   `grid`, `tree`, `erdos-renyi`, `random-regular`, `small-world`, `edge-list`), built with
//!   [`TopologySpec::build`] from the node count and a seeded [`sim_core::SimRng`]; the same
//!   seed always gives the same graph.
//! - [`SpanningTree`]: a breadth-first spanning tree from a root, for tree-shaped protocols and
//!   tree layouts.
//! - [`Overlay`]: what a protocol node carries in its configuration — either "everyone" (an
//!   implicit complete graph, cheap at any size) or a shared [`Topology`], with an optional
//!   precomputed spanning tree — and the neighbour queries a node needs.
//!
//! Random graphs draw only from the generator they are given; use [`topology_rng`] to get the
//! documented stream for a scenario seed.

mod edge_list;
mod error;
mod generate;
mod graph;
mod overlay;
mod random;
mod spec;
mod tree;

pub use edge_list::parse_edge_list;
pub use error::TopologyError;
pub use graph::{MAX_EDGES, Topology};
pub use overlay::{Neighbours, Overlay, TreeLinks};
pub use spec::TopologySpec;
pub use tree::SpanningTree;

use sim_core::{SimRng, Stream};

/// The random stream topologies are generated from: `Stream::Custom(TOPOLOGY_STREAM_ID)` of the
/// scenario seed. A stream of its own means that changing the topology never shifts the
/// network's, the faults' or any node's draws.
pub const TOPOLOGY_STREAM_ID: u32 = 0x746F_706F;

/// The generator to build a scenario's topology from, given the scenario seed.
pub fn topology_rng(seed: u64) -> SimRng {
    SimRng::new(seed, Stream::Custom(TOPOLOGY_STREAM_ID))
}
