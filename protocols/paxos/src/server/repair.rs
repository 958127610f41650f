//! A server that found its disk damaged at a restart: it keeps out of what it cannot vouch for
//! until it is safe to take part again.
//!
//! - **Damaged accepted proposals.** A slot whose record is damaged, stale or missing may have
//!   been chosen with this acceptor's vote. Promising without it would let a new proposer fill
//!   the slot with something else (the PAR paper's lost commit). So the server promises to no
//!   proposer whose phase 1 reaches a suspect slot, and does not stand itself. A slot is
//!   repaired when the server learns the value chosen there (it then records that value as
//!   chosen, [`Ballot::CHOSEN`], which any later proposer must keep), when a leader's accept
//!   rewrites it (that leader's phase 1 ran without this server, on a quorum of others), or
//!   when a snapshot covers it. The range under repair is kept on disk until it is over, so
//!   that a crash during the repair does not end it.
//! - **A lost promise.** The server cannot know what it promised. It takes part in neither
//!   phase and asks the others for the highest ballot each knows (promised, or seen: its own
//!   proposals included), until all of them have answered. The proposer of any ballot it
//!   promised is one of them: alive, it knows its ballot; crashed, its ballot's phase 1
//!   either never ended or ended on a quorum whose promises came before the crash and so
//!   before their answers. The server then promises above the highest ballot answered. (The
//!   others of a phase-1 quorum, `n - q1 + 1` answers, would cover quorums already formed, but
//!   not a prepare still in flight to them.) The price is liveness: the server takes no part
//!   while any other server is unreachable.

use super::{NodeCtx, REPAIR, Server};
use crate::host::Host;
use crate::node::Record;
use crate::{Ballot, Msg};
use rsm::StateMachine;
use sim_core::NodeId;
use std::collections::{BTreeMap, BTreeSet};

/// A repair of damaged accepted proposals under way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Repair {
    /// The end (exclusive) of the damaged range, as kept on disk.
    pub upto: u64,
    /// The slots not yet repaired.
    pub slots: BTreeSet<u64>,
}

