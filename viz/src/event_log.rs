//! The event log: what happened around the cursor, as sentences a student can read ("n3 got
//! AppendEntries from n1", "crash n4: lost 2 unsynced writes and 0 waiting events"). It is built
//! from the session's history, that is from the trace's typed records, so it needs nothing from
//! a protocol.

use crate::history::{Arrival, History, Mark, MarkKind, Sent};
use scenarios::narrate;
use sim_core::Time;

/// What a line tells of, for its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// A message left its sender.
    Send,
    /// A message reached its receiver.
    Deliver,
    /// A message was lost, cut off, or sent to a crashed node.
    Drop,
    /// A milestone, remark or fault.
    Mark(MarkKind),
}

/// One line of the log.
#[derive(Clone, Debug, PartialEq)]
pub struct LogLine {
    /// When it happened; clicking the line seeks here.
    pub at: Time,
    /// Trace position, for the order of lines at one time.
    pub index: u64,
    /// The sentence.
    pub text: String,
    /// What it tells of.
    pub kind: LineKind,
}

/// The lines of at most `before` events up to the cursor and `after` events past it, each
/// part in trace order.
pub fn around(
    h: &History,
    cursor: Time,
    before: usize,
    after: usize,
) -> (Vec<LogLine>, Vec<LogLine>) {
    let mut w = Window {
        cursor,
        before,
        after,
        past: Vec::new(),
        ahead: Vec::new(),
    };
    w.take(&h.sent, |s| s.at, send_line);
    w.take(&h.delivered, |a| a.at, arrival_line);
    w.take(&h.dropped, |a| a.at, arrival_line);
    w.take(&h.marks, |m| m.at, mark_line);
    let Window {
        mut past,
        mut ahead,
        ..
    } = w;
    // Marks share the position of the event they were made in and come after it.
    let order = |l: &LogLine| (l.at, l.index, matches!(l.kind, LineKind::Mark(_)));
    past.sort_by_key(order);
    ahead.sort_by_key(order);
    let skip = past.len().saturating_sub(before);
    past.drain(..skip);
    ahead.truncate(after);
    (past, ahead)
}

/// The lines gathered around the cursor, from every kind of record.
struct Window {
    cursor: Time,
    before: usize,
    after: usize,
    past: Vec<LogLine>,
    ahead: Vec<LogLine>,
}

impl Window {
    /// Adds the last `before` items of `items` (in time order) at or before the cursor, and the
    /// first `after` past it.
    fn take<T>(&mut self, items: &[T], at: impl Fn(&T) -> Time, line: impl Fn(&T) -> LogLine) {
        let split = items.partition_point(|x| at(x) <= self.cursor);
        let first = split.saturating_sub(self.before);
        self.past.extend(items[first..split].iter().map(&line));
        let last = (split + self.after).min(items.len());
        self.ahead.extend(items[split..last].iter().map(&line));
    }
}

fn send_line(s: &Sent) -> LogLine {
    LogLine {
        at: s.at,
        index: s.index,
        text: narrate::sent(s.from, &s.kind, s.to),
        kind: LineKind::Send,
    }
}

fn arrival_line(a: &Arrival) -> LogLine {
    let (text, kind) = match a.reason {
        None => (narrate::delivered(a.to, &a.kind, a.from), LineKind::Deliver),
        Some(reason) => (
            narrate::dropped(&a.kind, a.from, a.to, reason),
            LineKind::Drop,
        ),
    };
    LogLine {
        at: a.at,
        index: a.index,
        text,
        kind,
    }
}

fn mark_line(m: &Mark) -> LogLine {
    // Typed marks already start with their node; a node's remark gets its name in front.
    let text = match (m.number, m.kind) {
        (None, MarkKind::Note) => narrate::remark(m.node, &m.text),
        _ => m.text.clone(),
    };
    LogLine {
        at: m.at,
        index: m.index,
        text,
        kind: LineKind::Mark(m.kind),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::{DropReason, Fault, MessageId, NodeId, TraceEvent, TraceRecord};

    fn record(index: u64, ms: u64, event: TraceEvent) -> TraceRecord {
        TraceRecord {
            index,
            time: Time(ms * 1_000_000),
            event,
        }
    }

    fn history() -> History {
        let (n1, n2) = (NodeId(1), NodeId(2));
        let mut h = History::default();
        h.extend(&[
            record(
                0,
                1,
                TraceEvent::Send {
                    from: n1,
                    to: n2,
                    msg: MessageId(0),
                    kind: "AppendEntries".into(),
                    size: 64,
                    due: Some(Time(2_000_000)),
                    dup_due: None,
                    payload: serde_json::Value::Null,
                },
            ),
            record(
                1,
                2,
                TraceEvent::Deliver {
                    from: n1,
                    to: n2,
                    msg: MessageId(0),
                    kind: "AppendEntries".into(),
                },
            ),
            record(
                2,
                3,
                TraceEvent::Fault {
                    fault: Fault::Crash { node: n2 },
                    detail: "lost 2 unsynced writes and 0 waiting events".into(),
                },
            ),
            record(
                3,
                4,
                TraceEvent::Drop {
                    from: n1,
                    to: n2,
                    msg: MessageId(1),
                    kind: "Heartbeat".into(),
                    reason: DropReason::NodeDown,
                },
            ),
            record(
                4,
                4,
                TraceEvent::Annotate {
                    node: Some(n1),
                    text: "no answer from n2".into(),
                },
            ),
        ]);
        h
    }

    #[test]
    fn events_read_as_sentences_in_trace_order() {
        let (past, ahead) = around(&history(), Time(10_000_000), 10, 10);
        let text: Vec<&str> = past.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            text,
            [
                "n1 sent AppendEntries to n2",
                "n2 got AppendEntries from n1",
                "crash n2: lost 2 unsynced writes and 0 waiting events",
                "Heartbeat from n1 to n2 dropped: the receiver is down",
                "n1: no answer from n2",
            ]
        );
        assert!(ahead.is_empty());
        assert_eq!(past[3].kind, LineKind::Drop);
        assert_eq!(past[2].kind, LineKind::Mark(MarkKind::Fault));
    }

    #[test]
    fn the_cursor_splits_the_log_and_bounds_each_side() {
        let (past, ahead) = around(&history(), Time(2_000_000), 1, 2);
        assert_eq!(past.len(), 1);
        assert_eq!(past[0].text, "n2 got AppendEntries from n1");
        let ahead: Vec<&str> = ahead.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            ahead,
            [
                "crash n2: lost 2 unsynced writes and 0 waiting events",
                "Heartbeat from n1 to n2 dropped: the receiver is down",
            ]
        );
    }
}
