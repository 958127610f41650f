//! Reading protocol-owned tables (`[protocol.params]`, `[workload]`) into the protocol's own
//! types while keeping file positions in errors.
//!
//! The scenario keeps such a table as TOML. When the scenario still has the text it was read
//! from, and that text still holds the same table, the table is deserialized again straight
//! out of the document, so an error inside the protocol's `Config` points at the line and
//! column of the bad value. Otherwise (a scenario built in code) it is deserialized from the
//! value, and the error names the section instead.

use super::Scenario;
use crate::diag::Diagnostic;
use crate::error::ScenarioError;
use serde::de::{DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::marker::PhantomData;

/// Walks a path of keys in a document and deserializes what is found there as `T`.
struct PathSeed<'p, T> {
    path: &'p [&'p str],
    _t: PhantomData<T>,
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for PathSeed<'_, T> {
    type Value = Option<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        match self.path.split_first() {
            None => T::deserialize(d).map(Some),
            Some(_) => d.deserialize_map(self),
        }
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for PathSeed<'_, T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a table")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<T>, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<String>()? {
            if Some(&key.as_str()) == self.path.first() {
                found = map.next_value_seed(PathSeed::<T> {
                    path: &self.path[1..],
                    _t: PhantomData,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// The hint for a serde error message that lists what was expected.
pub(crate) fn hint_for(message: &str) -> Option<String> {
    // "unknown field `nodez`, expected one of `nodes`, `topology`"
    // "unknown variant `crsh`, expected one of `crash`, `restart`"
    let rest = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))?;
    let (word, rest) = rest.split_once('`')?;
    let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    crate::diag::suggest(word, expected.iter().copied()).map(|s| format!("did you mean `{s}`?"))
}

/// A diagnostic from a TOML deserialization error on `text`.
pub(crate) fn diagnostic_from_toml(
    file: &str,
    text: Option<&str>,
    e: &toml::de::Error,
    context: &str,
) -> Diagnostic {
    let message = e.message().trim_end().to_string();
    let message = if context.is_empty() {
        message
    } else {
        format!("{context}: {message}")
    };
    let hint = hint_for(e.message());
    let d = Diagnostic::at(file, text, e.span(), message);
    match hint {
        Some(h) => d.with_help(h),
        None => d,
    }
}

impl Scenario {
    /// The protocol's parameters (`[protocol.params]`) as its own `Config`; an absent table
    /// gives `T::default()`.
    pub fn params<T: DeserializeOwned + Default>(&self) -> Result<T, ScenarioError> {
        let table = toml::Value::Table(self.protocol.params.clone());
        Ok(self
            .section(&["protocol", "params"], &table)?
            .unwrap_or_default())
    }

    /// The `[workload]` table as the protocol's workload type; `None` if the file has none.
    pub fn workload<T: DeserializeOwned>(&self) -> Result<Option<T>, ScenarioError> {
        match &self.workload {
            None => Ok(None),
            Some(w) => self.section(&["workload"], &toml::Value::Table(w.clone())),
        }
    }

    /// Any table of the file as `T`, by its path of keys (`["cluster", "topology"]`).
    pub fn section<T: DeserializeOwned>(
        &self,
        path: &[&str],
        value: &toml::Value,
    ) -> Result<Option<T>, ScenarioError> {
        let file = &self.origin.file;
        let name = path.join(".");
        if let Some(text) = self.origin.text.as_deref() {
            let de = |t: &str| -> Result<Option<toml::Value>, toml::de::Error> {
                PathSeed::<toml::Value> {
                    path,
                    _t: PhantomData,
                }
                .deserialize(toml::Deserializer::parse(t)?)
            };
            // Read from the text only if the text still says what the scenario holds.
            if de(text).ok().flatten().as_ref() == Some(value) {
                let parsed = toml::Deserializer::parse(text).and_then(|d| {
                    PathSeed::<T> {
                        path,
                        _t: PhantomData,
                    }
                    .deserialize(d)
                });
                return parsed.map_err(|e| {
                    ScenarioError::one(diagnostic_from_toml(
                        file,
                        Some(text),
                        &e,
                        &format!("in [{name}]"),
                    ))
                });
            }
        }
        T::deserialize(value.clone()).map(Some).map_err(|e| {
            let hint = hint_for(e.message());
            let d = Diagnostic::at(file, None, None, format!("in [{name}]: {}", e.message()));
            ScenarioError::one(match hint {
                Some(h) => d.with_help(h),
                None => d,
            })
        })
    }
}
