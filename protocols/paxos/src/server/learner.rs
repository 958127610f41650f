//! The learner's side of a server: learning chosen values from commits, catch-up answers and
//! snapshots, applying them in slot order, and snapshotting when due.

use super::{ACCEPTED, NodeCtx, Proposer, SCAN_LIMIT, SNAPSHOT, Server, draw};
use crate::disk_note::entry_hash;
use crate::host::Host;
use crate::node::Record;
use crate::replica::Snapshot;
use crate::{Ballot, Msg, Value};
use rsm::StateMachine;
use sim_core::{DiskKey, Mark, NodeId};
use std::sync::Arc;

impl<S: StateMachine> Server<S> {
    pub(super) fn heard_from_leader<H: Host<S>>(
        &mut self,
        from: NodeId,
        ballot: Ballot,
        ctx: NodeCtx<'_, '_, H>,
    ) {
        if ballot < self.leader_ballot {
            return;
        }
        self.leader_ballot = ballot;
        self.leader = Some(from);
        if from != self.id {
            self.last_heard = ctx.local_time();
            self.yield_to(ballot, ctx);
            if self.timeout < self.config.leader_timeout.min {
                self.timeout = draw(self.config.leader_timeout, ctx);
            }
        }
    }

    /// Learns the slots below `commit` whose value this server accepted under the committing
    /// leader's `ballot` (one ballot proposes one value per slot), and asks for the rest.
    pub(super) fn learn_commit<H: Host<S>>(
        &mut self,
        from: NodeId,
        ballot: Ballot,
        commit: u64,
        ctx: NodeCtx<'_, '_, H>,
    ) {
        if from == self.id {
            return;
        }
        let start = self.replica.applied();
        for slot in start..commit.min(start + SCAN_LIMIT) {
            // A suspect slot's record may be another slot's, misdirected: ask for it instead.
            if self.replica.is_chosen(slot) || self.is_suspect(slot) {
                continue;
            }
            if let Some((b, v)) = self.acceptor.accepted(slot)
                && *b == ballot
            {
                let v = v.clone();
                self.replica.learn(slot, v);
            }
        }
        self.apply(ctx);
        if self.replica.applied() < commit {
            self.ask_catch_up(from, ctx);
        }
    }

    pub(super) fn ask_catch_up<H: Host<S>>(&mut self, to: NodeId, ctx: NodeCtx<'_, '_, H>) {
        let now = ctx.local_time();
        let from = self.replica.applied();
        if let Some((asked, at)) = self.catch_up
            && asked == from
            && now < at + self.config.resend
        {
            return;
        }
        self.catch_up = Some((from, now));
        self.send(to, Msg::CatchUp { from }, ctx);
    }

    /// Learns a catch-up answer. A full batch means the sender may hold more: ask it for the
    /// next one at once, so a server far behind catches up whether or not new slots are being
    /// chosen (an idle leader's heartbeats would otherwise be the only prompt, and a lagging
    /// leader gets none).
    pub(super) fn on_chosen<H: Host<S>>(
        &mut self,
        from: NodeId,
        first: u64,
        values: Vec<Value<S>>,
        ctx: NodeCtx<'_, '_, H>,
    ) {
        let full = values.len() as u64 >= self.config.catch_up_batch;
        let before = self.replica.applied();
        for (i, v) in values.into_iter().enumerate() {
            if let Some(slot) = first.checked_add(i as u64) {
                self.replica.learn(slot, v);
            }
        }
        self.apply(ctx);
        if full && self.replica.applied() > before {
            self.ask_catch_up(from, ctx);
        }
    }

    /// A leader elected behind a promiser's snapshot asks again (at most once per resend
    /// interval for the same slot) until it has applied up to that snapshot. A peer that let
    /// a whole resend interval pass without moving it on may no longer hold what it promised
    /// with (its snapshot damaged on disk, say): the next server is asked instead.
    pub(super) fn leader_catch_up<H: Host<S>>(&mut self, ctx: NodeCtx<'_, '_, H>) {
        let applied = self.replica.applied();
        let now = ctx.local_time();
        let stalled = matches!(self.catch_up,
            Some((asked, at)) if asked == applied && now >= at + self.config.resend);
        let Proposer::Leading(l) = &mut self.proposer else {
            return;
        };
        let peer = match l.behind {
            Some((_, upto)) if applied >= upto => {
                l.behind = None;
                return;
            }
            Some((peer, upto)) if stalled => {
                let next = next_peer(&self.servers, peer, self.id);
                l.behind = Some((next, upto));
                next
            }
            Some((peer, _)) => peer,
            None => return,
        };
        self.ask_catch_up(peer, ctx);
    }

