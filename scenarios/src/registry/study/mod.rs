//! The sync study's figures, measured the same way for every variant that keeps a view of
//! the whole cluster: flat, relayed, gossiped and tree broadcast (`broadcast`), tree sync
//! (`tree_sync`) and the layered hierarchy (`layered`).
//!
//! An *update* is a change of a node's value (for the broadcast variants, a broadcast: each one
//! carries a change). The *measured window* is the workload's `[start, stop)`. The figures:
//!
//! - `updates`: updates made in the window;
//! - `messages_per_update` and `bytes_per_update`: what the nodes sent in the window, divided
//!   by the updates made in it;
//! - `hot_spot_msgs_per_s` and `hot_spot_bytes_per_s`: what the busiest node sent per second
//!   of the window;
//! - `update_latency_ms` (a distribution): for each update made in the window, the time until
//!   every node up at that moment has it in its view, and `updates_incomplete`, those that some
//!   node still lacked at the end;
//! - `staleness_mean_ms` and `staleness_max_ms`: sampled every probe period in the window at
//!   every node up, the age of the oldest update its view lacks (0 when it lacks none).
//!
//! Whether a view *has* an update is where the variants differ: a broadcast node has it once
//! it delivered it; an aggregating node (tree sync, layered) has it once the as-of time of its
//! global summary is past the update (every value in the summary was read after it), so its
//! view has every update up to that time, as a broadcast node's view has every update it
//! delivered.
//!
//! The observers are checkers that never fail: the engine shows them every event, and the
//! adapter reads their figures back at the end (`Simulation::checker`).

mod aggregate;
mod delivery;

pub use aggregate::{Fresh, FreshnessObserver};
pub use delivery::DeliveryObserver;

use super::Metrics;
use super::vocabulary::MetricShape;
use sim_core::{Duration, Time};

/// The study's metric names, for the vocabularies.
pub const STUDY_METRICS: [(&str, MetricShape); 9] = [
    ("updates", MetricShape::Value),
    ("messages_per_update", MetricShape::Value),
    ("bytes_per_update", MetricShape::Value),
    ("hot_spot_msgs_per_s", MetricShape::Value),
    ("hot_spot_bytes_per_s", MetricShape::Value),
    ("update_latency_ms", MetricShape::Samples),
    ("updates_incomplete", MetricShape::Value),
    ("staleness_mean_ms", MetricShape::Value),
    ("staleness_max_ms", MetricShape::Value),
];

/// How often staleness is sampled when the file's `[checks] probe` does not say.
pub const DEFAULT_SAMPLE: Duration = Duration::from_millis(10);

/// The measured window of a workload running from `start` to `stop`, sampled every
/// `[checks] probe` of `s` (or every [`DEFAULT_SAMPLE`]).
pub fn window(s: &crate::scenario::Scenario, start: Duration, stop: Duration) -> Window {
    let probe = s
        .checks
        .probe
        .as_ref()
        .map_or(DEFAULT_SAMPLE, |p| Duration(p.get_ref().nanos()));
    Window {
        start: Time::ZERO + start,
        stop: Time::ZERO + stop,
        probe,
    }
}

/// The measured window and how often staleness is sampled in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// Start of the workload.
    pub start: Time,
    /// Its end.
    pub stop: Time,
    /// Time between staleness samples.
    pub probe: Duration,
}

impl Window {
    /// True if `t` is in the window.
    pub fn holds(&self, t: Time) -> bool {
        t >= self.start && t < self.stop
    }
}

/// What one node sent in the window, counted event by event: a node sends only while it
/// handles an event, so the difference of its counters across the event is what that event
/// sent, and it counts if the event falls in the window. Each observer keeps these with the
/// rest of what it knows of the node, in one record: every event touches all of it.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct NodeTraffic {
    /// Messages and bytes after the node's last event (zero while down: a restarted node
    /// counts from zero).
    last: (u64, u64),
    /// Messages and bytes sent in the window.
    sent: (u64, u64),
}

/// Messages and bytes sent in the window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Sent {
    messages: u64,
    bytes: u64,
    busiest_messages: u64,
    busiest_bytes: u64,
}

