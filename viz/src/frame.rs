//! What one frame draws, computed from the session alone: node discs with their colours and
//! labels, links, and every message in flight at its place on its link. The scene plugin copies
//! this into entities; tests and the benchmark read it directly.

use crate::history::History;
use crate::layout::Layout;
use crate::palette;
use bevy::color::{Alpha, Color};
use bevy::math::Vec2;
use scenarios::Run;
use sim_core::{InFlight, MessageId, NodeId, NodeStatus, NodeView, Time};

/// A node as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct NodeDraw {
    /// Centre, in layout units.
    pub pos: Vec2,
    /// Fill colour (by role; grey when down).
    pub fill: Color,
    /// Ring colour (status and partition at a glance).
    pub ring: Color,
    /// Text under the node.
    pub label: String,
    /// Running, paused or down.
    pub status: NodeStatus,
    /// Some link to or from it is cut.
    pub partitioned: bool,
    /// The guided tour's stop at the cursor points at it.
    pub highlighted: bool,
    /// Its next timer to fire: when it was set and when it fires.
    pub timer: Option<(Time, Time)>,
}

/// A link as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkDraw {
    /// One end.
    pub a: usize,
    /// The other end.
    pub b: usize,
    /// Cut in at least one direction.
    pub cut: bool,
    /// An edge of the spanning tree the protocol built (its nodes' latest `joined` marks).
    pub tree: bool,
}

/// What a drawn message is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MsgState {
    /// On its way.
    Flying,
    /// A duplicate copy on its way, split off the original.
    Duplicate,
    /// Lost: falling off its link.
    Falling,
}

/// A message as drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct MsgDraw {
    /// Message number.
    pub id: MessageId,
    /// Where, in layout units.
    pub pos: Vec2,
    /// Colour of its kind.
    pub color: Color,
    /// What it is doing.
    pub state: MsgState,
    /// Sender and receiver.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// Its kind.
    pub kind: &'static str,
    /// When it left and when it arrives (or fell).
    pub sent_at: Time,
    /// Arrival time.
    pub due_at: Time,
}

/// One frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Frame {
    /// Every node, servers then clients.
    pub nodes: Vec<NodeDraw>,
    /// Topology links between servers.
    pub links: Vec<LinkDraw>,
    /// Messages in flight and falling.
    pub messages: Vec<MsgDraw>,
    /// Radius of a node disc.
    pub radius: f32,
    /// The virtual time drawn.
    pub cursor: Time,
}

/// Most topology links drawn; beyond it only cut links are.
pub const MAX_LINKS: usize = 600;

/// Kinds seen in flight, interned so that a frame holds no owned kind strings.
fn intern(kind: &str) -> &'static str {
    palette::intern(kind)
}

