//! The key-value state machine: a map of strings with get, put and append.

use crate::WorkloadConfig;
use rsm::{Digest, StateMachine};
use serde::{Deserialize, Serialize};
use sim_core::Table;
use sim_core::history::models::{KvInput, KvModel, KvOutput};
use std::collections::BTreeMap;
use std::fmt;

/// The key-value state machine every replica applies committed commands to, in log order.
///
/// Deterministic by construction (an ordered map, no randomness), so replicas that apply the
/// same commands hold equal maps; the checkers compare them. A key never written reads as the
/// empty string, matching the checker's [`KvModel`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KvMap {
    data: BTreeMap<String, String>,
}

impl KvMap {
    /// Reads a key.
    pub fn read(&self, key: &str) -> String {
        self.data.get(key).cloned().unwrap_or_default()
    }

    /// The keys and values, in key order, for inspectors.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.data.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

impl StateMachine for KvMap {
    type Input = KvInput;
    type Output = KvOutput;
    type Snapshot = KvMap;
    type Model = KvModel;
    type Workload = WorkloadConfig;

    fn apply(&mut self, op: &KvInput) -> KvOutput {
        match op {
            KvInput::Get { key } => KvOutput::Value(self.read(key)),
            // Every replica applies every command: a key already present is updated in place
            // rather than copied again for the map.
            KvInput::Put { key, value } => {
                match self.data.get_mut(key.as_str()) {
                    Some(v) => v.clone_from(value),
                    None => {
                        self.data.insert(key.clone(), value.clone());
                    }
                }
                KvOutput::Done
            }
            KvInput::Append { key, value } => {
                match self.data.get_mut(key.as_str()) {
                    Some(v) => v.push_str(value),
                    None => {
                        self.data.insert(key.clone(), value.clone());
                    }
                }
                KvOutput::Done
            }
        }
    }

    fn is_read(op: &KvInput) -> bool {
        matches!(op, KvInput::Get { .. })
    }

    fn query(&self, op: &KvInput) -> Option<KvOutput> {
        match op {
            KvInput::Get { key } => Some(KvOutput::Value(self.read(key))),
            _ => None,
        }
    }

    fn snapshot(&self) -> KvMap {
        self.clone()
    }

    fn restore(snapshot: &KvMap) -> KvMap {
        snapshot.clone()
    }

    fn approx_bytes(&self) -> u64 {
        let data: usize = self.data.iter().map(|(k, v)| k.len() + v.len() + 16).sum();
        data as u64
    }

    fn snapshot_bytes(snapshot: &KvMap) -> u64 {
        snapshot.approx_bytes()
    }

    fn input_bytes(op: &KvInput) -> u64 {
        match op {
            KvInput::Get { key } => key.len() as u64,
            KvInput::Put { key, value } | KvInput::Append { key, value } => {
                (key.len() + value.len()) as u64
            }
        }
    }

    fn output_bytes(output: &KvOutput) -> u64 {
        match output {
            KvOutput::Value(v) => v.len() as u64,
            KvOutput::Done => 0,
        }
    }

    fn digest<D: Digest>(op: &KvInput, digest: &mut D) {
        match op {
            KvInput::Get { key } => {
                digest.word(0);
                digest.bytes(key.as_bytes());
            }
            KvInput::Put { key, value } | KvInput::Append { key, value } => {
                digest.word(if matches!(op, KvInput::Put { .. }) {
                    1
                } else {
                    2
                });
                digest.bytes(key.as_bytes());
                digest.bytes(value.as_bytes());
            }
        }
    }

    fn describe(op: &KvInput, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match op {
            KvInput::Get { key } => write!(f, "get {key}"),
            KvInput::Put { key, value } => write!(f, "put {key}={value}"),
            KvInput::Append { key, value } => write!(f, "append {key}+={value}"),
        }
    }

    fn describe_output(out: &KvOutput, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match out {
            // A key never written reads as the empty string.
            KvOutput::Value(v) if v.is_empty() => write!(f, "\"\""),
            KvOutput::Value(v) => write!(f, "{v}"),
            KvOutput::Done => write!(f, "ok"),
        }
    }

    fn table(&self, rows: usize) -> Table {
        let mut table = Table {
            name: "store".into(),
            columns: ["key", "value"].map(String::from).to_vec(),
            ..Table::default()
        };
        for (k, v) in self.entries().take(rows) {
            table.rows.push(vec![k.to_string(), v.to_string()]);
            table.marked.push(false);
        }
        table
    }

