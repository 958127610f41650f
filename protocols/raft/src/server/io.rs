//! What a server hands its host: Raft's messages and timers, converted into the host node's
//! own types (the identity when the host is `RaftNode`).

use super::Server;
use crate::host::Host;
use crate::message::Msg;
use crate::node::Timer;
use rsm::StateMachine;
use sim_core::{Ctx, Duration, NodeId, TimerId};

impl<S: StateMachine> Server<S> {
    /// Sends a Raft message.
    #[inline]
    pub(crate) fn send<H: Host<S>>(ctx: &mut Ctx<'_, H>, to: NodeId, msg: Msg<S>) {
        ctx.send(to, msg.into());
    }

    /// Sends one Raft message to several nodes.
    #[inline]
    pub(crate) fn send_all<H: Host<S>>(
        ctx: &mut Ctx<'_, H>,
        to: impl IntoIterator<Item = NodeId>,
        msg: Msg<S>,
    ) {
        ctx.send_all(to, &msg.into());
    }

    /// Sets a Raft timer.
    #[inline]
    pub(crate) fn set_timer<H: Host<S>>(
        ctx: &mut Ctx<'_, H>,
        after: Duration,
        timer: Timer,
    ) -> TimerId {
        ctx.set_timer(after, timer.into())
    }
}
