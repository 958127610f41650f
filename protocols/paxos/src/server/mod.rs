//! A Multi-Paxos server: proposer, acceptor and learner in one node, split by role across this
//! module's files.
//!
//! Every server is an acceptor and a learner; at most one at a time is meant to lead (the
//! distinguished proposer). A follower that stops hearing from a leader runs phase 1 for every
//! open slot at once under a fresh ballot; once a quorum promises, it re-proposes what the
//! promises reported, fills gaps with no-ops, commits a leader marker, and from then on runs
//! only phase 2, for a window of slots. Commits reach followers piggybacked on accepts and
//! heartbeats; a follower that cannot tell a committed slot's value asks for it. A leader
//! elected behind a promiser's snapshot asks that promiser for the chosen values it lacks
//! until it has them, and any server keeps asking while catch-up answers come back full.

mod acceptor;
mod clients;
mod io;
mod learner;
mod model;
mod proposer;
mod read_disk;
mod repair;

use crate::acceptor::Acceptor;
use crate::disk_note::Note;
use crate::host::Host;
use crate::leader::Leading;
use crate::node::Timer;
use crate::proposer::Phase1;
use crate::replica::Replica;
use crate::{Ballot, Bug, Config, Journal, Msg};
use kv::KvMap;
use read_disk::{Found, reading};
use repair::{BallotAnswers, Repair};
use rsm::StateMachine;
use rsm::{Command, Reply};
use sim_core::{Ctx, DiskKey, Duration, NodeId, Time};
use std::collections::VecDeque;
use std::sync::Arc;

/// The most client commands a leader (or a proposer in phase 1) holds waiting for a slot;
/// beyond it clients are told to try elsewhere, so memory stays bounded under overload.
pub const MAX_QUEUED: usize = 100_000;

/// The most slots a follower scans for committed values per heartbeat or accept.
const SCAN_LIMIT: u64 = 4096;

const PROMISE: DiskKey = DiskKey("promise", 0);
const PROMISE_COPY: DiskKey = DiskKey("promise", 1);
const NOTE: DiskKey = DiskKey("note", 0);
const NOTE_COPY: DiskKey = DiskKey("note", 1);
const REPAIR: DiskKey = DiskKey("repair", 0);
const SNAPSHOT: DiskKey = DiskKey("snapshot", 0);
const ACCEPTED: &str = "accepted";

type NodeCtx<'a, 'b, H> = &'a mut Ctx<'b, H>;

/// What the server's proposer is doing.
#[derive(Clone, Debug)]
pub enum Proposer<S: StateMachine = KvMap> {
    /// Following whoever leads.
    Follower,
    /// Running phase 1 for its ballot.
    Preparing(Phase1<S>),
    /// Leading: phase 1 done, proposing in phase 2.
    Leading(Leading<S>),
}

/// One server of the cluster.
#[derive(Clone, Debug)]
pub struct Server<S: StateMachine = KvMap> {
    id: NodeId,
    config: Arc<Config>,
    servers: Arc<[NodeId]>,
    q1: u32,
    q2: u32,
    acceptor: Acceptor<S>,
    /// The promise as last written to disk.
    written_promise: Ballot,
    replica: Replica<S>,
    proposer: Proposer<S>,
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
    held: VecDeque<Command<S>>,
    /// Messages to itself, handled before the current event ends.
    inbox: VecDeque<(NodeId, Msg<S>)>,
    replies: Vec<(u64, Reply<S>)>,
    journal: Journal,
    elections: u64,
    /// Whether a batch timer is pending.
    batch_timer: bool,
    /// What the accepted proposals on disk add up to, as last written.
    note: Note,
    /// The answers gathered while the promise is lost (`None`: it is not).
    ballot_query: Option<BallotAnswers>,
    /// Damaged accepted slots being repaired.
    repair: Option<Repair>,
}

