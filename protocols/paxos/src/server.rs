//! A Multi-Paxos server: proposer, acceptor and learner in one node.
//!
//! Every server is an acceptor and a learner; at most one at a time is meant to lead (the
//! distinguished proposer). A follower that stops hearing from a leader runs phase 1 for every
//! open slot at once under a fresh ballot; once a quorum promises, it re-proposes what the
//! promises reported, fills gaps with no-ops, commits a leader marker, and from then on runs
//! only phase 2, for a window of slots. Commits reach followers piggybacked on accepts and
//! heartbeats; a follower that cannot tell a committed slot's value asks for it. A leader
//! elected behind a promiser's snapshot asks that promiser for the chosen values it lacks
//! until it has them, and any server keeps asking while catch-up answers come back full.

use crate::acceptor::{AcceptOutcome, Acceptor};
use crate::leader::{Leading, Proposal};
use crate::node::{PaxosNode, Record, Timer};
use crate::proposer::Phase1;
use crate::replica::{Replica, Snapshot};
use crate::{Ballot, Bug, Config, Journal, Msg, Value};
use kv::{Command, Reply, ReplyOutcome, Request};
use sim_core::{Ctx, DiskKey, Duration, NodeId, Time};
use std::collections::VecDeque;
use std::sync::Arc;

/// The most client commands a leader (or a proposer in phase 1) holds waiting for a slot;
/// beyond it clients are told to try elsewhere, so memory stays bounded under overload.
pub const MAX_QUEUED: usize = 100_000;

/// The most slots a follower scans for committed values per heartbeat or accept.
const SCAN_LIMIT: u64 = 4096;

const PROMISE: DiskKey = DiskKey("promise", 0);
const SNAPSHOT: DiskKey = DiskKey("snapshot", 0);
const ACCEPTED: &str = "accepted";

type NodeCtx<'a, 'b> = &'a mut Ctx<'b, PaxosNode>;

/// What the server's proposer is doing.
#[derive(Clone, Debug)]
pub enum Proposer {
    /// Following whoever leads.
    Follower,
    /// Running phase 1 for its ballot.
    Preparing(Phase1),
    /// Leading: phase 1 done, proposing in phase 2.
    Leading(Leading),
}

/// One server of the cluster.
#[derive(Clone, Debug)]
pub struct Server {
    id: NodeId,
    config: Arc<Config>,
    servers: Arc<[NodeId]>,
    q1: u32,
    q2: u32,
    acceptor: Acceptor,
    /// The promise as last written to disk.
    written_promise: Ballot,
    replica: Replica,
    proposer: Proposer,
    /// Who this server believes leads, and under which ballot.
    leader: Option<NodeId>,
    leader_ballot: Ballot,
    /// The highest ballot heard of.
    seen: Ballot,
    /// When a leader (or a proposer in phase 1) was last heard from, by this server's clock.
    last_heard: Time,
    /// How long to wait after `last_heard` before running phase 1.
    timeout: Duration,
    /// The last catch-up request: from which slot, and when.
    catch_up: Option<(u64, Time)>,
    /// Client commands held while in phase 1.
    held: VecDeque<Command>,
    /// Messages to itself, handled before the current event ends.
    inbox: VecDeque<(NodeId, Msg)>,
    replies: Vec<(u64, Reply)>,
    journal: Journal,
    elections: u64,
    /// Whether a batch timer is pending.
    batch_timer: bool,
}

impl Server {
    /// Starts a server, recovering its acceptor and its last snapshot from disk.
    pub fn start(
        id: NodeId,
        config: Arc<Config>,
        servers: Arc<[NodeId]>,
        ctx: NodeCtx<'_, '_>,
    ) -> Server {
        let disk = ctx.disk();
        let promised = match disk.get(PROMISE) {
            Some(Record::Promise(b)) => *b,
            _ => Ballot::ZERO,
        };
        let snapshot = match disk.get(SNAPSHOT) {
            Some(Record::Snapshot(s)) => Some(s.clone()),
            _ => None,
        };
        let accepted: Vec<(u64, Ballot, Value)> = disk
            .range(ACCEPTED)
            .filter_map(|(slot, r)| match r {
                Record::Accepted(b, v) => Some((slot, *b, v.clone())),
                _ => None,
            })
            .collect();
        let compacted = snapshot.as_ref().map_or(0, |s| s.upto);
        let acceptor = Acceptor::restore(promised, accepted, compacted);
        if promised.is_real() || snapshot.is_some() {
            ctx.annotate(format!(
                "recovered promise {promised}, {} accepted slots, snapshot to slot {compacted}",
                acceptor.entries().count()
            ));
        }
        let acceptors = servers.len() as u32;
        let timeout = ctx
            .rng()
            .duration_between(config.leader_timeout.min, config.leader_timeout.max);
        ctx.set_timer(timeout, Timer::Election);
        ctx.set_timer(config.heartbeat, Timer::Tick);
        Server {
            id,
            q1: config.q1(acceptors),
            q2: config.q2(acceptors),
            config,
            servers,
            acceptor,
            written_promise: promised,
            replica: Replica::new(snapshot),
            proposer: Proposer::Follower,
            leader: None,
            leader_ballot: Ballot::ZERO,
            seen: promised,
            last_heard: ctx.local_time(),
            timeout,
            catch_up: None,
            held: VecDeque::new(),
            inbox: VecDeque::new(),
            replies: Vec::new(),
            journal: Journal::default(),
            elections: 0,
            batch_timer: false,
        }
    }

