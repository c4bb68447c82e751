//! The guard: while a built-in format writes a value, refuse what it would
//! read back as another value.
//!
//! Decoding without error is not enough: JSON writes `Some(None)` as `null`
//! and reads it back as `None`; CSV writes `Some("")` as an empty field, as it
//! writes `None`. Reading every write back and comparing would find these, at
//! the cost of a second decode (and a walk of both values) on every miss. The
//! guard finds them in the pass that writes: it wraps the format's own
//! [`Serializer`](ser::Serializer), forwards every call to it, and watches
//! the few shapes each format cannot keep apart ([`Rules`]). A refused value
//! is an error from `encode`; [`is_lossy_value`] tells the cache whether
//! another value of the type may fit (skip storing this one result) or none
//! can (stop caching the function).
//!
//! This is one of the two serde walkers of the runtime; the other writes a
//! key's canonical stream (`key.rs`). They stay apart because they do
//! different jobs on different paths: the key's walker is the whole of a
//! key, on every call, and owns its bytes; the guard only forwards to a
//! format's serializer, on a miss, and owns no output.
//!
//! What the guard cannot see is a `Deserialize` that does not mirror its
//! `Serialize`. An `#[serde(untagged)]` enum reads back as the first variant
//! that fits, which is another variant when two look alike (`A(u8)` and
//! `B(u16)` for `B(5)`; in CSV, `Text("5")` and `Number(5)`), and
//! `Serialize` writes no variant to compare with. The compact binary format
//! cannot read such types at all: the cache reads the next write back once
//! after a failed read and turns caching off for the function. A field with
//! `skip_serializing` but not `skip_deserializing` is read from the next
//! field's bytes in the binary format. docs/formats.md lists these gaps.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::marker::PhantomData;

use serde::ser::{self, Serialize};

use crate::error::FormatError;

/// What one format cannot keep apart, as constants, so that the checks a
/// format does not need cost nothing.
pub(crate) trait Rules: 'static {
    /// The format's name, for messages.
    const FORMAT: &'static str;
    /// `Some(x)` reads back as `None` when `x` is `None` or `()` (which is
    /// also how a null `serde_json::Value` writes itself): the format writes
    /// them as it writes `None`.
    const NONE_IS_UNIT: bool = false;
    /// The same for a unit struct (`struct Marker;`, `PhantomData`).
    const NONE_IS_UNIT_STRUCT: bool = false;
    /// The same for an empty string or byte string (CSV's empty field).
    const NONE_IS_EMPTY: bool = false;
    /// NaN and the infinities are written as something else (JSON's `null`).
    const FINITE_FLOATS: bool = false;
    /// Fields are stored by position, not by name: a field that
    /// `skip_serializing_if` leaves out moves every later one.
    const POSITIONAL: bool = false;
    /// Lengths are written before the elements: a `Serialize` that declares
    /// one length and writes another leaves bytes that read as other values.
    const COUNTED: bool = false;
    /// The deepest nesting of sequences, maps, structs and enum variants
    /// the format's reader accepts. 512 unless a format says less: a debug
    /// build of postcard's reader overflows a 2 MiB stack at about 2700.
    const MAX_DEPTH: u32 = 512;
    /// Values are rows under one header (CSV): each must be a struct, with
    /// the same fields in the same order as the first row.
    const ROWS: bool = false;
    /// An enum variant with data cannot hold another one directly (YAML
    /// writes both as tags on one node; a node has one tag).
    const FLAT_VARIANTS: bool = false;
    /// Byte strings (`serialize_bytes`) are written but cannot be read.
    const NO_BYTES: bool = false;
    /// Maps with text keys are stored as structs, a column per key (Parquet,
    /// through serde_arrow): every map at one place in the value must have
    /// the same keys, or a missing one reads back as a key with no value.
    const UNIFORM_MAPS: bool = false;
}

/// The deepest nesting of any kind (`Some` and newtypes too) the guard
/// follows. Each level costs the guard a few hundred bytes of stack (over a
/// kilobyte in a debug build), so a thread's 2 MiB always suffice.
const MAX_NESTING: u32 = 1024;

/// postcard: no null, so `Option`s nest; but positional and counted.
pub(crate) enum BinaryRules {}

impl Rules for BinaryRules {
    const FORMAT: &'static str = "postcard";
    const POSITIONAL: bool = true;
    const COUNTED: bool = true;
}

/// serde_json: `null` for `None`, `()`, unit structs, NaN and infinities.
/// Its reader refuses more than 128 nested arrays and objects.
pub(crate) enum JsonRules {}

impl Rules for JsonRules {
    const FORMAT: &'static str = "json";
    const NONE_IS_UNIT: bool = true;
    const NONE_IS_UNIT_STRUCT: bool = true;
    const FINITE_FLOATS: bool = true;
    const MAX_DEPTH: u32 = 127;
}

