//! Named random streams.
//!
//! # Derivation
//! A run has one `u64` seed. The 32-byte ChaCha key is four successive outputs of SplitMix64
//! started at that seed, each written little-endian. Every purpose then gets its own ChaCha8
//! *stream* (the 64-bit nonce) under that one key:
//!
//! | stream               | nonce           |
//! |----------------------|-----------------|
//! | [`Stream::Network`]  | 1               |
//! | [`Stream::Faults`]   | 2               |
//! | [`Stream::Workload`] | 3               |
//! | [`Stream::Node`]`(i)`| 2^32 + i        |
//! | [`Stream::Custom`]`(i)` | 2^33 + i     |
//!
//! ChaCha streams under one key are independent sequences, so drawing more from one purpose
//! never shifts what another purpose sees: adding a node's draw does not change the network's
//! latencies, and a new fault does not change any node's timeouts.
//!
//! All conversions from random bits to numbers are written here (not taken from a library whose
//! algorithms may change between versions), so a fingerprint depends only on this file.

use rand_chacha::ChaCha8Rng;
use rand_core::{Infallible, SeedableRng, TryRng};

/// What a random stream is for. Each purpose draws from its own independent sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stream {
    /// Latency, loss and duplication decisions of the network.
    Network,
    /// Randomized fault injection (nemeses, random selectors).
    Faults,
    /// Client workload generation done outside the nodes.
    Workload,
    /// The private stream of node `i` (its timeouts, its choices).
    Node(u32),
    /// A stream for an extension that needs one of its own (a scenario-level generator).
    Custom(u32),
}

impl Stream {
    /// The ChaCha nonce of this stream, as documented in the module table.
    pub const fn nonce(self) -> u64 {
        match self {
            Stream::Network => 1,
            Stream::Faults => 2,
            Stream::Workload => 3,
            Stream::Node(i) => (1 << 32) + i as u64,
            Stream::Custom(i) => (1 << 33) + i as u64,
        }
    }
}

/// One step of SplitMix64; used only to spread a `u64` seed into a 256-bit key.
const fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The ChaCha key derived from a run's seed.
pub fn key_from_seed(seed: u64) -> [u8; 32] {
    let mut state = seed;
    let mut key = [0u8; 32];
    for chunk in key.chunks_exact_mut(8) {
        chunk.copy_from_slice(&splitmix64(&mut state).to_le_bytes());
    }
    key
}

/// A deterministic random stream: ChaCha8 with the helpers protocols and the engine need.
///
/// It also implements `rand_core`'s traits, so code that wants `rand`'s adaptors can use it;
/// prefer the methods here, whose algorithms are fixed by this crate.
#[derive(Clone, Debug)]
pub struct SimRng {
    inner: ChaCha8Rng,
}

impl SimRng {
    /// The stream `stream` of the run with seed `seed`.
    pub fn new(seed: u64, stream: Stream) -> SimRng {
        Self::from_key(key_from_seed(seed), stream)
    }

    /// The stream `stream` under an already derived key (saves re-deriving it per node).
    pub fn from_key(key: [u8; 32], stream: Stream) -> SimRng {
        let mut inner = ChaCha8Rng::from_seed(key);
        inner.set_stream(stream.nonce());
        SimRng { inner }
    }

    /// Turns this generator, in place, into the stream `stream` under the same key, `words`
    /// words in: the generator that stream has become after
    /// drawing `words` words, without building one and moving it, and with at most one refill.
    pub(crate) fn reseat(&mut self, stream: Stream, words: u64) {
        // At a block boundary nothing is generated; the stream can then change without a
        // refill, and only the final position generates, if it falls inside a block.
        self.inner.set_word_pos(0);
        self.inner.set_stream(stream.nonce());
        if words != 0 {
            self.inner.set_word_pos(u128::from(words));
        }
    }

    /// How many 32-bit words this stream has drawn. A stream would need 2^64 of them, far
    /// beyond any run, for this to wrap.
    pub(crate) fn word_pos(&self) -> u64 {
        self.inner.get_word_pos() as u64
    }

