//! The simulation: nodes, engine state and checkers, driven one event at a time.

use crate::checker::{CheckView, Checker, Violation};
use crate::ctx::Ctx;
use crate::engine::{Core, Event, NodeStatus, Slot, Stats};
use crate::fault::Fault;
use crate::limits::Limits;
use crate::net_rng::NetRng;
use crate::network::{DropReason, Network, NetworkConfig};
use crate::node::{Message, Node, NodeView};
use crate::node_streams::NodeStreams;
use crate::nodes::Nodes;
use crate::partition::Partition;
use crate::prefetch::prefetch;
use crate::queue::EventQueue;
use crate::rng::{SimRng, Stream, key_from_seed};
use crate::runtimes::Runtimes;
use crate::trace::{TraceSink, Tracer};
use crate::{Disk, Duration, MessageId, NodeId, SimError, Time};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// From this many nodes on, the engine warms the next event's memory while it runs the
/// current one: with fewer, everything an event touches stays in the cache anyway and the
/// extra loads cost more than they save.
const WARM_NODES: usize = 4096;

/// What a simulation is built from besides its nodes' configurations.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimConfig {
    /// The one seed every random stream derives from.
    pub seed: u64,
    /// The network at the start of the run.
    #[serde(default)]
    pub network: NetworkConfig,
    /// Bounds the engine enforces.
    #[serde(default)]
    pub limits: Limits,
    /// How long a disk sync takes. A node that syncs cannot answer before its data is durable,
    /// so every message it sends from the sync until the sync completes leaves when it
    /// completes (see [`Ctx::send`]). Zero (the default) makes syncs instantaneous.
    #[serde(default)]
    pub disk_sync: Duration,
}

/// What one call of [`Simulation::step`] did.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Processed one event at `time`; `touched` is the node whose state it may have changed.
    Event {
        /// When.
        time: Time,
        /// Which node, if any.
        touched: Option<NodeId>,
    },
    /// Nothing is left in the queue.
    Idle,
    /// An invariant broke; the run stays stopped here.
    Violated(Violation),
}

/// How a run to a time ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// The simulation reached the requested time (or ran out of events before it).
    Reached,
    /// An invariant broke first; the simulation stopped at that event.
    Violated(Violation),
}

/// A message in flight, for drawing and inspection.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct InFlight {
    /// Message number (a duplicate shares its original's).
    pub id: MessageId,
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// Message kind.
    pub kind: &'static str,
    /// Size in bytes.
    pub size: u64,
    /// When it was sent.
    pub sent_at: Time,
    /// When it will arrive (it may still be dropped then).
    pub due_at: Time,
}

/// A timer still to fire, for drawing how far along it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PendingTimer {
    /// Its node.
    pub node: NodeId,
    /// Its number.
    pub id: crate::TimerId,
    /// When it was set.
    pub set_at: Time,
    /// When it fires.
    pub due_at: Time,
}

/// The name under which the engine reports a message that promised durability while its
/// sender held unsynced writes (see [`crate::Message::promises_durability`]).
pub const DURABILITY: &str = "durability";

/// How many events pass between two sums of the bytes in flight, at least.
pub const FLIGHT_CHECK_EVERY: u64 = 1 << 16;

/// A deterministic simulation of a cluster of `N` nodes.
///
/// # Order of calls
/// 1. [`Simulation::new`] with the seed, the network and one configuration per node. Nodes
///    start at time zero, as the first events.
/// 2. Optionally attach a trace sink ([`Simulation::set_trace_sink`]), checkers
///    ([`Simulation::add_checker`]) and scheduled faults ([`Simulation::schedule`]).
/// 3. Drive it: [`Simulation::step`], [`Simulation::run_until`] or [`Simulation::run_for`].
///    Inspect it at any point: nodes, views, messages in flight, the trace, the fingerprint.
/// 4. [`Simulation::finish`] closes the trace sink (a JSONL file is renamed into place).
///
/// Cloning a simulation takes a checkpoint: the clone runs on exactly as the original would.
#[derive(Clone)]
pub struct Simulation<N: Node> {
    pub(crate) core: Core<N>,
    pub(crate) nodes: Vec<Slot<N>>,
    pub(crate) configs: Arc<[N::Config]>,
    checkers: Vec<Box<dyn Checker<N>>>,
    pub(crate) violation: Option<Violation>,
    /// Time of the last processed event, to place inputs applied "now" after it.
    pub(crate) last_event_at: Option<Time>,
}

