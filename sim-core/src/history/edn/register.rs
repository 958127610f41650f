//! The cas register in EDN, as Knossos reads it: `:f` is `:read`, `:write` or `:cas`; values
//! are integers, a cas's `[expected new]`; `:key` is optional (one register per key).

use super::codec::{EdnCodec, Encoded, int, key_text, keyword, mismatch};
use super::{Edn, EdnError, Value};
use crate::history::models::{CasRegister, RegisterInput, RegisterOp, RegisterOutput};

impl EdnCodec for CasRegister {
    fn decode_input(
        &self,
        f: &Edn,
        key: Option<&Edn>,
        value: &Edn,
    ) -> Result<RegisterInput, EdnError> {
        const EXPECTED: &str = "`:f` of `:read`, `:write` or `:cas`";
        let op = match keyword(f, EXPECTED)? {
            "read" => RegisterOp::Read,
            "write" => RegisterOp::Write(int(value, "the value to write")?),
            "cas" => match &value.value {
                Value::Vector(pair) | Value::List(pair) if pair.len() == 2 => RegisterOp::Cas {
                    expected: int(&pair[0], "the expected value")?,
                    new: int(&pair[1], "the new value")?,
                },
                _ => return mismatch(value, "a cas `:value` of the form [expected new]"),
            },
            _ => return mismatch(f, EXPECTED),
        };
        let key = key.map(key_text).transpose()?;
        Ok(RegisterInput { key, op })
    }

    fn decode_output(
        &self,
        input: &RegisterInput,
        value: &Edn,
    ) -> Result<Option<RegisterOutput>, EdnError> {
        Ok(Some(match input.op {
            // Knossos reads nil as "the value is not known", not as "unset".
            RegisterOp::Read if value.value == Value::Nil => return Ok(None),
            RegisterOp::Read => RegisterOutput::Read(Some(int(value, "the value read")?)),
            RegisterOp::Write(_) => RegisterOutput::Written,
            // In Jepsen a cas that did not swap completes as :fail, so :ok means it swapped.
            RegisterOp::Cas { .. } => RegisterOutput::Cas(true),
        }))
    }

    fn encode(&self, input: &RegisterInput, output: Option<&RegisterOutput>) -> Encoded {
        let (f, invoke_value, ok_value) = match &input.op {
            RegisterOp::Read => {
                let read = match output {
                    Some(RegisterOutput::Read(Some(v))) => Value::Int(*v),
                    _ => Value::Nil,
                };
                ("read", Value::Nil, read)
            }
            RegisterOp::Write(v) => ("write", Value::Int(*v), Value::Int(*v)),
            RegisterOp::Cas { expected, new } => {
                let pair = Value::Vector(vec![
                    Edn::new(Value::Int(*expected)),
                    Edn::new(Value::Int(*new)),
                ]);
                ("cas", pair.clone(), pair)
            }
        };
        Encoded {
            f,
            key: input.key.clone().map(Value::Str),
            invoke_value,
            ok_value,
            refused: matches!(output, Some(RegisterOutput::Cas(false))),
        }
    }
}
