//! What the session has seen of the run, from its trace: sends, deliveries, drops,
//! annotations and faults, kept compact and in trace order.
//!
//! The trace of a deterministic run is the same every time it is simulated, so after seeking
//! back the history keeps what lies ahead (the timeline shows it) and re-simulation only adds
//! records it has not seen. An action that changes the future cuts the history at that point.

use sim_core::{MessageId, NodeId, Time, TraceEvent, TraceRecord};

/// A message as sent.
#[derive(Clone, Debug, PartialEq)]
pub struct Sent {
    /// Trace position of the send.
    pub index: u64,
    /// Message number.
    pub id: MessageId,
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// Kind.
    pub kind: String,
    /// Send time.
    pub at: Time,
    /// Arrival time (`None`: dropped at once).
    pub due: Option<Time>,
    /// Arrival time of a duplicate.
    pub dup_due: Option<Time>,
}

/// A delivery or a drop of a message.
#[derive(Clone, Debug, PartialEq)]
pub struct Arrival {
    /// Trace position.
    pub index: u64,
    /// When.
    pub at: Time,
    /// Which message.
    pub id: MessageId,
    /// Sender.
    pub from: NodeId,
    /// Receiver.
    pub to: NodeId,
    /// Kind.
    pub kind: String,
    /// Why it was dropped (`None` for a delivery).
    pub reason: Option<sim_core::DropReason>,
}

/// What a timeline marker stands for, from the trace's typed records (never from a remark's
/// words).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkKind {
    /// A node took the lead ([`sim_core::Mark::Elected`]).
    Election,
    /// A node's commit index or chosen prefix grew ([`sim_core::Mark::Committed`]).
    Commit,
    /// A fault was applied.
    Fault,
    /// A remark, or a milestone worth a dot (stepped down, snapshot, joined a tree).
    Note,
    /// A delivery or a completed round: frequent, charted rather than drawn as a marker.
    Progress,
}

/// A remark or a fault, for the timeline and the space-time diagram.
#[derive(Clone, Debug, PartialEq)]
pub struct Mark {
    /// Trace position.
    pub index: u64,
    /// The typed mark's number in the run (remarks and faults have none).
    pub number: Option<u64>,
    /// When.
    pub at: Time,
    /// By which node (harness remarks and faults have none).
    pub node: Option<NodeId>,
    /// What kind of marker.
    pub kind: MarkKind,
    /// The text.
    pub text: String,
    /// The typed mark's kind (remarks and faults have none).
    pub typed: Option<sim_core::MarkKind>,
}

impl Mark {
    /// What a guided tour's stop may wait for: a typed mark, or a remark (not a fault).
    pub fn happening(&self) -> Option<scenarios::scenario::Happening> {
        use scenarios::scenario::{Happening, What};
        let what = match (self.typed, self.kind) {
            (Some(kind), _) => What::Mark(kind),
            (None, MarkKind::Note) => What::Remark(self.text.clone()),
            _ => return None,
        };
        Some(Happening {
            at: self.at,
            node: self.node,
            what,
        })
    }
}

/// Everything seen so far, in trace order.
#[derive(Clone, Debug, Default)]
pub struct History {
    /// Trace records seen (the next record's index).
    pub len: u64,
    /// Typed marks seen (the next mark's number). Marks share the position of the event
    /// during which they were made, so they are counted apart.
    marks_seen: u64,
    /// Sends, in trace order.
    pub sent: Vec<Sent>,
    /// Deliveries, in trace order.
    pub delivered: Vec<Arrival>,
    /// Drops, in trace order.
    pub dropped: Vec<Arrival>,
    /// Remarks and faults, in trace order.
    pub marks: Vec<Mark>,
    /// Send position by message number (`u32::MAX`: unknown).
    by_id: Vec<u32>,
    /// Per node, the trace position of its first start (`u64::MAX`: not started yet).
    first_start: Vec<u64>,
    /// `(trace position, node, parent)` of every `joined` mark, in trace order: the trees
    /// the protocol built.
    joins: Vec<(u64, NodeId, NodeId)>,
}

