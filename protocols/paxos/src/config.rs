//! The protocol's parameters, as they appear in scenario files.

use serde::{Deserialize, Serialize};
use sim_core::time_text::human;
use sim_core::{Duration, DurationRange, InvalidParam};

/// A deliberate departure from the protocol, so that a run can show the checkers catching it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Bug {
    /// Acceptors never sync their disk: a restarted acceptor has forgotten what it promised
    /// and accepted, and may promise or accept against it.
    ForgetPromise,
    /// A new proposer ignores the accepted values reported in promises and proposes values of
    /// its own, overwriting slots that may already be chosen.
    IgnoreAccepted,
    /// Ballots carry no proposer id, so two proposers may run the same ballot with different
    /// values.
    NonUniqueBallots,
    /// The naive recovery from a damaged disk: a record that fails its check is dropped as if
    /// never written, and the acceptor answers as though it had never promised or accepted
    /// it (the PAR paper's lost commit).
    TruncateOnCorruption,
    /// Records are read without their checksums: damaged promises and accepted values are
    /// taken as they read.
    IgnoreChecksums,
}

/// The parameters of a Multi-Paxos cluster (every server is proposer, acceptor and learner).
///
/// Durations are written as text in files (`"50ms"`, `"150ms..300ms"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Promises a proposer needs before it may propose (phase 1); 0 means a majority.
    pub phase1_quorum: u32,
    /// Acceptances that choose a value (phase 2); 0 means a majority. With flexible quorums
    /// the two need only intersect: `phase1_quorum + phase2_quorum > acceptors`.
    pub phase2_quorum: u32,
    /// How often the leader tells the others it is alive (and how far it has committed).
    #[serde(with = "human")]
    pub heartbeat: Duration,
    /// How long a follower waits without hearing from a leader before it runs phase 1 itself;
    /// drawn anew each time so that proposers rarely collide.
    pub leader_timeout: DurationRange,
    /// How long a proposer whose ballot was overtaken waits before trying again: the
    /// randomized back-off that lets dueling proposers make progress.
    pub backoff: DurationRange,
    /// How long a proposer waits for an answer before it sends a prepare or an accept again.
    #[serde(with = "human")]
    pub resend: Duration,
    /// The most slots the leader has proposed but not yet seen chosen.
    pub window: u64,
    /// The most client commands the leader puts in one slot.
    pub max_batch: u32,
    /// How long the leader lets client commands gather before it proposes a slot that is not
    /// full (0: propose at once). Fewer, fuller slots cost fewer messages per command and a
    /// little latency.
    #[serde(with = "human")]
    pub batch_delay: Duration,
    /// Replicas snapshot their store every this many applied slots, after which acceptors
    /// forget what they accepted below it (0: never).
    pub snapshot_every: u64,
    /// The most chosen slots sent in one catch-up answer.
    pub catch_up_batch: u64,
    /// Known bugs to enable.
    pub bugs: Vec<Bug>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            phase1_quorum: 0,
            phase2_quorum: 0,
            heartbeat: Duration::from_millis(50),
            leader_timeout: DurationRange {
                min: Duration::from_millis(150),
                max: Duration::from_millis(300),
            },
            backoff: DurationRange {
                min: Duration::from_millis(10),
                max: Duration::from_millis(100),
            },
            resend: Duration::from_millis(100),
            window: 8,
            max_batch: 64,
            batch_delay: Duration::ZERO,
            snapshot_every: 1000,
            catch_up_batch: 256,
            bugs: Vec::new(),
        }
    }
}

impl Config {
    /// Whether `bug` is enabled.
    pub fn has(&self, bug: Bug) -> bool {
        self.bugs.contains(&bug)
    }

    /// The phase-1 quorum for `acceptors` acceptors.
    pub fn q1(&self, acceptors: u32) -> u32 {
        if self.phase1_quorum == 0 {
            acceptors / 2 + 1
        } else {
            self.phase1_quorum
        }
    }

    /// The phase-2 quorum for `acceptors` acceptors.
    pub fn q2(&self, acceptors: u32) -> u32 {
        if self.phase2_quorum == 0 {
            acceptors / 2 + 1
        } else {
            self.phase2_quorum
        }
    }

