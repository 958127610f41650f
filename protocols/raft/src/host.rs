//! Running a Raft server inside another node type.
//!
//! A system built on Raft (an agent-workflow engine whose coordinators agree on their state, a
//! ledger) runs nodes that are more than a Raft server: the server is one part of the node,
//! beside its own logic. The server's methods therefore take the context of any node type that
//! can carry Raft's messages, timers and disk records; `RaftNode` is the host where the server
//! is the whole node.

use crate::message::Msg;
use crate::node::Timer;
use crate::persist::Record;
use rsm::StateMachine;
use sim_core::Node;

/// A node type that can host a Raft server replicating `S`: its messages, timers and disk
/// records each have a place for Raft's.
pub trait Host<S: StateMachine>:
    Node<Message: From<Msg<S>>, Timer: From<Timer>, Record: From<Record<S>> + RaftRecord<S>>
{
}

impl<S, N> Host<S> for N
where
    S: StateMachine,
    N: Node<Message: From<Msg<S>>, Timer: From<Timer>, Record: From<Record<S>> + RaftRecord<S>>,
{
}

/// A host's disk record seen as Raft's, so a restarting server recovers its own records from
/// a disk it shares with the rest of its node.
pub trait RaftRecord<S: StateMachine> {
    /// The Raft record, if this is one.
    fn raft(&self) -> Option<&Record<S>>;
}

impl<S: StateMachine> RaftRecord<S> for Record<S> {
    #[inline]
    fn raft(&self) -> Option<&Record<S>> {
        Some(self)
    }
}
