//! A grow-only set of integers with add and read.

use crate::history::{Model, Step};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// An operation on the set.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SetInput {
    /// Add an element.
    Add(i64),
    /// Read every element.
    Read,
}

/// What a set operation returns.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SetOutput {
    /// An add was acknowledged.
    Added,
    /// A read's result.
    Read(BTreeSet<i64>),
}

/// A set that only grows. Not partitioned: a read observes every element at one instant, so
/// the elements cannot be checked one by one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SetModel;

impl Model for SetModel {
    type State = BTreeSet<i64>;
    type Input = SetInput;
    type Output = SetOutput;
    type Key = ();

    fn init(&self) -> BTreeSet<i64> {
        BTreeSet::new()
    }

    fn step(
        &self,
        state: &BTreeSet<i64>,
        input: &SetInput,
        output: Option<&SetOutput>,
    ) -> Step<BTreeSet<i64>> {
        match (input, output) {
            (SetInput::Add(x), None | Some(SetOutput::Added)) if state.contains(x) => {
                Step::Unchanged
            }
            (SetInput::Add(x), None | Some(SetOutput::Added)) => {
                let mut next = state.clone();
                next.insert(*x);
                Step::To(next)
            }
            (SetInput::Read, None) => Step::Unchanged,
            (SetInput::Read, Some(SetOutput::Read(seen))) => (seen == state).into(),
            (SetInput::Add(_), Some(SetOutput::Read(_)))
            | (SetInput::Read, Some(SetOutput::Added)) => Step::Impossible,
        }
    }

    fn key(&self, _input: &SetInput) {}

    fn describe(&self, input: &SetInput, output: Option<&SetOutput>) -> String {
        match (input, output) {
            (SetInput::Add(x), _) => format!("add {x}"),
            (SetInput::Read, Some(SetOutput::Read(seen))) => {
                let items: Vec<String> = seen.iter().map(i64::to_string).collect();
                format!("read -> #{{{}}}", items.join(" "))
            }
            (SetInput::Read, _) => "read -> ?".to_owned(),
        }
    }

    fn describe_key(&self, _key: &()) -> String {
        "the set".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_sees_exactly_the_added_elements() {
        let m = SetModel;
        let init = m.init();
        let s = m.step(&init, &SetInput::Add(3), Some(&SetOutput::Added));
        let s = s.apply(&init).unwrap();
        let read = |xs: &[i64]| SetOutput::Read(xs.iter().copied().collect());
        assert_eq!(
            m.step(&s, &SetInput::Read, Some(&read(&[3]))),
            Step::Unchanged
        );
        assert_eq!(
            m.step(&s, &SetInput::Read, Some(&read(&[]))),
            Step::Impossible
        );
        assert_eq!(
            m.step(&s, &SetInput::Read, Some(&read(&[3, 4]))),
            Step::Impossible
        );
    }
}
