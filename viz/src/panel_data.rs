//! What the panels show, computed from the session each frame: chart series, the space-time
//! diagram's arrows and the timeline's markers. Plain data, so that tests and the benchmark
//! can read it without a window.

use crate::history::{History, MarkKind};
use crate::session::Session;
use scenarios::scenario::Action;
use sim_core::{InFlight, NodeId, Time};

/// An arrow of the space-time diagram: a message from one node's line to another's.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrow {
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// Send time, seconds.
    pub sent: f64,
    /// Arrival time, seconds (the cursor for a message still in flight).
    pub end: f64,
    /// Its kind.
    pub kind: String,
    /// Delivered, still in flight, or lost.
    pub state: ArrowState,
}

/// How an arrow ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArrowState {
    /// Delivered.
    Delivered,
    /// Not yet arrived.
    InFlight,
    /// Lost.
    Dropped,
}

/// A dot on a node's line: a remark or a fault.
#[derive(Clone, Debug, PartialEq)]
pub struct Dot {
    /// The node (`None`: the whole cluster).
    pub node: Option<NodeId>,
    /// When, seconds.
    pub at: f64,
    /// What kind.
    pub kind: MarkKind,
    /// Its text.
    pub text: String,
}

/// A marker on the timeline.
#[derive(Clone, Debug, PartialEq)]
pub struct Marker {
    /// When, seconds.
    pub at: f64,
    /// What kind.
    pub kind: MarkerKind,
    /// What happened.
    pub text: String,
}

/// Kinds of timeline markers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MarkerKind {
    /// A fault of the schedule (applied or ahead).
    Scheduled,
    /// An action recorded by hand.
    Recorded,
    /// A leader elected.
    Election,
    /// A commit.
    Commit,
    /// An invariant violation.
    Violation,
}

/// Everything the panels draw this frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PanelData {
    /// Messages sent per second of virtual time, up to the cursor: `[t, rate]`.
    pub rate: Vec<[f64; 2]>,
    /// Progress of each server over time (its commit-like field or deliveries); NaN where the
    /// server was down.
    pub progress: Vec<Vec<[f64; 2]>>,
    /// Arrows of the space-time diagram, within its window.
    pub arrows: Vec<Arrow>,
    /// Remarks and faults within the diagram's window.
    pub dots: Vec<Dot>,
    /// The diagram's window, seconds.
    pub window: (f64, f64),
    /// Timeline markers over the whole run.
    pub markers: Vec<Marker>,
}

/// Most arrows drawn in the space-time diagram (the latest ones).
pub const MAX_ARROWS: usize = 3_000;
/// Timeline markers of one kind closer than this share of the run are merged.
const MARKER_RESOLUTION: f64 = 1.0 / 800.0;

fn secs(t: Time) -> f64 {
    t.0 as f64 / 1e9
}

/// Computes the panels' data at the session's cursor; `span` is the space-time diagram's
/// window (virtual time before the cursor).
pub fn compute(session: &Session, in_flight: &[InFlight], span: sim_core::Duration) -> PanelData {
    let cursor = session.cursor;
    let samples = &session.samples[..session.samples.partition_point(|s| s.at <= cursor)];
    let mut rate = Vec::with_capacity(samples.len());
    for w in samples.windows(2) {
        let dt = secs(w[1].at) - secs(w[0].at);
        if dt > 0.0 {
            rate.push([secs(w[1].at), (w[1].sent - w[0].sent) as f64 / dt]);
        }
    }
    let servers = samples.last().map_or(0, |s| s.progress.len());
    let progress = (0..servers)
        .map(|n| {
            samples
                .iter()
                .filter_map(|s| {
                    // A node down at a sample keeps its NaN, so the chart breaks its line.
                    s.progress.get(n).map(|v| [secs(s.at), *v])
                })
                .collect()
        })
        .collect();
    let from = Time(cursor.0.saturating_sub(span.0));
    let h = &session.history;
    let mut arrows = Vec::new();
    for d in History::window(&h.delivered, |d| d.at, from, cursor) {
        arrows.push(arrow(
            h,
            d.id,
            d.from,
            d.to,
            d.at,
            &d.kind,
            ArrowState::Delivered,
        ));
    }
    for d in History::window(&h.dropped, |d| d.at, from, cursor) {
        arrows.push(arrow(
            h,
            d.id,
            d.from,
            d.to,
            d.at,
            &d.kind,
            ArrowState::Dropped,
        ));
    }
    for m in in_flight.iter().filter(|m| m.sent_at <= cursor) {
        arrows.push(Arrow {
            from: m.from,
            to: m.to,
            sent: secs(m.sent_at),
            end: secs(cursor),
            kind: m.kind.to_string(),
            state: ArrowState::InFlight,
        });
    }
    if arrows.len() > MAX_ARROWS {
        arrows.sort_by(|a, b| a.end.total_cmp(&b.end));
        arrows.drain(..arrows.len() - MAX_ARROWS);
    }
    let dots = History::window(&h.marks, |m| m.at, from, cursor)
        .iter()
        .map(|m| Dot {
            node: m.node,
            at: secs(m.at),
            kind: m.kind,
            text: m.text.clone(),
        })
        .collect();
    PanelData {
        rate,
        progress,
        arrows,
        dots,
        window: (secs(from), secs(cursor)),
        markers: markers(session),
    }
}

