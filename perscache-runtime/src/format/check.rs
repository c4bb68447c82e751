//! Does a value read back as itself? Serde formats answer by comparing a
//! canonical fingerprint of the value written with the value read.
//!
//! Decoding without error is not enough: JSON reads `Some(None)` back as
//! `None`, CSV reads `Some("")` back as `None`. The fingerprint is a byte
//! stream of the serde data model that keeps every distinction a format could
//! lose (`Some` from `None`, integer widths, field names), and ignores the two
//! things that legitimately change on a round trip: the iteration order of
//! maps and sets (a `HashMap` read back has a new random order). Sequences are
//! therefore compared as multisets (see [`Many`]); no format reorders a `Vec`, so this blind
//! spot never hides a real loss, while an ordered comparison would reject
//! every `HashSet`.

use serde::ser::{self, Serialize};
use std::fmt;
use xxhash_rust::xxh3::xxh3_128;

use super::Codec;
use crate::error::FormatError;

/// Decodes `bytes` with `codec` and fails unless the result is `value` again.
pub(crate) fn same_after_decode<T: Serialize, C: Codec<T> + ?Sized>(
    codec: &C,
    value: &T,
    bytes: &[u8],
) -> Result<(), FormatError> {
    let back = codec.decode(bytes)?;
    same(codec.name(), value, &back)
}

/// Fails unless `value` and `back` have the same fingerprint.
pub(crate) fn same<T: Serialize>(format: &str, value: &T, back: &T) -> Result<(), FormatError> {
    let (a, b) = (fingerprint(value)?, fingerprint(&back)?);
    if a == b {
        Ok(())
    } else {
        Err(FormatError::new(format!(
            "the value reads back different from what was written; \
             `{format}` cannot represent it exactly (for example `Some(None)` or an empty \
             `Option<String>` in a text format); choose another format for this type"
        )))
    }
}

fn fingerprint<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, FormatError> {
    let mut out = Vec::new();
    value
        .serialize(Print { out: &mut out })
        .map_err(|e| FormatError::new(e.0))?;
    Ok(out)
}

#[derive(Debug)]
struct PrintError(String);

impl fmt::Display for PrintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PrintError {}

impl ser::Error for PrintError {
    fn custom<M: fmt::Display>(msg: M) -> Self {
        PrintError(msg.to_string())
    }
}

struct Print<'a> {
    out: &'a mut Vec<u8>,
}

impl Print<'_> {
    fn tag(self, tag: u8, bytes: &[u8]) -> Result<(), PrintError> {
        self.out.push(tag);
        put(self.out, bytes);
        Ok(())
    }
}

/// Length-prefixed, so adjacent values never run together.
fn put(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    out.extend_from_slice(bytes);
}

/// Elements of a compound.
///
/// Tuples and structs keep their elements in order, written in place, each
/// after its length: the value read back is of the same type, whose
/// `Serialize` writes the same fields in the same order. Sequences and maps
/// are compared as multisets: each element's fingerprint is hashed and the
/// hashes are summed, which ignores order in linear time and without keeping
/// the elements (sorting per-element buffers took seconds on a 100 MB
/// `Vec<f64>`). The sum of 128-bit XXH3 hashes is not a defence against an
/// adversary, only against a format silently losing a distinction.
struct Many<'a> {
    out: &'a mut Vec<u8>,
    tag: u8,
    name: &'static str,
    unordered: bool,
    /// Elements so far.
    count: u64,
    /// Unordered elements: the sum of their hashes, and the buffer each is
    /// printed in before it is hashed.
    sum: u128,
    scratch: Vec<u8>,
    /// A map key waiting for its value.
    key: Option<Vec<u8>>,
}

impl<'a> Many<'a> {
    fn new(out: &'a mut Vec<u8>, tag: u8, name: &'static str, unordered: bool) -> Self {
        if !unordered {
            out.push(tag);
            put(out, name.as_bytes());
        }
        Many {
            out,
            tag,
            name,
            unordered,
            count: 0,
            sum: 0,
            scratch: Vec::new(),
            key: None,
        }
    }

