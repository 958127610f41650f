//! The consensus a ledger server hosts: a Raft or a Multi-Paxos server replicating the
//! [`Ledger`]. The rest of the server sees one interface: am I the leader, what is the
//! agreed state, propose an operation, what did my proposals answer.

use crate::machine::Ledger;
use crate::message::Msg;
use crate::node::LedgerNode;
use crate::op::LedgerOp;
use crate::timer::Timer;
use rsm::{Command, Outcome};
use sim_core::{Ctx, NodeId, NodeView};
use std::sync::Arc;

/// The hosted server.
#[derive(Clone, Debug)]
pub(crate) enum Consensus {
    /// A Raft server.
    Raft(Box<raft::Server<Ledger>>),
    /// A Multi-Paxos server.
    Paxos(Box<paxos::Server<Ledger>>),
}

impl Consensus {
    /// A Raft server, recovered from the node's disk.
    pub fn raft(
        id: NodeId,
        config: Arc<raft::Config>,
        members: &[NodeId],
        ctx: &mut Ctx<'_, LedgerNode>,
    ) -> Consensus {
        let mut server = raft::Server::start(id, config, members, ctx);
        server.keep_outcomes();
        Consensus::Raft(Box::new(server))
    }

    /// A Multi-Paxos server, recovered from the node's disk.
    pub fn paxos(
        id: NodeId,
        config: Arc<paxos::Config>,
        servers: Arc<[NodeId]>,
        ctx: &mut Ctx<'_, LedgerNode>,
    ) -> Consensus {
        let mut server = paxos::Server::start(id, config, servers, ctx);
        server.keep_outcomes();
        Consensus::Paxos(Box::new(server))
    }

    /// Whether this server leads.
    pub fn is_leader(&self) -> bool {
        match self {
            Consensus::Raft(s) => s.role() == raft::Role::Leader,
            Consensus::Paxos(s) => s.leading().is_some(),
        }
    }

    /// The ledger as applied here.
    pub fn state(&self) -> &Ledger {
        match self {
            Consensus::Raft(s) => s.store().state(),
            Consensus::Paxos(s) => s.replica().store().state(),
        }
    }

    /// Proposes `op` as command `seq` of client `id` (the server itself).
    pub fn propose(
        &mut self,
        id: NodeId,
        seq: u64,
        op: LedgerOp,
        ctx: &mut Ctx<'_, LedgerNode>,
    ) -> Result<(), String> {
        let command: Command<Ledger> = Command {
            client: u64::from(id.0),
            seq,
            op,
        };
        match self {
            Consensus::Raft(s) => s.propose(command, ctx).map(|_| ()),
            Consensus::Paxos(s) => s.propose_command(command, ctx),
        }
    }

    /// The operations applied since the last call, with their answers.
    pub fn take_outcomes(&mut self) -> Vec<Outcome<Ledger>> {
        match self {
            Consensus::Raft(s) => s.take_outcomes(),
            Consensus::Paxos(s) => s.take_outcomes(),
        }
    }

    /// Hands consensus a message for it.
    pub fn on_message(&mut self, from: NodeId, msg: Msg, ctx: &mut Ctx<'_, LedgerNode>) {
        match (self, msg) {
            (Consensus::Raft(s), Msg::Raft(m)) => s.on_message(from, m, ctx),
            (Consensus::Raft(s), Msg::Request(r)) => s.on_message(from, raft::Msg::Request(r), ctx),
            (Consensus::Paxos(s), Msg::Paxos(m)) => s.on_message(from, m, ctx),
            (Consensus::Paxos(s), Msg::Request(r)) => {
                s.on_message(from, paxos::Msg::Request(r), ctx)
            }
            _ => {}
        }
    }

    /// Hands consensus one of its timers.
    pub fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx<'_, LedgerNode>) {
        match (self, timer) {
            (Consensus::Raft(s), Timer::Raft(t)) => s.on_timer(t, ctx),
            (Consensus::Paxos(s), Timer::Paxos(t)) => s.on_timer(&t, ctx),
            _ => {}
        }
    }

    /// The hosted server's own view.
    pub fn view(&self) -> NodeView {
        match self {
            Consensus::Raft(s) => raft::server_view(s),
            Consensus::Paxos(s) => s.view(),
        }
    }
}
