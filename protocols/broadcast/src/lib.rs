//! # broadcast: dissemination on clustersim
//!
//! One node type, [`BroadcastNode`], whose [`Config`] picks the variant:
//!
//! - **best-effort**: the origin sends to every neighbour; nobody relays.
//! - **reliable** (eager): every node relays a broadcast to all its neighbours the first time
//!   it sees it, so a broadcast reaches every correct node connected to one correct receiver,
//!   even if its origin crashed right after sending to that one node.
//! - **anti-entropy gossip**: every period a node sends its digest to `fanout` random
//!   neighbours; updates flow push, pull or both ([`Direction`]).
//! - **rumor mongering**: a node pushes hot rumors to random neighbours every period until it
//!   loses interest — feedback or blind ([`Loss`]), counter or coin ([`Stop`]), parameter `k`.
//! - **efficient broadcast**: broadcasts batched over a spanning tree, with push-pull
//!   anti-entropy repairing what a partition or a crash made the tree miss.
//!
//! The [`Config`]'s overlay (from the `topology` crate) restricts who talks to whom.
//! Broadcasts are made by the driver (`Simulation::input(node, label, |n, ctx| {
//! n.broadcast(payload, ctx); })`) or by the built-in [`Workload`].
//!
//! Invariants: [`NoDuplicateDelivery`] and [`Integrity`] after every event, incrementally;
//! [`check_agreement`] among correct nodes at the end of a run. Figures: [`Metrics`].
//! Reproductions of published results and the scale run: [`repro`].

mod anti_entropy;
mod check;
mod config;
mod flood;
mod growth;
mod id;
mod log_index;
mod message;
mod metrics;
mod node;
mod periodic;
mod prepared;
pub mod repro;
mod rumor;
mod seen;
mod tree;
mod view;
mod workload;

pub use anti_entropy::MAX_ITEMS_PER_EXCHANGE;
pub use check::{Integrity, NoDuplicateDelivery, agreement_time, check_agreement, live_nodes};
pub use config::{
    AntiEntropy, Config, ConfigError, Dissemination, KnownBug, Loss, Phase, Rumor, Stop,
    TreeSpread, Workload,
};
pub use id::{Delivery, Item, MsgId};
pub use message::{Direction, Msg};
pub use metrics::{Metrics, percentile};
pub use node::{BroadcastNode, Timer, Traffic};
pub use prepared::Prepared;
pub use seen::{Digest, Seen, SeqSet};
