//! `[model]`: the bounds of `clustersim model`'s exhaustive search.
//!
//! ```toml
//! [model]
//! strategy = "bfs"        # or "iddfs": depth-first with iterative deepening
//! depth = 12              # the longest schedule searched, in steps
//! max_in_flight = 8       # a state with more messages in flight is not searched further
//! crashes = 0             # server crashes per schedule (a crashed server may restart)
//! losses = 0              # messages lost per schedule
//! duplicates = 0          # messages duplicated per schedule
//! corruptions = 0         # disk records corrupted per schedule
//! timers_per_node = 2     # timer firings per node per schedule
//! symmetry = false        # search one of each set of states that differ only in server names
//! ```
//!
//! Everything is optional; what is left out takes the default shown. The cluster, the protocol
//! and its parameters (including known `bugs`), the seed and the client workload come from the
//! rest of the file: the workload's clients and operations per client bound the client
//! operations.

use serde::{Deserialize, Serialize};

/// The order in which the search visits states.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Strategy {
    /// Breadth-first: every state at depth d before any at d + 1, so the first violation found
    /// has a shortest schedule. Holds one level of states in memory.
    #[default]
    Bfs,
    /// Depth-first with iterative deepening: depth limits 1, 2, ... up to `depth`, each a
    /// depth-first search. Also finds a shortest schedule first; holds one path in memory
    /// besides the table of states seen, at the price of searching shallow levels again.
    Iddfs,
}

impl Strategy {
    /// The name as the file writes it.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Bfs => "bfs",
            Strategy::Iddfs => "iddfs",
        }
    }
}

/// The `[model]` section.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ModelSection {
    /// The search order.
    pub strategy: Strategy,
    /// The longest schedule searched, in steps.
    pub depth: u32,
    /// A state with more messages in flight than this is counted but not searched further.
    pub max_in_flight: u32,
    /// Server crashes per schedule.
    pub crashes: u32,
    /// Messages lost per schedule.
    pub losses: u32,
    /// Messages duplicated per schedule.
    pub duplicates: u32,
    /// Disk records corrupted per schedule (any record of any server's disk, up or down).
    pub corruptions: u32,
    /// Timer firings per node per schedule.
    pub timers_per_node: u32,
    /// Symmetry reduction: states that differ only in which server is called what are
    /// searched once, under the renamings the protocol declares it cannot tell apart
    /// (`Node::symmetry`). Off by default, so that counts compare with searches without it.
    pub symmetry: bool,
}

impl Default for ModelSection {
    fn default() -> Self {
        ModelSection {
            strategy: Strategy::Bfs,
            depth: 12,
            max_in_flight: 8,
            crashes: 0,
            losses: 0,
            duplicates: 0,
            corruptions: 0,
            timers_per_node: 2,
            symmetry: false,
        }
    }
}

/// The largest depth a search may be given: a schedule is a path of at most this many steps.
pub const MAX_DEPTH: u32 = 1000;