impl<N: Node> Simulation<N> {
    /// Builds a simulation of `configs.len()` nodes (node `i` gets `configs[i]`).
    pub fn new(config: SimConfig, configs: Vec<N::Config>) -> Result<Self, SimError> {
        let count = configs.len();
        if count == 0 {
            return Err(SimError::Invalid {
                what: "cluster".into(),
                why: "at least one node is needed".into(),
            });
        }
        if count as u64 > u64::from(config.limits.max_nodes) {
            return Err(SimError::LimitExceeded {
                limit: "max_nodes",
                value: count as u64,
                max: u64::from(config.limits.max_nodes),
                time: Time::ZERO,
            });
        }
        let count = count as u32;
        let network = Network::new(&config.network, count)?;
        let key = key_from_seed(config.seed);
        let runtimes = Runtimes::new(count);
        let rngs = NodeStreams::new(key, count);
        let mut queue = EventQueue::new();
        for i in 0..count {
            queue.push_node_event(Time::ZERO, i, Event::Start(NodeId(i)));
        }
        let core = Core {
            now: Time::ZERO,
            seed: config.seed,
            limits: config.limits,
            disk_sync: config.disk_sync,
            unsent: Vec::new(),
            queue,
            network,
            net_rng: NetRng::new(SimRng::from_key(key, Stream::Network)),
            faults_rng: SimRng::from_key(key, Stream::Faults),
            workload_rng: SimRng::from_key(key, Stream::Workload),
            runtimes,
            rngs,
            trace: Tracer::default(),
            cancelled: BTreeSet::new(),
            next_msg: 0,
            next_timer: 0,
            stats: Stats::default(),
            sent_kinds: None,
            fatal: None,
            next_flight_check: FLIGHT_CHECK_EVERY,
            broken_promise: None,
            check_durability: true,
        };
        Ok(Simulation {
            core,
            nodes: (0..count).map(|_| Slot::new()).collect(),
            configs: configs.into(),
            checkers: Vec::new(),
            violation: None,
            last_event_at: None,
        })
    }

    /// Sends trace records to `sink` from now on (the fingerprint is unaffected).
    pub fn set_trace_sink(&mut self, sink: TraceSink) {
        self.core.trace.set_sink(sink);
    }

    /// Adds an invariant checked after every event.
    pub fn add_checker(&mut self, checker: impl Checker<N> + 'static) {
        self.checkers.push(Box::new(checker));
    }

    /// Schedules `fault` at virtual time `at` (not in the past). At equal times, faults run
    /// before node events, in the order they were scheduled.
    pub fn schedule(&mut self, at: Time, fault: Fault) -> Result<(), SimError> {
        fault.validate(self.node_count())?;
        if at < self.core.now {
            return Err(SimError::InThePast {
                at,
                now: self.core.now,
            });
        }
        self.core
            .queue
            .push_external(at, Event::Fault(Box::new(fault)));
        Ok(())
    }

    /// The earliest time at which an input applied now can take effect: now, unless an event
    /// has already run at this time, in which case one nanosecond later (so that replaying the
    /// same input from a scenario file puts it in exactly the same place).
    pub fn next_input_time(&self) -> Time {
        match self.last_event_at {
            Some(t) if t == self.core.now => self.core.now + Duration(1),
            _ => self.core.now,
        }
    }

    /// Applies `fault` at [`Simulation::next_input_time`] and returns that time (for
    /// recording). It takes effect on the next step.
    pub fn inject(&mut self, fault: Fault) -> Result<Time, SimError> {
        let at = self.next_input_time();
        self.schedule(at, fault)?;
        Ok(at)
    }

