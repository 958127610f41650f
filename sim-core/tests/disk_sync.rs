//! A disk sync that takes time: what a node sends after syncing leaves when the sync
//! completes, as does everything it sends until then; sends before a sync, and sends once it
//! has completed, leave at once.

mod common;

use common::{Note, Recorder, ms};
use sim_core::{DiskKey, Duration, Fault, NodeId, SimConfig, Simulation, Time};

const A: NodeId = NodeId(0);
const B: NodeId = NodeId(1);

/// Two recorders over the default 1 ms link whose syncs take `sync`, past their starts.
fn pair(sync: Duration) -> Simulation<Recorder> {
    let config = SimConfig {
        seed: 1,
        disk_sync: sync,
        ..SimConfig::default()
    };
    let mut s = Simulation::new(config, vec![(); 2]).expect("valid config");
    s.run_until(Time::ZERO).unwrap();
    s
}

/// At `at`, A sends `before`, writes and syncs (if `sync`), then sends `after`.
fn act(s: &mut Simulation<Recorder>, at: Time, before: Option<u64>, sync: bool, after: u64) {
    s.run_until(at).unwrap();
    s.input(A, "act", move |_, ctx| {
        if let Some(n) = before {
            ctx.send(B, Note::Ping(n));
        }
        if sync {
            ctx.disk().put(DiskKey("value", after), after);
            ctx.disk().sync();
        }
        ctx.send(B, Note::Ping(after));
    })
    .unwrap();
}

fn arrivals(s: &mut Simulation<Recorder>) -> Vec<(Time, u64)> {
    s.run_until(ms(100)).unwrap();
    s.node(B)
        .unwrap()
        .received
        .iter()
        .map(|(t, _, note)| match note {
            Note::Ping(n) | Note::Pong(n) | Note::Stored(n) => (*t, *n),
        })
        .collect()
}

#[test]
fn messages_after_a_sync_leave_when_it_completes() {
    let mut s = pair(Duration::from_millis(9));
    // At 10 ms: 1 leaves at once (before the sync), 2 after the 9 ms sync.
    act(&mut s, ms(10), Some(1), true, 2);
    // At 15 ms, no sync of its own, but the 10 ms sync is still running: held until 19 ms.
    act(&mut s, ms(15), None, false, 3);
    // At 30 ms the sync is long done: leaves at once.
    act(&mut s, ms(30), None, false, 4);
    assert_eq!(
        arrivals(&mut s),
        vec![(ms(11), 1), (ms(20), 2), (ms(20), 3), (ms(31), 4)]
    );
}

#[test]
fn a_sync_with_nothing_to_write_and_a_zero_latency_hold_nothing() {
    // A sync of a disk without unsynced writes costs nothing.
    let mut s = pair(Duration::from_millis(9));
    s.run_until(ms(10)).unwrap();
    s.input(A, "empty sync", |_, ctx| {
        ctx.disk().sync();
        ctx.send(B, Note::Ping(1));
    })
    .unwrap();
    assert_eq!(arrivals(&mut s), vec![(ms(11), 1)]);
    // The default: syncs take no time.
    let mut s = pair(Duration::ZERO);
    act(&mut s, ms(10), None, true, 2);
    assert_eq!(arrivals(&mut s), vec![(ms(11), 2)]);
}

#[test]
fn a_restarted_node_does_not_wait_for_a_sync_of_its_last_life() {
    let mut s = pair(Duration::from_millis(9));
    // At 10 ms A syncs and sends (held until 19 ms), crashes at 12 ms, restarts at 13 ms.
    act(&mut s, ms(10), None, true, 1);
    s.run_until(ms(12)).unwrap();
    s.apply_now(Fault::Crash { node: A }).unwrap();
    s.run_until(ms(13)).unwrap();
    s.apply_now(Fault::Restart { node: A }).unwrap();
    // At 14 ms the new incarnation sends without syncing: it leaves at once.
    act(&mut s, ms(14), None, false, 2);
    assert_eq!(arrivals(&mut s), vec![(ms(15), 2), (ms(20), 1)]);
}
