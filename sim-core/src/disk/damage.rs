//! What a storage fault leaves on a record, and how a record type says what damaged bytes
//! read as.

use super::DiskKey;
use serde::Serialize;

/// Why a record fails its check ([`super::Disk::read`]), or, for the last two kinds, what
/// happened to it that no check can see (listed by [`super::Disk::damaged`] for inspectors).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "damage", rename_all = "kebab-case")]
pub enum Damage {
    /// Its bytes changed on the medium.
    Corrupt,
    /// A crash tore the sync that wrote it: only part of it reached the medium.
    Torn,
    /// It holds a write meant for another key (its checksum names that key).
    Misdirected {
        /// The key the write was meant for.
        meant: DiskKey,
    },
    /// A latent sector error: it cannot be read at all.
    Unreadable,
    /// Rewritten with valid checksums by someone with access to the disk: reads accept it.
    Tampered,
    /// A write to it was acknowledged by a sync but never reached the medium: the node sees
    /// it until its next crash, then the older value.
    LostWrite,
}

/// In words, for inspectors: `corrupt`, `holds a write meant for log/4`.
impl std::fmt::Display for Damage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Damage::Corrupt => f.write_str("corrupt"),
            Damage::Torn => f.write_str("torn by a crash inside a sync"),
            Damage::Misdirected { meant } => {
                write!(f, "holds a write meant for {}/{}", meant.0, meant.1)
            }
            Damage::Unreadable => f.write_str("unreadable"),
            Damage::Tampered => f.write_str("tampered with (checksums valid)"),
            Damage::LostWrite => f.write_str("a lost write (shows at the next crash)"),
        }
    }
}

/// A record type whose stored bytes a storage fault can change. Corruption must produce a
/// value a protocol can tell apart from the original only by its checksum: a node that does
/// not verify what it reads acts on the changed value.
pub trait Corruptible: Sized {
    /// What the record reads as after some of its bytes changed, `noise` deciding which. It
    /// should differ from `self` wherever the type has room to.
    fn corrupted(&self, noise: u64) -> Self;

    /// What an attacker with access to the disk writes in its place, checksums recomputed.
    /// By default the same change as corruption; types with internal structure (a block and
    /// its Merkle root) keep that structure consistent so that only outside evidence (the
    /// hash chain) reveals it.
    fn tampered(&self, noise: u64) -> Self {
        self.corrupted(noise)
    }
}

impl Corruptible for () {
    fn corrupted(&self, _: u64) {}
}

impl Corruptible for u64 {
    fn corrupted(&self, noise: u64) -> u64 {
        self ^ (noise | 1)
    }
}

impl Corruptible for u32 {
    fn corrupted(&self, noise: u64) -> u32 {
        self ^ ((noise as u32) | 1)
    }
}