    /// Prints one element, after `label` (a field's name or a map key, if
    /// any): in place when ordered, else hashed into the sum.
    fn element<T: Serialize + ?Sized>(
        &mut self,
        label: Option<&[u8]>,
        value: &T,
    ) -> Result<(), PrintError> {
        self.count += 1;
        if self.unordered {
            let mut item = std::mem::take(&mut self.scratch);
            item.clear();
            if let Some(label) = label {
                put(&mut item, label);
            }
            value.serialize(Print { out: &mut item })?;
            self.sum = self.sum.wrapping_add(xxh3_128(&item));
            self.scratch = item;
        } else {
            if let Some(label) = label {
                put(self.out, label);
            }
            let at = self.out.len();
            self.out.extend_from_slice(&[0; 8]);
            value.serialize(Print {
                out: &mut *self.out,
            })?;
            let len = (self.out.len() - at - 8) as u64;
            self.out[at..at + 8].copy_from_slice(&len.to_le_bytes());
        }
        Ok(())
    }

    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), PrintError> {
        self.element(None, value)
    }

    fn field<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), PrintError> {
        self.element(Some(name.as_bytes()), value)
    }

    fn finish(self) -> Result<(), PrintError> {
        if self.unordered {
            self.out.push(self.tag);
            put(self.out, self.name.as_bytes());
            self.out.extend_from_slice(&self.sum.to_le_bytes());
        }
        self.out.extend_from_slice(&self.count.to_le_bytes());
        Ok(())
    }
}

macro_rules! scalar {
    ($($method:ident($ty:ty) => $tag:expr;)*) => {
        $(fn $method(self, v: $ty) -> Result<(), PrintError> {
            self.tag($tag, &v.to_le_bytes())
        })*
    };
}

impl<'a> ser::Serializer for Print<'a> {
    type Ok = ();
    type Error = PrintError;
    type SerializeSeq = Many<'a>;
    type SerializeTuple = Many<'a>;
    type SerializeTupleStruct = Many<'a>;
    type SerializeTupleVariant = Many<'a>;
    type SerializeMap = Many<'a>;
    type SerializeStruct = Many<'a>;
    type SerializeStructVariant = Many<'a>;

    scalar! {
        serialize_i8(i8) => 1;
        serialize_i16(i16) => 2;
        serialize_i32(i32) => 3;
        serialize_i64(i64) => 4;
        serialize_i128(i128) => 5;
        serialize_u8(u8) => 6;
        serialize_u16(u16) => 7;
        serialize_u32(u32) => 8;
        serialize_u64(u64) => 9;
        serialize_u128(u128) => 10;
    }

    fn serialize_bool(self, v: bool) -> Result<(), PrintError> {
        self.tag(11, &[u8::from(v)])
    }
    fn serialize_f32(self, v: f32) -> Result<(), PrintError> {
        // Every NaN is the same value to a reader of text formats.
        let bits = if v.is_nan() {
            f32::NAN.to_bits()
        } else {
            v.to_bits()
        };
        self.tag(12, &bits.to_le_bytes())
    }
    fn serialize_f64(self, v: f64) -> Result<(), PrintError> {
        let bits = if v.is_nan() {
            f64::NAN.to_bits()
        } else {
            v.to_bits()
        };
        self.tag(13, &bits.to_le_bytes())
    }
    fn serialize_char(self, v: char) -> Result<(), PrintError> {
        self.tag(14, &u32::from(v).to_le_bytes())
    }
    fn serialize_str(self, v: &str) -> Result<(), PrintError> {
        self.tag(15, v.as_bytes())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), PrintError> {
        self.tag(16, v)
    }
    fn serialize_none(self) -> Result<(), PrintError> {
        self.tag(17, &[])
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), PrintError> {
        self.out.push(18);
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), PrintError> {
        self.tag(19, &[])
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<(), PrintError> {
        self.tag(20, name.as_bytes())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), PrintError> {
        self.tag(21, variant.as_bytes())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), PrintError> {
        // Transparent, as most formats write it.
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), PrintError> {
        let mut many = Many::new(self.out, 22, variant, false);
        many.push(value)?;
        many.finish()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Many<'a>, PrintError> {
        Ok(Many::new(self.out, 23, "", true))
    }
    fn serialize_tuple(self, _: usize) -> Result<Many<'a>, PrintError> {
        Ok(Many::new(self.out, 24, "", false))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Many<'a>, PrintError> {
        Ok(Many::new(self.out, 24, "", false))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Many<'a>, PrintError> {
        Ok(Many::new(self.out, 25, variant, false))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Many<'a>, PrintError> {
        Ok(Many::new(self.out, 26, "", true))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Many<'a>, PrintError> {
        // Struct names are not stored by self-describing formats; the fields
        // are, by name, and in the order of the type's `Serialize`.
        Ok(Many::new(self.out, 28, "", false))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Many<'a>, PrintError> {
        Ok(Many::new(self.out, 27, variant, false))
    }
}

