//! The clients' records turned into one history for the checker, and the latency figures a
//! run reports.

use crate::{Client, StateMachine};
use serde::Serialize;
use sim_core::history::{Budget, Completion, History, HistoryError, Model, Report, check};

/// Joins the operations every client recorded into one history, ordered by invocation time
/// (then process), as the checker and the EDN writer expect.
///
/// Operations still open become operations of unknown outcome: the run ended before their
/// clients learnt what happened to them.
pub fn collect_history<'a, S: StateMachine>(
    clients: impl IntoIterator<Item = &'a Client<S>>,
) -> Result<History<S::Input, S::Output>, HistoryError> {
    let mut ops = Vec::new();
    for client in clients {
        if let Some(r) = client.recorder() {
            ops.extend(r.clone().finish().ops().iter().cloned());
        }
    }
    ops.sort_by_key(|op| (op.invoked, op.process, op.id));
    let mut history = History::new();
    for op in ops {
        history.push(
            op.process,
            op.input,
            op.completion,
            op.invoked,
            op.completed,
        )?;
    }
    Ok(history)
}

/// The longest gap between consecutive successful completions of client operations (from
/// the first completion to the last), in milliseconds: after a leader crash, how long the
/// service took to recover, defined the same way for every protocol. `None` if a client did
/// not record its operations or fewer than two completed.
pub fn longest_silence_ms<'a, S: StateMachine>(
    clients: impl IntoIterator<Item = &'a Client<S>>,
) -> Option<f64> {
    let mut done: Vec<u64> = Vec::new();
    for c in clients {
        let h = c.recorder()?.clone().finish();
        done.extend(h.ops().iter().filter_map(|op| match op.completion {
            Completion::Ok(_) => op.completed.map(|t| t.0),
            _ => None,
        }));
    }
    done.sort_unstable();
    let gap = done.windows(2).map(|w| w[1] - w[0]).max()?;
    Some(gap as f64 / 1e6)
}

/// Checks a history of the machine's operations for linearizability against its model,
/// within `budget`.
pub fn check_linearizable<S: StateMachine>(
    history: &History<S::Input, S::Output>,
    budget: &Budget,
) -> Report<<S::Model as Model>::Key> {
    check(&S::model(), history, budget)
}

/// What the clients saw of the service: how many operations, and how long they took.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ClientMetrics {
    /// Operations issued.
    pub issued: u64,
    /// Operations answered.
    pub completed: u64,
    /// Operations given up on after every retry timed out.
    pub gave_up: u64,
    /// Open-loop arrivals dropped because a client's backlog was full.
    pub shed: u64,
    /// Requests sent, counting retries.
    pub requests: u64,
    /// Latency percentiles of answered operations, in milliseconds: p50, p90, p99, max.
    pub latency_ms: [f64; 4],
}

impl ClientMetrics {
    /// Gathers the figures of all clients.
    pub fn gather<'a, S: StateMachine>(
        clients: impl IntoIterator<Item = &'a Client<S>>,
    ) -> ClientMetrics {
        let mut m = ClientMetrics::default();
        let mut all = Vec::new();
        for c in clients {
            let (issued, completed, gave_up, shed) = c.counts();
            m.issued += issued;
            m.completed += completed;
            m.gave_up += gave_up;
            m.shed += shed;
            m.requests += c.sends();
            all.extend_from_slice(c.latencies());
        }
        all.sort_unstable();
        m.latency_ms = [
            percentile(&all, 0.50),
            percentile(&all, 0.90),
            percentile(&all, 0.99),
            all.last().map_or(0.0, |&n| n as f64 / 1e6),
        ];
        m
    }
}

/// The nearest-rank percentile of sorted nanoseconds, in milliseconds (0 when empty).
pub(crate) fn percentile(sorted: &[u64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1] as f64 / 1e6
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn nearest_rank_percentiles() {
        let ns: Vec<u64> = (1..=100).map(|i| i * 1_000_000).collect();
        assert_eq!(percentile(&ns, 0.5), 50.0);
        assert_eq!(percentile(&ns, 0.99), 99.0);
        assert_eq!(percentile(&ns, 1.0), 100.0);
        assert_eq!(percentile(&[], 0.5), 0.0);
        assert_eq!(percentile(&[3_000_000], 0.01), 3.0);
    }
}
