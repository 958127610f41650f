//! Leader election (the paper's section 5.2) with pre-votes (thesis 9.6) and CheckQuorum.

use super::{Role, Server};
use crate::host::Host;
use crate::log::{Entry, Payload};
use crate::message::Msg;
use crate::node::Timer;
use rsm::StateMachine;
use sim_core::{Ctx, Mark, NodeId};

impl<S: StateMachine> Server<S> {
    /// The election timer fires on the server's clock; it starts an election only if the
    /// deadline (pushed back by every heartbeat) has really passed, and re-arms itself.
    pub(crate) fn on_election_timer<H: Host<S>>(&mut self, ctx: &mut Ctx<'_, H>) {
        let now = ctx.local_time();
        if now >= self.election_deadline {
            if self.term_query.is_some() {
                self.ask_terms(ctx);
            } else if self.role != Role::Leader && self.is_voter() && !self.abstains() {
                if self.config.pre_vote {
                    self.start_pre_vote(ctx);
                } else {
                    self.start_election(ctx);
                }
            }
            self.reset_election_deadline(ctx);
        }
        let wait = self.election_deadline - ctx.local_time();
        Self::set_timer(ctx, wait, Timer::Election);
    }

    fn start_pre_vote<H: Host<S>>(&mut self, ctx: &mut Ctx<'_, H>) {
        self.role = Role::PreCandidate;
        self.leader = None;
        self.votes.clear();
        self.votes.insert(self.id);
        if self.votes.len() >= self.quorum() {
            self.start_election(ctx);
            return;
        }
        let msg = Msg::RequestVote {
            term: self.term + 1,
            last_index: self.log.last_index(),
            last_term: self.log.last_term(),
            pre_vote: true,
        };
        Self::send_all(ctx, self.peers(), msg);
    }

    /// Starts an election: a new term, a vote for itself (persisted before anyone hears of
    /// it), and a RequestVote to every other member.
    pub(crate) fn start_election<H: Host<S>>(&mut self, ctx: &mut Ctx<'_, H>) {
        self.term += 1;
        self.voted_for = Some(self.id);
        self.persist_term_and_vote(ctx);
        self.role = Role::Candidate;
        self.leader = None;
        self.votes.clear();
        self.votes.insert(self.id);
        self.reset_election_deadline(ctx);
        if self.votes.len() >= self.quorum() {
            self.become_leader(ctx);
            return;
        }
        let msg = Msg::RequestVote {
            term: self.term,
            last_index: self.log.last_index(),
            last_term: self.log.last_term(),
            pre_vote: false,
        };
        Self::send_all(ctx, self.peers(), msg);
    }

    /// Answers a (pre-)vote request.
    pub(crate) fn on_request_vote<H: Host<S>>(
        &mut self,
        from: NodeId,
        term: u64,
        last_index: u64,
        last_term: u64,
        pre_vote: bool,
        ctx: &mut Ctx<'_, H>,
    ) {
        let up_to_date = self.log.candidate_is_up_to_date(last_index, last_term);
        if self.abstains() {
            // It cannot vote safely (see `repair`): a refusal, and a newer term noted.
            if !pre_vote && term > self.term {
                self.become_follower(term, None, ctx);
            }
            let reply = Msg::Vote {
                term: self.term,
                granted: false,
                pre_vote,
            };
            Self::send(ctx, from, reply);
            return;
        }
        if pre_vote {
            // A pre-vote changes nothing here; it is granted for a newer term to an
            // up-to-date log, unless a leader was heard from recently.
            let granted = term > self.term && up_to_date && !self.in_lease(ctx);
            let reply_term = if granted { term } else { self.term };
            Self::send(
                ctx,
                from,
                Msg::Vote {
                    term: reply_term,
                    granted,
                    pre_vote: true,
                },
            );
            return;
        }
        if term > self.term && self.config.check_quorum && self.in_lease(ctx) {
            // A disruptive server (thesis 4.2.3): ignore it while the leader is alive.
            return;
        }
        if term > self.term {
            self.become_follower(term, None, ctx);
        }
        let granted = term == self.term && self.voted_for.is_none_or(|v| v == from) && up_to_date;
        if granted {
            self.voted_for = Some(from);
            self.persist_term_and_vote(ctx);
            self.reset_election_deadline(ctx);
        }
        Self::send(
            ctx,
            from,
            Msg::Vote {
                term: self.term,
                granted,
                pre_vote: false,
            },
        );
    }

    /// Counts a (pre-)vote.
    pub(crate) fn on_vote<H: Host<S>>(
        &mut self,
        from: NodeId,
        term: u64,
        granted: bool,
        pre_vote: bool,
        ctx: &mut Ctx<'_, H>,
    ) {
        if term > self.term && !(pre_vote && granted) {
            self.become_follower(term, None, ctx);
            return;
        }
        if !granted || !self.members().contains(&from) {
            return;
        }
        if pre_vote && self.role == Role::PreCandidate && term == self.term + 1 {
            self.votes.insert(from);
            if self.votes.len() >= self.quorum() {
                self.start_election(ctx);
            }
        } else if !pre_vote && self.role == Role::Candidate && term == self.term {
            self.votes.insert(from);
            if self.votes.len() >= self.quorum() {
                self.become_leader(ctx);
            }
        }
    }

    /// Takes the lead: progress for every follower, a no-op entry of the new term (so that
    /// earlier entries commit with it), heartbeats at once.
    pub(crate) fn become_leader<H: Host<S>>(&mut self, ctx: &mut Ctx<'_, H>) {
        self.role = Role::Leader;
        self.leader = Some(self.id);
        self.votes.clear();
        self.heard.clear();
        self.progress.clear();
        let next = self.log.last_index() + 1;
        for p in self.peers() {
            self.progress.insert(p, super::Progress::new(next));
        }
        ctx.annotate(format!("{} became leader in term {}", self.id, self.term));
        ctx.mark(Mark::Elected { epoch: self.term });
        self.term_start = self.append_local(
            Entry {
                term: self.term,
                payload: Payload::Noop,
            },
            ctx,
        );
        self.broadcast_append(ctx);
        let term = self.term;
        Self::set_timer(ctx, self.config.heartbeat, Timer::Heartbeat { term });
        if self.config.check_quorum {
            Self::set_timer(
                ctx,
                self.config.election_timeout.max,
                Timer::QuorumCheck { term },
            );
        }
        self.advance_commit(ctx);
    }

    /// CheckQuorum: a leader that has not heard from a majority for an election timeout
    /// steps down, so a partitioned leader stops serving.
    pub(crate) fn on_quorum_check<H: Host<S>>(&mut self, term: u64, ctx: &mut Ctx<'_, H>) {
        if self.role != Role::Leader || self.term != term {
            return;
        }
        let mut acks = self
            .members()
            .iter()
            .filter(|m| self.heard.contains(m))
            .count();
        if self.is_voter() {
            acks += 1;
        }
        self.heard.clear();
        if acks < self.quorum() {
            ctx.annotate(format!(
                "{} lost contact with a majority in term {}",
                self.id, self.term
            ));
            self.become_follower(self.term, None, ctx);
            return;
        }
        Self::set_timer(
            ctx,
            self.config.election_timeout.max,
            Timer::QuorumCheck { term },
        );
    }
}