    fn model() -> KvModel {
        KvModel
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::{Command, KvStore};

    fn cmd(client: u64, seq: u64, op: KvInput) -> Command {
        Command { client, seq, op }
    }

    fn put(k: &str, v: &str) -> KvInput {
        KvInput::Put {
            key: k.into(),
            value: v.into(),
        }
    }

    fn append(k: &str, v: &str) -> KvInput {
        KvInput::Append {
            key: k.into(),
            value: v.into(),
        }
    }

    fn get(k: &str) -> KvInput {
        KvInput::Get { key: k.into() }
    }

    #[test]
    fn get_put_append_follow_the_model() {
        let mut s = KvStore::new();
        assert_eq!(
            s.apply(&cmd(1, 1, get("x"))),
            Some(KvOutput::Value(String::new()))
        );
        assert_eq!(s.apply(&cmd(1, 2, put("x", "a"))), Some(KvOutput::Done));
        assert_eq!(s.apply(&cmd(2, 1, append("x", "b"))), Some(KvOutput::Done));
        assert_eq!(
            s.apply(&cmd(1, 3, get("x"))),
            Some(KvOutput::Value("ab".into()))
        );
        assert_eq!(s.applied(), 4);
    }

    #[test]
    fn a_retried_append_is_applied_once_and_answered_again() {
        let mut s = KvStore::new();
        s.apply(&cmd(7, 1, append("k", "x")));
        assert_eq!(s.apply(&cmd(7, 1, append("k", "x"))), Some(KvOutput::Done));
        assert_eq!(s.read("k"), "x");
        assert_eq!(s.applied(), 1);
    }

    #[test]
    fn a_stale_operation_is_ignored_without_an_answer() {
        let mut s = KvStore::new();
        s.apply(&cmd(7, 1, append("k", "a")));
        s.apply(&cmd(7, 3, append("k", "c")));
        assert_eq!(s.apply(&cmd(7, 2, append("k", "b"))), None);
        assert_eq!(s.read("k"), "ac");
    }

    #[test]
    fn sessions_are_per_client() {
        let mut s = KvStore::new();
        s.apply(&cmd(1, 5, append("k", "a")));
        s.apply(&cmd(2, 1, append("k", "b")));
        assert_eq!(s.read("k"), "ab");
        assert_eq!(s.session(1).map(|x| x.seq), Some(5));
        assert_eq!(s.session(2).map(|x| x.seq), Some(1));
    }

    /// An output as the client inspector prints it.
    struct Shown<'a>(&'a KvOutput);

    impl fmt::Display for Shown<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            KvMap::describe_output(self.0, f)
        }
    }

    #[test]
    fn sizes_count_what_is_written() {
        assert_eq!(KvMap::input_bytes(&get("key")), 3);
        assert_eq!(KvMap::input_bytes(&put("key", "value")), 8);
        assert_eq!(KvMap::input_bytes(&append("k", "vv")), 3);
        assert_eq!(KvMap::output_bytes(&KvOutput::Value("abcd".into())), 4);
        assert_eq!(KvMap::output_bytes(&KvOutput::Done), 0);
        // Each entry: its key, its value and 16 bytes of overhead.
        for (k, v, bytes) in [("abc", "defg", 3 + 4 + 16), ("f", "", 1 + 16)] {
            let mut s = KvStore::new();
            s.apply(&cmd(1, 1, put(k, v)));
            assert_eq!(s.state().approx_bytes(), bytes, "{k}={v}");
        }
    }

    #[test]
    fn entries_and_the_table_show_the_store_in_key_order() {
        let mut s = KvStore::new();
        for (seq, (k, v)) in [("b", "2"), ("a", "1"), ("c", "3")].into_iter().enumerate() {
            s.apply(&cmd(1, seq as u64 + 1, put(k, v)));
        }
        let map = s.state();
        let entries: Vec<(&str, &str)> = map.entries().collect();
        assert_eq!(entries, [("a", "1"), ("b", "2"), ("c", "3")]);
        let table = map.table(2);
        assert_eq!(table.name, "store");
        assert_eq!(table.columns, ["key", "value"]);
        assert_eq!(table.rows, [["a", "1"], ["b", "2"]]);
        assert_eq!(table.marked, [false, false]);
    }

    #[test]
    fn outputs_print_as_the_inspector_shows_them() {
        assert_eq!(Shown(&KvOutput::Value(String::new())).to_string(), "\"\"");
        assert_eq!(Shown(&KvOutput::Value("ab".into())).to_string(), "ab");
        assert_eq!(Shown(&KvOutput::Done).to_string(), "ok");
    }
}
