//! Why a topology could not be built.

use std::path::PathBuf;

/// A topology that cannot exist with the given parameters, or an edge list that cannot be
/// read. Every variant says what was expected, so a scenario error can be fixed from the
/// message alone.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum TopologyError {
    /// A parameter outside the range the topology allows.
    #[error("{topology}: {why}")]
    Invalid {
        /// The topology kind, as spelled in a scenario file.
        topology: &'static str,
        /// What was expected.
        why: String,
    },
    /// An edge names a node outside `0..nodes`.
    #[error("edge ({a}, {b}) names a node outside 0..{nodes}")]
    NodeOutOfRange {
        /// One end.
        a: u32,
        /// The other end.
        b: u32,
        /// How many nodes the topology has.
        nodes: u32,
    },
    /// An edge from a node to itself.
    #[error("self-loop at node {node}: a node is always able to talk to itself")]
    SelfLoop {
        /// The node.
        node: u32,
    },
    /// More edges than [`crate::MAX_EDGES`].
    #[error(
        "{edges} edges is more than the limit of {max}; use the implicit complete overlay for large complete graphs"
    )]
    TooLarge {
        /// Edges that were asked for.
        edges: u64,
        /// The limit.
        max: u64,
    },
    /// A randomized construction gave up after a bounded number of attempts.
    #[error("{topology}: no graph found after {attempts} attempts ({why})")]
    GenerationFailed {
        /// The topology kind.
        topology: &'static str,
        /// How many attempts were made.
        attempts: u32,
        /// What kept failing.
        why: String,
    },
    /// A line of an edge-list file that is not an edge.
    #[error("edge list line {line}: {why}")]
    EdgeListLine {
        /// 1-based line number.
        line: usize,
        /// What was found and what was expected.
        why: String,
    },
    /// An edge-list file that could not be read.
    #[error("edge list {path}: {message}", path = path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        message: String,
    },
    /// A spanning-tree root outside the graph.
    #[error("root {root} is not a node of a {nodes}-node topology")]
    BadRoot {
        /// The requested root.
        root: u32,
        /// How many nodes there are.
        nodes: u32,
    },
}

impl TopologyError {
    pub(crate) fn invalid(topology: &'static str, why: impl Into<String>) -> TopologyError {
        TopologyError::Invalid {
            topology,
            why: why.into(),
        }
    }
}
