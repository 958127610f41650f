//! Fingerprints as written in scenario files: `"0x00ab..."`, a hex `u64` in a string (TOML
//! integers are signed 64-bit, so a fingerprint would not fit in one).

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A run's fingerprint, read from and written as `"0x%016x"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hex64(pub u64);

impl fmt::Display for Hex64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:016x}", self.0)
    }
}

impl FromStr for Hex64 {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let digits = s
            .strip_prefix("0x")
            .or_else(|| s.strip_prefix("0X"))
            .ok_or_else(|| {
                format!("expected a hex fingerprint such as \"0x1f3a...\", got {s:?}")
            })?;
        if digits.is_empty() || digits.len() > 16 {
            return Err(format!(
                "expected 1 to 16 hex digits after 0x, got {} in {s:?}",
                digits.len()
            ));
        }
        u64::from_str_radix(digits, 16)
            .map(Hex64)
            .map_err(|_| format!("{s:?} is not a hex number"))
    }
}

impl Serialize for Hex64 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Hex64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Hex64;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a fingerprint string such as \"0x00000000deadbeef\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Hex64, E> {
                v.parse().map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_garbage() {
        let h = Hex64(0xdead_beef);
        assert_eq!(h.to_string(), "0x00000000deadbeef");
        assert_eq!(h.to_string().parse::<Hex64>(), Ok(h));
        assert_eq!("0xFFFFFFFFFFFFFFFF".parse::<Hex64>(), Ok(Hex64(u64::MAX)));
        assert!("deadbeef".parse::<Hex64>().is_err());
        assert!("0x".parse::<Hex64>().is_err());
        assert!("0x1ffffffffffffffff".parse::<Hex64>().is_err());
        assert!("0xzz".parse::<Hex64>().is_err());
    }
}
