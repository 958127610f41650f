//! One seed's run: the cluster size, network, workload and an explicit fault schedule, all
//! drawn from the seed within the file's `[explore]` bounds.
//!
//! # The explore stream
//! Everything here draws from one stream, `sim_core::rng::Stream::Custom(EXPLORE_STREAM)` of
//! the seed, in this order, so that the same seed gives the same scenario on every machine:
//!
//! 1. cluster size: uniform in `nodes`;
//! 2. latency: a typical delay `d` uniform in 100us..=`latency_max` (whole microseconds), then
//!    one of constant `d`, uniform `d/4..d`, log-normal (median `d/2`, sigma 0.2..1.0) or
//!    exponential (mean `d/2`), each with probability 1/4;
//! 3. loss, then duplication: zero with probability 1/2, otherwise uniform up to the bound
//!    (three decimals);
//! 4. for protocols with clients: the number of clients, uniform in `clients`, and the number
//!    of keys, 1..=8 (drawn always; set only for a key-value workload, unless the file's
//!    `[workload]` sets `keys`);
//! 5. each fault kind of `faults`, in the order crash, pause, partition, clock-drift,
//!    flaky-link, stop, disk, tamper: whether it is on (probability 3/5; always when it is the only kind listed),
//!    how often it strikes (a gap range: rare,
//!    or frequent at a twentieth to a quarter of the rare gaps), how long each strike lasts (a
//!    hold range: short or long), and then its strikes through the safety phase, each followed
//!    by the fault that undoes it. A crash strike hits the leader or a drawn server (1/2 each,
//!    for protocols with a leader), and is a reboot (a restart of the running server, with
//!    nothing to undo) with probability 1/3. A stop is one strike only: one drawn server,
//!    at a time uniform in the safety phase, stopped for good (the heal leaves it down).
//!    Disk faults hit one drawn server all run long: rare or frequent strikes, each a
//!    storage fault of a drawn kind followed by a reboot of that server (a torn sync, which
//!    crashes the server, is among the kinds only when the file's syncs take time, so that a
//!    file without `disk_sync` draws what it always drew). Tampering hits one
//!    drawn server all run long too: rare or frequent strikes, each rewriting a drawn block.
//!
//! Faults name their nodes explicitly, or by `leader` (for protocols with a leader) or
//! `all-crashed` (to restart a crashed leader), so no fault draws from the run's faults
//! stream: removing one fault while shrinking never changes whom another one hits.

use super::Prepared;
use crate::duration::DurationStr;
use crate::scenario::{
    Bridge, FaultAction, FaultEvent, FaultKind, LatencySpec, LinkChange, OneWay, PartitionShape,
    RecordTarget, RunSection, Scenario, Selector, StorageKind,
};
use sim_core::Duration;
use sim_core::rng::{SimRng, Stream};
use toml::Spanned;

/// The number of the custom random stream explore draws from (`Stream::Custom`).
pub const EXPLORE_STREAM: u32 = 0x6578; // "ex"

const MS: u64 = 1_000_000;

/// The scenario seed `seed` explores: the file with the drawn cluster, network, workload and
/// faults, and the checks every explored run makes.
pub fn derive(p: &Prepared, seed: u64) -> Scenario {
    let b = &p.bounds;
    let mut rng = SimRng::new(seed, Stream::Custom(EXPLORE_STREAM));
    let mut s = p.base.clone();
    s.seed = seed;
    s.name = format!("{} (explore seed {seed})", p.base.name);
    let nodes = rng.between(u64::from(b.nodes[0]), u64::from(b.nodes[1])) as u32;
    s.cluster.nodes = Spanned::new(0..0, nodes);
    s.network.latency = latency(&mut rng, b.latency_max.nanos());
    s.network.loss = probability(&mut rng, b.loss_max);
    s.network.duplicate = probability(&mut rng, b.duplicate_max);
    s.network.links.clear();
    if p.caps.clients {
        let mut w = s.workload.take().unwrap_or_default();
        let clients = rng.between(u64::from(b.clients[0]), u64::from(b.clients[1]));
        let keys = rng.between(1, 8);
        w.insert("clients".into(), toml::Value::Integer(clients as i64));
        if p.caps.keys {
            w.entry("keys").or_insert(toml::Value::Integer(keys as i64));
        }
        s.workload = Some(w);
    }
    let mut plan = Plan {
        rng,
        nodes,
        leader: p.caps.leader,
        safety: p.safety,
        tears: s.cluster.disk_sync.0 > Duration::ZERO,
        faults: Vec::new(),
    };
    let only = b.faults.len() == 1;
    for kind in FaultKind::EVERY {
        if b.faults.contains(&kind) {
            plan.kind(kind, only);
        }
    }
    // Time order; faults of one time keep the order they were drawn in.
    plan.faults.sort_by_key(|(t, _)| *t);
    s.faults = plan.faults.into_iter().map(|(_, f)| f).collect();
    s.nemesis.clear();
    s.recorded.clear();
    s.explore = None;
    // A run whose protocol floods its own network (a known bug can) fails with an error
    // instead of exhausting memory, as thousands of runs share the machine.
    let mut limits = s.limits.unwrap_or_default();
    limits.max_queue_len = limits.max_queue_len.min(EXPLORE_QUEUE);
    s.limits = Some(limits);
    s
}

