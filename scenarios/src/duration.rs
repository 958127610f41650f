//! Durations as people write them in scenario files: `"150ms"`, `"2s"`, `"1.5s"`, `"250us"`.
//!
//! A scenario file is read by people, so a duration carries its unit. Parsing is sim-core's
//! (`sim_core::time_text`): exact integer arithmetic, so `"1.5s"` is 1,500,000,000 ns on every
//! machine, and writing a duration back picks the largest unit that represents it exactly, so
//! a file survives a round trip. This type adds serde with messages for the usual mistakes (a
//! bare number without a unit).

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sim_core::Duration;
use std::fmt;
use std::str::FromStr;

/// A [`sim_core::Duration`] that reads and writes as a string with a unit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DurationStr(pub Duration);

pub use sim_core::time_text::DurationError;

impl DurationStr {
    /// The duration in nanoseconds.
    pub fn nanos(self) -> u64 {
        self.0.0
    }

    /// Shorthand for building durations in code and tests.
    pub const fn from_millis(ms: u64) -> DurationStr {
        DurationStr(Duration::from_millis(ms))
    }
}

impl From<Duration> for DurationStr {
    fn from(d: Duration) -> Self {
        DurationStr(d)
    }
}

impl From<DurationStr> for Duration {
    fn from(d: DurationStr) -> Self {
        d.0
    }
}

impl FromStr for DurationStr {
    type Err = DurationError;

    /// The grammar of `sim_core::time_text`, so that scenario files and protocol
    /// configurations read durations identically.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        sim_core::time_text::parse_duration(text).map(DurationStr)
    }
}

impl fmt::Display for DurationStr {
    /// Exactly, in the shortest form sim-core writes (`1.5s`, `150ms`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&sim_core::time_text::format_exact(self.0))
    }
}

impl Serialize for DurationStr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for DurationStr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = DurationStr;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a duration string such as \"150ms\" or \"2s\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DurationStr, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<DurationStr, E> {
                Err(E::custom(format!(
                    "a duration needs a unit: write \"{v}ms\" or \"{v}s\", not {v}"
                )))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<DurationStr, E> {
                self.visit_i64(v as i64)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<DurationStr, E> {
                Err(E::custom(format!(
                    "a duration needs a unit: write \"{v}s\", not {v}"
                )))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<u64, DurationError> {
        s.parse::<DurationStr>().map(DurationStr::nanos)
    }

    #[test]
    fn parses_units_and_fractions_exactly() {
        assert_eq!(p("150ms"), Ok(150_000_000));
        assert_eq!(p("2s"), Ok(2_000_000_000));
        assert_eq!(p("1.5s"), Ok(1_500_000_000));
        assert_eq!(p("250us"), Ok(250_000));
        assert_eq!(p("250µs"), Ok(250_000));
        assert_eq!(p("7ns"), Ok(7));
        assert_eq!(p("0.001ms"), Ok(1_000));
        assert_eq!(p("2m"), Ok(120_000_000_000));
        assert_eq!(p(" 3 ms "), Ok(3_000_000));
    }

    #[test]
    fn rejects_garbage_with_a_reason() {
        for (text, why) in [
            ("-5ms", "negative"),
            ("5", "unit is missing"),
            ("ms", "number is missing"),
            ("5 parsecs", "unknown unit"),
            ("1.5ns", "finer than one nanosecond"),
            ("1.2.3s", "malformed"),
            ("99999999999999h", "584 years"),
        ] {
            let e = p(text).unwrap_err();
            assert!(e.to_string().contains(why), "{text}: {e}");
        }
    }

    #[test]
    fn display_is_exact_and_round_trips() {
        for n in [
            0,
            1,
            999,
            1_000,
            1_500,
            150_000_000,
            1_500_000_000,
            7_200_000_000_000,
        ] {
            let d = DurationStr(Duration(n));
            let back: DurationStr = d.to_string().parse().unwrap();
            assert_eq!(back, d, "{d}");
        }
        assert_eq!(DurationStr(Duration(1_500_000_000)).to_string(), "1.5s");
        assert_eq!(DurationStr(Duration(2_000_000_000)).to_string(), "2s");
        assert_eq!(DurationStr(Duration(1_500)).to_string(), "1.5us");
    }
}