    /// Applies `fault` at once, at the current time, ahead of anything still queued; it counts
    /// as an event and is checked like one. Use [`Simulation::inject`] for an action that must
    /// replay from a scenario file at exactly the same place.
    pub fn apply_now(&mut self, fault: Fault) -> Result<Option<Violation>, SimError> {
        fault.validate(self.node_count())?;
        let touched = self.apply_fault(fault);
        self.core.stats.events += 1;
        self.last_event_at = Some(self.core.now);
        if let Some(err) = self.core.fatal.take() {
            return Err(err);
        }
        Ok(self.run_checkers(touched))
    }

    /// Processes the next event.
    pub fn step(&mut self) -> Result<Step, SimError> {
        Ok(self.step_until(Time::MAX)?.unwrap_or(Step::Idle))
    }

    /// Processes the next event if it is due at or before `limit`; `None` if it is later.
    /// Cancelled timers met on the way are discarded without ever passing `limit`, so a run
    /// bounded by a time never processes an event after it.
    pub fn step_until(&mut self, limit: Time) -> Result<Option<Step>, SimError> {
        if let Some(v) = &self.violation {
            return Ok(Some(Step::Violated(v.clone())));
        }
        loop {
            self.check_event_limit()?;
            if self.core.stats.events >= self.core.next_flight_check {
                self.check_bytes_in_flight()?;
            }
            match self.core.queue.peek_time() {
                None => return Ok(Some(Step::Idle)),
                Some(t) if t > limit => return Ok(None),
                Some(_) => {}
            }
            let Some(entry) = self.core.queue.pop() else {
                return Ok(Some(Step::Idle));
            };
            debug_assert!(entry.time >= self.core.now, "event queue went back in time");
            if self.nodes.len() >= WARM_NODES {
                self.warm_next();
            }
            self.core.now = entry.time;
            let Some(touched) = self.dispatch(entry.event) else {
                continue;
            };
            self.core.stats.events += 1;
            self.last_event_at = Some(entry.time);
            if let Some(err) = self.core.fatal.take() {
                return Err(err);
            }
            if let Some(v) = self.broken_promise() {
                return Ok(Some(Step::Violated(v)));
            }
            if !self.checkers.is_empty()
                && let Some(v) = self.run_checkers(touched)
            {
                return Ok(Some(Step::Violated(v)));
            }
            return Ok(Some(Step::Event {
                time: entry.time,
                touched,
            }));
        }
    }

    /// Refuses one more event past `max_events`.
    #[inline]
    pub(crate) fn check_event_limit(&self) -> Result<(), SimError> {
        if self.core.stats.events >= self.core.limits.max_events {
            return Err(SimError::LimitExceeded {
                limit: "max_events",
                value: self.core.stats.events + 1,
                max: self.core.limits.max_events,
                time: self.core.now,
            });
        }
        Ok(())
    }

    /// Runs every event up to and including time `until`, then sets the clock to `until`.
    pub fn run_until(&mut self, until: Time) -> Result<Outcome, SimError> {
        loop {
            match self.step_until(until)? {
                Some(Step::Violated(v)) => return Ok(Outcome::Violated(v)),
                Some(Step::Event { .. }) => {}
                Some(Step::Idle) | None => break,
            }
        }
        if let Some(v) = &self.violation {
            return Ok(Outcome::Violated(v.clone()));
        }
        self.core.now = self.core.now.max(until);
        Ok(Outcome::Reached)
    }

    /// [`Simulation::run_until`] that hands control back after `steps` events (`Ok(None)`),
    /// so that whoever drives the run can look at it (its memory, its progress) and go on.
    /// Going on gives the same run as one call.
    pub fn run_until_paused(
        &mut self,
        until: Time,
        steps: u64,
    ) -> Result<Option<Outcome>, SimError> {
        for _ in 0..steps {
            match self.step_until(until)? {
                Some(Step::Violated(v)) => return Ok(Some(Outcome::Violated(v))),
                Some(Step::Event { .. }) => {}
                Some(Step::Idle) | None => return self.run_until(until).map(Some),
            }
        }
        Ok(None)
    }