/// serde_norway: `null` for `None`, `()` and unit structs; one tag per
/// node; byte strings it cannot read. Its reader accepts 128 levels, and
/// a sequence in a sequence (`- - x`) costs it two.
#[cfg(feature = "yaml")]
pub(crate) enum YamlRules {}

#[cfg(feature = "yaml")]
impl Rules for YamlRules {
    const FORMAT: &'static str = "yaml";
    const NONE_IS_UNIT: bool = true;
    const NONE_IS_UNIT_STRUCT: bool = true;
    const MAX_DEPTH: u32 = 63;
    const FLAT_VARIANTS: bool = true;
    const NO_BYTES: bool = true;
}

/// rmp_serde: `nil` for `None` and `()`; a unit struct is an empty array.
/// Lengths first. Its reader accepts 1024 levels, but a debug build of it
/// overflows a 2 MiB stack at about 550.
#[cfg(feature = "msgpack")]
pub(crate) enum MsgpackRules {}

#[cfg(feature = "msgpack")]
impl Rules for MsgpackRules {
    const FORMAT: &'static str = "msgpack";
    const NONE_IS_UNIT: bool = true;
    const COUNTED: bool = true;
    const MAX_DEPTH: u32 = 255;
}

/// ciborium: `null` for `None`, `()` and unit structs. Lengths first; its
/// reader accepts 256 levels.
#[cfg(feature = "cbor")]
pub(crate) enum CborRules {}

#[cfg(feature = "cbor")]
impl Rules for CborRules {
    const FORMAT: &'static str = "cbor";
    const NONE_IS_UNIT: bool = true;
    const NONE_IS_UNIT_STRUCT: bool = true;
    const COUNTED: bool = true;
    const MAX_DEPTH: u32 = 255;
}

/// csv: an empty field for `None`, `()`, unit structs and `""`; rows under
/// one header.
#[cfg(feature = "csv")]
pub(crate) enum CsvRules {}

#[cfg(feature = "csv")]
impl Rules for CsvRules {
    const FORMAT: &'static str = "csv";
    const NONE_IS_UNIT: bool = true;
    const NONE_IS_UNIT_STRUCT: bool = true;
    const NONE_IS_EMPTY: bool = true;
    const ROWS: bool = true;
}

/// serde_arrow: a null for `None`, `()` and unit structs.
#[cfg(feature = "parquet")]
pub(crate) enum ParquetRules {}

#[cfg(feature = "parquet")]
impl Rules for ParquetRules {
    const FORMAT: &'static str = "parquet";
    const NONE_IS_UNIT: bool = true;
    const NONE_IS_UNIT_STRUCT: bool = true;
    const UNIFORM_MAPS: bool = true;
}

/// Why a value was refused, and where in it.
#[derive(Debug)]
struct Refusal {
    what: String,
    /// Innermost first: pushed while the error travels out.
    path: Vec<Segment>,
    /// Whether another value of the same type may fit (skip this call) or
    /// none can (stop caching the function).
    value_level: bool,
}

#[derive(Debug)]
enum Segment {
    Index(usize),
    Field(&'static str),
    Variant(&'static str),
    MapValue,
    Some,
}

/// The error `encode` returns for a refused value.
#[derive(Debug)]
pub(crate) struct Refused {
    format: &'static str,
    refusal: Refusal,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let format = self.format;
        let what = &self.refusal.what;
        if self.refusal.value_level {
            write!(
                f,
                "`{format}` would read this value back as another: {what}"
            )?;
        } else {
            write!(f, "`{format}` cannot hold this type: {what}")?;
        }
        if !self.refusal.path.is_empty() {
            f.write_str(" (at `")?;
            for segment in self.refusal.path.iter().rev() {
                match segment {
                    Segment::Index(i) => write!(f, "[{i}]")?,
                    Segment::Field(name) => write!(f, ".{name}")?,
                    Segment::Variant(name) => write!(f, "::{name}")?,
                    Segment::MapValue => f.write_str("[..]")?,
                    Segment::Some => f.write_str("?")?,
                }
            }
            f.write_str("`)")?;
        }
        Ok(())
    }
}

impl std::error::Error for Refused {}

/// Whether `encode` failed on this one value, which the format would read
/// back as another, so that the call is not cached but later ones may be.
pub(crate) fn is_lossy_value(e: &FormatError) -> bool {
    e.0.downcast_ref::<Refused>()
        .is_some_and(|r| r.refusal.value_level)
}

/// Reads a value from a format's deserializer, refusing nesting deeper than
/// [`write`] lets a value of this format go (with a level to spare for the
/// leaf): hostile bytes get an error, never the stack overflow of a decoder
/// without a limit of its own (`depth.rs`). Bytes that were through the
/// limit in this process already are read without it (`Bounds::nesting`).
pub(crate) fn read<'de, R: Rules, T: serde::Deserialize<'de>, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    if !super::bounds().nesting {
        return T::deserialize(deserializer);
    }
    super::depth::limited(deserializer, R::MAX_DEPTH + 1, MAX_NESTING + 2)
}

