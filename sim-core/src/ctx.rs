//! The context a node acts through. Everything a node does to the world — send, set or cancel
//! a timer, write its disk, draw randomness, annotate — is a call here, so the engine sees,
//! orders and records all of it.

use crate::disk::Disk;
use crate::engine::Core;
use crate::mark::Mark;
use crate::node::Node;
use crate::rng::SimRng;
use crate::{Duration, NodeId, Time, TimerId};

/// A node's handle on the engine during one call of `start`, `on_message` or `on_timer`.
pub struct Ctx<'a, N: Node> {
    pub(crate) core: &'a mut Core<N>,
    pub(crate) id: NodeId,
    /// The node's incarnation and clock rate, copied from its slot for the call.
    pub(crate) incarnation: u32,
    pub(crate) rate_ppm: u64,
    /// The node's disk sync count when this call began or last sent; a higher count at a
    /// send means the node synced in between.
    syncs_seen: u64,
}

impl<'a, N: Node> Ctx<'a, N> {
    pub(crate) fn new(core: &'a mut Core<N>, id: NodeId, incarnation: u32, rate_ppm: u64) -> Self {
        // Only sync latency needs the count (see `note_sync`); reading it otherwise would
        // touch the node's runtime on every event.
        let syncs_seen = if core.disk_sync == Duration::ZERO {
            0
        } else {
            core.runtimes[id.index()].disk.counters().1
        };
        Ctx {
            core,
            id,
            incarnation,
            rate_ppm,
            syncs_seen,
        }
    }

    /// The current virtual time (true time, for recording histories; a node whose clock
    /// drifts sees its own reading through [`Ctx::local_time`]).
    #[inline]
    pub fn now(&self) -> Time {
        self.core.now
    }

    /// This node's own clock, which runs fast or slow under a clock-drift fault.
    pub fn local_time(&self) -> Time {
        self.core.runtimes[self.id.index()].local_time(self.core.now, self.rate_ppm)
    }

    /// This node's id.
    #[inline]
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// How many nodes the cluster has (ids `0..count`).
    pub fn node_count(&self) -> u32 {
        self.core.node_count()
    }

    /// How many times this node has been restarted.
    pub fn incarnation(&self) -> u32 {
        self.incarnation
    }

    /// Sends `msg` to `to`; the network decides when (and whether) it arrives.
    ///
    /// With a disk sync latency ([`crate::SimConfig::disk_sync`]), a message sent after a
    /// sync leaves when the sync completes, and so does every later message of the node until
    /// then: a node answers only once what its answer promises is durable.
    #[inline]
    pub fn send(&mut self, to: NodeId, msg: N::Message) {
        self.note_sync();
        self.core.send(self.id, to, msg);
    }

    /// Sends a copy of `msg` to each node in `to`, in order.
    pub fn send_all(&mut self, to: impl IntoIterator<Item = NodeId>, msg: &N::Message) {
        self.note_sync();
        for n in to {
            self.core.send(self.id, n, msg.clone());
        }
    }

    /// Holds the node's messages until a sync issued since the last send completes.
    #[inline]
    fn note_sync(&mut self) {
        if self.core.disk_sync == Duration::ZERO {
            return;
        }
        let now = self.core.now;
        let rt = &mut self.core.runtimes[self.id.index()];
        let syncs = rt.disk.counters().1;
        if syncs != self.syncs_seen {
            self.syncs_seen = syncs;
            rt.sends_from = rt.sends_from.max(now + self.core.disk_sync);
        }
    }

    /// Sets a timer that fires after `after` of this node's clock.
    #[inline]
    pub fn set_timer(&mut self, after: Duration, timer: N::Timer) -> TimerId {
        self.core
            .set_timer((self.id, self.incarnation, self.rate_ppm), after, timer)
    }

    /// Cancels a timer; a timer that already fired or was cancelled is ignored.
    pub fn cancel_timer(&mut self, id: TimerId) {
        self.core.cancel_timer(id);
    }

    /// This node's durable storage.
    pub fn disk(&mut self) -> &mut Disk<N::Record> {
        let now = self.core.now;
        let disk = &mut self.core.runtimes[self.id.index()].disk;
        disk.now = now;
        disk
    }

    /// This node's own random stream.
    #[inline]
    pub fn rng(&mut self) -> &mut SimRng {
        self.core.rngs.get(self.id.0)
    }

    /// Records a typed milestone ([`Mark::Elected`], [`Mark::Committed`], ...) for the tools:
    /// the front end's timeline, explore's coverage. It is not folded into the fingerprint,
    /// so adding marks to a protocol changes no recorded run.
    #[inline]
    pub fn mark(&mut self, mark: Mark) {
        let now = self.core.now;
        self.core.trace.mark(now, self.id, mark);
    }

    /// Records a remark in the trace ("became leader in term 4"); the front end shows it on
    /// the timeline.
    pub fn annotate(&mut self, text: impl AsRef<str>) {
        let now = self.core.now;
        self.core.trace.annotate(now, Some(self.id), text.as_ref());
    }
}