    /// Adds up the bytes of the messages in flight and stops the run past
    /// `max_bytes_in_flight`. It looks again after as many events as the queue holds (at least
    /// [`FLIGHT_CHECK_EVERY`]), so the scan costs at most one queue entry per event.
    fn check_bytes_in_flight(&mut self) -> Result<(), SimError> {
        let queue = &self.core.queue;
        let gap = (queue.len() as u64).max(FLIGHT_CHECK_EVERY);
        self.core.next_flight_check = self.core.stats.events.saturating_add(gap);
        let messages = || {
            queue.iter().filter_map(|e| match &e.event {
                Event::Deliver { to, msg, .. } => Some((*to, msg.size())),
                _ => None,
            })
        };
        let total: u64 = messages().map(|(_, size)| size).sum();
        let max = self.core.limits.max_bytes_in_flight;
        if total <= max {
            return Ok(());
        }
        let mut per_node: BTreeMap<NodeId, u64> = BTreeMap::new();
        for (to, size) in messages() {
            *per_node.entry(to).or_default() += size;
        }
        let holder = per_node
            .into_iter()
            .max_by_key(|&(node, bytes)| (bytes, std::cmp::Reverse(node)))
            .map_or_else(String::new, |(node, bytes)| {
                format!("{bytes} bytes of them are on their way to {node}")
            });
        Err(SimError::Overloaded {
            limit: "max_bytes_in_flight",
            value: total,
            max,
            time: self.core.now,
            holder,
        })
    }

    /// Runs for `d` of virtual time from now.
    pub fn run_for(&mut self, d: Duration) -> Result<Outcome, SimError> {
        self.run_until(self.core.now + d)
    }

    /// Closes the trace sink; a JSONL trace is renamed into place.
    pub fn finish(&mut self) -> Result<(), SimError> {
        self.core.trace.finish()
    }