/// The label that matches any record in [`crate::session::Session::step_until_label`].
pub const ANY_LABEL: &str = "any event";

/// A short label of a trace record, for "step to the next event of this kind": `deliver
/// AppendEntries`, `send Vote`, `drop`, `timer`, `fault`, `remark`, `start`.
pub fn record_label(r: &TraceRecord) -> String {
    match &r.event {
        TraceEvent::Send { kind, .. } => format!("send {kind}"),
        TraceEvent::Deliver { kind, .. } => format!("deliver {kind}"),
        TraceEvent::Drop { .. } => "drop".into(),
        TraceEvent::Timer { .. } => "timer".into(),
        TraceEvent::Fault { .. } => "fault".into(),
        TraceEvent::Annotate { .. } => "remark".into(),
        TraceEvent::Mark { mark, .. } => format!("mark {}", mark.kind().name()),
        TraceEvent::Start { .. } => "start".into(),
    }
}

/// A fault in words: what it was, to which nodes, and what it did (`crash n4: lost 2 unsynced
/// writes and 0 waiting events`).
pub fn fault_text(fault: &sim_core::Fault, detail: &str) -> String {
    scenarios::narrate::fault(fault, detail)
}

/// The marker a typed milestone becomes.
pub fn marker_kind(mark: &sim_core::Mark) -> MarkKind {
    use sim_core::Mark as M;
    match mark {
        M::Elected { .. } => MarkKind::Election,
        M::Committed { .. } => MarkKind::Commit,
        M::SteppedDown { .. } | M::Snapshot { .. } | M::Joined { .. } => MarkKind::Note,
        M::Delivered { .. } | M::Converged { .. } => MarkKind::Progress,
    }
}

impl History {
    /// Adds the records not seen yet (those from index `len` on).
    pub fn extend(&mut self, records: &[TraceRecord]) {
        for r in records {
            if let TraceEvent::Mark { number, .. } = r.event {
                if number < self.marks_seen {
                    continue;
                }
                self.marks_seen = number + 1;
            } else {
                if r.index < self.len {
                    continue;
                }
                self.len = r.index + 1;
            }
            self.add(r);
        }
    }

    fn add(&mut self, r: &TraceRecord) {
        let index = r.index;
        match &r.event {
            TraceEvent::Send {
                from,
                to,
                msg,
                kind,
                due,
                dup_due,
                ..
            } => {
                let slot = msg.0 as usize;
                if slot >= self.by_id.len() {
                    self.by_id.resize(slot + 1, u32::MAX);
                }
                self.by_id[slot] = self.sent.len() as u32;
                self.sent.push(Sent {
                    index,
                    id: *msg,
                    from: *from,
                    to: *to,
                    kind: kind.clone(),
                    at: r.time,
                    due: *due,
                    dup_due: *dup_due,
                });
            }
            TraceEvent::Deliver {
                from,
                to,
                msg,
                kind,
                ..
            } => self.delivered.push(Arrival {
                index,
                at: r.time,
                id: *msg,
                from: *from,
                to: *to,
                kind: kind.clone(),
                reason: None,
            }),
            TraceEvent::Drop {
                from,
                to,
                msg,
                kind,
                reason,
            } => self.dropped.push(Arrival {
                index,
                at: r.time,
                id: *msg,
                from: *from,
                to: *to,
                kind: kind.clone(),
                reason: Some(*reason),
            }),
            TraceEvent::Annotate { node, text } => self.marks.push(Mark {
                index,
                number: None,
                at: r.time,
                node: *node,
                kind: MarkKind::Note,
                text: text.clone(),
                typed: None,
            }),
            TraceEvent::Mark { node, number, mark } => {
                if let sim_core::Mark::Joined { parent } = mark {
                    self.joins.push((index, *node, *parent));
                }
                self.marks.push(Mark {
                    index,
                    number: Some(*number),
                    at: r.time,
                    node: Some(*node),
                    kind: marker_kind(mark),
                    text: scenarios::narrate::mark(*node, mark),
                    typed: Some(mark.kind()),
                })
            }
            TraceEvent::Fault { fault, detail } => self.marks.push(Mark {
                index,
                number: None,
                at: r.time,
                node: None,
                kind: MarkKind::Fault,
                text: fault_text(fault, detail),
                typed: None,
            }),
            TraceEvent::Start { node, .. } => {
                let slot = node.index();
                if slot >= self.first_start.len() {
                    self.first_start.resize(slot + 1, u64::MAX);
                }
                self.first_start[slot] = self.first_start[slot].min(index);
            }
            TraceEvent::Timer { .. } => {}
        }
    }

