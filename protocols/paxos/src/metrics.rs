//! What a run measured, in the same terms as Raft's, so the two compare side by side.

use crate::PaxosNode;
use crate::cluster::clients;
use rsm::{ClientMetrics, StateMachine};
use serde::Serialize;
use sim_core::Simulation;

/// The figures of a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Metrics {
    /// What the clients saw: operations, retries, latency percentiles.
    pub clients: ClientMetrics,
    /// Commit latency as clients saw it, in milliseconds: p50, p90, p99, max.
    pub latency_ms: [f64; 4],
    /// Messages handed to the network, clients' included.
    pub messages: u64,
    /// Messages per completed client command.
    pub messages_per_command: f64,
    /// Slots chosen and applied (by the most advanced live server).
    pub slots: u64,
    /// Client commands per chosen slot (batching).
    pub commands_per_slot: f64,
    /// How many times the leader changed: leaders that committed a marker, after the first.
    pub leader_changes: u64,
    /// When the leader changed: the longest stretch of virtual time in which no client
    /// operation completed, in milliseconds — the time the service took to recover. `None`
    /// without a leader change or without recorded histories.
    pub recovery_ms: Option<f64>,
}

/// Gathers the figures of a run so far.
pub fn metrics<S: StateMachine>(sim: &Simulation<PaxosNode<S>>) -> Metrics {
    let clients_metrics = ClientMetrics::gather(clients(sim));
    let servers: Vec<_> = sim.nodes().live().filter_map(|(_, n)| n.server()).collect();
    let slots = servers
        .iter()
        .map(|s| s.replica().applied())
        .max()
        .unwrap_or(0);
    let leaders = servers
        .iter()
        .map(|s| s.replica().leaders())
        .max()
        .unwrap_or(0);
    let leader_changes = leaders.saturating_sub(1);
    let messages = sim.stats().sent;
    let completed = clients_metrics.completed;
    let ratio = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let recovery_ms = if leader_changes > 0 {
        rsm::longest_silence_ms(clients(sim))
    } else {
        None
    };
    Metrics {
        latency_ms: clients_metrics.latency_ms,
        messages,
        messages_per_command: ratio(messages, completed),
        slots,
        commands_per_slot: ratio(completed, slots),
        leader_changes,
        recovery_ms,
        clients: clients_metrics,
    }
}
