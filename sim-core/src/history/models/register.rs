//! A compare-and-set register (read, write, cas), as in Knossos's `cas-register`, optionally
//! one register per key.

use crate::history::{Model, Step};
use serde::{Deserialize, Serialize};

/// What is done to the register.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RegisterOp {
    /// Read the value.
    Read,
    /// Set the value.
    Write(i64),
    /// Set the value to `new` if it is `expected`.
    Cas {
        /// The value the register must hold.
        expected: i64,
        /// The value it then holds.
        new: i64,
    },
}

/// An operation on one of a set of independent registers; `key` is `None` when the history has
/// a single register.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RegisterInput {
    /// Which register, if there are several.
    pub key: Option<String>,
    /// What is done to it.
    pub op: RegisterOp,
}

impl RegisterInput {
    /// An operation on the single, unnamed register.
    pub fn single(op: RegisterOp) -> Self {
        RegisterInput { key: None, op }
    }
}

/// What a register operation returns.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RegisterOutput {
    /// A read's result; `None` if the register was never written.
    Read(Option<i64>),
    /// A write was acknowledged.
    Written,
    /// Whether a cas swapped (`false`: the register did not hold the expected value).
    Cas(bool),
}

/// A register of integers, initially unset, with compare-and-set. Partitioned by key.
///
/// An output of the wrong kind for its operation (a read answered with `Written`) cannot
/// happen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CasRegister;

impl Model for CasRegister {
    type State = Option<i64>;
    type Input = RegisterInput;
    type Output = RegisterOutput;
    type Key = Option<String>;

    fn init(&self) -> Option<i64> {
        None
    }

    fn step(
        &self,
        state: &Option<i64>,
        input: &RegisterInput,
        output: Option<&RegisterOutput>,
    ) -> Step<Option<i64>> {
        use RegisterOp as Op;
        use RegisterOutput as Out;
        match (&input.op, output) {
            (Op::Read, None) => Step::Unchanged,
            (Op::Read, Some(Out::Read(v))) => (v == state).into(),
            (Op::Write(v), None | Some(Out::Written)) => Step::To(Some(*v)),
            // Unknown outcome: the cas swaps exactly when it can.
            (Op::Cas { expected, new }, None) if *state == Some(*expected) => Step::To(Some(*new)),
            (Op::Cas { .. }, None) => Step::Unchanged,
            (Op::Cas { expected, new }, Some(Out::Cas(true))) if *state == Some(*expected) => {
                Step::To(Some(*new))
            }
            (Op::Cas { expected, .. }, Some(Out::Cas(false))) => (*state != Some(*expected)).into(),
            (Op::Cas { .. }, Some(Out::Cas(true)))
            | (Op::Read, Some(Out::Written | Out::Cas(_)))
            | (Op::Write(_), Some(Out::Read(_) | Out::Cas(_)))
            | (Op::Cas { .. }, Some(Out::Read(_) | Out::Written)) => Step::Impossible,
        }
    }

    fn key(&self, input: &RegisterInput) -> Option<String> {
        input.key.clone()
    }

    fn describe(&self, input: &RegisterInput, output: Option<&RegisterOutput>) -> String {
        let show = |v: &Option<i64>| v.map_or_else(|| "nil".to_owned(), |v| v.to_string());
        match (&input.op, output) {
            (RegisterOp::Read, Some(RegisterOutput::Read(v))) => format!("read -> {}", show(v)),
            (RegisterOp::Read, _) => "read -> ?".to_owned(),
            (RegisterOp::Write(v), _) => format!("write {v}"),
            (RegisterOp::Cas { expected, new }, out) => {
                let result = match out {
                    Some(RegisterOutput::Cas(true)) => " -> swapped",
                    Some(RegisterOutput::Cas(false)) => " -> unchanged",
                    _ => "",
                };
                format!("cas {expected} -> {new}{result}")
            }
        }
    }

    fn describe_key(&self, key: &Option<String>) -> String {
        key.as_deref()
            .map_or_else(|| "the register".to_owned(), |k| format!("{k:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cas(expected: i64, new: i64) -> RegisterInput {
        RegisterInput::single(RegisterOp::Cas { expected, new })
    }

    #[test]
    fn cas_swaps_only_from_the_expected_value() {
        let m = CasRegister;
        let ok = Some(&RegisterOutput::Cas(true));
        assert_eq!(m.step(&Some(1), &cas(1, 2), ok), Step::To(Some(2)));
        assert_eq!(m.step(&Some(3), &cas(1, 2), ok), Step::Impossible);
        assert_eq!(m.step(&None, &cas(1, 2), ok), Step::Impossible);
        let refused = Some(&RegisterOutput::Cas(false));
        assert_eq!(m.step(&Some(3), &cas(1, 2), refused), Step::Unchanged);
        assert_eq!(m.step(&Some(1), &cas(1, 2), refused), Step::Impossible);
    }

    #[test]
    fn unknown_cas_does_what_the_state_allows() {
        let m = CasRegister;
        assert_eq!(m.step(&Some(1), &cas(1, 2), None), Step::To(Some(2)));
        assert_eq!(m.step(&Some(5), &cas(1, 2), None), Step::Unchanged);
    }

    #[test]
    fn read_must_see_the_current_value() {
        let m = CasRegister;
        let read = RegisterInput::single(RegisterOp::Read);
        let nil = Some(&RegisterOutput::Read(None));
        assert_eq!(m.step(&Some(1), &read, nil), Step::Impossible);
        assert_eq!(m.step(&None, &read, nil), Step::Unchanged);
    }
}