    /// 64 uniformly random bits.
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        Draw::next_u64(self)
    }

    /// A uniform `f64` in `[0, 1)`, with 53 random bits.
    #[inline]
    pub fn unit_f64(&mut self) -> f64 {
        Draw::unit_f64(self)
    }

    /// A uniform `f64` in `(0, 1]`: safe to take the logarithm of.
    #[inline]
    pub fn open_unit_f64(&mut self) -> f64 {
        Draw::open_unit_f64(self)
    }

    /// A uniform integer in `0..n` without modulo bias (Lemire's method); `n == 0` gives 0.
    #[inline]
    pub fn below(&mut self, n: u64) -> u64 {
        Draw::below(self, n)
    }

    /// A uniform integer in the inclusive range `lo..=hi` (`lo` if the range is empty).
    #[inline]
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        Draw::between(self, lo, hi)
    }

    /// A uniform index into a slice of length `len` (which must be non-zero to be meaningful).
    #[inline]
    pub fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// `true` with probability `p` (clamped to `[0, 1]`); draws nothing when `p` is 0 or 1.
    #[inline]
    pub fn chance(&mut self, p: f64) -> bool {
        Draw::chance(self, p)
    }

    /// A uniform duration in `lo..=hi`, for randomized timeouts.
    #[inline]
    pub fn duration_between(
        &mut self,
        lo: crate::Duration,
        hi: crate::Duration,
    ) -> crate::Duration {
        crate::Duration(self.between(lo.0, hi.0))
    }

    /// Shuffles a slice in place (Fisher–Yates, drawing from the back).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            items.swap(i, j);
        }
    }
}

/// The conversions from random bits to numbers, for any source of 64-bit draws: [`SimRng`],
/// and the engine's network stream, which draws one value ahead (`net_rng.rs`). Written once
/// here, so that both give the same numbers from the same bits.
pub(crate) trait Draw {
    /// 64 uniformly random bits.
    fn next_u64(&mut self) -> u64;

    /// A uniform `f64` in `[0, 1)`, with 53 random bits.
    #[inline]
    fn unit_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A uniform `f64` in `(0, 1]`: safe to take the logarithm of.
    #[inline]
    fn open_unit_f64(&mut self) -> f64 {
        open_unit(self.next_u64())
    }

    /// A uniform integer in `0..n` without modulo bias (Lemire's method); `n == 0` gives 0.
    #[inline]
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        // A draw is rejected when the low half of its product is below `2^64 mod n`. That
        // threshold is below `n`, so only a low half below `n` needs it: the division that
        // computes it runs about once in `2^64 / n` draws instead of every time, and the draws
        // accepted are the same.
        let mut m = u128::from(self.next_u64()) * u128::from(n);
        if (m as u64) < n {
            let threshold = n.wrapping_neg() % n;
            while (m as u64) < threshold {
                m = u128::from(self.next_u64()) * u128::from(n);
            }
        }
        (m >> 64) as u64
    }

    /// A uniform integer in the inclusive range `lo..=hi` (`lo` if the range is empty).
    #[inline]
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        match (hi - lo).checked_add(1) {
            Some(span) => lo + self.below(span),
            None => self.next_u64(),
        }
    }

    /// `true` with probability `p` (clamped to `[0, 1]`); draws nothing when `p` is 0 or 1.
    #[inline]
    fn chance(&mut self, p: f64) -> bool {
        if p <= 0.0 {
            false
        } else if p >= 1.0 {
            true
        } else {
            self.unit_f64() < p
        }
    }

    /// An exponential delay of mean `mean`: `to_duration(-ln(u) * mean)` for the next
    /// [`Draw::open_unit_f64`] `u`.
    #[inline]
    fn exponential(&mut self, mean: crate::Duration) -> crate::Duration {
        crate::exp_draw::exponential(self.open_unit_f64(), mean)
    }
}

