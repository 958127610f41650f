//! Typed marks: counted, written to the trace, and never part of the fingerprint.

mod common;

use common::{Note, ms};
use sim_core::{
    Ctx, Duration, Mark, MarkKind, Node, NodeId, NodeView, RoleClass, SimConfig, Simulation,
    TraceEvent, TraceRecord, TraceSink,
};

/// Ticks every 10 ms, pings the next node, and (when configured to) marks every third tick as
/// a commit and its first tick as an election.
#[derive(Clone, Debug)]
struct Ticker {
    ticks: u64,
    marks: bool,
}

impl Node for Ticker {
    type Message = Note;
    type Timer = ();
    type Record = ();
    type Config = bool;

    fn start(_id: NodeId, marks: &bool, ctx: &mut Ctx<'_, Self>) -> Self {
        ctx.set_timer(Duration::from_millis(10), ());
        Ticker {
            ticks: 0,
            marks: *marks,
        }
    }

    fn on_message(&mut self, _from: NodeId, _msg: Note, _ctx: &mut Ctx<'_, Self>) {}

    fn on_timer(&mut self, _: (), ctx: &mut Ctx<'_, Self>) {
        self.ticks += 1;
        let next = NodeId((ctx.id().0 + 1) % ctx.node_count());
        ctx.send(next, Note::Ping(self.ticks));
        if self.marks && self.ticks == 1 {
            ctx.mark(Mark::Elected { epoch: 1 });
        }
        if self.marks && self.ticks.is_multiple_of(3) {
            ctx.mark(Mark::Committed { index: self.ticks });
        }
        ctx.set_timer(Duration::from_millis(10), ());
    }

    fn view(&self) -> NodeView {
        NodeView::new("ticker", "")
            .class(RoleClass::Other)
            .progress("ticks", self.ticks)
    }
}

fn run(marks: bool, sink: bool) -> Simulation<Ticker> {
    let config = SimConfig {
        seed: 5,
        ..SimConfig::default()
    };
    let mut sim: Simulation<Ticker> = Simulation::new(config, vec![marks; 3]).unwrap();
    if sink {
        sim.set_trace_sink(TraceSink::Memory(Vec::new()));
    }
    sim.run_until(ms(95)).unwrap();
    sim
}

#[test]
fn marks_leave_the_fingerprint_and_the_event_count_alone() {
    let plain = run(false, false);
    let marked = run(true, false);
    let traced = run(true, true);
    assert_eq!(plain.fingerprint(), marked.fingerprint());
    assert_eq!(plain.fingerprint(), traced.fingerprint());
    assert_eq!(plain.trace().len(), marked.trace().len());
    assert_eq!(plain.trace().marks().reached().count(), 0);
}

#[test]
fn marks_are_counted_by_kind_with_or_without_a_sink() {
    // 3 nodes tick at 10, 20, ..., 90 ms: 9 ticks each, commits at ticks 3, 6 and 9.
    for sink in [false, true] {
        let sim = run(true, sink);
        let counts = sim.trace().marks();
        assert_eq!(counts.get(MarkKind::Elected), 3);
        assert_eq!(counts.get(MarkKind::Committed), 9);
        assert_eq!(counts.get(MarkKind::Delivered), 0);
        assert_eq!(
            counts.reached().map(|(k, _)| k).collect::<Vec<_>>(),
            vec![MarkKind::Elected, MarkKind::Committed]
        );
    }
}

#[test]
fn a_mark_record_carries_its_events_position_and_its_own_number() {
    let sim = run(true, true);
    let records = sim.trace().records();
    let mut numbers = Vec::new();
    for (i, r) in records.iter().enumerate() {
        let TraceEvent::Mark { node, number, mark } = &r.event else {
            continue;
        };
        numbers.push(*number);
        // The event the node was handling (its timer) and the send it made came first; the
        // mark shares the send's position and its time.
        let before = &records[i - 1];
        assert_eq!(r.index, before.index, "{r:?} after {before:?}");
        assert_eq!(r.time, before.time);
        if let Mark::Committed { index } = mark {
            assert!(index.is_multiple_of(3), "{mark:?} at {node}");
        }
    }
    assert_eq!(numbers, (0..12).collect::<Vec<u64>>());
    // Every other record is numbered one after the last fingerprinted one.
    let events: Vec<u64> = records
        .iter()
        .filter(|r| !matches!(r.event, TraceEvent::Mark { .. }))
        .map(|r| r.index)
        .collect();
    assert_eq!(events, (0..sim.trace().len()).collect::<Vec<u64>>());
}

#[test]
fn a_mark_record_reads_back_from_json() {
    let sim = run(true, true);
    let record = sim
        .trace()
        .records()
        .iter()
        .find(|r| matches!(r.event, TraceEvent::Mark { .. }))
        .unwrap()
        .clone();
    let line = serde_json::to_string(&record).unwrap();
    assert!(
        line.contains(r#""type":"mark""#) && line.contains(r#""mark":"elected""#),
        "{line}"
    );
    let back: TraceRecord = serde_json::from_str(&line).unwrap();
    assert_eq!(back, record);
}
