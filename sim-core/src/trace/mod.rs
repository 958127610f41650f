//! The trace: the one record of a run.
//!
//! Every send, delivery, drop, timer, fault, node start and annotation passes through
//! [`Tracer`], which folds a canonical encoding of it into the run's fingerprint and, if a sink
//! is attached, writes a [`TraceRecord`]. The fingerprint never depends on the sink: attaching
//! one (or none) leaves it unchanged.

mod fingerprint;
mod jsonl;
pub(crate) mod postcard_words;
mod record;

pub use fingerprint::Fingerprint;
use fingerprint::pair;
pub use jsonl::{JsonlSink, TraceWriter};
pub use record::{TraceEvent, TraceRecord};

use crate::fault::Fault;
use crate::mark::{Mark, MarkCounts};
use crate::network::DropReason;
use crate::{MessageId, NodeId, SimError, Time, TimerId};
use serde::Serialize;

/// Where trace records go, besides the fingerprint.
#[derive(Debug, Default)]
pub enum TraceSink {
    /// Nowhere: only the fingerprint is kept (the fastest).
    #[default]
    None,
    /// Kept in memory, for the front end, tests and analyses.
    Memory(Vec<TraceRecord>),
    /// Written as JSON Lines to a temporary file that is renamed into place when the run is
    /// finished (see [`JsonlSink`]).
    Jsonl(JsonlSink),
}

impl Clone for TraceSink {
    /// A memory sink is copied; a file sink cannot be shared, so a clone (a checkpoint) gets
    /// none and the original keeps writing its file.
    fn clone(&self) -> Self {
        match self {
            TraceSink::None | TraceSink::Jsonl(_) => TraceSink::None,
            TraceSink::Memory(v) => TraceSink::Memory(v.clone()),
        }
    }
}

/// Folds events into the fingerprint and forwards them to the sink.
#[derive(Clone, Debug, Default)]
pub struct Tracer {
    fingerprint: Fingerprint,
    sink: TraceSink,
    /// Set when the sink failed; reported when the trace is finished.
    sink_error: Option<String>,
    /// Marks recorded so far, by kind (never part of the fingerprint).
    marks: MarkCounts,
    /// Marks recorded so far, all kinds: the next mark's number.
    marks_total: u64,
}

