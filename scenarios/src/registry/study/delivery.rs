//! The study's observer for the broadcast variants: a node's view has an update once it
//! delivered the broadcast that carries it.

use super::{NodeTraffic, Staleness, Window};
use crate::registry::Metrics;
use broadcast::{BroadcastNode, MsgId};
use sim_core::{CheckView, Checker, Duration, NodeId, Nodes, Time};
use std::collections::BTreeMap;

/// The incarnation the observer records for a node that is down.
const DOWN: u32 = u32::MAX;

/// Watches every event of a broadcast cluster for the study's figures (see the module above):
/// the broadcasts made and when, the window's traffic, and staleness samples. Latencies are
/// read from the nodes' deliveries at the end, where they are exact.
#[derive(Clone, Debug)]
pub struct DeliveryObserver {
    window: Window,
    next_probe: Time,
    /// What is known of each node.
    nodes: Vec<Watched>,
    /// Every broadcast seen, in the order made (so in time order).
    updates: Vec<(Time, MsgId)>,
    staleness: Staleness,
}

/// What the observer knows of one node, together: every event that touches the node reads
/// and writes all of it, and at a million nodes separate arrays cost a cache miss each. Its
/// counts are 32-bit, for the same reason.
#[derive(Clone, Copy, Debug)]
struct Watched {
    traffic: NodeTraffic,
    /// The node's incarnation, [`DOWN`] while it is down: kept up to date from the events
    /// that touch the node, so that a sample reads only this record, and the nodes still
    /// missing an update. A new incarnation starts both counts below afresh.
    incarnation: u32,
    /// How many of the incarnation's broadcasts were seen.
    made: u32,
    /// The first update it had not delivered at the last sample: deliveries are never undone
    /// within an incarnation, so it only moves forward.
    delivered: u32,
}

impl DeliveryObserver {
    /// An observer of `nodes` nodes over `window`.
    pub fn new(window: Window, nodes: u32) -> Self {
        DeliveryObserver {
            window,
            next_probe: window.start,
            nodes: vec![
                Watched {
                    traffic: NodeTraffic::default(),
                    incarnation: DOWN,
                    made: 0,
                    delivered: 0,
                };
                nodes as usize
            ],
            updates: Vec::new(),
            staleness: Staleness::default(),
        }
    }

    fn sample(&mut self, now: Time, nodes: Nodes<'_, BroadcastNode>) {
        let mut current = 0u64;
        for (i, w) in self.nodes.iter_mut().enumerate() {
            let at = &mut w.delivered;
            if w.incarnation == DOWN {
                continue;
            }
            if *at as usize == self.updates.len() {
                current += 1;
                continue;
            }
            let Some(n) = nodes.get(NodeId(i as u32)) else {
                continue;
            };
            while self
                .updates
                .get(*at as usize)
                .is_some_and(|&(_, u)| n.has_delivered(u))
            {
                *at += 1;
            }
            let age = self
                .updates
                .get(*at as usize)
                .map_or(0, |&(t, _)| (now - t).0);
            self.staleness.add(age);
        }
        // Nodes that had every update: one sample of age zero each.
        self.staleness.add_many(0, current);
    }

    /// Adds the study's figures; latencies are those of the broadcasts made in the window, to
    /// the last of the nodes up at the end.
    pub fn write(&self, nodes: Nodes<'_, BroadcastNode>, out: &mut Metrics) {
        let window = self.window;
        let traffic = super::sent(self.nodes.iter().map(|w| &w.traffic));
        let mine: Vec<(Time, MsgId)> = self
            .updates
            .iter()
            .copied()
            .filter(|(t, _)| window.holds(*t))
            .collect();
        let index: BTreeMap<MsgId, usize> = mine
            .iter()
            .enumerate()
            .map(|(k, &(_, id))| (id, k))
            .collect();
        let mut last = vec![Time::ZERO; mine.len()];
        let mut reached = vec![0u32; mine.len()];
        let mut live = 0u32;
        for (_, n) in nodes.live() {
            live += 1;
            let mut counted = vec![false; mine.len()];
            for d in n.deliveries() {
                if let Some(&k) = index.get(&d.id)
                    && !std::mem::replace(&mut counted[k], true)
                {
                    reached[k] += 1;
                    last[k] = last[k].max(d.at);
                }
            }
        }
        let latencies = mine.iter().enumerate().map(|(k, &(t, _))| {
            (reached[k] == live).then(|| Duration(last[k].0.saturating_sub(t.0)))
        });
        super::write(
            out,
            &window,
            traffic,
            mine.len() as u64,
            latencies,
            &self.staleness,
        );
    }
}

impl Checker<BroadcastNode> for DeliveryObserver {
    fn name(&self) -> &str {
        "sync study observer"
    }

    fn check(&mut self, view: &CheckView<'_, BroadcastNode>) -> Result<(), String> {
        let now = view.time;
        if let Some(id) = view.touched {
            let node = view.nodes.get(id);
            let w = &mut self.nodes[id.index()];
            let counters = node.map(|n| (n.traffic().messages, n.traffic().bytes));
            w.traffic.touched(&self.window, now, counters);
            match node {
                None => w.incarnation = DOWN,
                Some(n) => {
                    if w.incarnation != n.incarnation() {
                        (w.incarnation, w.made, w.delivered) = (n.incarnation(), 0, 0);
                    }
                    let made = n.originated();
                    for &(u, _) in &made[(w.made as usize).min(made.len())..] {
                        self.updates.push((now, u));
                    }
                    w.made =
                        u32::try_from(made.len()).expect("fewer than 2^32 broadcasts per node");
                }
            }
        }
        let nodes = view.nodes;
        if now >= self.next_probe && self.window.holds(now) {
            self.sample(now, nodes);
            let p = self.window.probe.0.max(1);
            self.next_probe = Time((now.0 / p + 1).saturating_mul(p));
        }
        Ok(())
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}
