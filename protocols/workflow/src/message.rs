//! What coordinators and agents say to each other, and what consensus says between
//! coordinators.

use crate::engine::EngineState;
use serde::Serialize;
use sim_core::{Message, NodeId};

/// Where a task's input can be fetched: the file, the version the task must read (the
/// attempt of its producer whose result was committed; 0 for a workflow input), and the
/// nodes believed to hold it, best first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Source {
    /// The file.
    pub file: u32,
    /// The version to read.
    pub version: u32,
    /// Who holds it.
    pub holders: Vec<NodeId>,
}

/// Every message of a workflow cluster.
#[derive(Clone, Debug, Serialize)]
pub enum Msg {
    /// Raft between coordinators.
    Raft(raft::Msg<EngineState>),
    /// Multi-Paxos between coordinators.
    Paxos(paxos::Msg<EngineState>),
    /// An agent is alive, running these `(task, attempt)`s.
    Heartbeat {
        /// The tasks it runs or fetches inputs for.
        running: Vec<(u32, u32)>,
    },
    /// The leader asks an agent to run a task, naming where each input can be fetched.
    Dispatch {
        /// The task.
        task: u32,
        /// Its attempt (the fencing token the result must carry).
        attempt: u32,
        /// Each input, its version and its holders.
        sources: Vec<Source>,
    },
    /// The leader tells an agent that an attempt it runs is superseded.
    Cancel {
        /// The task.
        task: u32,
        /// The superseded attempt.
        attempt: u32,
    },
    /// An agent reports a task done.
    Report {
        /// The task.
        task: u32,
        /// The attempt it ran.
        attempt: u32,
        /// A digest of its outputs.
        result: u64,
    },
    /// The leader has settled a report (taken or refused): stop sending it.
    Ack {
        /// The task.
        task: u32,
        /// The attempt reported.
        attempt: u32,
    },
    /// Send me this version of this file.
    Fetch {
        /// The file.
        file: u32,
        /// The version.
        version: u32,
    },
    /// One part of a file's contents (its size is what the network carries). Files travel in
    /// parts of at most [`PART_BYTES`], as transfers do.
    Data {
        /// The file.
        file: u32,
        /// Its version: the attempt of the task that wrote it (0 for a workflow input).
        version: u32,
        /// Which part, from 0.
        part: u32,
        /// How many parts the file has.
        parts: u32,
        /// The file's whole size in bytes.
        bytes: u64,
        /// Whether the receiver should pass it on down the spanning tree.
        spread: bool,
    },
    /// The asked node does not hold that version of the file.
    Missing {
        /// The file.
        file: u32,
    },
}

impl Message for Msg {
    /// What the replicated log's own messages promise.
    fn promises_durability(&self) -> bool {
        match self {
            Msg::Raft(m) => m.promises_durability(),
            Msg::Paxos(m) => m.promises_durability(),
            _ => false,
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Msg::Raft(m) => m.kind(),
            Msg::Paxos(m) => m.kind(),
            Msg::Heartbeat { .. } => "Heartbeat",
            Msg::Dispatch { .. } => "Dispatch",
            Msg::Cancel { .. } => "Cancel",
            Msg::Report { .. } => "Report",
            Msg::Ack { .. } => "Ack",
            Msg::Fetch { .. } => "Fetch",
            Msg::Data { .. } => "Data",
            Msg::Missing { .. } => "Missing",
        }
    }

    fn size(&self) -> u64 {
        match self {
            Msg::Raft(m) => m.size(),
            Msg::Paxos(m) => m.size(),
            Msg::Heartbeat { running } => 16 + 8 * running.len() as u64,
            Msg::Dispatch { sources, .. } => {
                24 + sources
                    .iter()
                    .map(|s| 12 + 4 * s.holders.len() as u64)
                    .sum::<u64>()
            }
            Msg::Data {
                part, parts, bytes, ..
            } => 40 + part_bytes(*bytes, *part, *parts),
            _ => 24,
        }
    }
}

/// The largest part a file is sent in.
pub const PART_BYTES: u64 = 8 << 20;

/// The parts of a file of `bytes` bytes.
pub fn parts_of(bytes: u64) -> u32 {
    bytes.div_ceil(PART_BYTES).max(1) as u32
}

/// The size of part `part` of `parts` of a file of `bytes` bytes.
pub fn part_bytes(bytes: u64, part: u32, parts: u32) -> u64 {
    if part + 1 < parts {
        PART_BYTES
    } else {
        bytes - PART_BYTES * u64::from(parts - 1)
    }
}

/// Sends a whole file to `to`, part by part; returns the messages sent.
pub(crate) fn send_file<N>(
    ctx: &mut sim_core::Ctx<'_, N>,
    to: NodeId,
    (file, version, bytes): (u32, u32, u64),
    spread: bool,
) -> u64
where
    N: sim_core::Node<Message = Msg>,
{
    let parts = parts_of(bytes);
    for part in 0..parts {
        ctx.send(
            to,
            Msg::Data {
                file,
                version,
                part,
                parts,
                bytes,
                spread,
            },
        );
    }
    u64::from(parts)
}

impl From<raft::Msg<EngineState>> for Msg {
    fn from(m: raft::Msg<EngineState>) -> Msg {
        Msg::Raft(m)
    }
}

impl From<paxos::Msg<EngineState>> for Msg {
    fn from(m: paxos::Msg<EngineState>) -> Msg {
        Msg::Paxos(m)
    }
}
