//! Latency distributions for links.
//!
//! Every parameter with a dimension is a [`Duration`]; shape parameters are plain numbers. All
//! transcendental math goes through `libm`, so a sample is the same bit pattern on every
//! platform.

use crate::rng::{Draw, SimRng};
use crate::{Duration, SimError};
use serde::{Deserialize, Serialize};

/// The random part of a link's one-way delay.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Dist {
    /// Always the same delay.
    Constant {
        /// The delay.
        value: Duration,
    },
    /// Uniform over `min..=max`.
    Uniform {
        /// Smallest delay.
        min: Duration,
        /// Largest delay.
        max: Duration,
    },
    /// Normal with the given mean and standard deviation, truncated at zero (a draw below zero
    /// is drawn again, so the shape above zero is kept).
    Normal {
        /// Mean of the untruncated distribution.
        mean: Duration,
        /// Standard deviation.
        std_dev: Duration,
    },
    /// Exponential with the given mean.
    Exponential {
        /// Mean delay.
        mean: Duration,
    },
    /// Log-normal: `median * exp(sigma * Z)` for a standard normal `Z`.
    LogNormal {
        /// Median delay (`exp(mu)`).
        median: Duration,
        /// Shape: the standard deviation of the logarithm.
        sigma: f64,
    },
    /// Pareto (type I): `scale / U^(1/shape)`; heavy-tailed, never below `scale`.
    Pareto {
        /// Smallest delay (x_m).
        scale: Duration,
        /// Tail index (alpha); the mean is finite only above 1.
        shape: f64,
    },
}

/// A link's one-way delay: a fixed `offset` (propagation, processing) plus a random part.
///
/// Unknown fields are rejected by the flattened [`Dist`] (serde cannot deny them on a struct
/// that flattens another).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    /// Added to every sample.
    #[serde(default)]
    pub offset: Duration,
    /// The random part.
    #[serde(flatten)]
    pub dist: Dist,
}

/// Most re-draws of a truncated normal before it settles for zero; bounds the loop (a mean far
/// below zero would otherwise spin).
const MAX_NORMAL_REDRAWS: u32 = 64;

impl Latency {
    /// A constant delay.
    pub const fn constant(value: Duration) -> Latency {
        Latency {
            offset: Duration::ZERO,
            dist: Dist::Constant { value },
        }
    }
    /// Uniform over `min..=max`.
    pub const fn uniform(min: Duration, max: Duration) -> Latency {
        Latency {
            offset: Duration::ZERO,
            dist: Dist::Uniform { min, max },
        }
    }
    /// Normal, truncated at zero.
    pub const fn normal(mean: Duration, std_dev: Duration) -> Latency {
        Latency {
            offset: Duration::ZERO,
            dist: Dist::Normal { mean, std_dev },
        }
    }
    /// Exponential with the given mean.
    pub const fn exponential(mean: Duration) -> Latency {
        Latency {
            offset: Duration::ZERO,
            dist: Dist::Exponential { mean },
        }
    }
    /// Log-normal with the given median and shape.
    pub const fn log_normal(median: Duration, sigma: f64) -> Latency {
        Latency {
            offset: Duration::ZERO,
            dist: Dist::LogNormal { median, sigma },
        }
    }
    /// Pareto with the given scale (minimum) and shape.
    pub const fn pareto(scale: Duration, shape: f64) -> Latency {
        Latency {
            offset: Duration::ZERO,
            dist: Dist::Pareto { scale, shape },
        }
    }
    /// The same distribution shifted by a fixed `offset`.
    pub const fn plus(mut self, offset: Duration) -> Latency {
        self.offset = offset;
        self
    }

    /// Rejects parameters that cannot describe a delay.
    pub fn validate(&self) -> Result<(), SimError> {
        let bad = |why: String| {
            Err(SimError::Invalid {
                what: "latency".to_string(),
                why,
            })
        };
        match self.dist {
            Dist::Uniform { min, max } if min > max => bad(format!(
                "a uniform delay needs min <= max, got min {min} and max {max}"
            )),
            Dist::LogNormal { sigma, .. } if !(sigma.is_finite() && sigma >= 0.0) => bad(format!(
                "a log-normal delay needs sigma, a finite number >= 0, got {sigma}"
            )),
            Dist::Pareto { shape, .. } if !(shape.is_finite() && shape > 0.0) => bad(format!(
                "a Pareto delay needs shape, a finite number > 0, got {shape}"
            )),
            _ => Ok(()),
        }
    }

    /// Draws one delay.
    #[inline]
    pub fn sample(&self, rng: &mut SimRng) -> Duration {
        self.sample_from(rng)
    }

    /// [`Latency::sample`] from any source of draws (the engine's network stream).
    #[inline]
    pub(crate) fn sample_from<R: Draw>(&self, rng: &mut R) -> Duration {
        self.offset.saturating_add(self.dist.sample_from(rng))
    }

