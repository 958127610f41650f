//! A run's trace records as sentences a student can read ("n2 got AppendEntries from n1",
//! "crash n4: lost 2 unsynced writes and 0 waiting events"). The front end's event log and the
//! exported web page say the same thing in the same words, so both read them from here.

use sim_core::{DropReason, Fault, Mark, NodeId, TraceEvent, TraceRecord};

/// What a sentence tells of: what the event log colours it by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tells {
    /// A message left its sender.
    Send,
    /// A message reached its receiver.
    Deliver,
    /// A message was lost, cut off, or sent to a crashed node.
    Drop,
    /// A timer fired.
    Timer,
    /// A node started or restarted.
    Start,
    /// A typed milestone of the protocol (elected, committed, converged).
    Mark,
    /// A remark by a node or by the harness.
    Remark,
    /// A fault was applied.
    Fault,
}

impl Tells {
    /// The short name the exported page's styles use.
    pub fn name(self) -> &'static str {
        match self {
            Tells::Send => "send",
            Tells::Deliver => "deliver",
            Tells::Drop => "drop",
            Tells::Timer => "timer",
            Tells::Start => "start",
            Tells::Mark => "mark",
            Tells::Remark => "remark",
            Tells::Fault => "fault",
        }
    }
}

/// A message left its sender.
pub fn sent(from: NodeId, kind: &str, to: NodeId) -> String {
    format!("{from} sent {kind} to {to}")
}

/// A message reached its receiver.
pub fn delivered(to: NodeId, kind: &str, from: NodeId) -> String {
    format!("{to} got {kind} from {from}")
}

/// A message did not arrive, and why.
pub fn dropped(kind: &str, from: NodeId, to: NodeId, reason: DropReason) -> String {
    let why = match reason {
        DropReason::Loss => "lost on the link",
        DropReason::Partition => "the link is cut",
        DropReason::NodeDown => "the receiver is down",
    };
    format!("{kind} from {from} to {to} dropped: {why}")
}

/// A fault, to which nodes, and what it did (`crash n4: lost 2 unsynced writes and 0 waiting
/// events`).
pub fn fault(fault: &Fault, detail: &str) -> String {
    let nodes: Vec<String> = fault.nodes().iter().map(ToString::to_string).collect();
    let what = if nodes.is_empty() {
        fault.name().to_string()
    } else {
        format!("{} {}", fault.name(), nodes.join(" "))
    };
    if detail.is_empty() {
        what
    } else {
        format!("{what}: {detail}")
    }
}

/// A typed milestone: the node, then what it did (`n1 elected in epoch 2`).
pub fn mark(node: NodeId, mark: &Mark) -> String {
    format!("{node} {mark}")
}

/// A remark, with its node in front when a node made it.
pub fn remark(node: Option<NodeId>, text: &str) -> String {
    match node {
        Some(node) => format!("{node}: {text}"),
        None => text.to_string(),
    }
}

/// The sentence for one trace record, and what it tells of.
pub fn sentence(r: &TraceRecord) -> (String, Tells) {
    match &r.event {
        TraceEvent::Send { from, to, kind, .. } => (sent(*from, kind, *to), Tells::Send),
        TraceEvent::Deliver { from, to, kind, .. } => (delivered(*to, kind, *from), Tells::Deliver),
        TraceEvent::Drop {
            from,
            to,
            kind,
            reason,
            ..
        } => (dropped(kind, *from, *to, *reason), Tells::Drop),
        TraceEvent::Timer { node, payload, .. } => {
            let what = match payload {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => "a timer".to_string(),
                other => other.to_string(),
            };
            (format!("{node}: {what} fired"), Tells::Timer)
        }
        TraceEvent::Start { node, incarnation } => (
            match incarnation {
                0 => format!("{node} started"),
                n => format!("{node} restarted (incarnation {n})"),
            },
            Tells::Start,
        ),
        TraceEvent::Fault { fault: f, detail } => (fault(f, detail), Tells::Fault),
        TraceEvent::Annotate { node, text } => (remark(*node, text), Tells::Remark),
        TraceEvent::Mark { node, mark: m, .. } => (mark(*node, m), Tells::Mark),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::{MessageId, Time, TimerId};

    fn at(event: TraceEvent) -> TraceRecord {
        TraceRecord {
            index: 0,
            time: Time(0),
            event,
        }
    }

    #[test]
    fn each_kind_of_record_reads_as_its_own_sentence() {
        let (n1, n2) = (NodeId(1), NodeId(2));
        let cases = [
            (
                TraceEvent::Deliver {
                    from: n1,
                    to: n2,
                    msg: MessageId(0),
                    kind: "AppendEntries".into(),
                },
                "n2 got AppendEntries from n1",
                Tells::Deliver,
            ),
            (
                TraceEvent::Drop {
                    from: n1,
                    to: n2,
                    msg: MessageId(0),
                    kind: "Vote".into(),
                    reason: DropReason::Partition,
                },
                "Vote from n1 to n2 dropped: the link is cut",
                Tells::Drop,
            ),
            (
                TraceEvent::Timer {
                    node: n2,
                    timer: TimerId(3),
                    payload: serde_json::Value::String("Election".into()),
                },
                "n2: Election fired",
                Tells::Timer,
            ),
            (
                TraceEvent::Start {
                    node: n1,
                    incarnation: 2,
                },
                "n1 restarted (incarnation 2)",
                Tells::Start,
            ),
            (
                TraceEvent::Fault {
                    fault: Fault::Crash { node: n2 },
                    detail: "lost 2 unsynced writes".into(),
                },
                "crash n2: lost 2 unsynced writes",
                Tells::Fault,
            ),
            (
                TraceEvent::Annotate {
                    node: None,
                    text: "heal".into(),
                },
                "heal",
                Tells::Remark,
            ),
            (
                TraceEvent::Mark {
                    node: n1,
                    number: 0,
                    mark: Mark::Elected { epoch: 2 },
                },
                "n1 elected in epoch 2",
                Tells::Mark,
            ),
        ];
        for (event, text, tells) in cases {
            assert_eq!(sentence(&at(event)), (text.to_string(), tells));
        }
    }
}
