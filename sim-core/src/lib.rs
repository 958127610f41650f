//! # sim-core: a deterministic discrete-event engine for cluster simulation
//!
//! sim-core runs real protocol implementations — sans-IO state machines implementing [`Node`] —
//! on simulated nodes under virtual time, a simulated network and injected faults. The same
//! configuration and seed give the same run, event for event, on every machine; the run's
//! [fingerprint](Simulation::fingerprint) proves it.
//!
//! The pieces, in the order a run meets them:
//! - [`Simulation`] owns the nodes, the event queue (ordered by `(time, seq)`), the network,
//!   the random streams ([`rng`]) and the trace ([`trace`]).
//! - A node acts only through its [`Ctx`]: send, timers, disk, its own random stream,
//!   annotations.
//! - [`Fault`]s (crash, restart, pause, partition, link degradation, clock drift) are applied
//!   at virtual times through [`Simulation::schedule`].
//! - [`Checker`]s see every node after each event and stop the run at the first violated
//!   invariant.
//!
//! Bounds on everything live in [`Limits`].

mod apply_fault;
mod apply_storage;
pub mod checker;
mod ctx;
mod disk;
mod engine;
mod error;
mod event_slab;
mod exp_draw;
pub mod fault;
pub mod history;
mod id;
pub mod latency;
mod limits;
mod mark;
pub mod model;
mod net_rng;
pub mod network;
mod node;
mod node_streams;
mod nodes;
pub mod partition;
mod prefetch;
mod quad_heap;
mod queue;
pub mod rng;
mod runtimes;
mod sim;
mod storage_fault;
mod time;
pub mod time_text;
pub mod trace;

pub use checker::{CheckView, Checker, FnChecker, Violation};
pub use ctx::Ctx;
pub use disk::{Corruptible, Damage, Disk, DiskKey, Reading};
pub use engine::{NodeStatus, Stats};
pub use error::{InvalidParam, SimError};
pub use fault::Fault;
pub use id::{MessageId, NodeId, TimerId};
pub use latency::{Dist, Latency};
pub use limits::Limits;
pub use mark::{Mark, MarkCounts, MarkKind, Progress, RoleClass};
pub use network::{DropReason, LinkModel, LinkOverride, NetworkConfig};
pub use node::{Message, Node, NodeView, Table};
pub use nodes::Nodes;
pub use partition::PartitionSpec;
pub use rng::{SimRng, Stream};
pub use sim::{
    DURABILITY, FLIGHT_CHECK_EVERY, InFlight, Outcome, PendingTimer, SimConfig, Simulation, Step,
};
pub use storage_fault::{RecordAim, StorageFault};
pub use time::{Duration, Time};
pub use time_text::DurationRange;
pub use trace::{TraceEvent, TraceRecord, TraceSink};
