//! What the ledger's simulated producers submit: records of results, each naming the SHA-256
//! of data the producer drew.

use crate::digest::Hash32;
use crate::entry::{Entry, RecordId};
use crate::machine::Ledger;
use crate::op::LedgerOp;
use rsm::{Load, Pacing, Workload};
use serde::{Deserialize, Serialize};
use sim_core::time_text::human;
use sim_core::{Duration, InvalidParam, SimRng, Time};

/// The producers' workload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LedgerWorkload {
    /// How many producer nodes (they follow the servers in id order).
    pub clients: u32,
    /// The smallest data size a record names, in bytes.
    pub min_size: u64,
    /// The largest data size a record names, in bytes.
    pub max_size: u64,
    /// When each producer submits its next record.
    pub pacing: Pacing,
    /// How long a producer waits for an acknowledgement before it retries elsewhere.
    #[serde(with = "human")]
    pub timeout: Duration,
    /// How many times a record is sent before the producer gives up on it.
    pub attempts: u32,
    /// The most records each producer submits; 0 for no limit.
    pub ops_per_client: u64,
    /// When producers begin, so the cluster can elect a leader first.
    #[serde(with = "human")]
    pub start: Duration,
    /// Whether to record every operation for the linearizability check.
    pub record: bool,
    /// How many reader nodes (after the producers) read records back with their proofs.
    pub readers: u32,
    /// How often each reader reads a record.
    #[serde(with = "human")]
    pub read_every: Duration,
}

impl Default for LedgerWorkload {
    fn default() -> Self {
        LedgerWorkload {
            clients: 3,
            min_size: 256,
            max_size: 64 * 1024,
            pacing: Pacing::default(),
            timeout: Duration::from_millis(500),
            attempts: 10,
            ops_per_client: 0,
            start: Duration::from_millis(500),
            record: true,
            readers: 1,
            read_every: Duration::from_millis(100),
        }
    }
}

impl LedgerWorkload {
    /// The record `client` submits as its operation `seq`: data drawn from `rng`, named by
    /// its SHA-256. Its time is stamped when the producer submits it ([`Workload::stamp`]).
    pub fn record(&self, client: u64, seq: u64, rng: &mut SimRng) -> Entry {
        let span = self.max_size.saturating_sub(self.min_size);
        let size = self.min_size + rng.below(span.saturating_add(1).max(1));
        let nonce = rng.next_u64();
        let mut data = [0u8; 24];
        data[..8].copy_from_slice(&client.to_be_bytes());
        data[8..16].copy_from_slice(&seq.to_be_bytes());
        data[16..].copy_from_slice(&nonce.to_be_bytes());
        Entry {
            id: RecordId {
                producer: client as u32,
                number: seq,
            },
            data: Hash32::of_data(&data),
            size,
            time: 0,
        }
    }
}

impl Workload for LedgerWorkload {
    type Machine = Ledger;

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
        if self.min_size > self.max_size {
            return Err(InvalidParam::new(
                "min_size",
                format!(
                    "is {} but max_size is {}; expected min_size <= max_size",
                    self.min_size, self.max_size
                ),
            ));
        }
        if self.readers > 0 && self.read_every == Duration::ZERO {
            return Err(InvalidParam::new(
                "read_every",
                "is 0; expected a positive duration such as \"100ms\"",
            ));
        }
        self.load().validate()
    }

    fn draw(&self, client: u64, seq: u64, rng: &mut SimRng) -> Option<LedgerOp> {
        Some(LedgerOp::Append(self.record(client, seq, rng).into()))
    }

    /// A record's time is its producer's clock when it is submitted.
    fn stamp(&self, op: &mut LedgerOp, local_time: Time) {
        if let LedgerOp::Append(e) = op {
            e.entry_mut().time = local_time.0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::Stream;

    #[test]
    fn records_are_named_by_producer_and_number_and_sized_within_bounds() {
        let w = LedgerWorkload {
            min_size: 10,
            max_size: 20,
            ..LedgerWorkload::default()
        };
        let mut rng = SimRng::new(7, Stream::Workload);
        let records: Vec<Entry> = (1..=500).map(|s| w.record(4, s, &mut rng)).collect();
        assert!(records.iter().all(|e| (10..=20).contains(&e.size)));
        assert!(records.iter().any(|e| e.size == 10) && records.iter().any(|e| e.size == 20));
        assert_eq!(
            records[9].id,
            RecordId {
                producer: 4,
                number: 10
            }
        );
        let mut digests: Vec<Hash32> = records.iter().map(|e| e.data).collect();
        digests.sort();
        digests.dedup();
        assert_eq!(digests.len(), 500, "every record names different data");
        // The same seed draws the same records.
        let mut again = SimRng::new(7, Stream::Workload);
        assert_eq!(w.record(4, 1, &mut again), records[0]);
        let bad = LedgerWorkload { min_size: 30, ..w };
        assert_eq!(bad.validate().unwrap_err().field, "min_size");
    }
}
