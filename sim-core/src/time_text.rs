//! Durations as people write them in scenario and configuration files: `"150ms"`, `"2s"`,
//! `"1.5s"`, and ranges such as `"150ms..300ms"`.
//!
//! Parsing is exact integer arithmetic (no floating point), so `"0.1s"` is exactly 100 ms on
//! every machine, and [`format_exact`] writes any duration back so that it parses to the same
//! value: a file written by the tool round-trips.

use crate::Duration;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// The units a duration may be written in, with their length in nanoseconds.
const UNITS: [(&str, u64); 7] = [
    ("ns", 1),
    ("us", 1_000),
    ("µs", 1_000),
    ("ms", 1_000_000),
    ("s", 1_000_000_000),
    ("m", 60_000_000_000),
    ("h", 3_600_000_000_000),
];

/// What went wrong reading a duration, worded for a person who typed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DurationError {
    /// The text that was read.
    pub text: String,
    /// What was wrong with it.
    pub problem: String,
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid duration {:?}: {} (expected a number and a unit, such as \"150ms\", \"2s\" or \"1.5s\"; units: ns, us, ms, s, m, h)",
            self.text, self.problem
        )
    }
}

impl std::error::Error for DurationError {}

/// Reads a duration such as `"150ms"`, `"2s"`, `"1.5s"` or `"0"`.
pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    let err = |problem: &str| DurationError {
        text: text.to_string(),
        problem: problem.to_string(),
    };
    let t = text.trim();
    if t == "0" {
        return Ok(Duration::ZERO);
    }
    if t.starts_with('-') {
        return Err(err("a duration cannot be negative"));
    }
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .ok_or_else(|| err("the unit is missing"))?;
    let (number, unit) = t.split_at(split);
    let unit = unit.trim();
    let scale = UNITS
        .iter()
        .find(|(u, _)| *u == unit)
        .map(|(_, s)| *s)
        .ok_or_else(|| err(&format!("unknown unit {unit:?}")))?;
    if number.is_empty() {
        return Err(err("the number is missing"));
    }
    let (whole, frac) = match number.split_once('.') {
        Some((w, f)) => (w, f),
        None => (number, ""),
    };
    if frac.contains('.') || (whole.is_empty() && frac.is_empty()) {
        return Err(err("the number is malformed"));
    }
    let too_long = || err("too long to represent (the longest is about 584 years)");
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| too_long())?
    };
    let mut nanos = whole.checked_mul(scale).ok_or_else(too_long)?;
    // Each fractional digit is worth a tenth of the one before; a digit below one nanosecond
    // that is not zero cannot be represented.
    let mut place = scale;
    for digit in frac.bytes() {
        let d = u64::from(digit - b'0');
        if place % 10 != 0 {
            if d != 0 {
                return Err(err("finer than one nanosecond"));
            }
            continue;
        }
        place /= 10;
        nanos = nanos.checked_add(d * place).ok_or_else(too_long)?;
    }
    Ok(Duration(nanos))
}

/// Writes a duration so that [`parse_duration`] reads back exactly the same value: whole
/// hours or minutes when it is one, else in the largest of seconds, milliseconds and
/// microseconds that is not above it, with the decimals it needs (`"150ms"`, `"1.5s"`,
/// `"4.000000001s"`, `"7ns"`), so that a time just after an event still reads as a time.
pub fn format_exact(d: Duration) -> String {
    let n = d.0;
    if n == 0 {
        return "0s".to_string();
    }
    for (unit, scale) in [("h", 3_600_000_000_000u64), ("m", 60_000_000_000)] {
        if n.is_multiple_of(scale) {
            return format!("{}{unit}", n / scale);
        }
    }
    for (unit, scale, digits) in [
        ("s", 1_000_000_000u64, 9),
        ("ms", 1_000_000, 6),
        ("us", 1_000, 3),
    ] {
        if n >= scale {
            let (whole, frac) = (n / scale, n % scale);
            if frac == 0 {
                return format!("{whole}{unit}");
            }
            let frac = format!("{frac:0digits$}");
            return format!("{whole}.{}{unit}", frac.trim_end_matches('0'));
        }
    }
    format!("{n}ns")
}

/// Serde adapter for a [`Duration`] field written as text: `#[serde(with = "sim_core::time_text::human")]`.
pub mod human {
    use super::*;

    /// Writes the duration as exact text.
    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_exact(*d))
    }

    /// Reads a duration from text such as `"150ms"`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let text = HumanText::deserialize(d)?;
        parse_duration(&text.0).map_err(serde::de::Error::custom)
    }
}

/// Serde adapter for an optional [`Duration`] written as text.
pub mod human_opt {
    use super::*;

    /// Writes the duration as exact text, or nothing.
    pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_some(&format_exact(*d)),
            None => s.serialize_none(),
        }
    }

    /// Reads an optional duration from text.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        let text = Option::<HumanText>::deserialize(d)?;
        text.map(|t| parse_duration(&t.0).map_err(serde::de::Error::custom))
            .transpose()
    }
}

/// A string that says, when it is not one, that a duration is written as text with a unit.
struct HumanText(String);

