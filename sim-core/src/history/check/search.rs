//! The search for a linearization of one partition: Wing and Gong's backtracking over
//! invocation order, with Lowe's memoization of the configurations already explored.
//!
//! The operations are laid out as a time-ordered list of call and return entries. The search
//! walks the list from the front: at a call entry it tries to take that operation next (the
//! model must accept its output); at the return entry of an operation it has not taken, the
//! current order is a dead end and it backtracks. A configuration is the set of operations
//! taken plus the model state; since the future depends on nothing else, a configuration seen
//! before is never explored again.

use super::bitset::Bitset;
use super::budget::Meter;
use super::entries::{Entries, HEAD, NIL};
use super::memo::{Configs, StateId, States};
use crate::Time;
use crate::history::{Model, Step};

/// What the search may assume about an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    /// It took effect between its invocation and its deadline and returned its output.
    Required,
    /// It may have taken effect between its invocation and its deadline, with any output, or
    /// not at all. Used by explanations to weaken operations without removing them.
    Relaxed,
    /// It may have taken effect at any time after its invocation, with any output, or never
    /// (an info operation).
    Open,
}

/// One operation as the search sees it.
#[derive(Debug)]
pub(crate) struct SearchOp<'a, M: Model> {
    pub(crate) input: &'a M::Input,
    /// The known output; must be `Some` for a required operation to constrain anything.
    pub(crate) output: Option<&'a M::Output>,
    pub(crate) invoked: Time,
    /// The latest time it can take effect; ignored for an open operation.
    pub(crate) deadline: Time,
    pub(crate) role: Role,
}

// Manual impls: the derives would needlessly require `M: Clone`.
impl<M: Model> Clone for SearchOp<'_, M> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<M: Model> Copy for SearchOp<'_, M> {}

/// The answer for one partition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Found {
    Linearizable,
    NotLinearizable,
    OutOfBudget,
}

/// Stands for "no state" in a [`Frame`].
const NO_STATE: StateId = StateId::MAX;

/// A decision on the search stack.
struct Frame {
    op: u32,
    /// The state before the decision; [`NO_STATE`] when the decision was a forced
    /// drop that did not change it.
    before: StateId,
}

/// What the walk does next.
enum Move {
    /// Look at the next entry.
    Skip,
    /// Something was taken: start again from the front of the list.
    Restart,
    /// Undo the most recent choice and try the entry after it.
    Backtrack,
}

/// A search for a linearization of one partition, from the model's initial state. It can be
/// paused and resumed, so that the checker can share its budget fairly among partitions and
/// stop as soon as any one of them is found not linearizable.
pub(crate) struct Search<'a, M: Model> {
    ops: Vec<SearchOp<'a, M>>,
    list: Entries,
    taken: Bitset,
    states: States<M::State>,
    configs: Configs,
    stack: Vec<Frame>,
    state: StateId,
    entry: u32,
    /// Required operations not yet taken.
    required: usize,
    done: Option<Found>,
}

impl<'a, M: Model> Search<'a, M> {
    /// Prepares a search over `ops`.
    pub(crate) fn new(model: &M, ops: Vec<SearchOp<'a, M>>) -> Self {
        let required = ops.iter().filter(|o| o.role == Role::Required).count();
        let list = Entries::new(&ops);
        let taken = Bitset::new(ops.len());
        let mut states = States::new();
        let state = states.intern(model.init());
        Search {
            entry: list.next[HEAD as usize],
            configs: Configs::new(taken.words().len()),
            list,
            taken,
            states,
            stack: Vec::with_capacity(ops.len()),
            state,
            required,
            done: (required == 0).then_some(Found::Linearizable),
            ops,
        }
    }

    /// The state `op` leads to from the current state, if it can happen there.
    fn next_state(&mut self, model: &M, op: u32) -> Option<StateId> {
        let o = &self.ops[op as usize];
        match model.step(self.states.get(self.state), o.input, o.output) {
            Step::Impossible => None,
            Step::Unchanged => Some(self.state),
            Step::To(next) => Some(self.states.intern(next)),
        }
    }

    /// Records `op` as decided (taken, or dropped when `next` is the current state) if that
    /// configuration is new; `false` if it was explored before.
    fn take(&mut self, op: u32, next: StateId, dropped: bool) -> bool {
        self.taken.insert(op as usize);
        if !self
            .configs
            .insert(self.taken.words(), self.taken.hash(), next)
        {
            self.taken.remove(op as usize);
            return false;
        }
        self.stack.push(Frame {
            op,
            before: if dropped { NO_STATE } else { self.state },
        });
        self.state = next;
        self.list.lift(op);
        true
    }

    /// Undoes decisions up to and including the most recent choice; `None` if there is none
    /// left, else the entry to look at next.
    fn backtrack(&mut self) -> Option<u32> {
        loop {
            let frame = self.stack.pop()?;
            self.list.unlift(frame.op);
            self.taken.remove(frame.op as usize);
            if frame.before != NO_STATE {
                self.state = frame.before;
                if self.ops[frame.op as usize].role == Role::Required {
                    self.required += 1;
                }
                return Some(self.list.next[self.list.call_of[frame.op as usize] as usize]);
            }
        }
    }

