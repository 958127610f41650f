//! What a Raft run reports: elections, commit latency, and the cost per committed command.

use crate::checkers::{Election, ElectionSafety};
use crate::node::RaftNode;
use rsm::{ClientMetrics, StateMachine};
use serde::Serialize;
use sim_core::{Duration, Simulation, Time};

/// The figures of a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Metrics {
    /// Leaders elected (terms with a leader).
    pub elections: u64,
    /// The clients' view: operations, retries, latency percentiles (milliseconds).
    pub clients: ClientMetrics,
    /// Messages sent per answered client operation (client traffic included).
    pub messages_per_command: f64,
    /// Bytes sent per answered client operation.
    pub bytes_per_command: f64,
    /// When a leader was replaced: the longest stretch of virtual time in which no client
    /// operation completed, in milliseconds (the time the service took to recover, as
    /// `rsm::longest_silence_ms` defines it for every protocol). `None` with a single leader or
    /// without recorded histories.
    pub recovery_ms: Option<f64>,
}

/// Gathers the figures of a run (with the checkers attached by `cluster::build`).
pub fn metrics<S: StateMachine>(sim: &Simulation<RaftNode<S>>) -> Metrics {
    let clients = ClientMetrics::gather(sim.nodes().live().filter_map(|(_, n)| n.client()));
    let stats = sim.stats();
    let done = clients.completed.max(1) as f64;
    let elections = elections(sim).len() as u64;
    let recovery_ms = if elections > 1 {
        rsm::longest_silence_ms(sim.nodes().live().filter_map(|(_, n)| n.client()))
    } else {
        None
    };
    Metrics {
        elections,
        recovery_ms,
        messages_per_command: stats.sent as f64 / done,
        bytes_per_command: stats.bytes_sent as f64 / done,
        clients,
    }
}

/// Every election won so far, in term order.
pub fn elections<S: StateMachine>(sim: &Simulation<RaftNode<S>>) -> Vec<Election> {
    sim.checker::<ElectionSafety>()
        .map(|c| c.elections().copied().collect())
        .unwrap_or_default()
}

/// How long after `crash` the next leader was elected, if one was.
pub fn election_time_after<S: StateMachine>(
    sim: &Simulation<RaftNode<S>>,
    crash: Time,
) -> Option<Duration> {
    elections(sim)
        .into_iter()
        .filter(|e| e.at >= crash)
        .map(|e| e.at - crash)
        .min()
}
