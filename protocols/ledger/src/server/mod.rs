//! A ledger server: a consensus server agreeing on the ledger, plus the node's own copy of
//! the chain on its disk, which it writes as blocks are cut, checks as it scrubs, and repairs
//! from its peers, checking every block it takes against the chain the servers agreed on.

mod blocks;
mod cut;
mod reads;
mod scrub;

use crate::config::{Deployment, LedgerConfig};
use crate::consensus::Consensus;
use crate::digest::Hash32;
use crate::machine::Ledger;
use crate::message::Msg;
use crate::node::LedgerNode;
use crate::timer::Timer;
use sim_core::{Ctx, NodeId, NodeView, RoleClass, Time};
use std::collections::BTreeMap;
use std::sync::Arc;

/// What a server did in one event, for the checkers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerJournal {
    /// Blocks written to disk: height and hash.
    pub written: Vec<(u64, Hash32)>,
    /// Blocks a record was served from to a reader: height and the served header's hash.
    pub served: Vec<(u64, Hash32)>,
}

/// Counters for metrics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ServerCounters {
    /// Blocks checked by the scrub.
    pub scrubbed: u64,
    /// Damaged or missing blocks found (by the scrub, or at a restart).
    pub damaged: u64,
    /// Blocks repaired from a peer.
    pub repaired: u64,
    /// Nanoseconds from finding each repaired block damaged to repairing it, summed.
    pub repair_ns: u64,
    /// The longest of those.
    pub max_repair_ns: u64,
}

/// A fetch of blocks from a peer under way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Fetching {
    attempt: u64,
    peer: NodeId,
}

/// A ledger server.
#[derive(Clone, Debug)]
pub struct LedgerServer {
    id: NodeId,
    config: Arc<LedgerConfig>,
    servers: Arc<[NodeId]>,
    consensus: Consensus,
    /// Commands this incarnation proposed.
    seq: u64,
    /// Every block up to this height has been on this disk, checked, since the start, or is
    /// in `missing`.
    stored: u64,
    /// Heights whose block must be fetched, with when each was found missing or damaged.
    missing: BTreeMap<u64, Time>,
    fetching: Option<Fetching>,
    attempts: u64,
    /// The next height the scrub checks.
    scrub_at: u64,
    /// The cut proposed and not yet seen applied: the chain's height when it was proposed,
    /// and when.
    cut: Option<(u64, Time)>,
    /// The oldest waiting record's position, and when this server first saw it waiting.
    oldest: Option<(u64, Time)>,
    journal: ServerJournal,
    counters: ServerCounters,
}

impl LedgerServer {
    /// Starts (or restarts) a server, recovering consensus from its disk. Its blocks are
    /// checked again, one by one, as the agreed chain comes back.
    pub(crate) fn start(
        id: NodeId,
        config: Arc<LedgerConfig>,
        servers: Arc<[NodeId]>,
        ctx: &mut Ctx<'_, LedgerNode>,
    ) -> LedgerServer {
        let consensus = match config.deployment {
            Deployment::Raft => Consensus::raft(id, Arc::new(config.raft.clone()), &servers, ctx),
            Deployment::MultiPaxos => {
                Consensus::paxos(id, Arc::new(config.paxos.clone()), servers.clone(), ctx)
            }
        };
        ctx.set_timer(cut::tick(&config), Timer::Cut);
        if let Some(every) = config.scrub_interval() {
            ctx.set_timer(every, Timer::Scrub);
        }
        LedgerServer {
            id,
            seq: u64::from(ctx.incarnation()) << 40,
            config,
            servers,
            consensus,
            stored: 0,
            missing: BTreeMap::new(),
            fetching: None,
            attempts: 0,
            scrub_at: 1,
            cut: None,
            oldest: None,
            journal: ServerJournal::default(),
            counters: ServerCounters::default(),
        }
    }

    // ---- what checkers, views and metrics read ----------------------------------------------

    /// The server's id.
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// The ledger as agreed and applied here.
    pub fn ledger(&self) -> &Ledger {
        self.consensus.state()
    }

    /// Whether this server leads.
    pub fn is_leader(&self) -> bool {
        self.consensus.is_leader()
    }

    /// How far its disk holds the chain, checked, but for the [`LedgerServer::missing`]
    /// blocks.
    pub fn stored(&self) -> u64 {
        self.stored
    }

