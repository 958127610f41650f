//! The leader's side of log replication (the paper's section 5.3): pipelined AppendEntries
//! per follower, fast backtracking of nextIndex, snapshots for followers that fell behind the
//! log, and the commit rule of section 5.4.2.

use super::{Role, Server};
use crate::config::Bug;
use crate::host::Host;
use crate::log::{Entry, Payload};
use crate::message::Msg;
use crate::node::Timer;
use crate::persist::{self, Record};
use rsm::StateMachine;
use sim_core::{Ctx, DiskKey, NodeId};

/// What a leader knows of one follower.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    /// The next index to send.
    pub next: u64,
    /// The highest index known to match.
    pub matched: u64,
    /// AppendEntries sent and not yet answered.
    pub inflight: u32,
    /// Heartbeat ticks since the follower last answered.
    pub silent_ticks: u32,
    /// The highest read round the follower has echoed.
    pub acked_round: u64,
    /// Refusals below the match index since the follower last accepted (see
    /// `on_append_reply`).
    pub refused: u32,
}

impl Progress {
    /// A follower about which nothing is known yet: optimistic nextIndex, nothing matched.
    pub fn new(next: u64) -> Progress {
        Progress {
            next,
            matched: 0,
            inflight: 0,
            silent_ticks: 0,
            acked_round: 0,
            refused: 0,
        }
    }
}

impl<S: StateMachine> Server<S> {
    /// Appends an entry to the leader's own log, durably, and returns its index.
    pub(crate) fn append_local<H: Host<S>>(
        &mut self,
        entry: Entry<S>,
        ctx: &mut Ctx<'_, H>,
    ) -> u64 {
        let config = match &entry.payload {
            Payload::Config(m) => Some(m.clone()),
            _ => None,
        };
        let index = self.append_unsynced(entry, ctx);
        self.persist_tail(ctx);
        ctx.disk().sync();
        if let Some(members) = config {
            self.adopt_config(index, members, ctx);
        }
        index
    }

    /// Appends an entry to the leader's log and writes it, leaving the log's tail record and
    /// the sync to the caller; returns its index.
    pub(crate) fn append_unsynced<H: Host<S>>(
        &mut self,
        entry: Entry<S>,
        ctx: &mut Ctx<'_, H>,
    ) -> u64 {
        let index = self.log.append(entry.clone());
        let chain = self.log.hash_at(index).unwrap_or(0);
        ctx.disk().put(
            DiskKey(persist::LOG, index),
            Record::Entry { entry, chain }.into(),
        );
        index
    }

    /// Sends whatever each follower is missing, as far as the pipeline allows.
    pub(crate) fn broadcast_append<H: Host<S>>(&mut self, ctx: &mut Ctx<'_, H>) {
        let peers: Vec<NodeId> = self.progress.keys().copied().collect();
        for p in peers {
            self.fill_pipeline(p, ctx);
        }
    }

    /// Sends AppendEntries to `peer` while it has entries to receive and room in its pipeline.
    pub(crate) fn fill_pipeline<H: Host<S>>(&mut self, peer: NodeId, ctx: &mut Ctx<'_, H>) {
        loop {
            let Some(pr) = self.progress.get(&peer) else {
                return;
            };
            if pr.inflight >= self.config.max_inflight || pr.next > self.log.last_index() {
                return;
            }
            if !self.send_append(peer, ctx) {
                return;
            }
        }
    }

    /// Sends one AppendEntries (or the snapshot, if the follower needs compacted entries)
    /// from the follower's nextIndex. Returns false if it sent a snapshot.
    pub(crate) fn send_append<H: Host<S>>(&mut self, peer: NodeId, ctx: &mut Ctx<'_, H>) -> bool {
        let (term, commit, round) = (self.term, self.commit, self.read_round);
        let snapshot_index = self.log.snapshot_index();
        let Some(pr) = self.progress.get_mut(&peer) else {
            return false;
        };
        if pr.next <= snapshot_index {
            if let Some(snapshot) = &self.snapshot {
                pr.inflight = self.config.max_inflight;
                let msg = Msg::InstallSnapshot {
                    term,
                    snapshot: snapshot.clone(),
                    round,
                };
                Self::send(ctx, peer, msg);
            }
            return false;
        }
        let prev_index = pr.next - 1;
        let prev_term = self
            .log
            .term_at(prev_index)
            .expect("a leader knows the term of every index from its snapshot on");
        let entries = self.log.entries_from(pr.next, self.config.max_batch);
        pr.next += entries.len() as u64;
        pr.inflight += 1;
        Self::send(
            ctx,
            peer,
            Msg::AppendEntries {
                term,
                prev_index,
                prev_term,
                entries,
                commit,
                round,
            },
        );
        true
    }

    /// The heartbeat: every follower hears from the leader at least this often. A follower
    /// silent for two ticks is assumed to have lost what was in flight, and is resent from
    /// its last known match.
    pub(crate) fn on_heartbeat_timer<H: Host<S>>(&mut self, term: u64, ctx: &mut Ctx<'_, H>) {
        if self.role != Role::Leader || self.term != term {
            return;
        }
        let peers: Vec<NodeId> = self.progress.keys().copied().collect();
        for p in peers {
            if let Some(pr) = self.progress.get_mut(&p) {
                pr.silent_ticks += 1;
                if pr.silent_ticks >= 2 {
                    pr.next = pr.matched + 1;
                    pr.inflight = 0;
                }
            }
            self.send_append(p, ctx);
            self.fill_pipeline(p, ctx);
        }
        if self.round_wanted || self.reads.iter().any(|r| r.round > self.read_round) {
            self.start_read_round(ctx);
        }
        Self::set_timer(ctx, self.config.heartbeat, Timer::Heartbeat { term });
    }