    /// The analytic mean in nanoseconds (infinite for a Pareto with shape <= 1). The truncated
    /// normal's mean accounts for the truncation.
    pub fn mean_nanos(&self) -> f64 {
        self.offset.0 as f64 + self.dist.mean_nanos()
    }
}

impl Dist {
    /// Draws the random part of a delay.
    #[inline]
    pub fn sample(&self, rng: &mut SimRng) -> Duration {
        self.sample_from(rng)
    }

    /// [`Dist::sample`] from any source of draws (the engine's network stream).
    #[inline]
    pub(crate) fn sample_from<R: Draw>(&self, rng: &mut R) -> Duration {
        match *self {
            Dist::Constant { value } => value,
            Dist::Uniform { min, max } => Duration(rng.between(min.0, max.0)),
            // `to_duration(-libm::log(u) * mean)`, by a faster route to the same nanosecond.
            Dist::Exponential { mean } => rng.exponential(mean),
            Dist::Normal { mean, std_dev } => {
                for _ in 0..MAX_NORMAL_REDRAWS {
                    let x = mean.0 as f64 + std_dev.0 as f64 * standard_normal(rng);
                    if x >= 0.0 {
                        return to_duration(x);
                    }
                }
                Duration::ZERO
            }
            Dist::LogNormal { median, sigma } => {
                to_duration(median.0 as f64 * libm::exp(sigma * standard_normal(rng)))
            }
            Dist::Pareto { scale, shape } => {
                to_duration(scale.0 as f64 / libm::pow(rng.open_unit_f64(), 1.0 / shape))
            }
        }
    }

    /// The analytic mean in nanoseconds.
    pub fn mean_nanos(&self) -> f64 {
        match *self {
            Dist::Constant { value } => value.0 as f64,
            Dist::Uniform { min, max } => (min.0 as f64 + max.0 as f64) / 2.0,
            Dist::Exponential { mean } => mean.0 as f64,
            Dist::Normal { mean, std_dev } => {
                let (mu, s) = (mean.0 as f64, std_dev.0 as f64);
                if s == 0.0 {
                    return mu;
                }
                let alpha = -mu / s;
                let pdf = libm::exp(-alpha * alpha / 2.0) / libm::sqrt(2.0 * core::f64::consts::PI);
                let tail = 0.5 * libm::erfc(alpha / core::f64::consts::SQRT_2);
                mu + s * pdf / tail
            }
            Dist::LogNormal { median, sigma } => median.0 as f64 * libm::exp(sigma * sigma / 2.0),
            Dist::Pareto { scale, shape } => {
                if shape <= 1.0 {
                    f64::INFINITY
                } else {
                    shape * scale.0 as f64 / (shape - 1.0)
                }
            }
        }
    }

    /// The analytic quantile `q` in `(0, 1)` in nanoseconds, where it has a closed form (the
    /// truncated normal has none and answers `None`).
    pub fn quantile_nanos(&self, q: f64) -> Option<f64> {
        match *self {
            Dist::Constant { value } => Some(value.0 as f64),
            Dist::Uniform { min, max } => Some(min.0 as f64 + q * (max.0 as f64 - min.0 as f64)),
            Dist::Exponential { mean } => Some(-libm::log(1.0 - q) * mean.0 as f64),
            Dist::LogNormal { median, sigma } => {
                Some(median.0 as f64 * libm::exp(sigma * standard_normal_quantile(q)))
            }
            Dist::Pareto { scale, shape } => Some(scale.0 as f64 / libm::pow(1.0 - q, 1.0 / shape)),
            Dist::Normal { .. } => None,
        }
    }
}

/// Rounds a non-negative nanosecond count to a duration (saturating; NaN and negative values
/// become zero). Public so that baselines and analyses round exactly as the engine does.
#[inline]
pub fn to_duration(nanos: f64) -> Duration {
    // Round half up; `as` saturates and maps NaN to 0, identically on every platform.
    Duration((nanos + 0.5) as u64)
}

/// A standard normal draw by the Box–Muller transform (one of the pair is used, so each draw
/// costs two uniforms and the stream position depends only on the number of draws).
#[inline]
fn standard_normal<R: Draw>(rng: &mut R) -> f64 {
    let u1 = rng.open_unit_f64();
    let u2 = rng.unit_f64();
    libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * core::f64::consts::PI * u2)
}

/// The standard normal quantile, by bisection on `erfc` (used for reference values in tests and
/// reports, not on the hot path).
pub fn standard_normal_quantile(q: f64) -> f64 {
    let (mut lo, mut hi) = (-40.0f64, 40.0f64);
    for _ in 0..200 {
        let mid = (lo + hi) / 2.0;
        let cdf = 0.5 * libm::erfc(-mid / core::f64::consts::SQRT_2);
        if cdf < q {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (lo + hi) / 2.0
}