    /// Runs for at most `slice` steps (and within `meter`); `None` if it has not finished.
    pub(crate) fn run(&mut self, model: &M, meter: &mut Meter, slice: u64) -> Option<Found> {
        for _ in 0..slice {
            if let Some(found) = self.done {
                return Some(found);
            }
            if !meter.tick() {
                return None;
            }
            self.done = self.step(model);
        }
        self.done
    }

    /// One move of the walk; the answer if it is now known.
    fn step(&mut self, model: &M) -> Option<Found> {
        // While a required operation is untaken its return entry lies ahead and the walk stops
        // there at the latest, so the end of the list is never reached; handled for safety.
        let node = self.entry;
        let advance = if node == NIL {
            Move::Backtrack
        } else if self.list.is_call[node as usize] {
            let op = self.list.op[node as usize];
            let role = self.ops[op as usize].role;
            match self.next_state(model, op) {
                // An optional operation that changes nothing need never be taken.
                Some(next) if role != Role::Required && next == self.state => Move::Skip,
                Some(next) if self.take(op, next, false) => {
                    if role == Role::Required {
                        self.required -= 1;
                        if self.required == 0 {
                            return Some(Found::Linearizable);
                        }
                    }
                    Move::Restart
                }
                Some(_) | None => Move::Skip,
            }
        } else {
            let op = self.list.op[node as usize];
            // A relaxed operation whose window closed without it did not happen: a forced
            // move, not a choice, so backtracking goes straight past it.
            if self.ops[op as usize].role == Role::Relaxed && self.take(op, self.state, true) {
                Move::Restart
            } else {
                Move::Backtrack
            }
        };
        self.entry = match advance {
            Move::Skip => self.list.next[node as usize],
            Move::Restart => self.list.next[HEAD as usize],
            Move::Backtrack => match self.backtrack() {
                Some(entry) => entry,
                None => return Some(Found::NotLinearizable),
            },
        };
        None
    }
}

/// Searches `ops` to the end (or until `meter` runs out).
pub(crate) fn search<M: Model>(model: &M, ops: Vec<SearchOp<'_, M>>, meter: &mut Meter) -> Found {
    Search::new(model, ops)
        .run(model, meter, u64::MAX)
        .unwrap_or(Found::OutOfBudget)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::check::Budget;
    use crate::history::models::{CasRegister, RegisterInput, RegisterOp, RegisterOutput};

    fn op<'a>(
        input: &'a RegisterInput,
        output: Option<&'a RegisterOutput>,
        invoked: u64,
        deadline: u64,
        role: Role,
    ) -> SearchOp<'a, CasRegister> {
        SearchOp {
            input,
            output,
            invoked: Time(invoked),
            deadline: Time(deadline),
            role,
        }
    }

    fn run(ops: &[SearchOp<'_, CasRegister>]) -> Found {
        search(
            &CasRegister,
            ops.to_vec(),
            &mut Meter::new(&Budget::default()),
        )
    }

    #[test]
    fn relaxed_operation_may_be_dropped_but_not_moved() {
        let w1 = RegisterInput::single(RegisterOp::Write(1));
        let r = RegisterInput::single(RegisterOp::Read);
        let one = RegisterOutput::Read(Some(1));
        let none = RegisterOutput::Read(None);
        // A relaxed write before a read of nil: fine, the write did not happen.
        let ops = [
            op(&w1, None, 0, 10, Role::Relaxed),
            op(&r, Some(&none), 20, 30, Role::Required),
        ];
        assert_eq!(run(&ops), Found::Linearizable);
        // A relaxed write can explain the read of 1 only inside its window, which closed
        // before the read of nil began.
        let ops = [
            op(&w1, None, 0, 10, Role::Relaxed),
            op(&r, Some(&one), 20, 30, Role::Required),
            op(&r, Some(&none), 40, 50, Role::Required),
        ];
        assert_eq!(run(&ops), Found::NotLinearizable);
        // As an open operation it could.
        let ops = [
            op(&w1, None, 0, 10, Role::Open),
            op(&r, Some(&none), 20, 30, Role::Required),
            op(&r, Some(&one), 40, 50, Role::Required),
        ];
        assert_eq!(run(&ops), Found::Linearizable);
    }

    #[test]
    fn out_of_budget_is_reported_not_guessed() {
        let w = RegisterInput::single(RegisterOp::Write(1));
        let ops = [op(&w, Some(&RegisterOutput::Written), 0, 1, Role::Required)];
        let found = search(
            &CasRegister,
            ops.to_vec(),
            &mut Meter::new(&Budget::steps(0)),
        );
        assert_eq!(found, Found::OutOfBudget);
    }
}
