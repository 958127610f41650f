//! The runner's own timeline: what it has to do at which virtual time, in a fixed order.

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
    /// Look at the cluster for the leader and convergence watches.
    Probe,
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
/// time), then probes (which look at the state after that time's events), then the end.
pub(crate) fn class(item: &Item) -> u8 {
    match item {
        Item::Fault(_) | Item::Strike(_) | Item::Undo(_) | Item::Heal => 0,
        Item::Probe => 1,
        Item::End => 2,
    }
}

/// Items by `(time, class, insertion number)`.
#[derive(Default)]
pub(crate) struct Agenda {
    items: BTreeMap<(Time, u8, u64), Item>,
    next: u64,
}

impl Agenda {
    pub(crate) fn push(&mut self, at: Time, item: Item) {
        self.items.insert((at, class(&item), self.next), item);
        self.next += 1;
    }

    pub(crate) fn pop(&mut self) -> Option<(Time, Item)> {
        self.items.pop_first().map(|((t, _, _), item)| (t, item))
    }
}