/// The most events an explored run may have queued at once.
pub const EXPLORE_QUEUE: usize = 1_000_000;

/// The phases and checks of an explored run, from the file and the protocol's capabilities.
pub(crate) fn explored_checks(p: &mut Prepared) {
    let s = &mut p.base;
    s.run = RunSection {
        duration: None,
        safety: Some(Spanned::new(0..0, DurationStr(Duration(p.safety)))),
        liveness: Some(Spanned::new(0..0, DurationStr(Duration(p.liveness)))),
    };
    let c = &mut s.checks;
    c.invariants = true;
    c.expect_failure = None;
    let liveness = || Some(Spanned::new(0..0, DurationStr(Duration(p.liveness))));
    if p.caps.linearizability && c.linearizable.is_none() {
        c.linearizable = Some(Spanned::new(0..0, true));
    }
    if !p.bounds.liveness {
        c.leader_within = None;
        c.converged_by = None;
    }
    if p.bounds.liveness && p.caps.leader && c.leader_within.is_none() {
        c.leader_within = liveness();
    }
    if p.bounds.liveness && p.caps.convergence && c.converged_by.is_none() {
        c.converged_by = liveness();
    }
}

fn latency(rng: &mut SimRng, max: u64) -> LatencySpec {
    let us = rng.between(100, (max / 1_000).max(100));
    let d = |n: u64| toml::Value::String(DurationStr(Duration(n * 1_000)).to_string());
    let mut t = toml::Table::new();
    match rng.below(4) {
        0 => return LatencySpec::constant(DurationStr(Duration(us * 1_000))),
        1 => {
            t.insert("dist".into(), "uniform".into());
            t.insert("min".into(), d(us / 4));
            t.insert("max".into(), d(us));
        }
        2 => {
            t.insert("dist".into(), "log-normal".into());
            t.insert("median".into(), d((us / 2).max(1)));
            let sigma = 0.2 + 0.8 * rng.unit_f64();
            t.insert("sigma".into(), toml::Value::Float(round3(sigma)));
        }
        _ => {
            t.insert("dist".into(), "exponential".into());
            t.insert("mean".into(), d((us / 2).max(1)));
        }
    }
    toml::Value::Table(t)
        .try_into()
        .unwrap_or_else(|_| LatencySpec::constant(DurationStr(Duration(us * 1_000))))
}

