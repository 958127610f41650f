//! What simulated clients ask for, and how often.

use rsm::{Load, Pacing, Workload};
use serde::{Deserialize, Serialize};
use sim_core::history::models::KvInput;
use sim_core::time_text::human;
use sim_core::{Duration, InvalidParam, SimRng};

/// The client workload of a key-value scenario.
///
/// Values are unique per operation (`"c5.17"` is client 5's operation 17, padded to
/// `value_size`), so every append is traceable to its writer and the linearizability search
/// stays small.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WorkloadConfig {
    /// How many client nodes (they follow the servers in id order).
    pub clients: u32,
    /// The share of each operation.
    pub mix: Mix,
    /// How many distinct keys (`k0`, `k1`, ...) operations pick from, uniformly.
    pub keys: u32,
    /// Length of each written value in bytes (at least long enough to be unique).
    pub value_size: u32,
    /// When each client issues its next operation.
    pub pacing: Pacing,
    /// How long a client waits for an answer before it retries at another server.
    #[serde(with = "human")]
    pub timeout: Duration,
    /// How many times an operation is sent before the client gives up on it (its outcome is
    /// then unknown to the history) and moves on.
    pub attempts: u32,
    /// The most operations each client issues; 0 for no limit.
    pub ops_per_client: u64,
    /// When clients begin, so the cluster can elect a leader first.
    #[serde(with = "human")]
    pub start: Duration,
    /// Whether to record every operation for the linearizability check (a long benchmark run
    /// turns it off to keep memory flat).
    pub record: bool,
}

impl Default for WorkloadConfig {
    fn default() -> Self {
        WorkloadConfig {
            clients: 3,
            mix: Mix::default(),
            keys: 5,
            value_size: 8,
            pacing: Pacing::default(),
            timeout: Duration::from_millis(500),
            attempts: 10,
            ops_per_client: 0,
            start: Duration::from_millis(500),
            record: true,
        }
    }
}

/// Relative weights of the operations; they need not sum to one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Mix {
    /// Weight of reads.
    pub get: f64,
    /// Weight of overwrites.
    pub put: f64,
    /// Weight of appends.
    pub append: f64,
}

impl Default for Mix {
    fn default() -> Self {
        Mix {
            get: 0.5,
            put: 0.25,
            append: 0.25,
        }
    }
}

impl WorkloadConfig {
    /// Checks what serde cannot: weights, sizes and rates that make sense together.
    pub fn validate(&self) -> Result<(), InvalidParam> {
        let m = &self.mix;
        for (name, w) in [("get", m.get), ("put", m.put), ("append", m.append)] {
            if !(w.is_finite() && w >= 0.0) {
                return Err(InvalidParam::new(
                    format!("mix.{name}"),
                    format!("is {w}; expected a weight of 0 or more"),
                ));
            }
        }
        if m.get + m.put + m.append <= 0.0 {
            return Err(InvalidParam::new(
                "mix",
                "every weight is 0; give at least one operation a positive weight",
            ));
        }
        if self.keys == 0 {
            return Err(InvalidParam::new("keys", "is 0; expected at least one key"));
        }
        self.load().validate()
    }

    /// Draws `client`'s operation number `seq`.
    pub fn draw(&self, client: u64, seq: u64, rng: &mut SimRng) -> KvInput {
        let key = format!("k{}", rng.below(u64::from(self.keys.max(1))));
        let m = &self.mix;
        let total = m.get + m.put + m.append;
        let x = rng.unit_f64() * total;
        if x < m.get {
            return KvInput::Get { key };
        }
        let value = self.value(client, seq);
        if x < m.get + m.put {
            KvInput::Put { key, value }
        } else {
            KvInput::Append { key, value }
        }
    }

    /// The unique value written by `client`'s operation `seq`, padded to `value_size`; the
    /// separator after it keeps appended values apart when read back.
    pub fn value(&self, client: u64, seq: u64) -> String {
        let mut v = format!("c{client}.{seq};");
        while v.len() < self.value_size as usize {
            v.push('_');
        }
        v
    }
}

impl Workload for WorkloadConfig {
    type Machine = crate::KvMap;

    fn load(&self) -> Load {
        Load {
            clients: self.clients,
            pacing: self.pacing,
            timeout: self.timeout,
            attempts: self.attempts,
            ops_per_client: self.ops_per_client,
            start: self.start,
            record: self.record,
        }
    }

    fn validate(&self) -> Result<(), InvalidParam> {
        WorkloadConfig::validate(self)
    }

