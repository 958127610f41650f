//! Single-decree Paxos — the Synod protocol of "Paxos Made Simple" — with proposers,
//! acceptors and learners as separate roles a node may hold.
//!
//! The roles are plain state machines: each handler takes a message and returns what to send,
//! so a test can play the protocol step by step. [`SynodNode`] runs them in the simulator:
//! proposers that start together duel, and randomized back-off lets one of them finish.
//!
//! Multi-Paxos ([`crate::PaxosNode`]) is this protocol run for every slot of a log, with one
//! phase 1 shared by all slots.

use crate::Ballot;
use crate::proposer::highest_accepted;
use serde::Serialize;
use sim_core::{Ctx, DiskKey, Duration, DurationRange, Node, NodeId, NodeView};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The value being agreed on (a number, to keep step-by-step tests readable).
pub type SynodValue = u64;

/// A message of the single-decree protocol.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum SynodMsg {
    /// Phase 1a: "promise to ignore ballots below this one".
    Prepare {
        /// The proposer's ballot.
        ballot: Ballot,
    },
    /// Phase 1b: the promise, with the highest-ballot proposal the acceptor accepted.
    Promise {
        /// The ballot promised.
        ballot: Ballot,
        /// What the acceptor accepted, if anything.
        accepted: Option<(Ballot, SynodValue)>,
    },
    /// The acceptor promised a higher ballot.
    Nack {
        /// The refused ballot.
        ballot: Ballot,
        /// The acceptor's promise.
        promised: Ballot,
    },
    /// Phase 2a: "accept this value under this ballot".
    Accept {
        /// The proposer's ballot.
        ballot: Ballot,
        /// The value.
        value: SynodValue,
    },
    /// Phase 2b, sent to the proposer and to every learner.
    Accepted {
        /// The ballot.
        ballot: Ballot,
        /// The value.
        value: SynodValue,
    },
}

impl sim_core::Message for SynodMsg {
    /// A promise and an acceptance are an acceptor's word: both must be on its disk first.
    fn promises_durability(&self) -> bool {
        matches!(self, SynodMsg::Promise { .. } | SynodMsg::Accepted { .. })
    }

    fn kind(&self) -> &'static str {
        match self {
            SynodMsg::Prepare { .. } => "Prepare",
            SynodMsg::Promise { .. } => "Promise",
            SynodMsg::Nack { .. } => "Nack",
            SynodMsg::Accept { .. } => "Accept",
            SynodMsg::Accepted { .. } => "Accepted",
        }
    }
}

/// What to send: `(to, message)` pairs, in order.
pub type Sends = Vec<(NodeId, SynodMsg)>;

/// A single-decree acceptor: a promise and at most one accepted proposal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SynodAcceptor {
    /// The highest ballot promised.
    pub promised: Ballot,
    /// The proposal accepted under the highest ballot so far.
    pub accepted: Option<(Ballot, SynodValue)>,
}

/// A damaged acceptor record reads as a promise one round off.
impl sim_core::Corruptible for SynodAcceptor {
    fn corrupted(&self, noise: u64) -> SynodAcceptor {
        SynodAcceptor {
            promised: Ballot {
                round: self.promised.round ^ (1 << (noise % 5)),
                node: self.promised.node,
            },
            accepted: self.accepted,
        }
    }
}

impl SynodAcceptor {
    /// Answers a prepare: a promise (reporting what was accepted) unless a higher ballot was
    /// promised.
    pub fn on_prepare(&mut self, ballot: Ballot) -> SynodMsg {
        if ballot < self.promised {
            return SynodMsg::Nack {
                ballot,
                promised: self.promised,
            };
        }
        self.promised = ballot;
        SynodMsg::Promise {
            ballot,
            accepted: self.accepted,
        }
    }

    /// Answers an accept: accepted (to be sent to the proposer and the learners) unless a
    /// higher ballot was promised.
    pub fn on_accept(&mut self, ballot: Ballot, value: SynodValue) -> SynodMsg {
        if ballot < self.promised {
            return SynodMsg::Nack {
                ballot,
                promised: self.promised,
            };
        }
        self.promised = ballot;
        self.accepted = Some((ballot, value));
        SynodMsg::Accepted { ballot, value }
    }
}

/// Where a proposer's current round stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Round {
    /// No round running.
    Idle,
    /// Phase 1: promises so far, and the highest accepted proposal they reported.
    Preparing {
        /// Acceptors that promised.
        promised: Vec<NodeId>,
        /// Their reports.
        reports: Vec<(Ballot, SynodValue)>,
    },
    /// Phase 2 with `value`: acceptors that accepted it.
    Accepting {
        /// The value proposed.
        value: SynodValue,
        /// Acceptors that accepted.
        accepted: Vec<NodeId>,
    },
    /// A quorum accepted `value` under this round's ballot: it is chosen.
    Done {
        /// The chosen value.
        value: SynodValue,
    },
}

