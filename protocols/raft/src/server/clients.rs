//! Client requests at a server: redirect when not leading, append a command, or take the read
//! path.

use super::{Role, Server};
use crate::config::{Bug, ReadMode};
use crate::host::Host;
use crate::log::{Entry, Payload};
use crate::message::Msg;
use rsm::StateMachine;
use rsm::{Command, Reply, ReplyOutcome, Request};
use sim_core::{Ctx, NodeId};
use std::sync::Arc;

impl<S: StateMachine> Server<S> {
    /// Handles a client's request.
    pub(crate) fn on_request<H: Host<S>>(
        &mut self,
        from: NodeId,
        request: Request<S>,
        ctx: &mut Ctx<'_, H>,
    ) {
        let command = request.command;
        if self.role != Role::Leader {
            let reply = Reply {
                seq: command.seq,
                outcome: ReplyOutcome::NotLeader { hint: self.leader },
            };
            Self::send(ctx, from, Msg::Reply(reply));
            return;
        }
        if command.is_read() {
            if self.has(Bug::StaleRead)
                && let Some(output) = self.store.query(&command.op)
            {
                // Served from memory: a deposed leader that does not know it yet answers
                // with what it has.
                let reply = Reply {
                    seq: command.seq,
                    outcome: ReplyOutcome::Ok(output),
                };
                Self::send(ctx, from, Msg::Reply(reply));
                return;
            }
            if self.config.read_mode == ReadMode::ReadIndex {
                self.begin_read(from, command.seq, command.op, ctx);
                return;
            }
        }
        let seq = command.seq;
        let index = self.append_local(
            Entry {
                term: self.term,
                payload: Payload::Command(Arc::new(command)),
            },
            ctx,
        );
        self.owed.insert(index, (from, seq));
        self.broadcast_append(ctx);
        self.advance_commit(ctx);
    }
}

impl<S: StateMachine> Server<S> {
    /// Appends a command at the leader on behalf of no client (a command typed into an
    /// inspector, or a test steering the cluster); nobody is answered when it applies.
    pub fn propose<H: Host<S>>(
        &mut self,
        command: Command<S>,
        ctx: &mut Ctx<'_, H>,
    ) -> Result<u64, String> {
        if self.role != Role::Leader {
            return Err(format!("{} is not the leader", self.id));
        }
        let index = self.append_local(
            Entry {
                term: self.term,
                payload: Payload::Command(Arc::new(command)),
            },
            ctx,
        );
        self.broadcast_append(ctx);
        self.advance_commit(ctx);
        Ok(index)
    }
}
