//! What a ledger run measured: how fast records were committed and blocks cut, what a record
//! costs in bytes, and how long damaged blocks stayed damaged.

use crate::block::Block;
use crate::cluster::{clients, leader};
use crate::entry::Entry;
use crate::node::LedgerNode;
use crate::record::{Record, block_key};
use sim_core::Simulation;

/// A run's figures.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LedgerMetrics {
    /// Records appended (the longest agreed ledger's count).
    pub records: u64,
    /// Blocks cut.
    pub blocks: u64,
    /// Data bytes the blocks' records name.
    pub bytes: u64,
    /// Records, blocks and data bytes per second of virtual time.
    pub records_per_s: f64,
    /// Blocks per second of virtual time.
    pub blocks_per_s: f64,
    /// Data bytes per second of virtual time.
    pub bytes_per_s: f64,
    /// Bytes of chain a record costs: its blocks' stored size (records and header) over the
    /// records in them.
    pub chain_bytes_per_record: Option<f64>,
    /// Commit latency of acknowledged appends, as producers saw it (ms): median and p99.
    pub commit_ms_p50: Option<f64>,
    /// See [`LedgerMetrics::commit_ms_p50`].
    pub commit_ms_p99: Option<f64>,
    /// From a record's submission (its producer's clock) to the cut of its block (the
    /// leader's clock), over the records in blocks (ms): median and p99.
    pub inclusion_ms_p50: Option<f64>,
    /// See [`LedgerMetrics::inclusion_ms_p50`].
    pub inclusion_ms_p99: Option<f64>,
    /// Damaged or missing blocks found, over all running servers.
    pub damaged: u64,
    /// Of those, repaired from a peer.
    pub repaired: u64,
    /// Mean and longest time from finding a block damaged to repairing it (ms).
    pub repair_ms_mean: Option<f64>,
    /// See [`LedgerMetrics::repair_ms_mean`].
    pub repair_ms_max: Option<f64>,
}

/// The value at quantile `q` of sorted `xs` (nearest rank).
fn quantile(xs: &[u64], q: f64) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    let rank = ((q * xs.len() as f64).ceil() as usize).clamp(1, xs.len());
    Some(xs[rank - 1] as f64)
}

/// Gathers the figures of `sim` as it stands.
pub fn metrics(sim: &Simulation<LedgerNode>) -> LedgerMetrics {
    let mut m = LedgerMetrics::default();
    let servers: Vec<_> = sim.nodes().live().filter_map(|(_, n)| n.server()).collect();
    let ledger = leader(sim)
        .and_then(|id| sim.node(id)?.server())
        .or_else(|| {
            servers
                .iter()
                .copied()
                .max_by_key(|s| s.ledger().appended())
        })
        .map(|s| s.ledger());
    if let Some(l) = ledger {
        m.records = l.appended();
        m.blocks = l.headers().len() as u64;
        m.bytes = l.headers().iter().map(|h| h.bytes).sum();
        let in_blocks: u64 = l.headers().iter().map(|h| u64::from(h.count)).sum();
        if in_blocks > 0 {
            let stored = m.blocks * Block::HEADER_BYTES + in_blocks * Entry::BYTES;
            m.chain_bytes_per_record = Some(stored as f64 / in_blocks as f64);
        }
    }
    let mut waits = inclusion_waits(sim);
    waits.sort_unstable();
    m.inclusion_ms_p50 = quantile(&waits, 0.5).map(|ns| ns / 1e6);
    m.inclusion_ms_p99 = quantile(&waits, 0.99).map(|ns| ns / 1e6);
    let secs = sim.now().0 as f64 / 1e9;
    if secs > 0.0 {
        m.records_per_s = m.records as f64 / secs;
        m.blocks_per_s = m.blocks as f64 / secs;
        m.bytes_per_s = m.bytes as f64 / secs;
    }
    let mut latencies: Vec<u64> = clients(sim)
        .iter()
        .flat_map(|c| c.latencies().iter().copied())
        .collect();
    latencies.sort_unstable();
    m.commit_ms_p50 = quantile(&latencies, 0.5).map(|ns| ns / 1e6);
    m.commit_ms_p99 = quantile(&latencies, 0.99).map(|ns| ns / 1e6);
    let (mut sum, mut max) = (0u64, 0u64);
    for s in &servers {
        let c = s.counters();
        m.damaged += c.damaged;
        m.repaired += c.repaired;
        sum += c.repair_ns;
        max = max.max(c.max_repair_ns);
    }
    if m.repaired > 0 {
        m.repair_ms_mean = Some(sum as f64 / m.repaired as f64 / 1e6);
        m.repair_ms_max = Some(max as f64 / 1e6);
    }
    m
}

/// Each stamped record's wait for its block, in nanoseconds: the blocks as the leader (or the
/// longest chain's server) holds them, from its state's latest blocks or its disk.
fn inclusion_waits(sim: &Simulation<LedgerNode>) -> Vec<u64> {
    let Some(id) = leader(sim).or_else(|| {
        sim.nodes()
            .live()
            .filter_map(|(id, n)| Some((n.server()?.ledger().appended(), id)))
            .max()
            .map(|(_, id)| id)
    }) else {
        return Vec::new();
    };
    let Some(server) = sim.node(id).and_then(LedgerNode::server) else {
        return Vec::new();
    };
    let ledger = server.ledger();
    let disk = sim.disk(id);
    let mut waits = Vec::new();
    for h in ledger.headers().iter() {
        let block =
            ledger
                .recent_block(h.height)
                .or_else(|| match disk?.get(block_key(h.height)) {
                    Some(Record::Block(b)) if b.hash() == h.hash() => Some(b),
                    _ => None,
                });
        for e in block.map_or(&[][..], |b| &b.entries[..]) {
            if e.time > 0 {
                waits.push(h.time.saturating_sub(e.time));
            }
        }
    }
    waits
}
