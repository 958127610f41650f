//! A Raft server: the state of Figure 2 of the paper plus what the thesis adds (snapshots,
//! membership, pre-votes, CheckQuorum, ReadIndex), split by concern across this module's files.

mod apply;
mod clients;
mod dispatch;
mod election;
mod follower;
mod io;
mod membership;
mod model;
mod read_disk;
mod reads;
mod recovery;
mod repair;
mod replication;

use crate::config::{Bug, Config};
use crate::host::Host;
use crate::log::Log;
use crate::node::Timer;
use crate::persist::{self, Record};
use crate::snapshot::Snapshot;
use kv::KvMap;
use rsm::{Command, Outcome, StateMachine, Store};
use sim_core::{Ctx, Duration, Mark, NodeId, Time};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub use membership::Change;
pub(crate) use reads::PendingRead;
pub(crate) use replication::Progress;

/// The four roles a server moves between (a server outside the configuration is a follower
/// that never stands for election).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// Follows a leader, or waits for one.
    Follower,
    /// Asks for pre-votes before disturbing the cluster with a new term.
    PreCandidate,
    /// Stands for election in its term.
    Candidate,
    /// Leads its term.
    Leader,
}

impl Role {
    /// The name the views and the front end use.
    pub fn name(self) -> &'static str {
        match self {
            Role::Follower => "follower",
            Role::PreCandidate => "pre-candidate",
            Role::Candidate => "candidate",
            Role::Leader => "leader",
        }
    }
}

/// One Raft server.
#[derive(Clone, Debug)]
pub struct Server<S: StateMachine = KvMap> {
    pub(crate) id: NodeId,
    pub(crate) config: Arc<Config>,
    pub(crate) incarnation: u32,
    // Persistent state (mirrored on disk).
    pub(crate) term: u64,
    pub(crate) voted_for: Option<NodeId>,
    pub(crate) log: Log<S>,
    // Volatile state.
    pub(crate) role: Role,
    pub(crate) leader: Option<NodeId>,
    pub(crate) commit: u64,
    pub(crate) applied: u64,
    pub(crate) store: Store<S>,
    /// The latest snapshot, kept for followers that need it.
    pub(crate) snapshot: Option<Box<Snapshot<S>>>,
    /// Configurations by the index of the entry that set them; the first is the one in force
    /// at the snapshot point (or the bootstrap configuration).
    pub(crate) configs: Vec<(u64, Vec<NodeId>)>,
    // Elections.
    pub(crate) election_deadline: Time,
    pub(crate) last_leader_contact: Option<Time>,
    pub(crate) votes: BTreeSet<NodeId>,
    // Leadership.
    pub(crate) progress: BTreeMap<NodeId, Progress>,
    /// Index of this leader's first entry of its term (its no-op).
    pub(crate) term_start: u64,
    /// Client replies owed once an index is applied: client node and operation number.
    pub(crate) owed: BTreeMap<u64, (NodeId, u64)>,
    /// Client commands a leader has received and not yet appended (`batch_delay`), with
    /// the client each came from, oldest first.
    pub(crate) gathering: Vec<(NodeId, Command<S>)>,
    pub(crate) reads: Vec<PendingRead<S>>,
    pub(crate) read_round: u64,
    pub(crate) round_wanted: bool,
    /// Peers heard from since the last CheckQuorum check.
    pub(crate) heard: BTreeSet<NodeId>,
    /// Applied commands with their results, kept only for a host that asked for them.
    pub(crate) outcomes: Option<Vec<Outcome<S>>>,
    /// While the server repairs a damaged log: the last index its log held before the
    /// damage. It does not vote or stand until a leader has brought its log level.
    pub(crate) repair: Option<u64>,
    /// While the server's term and vote are lost: the terms other servers reported. It does
    /// not vote or stand until every other server has answered.
    pub(crate) term_query: Option<BTreeMap<NodeId, u64>>,
}

impl<S: StateMachine> Server<S> {
    /// The server's current term.
    pub fn term(&self) -> u64 {
        self.term
    }

    /// Whom it voted for in its current term.
    pub fn voted_for(&self) -> Option<NodeId> {
        self.voted_for
    }

    /// Its role.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The leader it follows, if it knows one.
    pub fn leader(&self) -> Option<NodeId> {
        self.leader
    }

    /// Its log.
    pub fn log(&self) -> &Log<S> {
        &self.log
    }

    /// Its commit index.
    pub fn commit_index(&self) -> u64 {
        self.commit
    }

    /// How far it has applied the log to its state machine.
    pub fn applied_index(&self) -> u64 {
        self.applied
    }

    /// Its state machine.
    pub fn store(&self) -> &Store<S> {
        &self.store
    }

    /// How many times its node has been restarted when this state was built.
    pub fn incarnation(&self) -> u32 {
        self.incarnation
    }

    /// The voting configuration in force (the latest one in its log).
    pub fn members(&self) -> &[NodeId] {
        self.configs.last().map_or(&[], |(_, m)| m.as_slice())
    }

    /// Whether this server may stand for election and counts toward quorums.
    pub fn is_voter(&self) -> bool {
        self.members().contains(&self.id)
    }

    pub(crate) fn has(&self, bug: Bug) -> bool {
        self.config.has(bug)
    }

    /// How many votes or acknowledgements make a majority of the configuration.
    pub(crate) fn quorum(&self) -> usize {
        self.members().len() / 2 + 1
    }

