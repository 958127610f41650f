//! The exact event sequences of faults: crash, restart, pause, resume, partitions and drift.

mod common;

use common::{Note, Recorder, ms, sim};
use sim_core::{
    CheckView, DiskKey, DropReason, Duration, Fault, FnChecker, Latency, Limits, LinkModel,
    NetworkConfig, NodeId, NodeStatus, PartitionSpec, SimConfig, SimError, Simulation, Step, Time,
    TraceEvent, TraceSink,
};

const A: NodeId = NodeId(0);
const B: NodeId = NodeId(1);

/// Two recorders over a 1 ms constant link, with a memory trace, past their starts.
fn pair() -> Simulation<Recorder> {
    let mut s = sim::<Recorder>(1, 2);
    s.set_trace_sink(TraceSink::Memory(Vec::new()));
    s.run_until(Time::ZERO).unwrap();
    s
}

fn send(s: &mut Simulation<Recorder>, from: NodeId, to: NodeId, n: u64) {
    s.input(from, "send", move |_, ctx| ctx.send(to, Note::Ping(n)))
        .unwrap();
}

fn received(s: &Simulation<Recorder>, n: NodeId) -> Vec<(Time, NodeId, Note)> {
    s.node(n).unwrap().received.clone()
}

/// The trace from `from_index` on, as short strings, for exact comparisons.
fn story(s: &Simulation<Recorder>, from_index: usize) -> Vec<String> {
    s.trace().records()[from_index..]
        .iter()
        .map(|r| {
            let t = r.time.0 / 1_000_000;
            match &r.event {
                TraceEvent::Start { node, incarnation } => {
                    format!("{t} start {node}#{incarnation}")
                }
                TraceEvent::Send {
                    from, to, msg, due, ..
                } => format!(
                    "{t} send {from}->{to} m{} due {:?}",
                    msg.0,
                    due.map(|d| d.0 / 1_000_000)
                ),
                TraceEvent::Deliver { from, to, msg, .. } => {
                    format!("{t} deliver {from}->{to} m{}", msg.0)
                }
                TraceEvent::Drop { msg, reason, .. } => {
                    format!("{t} drop m{} {}", msg.0, reason.as_str())
                }
                TraceEvent::Timer { node, .. } => format!("{t} timer {node}"),
                TraceEvent::Fault { fault, detail } => format!("{t} {} {detail}", fault.name()),
                TraceEvent::Annotate { text, .. } => format!("{t} note {text}"),
                TraceEvent::Mark { node, mark, .. } => format!("{t} mark {node} {mark}"),
            }
        })
        .collect()
}

#[test]
fn crash_loses_unsynced_writes_and_restart_recovers_the_synced_ones() {
    let mut s = pair();
    s.input(A, "write", |_, ctx| {
        ctx.disk().put(DiskKey("value", 1), 10);
        ctx.disk().sync();
        ctx.disk().put(DiskKey("value", 2), 20); // never synced
    })
    .unwrap();
    let mark = s.trace().records().len();
    s.schedule(ms(5), Fault::Crash { node: A }).unwrap();
    s.schedule(ms(6), Fault::Restart { node: A }).unwrap();
    s.run_until(ms(10)).unwrap();
    assert_eq!(
        story(&s, mark),
        vec![
            "5 crash lost 1 unsynced writes and 0 waiting events",
            "6 restart recovering from disk",
            "6 start n0#1",
        ]
    );
    assert_eq!(s.node(A).unwrap().recovered, vec![(1, 10)]);
}