    pub(super) fn answer_catch_up<H: Host<S>>(
        &mut self,
        to: NodeId,
        from: u64,
        ctx: NodeCtx<'_, '_, H>,
    ) {
        if to == self.id {
            return;
        }
        match self.replica.values_from(from, self.config.catch_up_batch) {
            Some(values) if !values.is_empty() => {
                self.send(to, Msg::Chosen { from, values }, ctx);
            }
            Some(_) => {}
            None => {
                if let Some(s) = self.replica.snapshot() {
                    let s = s.clone();
                    self.send(to, Msg::Snapshot(s), ctx);
                }
            }
        }
    }

    pub(super) fn install_snapshot<H: Host<S>>(
        &mut self,
        s: Arc<Snapshot<S>>,
        ctx: NodeCtx<'_, '_, H>,
    ) {
        if !self.replica.install(s.clone()) {
            return;
        }
        ctx.annotate(format!("installed a snapshot to slot {}", s.upto));
        ctx.mark(Mark::Snapshot { index: s.upto });
        self.journal.applied.push((s.upto, s.hash));
        self.store_snapshot(&s, ctx);
        if let Proposer::Leading(l) = &mut self.proposer {
            l.in_flight = l.in_flight.split_off(&s.upto);
            l.next_slot = l.next_slot.max(s.upto);
        }
        self.apply(ctx);
    }

    fn store_snapshot<H: Host<S>>(&mut self, s: &Arc<Snapshot<S>>, ctx: NodeCtx<'_, '_, H>) {
        ctx.disk().put(SNAPSHOT, Record::Snapshot(s.clone()).into());
        let gone: u64 = self
            .acceptor
            .entries()
            .take_while(|(slot, _)| *slot < s.upto)
            .fold(0u64, |sum, (slot, (b, v))| {
                sum.wrapping_add(entry_hash(slot, *b, v.digest()))
            });
        for slot in self.acceptor.compact(s.upto) {
            ctx.disk().remove(DiskKey(ACCEPTED, slot));
        }
        self.note.sum = self.note.sum.wrapping_sub(gone);
        self.write_note(ctx);
        self.sync(ctx);
        self.advance_repair(ctx);
    }

    /// Applies every slot whose value is known, answers clients if leading, snapshots when
    /// due, and refills the window.
    pub(super) fn apply<H: Host<S>>(&mut self, ctx: NodeCtx<'_, '_, H>) {
        let mut any = false;
        while let Some(a) = self.replica.apply_next(&mut self.replies) {
            any = true;
            self.journal.applied.push((a.slot + 1, a.hash));
            if let Proposer::Leading(l) = &mut self.proposer {
                l.in_flight.remove(&a.slot);
            }
        }
        if !any {
            return;
        }
        self.advance_repair(ctx);
        ctx.mark(Mark::Committed {
            index: self.replica.applied(),
        });
        let mut replies = std::mem::take(&mut self.replies);
        if matches!(self.proposer, Proposer::Leading(_)) {
            for (client, reply) in replies.drain(..) {
                self.reply(client, reply, ctx);
            }
        }
        replies.clear();
        self.replies = replies;
        let every = self.config.snapshot_every;
        let last = self.replica.snapshot().map_or(0, |s| s.upto);
        if every > 0 && self.replica.applied() >= last + every {
            let s = self.replica.take_snapshot(every);
            self.store_snapshot(&s, ctx);
        }
        self.fill_window(ctx);
    }
}

/// The server after `peer` in `servers`, in a ring, skipping `me`.
fn next_peer(servers: &[NodeId], peer: NodeId, me: NodeId) -> NodeId {
    let at = servers.iter().position(|s| *s == peer).unwrap_or(0);
    (1..=servers.len())
        .map(|k| servers[(at + k) % servers.len()])
        .find(|s| *s != me)
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::next_peer;
    use sim_core::NodeId;

    #[test]
    fn the_next_peer_goes_round_the_ring_and_skips_the_asker() {
        let servers = [NodeId(0), NodeId(1), NodeId(2)];
        assert_eq!(next_peer(&servers, NodeId(0), NodeId(2)), NodeId(1));
        assert_eq!(next_peer(&servers, NodeId(1), NodeId(2)), NodeId(0));
        assert_eq!(next_peer(&servers, NodeId(2), NodeId(0)), NodeId(1));
        assert_eq!(next_peer(&servers, NodeId(1), NodeId(0)), NodeId(2));
    }
}