impl<'de> Deserialize<'de> for HumanText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = HumanText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a duration as a string with a unit, such as \"150ms\" or \"2s\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<HumanText, E> {
                Ok(HumanText(v.to_string()))
            }
        }
        d.deserialize_str(V)
    }
}

/// A range of durations, written `"150ms..300ms"` (or `"150ms"` for a single value), from
/// which a node draws uniformly: an election timeout, a retry back-off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DurationRange {
    /// The shortest value.
    pub min: Duration,
    /// The longest value (inclusive).
    pub max: Duration,
}

impl DurationRange {
    /// A range; fails when `min > max`.
    pub fn new(min: Duration, max: Duration) -> Result<DurationRange, DurationError> {
        if min > max {
            return Err(DurationError {
                text: format!("{}..{}", format_exact(min), format_exact(max)),
                problem: "the lower bound exceeds the upper bound".into(),
            });
        }
        Ok(DurationRange { min, max })
    }

    /// A range holding one value.
    pub const fn exactly(d: Duration) -> DurationRange {
        DurationRange { min: d, max: d }
    }
}

impl FromStr for DurationRange {
    type Err = DurationError;

    fn from_str(text: &str) -> Result<DurationRange, DurationError> {
        match text.split_once("..") {
            Some((lo, hi)) => {
                let (min, max) = (parse_duration(lo)?, parse_duration(hi)?);
                DurationRange::new(min, max).map_err(|e| DurationError {
                    text: text.to_string(),
                    problem: e.problem,
                })
            }
            None => parse_duration(text).map(DurationRange::exactly),
        }
    }
}

impl fmt::Display for DurationRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.min == self.max {
            f.write_str(&format_exact(self.min))
        } else {
            write!(f, "{}..{}", format_exact(self.min), format_exact(self.max))
        }
    }
}

impl Serialize for DurationRange {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for DurationRange {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = HumanText::deserialize(d)?;
        text.0.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_units_and_decimals_exactly() {
        let ms = Duration::from_millis;
        assert_eq!(parse_duration("150ms"), Ok(ms(150)));
        assert_eq!(parse_duration("2s"), Ok(ms(2_000)));
        assert_eq!(parse_duration("1.5s"), Ok(ms(1_500)));
        assert_eq!(parse_duration("0.1s"), Ok(ms(100)));
        assert_eq!(parse_duration(".25s"), Ok(ms(250)));
        assert_eq!(parse_duration("250us"), Ok(Duration::from_micros(250)));
        assert_eq!(parse_duration("7ns"), Ok(Duration(7)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("1.0ns"), Ok(Duration(1)));
    }

    #[test]
    fn rejects_what_is_not_a_duration() {
        for bad in [
            "",
            "ms",
            "150",
            "-1s",
            "1.2.3s",
            "1x",
            "1.0001ns",
            "99999999999h",
            ".",
        ] {
            let e = parse_duration(bad).expect_err(bad);
            assert!(
                e.to_string().contains("expected a number and a unit"),
                "{e}"
            );
        }
        assert!(
            parse_duration("1.5ns")
                .unwrap_err()
                .problem
                .contains("nanosecond")
        );
        assert!(
            parse_duration("3 parsecs")
                .unwrap_err()
                .problem
                .contains("unknown unit")
        );
    }

    #[test]
    fn format_prefers_whole_units() {
        assert_eq!(format_exact(Duration::from_secs(90)), "90s");
        assert_eq!(format_exact(Duration::from_secs(120)), "2m");
        assert_eq!(format_exact(Duration(1_234_567)), "1.234567ms");
        // A time just after an event, as the front end records an action at.
        assert_eq!(format_exact(Duration(4_000_000_001)), "4.000000001s");
        assert_eq!(format_exact(Duration(1_500)), "1.5us");
        assert_eq!(format_exact(Duration(61_500_000_000)), "61.5s");
        assert_eq!(format_exact(Duration(3_600_000_000_000)), "1h");
    }

    #[test]
    fn format_round_trips() {
        for n in [
            0u64,
            1,
            999,
            1_000,
            1_500,
            150_000_000,
            1_500_000_000,
            1_234_567,
            1_234_567_891,
            4_000_000_001,
            999_999_999,
            60_000_000_000,
            90_000_000_000,
            u64::MAX,
        ] {
            let text = format_exact(Duration(n));
            assert_eq!(parse_duration(&text), Ok(Duration(n)), "{text}");
        }
        assert_eq!(format_exact(Duration::from_millis(1_500)), "1.5s");
        assert_eq!(format_exact(Duration::from_millis(150)), "150ms");
    }

    #[test]
    fn ranges_parse_display_and_reject_inverted_bounds() {
        let r: DurationRange = "150ms..300ms".parse().unwrap();
        assert_eq!(r.min, Duration::from_millis(150));
        assert_eq!(r.max, Duration::from_millis(300));
        assert_eq!(r.to_string(), "150ms..300ms");
        let one: DurationRange = "150ms".parse().unwrap();
        assert_eq!(one, DurationRange::exactly(Duration::from_millis(150)));
        assert!("300ms..150ms".parse::<DurationRange>().is_err());
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<DurationRange>(&json).unwrap(), r);
        assert!(serde_json::from_str::<DurationRange>("150").is_err());
    }
}
