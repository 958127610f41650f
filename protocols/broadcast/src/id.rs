//! What a broadcast is called and what travels with it.

use serde::{Deserialize, Serialize};
use sim_core::{NodeId, Time};
use std::fmt;

/// The identity of one broadcast: the node that made it, that node's incarnation (a restarted
/// node starts numbering again, and must not reuse an old id), and its number there.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct MsgId {
    /// The broadcasting node.
    pub origin: NodeId,
    /// Its incarnation when it broadcast.
    pub incarnation: u32,
    /// Number of the broadcast within that incarnation, from 0.
    pub seq: u32,
}

impl fmt::Display for MsgId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.incarnation == 0 {
            write!(f, "{}:{}", self.origin, self.seq)
        } else {
            write!(f, "{}/{}:{}", self.origin, self.incarnation, self.seq)
        }
    }
}

/// One broadcast as it travels: the id, the application's payload, when it was broadcast
/// (so any receiver can measure its latency) and how many network hops this copy made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Item {
    /// Which broadcast.
    pub id: MsgId,
    /// The application's value.
    pub payload: u64,
    /// When the origin broadcast it.
    pub sent_at: Time,
    /// Network hops this copy has travelled (0 at the origin).
    pub hops: u32,
}

/// Bytes an item takes on the wire (id 12, payload 8, time 8, hops 4), for message sizes.
pub(crate) const ITEM_BYTES: u64 = 32;

/// One delivery to the application, as the node records it: the append-only log the
/// checkers and the metrics read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Delivery {
    /// Which broadcast.
    pub id: MsgId,
    /// The payload delivered.
    pub payload: u64,
    /// When it was broadcast.
    pub sent_at: Time,
    /// When it was delivered here.
    pub at: Time,
    /// Network hops of the copy that was delivered (0 for the origin's own delivery).
    pub hops: u32,
}