/// Builds the frame at `cursor`. `fall` is how long (virtual time) a lost message takes to
/// fall out of sight.
pub fn build(
    run: &dyn Run,
    history: &History,
    layout: &Layout,
    cursor: Time,
    fall: sim_core::Duration,
    in_flight: &[InFlight],
) -> Frame {
    let views = run.views();
    let statuses = run.statuses();
    let damage = run.disk_damage();
    let servers = run.server_count();
    let cut = run.cut_links(servers);
    let mut partitioned = vec![false; statuses.len()];
    for (a, b) in &cut {
        for n in [a, b] {
            if let Some(p) = partitioned.get_mut(n.index()) {
                *p = true;
            }
        }
    }
    // Each node's next timer (the list is earliest first, so the first seen per node).
    let mut next_timer: Vec<Option<(Time, Time)>> = vec![None; statuses.len()];
    for t in run.pending_timers() {
        if let Some(slot @ None) = next_timer.get_mut(t.node.index()) {
            *slot = Some((t.set_at, t.due_at));
        }
    }
    let nodes = (0..statuses.len())
        .map(|i| {
            let damaged = damage.get(i).is_some_and(|d| !d.is_empty());
            let status = match statuses[i] {
                NodeStatus::Down if !history.has_started(i) => Shown::Starting,
                s => Shown::Status(s),
            };
            let mut n = node(
                i,
                views.get(i).and_then(Option::as_ref),
                status,
                (partitioned[i], damaged),
                layout,
            );
            n.timer = next_timer[i];
            n
        })
        .collect();
    let mut links: Vec<LinkDraw> = run
        .topology()
        .into_iter()
        .filter(|(a, b)| a != b)
        .map(|(a, b)| {
            let (a, b) = (a.index().min(b.index()), a.index().max(b.index()));
            LinkDraw {
                a,
                b,
                cut: false,
                tree: false,
            }
        })
        .collect();
    links.sort_by_key(|l| (l.a, l.b));
    links.dedup();
    // A dense graph of many nodes is a grey blur: the messages show the traffic instead, and
    // a spanning tree over it would be a green one.
    let dense = links.len() > MAX_LINKS;
    if dense {
        links.clear();
    }
    for (x, y) in &cut {
        let (a, b) = (x.index().min(y.index()), x.index().max(y.index()));
        match links.binary_search_by_key(&(a, b), |l| (l.a, l.b)) {
            Ok(i) => links[i].cut = true,
            Err(i) => links.insert(
                i,
                LinkDraw {
                    a,
                    b,
                    cut: true,
                    tree: false,
                },
            ),
        }
    }
    let tree = if dense {
        Vec::new()
    } else {
        history.tree_edges(run.trace().len(), &statuses)
    };
    for (a, b) in tree {
        match links.binary_search_by_key(&(a, b), |l| (l.a, l.b)) {
            Ok(i) => links[i].tree = true,
            Err(i) => links.insert(
                i,
                LinkDraw {
                    a,
                    b,
                    cut: false,
                    tree: true,
                },
            ),
        }
    }
    let messages = messages(history, layout, cursor, fall, in_flight);
    Frame {
        nodes,
        links,
        messages,
        radius: layout.radius,
        cursor,
    }
}

/// Messages in flight at `cursor`, and those lost within `fall` before it, falling.
pub fn messages(
    history: &History,
    layout: &Layout,
    cursor: Time,
    fall: sim_core::Duration,
    in_flight: &[InFlight],
) -> Vec<MsgDraw> {
    let dup = second_copies(in_flight);
    let mut messages = Vec::with_capacity(in_flight.len());
    for (m, dup) in in_flight.iter().zip(dup) {
        messages.push(flying(m, dup, cursor, layout));
    }
    let from = Time(cursor.0.saturating_sub(fall.0));
    for d in History::window(&history.dropped, |d| d.at, from, cursor) {
        let Some(s) = history.send_of(d.id) else {
            continue;
        };
        let due = s.due.unwrap_or(s.at).max(s.at);
        let along = progress(s.at, due, d.at);
        let base = on_link(layout, d.from.index(), d.to.index(), along);
        let t = (cursor.0 - d.at.0) as f32 / fall.0.max(1) as f32;
        // Lost or cut off on the way, it falls off its link. Refused by a crashed receiver, it
        // fades where it arrived: a stream of them must not pile up under the node.
        let drop = match d.reason {
            Some(sim_core::DropReason::NodeDown) => 0.0,
            _ => layout.radius * 6.0 * t * t,
        };
        messages.push(MsgDraw {
            id: d.id,
            pos: base - Vec2::new(0.0, drop),
            color: palette::kind_color(&d.kind).with_alpha(1.0 - 0.8 * t),
            state: MsgState::Falling,
            from: d.from,
            to: d.to,
            kind: intern(&d.kind),
            sent_at: s.at,
            due_at: d.at,
        });
    }
    messages
}