#[test]
fn a_crashed_node_gets_no_messages_and_its_timers_die_with_it() {
    let mut s = pair();
    s.input(B, "timer", |_, ctx| {
        ctx.set_timer(Duration::from_millis(3), 7);
    })
    .unwrap();
    send(&mut s, A, B, 1);
    s.schedule(ms(0) + Duration(500_000), Fault::Crash { node: B })
        .unwrap();
    s.schedule(ms(2), Fault::Restart { node: B }).unwrap();
    s.run_until(ms(10)).unwrap();
    let drops: Vec<_> = s
        .trace()
        .records()
        .iter()
        .filter_map(|r| match r.event {
            TraceEvent::Drop { reason, .. } => Some(reason),
            _ => None,
        })
        .collect();
    assert_eq!(drops, vec![DropReason::NodeDown]);
    assert!(
        s.node(B).unwrap().fired.is_empty(),
        "the old incarnation's timer fired"
    );
    assert_eq!(s.stats().dropped_node_down, 1);
}

#[test]
fn a_paused_node_handles_what_waited_in_order_on_resume() {
    let mut s = pair();
    s.schedule(ms(0) + Duration(1), Fault::Pause { node: B })
        .unwrap();
    s.run_until(ms(0) + Duration(1)).unwrap();
    assert_eq!(s.status(B), Some(NodeStatus::Paused));
    s.input(B, "timer", |_, ctx| {
        ctx.set_timer(Duration::from_millis(2), 9);
    })
    .unwrap();
    for i in 0..3 {
        send(&mut s, A, B, i);
        s.run_until(ms(i + 1)).unwrap();
    }
    s.schedule(ms(20), Fault::Resume { node: B }).unwrap();
    s.run_until(ms(19)).unwrap();
    assert!(
        received(&s, B).is_empty(),
        "a paused node handled a message"
    );
    s.run_until(ms(30)).unwrap();
    let got: Vec<_> = received(&s, B)
        .into_iter()
        .map(|(t, _, n)| (t, n))
        .collect();
    assert_eq!(
        got,
        vec![
            (ms(20), Note::Ping(0)),
            (ms(20), Note::Ping(1)),
            (ms(20), Note::Ping(2))
        ]
    );
    // The messages came due at 1 ms + 1 ns, 2 ms and 3 ms, the timer at 2 ms + 1 ns: each waited
    // its turn in arrival order.
    let b = s.node(B).unwrap();
    assert_eq!(b.fired, vec![(ms(20), 9)]);
    let order: Vec<String> = story(&s, 0)
        .into_iter()
        .filter(|l| l.starts_with("20 "))
        .collect();
    assert_eq!(
        order,
        vec![
            "20 resume resumed with 4 waiting events",
            "20 deliver n0->n1 m0",
            "20 deliver n0->n1 m1",
            "20 timer n1",
            "20 deliver n0->n1 m2",
        ]
    );
}

#[test]
fn a_one_way_cut_blocks_one_direction_only() {
    let mut s = pair();
    s.apply_now(Fault::Partition {
        spec: PartitionSpec::Link { from: A, to: B },
    })
    .unwrap();
    let mark = s.trace().records().len();
    send(&mut s, A, B, 1);
    send(&mut s, B, A, 2);
    s.run_until(ms(5)).unwrap();
    assert_eq!(
        story(&s, mark),
        vec![
            "0 note input to n0: send",
            "0 send n0->n1 m0 due None",
            "0 drop m0 partition",
            "0 note input to n1: send",
            "0 send n1->n0 m1 due Some(1)",
            "1 deliver n1->n0 m1",
        ]
    );
    s.apply_now(Fault::HealLink { from: A, to: B }).unwrap();
    send(&mut s, A, B, 3);
    s.run_until(ms(10)).unwrap();
    assert_eq!(received(&s, B).len(), 1);
}