/// Appends `value` to `out` with `write`, a format's own entry point, given
/// the guarded value in place of the value. On failure `out` is left as it was.
pub(crate) fn write<R: Rules, T: ?Sized, E: Into<crate::error::BoxError>>(
    out: &mut Vec<u8>,
    value: &T,
    write: impl FnOnce(&mut Vec<u8>, &Guarded<'_, T, R>) -> Result<(), E>,
) -> Result<(), FormatError> {
    let start = out.len();
    let state = State::<R>::new();
    let written = write(out, &state.value(value));
    let result = state.finish(written);
    if result.is_err() {
        out.truncate(start);
    }
    result
}

/// The guard's memory for one `encode`: the rules, the refusal if any, and
/// for CSV the first row's fields.
pub(crate) struct State<R> {
    refusal: RefCell<Option<Refusal>>,
    header: RefCell<Vec<&'static str>>,
    row: Cell<usize>,
    /// The keys of the first map seen at each place ([`Ctx::site`]), or
    /// `None` where a key is not text ([`Rules::UNIFORM_MAPS`]).
    maps: RefCell<HashMap<u64, Option<BTreeSet<String>>>>,
    /// The text of the map key being written, if it is text.
    key: RefCell<String>,
    key_is_text: Cell<bool>,
    rules: PhantomData<R>,
}

impl<R: Rules> State<R> {
    pub(crate) fn new() -> State<R> {
        State {
            refusal: RefCell::new(None),
            header: RefCell::new(Vec::new()),
            row: Cell::new(0),
            maps: RefCell::new(HashMap::new()),
            key: RefCell::new(String::new()),
            key_is_text: Cell::new(false),
            rules: PhantomData,
        }
    }

    /// `value`, to hand to the format's serializer in place of the value itself.
    pub(crate) fn value<'a, T: ?Sized>(&'a self, value: &'a T) -> Guarded<'a, T, R> {
        Guarded {
            value,
            ctx: Ctx::top(self, 0),
        }
    }

    /// The next row of a table (CSV), to hand to the format's serializer.
    #[cfg(feature = "csv")]
    pub(crate) fn row<'a, T: ?Sized>(&'a self, value: &'a T) -> Guarded<'a, T, R> {
        Guarded {
            value,
            ctx: Ctx::top(self, ROW),
        }
    }

    /// Whether the guard refused the value.
    #[cfg(feature = "yaml")]
    pub(crate) fn refused(&self) -> bool {
        self.refusal.borrow().is_some()
    }

    /// The outcome of writing: the refusal if the guard made one, whatever
    /// the format's serializer made of it, else the format's own error.
    pub(crate) fn finish<E: Into<crate::error::BoxError>>(
        self,
        written: Result<(), E>,
    ) -> Result<(), FormatError> {
        match self.refusal.into_inner() {
            Some(refusal) => Err(FormatError::new(Refused {
                format: R::FORMAT,
                refusal,
            })),
            None => written.map_err(FormatError::new),
        }
    }

    fn refuse<E: ser::Error>(&self, what: String, value_level: bool) -> E {
        let message = format!("{what} (refused by perscache)");
        *self.refusal.borrow_mut() = Some(Refusal {
            what,
            path: Vec::new(),
            value_level,
        });
        E::custom(message)
    }

    /// A map begins at `site`: the first there ([`FIRST_MAP`]), a later one
    /// ([`LATER_MAP`]), or one where keys are not all text ([`UNCHECKED`]).
    #[cold]
    fn begin_map(&self, site: u64) -> usize {
        match self.maps.borrow_mut().entry(site) {
            std::collections::hash_map::Entry::Occupied(e) => match e.get() {
                Some(_) => LATER_MAP,
                None => UNCHECKED,
            },
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(Some(BTreeSet::new()));
                FIRST_MAP
            }
        }
    }

    /// Notes where a refusal happened, on its way out.
    #[cold]
    fn at(&self, segment: Segment) {
        if let Some(refusal) = self.refusal.borrow_mut().as_mut() {
            refusal.path.push(segment);
        }
    }
}

/// Where a value sits, as far as the rules care.
///
/// One is made for every element and copied whole, so it is two words: a
/// context built of bytes and half-words and then copied as words stalls
/// the CPU on every element (store forwarding fails), which cost a third
/// of the guard's time.
struct Ctx<'a, R> {
    state: &'a State<R>,
    /// The compound levels above this value (what readers count) in bits
    /// 0-15, levels of any kind (what the stack counts) in bits 16-31, and
    /// the flags [`IN_SOME`], [`ROW`], [`IN_VARIANT`], [`KEY`].
    bits: u64,
    /// Where in the value this is, as a hash of the fields, variants and
    /// map keys on the way to it (sequence elements share their sequence's
    /// place); only kept for [`Rules::UNIFORM_MAPS`].
    site: u64,
}

