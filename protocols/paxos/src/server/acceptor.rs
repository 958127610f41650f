//! The acceptor's side of a server: promises and accepts, written to disk before they are
//! answered, since a promise forgotten across a crash breaks safety.

use super::{ACCEPTED, NodeCtx, PROMISE, Server};
use crate::acceptor::AcceptOutcome;
use crate::host::Host;
use crate::node::Record;
use crate::{Ballot, Msg, Value};
use rsm::StateMachine;
use sim_core::{DiskKey, NodeId};

impl<S: StateMachine> Server<S> {
    pub(super) fn on_prepare<H: Host<S>>(
        &mut self,
        from: NodeId,
        ballot: Ballot,
        from_slot: u64,
        ctx: NodeCtx<'_, '_, H>,
    ) {
        self.see(ballot);
        match self.acceptor.prepare(ballot, from_slot) {
            Ok((accepted, _)) => {
                self.persist(None, ctx);
                if from != self.id {
                    // Give the proposer time to finish phase 1 before competing with it.
                    self.last_heard = ctx.local_time();
                    self.yield_to(ballot, ctx);
                }
                let compacted = self.acceptor.compacted();
                let promise = Msg::Promise {
                    ballot,
                    accepted,
                    compacted,
                };
                self.send(from, promise, ctx);
            }
            Err(promised) => self.send(from, Msg::Nack { ballot, promised }, ctx),
        }
    }

    pub(super) fn on_accept<H: Host<S>>(
        &mut self,
        from: NodeId,
        ballot: Ballot,
        slot: u64,
        value: Value<S>,
        commit: u64,
        ctx: NodeCtx<'_, '_, H>,
    ) {
        self.see(ballot);
        match self.acceptor.accept(ballot, slot, &value) {
            AcceptOutcome::Accepted { changed } => {
                self.journal.accepted.push((slot, ballot, value.digest()));
                if changed {
                    self.persist(Some(slot), ctx);
                }
                self.send(from, Msg::Accepted { ballot, slot }, ctx);
                self.heard_from_leader(from, ballot, ctx);
                self.learn_commit(from, ballot, commit, ctx);
            }
            AcceptOutcome::Compacted => self.answer_catch_up(from, slot, ctx),
            AcceptOutcome::TooFar => {}
            AcceptOutcome::Rejected { promised } => {
                self.send(from, Msg::Nack { ballot, promised }, ctx);
            }
        }
    }

    /// Writes what the acceptor changed, and syncs before anything is answered (unless the
    /// `forget-promise` bug is on).
    fn persist<H: Host<S>>(&mut self, slot: Option<u64>, ctx: NodeCtx<'_, '_, H>) {
        let promised = self.acceptor.promised();
        let mut wrote = false;
        if promised != self.written_promise {
            ctx.disk().put(PROMISE, Record::Promise(promised).into());
            self.written_promise = promised;
            wrote = true;
        }
        if let Some(slot) = slot
            && let Some((b, v)) = self.acceptor.accepted(slot)
        {
            ctx.disk().put(
                DiskKey(ACCEPTED, slot),
                Record::Accepted(*b, v.clone()).into(),
            );
            wrote = true;
        }
        if wrote {
            self.sync(ctx);
        }
    }
}
