//! The exponential delay, `to_duration(-ln(u) * mean)`, with the nanosecond count that
//! `libm::log` gives but in a fraction of its time.
//!
//! `libm::log` (fdlibm's algorithm, with a division) was a quarter of the engine's time on a
//! network with exponential delays. A table-driven logarithm is four times cheaper but not
//! bit-identical to it, and every recorded fingerprint depends on the delays. So the fast
//! logarithm comes with an error bound, and the draw is rounded through the whole interval the
//! bound allows: when every value in that interval rounds to the same nanosecond, that is the
//! nanosecond `libm` gives too (rounding is monotone); otherwise, about once in a million
//! draws, `libm` decides. The result is the same function of `u` as before, on every platform,
//! since both paths use only IEEE-754 basic operations.
//!
//! # The fast logarithm
//! `u = 2^e * f` with `f` in `[1, 2)`. The top eight bits of `f`'s fraction pick a table entry
//! `c` near `f` (the middle of its 1/256 interval), so that `r = f * (1/c) - 1` has `|r| <=
//! 2^-9`. Then `ln u = e * ln 2 + ln c + ln(1 + r)`, and `ln(1 + r)` is its Taylor series up
//! to `r^4` (the first omitted term is below `2^-47`), evaluated in two halves that run side by
//! side: the draw's latency is on the engine's critical path. The table's `ln c` comes from
//! `libm::log` once, at first use.
//!
//! # The error bound
//! For `u` in `[2^-1074, 1]` (so `|e| <= 1074` and `|ln u| < 745`), each term's error is at
//! most: `e * ln 2`, `2^-44` (the constant's and the product's rounding); `ln c`, `2^-53`;
//! `r`'s rounding, `2^-52`; the series, `2^-47`; the two sums, `2^-43`. `libm::log` is within
//! one ulp of the true value, at most `2^-43` for `|ln u| < 745`. So the two logarithms
//! differ by less than `2^-41`, and [`ERROR`] allows `2^-38`: a factor of 8 to spare.

use crate::Duration;
use crate::latency::to_duration;
use crate::rng::open_unit;
use std::sync::LazyLock;

/// Bits of the fraction that index the table.
const TABLE_BITS: u32 = 8;
const TABLE_LEN: usize = 1 << TABLE_BITS;

/// How far the fast logarithm may be from `libm::log`, absolutely (see the module's bound).
const ERROR: f64 = 1.0 / (1u64 << 38) as f64;

/// ln 2, as close as an `f64` gets.
const LN2: f64 = core::f64::consts::LN_2;

/// For each interval of `f`: `1/c` and `ln c`, with `c` the middle of the interval.
static TABLE: LazyLock<[(f64, f64); TABLE_LEN]> = LazyLock::new(|| {
    let mut table = [(0.0, 0.0); TABLE_LEN];
    for (i, entry) in table.iter_mut().enumerate() {
        let c = 1.0 + (i as f64 + 0.5) / TABLE_LEN as f64;
        *entry = (1.0 / c, libm::log(c));
    }
    table
});

/// ln `u` for a normal, positive, finite `u` (the caller checks), within [`ERROR`] of
/// `libm::log(u)`.
#[inline]
fn fast_ln(u: f64) -> f64 {
    let bits = u.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let index = ((bits >> (52 - TABLE_BITS)) & (TABLE_LEN as u64 - 1)) as usize;
    // f in [1, 2): u's fraction with the exponent of 1.0.
    let f = f64::from_bits((bits & ((1u64 << 52) - 1)) | 0x3ff0_0000_0000_0000);
    let (inv_c, ln_c) = TABLE[index];
    let r = f * inv_c - 1.0;
    // ln(1 + r) = r - r^2/2 + r^3/3 - r^4/4 + ..., as r + r^2 * ((-1/2 + r/3) - r^2/4).
    let r2 = r * r;
    let series = r + r2 * ((-0.5 + r * (1.0 / 3.0)) - r2 * 0.25);
    exponent as f64 * LN2 + (ln_c + series)
}

/// `to_duration(-libm::log(u) * mean)`, exactly, for `u` in `(0, 1]`.
#[inline]
pub(crate) fn exponential(u: f64, mean: Duration) -> Duration {
    fast(u, mean).unwrap_or_else(|| by_libm(u, mean))
}

/// [`exponential`] of `open_unit(bits)`, given `ln` = [`ln_of_draw`]`(bits)` computed ahead:
/// the engine's network stream takes the logarithm of each draw as it draws it, one draw
/// before a delay needs it, so that the delay does not wait for the logarithm.
#[inline]
pub(crate) fn exponential_after_ln(bits: u64, ln: f64, mean: Duration) -> Duration {
    within_slack(ln, mean).unwrap_or_else(|| by_libm(open_unit(bits), mean))
}

/// The fast logarithm of `open_unit(bits)`, for [`exponential_after_ln`].
#[inline]
pub(crate) fn ln_of_draw(bits: u64) -> f64 {
    // Always a normal number in [2^-53, 1].
    fast_ln(open_unit(bits))
}