fn probability(rng: &mut SimRng, max: f64) -> f64 {
    if rng.chance(0.5) {
        0.0
    } else {
        round3(rng.unit_f64() * max)
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The fault schedule being drawn.
struct Plan {
    rng: SimRng,
    nodes: u32,
    leader: bool,
    safety: u64,
    /// Whether disk faults may tear a sync: only when the file's syncs take time.
    tears: bool,
    faults: Vec<(u64, FaultEvent)>,
}

impl Plan {
    fn ms(&mut self, lo: u64, hi: u64) -> u64 {
        self.rng.between(lo, hi) * MS
    }

    fn push(&mut self, at: u64, action: FaultAction) {
        self.faults
            .push((at, FaultEvent::of(DurationStr(Duration(at)), action)));
    }

    /// Draws whether `kind` is on (always, when it is the `only` kind), its rate and hold,
    /// and its strikes.
    fn kind(&mut self, kind: FaultKind, only: bool) {
        if !only && !self.rng.chance(0.6) {
            return;
        }
        if kind == FaultKind::Disk {
            self.disk();
            return;
        }
        if kind == FaultKind::Tamper {
            self.tamper();
            return;
        }
        if kind == FaultKind::Stop {
            // One node, once: a second could take a quorum or the last agent.
            let t = self.ms(0, self.safety / MS);
            let nodes = self.node();
            self.push(t, FaultAction::Stop { nodes });
            return;
        }
        let (gap, hold) = match kind {
            FaultKind::Crash | FaultKind::Pause => ((300, 1500), (20, 800)),
            FaultKind::Partition => ((200, 1500), (50, 1500)),
            FaultKind::ClockDrift => ((500, 2000), (300, 2000)),
            // Stop, disk and tamper are drawn by their own functions above.
            FaultKind::FlakyLink | FaultKind::Stop | FaultKind::Disk | FaultKind::Tamper => {
                ((200, 1000), (100, 800))
            }
        };
        let frequent = self.rng.chance(0.5);
        let gap = if frequent {
            (gap.0 / 20, gap.0 / 4)
        } else {
            gap
        };
        let short = self.rng.chance(0.5);
        let mid = (hold.0 + hold.1) / 2;
        let hold = if short { (hold.0, mid) } else { (mid, hold.1) };
        let mut t = self.ms(gap.0, gap.1);
        while t < self.safety {
            let len = self.ms(hold.0, hold.1);
            let end = self.strike(kind, t, len);
            t = end + self.ms(gap.0, gap.1);
        }
    }

    /// One strike at `t` lasting `len`; returns when it is over (partitions do not overlap, so
    /// one heal undoes exactly one).
    fn strike(&mut self, kind: FaultKind, t: u64, len: u64) -> u64 {
        let back = t + len;
        let undo = back < self.safety;
        match kind {
            FaultKind::Crash => return self.crash(t, back, undo),
            FaultKind::Pause => {
                let node = self.node();
                self.push(
                    t,
                    FaultAction::Pause {
                        nodes: node.clone(),
                    },
                );
                if undo {
                    self.push(back, FaultAction::Resume { nodes: node });
                }
            }
            FaultKind::Partition => {
                for f in self.partition() {
                    self.push(t, f);
                }
                if undo {
                    self.push(back, FaultAction::Heal);
                }
            }
            FaultKind::ClockDrift => {
                let nodes = self.node();
                let rate = round3(0.5 + self.rng.unit_f64());
                let drift = |nodes, rate| FaultAction::ClockDrift { nodes, rate };
                self.push(t, drift(nodes.clone(), rate));
                if undo {
                    self.push(back, drift(nodes, 1.0));
                }
            }
            FaultKind::FlakyLink => self.flaky_link(t, back, undo),
            FaultKind::Stop | FaultKind::Disk | FaultKind::Tamper => {}
        }
        back
    }

    /// A crash of the leader or a drawn server, restarted at `back` when `undo`; or a reboot
    /// at `t` (then it returns `t`: there is nothing to wait for).
    fn crash(&mut self, t: u64, back: u64, undo: bool) -> u64 {
        let leader = self.leader && self.rng.chance(0.5);
        let node = self.node();
        if self.rng.chance(1.0 / 3.0) {
            // A reboot: restarting a running server loses its memory at once.
            let nodes = if leader { Selector::Leader } else { node };
            self.push(t, FaultAction::Restart { nodes });
            return t;
        }
        let nodes = if leader {
            Selector::Leader
        } else {
            node.clone()
        };
        self.push(t, FaultAction::Crash { nodes });
        if undo {
            let nodes = if leader { Selector::AllCrashed } else { node };
            self.push(back, FaultAction::Restart { nodes });
        }
        back
    }

    /// Storage faults on one drawn server's disk, rare or frequent, each followed after a
    /// hold by a reboot of that server (which reads the damage back) while the safety phase
    /// lasts. Which fault each strike is, uniformly: a log entry corrupted, any record
    /// corrupted, a log entry unreadable, a lost write, a misdirected write.
    fn disk(&mut self) {
        let victim = self.node();
        let frequent = self.rng.chance(0.5);
        let gap = if frequent { (50, 300) } else { (300, 1500) };
        let mut t = self.ms(gap.0, gap.1);
        while t < self.safety {
            let kinds = if self.tears { 6 } else { 5 };
            let (kind, record) = match self.rng.below(kinds) {
                0 => (StorageKind::Corrupt, Some("log")),
                1 => (StorageKind::Corrupt, None),
                2 => (StorageKind::ReadError, Some("log")),
                3 => (StorageKind::LostWrite, None),
                4 => (StorageKind::MisdirectedWrite, None),
                _ => (StorageKind::TornWrite, None),
            };
            let target = RecordTarget {
                record: record.map(String::from),
                index: None,
            };
            let nodes = victim.clone();
            self.push(
                t,
                FaultAction::Storage {
                    nodes,
                    kind,
                    target,
                },
            );
            let back = t + self.ms(20, 400);
            if back < self.safety {
                self.push(
                    back,
                    FaultAction::Restart {
                        nodes: victim.clone(),
                    },
                );
            }
            t = back + self.ms(gap.0, gap.1);
        }
    }

    /// Blocks rewritten on one drawn server's disk, checksums and all: rare or frequent
    /// strikes through the safety phase, each on a block drawn among those stored then.
    fn tamper(&mut self) {
        let victim = self.node();
        let frequent = self.rng.chance(0.5);
        let gap = if frequent { (50, 300) } else { (300, 1500) };
        let mut t = self.ms(gap.0, gap.1);
        while t < self.safety {
            let target = RecordTarget {
                record: Some("block".into()),
                index: None,
            };
            self.push(
                t,
                FaultAction::Storage {
                    nodes: victim.clone(),
                    kind: StorageKind::Tamper,
                    target,
                },
            );
            t += self.ms(gap.0, gap.1);
        }
    }

    /// Loss on one drawn directed link, restored at `back` when `undo`.
    fn flaky_link(&mut self, t: u64, back: u64, undo: bool) {
        if self.nodes < 2 {
            return;
        }
        let a = self.rng.below(u64::from(self.nodes)) as u32;
        let b = (a + 1 + self.rng.below(u64::from(self.nodes) - 1) as u32) % self.nodes;
        let (from, to) = (Selector::Nodes(vec![a]), Selector::Nodes(vec![b]));
        let change = LinkChange {
            loss: Some(round3(0.2 + 0.7 * self.rng.unit_f64())),
            ..LinkChange::default()
        };
        let degrade = FaultAction::DegradeLink {
            from: from.clone(),
            to: to.clone(),
            change,
        };
        self.push(t, degrade);
        if undo {
            self.push(back, FaultAction::RestoreLink { from, to });
        }
    }

    /// One drawn server.
    fn node(&mut self) -> Selector {
        Selector::Nodes(vec![self.rng.below(u64::from(self.nodes)) as u32])
    }

    /// A drawn non-empty proper subset of the servers, in id order.
    fn side(&mut self) -> Vec<u32> {
        let mut all: Vec<u32> = (0..self.nodes).collect();
        self.rng.shuffle(&mut all);
        let k = 1 + self.rng.below(u64::from(self.nodes.max(2)) - 1) as usize;
        let mut side = all[..k.min(all.len())].to_vec();
        side.sort_unstable();
        side
    }

    /// A partition of one of four shapes: isolate one node (the leader, when there is one,
    /// half the time), split in two, cut the leader off from the other servers in both
    /// directions while clients still reach it, or a bridge.
    fn partition(&mut self) -> Vec<FaultAction> {
        let cut = FaultAction::Partition;
        let shapes = if self.leader { 4 } else { 3 };
        match self.rng.below(shapes) {
            0 => {
                let who = if self.leader && self.rng.chance(0.5) {
                    Selector::Leader
                } else {
                    self.node()
                };
                vec![cut(PartitionShape::Isolate(who))]
            }
            1 => {
                let side = Selector::Nodes(self.side());
                vec![cut(PartitionShape::Groups(vec![side]))]
            }
            2 => {
                let node = self.node();
                let left: Vec<u32> = self
                    .side()
                    .into_iter()
                    .filter(|&n| Selector::Nodes(vec![n]) != node)
                    .collect();
                if left.is_empty() {
                    return vec![cut(PartitionShape::Isolate(node))];
                }
                let left = Selector::Nodes(left);
                vec![cut(PartitionShape::Bridge(Bridge { left, node }))]
            }
            _ => {
                let one = |from, to| cut(PartitionShape::OneWay(OneWay { from, to }));
                vec![
                    one(Selector::Leader, Selector::All),
                    one(Selector::All, Selector::Leader),
                ]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn stream_is_custom_and_distinct_from_the_engines() {
        use sim_core::rng::Stream;
        let ours = Stream::Custom(super::EXPLORE_STREAM).nonce();
        for s in [
            Stream::Network,
            Stream::Faults,
            Stream::Workload,
            Stream::Node(0),
        ] {
            assert_ne!(ours, s.nonce());
        }
    }
}
