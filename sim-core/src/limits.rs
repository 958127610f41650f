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
}

impl Limits {
    /// The defaults: 1,000,000 nodes, 10^10 events, 64 MiB messages, 50,000,000 queued events.
    pub const DEFAULT: Limits = Limits {
        max_nodes: 1_000_000,
        max_events: 10_000_000_000,
        max_message_size: 64 << 20,
        max_queue_len: 50_000_000,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}
