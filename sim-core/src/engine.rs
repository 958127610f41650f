//! The engine's state apart from the node states themselves: the queue, the network, each
//! node's runtime (disk, random stream, status, clock), the trace and the counters.
//!
//! It is split from the node table so that a node can be borrowed mutably while its `Ctx`
//! borrows this.

use crate::disk::Disk;
use crate::fault::Fault;
use crate::limits::Limits;
use crate::net_rng::NetRng;
use crate::network::{DropReason, Network, Routing};
use crate::node::{Message, Node};
use crate::node_streams::NodeStreams;
use crate::queue::EventQueue;
use crate::rng::SimRng;
use crate::runtimes::Runtimes;
use crate::trace::Tracer;
use crate::{Duration, MessageId, NodeId, SimError, Time, TimerId};
use serde::Serialize;
use std::collections::BTreeSet;

/// Whether a node is running.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeStatus {
    /// Running.
    Up,
    /// Frozen: timers and messages wait until it resumes.
    Paused,
    /// Crashed, or not started yet.
    Down,
}

/// Counters over a whole run, for summaries and metrics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Events processed.
    pub events: u64,
    /// Messages handed to the network.
    pub sent: u64,
    /// Bytes handed to the network.
    pub bytes_sent: u64,
    /// Messages handed to their receiver (duplicates count twice).
    pub delivered: u64,
    /// Extra copies made by the network.
    pub duplicated: u64,
    /// Messages lost to link loss.
    pub dropped_loss: u64,
    /// Messages dropped because their link was cut.
    pub dropped_partition: u64,
    /// Messages dropped because the receiver was down.
    pub dropped_node_down: u64,
    /// Timers that fired.
    pub timers_fired: u64,
    /// Faults applied.
    pub faults: u64,
}

/// What the queue holds.
#[derive(Clone, Debug)]
pub(crate) enum Event<M, T> {
    /// Start node (initially, at time zero).
    Start(NodeId),
    /// A message arrives. `inbox` is set for a message that already arrived while its
    /// receiver was paused and is now handed over (no second partition check).
    Deliver {
        from: NodeId,
        to: NodeId,
        id: MessageId,
        sent: Time,
        inbox: bool,
        msg: M,
    },
    /// A timer fires, if it was not cancelled and the node has not crashed since. `set` is
    /// when it was set, so a front end can draw how far along it is.
    Timer {
        node: NodeId,
        id: TimerId,
        incarnation: u32,
        set: Time,
        timer: T,
    },
    /// A scheduled fault.
    Fault(Box<Fault>),
}

/// A node's protocol state with what every event needs to know about it, kept together so
/// that dispatching an event touches one place in memory.
#[derive(Clone, Debug)]
pub(crate) struct Slot<N> {
    pub(crate) status: NodeStatus,
    /// Starts so far minus one; bumped by each crash so that old timers die with it.
    pub(crate) incarnation: u32,
    /// Clock rate in parts per million of real time.
    pub(crate) rate_ppm: u64,
    /// The protocol state; `None` while down.
    pub(crate) state: Option<N>,
}

impl<N> Slot<N> {
    pub(crate) fn new() -> Self {
        Slot {
            status: NodeStatus::Down,
            incarnation: 0,
            rate_ppm: PPM,
            state: None,
        }
    }
}

/// What the engine keeps about a node that events rarely need: its disk, what waits while it
/// is paused, and its clock's anchor.
#[derive(Clone, Debug)]
pub(crate) struct Runtime<N: Node> {
    pub(crate) disk: Disk<N::Record>,
    /// Real and local time at the last change of rate.
    pub(crate) anchor_real: Time,
    pub(crate) anchor_local: Time,
    /// Events that arrived while the node was paused, in arrival order.
    pub(crate) held: Vec<Event<N::Message, N::Timer>>,
    /// With a disk sync latency: the node's messages do not leave before this time (its
    /// last sync completes then).
    pub(crate) sends_from: Time,
}

/// Parts per million of a correct clock.
pub(crate) const PPM: u64 = 1_000_000;

impl<N: Node> Runtime<N> {
    pub(crate) fn new() -> Self {
        Runtime {
            disk: Disk::default(),
            anchor_real: Time::ZERO,
            anchor_local: Time::ZERO,
            held: Vec::new(),
            sends_from: Time::ZERO,
        }
    }

