//! The node type the simulator runs: a server or a client of the replicated service.

use crate::disk_note::Note;
use crate::replica::Snapshot;
use crate::server::Server;
use crate::{Ballot, Config, Msg, Value};
use kv::KvMap;
use rsm::StateMachine;
use rsm::{Client, ClientConfig, ClientTimer};
use serde::Serialize;
use sim_core::{Ctx, Node, NodeId, NodeView};
use std::sync::Arc;

/// What a node's timers mean.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Timer {
    /// A client's timer.
    Client(ClientTimer),
    /// A follower checks whether it has heard from a leader lately.
    Election,
    /// The periodic tick: a leader's heartbeat and resends, a proposer's resent prepares.
    Tick,
    /// A leader's partial batch has waited long enough: propose it.
    Batch,
}

impl From<ClientTimer> for Timer {
    fn from(t: ClientTimer) -> Timer {
        Timer::Client(t)
    }
}

/// What a server keeps on disk: its promise, its accepted proposals (one record per slot,
/// `("accepted", slot)`) and its replica's last snapshot.
#[derive(Clone, Debug)]
pub enum Record<S: StateMachine = KvMap> {
    /// The acceptor's promise.
    Promise(Ballot),
    /// A slot's accepted proposal.
    Accepted(Ballot, Value<S>),
    /// The replica's last snapshot; acceptor entries below it are gone.
    Snapshot(Arc<Snapshot<S>>),
    /// What the accepted proposals should add up to (kept twice).
    Note(Note),
    /// A repair of damaged accepted proposals is under way, up to this slot (exclusive): kept
    /// until it is over, so that a crash during the repair does not end it.
    Repair {
        /// The end of the damaged range.
        upto: u64,
    },
}

/// What a record's damaged bytes read as: a promise or ballot one round off, a batch with a
/// damaged command (its digest no longer matches), a snapshot claiming another position.
impl<S: StateMachine> sim_core::Corruptible for Record<S> {
    fn corrupted(&self, noise: u64) -> Record<S> {
        let off = |b: &Ballot| Ballot {
            round: b.round ^ (1 << (noise % 5)),
            node: b.node,
        };
        match self {
            Record::Promise(b) => Record::Promise(off(b)),
            Record::Accepted(b, Value::Batch(batch)) if !batch.commands.is_empty() => {
                let mut commands = batch.commands.clone();
                let i = (noise % commands.len() as u64) as usize;
                commands[i] = commands[i].corrupted(noise);
                // The digest is the simulator's shorthand for the commands, not bytes on the
                // disk: it is the damaged commands' digest, as a reader would compute it.
                Record::Accepted(*b, Value::batch(commands))
            }
            Record::Accepted(b, v) => Record::Accepted(off(b), v.clone()),
            Record::Snapshot(s) => {
                let mut s = (**s).clone();
                s.upto ^= 1 << (noise % 5);
                Record::Snapshot(Arc::new(s))
            }
            Record::Note(n) => Record::Note(Note {
                sum: n.sum ^ (1 << (noise % 64)),
                ..*n
            }),
            Record::Repair { upto } => Record::Repair {
                upto: upto ^ (1 << (noise % 5)),
            },
        }
    }
}

/// What a node is.
#[derive(Clone, Debug, PartialEq)]
pub enum Role<S: StateMachine = KvMap> {
    /// A server (proposer, acceptor, learner); `servers` lists every server, itself included.
    Server {
        /// The servers of the cluster.
        servers: Arc<[NodeId]>,
    },
    /// A client of the replicated service.
    Client(ClientConfig<S>),
}

/// One node's configuration: the shared protocol parameters and the node's role.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeConfig<S: StateMachine = KvMap> {
    /// The protocol parameters (the same for every node).
    pub config: Arc<Config>,
    /// Server or client.
    pub role: Role<S>,
}

/// A node of a Multi-Paxos cluster.
#[derive(Clone, Debug)]
pub enum PaxosNode<S: StateMachine = KvMap> {
    /// A server.
    Server(Box<Server<S>>),
    /// A client.
    Client(Box<Client<S>>),
}

impl<S: StateMachine> PaxosNode<S> {
    /// The server, if this node is one.
    pub fn server(&self) -> Option<&Server<S>> {
        match self {
            PaxosNode::Server(s) => Some(s),
            PaxosNode::Client(_) => None,
        }
    }

    /// The client, if this node is one.
    pub fn client(&self) -> Option<&Client<S>> {
        match self {
            PaxosNode::Client(c) => Some(c),
            PaxosNode::Server(_) => None,
        }
    }

    /// The server, mutably: a host that proposes its own commands (a ledger, a workflow
    /// engine) reaches it through this.
    pub fn server_mut(&mut self) -> Option<&mut Server<S>> {
        match self {
            PaxosNode::Server(s) => Some(s),
            PaxosNode::Client(_) => None,
        }
    }

    /// The client, mutably: a harness submits a person's command through it.
    pub fn client_mut(&mut self) -> Option<&mut Client<S>> {
        match self {
            PaxosNode::Client(c) => Some(c),
            PaxosNode::Server(_) => None,
        }
    }
}

impl<S: StateMachine> Node for PaxosNode<S> {
    type Message = Msg<S>;
    type Timer = Timer;
    type Record = Record<S>;
    type Config = NodeConfig<S>;

    fn start(id: NodeId, config: &NodeConfig<S>, ctx: &mut Ctx<'_, Self>) -> Self {
        match &config.role {
            Role::Server { servers } => PaxosNode::Server(Box::new(Server::start(
                id,
                config.config.clone(),
                servers.clone(),
                ctx,
            ))),
            Role::Client(c) => PaxosNode::Client(Box::new(Client::start(id, c, ctx))),
        }
    }

    fn on_message(&mut self, from: NodeId, msg: Msg<S>, ctx: &mut Ctx<'_, Self>) {
        match (self, msg) {
            (PaxosNode::Server(s), msg) => s.on_message(from, msg, ctx),
            (PaxosNode::Client(c), Msg::Reply(r)) => c.on_reply(from, r, ctx),
            (PaxosNode::Client(_), _) => {}
        }
    }

    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx<'_, Self>) {
        match (self, timer) {
            (PaxosNode::Client(c), Timer::Client(t)) => c.on_timer(t, ctx),
            (PaxosNode::Server(s), t) => s.on_timer(&t, ctx),
            (PaxosNode::Client(_), _) => {}
        }
    }

    fn view(&self) -> NodeView {
        match self {
            PaxosNode::Server(s) => s.view(),
            PaxosNode::Client(c) => c.view(),
        }
    }

    fn model_state(&self, h: &mut sim_core::model::StateHasher) -> bool {
        match self {
            PaxosNode::Server(s) => {
                h.put_u64(0);
                s.model_state(h);
            }
            PaxosNode::Client(c) => {
                h.put_u64(1);
                c.model_state(h);
            }
        }
        true
    }
}
