//! Driving a simulation by explicit choice: what is enabled, taking one choice, and the state
//! hash that tells the model checker whether it has been here before.

use super::choice::Choice;
use super::state_hash::StateHasher;
use super::symmetry::{self, Renaming, Symmetry};
use crate::engine::{Event, NodeStatus};
use crate::fault::Fault;
use crate::network::DropReason;
use crate::node::{Message, Node};
use crate::sim::{Simulation, Step};
use crate::{DiskKey, MessageId, NodeId, RecordAim, SimError, StorageFault, TimerId, Violation};

/// Which bytes a corruption chosen by the model checker changes (see `Corruptible`): one fixed
/// damage, so that a schedule names a corruption by node and record alone.
const CORRUPTION_NOISE: u64 = 1;

/// Something that can happen next in a run driven by choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pending {
    /// A message in flight (a duplicated message is listed once: its copies are the same).
    Message {
        /// Its number.
        id: MessageId,
        /// Sender.
        from: NodeId,
        /// Receiver.
        to: NodeId,
    },
    /// A timer that would fire: not cancelled, set by the node's current incarnation, which
    /// is up.
    Timer {
        /// Its number.
        id: TimerId,
        /// Whose.
        node: NodeId,
    },
}

/// How many times one step fires a timer that keeps arming itself again and does nothing
/// else (see [`Simulation::take`]).
const MAX_REFIRES: u32 = 16;

impl<N: Node> Simulation<N> {
    /// Runs the nodes' first starts (the events queued at time zero by [`Simulation::new`]),
    /// which a run driven by choice takes as given: every node starts before the first choice.
    pub fn start_all(&mut self) -> Result<Option<Violation>, SimError> {
        while matches!(self.core.queue.peek(), Some(Event::Start(_))) {
            if let Step::Violated(v) = self.step()? {
                return Ok(Some(v));
            }
        }
        Ok(None)
    }

    /// How many messages are in flight: the messages of [`Simulation::pending`], counted
    /// without listing them (a search bounds every successor by it).
    pub fn messages_in_flight(&self) -> u32 {
        let count = self
            .core
            .queue
            .iter()
            .filter(|e| matches!(e.event, Event::Deliver { inbox: false, .. }))
            .count();
        u32::try_from(count).unwrap_or(u32::MAX)
    }

    /// Every message in flight and every live timer, messages first, each in number order:
    /// the events a model checker may choose from (it adds losses, duplicates, crashes and
    /// restarts within its bounds).
    pub fn pending(&self) -> Vec<Pending> {
        let mut messages: Vec<Pending> = Vec::new();
        let mut timers: Vec<Pending> = Vec::new();
        for e in self.core.queue.iter() {
            match e.event {
                Event::Deliver {
                    id,
                    from,
                    to,
                    inbox: false,
                    ..
                } => messages.push(Pending::Message {
                    id: *id,
                    from: *from,
                    to: *to,
                }),
                Event::Timer {
                    id,
                    node,
                    incarnation,
                    ..
                } if self.timer_is_live(*id, *node, *incarnation) => {
                    timers.push(Pending::Timer {
                        id: *id,
                        node: *node,
                    });
                }
                _ => {}
            }
        }
        let number = |p: &Pending| match p {
            Pending::Message { id, .. } => id.0,
            Pending::Timer { id, .. } => id.0,
        };
        messages.sort_by_key(number);
        messages.dedup_by_key(|p| number(p));
        timers.sort_by_key(number);
        messages.extend(timers);
        messages
    }

    /// The records of `node`'s disk that a [`Choice::Corrupt`] may damage: each undamaged
    /// record, with its place among all the disk's records in key order (the number the
    /// choice names it by). Empty for a node out of range.
    pub fn corruptible(&self, node: NodeId) -> Vec<(u32, DiskKey)> {
        self.core
            .runtimes
            .get(node.index())
            .map(|r| r.disk.undamaged())
            .unwrap_or_default()
    }