impl NodeTraffic {
    /// After an event at `now` that touched the node, whose counters are now `counters`
    /// (`None`: the node is down).
    pub(crate) fn touched(&mut self, window: &Window, now: Time, counters: Option<(u64, u64)>) {
        let Some((m, b)) = counters else {
            self.last = (0, 0);
            return;
        };
        let (m0, b0) = self.last;
        if window.holds(now) {
            self.sent.0 += m.saturating_sub(m0);
            self.sent.1 += b.saturating_sub(b0);
        }
        self.last = (m, b);
    }
}

/// The window's totals and its busiest node's.
pub(crate) fn sent<'a>(nodes: impl IntoIterator<Item = &'a NodeTraffic>) -> Sent {
    let mut s = Sent::default();
    for t in nodes {
        let (m, b) = t.sent;
        s.messages += m;
        s.bytes += b;
        s.busiest_messages = s.busiest_messages.max(m);
        s.busiest_bytes = s.busiest_bytes.max(b);
    }
    s
}

/// A running mean and maximum of staleness samples, in nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Staleness {
    /// In nanoseconds, summed exactly: the mean does not depend on the order of the samples.
    sum: u128,
    count: u64,
    max: u64,
}

impl Staleness {
    pub(crate) fn add(&mut self, nanos: u64) {
        self.add_many(nanos, 1);
    }

    /// `count` samples of the same age: the nodes that hold the same as-of time.
    pub(crate) fn add_many(&mut self, nanos: u64, count: u64) {
        if count == 0 {
            return;
        }
        self.sum += u128::from(nanos) * u128::from(count);
        self.count += count;
        self.max = self.max.max(nanos);
    }
}

/// The study's figures from the window's traffic, its updates, their latencies and the
/// staleness samples.
pub(crate) fn write(
    out: &mut Metrics,
    window: &Window,
    traffic: Sent,
    updates: u64,
    latencies: impl Iterator<Item = Option<Duration>>,
    staleness: &Staleness,
) {
    out.set("updates", updates as f64);
    let s = traffic;
    let secs = (window.stop - window.start).as_secs_f64().max(1e-9);
    if updates > 0 {
        out.set("messages_per_update", s.messages as f64 / updates as f64);
        out.set("bytes_per_update", s.bytes as f64 / updates as f64);
    }
    out.set("hot_spot_msgs_per_s", s.busiest_messages as f64 / secs);
    out.set("hot_spot_bytes_per_s", s.busiest_bytes as f64 / secs);
    let mut incomplete = 0u64;
    for l in latencies {
        match l {
            Some(d) => out.sample("update_latency_ms", d.as_millis_f64()),
            None => incomplete += 1,
        }
    }
    out.set("updates_incomplete", incomplete as f64);
    if staleness.count > 0 {
        out.set(
            "staleness_mean_ms",
            staleness.sum as f64 / staleness.count as f64 / 1e6,
        );
        out.set("staleness_max_ms", staleness.max as f64 / 1e6);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_counts_what_its_events_sent() {
        let w = Window {
            start: Time(100),
            stop: Time(200),
            probe: Duration(10),
        };
        let mut t = [NodeTraffic::default(); 2];
        // Before the window: counted as the starting point only.
        t[0].touched(&w, Time(50), Some((1, 10)));
        t[0].touched(&w, Time(100), Some((3, 30)));
        t[1].touched(&w, Time(150), Some((2, 20)));
        // A crash and a restart: the new incarnation counts from zero.
        t[1].touched(&w, Time(160), None);
        t[1].touched(&w, Time(170), Some((1, 5)));
        // At the stop and after: not counted.
        t[0].touched(&w, Time(200), Some((9, 90)));
        let want = Sent {
            messages: 5,
            bytes: 45,
            busiest_messages: 3,
            busiest_bytes: 25,
        };
        assert_eq!(sent(&t), want);
        let mut out = Metrics::default();
        let mut s = Staleness::default();
        s.add(2_000_000);
        s.add_many(4_000_000, 3);
        s.add_many(9_000_000, 0);
        write(
            &mut out,
            &w,
            want,
            2,
            [Some(Duration::from_millis(3)), None].into_iter(),
            &s,
        );
        assert_eq!(out.get("messages_per_update"), Some(2.5));
        assert_eq!(out.get("hot_spot_msgs_per_s"), Some(3.0 / 1e-7));
        assert_eq!(out.get("update_latency_ms_max"), Some(3.0));
        assert_eq!(out.get("updates_incomplete"), Some(1.0));
        assert_eq!(out.get("staleness_mean_ms"), Some(3.5));
        assert_eq!(out.get("staleness_max_ms"), Some(4.0));
    }
}
