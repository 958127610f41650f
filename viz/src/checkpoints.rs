//! Copies of the run taken as it goes, so that seeking back re-simulates only from the nearest
//! earlier copy instead of from the start.

use scenarios::runner::Live;
use sim_core::Time;

/// One copy of the run.
#[derive(Clone)]
pub struct Checkpoint {
    /// Steps taken when it was copied.
    pub steps: u64,
    /// Virtual time of the last step taken then.
    pub time: Time,
    /// How many recorded actions it already holds.
    pub actions: usize,
    /// The run.
    pub live: Live,
}

/// Checkpoints in step order.
#[derive(Clone, Default)]
pub struct Checkpoints {
    list: Vec<Checkpoint>,
    /// Take one every this many steps.
    every: u64,
}

/// Steps between checkpoints: re-simulating this many steps takes a few milliseconds.
pub const DEFAULT_EVERY: u64 = 4_000;
/// Most checkpoints kept; beyond it every other one is dropped and the spacing doubles.
const MAX_KEPT: usize = 256;

impl Checkpoints {
    /// A store holding the run at its start.
    pub fn new(start: &Live, every: u64) -> Checkpoints {
        Checkpoints {
            list: vec![Checkpoint {
                steps: start.steps(),
                time: start.run().now(),
                actions: start.recorded().len(),
                live: start.clone(),
            }],
            every: every.max(1),
        }
    }

    /// Takes a copy of `live` if it is far enough past the last one.
    pub fn offer(&mut self, live: &Live) {
        let last = self.list.last().map_or(0, |c| c.steps);
        if live.steps() < last + self.every {
            return;
        }
        self.list.push(Checkpoint {
            steps: live.steps(),
            time: live.run().now(),
            actions: live.recorded().len(),
            live: live.clone(),
        });
        if self.list.len() > MAX_KEPT {
            let mut i = 0;
            self.list.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.every *= 2;
        }
    }

    /// The latest copy taken at or before step `steps`.
    pub fn before_step(&self, steps: u64) -> &Checkpoint {
        let i = self.list.partition_point(|c| c.steps <= steps);
        &self.list[i.saturating_sub(1)]
    }

    /// The latest copy whose last step was before `t` (so that the steps at `t` itself are
    /// still ahead of it).
    pub fn before_time(&self, t: Time) -> &Checkpoint {
        let i = self.list.partition_point(|c| c.steps == 0 || c.time < t);
        &self.list[i.saturating_sub(1)]
    }

    /// Forgets the copies taken after step `steps` and those holding more than `actions`
    /// recorded actions (the future they ran into was rewritten).
    pub fn cut(&mut self, steps: u64, actions: usize) {
        self.list
            .retain(|c| c.steps == 0 || (c.steps <= steps && c.actions <= actions));
    }

    /// How many copies are kept.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Never true: the start is always kept.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}