    /// The node's own clock reading at real time `now`, its clock running at `rate_ppm`.
    pub(crate) fn local_time(&self, now: Time, rate_ppm: u64) -> Time {
        let real = now.saturating_since(self.anchor_real).0;
        let local = (u128::from(real) * u128::from(rate_ppm) / u128::from(PPM)) as u64;
        self.anchor_local + Duration(local)
    }
}

/// Real time that passes while a clock running at `rate_ppm` advances by `local`, rounded up:
/// when the timer fires, the node's clock has advanced by at least `local`. (Rounded down, a
/// node that re-arms a timer for the last nanosecond of a deadline on a fast clock would get
/// a zero real delay and fire again at the same instant, forever.)
#[inline]
pub(crate) fn real_delay(local: Duration, rate_ppm: u64) -> Duration {
    if rate_ppm == PPM {
        return local;
    }
    let real = (u128::from(local.0) * u128::from(PPM)).div_ceil(u128::from(rate_ppm.max(1)));
    Duration(u64::try_from(real).unwrap_or(u64::MAX))
}

/// Everything but the node states.
#[derive(Clone)]
pub(crate) struct Core<N: Node> {
    pub(crate) now: Time,
    pub(crate) seed: u64,
    pub(crate) limits: Limits,
    /// See [`crate::SimConfig::disk_sync`].
    pub(crate) disk_sync: Duration,
    /// Messages that never left: `(node, from, to)` voids what `node` sent from `from` to
    /// `to`, held for a sync that a crash tore (they were to leave when it completed).
    pub(crate) unsent: Vec<(NodeId, Time, Time)>,
    pub(crate) queue: EventQueue<Event<N::Message, N::Timer>>,
    pub(crate) network: Network,
    pub(crate) net_rng: NetRng,
    pub(crate) faults_rng: SimRng,
    pub(crate) workload_rng: SimRng,
    pub(crate) runtimes: Runtimes<N>,
    /// Each node's own random stream, apart from everything else so that a draw touches
    /// only the generator.
    pub(crate) rngs: NodeStreams,
    pub(crate) trace: Tracer,
    pub(crate) cancelled: BTreeSet<TimerId>,
    pub(crate) next_msg: u64,
    pub(crate) next_timer: u64,
    pub(crate) stats: Stats,
    /// Messages sent by kind, once [`crate::Simulation::count_sent_kinds`] asked for it.
    pub(crate) sent_kinds: Option<Vec<(&'static str, u64)>>,
    /// An error raised inside a handler (a limit, an unknown receiver); reported after it.
    pub(crate) fatal: Option<SimError>,
    /// The event count at which the bytes in flight are next added up.
    pub(crate) next_flight_check: u64,
    /// A message that promised durability while its sender held unsynced writes; reported as
    /// a violation after the event that sent it.
    pub(crate) broken_promise: Option<String>,
    /// Whether sends are checked for durability (on unless switched off).
    pub(crate) check_durability: bool,
}

impl<N: Node> Core<N> {
    pub(crate) fn node_count(&self) -> u32 {
        self.runtimes.len() as u32
    }

    fn fail(&mut self, err: SimError) {
        self.fatal.get_or_insert(err);
    }

    fn queue_has_room(&mut self) -> bool {
        if self.queue.len() < self.limits.max_queue_len {
            return true;
        }
        let err = SimError::LimitExceeded {
            limit: "max_queue_len",
            value: self.queue.len() as u64 + 1,
            max: self.limits.max_queue_len as u64,
            time: self.now,
        };
        self.fail(err);
        false
    }