impl<S: StateMachine> Server<S> {
    /// Why the server sits out, if it does: for views and checkers.
    pub fn recovering(&self) -> Option<&'static str> {
        if self.ballot_query.is_some() {
            Some("lost its promise")
        } else if self.repair.is_some() {
            Some("repairing accepted slots")
        } else {
            None
        }
    }

    /// Whether the server may not stand for leader.
    pub(super) fn abstains(&self) -> bool {
        self.recovering().is_some()
    }

    /// Whether the server must not answer a prepare from `from_slot` on.
    pub(super) fn refuses_prepare(&self, from_slot: u64) -> bool {
        self.lost_promise()
            || self
                .repair
                .as_ref()
                .is_some_and(|r| r.slots.range(from_slot..).next().is_some())
    }

    /// Whether `slot` is under repair: what this server holds for it is not to be trusted.
    pub(super) fn is_suspect(&self, slot: u64) -> bool {
        self.repair
            .as_ref()
            .is_some_and(|r| r.slots.contains(&slot))
    }

    /// Whether the server lost its promise and has not settled a new one: it then holds no
    /// promise it acts on (checkers do not hold it to the one it shows).
    pub fn lost_promise(&self) -> bool {
        self.ballot_query.is_some()
    }

    /// Asks every other server that has not answered its highest ballot.
    pub(super) fn ask_ballots<H: Host<S>>(&mut self, ctx: NodeCtx<'_, '_, H>) {
        let Some(answered) = &self.ballot_query else {
            return;
        };
        let ask: Vec<NodeId> = self
            .servers
            .iter()
            .copied()
            .filter(|s| *s != self.id && !answered.contains_key(s))
            .collect();
        for s in ask {
            self.send(s, Msg::BallotQuery, ctx);
        }
        self.settle_ballots(ctx);
    }

    /// Tells a server that lost its promise the highest ballot this one knows of. A server
    /// that lost its own answers what it has seen since, so that two of them do not wait on
    /// each other for ever (with two disks damaged at once the guarantee no longer holds).
    pub(super) fn on_ballot_query<H: Host<S>>(&mut self, from: NodeId, ctx: NodeCtx<'_, '_, H>) {
        if from == self.id {
            return;
        }
        let promised = self.seen.max(self.acceptor.promised());
        self.send(from, Msg::BallotReply { promised }, ctx);
    }

    /// Notes one server's answer; with enough of them, the promise is settled.
    pub(super) fn on_ballot_reply<H: Host<S>>(
        &mut self,
        from: NodeId,
        promised: Ballot,
        ctx: NodeCtx<'_, '_, H>,
    ) {
        if !self.is_server(from) {
            return;
        }
        if let Some(answered) = &mut self.ballot_query {
            answered.insert(from, promised);
            self.settle_ballots(ctx);
        }
    }

    /// Once every other server answered (see the module's notes): the server promises above
    /// the highest ballot answered.
    fn settle_ballots<H: Host<S>>(&mut self, ctx: NodeCtx<'_, '_, H>) {
        let Some(answered) = &self.ballot_query else {
            return;
        };
        if self
            .servers
            .iter()
            .any(|s| *s != self.id && !answered.contains_key(s))
        {
            return;
        }
        let highest = answered.values().copied().max().unwrap_or(Ballot::ZERO);
        self.ballot_query = None;
        // Above every ballot of the highest round answered: a proposer that ran that round
        // with this server's lost promise is refused, and tries a higher one.
        let settled = Ballot::new(highest.round.saturating_add(1), u32::MAX);
        self.acceptor.raise(settled);
        self.see(settled);
        self.persist(None, ctx);
        ctx.annotate(format!(
            "{} settled its lost promise at {}",
            self.id,
            self.acceptor.promised()
        ));
    }

    /// Starts repairing the slots from `from` up to `upto` (exclusive), noting it on disk.
    pub(super) fn begin_repair<H: Host<S>>(
        &mut self,
        from: u64,
        upto: u64,
        ctx: NodeCtx<'_, '_, H>,
    ) {
        ctx.disk().put(REPAIR, Record::Repair { upto }.into());
        ctx.disk().sync();
        self.repair = Some(Repair {
            upto,
            slots: (from..upto).collect(),
        });
        ctx.annotate(format!(
            "{} found damaged accepted slots {from}..{upto}: it repairs them before promising",
            self.id
        ));
        self.advance_repair(ctx);
    }

    /// A leader's accept rewrote `slot`.
    pub(super) fn repaired<H: Host<S>>(&mut self, slot: u64, ctx: NodeCtx<'_, '_, H>) {
        if let Some(r) = &mut self.repair
            && r.slots.remove(&slot)
        {
            self.finish_repair(ctx);
        }
    }

    /// Repairs the slots a snapshot now covers or whose chosen value is now known, in slot
    /// order (the replica learns in that order too).
    pub(super) fn advance_repair<H: Host<S>>(&mut self, ctx: NodeCtx<'_, '_, H>) {
        let Some(r) = &mut self.repair else {
            return;
        };
        let compacted = self.acceptor.compacted();
        r.slots = r.slots.split_off(&compacted);
        let mut fixed = Vec::new();
        for &slot in &r.slots {
            match self.replica.chosen(slot) {
                Some(v) => fixed.push((slot, v.clone())),
                None => break,
            }
        }
        for (slot, _) in &fixed {
            r.slots.remove(slot);
        }
        for (slot, value) in fixed {
            let before = self.entry_hash(slot);
            self.acceptor.repair(slot, value);
            self.note_entry(slot, before);
            self.persist(Some(slot), ctx);
        }
        self.finish_repair(ctx);
    }

    /// Ends the repair once no slot is left.
    fn finish_repair<H: Host<S>>(&mut self, ctx: NodeCtx<'_, '_, H>) {
        if self.repair.as_ref().is_none_or(|r| !r.slots.is_empty()) {
            return;
        }
        let upto = self.repair.take().map_or(0, |r| r.upto);
        ctx.disk().remove(REPAIR);
        ctx.disk().sync();
        ctx.annotate(format!(
            "{} repaired its accepted slots up to {upto}: it promises again",
            self.id
        ));
    }
}

/// The answers a server that lost its promise has had: server to ballot.
pub(crate) type BallotAnswers = BTreeMap<NodeId, Ballot>;
