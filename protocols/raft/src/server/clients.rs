//! Client requests at a server: redirect when not leading, append a command, or take the read
//! path.

use super::{Role, Server};
use crate::config::{Bug, ReadMode};
use crate::host::Host;
use crate::log::{Entry, Payload};
use crate::message::Msg;
use crate::node::Timer;
use rsm::StateMachine;
use rsm::{Command, Reply, ReplyOutcome, Request};
use sim_core::{Ctx, Duration, NodeId};
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
        if self.config.batch_delay > Duration::ZERO {
            if self.gathering.is_empty() {
                let term = self.term;
                Self::set_timer(ctx, self.config.batch_delay, Timer::Batch { term });
            }
            self.gathering.push((from, command));
            return;
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

    /// Appends the commands gathered for `batch_delay`, with one sync, and sends them. A
    /// leader that stepped down has dropped them, and their clients retry elsewhere.
    pub(crate) fn on_batch_timer<H: Host<S>>(&mut self, term: u64, ctx: &mut Ctx<'_, H>) {
        if self.role != Role::Leader || self.term != term || self.gathering.is_empty() {
            return;
        }
        for (from, command) in std::mem::take(&mut self.gathering) {
            let seq = command.seq;
            let entry = Entry {
                term,
                payload: Payload::Command(Arc::new(command)),
            };
            let index = self.append_unsynced(entry, ctx);
            self.owed.insert(index, (from, seq));
        }
        self.persist_tail(ctx);
        ctx.disk().sync();
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
