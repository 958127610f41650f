//! Runs driven by choice, on a two-message toy whose states are known by hand.

use super::{Choice, Pending};
use crate::{
    Ctx, DiskKey, Duration, Message, MessageId, Node, NodeId, NodeStatus, NodeView, SimConfig,
    SimError, Simulation, Step, TimerId,
};
use serde::Serialize;
use std::collections::BTreeSet;

#[derive(Clone, Debug, Serialize)]
enum Note {
    Ping(u64),
}

impl Message for Note {
    fn kind(&self) -> &'static str {
        "Ping"
    }
}

/// Node 0 pings node 1 twice at start (1, then 2) and arms a timer that pings again (3).
/// Every node remembers the pings it received, on its disk (synced only after the second).
#[derive(Clone, Debug)]
struct Toy {
    seen: BTreeSet<u64>,
}

impl Node for Toy {
    type Message = Note;
    type Timer = ();
    type Record = u64;
    type Config = ();

    fn start(id: NodeId, _: &(), ctx: &mut Ctx<'_, Self>) -> Self {
        let seen = ctx.disk().range("seen").map(|(_, v)| *v).collect();
        if id == NodeId(0) && ctx.incarnation() == 0 {
            ctx.send(NodeId(1), Note::Ping(1));
            ctx.send(NodeId(1), Note::Ping(2));
            ctx.set_timer(Duration::from_millis(500), ());
        }
        Toy { seen }
    }

    fn on_message(&mut self, _from: NodeId, Note::Ping(k): Note, ctx: &mut Ctx<'_, Self>) {
        self.seen.insert(k);
        ctx.disk().put(DiskKey("seen", k), k);
        if self.seen.len() >= 2 {
            ctx.disk().sync();
        }
    }

    fn on_timer(&mut self, _: (), ctx: &mut Ctx<'_, Self>) {
        ctx.send(NodeId(1), Note::Ping(3));
    }

    fn view(&self) -> NodeView {
        NodeView::new("toy", "")
    }

    fn model_state(&self, state: &mut super::StateHasher) -> bool {
        state.put_debug(&self.seen);
        true
    }
}

fn started() -> Simulation<Toy> {
    let mut sim = Simulation::new(SimConfig::default(), vec![(); 2]).unwrap();
    assert_eq!(sim.start_all().unwrap(), None);
    sim
}

fn taken(choices: &[Choice]) -> Simulation<Toy> {
    let mut sim = started();
    for &c in choices {
        assert!(matches!(sim.take(c).unwrap(), Step::Event { .. }), "{c}");
    }
    sim
}

const M0: Choice = Choice::Deliver(MessageId(0));
const M1: Choice = Choice::Deliver(MessageId(1));

#[test]
fn pending_lists_messages_then_live_timers_in_number_order() {
    let sim = started();
    assert_eq!(
        sim.pending(),
        vec![
            Pending::Message {
                id: MessageId(0),
                from: NodeId(0),
                to: NodeId(1)
            },
            Pending::Message {
                id: MessageId(1),
                from: NodeId(0),
                to: NodeId(1)
            },
            Pending::Timer {
                id: TimerId(0),
                node: NodeId(0)
            },
        ]
    );
    assert_eq!(sim.describe(M1).as_deref(), Some("n0 -> n1 Ping"));
    assert_eq!(
        sim.describe(Choice::Fire(TimerId(0))).as_deref(),
        Some("n0 ()")
    );
    assert_eq!(sim.messages_in_flight(), 2);
    assert_eq!(taken(&[M0]).messages_in_flight(), 1);
    // A crash kills the timer: only the messages stay pending.
    let crashed = taken(&[Choice::Crash(NodeId(0))]);
    assert_eq!(crashed.pending().len(), 2);
    assert_eq!(crashed.messages_in_flight(), 2);
    assert_eq!(crashed.status(NodeId(0)), Some(NodeStatus::Down));
}

/// Clones share each node's runtime until one of them writes it: a step of the clone must not
/// show in the original's disk, nor the original's later steps in the clone's.
#[test]
fn a_clone_that_writes_a_disk_leaves_the_original_disk_alone() {
    let records = |sim: &Simulation<Toy>| -> Vec<u64> {
        let disk = sim.disk(NodeId(1)).expect("node 1 exists");
        disk.range("seen").map(|(_, v)| *v).collect()
    };
    let mut original = taken(&[M0]);
    let mut clone = original.clone();
    assert!(matches!(clone.take(M1).unwrap(), Step::Event { .. }));
    assert_eq!(records(&clone), vec![1, 2]);
    assert_eq!(
        records(&original),
        vec![1],
        "the clone's write stayed in the clone"
    );
    assert!(matches!(
        original.take(Choice::Crash(NodeId(1))).unwrap(),
        Step::Event { .. }
    ));
    assert_eq!(
        records(&clone),
        vec![1, 2],
        "the original's crash stayed in the original"
    );
    assert!(
        records(&original).is_empty(),
        "an unsynced write is lost at a crash"
    );
}

