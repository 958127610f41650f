//! What servers and clients say to each other.

use crate::replica::Snapshot;
use crate::{Ballot, Value};
use kv::KvMap;
use rsm::StateMachine;
use rsm::{Reply, Request};
use serde::Serialize;
use std::sync::Arc;

/// A slot's accepted proposal, as a promise reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AcceptedEntry<S: StateMachine = KvMap> {
    /// The slot.
    pub slot: u64,
    /// The ballot under which it was accepted.
    pub ballot: Ballot,
    /// The value.
    pub value: Value<S>,
}

/// A message of the Multi-Paxos cluster.
#[derive(Clone, Debug, Serialize)]
pub enum Msg<S: StateMachine = KvMap> {
    /// Phase 1a: "promise to ignore ballots below `ballot`, and tell me what you accepted in
    /// slots from `from_slot` on" — one prepare for every open slot at once.
    Prepare {
        /// The proposer's ballot.
        ballot: Ballot,
        /// The first slot the proposer does not know to be chosen.
        from_slot: u64,
    },
    /// Phase 1b: the promise, with the highest accepted proposal of every slot asked about.
    Promise {
        /// The ballot promised.
        ballot: Ballot,
        /// Accepted proposals in slots at or above the prepare's `from_slot`.
        accepted: Vec<AcceptedEntry<S>>,
        /// Slots below this are chosen and forgotten by the acceptor (its replica holds them
        /// in a snapshot); the proposer must not propose there.
        compacted: u64,
    },
    /// A refusal: the acceptor promised a higher ballot. Tells the proposer to stand down.
    Nack {
        /// The ballot refused.
        ballot: Ballot,
        /// The acceptor's promise.
        promised: Ballot,
    },
    /// Phase 2a: "accept `value` in `slot` under `ballot`". Carries the leader's commit point.
    Accept {
        /// The leader's ballot.
        ballot: Ballot,
        /// The slot.
        slot: u64,
        /// The value.
        value: Value<S>,
        /// Every slot below is chosen (see [`Msg::Heartbeat`]).
        commit: u64,
    },
    /// Phase 2b: the acceptor accepted `slot` under `ballot`.
    Accepted {
        /// The ballot.
        ballot: Ballot,
        /// The slot.
        slot: u64,
    },
    /// The leader is alive; every slot below `commit` is chosen. A follower that accepted a
    /// slot under this same ballot knows its value is the chosen one; for any other slot it
    /// asks for the value with [`Msg::CatchUp`].
    Heartbeat {
        /// The leader's ballot.
        ballot: Ballot,
        /// The leader's commit point.
        commit: u64,
    },
    /// "Send me the chosen values from `from` on."
    CatchUp {
        /// The first slot the replica has not applied.
        from: u64,
    },
    /// Chosen values, in slot order, from `from` on.
    Chosen {
        /// The first slot.
        from: u64,
        /// The values of slots `from`, `from + 1`, ...
        values: Vec<Value<S>>,
    },
    /// A replica's state up to a slot, for one that lags behind the sender's log.
    Snapshot(Arc<Snapshot<S>>),
    /// A client's request.
    Request(Request<S>),
    /// An answer to a client.
    Reply(Reply<S>),
    /// "I lost my promise: what have you promised?" Sent by a server whose disk lost both
    /// copies of its promise, which takes part again once enough others have answered.
    BallotQuery,
    /// The answer: the highest ballot the sender has promised or heard of.
    BallotReply {
        /// That ballot.
        promised: Ballot,
    },
}

impl<S: StateMachine> From<Request<S>> for Msg<S> {
    fn from(r: Request<S>) -> Msg<S> {
        Msg::Request(r)
    }
}

impl<S: StateMachine> sim_core::Message for Msg<S> {
    /// A promise and an acceptance are an acceptor's word: both must be on its disk first.
    fn promises_durability(&self) -> bool {
        matches!(self, Msg::Promise { .. } | Msg::Accepted { .. })
    }

    fn kind(&self) -> &'static str {
        match self {
            Msg::Prepare { .. } => "Prepare",
            Msg::Promise { .. } => "Promise",
            Msg::Nack { .. } => "Nack",
            Msg::Accept { .. } => "Accept",
            Msg::Accepted { .. } => "Accepted",
            Msg::Heartbeat { .. } => "Heartbeat",
            Msg::CatchUp { .. } => "CatchUp",
            Msg::Chosen { .. } => "Chosen",
            Msg::Snapshot(_) => "Snapshot",
            Msg::Request(_) => "Request",
            Msg::Reply(_) => "Reply",
            Msg::BallotQuery => "BallotQuery",
            Msg::BallotReply { .. } => "BallotReply",
        }
    }

    fn size(&self) -> u64 {
        const HEADER: u64 = 32;
        match self {
            Msg::Promise { accepted, .. } => {
                HEADER + accepted.iter().map(|e| 24 + e.value.size()).sum::<u64>()
            }
            Msg::Accept { value, .. } => HEADER + value.size(),
            Msg::Chosen { values, .. } => HEADER + values.iter().map(Value::size).sum::<u64>(),
            Msg::Snapshot(s) => HEADER + s.store.approx_bytes(),
            Msg::Request(r) => r.command.size(),
            Msg::Reply(r) => r.size(),
            _ => HEADER,
        }
    }
}