/// Directly inside a `Some` (newtypes are transparent).
const IN_SOME: u64 = 1 << 32;
/// A row of a table (CSV).
const ROW: u64 = 1 << 33;
/// Directly the data of an enum variant (through `Some` and newtypes).
const IN_VARIANT: u64 = 1 << 34;
/// The place one step (a field, a variant, a map key) past `site`: FNV-1a
/// over the step's text, from `site`.
fn next_site(site: u64, step: &str) -> u64 {
    step.bytes().fold(site ^ 0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A map key (its text is noted for [`Rules::UNIFORM_MAPS`]).
const KEY: u64 = 1 << 35;
/// One level of nesting, in [`Ctx::bits`].
const NESTED: u64 = 1 << 16;

impl<R> Clone for Ctx<'_, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for Ctx<'_, R> {}

impl<'a, R: Rules> Ctx<'a, R> {
    fn top(state: &'a State<R>, flags: u64) -> Self {
        Ctx {
            state,
            bits: flags,
            site: 0,
        }
    }

    /// This context one step further in the value (a field, a variant, a
    /// map key), where places matter.
    #[inline]
    fn at(self, step: &str) -> Self {
        if !R::UNIFORM_MAPS {
            return self;
        }
        Ctx {
            site: next_site(self.site, step),
            ..self
        }
    }

    #[inline]
    fn depth(&self) -> u32 {
        (self.bits & 0xffff) as u32
    }

    #[inline]
    fn nesting(&self) -> u32 {
        ((self.bits >> 16) & 0xffff) as u32
    }

    #[inline]
    fn in_some(&self) -> bool {
        self.bits & IN_SOME != 0
    }

    #[inline]
    fn row(&self) -> bool {
        R::ROWS && self.bits & ROW != 0
    }

    #[inline]
    fn in_variant(&self) -> bool {
        R::FLAT_VARIANTS && self.bits & IN_VARIANT != 0
    }

    /// The context of an element of a compound at this level, after
    /// checking that the reader accepts one more level. Flags clear.
    #[inline]
    fn enter<E: ser::Error>(&self) -> Result<Ctx<'a, R>, E> {
        if self.depth() >= R::MAX_DEPTH {
            return Err(self.too_deep(R::MAX_DEPTH));
        }
        let nested = self.nest()?;
        Ok(Ctx {
            bits: (nested.bits & 0xffff_ffff) + 1,
            ..nested
        })
    }

    /// This context one level down, for a `Some` or a newtype, with
    /// `flags` added.
    #[inline]
    fn nest<E: ser::Error>(&self) -> Result<Ctx<'a, R>, E> {
        if self.nesting() >= MAX_NESTING {
            return Err(self.too_deep(MAX_NESTING));
        }
        Ok(Ctx {
            bits: self.bits + NESTED,
            ..*self
        })
    }

    #[cold]
    fn too_deep<E: ser::Error>(&self, levels: u32) -> E {
        self.state.refuse(
            format!("nesting deeper than {levels} levels, which it does not follow"),
            true,
        )
    }

    /// `Some(x)` where `x` is written as the format writes `None`.
    #[cold]
    fn none_like<E: ser::Error>(&self, what: &str) -> E {
        self.state.refuse(
            format!("{what}, which it writes as it writes `None`; it would read back as `None`"),
            true,
        )
    }

    /// An enum variant with data, which may not sit directly in another.
    fn variant<E: ser::Error>(&self, variant: &str) -> Result<(), E> {
        if self.row() {
            return Err(self.not_a_record("an enum"));
        }
        if self.in_variant() {
            return Err(self.state.refuse(
                format!(
                    "enum variant `{variant}` with data directly inside another one, \
                     which its reader refuses (wrap it in a struct or a tuple)"
                ),
                true,
            ));
        }
        Ok(())
    }

    /// A table's row that is not a struct.
    fn not_a_record<E: ser::Error>(&self, what: &str) -> E {
        self.state.refuse(
            format!(
                "a row that is {what}, not a struct with named fields; \
                 the header row holds the fields' names"
            ),
            false,
        )
    }
}

/// A value on its way into a format's serializer, with the guard around it.
pub(crate) struct Guarded<'a, T: ?Sized, R> {
    value: &'a T,
    ctx: Ctx<'a, R>,
}

impl<T: Serialize + ?Sized, R: Rules> Serialize for Guarded<'_, T, R> {
    #[inline]
    fn serialize<S: ser::Serializer>(&self, inner: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(Guard {
            inner,
            ctx: self.ctx,
        })
    }
}

/// A format's serializer with the guard around it.
struct Guard<'a, S, R> {
    inner: S,
    ctx: Ctx<'a, R>,
}

impl<S, R: Rules> Guard<'_, S, R> {
    #[inline]
    fn scalar<E: ser::Error>(&self) -> Result<(), E> {
        if self.ctx.row() {
            return Err(self.ctx.not_a_record("a single value"));
        }
        Ok(())
    }
}