fn arrow(
    h: &History,
    id: sim_core::MessageId,
    from: NodeId,
    to: NodeId,
    at: Time,
    kind: &str,
    state: ArrowState,
) -> Arrow {
    let sent = h.send_of(id).map_or(at, |s| s.at);
    Arrow {
        from,
        to,
        sent: secs(sent),
        end: secs(at),
        kind: kind.to_string(),
        state,
    }
}

/// The timeline's markers: the fault schedule (the file's and the recorded actions), the
/// elections and commits seen so far (and ahead, after seeking back), and the violation.
pub fn markers(session: &Session) -> Vec<Marker> {
    let end = secs(session.end()).max(1e-9);
    let mut out = Vec::new();
    for f in &session.scenario.faults {
        out.push(Marker {
            at: f.at.get_ref().nanos() as f64 / 1e9,
            kind: MarkerKind::Scheduled,
            text: fault_text(f),
        });
    }
    for f in session.actions() {
        out.push(Marker {
            at: f.at.get_ref().nanos() as f64 / 1e9,
            kind: MarkerKind::Recorded,
            text: format!("recorded: {}", fault_text(f)),
        });
    }
    let mut last: [Option<f64>; 2] = [None, None];
    for m in &session.history.marks {
        let (slot, kind) = match m.kind {
            MarkKind::Election => (0, MarkerKind::Election),
            MarkKind::Commit => (1, MarkerKind::Commit),
            MarkKind::Fault | MarkKind::Note | MarkKind::Progress => continue,
        };
        let at = secs(m.at);
        if last[slot].is_some_and(|l| (at - l) / end < MARKER_RESOLUTION) {
            continue;
        }
        last[slot] = Some(at);
        out.push(Marker {
            at,
            kind,
            text: m.text.clone(),
        });
    }
    if let Some(v) = session.live().violation() {
        out.push(Marker {
            at: secs(v.time),
            kind: MarkerKind::Violation,
            text: format!("invariant {}: {}", v.checker, v.description),
        });
    }
    out
}

fn fault_text(f: &scenarios::scenario::FaultEvent) -> String {
    let action = *f.action.get_ref();
    let mut t = action.name().to_string();
    if let Some(n) = &f.nodes {
        t.push_str(&format!(" {}", n.get_ref()));
    }
    if let Some(g) = &f.groups {
        let parts: Vec<String> = g.get_ref().iter().map(|s| s.to_string()).collect();
        t.push_str(&format!(" {}", parts.join(" | ")));
    }
    if let Some(o) = &f.one_way {
        t.push_str(&format!(" {} -> {}", o.get_ref().from, o.get_ref().to));
    }
    if let (Some(a), Some(b)) = (&f.from, &f.to) {
        t.push_str(&format!(" {} -> {}", a.get_ref(), b.get_ref()));
    }
    if action == Action::Submit
        && let Some(c) = &f.command
    {
        t.push_str(&format!(" {}", c.get_ref()));
    }
    t
}