    /// Whether `node` has started at least once: a node that is down before its first start
    /// is drawn as starting, not as crashed.
    pub fn has_started(&self, node: usize) -> bool {
        self.first_start.get(node).is_some_and(|&i| i != u64::MAX)
    }

    /// The spanning tree's edges as of trace position `now` (lower id first, sorted): each
    /// node's latest `joined` mark before it names its parent; a node that joined itself is a
    /// root, and an edge with a down end is gone.
    pub fn tree_edges(&self, now: u64, statuses: &[sim_core::NodeStatus]) -> Vec<(usize, usize)> {
        let mut parent: Vec<Option<usize>> = vec![None; statuses.len()];
        for &(index, node, p) in &self.joins {
            if index >= now {
                break;
            }
            if let Some(slot) = parent.get_mut(node.index()) {
                *slot = Some(p.index());
            }
        }
        let up = |n: usize| {
            statuses
                .get(n)
                .is_some_and(|s| *s != sim_core::NodeStatus::Down)
        };
        let mut edges: Vec<(usize, usize)> = parent
            .iter()
            .enumerate()
            .filter_map(|(child, p)| {
                let p = (*p)?;
                (p != child && up(child) && up(p)).then_some((child.min(p), child.max(p)))
            })
            .collect();
        edges.sort_unstable();
        edges.dedup();
        edges
    }

    /// The send of message `id`, if seen.
    pub fn send_of(&self, id: MessageId) -> Option<&Sent> {
        let i = *self.by_id.get(id.0 as usize)?;
        self.sent.get(i as usize)
    }

    /// Forgets everything from trace position `index` on (the future changed).
    pub fn cut(&mut self, index: u64) {
        if index >= self.len {
            return;
        }
        self.len = index;
        for s in &mut self.first_start {
            if *s >= index {
                *s = u64::MAX;
            }
        }
        let keep = |v: &[Arrival]| v.partition_point(|a| a.index < index);
        let n = keep(&self.delivered);
        self.delivered.truncate(n);
        let n = keep(&self.dropped);
        self.dropped.truncate(n);
        let n = self.marks.partition_point(|m| m.index < index);
        self.marks.truncate(n);
        let n = self.joins.partition_point(|j| j.0 < index);
        self.joins.truncate(n);
        self.marks_seen = self
            .marks
            .iter()
            .rev()
            .find_map(|m| m.number)
            .map_or(0, |n| n + 1);
        let n = self.sent.partition_point(|s| s.index < index);
        for s in &self.sent[n..] {
            if let Some(slot) = self.by_id.get_mut(s.id.0 as usize) {
                *slot = u32::MAX;
            }
        }
        self.sent.truncate(n);
    }