    /// Checks what serde cannot, naming the field at fault.
    pub fn validate(&self) -> Result<(), InvalidParam> {
        let bad = |field: &str, why: String| Err(InvalidParam::new(field, why));
        if self.heartbeat == Duration::ZERO {
            return bad(
                "heartbeat",
                "is 0; expected a positive duration such as \"50ms\"".into(),
            );
        }
        if self.resend == Duration::ZERO {
            return bad(
                "resend",
                "is 0; expected a positive duration such as \"100ms\"".into(),
            );
        }
        if self.leader_timeout.min <= self.heartbeat {
            return bad(
                "leader_timeout",
                format!(
                    "{} must be longer than heartbeat ({}), or followers depose a live leader",
                    self.leader_timeout,
                    sim_core::time_text::format_exact(self.heartbeat)
                ),
            );
        }
        if self.backoff.max == Duration::ZERO {
            return bad(
                "backoff",
                "is 0; expected a positive range such as \"10ms..100ms\" so that dueling proposers drift apart"
                    .into(),
            );
        }
        if self.window == 0 {
            return bad("window", "is 0; expected at least 1 slot in flight".into());
        }
        if self.max_batch == 0 {
            return bad(
                "max_batch",
                "is 0; expected at least 1 command per slot".into(),
            );
        }
        if self.catch_up_batch == 0 {
            return bad(
                "catch_up_batch",
                "is 0; expected at least 1 slot per answer".into(),
            );
        }
        Ok(())
    }

    /// [`Config::validate`] plus the checks that depend on the number of acceptors: each
    /// quorum fits in the cluster and every phase-1 quorum meets every phase-2 quorum.
    pub fn validate_for(&self, acceptors: u32) -> Result<(), InvalidParam> {
        self.validate()?;
        if acceptors == 0 {
            return Err(InvalidParam::new(
                "servers",
                "is 0; expected at least one acceptor",
            ));
        }
        let (q1, q2) = (self.q1(acceptors), self.q2(acceptors));
        for (name, q) in [("phase1_quorum", q1), ("phase2_quorum", q2)] {
            if q > acceptors {
                return Err(InvalidParam::new(
                    name,
                    format!("is {q} but there are only {acceptors} acceptors"),
                ));
            }
        }
        if q1 + q2 <= acceptors {
            return Err(InvalidParam::new(
                "phase2_quorum",
                format!(
                    "phase1_quorum + phase2_quorum must exceed the number of acceptors ({q1} + {q2} <= {acceptors}), or two leaders could choose different values"
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn majorities_by_default_and_flexible_quorums_must_intersect() {
        let c = Config::default();
        assert_eq!((c.q1(5), c.q2(5)), (3, 3));
        assert_eq!((c.q1(4), c.q2(4)), (3, 3));
        assert!(c.validate_for(5).is_ok());
        let flexible = Config {
            phase1_quorum: 4,
            phase2_quorum: 2,
            ..Config::default()
        };
        assert!(flexible.validate_for(5).is_ok());
        let disjoint = Config {
            phase1_quorum: 2,
            phase2_quorum: 3,
            ..Config::default()
        };
        assert_eq!(
            disjoint.validate_for(5).unwrap_err().to_string(),
            "phase2_quorum: phase1_quorum + phase2_quorum must exceed the number of acceptors (2 + 3 <= 5), or two leaders could choose different values"
        );
        let everyone = Config {
            phase1_quorum: 1,
            phase2_quorum: 5,
            ..Config::default()
        };
        assert!(
            everyone.validate_for(5).is_ok(),
            "a quorum of every acceptor"
        );
        let too_big = Config {
            phase2_quorum: 6,
            ..Config::default()
        };
        assert!(
            too_big
                .validate_for(5)
                .unwrap_err()
                .to_string()
                .starts_with("phase2_quorum: is 6")
        );
    }

    #[test]
    fn validation_names_the_field() {
        let c = Config {
            window: 0,
            ..Config::default()
        };
        assert_eq!(c.validate().unwrap_err().field, "window");
        let c = Config {
            leader_timeout: DurationRange::exactly(Duration::from_millis(20)),
            ..Config::default()
        };
        assert_eq!(c.validate().unwrap_err().field, "leader_timeout");
    }

    #[test]
    fn serde_form_is_text_with_kebab_case_bugs() {
        let c: Config = serde_json::from_str(
            r#"{"heartbeat": "20ms", "leader_timeout": "100ms..200ms", "bugs": ["forget-promise", "ignore-accepted", "non-unique-ballots"]}"#,
        )
        .unwrap();
        assert_eq!(c.heartbeat, Duration::from_millis(20));
        assert_eq!(c.leader_timeout.max, Duration::from_millis(200));
        assert_eq!(c.bugs.len(), 3);
        assert!(c.has(Bug::IgnoreAccepted));
        assert!(serde_json::from_str::<Config>(r#"{"heartbeats": "20ms"}"#).is_err());
        let back: Config = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
        assert_eq!(back, c);
    }
}