/// A single-decree proposer with a value of its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SynodProposer {
    /// The proposer's node id (its part of every ballot).
    pub id: NodeId,
    /// What it proposes when the promises leave it free.
    pub value: SynodValue,
    /// The acceptors.
    pub acceptors: Vec<NodeId>,
    /// Promises or acceptances that make a quorum.
    pub quorum: usize,
    /// The current round's ballot.
    pub ballot: Ballot,
    /// The highest ballot heard of.
    pub seen: Ballot,
    /// The current round.
    pub round: Round,
}

impl SynodProposer {
    /// A proposer of `value`, idle.
    pub fn new(id: NodeId, value: SynodValue, acceptors: Vec<NodeId>) -> SynodProposer {
        let quorum = acceptors.len() / 2 + 1;
        SynodProposer {
            id,
            value,
            acceptors,
            quorum,
            ballot: Ballot::ZERO,
            seen: Ballot::ZERO,
            round: Round::Idle,
        }
    }

    /// Starts a round under a ballot above every ballot heard of: prepares to all acceptors.
    pub fn start_round(&mut self) -> Sends {
        self.ballot = Ballot::next_for(self.seen.max(self.ballot), self.id.0, true);
        self.round = Round::Preparing {
            promised: Vec::new(),
            reports: Vec::new(),
        };
        let ballot = self.ballot;
        self.acceptors
            .iter()
            .map(|&a| (a, SynodMsg::Prepare { ballot }))
            .collect()
    }

    /// Counts a promise; at a quorum, proposes the value of the highest-ballot proposal
    /// reported (it may already be chosen) or, if none was, its own.
    pub fn on_promise(
        &mut self,
        from: NodeId,
        ballot: Ballot,
        accepted: Option<(Ballot, SynodValue)>,
    ) -> Sends {
        let Round::Preparing { promised, reports } = &mut self.round else {
            return Vec::new();
        };
        if ballot != self.ballot || promised.contains(&from) || !self.acceptors.contains(&from) {
            return Vec::new();
        }
        promised.push(from);
        reports.extend(accepted);
        if promised.len() < self.quorum {
            return Vec::new();
        }
        let value = highest_accepted(reports.iter().map(|(b, v)| (*b, v)))
            .copied()
            .unwrap_or(self.value);
        self.round = Round::Accepting {
            value,
            accepted: Vec::new(),
        };
        self.acceptors
            .iter()
            .map(|&a| (a, SynodMsg::Accept { ballot, value }))
            .collect()
    }

    /// Counts an acceptance of this round's proposal; returns the value once chosen.
    pub fn on_accepted(&mut self, from: NodeId, ballot: Ballot) -> Option<SynodValue> {
        let Round::Accepting { value, accepted } = &mut self.round else {
            return None;
        };
        if ballot != self.ballot || accepted.contains(&from) || !self.acceptors.contains(&from) {
            return None;
        }
        accepted.push(from);
        if accepted.len() < self.quorum {
            return None;
        }
        let value = *value;
        self.round = Round::Done { value };
        Some(value)
    }

    /// A refusal: if it concerns the current round, the round is abandoned (the caller
    /// backs off before the next). Returns whether it was abandoned.
    pub fn on_nack(&mut self, ballot: Ballot, promised: Ballot) -> bool {
        self.seen = self.seen.max(promised);
        let running = matches!(
            self.round,
            Round::Preparing { .. } | Round::Accepting { .. }
        );
        if running && ballot == self.ballot && promised > ballot {
            self.round = Round::Idle;
            return true;
        }
        false
    }

    /// Whether this proposer saw its round's proposal chosen.
    pub fn is_done(&self) -> bool {
        matches!(self.round, Round::Done { .. })
    }
}

/// A learner: learns a value once a quorum of acceptors accepted it under one ballot.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SynodLearner {
    /// Acceptances that make a quorum.
    pub quorum: usize,
    votes: BTreeMap<(Ballot, SynodValue), Vec<NodeId>>,
    /// The value learnt.
    pub learned: Option<SynodValue>,
}

impl SynodLearner {
    /// A learner for `acceptors` acceptors (majority quorums).
    pub fn new(acceptors: usize) -> SynodLearner {
        SynodLearner {
            quorum: acceptors / 2 + 1,
            ..SynodLearner::default()
        }
    }

