//! Durations as people write them in scenario files: `"150ms"`, `"2s"`, `"1.5s"`, `"250us"`.
//!
//! A scenario file is read by people, so a duration carries its unit. Parsing is exact (no
//! floating point): `"1.5s"` is 1,500,000,000 ns on every machine, and writing a duration back
//! picks the largest unit that represents it exactly, so a file survives a round trip.

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sim_core::Duration;
use std::fmt;
use std::str::FromStr;

/// A [`sim_core::Duration`] that reads and writes as a string with a unit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DurationStr(pub Duration);

/// Units accepted in durations, with their length in nanoseconds, largest first (the order in
/// which [`DurationStr`]'s `Display` tries them).
const UNITS: [(&str, u64); 7] = [
    ("h", 3_600_000_000_000),
    ("min", 60_000_000_000),
    ("s", 1_000_000_000),
    ("ms", 1_000_000),
    ("us", 1_000),
    ("µs", 1_000),
    ("ns", 1),
];

/// Why a duration string was refused; the message says what was expected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid duration {text:?}: {why} (expected a number and a unit, such as \"150ms\", \"2s\", \"1.5s\" or \"250us\")")]
pub struct DurationError {
    /// The text as written.
    pub text: String,
    /// What is wrong with it.
    pub why: String,
}

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

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = |why: &str| DurationError {
            text: text.to_string(),
            why: why.to_string(),
        };
        let s = text.trim();
        if s.is_empty() {
            return Err(err("it is empty"));
        }
        if s.starts_with('-') {
            return Err(err("durations cannot be negative"));
        }
        let split = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
            .ok_or_else(|| err("the unit is missing"))?;
        let (number, unit) = (&s[..split], s[split..].trim());
        let scale = UNITS
            .iter()
            .find(|(u, _)| *u == unit)
            .map(|(_, n)| *n)
            .ok_or_else(|| {
                err(&format!(
                    "unknown unit {unit:?}; use one of h, min, s, ms, us, ns"
                ))
            })?;
        let number: String = number.chars().filter(|&c| c != '_').collect();
        let (int, frac) = match number.split_once('.') {
            Some((i, f)) => (i, f),
            None => (number.as_str(), ""),
        };
        if int.is_empty() && frac.is_empty() {
            return Err(err("the number is missing"));
        }
        if frac.contains('.') {
            return Err(err("the number has more than one decimal point"));
        }
        let too_long = || err("it is longer than about 584 years");
        let whole: u64 = if int.is_empty() {
            0
        } else {
            int.parse().map_err(|_| too_long())?
        };
        let mut nanos = whole.checked_mul(scale).ok_or_else(too_long)?;
        // The fraction, digit by digit, exactly.
        let mut place = scale;
        for c in frac.chars() {
            let digit = u64::from(c.to_digit(10).ok_or_else(|| err("bad digit"))?);
            if place.is_multiple_of(10) {
                place /= 10;
                nanos = nanos
                    .checked_add(digit * place)
                    .ok_or_else(too_long)?;
            } else if digit != 0 {
                return Err(err("it is finer than one nanosecond"));
            }
        }
        Ok(DurationStr(Duration(nanos)))
    }
}

impl fmt::Display for DurationStr {
    /// The largest unit that writes the duration exactly (`1500ms` becomes `"1500ms"`, not a
    /// rounded `"1.5s"`, unless it is exact: `1.5s` is written `"1500ms"`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.0;
        if n == 0 {
            return f.write_str("0s");
        }
        for (unit, scale) in UNITS {
            if unit != "µs" && n.is_multiple_of(scale) {
                return write!(f, "{}{unit}", n / scale);
            }
        }
        write!(f, "{n}ns")
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
        assert_eq!(p("2min"), Ok(120_000_000_000));
        assert_eq!(p("1_000ms"), Ok(1_000_000_000));
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
            ("1.2.3s", "more than one decimal point"),
            ("99999999999999h", "584 years"),
            ("", "empty"),
        ] {
            let e = p(text).unwrap_err();
            assert!(e.to_string().contains(why), "{text}: {e}");
        }
    }

    #[test]
    fn display_is_exact_and_round_trips() {
        for n in [0, 1, 999, 1_000, 1_500, 150_000_000, 1_500_000_000, 7_200_000_000_000] {
            let d = DurationStr(Duration(n));
            let back: DurationStr = d.to_string().parse().unwrap();
            assert_eq!(back, d, "{d}");
        }
        assert_eq!(DurationStr(Duration(1_500_000_000)).to_string(), "1500ms");
        assert_eq!(DurationStr(Duration(2_000_000_000)).to_string(), "2s");
        assert_eq!(DurationStr(Duration(1_500)).to_string(), "1500ns");
    }
}
