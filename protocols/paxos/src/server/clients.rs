//! The client-facing side of a server: queueing requests while leading, answering retries of
//! applied commands, and redirecting clients when not leading.

use super::{MAX_QUEUED, NodeCtx, Proposer, Server};
use crate::Msg;
use crate::host::Host;
use rsm::StateMachine;
use rsm::{Command, Outcome, Reply, ReplyOutcome, Request};
use sim_core::NodeId;

impl<S: StateMachine> Server<S> {
    pub(super) fn on_request<H: Host<S>>(
        &mut self,
        from: NodeId,
        req: Request<S>,
        ctx: NodeCtx<'_, '_, H>,
    ) {
        let cmd = req.command;
        match &mut self.proposer {
            Proposer::Leading(l) => {
                if let Some(s) = self.replica.store().session(cmd.client) {
                    if cmd.seq < s.seq {
                        return;
                    }
                    if cmd.seq == s.seq {
                        // A retry of an applied command: answer with its result again.
                        let reply = Reply {
                            seq: cmd.seq,
                            outcome: ReplyOutcome::Ok(s.output.clone()),
                        };
                        Self::emit(ctx, from, Msg::Reply(reply));
                        return;
                    }
                }
                if l.queue.len() >= MAX_QUEUED {
                    let reply = Reply {
                        seq: cmd.seq,
                        outcome: ReplyOutcome::NotLeader { hint: None },
                    };
                    Self::emit(ctx, from, Msg::Reply(reply));
                    return;
                }
                l.enqueue(cmd, ctx.local_time());
                self.fill_window(ctx);
            }
            Proposer::Preparing(_) if self.held.len() < MAX_QUEUED => self.held.push_back(cmd),
            _ => {
                let now = ctx.local_time();
                let hint = self
                    .leader
                    .filter(|&l| l != self.id && now < self.last_heard + self.timeout);
                let reply = Reply {
                    seq: cmd.seq,
                    outcome: ReplyOutcome::NotLeader { hint },
                };
                Self::emit(ctx, from, Msg::Reply(reply));
            }
        }
    }

    /// Proposes a command at this leader on behalf of its host (a workflow coordinator's
    /// scheduler): queued and batched like a client's, answered to nobody. Its result shows
    /// in [`Server::take_outcomes`] once applied.
    pub fn propose_command<H: Host<S>>(
        &mut self,
        command: Command<S>,
        ctx: NodeCtx<'_, '_, H>,
    ) -> Result<(), String> {
        let Proposer::Leading(l) = &mut self.proposer else {
            return Err(format!("{} is not leading", self.id));
        };
        if l.queue.len() >= MAX_QUEUED {
            return Err(format!("{} has {MAX_QUEUED} commands queued", self.id));
        }
        l.enqueue(command, ctx.local_time());
        self.fill_window(ctx);
        self.drain(ctx);
        Ok(())
    }

    /// Keeps every command applied from now on with its result, for
    /// [`Server::take_outcomes`]: a host that proposes commands itself learns what they
    /// answered.
    pub fn keep_outcomes(&mut self) {
        self.replica.keep_outcomes();
    }

    /// The commands applied since the last call, with their results, in slot order.
    pub fn take_outcomes(&mut self) -> Vec<Outcome<S>> {
        self.replica.take_outcomes()
    }

    pub(super) fn reply<H: Host<S>>(
        &mut self,
        client: u64,
        reply: Reply<S>,
        ctx: NodeCtx<'_, '_, H>,
    ) {
        if let Ok(c) = u32::try_from(client)
            && c < ctx.node_count()
            && c != self.id.0
        {
            Self::emit(ctx, NodeId(c), Msg::Reply(reply));
        }
    }
}
