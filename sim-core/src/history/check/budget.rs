//! How much work the checker may do before it answers "unknown".
//!
//! Linearizability checking is NP-complete; a budget keeps a pathological history from
//! stalling a test run. Running out never turns into a guess: the answer is "unknown".

use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// Limits on a check. Steps are counted deterministically (one per move of the search), so a
/// step budget gives the same answer on every machine; a wall-clock limit does not, and is
/// meant for interactive use only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Budget {
    /// At most this many search steps over the whole check; `None` for no bound.
    pub max_steps: Option<u64>,
    /// At most this much wall-clock time; `None` for no bound.
    pub max_time: Option<Duration>,
}

impl Budget {
    /// The step bound of [`Budget::default`]: ten times what Porcupine's 50-client history
    /// needs, and small enough to stop within a few seconds. Each step stores at most one
    /// configuration (a bitset of the key's operations and a state number), so the bound also
    /// caps memory: under a gigabyte for keys of a few hundred operations.
    pub const DEFAULT_STEPS: u64 = 10_000_000;

    /// A deterministic budget of `n` search steps.
    pub const fn steps(n: u64) -> Budget {
        Budget {
            max_steps: Some(n),
            max_time: None,
        }
    }

    /// No bound at all: the check runs until it knows.
    pub const fn unlimited() -> Budget {
        Budget {
            max_steps: None,
            max_time: None,
        }
    }

    /// The same budget, also bounded by `limit` of wall-clock time.
    pub const fn with_time_limit(self, limit: Duration) -> Budget {
        Budget {
            max_steps: self.max_steps,
            max_time: Some(limit),
        }
    }
}

impl Default for Budget {
    fn default() -> Self {
        Budget::steps(Budget::DEFAULT_STEPS)
    }
}

/// Which limit of a [`Budget`] ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Exhausted {
    /// The step bound.
    Steps,
    /// The wall-clock bound.
    Time,
}

/// Reads the wall clock. Only a [`Budget::max_time`] calls this: the time decides when the
/// checker stops and answers "unknown", never what it answers otherwise.
#[allow(clippy::disallowed_methods)]
fn wall_clock_now() -> Instant {
    Instant::now()
}

/// How often, in steps, the wall clock is read when there is a time limit.
const CLOCK_EVERY: u64 = 4096;

/// Counts the steps of a check against its budget.
#[derive(Debug)]
pub(crate) struct Meter {
    used: u64,
    max_steps: Option<u64>,
    deadline: Option<Instant>,
    exhausted: Option<Exhausted>,
}

impl Meter {
    /// Starts counting; the wall-clock limit, if any, starts now.
    pub(crate) fn new(budget: &Budget) -> Meter {
        Meter {
            used: 0,
            max_steps: budget.max_steps,
            deadline: budget.max_time.map(|limit| wall_clock_now() + limit),
            exhausted: None,
        }
    }

    /// A meter for a sub-task that may use at most `steps` of what is left here; hand it back
    /// to [`Meter::absorb`] afterwards.
    pub(crate) fn child(&self, steps: u64) -> Meter {
        let left = self
            .max_steps
            .map_or(u64::MAX, |m| m.saturating_sub(self.used));
        Meter {
            used: 0,
            max_steps: Some(steps.min(left)),
            deadline: self.deadline,
            exhausted: self.exhausted,
        }
    }

    /// Adds a child's work to this meter; the time limit is shared, so running out of time
    /// there means running out here.
    pub(crate) fn absorb(&mut self, child: &Meter) {
        self.used = self.used.saturating_add(child.used);
        if child.exhausted == Some(Exhausted::Time) {
            self.exhausted = Some(Exhausted::Time);
        }
        if self.max_steps.is_some_and(|m| self.used >= m) {
            self.exhausted.get_or_insert(Exhausted::Steps);
        }
    }

    /// Counts one step; `false` once the budget is spent.
    #[inline]
    pub(crate) fn tick(&mut self) -> bool {
        if self.exhausted.is_some() {
            return false;
        }
        if self.max_steps.is_some_and(|m| self.used >= m) {
            self.exhausted = Some(Exhausted::Steps);
            return false;
        }
        self.used += 1;
        if let Some(deadline) = self.deadline
            && self.used.is_multiple_of(CLOCK_EVERY)
            && wall_clock_now() >= deadline
        {
            self.exhausted = Some(Exhausted::Time);
            return false;
        }
        true
    }

    /// Steps used so far.
    pub(crate) fn used(&self) -> u64 {
        self.used
    }

    /// Which limit ran out, if one did.
    pub(crate) fn exhausted(&self) -> Option<Exhausted> {
        self.exhausted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_budget_runs_out_exactly() {
        let mut m = Meter::new(&Budget::steps(3));
        assert!(m.tick() && m.tick() && m.tick());
        assert!(!m.tick());
        assert_eq!(m.exhausted(), Some(Exhausted::Steps));
    }

    #[test]
    fn child_is_bounded_by_what_is_left() {
        let mut m = Meter::new(&Budget::steps(10));
        for _ in 0..8 {
            assert!(m.tick());
        }
        let mut c = m.child(100);
        assert!(c.tick() && c.tick());
        assert!(!c.tick());
        m.absorb(&c);
        assert_eq!(m.exhausted(), Some(Exhausted::Steps));
    }
}
