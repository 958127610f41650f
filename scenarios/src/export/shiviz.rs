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

/// The regular expression matching this module's output.
pub const REGEX: &str = r"(?<event>.*)\n(?<host>\S*) (?<clock>\{.*\})";

type Clock = BTreeMap<String, u64>;

/// The log.
pub fn render(records: &[TraceRecord], nodes: u32) -> String {
    let mut clocks: Vec<Clock> = vec![Clock::new(); nodes as usize];
    let mut sent: BTreeMap<u64, Clock> = BTreeMap::new();
    let mut out = format!("{REGEX}\n\n");
    for r in records {
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
                _ => continue,
            },
            TraceEvent::Annotate {
                node: Some(n),
                text,
            } => (*n, text.clone(), None),
            // Marks restate what the remarks and messages already show; ShiViz gets the
            // events that order the run.
            TraceEvent::Annotate { node: None, .. }
            | TraceEvent::Drop { .. }
            | TraceEvent::Mark { .. } => continue,
        };
        let Some(clock) = clocks.get_mut(node.index()) else {
            continue;
        };
        if let Some(id) = recv
            && let Some(theirs) = sent.get(&id)
        {
            for (k, v) in theirs {
                let e = clock.entry(k.clone()).or_insert(0);
                *e = (*e).max(*v);
            }
        }
        *clock.entry(node.to_string()).or_insert(0) += 1;
        if let TraceEvent::Send { msg, .. } = &r.event {
            sent.insert(msg.0, clock.clone());
        }
        let text = text.replace('\n', " ");
        out.push_str(&format!(
            "{} {text}\n{node} {}\n",
            r.time,
            serde_json::to_string(clock).unwrap_or_default()
        ));
    }
    out
}
