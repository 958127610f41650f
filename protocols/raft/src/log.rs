//! The replicated log: entries after the last snapshot, each with a chained hash of the whole
//! prefix it ends, so that "these two logs agree up to index i" is one comparison.

use kv::KvMap;
use rsm::{Command, Digest, StateMachine};
use serde::{Deserialize, Serialize};
use sim_core::NodeId;
use std::sync::Arc;

/// What a log entry carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "")]
pub enum Payload<S: StateMachine = KvMap> {
    /// The entry a new leader appends to commit its term's first entry quickly.
    Noop,
    /// A client's command, shared: every copy of the entry (each server's log and
    /// disk, every AppendEntries that carries it) points at one allocation. It encodes as the
    /// command itself.
    Command(Arc<Command<S>>),
    /// A new voting configuration, in effect as soon as it is in a server's log (thesis 4.1).
    Config(Vec<NodeId>),
}

/// One log entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "")]
pub struct Entry<S: StateMachine = KvMap> {
    /// The term of the leader that created it.
    pub term: u64,
    /// What it carries.
    pub payload: Payload<S>,
}

impl<S: StateMachine> Entry<S> {
    /// Bytes on the wire and on disk.
    pub fn size(&self) -> u64 {
        16 + match &self.payload {
            Payload::Noop => 0,
            Payload::Command(c) => c.size(),
            Payload::Config(m) => 4 * m.len() as u64,
        }
    }
}

const K0: u64 = 0xa076_1d64_78bd_642f;
const K1: u64 = 0xe703_7ed1_a0b4_28db;

/// Folds two words into `h` with one full-width multiply (every bit of both words reaches
/// every bit of the result), so that an entry's bytes are hashed eight at a time: the digest
/// runs on every server for every entry appended, a cost paid on the benchmark's hot path.
#[inline(always)]
fn fold(h: u64, a: u64, b: u64) -> u64 {
    let m = u128::from(a ^ h ^ K0) * u128::from(b ^ K1);
    ((m as u64) ^ ((m >> 64) as u64)) ^ h.rotate_left(17)
}

/// `bytes`, length first, folded into `h` eight bytes at a time (the last word padded with
/// zeros); the length makes every split of a byte string into fields unambiguous.
fn fold_bytes(mut h: u64, bytes: &[u8]) -> u64 {
    let mut words = bytes.chunks_exact(8);
    let mut pending = Some(bytes.len() as u64);
    let mut push = |h: &mut u64, w: u64| match pending.take() {
        Some(a) => *h = fold(*h, a, w),
        None => pending = Some(w),
    };
    for c in words.by_ref() {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        push(&mut h, u64::from_le_bytes(w));
    }
    let tail = words.remainder();
    if !tail.is_empty() {
        let w = tail
            .iter()
            .enumerate()
            .fold(0, |w, (i, &b)| w | u64::from(b) << (8 * i));
        push(&mut h, w);
    }
    match pending {
        Some(a) => fold(h, a, 0),
        None => h,
    }
}

/// Folds a command into the digest of its entry: the operation's kind (from 1, so that no
/// command shares the no-op's word) with the term, then the client and sequence number, then
/// the operation's fields as the state machine feeds them.
struct CommandDigest {
    term: u64,
    client: u64,
    seq: u64,
    h: Option<u64>,
}

impl Digest for CommandDigest {
    #[inline]
    fn word(&mut self, word: u64) {
        self.h = Some(match self.h {
            None => fold(
                fold(0, self.term, word.wrapping_add(1)),
                self.client,
                self.seq,
            ),
            Some(h) => fold(h, word, 0),
        });
    }

    #[inline]
    fn bytes(&mut self, bytes: &[u8]) {
        let h = self
            .h
            .unwrap_or_else(|| fold(fold(0, self.term, 0), self.client, self.seq));
        self.h = Some(fold_bytes(h, bytes));
    }
}