#[test]
fn messages_in_flight_when_a_link_is_cut_are_dropped_on_arrival() {
    let mut s = pair();
    send(&mut s, A, B, 1);
    assert_eq!(s.in_flight().len(), 1);
    let m = &s.in_flight()[0];
    assert_eq!(
        (m.from, m.to, m.kind, m.sent_at, m.due_at),
        (A, B, "Ping", ms(0), ms(1))
    );
    assert_eq!(s.message(m.id), Some(&Note::Ping(1)));
    s.schedule(
        ms(0) + Duration(500_000),
        Fault::Partition {
            spec: PartitionSpec::Isolate(B),
        },
    )
    .unwrap();
    s.run_until(ms(5)).unwrap();
    assert!(received(&s, B).is_empty());
    assert_eq!(s.stats().dropped_partition, 1);
    assert!(s.in_flight().is_empty());
}

#[test]
fn a_drifting_node_fires_its_timers_at_the_scaled_time() {
    let mut s = pair();
    s.apply_now(Fault::ClockDrift { node: A, rate: 2.0 })
        .unwrap();
    s.apply_now(Fault::ClockDrift { node: B, rate: 0.5 })
        .unwrap();
    s.run_until(ms(0) + Duration(1)).unwrap();
    for n in [A, B] {
        s.input(n, "timer", |_, ctx| {
            ctx.set_timer(Duration::from_millis(10), 1);
        })
        .unwrap();
    }
    s.run_until(ms(100)).unwrap();
    let start = ms(0) + Duration(1);
    assert_eq!(
        s.node(A).unwrap().fired,
        vec![(start + Duration::from_millis(5), 1)]
    );
    assert_eq!(
        s.node(B).unwrap().fired,
        vec![(start + Duration::from_millis(20), 1)]
    );
    // The local clocks read 2x and 0.5x of the real time elapsed since the drift began.
    assert_eq!(s.local_time(A), Some(ms(200)));
    assert_eq!(s.local_time(B), Some(ms(50)));
}

#[test]
fn group_and_bridge_partitions_through_the_engine() {
    let mut s = sim::<Recorder>(1, 5);
    s.run_until(Time::ZERO).unwrap();
    s.apply_now(Fault::Partition {
        spec: PartitionSpec::Bridge {
            left: vec![NodeId(0), NodeId(1)],
            bridge: NodeId(2),
        },
    })
    .unwrap();
    for (from, to) in [(0, 3), (0, 2), (2, 4), (4, 1), (3, 4)] {
        send(&mut s, NodeId(from), NodeId(to), u64::from(from * 10 + to));
    }
    s.run_until(ms(5)).unwrap();
    let got = |n: u32| received(&s, NodeId(n)).len();
    assert_eq!((got(0), got(1), got(2), got(3), got(4)), (0, 0, 1, 0, 2));
    assert_eq!(s.stats().dropped_partition, 2);
}

#[test]
fn equal_time_events_run_in_insertion_order() {
    let mut s = pair();
    s.input(A, "burst", |_, ctx| {
        for i in 0..50 {
            ctx.send(B, Note::Ping(i));
        }
    })
    .unwrap();
    s.run_until(ms(5)).unwrap();
    let got: Vec<u64> = received(&s, B)
        .into_iter()
        .map(|(t, _, n)| {
            assert_eq!(t, ms(1));
            match n {
                Note::Ping(i) => i,
                Note::Pong(_) | Note::Stored(_) => unreachable!(),
            }
        })
        .collect();
    assert_eq!(got, (0..50).collect::<Vec<_>>());
}

#[test]
fn a_fault_at_the_time_of_a_delivery_runs_before_it() {
    let mut s = pair();
    send(&mut s, A, B, 1); // due at 1 ms
    s.schedule(ms(1), Fault::Crash { node: B }).unwrap();
    s.run_until(ms(2)).unwrap();
    assert_eq!(s.stats().dropped_node_down, 1);
}

#[test]
fn an_input_after_an_event_lands_where_a_scheduled_fault_would_replay() {
    let mut s = pair();
    send(&mut s, A, B, 1);
    s.run_until(ms(1)).unwrap(); // the delivery at 1 ms has run
    assert_eq!(s.next_input_time(), ms(1) + Duration(1));
    let at = s.inject(Fault::Crash { node: B }).unwrap();
    assert_eq!(at, ms(1) + Duration(1));
    s.run_until(ms(2)).unwrap();
    assert_eq!(s.status(B), Some(NodeStatus::Down));
}