    /// Runs `input` on a running node as if it had received a message from outside the
    /// cluster (a client command typed by a person). It is recorded in the trace as an
    /// annotation by the harness with `label`, counts as an event and is checked like one.
    pub fn input(
        &mut self,
        node: NodeId,
        label: &str,
        input: impl FnOnce(&mut N, &mut Ctx<'_, N>),
    ) -> Result<Option<Violation>, SimError> {
        let count = self.node_count();
        let slot = self
            .nodes
            .get_mut(node.index())
            .ok_or(SimError::UnknownNode { node, nodes: count })?;
        let (incarnation, rate_ppm) = (slot.incarnation, slot.rate_ppm);
        let Some(state) = slot.state.as_mut() else {
            return Err(SimError::Invalid {
                what: format!("input to {node}"),
                why: "the node is not running".into(),
            });
        };
        let now = self.core.now;
        self.core
            .trace
            .annotate(now, None, &format!("input to {node}: {label}"));
        let mut ctx = Ctx::new(&mut self.core, node, incarnation, rate_ppm);
        input(state, &mut ctx);
        self.core.stats.events += 1;
        self.last_event_at = Some(now);
        if let Some(err) = self.core.fatal.take() {
            return Err(err);
        }
        if let Some(v) = self.broken_promise() {
            return Ok(Some(v));
        }
        Ok(self.run_checkers(Some(node)))
    }

    /// The engine's own check after an event: a message that promised durability while its
    /// sender held unsynced writes.
    pub(crate) fn broken_promise(&mut self) -> Option<Violation> {
        let description = self.core.broken_promise.take()?;
        let v = Violation {
            checker: DURABILITY.to_string(),
            time: self.core.now,
            event: self.core.stats.events,
            seed: self.core.seed,
            description,
        };
        self.violation = Some(v.clone());
        Some(v)
    }

    pub(crate) fn run_checkers(&mut self, touched: Option<NodeId>) -> Option<Violation> {
        let view = CheckView {
            time: self.core.now,
            event: self.core.stats.events,
            touched,
            nodes: Nodes { slots: &self.nodes },
        };
        for c in &mut self.checkers {
            if let Err(description) = c.check(&view) {
                let v = Violation {
                    checker: c.name().to_string(),
                    time: view.time,
                    event: view.event,
                    seed: self.core.seed,
                    description,
                };
                self.violation = Some(v.clone());
                return Some(v);
            }
        }
        None
    }

    /// Prefetches the memory the next queued event will need (its queue entry, its node's
    /// slot and random stream) so that the loads overlap with this event's work instead of
    /// stalling the next one. Only a hint: it changes nothing. Worth it only when the node
    /// table no longer fits in the cache (see [`WARM_NODES`]).
    #[inline]
    fn warm_next(&self) {
        if let Some((entry, node)) = self.core.queue.peek_next() {
            prefetch(entry);
            if let Some(slot) = self.nodes.get(node as usize) {
                prefetch(slot);
            }
            if node != u32::MAX {
                self.core.rngs.warm(node);
            }
        }
    }

    /// Handles one popped event. `None` means it was void (a cancelled or stale timer, or an
    /// event held for a paused node) and does not count; otherwise the node it touched.
    #[inline]
    pub(crate) fn dispatch(
        &mut self,
        event: Event<N::Message, N::Timer>,
    ) -> Option<Option<NodeId>> {
        match event {
            Event::Deliver {
                from,
                to,
                id,
                sent,
                inbox,
                msg,
            } => self.deliver(from, to, id, sent, inbox, msg),
            Event::Timer {
                node,
                id,
                incarnation,
                set,
                timer,
            } => {
                if !self.core.cancelled.is_empty() && self.core.cancelled.remove(&id) {
                    return None;
                }
                let slot = &mut self.nodes[node.index()];
                if slot.incarnation != incarnation || slot.status == NodeStatus::Down {
                    return None;
                }
                if slot.status == NodeStatus::Paused {
                    self.core.runtimes[node.index()].held.push(Event::Timer {
                        node,
                        id,
                        incarnation,
                        set,
                        timer,
                    });
                    return None;
                }
                let now = self.core.now;
                self.core.trace.timer(now, node, id, &timer);
                self.core.stats.timers_fired += 1;
                let slot = &mut self.nodes[node.index()];
                let mut ctx = Ctx::new(&mut self.core, node, slot.incarnation, slot.rate_ppm);
                slot.state.as_mut()?.on_timer(timer, &mut ctx);
                Some(Some(node))
            }
            Event::Start(node) => {
                // The first start, unless a fault got there first: a crash keeps the node
                // down, a restart has already started it.
                let slot = &self.nodes[node.index()];
                if slot.status != NodeStatus::Down || slot.incarnation != 0 {
                    return Some(None);
                }
                self.start_node(node);
                Some(Some(node))
            }
            Event::Fault(fault) => Some(self.apply_fault(*fault)),
        }
    }

    #[inline]
    fn deliver(
        &mut self,
        from: NodeId,
        to: NodeId,
        id: MessageId,
        sent: Time,
        inbox: bool,
        msg: N::Message,
    ) -> Option<Option<NodeId>> {
        let now = self.core.now;
        let status = self.nodes[to.index()].status;
        let unsent = || {
            self.core
                .unsent
                .iter()
                .any(|&(n, a, b)| n == from && (a..=b).contains(&sent))
        };
        let reason = if status == NodeStatus::Down {
            Some(DropReason::NodeDown)
        } else if !self.core.unsent.is_empty() && unsent() {
            // Its sender crashed while the sync it waited for was under way.
            Some(DropReason::NodeDown)
        } else if !inbox && self.core.network.partition.blocks(from, to) {
            Some(DropReason::Partition)
        } else {
            None
        };
        if let Some(reason) = reason {
            self.core.count_drop(reason);
            self.core
                .trace
                .drop_msg(now, from, to, id, msg.kind(), reason);
            return Some(None);
        }
        if status == NodeStatus::Paused {
            self.core.runtimes[to.index()].held.push(Event::Deliver {
                from,
                to,
                id,
                sent,
                inbox: true,
                msg,
            });
            return None;
        }
        self.core.trace.deliver(now, from, to, id, msg.kind());
        self.core.stats.delivered += 1;
        let slot = &mut self.nodes[to.index()];
        let mut ctx = Ctx::new(&mut self.core, to, slot.incarnation, slot.rate_ppm);
        slot.state.as_mut()?.on_message(from, msg, &mut ctx);
        Some(Some(to))
    }

    /// Starts (or restarts) a node from its disk.
    pub(crate) fn start_node(&mut self, node: NodeId) {
        let now = self.core.now;
        let slot = &mut self.nodes[node.index()];
        slot.status = NodeStatus::Up;
        self.core.trace.start(now, node, slot.incarnation);
        let mut ctx = Ctx::new(&mut self.core, node, slot.incarnation, slot.rate_ppm);
        slot.state = Some(N::start(node, &self.configs[node.index()], &mut ctx));
    }

    pub(crate) fn core_mut(&mut self) -> &mut Core<N> {
        &mut self.core
    }

    pub(crate) fn slot_mut(&mut self, node: NodeId) -> &mut Slot<N> {
        &mut self.nodes[node.index()]
    }

    // ---- inspection -------------------------------------------------------------------------

    /// The current virtual time.
    pub fn now(&self) -> Time {
        self.core.now
    }

    /// The run's seed.
    pub fn seed(&self) -> u64 {
        self.core.seed
    }

    /// How long a disk sync takes ([`SimConfig::disk_sync`]): a checker that judges what a
    /// node made durable waits this long before a crash can no longer tear it away.
    pub fn disk_sync(&self) -> Duration {
        self.core.disk_sync
    }

    /// Number of nodes.
    pub fn node_count(&self) -> u32 {
        self.core.node_count()
    }

    /// Every node's state (none while down).
    pub fn nodes(&self) -> Nodes<'_, N> {
        Nodes { slots: &self.nodes }
    }

