//! The canonical stream: a serde serializer that writes every value as its
//! kind's tag, its lengths and its bytes, so that no two values share a
//! stream. Numbers among a compound's elements go to a [`Run`].

use std::fmt;

use serde::ser::{self, Serialize};

use super::runs::Run;

/// Where the canonical stream goes.
pub(super) trait Sink {
    fn put(&mut self, bytes: &[u8]);
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// A number outside a run: its tag, then its bytes (at most 16), in one
/// put. Serde's path and the one-number fast path both write through here.
#[inline]
pub(super) fn put_scalar(out: &mut impl Sink, tag: u8, bytes: &[u8]) {
    let mut one = [0u8; 17];
    one[0] = tag;
    one[1..=bytes.len()].copy_from_slice(bytes);
    out.put(&one[..=bytes.len()]);
}

#[inline]
pub(super) fn write_len(out: &mut impl Sink, len: usize) {
    out.put(&(len as u64).to_le_bytes());
}

#[inline]
pub(super) fn write_str(out: &mut impl Sink, s: &str) {
    write_len(out, s.len());
    out.put(s.as_bytes());
}

/// One byte per serde data-model kind. Never reorder: keys depend on them.
pub(super) mod tag {
    pub const BOOL: u8 = 1;
    pub const I8: u8 = 2;
    pub const I16: u8 = 3;
    pub const I32: u8 = 4;
    pub const I64: u8 = 5;
    pub const I128: u8 = 6;
    pub const U8: u8 = 7;
    pub const U16: u8 = 8;
    pub const U32: u8 = 9;
    pub const U64: u8 = 10;
    pub const U128: u8 = 11;
    pub const F32: u8 = 12;
    pub const F64: u8 = 13;
    pub const CHAR: u8 = 14;
    pub const STR: u8 = 15;
    pub const BYTES: u8 = 16;
    pub const NONE: u8 = 17;
    pub const SOME: u8 = 18;
    pub const UNIT: u8 = 19;
    pub const UNIT_STRUCT: u8 = 20;
    pub const UNIT_VARIANT: u8 = 21;
    pub const NEWTYPE_STRUCT: u8 = 22;
    pub const NEWTYPE_VARIANT: u8 = 23;
    pub const SEQ: u8 = 24;
    pub const TUPLE: u8 = 25;
    pub const TUPLE_STRUCT: u8 = 26;
    pub const TUPLE_VARIANT: u8 = 27;
    pub const MAP: u8 = 28;
    pub const STRUCT: u8 = 29;
    pub const STRUCT_VARIANT: u8 = 30;
    pub const END: u8 = 31;
    pub const FIELD: u8 = 32;
    /// A run of numbers written as a summary (key encoding v2).
    pub const RUN: u8 = 33;
    pub const INSTANCE: u8 = 64;
    pub const ARG: u8 = 65;
    pub const TYPE: u8 = 66;
    pub const VERSION: u8 = 67;
}

#[derive(Debug)]
pub(super) struct KeyError(pub(super) String);

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for KeyError {}

impl ser::Error for KeyError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        KeyError(msg.to_string())
    }
}

/// The canonical serializer. It never fails on its own; only a user's
/// `Serialize` impl can return an error through it.
struct Canonical<'a, S: Sink> {
    out: &'a mut S,
    /// Whether the value being serialized is an element of a sequence-like
    /// compound (set by [`Compound::element`]), where a number joins `run`.
    element: bool,
    /// The pending run of numbers. Only the innermost compound being written
    /// can have one: any other write settles it first, so one per stream does.
    run: Run,
}

/// Writes `value`'s canonical stream to `out`.
pub(super) fn encode<T: Serialize + ?Sized>(
    value: &T,
    out: &mut impl Sink,
) -> Result<(), KeyError> {
    let mut ser = Canonical {
        out,
        element: false,
        run: Run::new(),
    };
    let result = value.serialize(&mut ser);
    // A compound's end settles its run; this only guards a `Serialize` impl
    // that returned without ending one.
    ser.settle();
    result
}