impl<S: StateMachine> Server<S> {
    /// Starts a server, recovering its acceptor and its last snapshot from disk.
    pub fn start<H: Host<S>>(
        id: NodeId,
        config: Arc<Config>,
        servers: Arc<[NodeId]>,
        ctx: NodeCtx<'_, '_, H>,
    ) -> Server<S> {
        let found = Found::<S>::read(ctx.disk(), reading(&config));
        let snapshot = found.snapshot;
        let compacted = snapshot.as_ref().map_or(0, |s| s.upto);
        let promised = found.promised.unwrap_or(Ballot::ZERO);
        let acceptor = Acceptor::restore(promised, found.accepted, compacted);
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
        Self::set_timer(ctx, timeout, Timer::Election);
        Self::set_timer(ctx, config.heartbeat, Timer::Tick);
        let mut server = Server {
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
            note: found.note,
            ballot_query: found.promised.is_none().then(BallotAnswers::new),
            repair: None,
        };
        if server.ballot_query.is_some() {
            ctx.annotate(format!(
                "{id} lost both copies of its promise: it asks the others before taking part"
            ));
            server.ask_ballots(ctx);
        }
        if found.promised.is_some() && Found::<S>::promise_needs_rewrite(ctx.disk(), promised) {
            server.written_promise = Ballot::ZERO;
            server.persist(None, ctx);
        }
        if let Some(upto) = found.damaged_upto {
            server.begin_repair(compacted, upto, ctx);
        }
        server
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
    pub fn acceptor(&self) -> &Acceptor<S> {
        &self.acceptor
    }
    /// The learner and state machine.
    pub fn replica(&self) -> &Replica<S> {
        &self.replica
    }
    /// The proposer.
    pub fn proposer(&self) -> &Proposer<S> {
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
    pub fn on_message<H: Host<S>>(&mut self, from: NodeId, msg: Msg<S>, ctx: NodeCtx<'_, '_, H>) {
        self.journal.clear();
        self.handle(from, msg, ctx);
        self.drain(ctx);
    }

    /// Handles one of the server's timers.
    pub fn on_timer<H: Host<S>>(&mut self, timer: &Timer, ctx: NodeCtx<'_, '_, H>) {
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

    pub(super) fn drain<H: Host<S>>(&mut self, ctx: NodeCtx<'_, '_, H>) {
        while let Some((from, msg)) = self.inbox.pop_front() {
            self.handle(from, msg, ctx);
        }
    }

    fn handle<H: Host<S>>(&mut self, from: NodeId, msg: Msg<S>, ctx: NodeCtx<'_, '_, H>) {
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
            Msg::BallotQuery => self.on_ballot_query(from, ctx),
            Msg::BallotReply { promised } => self.on_ballot_reply(from, promised, ctx),
        }
    }

    // ---- plumbing ----------------------------------------------------------------------------

    fn sync<H: Host<S>>(&mut self, ctx: NodeCtx<'_, '_, H>) {
        if !self.config.has(Bug::ForgetPromise) {
            ctx.disk().sync();
        }
    }

    fn see(&mut self, ballot: Ballot) {
        self.seen = self.seen.max(ballot);
    }

    fn is_server(&self, n: NodeId) -> bool {
        self.servers.contains(&n)
    }

    fn send<H: Host<S>>(&mut self, to: NodeId, msg: Msg<S>, ctx: NodeCtx<'_, '_, H>) {
        if to == self.id {
            self.inbox.push_back((to, msg));
        } else {
            Self::emit(ctx, to, msg);
        }
    }

    fn broadcast<H: Host<S>>(&mut self, msg: &Msg<S>, ctx: NodeCtx<'_, '_, H>) {
        let servers = self.servers.clone();
        for &s in servers.iter() {
            self.send(s, msg.clone(), ctx);
        }
    }
}

/// A uniform draw from `range` on the node's own random stream.
fn draw<S: StateMachine, H: Host<S>>(
    range: sim_core::DurationRange,
    ctx: NodeCtx<'_, '_, H>,
) -> Duration {
    ctx.rng().duration_between(range.min, range.max)
}
