//! Runs a scenario step by step, as the front end does, and gathers what the page shows: every
//! trace record with its sentence, the steps, each node's view wherever it changed, and the
//! verdicts at the end. It stops with an error as soon as the page would pass its size limit,
//! before anything is written.

use super::data::{PageData, Record, ShownView, TourStop, Verdict};
use crate::error::ScenarioError;
use crate::narrate;
use crate::registry::Registry;
use crate::runner::{Live, LiveStep, Progress};
use crate::scenario::{Happening, Scenario};
use sim_core::{NodeId, TraceEvent, TraceRecord, TraceSink};
use std::collections::BTreeMap;

/// More links than this are not drawn: the page would be mostly lines.
pub const MAX_EDGES: usize = 5_000;
/// A sent message's contents are cut to this many characters.
pub const PAYLOAD_CHARS: usize = 160;
/// A node that has not started yet (in [`PageData::changes`]).
pub const NOT_STARTED: i64 = -2;
/// A node that is down.
pub const DOWN: i64 = -1;
/// The memory trace is emptied after this many records, once they are read.
const SINK_RECORDS: usize = 8_192;

/// The page's contents and the bytes they will take, gathered one step at a time.
struct Gatherer {
    data: PageData,
    kinds: BTreeMap<String, i64>,
    views: BTreeMap<String, i64>,
    last: Vec<i64>,
    bytes: u64,
    max_bytes: u64,
}

impl Gatherer {
    /// Counts `n` more bytes, and refuses to go past the limit.
    fn spend(&mut self, n: usize) -> Result<(), ScenarioError> {
        self.bytes += n as u64;
        if self.bytes > self.max_bytes {
            return Err(ScenarioError::Usage(format!(
                "the page would take more than {} of the {} allowed (--max-size) by virtual time {}, \
                 after {} trace records: shorten the run (for example --set run.duration=2s) \
                 or raise --max-size",
                mib(self.bytes),
                mib(self.max_bytes),
                crate::DurationStr(sim_core::Duration(
                    self.data.records.last().map_or(0, |r| r.time)
                )),
                self.data.records.len(),
            )));
        }
        Ok(())
    }

    fn kind(&mut self, kind: &str) -> i64 {
        if let Some(&k) = self.kinds.get(kind) {
            return k;
        }
        let k = self.data.kinds.len() as i64;
        self.kinds.insert(kind.to_string(), k);
        self.data.kinds.push(kind.to_string());
        self.data
            .kind_colours
            .push(crate::palette::css(crate::palette::kind_rgb(kind)));
        k
    }

    fn add_record(&mut self, r: &TraceRecord) -> Result<(), ScenarioError> {
        let (sentence, tells) = narrate::sentence(r);
        let node = |n: &NodeId| i64::from(n.0);
        let mut rec = Record {
            tells: tells.name(),
            time: r.time.0,
            a: -1,
            b: -1,
            kind: -1,
            due: None,
            message: None,
            sentence,
            payload: None,
            mark: None,
        };
        match &r.event {
            TraceEvent::Send {
                from,
                to,
                msg,
                kind,
                due,
                payload,
                ..
            } => {
                (rec.a, rec.b, rec.kind) = (node(from), node(to), self.kind(kind));
                rec.due = due.map(|d| d.0);
                rec.message = Some(msg.0);
                rec.payload = Some(shorten(&payload.to_string()));
            }
            TraceEvent::Deliver {
                from,
                to,
                msg,
                kind,
                ..
            }
            | TraceEvent::Drop {
                from,
                to,
                msg,
                kind,
                ..
            } => {
                (rec.a, rec.b, rec.kind) = (node(from), node(to), self.kind(kind));
                rec.message = Some(msg.0);
            }
            TraceEvent::Mark { node: n, mark, .. } => {
                rec.a = node(n);
                rec.mark = Some(mark.kind().name());
            }
            TraceEvent::Timer { node: n, .. } | TraceEvent::Start { node: n, .. } => {
                rec.a = node(n)
            }
            TraceEvent::Annotate { node: n, .. } => rec.a = n.as_ref().map_or(-1, node),
            TraceEvent::Fault { .. } => {}
        }
        // The array's brackets, commas, numbers and quotes, beside the two texts.
        let size = 72 + rec.sentence.len() + rec.payload.as_ref().map_or(0, String::len);
        self.data.records.push(rec);
        self.spend(size)
    }

    /// Records `node`'s view after `steps` steps if it changed.
    fn refresh(&mut self, live: &Live, steps: u32, node: u32) -> Result<(), ScenarioError> {
        let shown = match live.run().view(NodeId(node)) {
            Some(v) => self.view(&ShownView::of(&v))?,
            None if self.last[node as usize] == NOT_STARTED => NOT_STARTED,
            None => DOWN,
        };
        if self.last[node as usize] != shown {
            self.last[node as usize] = shown;
            self.data.changes.push((steps, node, shown));
            self.spend(24)?;
        }
        Ok(())
    }

