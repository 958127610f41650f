//! Chrome trace-event JSON, which the Perfetto UI (ui.perfetto.dev) and chrome://tracing open.
//!
//! One process ("cluster"), one thread per node (`tid` = node id + 1) and one for the harness
//! (`tid` 0: partitions, heals, phase notes). Each send and delivery is a short slice on its
//! node's track; a message is a flow (`ph: "s"` inside the send slice, `ph: "f"` inside the
//! delivery slice) so the UI draws an arrow from sender to receiver. Timers, drops, faults and
//! annotations are instant events. Times are microseconds of virtual time.

use serde_json::{Value, json};
use sim_core::{TraceEvent, TraceRecord};
use std::collections::BTreeMap;
use std::io::{self, Write};

const PID: u32 = 1;
/// Width of send and delivery slices, in microseconds (so flows have something to bind to).
const SLICE_US: f64 = 1.0;

fn us(t: sim_core::Time) -> f64 {
    t.0 as f64 / 1e3
}

fn tid(node: sim_core::NodeId) -> u64 {
    u64::from(node.0) + 1
}

/// The trace as one JSON document (see [`Perfetto`] for the streaming form).
pub fn render(records: &[TraceRecord], nodes: u32) -> String {
    super::render_with(&mut Perfetto::new(nodes), records)
}

/// The Perfetto renderer, one record at a time: the document's head, each record's events as
/// they come, and its tail. It remembers only how many copies of each message in flight were
/// delivered.
pub struct Perfetto {
    nodes: u32,
    /// Whether an event was written (the next one needs a comma).
    written: bool,
    /// A message id with a duplicate is delivered twice: flow ids are 2 * id and 2 * id + 1.
    delivered: BTreeMap<u64, u64>,
    /// The first write that failed, reported at the end of the record.
    failed: Option<io::Error>,
}

impl Perfetto {
    /// A renderer for a run of `nodes` nodes.
    pub fn new(nodes: u32) -> Perfetto {
        Perfetto {
            nodes,
            written: false,
            delivered: BTreeMap::new(),
            failed: None,
        }
    }

    /// Writes one event; a failed write is kept for [`Perfetto::result`].
    fn push(&mut self, out: &mut dyn Write, ev: Value) {
        if self.failed.is_some() {
            return;
        }
        let comma = if self.written { &b","[..] } else { &b""[..] };
        self.written = true;
        if let Err(e) = out
            .write_all(comma)
            .and_then(|_| serde_json::to_writer(&mut *out, &ev).map_err(io::Error::other))
        {
            self.failed = Some(e);
        }
    }

    fn result(&mut self) -> io::Result<()> {
        self.failed.take().map_or(Ok(()), Err)
    }
}

fn instant(ts: f64, tid: u64, name: String, args: Value) -> Value {
    json!({"ph": "i", "s": "t", "pid": PID, "tid": tid, "ts": ts, "name": name, "args": args})
}

impl super::Renderer for Perfetto {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        // Keys in the order serde_json writes a map: `displayTimeUnit` before `traceEvents`.
        out.write_all(br#"{"displayTimeUnit":"ms","traceEvents":["#)?;
        self.push(
            out,
            json!({"ph": "M", "pid": PID, "name": "process_name", "args": {"name": "cluster"}}),
        );
        self.push(out, json!({"ph": "M", "pid": PID, "tid": 0, "name": "thread_name", "args": {"name": "harness"}}));
        for n in 0..self.nodes {
            self.push(out, json!({"ph": "M", "pid": PID, "tid": n + 1, "name": "thread_name", "args": {"name": format!("n{n}")}}));
            self.push(out, json!({"ph": "M", "pid": PID, "tid": n + 1, "name": "thread_sort_index", "args": {"sort_index": n + 1}}));
        }
        self.result()
    }

    fn record(&mut self, r: &TraceRecord, out: &mut dyn Write) -> io::Result<()> {
        let ts = us(r.time);
        match &r.event {
            TraceEvent::Start { node, incarnation } => {
                self.push(
                    out,
                    instant(
                        ts,
                        tid(*node),
                        "start".into(),
                        json!({"incarnation": incarnation}),
                    ),
                );
            }
            TraceEvent::Send {
                from,
                to,
                msg,
                kind,
                size,
                due,
                dup_due,
                payload,
            } => {
                self.push(out, json!({"ph": "X", "pid": PID, "tid": tid(*from), "ts": ts, "dur": SLICE_US,
                    "name": format!("send {kind}"), "cat": "message",
                    "args": {"to": to.to_string(), "msg": msg.0, "size": size, "payload": payload}}));
                let copies = u64::from(due.is_some()) + u64::from(dup_due.is_some());
                for c in 0..copies {
                    self.push(out, json!({"ph": "s", "pid": PID, "tid": tid(*from), "ts": ts, "id": msg.0 * 2 + c,
                        "name": kind, "cat": "message"}));
                }
            }
            TraceEvent::Deliver {
                from,
                to,
                msg,
                kind,
            } => {
                let copy = self.delivered.entry(msg.0).or_insert(0);
                let id = msg.0 * 2 + (*copy).min(1);
                *copy += 1;
                self.push(out, json!({"ph": "X", "pid": PID, "tid": tid(*to), "ts": ts, "dur": SLICE_US,
                    "name": format!("recv {kind}"), "cat": "message", "args": {"from": from.to_string(), "msg": msg.0}}));
                self.push(
                    out,
                    json!({"ph": "f", "bp": "e", "pid": PID, "tid": tid(*to), "ts": ts, "id": id,
                    "name": kind, "cat": "message"}),
                );
            }
            TraceEvent::Drop {
                from,
                to,
                msg,
                kind,
                reason,
            } => {
                self.push(
                    out,
                    instant(
                        ts,
                        tid(*to),
                        format!("drop {kind}"),
                        json!({"from": from.to_string(), "msg": msg.0, "reason": reason.as_str()}),
                    ),
                );
            }
            TraceEvent::Timer {
                node,
                timer,
                payload,
            } => {
                self.push(
                    out,
                    instant(
                        ts,
                        tid(*node),
                        "timer".into(),
                        json!({"timer": timer.0, "payload": payload}),
                    ),
                );
            }
            TraceEvent::Fault { fault, detail } => {
                let nodes = fault.nodes();
                let track = match (nodes.as_slice(), fault) {
                    (
                        [n],
                        sim_core::Fault::Crash { .. }
                        | sim_core::Fault::Restart { .. }
                        | sim_core::Fault::Pause { .. }
                        | sim_core::Fault::Resume { .. }
                        | sim_core::Fault::ClockDrift { .. },
                    ) => tid(*n),
                    _ => 0,
                };
                self.push(
                    out,
                    instant(
                        ts,
                        track,
                        fault.name().into(),
                        json!({"fault": fault, "detail": detail}),
                    ),
                );
            }
            TraceEvent::Annotate { node, text } => {
                self.push(
                    out,
                    instant(ts, node.map_or(0, tid), text.clone(), json!({})),
                );
            }
            TraceEvent::Mark { node, mark, .. } => {
                self.push(
                    out,
                    instant(ts, tid(*node), mark.to_string(), json!({"mark": mark})),
                );
            }
        }
        self.result()
    }

    fn end(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"]}")
    }
}