    /// Counts an acceptance; returns the value when it is first learnt.
    pub fn on_accepted(
        &mut self,
        from: NodeId,
        ballot: Ballot,
        value: SynodValue,
    ) -> Option<SynodValue> {
        let voters = self.votes.entry((ballot, value)).or_default();
        if !voters.contains(&from) {
            voters.push(from);
        }
        if voters.len() >= self.quorum && self.learned.is_none() {
            self.learned = Some(value);
            return Some(value);
        }
        None
    }
}

/// Who does what in a single-decree run.
#[derive(Clone, Debug, PartialEq)]
pub struct SynodConfig {
    /// Proposers, each proposing `1000 + its id`.
    pub proposers: Vec<NodeId>,
    /// Acceptors.
    pub acceptors: Vec<NodeId>,
    /// Learners.
    pub learners: Vec<NodeId>,
    /// When proposers start their first round.
    pub start: DurationRange,
    /// How long a round may take before the proposer starts another.
    pub round_timeout: Duration,
    /// The randomized pause after a round is refused.
    pub backoff: DurationRange,
}

/// What a synod node's timer means: start a round (first, after a back-off, or a retry).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StartRound {
    /// The round it is meant for; a later round makes it void.
    pub after: Ballot,
}

/// A node of a single-decree run holding any of the three roles.
#[derive(Clone, Debug)]
pub struct SynodNode {
    config: Arc<SynodConfig>,
    /// The acceptor role, if the node holds it.
    pub acceptor: Option<SynodAcceptor>,
    /// The proposer role, if the node holds it.
    pub proposer: Option<SynodProposer>,
    /// The learner role, if the node holds it.
    pub learner: Option<SynodLearner>,
}

const SYNOD_ACCEPTOR: DiskKey = DiskKey("synod-acceptor", 0);

impl SynodNode {
    /// The acceptors every proposer and learner counts towards its majorities.
    pub fn acceptors(&self) -> &[NodeId] {
        &self.config.acceptors
    }

    /// Proposes `value` now, as a person at the front end or a scenario's command does: the
    /// node becomes a proposer if it was not one, and starts a round with a ballot above any
    /// it has seen. If a value is already chosen, the promises report it and the round can
    /// only choose it again: that is the point of the protocol.
    pub fn propose(&mut self, value: SynodValue, ctx: &mut Ctx<'_, Self>) {
        let id = ctx.id();
        let acceptors = self.config.acceptors.clone();
        let p = self
            .proposer
            .get_or_insert_with(|| SynodProposer::new(id, value, acceptors));
        p.value = value;
        let sends = p.start_round();
        let ballot = p.ballot;
        ctx.annotate(format!("proposer starts round {ballot} to propose {value}"));
        let timeout = self.config.round_timeout;
        self.schedule_round(timeout, ctx);
        self.send_all(sends, ctx);
    }

    fn send_all(&mut self, sends: Sends, ctx: &mut Ctx<'_, Self>) {
        for (to, msg) in sends {
            if to == ctx.id() {
                self.on_message(to, msg, ctx);
            } else {
                ctx.send(to, msg);
            }
        }
    }

    fn schedule_round(&mut self, delay: Duration, ctx: &mut Ctx<'_, Self>) {
        if let Some(p) = &self.proposer {
            ctx.set_timer(delay, StartRound { after: p.ballot });
        }
    }
}

impl Node for SynodNode {
    type Message = SynodMsg;
    type Timer = StartRound;
    type Record = SynodAcceptor;
    type Config = Arc<SynodConfig>;

    fn start(id: NodeId, config: &Arc<SynodConfig>, ctx: &mut Ctx<'_, Self>) -> Self {
        let acceptor = config
            .acceptors
            .contains(&id)
            .then(|| ctx.disk().get(SYNOD_ACCEPTOR).cloned().unwrap_or_default());
        let proposer = config
            .proposers
            .contains(&id)
            .then(|| SynodProposer::new(id, 1000 + u64::from(id.0), config.acceptors.clone()));
        let learner = config
            .learners
            .contains(&id)
            .then(|| SynodLearner::new(config.acceptors.len()));
        let mut node = SynodNode {
            config: config.clone(),
            acceptor,
            proposer,
            learner,
        };
        let delay = ctx
            .rng()
            .duration_between(config.start.min, config.start.max);
        node.schedule_round(delay, ctx);
        node
    }

