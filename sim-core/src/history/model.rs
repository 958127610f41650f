//! The sequential specification a history is judged against.

use std::fmt::Debug;
use std::hash::Hash;

/// What an operation does to a state, as a [`Model`] answers it.
///
/// [`Step::Unchanged`] is [`Step::To`] a copy of the state, only cheaper: reads are often half
/// of a history, and copying and rehashing a large state for each would dominate a check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step<S> {
    /// The operation cannot happen in this state (not with this output).
    Impossible,
    /// It can, and leaves the state as it was.
    Unchanged,
    /// It can, and leads to this state.
    To(S),
}

impl<S: Clone> Step<S> {
    /// The state after the step, given the state before; `None` if it is impossible.
    pub fn apply(self, before: &S) -> Option<S> {
        match self {
            Step::Impossible => None,
            Step::Unchanged => Some(before.clone()),
            Step::To(after) => Some(after),
        }
    }
}

/// `true` means [`Step::Unchanged`] and `false` [`Step::Impossible`]: the answer of a read.
impl<S> From<bool> for Step<S> {
    fn from(possible: bool) -> Self {
        if possible {
            Step::Unchanged
        } else {
            Step::Impossible
        }
    }
}

/// A sequential object: its states and what each operation does to them.
///
/// The checker asks one question of a model: starting from `state`, can an operation with
/// this input return this output, and if so what is the state afterwards? A protocol with its
/// own kind of state machine brings its own model by implementing this trait.
///
/// Models must be deterministic: one input and one output lead to at most one next state.
pub trait Model {
    /// The object's state; hashed and compared to remember which configurations the search
    /// has already explored, so keep it small.
    type State: Clone + Eq + Hash + Debug;
    /// What a client asks for.
    type Input: Clone + Debug;
    /// What the object returns.
    type Output: Clone + Debug;
    /// The part of the object an operation touches. Operations on different keys are checked
    /// separately (P-compositionality), which is what makes large histories tractable. A model
    /// whose operations can span keys uses `()`: the history is then one partition.
    ///
    /// Every state of the model describes a single key: the checker runs each key's
    /// operations from [`Model::init`].
    type Key: Clone + Ord + Debug;

    /// The state of a key before any operation.
    fn init(&self) -> Self::State;

    /// Applies `input` to `state`. With `Some(output)` the operation is known to have returned
    /// it: answer [`Step::Impossible`] if it could not have. With `None` the output is unknown
    /// (an info operation) and any output is allowed.
    fn step(
        &self,
        state: &Self::State,
        input: &Self::Input,
        output: Option<&Self::Output>,
    ) -> Step<Self::State>;

    /// The key an operation touches.
    fn key(&self, input: &Self::Input) -> Self::Key;

    /// A short label for the operation in explanations, without its key.
    fn describe(&self, input: &Self::Input, output: Option<&Self::Output>) -> String {
        match output {
            Some(out) => format!("{input:?} -> {out:?}"),
            None => format!("{input:?}"),
        }
    }

    /// How a key is named in explanations.
    fn describe_key(&self, key: &Self::Key) -> String {
        format!("{key:?}")
    }
}
