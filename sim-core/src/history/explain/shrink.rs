//! Shrinking a refuted partition to a small core of operations that cannot be ordered.
//!
//! The evidence is weakened step by step, keeping each step only if the weaker history is
//! still proven not linearizable. Two weakenings are used, and both are sound: whatever makes
//! the weakened history non-linearizable also makes the original one so.
//! - Relaxing an operation: it may or may not have taken effect, within its interval, with
//!   any output. Every linearization of the original is still allowed, so nothing is lost by
//!   the operations left out of the core; a person can ignore them.
//! - Deleting operations invoked after every remaining definite operation has completed: in
//!   any linearization they come after all of those, so cutting them off loses nothing.
//!   Plain deletion of an earlier operation would not be sound (deleting the write a read saw
//!   makes the read look impossible), which is why the others are relaxed instead.

use crate::Time;
use crate::history::Model;
use crate::history::check::budget::Meter;
use crate::history::check::search::{Found, Role, SearchOp, search};

/// What the shrinker does with an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Fate {
    /// As recorded.
    Keep,
    /// Weakened to "may have happened within its interval".
    Relax,
    /// Cut off.
    Delete,
}

/// The result of a shrink.
pub(super) struct Shrunk {
    /// The fate of each operation, by position in the input.
    pub(super) fates: Vec<Fate>,
    /// Whether every attempt to relax a single operation of the core was decided within its
    /// budget, so that none can be relaxed on its own (the core is 1-minimal).
    pub(super) minimal: bool,
}

/// The shrinker's state: the partition's operations as recorded, and the budget.
struct Shrinker<'a, 'h, M: Model> {
    model: &'a M,
    ops: &'a [SearchOp<'h, M>],
    meter: &'a mut Meter,
    /// Steps each attempt may take.
    per_attempt: u64,
    minimal: bool,
}

impl<M: Model> Shrinker<'_, '_, M> {
    /// Whether the history weakened by `fates` is proven not linearizable; `None` if the
    /// attempt ran out of budget.
    fn refuted(&mut self, fates: &[Fate]) -> Option<bool> {
        let weakened: Vec<SearchOp<'_, M>> = self
            .ops
            .iter()
            .zip(fates)
            .filter_map(|(op, fate)| match fate {
                Fate::Keep => Some(*op),
                Fate::Relax => Some(SearchOp {
                    output: None,
                    role: Role::Relaxed,
                    ..*op
                }),
                Fate::Delete => None,
            })
            .collect();
        let mut child = self.meter.child(self.per_attempt);
        let found = search(self.model, weakened, &mut child);
        self.meter.absorb(&child);
        match found {
            Found::NotLinearizable => Some(true),
            Found::Linearizable => Some(false),
            Found::OutOfBudget => None,
        }
    }

    /// Deletes every operation invoked after all operations kept as recorded have completed.
    fn cut_after_last_completion(&self, fates: &mut [Fate]) {
        let last = self
            .ops
            .iter()
            .zip(fates.iter())
            .filter(|(op, fate)| **fate == Fate::Keep && op.role == Role::Required)
            .map(|(op, _)| op.deadline)
            .max()
            .unwrap_or(Time::ZERO);
        for (op, fate) in self.ops.iter().zip(fates.iter_mut()) {
            if op.invoked > last {
                *fate = Fate::Delete;
            }
        }
    }

    /// The history cut at `t`: operations completed by `t` as recorded, those still running
    /// relaxed, later ones deleted.
    fn cut_at(&self, t: Time) -> Vec<Fate> {
        self.ops
            .iter()
            .map(|op| match op.role {
                _ if op.invoked > t => Fate::Delete,
                Role::Required if op.deadline > t => Fate::Relax,
                _ => Fate::Keep,
            })
            .collect()
    }

    /// Tries relaxing `chunk` (positions of kept required operations) together; `None` if
    /// the attempt ran out of budget.
    fn try_relax(&mut self, fates: &mut Vec<Fate>, chunk: &[usize]) -> Option<bool> {
        let mut trial = fates.clone();
        for &i in chunk {
            trial[i] = Fate::Relax;
        }
        self.cut_after_last_completion(&mut trial);
        let refuted = self.refuted(&trial);
        if refuted == Some(true) {
            *fates = trial;
        }
        refuted
    }
}

/// Shrinks `ops`, which must be proven not linearizable as they are, to a small core.
pub(super) fn shrink<M: Model>(
    model: &M,
    ops: &[SearchOp<'_, M>],
    meter: &mut Meter,
    per_attempt: u64,
) -> Shrunk {
    let mut s = Shrinker {
        model,
        ops,
        meter,
        per_attempt,
        minimal: true,
    };

    // The earliest cut that is still refuted; refutation is monotone in the cut time, since
    // an earlier cut is a weakening of a later one.
    let mut cuts: Vec<Time> = ops
        .iter()
        .filter(|op| op.role == Role::Required)
        .map(|op| op.deadline)
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    let mut fates = vec![Fate::Keep; ops.len()];
    s.cut_after_last_completion(&mut fates);
    let (mut lo, mut hi) = (0, cuts.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let trial = s.cut_at(cuts[mid]);
        if s.refuted(&trial) == Some(true) {
            fates = trial;
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }

    // Relax what is not needed: large groups first, then one by one. After the single pass
    // no kept operation can be relaxed alone, as relaxing more only allows more orders.
    let required =
        |fates: &[Fate], i: usize| fates[i] == Fate::Keep && ops[i].role == Role::Required;
    let mut chunk = (0..ops.len())
        .filter(|&i| required(&fates, i))
        .count()
        .div_ceil(2)
        .max(1);
    loop {
        let kept: Vec<usize> = (0..ops.len()).filter(|&i| required(&fates, i)).collect();
        for group in kept.chunks(chunk) {
            let group: Vec<usize> = group
                .iter()
                .copied()
                .filter(|&i| fates[i] == Fate::Keep)
                .collect();
            if !group.is_empty() && s.try_relax(&mut fates, &group).is_none() && chunk == 1 {
                s.minimal = false;
            }
        }
        if chunk == 1 {
            break;
        }
        chunk = chunk.div_ceil(2);
    }
    Shrunk {
        fates,
        minimal: s.minimal,
    }
}
