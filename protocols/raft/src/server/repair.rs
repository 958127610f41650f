//! A server that found its disk damaged at a restart: it abstains from elections until it is
//! safe to take part again.
//!
//! - **A damaged log.** The server's log ends before the damage, but it may have acknowledged
//!   entries after it, some of them committed. Voting with the shorter log could elect a
//!   leader without them (the PAR paper's lost commit), and it must not acknowledge them
//!   either: it holds only what it could read. So it neither votes nor stands, and lets the
//!   leader replicate to it as to any lagging follower. The repair is over when a heartbeat
//!   with no entries matches its log at or beyond the index its damaged log had reached: it
//!   then holds everything the leader holds and everything it had acknowledged. (A heartbeat
//!   alone is not enough: a leader that pipelines sends empty ones at the follower's match
//!   index while entries are still in flight.) The reach of the damaged log is kept on disk until then, so that a
//!   crash during the repair does not end it.
//! - **A lost term and vote.** The server cannot know whom it voted for. It asks every other
//!   server its term and abstains until all of them have answered. Whoever it voted for is
//!   one of them, and wrote the election's term to its own disk before it asked for votes, so
//!   the highest term answered is at least that of every vote the server may have cast, won
//!   or still under way. The server then takes that term as one it has voted in. (A majority
//!   of the others would cover every election already won, but not a candidate still
//!   collecting votes that none of them had heard of yet.) The price is liveness: the server
//!   abstains while any other server is unreachable.

use super::{Role, Server};
use crate::host::Host;
use crate::message::Msg;
use crate::persist;
use rsm::StateMachine;
use sim_core::{Ctx, NodeId};

impl<S: StateMachine> Server<S> {
    /// Whether the server sits elections out: it repairs its log or lost its vote.
    pub(crate) fn abstains(&self) -> bool {
        self.repair.is_some() || self.term_query.is_some()
    }

    /// Whether a repair or a term query is under way, for views.
    pub fn recovering(&self) -> Option<&'static str> {
        if self.term_query.is_some() {
            Some("lost its vote")
        } else if self.repair.is_some() {
            Some("repairing its log")
        } else {
            None
        }
    }

    /// Asks every other member its current term (again, when the election timer fires and
    /// answers are missing).
    pub(crate) fn ask_terms<H: Host<S>>(&mut self, ctx: &mut Ctx<'_, H>) {
        let Some(answered) = &self.term_query else {
            return;
        };
        let ask: Vec<NodeId> = self
            .peers()
            .into_iter()
            .filter(|p| !answered.contains_key(p))
            .collect();
        Self::send_all(ctx, ask, Msg::TermQuery);
        self.settle_terms(ctx);
    }

    /// Tells a server that lost its vote this server's term.
    pub(crate) fn on_term_query<H: Host<S>>(&mut self, from: NodeId, ctx: &mut Ctx<'_, H>) {
        Self::send(ctx, from, Msg::TermReply { term: self.term });
    }

    /// Notes one server's term; with every other server's, the vote is settled.
    pub(crate) fn on_term_reply<H: Host<S>>(
        &mut self,
        from: NodeId,
        term: u64,
        ctx: &mut Ctx<'_, H>,
    ) {
        if let Some(answered) = &mut self.term_query {
            answered.insert(from, term);
            self.settle_terms(ctx);
        }
    }

    /// Once every other server answered: take the highest term as one already voted in.
    fn settle_terms<H: Host<S>>(&mut self, ctx: &mut Ctx<'_, H>) {
        let Some(answered) = &self.term_query else {
            return;
        };
        if self.peers().iter().any(|p| !answered.contains_key(p)) {
            return;
        }
        let highest = answered.values().copied().max().unwrap_or(0);
        self.term_query = None;
        self.term = self.term.max(highest);
        self.voted_for = Some(self.id);
        self.persist_term_and_vote(ctx);
        ctx.annotate(format!(
            "{} settled its lost vote: term {} counts as voted in",
            self.id, self.term
        ));
    }

    /// A repairing follower's log did not match the leader's AppendEntries: it tells the
    /// leader that it lacks the leader's entries from `index` on, since the leader may believe
    /// it acknowledged them.
    pub(crate) fn tell_leader_repair<H: Host<S>>(
        &mut self,
        leader: NodeId,
        index: u64,
        ctx: &mut Ctx<'_, H>,
    ) {
        if self.repair.is_some() {
            let msg = Msg::RepairFrom {
                term: self.term,
                index,
            };
            Self::send(ctx, leader, msg);
        }
    }

    /// A follower repairs its log: what it acknowledged from `index` on is gone, so its match
    /// comes down and replication resumes there. A late copy of this message only costs a
    /// resend; the commit index never moves back.
    pub(crate) fn on_repair_from<H: Host<S>>(
        &mut self,
        from: NodeId,
        term: u64,
        index: u64,
        ctx: &mut Ctx<'_, H>,
    ) {
        if term != self.term || self.role != Role::Leader {
            return;
        }
        let Some(pr) = self.progress.get_mut(&from) else {
            return;
        };
        if pr.matched >= index {
            pr.matched = index.saturating_sub(1);
            pr.next = index;
            pr.inflight = 0;
            self.send_append(from, ctx);
        }
    }

    /// A heartbeat with no entries matched the log beyond the damaged log's reach.
    pub(crate) fn end_repair<H: Host<S>>(&mut self, ctx: &mut Ctx<'_, H>) {
        if self.repair.take().is_none() {
            return;
        }
        let disk = ctx.disk();
        disk.remove(persist::REPAIR);
        disk.sync();
        ctx.annotate(format!(
            "{} repaired its log to {}: it votes again",
            self.id,
            self.log.last_index()
        ));
    }
}
