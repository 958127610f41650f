//! # layered: hierarchical sync by layers of groups
//!
//! The hierarchy that users of agent systems describe: agents are cut into groups of `g`;
//! a group syncs all-to-all inside itself; the group's leader (its lowest live member,
//! re-elected when it fails) syncs with the leaders of the neighbouring groups one layer up,
//! and so on, up to one top group whose members know the global state. The global then
//! comes back down the same links. [`LayeredNode`] is one agent; [`Config`] picks the group
//! size, the sync period and the failure timeout, each node's value and how often it
//! changes.
//!
//! What moves is a [`Summary`] (shared with `tree_sync`): the aggregate (count, sum, min, max)
//! of a block's values with the time its oldest value was read, so every node knows how stale
//! its view of the whole may be.
//!
//! Checks: [`NodeSanity`] after every event; at the end of a run, [`check_leaders`] (every
//! group is led by its lowest live member) and [`check_global`] (every live node holds the
//! true aggregate of the live nodes), and [`run_until_converged`] to measure how long they
//! take to hold.

pub mod check;
mod config;
mod layout;
mod message;
mod node;
mod siblings;
mod view;

pub use check::{
    NodeSanity, check_global, check_leaders, expected_top, is_converged, run_until_converged,
    true_aggregate,
};
pub use config::{Bug, Config, ConfigError};
pub use layout::Layout;
pub use message::Msg;
pub use node::{LayeredNode, Sent, Timer};
pub use siblings::{Layer, Sibling};
pub use tree_sync::{Changes, Summary};