/// A 64-bit digest of an entry's content (term included).
fn digest<S: StateMachine>(entry: &Entry<S>) -> u64 {
    match &entry.payload {
        Payload::Noop => fold(0, entry.term, 0),
        Payload::Command(c) => {
            let mut d = CommandDigest {
                term: entry.term,
                client: c.client,
                seq: c.seq,
                h: None,
            };
            S::digest(&c.op, &mut d);
            d.h.unwrap_or_else(|| fold(fold(0, entry.term, 0), c.client, c.seq))
        }
        Payload::Config(members) => {
            let h = fold(0, entry.term, 4);
            members
                .iter()
                .fold(fold(h, members.len() as u64, 0), |h, m| {
                    fold(h, u64::from(m.0), 0)
                })
        }
    }
}

/// The hash of a prefix ending in `entry`, given the hash of the prefix before it.
pub fn chain<S: StateMachine>(prev: u64, entry: &Entry<S>) -> u64 {
    let x = prev ^ digest(entry).rotate_left(29);
    // A SplitMix64 finalizer, so that neighbouring prefixes differ in every bit.
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A server's log: a snapshot point followed by entries.
///
/// Indices start at 1; index 0 with term 0 is the empty prefix every log shares.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Log<S: StateMachine = KvMap> {
    snapshot_index: u64,
    snapshot_term: u64,
    snapshot_hash: u64,
    entries: Vec<Entry<S>>,
    hashes: Vec<u64>,
}

impl<S: StateMachine> Log<S> {
    /// The index of the last entry (or of the snapshot point if there is none).
    pub fn last_index(&self) -> u64 {
        self.snapshot_index + self.entries.len() as u64
    }

    /// The term of the last entry.
    pub fn last_term(&self) -> u64 {
        self.entries.last().map_or(self.snapshot_term, |e| e.term)
    }

    /// The index covered by the snapshot; entries up to it are gone from the log.
    pub fn snapshot_index(&self) -> u64 {
        self.snapshot_index
    }

    /// The term of the entry at the snapshot index.
    pub fn snapshot_term(&self) -> u64 {
        self.snapshot_term
    }

    /// The term of the entry at `index`, if the log knows it (the snapshot point included).
    pub fn term_at(&self, index: u64) -> Option<u64> {
        if index == self.snapshot_index {
            return Some(self.snapshot_term);
        }
        self.get(index).map(|e| e.term)
    }

    /// The chained hash of the prefix ending at `index`, if the log knows it.
    pub fn hash_at(&self, index: u64) -> Option<u64> {
        if index == self.snapshot_index {
            return Some(self.snapshot_hash);
        }
        let i = index.checked_sub(self.snapshot_index + 1)?;
        self.hashes.get(i as usize).copied()
    }

    /// The entry at `index`, if it is in the log (not compacted, not beyond the end).
    pub fn get(&self, index: u64) -> Option<&Entry<S>> {
        let i = index.checked_sub(self.snapshot_index + 1)?;
        self.entries.get(i as usize)
    }

    /// Appends an entry and returns its index.
    pub fn append(&mut self, entry: Entry<S>) -> u64 {
        let prev = self.hashes.last().copied().unwrap_or(self.snapshot_hash);
        self.hashes.push(chain(prev, &entry));
        self.entries.push(entry);
        self.last_index()
    }

    /// Removes the entries from `index` on (a conflicting suffix).
    pub fn truncate_from(&mut self, index: u64) {
        let keep = index.saturating_sub(self.snapshot_index + 1) as usize;
        self.entries.truncate(keep);
        self.hashes.truncate(keep);
    }

    /// Up to `max` entries from `from` on, for AppendEntries.
    pub fn entries_from(&self, from: u64, max: usize) -> Vec<Entry<S>> {
        let Some(i) = from.checked_sub(self.snapshot_index + 1) else {
            return Vec::new();
        };
        let i = i as usize;
        let end = self.entries.len().min(i.saturating_add(max));
        self.entries
            .get(i..end)
            .map(<[Entry<S>]>::to_vec)
            .unwrap_or_default()
    }