    /// The highest value a majority of the configuration has reached, where `value_of` gives
    /// each member's (this server's included): the commit rule and the read rounds both ask
    /// it on every follower answer, so a configuration of up to 16 members is ranked on the
    /// stack.
    pub(crate) fn majority_value(&self, value_of: impl Fn(NodeId) -> u64) -> u64 {
        const ON_STACK: usize = 16;
        let members = self.members();
        if members.is_empty() {
            return 0;
        }
        let rank = self.quorum() - 1;
        if members.len() <= ON_STACK {
            let mut values = [0u64; ON_STACK];
            for (v, m) in values.iter_mut().zip(members) {
                *v = value_of(*m);
            }
            kth_largest(&mut values[..members.len()], rank)
        } else {
            let mut values: Vec<u64> = members.iter().map(|m| value_of(*m)).collect();
            kth_largest(&mut values, rank)
        }
    }

    /// The other members, in id order.
    pub(crate) fn peers(&self) -> Vec<NodeId> {
        self.members()
            .iter()
            .copied()
            .filter(|&m| m != self.id)
            .collect()
    }

    /// Draws a fresh election timeout and sets the deadline from now (the server's clock).
    pub(crate) fn reset_election_deadline<H: Host<S>>(&mut self, ctx: &mut Ctx<'_, H>) {
        let range = self.config.election_timeout;
        let d = ctx.rng().duration_between(range.min, range.max);
        self.election_deadline = ctx.local_time() + d;
    }

    /// Whether this server leads, or has heard from a leader within the shortest election
    /// timeout: then it refuses pre-votes, and with CheckQuorum ignores vote requests (thesis
    /// 4.2.3, 9.6). A leader counts itself: granting a returning follower's pre-vote would let
    /// that follower depose it with a real election in a higher term.
    pub(crate) fn in_lease<H: Host<S>>(&self, ctx: &Ctx<'_, H>) -> bool {
        if self.role == Role::Leader {
            return true;
        }
        let min: Duration = self.config.election_timeout.min;
        self.leader.is_some()
            && self
                .last_leader_contact
                .is_some_and(|t| ctx.local_time() < t + min)
    }

    /// Moves to `term` (if newer) as a follower of `leader`, forgetting any vote of an older
    /// term and dropping what a leader owes its clients (they will retry elsewhere).
    pub(crate) fn become_follower<H: Host<S>>(
        &mut self,
        term: u64,
        leader: Option<NodeId>,
        ctx: &mut Ctx<'_, H>,
    ) {
        let was_leader = self.role == Role::Leader;
        if term > self.term {
            self.term = term;
            self.voted_for = None;
            self.persist_term_and_vote(ctx);
        }
        if self.role != Role::Follower {
            self.reset_election_deadline(ctx);
        }
        self.role = Role::Follower;
        self.leader = leader;
        self.votes.clear();
        if was_leader {
            self.progress.clear();
            self.owed.clear();
            self.gathering.clear();
            self.reads.clear();
            self.round_wanted = false;
            ctx.annotate(format!("{} stepped down in term {}", self.id, self.term));
            ctx.mark(Mark::SteppedDown { epoch: self.term });
        }
    }

    /// Writes currentTerm and votedFor and syncs.
    pub(crate) fn persist_term_and_vote<H: Host<S>>(&mut self, ctx: &mut Ctx<'_, H>) {
        let term = self.term;
        let vote = self.voted_for;
        let forget_vote = self.has(Bug::ForgetVote);
        if self.term_query.is_some() {
            // The damaged copies stay as they are: a restart must still know the vote is lost.
            return;
        }
        let vote = vote.filter(|_| !forget_vote);
        let disk = ctx.disk();
        disk.put(persist::META, Record::Meta { term, vote }.into());
        disk.put(persist::META_COPY, Record::Meta { term, vote }.into());
        disk.sync();
    }

    /// Notes where the log ends, in both copies (the caller syncs).
    pub(crate) fn persist_tail<H: Host<S>>(&self, ctx: &mut Ctx<'_, H>) {
        let index = self.log.last_index();
        let chain = self.log.hash_at(index).unwrap_or(0);
        let disk = ctx.disk();
        disk.put(persist::TAIL, Record::Tail { index, chain }.into());
        disk.put(persist::TAIL_COPY, Record::Tail { index, chain }.into());
    }

    /// The configuration in force at `index`.
    pub(crate) fn members_at(&self, index: u64) -> Vec<NodeId> {
        self.configs
            .iter()
            .rev()
            .find(|(i, _)| *i <= index)
            .or(self.configs.first())
            .map(|(_, m)| m.clone())
            .unwrap_or_default()
    }

    /// Dispatches a timer.
    pub fn on_timer<H: Host<S>>(&mut self, timer: Timer, ctx: &mut Ctx<'_, H>) {
        match timer {
            Timer::Election => self.on_election_timer(ctx),
            Timer::Heartbeat { term } => self.on_heartbeat_timer(term, ctx),
            Timer::QuorumCheck { term } => self.on_quorum_check(term, ctx),
            Timer::Batch { term } => self.on_batch_timer(term, ctx),
            Timer::Client(_) => {}
        }
    }
}

/// The value at position `rank` (from 0) of `values` sorted from largest to smallest.
fn kth_largest(values: &mut [u64], rank: usize) -> u64 {
    *values.select_nth_unstable_by(rank, |a, b| b.cmp(a)).1
}
