//! The set model in EDN: `:f` is `:add` (an integer `:value`) or `:read` (a set, vector or
//! list of integers).

use super::codec::{EdnCodec, Encoded, int, keyword, mismatch};
use super::{Edn, EdnError, Value};
use crate::history::models::{SetInput, SetModel, SetOutput};

impl EdnCodec for SetModel {
    fn decode_input(&self, f: &Edn, _key: Option<&Edn>, value: &Edn) -> Result<SetInput, EdnError> {
        const EXPECTED: &str = "`:f` of `:add` or `:read`";
        match keyword(f, EXPECTED)? {
            "add" => Ok(SetInput::Add(int(value, "the element to add")?)),
            "read" => Ok(SetInput::Read),
            _ => mismatch(f, EXPECTED),
        }
    }

    fn decode_output(&self, input: &SetInput, value: &Edn) -> Result<Option<SetOutput>, EdnError> {
        match (input, &value.value) {
            (SetInput::Add(_), _) => Ok(Some(SetOutput::Added)),
            (SetInput::Read, Value::Nil) => Ok(None),
            (SetInput::Read, Value::Set(items) | Value::Vector(items) | Value::List(items)) => {
                items
                    .iter()
                    .map(|item| int(item, "an element"))
                    .collect::<Result<_, _>>()
                    .map(|seen| Some(SetOutput::Read(seen)))
            }
            (SetInput::Read, _) => mismatch(value, "the elements read, as a set or vector"),
        }
    }

    fn encode(&self, input: &SetInput, output: Option<&SetOutput>) -> Encoded {
        let (f, invoke_value, ok_value) = match input {
            SetInput::Add(x) => ("add", Value::Int(*x), Value::Int(*x)),
            SetInput::Read => {
                let read = match output {
                    Some(SetOutput::Read(seen)) => {
                        Value::Set(seen.iter().map(|x| Edn::new(Value::Int(*x))).collect())
                    }
                    _ => Value::Nil,
                };
                ("read", Value::Nil, read)
            }
        };
        Encoded {
            f,
            key: None,
            invoke_value,
            ok_value,
            refused: false,
        }
    }
}