impl<S: Sink> Canonical<'_, S> {
    // One put of the tag and the value (at most 16 bytes) rather than two:
    // the elements of a large argument are mostly scalars. Inlined, so the
    // length is a constant at each call site.
    #[inline]
    fn scalar(&mut self, tag: u8, bytes: &[u8]) -> Result<(), KeyError> {
        self.settle();
        put_scalar(self.out, tag, bytes);
        Ok(())
    }

    /// A fixed-width number (`bytes` little-endian): an element joins the
    /// pending run, anything else is written inline.
    #[inline]
    fn number(&mut self, tag: u8, bytes: &[u8]) -> Result<(), KeyError> {
        if self.element {
            self.element = false;
            self.run.push(self.out, tag, bytes);
            Ok(())
        } else {
            self.scalar(tag, bytes)
        }
    }

    /// Called before anything but a number element is written: writes the
    /// pending run, so the stream keeps the order of the values.
    #[inline]
    fn settle(&mut self) {
        self.element = false;
        if self.run.kind != 0 {
            self.run.flush(self.out);
        }
    }

    fn named(&mut self, tag: u8, name: &str) {
        self.settle();
        self.out.put(&[tag]);
        write_str(self.out, name);
    }

    fn tag(&mut self, tag: u8) {
        self.settle();
        self.out.put(&[tag]);
    }
}

macro_rules! scalars {
    ($($method:ident: $ty:ty => $tag:ident),* $(,)?) => {$(
        fn $method(self, v: $ty) -> Result<(), KeyError> {
            self.number(tag::$tag, &v.to_le_bytes())
        }
    )*};
}

impl<'a, 'b, S: Sink> ser::Serializer for &'a mut Canonical<'b, S> {
    type Ok = ();
    type Error = KeyError;
    type SerializeSeq = Compound<'a, 'b, S>;
    type SerializeTuple = Compound<'a, 'b, S>;
    type SerializeTupleStruct = Compound<'a, 'b, S>;
    type SerializeTupleVariant = Compound<'a, 'b, S>;
    type SerializeMap = MapCompound<'a, 'b, S>;
    type SerializeStruct = Compound<'a, 'b, S>;
    type SerializeStructVariant = Compound<'a, 'b, S>;

    scalars! {
        serialize_i8: i8 => I8, serialize_i16: i16 => I16, serialize_i32: i32 => I32,
        serialize_i64: i64 => I64, serialize_i128: i128 => I128,
        serialize_u8: u8 => U8, serialize_u16: u16 => U16, serialize_u32: u32 => U32,
        serialize_u64: u64 => U64, serialize_u128: u128 => U128,
    }

    fn serialize_bool(self, v: bool) -> Result<(), KeyError> {
        self.scalar(tag::BOOL, &[v as u8])
    }

    // Bit patterns, so that -0.0 and 0.0, or two NaNs, are told apart exactly
    // as the function would see them.
    fn serialize_f32(self, v: f32) -> Result<(), KeyError> {
        self.number(tag::F32, &v.to_bits().to_le_bytes())
    }

    fn serialize_f64(self, v: f64) -> Result<(), KeyError> {
        self.number(tag::F64, &v.to_bits().to_le_bytes())
    }

    fn serialize_char(self, v: char) -> Result<(), KeyError> {
        self.scalar(tag::CHAR, &(v as u32).to_le_bytes())
    }

