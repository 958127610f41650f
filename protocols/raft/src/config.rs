//! Raft's parameters, with the paper's defaults, and the named departures from the paper that
//! teaching scenarios switch on.

use serde::{Deserialize, Serialize};
use sim_core::time_text::human;
use sim_core::{Duration, DurationRange, InvalidParam};

/// How a leader serves a read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReadMode {
    /// A read is a log entry like a write: simple, and as slow as a write.
    Log,
    /// The thesis's ReadIndex (section 6.4): note the commit index, confirm leadership with
    /// one round of heartbeats, wait until the state machine has applied that far, then read.
    ReadIndex,
}

/// A departure from the paper, for watching Raft break and proving the checkers catch it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bug {
    /// Commit an entry of an earlier term by counting replicas (the paper's Figure 8).
    Figure8Commit,
    /// Keep votedFor only in memory, so a restarted server may vote twice in one term.
    ForgetVote,
    /// Accept AppendEntries without checking that the log matches at prevLogIndex.
    NoConsistencyCheck,
    /// Serve reads from the leader's state machine without confirming leadership.
    StaleRead,
    /// The naive recovery from a damaged log: the damaged entry and everything after it are
    /// dropped as if never written, and the server votes with the shorter log. One server's
    /// corruption then loses a committed entry (the PAR paper's case).
    TruncateOnCorruption,
    /// Read the disk without verifying checksums: damaged records are used as they read,
    /// damaged entries applied.
    IgnoreChecksums,
}

impl Bug {
    /// Every bug, for listings and templates.
    pub const ALL: [Bug; 6] = [
        Bug::Figure8Commit,
        Bug::ForgetVote,
        Bug::NoConsistencyCheck,
        Bug::StaleRead,
        Bug::TruncateOnCorruption,
        Bug::IgnoreChecksums,
    ];

    /// The name used in configuration files.
    pub fn name(self) -> &'static str {
        match self {
            Bug::Figure8Commit => "figure8-commit",
            Bug::ForgetVote => "forget-vote",
            Bug::NoConsistencyCheck => "no-consistency-check",
            Bug::StaleRead => "stale-read",
            Bug::TruncateOnCorruption => "truncate-on-corruption",
            Bug::IgnoreChecksums => "ignore-checksums",
        }
    }
}

/// Raft's configuration; every field has the default a user would expect from the paper.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The range election timeouts are drawn from, on each reset.
    pub election_timeout: DurationRange,
    /// How often a leader sends AppendEntries when it has nothing new.
    #[serde(with = "human")]
    pub heartbeat: Duration,
    /// The most entries in one AppendEntries.
    pub max_batch: usize,
    /// The most AppendEntries a leader keeps unanswered per follower (pipelining).
    pub max_inflight: u32,
    /// How long a leader lets client commands gather before it appends them all and sends
    /// AppendEntries (0: each at once). Fewer, fuller AppendEntries and one disk sync per
    /// batch cost fewer messages and writes per command, and a little latency.
    #[serde(with = "human")]
    pub batch_delay: Duration,
    /// Take a snapshot once this many applied entries follow the last one; 0 never snapshots.
    pub snapshot_threshold: u64,
    /// Ask for pre-votes before starting an election (thesis 9.6).
    pub pre_vote: bool,
    /// A leader steps down when it has not heard from a majority for an election timeout,
    /// and servers ignore vote requests while they hear from a leader (thesis 6.2, 4.2.3).
    pub check_quorum: bool,
    /// How reads are served.
    pub read_mode: ReadMode,
    /// Departures from the paper, all off by default.
    pub bugs: Vec<Bug>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            election_timeout: DurationRange {
                min: Duration::from_millis(150),
                max: Duration::from_millis(300),
            },
            heartbeat: Duration::from_millis(50),
            max_batch: 64,
            max_inflight: 2,
            batch_delay: Duration::ZERO,
            snapshot_threshold: 1_000,
            pre_vote: true,
            check_quorum: true,
            read_mode: ReadMode::ReadIndex,
            bugs: Vec::new(),
        }
    }
}

impl Config {
    /// Whether a departure from the paper is switched on.
    pub fn has(&self, bug: Bug) -> bool {
        self.bugs.contains(&bug)
    }

    /// Checks what serde cannot, naming the field.
    pub fn validate(&self) -> Result<(), InvalidParam> {
        let bad = |field: &str, why: String| Err(InvalidParam::new(field, why));
        if self.election_timeout.min == Duration::ZERO {
            return bad("election_timeout", "must be longer than 0".into());
        }
        if self.heartbeat == Duration::ZERO {
            return bad("heartbeat", "must be longer than 0".into());
        }
        if self.heartbeat >= self.election_timeout.min {
            return bad(
                "heartbeat",
                format!(
                    "{} must be shorter than the shortest election timeout ({}), or followers time out between heartbeats",
                    self.heartbeat, self.election_timeout.min
                ),
            );
        }
        if self.max_batch == 0 {
            return bad("max_batch", "must be at least 1".into());
        }
        if self.max_inflight == 0 {
            return bad("max_inflight", "must be at least 1".into());
        }
        if self.batch_delay >= self.election_timeout.min {
            return bad(
                "batch_delay",
                format!(
                    "{} must be shorter than the shortest election timeout ({}), or commands wait longer than a leader may be silent",
                    self.batch_delay, self.election_timeout.min
                ),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_partial_config_with_text_durations_and_bug_names() {
        let c: Config = serde_json::from_str(
            r#"{"election_timeout": "150ms..151ms", "bugs": ["figure8-commit", "stale-read"]}"#,
        )
        .unwrap();
        assert_eq!(c.election_timeout.max, Duration::from_millis(151));
        assert!(c.has(Bug::Figure8Commit) && c.has(Bug::StaleRead));
        assert!(!c.has(Bug::ForgetVote));
        assert_eq!(c.heartbeat, Config::default().heartbeat);
        assert!(serde_json::from_str::<Config>(r#"{"bugs": ["figure9"]}"#).is_err());
        assert!(serde_json::from_str::<Config>(r#"{"heartbeats": "1ms"}"#).is_err());
        for b in Bug::ALL {
            assert_eq!(
                serde_json::to_string(&b).unwrap(),
                format!("\"{}\"", b.name())
            );
        }
    }

    #[test]
    fn validation_rejects_a_heartbeat_slower_than_elections() {
        let c = Config {
            heartbeat: Duration::from_millis(200),
            ..Config::default()
        };
        assert_eq!(c.validate().unwrap_err().field, "heartbeat");
        assert!(Config::default().validate().is_ok());
        let c = Config {
            batch_delay: Duration::from_millis(150),
            ..Config::default()
        };
        assert_eq!(c.validate().unwrap_err().field, "batch_delay");
    }
}