/// Which messages are a later copy of another in flight (a duplicate shares its original's
/// number and arrives after it).
fn second_copies(all: &[InFlight]) -> Vec<bool> {
    let mut order: Vec<usize> = (0..all.len()).collect();
    order.sort_unstable_by_key(|&i| (all[i].id, all[i].due_at, i));
    let mut dup = vec![false; all.len()];
    for w in order.windows(2) {
        if all[w[0]].id == all[w[1]].id {
            dup[w[1]] = true;
        }
    }
    dup
}

/// What a node's status looks like: a node that has not started yet is not a crashed one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shown {
    /// Down before its first start.
    Starting,
    /// Running, paused or down.
    Status(NodeStatus),
}

fn node(
    i: usize,
    view: Option<&NodeView>,
    shown: Shown,
    (cut, damaged): (bool, bool),
    layout: &Layout,
) -> NodeDraw {
    let status = match shown {
        Shown::Starting => NodeStatus::Down,
        Shown::Status(s) => s,
    };
    let fill = match (status, view) {
        (NodeStatus::Down, _) | (_, None) => palette::DOWN,
        (_, Some(v)) => palette::node_color(v),
    };
    let ring = match shown {
        Shown::Starting => palette::STARTING_RING,
        Shown::Status(NodeStatus::Down) => palette::DOWN_RING,
        Shown::Status(NodeStatus::Paused) => palette::PAUSED_RING,
        Shown::Status(NodeStatus::Up) if cut => palette::CUT,
        Shown::Status(NodeStatus::Up) => palette::RING,
    };
    let mut label = format!("n{i}");
    match (shown, view) {
        (Shown::Starting, _) => label.push_str(" starting"),
        (Shown::Status(NodeStatus::Down), _) => label.push_str(" down"),
        (Shown::Status(NodeStatus::Paused), Some(v)) => {
            label = format!("n{i} {} (paused)", v.label)
        }
        (_, Some(v)) if !v.label.is_empty() => label = format!("n{i} {}", v.label),
        _ => {}
    }
    if damaged {
        // A storage fault left damage on its disk: the inspector lists the records.
        label.push_str(" [disk damaged]");
    }
    NodeDraw {
        pos: layout.pos.get(i).copied().unwrap_or_default(),
        fill,
        ring,
        label,
        status,
        partitioned: cut,
        highlighted: false,
        timer: None,
    }
}

fn progress(sent: Time, due: Time, now: Time) -> f32 {
    if due <= sent {
        return 0.0;
    }
    ((now.0.saturating_sub(sent.0)) as f64 / (due.0 - sent.0) as f64).clamp(0.0, 1.0) as f32
}

/// A point `along` (0..1) the link from `a` to `b`, from rim to rim of the discs.
fn on_link(layout: &Layout, a: usize, b: usize, along: f32) -> Vec2 {
    let (pa, pb) = (
        layout.pos.get(a).copied().unwrap_or_default(),
        layout.pos.get(b).copied().unwrap_or_default(),
    );
    let dir = (pb - pa).normalize_or_zero();
    let start = pa + dir * layout.radius;
    let end = pb - dir * layout.radius;
    start.lerp(end, along)
}

fn flying(m: &InFlight, dup: bool, cursor: Time, layout: &Layout) -> MsgDraw {
    let along = progress(m.sent_at, m.due_at, cursor);
    let mut pos = on_link(layout, m.from.index(), m.to.index(), along);
    if dup {
        // The copy drifts off to one side as it goes, then rejoins the line at the receiver.
        let (pa, pb) = (
            layout.pos.get(m.from.index()).copied().unwrap_or_default(),
            layout.pos.get(m.to.index()).copied().unwrap_or_default(),
        );
        let side = (pb - pa).normalize_or_zero().perp();
        pos += side * layout.radius * 0.8 * (std::f32::consts::PI * along).sin();
    }
    MsgDraw {
        id: m.id,
        pos,
        color: palette::kind_color(m.kind),
        state: if dup {
            MsgState::Duplicate
        } else {
            MsgState::Flying
        },
        from: m.from,
        to: m.to,
        kind: m.kind,
        sent_at: m.sent_at,
        due_at: m.due_at,
    }
}

