//! How generated tasks get their run times and output sizes, written as short text in a
//! scenario file: `"2s"`, `"1s..5s"`, `"exp(3s)"`; `1000000` or `"1000..2000"` bytes.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sim_core::time_text::{DurationError, format_exact, parse_duration};
use sim_core::{Dist, Duration, DurationRange, SimRng};
use std::fmt;
use std::str::FromStr;

/// The run time of each generated task: real workflows mix short and long tasks, and a
/// scheduler's quality shows only when they do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuntimeSpec {
    /// Every task takes the same time (`"2s"`).
    Fixed(Duration),
    /// Uniform over `min..=max` (`"1s..5s"`).
    Uniform {
        /// Shortest run time.
        min: Duration,
        /// Longest run time (inclusive).
        max: Duration,
    },
    /// Exponential with this mean (`"exp(3s)"`): many short tasks and a few long ones.
    Exponential {
        /// Mean run time.
        mean: Duration,
    },
}

impl RuntimeSpec {
    /// One run time, drawn from `rng` (a fixed run time draws nothing).
    pub fn sample(&self, rng: &mut SimRng) -> Duration {
        match *self {
            RuntimeSpec::Fixed(d) => d,
            RuntimeSpec::Uniform { min, max } => rng.duration_between(min, max),
            RuntimeSpec::Exponential { mean } => Dist::Exponential { mean }.sample(rng),
        }
    }
}

impl Default for RuntimeSpec {
    /// One second each: a visible, easy to reason about default.
    fn default() -> RuntimeSpec {
        RuntimeSpec::Fixed(Duration::from_secs(1))
    }
}

impl FromStr for RuntimeSpec {
    type Err = DurationError;

    fn from_str(text: &str) -> Result<RuntimeSpec, DurationError> {
        let t = text.trim();
        if let Some(inner) = t.strip_prefix("exp(").and_then(|r| r.strip_suffix(')')) {
            let mean = parse_duration(inner).map_err(|e| DurationError {
                text: text.to_string(),
                problem: format!("{} in the mean of \"exp(MEAN)\"", e.problem),
            })?;
            return Ok(RuntimeSpec::Exponential { mean });
        }
        let range: DurationRange = t.parse()?;
        Ok(if range.min == range.max {
            RuntimeSpec::Fixed(range.min)
        } else {
            RuntimeSpec::Uniform {
                min: range.min,
                max: range.max,
            }
        })
    }
}

impl fmt::Display for RuntimeSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            RuntimeSpec::Fixed(d) => f.write_str(&format_exact(d)),
            RuntimeSpec::Uniform { min, max } => {
                write!(f, "{}..{}", format_exact(min), format_exact(max))
            }
            RuntimeSpec::Exponential { mean } => write!(f, "exp({})", format_exact(mean)),
        }
    }
}

impl Serialize for RuntimeSpec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for RuntimeSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = RuntimeSpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a run time as text: a duration (\"2s\"), a range (\"1s..5s\") or an exponential mean (\"exp(3s)\")",
                )
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RuntimeSpec, E> {
                v.parse().map_err(|e: DurationError| {
                    E::custom(format!(
                        "{e}; a run time is a duration (\"2s\"), a range (\"1s..5s\") or \"exp(MEAN)\""
                    ))
                })
            }
        }
        d.deserialize_str(V)
    }
}

/// The size of the one file each generated task writes: it decides how long a child placed on
/// another machine waits for its input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SizeSpec {
    /// Always this many bytes (`1000000`).
    Fixed(u64),
    /// Uniform over `min..=max` bytes (`"1000..2000"`).
    Uniform {
        /// Smallest size in bytes.
        min: u64,
        /// Largest size in bytes (inclusive).
        max: u64,
    },
}

impl Default for SizeSpec {
    /// No data at all, so that a generated workflow is about run times unless asked otherwise.
    fn default() -> SizeSpec {
        SizeSpec::Fixed(0)
    }
}

impl SizeSpec {
    /// One size, drawn from `rng` (a fixed size draws nothing).
    pub fn sample(&self, rng: &mut SimRng) -> u64 {
        match *self {
            SizeSpec::Fixed(b) => b,
            SizeSpec::Uniform { min, max } => rng.between(min, max),
        }
    }
}

impl FromStr for SizeSpec {
    type Err = String;

    fn from_str(text: &str) -> Result<SizeSpec, String> {
        let bytes = |s: &str| {
            s.trim().parse::<u64>().map_err(|_| {
                format!(
                    "invalid size {text:?}: {s:?} is not a whole number of bytes (expected bytes such as 1000000, or a range such as \"1000..2000\")"
                )
            })
        };
        match text.split_once("..") {
            Some((lo, hi)) => {
                let (min, max) = (bytes(lo)?, bytes(hi)?);
                if min > max {
                    return Err(format!(
                        "invalid size {text:?}: the lower bound exceeds the upper bound"
                    ));
                }
                Ok(SizeSpec::Uniform { min, max })
            }
            None => bytes(text).map(SizeSpec::Fixed),
        }
    }
}

impl fmt::Display for SizeSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            SizeSpec::Fixed(b) => write!(f, "{b}"),
            SizeSpec::Uniform { min, max } => write!(f, "{min}..{max}"),
        }
    }
}

impl Serialize for SizeSpec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            SizeSpec::Fixed(b) => s.serialize_u64(b),
            SizeSpec::Uniform { .. } => s.serialize_str(&self.to_string()),
        }
    }
}

impl<'de> Deserialize<'de> for SizeSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = SizeSpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a size in bytes (1000000) or a range as text (\"1000..2000\")")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<SizeSpec, E> {
                Ok(SizeSpec::Fixed(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<SizeSpec, E> {
                u64::try_from(v)
                    .map(SizeSpec::Fixed)
                    .map_err(|_| E::custom(format!("invalid size {v}: a size cannot be negative")))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<SizeSpec, E> {
                v.parse().map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}
