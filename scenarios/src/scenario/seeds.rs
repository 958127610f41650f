//! `[[recorded]]` seeds and their fingerprints, replayed by `clustersim check`.

use crate::hex::Hex64;
use serde::{Deserialize, Serialize};

/// A seed whose run is pinned: the same scenario and seed must give this fingerprint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recorded {
    /// The seed.
    pub seed: u64,
    /// The expected fingerprint; absent until `clustersim check --update` fills it in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<Hex64>,
}