impl Frame {
    /// How far node `i`'s next timer is along, from 0 when set to 1 when it fires; `None` for
    /// a node without one.
    pub fn timer_progress(&self, i: usize) -> Option<f32> {
        let (set, due) = self.nodes.get(i)?.timer?;
        if due <= set {
            return Some(1.0);
        }
        let along = self.cursor.0.saturating_sub(set.0) as f64 / (due.0 - set.0) as f64;
        Some(along.clamp(0.0, 1.0) as f32)
    }

    /// The message drawn nearest to `p` within `reach`, if any.
    pub fn message_at(&self, p: Vec2, reach: f32) -> Option<&MsgDraw> {
        self.messages
            .iter()
            .map(|m| (m, m.pos.distance_squared(p)))
            .filter(|(_, d)| *d <= reach * reach)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(m, _)| m)
    }

    /// The link passing within `reach` of `p`, if any.
    pub fn link_at(&self, p: Vec2, reach: f32) -> Option<&LinkDraw> {
        self.links
            .iter()
            .map(|l| {
                (
                    l,
                    segment_distance(p, self.nodes[l.a].pos, self.nodes[l.b].pos),
                )
            })
            .filter(|(_, d)| *d <= reach)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(l, _)| l)
    }
}

fn segment_distance(p: Vec2, a: Vec2, b: Vec2) -> f32 {
    let ab = b - a;
    let t = ((p - a).dot(ab) / ab.length_squared().max(1e-12)).clamp(0.0, 1.0);
    p.distance(a + ab * t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::LayoutKind;
    use sim_core::{DropReason, TraceEvent, TraceRecord};

    /// Two messages from n0 to n1, sent at 0 and due at 10 ms: one refused by a crashed n1,
    /// one lost on the link.
    fn history() -> History {
        let ms = |n: u64| Time(n * 1_000_000);
        let mut records = Vec::new();
        for id in 0..2 {
            records.push(TraceRecord {
                index: id,
                time: ms(0),
                event: TraceEvent::Send {
                    from: NodeId(0),
                    to: NodeId(1),
                    msg: MessageId(id),
                    kind: "Ping".into(),
                    size: 1,
                    due: Some(ms(10)),
                    dup_due: None,
                    payload: serde_json::Value::Null,
                },
            });
        }
        for (id, reason) in [(0, DropReason::NodeDown), (1, DropReason::Loss)] {
            records.push(TraceRecord {
                index: 2 + id,
                time: ms(10),
                event: TraceEvent::Drop {
                    from: NodeId(0),
                    to: NodeId(1),
                    msg: MessageId(id),
                    kind: "Ping".into(),
                    reason,
                },
            });
        }
        let mut h = History::default();
        h.extend(&records);
        h
    }

    #[test]
    fn a_message_refused_by_a_crashed_node_fades_where_it_arrived_and_a_lost_one_falls() {
        let layout = Layout {
            kind: LayoutKind::Circle,
            pos: vec![Vec2::new(0.0, 0.0), Vec2::new(100.0, 0.0)],
            radius: 10.0,
        };
        let fall = sim_core::Duration::from_millis(10);
        let at =
            |cursor_ms: u64| messages(&history(), &layout, Time(cursor_ms * 1_000_000), fall, &[]);
        let rim = Vec2::new(90.0, 0.0);
        let soon = at(15);
        let refused = soon.iter().find(|m| m.id == MessageId(0)).expect("drawn");
        let lost = soon.iter().find(|m| m.id == MessageId(1)).expect("drawn");
        assert_eq!(
            (refused.state, lost.state),
            (MsgState::Falling, MsgState::Falling)
        );
        assert!(refused.pos.distance(rim) < 1e-3, "{:?}", refused.pos);
        assert!(lost.pos.y < -1.0, "a lost message falls: {:?}", lost.pos);
        // Both fade.
        assert!(refused.color.alpha() < 1.0);
    }
}