#[test]
fn a_later_message_and_an_early_timer_may_go_first() {
    let sim = taken(&[M1, Choice::Fire(TimerId(0))]);
    assert_eq!(sim.node(NodeId(1)).unwrap().seen, BTreeSet::from([2]));
    // The timer's ping is now in flight beside the first one.
    let ids: Vec<_> = sim.pending().into_iter().collect();
    assert_eq!(ids.len(), 2);
    // The clock moved to the timer's due time, and does not go back.
    assert_eq!(sim.now(), crate::Time::ZERO + Duration::from_millis(500));
}

#[test]
fn two_orders_that_reach_one_state_hash_alike_and_other_states_do_not() {
    let a = taken(&[M0, M1]);
    let b = taken(&[M1, M0]);
    assert_eq!(a.state_hash().unwrap(), b.state_hash().unwrap());
    assert_ne!(
        a.fingerprint(),
        b.fingerprint(),
        "the runs themselves differ"
    );
    let start = started().state_hash().unwrap();
    let one = taken(&[M0]).state_hash().unwrap();
    let other = taken(&[M1]).state_hash().unwrap();
    assert!(start != one && one != other && start != other);
    // A message lost and a message delivered are different states.
    assert_ne!(
        taken(&[Choice::Lose(MessageId(0))]).state_hash().unwrap(),
        one
    );
}

#[test]
fn a_duplicate_is_a_second_copy_of_the_same_message() {
    let sim = taken(&[Choice::Duplicate(MessageId(0))]);
    assert_eq!(
        sim.pending().len(),
        3,
        "listed once, with the other message and the timer"
    );
    assert_ne!(sim.state_hash().unwrap(), started().state_hash().unwrap());
    let once = taken(&[M0]).state_hash().unwrap();
    let one_copy_left = taken(&[Choice::Duplicate(MessageId(0)), M0]);
    assert_eq!(one_copy_left.pending().len(), 3);
    assert_ne!(one_copy_left.state_hash().unwrap(), once);
    // The second copy changes nothing the node has not already got, on disk or in memory.
    let both = taken(&[Choice::Duplicate(MessageId(0)), M0, M0]);
    assert_eq!(both.pending().len(), 2);
    assert_eq!(both.state_hash().unwrap(), once);
}

#[test]
fn a_crash_takes_back_unsynced_writes_and_the_hash_sees_the_disk() {
    // After one ping the write is unsynced: crash and restart lose it.
    let lost = taken(&[M0, Choice::Crash(NodeId(1)), Choice::Restart(NodeId(1))]);
    assert!(lost.node(NodeId(1)).unwrap().seen.is_empty());
    let never_arrived = taken(&[Choice::Lose(MessageId(0))]);
    assert_eq!(
        lost.state_hash().unwrap(),
        never_arrived.state_hash().unwrap()
    );
    // After both it is synced and survives.
    let kept = taken(&[M0, M1, Choice::Crash(NodeId(1)), Choice::Restart(NodeId(1))]);
    assert_eq!(kept.node(NodeId(1)).unwrap().seen, BTreeSet::from([1, 2]));
    // Same memory, different disk: an unsynced write is part of the state.
    let unsynced = taken(&[M0]);
    let mut other = taken(&[M0]);
    other.take(Choice::Crash(NodeId(1))).unwrap();
    assert_ne!(unsynced.state_hash().unwrap(), other.state_hash().unwrap());
}

#[test]
fn the_same_choices_replay_the_same_run() {
    let path = [M1, Choice::Fire(TimerId(0)), Choice::Crash(NodeId(1)), M0];
    let a = taken(&path);
    let b = taken(&path);
    assert_eq!(a.fingerprint(), b.fingerprint());
    assert_eq!(a.stats(), b.stats());
}

#[test]
fn a_choice_that_is_not_enabled_is_refused_with_why() {
    let mut sim = started();
    let why = |r: Result<Step, SimError>| match r {
        Err(SimError::Invalid { what, why }) => format!("{what}: {why}"),
        other => panic!("expected a refusal, got {other:?}"),
    };
    assert_eq!(
        why(sim.take(Choice::Deliver(MessageId(9)))),
        "schedule step `deliver m9`: no such message is in flight"
    );
    assert_eq!(
        why(sim.take(Choice::Restart(NodeId(0)))),
        "schedule step `restart n0`: the node is not down"
    );
    assert!(why(sim.take(Choice::Crash(NodeId(7)))).contains("no such node"));
    sim.take(Choice::Crash(NodeId(0))).unwrap();
    assert!(why(sim.take(Choice::Fire(TimerId(0)))).contains("crashed"));
}

