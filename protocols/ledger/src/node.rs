//! A ledger node: a server (consensus plus its copy of the chain), or a producer submitting
//! records.

use crate::config::LedgerConfig;
use crate::machine::Ledger;
use crate::message::Msg;
use crate::reader::Reader;
use crate::record::Record;
use crate::server::LedgerServer;
use crate::timer::Timer;
use rsm::{Client, ClientConfig};
use sim_core::{Ctx, Duration, Node, NodeId, NodeView};
use std::sync::Arc;

/// What a node is.
#[derive(Clone, Debug, PartialEq)]
pub enum Role {
    /// A server; `servers` lists every server, itself included.
    Server {
        /// The servers of the cluster.
        servers: Arc<[NodeId]>,
    },
    /// A producer of records.
    Client(ClientConfig<Ledger>),
    /// A reader of records, with their proofs.
    Reader {
        /// The servers it reads from.
        servers: Arc<[NodeId]>,
        /// How often it reads.
        every: Duration,
        /// When it starts.
        start: Duration,
    },
}

/// One node's configuration: the shared parameters and the node's role.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeConfig {
    /// The ledger's parameters (the same for every node).
    pub config: Arc<LedgerConfig>,
    /// Server or producer.
    pub role: Role,
}

/// A node of a ledger cluster.
#[derive(Clone, Debug)]
pub enum LedgerNode {
    /// A server.
    Server(Box<LedgerServer>),
    /// A producer.
    Client(Box<Client<Ledger>>),
    /// A reader.
    Reader(Box<Reader>),
}

impl LedgerNode {
    /// The server, if this node is one.
    pub fn server(&self) -> Option<&LedgerServer> {
        match self {
            LedgerNode::Server(s) => Some(s),
            _ => None,
        }
    }

    /// The producer, if this node is one.
    pub fn client(&self) -> Option<&Client<Ledger>> {
        match self {
            LedgerNode::Client(c) => Some(c),
            _ => None,
        }
    }

    /// The producer, mutably: a harness submits a person's record through it.
    pub fn client_mut(&mut self) -> Option<&mut Client<Ledger>> {
        match self {
            LedgerNode::Client(c) => Some(c),
            _ => None,
        }
    }

    /// The reader, if this node is one.
    pub fn reader(&self) -> Option<&Reader> {
        match self {
            LedgerNode::Reader(r) => Some(r),
            _ => None,
        }
    }
}

impl Node for LedgerNode {
    type Message = Msg;
    type Timer = Timer;
    type Record = Record;
    type Config = NodeConfig;

    fn start(id: NodeId, config: &NodeConfig, ctx: &mut Ctx<'_, Self>) -> Self {
        match &config.role {
            Role::Server { servers } => LedgerNode::Server(Box::new(LedgerServer::start(
                id,
                config.config.clone(),
                servers.clone(),
                ctx,
            ))),
            Role::Client(c) => LedgerNode::Client(Box::new(Client::start(id, c, ctx))),
            Role::Reader {
                servers,
                every,
                start,
            } => LedgerNode::Reader(Box::new(Reader::start(
                id,
                servers.clone(),
                *every,
                *start,
                ctx,
            ))),
        }
    }

    fn on_message(&mut self, from: NodeId, msg: Msg, ctx: &mut Ctx<'_, Self>) {
        match (self, msg) {
            (LedgerNode::Server(s), msg) => s.on_message(from, msg, ctx),
            (LedgerNode::Client(c), Msg::Raft(raft::Msg::Reply(r))) => c.on_reply(from, r, ctx),
            (LedgerNode::Client(c), Msg::Paxos(paxos::Msg::Reply(r))) => c.on_reply(from, r, ctx),
            (
                LedgerNode::Reader(r),
                Msg::Head {
                    round,
                    height,
                    hash,
                },
            ) => r.on_head(from, round, (height, hash), ctx),
            (LedgerNode::Reader(r), Msg::ReadAnswer(a)) => r.on_answer(a),
            (LedgerNode::Client(_) | LedgerNode::Reader(_), _) => {}
        }
    }

    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx<'_, Self>) {
        match (self, timer) {
            (LedgerNode::Client(c), Timer::Client(t)) => c.on_timer(t, ctx),
            (LedgerNode::Server(s), t) => s.on_timer(t, ctx),
            (LedgerNode::Reader(r), Timer::Read) => r.on_timer(ctx),
            (LedgerNode::Client(_) | LedgerNode::Reader(_), _) => {}
        }
    }

    fn view(&self) -> NodeView {
        match self {
            LedgerNode::Server(s) => s.view(),
            LedgerNode::Client(c) => c.view(),
            LedgerNode::Reader(r) => r.view(),
        }
    }
}
