//! What a server hands its host: Paxos's messages and timers, converted into the host node's
//! own types (the identity when the host is `PaxosNode`).

use super::{NodeCtx, Server};
use crate::Msg;
use crate::host::Host;
use crate::node::Timer;
use rsm::StateMachine;
use sim_core::{Duration, NodeId, TimerId};

impl<S: StateMachine> Server<S> {
    /// Sends a Paxos message over the network.
    #[inline]
    pub(super) fn emit<H: Host<S>>(ctx: NodeCtx<'_, '_, H>, to: NodeId, msg: Msg<S>) {
        ctx.send(to, msg.into());
    }

    /// Sets a Paxos timer.
    #[inline]
    pub(super) fn set_timer<H: Host<S>>(
        ctx: NodeCtx<'_, '_, H>,
        after: Duration,
        timer: Timer,
    ) -> TimerId {
        ctx.set_timer(after, timer.into())
    }
}