    /// Forgets the entries up to `index`, which a snapshot now covers.
    pub fn compact(&mut self, index: u64) {
        if index <= self.snapshot_index || index > self.last_index() {
            return;
        }
        let n = (index - self.snapshot_index) as usize;
        self.snapshot_term = self.entries[n - 1].term;
        self.snapshot_hash = self.hashes[n - 1];
        self.snapshot_index = index;
        self.entries.drain(..n);
        self.hashes.drain(..n);
    }

    /// Adopts a snapshot received from a leader: keeps the entries after it if the log holds
    /// the snapshot's last entry (thesis 5.3, InstallSnapshot step 6), else discards the log.
    /// A snapshot at or before the current snapshot point changes nothing.
    pub fn install_snapshot(&mut self, index: u64, term: u64, hash: u64) {
        if index <= self.snapshot_index {
            return;
        }
        if self.term_at(index) == Some(term) {
            self.compact(index);
        } else {
            self.entries.clear();
            self.hashes.clear();
            self.snapshot_index = index;
            self.snapshot_term = term;
            self.snapshot_hash = hash;
        }
    }

    /// Restores the snapshot point when recovering from disk.
    pub fn restore_snapshot_point(&mut self, index: u64, term: u64, hash: u64) {
        debug_assert!(self.entries.is_empty());
        self.snapshot_index = index;
        self.snapshot_term = term;
        self.snapshot_hash = hash;
    }

    /// The first index holding `term`, searching back from `from` while the term holds; used
    /// for the fast backtracking of nextIndex (the paper, end of section 5.3).
    pub fn first_index_of_term_before(&self, from: u64) -> u64 {
        let Some(term) = self.term_at(from) else {
            return from;
        };
        let mut i = from;
        while i > self.snapshot_index + 1 && self.term_at(i - 1) == Some(term) {
            i -= 1;
        }
        i
    }

    /// The last index holding `term`, if any entry in the log has it.
    pub fn last_index_of_term(&self, term: u64) -> Option<u64> {
        let pos = self.entries.iter().rposition(|e| e.term == term)?;
        Some(self.snapshot_index + 1 + pos as u64)
    }

