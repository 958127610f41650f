//! A key-value store with get, put and append, as in Porcupine's key-value tests.

use super::{Text, quoted};
use crate::history::{Model, Step};
use serde::{Deserialize, Serialize};

/// An operation on a key-value store.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum KvInput {
    /// Read a key.
    Get {
        /// The key.
        key: String,
    },
    /// Replace a key's value.
    Put {
        /// The key.
        key: String,
        /// The new value.
        value: String,
    },
    /// Append to a key's value.
    Append {
        /// The key.
        key: String,
        /// What is appended.
        value: String,
    },
}

impl KvInput {
    /// The key the operation touches.
    pub fn key(&self) -> &str {
        match self {
            KvInput::Get { key } | KvInput::Put { key, .. } | KvInput::Append { key, .. } => key,
        }
    }
}

/// What a key-value operation returns.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum KvOutput {
    /// A get's result.
    Value(String),
    /// A put or append was acknowledged.
    Done,
}

/// A key-value store of strings in which a key never written reads as the empty string (the
/// convention of Porcupine's histories). Partitioned by key.
///
/// A get answered with [`KvOutput::Done`], or a put answered with a value, cannot happen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KvModel;

impl Model for KvModel {
    type State = Text;
    type Input = KvInput;
    type Output = KvOutput;
    type Key = String;

    fn init(&self) -> Text {
        Text::default()
    }

    fn step(&self, state: &Text, input: &KvInput, output: Option<&KvOutput>) -> Step<Text> {
        match (input, output) {
            (KvInput::Get { .. }, None) => Step::Unchanged,
            (KvInput::Get { .. }, Some(KvOutput::Value(v))) => state.equals(v).into(),
            (KvInput::Put { value, .. }, None | Some(KvOutput::Done)) => Step::To(Text::new(value)),
            (KvInput::Append { value, .. }, None | Some(KvOutput::Done)) => {
                Step::To(state.append(value))
            }
            (KvInput::Get { .. }, Some(KvOutput::Done))
            | (KvInput::Put { .. } | KvInput::Append { .. }, Some(KvOutput::Value(_))) => {
                Step::Impossible
            }
        }
    }

    fn key(&self, input: &KvInput) -> String {
        input.key().to_owned()
    }

    fn describe(&self, input: &KvInput, output: Option<&KvOutput>) -> String {
        match (input, output) {
            (KvInput::Get { .. }, Some(KvOutput::Value(v))) => format!("get -> {}", quoted(v)),
            (KvInput::Get { .. }, _) => "get -> ?".to_owned(),
            (KvInput::Put { value, .. }, _) => format!("put {}", quoted(value)),
            (KvInput::Append { value, .. }, _) => format!("append {}", quoted(value)),
        }
    }

    fn describe_key(&self, key: &String) -> String {
        quoted(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(k: &str) -> KvInput {
        KvInput::Get { key: k.into() }
    }

    #[test]
    fn append_concatenates_and_get_must_match() {
        let m = KvModel;
        let s = m.init();
        let append = KvInput::Append {
            key: "k".into(),
            value: "ab".into(),
        };
        let s = m
            .step(&s, &append, Some(&KvOutput::Done))
            .apply(&s)
            .unwrap();
        let s = m.step(&s, &append, None).apply(&s).unwrap();
        assert!(s.equals("abab"));
        let read = |v: &str| m.step(&s, &get("k"), Some(&KvOutput::Value(v.into())));
        assert_eq!(read("ab"), Step::Impossible);
        assert_eq!(read("abab"), Step::Unchanged);
    }

    #[test]
    fn mismatched_outputs_cannot_happen() {
        let m = KvModel;
        let step = m.step(&m.init(), &get("k"), Some(&KvOutput::Done));
        assert_eq!(step, Step::Impossible);
        let put = KvInput::Put {
            key: "k".into(),
            value: "v".into(),
        };
        let step = m.step(&m.init(), &put, Some(&KvOutput::Value("v".into())));
        assert_eq!(step, Step::Impossible);
    }
}