    /// One node's state, if it is running or paused.
    pub fn node(&self, id: NodeId) -> Option<&N> {
        self.nodes().get(id)
    }

    /// Whether a node is up, paused or down.
    pub fn status(&self, id: NodeId) -> Option<NodeStatus> {
        self.nodes.get(id.index()).map(|s| s.status)
    }

    /// A node's disk, as it would be found after a crash now plus what is unsynced.
    pub fn disk(&self, id: NodeId) -> Option<&Disk<N::Record>> {
        self.core.runtimes.get(id.index()).map(|r| &r.disk)
    }

    /// A node's clock reading now (differs from [`Simulation::now`] under drift).
    pub fn local_time(&self, id: NodeId) -> Option<Time> {
        let rate = self.nodes.get(id.index())?.rate_ppm;
        Some(self.core.runtimes[id.index()].local_time(self.core.now, rate))
    }

    /// The generic view of every node (`None` while down).
    pub fn views(&self) -> Vec<Option<NodeView>> {
        self.nodes().iter().map(|n| n.map(N::view)).collect()
    }

    /// Every message in flight, earliest arrival first.
    pub fn in_flight(&self) -> Vec<InFlight> {
        self.queued(|e| match e.event {
            Event::Deliver {
                from,
                to,
                id,
                sent,
                inbox: false,
                msg,
            } => Some(InFlight {
                id: *id,
                from: *from,
                to: *to,
                kind: msg.kind(),
                size: msg.size(),
                sent_at: *sent,
                due_at: e.time,
            }),
            _ => None,
        })
    }

    /// Every timer still to fire, earliest first: the live ones only (not cancelled, not of
    /// an earlier incarnation, not of a node that is down). A paused node's timers that came
    /// due wait outside the queue until it resumes, and are not listed.
    pub fn pending_timers(&self) -> Vec<PendingTimer> {
        self.queued(|e| match e.event {
            Event::Timer {
                node,
                id,
                incarnation,
                set,
                ..
            } => {
                let slot = self.nodes.get(node.index())?;
                let live = slot.incarnation == *incarnation
                    && slot.status != NodeStatus::Down
                    && !self.core.cancelled.contains(id);
                live.then_some(PendingTimer {
                    node: *node,
                    id: *id,
                    set_at: *set,
                    due_at: e.time,
                })
            }
            _ => None,
        })
    }

