//! ShiViz logs (https://bestchai.bitbucket.io/shiviz/): each event line is followed by a line
//! with its node and vector clock as JSON. The first line is the regular expression to paste
//! into ShiViz's "log parsing regular expression" box; an empty line separates it from the
//! log.
//!
//! Vector clocks come from the trace: every event at a node ticks its own entry; a delivery
//! also takes the element-wise maximum with the clock the sender had when it sent the message
//! (each copy of a duplicated message carries the same clock). Events of no node (partitions,
//! heals) are left out: ShiViz draws processes, not the network.

use sim_core::{NodeId, TraceEvent, TraceRecord};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// The regular expression matching this module's output.
pub const REGEX: &str = r"(?<event>.*)\n(?<host>\S*) (?<clock>\{.*\})";

/// A vector clock: one counter per node, 0 for a node not heard of. Dense, so 2,000 nodes cost
/// 16 KB a clock rather than a map of names.
type Clock = Vec<u64>;

/// A clock's nonzero entries, as a message in flight carries it (most are sparse).
type Carried = Vec<(u32, u64)>;

/// The log, as one text (see [`Shiviz`] for the streaming form).
pub fn render(records: &[TraceRecord], nodes: u32) -> String {
    super::render_with(&mut Shiviz::new(nodes), records)
}

/// The ShiViz renderer, one record at a time. It keeps each node's clock and, for each
/// message copy still in flight, its sender's clock at the send: memory bounded by the
/// messages in flight, not by the length of the run.
pub struct Shiviz {
    clocks: Vec<Clock>,
    /// Per message in flight: the sender's clock and the copies not yet delivered or dropped.
    sent: BTreeMap<u64, (Carried, u64)>,
    /// Node indices in the order of their names as text (`n0`, `n1`, `n10`, ...): the order
    /// in which a clock's entries are written.
    by_name: Vec<u32>,
}

impl Shiviz {
    /// A renderer for a run of `nodes` nodes.
    pub fn new(nodes: u32) -> Shiviz {
        let mut by_name: Vec<u32> = (0..nodes).collect();
        by_name.sort_by_key(|i| NodeId(*i).to_string());
        Shiviz {
            clocks: vec![vec![0; nodes as usize]; nodes as usize],
            sent: BTreeMap::new(),
            by_name,
        }
    }

    /// A clock as ShiViz reads it: a JSON object of the nodes heard of, by name.
    fn clock_json(&self, clock: &Clock) -> String {
        let mut out = String::from("{");
        for &i in &self.by_name {
            let v = clock[i as usize];
            if v > 0 {
                if out.len() > 1 {
                    out.push(',');
                }
                out.push_str(&format!("\"{}\":{v}", NodeId(i)));
            }
        }
        out.push('}');
        out
    }

    /// One copy of message `id` is accounted for: its clock, if it was sent.
    fn settle(&mut self, id: u64) -> Option<Carried> {
        let (clock, copies) = self.sent.get_mut(&id)?;
        let clock = clock.clone();
        *copies = copies.saturating_sub(1);
        if *copies == 0 {
            self.sent.remove(&id);
        }
        Some(clock)
    }
}

impl super::Renderer for Shiviz {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        write!(out, "{REGEX}\n\n")
    }

    fn record(&mut self, r: &TraceRecord, out: &mut dyn Write) -> io::Result<()> {
        let (node, text, recv): (NodeId, String, Option<u64>) = match &r.event {
            TraceEvent::Start { node, incarnation } => {
                (*node, format!("start (incarnation {incarnation})"), None)
            }
            TraceEvent::Send {
                from,
                to,
                msg,
                kind,
                ..
            } => (*from, format!("send {kind} #{} to {to}", msg.0), None),
            TraceEvent::Deliver {
                from,
                to,
                msg,
                kind,
            } => (
                *to,
                format!("receive {kind} #{} from {from}", msg.0),
                Some(msg.0),
            ),
            TraceEvent::Timer { node, timer, .. } => (*node, format!("timer #{}", timer.0), None),
            TraceEvent::Fault { fault, detail } => match fault.nodes().as_slice() {
                [n] => (
                    *n,
                    format!("{} {}", fault.name(), detail)
                        .trim_end()
                        .to_string(),
                    None,
                ),
                _ => return Ok(()),
            },
            TraceEvent::Annotate {
                node: Some(n),
                text,
            } => (*n, text.clone(), None),
            // A dropped copy will never be delivered: its clock is no longer needed.
            TraceEvent::Drop { msg, .. } => {
                self.settle(msg.0);
                return Ok(());
            }
            // Marks restate what the remarks and messages already show; ShiViz gets the
            // events that order the run.
            TraceEvent::Annotate { node: None, .. } | TraceEvent::Mark { .. } => return Ok(()),
        };
        let theirs = recv.and_then(|id| self.settle(id));
        let Some(clock) = self.clocks.get_mut(node.index()) else {
            return Ok(());
        };
        if let Some(theirs) = theirs {
            for (k, v) in theirs {
                if let Some(e) = clock.get_mut(k as usize) {
                    *e = (*e).max(v);
                }
            }
        }
        clock[node.index()] += 1;
        if let TraceEvent::Send {
            msg, due, dup_due, ..
        } = &r.event
        {
            let copies = u64::from(due.is_some()) + u64::from(dup_due.is_some());
            if copies > 0 {
                let carried: Carried = clock
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| **v > 0)
                    .map(|(i, v)| (i as u32, *v))
                    .collect();
                self.sent.insert(msg.0, (carried, copies));
            }
        }
        let shown = self.clock_json(&self.clocks[node.index()]);
        let text = text.replace('\n', " ");
        write!(out, "{} {text}\n{node} {shown}\n", r.time)
    }

    fn end(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::Renderer;
    use sim_core::{MessageId, Time};

    fn send(msg: u64, copies: u64) -> TraceRecord {
        TraceRecord {
            index: 0,
            time: Time(1),
            event: TraceEvent::Send {
                from: NodeId(0),
                to: NodeId(1),
                msg: MessageId(msg),
                kind: "M".into(),
                size: 1,
                due: (copies > 0).then_some(Time(2)),
                dup_due: (copies > 1).then_some(Time(3)),
                payload: serde_json::Value::Null,
            },
        }
    }

    fn deliver(msg: u64) -> TraceRecord {
        TraceRecord {
            index: 0,
            time: Time(2),
            event: TraceEvent::Deliver {
                from: NodeId(0),
                to: NodeId(1),
                msg: MessageId(msg),
                kind: "M".into(),
            },
        }
    }

    /// A sender's clock is kept while a copy of its message is in flight, and no longer.
    #[test]
    fn clocks_of_delivered_messages_are_let_go() {
        let mut r = Shiviz::new(2);
        let mut out = Vec::new();
        for rec in [send(1, 1), send(2, 2), deliver(1), deliver(2)] {
            r.record(&rec, &mut out).unwrap();
        }
        assert_eq!(r.sent.keys().copied().collect::<Vec<_>>(), [2]);
        r.record(&deliver(2), &mut out).unwrap();
        assert!(r.sent.is_empty());
        // The duplicate still merged the sender's clock.
        let text = String::from_utf8(out).unwrap();
        let last = text.lines().last().unwrap();
        assert_eq!(last, r#"n1 {"n0":2,"n1":3}"#);
    }
}
