//! A reader: a client that reads records back with their proofs and checks each against the
//! chain head it trusts.
//!
//! It keeps the chain of headers it has checked (a light client: headers only). Each round it
//! asks every server for its head, and trusts the head that a majority of servers report
//! alike (the quorum's head: no single server, honest or not, decides it). It then asks one
//! server, in turn, for a record of a block at or below that head. The answer carries the
//! record's block header, its Merkle path, and the headers the reader lacks up to the head.
//! The reader takes those headers only if they continue its chain and end at the head it
//! trusts, and accepts the record only if its header is the one its chain holds at that height
//! and the path leads to the header's root.

use crate::block::BlockHeader;
use crate::chain;
use crate::digest::Hash32;
use crate::entry::Entry;
use crate::merkle::Proof;
use crate::message::Msg;
use crate::node::LedgerNode;
use crate::timer::Timer;
use sim_core::{Ctx, Duration, NodeId, NodeView};
use std::collections::BTreeMap;
use std::sync::Arc;

/// What a reader accepted or turned down in one event, for the checkers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReaderJournal {
    /// Records accepted: position, record, and the hash of the header it was proven against.
    pub accepted: Vec<(u64, Entry, u64, Hash32)>,
}

/// A reader's counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReaderCounters {
    /// Reads accepted.
    pub accepted: u64,
    /// Answers turned down: a proof or a chain that does not check.
    pub rejected: u64,
    /// Answers without the record (the server could not read it).
    pub unanswered: u64,
}

/// A reader node.
#[derive(Clone, Debug)]
pub struct Reader {
    id: NodeId,
    servers: Arc<[NodeId]>,
    every: Duration,
    round: u64,
    /// This round's heads, by server.
    heads: BTreeMap<NodeId, (u64, Hash32)>,
    /// The headers checked so far, height 1 first.
    chain: Vec<BlockHeader>,
    /// The head trusted this round, and the position asked for.
    asking: Option<(u64, Hash32, u64)>,
    turn: usize,
    journal: ReaderJournal,
    counters: ReaderCounters,
}

impl Reader {
    /// Starts a reader that reads every `every`, from `start` on.
    pub(crate) fn start(
        id: NodeId,
        servers: Arc<[NodeId]>,
        every: Duration,
        start: Duration,
        ctx: &mut Ctx<'_, LedgerNode>,
    ) -> Reader {
        ctx.set_timer(start + every, Timer::Read);
        let turn = ctx.rng().index(servers.len().max(1));
        Reader {
            id,
            servers,
            every,
            round: 0,
            heads: BTreeMap::new(),
            chain: Vec::new(),
            asking: None,
            turn,
            journal: ReaderJournal::default(),
            counters: ReaderCounters::default(),
        }
    }

    /// What the last event accepted.
    pub fn journal(&self) -> &ReaderJournal {
        &self.journal
    }

    /// Counters since the reader started.
    pub fn counters(&self) -> ReaderCounters {
        self.counters
    }

    /// A new round: ask every server its head.
    pub(crate) fn on_timer(&mut self, ctx: &mut Ctx<'_, LedgerNode>) {
        self.journal = ReaderJournal::default();
        ctx.set_timer(self.every, Timer::Read);
        self.round += 1;
        self.heads.clear();
        self.asking = None;
        for &s in self.servers.iter() {
            ctx.send(s, Msg::HeadQuery { round: self.round });
        }
    }

    /// A server's head; with a majority alike, read a record below it.
    pub(crate) fn on_head(
        &mut self,
        from: NodeId,
        round: u64,
        head: (u64, Hash32),
        ctx: &mut Ctx<'_, LedgerNode>,
    ) {
        self.journal = ReaderJournal::default();
        if round != self.round || self.asking.is_some() || head.0 == 0 {
            return;
        }
        self.heads.insert(from, head);
        let alike = self.heads.values().filter(|h| **h == head).count();
        if alike <= self.servers.len() / 2 {
            return;
        }
        // A block at or below the head, a record in it, and the next server in turn.
        let server = self.servers[self.turn % self.servers.len()];
        self.turn += 1;
        let height = 1 + ctx.rng().below(head.0);
        let pick = ctx.rng().next_u64();
        self.asking = Some((head.0, head.1, height));
        ctx.send(
            server,
            Msg::Read {
                round: self.round,
                height,
                head: head.0,
                pick,
                since: self.chain.len() as u64 + 1,
            },
        );
    }

    /// A server's answer: accept the record only if it checks against the trusted head.
    pub(crate) fn on_answer(&mut self, answer: ReadAnswer) {
        self.journal = ReaderJournal::default();
        let Some((head_height, head_hash, height)) = self.asking else {
            return;
        };
        if answer.round != self.round {
            return;
        }
        self.asking = None;
        let Some((header, index, entry, proof)) = answer.found else {
            self.counters.unanswered += 1;
            return;
        };
        let position = header.first + u64::from(index);
        if !self.extend_chain(&answer.path, head_height, head_hash) {
            self.counters.rejected += 1;
            return;
        }
        let trusted = usize::try_from(height - 1)
            .ok()
            .and_then(|i| self.chain.get(i));
        let checks = trusted.is_some_and(|t| t.hash() == header.hash())
            && header.holds(position)
            && proof.index == index
            && proof.count == header.count
            && proof.verifies(entry.leaf(), header.root);
        if checks {
            self.counters.accepted += 1;
            self.journal
                .accepted
                .push((position, entry, header.height, header.hash()));
        } else {
            self.counters.rejected += 1;
        }
    }

    /// Takes the headers an answer brought if they continue the checked chain and end at the
    /// trusted head (or, bringing none, if the chain already holds that head).
    fn extend_chain(&mut self, path: &[BlockHeader], head_height: u64, head_hash: Hash32) -> bool {
        if chain::verify(self.chain.last(), path).is_err() {
            return false;
        }
        self.chain.extend_from_slice(path);
        let at = usize::try_from(head_height - 1)
            .ok()
            .and_then(|i| self.chain.get(i));
        if at.is_some_and(|h| h.hash() == head_hash) {
            return true;
        }
        // Not the trusted head: take nothing of it.
        self.chain.truncate(self.chain.len() - path.len());
        false
    }

    /// What the front end shows.
    pub fn view(&self) -> NodeView {
        NodeView::new("reader", format!("{} reader", self.id))
            .field("headers checked", self.chain.len())
            .field("reads accepted", self.counters.accepted)
            .field("answers turned down", self.counters.rejected)
            .field("answers without the record", self.counters.unanswered)
    }
}

/// A server's answer to a read: the record at the drawn index of the block asked for, with its
/// header, Merkle path and the headers up to the reader's head (`None`: not readable here).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ReadAnswer {
    /// The reader's round.
    pub round: u64,
    /// The block's header, the record's index in it, the record, and its Merkle path.
    pub found: Option<(BlockHeader, u32, Entry, Proof)>,
    /// The headers the reader lacks, up to its head.
    pub path: Vec<BlockHeader>,
}