#[test]
fn a_checker_stops_the_run_at_the_first_violation_with_its_coordinates() {
    let mut s = sim::<Recorder>(77, 2);
    s.add_checker(FnChecker::new(
        "at most two messages",
        |v: &CheckView<'_, Recorder>| {
            let total: usize = v.nodes.iter().flatten().map(|n| n.received.len()).sum();
            if total > 2 {
                Err(format!("{total} messages received"))
            } else {
                Ok(())
            }
        },
    ));
    s.run_until(Time::ZERO).unwrap();
    for i in 0..5 {
        send(&mut s, A, B, i);
        s.run_until(ms(i + 1) + Duration(10)).unwrap();
    }
    let v = s.violation().expect("the checker must fire").clone();
    assert_eq!(v.checker, "at most two messages");
    // The third message was sent at 2 ms + 10 ns and arrived 1 ms later.
    assert_eq!(v.time, ms(3) + Duration(10));
    assert_eq!(v.seed, 77);
    assert_eq!(v.description, "3 messages received");
    assert!(v.event > 0 && v.to_string().contains("seed 77"));
    // The run stays stopped.
    assert_eq!(s.step().unwrap(), Step::Violated(v));
}

#[test]
fn limits_stop_the_run_with_a_clear_error() {
    let config = SimConfig {
        seed: 1,
        limits: Limits {
            max_events: 10,
            max_message_size: 32,
            ..Limits::default()
        },
        ..SimConfig::default()
    };
    let mut s = Simulation::<Recorder>::new(config, vec![(); 2]).unwrap();
    s.run_until(Time::ZERO).unwrap();
    let err = s
        .input(A, "big", |_, ctx| ctx.send(B, Note::Ping(0)))
        .unwrap_err();
    assert!(matches!(
        err,
        SimError::LimitExceeded {
            limit: "max_message_size",
            value: 64,
            max: 32,
            ..
        }
    ));
    let err = s
        .input(A, "stranger", |_, ctx| ctx.send(NodeId(9), Note::Ping(0)))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "no node n9: the cluster has 2 nodes (n0..n1)"
    );

    let config = SimConfig {
        seed: 1,
        limits: Limits {
            max_events: 10,
            ..Limits::default()
        },
        ..SimConfig::default()
    };
    let mut s = Simulation::<common::Beacon>::new(config, vec![(); 2]).unwrap();
    let err = s.run_until(ms(1000)).unwrap_err();
    assert!(err.to_string().contains("max_events"), "{err}");
    let too_many = SimConfig {
        limits: Limits {
            max_nodes: 3,
            ..Limits::default()
        },
        ..SimConfig::default()
    };
    assert!(Simulation::<Recorder>::new(too_many, vec![(); 4]).is_err());
}

