//! The figures a broadcast run is judged by, computed from the final node states and the
//! engine's counters.

use crate::id::MsgId;
use crate::node::BroadcastNode;
use serde::Serialize;
use sim_core::{Duration, Nodes, Stats, Time};
use std::collections::{BTreeMap, BTreeSet};

/// A run's figures. Latencies are from the broadcast to each delivery at a node other than
/// the origin; residue, convergence and traffic are over the nodes up at the end.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Metrics {
    /// Nodes up at the end.
    pub live_nodes: u32,
    /// Distinct broadcasts seen anywhere.
    pub broadcasts: u64,
    /// Deliveries at nodes other than the origin.
    pub deliveries: u64,
    /// Messages handed to the network (the engine's count, lost ones included).
    pub messages: u64,
    /// Bytes handed to the network.
    pub bytes: u64,
    /// `messages / broadcasts`.
    pub messages_per_broadcast: f64,
    /// Median delivery latency.
    pub latency_median: Duration,
    /// 99th-percentile delivery latency.
    pub latency_p99: Duration,
    /// Largest delivery latency.
    pub latency_max: Duration,
    /// Mean over broadcasts of the fraction of live nodes that never delivered it.
    pub residue: f64,
    /// Broadcasts that reached every live node.
    pub complete: u64,
    /// Mean over broadcasts of the time from the broadcast to its last delivery at a live
    /// node.
    pub convergence_mean: Duration,
    /// Median over broadcasts of that time ("stable latency": until every live node has it).
    pub convergence_median: Duration,
    /// 99th percentile over broadcasts of that time.
    pub convergence_p99: Duration,
    /// Largest such time.
    pub convergence_max: Duration,
    /// Mean over broadcasts of the mean delivery time at the receivers (Demers' t_ave).
    pub delivery_mean: Duration,
    /// The round length the `_rounds` figures are in (the gossip period), if any.
    pub round: Option<Duration>,
    /// `convergence_mean` in rounds (Demers' t_last, averaged over broadcasts).
    pub convergence_rounds_mean: Option<f64>,
    /// `convergence_max` in rounds.
    pub convergence_rounds_max: Option<f64>,
    /// `delivery_mean` in rounds (Demers' t_ave).
    pub delivery_rounds_mean: Option<f64>,
    /// Most network hops of a delivered copy (the rounds of a flood).
    pub max_hops: u32,
    /// Mean messages sent per live node.
    pub traffic_mean: f64,
    /// Most messages sent by one live node.
    pub traffic_max: u64,
    /// Mean messages carrying broadcasts sent per live node (Demers' traffic m).
    pub update_traffic_mean: f64,
    /// Mean bytes sent per live node.
    pub bytes_per_node: f64,
}

#[derive(Default)]
struct PerBroadcast {
    sent_at: Time,
    reached: u32,
    last: Time,
    receive_sum: u128,
    receivers: u64,
}

impl Metrics {
    /// Computes the figures. `round` is the length of one gossip round, to express times in
    /// rounds (see [`crate::Config::round_length`]).
    pub fn compute(
        nodes: Nodes<'_, BroadcastNode>,
        stats: &Stats,
        round: Option<Duration>,
    ) -> Metrics {
        let mut per: BTreeMap<MsgId, PerBroadcast> = BTreeMap::new();
        // Sized once: at a million nodes these are tens of millions of values, and doubling
        // would add up to as many again to the run's peak.
        let deliveries: usize = nodes.live().map(|(_, n)| n.deliveries().len()).sum();
        let mut latencies: Vec<u64> = Vec::with_capacity(deliveries);
        let mut m = Metrics {
            messages: stats.sent,
            bytes: stats.bytes_sent,
            round,
            ..Metrics::default()
        };
        let (mut traffic, mut updates, mut bytes) = (0u64, 0u64, 0u64);
        for (id, node) in nodes.live() {
            m.live_nodes += 1;
            let t = node.traffic();
            traffic += t.messages;
            updates += t.updates;
            bytes += t.bytes;
            m.traffic_max = m.traffic_max.max(t.messages);
            let dedupe = node.deliveries().len() as u64 != node.seen().len();
            let mut counted = BTreeSet::new();
            for d in node.deliveries() {
                if dedupe && !counted.insert(d.id) {
                    continue;
                }
                let acc = per.entry(d.id).or_default();
                acc.sent_at = d.sent_at;
                acc.reached += 1;
                acc.last = acc.last.max(d.at);
                if d.id.origin != id || d.hops > 0 {
                    let lat = (d.at - d.sent_at).0;
                    latencies.push(lat);
                    acc.receive_sum += u128::from(lat);
                    acc.receivers += 1;
                    m.max_hops = m.max_hops.max(d.hops);
                }
            }
        }
        m.broadcasts = per.len() as u64;
        m.deliveries = latencies.len() as u64;
        latencies.sort_unstable();
        m.latency_median = Duration(percentile(&latencies, 0.5));
        m.latency_p99 = Duration(percentile(&latencies, 0.99));
        m.latency_max = Duration(latencies.last().copied().unwrap_or(0));
        if m.live_nodes > 0 {
            let live = f64::from(m.live_nodes);
            m.traffic_mean = traffic as f64 / live;
            m.update_traffic_mean = updates as f64 / live;
            m.bytes_per_node = bytes as f64 / live;
        }
        if !per.is_empty() {
            let count = per.len() as f64;
            let live = f64::from(m.live_nodes.max(1));
            let mut residue = 0.0;
            let (mut conv_sum, mut recv_sum) = (0u128, 0f64);
            let mut convs = Vec::with_capacity(per.len());
            for acc in per.values() {
                residue += f64::from(m.live_nodes.saturating_sub(acc.reached)) / live;
                m.complete += u64::from(acc.reached >= m.live_nodes);
                let conv = acc.last - acc.sent_at;
                conv_sum += u128::from(conv.0);
                convs.push(conv.0);
                m.convergence_max = m.convergence_max.max(conv);
                if acc.receivers > 0 {
                    recv_sum += acc.receive_sum as f64 / acc.receivers as f64;
                }
            }
            convs.sort_unstable();
            m.convergence_median = Duration(percentile(&convs, 0.5));
            m.convergence_p99 = Duration(percentile(&convs, 0.99));
            m.residue = residue / count;
            m.convergence_mean = Duration((conv_sum / per.len() as u128) as u64);
            m.delivery_mean = Duration((recv_sum / count) as u64);
            m.messages_per_broadcast = m.messages as f64 / count;
        }
        if let Some(r) = round.filter(|r| r.0 > 0) {
            let rounds = |d: Duration| d.0 as f64 / r.0 as f64;
            m.convergence_rounds_mean = Some(rounds(m.convergence_mean));
            m.convergence_rounds_max = Some(rounds(m.convergence_max));
            m.delivery_rounds_mean = Some(rounds(m.delivery_mean));
        }
        m
    }
}

/// The nearest-rank percentile `p` in `(0, 1]` of sorted values (0 when there are none).
pub fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&v, 0.5), 50);
        assert_eq!(percentile(&v, 0.99), 99);
        assert_eq!(percentile(&v, 1.0), 100);
        assert_eq!(percentile(&[7], 0.5), 7);
        assert_eq!(percentile(&[], 0.5), 0);
        assert_eq!(percentile(&[1, 2, 3], 0.5), 2);
    }
}
