//! The study's observer for the aggregating variants (tree sync, layered): a node's view is its
//! global summary, which has every update made before its as-of time.

use super::{NodeTraffic, Staleness, Window};
use crate::registry::Metrics;
use sim_core::{CheckView, Checker, Duration, Node, Time};
use std::collections::BTreeMap;

/// What the observer reads of an aggregating node.
pub trait Fresh: Node {
    /// The node's value: a change of it is an update.
    fn value(&self) -> i64;
    /// The as-of time of the node's global summary (`None` before it has one).
    fn as_of(&self) -> Option<Time>;
    /// Messages and bytes this incarnation has sent.
    fn counters(&self) -> (u64, u64);
}

impl Fresh for tree_sync::TreeNode {
    fn value(&self) -> i64 {
        tree_sync::TreeNode::value(self)
    }
    fn as_of(&self) -> Option<Time> {
        self.global_summary().map(|g| g.as_of)
    }
    fn counters(&self) -> (u64, u64) {
        (self.sent(), self.bytes_sent())
    }
}

impl Fresh for layered::LayeredNode {
    fn value(&self) -> i64 {
        layered::LayeredNode::value(self)
    }
    fn as_of(&self) -> Option<Time> {
        self.global().map(|g| g.as_of)
    }
    fn counters(&self) -> (u64, u64) {
        let s = self.sent();
        (s.messages, s.bytes)
    }
}

/// A node that is down (or not started): it does not count.
const DOWN: u64 = u64::MAX;

/// Watches every event of an aggregating cluster for the study's figures (see the module
/// above). An update has reached everyone once every node up holds a global summary read after
/// it: the observer keeps the multiset of the nodes' as-of times, so that is known at the event
/// that moves the oldest of them past the update.
#[derive(Clone, Debug)]
pub struct FreshnessObserver<N> {
    window: Window,
    next_probe: Time,
    /// What is known of each node.
    nodes: Vec<Watched>,
    /// How many counted nodes hold each as-of time.
    counted: BTreeMap<u64, u32>,
    /// Every update seen, in the order made (so in time order).
    updates: Vec<Time>,
    /// For each update, how long it took to reach everyone, once it has.
    latency: Vec<Option<Duration>>,
    /// Updates before this index have reached everyone.
    done: usize,
    staleness: Staleness,
    node: std::marker::PhantomData<fn() -> N>,
}

/// What the observer knows of one node, in one cache line: every event that touches the node
/// reads and writes all of it, and at a million nodes separate arrays cost a miss each.
#[derive(Clone, Copy, Debug)]
#[repr(align(64))]
struct Watched {
    traffic: NodeTraffic,
    /// The node's value when last seen up (`None`: down, or not seen yet).
    value: Option<i64>,
    /// The node's as-of time in nanoseconds (0: no global yet; [`DOWN`]: not counted).
    as_of: u64,
}

impl<N: Fresh> FreshnessObserver<N> {
    /// An observer of `nodes` nodes over `window`.
    pub fn new(window: Window, nodes: u32) -> Self {
        FreshnessObserver {
            window,
            next_probe: window.start,
            nodes: vec![
                Watched {
                    traffic: NodeTraffic::default(),
                    value: None,
                    as_of: DOWN,
                };
                nodes as usize
            ],
            counted: BTreeMap::new(),
            updates: Vec::new(),
            latency: Vec::new(),
            done: 0,
            staleness: Staleness::default(),
            node: std::marker::PhantomData,
        }
    }

    fn set_as_of(&mut self, i: usize, new: u64) {
        let old = self.nodes[i].as_of;
        if old == new {
            return;
        }
        if old != DOWN
            && let Some(c) = self.counted.get_mut(&old)
        {
            *c -= 1;
            if *c == 0 {
                self.counted.remove(&old);
            }
        }
        if new != DOWN {
            *self.counted.entry(new).or_default() += 1;
        }
        self.nodes[i].as_of = new;
    }

    /// Marks every update older than every counted node's as-of time as arrived, at `now`.
    fn complete(&mut self, now: Time) {
        let Some((&oldest, _)) = self.counted.first_key_value() else {
            return;
        };
        while let Some(&t) = self.updates.get(self.done) {
            if t.0 >= oldest {
                break;
            }
            self.latency[self.done] = Some(now - t);
            self.done += 1;
        }
    }

    /// Samples every counted node's staleness at `now`: the age of the oldest update made
    /// at or after its as-of time. Nodes that hold the same as-of time have the same
    /// staleness, so the work is per distinct as-of time (a few rounds' worth), not per node.
    fn sample(&mut self, now: Time) {
        for (&a, &count) in &self.counted {
            let first = self.updates.partition_point(|t| t.0 < a);
            let age = self.updates.get(first).map_or(0, |&t| (now - t).0);
            self.staleness.add_many(age, u64::from(count));
        }
    }

    /// Adds the study's figures, with the run at `now`.
    pub fn write(&self, out: &mut Metrics) {
        let window = self.window;
        let traffic = super::sent(self.nodes.iter().map(|w| &w.traffic));
        let mine = self
            .updates
            .iter()
            .zip(&self.latency)
            .filter(|(t, _)| window.holds(**t));
        let count = mine.clone().count() as u64;
        super::write(
            out,
            &window,
            traffic,
            count,
            mine.map(|(_, l)| *l),
            &self.staleness,
        );
    }
}

impl<N: Fresh> Checker<N> for FreshnessObserver<N> {
    fn name(&self) -> &str {
        "sync study observer"
    }

    fn check(&mut self, view: &CheckView<'_, N>) -> Result<(), String> {
        let now = view.time;
        if let Some(id) = view.touched {
            let i = id.index();
            let node = view.nodes.get(id);
            self.nodes[i]
                .traffic
                .touched(&self.window, now, node.map(Fresh::counters));
            match node {
                None => {
                    self.nodes[i].value = None;
                    self.set_as_of(i, DOWN);
                }
                Some(n) => {
                    let v = n.value();
                    if self.nodes[i].value.is_some_and(|old| old != v) {
                        self.updates.push(now);
                        self.latency.push(None);
                    }
                    self.nodes[i].value = Some(v);
                    self.set_as_of(i, n.as_of().map_or(0, |t| t.0));
                }
            }
            self.complete(now);
        }
        if now >= self.next_probe && self.window.holds(now) {
            self.sample(now);
            let p = self.window.probe.0.max(1);
            self.next_probe = Time((now.0 / p + 1).saturating_mul(p));
        }
        Ok(())
    }

    fn as_any(&self) -> Option<&dyn std::any::Any> {
        Some(self)
    }
}