macro_rules! forward_scalars {
    ($($method:ident($ty:ty);)*) => {
        $(#[inline]
        fn $method(self, v: $ty) -> Result<S::Ok, S::Error> {
            self.scalar()?;
            self.inner.$method(v)
        })*
    };
}

impl<'a, S: ser::Serializer, R: Rules> ser::Serializer for Guard<'a, S, R> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = Compound<'a, S::SerializeSeq, R>;
    type SerializeTuple = Compound<'a, S::SerializeTuple, R>;
    type SerializeTupleStruct = Compound<'a, S::SerializeTupleStruct, R>;
    type SerializeTupleVariant = Compound<'a, S::SerializeTupleVariant, R>;
    type SerializeMap = Compound<'a, S::SerializeMap, R>;
    type SerializeStruct = Compound<'a, S::SerializeStruct, R>;
    type SerializeStructVariant = Compound<'a, S::SerializeStructVariant, R>;

    forward_scalars! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_i128(i128);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_u128(u128);
        serialize_char(char);
    }

    #[inline]
    fn serialize_f32(self, v: f32) -> Result<S::Ok, S::Error> {
        self.scalar()?;
        if R::FINITE_FLOATS && !v.is_finite() {
            return Err(non_finite(&self.ctx));
        }
        self.inner.serialize_f32(v)
    }

    #[inline]
    fn serialize_f64(self, v: f64) -> Result<S::Ok, S::Error> {
        self.scalar()?;
        if R::FINITE_FLOATS && !v.is_finite() {
            return Err(non_finite(&self.ctx));
        }
        self.inner.serialize_f64(v)
    }

    #[inline]
    fn serialize_str(self, v: &str) -> Result<S::Ok, S::Error> {
        self.scalar()?;
        if R::UNIFORM_MAPS && self.ctx.bits & KEY != 0 {
            let mut key = self.ctx.state.key.borrow_mut();
            key.clear();
            key.push_str(v);
            self.ctx.state.key_is_text.set(true);
        }
        if v.is_empty() && self.ctx.in_some() && R::NONE_IS_EMPTY {
            return Err(self.ctx.none_like("`Some(\"\")`"));
        }
        self.inner.serialize_str(v)
    }

    #[inline]
    fn serialize_bytes(self, v: &[u8]) -> Result<S::Ok, S::Error> {
        self.scalar()?;
        if R::NO_BYTES {
            return Err(self.ctx.state.refuse(
                "a byte string (`serialize_bytes`, as in `serde_bytes`), which it writes \
                 but cannot read"
                    .to_owned(),
                false,
            ));
        }
        if v.is_empty() && self.ctx.in_some() && R::NONE_IS_EMPTY {
            return Err(self.ctx.none_like("`Some(b\"\")`"));
        }
        self.inner.serialize_bytes(v)
    }

    #[inline]
    fn serialize_none(self) -> Result<S::Ok, S::Error> {
        if self.ctx.row() {
            return Err(self.ctx.not_a_record("an `Option`"));
        }
        if self.ctx.in_some() && R::NONE_IS_UNIT {
            return Err(self.ctx.none_like("`Some(None)`"));
        }
        self.inner.serialize_none()
    }

    #[inline]
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<S::Ok, S::Error> {
        if self.ctx.row() {
            return Err(self.ctx.not_a_record("an `Option`"));
        }
        let nested = self.ctx.nest()?;
        let ctx = Ctx {
            bits: nested.bits | IN_SOME,
            ..nested
        };
        let state = self.ctx.state;
        self.inner
            .serialize_some(&Guarded { value, ctx })
            .inspect_err(|_| state.at(Segment::Some))
    }

    #[inline]
    fn serialize_unit(self) -> Result<S::Ok, S::Error> {
        self.scalar()?;
        if self.ctx.in_some() && R::NONE_IS_UNIT {
            return Err(self
                .ctx
                .none_like("`Some(())` (or `Some` of a null `serde_json::Value`)"));
        }
        self.inner.serialize_unit()
    }

    #[inline]
    fn serialize_unit_struct(self, name: &'static str) -> Result<S::Ok, S::Error> {
        if self.ctx.row() {
            return Err(self.ctx.not_a_record("a unit struct"));
        }
        if self.ctx.in_some() && R::NONE_IS_UNIT_STRUCT {
            return Err(self.ctx.none_like(&format!("`Some({name})`")));
        }
        self.inner.serialize_unit_struct(name)
    }

    #[inline]
    fn serialize_unit_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
    ) -> Result<S::Ok, S::Error> {
        self.scalar()?;
        self.inner.serialize_unit_variant(name, index, variant)
    }

    #[inline]
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        // Transparent in every format: the rules of the inner value are this one's.
        let ctx = self.ctx.nest()?;
        self.inner
            .serialize_newtype_struct(name, &Guarded { value, ctx })
    }

    #[inline]
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        self.ctx.variant(variant)?;
        if R::ROWS {
            // CSV reads an enum from a field by its name alone.
            return Err(self.ctx.state.refuse(
                format!("enum variant `{variant}` with data, which a CSV field cannot hold"),
                true,
            ));
        }
        let entered = self.ctx.enter()?.at(variant);
        let ctx = Ctx {
            bits: entered.bits | IN_VARIANT,
            ..entered
        };
        let state = self.ctx.state;
        self.inner
            .serialize_newtype_variant(name, index, variant, &Guarded { value, ctx })
            .inspect_err(|_| state.at(Segment::Variant(variant)))
    }

    #[inline]
    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, S::Error> {
        if self.ctx.row() {
            return Err(self.ctx.not_a_record("a sequence"));
        }
        let ctx = self.ctx.enter()?;
        let inner = self.inner.serialize_seq(len)?;
        Ok(Compound::new(inner, ctx, len))
    }

    #[inline]
    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, S::Error> {
        if self.ctx.row() {
            return Err(self.ctx.not_a_record("a tuple"));
        }
        let ctx = self.ctx.enter()?;
        let inner = self.inner.serialize_tuple(len)?;
        Ok(Compound::new(inner, ctx, Some(len)))
    }

    #[inline]
    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct, S::Error> {
        if self.ctx.row() {
            return Err(self.ctx.not_a_record("a tuple struct"));
        }
        let ctx = self.ctx.enter()?;
        let inner = self.inner.serialize_tuple_struct(name, len)?;
        Ok(Compound::new(inner, ctx, Some(len)))
    }

    #[inline]
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, S::Error> {
        self.ctx.variant(variant)?;
        let ctx = self.ctx.enter()?.at(variant);
        let inner = self
            .inner
            .serialize_tuple_variant(name, index, variant, len)?;
        Ok(Compound::new(inner, ctx, Some(len)).in_variant(variant))
    }

    #[inline]
    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap, S::Error> {
        if self.ctx.row() {
            return Err(self.ctx.not_a_record("a map"));
        }
        let ctx = self.ctx.enter()?;
        let inner = self.inner.serialize_map(len)?;
        let mut compound = Compound::new(inner, ctx, len);
        if R::UNIFORM_MAPS {
            compound.map = self.ctx.state.begin_map(self.ctx.site);
        }
        Ok(compound)
    }

    #[inline]
    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        let ctx = self.ctx.enter()?;
        let inner = self.inner.serialize_struct(name, len)?;
        let mut compound = Compound::new(inner, ctx, Some(len));
        if self.ctx.row() {
            compound.row = self.ctx.state.row.replace(self.ctx.state.row.get() + 1);
        }
        Ok(compound)
    }

    #[inline]
    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, S::Error> {
        self.ctx.variant(variant)?;
        let ctx = self.ctx.enter()?.at(variant);
        let inner = self
            .inner
            .serialize_struct_variant(name, index, variant, len)?;
        Ok(Compound::new(inner, ctx, Some(len)).in_variant(variant))
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

#[cold]
fn non_finite<E: ser::Error, R: Rules>(ctx: &Ctx<'_, R>) -> E {
    ctx.state.refuse(
        "a NaN or infinite float, which it writes as `null`".to_owned(),
        true,
    )
}

/// The elements of a sequence, tuple, map or struct, each guarded in turn.
///
/// Plain words rather than `Option`s: an `Option<usize>` built in parts
/// and read back whole stalled every struct (store forwarding).
struct Compound<'a, C, R> {
    inner: C,
    /// The elements' context.
    ctx: Ctx<'a, R>,
    /// The length the `Serialize` impl declared, or [`UNKNOWN`].
    declared: usize,
    /// Elements written so far.
    count: usize,
    /// The enum variant this compound is the data of (or `""`), for messages.
    variant: &'static str,
    /// Which row of the table this struct is (CSV), or [`UNKNOWN`].
    row: usize,
    /// For [`Rules::UNIFORM_MAPS`]: which map this is at its place
    /// ([`FIRST_MAP`], [`LATER_MAP`], [`UNCHECKED`]), and the place of the
    /// value of the key just written.
    map: usize,
    value_site: u64,
}