impl ser::SerializeSeq for Many<'_> {
    type Ok = ();
    type Error = PrintError;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), PrintError> {
        self.push(value)
    }
    fn end(self) -> Result<(), PrintError> {
        self.finish()
    }
}

macro_rules! ordered {
    ($($trait:ident :: $method:ident),*) => {
        $(impl ser::$trait for Many<'_> {
            type Ok = ();
            type Error = PrintError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), PrintError> {
                self.push(value)
            }
            fn end(self) -> Result<(), PrintError> {
                self.finish()
            }
        })*
    };
}

ordered!(
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for Many<'_> {
    type Ok = ();
    type Error = PrintError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), PrintError> {
        let mut k = Vec::new();
        key.serialize(Print { out: &mut k })?;
        self.key = Some(k);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), PrintError> {
        let key = self.key.take().unwrap_or_default();
        self.element(Some(&key), value)
    }
    fn end(self) -> Result<(), PrintError> {
        self.finish()
    }
}

macro_rules! named {
    ($($trait:ident),*) => {
        $(impl ser::$trait for Many<'_> {
            type Ok = ();
            type Error = PrintError;
            fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), PrintError> {
                self.field(key, value)
            }
            fn skip_field(&mut self, _: &'static str) -> Result<(), PrintError> {
                // A skipped field and an absent one read back the same.
                Ok(())
            }
            fn end(self) -> Result<(), PrintError> {
                self.finish()
            }
        })*
    };
}

named!(SerializeStruct, SerializeStructVariant);

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, HashMap, HashSet};

    #[test]
    fn distinguishes_what_formats_lose() {
        let a: Option<Option<u8>> = Some(None);
        let b: Option<Option<u8>> = None;
        assert_ne!(fingerprint(&a).ok(), fingerprint(&b).ok());
        let a: Option<String> = Some(String::new());
        let b: Option<String> = None;
        assert_ne!(fingerprint(&a).ok(), fingerprint(&b).ok());
        assert_ne!(fingerprint(&1u32).ok(), fingerprint(&1u64).ok());
        assert_ne!(
            fingerprint(&vec![1, 2]).ok(),
            fingerprint(&vec![1, 2, 2]).ok()
        );
    }

    #[test]
    fn structs_compare_field_by_field() {
        #[derive(serde::Serialize)]
        struct Pair {
            a: Option<Option<u8>>,
            b: String,
            tags: HashSet<u32>,
        }
        let pair = |a, b: &str, n: u32| Pair {
            a,
            b: b.to_owned(),
            tags: (0..n).collect(),
        };
        let fp = |p: &Pair| fingerprint(p).expect("prints");
        assert_eq!(
            fp(&pair(Some(None), "x", 50)),
            fp(&pair(Some(None), "x", 50))
        );
        assert_ne!(fp(&pair(Some(None), "x", 50)), fp(&pair(None, "x", 50)));
        assert_ne!(fp(&pair(None, "x", 50)), fp(&pair(None, "", 50)));
        assert_ne!(fp(&pair(None, "x", 50)), fp(&pair(None, "x", 49)));
        // Values do not move between fields, nor between adjacent strings.
        let two = |a: &str, b: &str| fingerprint(&(a, b)).expect("prints");
        assert_ne!(two("ab", "c"), two("a", "bc"));
        assert_ne!(
            fingerprint(&vec![pair(None, "x", 1), pair(Some(None), "y", 2)]).ok(),
            fingerprint(&vec![pair(None, "y", 1), pair(Some(None), "x", 2)]).ok()
        );
    }

    #[test]
    fn ignores_iteration_order() {
        let set: HashSet<u32> = (0..100).collect();
        let other: HashSet<u32> = (0..100).rev().collect();
        assert_eq!(fingerprint(&set).ok(), fingerprint(&other).ok());
        let map: HashMap<String, u32> = (0..50).map(|i| (i.to_string(), i)).collect();
        let sorted: BTreeMap<String, u32> = map.clone().into_iter().collect();
        assert_eq!(fingerprint(&map).ok(), fingerprint(&sorted).ok());
    }
}
