//! What every key-value protocol entry shares: reading `[workload]` into
//! `kv::WorkloadConfig`, client metrics, the linearizability check, and client commands typed
//! by a person.

use super::lincheck::{self, Nouns};
use super::{CheckResult, Metrics};
use crate::diag::Diagnostic;
use crate::error::ScenarioError;
use crate::scenario::Scenario;
use kv::{Client, ClientMetrics, KvInput, WorkloadConfig, collect_history};
use sim_core::InvalidParam;
use sim_core::history::models::KvModel;

/// The scenario's `[workload]` as `kv::WorkloadConfig` (its defaults when absent), validated.
pub fn workload(s: &Scenario) -> Result<WorkloadConfig, ScenarioError> {
    let w: WorkloadConfig = s.workload()?.unwrap_or_default();
    w.validate().map_err(|e| param_error(s, WORKLOAD, &e))?;
    Ok(w)
}

/// Where a protocol's parameters sit in a scenario file.
pub const PARAMS: &[&str] = &["protocol", "params"];
/// Where a workload sits in a scenario file.
pub const WORKLOAD: &[&str] = &["workload"];

/// A parameter the protocol refuses, pointed at its value in the file (or, for a value the
/// file leaves to its default, at the nearest table it writes); `table` is where the
/// parameters sit ([`PARAMS`], [`WORKLOAD`]).
pub fn param_error(s: &Scenario, table: &[&str], e: &InvalidParam) -> ScenarioError {
    let mut path = table.to_vec();
    path.extend(e.field.split('.'));
    let text = s.origin.text.as_deref();
    let span = text.and_then(|t| {
        (1..=path.len())
            .rev()
            .find_map(|n| crate::scenario::locate::span_of(t, &path[..n]))
    });
    let message = format!("{}: {}", path.join("."), e.why);
    ScenarioError::one(Diagnostic::at(&s.origin.file, text, span, message))
}

/// A problem with the scenario as a whole (no single position), naming the file.
pub fn invalid(s: &Scenario, message: String) -> ScenarioError {
    ScenarioError::one(Diagnostic::at(&s.origin.file, None, None, message))
}

/// Client figures as metrics: counts, and per-operation latency as a distribution.
pub fn client_metrics(clients: &[&Client], out: &mut Metrics) {
    let m = ClientMetrics::gather(clients.iter().copied());
    out.set("ops_issued", m.issued as f64);
    out.set("ops_completed", m.completed as f64);
    out.set("ops_gave_up", m.gave_up as f64);
    out.set("ops_shed", m.shed as f64);
    out.set("client_requests", m.requests as f64);
    for c in clients {
        for &ns in c.latencies() {
            out.sample("op_latency_ms", ns as f64 / 1e6);
        }
    }
}

/// The linearizability check of the clients' history, with the explanation on failure.
pub fn linearizable(clients: &[&Client]) -> CheckResult {
    let nouns = Nouns {
        ops: "operations",
        parts: "keys",
        part: "key",
    };
    lincheck::linearizable(&KvModel, collect_history(clients.iter().copied()), nouns)
}

/// The clients' history as Jepsen EDN, which `clustersim lincheck --model kv` reads back.
pub fn history_edn(clients: &[&Client]) -> Result<String, String> {
    let h = collect_history(clients.iter().copied()).map_err(|e| e.to_string())?;
    Ok(sim_core::history::edn::write_history(&KvModel, &h))
}

/// Reads a typed command: `get KEY`, `put KEY VALUE`, `append KEY VALUE`.
pub fn parse_command(text: &str) -> Result<KvInput, String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let s = |w: &str| w.to_string();
    match words.as_slice() {
        ["get", key] => Ok(KvInput::Get { key: s(key) }),
        ["put", key, value] => Ok(KvInput::Put {
            key: s(key),
            value: s(value),
        }),
        ["append", key, value] => Ok(KvInput::Append {
            key: s(key),
            value: s(value),
        }),
        _ => Err(format!(
            "expected `get KEY`, `put KEY VALUE` or `append KEY VALUE`, got {text:?}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands() {
        assert_eq!(parse_command("get x"), Ok(KvInput::Get { key: "x".into() }));
        assert!(matches!(
            parse_command("append x 1"),
            Ok(KvInput::Append { .. })
        ));
        assert!(parse_command("put x").is_err());
        assert!(parse_command("").is_err());
    }
}