    fn timer_is_live(&self, id: TimerId, node: NodeId, incarnation: u32) -> bool {
        let slot = &self.nodes[node.index()];
        slot.status == NodeStatus::Up
            && slot.incarnation == incarnation
            && !self.core.cancelled.contains(&id)
    }

    /// A choice in words for people reading a schedule: `"n0 -> n1 RequestVote"`, `"n2
    /// Election"`, `"n1"`. `None` if the choice is not enabled now.
    pub fn describe(&self, choice: Choice) -> Option<String> {
        match choice {
            Choice::Deliver(m) | Choice::Lose(m) | Choice::Duplicate(m) => {
                self.core.queue.iter().find_map(|e| match e.event {
                    Event::Deliver {
                        id, from, to, msg, ..
                    } if *id == m => Some(format!("{from} -> {to} {}", msg.kind())),
                    _ => None,
                })
            }
            Choice::Fire(t) => self.core.queue.iter().find_map(|e| match e.event {
                Event::Timer {
                    id, node, timer, ..
                } if *id == t => Some(format!("{node} {timer:?}")),
                _ => None,
            }),
            Choice::Crash(n) | Choice::Restart(n) => self
                .status(n)
                .map(|s| format!("{n} is {s:?}").to_lowercase()),
            Choice::Corrupt(n, k) => self
                .corruptible(n)
                .into_iter()
                .find(|(i, _)| *i == k)
                .map(|(_, key)| format!("{n} {}[{}]", key.0, key.1)),
        }
    }

    /// When `choice` would happen if taken now: the event's due time, or now if that has
    /// passed (the clock never goes back); now for a crash or restart. `None` when the choice
    /// names no message in flight or timer pending.
    pub fn due(&self, choice: Choice) -> Option<crate::Time> {
        let now = self.core.now;
        let earliest = |m: Option<MessageId>, t: Option<TimerId>| {
            self.core
                .queue
                .iter()
                .filter(|e| match e.event {
                    Event::Deliver {
                        id, inbox: false, ..
                    } => Some(*id) == m,
                    Event::Timer { id, .. } => Some(*id) == t,
                    _ => false,
                })
                .map(|e| e.time.max(now))
                .min()
        };
        match choice {
            Choice::Deliver(m) | Choice::Lose(m) | Choice::Duplicate(m) => earliest(Some(m), None),
            Choice::Fire(t) => earliest(None, Some(t)),
            Choice::Crash(_) | Choice::Restart(_) | Choice::Corrupt(..) => Some(now),
        }
    }

