//! The ledger's parameters, as they appear in scenario files.

use serde::{Deserialize, Serialize};
use sim_core::time_text::human;
use sim_core::{Duration, InvalidParam};

/// Which consensus protocol agrees on the ledger's order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Deployment {
    /// Raft servers, one per ledger node.
    #[default]
    Raft,
    /// Multi-Paxos servers, one per ledger node.
    MultiPaxos,
}

/// A deliberate departure from the protocol, so that a run can show the checkers catching it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LedgerBug {
    /// Blocks fetched from a peer to repair a damaged or missing one are written without
    /// being checked against the chain, so a tampered copy spreads.
    NoVerifyOnRepair,
    /// Reads are answered from the local copy of the block without checking it, so a
    /// tampered block is served.
    TrustLocalCopy,
}

/// The parameters of a ledger cluster.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LedgerConfig {
    /// The consensus protocol.
    pub deployment: Deployment,
    /// Raft's parameters, when it is the protocol.
    pub raft: raft::Config,
    /// Multi-Paxos's parameters, when it is the protocol.
    pub paxos: paxos::Config,
    /// The leader cuts a block once this many records wait.
    pub block_size: u32,
    /// ... or once the oldest waiting record has waited this long.
    #[serde(with = "human")]
    pub block_timeout: Duration,
    /// Blocks each node checks per second of its clock, cycling through its chain (0: no
    /// scrubbing).
    pub scrub_rate: f64,
    /// How long a node waits for a peer's blocks before it asks another.
    #[serde(with = "human")]
    pub fetch_timeout: Duration,
    /// Known bugs to switch on.
    pub bugs: Vec<LedgerBug>,
}

impl Default for LedgerConfig {
    fn default() -> Self {
        LedgerConfig {
            deployment: Deployment::Raft,
            raft: raft::Config::default(),
            paxos: paxos::Config::default(),
            block_size: 100,
            block_timeout: Duration::from_millis(100),
            scrub_rate: 20.0,
            fetch_timeout: Duration::from_millis(200),
            bugs: Vec::new(),
        }
    }
}

impl LedgerConfig {
    /// Whether `bug` is on.
    pub fn has(&self, bug: LedgerBug) -> bool {
        self.bugs.contains(&bug)
    }

    /// Checks what serde cannot; errors name the field and what was expected.
    pub fn validate(&self) -> Result<(), InvalidParam> {
        if self.block_size == 0 {
            return Err(InvalidParam::new(
                "block_size",
                "is 0; expected at least 1 record per block",
            ));
        }
        if self.block_timeout == Duration::ZERO {
            return Err(InvalidParam::new(
                "block_timeout",
                "is 0; expected a positive duration such as \"100ms\"",
            ));
        }
        if !(self.scrub_rate.is_finite() && self.scrub_rate >= 0.0) {
            return Err(InvalidParam::new(
                "scrub_rate",
                format!(
                    "is {}; expected blocks per second, 0 or more",
                    self.scrub_rate
                ),
            ));
        }
        if self.fetch_timeout == Duration::ZERO {
            return Err(InvalidParam::new(
                "fetch_timeout",
                "is 0; expected a positive duration such as \"200ms\"",
            ));
        }
        match self.deployment {
            Deployment::Raft => self.raft.validate().map_err(|e| e.within("raft")),
            Deployment::MultiPaxos => self.paxos.validate().map_err(|e| e.within("paxos")),
        }
    }

    /// The time between two scrub steps, if the node scrubs.
    pub fn scrub_interval(&self) -> Option<Duration> {
        (self.scrub_rate > 0.0).then(|| {
            let ns = (1e9 / self.scrub_rate).round().clamp(1.0, u64::MAX as f64);
            Duration(ns as u64)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impossible_parameters_are_named() {
        let bad = |f: fn(&mut LedgerConfig)| {
            let mut c = LedgerConfig::default();
            f(&mut c);
            c.validate().unwrap_err().to_string()
        };
        assert!(bad(|c| c.block_size = 0).contains("block_size"));
        assert!(bad(|c| c.block_timeout = Duration::ZERO).contains("block_timeout"));
        assert!(bad(|c| c.scrub_rate = -1.0).contains("scrub_rate: is -1"));
        assert!(bad(|c| c.scrub_rate = f64::NAN).contains("scrub_rate"));
        assert!(LedgerConfig::default().validate().is_ok());
        let parsed: LedgerConfig = serde_json::from_str(
            r#"{"deployment": "multi-paxos", "block_timeout": "50ms", "bugs": ["no-verify-on-repair"]}"#,
        )
        .unwrap();
        assert_eq!(parsed.deployment, Deployment::MultiPaxos);
        assert_eq!(parsed.block_timeout, Duration::from_millis(50));
        assert!(parsed.has(LedgerBug::NoVerifyOnRepair));
        assert!(serde_json::from_str::<LedgerConfig>(r#"{"block_sise": 3}"#).is_err());
        assert_eq!(
            LedgerConfig::default().scrub_interval(),
            Some(Duration::from_millis(50))
        );
    }
}