    /// The entries with their indices, for views and recovery.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (u64, &Entry<S>)> {
        let base = self.snapshot_index + 1;
        self.entries
            .iter()
            .enumerate()
            .map(move |(i, e)| (base + i as u64, e))
    }

    /// Whether a candidate's log, ending at `(last_index, last_term)`, is at least as
    /// up-to-date as this one (the paper, section 5.4.1).
    pub fn candidate_is_up_to_date(&self, last_index: u64, last_term: u64) -> bool {
        (last_term, last_index) >= (self.last_term(), self.last_index())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(term: u64) -> Entry {
        Entry {
            term,
            payload: Payload::Noop,
        }
    }

    fn log(terms: &[u64]) -> Log {
        let mut l = Log::default();
        for &t in terms {
            l.append(e(t));
        }
        l
    }

    #[test]
    fn indices_terms_and_hashes() {
        let l = log(&[1, 1, 2, 3]);
        assert_eq!((l.last_index(), l.last_term()), (4, 3));
        assert_eq!(l.term_at(0), Some(0));
        assert_eq!(l.term_at(3), Some(2));
        assert_eq!(l.term_at(5), None);
        assert_eq!(log(&[1, 1, 2]).hash_at(3), l.hash_at(3));
        assert_ne!(log(&[1, 2, 2]).hash_at(3), l.hash_at(3));
        assert_ne!(l.hash_at(3), l.hash_at(2));
    }

    #[test]
    fn compaction_keeps_hashes_and_terms_of_the_suffix() {
        let mut l = log(&[1, 1, 2, 3, 3]);
        let h4 = l.hash_at(4);
        l.compact(3);
        assert_eq!(l.snapshot_index(), 3);
        assert_eq!(l.term_at(3), Some(2));
        assert_eq!(l.get(3), None);
        assert_eq!(l.hash_at(4), h4);
        assert_eq!(l.entries_from(4, 10).len(), 2);
        assert_eq!(l.entries_from(2, 10).len(), 0);
        l.append(e(4));
        assert_eq!(log(&[1, 1, 2, 3, 3, 4]).hash_at(6), l.hash_at(6));
    }

    #[test]
    fn truncation_and_term_search() {
        let mut l = log(&[1, 1, 2, 2, 2, 3]);
        assert_eq!(l.first_index_of_term_before(5), 3);
        assert_eq!(l.last_index_of_term(2), Some(5));
        assert_eq!(l.last_index_of_term(7), None);
        l.truncate_from(4);
        assert_eq!(l.last_index(), 3);
        assert_eq!(l.hash_at(3), log(&[1, 1, 2]).hash_at(3));
    }

    #[test]
    fn installing_a_snapshot_keeps_a_matching_suffix_only() {
        let full = log(&[1, 1, 2, 2]);
        let mut l = full.clone();
        l.install_snapshot(2, 1, full.hash_at(2).unwrap());
        assert_eq!(l.last_index(), 4);
        assert_eq!(l.hash_at(4), full.hash_at(4));
        let mut other = log(&[1, 3]);
        other.install_snapshot(3, 2, full.hash_at(3).unwrap());
        assert_eq!((other.last_index(), other.last_term()), (3, 2));
        assert_eq!(other.hash_at(3), full.hash_at(3));
    }

    #[test]
    fn compaction_moves_the_snapshot_point_only_within_the_log() {
        let mut l = log(&[1, 2, 2, 3]);
        l.compact(5);
        assert_eq!(
            l.snapshot_index(),
            0,
            "beyond the last entry: nothing to compact"
        );
        l.compact(2);
        assert_eq!((l.snapshot_index(), l.snapshot_term()), (2, 2));
        l.compact(2);
        l.compact(1);
        assert_eq!(
            (l.snapshot_index(), l.last_index()),
            (2, 4),
            "at or before the point"
        );
        l.compact(4);
        assert_eq!(
            (l.snapshot_index(), l.snapshot_term()),
            (4, 3),
            "up to the last entry"
        );
        assert_eq!(l.iter().count(), 0);
        assert_eq!(l.hash_at(4), log(&[1, 2, 2, 3]).hash_at(4));
    }

    #[test]
    fn entries_are_numbered_from_the_snapshot_point() {
        let mut l = log(&[1, 1, 2, 3]);
        l.compact(2);
        let numbered: Vec<(u64, u64)> = l.iter().map(|(i, e)| (i, e.term)).collect();
        assert_eq!(numbered, [(3, 2), (4, 3)]);
        assert_eq!(l.iter().next_back().map(|(i, _)| i), Some(4));
    }

    #[test]
    fn the_term_search_stops_at_the_snapshot_point() {
        // Entries 3 to 5 have term 1, as has the compacted entry 2: the search backs up to the
        // first entry the log still holds, not into the snapshot.
        let mut l = log(&[1, 1, 1, 1, 1, 2]);
        l.compact(2);
        assert_eq!(l.first_index_of_term_before(5), 3);
        assert_eq!(l.first_index_of_term_before(6), 6);
        assert_eq!(
            l.first_index_of_term_before(9),
            9,
            "an index the log does not know"
        );
    }

    #[test]
    fn a_restored_snapshot_point_is_where_the_log_goes_on() {
        let full = log(&[1, 2, 2, 3]);
        let mut l = Log::<KvMap>::default();
        l.restore_snapshot_point(3, 2, full.hash_at(3).unwrap());
        assert_eq!((l.last_index(), l.last_term()), (3, 2));
        assert_eq!((l.snapshot_index(), l.snapshot_term()), (3, 2));
        assert_eq!(l.term_at(3), Some(2));
        l.append(e(3));
        assert_eq!(l.hash_at(4), full.hash_at(4));
    }

    fn command(term: u64, client: u64, seq: u64, op: kv::KvInput) -> Entry {
        Entry {
            term,
            payload: Payload::Command(Arc::new(Command { client, seq, op })),
        }
    }

    fn put(key: &str, value: &str) -> kv::KvInput {
        kv::KvInput::Put {
            key: key.into(),
            value: value.into(),
        }
    }

    /// Entries that differ in one field only: the term, the client, the sequence number, the
    /// operation's kind, a key or value by one byte (in a whole word or in the padded tail),
    /// by length alone (a trailing zero byte), or by where a string splits into fields; and
    /// configurations that differ in a member, their order or their size.
    fn entries_one_field_apart() -> Vec<Entry> {
        let get = |key: &str| kv::KvInput::Get { key: key.into() };
        let append = |key: &str, value: &str| kv::KvInput::Append {
            key: key.into(),
            value: value.into(),
        };
        let config = |term: u64, m: &[u32]| Entry {
            term,
            payload: Payload::Config(m.iter().map(|&i| NodeId(i)).collect()),
        };
        vec![
            e(1),
            e(2),
            config(1, &[0, 1, 2]),
            config(2, &[0, 1, 2]),
            config(1, &[0, 1, 3]),
            config(1, &[0, 2, 1]),
            config(1, &[0, 1]),
            command(1, 3, 1, put("k", "v")),
            command(2, 3, 1, put("k", "v")),
            command(1, 4, 1, put("k", "v")),
            command(1, 3, 2, put("k", "v")),
            command(1, 3, 1, append("k", "v")),
            command(1, 3, 1, get("k")),
            command(1, 3, 1, get("j")),
            command(1, 3, 1, get("k\0")),
            command(1, 3, 1, get("")),
            command(1, 3, 1, get("ab")),
            command(1, 3, 1, get("ac")),
            command(1, 3, 1, get("\u{3}\u{0}")),
            command(1, 3, 1, get("\u{1}\u{1}")),
            command(1, 3, 1, put("k", "w")),
            command(1, 3, 1, put("kv", "")),
            command(1, 3, 1, put("", "kv")),
            command(1, 3, 1, put("abcdefgh", "v")),
            command(1, 3, 1, put("abcdefgi", "v")),
            command(1, 3, 1, put("bbcdefgh", "v")),
            command(1, 3, 1, put("abcdefghk", "v")),
            command(1, 3, 1, put("abcdefghj", "v")),
            command(1, 3, 1, put("abcdefghk", "v\0")),
        ]
    }

    #[test]
    fn digests_tell_apart_entries_that_differ_in_one_field() {
        let entries = entries_one_field_apart();
        for prev in [0, 1, 0xdead_beef] {
            let hashes: std::collections::BTreeSet<u64> =
                entries.iter().map(|x| chain(prev, x)).collect();
            assert_eq!(hashes.len(), entries.len(), "prev {prev:#x}: a collision");
        }
        // The order of two entries matters, and so does the prefix before one.
        let (a, b) = (&entries[7], &entries[8]);
        assert_ne!(chain(chain(0, a), b), chain(chain(0, b), a));
        assert_ne!(chain(1, a), chain(2, a));
    }

    /// `n` test inputs from `seed`, a plain linear congruential sequence: the tests need
    /// varied words, not the simulation's random streams.
    fn words(seed: u64, n: usize) -> Vec<u64> {
        std::iter::successors(Some(seed), |x| {
            Some(
                x.wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407),
            )
        })
        .skip(1)
        .take(n)
        .collect()
    }

    /// The average number of output bits that flip when one input bit does (the 64 bits of
    /// `a` and the low `b_bits` of `b`), over the worst input bit: about 32 when every input
    /// bit reaches every output bit.
    fn worst_avalanche(b_bits: u32, f: impl Fn(u64, u64) -> u64) -> f64 {
        let words = words(0x1234_5678_9abc_def0, 512);
        let samples: Vec<(u64, u64)> = words.chunks_exact(2).map(|w| (w[0], w[1])).collect();
        let mut worst = f64::MAX;
        for bit in 0..64 + b_bits {
            let flipped: u32 = samples
                .iter()
                .map(|&(a, b)| {
                    let (a2, b2) = if bit < 64 {
                        (a ^ 1 << bit, b)
                    } else {
                        (a, b ^ 1 << (bit - 64))
                    };
                    (f(a, b) ^ f(a2, b2)).count_ones()
                })
                .sum();
            worst = worst.min(f64::from(flipped) / samples.len() as f64);
        }
        worst
    }

    #[test]
    fn every_input_bit_reaches_every_output_bit() {
        // fold's two words, and the hash it folds into.
        let by_words = worst_avalanche(64, |a, b| fold(0x0123_4567, a, b));
        let by_hash = worst_avalanche(64, |h, a| fold(h, a, 7));
        // chain's previous hash, and a digest's bytes (a whole word and a padded tail).
        let by_prev = worst_avalanche(0, |p, _| chain(p, &e(1)));
        let by_bytes = worst_avalanche(40, |a, b| {
            let mut bytes = a.to_le_bytes().to_vec();
            bytes.extend_from_slice(&b.to_le_bytes()[..5]);
            fold_bytes(0, &bytes)
        });
        for (what, flips) in [
            ("fold's words", by_words),
            ("fold's hash", by_hash),
            ("chain's prefix hash", by_prev),
            ("fold_bytes' bytes", by_bytes),
        ] {
            assert!(
                (28.0..36.0).contains(&flips),
                "{what}: the worst input bit flips {flips:.1} output bits on average"
            );
        }
    }

    /// The strict avalanche criterion for chain's prefix hash: flipping any one input bit
    /// flips each output bit in close to half the samples (between 0.3 and 0.7 of 256), as the
    /// SplitMix64 finalizer guarantees when every one of its steps is intact.
    #[test]
    fn each_prefix_bit_flips_each_output_bit_about_half_the_time() {
        let samples = words(0x0fed_cba9_8765_4321, 256);
        let entry = e(1);
        for bit in 0..64 {
            let mut flips = [0u32; 64];
            for &p in &samples {
                let d = chain(p, &entry) ^ chain(p ^ 1 << bit, &entry);
                for (j, f) in flips.iter_mut().enumerate() {
                    *f += (d >> j & 1) as u32;
                }
            }
            for (j, &f) in flips.iter().enumerate() {
                let rate = f64::from(f) / samples.len() as f64;
                assert!(
                    (0.3..0.7).contains(&rate),
                    "input bit {bit} flips output bit {j} in {rate:.2} of the samples"
                );
            }
        }
    }

    #[test]
    fn an_entry_counts_its_header_and_its_payload() {
        assert_eq!(e(1).size(), 16);
        let config = Entry::<KvMap> {
            term: 1,
            payload: Payload::Config(vec![NodeId(0), NodeId(1), NodeId(2)]),
        };
        assert_eq!(config.size(), 16 + 3 * 4);
        let c = command(1, 3, 1, put("key", "value"));
        let Payload::Command(cmd) = &c.payload else {
            unreachable!()
        };
        assert_eq!(c.size(), 16 + cmd.size());
        assert!(cmd.size() > 8, "the command counts its key and value");
    }

    #[test]
    fn up_to_date_compares_last_term_then_length() {
        let l = log(&[1, 2, 2]);
        assert!(l.candidate_is_up_to_date(1, 3));
        assert!(l.candidate_is_up_to_date(3, 2));
        assert!(!l.candidate_is_up_to_date(2, 2));
        assert!(!l.candidate_is_up_to_date(9, 1));
    }
}