/// The draw as `libm` computes it: the definition the fast path must match.
#[cold]
fn by_libm(u: f64, mean: Duration) -> Duration {
    to_duration(-libm::log(u) * mean.0 as f64)
}

/// The draw by the fast logarithm, when every value its error allows rounds to the same
/// nanosecond; `None` when the draw is too close to a rounding boundary (or `u` is not a
/// normal number in `(0, 1]`).
#[inline]
fn fast(u: f64, mean: Duration) -> Option<Duration> {
    if !(u.is_normal() && u <= 1.0) {
        return None;
    }
    within_slack(fast_ln(u), mean)
}

/// `to_duration(-ln * mean)` for the fast logarithm `ln`, if every value the logarithm's error
/// allows rounds to the same nanosecond. The candidate does not wait for that check: it is a
/// branch, almost always taken, so the processor goes on with the candidate meanwhile.
#[inline]
fn within_slack(ln: f64, mean: Duration) -> Option<Duration> {
    let mean = mean.0 as f64;
    let x = -ln * mean;
    // Below 2^62 ns (146 years) a signed conversion rounds as `to_duration` does, in a third
    // of the instructions of the unsigned, saturating one. Longer delays (and a NaN) take
    // `libm`'s path.
    if !(x > -0.25 && x < (1u64 << 62) as f64) {
        return None;
    }
    let round = |v: f64| (v + 0.5) as i64;
    let candidate = round(x);
    // Twice the bound on |x - libm's x|: the logarithms' difference times the mean, and the
    // products' roundings (relative 2^-52, here 2^-50 to spare); doubled so that the roundings
    // of `x - slack` and `x + slack` cannot bring either end inside the true interval.
    let slack = 2.0 * (ERROR * mean + x.abs() * (1.0 / (1u64 << 50) as f64));
    let agree = round(x - slack) == candidate && round(x + slack) == candidate;
    agree.then_some(Duration(candidate as u64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{SimRng, Stream};

    #[test]
    fn the_fast_logarithm_stays_within_its_bound() {
        let mut rng = SimRng::new(11, Stream::Custom(0));
        let mut worst = 0.0f64;
        for _ in 0..1_000_000 {
            let u = rng.open_unit_f64();
            worst = worst.max((fast_ln(u) - libm::log(u)).abs());
        }
        // Far inside the bound the draws rely on; a wrong table entry or series term would be
        // off by 2^-20 or more.
        assert!(worst < ERROR / 8.0, "worst difference {worst:e}");
    }

    #[test]
    fn draws_equal_libms_for_every_mean_and_edge() {
        let means = [
            0,
            1,
            3,
            999,
            1_000_000,
            1_000_003,
            1_000_000_000,
            u64::MAX / 2,
        ];
        let mut rng = SimRng::new(12, Stream::Custom(1));
        let mut edges = vec![1.0, f64::MIN_POSITIVE, 0.5, 1.0 - f64::EPSILON / 2.0];
        edges.extend((1..=53).map(|k| 1.0 / (1u64 << k) as f64));
        edges.extend((0..200_000).map(|_| rng.open_unit_f64()));
        for mean in means.map(Duration) {
            for &u in &edges {
                assert_eq!(
                    exponential(u, mean),
                    by_libm(u, mean),
                    "u {u:e}, mean {mean:?}"
                );
            }
        }
    }

    #[test]
    fn draws_on_a_rounding_boundary_go_to_libm_and_agree() {
        // u chosen so that -ln(u) * mean lands within a few ulps of k + 1/2 nanoseconds, where
        // the rounding turns: the fast path must step aside there, and the answer still agree.
        let mut rng = SimRng::new(13, Stream::Custom(2));
        let mut declined = 0;
        for _ in 0..20_000 {
            let mean = rng.between(1, 5_000_000);
            let k = rng.below(20 * mean);
            let centre = libm::exp(-(k as f64 + 0.5) / mean as f64);
            for step in -3i64..=3 {
                let u = f64::from_bits(centre.to_bits().wrapping_add_signed(step));
                if !(u > 0.0 && u <= 1.0) {
                    continue;
                }
                let mean = Duration(mean);
                match fast(u, mean) {
                    Some(d) => assert_eq!(d, by_libm(u, mean), "u {u:e}, mean {mean:?}"),
                    None => declined += 1,
                }
                assert_eq!(exponential(u, mean), by_libm(u, mean));
            }
        }
        // Most of these sit inside the slack; a guard that never declines would be wrong here.
        assert!(declined > 100_000, "declined only {declined} of 140,000");
    }

    #[test]
    fn ordinary_draws_rarely_need_libm() {
        let mut rng = SimRng::new(14, Stream::Custom(3));
        let declined = (0..1_000_000)
            .filter(|_| fast(rng.open_unit_f64(), Duration::from_millis(1)).is_none())
            .count();
        assert!(declined < 100, "{declined} of 1,000,000 draws went to libm");
    }
}