    /// Hands a message from `from` to the network.
    #[inline]
    pub(crate) fn send(&mut self, from: NodeId, to: NodeId, msg: N::Message) {
        if to.0 >= self.node_count() {
            let nodes = self.node_count();
            self.fail(SimError::UnknownNode { node: to, nodes });
            return;
        }
        let size = msg.size();
        if size > self.limits.max_message_size {
            let err = SimError::LimitExceeded {
                limit: "max_message_size",
                value: size,
                max: self.limits.max_message_size,
                time: self.now,
            };
            self.fail(err);
            return;
        }
        if self.check_durability && msg.promises_durability() && self.broken_promise.is_none() {
            let unsynced = self.runtimes[from.index()].disk.unsynced();
            if unsynced > 0 {
                self.broken_promise = Some(format!(
                    "{from} sent {} to {to} with {unsynced} disk write{} not yet synced: a \
                     crash now would take back what the message promises",
                    msg.kind(),
                    if unsynced == 1 { "" } else { "s" }
                ));
            }
        }
        if !self.queue_has_room() {
            return;
        }
        let id = MessageId(self.next_msg);
        self.next_msg += 1;
        let now = self.now;
        let kind = msg.kind();
        self.stats.sent += 1;
        self.stats.bytes_sent += size;
        if let Some(counts) = &mut self.sent_kinds {
            count_kind(counts, kind);
        }
        let leaves = if self.disk_sync == Duration::ZERO {
            now
        } else {
            self.runtimes[from.index()].sends_from.max(now)
        };
        match self
            .network
            .route(from, to, kind, size, leaves, &mut self.net_rng)
        {
            Routing::Dropped(reason) => {
                self.trace
                    .send(now, from, to, id, kind, size, &msg, None, None);
                self.count_drop(reason);
                self.trace.drop_msg(now, from, to, id, kind, reason);
            }
            Routing::Deliver(due, dup) => {
                self.trace
                    .send(now, from, to, id, kind, size, &msg, Some(due), dup);
                if let Some(dup_due) = dup {
                    self.stats.duplicated += 1;
                    let copy = Event::Deliver {
                        from,
                        to,
                        id,
                        sent: now,
                        inbox: false,
                        msg: msg.clone(),
                    };
                    self.queue.push_node_event(dup_due, to.0, copy);
                }
                let event = Event::Deliver {
                    from,
                    to,
                    id,
                    sent: now,
                    inbox: false,
                    msg,
                };
                self.queue.push_node_event(due, to.0, event);
            }
        }
    }

    pub(crate) fn count_drop(&mut self, reason: DropReason) {
        match reason {
            DropReason::Loss => self.stats.dropped_loss += 1,
            DropReason::Partition => self.stats.dropped_partition += 1,
            DropReason::NodeDown => self.stats.dropped_node_down += 1,
        }
    }

    /// Sets a timer on `node` (in its `incarnation`, its clock running at `rate_ppm`) that
    /// fires after `after` of the node's own clock.
    #[inline]
    pub(crate) fn set_timer(
        &mut self,
        (node, incarnation, rate_ppm): (NodeId, u32, u64),
        after: Duration,
        timer: N::Timer,
    ) -> TimerId {
        let id = TimerId(self.next_timer);
        self.next_timer += 1;
        if !self.queue_has_room() {
            return id;
        }
        let at = self.now + real_delay(after, rate_ppm);
        self.queue.push_node_event(
            at,
            node.0,
            Event::Timer {
                node,
                id,
                incarnation,
                set: self.now,
                timer,
            },
        );
        id
    }

    /// Cancels a timer; cancelling one that already fired or never existed does nothing.
    pub(crate) fn cancel_timer(&mut self, id: TimerId) {
        if id.0 >= self.next_timer || !self.cancelled.insert(id) {
            return;
        }
        // Ids of timers that had already fired are never popped again: sweep them out now and
        // then, so the set stays no larger than the queue (amortized O(1) per cancel).
        if self.cancelled.len() > 2 * self.queue.len() + 1024 {
            let queued: BTreeSet<TimerId> = self
                .queue
                .iter()
                .filter_map(|e| match e.event {
                    Event::Timer { id, .. } => Some(*id),
                    _ => None,
                })
                .collect();
            self.cancelled.retain(|id| queued.contains(id));
        }
    }
}

/// Adds one message of `kind` to `counts` (a handful of kinds: a scan beats a map).
fn count_kind(counts: &mut Vec<(&'static str, u64)>, kind: &'static str) {
    match counts
        .iter_mut()
        .find(|(k, _)| std::ptr::eq(*k, kind) || *k == kind)
    {
        Some((_, n)) => *n += 1,
        None => counts.push((kind, 1)),
    }
}