    fn serialize_str(self, v: &str) -> Result<(), KeyError> {
        self.named(tag::STR, v);
        Ok(())
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<(), KeyError> {
        self.tag(tag::BYTES);
        write_len(self.out, v.len());
        self.out.put(v);
        Ok(())
    }

    fn serialize_none(self) -> Result<(), KeyError> {
        self.scalar(tag::NONE, &[])
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), KeyError> {
        self.tag(tag::SOME);
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), KeyError> {
        self.scalar(tag::UNIT, &[])
    }

    fn serialize_unit_struct(self, name: &'static str) -> Result<(), KeyError> {
        self.named(tag::UNIT_STRUCT, name);
        Ok(())
    }

    fn serialize_unit_variant(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), KeyError> {
        self.named(tag::UNIT_VARIANT, name);
        write_str(self.out, variant);
        Ok(())
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<(), KeyError> {
        self.named(tag::NEWTYPE_STRUCT, name);
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), KeyError> {
        self.named(tag::NEWTYPE_VARIANT, name);
        write_str(self.out, variant);
        value.serialize(self)
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, KeyError> {
        // The length is not written up front (it may be unknown); the END tag
        // closes the sequence instead, which keeps the stream self-delimiting.
        self.tag(tag::SEQ);
        Ok(Compound { ser: self })
    }

    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, KeyError> {
        self.tag(tag::TUPLE);
        write_len(self.out, len);
        Ok(Compound { ser: self })
    }

    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct, KeyError> {
        self.named(tag::TUPLE_STRUCT, name);
        write_len(self.out, len);
        Ok(Compound { ser: self })
    }

    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, KeyError> {
        self.named(tag::TUPLE_VARIANT, name);
        write_str(self.out, variant);
        write_len(self.out, len);
        Ok(Compound { ser: self })
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, KeyError> {
        // Written at the end, but in this place in the stream.
        self.settle();
        Ok(MapCompound {
            ser: self,
            entries: Vec::new(),
            pending_key: None,
        })
    }

    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, KeyError> {
        self.named(tag::STRUCT, name);
        write_len(self.out, len);
        Ok(Compound { ser: self })
    }

    fn serialize_struct_variant(
        self,
        name: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, KeyError> {
        self.named(tag::STRUCT_VARIANT, name);
        write_str(self.out, variant);
        write_len(self.out, len);
        Ok(Compound { ser: self })
    }
}

struct Compound<'a, 'b, S: Sink> {
    ser: &'a mut Canonical<'b, S>,
}

impl<S: Sink> Compound<'_, '_, S> {
    /// One element of a sequence, tuple, tuple struct or tuple variant: a
    /// number joins the compound's pending run (see [`Run`]).
    #[inline]
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), KeyError> {
        self.ser.element = true;
        let result = value.serialize(&mut *self.ser);
        // Reset in case `value` wrote nothing at all.
        self.ser.element = false;
        result
    }

    fn field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), KeyError> {
        self.ser.named(tag::FIELD, key);
        value.serialize(&mut *self.ser)
    }

    fn end(self) -> Result<(), KeyError> {
        self.ser.tag(tag::END);
        Ok(())
    }
}

macro_rules! compound {
    ($($trait:ident :: $method:ident),*) => {$(
        impl<S: Sink> ser::$trait for Compound<'_, '_, S> {
            type Ok = ();
            type Error = KeyError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), KeyError> {
                self.element(value)
            }
            fn end(self) -> Result<(), KeyError> {
                Compound::end(self)
            }
        }
    )*};
}

compound!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl<S: Sink> ser::SerializeStruct for Compound<'_, '_, S> {
    type Ok = ();
    type Error = KeyError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), KeyError> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), KeyError> {
        Compound::end(self)
    }
}

impl<S: Sink> ser::SerializeStructVariant for Compound<'_, '_, S> {
    type Ok = ();
    type Error = KeyError;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), KeyError> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), KeyError> {
        Compound::end(self)
    }
}

/// Buffers each entry's encoding, then writes the entries sorted, so that the
/// key does not depend on a map's iteration order.
struct MapCompound<'a, 'b, S: Sink> {
    ser: &'a mut Canonical<'b, S>,
    entries: Vec<Vec<u8>>,
    pending_key: Option<Vec<u8>>,
}

pub(super) fn encode_alone<T: Serialize + ?Sized>(
    value: &T,
    out: &mut Vec<u8>,
) -> Result<(), KeyError> {
    encode(value, out)
}

impl<S: Sink> ser::SerializeMap for MapCompound<'_, '_, S> {
    type Ok = ();
    type Error = KeyError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), KeyError> {
        let mut buf = Vec::new();
        encode_alone(key, &mut buf)?;
        self.pending_key = Some(buf);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), KeyError> {
        let mut entry = self
            .pending_key
            .take()
            .ok_or_else(|| KeyError("map value serialized before its key".into()))?;
        encode_alone(value, &mut entry)?;
        self.entries.push(entry);
        Ok(())
    }

    fn end(mut self) -> Result<(), KeyError> {
        self.entries.sort_unstable();
        self.ser.tag(tag::MAP);
        write_len(self.ser.out, self.entries.len());
        for entry in &self.entries {
            write_len(self.ser.out, entry.len());
            self.ser.out.put(entry);
        }
        Ok(())
    }
}