/// Messages in flight past `max_bytes_in_flight` stop the run, naming the node most of them
/// are for, at the same event on every run of the seed; under the bound the run is the one
/// without any bound.
#[test]
fn bytes_in_flight_past_their_bound_stop_the_run_at_the_same_event_each_time() {
    let run = |max: u64| {
        let config = SimConfig {
            seed: 3,
            limits: Limits {
                max_bytes_in_flight: max,
                ..Limits::default()
            },
            ..SimConfig::default()
        };
        let mut s = Simulation::<common::Beacon>::new(config, vec![(); 1000]).unwrap();
        let r = s.run_until(ms(2000));
        (r, s.stats().events, s.fingerprint())
    };
    let (r, events, fp) = run(1000);
    let err = r.unwrap_err();
    match &err {
        SimError::Overloaded {
            limit: "max_bytes_in_flight",
            value,
            max: 1000,
            holder,
            ..
        } => {
            assert!(*value > 1000, "{err}");
            assert!(
                holder.contains("bytes of them are on their way to n"),
                "{holder}"
            );
        }
        other => panic!("{other}"),
    }
    // The sum is taken first after FLIGHT_CHECK_EVERY events.
    assert_eq!(events, sim_core::FLIGHT_CHECK_EVERY);
    let (again, events_again, fp_again) = run(1000);
    assert_eq!((events_again, fp_again), (events, fp));
    assert_eq!(again.unwrap_err().to_string(), err.to_string());
    let (bounded, events_bounded, fp_bounded) = run(1 << 30);
    let (unbounded, events_unbounded, fp_unbounded) = run(u64::MAX);
    assert!(bounded.is_ok() && unbounded.is_ok());
    assert_eq!(
        (events_bounded, fp_bounded),
        (events_unbounded, fp_unbounded)
    );
    assert!(events_bounded > 2 * sim_core::FLIGHT_CHECK_EVERY);
}

/// A message that promises durability may leave only once its sender's writes are synced;
/// otherwise the engine reports a violation of `durability` after the event that sent it,
/// naming the sender, the message and the writes at stake. It can be switched off.
#[test]
fn a_promise_of_durability_sent_before_the_sync_is_a_violation() {
    let key = DiskKey("value", 1);
    let mut s = pair();
    let kept = s
        .input(A, "write, sync, promise", |_, ctx| {
            ctx.disk().put(key, 7);
            ctx.disk().sync();
            ctx.send(B, Note::Stored(7));
        })
        .unwrap();
    assert_eq!(kept, None);
    let broken = s
        .input(A, "write, promise", |_, ctx| {
            ctx.disk().put(key, 8);
            ctx.send(B, Note::Stored(8));
            ctx.disk().sync();
        })
        .unwrap()
        .expect("the promise left before the sync");
    assert_eq!(broken.checker, sim_core::DURABILITY);
    assert_eq!(
        broken.description,
        "n0 sent Stored to n1 with 1 disk write not yet synced: a crash now would take back \
         what the message promises"
    );
    // Other messages carry no promise, and the check can be switched off.
    let mut s = pair();
    s.input(A, "write, ping", |_, ctx| {
        ctx.disk().put(key, 9);
        ctx.send(B, Note::Ping(9));
    })
    .unwrap();
    s.set_durability_check(false);
    let unchecked = s
        .input(A, "write, promise", |_, ctx| {
            ctx.disk().put(key, 10);
            ctx.send(B, Note::Stored(10));
        })
        .unwrap();
    assert_eq!(unchecked, None);
}

/// A run handed back every few events and resumed is the run made in one call.
#[test]
fn a_run_paused_and_resumed_is_the_run_in_one_go() {
    let fresh = || Simulation::<common::Beacon>::new(SimConfig::default(), vec![(); 5]).unwrap();
    let mut whole = fresh();
    whole.run_until(ms(3000)).unwrap();
    let mut sliced = fresh();
    let mut pauses = 0;
    while sliced.run_until_paused(ms(3000), 777).unwrap().is_none() {
        pauses += 1;
    }
    assert!(pauses > 2, "{pauses} pauses");
    assert_eq!(sliced.fingerprint(), whole.fingerprint());
    assert_eq!(sliced.stats().events, whole.stats().events);
    assert_eq!(sliced.now(), whole.now());
}

