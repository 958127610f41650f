//! The proposer's side of a server: when to run phase 1, becoming leader, filling the window
//! of slots in phase 2, and stepping down when a higher ballot shows up.

use super::{NodeCtx, Proposer, Server, draw};
use crate::host::Host;
use crate::leader::{Leading, Proposal};
use crate::node::Timer;
use crate::proposer::Phase1;
use crate::{Ballot, Bug, Msg, Value};
use rsm::StateMachine;
use rsm::{Reply, ReplyOutcome};
use sim_core::{Mark, NodeId};

impl<S: StateMachine> Server<S> {
    pub(super) fn on_election_timer<H: Host<S>>(&mut self, ctx: NodeCtx<'_, '_, H>) {
        let now = ctx.local_time();
        let deadline = self.last_heard + self.timeout;
        if matches!(self.proposer, Proposer::Leading(_)) {
            Self::set_timer(ctx, self.timeout, Timer::Election);
            return;
        }
        if now < deadline {
            Self::set_timer(ctx, deadline - now, Timer::Election);
            return;
        }
        if self.abstains() {
            // Ask again whoever has not answered, and let a server with a whole disk lead.
            // Nothing was heard from a leader: clients are no longer sent to the one it knew.
            self.ask_ballots(ctx);
            Self::set_timer(ctx, self.timeout, Timer::Election);
            return;
        }
        self.start_phase1(ctx);
        self.last_heard = now;
        self.timeout = draw(self.config.leader_timeout, ctx);
        Self::set_timer(ctx, self.timeout, Timer::Election);
    }

    pub(super) fn start_phase1<H: Host<S>>(&mut self, ctx: NodeCtx<'_, '_, H>) {
        let seen = self.seen.max(self.acceptor.promised());
        let unique = !self.config.has(Bug::NonUniqueBallots);
        let ballot = Ballot::next_for(seen, self.id.0, unique);
        self.see(ballot);
        let from_slot = self.replica.applied();
        if self.leader == Some(self.id) {
            self.leader = None;
        }
        let now = ctx.local_time();
        self.proposer = Proposer::Preparing(Phase1::new(ballot, from_slot, self.q1, now));
        ctx.annotate(format!("prepare {ballot} for slots from {from_slot}"));
        self.broadcast(&Msg::Prepare { ballot, from_slot }, ctx);
    }

    pub(super) fn become_leader<H: Host<S>>(&mut self, ctx: NodeCtx<'_, '_, H>) {
        let Proposer::Preparing(p) = std::mem::replace(&mut self.proposer, Proposer::Follower)
        else {
            unreachable!("only a proposer in phase 1 becomes leader");
        };
        let outcome = p.outcome(self.config.has(Bug::IgnoreAccepted));
        let ballot = p.ballot;
        let queue = std::mem::take(&mut self.held);
        self.proposer = Proposer::Leading(Leading::new(ballot, outcome.next_slot, queue));
        self.leader = Some(self.id);
        self.leader_ballot = ballot;
        self.elections += 1;
        ctx.mark(Mark::Elected {
            epoch: ballot.round,
        });
        ctx.annotate(format!(
            "leader {ballot}: {} promises, re-proposing {} slots from slot {}",
            p.promises(),
            outcome.proposals.len(),
            outcome.base
        ));
        for (slot, value) in outcome.proposals {
            if !self.replica.is_chosen(slot) {
                self.propose(slot, value, ctx);
            }
        }
        let slot = self.take_slot();
        self.propose(slot, Value::Leader(ballot), ctx);
        if let Some(n) = outcome.catch_up_from
            && outcome.base > self.replica.applied()
        {
            if let Proposer::Leading(l) = &mut self.proposer {
                l.behind = Some((n, outcome.base));
            }
            self.ask_catch_up(n, ctx);
        }
        self.fill_window(ctx);
    }

    fn take_slot(&mut self) -> u64 {
        let Proposer::Leading(l) = &mut self.proposer else {
            unreachable!("only a leader takes slots");
        };
        let slot = l.next_slot;
        l.next_slot += 1;
        slot
    }

    fn propose<H: Host<S>>(&mut self, slot: u64, value: Value<S>, ctx: NodeCtx<'_, '_, H>) {
        let Proposer::Leading(l) = &mut self.proposer else {
            return;
        };
        let ballot = l.ballot;
        let proposal = Proposal {
            value: value.clone(),
            acks: Vec::new(),
            sent_at: ctx.local_time(),
        };
        l.in_flight.insert(slot, proposal);
        self.journal.proposed.push((slot, value.digest()));
        let commit = self.replica.applied();
        self.broadcast(
            &Msg::Accept {
                ballot,
                slot,
                value,
                commit,
            },
            ctx,
        );
    }