    /// Takes one choice: the event happens now (the clock moves to the event's due time if
    /// that is later, and never goes back), and the checkers see the result as after any
    /// event. An error names a choice that is not enabled.
    ///
    /// A timer that fires early by the node's own reckoning (its deadline moved since the
    /// timer was set) typically arms itself again and does nothing else. Such a firing is
    /// followed at once, in the same step, by the firing of the timer it armed, up to 16
    /// times: a step fires a timer when the node really acts on it, so a bound on timer
    /// firings counts firings that matter.
    pub fn take(&mut self, choice: Choice) -> Result<Step, SimError> {
        if let Some(v) = &self.violation {
            return Ok(Step::Violated(v.clone()));
        }
        self.check_event_limit()?;
        let not_enabled = |why: &str| SimError::Invalid {
            what: format!("schedule step `{choice}`"),
            why: why.to_string(),
        };
        let touched = match choice {
            Choice::Deliver(m) | Choice::Lose(m) | Choice::Duplicate(m) => {
                let entry = self
                    .core
                    .queue
                    .take_first(
                        |e| matches!(e, Event::Deliver { id, inbox: false, .. } if *id == m),
                    )
                    .ok_or_else(|| not_enabled("no such message is in flight"))?;
                match choice {
                    Choice::Deliver(_) => {
                        self.core.now = self.core.now.max(entry.time);
                        self.dispatch(entry.event).flatten()
                    }
                    Choice::Lose(_) => {
                        if let Event::Deliver {
                            from, to, id, msg, ..
                        } = &entry.event
                        {
                            let now = self.core.now;
                            self.core.count_drop(DropReason::Loss);
                            self.core.trace.drop_msg(
                                now,
                                *from,
                                *to,
                                *id,
                                msg.kind(),
                                DropReason::Loss,
                            );
                        }
                        None
                    }
                    _ => {
                        let now = self.core.now;
                        let to = match &entry.event {
                            Event::Deliver { to, .. } => *to,
                            _ => unreachable!("taken as a delivery"),
                        };
                        self.core.stats.duplicated += 1;
                        self.core.trace.annotate(
                            now,
                            None,
                            &format!("the network duplicated m{}", m.0),
                        );
                        let copy = entry.event.clone();
                        self.core.queue.push_node_event(entry.time, to.0, copy);
                        self.core
                            .queue
                            .push_node_event(entry.time, to.0, entry.event);
                        None
                    }
                }
            }
            Choice::Fire(t) => {
                let entry = self
                    .core
                    .queue
                    .take_first(|e| matches!(e, Event::Timer { id, .. } if *id == t))
                    .ok_or_else(|| not_enabled("no such timer is pending"))?;
                let Event::Timer {
                    id,
                    node,
                    incarnation,
                    ..
                } = &entry.event
                else {
                    unreachable!("taken as a timer")
                };
                if !self.timer_is_live(*id, *node, *incarnation) {
                    return Err(not_enabled(
                        "the timer was cancelled, or its node crashed since it was set",
                    ));
                }
                let node = *node;
                let mut entry = entry;
                let mut fires = 0;
                loop {
                    let before = self.node_hash(node, &Renaming::identity()).ok();
                    let (sent, timers) = (self.core.stats.sent, self.core.next_timer);
                    self.core.now = self.core.now.max(entry.time);
                    let touched = self.dispatch(entry.event).flatten();
                    fires += 1;
                    // A timer that only armed itself again (an election timeout whose deadline
                    // moved since it was set) fires again at its new time, in the same step:
                    // a step fires a timer when it really expires.
                    let rearmed = TimerId(timers);
                    let stutter = fires < MAX_REFIRES
                        && self.core.fatal.is_none()
                        && self.core.stats.sent == sent
                        && self.core.next_timer == timers + 1
                        && before.is_some()
                        && self.node_hash(node, &Renaming::identity()).ok() == before;
                    if !stutter {
                        break touched;
                    }
                    match self
                        .core
                        .queue
                        .take_first(|e| matches!(e, Event::Timer { id, .. } if *id == rearmed))
                    {
                        Some(again) => {
                            self.core.stats.events += 1;
                            entry = again;
                        }
                        None => break touched,
                    }
                }
            }
            Choice::Crash(n) | Choice::Restart(n) => {
                let want = match choice {
                    Choice::Crash(_) => NodeStatus::Up,
                    _ => NodeStatus::Down,
                };
                match self.status(n) {
                    None => return Err(not_enabled("no such node")),
                    Some(s) if s != want => {
                        return Err(not_enabled(if want == NodeStatus::Up {
                            "the node is not up"
                        } else {
                            "the node is not down"
                        }));
                    }
                    Some(_) => {}
                }
                let fault = match choice {
                    Choice::Crash(_) => Fault::Crash { node: n },
                    _ => Fault::Restart { node: n },
                };
                self.apply_fault(fault)
            }
            Choice::Corrupt(n, k) => {
                if !self.corruptible(n).iter().any(|(i, _)| *i == k) {
                    return Err(not_enabled("the node has no such undamaged record"));
                }
                let storage = StorageFault::Corrupt {
                    aim: RecordAim {
                        name: None,
                        index: None,
                        draw: u64::from(k),
                    },
                    noise: CORRUPTION_NOISE,
                };
                self.apply_fault(Fault::Storage { node: n, storage })
            }
        };
        self.core.stats.events += 1;
        let now = self.core.now;
        self.last_event_at = Some(now);
        if let Some(err) = self.core.fatal.take() {
            return Err(err);
        }
        if let Some(v) = self.broken_promise() {
            return Ok(Step::Violated(v));
        }
        if let Some(v) = self.run_checkers(touched) {
            return Ok(Step::Violated(v));
        }
        Ok(Step::Event { time: now, touched })
    }