    /// The items of `v` (in time order) with times in `from..=to`.
    pub fn window<T>(v: &[T], at: impl Fn(&T) -> Time, from: Time, to: Time) -> &[T] {
        let lo = v.partition_point(|x| at(x) < from);
        let hi = v.partition_point(|x| at(x) <= to);
        &v[lo..hi.max(lo)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(index: u64, t: u64, event: TraceEvent) -> TraceRecord {
        TraceRecord {
            index,
            time: Time(t),
            event,
        }
    }

    fn send(index: u64, t: u64, id: u64) -> TraceRecord {
        rec(
            index,
            t,
            TraceEvent::Send {
                from: NodeId(0),
                to: NodeId(1),
                msg: MessageId(id),
                kind: "Ping".into(),
                size: 1,
                due: Some(Time(t + 10)),
                dup_due: None,
                payload: serde_json::Value::Null,
            },
        )
    }

    #[test]
    fn records_seen_twice_are_kept_once_and_a_cut_forgets_the_future() {
        let a = [
            send(0, 1, 0),
            send(1, 2, 1),
            rec(
                2,
                3,
                TraceEvent::Annotate {
                    node: Some(NodeId(1)),
                    text: "n1 became leader in term 2".into(),
                },
            ),
        ];
        let mut h = History::default();
        h.extend(&a[..2]);
        h.extend(&a);
        assert_eq!(h.sent.len(), 2);
        assert_eq!(h.marks.len(), 1);
        assert_eq!(
            h.marks[0].kind,
            MarkKind::Note,
            "a remark's words make no marker"
        );
        assert_eq!(h.send_of(MessageId(1)).map(|s| s.at), Some(Time(2)));
        h.cut(1);
        assert_eq!(h.len, 1);
        assert_eq!(h.sent.len(), 1);
        assert!(h.marks.is_empty());
        assert_eq!(h.send_of(MessageId(1)), None);
        h.extend(&a);
        assert_eq!(h.sent.len(), 2);
    }

    #[test]
    fn a_window_holds_exactly_the_items_in_its_time_range() {
        let v = [1u64, 2, 2, 5, 9];
        let w = History::window(&v, |x| Time(*x), Time(2), Time(5));
        assert_eq!(w, &[2, 2, 5]);
        assert!(History::window(&v, |x| Time(*x), Time(6), Time(8)).is_empty());
    }

    fn mark(index: u64, number: u64, mark: sim_core::Mark) -> TraceRecord {
        rec(
            index,
            index + 1,
            TraceEvent::Mark {
                node: NodeId(1),
                number,
                mark,
            },
        )
    }

    #[test]
    fn typed_marks_become_markers_whatever_the_remarks_say() {
        use sim_core::Mark as M;
        assert_eq!(marker_kind(&M::Elected { epoch: 4 }), MarkKind::Election);
        assert_eq!(marker_kind(&M::Committed { index: 7 }), MarkKind::Commit);
        assert_eq!(marker_kind(&M::SteppedDown { epoch: 4 }), MarkKind::Note);
        assert_eq!(marker_kind(&M::Delivered { count: 2 }), MarkKind::Progress);
    }

    #[test]
    fn marks_sharing_an_events_position_are_kept_once_and_cut_with_it() {
        use sim_core::Mark as M;
        // Marks carry the position of the event during which they were made.
        let a = [
            send(0, 1, 0),
            mark(0, 0, M::Elected { epoch: 2 }),
            mark(0, 1, M::Committed { index: 1 }),
            send(1, 2, 1),
            mark(1, 2, M::Committed { index: 2 }),
        ];
        let mut h = History::default();
        h.extend(&a[..2]);
        h.extend(&a);
        h.extend(&a);
        let kinds: Vec<MarkKind> = h.marks.iter().map(|m| m.kind).collect();
        assert_eq!(
            kinds,
            [MarkKind::Election, MarkKind::Commit, MarkKind::Commit]
        );
        assert_eq!(h.marks[0].text, "n1 elected in epoch 2");
        // Forgetting event 1 forgets the mark made with it, and only that one.
        h.cut(1);
        assert_eq!(h.marks.len(), 2);
        h.extend(&a[3..]);
        assert_eq!(h.marks.len(), 3);
        assert_eq!(h.marks[2].number, Some(2));
    }
}
