//! What a search may do along one schedule, and how long it may search.

use sim_core::model::{Renaming, StateHasher};

/// How much a search may take of the machine.
#[derive(Debug, Default)]
pub struct Budget {
    /// Stop after this many unique states.
    pub max_states: Option<u64>,
    /// Stop once the wall clock passes this (read between batches of states, never inside a
    /// simulation).
    pub deadline: Option<std::time::Instant>,
    /// Stop once the process holds more memory than this (read between batches of states;
    /// Linux only).
    pub max_memory: Option<u64>,
    /// The unique-state count at which memory was last read: reading it costs a system call
    /// and a parse, so it is read once per [`MEMORY_EVERY`] new states.
    memory_read_at: std::sync::atomic::AtomicU64,
}

/// New unique states between two readings of the process's memory. A state of the largest
/// shipped searches takes a few kilobytes, so the bound is overshot by at most tens of MB.
const MEMORY_EVERY: u64 = 8192;

impl Budget {
    /// A budget of at most `max_states` unique states, until `deadline`, within `max_memory`
    /// bytes of resident memory (each unbounded when `None`).
    pub fn new(
        max_states: Option<u64>,
        deadline: Option<std::time::Instant>,
        max_memory: Option<u64>,
    ) -> Budget {
        Budget {
            max_states,
            deadline,
            max_memory,
            memory_read_at: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// Why the search must stop now, if it must.
    pub(crate) fn exceeded(&self, unique: u64) -> Option<super::Stop> {
        if self.max_states.is_some_and(|m| unique >= m) {
            return Some(super::Stop::MaxStates);
        }
        if self
            .deadline
            .is_some_and(|d| crate::explore::wall_clock_now() >= d)
        {
            return Some(super::Stop::Time);
        }
        if crate::interrupt::requested() {
            return Some(super::Stop::Interrupted);
        }
        let read_at = &self.memory_read_at;
        let due = unique >= read_at.load(std::sync::atomic::Ordering::Relaxed) + MEMORY_EVERY;
        if let Some(max) = self.max_memory
            && due
            && {
                read_at.store(unique, std::sync::atomic::Ordering::Relaxed);
                crate::runner::resources::resident_bytes().is_some_and(|r| r > max)
            }
        {
            return Some(super::Stop::Memory);
        }
        None
    }
}

/// What one schedule has used of its bounds: part of a search state, since the same cluster
/// state with more crashes left can go further.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Used {
    /// Crashes so far.
    pub crashes: u32,
    /// Losses so far.
    pub losses: u32,
    /// Duplicates so far.
    pub duplicates: u32,
    /// Disk records corrupted so far.
    pub corruptions: u32,
    /// Timer firings so far, per node.
    pub timers: Vec<u32>,
}

impl Used {
    /// Nothing used, for a cluster of `nodes` nodes.
    pub fn none(nodes: u32) -> Used {
        Used {
            timers: vec![0; nodes as usize],
            ..Used::default()
        }
    }

    /// The search state's key: the cluster's state hash under `renaming` and what the path
    /// used, with each node's timer firings where the renaming puts the node.
    pub(crate) fn key(&self, state: u128, renaming: &Renaming) -> u128 {
        let mut h = StateHasher::new();
        h.put_u64((state >> 64) as u64);
        h.put_u64(state as u64);
        h.put_u64(u64::from(self.crashes));
        h.put_u64(u64::from(self.losses));
        h.put_u64(u64::from(self.duplicates));
        h.put_u64(u64::from(self.corruptions));
        for t in renaming.place(&self.timers) {
            h.put_u64(u64::from(t));
        }
        h.finish()
    }
}