#[test]
fn bad_faults_and_parameters_are_refused_before_the_run() {
    let mut s = pair();
    assert!(matches!(
        s.schedule(ms(1), Fault::Crash { node: NodeId(5) }),
        Err(SimError::UnknownNode { .. })
    ));
    assert!(
        s.schedule(
            ms(1),
            Fault::ClockDrift {
                node: A,
                rate: -1.0
            }
        )
        .is_err()
    );
    s.run_until(ms(3)).unwrap();
    assert!(matches!(
        s.schedule(ms(1), Fault::HealAll),
        Err(SimError::InThePast { .. })
    ));
    let mut bad = LinkModel::with_latency(Latency::constant(Duration::from_millis(1)));
    bad.duplicate = 2.0;
    let config = SimConfig {
        network: NetworkConfig {
            default: bad,
            ..NetworkConfig::default()
        },
        ..SimConfig::default()
    };
    assert!(Simulation::<Recorder>::new(config, vec![(); 2]).is_err());
}

#[test]
fn degrading_a_link_changes_its_delay_from_then_on() {
    let mut s = pair();
    s.apply_now(Fault::DegradeLink {
        from: A,
        to: B,
        model: LinkModel::with_latency(Latency::constant(Duration::from_millis(40))),
    })
    .unwrap();
    send(&mut s, A, B, 1);
    send(&mut s, B, A, 2);
    s.run_until(ms(100)).unwrap();
    assert_eq!(received(&s, B)[0].0, ms(40));
    assert_eq!(received(&s, A)[0].0, ms(1));
    s.apply_now(Fault::RestoreLink { from: A, to: B }).unwrap();
    send(&mut s, A, B, 3);
    s.run_until(ms(200)).unwrap();
    assert_eq!(received(&s, B)[1].0, ms(101));
}

#[test]
fn degrading_some_kinds_delays_only_those_until_the_link_is_restored() {
    let mut s = pair();
    s.count_sent_kinds();
    s.apply_now(Fault::DegradeKinds {
        from: A,
        to: B,
        kinds: vec!["Pong".into()],
        extra: LinkModel::with_latency(Latency::constant(Duration::from_millis(30))),
    })
    .unwrap();
    send(&mut s, A, B, 1);
    s.input(A, "pong", |_, ctx| ctx.send(B, Note::Pong(2)))
        .unwrap();
    send(&mut s, B, A, 3);
    s.input(B, "pong", |_, ctx| ctx.send(A, Note::Pong(4)))
        .unwrap();
    s.run_until(ms(100)).unwrap();
    let at = |v: Vec<(Time, NodeId, Note)>| v.iter().map(|r| r.0).collect::<Vec<_>>();
    // Only the Pong from A to B takes the extra 30 ms: 1 ms of link plus 30.
    assert_eq!(at(received(&s, B)), vec![ms(1), ms(31)]);
    assert_eq!(at(received(&s, A)), vec![ms(1), ms(1)]);
    assert_eq!(s.sent_by_kind(), &[("Ping", 2), ("Pong", 2)]);
    s.apply_now(Fault::RestoreLink { from: A, to: B }).unwrap();
    s.input(A, "pong", |_, ctx| ctx.send(B, Note::Pong(5)))
        .unwrap();
    s.run_until(ms(200)).unwrap();
    assert_eq!(received(&s, B)[2].0, ms(101));
    let no_kinds = Fault::DegradeKinds {
        from: A,
        to: B,
        kinds: Vec::new(),
        extra: LinkModel::default(),
    };
    assert!(
        no_kinds
            .validate(2)
            .unwrap_err()
            .to_string()
            .contains("kind")
    );
}

