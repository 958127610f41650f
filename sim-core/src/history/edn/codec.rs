//! How a model's operations are spelt in Jepsen EDN: the `:f`, `:key` and `:value` of an
//! invocation, and the `:value` of its completion.

use super::{Edn, EdnError, Value};
use crate::history::Model;

/// What a model's operation looks like in a Jepsen history.
///
/// Implemented by the ready-made models; a protocol that brings its own model implements it
/// to read and write its histories as EDN.
pub trait EdnCodec: Model {
    /// Reads an invocation: its `:f` (keyword name without the colon), `:key` if present, and
    /// `:value` (`nil` if absent). `f` is the whole `:f` value, for error positions.
    fn decode_input(
        &self,
        f: &Edn,
        key: Option<&Edn>,
        value: &Edn,
    ) -> Result<Self::Input, EdnError>;

    /// Reads the `:value` of an `:ok` completion. `Ok(None)` means the value is unknown (a
    /// read of `nil`, as Knossos treats it): the operation is then recorded as info, which is
    /// only right for operations whose output is their sole constraint, such as reads.
    fn decode_output(
        &self,
        input: &Self::Input,
        value: &Edn,
    ) -> Result<Option<Self::Output>, EdnError>;

    /// Spells an operation for writing.
    fn encode(&self, input: &Self::Input, output: Option<&Self::Output>) -> Encoded;
}

/// An operation as written in EDN.
#[derive(Clone, Debug, PartialEq)]
pub struct Encoded {
    /// The `:f` keyword, without the colon.
    pub f: &'static str,
    /// The `:key`, if the model has one.
    pub key: Option<Value>,
    /// The invocation's `:value`.
    pub invoke_value: Value,
    /// The `:ok` completion's `:value`.
    pub ok_value: Value,
    /// Written as `:fail` although it completed ok: Jepsen has no other way to say "completed
    /// without effect" (a cas that found another value).
    pub refused: bool,
}

/// An [`EdnError::Op`] at `at`.
pub(crate) fn mismatch<T>(at: &Edn, expected: impl Into<String>) -> Result<T, EdnError> {
    Err(EdnError::Op {
        pos: at.pos,
        expected: expected.into(),
        found: at.value.describe(),
    })
}

/// The `:f` keyword's name.
pub(crate) fn keyword<'a>(f: &'a Edn, expected: &str) -> Result<&'a str, EdnError> {
    match &f.value {
        Value::Keyword(name) => Ok(name),
        _ => mismatch(f, expected),
    }
}

/// An integer value.
pub(crate) fn int(v: &Edn, what: &str) -> Result<i64, EdnError> {
    match v.value {
        Value::Int(i) => Ok(i),
        _ => mismatch(v, format!("{what} (an integer)")),
    }
}

/// A key given as a string or an integer (Jepsen uses both), as text.
pub(crate) fn key_text(key: &Edn) -> Result<String, EdnError> {
    match &key.value {
        Value::Str(s) => Ok(s.clone()),
        Value::Int(i) => Ok(i.to_string()),
        _ => mismatch(key, "a `:key` that is a string or an integer"),
    }
}