    /// What `pick` takes from the queued events, in the order they will run (time, then
    /// queue order).
    fn queued<T>(
        &self,
        pick: impl Fn(&crate::queue::Entry<&Event<N::Message, N::Timer>>) -> Option<T>,
    ) -> Vec<T> {
        let mut v: Vec<(Time, u64, T)> = self
            .core
            .queue
            .iter()
            .filter_map(|e| pick(&e).map(|t| (e.time, e.seq, t)))
            .collect();
        v.sort_by_key(|(time, seq, _)| (*time, *seq));
        v.into_iter().map(|(_, _, t)| t).collect()
    }

    /// The content of a message still in flight.
    pub fn message(&self, id: MessageId) -> Option<&N::Message> {
        self.core.queue.iter().find_map(|e| match &e.event {
            Event::Deliver { id: i, msg, .. } if *i == id => Some(msg),
            _ => None,
        })
    }

    /// Time of the next queued event, if any.
    pub fn next_event_time(&self) -> Option<Time> {
        self.core.queue.peek_time()
    }

    /// True if nothing is left to happen.
    pub fn is_idle(&self) -> bool {
        self.core.queue.len() == 0
    }

    /// The run's fingerprint so far.
    pub fn fingerprint(&self) -> u64 {
        self.core.trace.fingerprint()
    }

    /// The trace (fingerprint, and records if a memory sink is attached).
    pub fn trace(&self) -> &Tracer {
        &self.core.trace
    }

    /// The names of the checks that can stop a run: the engine's own ([`DURABILITY`]), then the
    /// attached checkers in the order they were added: what a run's violation can be reported as, so a file can be checked for a known bug it expects
    /// before it runs.
    pub fn checker_names(&self) -> Vec<&str> {
        let engine = std::iter::once(DURABILITY);
        engine
            .chain(self.checkers.iter().map(|c| c.name()))
            .collect()
    }

    /// Switches the engine's durability check (see [`crate::Message::promises_durability`]) off
    /// or back on. It is on by default; a test that shows what a missing sync does further on
    /// (a forgotten promise, two values chosen) switches it off to get there.
    pub fn set_durability_check(&mut self, on: bool) {
        self.core.check_durability = on;
    }

    /// The first attached checker of type `C` that exposes itself through
    /// [`Checker::as_any`], for reading back what it observed.
    pub fn checker<C: 'static>(&self) -> Option<&C> {
        self.checkers
            .iter()
            .filter_map(|c| c.as_any())
            .find_map(|a| a.downcast_ref::<C>())
    }

    /// Counters over the run so far.
    pub fn stats(&self) -> &Stats {
        &self.core.stats
    }

    /// Starts counting the messages sent by kind (off by default, so runs that never ask pay
    /// nothing); counts start from now.
    pub fn count_sent_kinds(&mut self) {
        self.core.sent_kinds.get_or_insert_with(Vec::new);
    }

    /// How many messages of each kind were sent since [`Simulation::count_sent_kinds`], in
    /// the order the kinds were first sent; empty if counting is off.
    pub fn sent_by_kind(&self) -> &[(&'static str, u64)] {
        self.core.sent_kinds.as_deref().unwrap_or(&[])
    }

    /// The first violated invariant, if the run has stopped on one.
    pub fn violation(&self) -> Option<&Violation> {
        self.violation.as_ref()
    }

    /// The current partition state.
    pub fn partition(&self) -> &Partition {
        &self.core.network.partition
    }

    /// The link model in force on `from -> to`.
    pub fn link(&self, from: NodeId, to: NodeId) -> &crate::LinkModel {
        self.core.network.model(from, to)
    }

    /// The faults stream, for randomized fault injection by a harness (it is part of the
    /// simulation, so a checkpoint carries its position).
    pub fn faults_rng(&mut self) -> &mut SimRng {
        &mut self.core.faults_rng
    }

    /// The workload stream, for client load generated outside the nodes.
    pub fn workload_rng(&mut self) -> &mut SimRng {
        &mut self.core.workload_rng
    }

    /// Adds a remark by the harness to the trace (a phase change, "healed").
    pub fn annotate(&mut self, text: &str) {
        let now = self.core.now;
        self.core.trace.annotate(now, None, text);
    }
}
