//! Identities of the things a run is made of.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A node of the simulated cluster: an index into the simulation's node table, fixed for the
/// whole run (a restarted node keeps its id).
///
/// Its `Debug` text and serde form are written by hand: while the model checker hashes a state
/// under a renaming of servers (symmetry reduction), an id writes itself renamed, so that node
/// states and messages are renamed without protocol code. Everywhere else they are the derived
/// forms (`NodeId(3)`, a bare number).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Deserialize)]
#[serde(transparent)]
pub struct NodeId(pub u32);

impl fmt::Debug for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = crate::model::symmetry::renamed(*self);
        f.debug_tuple("NodeId").field(&id.0).finish()
    }
}

impl Serialize for NodeId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(crate::model::symmetry::renamed(*self).0)
    }
}

impl NodeId {
    /// The id as an index into per-node tables.
    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "n{}", self.0)
    }
}

/// A message sent on the network, numbered in send order over the whole run; a duplicate made
/// by the network carries the id of the original, so the trace shows which send it came from.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct MessageId(pub u64);

/// A timer set by a node; returned by `Ctx::set_timer` so that the node can cancel it.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct TimerId(pub u64);