    /// A 128-bit hash of everything that decides what the run can do from here: each node's
    /// part ([`Simulation::node_hash`]); the multiset of messages in flight (sender, receiver,
    /// content); and the multiset of live timers (node, meaning). Times, message and timer
    /// numbers, counters and the random streams' positions are left out, so schedules that
    /// differ only in those meet in one state. An error if the protocol does not define its
    /// state.
    pub fn state_hash(&self) -> Result<u128, SimError> {
        let identity = Renaming::identity();
        let nodes = (0..self.node_count())
            .map(|i| self.node_hash(NodeId(i), &identity))
            .collect::<Result<Vec<u128>, SimError>>()?;
        Ok(self.state_hash_from(&nodes, &identity))
    }

    /// The renamings of nodes the protocol declares it cannot tell apart in this cluster
    /// ([`Node::symmetry`]).
    pub fn symmetry(&self) -> Symmetry {
        N::symmetry(&self.configs)
    }

    /// One node's part of the state hash, with every node id in it renamed by `renaming`: its
    /// status, its protocol state as the protocol defines it ([`Node::model_state`]) and its
    /// disk. A step changes at most the node it touches, so a search keeps these per state and
    /// recomputes one per step (per renaming).
    pub fn node_hash(&self, node: NodeId, renaming: &Renaming) -> Result<u128, SimError> {
        let slot = self.nodes.get(node.index()).ok_or(SimError::UnknownNode {
            node,
            nodes: self.node_count(),
        })?;
        symmetry::under(renaming, || {
            let mut h = StateHasher::new();
            h.put_u64(match slot.status {
                NodeStatus::Up => 1,
                NodeStatus::Paused => 2,
                NodeStatus::Down => 3,
            });
            if let Some(state) = &slot.state
                && !state.model_state(&mut h)
            {
                return Err(SimError::Invalid {
                    what: "model checking".to_string(),
                    why: "this protocol does not define its nodes' state for the model \
                          checker (Node::model_state)"
                        .to_string(),
                });
            }
            self.core.runtimes[node.index()].disk.model_state(&mut h);
            Ok(h.finish())
        })
    }

    /// The state hash of this run with its nodes renamed by `renaming`, from every node's part
    /// under that renaming (as [`Simulation::node_hash`] gives them, in id order) and what is
    /// in flight now: node `i`'s part goes where its new name puts it, and every message and
    /// timer is written with the new names. The least of these over a protocol's symmetry
    /// group is the same for every renamed copy of a state.
    pub fn state_hash_from(&self, nodes: &[u128], renaming: &Renaming) -> u128 {
        let mut h = StateHasher::new();
        for n in renaming.place(nodes) {
            h.put_u64((n >> 64) as u64);
            h.put_u64(n as u64);
        }
        let mut items: Vec<u128> = Vec::new();
        symmetry::under(renaming, || {
            for e in self.core.queue.iter() {
                match e.event {
                    Event::Deliver {
                        from,
                        to,
                        inbox: false,
                        msg,
                        ..
                    } => {
                        let (from, to) = (renaming.of(*from), renaming.of(*to));
                        let mut one = StateHasher::new();
                        one.put_u64(u64::from(from.0) << 32 | u64::from(to.0));
                        one.put(msg);
                        items.push(one.finish());
                    }
                    Event::Timer {
                        id,
                        node,
                        incarnation,
                        timer,
                        ..
                    } if self.timer_is_live(*id, *node, *incarnation) => {
                        let mut one = StateHasher::new();
                        one.put_u64(1 << 63 | u64::from(renaming.of(*node).0));
                        one.put(timer);
                        items.push(one.finish());
                    }
                    _ => {}
                }
            }
        });
        items.sort_unstable();
        h.put_u64(items.len() as u64);
        for item in items {
            h.put_u64((item >> 64) as u64);
            h.put_u64(item as u64);
        }
        h.finish()
    }
}