    fn on_message(&mut self, from: NodeId, msg: SynodMsg, ctx: &mut Ctx<'_, Self>) {
        match msg {
            SynodMsg::Prepare { ballot } => {
                let Some(a) = self.acceptor.as_mut() else {
                    return;
                };
                let answer = a.on_prepare(ballot);
                ctx.disk().put(SYNOD_ACCEPTOR, a.clone());
                ctx.disk().sync();
                self.send_all(vec![(from, answer)], ctx);
            }
            SynodMsg::Accept { ballot, value } => {
                let Some(a) = self.acceptor.as_mut() else {
                    return;
                };
                let answer = a.on_accept(ballot, value);
                ctx.disk().put(SYNOD_ACCEPTOR, a.clone());
                ctx.disk().sync();
                let sends = match answer {
                    SynodMsg::Accepted { .. } => {
                        let mut to: Vec<NodeId> = self.config.learners.clone();
                        if !to.contains(&from) {
                            to.push(from);
                        }
                        to.into_iter().map(|n| (n, answer.clone())).collect()
                    }
                    nack => vec![(from, nack)],
                };
                self.send_all(sends, ctx);
            }
            SynodMsg::Promise { ballot, accepted } => {
                let Some(p) = self.proposer.as_mut() else {
                    return;
                };
                let sends = p.on_promise(from, ballot, accepted);
                if !sends.is_empty() {
                    // A majority promised: this proposer's ballot leads, as a Multi-Paxos
                    // leader's does once its phase 1 succeeds.
                    ctx.mark(sim_core::Mark::Elected {
                        epoch: ballot.round,
                    });
                }
                self.send_all(sends, ctx);
            }
            SynodMsg::Nack { ballot, promised } => {
                let Some(p) = self.proposer.as_mut() else {
                    return;
                };
                if p.on_nack(ballot, promised) {
                    let b = self.config.backoff;
                    let delay = ctx.rng().duration_between(b.min, b.max);
                    self.schedule_round(delay, ctx);
                }
            }
            SynodMsg::Accepted { ballot, value } => {
                if let Some(p) = self.proposer.as_mut()
                    && let Some(v) = p.on_accepted(from, ballot)
                {
                    ctx.annotate(format!("proposer saw {v} chosen under {ballot}"));
                }
                if let Some(l) = self.learner.as_mut()
                    && let Some(v) = l.on_accepted(from, ballot, value)
                {
                    ctx.annotate(format!("learned {v}"));
                    // The one value there is to commit.
                    ctx.mark(sim_core::Mark::Committed { index: 1 });
                }
            }
        }
    }

    fn on_timer(&mut self, timer: StartRound, ctx: &mut Ctx<'_, Self>) {
        let Some(p) = self.proposer.as_mut() else {
            return;
        };
        if p.is_done() || p.ballot != timer.after {
            return;
        }
        let sends = p.start_round();
        let ballot = p.ballot;
        ctx.annotate(format!("proposer starts round {ballot}"));
        let timeout = self.config.round_timeout;
        self.schedule_round(timeout, ctx);
        self.send_all(sends, ctx);
    }

    fn view(&self) -> NodeView {
        let mut roles = Vec::new();
        let mut view = NodeView::default();
        if let Some(p) = &self.proposer {
            roles.push("proposer");
            view = view
                .field("ballot", p.ballot)
                .field("round", format!("{:?}", p.round));
        }
        if let Some(a) = &self.acceptor {
            roles.push("acceptor");
            let accepted = a
                .accepted
                .map_or("-".to_string(), |(b, v)| format!("{v} under {b}"));
            view = view
                .field("ballot promised", a.promised)
                .field("accepted", accepted);
        }
        if let Some(l) = &self.learner {
            roles.push("learner");
            view = view.field(
                "learned",
                l.learned.map_or("-".to_string(), |v| v.to_string()),
            );
        }
        view.role = roles.join("+");
        // A proposer whose ballot won phase 1 leads as a Multi-Paxos leader does; one still
        // gathering promises campaigns.
        if let Some(p) = &self.proposer {
            view.class = match p.round {
                Round::Accepting { .. } | Round::Done { .. } => sim_core::RoleClass::Leader,
                Round::Preparing { .. } => sim_core::RoleClass::Candidate,
                Round::Idle => sim_core::RoleClass::Other,
            };
            view.epoch = Some(p.ballot.round);
        }
        view.label = match self.learner.as_ref().and_then(|l| l.learned) {
            Some(v) => format!("{} learned {v}", view.role),
            None => view.role.clone(),
        };
        view
    }

    /// The three roles' state; none of it records time. The configuration is the same in
    /// every state.
    fn model_state(&self, h: &mut sim_core::model::StateHasher) -> bool {
        h.put(&self.acceptor);
        h.put(&self.proposer);
        h.put(&self.learner);
        true
    }
}
