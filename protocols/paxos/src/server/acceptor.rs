//! The acceptor's side of a server: promises and accepts, written to disk before they are
//! answered, since a promise forgotten across a crash breaks safety.

use super::{ACCEPTED, NOTE, NOTE_COPY, NodeCtx, PROMISE, PROMISE_COPY, Server};
use crate::acceptor::AcceptOutcome;
use crate::disk_note::entry_hash;
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
        if self.refuses_prepare(from_slot) {
            return;
        }
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
        if self.lost_promise() {
            return;
        }
        let before = self.entry_hash(slot);
        match self.acceptor.accept(ballot, slot, &value) {
            AcceptOutcome::Accepted { changed } => {
                self.journal.accepted.push((slot, ballot, value.digest()));
                if changed {
                    self.note_entry(slot, before);
                    self.persist(Some(slot), ctx);
                }
                // What the leader proposes now is what this slot holds: repaired.
                self.repaired(slot, ctx);
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

    /// Writes what the acceptor changed (the promise twice, an accepted proposal, and the
    /// note twice, which carries the promise too), and syncs before anything is answered (unless the
    /// `forget-promise` bug is on).
    pub(super) fn persist<H: Host<S>>(&mut self, slot: Option<u64>, ctx: NodeCtx<'_, '_, H>) {
        let promised = self.acceptor.promised();
        let mut wrote = false;
        if promised != self.written_promise {
            ctx.disk().put(PROMISE, Record::Promise(promised).into());
            ctx.disk()
                .put(PROMISE_COPY, Record::Promise(promised).into());
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
            self.write_note(ctx);
            self.sync(ctx);
        }
    }

    /// The share of `slot`'s accepted proposal in the note's sum (0: none held).
    pub(super) fn entry_hash(&self, slot: u64) -> u64 {
        self.acceptor
            .accepted(slot)
            .map_or(0, |(b, v)| entry_hash(slot, *b, v.digest()))
    }

    /// Updates the note for a change to `slot` whose entry hashed to `before`.
    pub(super) fn note_entry(&mut self, slot: u64, before: u64) {
        let after = self.entry_hash(slot);
        self.note.sum = self.note.sum.wrapping_sub(before).wrapping_add(after);
        self.note.tail = self.note.tail.max(slot + 1);
    }

    /// Writes the note, both copies (synced with what it describes).
    pub(super) fn write_note<H: Host<S>>(&mut self, ctx: NodeCtx<'_, '_, H>) {
        self.note.writes += 1;
        self.note.compacted = self.acceptor.compacted();
        self.note.promised = self.acceptor.promised();
        ctx.disk().put(NOTE, Record::Note(self.note).into());
        ctx.disk().put(NOTE_COPY, Record::Note(self.note).into());
    }
}
