//! The names a protocol's runs use: metrics, view fields, message kinds. `validate` checks a
//! file's `[[expect]]`, `[[assert]]` and `kinds` against them, so that a misspelt name is an
//! error with a suggestion when the file is loaded, not a failed check after a long run. A
//! test runs shipped scenarios of every protocol and checks that whatever they report is
//! listed here.

/// How a metric is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricShape {
    /// One number, read by its name.
    Value,
    /// A distribution, read through a summary suffix (`_p99`, `_mean`, ...).
    Samples,
}

/// Every name a protocol's runs may use; some appear only when they mean something (a
/// makespan once every task is done).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vocabulary {
    /// Its own metrics (the runner's generic ones are added by [`Vocabulary::metric_names`]).
    pub metrics: Vec<(&'static str, MetricShape)>,
    /// View fields of its servers.
    pub fields: Vec<&'static str>,
    /// Its message kinds.
    pub kinds: Vec<&'static str>,
}

/// Metrics the runner reports for every protocol.
pub const GENERIC_METRICS: [&str; 8] = [
    "events",
    "messages_sent",
    "messages_delivered",
    "messages_dropped",
    "bytes_sent",
    "timers_fired",
    "faults",
    "virtual_time_s",
];

/// The metrics of a key-value store's clients (Raft and Multi-Paxos).
pub const KV_CLIENT_METRICS: [(&str, MetricShape); 6] = [
    ("ops_issued", MetricShape::Value),
    ("ops_completed", MetricShape::Value),
    ("ops_gave_up", MetricShape::Value),
    ("ops_shed", MetricShape::Value),
    ("client_requests", MetricShape::Value),
    ("op_latency_ms", MetricShape::Samples),
];

/// A Raft server's view fields.
pub const RAFT_FIELDS: [&str; 10] = [
    "role",
    "term",
    "voted for",
    "leader",
    "commit index",
    "applied index",
    "last index",
    "snapshot",
    "configuration",
    "disk recovery",
];

/// Raft's message kinds, client messages included.
pub const RAFT_KINDS: [&str; 14] = [
    "PreVote",
    "RequestVote",
    "PreVoteReply",
    "Vote",
    "Heartbeat",
    "AppendEntries",
    "AppendReply",
    "InstallSnapshot",
    "SnapshotReply",
    "ClientRequest",
    "ClientReply",
    "TermQuery",
    "TermReply",
    "RepairFrom",
];

/// A Multi-Paxos server's view fields.
pub const PAXOS_FIELDS: [&str; 9] = [
    "ballot promised",
    "leader",
    "proposer",
    "chosen prefix",
    "accepted slots",
    "chosen beyond prefix",
    "snapshot",
    "leaders in log",
    "disk recovery",
];

/// Multi-Paxos's message kinds, client messages included.
pub const PAXOS_KINDS: [&str; 13] = [
    "Prepare",
    "Promise",
    "Nack",
    "Accept",
    "Accepted",
    "Heartbeat",
    "CatchUp",
    "Chosen",
    "Snapshot",
    "Request",
    "Reply",
    "BallotQuery",
    "BallotReply",
];

impl Vocabulary {
    /// Every name `[[expect]] metric` may take in a run of the protocol: its values, its
    /// distributions with each summary suffix, the generic metrics, and those of the
    /// watches (`leader` and `convergence` say which apply) and of clients (`clients`).
    pub fn metric_names(&self, leader: bool, convergence: bool, clients: bool) -> Vec<String> {
        let mut out: Vec<String> = GENERIC_METRICS.iter().map(|m| m.to_string()).collect();
        let mut shapes: Vec<(&str, MetricShape)> = self.metrics.clone();
        if clients {
            out.push("messages_per_op".into());
        }
        if leader {
            shapes.push(("leader_election_ms", MetricShape::Samples));
            shapes.push(("failover_ms", MetricShape::Samples));
        }
        if convergence {
            out.push("convergence_ms".into());
            out.push("recovery_ms".into());
        }
        for (name, shape) in shapes {
            match shape {
                MetricShape::Value => out.push(name.to_string()),
                MetricShape::Samples => {
                    for s in super::SUMMARY_SUFFIXES.iter().chain(&["p999"]) {
                        out.push(format!("{name}_{s}"));
                    }
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

/// `a` then the names of `b` not in `a`.
pub fn union(a: &[&'static str], b: &[&'static str]) -> Vec<&'static str> {
    let mut v = a.to_vec();
    for x in b {
        if !v.contains(x) {
            v.push(x);
        }
    }
    v
}