/// No length declared; not a row.
const UNKNOWN: usize = usize::MAX;
/// The first map at its place: its keys are the place's.
const FIRST_MAP: usize = 1;
/// A later map at a place: its keys must be the first's.
const LATER_MAP: usize = 2;
/// Not a map, or a map with keys that are not text.
const UNCHECKED: usize = 0;

impl<'a, C, R: Rules> Compound<'a, C, R> {
    #[inline]
    fn new(inner: C, ctx: Ctx<'a, R>, declared: Option<usize>) -> Self {
        Compound {
            inner,
            ctx,
            declared: declared.unwrap_or(UNKNOWN),
            count: 0,
            variant: "",
            row: UNKNOWN,
            map: UNCHECKED,
            value_site: 0,
        }
    }

    fn in_variant(mut self, variant: &'static str) -> Self {
        self.variant = variant;
        self
    }

    /// The next element, guarded.
    #[inline]
    fn next<'v, T: ?Sized>(&mut self, value: &'v T) -> Guarded<'v, T, R>
    where
        'a: 'v,
    {
        self.count += 1;
        Guarded {
            value,
            ctx: self.ctx,
        }
    }

    /// Marks where a refusal inside the element just written happened.
    #[cold]
    fn located<E>(&self, e: E, segment: Segment) -> E {
        self.ctx.state.at(segment);
        if !self.variant.is_empty() {
            self.ctx.state.at(Segment::Variant(self.variant));
        }
        e
    }

    /// Checks the element count against the declared length.
    #[inline]
    fn check_count<E: ser::Error>(&self) -> Result<(), E> {
        if R::COUNTED && self.declared != UNKNOWN && self.declared != self.count {
            return Err(self.ctx.state.refuse(
                format!(
                    "a `Serialize` impl that declared {} elements and wrote {}",
                    self.declared, self.count
                ),
                true,
            ));
        }
        Ok(())
    }

    /// The key just written, against the keys of the first map at this
    /// place (a map of this compound's parent's place).
    fn note_key<E: ser::Error>(&mut self) -> Result<(), E> {
        let state = self.ctx.state;
        // The map's own place: its elements' context is one level in, at
        // the same place.
        let site = self.ctx.site;
        if !state.key_is_text.get() {
            if self.map != UNCHECKED {
                state.maps.borrow_mut().insert(site, None);
                self.map = UNCHECKED;
            }
            self.value_site = next_site(site, "");
            return Ok(());
        }
        let key = state.key.borrow();
        self.value_site = next_site(site, &key);
        let mut maps = state.maps.borrow_mut();
        let Some(Some(keys)) = maps.get_mut(&site) else {
            return Ok(());
        };
        match self.map {
            FIRST_MAP => {
                keys.insert(key.clone());
            }
            LATER_MAP if !keys.contains(key.as_str()) => {
                return Err(state.refuse(
                    format!(
                        "a map with key `{key}`, which an earlier map in the same place lacks; \
                         it stores maps as columns, one per key, so a key missing from \
                         a map would read back as present with no value"
                    ),
                    true,
                ));
            }
            _ => {}
        }
        Ok(())
    }

    /// At the end of a later map at a place: all of the first one's keys.
    fn check_keys<E: ser::Error>(&self) -> Result<(), E> {
        let state = self.ctx.state;
        let expected = match state.maps.borrow().get(&self.ctx.site) {
            Some(Some(keys)) => keys.len(),
            _ => return Ok(()),
        };
        if self.count != expected {
            return Err(state.refuse(
                format!(
                    "a map with {} keys where an earlier map in the same place has {expected}; \
                     it stores maps as columns, one per key, so a key missing from a map \
                     would read back as present with no value",
                    self.count
                ),
                true,
            ));
        }
        Ok(())
    }

    /// A field of a table's row: in the header's place.
    fn check_column<E: ser::Error>(&self, row: usize, name: &'static str) -> Result<(), E> {
        let mut header = self.ctx.state.header.borrow_mut();
        if row == 0 {
            header.push(name);
            return Ok(());
        }
        match header.get(self.count) {
            Some(column) if std::ptr::eq(*column, name) || *column == name => Ok(()),
            column => Err(self.ctx.state.refuse(
                format!(
                    "a row has field `{name}` where the header has {}; \
                     CSV matches fields to columns by position \
                     (a field left out by `skip_serializing_if`?)",
                    column.map_or_else(|| "no column".to_owned(), |c| format!("`{c}`"))
                ),
                true,
            )),
        }
    }

    /// At the end of a table's row: as many fields as the header, and some.
    fn check_row<E: ser::Error>(&self, row: usize) -> Result<(), E> {
        let header = self.ctx.state.header.borrow();
        if row == 0 && self.count == 0 {
            return Err(self
                .ctx
                .state
                .refuse("a row with no fields".to_owned(), false));
        }
        if header.len() != self.count {
            return Err(self.ctx.state.refuse(
                format!(
                    "a row has {} fields where the header has {}; CSV matches fields \
                     to columns by position (a field left out by `skip_serializing_if`?)",
                    self.count,
                    header.len()
                ),
                true,
            ));
        }
        Ok(())
    }
}

