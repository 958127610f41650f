//! Every bound the engine enforces, in one place, so that a runaway protocol or an absurd
//! scenario stops with a clear error instead of eating the machine.

use serde::{Deserialize, Serialize};

/// Upper bounds checked by the engine. The defaults are generous for research runs; a scenario
/// may lower or raise them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Most nodes (servers and clients together) one simulation may hold.
    pub max_nodes: u32,
    /// Most events one run may process before it stops with an error.
    pub max_events: u64,
    /// Largest message (as reported by `Message::size`) the network accepts, in bytes.
    pub max_message_size: u64,
    /// Most entries the event queue may hold at once (messages in flight, timers, faults).
    pub max_queue_len: usize,
    /// Most bytes of messages in flight at once (as `Message::size` counts them), checked
    /// every 65,536 events (or every queue's length of events, when the queue is longer): a
    /// protocol that floods the network with ever more or ever larger messages stops here,
    /// with the node whose inbound messages hold the most named.
    pub max_bytes_in_flight: u64,
    /// Most resident memory of the process, in bytes (0: three quarters of the machine's
    /// memory). The engine cannot see memory, so whoever drives the simulation checks it:
    /// `clustersim` reads it every 65,536 events.
    pub max_memory: u64,
}

impl Limits {
    /// The defaults: 1,000,000 nodes, 10^10 events, 64 MiB messages, 50,000,000 queued events,
    /// 4 GiB of messages in flight, and three quarters of the machine's memory.
    pub const DEFAULT: Limits = Limits {
        max_nodes: 1_000_000,
        max_events: 10_000_000_000,
        max_message_size: 64 << 20,
        max_queue_len: 50_000_000,
        max_bytes_in_flight: 4 << 30,
        max_memory: 0,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}