/// The `(0, 1]` value of 64 random bits: their top 53, plus one, over 2^53.
#[inline]
pub(crate) fn open_unit(bits: u64) -> f64 {
    ((bits >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64)
}

impl Draw for SimRng {
    #[inline]
    fn next_u64(&mut self) -> u64 {
        rand_core::Rng::next_u64(&mut self.inner)
    }
}

impl TryRng for SimRng {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        self.inner.try_next_u32()
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        self.inner.try_next_u64()
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        self.inner.try_fill_bytes(dst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_and_stream_repeat() {
        let mut a = SimRng::new(42, Stream::Node(3));
        let mut b = SimRng::new(42, Stream::Node(3));
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
    }

    #[test]
    fn streams_and_seeds_differ() {
        let first = |seed, stream| SimRng::new(seed, stream).next_u64();
        assert_ne!(first(1, Stream::Network), first(1, Stream::Faults));
        assert_ne!(first(1, Stream::Node(0)), first(1, Stream::Node(1)));
        assert_ne!(first(1, Stream::Network), first(2, Stream::Network));
        assert_ne!(first(1, Stream::Node(0)), first(1, Stream::Custom(0)));
    }

    #[test]
    fn drawing_from_one_stream_does_not_shift_another() {
        let mut net = SimRng::new(7, Stream::Network);
        let mut node = SimRng::new(7, Stream::Node(0));
        let expected: Vec<u64> = (0..10).map(|_| node.next_u64()).collect();
        for _ in 0..1000 {
            net.next_u64();
        }
        let mut node_again = SimRng::new(7, Stream::Node(0));
        let got: Vec<u64> = (0..10).map(|_| node_again.next_u64()).collect();
        assert_eq!(expected, got);
    }

    #[test]
    fn below_draws_what_the_threshold_first_method_draws() {
        // The form every recorded fingerprint was made with: the threshold computed first.
        fn reference(rng: &mut SimRng, n: u64) -> u64 {
            let threshold = n.wrapping_neg() % n;
            loop {
                let m = u128::from(rng.next_u64()) * u128::from(n);
                if (m as u64) >= threshold {
                    return (m >> 64) as u64;
                }
            }
        }
        // Large bounds reject often (2^63 + 1 about half the draws), small ones almost never.
        let bounds = [
            1,
            2,
            3,
            7,
            1000,
            1 << 32,
            (1 << 63) + 1,
            u64::MAX - 1,
            u64::MAX,
        ];
        for n in bounds {
            let mut fast = SimRng::new(21, Stream::Custom(7));
            let mut slow = SimRng::new(21, Stream::Custom(7));
            for _ in 0..20_000 {
                assert_eq!(fast.below(n), reference(&mut slow, n), "bound {n}");
            }
            // Both consumed the same draws.
            assert_eq!(fast.next_u64(), slow.next_u64(), "bound {n}");
        }
    }

    #[test]
    fn below_is_in_range_and_roughly_uniform() {
        let mut r = SimRng::new(9, Stream::Workload);
        let mut counts = [0u32; 6];
        for _ in 0..60_000 {
            counts[r.below(6) as usize] += 1;
        }
        for c in counts {
            assert!((9_500..10_500).contains(&c), "{counts:?}");
        }
        assert_eq!(r.below(0), 0);
        assert_eq!(r.between(5, 5), 5);
        assert_eq!(r.between(9, 3), 9);
    }

    #[test]
    fn unit_draws_stay_in_their_intervals() {
        let mut r = SimRng::new(3, Stream::Workload);
        for _ in 0..10_000 {
            let u = r.unit_f64();
            assert!((0.0..1.0).contains(&u));
            let o = r.open_unit_f64();
            assert!(o > 0.0 && o <= 1.0);
        }
    }

    #[test]
    fn known_answer_pins_the_derivation() {
        // If this changes, every recorded fingerprint changes with it.
        assert_eq!(
            key_from_seed(0)[..8],
            0xE220_A839_7B1D_CDAFu64.to_le_bytes()
        );
    }
}