/// Acts when its deadline passes; a touch from node 1 moves the deadline 50 ms on. The timer
/// that finds the deadline moved only arms itself again.
#[derive(Clone, Debug)]
struct Sleeper {
    deadline: crate::Time,
    acted: bool,
}

impl Node for Sleeper {
    type Message = Note;
    type Timer = ();
    type Record = u64;
    type Config = ();

    fn start(id: NodeId, _: &(), ctx: &mut Ctx<'_, Self>) -> Self {
        if id == NodeId(0) {
            ctx.set_timer(Duration::from_millis(10), ());
        } else {
            ctx.send(NodeId(0), Note::Ping(0));
        }
        Sleeper {
            deadline: ctx.now() + Duration::from_millis(10),
            acted: false,
        }
    }

    fn on_message(&mut self, _: NodeId, _: Note, ctx: &mut Ctx<'_, Self>) {
        self.deadline = ctx.now() + Duration::from_millis(50);
    }

    fn on_timer(&mut self, _: (), ctx: &mut Ctx<'_, Self>) {
        if ctx.now() < self.deadline {
            ctx.set_timer(self.deadline.saturating_since(ctx.now()), ());
        } else {
            self.acted = true;
        }
    }

    fn view(&self) -> NodeView {
        NodeView::new("sleeper", "")
    }

    fn model_state(&self, state: &mut super::StateHasher) -> bool {
        state.put_debug(&self.acted);
        true
    }
}

#[test]
fn a_timer_that_only_arms_itself_again_fires_on_until_it_acts() {
    let mut sim: Simulation<Sleeper> = Simulation::new(SimConfig::default(), vec![(); 2]).unwrap();
    sim.start_all().unwrap();
    sim.take(Choice::Deliver(MessageId(0))).unwrap();
    let events = sim.stats().events;
    sim.take(Choice::Fire(TimerId(0))).unwrap();
    assert!(
        sim.node(NodeId(0)).unwrap().acted,
        "one step, and the node acted"
    );
    assert_eq!(
        sim.stats().events,
        events + 2,
        "two firings: the early one and the real one"
    );
    assert!(sim.now() >= crate::Time::ZERO + Duration::from_millis(50));
    assert!(sim.pending().is_empty());
    // Without the touch, the first firing acts, and nothing fires again.
    let mut sim: Simulation<Sleeper> = Simulation::new(SimConfig::default(), vec![(); 2]).unwrap();
    sim.start_all().unwrap();
    let events = sim.stats().events;
    sim.take(Choice::Fire(TimerId(0))).unwrap();
    assert!(sim.node(NodeId(0)).unwrap().acted);
    assert_eq!(sim.stats().events, events + 1);
}

#[test]
fn a_corruption_damages_one_record_which_a_restart_reads_back() {
    // n1 holds pings 1 and 2, synced.
    let before = taken(&[M0, M1]);
    let records = before.corruptible(NodeId(1));
    assert_eq!(
        records,
        vec![(0, DiskKey("seen", 1)), (1, DiskKey("seen", 2))]
    );
    assert!(before.corruptible(NodeId(0)).is_empty(), "n0 wrote nothing");
    let corrupt = Choice::Corrupt(NodeId(1), 1);
    assert_eq!(before.describe(corrupt).as_deref(), Some("n1 seen[2]"));
    let mut after = taken(&[M0, M1]);
    assert!(matches!(after.take(corrupt).unwrap(), Step::Event { .. }));
    // The damage is part of the state, and the record cannot be corrupted twice.
    assert_ne!(after.state_hash().unwrap(), before.state_hash().unwrap());
    assert_eq!(after.corruptible(NodeId(1)), vec![(0, DiskKey("seen", 1))]);
    let err = after.take(corrupt).unwrap_err().to_string();
    assert!(err.contains("no such undamaged record"), "{err}");
    assert!(after.take(Choice::Corrupt(NodeId(0), 0)).is_err());
    // After a crash and restart the node reads its disk without checking checksums (as a
    // node with the `ignore-checksums` bug does) and takes the damaged value: 2 ^ 1.
    after.take(Choice::Crash(NodeId(1))).unwrap();
    after.take(Choice::Restart(NodeId(1))).unwrap();
    let seen = &after.node(NodeId(1)).unwrap().seen;
    assert_eq!(seen, &BTreeSet::from([1, 3]));
}
