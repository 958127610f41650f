//! Histories in Jepsen's EDN format: one map per event, an invocation followed later by its
//! process's completion.
//!
//! ```text
//! {:process 0, :type :invoke, :f :read, :key "k", :value nil}
//! {:process 0, :type :ok, :f :read, :key "k", :value 3}
//! ```
//!
//! Only the order of the lines carries time: the n-th event is read at virtual time n, and
//! written histories keep their events in time order (invocations before completions at the
//! same instant, so that operations which merely touch stay concurrent). Events whose
//! `:process` is not an integer (the nemesis) are skipped. An invocation never completed is
//! an info operation.

use super::codec::{EdnCodec, mismatch};
use super::{Edn, EdnError, Pos, Value, parse};
use crate::Time;
use crate::history::{Completion, History, OpHandle, ProcessId, Recorder};
use std::collections::BTreeMap;

/// An invocation waiting for its completion.
struct Pending<'a, I> {
    handle: OpHandle,
    f: &'a Edn,
    pos: Pos,
    input: I,
}

fn op_error<T>(
    pos: Pos,
    expected: impl Into<String>,
    found: impl Into<String>,
) -> Result<T, EdnError> {
    Err(EdnError::Op {
        pos,
        expected: expected.into(),
        found: found.into(),
    })
}

/// The events of a file: its top-level forms, or the items of a single top-level vector.
fn events(forms: &[Edn]) -> &[Edn] {
    match forms {
        [
            Edn {
                value: Value::Vector(items) | Value::List(items),
                ..
            },
        ] => items,
        _ => forms,
    }
}

/// Reads a Jepsen history of `codec`'s model.
pub fn read_history<C: EdnCodec>(
    codec: &C,
    text: &str,
) -> Result<History<C::Input, C::Output>, EdnError> {
    let forms = parse(text)?;
    let mut recorder = Recorder::new();
    let mut open: BTreeMap<ProcessId, Pending<'_, C::Input>> = BTreeMap::new();
    for (index, event) in events(&forms).iter().enumerate() {
        let time = Time(index as u64);
        let map = &event.value;
        if !matches!(map, Value::Map(_) | Value::Tagged(..)) || map.get("type").is_none() {
            return mismatch(
                event,
                "an operation map such as {:process 0, :type :invoke, :f :read, :value nil}",
            );
        }
        let process = match map.get("process") {
            Some(Edn {
                value: Value::Int(p),
                pos,
            }) => match u64::try_from(*p) {
                Ok(p) => ProcessId(p),
                Err(_) => return op_error(*pos, "a `:process` of at least 0", p.to_string()),
            },
            Some(_) => continue,
            None => return op_error(event.pos, "a `:process`", "an operation without one"),
        };
        let Some(f) = map.get("f") else {
            return op_error(event.pos, "an `:f`", "an operation without one");
        };
        let nil = Edn {
            value: Value::Nil,
            pos: event.pos,
        };
        let value = map.get("value").unwrap_or(&nil);
        let key = map.get("key").filter(|k| k.value != Value::Nil);
        let kind = map.get("type").unwrap_or(&nil);
        let kind_name = match &kind.value {
            Value::Keyword(k) if ["invoke", "ok", "fail", "info"].contains(&k.as_str()) => {
                k.as_str()
            }
            _ => return mismatch(kind, "a `:type` of `:invoke`, `:ok`, `:fail` or `:info`"),
        };
        if kind_name == "invoke" {
            if let Some(p) = open.get(&process) {
                return op_error(
                    event.pos,
                    format!(
                        "a completion for {process}'s operation invoked at {}",
                        p.pos
                    ),
                    "another invocation",
                );
            }
            let input = codec.decode_input(f, key, value)?;
            let handle = recorder
                .invoke(process, input.clone(), time)
                .or_else(|e| op_error(event.pos, "an invocation", e.to_string()))?;
            open.insert(
                process,
                Pending {
                    handle,
                    f,
                    pos: event.pos,
                    input,
                },
            );
            continue;
        }
        let Some(pending) = open.remove(&process) else {
            return op_error(
                event.pos,
                format!("an invocation by {process} before this completion"),
                format!("`:{kind_name}`"),
            );
        };
        if f.value != pending.f.value {
            return mismatch(
                f,
                format!(
                    "`:f {}`, as in the invocation at {}",
                    pending.f.value, pending.pos
                ),
            );
        }
        let completion = match kind_name {
            "ok" => match codec.decode_output(&pending.input, value)? {
                Some(output) => Completion::Ok(output),
                None => Completion::Info,
            },
            "fail" => Completion::Fail,
            _ => Completion::Info,
        };
        recorder
            .complete(pending.handle, completion, time)
            .or_else(|e| op_error(event.pos, "a completion", e.to_string()))?;
    }
    Ok(recorder.finish())
}

/// One event line.
fn line(process: ProcessId, kind: &str, f: &str, key: &Option<Value>, value: Value) -> String {
    let kw = |s: &str| Edn::new(Value::Keyword(s.to_owned()));
    let mut entries = vec![
        (kw("process"), Edn::new(Value::Int(process.0 as i64))),
        (kw("type"), kw(kind)),
        (kw("f"), kw(f)),
    ];
    if let Some(key) = key {
        entries.push((kw("key"), Edn::new(key.clone())));
    }
    entries.push((kw("value"), Edn::new(value)));
    let mut text = Value::Map(entries).to_string();
    text.push('\n');
    text
}

/// Writes `history` as a Jepsen history, one event per line.
///
/// Virtual times are not written, only their order. A cas that completed without swapping is
/// written as `:fail`, and a read of an unset register as `nil`, which Jepsen's tools read as
/// "value unknown"; both lose a constraint, never add one.
pub fn write_history<C: EdnCodec>(codec: &C, history: &History<C::Input, C::Output>) -> String {
    let mut events: Vec<(Time, u8, usize)> = Vec::with_capacity(2 * history.len());
    for (i, op) in history.ops().iter().enumerate() {
        events.push((op.invoked, 0, i));
        if let Some(done) = op.completed {
            events.push((done, 1, i));
        }
    }
    events.sort_unstable();
    let mut out = String::new();
    for (_, event, i) in events {
        let op = &history.ops()[i];
        let enc = codec.encode(&op.input, op.completion.output());
        let (kind, value) = match (event, &op.completion) {
            (0, _) => ("invoke", enc.invoke_value),
            (_, Completion::Ok(_)) if enc.refused => ("fail", enc.invoke_value),
            (_, Completion::Ok(_)) => ("ok", enc.ok_value),
            (_, Completion::Fail) => ("fail", enc.invoke_value),
            (_, Completion::Info) => ("info", enc.invoke_value),
        };
        out.push_str(&line(op.process, kind, enc.f, &enc.key, value));
    }
    out
}
