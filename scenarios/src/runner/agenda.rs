//! The runner's own timeline: what it has to do at which virtual time, in a fixed order.

use crate::scenario::{FaultAction, PlannedFault};
use sim_core::Time;
use std::collections::BTreeMap;

/// Something the runner does at a time.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Item {
    /// The file's fault number `i`.
    Fault(usize),
    /// Nemesis number `i` strikes.
    Strike(usize),
    /// Undo what a nemesis did.
    Undo(Vec<Undo>),
    /// End of the safety phase: heal everything.
    Heal,
    /// Look at the cluster for the leader and convergence watches and the assertions.
    Probe,
    /// Assertion number `i` opens its counting window (before the events at its time).
    Open(usize),
    /// The file's fault number `i` is a client command (`action = "submit"`).
    Submit(usize),
    /// The end of the run.
    End,
}

/// How a nemesis strike is undone; resolved when it is due (a node restarted meanwhile is
/// not restarted again).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Undo {
    /// Heal every partition.
    HealAll,
    /// Restart the node if it is still down.
    Restart(u32),
    /// Resume the node if it is still paused.
    Resume(u32),
    /// Reset the node's clock rate to 1.
    Clock(u32),
    /// Return the link to the scenario's model.
    Link(u32, u32),
}

/// Ordering class at one time: faults first (they go in ahead of the nodes' events at that
/// time), then probes and client commands (which see the state after that time's events), then
/// the end.
pub(crate) fn class(item: &Item) -> u8 {
    match item {
        Item::Fault(_) | Item::Strike(_) | Item::Undo(_) | Item::Heal | Item::Open(_) => 0,
        Item::Probe | Item::Submit(_) => 1,
        Item::End => 2,
    }
}

/// Within a class at one time, the file's faults go first, in file order, whenever they were
/// added: a fault recorded during a live session is appended to the file, and replaying the
/// file must put it exactly where the session did.
fn rank(item: &Item) -> u8 {
    match item {
        Item::Fault(_) | Item::Submit(_) => 0,
        _ => 1,
    }
}

/// Items by `(time, class, rank, insertion number)`.
#[derive(Clone, Default)]
pub(crate) struct Agenda {
    items: BTreeMap<(Time, u8, u8, u64), Item>,
    next: u64,
}

impl Agenda {
    pub(crate) fn push(&mut self, at: Time, item: Item) {
        self.items
            .insert((at, class(&item), rank(&item), self.next), item);
        self.next += 1;
    }

    /// Adds the plan's fault number `i`, `f`, at its time plus `delay` (its drawn jitter).
    pub(crate) fn push_fault(&mut self, i: usize, f: &PlannedFault, delay: u64) {
        let at = Time(f.at.nanos().saturating_add(delay));
        if matches!(f.action, FaultAction::Submit { .. }) {
            self.push(at, Item::Submit(i));
        } else {
            self.push(at, Item::Fault(i));
        }
    }

    pub(crate) fn pop(&mut self) -> Option<(Time, Item)> {
        self.items.pop_first().map(|((t, ..), item)| (t, item))
    }

    /// The next item without taking it.
    pub(crate) fn peek(&self) -> Option<(Time, &Item)> {
        self.items
            .first_key_value()
            .map(|((t, ..), item)| (*t, item))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_go_first_at_one_time_whenever_they_were_added() {
        let mut a = Agenda::default();
        let t = Time(5);
        a.push(t, Item::Heal);
        a.push(t, Item::Strike(0));
        a.push(t, Item::Probe);
        a.push(t, Item::Fault(3));
        a.push(Time(4), Item::End);
        a.push(t, Item::Fault(1));
        a.push(t, Item::Submit(2));
        let order: Vec<Item> = std::iter::from_fn(|| a.pop().map(|(_, i)| i)).collect();
        assert_eq!(
            order,
            vec![
                Item::End,
                Item::Fault(3),
                Item::Fault(1),
                Item::Heal,
                Item::Strike(0),
                Item::Submit(2),
                Item::Probe,
            ]
        );
    }
}
