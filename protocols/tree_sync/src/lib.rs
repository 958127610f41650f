//! # tree_sync: hierarchical aggregation and dissemination over a self-repairing tree
//!
//! [`TreeNode`] keeps a value and its place in a spanning tree (at first the breadth-first
//! tree of the topology from the configured root). Every period the root starts a round that
//! travels down the tree carrying the root's aggregate; each node answers its parent with the
//! aggregate (count, sum, min, max — [`Aggregate`]) of its subtree. These periodic reports are
//! the digests from children to parents through which state converges.
//!
//! When a parent crashes or is cut off, its children stop hearing new rounds, leave it and
//! attach to a neighbour that has seen a newer round than they have (which cannot be one of
//! their descendants). The root is elected ([`Config::elect_root`], on by default): a node
//! that finds no parent acts as root, and trees merge under the lowest id they can reach, so
//! the tree outlives its root's crash, moves back under it when it restarts, and after a
//! partition heals the two sides merge under the lower root.
//!
//! Checks ([`check`]): [`NodeSanity`] after every event; at the end of a run,
//! [`check_converged`] — one tree over the live nodes under the expected root (the lowest
//! live id), the root's aggregate equals their true aggregate, everyone knows it — and
//! [`run_until_converged`] to measure how long that takes.
//!
//! Known limits: with `elect_root = false` the root is fixed and, while it is down, the tree
//! waits for it to restart. With election, a node remembers the lowest root id it has heard
//! of until it restarts; if that node is down for good, every node keeps probing one
//! neighbour per period looking for it (the price of merging after a partition of any
//! length).

mod aggregate;
pub mod check;
mod config;
mod message;
mod node;
mod repair;
mod summary;
mod view;

pub use aggregate::Aggregate;
pub use check::{
    NodeSanity, check_converged, check_disseminated, check_root_aggregate, check_tree,
    is_converged, roots_followed, run_until_converged, true_aggregate,
};
pub use config::{Bug, Changes, Config, ConfigError, Value};
pub use message::{Msg, Round};
pub use node::{Child, Timer, TreeNode};
pub use summary::Summary;