    pub(super) fn fill_window<H: Host<S>>(&mut self, ctx: NodeCtx<'_, '_, H>) {
        let (window, max) = (self.config.window, self.config.max_batch);
        let delay = self.config.batch_delay;
        let now = ctx.local_time();
        loop {
            let Proposer::Leading(l) = &mut self.proposer else {
                return;
            };
            let Some(batch) = l.next_batch(window, max, delay, now) else {
                // A partial batch with room to go waits for its delay; make sure it ends.
                if !l.queue.is_empty() && (l.in_flight.len() as u64) < window && !self.batch_timer {
                    let due = l.queued_since + delay;
                    self.batch_timer = true;
                    Self::set_timer(ctx, due - now, Timer::Batch);
                }
                return;
            };
            let slot = self.take_slot();
            self.propose(slot, Value::batch(batch), ctx);
        }
    }

    pub(super) fn on_nack<H: Host<S>>(
        &mut self,
        ballot: Ballot,
        promised: Ballot,
        ctx: NodeCtx<'_, '_, H>,
    ) {
        self.see(promised);
        let mine = match &self.proposer {
            Proposer::Preparing(p) => p.ballot,
            Proposer::Leading(l) => l.ballot,
            Proposer::Follower => return,
        };
        if mine != ballot || promised <= ballot {
            return;
        }
        ctx.annotate(format!("{ballot} overtaken by {promised}"));
        self.step_down(ctx);
        // Randomized back-off: dueling proposers drift apart instead of preempting each other
        // forever.
        self.last_heard = ctx.local_time();
        self.timeout = draw(self.config.backoff, ctx);
    }

    /// Steps down if this server proposes under a ballot lower than `ballot`.
    pub(super) fn yield_to<H: Host<S>>(&mut self, ballot: Ballot, ctx: NodeCtx<'_, '_, H>) {
        let mine = match &self.proposer {
            Proposer::Preparing(p) => p.ballot,
            Proposer::Leading(l) => l.ballot,
            Proposer::Follower => return,
        };
        if mine < ballot {
            ctx.annotate(format!("{mine} yields to {ballot}"));
            self.step_down(ctx);
        }
    }

    fn step_down<H: Host<S>>(&mut self, ctx: NodeCtx<'_, '_, H>) {
        let old = std::mem::replace(&mut self.proposer, Proposer::Follower);
        if self.leader == Some(self.id) {
            self.leader = None;
        }
        let mut waiting = std::mem::take(&mut self.held);
        if let Proposer::Leading(l) = old {
            ctx.mark(Mark::SteppedDown {
                epoch: l.ballot.round,
            });
            waiting.extend(l.queue);
        }
        let hint = self.leader;
        for c in waiting {
            let reply = Reply {
                seq: c.seq,
                outcome: ReplyOutcome::NotLeader { hint },
            };
            self.reply(c.client, reply, ctx);
        }
    }

    pub(super) fn on_tick<H: Host<S>>(&mut self, ctx: NodeCtx<'_, '_, H>) {
        Self::set_timer(ctx, self.config.heartbeat, Timer::Tick);
        let now = ctx.local_time();
        let resend = self.config.resend;
        let commit = self.replica.applied();
        let servers = self.servers.clone();
        match &mut self.proposer {
            Proposer::Leading(l) => {
                let ballot = l.ballot;
                let beat = Msg::Heartbeat { ballot, commit };
                for &s in servers.iter().filter(|&&s| s != self.id) {
                    Self::emit(ctx, s, beat.clone());
                }
                let mut stale = Vec::new();
                for (&slot, p) in l.in_flight.iter_mut() {
                    if p.sent_at + resend <= now {
                        p.sent_at = now;
                        stale.push((slot, p.value.clone(), p.acks.clone()));
                    }
                }
                for (slot, value, acks) in stale {
                    let msg = Msg::Accept {
                        ballot,
                        slot,
                        value,
                        commit,
                    };
                    for &s in servers.iter().filter(|s| !acks.contains(s)) {
                        self.send(s, msg.clone(), ctx);
                    }
                }
            }
            Proposer::Preparing(p) => {
                if p.sent_at + resend <= now {
                    p.sent_at = now;
                    let msg = Msg::Prepare {
                        ballot: p.ballot,
                        from_slot: p.from_slot,
                    };
                    let missing: Vec<NodeId> = servers
                        .iter()
                        .copied()
                        .filter(|&s| !p.has_promised(s))
                        .collect();
                    for s in missing {
                        self.send(s, msg.clone(), ctx);
                    }
                }
            }
            Proposer::Follower => {}
        }
        self.leader_catch_up(ctx);
    }
}
