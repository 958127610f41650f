//! The key-value model in EDN: `:f` is `:get`, `:put` or `:append`, `:key` a string, and
//! `:value` a string (`nil` for a get's invocation).

use super::codec::{EdnCodec, Encoded, key_text, keyword, mismatch};
use super::{Edn, EdnError, Value};
use crate::history::models::{KvInput, KvModel, KvOutput};

fn string(v: &Edn, what: &str) -> Result<String, EdnError> {
    match &v.value {
        Value::Str(s) => Ok(s.clone()),
        _ => mismatch(v, format!("{what} (a string)")),
    }
}

impl EdnCodec for KvModel {
    fn decode_input(&self, f: &Edn, key: Option<&Edn>, value: &Edn) -> Result<KvInput, EdnError> {
        const EXPECTED: &str = "`:f` of `:get`, `:put` or `:append`";
        let name = keyword(f, EXPECTED)?;
        let Some(key) = key else {
            return mismatch(
                f,
                format!("a `:key` with this `:f :{name}` (the key-value model needs one)"),
            );
        };
        let key = key_text(key)?;
        match name {
            "get" => Ok(KvInput::Get { key }),
            "put" => Ok(KvInput::Put {
                key,
                value: string(value, "the value to put")?,
            }),
            "append" => Ok(KvInput::Append {
                key,
                value: string(value, "the value to append")?,
            }),
            _ => mismatch(f, EXPECTED),
        }
    }

    fn decode_output(&self, input: &KvInput, value: &Edn) -> Result<Option<KvOutput>, EdnError> {
        match input {
            // A key never written reads as the empty string; some writers say nil for it.
            KvInput::Get { .. } if value.value == Value::Nil => {
                Ok(Some(KvOutput::Value(String::new())))
            }
            KvInput::Get { .. } => {
                string(value, "the value read").map(|v| Some(KvOutput::Value(v)))
            }
            KvInput::Put { .. } | KvInput::Append { .. } => Ok(Some(KvOutput::Done)),
        }
    }

    fn encode(&self, input: &KvInput, output: Option<&KvOutput>) -> Encoded {
        let (f, invoke_value, ok_value) = match input {
            KvInput::Get { .. } => {
                let read = match output {
                    Some(KvOutput::Value(v)) => Value::Str(v.clone()),
                    _ => Value::Nil,
                };
                ("get", Value::Nil, read)
            }
            KvInput::Put { value, .. } => {
                ("put", Value::Str(value.clone()), Value::Str(value.clone()))
            }
            KvInput::Append { value, .. } => (
                "append",
                Value::Str(value.clone()),
                Value::Str(value.clone()),
            ),
        };
        Encoded {
            f,
            key: Some(Value::Str(input.key().to_owned())),
            invoke_value,
            ok_value,
            refused: false,
        }
    }
}