    /// The number of `v` among the distinct views, adding it if new.
    fn view(&mut self, v: &ShownView) -> Result<i64, ScenarioError> {
        let key = serde_json::to_string(v)
            .map_err(|e| ScenarioError::Usage(format!("a node's view: {e}")))?;
        if let Some(&i) = self.views.get(&key) {
            return Ok(i);
        }
        let i = self.data.views.len() as i64;
        self.spend(key.len() + 1)?;
        self.views.insert(key, i);
        self.data.views.push(v.clone());
        Ok(i)
    }
}

/// Runs `scenario` (with `seed`, or the file's own) to its end and gathers the page's data, or
/// fails once the data would pass `max_bytes`.
pub fn collect(
    registry: &Registry,
    scenario: &Scenario,
    seed: Option<u64>,
    max_bytes: u64,
    progress: Option<&Progress>,
) -> Result<PageData, ScenarioError> {
    let stops = scenario.tour().map_err(|problems| {
        let words: Vec<String> = problems.into_iter().map(|p| p.1).collect();
        ScenarioError::Usage(words.join("; "))
    })?;
    let mut happened = Vec::new();
    let mut live = Live::new(registry, scenario, seed)?;
    live.set_trace_sink(TraceSink::Memory(Vec::new()));
    let run = live.run();
    let (nodes, servers) = (run.node_count(), run.server_count());
    let edges = run.topology();
    let mut g = Gatherer {
        data: PageData {
            title: scenario.name.clone(),
            description: scenario.description.clone(),
            file: scenario.origin.file.clone(),
            protocol: run.protocol().to_string(),
            seed: run.seed(),
            nodes,
            servers,
            edges: if edges.len() <= MAX_EDGES {
                edges.iter().map(|(a, b)| (a.0, b.0)).collect()
            } else {
                Vec::new()
            },
            class_colours: sim_core::RoleClass::ALL
                .iter()
                .filter_map(|&c| {
                    crate::palette::class_rgb(c)
                        .map(|rgb| (c.name().to_string(), crate::palette::css(rgb)))
                })
                .collect(),
            ..PageData::default()
        },
        kinds: BTreeMap::new(),
        views: BTreeMap::new(),
        last: vec![NOT_STARTED; nodes as usize],
        bytes: 0,
        max_bytes,
    };
    g.spend(16 * g.data.edges.len())?;
    for node in 0..nodes {
        g.refresh(&live, 0, node)?;
    }
    let mut read = 0;
    loop {
        let step = live.step()?;
        let first = g.data.records.len();
        let mut touched = Vec::new();
        let mut every_node = matches!(step, LiveStep::Acted(_));
        for r in &live.run().trace().records()[read..] {
            g.add_record(r)?;
            happened.extend(Happening::of(r));
            match &r.event {
                TraceEvent::Deliver { to: n, .. }
                | TraceEvent::Timer { node: n, .. }
                | TraceEvent::Start { node: n, .. }
                | TraceEvent::Mark { node: n, .. }
                | TraceEvent::Send { from: n, .. } => touched.push(n.0),
                TraceEvent::Fault { .. } => every_node = true,
                TraceEvent::Drop { .. } | TraceEvent::Annotate { .. } => {}
            }
        }
        read = live.run().trace().records().len();
        if read >= SINK_RECORDS {
            live.set_trace_sink(TraceSink::Memory(Vec::new()));
            read = 0;
        }
        let ended = matches!(step, LiveStep::Violated(_) | LiveStep::Ended);
        if g.data.records.len() > first || every_node {
            // The step is kept if it made a record or changed a view (a probe of the runner
            // may do neither).
            let done = g.data.steps.len() as u32 + 1;
            let changes = g.data.changes.len();
            if every_node {
                touched = (0..nodes).collect();
            } else {
                touched.sort_unstable();
                touched.dedup();
            }
            for node in touched {
                g.refresh(&live, done, node)?;
            }
            if g.data.records.len() > first || g.data.changes.len() > changes {
                let time = g
                    .data
                    .records
                    .get(first)
                    .map_or_else(|| live.run().now().0, |r| r.time);
                g.data.steps.push((time, first as u32));
                g.spend(24)?;
            }
        }
        if let Some(p) = progress
            && (live.steps() % 4_096 == 0 || ended)
        {
            (p.0)(live.run().now(), live.steps());
        }
        if ended {
            break;
        }
    }
    let (placed, missed) = crate::scenario::place(&stops, &happened);
    g.data.tour = placed
        .into_iter()
        .map(|p| TourStop {
            at: p.at.0,
            text: p.text,
            nodes: p.nodes.iter().map(|n| n.0).collect(),
            pause: p.pause,
        })
        .collect();
    g.data.tour_missed = missed.len();
    let finished = live.finish()?;
    let report = finished.report;
    g.data.end = report.end.0;
    g.data.fingerprint = report.fingerprint.to_string();
    g.data.violation = report.violation.as_ref().map(ToString::to_string);
    g.data.checks = report
        .checks
        .iter()
        .map(|c| Verdict {
            name: c.name.clone(),
            passed: c.passed,
            detail: c.detail.clone(),
        })
        .collect();
    Ok(g.data)
}

/// `s` cut to [`PAYLOAD_CHARS`] characters, with an ellipsis if it was longer.
fn shorten(s: &str) -> String {
    match s.char_indices().nth(PAYLOAD_CHARS) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_string(),
    }
}

/// Bytes in mebibytes, for messages.
fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}