    /// Heights whose block it is fetching.
    pub fn missing(&self) -> impl Iterator<Item = u64> + '_ {
        self.missing.keys().copied()
    }

    /// What the last event wrote.
    pub fn journal(&self) -> &ServerJournal {
        &self.journal
    }

    /// Counters since this incarnation started.
    pub fn counters(&self) -> ServerCounters {
        self.counters
    }

    /// The hosted Raft server, if Raft is the protocol.
    pub fn raft(&self) -> Option<&raft::Server<Ledger>> {
        match &self.consensus {
            Consensus::Raft(s) => Some(s),
            Consensus::Paxos(_) => None,
        }
    }

    /// The hosted Multi-Paxos server, if it is the protocol.
    pub fn paxos(&self) -> Option<&paxos::Server<Ledger>> {
        match &self.consensus {
            Consensus::Paxos(s) => Some(s),
            Consensus::Raft(_) => None,
        }
    }

    /// What the front end shows: consensus's view, with the chain and the disk's copy of it.
    pub fn view(&self) -> NodeView {
        let (height, head) = self.ledger().head();
        let mut view = self.consensus.view();
        view = view
            .class(if self.is_leader() {
                RoleClass::Leader
            } else {
                RoleClass::Follower
            })
            .progress("chain height", height)
            .field("chain head", head)
            .field("blocks on disk (checked)", self.stored)
            .field("records waiting", self.ledger().pending().len())
            .field(
                "repairing",
                if self.missing.is_empty() {
                    "-".to_string()
                } else {
                    let heights: Vec<String> =
                        self.missing.keys().take(8).map(u64::to_string).collect();
                    heights.join(" ")
                },
            )
            .field("blocks scrubbed", self.counters.scrubbed)
            .field("blocks repaired", self.counters.repaired);
        view
    }

    // ---- events ------------------------------------------------------------------------------

    /// Handles a message.
    pub(crate) fn on_message(&mut self, from: NodeId, msg: Msg, ctx: &mut Ctx<'_, LedgerNode>) {
        self.journal = ServerJournal::default();
        match msg {
            Msg::Fetch { from: first, upto } => self.answer_fetch(from, first, upto, ctx),
            Msg::Blocks(blocks) => self.take_blocks(from, blocks, ctx),
            Msg::HeadQuery { round } => self.answer_head(from, round, ctx),
            Msg::Read {
                round,
                height,
                head,
                pick,
                since,
            } => self.answer_read(from, (round, height, head, pick), since, ctx),
            Msg::Head { .. } | Msg::ReadAnswer(_) => {}
            other => self.consensus.on_message(from, other, ctx),
        }
        self.after(ctx);
    }

    /// Handles a timer.
    pub(crate) fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx<'_, LedgerNode>) {
        self.journal = ServerJournal::default();
        match timer {
            Timer::Cut => {
                ctx.set_timer(cut::tick(&self.config), Timer::Cut);
            }
            Timer::Scrub => {
                if let Some(every) = self.config.scrub_interval() {
                    ctx.set_timer(every, Timer::Scrub);
                }
                self.scrub_step(ctx);
            }
            Timer::Fetch { attempt } => {
                if self.fetching.is_some_and(|f| f.attempt == attempt) {
                    self.fetching = None;
                    self.fetch(ctx);
                }
            }
            other => self.consensus.on_timer(other, ctx),
        }
        self.after(ctx);
    }

    /// What every event ends with: note what was applied, bring the disk's copy of the chain
    /// up to the agreed one, and (leading) cut a block if one is due.
    fn after(&mut self, ctx: &mut Ctx<'_, LedgerNode>) {
        let own = u64::from(self.id.0);
        for outcome in self.consensus.take_outcomes() {
            if outcome.command.client == own
                && matches!(outcome.command.op, crate::op::LedgerOp::Cut { .. })
            {
                self.cut = None;
            }
        }
        self.store_new_blocks(ctx);
        self.maybe_cut(ctx);
    }

    /// The other servers, starting after this one (so that servers spread their fetches).
    fn peers(&self) -> Vec<NodeId> {
        let i = self.servers.iter().position(|s| *s == self.id).unwrap_or(0);
        let n = self.servers.len();
        (1..n).map(|k| self.servers[(i + k) % n]).collect()
    }

    /// Notes `height` as damaged or missing, found at `now`.
    fn lost(&mut self, height: u64, now: Time) {
        if !self.missing.contains_key(&height) {
            self.counters.damaged += 1;
            self.missing.insert(height, now);
        }
    }

    /// Notes a block repaired at `now`.
    fn found(&mut self, height: u64, now: Time) {
        if let Some(since) = self.missing.remove(&height) {
            let took = now.0.saturating_sub(since.0);
            self.counters.repaired += 1;
            self.counters.repair_ns += took;
            self.counters.max_repair_ns = self.counters.max_repair_ns.max(took);
        }
    }
}