#[test]
fn partitions_compose_and_heal_one_at_a_time() {
    let c = NodeId(2);
    let mut s = sim::<Recorder>(1, 3);
    s.run_until(Time::ZERO).unwrap();
    let isolate = PartitionSpec::Isolate(A);
    let groups = PartitionSpec::Groups(vec![vec![A, B], vec![c]]);
    s.apply_now(Fault::Partition {
        spec: isolate.clone(),
    })
    .unwrap();
    s.apply_now(Fault::Partition {
        spec: groups.clone(),
    })
    .unwrap();
    let p = s.partition();
    // The later groups partition does not let the isolated node back in.
    assert!(p.blocks(A, B) && p.blocks(B, A));
    assert!(p.blocks(B, c));
    assert_eq!(p.in_force().count(), 2);
    s.apply_now(Fault::HealPartition { spec: isolate }).unwrap();
    let p = s.partition();
    assert!(!p.blocks(A, B) && p.blocks(A, c));
    assert_eq!(p.in_force().collect::<Vec<_>>(), vec![&groups]);
    // Reconnecting one node lets it reach every side; the others stay apart.
    s.apply_now(Fault::Reconnect { node: c }).unwrap();
    assert!(s.partition().is_whole());
    s.apply_now(Fault::Partition {
        spec: groups.clone(),
    })
    .unwrap();
    s.apply_now(Fault::Reconnect { node: A }).unwrap();
    let p = s.partition();
    assert!(!p.blocks(A, c) && !p.blocks(c, A) && p.blocks(B, c));
    assert!(!p.cuts_off(A) && p.cuts_off(B));
    // Lifting what is not in force, or reconnecting a node not cut off, is noted and harmless.
    s.set_trace_sink(TraceSink::Memory(Vec::new()));
    s.apply_now(Fault::HealPartition {
        spec: PartitionSpec::Isolate(B),
    })
    .unwrap();
    s.apply_now(Fault::Reconnect { node: A }).unwrap();
    let details: Vec<String> = s
        .trace()
        .records()
        .iter()
        .filter_map(|r| match &r.event {
            TraceEvent::Fault { detail, .. } => Some(detail.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        details,
        vec!["ignored: not in force", "ignored: not cut off"]
    );
}

/// A checker that only observes can be read back after the run.
#[test]
fn an_observing_checker_is_read_back_by_type() {
    #[derive(Clone, Default)]
    struct CountEvents(u64);
    impl sim_core::Checker<common::Beacon> for CountEvents {
        fn name(&self) -> &str {
            "count"
        }
        fn check(&mut self, _: &sim_core::CheckView<'_, common::Beacon>) -> Result<(), String> {
            self.0 += 1;
            Ok(())
        }
        fn as_any(&self) -> Option<&dyn std::any::Any> {
            Some(self)
        }
    }
    let mut sim: sim_core::Simulation<common::Beacon> = common::sim(1, 3);
    sim.add_checker(CountEvents::default());
    sim.run_until(sim_core::Time(50_000_000)).unwrap();
    let seen = sim.checker::<CountEvents>().expect("attached").0;
    assert_eq!(seen, sim.stats().events);
    assert!(seen > 0);
}

/// A node crashed before its first start stays down until restarted, and a node restarted
/// before its first start is started once.
#[test]
fn faults_before_the_first_start_are_respected() {
    let mut sim: sim_core::Simulation<common::Beacon> = common::sim(3, 3);
    sim.set_trace_sink(sim_core::TraceSink::Memory(Vec::new()));
    sim.apply_now(sim_core::Fault::Crash {
        node: sim_core::NodeId(0),
    })
    .unwrap();
    sim.apply_now(sim_core::Fault::Restart {
        node: sim_core::NodeId(1),
    })
    .unwrap();
    sim.run_until(common::ms(10)).unwrap();
    assert_eq!(
        sim.status(sim_core::NodeId(0)),
        Some(sim_core::NodeStatus::Down)
    );
    assert_eq!(
        sim.status(sim_core::NodeId(1)),
        Some(sim_core::NodeStatus::Up)
    );
    let starts = sim
        .trace()
        .records()
        .iter()
        .filter(|r| matches!(r.event, sim_core::TraceEvent::Start { node, .. } if node == sim_core::NodeId(1)))
        .count();
    assert_eq!(starts, 1);
    sim.apply_now(sim_core::Fault::Restart {
        node: sim_core::NodeId(0),
    })
    .unwrap();
    assert_eq!(
        sim.status(sim_core::NodeId(0)),
        Some(sim_core::NodeStatus::Up)
    );
}