    fn draw(&self, client: u64, seq: u64, rng: &mut SimRng) -> Option<KvInput> {
        Some(WorkloadConfig::draw(self, client, seq, rng))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::Stream;

    #[test]
    fn the_mix_is_respected_and_draws_are_seeded() {
        let cfg = WorkloadConfig {
            mix: Mix {
                get: 1.0,
                put: 0.0,
                append: 3.0,
            },
            ..WorkloadConfig::default()
        };
        let mut rng = SimRng::new(5, Stream::Workload);
        let ops: Vec<KvInput> = (0..4000).map(|s| cfg.draw(1, s, &mut rng)).collect();
        let gets = ops
            .iter()
            .filter(|o| matches!(o, KvInput::Get { .. }))
            .count();
        let puts = ops
            .iter()
            .filter(|o| matches!(o, KvInput::Put { .. }))
            .count();
        assert_eq!(puts, 0);
        assert!(
            (900..1100).contains(&gets),
            "{gets} gets of 4000 at weight 1/4"
        );
        let mut again = SimRng::new(5, Stream::Workload);
        let same: Vec<KvInput> = (0..4000).map(|s| cfg.draw(1, s, &mut again)).collect();
        assert_eq!(ops, same);
    }

    #[test]
    fn values_are_unique_and_padded() {
        let cfg = WorkloadConfig {
            value_size: 12,
            ..WorkloadConfig::default()
        };
        assert_eq!(cfg.value(3, 7), "c3.7;_______");
        assert_ne!(cfg.value(3, 7), cfg.value(37, 0));
        assert_eq!(cfg.value(123456, 7890123), "c123456.7890123;");
    }

    #[test]
    fn validation_names_the_field() {
        let mut cfg = WorkloadConfig::default();
        assert!(cfg.validate().is_ok());
        cfg.mix.get = -1.0;
        assert_eq!(cfg.validate().unwrap_err().field, "mix.get");
        let cfg = WorkloadConfig {
            pacing: Pacing::Rate { per_second: 0.0 },
            ..WorkloadConfig::default()
        };
        assert_eq!(cfg.validate().unwrap_err().field, "pacing.per_second");
        // The protocols check a workload through the trait, which says the same.
        assert_eq!(
            Workload::validate(&cfg).unwrap_err().field,
            "pacing.per_second"
        );
    }

    #[test]
    fn serde_form_uses_text_durations_and_rejects_unknown_keys() {
        let cfg: WorkloadConfig = serde_json::from_str(
            r#"{"clients": 2, "timeout": "250ms", "pacing": {"mode": "rate", "per_second": 50.0}}"#,
        )
        .unwrap();
        assert_eq!(cfg.clients, 2);
        assert_eq!(cfg.timeout, Duration::from_millis(250));
        assert_eq!(cfg.pacing, Pacing::Rate { per_second: 50.0 });
        assert!(serde_json::from_str::<WorkloadConfig>(r#"{"client": 2}"#).is_err());
        let back: WorkloadConfig =
            serde_json::from_str(&serde_json::to_string(&cfg).unwrap()).unwrap();
        assert_eq!(back, cfg);
    }

    #[test]
    fn a_mix_with_some_weights_at_zero_is_valid_and_each_weight_picks_its_own_operation() {
        for (get, put, append) in [
            (1.0, 1.0, 0.0),
            (0.0, 1.0, 1.0),
            (1.0, 0.0, 1.0),
            (1.0, 0.0, 0.0),
            (0.0, 1.0, 0.0),
            (0.0, 0.0, 1.0),
        ] {
            let cfg = WorkloadConfig {
                mix: Mix { get, put, append },
                ..WorkloadConfig::default()
            };
            assert!(cfg.validate().is_ok(), "{get} {put} {append}");
        }
        for (get, put, append, wanted) in [
            (0.0, 1.0, 0.0, "put"),
            (0.0, 0.0, 1.0, "append"),
            (1.0, 0.0, 0.0, "get"),
        ] {
            let cfg = WorkloadConfig {
                mix: Mix { get, put, append },
                ..WorkloadConfig::default()
            };
            let mut rng = SimRng::new(9, Stream::Workload);
            for seq in 0..200 {
                let got = match cfg.draw(1, seq, &mut rng) {
                    KvInput::Get { .. } => "get",
                    KvInput::Put { .. } => "put",
                    KvInput::Append { .. } => "append",
                };
                assert_eq!(got, wanted);
            }
        }
    }

    #[test]
    fn the_benchmark_load_is_the_one_its_documentation_states() {
        let w = crate::benchmark::workload(true);
        assert_eq!(w.clients, 10);
        assert_eq!(w.pacing, crate::Pacing::Rate { per_second: 100.0 });
        assert_eq!(w.start, sim_core::Duration::from_millis(500));
        assert!(w.record);
        assert!(!crate::benchmark::workload(false).record);
    }
}