    /// Handles a follower's answer to AppendEntries.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn on_append_reply<H: Host<S>>(
        &mut self,
        from: NodeId,
        term: u64,
        success: bool,
        match_index: u64,
        conflict_index: u64,
        conflict_term: Option<u64>,
        round: u64,
        ctx: &mut Ctx<'_, H>,
    ) {
        if !self.note_reply(from, term, round, ctx) {
            return;
        }
        let last = self.log.last_index();
        let Some(pr) = self.progress.get_mut(&from) else {
            return;
        };
        if success {
            pr.refused = 0;
            pr.inflight = pr.inflight.saturating_sub(1);
            pr.matched = pr.matched.max(match_index.min(last));
            pr.next = pr.next.max(pr.matched + 1);
        } else {
            // Fast backtracking: skip the follower's whole conflicting term at once.
            let hint = match conflict_term.and_then(|t| self.log.last_index_of_term(t)) {
                Some(i) => i + 1,
                None => conflict_index,
            };
            if hint <= pr.matched {
                // Below what the follower acknowledged: a stale answer, or a follower whose
                // log lost entries it had acknowledged (a correct one that repairs its disk says
                // so with RepairFrom; a buggy one does not). The first is answered as any
                // refusal; answering every repeat would loop, refusal for retry, and each
                // heartbeat would start one more loop. The next heartbeat tries again.
                pr.refused += 1;
                if pr.refused > 1 {
                    return;
                }
            }
            pr.next = hint.clamp(pr.matched + 1, last + 1);
            pr.inflight = 0;
        }
        self.after_reply(from, ctx);
        // A follower with nothing left to receive still needs an AppendEntries at its new
        // nextIndex to establish where it matches.
        if !success && self.progress.get(&from).is_some_and(|p| p.inflight == 0) {
            self.send_append(from, ctx);
        }
    }

    /// Handles a follower's answer to InstallSnapshot.
    pub(crate) fn on_snapshot_reply<H: Host<S>>(
        &mut self,
        from: NodeId,
        term: u64,
        index: u64,
        round: u64,
        ctx: &mut Ctx<'_, H>,
    ) {
        if !self.note_reply(from, term, round, ctx) {
            return;
        }
        let last = self.log.last_index();
        let Some(pr) = self.progress.get_mut(&from) else {
            return;
        };
        pr.matched = pr.matched.max(index.min(last));
        pr.next = pr.matched + 1;
        pr.inflight = 0;
        self.after_reply(from, ctx);
    }

    /// What every answer from a follower tells a leader: a newer term deposes it; otherwise
    /// the follower is alive and has echoed a read round. Returns false when the answer is
    /// for nobody (a stale term, or this server no longer leads).
    fn note_reply<H: Host<S>>(
        &mut self,
        from: NodeId,
        term: u64,
        round: u64,
        ctx: &mut Ctx<'_, H>,
    ) -> bool {
        if term > self.term {
            self.become_follower(term, None, ctx);
            return false;
        }
        if self.role != Role::Leader || term < self.term {
            return false;
        }
        self.heard.insert(from);
        if let Some(pr) = self.progress.get_mut(&from) {
            pr.silent_ticks = 0;
            pr.acked_round = pr.acked_round.max(round);
        }
        true
    }

    /// What follows an answer that moved a follower's progress: commit, reads, more entries.
    fn after_reply<H: Host<S>>(&mut self, from: NodeId, ctx: &mut Ctx<'_, H>) {
        // Only `from`'s match index changed, so the commit index can move only if it now
        // exceeds the commit index: the majority's value above it is otherwise unchanged.
        // (Half of the answers of a five-server cluster arrive after the commit.)
        if self
            .progress
            .get(&from)
            .is_some_and(|p| p.matched > self.commit)
        {
            self.advance_commit(ctx);
        }
        self.confirm_reads(ctx);
        self.fill_pipeline(from, ctx);
    }

    /// The commit rule: the highest index stored on a majority is committed if its entry is
    /// of the leader's current term; entries before it commit with it (section 5.4.2). The
    /// `figure8-commit` bug drops the term condition.
    pub(crate) fn advance_commit<H: Host<S>>(&mut self, ctx: &mut Ctx<'_, H>) {
        if self.role != Role::Leader {
            return;
        }
        let candidate = self.majority_value(|m| {
            if m == self.id {
                self.log.last_index()
            } else {
                self.progress.get(&m).map_or(0, |p| p.matched)
            }
        });
        if candidate <= self.commit {
            return;
        }
        let current_term = self.log.term_at(candidate) == Some(self.term);
        if current_term || self.has(Bug::Figure8Commit) {
            self.commit = candidate;
            self.apply_committed(ctx);
            self.on_commit_advanced(ctx);
        }
    }
}