impl Tracer {
    /// The run's fingerprint so far.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint.value()
    }

    /// How many trace events have been recorded.
    pub fn len(&self) -> u64 {
        self.fingerprint.events()
    }

    /// How many marks of each kind nodes have recorded.
    pub fn marks(&self) -> &MarkCounts {
        &self.marks
    }

    /// True before the first event.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The records kept by a memory sink (empty for other sinks).
    pub fn records(&self) -> &[TraceRecord] {
        match &self.sink {
            TraceSink::Memory(v) => v,
            _ => &[],
        }
    }

    /// Replaces the sink; returns the old one.
    pub fn set_sink(&mut self, sink: TraceSink) -> TraceSink {
        std::mem::replace(&mut self.sink, sink)
    }

    /// Flushes and closes the sink (a JSONL file is renamed into place). Returns the first
    /// error the sink met, if any.
    pub fn finish(&mut self) -> Result<(), SimError> {
        if let TraceSink::Jsonl(s) = std::mem::take(&mut self.sink) {
            s.finish().map_err(|e| SimError::Trace(e.to_string()))?;
        }
        match self.sink_error.take() {
            Some(e) => Err(SimError::Trace(e)),
            None => Ok(()),
        }
    }

    #[inline]
    fn wants_records(&self) -> bool {
        !matches!(self.sink, TraceSink::None)
    }

    fn emit(&mut self, time: Time, event: TraceEvent) {
        let record = TraceRecord {
            index: self.fingerprint.events().saturating_sub(1),
            time,
            event,
        };
        match &mut self.sink {
            TraceSink::None => {}
            TraceSink::Memory(v) => v.push(record),
            TraceSink::Jsonl(s) => {
                if let Err(e) = s.write_record(&record) {
                    self.sink_error.get_or_insert(e.to_string());
                }
            }
        }
    }

    /// A node started (fresh or recovering).
    pub(crate) fn start(&mut self, time: Time, node: NodeId, incarnation: u32) {
        let fp = &mut self.fingerprint;
        fp.words(&[0, time.0, pair(node.0, incarnation)]);
        fp.end();
        if self.wants_records() {
            self.emit(time, TraceEvent::Start { node, incarnation });
        }
    }

    /// A message was handed to the network.
    #[allow(clippy::too_many_arguments)]
    #[inline]
    pub(crate) fn send<M: Serialize + std::fmt::Debug>(
        &mut self,
        time: Time,
        from: NodeId,
        to: NodeId,
        msg_id: MessageId,
        kind: &'static str,
        size: u64,
        msg: &M,
        due: Option<Time>,
        dup_due: Option<Time>,
    ) {
        let fp = &mut self.fingerprint;
        let flags = 1 | u64::from(due.is_some()) << 8 | u64::from(dup_due.is_some()) << 9;
        fp.words(&[
            flags,
            time.0,
            pair(from.0, to.0),
            msg_id.0,
            due.map_or(0, |t| t.0),
            dup_due.map_or(0, |t| t.0),
        ]);
        fp.serialized(msg);
        fp.end();
        if self.wants_records() {
            self.emit(
                time,
                TraceEvent::Send {
                    from,
                    to,
                    msg: msg_id,
                    kind: kind.to_string(),
                    size,
                    due,
                    dup_due,
                    payload: record::to_json(msg),
                },
            );
        }
    }

    /// A message reached its receiver.
    #[inline]
    pub(crate) fn deliver(
        &mut self,
        time: Time,
        from: NodeId,
        to: NodeId,
        msg_id: MessageId,
        kind: &'static str,
    ) {
        let fp = &mut self.fingerprint;
        fp.words(&[2, time.0, pair(from.0, to.0), msg_id.0]);
        fp.end();
        if self.wants_records() {
            self.emit(
                time,
                TraceEvent::Deliver {
                    from,
                    to,
                    msg: msg_id,
                    kind: kind.to_string(),
                },
            );
        }
    }

    /// A message was lost, cut off or sent to a crashed node.
    pub(crate) fn drop_msg(
        &mut self,
        time: Time,
        from: NodeId,
        to: NodeId,
        msg_id: MessageId,
        kind: &'static str,
        reason: DropReason,
    ) {
        let fp = &mut self.fingerprint;
        let tag = 3 | u64::from(reason.code()) << 8;
        fp.words(&[tag, time.0, pair(from.0, to.0), msg_id.0]);
        fp.end();
        if self.wants_records() {
            self.emit(
                time,
                TraceEvent::Drop {
                    from,
                    to,
                    msg: msg_id,
                    kind: kind.to_string(),
                    reason,
                },
            );
        }
    }

    /// A timer fired at a node.
    pub(crate) fn timer<T: Serialize + std::fmt::Debug>(
        &mut self,
        time: Time,
        node: NodeId,
        id: TimerId,
        timer: &T,
    ) {
        let fp = &mut self.fingerprint;
        fp.words(&[4, time.0, u64::from(node.0), id.0]);
        fp.serialized(timer);
        fp.end();
        if self.wants_records() {
            self.emit(
                time,
                TraceEvent::Timer {
                    node,
                    timer: id,
                    payload: record::to_json(timer),
                },
            );
        }
    }

    /// A fault was applied; `detail` says what it did ("lost 2 unsynced writes").
    pub(crate) fn fault(&mut self, time: Time, fault: &Fault, detail: &str) {
        let fp = &mut self.fingerprint;
        fp.words(&[5, time.0]);
        fp.serialized(fault);
        fp.str(detail);
        fp.end();
        if self.wants_records() {
            self.emit(
                time,
                TraceEvent::Fault {
                    fault: fault.clone(),
                    detail: detail.to_string(),
                },
            );
        }
    }

    /// A node (or the harness, with `node` = None) annotated the run.
    pub(crate) fn annotate(&mut self, time: Time, node: Option<NodeId>, text: &str) {
        let fp = &mut self.fingerprint;
        fp.words(&[6, time.0, node.map_or(u64::MAX, |n| u64::from(n.0))]);
        fp.str(text);
        fp.end();
        if self.wants_records() {
            self.emit(
                time,
                TraceEvent::Annotate {
                    node,
                    text: text.to_string(),
                },
            );
        }
    }

    /// A node recorded a milestone. Marks are counted and written to the sink but not folded
    /// into the fingerprint (they observe the run, they are not part of it); the record
    /// carries the position of the event the node was handling and the mark's own number.
    pub(crate) fn mark(&mut self, time: Time, node: NodeId, mark: Mark) {
        self.marks.add(mark.kind());
        let number = self.marks_total;
        self.marks_total += 1;
        if self.wants_records() {
            self.emit(time, TraceEvent::Mark { node, number, mark });
        }
    }
}