impl<C: ser::SerializeSeq, R: Rules> ser::SerializeSeq for Compound<'_, C, R> {
    type Ok = C::Ok;
    type Error = C::Error;
    #[inline]
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
        let at = self.count;
        let element = self.next(value);
        self.inner
            .serialize_element(&element)
            .map_err(|e| self.located(e, Segment::Index(at)))
    }
    #[inline]
    fn end(self) -> Result<C::Ok, C::Error> {
        self.check_count()?;
        self.inner.end()
    }
}

macro_rules! positional {
    ($($trait:ident :: $method:ident),*) => {
        $(impl<C: ser::$trait, R: Rules> ser::$trait for Compound<'_, C, R> {
            type Ok = C::Ok;
            type Error = C::Error;
            #[inline]
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
                let at = self.count;
                let element = self.next(value);
                self.inner
                    .$method(&element)
                    .map_err(|e| self.located(e, Segment::Index(at)))
            }
            #[inline]
            fn end(self) -> Result<C::Ok, C::Error> {
                self.check_count()?;
                self.inner.end()
            }
        })*
    };
}

positional!(
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl<C: ser::SerializeMap, R: Rules> ser::SerializeMap for Compound<'_, C, R> {
    type Ok = C::Ok;
    type Error = C::Error;
    #[inline]
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), C::Error> {
        // Counted with its value.
        let mut ctx = self.ctx;
        if R::UNIFORM_MAPS {
            ctx.bits |= KEY;
            self.ctx.state.key_is_text.set(false);
        }
        self.inner.serialize_key(&Guarded { value: key, ctx })?;
        if R::UNIFORM_MAPS {
            self.note_key()?;
        }
        Ok(())
    }
    #[inline]
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), C::Error> {
        let mut value = self.next(value);
        if R::UNIFORM_MAPS {
            value.ctx.site = self.value_site;
        }
        self.inner
            .serialize_value(&value)
            .map_err(|e| self.located(e, Segment::MapValue))
    }
    #[inline]
    fn end(self) -> Result<C::Ok, C::Error> {
        self.check_count()?;
        if R::UNIFORM_MAPS && self.map == LATER_MAP {
            self.check_keys()?;
        }
        self.inner.end()
    }
}

