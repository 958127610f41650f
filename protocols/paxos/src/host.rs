//! Running a Multi-Paxos server inside another node type.
//!
//! A system built on Multi-Paxos (an agent-workflow engine whose coordinators agree on their
//! state) runs nodes that are more than a Paxos server: the server is one part of the node,
//! beside its own logic. The server's methods therefore take the context of any node type that
//! can carry Paxos's messages, timers and disk records; `PaxosNode` is the host where the
//! server is the whole node.

use crate::Msg;
use crate::node::{Record, Timer};
use rsm::StateMachine;
use sim_core::Node;

/// A node type that can host a Multi-Paxos server replicating `S`: its messages, timers and
/// disk records each have a place for Paxos's.
pub trait Host<S: StateMachine>:
    Node<Message: From<Msg<S>>, Timer: From<Timer>, Record: From<Record<S>> + PaxosRecord<S>>
{
}

impl<S, N> Host<S> for N
where
    S: StateMachine,
    N: Node<Message: From<Msg<S>>, Timer: From<Timer>, Record: From<Record<S>> + PaxosRecord<S>>,
{
}

/// A host's disk record seen as Paxos's, so a restarting server recovers its own records from
/// a disk it shares with the rest of its node.
pub trait PaxosRecord<S: StateMachine> {
    /// The Paxos record, if this is one.
    fn paxos(&self) -> Option<&Record<S>>;
}

impl<S: StateMachine> PaxosRecord<S> for Record<S> {
    #[inline]
    fn paxos(&self) -> Option<&Record<S>> {
        Some(self)
    }
}