    // ---- what checkers, views and metrics read -----------------------------------------------

    /// The server's id.
    pub fn id(&self) -> NodeId {
        self.id
    }
    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }
    /// Every server (acceptor) of the cluster.
    pub fn servers(&self) -> &[NodeId] {
        &self.servers
    }
    /// The acceptor.
    pub fn acceptor(&self) -> &Acceptor {
        &self.acceptor
    }
    /// The learner and state machine.
    pub fn replica(&self) -> &Replica {
        &self.replica
    }
    /// The proposer.
    pub fn proposer(&self) -> &Proposer {
        &self.proposer
    }
    /// What the last event changed.
    pub fn journal(&self) -> &Journal {
        &self.journal
    }
    /// The ballot this server leads under, if it leads.
    pub fn leading(&self) -> Option<Ballot> {
        match &self.proposer {
            Proposer::Leading(l) => Some(l.ballot),
            _ => None,
        }
    }
    /// Who this server believes leads.
    pub fn leader(&self) -> Option<NodeId> {
        self.leader
    }
    /// How many times this server became leader since it last started.
    pub fn elections(&self) -> u64 {
        self.elections
    }

    // ---- events ------------------------------------------------------------------------------

    /// Handles a message.
    pub fn on_message(&mut self, from: NodeId, msg: Msg, ctx: NodeCtx<'_, '_>) {
        self.journal.clear();
        self.handle(from, msg, ctx);
        self.drain(ctx);
    }

    /// Handles one of the server's timers.
    pub fn on_timer(&mut self, timer: &Timer, ctx: NodeCtx<'_, '_>) {
        self.journal.clear();
        match timer {
            Timer::Election => self.on_election_timer(ctx),
            Timer::Tick => self.on_tick(ctx),
            Timer::Batch => {
                self.batch_timer = false;
                self.fill_window(ctx);
            }
            Timer::Client(_) => {}
        }
        self.drain(ctx);
    }

    fn drain(&mut self, ctx: NodeCtx<'_, '_>) {
        while let Some((from, msg)) = self.inbox.pop_front() {
            self.handle(from, msg, ctx);
        }
    }

    fn handle(&mut self, from: NodeId, msg: Msg, ctx: NodeCtx<'_, '_>) {
        match msg {
            Msg::Prepare { ballot, from_slot } => self.on_prepare(from, ballot, from_slot, ctx),
            Msg::Promise {
                ballot,
                accepted,
                compacted,
            } => {
                let known = self.is_server(from);
                let done = match &mut self.proposer {
                    Proposer::Preparing(p) if p.ballot == ballot && known => {
                        p.promise(from, accepted, compacted)
                    }
                    _ => false,
                };
                if done {
                    self.become_leader(ctx);
                }
            }
            Msg::Nack { ballot, promised } => self.on_nack(ballot, promised, ctx),
            Msg::Accept {
                ballot,
                slot,
                value,
                commit,
            } => self.on_accept(from, ballot, slot, value, commit, ctx),
            Msg::Accepted { ballot, slot } => {
                let (q2, known) = (self.q2, self.is_server(from));
                let chosen = match &mut self.proposer {
                    Proposer::Leading(l) if l.ballot == ballot && known => l.ack(slot, from, q2),
                    _ => None,
                };
                if let Some(value) = chosen {
                    self.replica.learn(slot, value);
                    self.apply(ctx);
                }
            }
            Msg::Heartbeat { ballot, commit } => {
                self.see(ballot);
                if ballot < self.acceptor.promised() {
                    let promised = self.acceptor.promised();
                    self.send(from, Msg::Nack { ballot, promised }, ctx);
                    return;
                }
                self.heard_from_leader(from, ballot, ctx);
                self.learn_commit(from, ballot, commit, ctx);
            }
            Msg::CatchUp { from: slot } => self.answer_catch_up(from, slot, ctx),
            Msg::Chosen {
                from: first,
                values,
            } => self.on_chosen(from, first, values, ctx),
            Msg::Snapshot(s) => self.install_snapshot(s, ctx),
            Msg::Request(req) => self.on_request(from, req, ctx),
            Msg::Reply(_) => {}
        }
    }

    // ---- acceptor ----------------------------------------------------------------------------

    fn on_prepare(&mut self, from: NodeId, ballot: Ballot, from_slot: u64, ctx: NodeCtx<'_, '_>) {
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

    fn on_accept(
        &mut self,
        from: NodeId,
        ballot: Ballot,
        slot: u64,
        value: Value,
        commit: u64,
        ctx: NodeCtx<'_, '_>,
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
    fn persist(&mut self, slot: Option<u64>, ctx: NodeCtx<'_, '_>) {
        let promised = self.acceptor.promised();
        let mut wrote = false;
        if promised != self.written_promise {
            ctx.disk().put(PROMISE, Record::Promise(promised));
            self.written_promise = promised;
            wrote = true;
        }
        if let Some(slot) = slot
            && let Some((b, v)) = self.acceptor.accepted(slot)
        {
            ctx.disk()
                .put(DiskKey(ACCEPTED, slot), Record::Accepted(*b, v.clone()));
            wrote = true;
        }
        if wrote {
            self.sync(ctx);
        }
    }

    fn sync(&mut self, ctx: NodeCtx<'_, '_>) {
        if !self.config.has(Bug::ForgetPromise) {
            ctx.disk().sync();
        }
    }

    // ---- proposer ----------------------------------------------------------------------------

    fn on_election_timer(&mut self, ctx: NodeCtx<'_, '_>) {
        let now = ctx.local_time();
        let deadline = self.last_heard + self.timeout;
        if matches!(self.proposer, Proposer::Leading(_)) {
            ctx.set_timer(self.timeout, Timer::Election);
            return;
        }
        if now < deadline {
            ctx.set_timer(deadline - now, Timer::Election);
            return;
        }
        self.start_phase1(ctx);
        self.last_heard = now;
        self.timeout = draw(self.config.leader_timeout, ctx);
        ctx.set_timer(self.timeout, Timer::Election);
    }

    fn start_phase1(&mut self, ctx: NodeCtx<'_, '_>) {
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

    fn become_leader(&mut self, ctx: NodeCtx<'_, '_>) {
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

    fn propose(&mut self, slot: u64, value: Value, ctx: NodeCtx<'_, '_>) {
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

    fn fill_window(&mut self, ctx: NodeCtx<'_, '_>) {
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
                    ctx.set_timer(due - now, Timer::Batch);
                }
                return;
            };
            let slot = self.take_slot();
            self.propose(slot, Value::batch(batch), ctx);
        }
    }

    fn on_nack(&mut self, ballot: Ballot, promised: Ballot, ctx: NodeCtx<'_, '_>) {
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
    fn yield_to(&mut self, ballot: Ballot, ctx: NodeCtx<'_, '_>) {
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

    fn step_down(&mut self, ctx: NodeCtx<'_, '_>) {
        let old = std::mem::replace(&mut self.proposer, Proposer::Follower);
        if self.leader == Some(self.id) {
            self.leader = None;
        }
        let mut waiting = std::mem::take(&mut self.held);
        if let Proposer::Leading(l) = old {
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

    fn on_tick(&mut self, ctx: NodeCtx<'_, '_>) {
        ctx.set_timer(self.config.heartbeat, Timer::Tick);
        let now = ctx.local_time();
        let resend = self.config.resend;
        let commit = self.replica.applied();
        let servers = self.servers.clone();
        match &mut self.proposer {
            Proposer::Leading(l) => {
                let ballot = l.ballot;
                let beat = Msg::Heartbeat { ballot, commit };
                for &s in servers.iter().filter(|&&s| s != self.id) {
                    ctx.send(s, beat.clone());
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

    // ---- learner -----------------------------------------------------------------------------

    fn heard_from_leader(&mut self, from: NodeId, ballot: Ballot, ctx: NodeCtx<'_, '_>) {
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
    fn learn_commit(&mut self, from: NodeId, ballot: Ballot, commit: u64, ctx: NodeCtx<'_, '_>) {
        if from == self.id {
            return;
        }
        let start = self.replica.applied();
        for slot in start..commit.min(start + SCAN_LIMIT) {
            if self.replica.is_chosen(slot) {
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

    fn ask_catch_up(&mut self, to: NodeId, ctx: NodeCtx<'_, '_>) {
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
    fn on_chosen(&mut self, from: NodeId, first: u64, values: Vec<Value>, ctx: NodeCtx<'_, '_>) {
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
    /// interval for the same slot) until it has applied up to that snapshot.
    fn leader_catch_up(&mut self, ctx: NodeCtx<'_, '_>) {
        let applied = self.replica.applied();
        let Proposer::Leading(l) = &mut self.proposer else {
            return;
        };
        match l.behind {
            Some((_, upto)) if applied >= upto => l.behind = None,
            Some((peer, _)) => self.ask_catch_up(peer, ctx),
            None => {}
        }
    }

    fn answer_catch_up(&mut self, to: NodeId, from: u64, ctx: NodeCtx<'_, '_>) {
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

    fn install_snapshot(&mut self, s: Arc<Snapshot>, ctx: NodeCtx<'_, '_>) {
        if !self.replica.install(s.clone()) {
            return;
        }
        ctx.annotate(format!("installed a snapshot to slot {}", s.upto));
        self.journal.applied.push((s.upto, s.hash));
        self.store_snapshot(&s, ctx);
        if let Proposer::Leading(l) = &mut self.proposer {
            l.in_flight = l.in_flight.split_off(&s.upto);
            l.next_slot = l.next_slot.max(s.upto);
        }
        self.apply(ctx);
    }

    fn store_snapshot(&mut self, s: &Arc<Snapshot>, ctx: NodeCtx<'_, '_>) {
        ctx.disk().put(SNAPSHOT, Record::Snapshot(s.clone()));
        self.sync(ctx);
        for slot in self.acceptor.compact(s.upto) {
            ctx.disk().remove(DiskKey(ACCEPTED, slot));
        }
    }

    /// Applies every slot whose value is known, answers clients if leading, snapshots when
    /// due, and refills the window.
    fn apply(&mut self, ctx: NodeCtx<'_, '_>) {
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

    // ---- clients -----------------------------------------------------------------------------

    fn on_request(&mut self, from: NodeId, req: Request, ctx: NodeCtx<'_, '_>) {
        let cmd = req.command;
        match &mut self.proposer {
            Proposer::Leading(l) => {
                if let Some(s) = self.replica.store().session(cmd.client) {
                    if cmd.seq < s.seq {
                        return;
                    }
                    if cmd.seq == s.seq {
                        // A retry of an applied command: answer with its result again.
                        let reply = Reply {
                            seq: cmd.seq,
                            outcome: ReplyOutcome::Ok(s.output.clone()),
                        };
                        ctx.send(from, Msg::Reply(reply));
                        return;
                    }
                }
                if l.queue.len() >= MAX_QUEUED {
                    let reply = Reply {
                        seq: cmd.seq,
                        outcome: ReplyOutcome::NotLeader { hint: None },
                    };
                    ctx.send(from, Msg::Reply(reply));
                    return;
                }
                l.enqueue(cmd, ctx.local_time());
                self.fill_window(ctx);
            }
            Proposer::Preparing(_) if self.held.len() < MAX_QUEUED => self.held.push_back(cmd),
            _ => {
                let now = ctx.local_time();
                let hint = self
                    .leader
                    .filter(|&l| l != self.id && now < self.last_heard + self.timeout);
                let reply = Reply {
                    seq: cmd.seq,
                    outcome: ReplyOutcome::NotLeader { hint },
                };
                ctx.send(from, Msg::Reply(reply));
            }
        }
    }

    fn reply(&mut self, client: u64, reply: Reply, ctx: NodeCtx<'_, '_>) {
        if let Ok(c) = u32::try_from(client)
            && c < ctx.node_count()
            && c != self.id.0
        {
            ctx.send(NodeId(c), Msg::Reply(reply));
        }
    }

    // ---- plumbing ----------------------------------------------------------------------------

    fn see(&mut self, ballot: Ballot) {
        self.seen = self.seen.max(ballot);
    }

    fn is_server(&self, n: NodeId) -> bool {
        self.servers.contains(&n)
    }

    fn send(&mut self, to: NodeId, msg: Msg, ctx: NodeCtx<'_, '_>) {
        if to == self.id {
            self.inbox.push_back((to, msg));
        } else {
            ctx.send(to, msg);
        }
    }

    fn broadcast(&mut self, msg: &Msg, ctx: NodeCtx<'_, '_>) {
        let servers = self.servers.clone();
        for &s in servers.iter() {
            self.send(s, msg.clone(), ctx);
        }
    }
}

/// A uniform draw from `range` on the node's own random stream.
fn draw(range: sim_core::DurationRange, ctx: NodeCtx<'_, '_>) -> Duration {
    ctx.rng().duration_between(range.min, range.max)
}
