//! Postcard's wire format written straight into a byte buffer, for the fingerprint.
//!
//! The fingerprint hashes every payload's postcard encoding. Running postcard itself costs a
//! detour per field: each varint is first written to a stack buffer, then handed to the
//! output as a slice (a `memcpy` call for a byte or two). This serializer produces the same
//! bytes (postcard 1's documented format: varints for integers wider than a byte, zigzag for
//! signed ones, a varint length before sequences, maps, strings and byte strings, a varint
//! variant index, nothing for structs and tuples) but pushes each varint's bytes straight
//! into the buffer. The tests check it byte for byte against postcard.

use postcard::Error;
use serde::ser::{self, Serialize};

/// Serializes into the sink.
pub(crate) struct PostcardWords<'a>(pub(crate) &'a mut Vec<u8>);

impl PostcardWords<'_> {
    /// A LEB128 varint of up to 64 bits.
    #[inline(always)]
    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    /// A LEB128 varint of up to 128 bits.
    fn varint128(&mut self, mut v: u128) {
        while v >= 0x80 {
            self.0.push(v as u8 | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }

    #[inline(always)]
    fn byte(&mut self, b: u8) {
        self.0.push(b);
    }

    #[inline]
    fn length(&mut self, len: Option<usize>) -> Result<(), Error> {
        let len = len.ok_or(Error::SerializeSeqLengthUnknown)?;
        self.varint(len as u64);
        Ok(())
    }
}

impl ser::Serializer for &mut PostcardWords<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    fn is_human_readable(&self) -> bool {
        false
    }

    #[inline]
    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.byte(u8::from(v));
        Ok(())
    }

    #[inline]
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.byte(v.to_le_bytes()[0]);
        Ok(())
    }

    #[inline]
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.varint(u64::from(((v << 1) ^ (v >> 15)) as u16));
        Ok(())
    }

    #[inline]
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.varint(u64::from(((v << 1) ^ (v >> 31)) as u32));
        Ok(())
    }

    #[inline]
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.varint(((v << 1) ^ (v >> 63)) as u64);
        Ok(())
    }

    fn serialize_i128(self, v: i128) -> Result<(), Error> {
        self.varint128(((v << 1) ^ (v >> 127)) as u128);
        Ok(())
    }

    #[inline]
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.byte(v);
        Ok(())
    }

    #[inline]
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.varint(u64::from(v));
        Ok(())
    }

    #[inline]
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.varint(u64::from(v));
        Ok(())
    }

    #[inline]
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.varint(v);
        Ok(())
    }

    fn serialize_u128(self, v: u128) -> Result<(), Error> {
        self.varint128(v);
        Ok(())
    }

    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.0.extend_from_slice(&v.to_bits().to_le_bytes());
        Ok(())
    }

    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        self.0.extend_from_slice(&v.to_bits().to_le_bytes());
        Ok(())
    }

    fn serialize_char(self, v: char) -> Result<(), Error> {
        let mut buf = [0u8; 4];
        self.serialize_str(v.encode_utf8(&mut buf))
    }

    #[inline]
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.serialize_bytes(v.as_bytes())
    }

    #[inline]
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        self.varint(v.len() as u64);
        self.0.extend_from_slice(v);
        Ok(())
    }

    #[inline]
    fn serialize_none(self) -> Result<(), Error> {
        self.byte(0);
        Ok(())
    }

    #[inline]
    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result<(), Error> {
        self.byte(1);
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), Error> {
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<(), Error> {
        Ok(())
    }

    #[inline]
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        variant_index: u32,
        _variant: &'static str,
    ) -> Result<(), Error> {
        self.varint(u64::from(variant_index));
        Ok(())
    }

    #[inline]
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }

    #[inline]
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _name: &'static str,
        variant_index: u32,
        _variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.varint(u64::from(variant_index));
        value.serialize(self)
    }

    #[inline]
    fn serialize_seq(self, len: Option<usize>) -> Result<Self, Error> {
        self.length(len)?;
        Ok(self)
    }

    fn serialize_tuple(self, _len: usize) -> Result<Self, Error> {
        Ok(self)
    }

    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Self, Error> {
        Ok(self)
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        variant_index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self, Error> {
        self.varint(u64::from(variant_index));
        Ok(self)
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Self, Error> {
        self.length(len)?;
        Ok(self)
    }

    #[inline]
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self, Error> {
        Ok(self)
    }

    #[inline]
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        variant_index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self, Error> {
        self.varint(u64::from(variant_index));
        Ok(self)
    }

    fn collect_str<T: ?Sized + std::fmt::Display>(self, value: &T) -> Result<(), Error> {
        self.serialize_str(&value.to_string())
    }
}

/// The compound forms: postcard writes their elements one after the other, with nothing
/// between or after them (a map's keys and values alternate).
macro_rules! compound {
    ($($trait:ident :: $method:ident $(, $key:ident)?);* $(;)?) => {$(
        impl ser::$trait for &mut PostcardWords<'_> {
            type Ok = ();
            type Error = Error;

            #[inline]
            fn $method<T: ?Sized + Serialize>(
                &mut self,
                $($key: &'static str,)?
                value: &T,
            ) -> Result<(), Error> {
                value.serialize(&mut **self)
            }

            #[inline]
            fn end(self) -> Result<(), Error> {
                Ok(())
            }
        }
    )*};
}

compound! {
    SerializeSeq::serialize_element;
    SerializeTuple::serialize_element;
    SerializeTupleStruct::serialize_field;
    SerializeTupleVariant::serialize_field;
    SerializeStruct::serialize_field, _key;
    SerializeStructVariant::serialize_field, _key;
}

impl ser::SerializeMap for &mut PostcardWords<'_> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), Error> {
        key.serialize(&mut **self)
    }

    fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(&mut **self)
    }

    fn end(self) -> Result<(), Error> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn same_as_postcard<T: Serialize + std::fmt::Debug>(value: &T) {
        let expected = postcard::to_allocvec(value).expect("postcard encodes it");
        let mut out = Vec::new();
        value
            .serialize(&mut PostcardWords(&mut out))
            .expect("encodable");
        assert_eq!(out, expected, "bytes of {value:?}");
    }

    #[derive(Clone, Debug, serde::Serialize)]
    struct Unit;

    #[derive(Clone, Debug, serde::Serialize)]
    struct Pair(u16, i16);

    #[derive(Clone, Debug, serde::Serialize)]
    enum Sample {
        Empty,
        Wrapped(u64),
        Tuple(i32, char),
        Fields {
            x: u64,
            s: String,
            v: Vec<u32>,
            o: Option<i64>,
            b: bool,
            f: (f32, f64),
        },
    }

    #[test]
    fn integers_at_every_varint_width() {
        for shift in 0..64 {
            for v in [1u64 << shift, (1u64 << shift) - 1, (1u64 << shift) + 1] {
                same_as_postcard(&v);
                same_as_postcard(&(v as u32));
                same_as_postcard(&(v as u16));
                same_as_postcard(&(v as u8));
                same_as_postcard(&(v as i64));
                same_as_postcard(&(v as i64).wrapping_neg());
                same_as_postcard(&(v as i32));
                same_as_postcard(&(v as i16));
                same_as_postcard(&(v as i8));
                same_as_postcard(&(u128::from(v) << 64 | 3));
                same_as_postcard(&-(i128::from(v) << 60));
            }
        }
        same_as_postcard(&u64::MAX);
        same_as_postcard(&i64::MIN);
        same_as_postcard(&u128::MAX);
        same_as_postcard(&i128::MIN);
    }

    #[test]
    fn compound_values() {
        for n in [0usize, 1, 7, 8, 9, 15, 16, 17, 40] {
            same_as_postcard(&Sample::Fields {
                x: 300 + n as u64 * 1_000_003,
                s: "k".repeat(n),
                v: (0..n as u32).map(|i| i * 77_777).collect(),
                o: Some(-(n as i64)),
                b: n % 2 == 0,
                f: (n as f32 / 3.0, -(n as f64) / 7.0),
            });
            same_as_postcard(&vec![Sample::Empty; n]);
            same_as_postcard(
                &(0..n)
                    .map(|i| (i, "é".repeat(i)))
                    .collect::<BTreeMap<_, _>>(),
            );
            same_as_postcard(&(Sample::Empty, Sample::Wrapped(n as u64 * 999_999)));
            same_as_postcard(&Sample::Tuple(-(n as i32), 'ß'));
            same_as_postcard(&(Unit, Pair(n as u16 * 1000, -(n as i16)), None::<u8>, ()));
            same_as_postcard(&Box::new(vec![n as u8; n]));
        }
    }

    #[test]
    fn an_unknown_length_is_an_error_as_in_postcard() {
        struct Unsized;
        impl Serialize for Unsized {
            fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use ser::SerializeSeq;
                let seq = s.serialize_seq(None)?;
                seq.end()
            }
        }
        assert!(postcard::to_allocvec(&Unsized).is_err());
        let mut out = Vec::new();
        assert!(Unsized.serialize(&mut PostcardWords(&mut out)).is_err());
    }
}
