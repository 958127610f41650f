//! The engine's state as a coordinator keeps it: on its own disk (`single`), or replicated
//! by a Raft or Multi-Paxos server hosted in the coordinator node. The scheduler sees one
//! interface: am I the leader, what is the applied state, propose an order, what did my
//! proposals answer.

use crate::engine::{EngineState, Order};
use crate::node::WorkflowNode;
use crate::record::Record;
use rsm::{Command, Outcome, Store};
use sim_core::{Ctx, DiskKey, NodeId};
use std::sync::Arc;

/// Where a single coordinator writes its orders: `("order", n)`.
const ORDERS: &str = "order";

/// The engine's state, however it is kept.
#[derive(Clone, Debug)]
pub(crate) enum Replica {
    /// One coordinator: every order is written and synced before it takes effect.
    Single {
        store: Store<EngineState>,
        written: u64,
        outcomes: Vec<Outcome<EngineState>>,
    },
    /// A Raft server.
    Raft(Box<raft::Server<EngineState>>),
    /// A Multi-Paxos server.
    Paxos(Box<paxos::Server<EngineState>>),
}

impl Replica {
    /// A single coordinator, recovered from its disk: every order written is applied again.
    pub fn single(ctx: &mut Ctx<'_, WorkflowNode>) -> Replica {
        let mut store = Store::<EngineState>::new();
        let mut written = 0;
        let orders: Vec<Order> = ctx
            .disk()
            .range(ORDERS)
            .filter_map(|(_, r)| match r {
                Record::Order(o) => Some(o.clone()),
                _ => None,
            })
            .collect();
        for order in orders {
            written += 1;
            store.apply(&Command {
                client: 0,
                seq: written,
                op: order,
            });
        }
        Replica::Single {
            store,
            written,
            outcomes: Vec::new(),
        }
    }

    /// A Raft server, recovered from its disk.
    pub fn raft(
        id: NodeId,
        config: Arc<raft::Config>,
        members: &[NodeId],
        ctx: &mut Ctx<'_, WorkflowNode>,
    ) -> Replica {
        let mut server = raft::Server::start(id, config, members, ctx);
        server.keep_outcomes();
        Replica::Raft(Box::new(server))
    }

    /// A Multi-Paxos server, recovered from its disk.
    pub fn paxos(
        id: NodeId,
        config: Arc<paxos::Config>,
        servers: Arc<[NodeId]>,
        ctx: &mut Ctx<'_, WorkflowNode>,
    ) -> Replica {
        let mut server = paxos::Server::start(id, config, servers, ctx);
        server.keep_outcomes();
        Replica::Paxos(Box::new(server))
    }

    /// Whether this coordinator leads (and so schedules).
    pub fn is_leader(&self) -> bool {
        match self {
            Replica::Single { .. } => true,
            Replica::Raft(s) => s.role() == raft::Role::Leader,
            Replica::Paxos(s) => s.leading().is_some(),
        }
    }

    /// The leader's term or ballot round, which names a reign (0 for a single coordinator).
    pub fn epoch(&self) -> u64 {
        match self {
            Replica::Single { .. } => 0,
            Replica::Raft(s) => s.term(),
            Replica::Paxos(s) => s.leading().map_or(0, |b| b.round),
        }
    }

    /// The engine's state as applied here.
    pub fn state(&self) -> &EngineState {
        match self {
            Replica::Single { store, .. } => store.state(),
            Replica::Raft(s) => s.store().state(),
            Replica::Paxos(s) => s.replica().store().state(),
        }
    }

    /// Proposes an order as command `seq` of client `id`. A single coordinator applies it
    /// at once, after writing it.
    pub fn propose(
        &mut self,
        id: NodeId,
        seq: u64,
        order: Order,
        ctx: &mut Ctx<'_, WorkflowNode>,
    ) -> Result<(), String> {
        let command: Command<EngineState> = Command {
            client: u64::from(id.0),
            seq,
            op: order,
        };
        match self {
            Replica::Single {
                store,
                written,
                outcomes,
            } => {
                *written += 1;
                let disk = ctx.disk();
                disk.put(DiskKey(ORDERS, *written), Record::Order(command.op.clone()));
                disk.sync();
                let output = store.apply(&command);
                outcomes.push(Outcome {
                    index: *written,
                    command,
                    output,
                });
                Ok(())
            }
            Replica::Raft(s) => s.propose(command, ctx).map(|_| ()),
            Replica::Paxos(s) => s.propose_command(command, ctx),
        }
    }

    /// The orders applied since the last call, with their answers.
    pub fn take_outcomes(&mut self) -> Vec<Outcome<EngineState>> {
        match self {
            Replica::Single { outcomes, .. } => std::mem::take(outcomes),
            Replica::Raft(s) => s.take_outcomes(),
            Replica::Paxos(s) => s.take_outcomes(),
        }
    }
}