macro_rules! named {
    ($($trait:ident),*) => {
        $(impl<C: ser::$trait, R: Rules> ser::$trait for Compound<'_, C, R> {
            type Ok = C::Ok;
            type Error = C::Error;
            #[inline]
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                name: &'static str,
                value: &T,
            ) -> Result<(), C::Error> {
                if R::ROWS && self.row != UNKNOWN {
                    self.check_column(self.row, name)?;
                }
                let mut field = self.next(value);
                field.ctx = field.ctx.at(name);
                self.inner
                    .serialize_field(name, &field)
                    .map_err(|e| self.located(e, Segment::Field(name)))
            }
            #[inline]
            fn skip_field(&mut self, name: &'static str) -> Result<(), C::Error> {
                if R::POSITIONAL {
                    return Err(self.located(
                        self.ctx.state.refuse(
                            "a field left out by `skip_serializing_if`; fields are stored \
                             by position, so the next one would be read in its place"
                                .to_owned(),
                            true,
                        ),
                        Segment::Field(name),
                    ));
                }
                self.inner.skip_field(name)
            }
            #[inline]
            fn end(self) -> Result<C::Ok, C::Error> {
                if R::ROWS && self.row != UNKNOWN {
                    self.check_row(self.row)?;
                }
                self.check_count()?;
                self.inner.end()
            }
        })*
    };
}

named!(SerializeStruct, SerializeStructVariant);

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `value` as JSON through the guard with `rules`.
    fn json<R: Rules, T: Serialize>(value: &T) -> Result<String, String> {
        let state = State::<R>::new();
        let mut out = Vec::new();
        let written = serde_json::to_writer(&mut out, &state.value(value));
        state
            .finish(written)
            .map(|()| String::from_utf8_lossy(&out).into_owned())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn forwards_what_it_allows_unchanged() {
        let value = (
            Some(Some(1u8)),
            vec![Some("x"), None],
            std::collections::BTreeMap::from([(1u32, Some(2.5f64))]),
        );
        assert_eq!(
            json::<JsonRules, _>(&value),
            Ok(serde_json::to_string(&value).expect("writes"))
        );
    }

    #[test]
    fn names_what_it_refuses_and_where() {
        #[derive(serde::Serialize)]
        struct Row {
            id: u8,
            note: Option<Option<u8>>,
        }
        let rows = vec![
            Row {
                id: 1,
                note: Some(Some(1)),
            },
            Row {
                id: 2,
                note: Some(None),
            },
        ];
        let e = json::<JsonRules, _>(&rows).expect_err("refused");
        assert!(e.contains("`Some(None)`"), "{e}");
        assert!(e.contains("at `[1].note?`"), "{e}");
    }

    #[test]
    fn a_declared_length_must_match_where_lengths_are_written() {
        struct Liar;
        impl Serialize for Liar {
            fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use ser::SerializeSeq;
                let mut seq = s.serialize_seq(Some(3))?;
                seq.serialize_element(&1u8)?;
                seq.end()
            }
        }
        let e = json::<BinaryRules, _>(&Liar).expect_err("refused");
        assert!(e.contains("declared 3 elements and wrote 1"), "{e}");
        assert!(json::<JsonRules, _>(&Liar).is_ok());
    }
}
