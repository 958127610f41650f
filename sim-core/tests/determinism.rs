//! Same configuration and seed, same run: the properties everything else stands on.

mod common;

use common::{Beacon, ms};
use sim_core::{
    Duration, Fault, FnChecker, Latency, LinkModel, NetworkConfig, NodeId, PartitionSpec,
    SimConfig, Simulation, TraceEvent, TraceRecord, TraceSink,
};

/// A five-node beacon cluster on a lossy, duplicating network with a fault schedule that
/// exercises every kind of fault.
fn busy(seed: u64) -> Simulation<Beacon> {
    let mut model = LinkModel::with_latency(Latency::log_normal(Duration::from_millis(2), 0.6));
    model.loss = 0.05;
    model.duplicate = 0.02;
    let config = SimConfig {
        seed,
        network: NetworkConfig {
            default: model,
            ..NetworkConfig::default()
        },
        ..SimConfig::default()
    };
    let mut sim = Simulation::new(config, vec![(); 5]).unwrap();
    let n = NodeId;
    let schedule = [
        (ms(100), Fault::Crash { node: n(1) }),
        (ms(150), Fault::Restart { node: n(1) }),
        (
            ms(200),
            Fault::Partition {
                spec: PartitionSpec::Groups(vec![vec![n(0), n(1)], vec![n(2), n(3), n(4)]]),
            },
        ),
        (ms(300), Fault::HealAll),
        (ms(320), Fault::Pause { node: n(2) }),
        (ms(380), Fault::Resume { node: n(2) }),
        (
            ms(400),
            Fault::ClockDrift {
                node: n(3),
                rate: 1.5,
            },
        ),
        (
            ms(450),
            Fault::Partition {
                spec: PartitionSpec::OneWay {
                    from: vec![n(4)],
                    to: vec![n(0)],
                },
            },
        ),
        (ms(500), Fault::HealAll),
    ];
    for (at, f) in schedule {
        sim.schedule(at, f).unwrap();
    }
    sim
}

fn fingerprint_of(mut sim: Simulation<Beacon>) -> u64 {
    sim.run_until(ms(600)).unwrap();
    sim.fingerprint()
}

#[test]
fn a_hundred_seeds_repeat_exactly_and_differ_from_each_other() {
    let mut seen = std::collections::BTreeSet::new();
    for seed in 0..100 {
        let a = fingerprint_of(busy(seed));
        let b = fingerprint_of(busy(seed));
        assert_eq!(a, b, "seed {seed} did not repeat");
        assert!(seen.insert(a), "seed {seed} collided with an earlier seed");
    }
}

#[test]
fn the_fingerprint_is_pinned_across_machines() {
    // Recorded once; a change here means behaviour (or the encoding) changed. If that was on
    // purpose, update the value in the same commit and say why.
    assert_eq!(fingerprint_of(busy(42)), PINNED_SEED_42);
}

const PINNED_SEED_42: u64 = 18_151_039_172_584_114_761;

#[test]
fn sinks_and_checkers_do_not_change_the_fingerprint() {
    let plain = fingerprint_of(busy(7));

    let mut with_memory = busy(7);
    with_memory.set_trace_sink(TraceSink::Memory(Vec::new()));
    with_memory.add_checker(FnChecker::new(
        "counters grow",
        |v: &sim_core::CheckView<'_, Beacon>| match v.touched.and_then(|n| v.nodes.get(n)) {
            Some(b) if b.counter > 1_000_000 => Err("runaway counter".into()),
            _ => Ok(()),
        },
    ));
    with_memory.run_until(ms(600)).unwrap();
    assert_eq!(with_memory.fingerprint(), plain);
    assert_eq!(
        with_memory.trace().records().len() as u64,
        with_memory.trace().len()
    );

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trace.jsonl");
    let mut with_file = busy(7);
    with_file.set_trace_sink(TraceSink::Jsonl(
        sim_core::trace::JsonlSink::create(&path).unwrap(),
    ));
    with_file.run_until(ms(600)).unwrap();
    assert_eq!(with_file.fingerprint(), plain);
    assert!(
        !path.exists(),
        "the trace must not appear before the run is finished"
    );
    with_file.finish().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let parsed: Vec<TraceRecord> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(parsed.as_slice(), with_memory.trace().records());
    assert!(!dir.path().join("trace.jsonl.tmp").exists());
}

#[test]
fn an_unfinished_jsonl_trace_leaves_no_file_behind() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.jsonl");
    {
        let mut sim = busy(3);
        sim.set_trace_sink(TraceSink::Jsonl(
            sim_core::trace::JsonlSink::create(&path).unwrap(),
        ));
        sim.run_until(ms(50)).unwrap();
    }
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn a_clone_taken_midway_runs_on_exactly_as_the_original() {
    for seed in [1, 2, 3] {
        let mut original = busy(seed);
        original.run_until(ms(250)).unwrap();
        let mut checkpoint = original.clone();
        original.run_until(ms(600)).unwrap();
        checkpoint.run_until(ms(600)).unwrap();
        assert_eq!(original.fingerprint(), checkpoint.fingerprint());
        assert_eq!(original.stats(), checkpoint.stats());
    }
}

#[test]
fn the_trace_records_every_kind_of_event() {
    let mut sim = busy(11);
    sim.set_trace_sink(TraceSink::Memory(Vec::new()));
    sim.run_until(ms(600)).unwrap();
    let kinds: std::collections::BTreeSet<&str> = sim
        .trace()
        .records()
        .iter()
        .map(|r| match r.event {
            TraceEvent::Start { .. } => "start",
            TraceEvent::Send { .. } => "send",
            TraceEvent::Deliver { .. } => "deliver",
            TraceEvent::Drop { .. } => "drop",
            TraceEvent::Timer { .. } => "timer",
            TraceEvent::Fault { .. } => "fault",
            TraceEvent::Annotate { .. } => "annotate",
            TraceEvent::Mark { .. } => "mark",
        })
        .collect();
    assert_eq!(kinds.len(), 7, "{kinds:?}");
    // Records are numbered in order and never go back in time.
    let records = sim.trace().records();
    for (i, w) in records.windows(2).enumerate() {
        assert_eq!(w[1].index, i as u64 + 1);
        assert!(w[1].time >= w[0].time);
    }
}
