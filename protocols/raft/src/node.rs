//! The node type the engine runs: a Raft server or a client of the key-value service.

use crate::config::Config;
use crate::message::Msg;
use crate::persist::Record;
use crate::server::Server;
use kv::KvMap;
use rsm::{Client, ClientConfig, ClientTimer, StateMachine};
use serde::Serialize;
use sim_core::{Ctx, Node, NodeId, NodeView};
use std::sync::Arc;

/// What a node of a Raft cluster is.
#[derive(Clone, Debug)]
pub enum RaftNode<S: StateMachine = KvMap> {
    /// A server.
    Server(Box<Server<S>>),
    /// A client.
    Client(Box<Client<S>>),
}

/// What a node starts as.
#[derive(Clone, Debug)]
pub enum Role<S: StateMachine = KvMap> {
    /// A server; `bootstrap` is the configuration before the log changes it.
    Server {
        /// The initial voting members.
        bootstrap: Vec<NodeId>,
    },
    /// A client.
    Client(ClientConfig<S>),
}

/// One node's configuration: the cluster's Raft parameters and the node's role.
#[derive(Clone, Debug)]
pub struct NodeConfig<S: StateMachine = KvMap> {
    /// Shared Raft parameters.
    pub raft: Arc<Config>,
    /// Server or client.
    pub role: Role<S>,
}

/// What a timer means.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Timer {
    /// Check whether the election deadline has passed.
    Election,
    /// Send heartbeats, if still the leader of `term`.
    Heartbeat {
        /// The term the timer was set in.
        term: u64,
    },
    /// CheckQuorum, if still the leader of `term`.
    QuorumCheck {
        /// The term the timer was set in.
        term: u64,
    },
    /// A client's timer.
    Client(ClientTimer),
    /// Append the client commands gathered since the first of them, if still the leader of
    /// `term` (`batch_delay`). Last, so that the others keep their encoding.
    Batch {
        /// The term the timer was set in.
        term: u64,
    },
}

impl From<ClientTimer> for Timer {
    fn from(t: ClientTimer) -> Timer {
        Timer::Client(t)
    }
}

impl<S: StateMachine> RaftNode<S> {
    /// The server, if this node is one.
    pub fn server(&self) -> Option<&Server<S>> {
        match self {
            RaftNode::Server(s) => Some(s),
            RaftNode::Client(_) => None,
        }
    }

    /// The server, mutably (for inputs such as membership changes).
    pub fn server_mut(&mut self) -> Option<&mut Server<S>> {
        match self {
            RaftNode::Server(s) => Some(s),
            RaftNode::Client(_) => None,
        }
    }

    /// The client, if this node is one.
    pub fn client(&self) -> Option<&Client<S>> {
        match self {
            RaftNode::Client(c) => Some(c),
            RaftNode::Server(_) => None,
        }
    }

    /// The client, mutably (to submit a command typed by a person).
    pub fn client_mut(&mut self) -> Option<&mut Client<S>> {
        match self {
            RaftNode::Client(c) => Some(c),
            RaftNode::Server(_) => None,
        }
    }
}

impl<S: StateMachine> Node for RaftNode<S> {
    type Message = Msg<S>;
    type Timer = Timer;
    type Record = Record<S>;
    type Config = NodeConfig<S>;

    fn start(id: NodeId, config: &NodeConfig<S>, ctx: &mut Ctx<'_, Self>) -> Self {
        match &config.role {
            Role::Server { bootstrap } => RaftNode::Server(Box::new(Server::start(
                id,
                config.raft.clone(),
                bootstrap,
                ctx,
            ))),
            Role::Client(c) => RaftNode::Client(Box::new(Client::start(id, c, ctx))),
        }
    }

    fn on_message(&mut self, from: NodeId, msg: Msg<S>, ctx: &mut Ctx<'_, Self>) {
        let s = match self {
            RaftNode::Client(c) => {
                if let Msg::Reply(reply) = msg {
                    c.on_reply(from, reply, ctx);
                }
                return;
            }
            RaftNode::Server(s) => s,
        };
        s.on_message(from, msg, ctx);
    }

    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx<'_, Self>) {
        match (self, timer) {
            (RaftNode::Client(c), Timer::Client(t)) => c.on_timer(t, ctx),
            (RaftNode::Server(s), t) => s.on_timer(t, ctx),
            _ => {}
        }
    }

    fn view(&self) -> NodeView {
        match self {
            RaftNode::Server(s) => crate::view::server_view(s),
            RaftNode::Client(c) => c.view(),
        }
    }

    /// Raft's servers run one code from one configuration, and nothing they do compares ids,
    /// so any renaming of them is invisible, when every server starts as a voting member with
    /// the same parameters. A client breaks part of that: it tries the servers one after the
    /// other in its list's order, so with clients (each listing the servers in id order) only
    /// rotations keep its behaviour.
    fn symmetry(configs: &[NodeConfig<S>]) -> sim_core::model::Symmetry {
        use sim_core::model::Symmetry;
        let servers = configs
            .iter()
            .take_while(|c| matches!(c.role, Role::Server { .. }))
            .count();
        let in_order: Vec<NodeId> = (0..servers as u32).map(NodeId).collect();
        let same_servers = configs[..servers].iter().all(|c| {
            *c.raft == *configs[0].raft
                && matches!(&c.role, Role::Server { bootstrap } if {
                    let mut b = bootstrap.clone();
                    b.sort();
                    b == in_order
                })
        });
        let clients = &configs[servers..];
        let clients_in_order = clients
            .iter()
            .all(|c| matches!(&c.role, Role::Client(cc) if cc.servers == in_order));
        match (
            same_servers && servers > 1,
            clients.is_empty(),
            clients_in_order,
        ) {
            (false, _, _) | (true, false, false) => Symmetry::None,
            (true, true, _) => Symmetry::Any(servers as u32),
            (true, false, true) => Symmetry::Rotation(servers as u32),
        }
    }

    fn model_state(&self, h: &mut sim_core::model::StateHasher) -> bool {
        match self {
            RaftNode::Server(s) => {
                h.put_u64(0);
                s.model_state(h);
            }
            RaftNode::Client(c) => {
                h.put_u64(1);
                c.model_state(h);
            }
        }
        true
    }
}
