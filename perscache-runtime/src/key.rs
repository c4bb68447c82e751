//! Cache keys: a stable digest of everything that decides a call's result.
//!
//! Arguments enter the key through `serde::Serialize`, written as a canonical,
//! self-delimiting byte stream into BLAKE3. `std::hash::Hash` is never used: its
//! output may change between runs, compiler versions and platforms, and a key
//! must find the same entry in the next process, on the next machine.
//!
//! The stream tags every value with its serde data-model kind and writes every
//! length, so `("ab", "c")` and `("a", "bc")` never collide. Maps are written in
//! the order of their encoded entries, so a `HashMap`'s random iteration order
//! does not change the key. Sets serialize as sequences, which serde cannot tell
//! apart from a `Vec`: a `HashSet` argument gives a key that depends on its
//! iteration order (a needless miss, never a wrong value); prefer `BTreeSet`.

use std::fmt;

use serde::ser::{self, Serialize};

use crate::error::Error;

/// Bumped when the canonical encoding changes, so old keys are never misread.
const KEY_DOMAIN: &str = "perscache key v1";

/// The digest that names one cache entry.
///
/// ```
/// use perscache::KeyHasher;
///
/// let mut a = KeyHasher::new("app::f", "code", "json");
/// a.arg("x", &42u32).unwrap();
/// let mut b = KeyHasher::new("app::f", "code", "json");
/// b.arg("x", &43u32).unwrap();
/// assert_ne!(a.finish(), b.finish());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key([u8; 32]);

impl Key {
    /// The digest's bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The first 128 bits as 32 lowercase hex digits: the entry's file name.
    pub fn to_hex(&self) -> String {
        hex(&self.0[..16])
    }

    /// Appends [`to_hex`](Self::to_hex) to `out` without a string of its own.
    pub(crate) fn push_hex(&self, out: &mut String) {
        push_hex(&self.0[..16], out);
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key({})", self.to_hex())
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    push_hex(bytes, &mut s);
    s
}

fn push_hex(bytes: &[u8], out: &mut String) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    // Through a stack buffer, one `push_str` per 32 digits: file names are
    // made on every storage read.
    for chunk in bytes.chunks(16) {
        let mut digits = [0u8; 32];
        for (pair, b) in digits.chunks_exact_mut(2).zip(chunk) {
            pair[0] = DIGITS[(b >> 4) as usize];
            pair[1] = DIGITS[(b & 15) as usize];
        }
        let digits = &digits[..chunk.len() * 2];
        out.push_str(std::str::from_utf8(digits).unwrap_or_default());
    }
}

/// Builds a [`Key`] from a function's identity, its code hash, the format's name,
/// the instance key and the arguments. `#[persist]` drives it; it is public so
/// that storage and tooling authors can reproduce a key.
pub struct KeyHasher {
    sink: HashSink,
}

impl KeyHasher {
    /// Starts a key for `function` (its full path), whose code hashes to
    /// `code_hash`, stored with the format named `format`.
    pub fn new(function: &str, code_hash: &str, format: &str) -> Self {
        let mut sink = HashSink::new();
        for part in [KEY_DOMAIN, function, code_hash, format] {
            write_str(&mut sink, part);
        }
        sink.end_prefix();
        KeyHasher { sink }
    }

    /// Adds the identity of the instance a method runs on.
    pub fn instance<T: Serialize + ?Sized>(&mut self, instance: &T) -> Result<(), Error> {
        self.sink.put(&[tag::INSTANCE]);
        self.value("self", instance)
    }

    /// Adds one argument, by name and value.
    pub fn arg<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.sink.put(&[tag::ARG]);
        write_str(&mut self.sink, name);
        self.value(name, value)
    }

    /// Adds a type that the result depends on but the arguments may not show,
    /// such as a generic parameter's concrete type.
    pub fn type_name(&mut self, name: &str) {
        self.sink.put(&[tag::TYPE]);
        write_str(&mut self.sink, name);
    }

    fn value<T: Serialize + ?Sized>(
        &mut self,
        argument: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value
            .serialize(&mut Canonical {
                out: &mut self.sink,
            })
            .map_err(|e| Error::Key {
                argument,
                message: e.0,
            })
    }

    /// The finished key.
    pub fn finish(self) -> Key {
        Key(self.sink.digest())
    }
}

impl fmt::Debug for KeyHasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyHasher").finish_non_exhaustive()
    }
}

/// Where the canonical stream goes.
trait Sink {
    fn put(&mut self, bytes: &[u8]);
}

impl Sink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// Batches small writes: BLAKE3 is fastest on large updates, and a key is
/// mostly made of small scalars.
///
/// Three things keep a small key cheap (a memory-tier hit is little more
/// than its key), without changing a single byte of what is hashed:
///
/// - The key's identity (domain, function, code hash, format: about 150
///   bytes, more than two BLAKE3 blocks) is the same for every call of a
///   function. Each thread keeps the hasher state after a few recent
///   identities ([`Identity`]), found by comparing the identity's bytes, so
///   a call hashes only its arguments. BLAKE3 is a streaming hash: resuming
///   from that state gives the digest of the whole stream.
/// - For each identity, the thread also remembers the keys of a few recent
///   short argument streams, found by comparing the stream's bytes: calling a
///   function again with the same small arguments hashes nothing.
/// - The buffer is reused from the thread's previous key, and the 2 kB
///   hasher is only made, boxed, when a large argument outgrows the buffer.
struct HashSink {
    /// Bytes of the stream not hashed yet. While `hasher` is `None`, this is
    /// the whole stream, whose first `prefix_len` bytes are the identity.
    buf: Vec<u8>,
    prefix_len: usize,
    hasher: Option<Box<blake3::Hasher>>,
    /// Bytes given to `hasher` so far.
    hashed: u64,
}

const HASH_CHUNK: usize = 16 * 1024;

/// Identities whose hasher state each thread keeps (a thread calling more
/// marked functions than this in turn recomputes some, as before).
const IDENTITY_SLOTS: usize = 8;
/// Keys remembered per identity, and the longest argument stream remembered:
/// at most about 4 kB per identity, 32 kB per thread.
const RECENT_SLOTS: usize = 32;
const RECENT_MAX: usize = 64;

/// One function identity's shortcuts, in one thread.
struct Identity {
    prefix: Vec<u8>,
    /// The hasher after `prefix`.
    state: blake3::Hasher,
    /// Digests of recent short argument streams, by a hash of the stream.
    recent: [Option<Recent>; RECENT_SLOTS],
}

/// An argument stream and the digest it gave.
type Recent = (Box<[u8]>, [u8; 32]);

impl Identity {
    fn new(prefix: &[u8]) -> Identity {
        let mut state = blake3::Hasher::new();
        state.update(prefix);
        Identity {
            prefix: prefix.to_vec(),
            state,
            recent: std::array::from_fn(|_| None),
        }
    }

    fn digest(&self, rest: &[u8]) -> [u8; 32] {
        let mut h = self.state.clone();
        h.update(rest);
        *h.finalize().as_bytes()
    }
}

thread_local! {
    /// Recent identities, the most recently added last.
    static IDENTITIES: std::cell::RefCell<Vec<Identity>> =
        const { std::cell::RefCell::new(Vec::new()) };
    /// The buffer of this thread's last finished key, for the next one.
    static SPARE: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

/// Runs `f` on this thread's entry for `prefix` (made if missing), or
/// returns `None` when the thread's locals are unavailable (being
/// destroyed, or in use further up this thread's stack).
fn with_identity<R>(prefix: &[u8], f: impl FnOnce(&mut Identity) -> R) -> Option<R> {
    IDENTITIES
        .try_with(|cell| {
            let mut ids = cell.try_borrow_mut().ok()?;
            let at = match ids.iter().position(|i| i.prefix == prefix) {
                Some(at) => at,
                None => {
                    if ids.len() >= IDENTITY_SLOTS {
                        ids.remove(0);
                    }
                    ids.push(Identity::new(prefix));
                    ids.len() - 1
                }
            };
            Some(f(&mut ids[at]))
        })
        .ok()
        .flatten()
}

/// The hasher state after `prefix`.
fn prefix_state(prefix: &[u8]) -> blake3::Hasher {
    with_identity(prefix, |id| id.state.clone()).unwrap_or_else(|| {
        let mut h = blake3::Hasher::new();
        h.update(prefix);
        h
    })
}

/// The digest of `prefix` then `rest`.
fn digest_of(prefix: &[u8], rest: &[u8]) -> [u8; 32] {
    with_identity(prefix, |id| {
        if rest.len() > RECENT_MAX {
            return id.digest(rest);
        }
        let slot = (mix(rest) >> 59) as usize % RECENT_SLOTS;
        if let Some((bytes, digest)) = &id.recent[slot] {
            if **bytes == *rest {
                return *digest;
            }
        }
        let digest = id.digest(rest);
        id.recent[slot] = Some((rest.into(), digest));
        digest
    })
    .unwrap_or_else(|| {
        let mut h = blake3::Hasher::new();
        h.update(prefix);
        h.update(rest);
        *h.finalize().as_bytes()
    })
}

/// A fast hash of a short byte string, to pick a slot (never to decide
/// equality: the bytes are compared).
fn mix(bytes: &[u8]) -> u64 {
    let mut h = bytes.len() as u64;
    for chunk in bytes.chunks(8) {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        h = (h.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    h
}

impl HashSink {
    fn new() -> Self {
        let mut buf = SPARE.try_with(|s| s.take()).unwrap_or_default();
        buf.clear();
        if buf.capacity() == 0 {
            buf.reserve(256);
        }
        HashSink {
            buf,
            prefix_len: 0,
            hasher: None,
            hashed: 0,
        }
    }

    /// Marks everything written so far as the key's identity.
    fn end_prefix(&mut self) {
        if self.hasher.is_none() {
            self.prefix_len = self.buf.len();
        }
    }

    /// Makes the hasher on first use, from the identity at the start of the
    /// buffer, which then leaves the buffer.
    fn ensure_hasher(&mut self) {
        if self.hasher.is_none() {
            let h = prefix_state(&self.buf[..self.prefix_len]);
            self.hasher = Some(Box::new(h));
            self.hashed = self.prefix_len as u64;
            self.buf.drain(..self.prefix_len);
            self.prefix_len = 0;
        }
    }

    /// Hashes the whole buffer.
    fn flush(&mut self) {
        self.ensure_hasher();
        if let Some(h) = &mut self.hasher {
            h.update(&self.buf);
        }
        self.hashed += self.buf.len() as u64;
        self.buf.clear();
    }

    /// Hashes the buffer up to the last multiple of [`HASH_CHUNK`] of the
    /// whole stream and keeps the rest, so that every update is whole,
    /// aligned subtrees of BLAKE3 chunks, which BLAKE3 hashes with its widest
    /// SIMD. (An update that starts or ends inside a chunk hashes that chunk a
    /// block at a time: unaligned, a `Vec<f64>` hashed at a third of the speed.)
    fn flush_aligned(&mut self) {
        self.ensure_hasher();
        let offset = (self.hashed % HASH_CHUNK as u64) as usize;
        let whole = (offset + self.buf.len()) / HASH_CHUNK * HASH_CHUNK;
        if whole > offset {
            let n = whole - offset;
            if let Some(h) = &mut self.hasher {
                h.update(&self.buf[..n]);
            }
            self.hashed += n as u64;
            // Less than a chunk is left after the first flush of a key,
            // and a few bytes after the next ones.
            self.buf.copy_within(n.., 0);
            let rest = self.buf.len() - n;
            self.buf.truncate(rest);
        }
    }

    /// The digest of the whole stream.
    fn digest(mut self) -> [u8; 32] {
        let hash = match &mut self.hasher {
            Some(h) => {
                h.update(&self.buf);
                *h.finalize().as_bytes()
            }
            None => digest_of(&self.buf[..self.prefix_len], &self.buf[self.prefix_len..]),
        };
        // Keep the buffer for the thread's next key, unless a large argument
        // made it large.
        if self.buf.capacity() <= 4 * HASH_CHUNK {
            let buf = std::mem::take(&mut self.buf);
            let _ = SPARE.try_with(|s| s.set(buf));
        }
        hash
    }
}

impl Sink for HashSink {
    // Inlined: a key is mostly puts of a few bytes each.
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        if bytes.len() >= HASH_CHUNK {
            self.flush();
            if let Some(h) = &mut self.hasher {
                h.update(bytes);
            }
            self.hashed += bytes.len() as u64;
        } else {
            self.buf.extend_from_slice(bytes);
            if self.buf.len() >= 2 * HASH_CHUNK {
                self.flush_aligned();
            }
        }
    }
}

#[inline]
fn write_len(out: &mut impl Sink, len: usize) {
    out.put(&(len as u64).to_le_bytes());
}

#[inline]
fn write_str(out: &mut impl Sink, s: &str) {
    write_len(out, s.len());
    out.put(s.as_bytes());
}

/// One byte per serde data-model kind. Never reorder: keys depend on them.
mod tag {
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
    pub const INSTANCE: u8 = 64;
    pub const ARG: u8 = 65;
    pub const TYPE: u8 = 66;
}

#[derive(Debug)]
struct KeyError(String);

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
}

impl<S: Sink> Canonical<'_, S> {
    // One put of the tag and the value (at most 16 bytes) rather than two:
    // the elements of a large argument are mostly scalars. Inlined, so the
    // length is a constant at each call site.
    #[inline]
    fn scalar(&mut self, tag: u8, bytes: &[u8]) -> Result<(), KeyError> {
        let mut one = [0u8; 17];
        one[0] = tag;
        one[1..=bytes.len()].copy_from_slice(bytes);
        self.out.put(&one[..=bytes.len()]);
        Ok(())
    }

    fn named(&mut self, tag: u8, name: &str) {
        self.out.put(&[tag]);
        write_str(self.out, name);
    }
}

macro_rules! scalars {
    ($($method:ident: $ty:ty => $tag:ident),* $(,)?) => {$(
        fn $method(self, v: $ty) -> Result<(), KeyError> {
            self.scalar(tag::$tag, &v.to_le_bytes())
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
        self.scalar(tag::F32, &v.to_bits().to_le_bytes())
    }

    fn serialize_f64(self, v: f64) -> Result<(), KeyError> {
        self.scalar(tag::F64, &v.to_bits().to_le_bytes())
    }

    fn serialize_char(self, v: char) -> Result<(), KeyError> {
        self.scalar(tag::CHAR, &(v as u32).to_le_bytes())
    }

    fn serialize_str(self, v: &str) -> Result<(), KeyError> {
        self.named(tag::STR, v);
        Ok(())
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<(), KeyError> {
        self.out.put(&[tag::BYTES]);
        write_len(self.out, v.len());
        self.out.put(v);
        Ok(())
    }

    fn serialize_none(self) -> Result<(), KeyError> {
        self.scalar(tag::NONE, &[])
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), KeyError> {
        self.out.put(&[tag::SOME]);
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
        self.out.put(&[tag::SEQ]);
        Ok(Compound { ser: self })
    }

    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, KeyError> {
        self.out.put(&[tag::TUPLE]);
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
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), KeyError> {
        value.serialize(&mut *self.ser)
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
        self.ser.out.put(&[tag::END]);
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

fn encode_alone<T: Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) -> Result<(), KeyError> {
    value.serialize(&mut Canonical { out })
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
        self.ser.out.put(&[tag::MAP]);
        write_len(self.ser.out, self.entries.len());
        for entry in &self.entries {
            write_len(self.ser.out, entry.len());
            self.ser.out.put(entry);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap};

    use serde::Serialize;

    use super::*;

    fn key_of<T: Serialize>(v: &T) -> Key {
        let mut h = KeyHasher::new("crate::f", "hash", "binary");
        h.arg("v", v).expect("serializable");
        h.finish()
    }

    /// Pins the encoding: if this changes, every user's cache is silently
    /// invalidated. Bump `KEY_DOMAIN` deliberately instead.
    #[test]
    fn golden_key() {
        #[derive(Serialize)]
        struct Query<'a> {
            city: &'a str,
            days: u16,
            exact: Option<f64>,
        }
        let mut h = KeyHasher::new("app::weather::forecast", "0123abcd", "json");
        h.instance(&7u64).expect("ok");
        h.arg(
            "query",
            &Query {
                city: "Zürich",
                days: 3,
                exact: Some(-0.5),
            },
        )
        .expect("ok");
        h.arg("tags", &vec!["a", "b"]).expect("ok");
        h.type_name("u32");
        assert_eq!(h.finish().to_hex(), "00ce4a714639777b8f68368804c9a828");
    }

    /// The canonical stream, written out by hand from the rules above.
    #[test]
    fn canonical_bytes() {
        let mut out = Vec::new();
        encode_alone(&(1u8, "ab", Some(-1i16)), &mut out).expect("ok");
        let mut expected = vec![tag::TUPLE];
        expected.extend(3u64.to_le_bytes());
        expected.extend([tag::U8, 1]);
        expected.push(tag::STR);
        expected.extend(2u64.to_le_bytes());
        expected.extend(b"ab");
        expected.extend([tag::SOME, tag::I16, 0xff, 0xff]);
        expected.push(tag::END);
        assert_eq!(out, expected);
    }

    #[test]
    fn adjacent_strings_do_not_collide() {
        assert_ne!(key_of(&("ab", "c")), key_of(&("a", "bc")));
        assert_ne!(
            key_of(&vec![vec![1u8], vec![]]),
            key_of(&vec![vec![], vec![1u8]])
        );
    }

    #[test]
    fn integer_widths_differ() {
        assert_ne!(key_of(&5u32), key_of(&5u64));
        assert_ne!(key_of(&5u32), key_of(&5i32));
    }

    #[test]
    fn hash_map_order_does_not_matter() {
        let a: HashMap<String, u32> = (0..200).map(|i| (i.to_string(), i)).collect();
        let mut b: HashMap<String, u32> = HashMap::new();
        for i in (0..200).rev() {
            b.insert(i.to_string(), i);
        }
        let sorted: BTreeMap<String, u32> = a.clone().into_iter().collect();
        assert_eq!(key_of(&a), key_of(&b));
        assert_eq!(key_of(&a), key_of(&sorted));
    }

    #[test]
    fn identity_parts_all_matter() {
        let base = KeyHasher::new("f", "h", "json").finish();
        assert_ne!(base, KeyHasher::new("g", "h", "json").finish());
        assert_ne!(base, KeyHasher::new("f", "i", "json").finish());
        assert_ne!(base, KeyHasher::new("f", "h", "yaml").finish());
        let mut with_instance = KeyHasher::new("f", "h", "json");
        with_instance.instance(&1u8).expect("ok");
        assert_ne!(base, with_instance.finish());
    }

    #[test]
    fn argument_names_matter() {
        let mut a = KeyHasher::new("f", "h", "json");
        a.arg("x", &1u8).expect("ok");
        let mut b = KeyHasher::new("f", "h", "json");
        b.arg("y", &1u8).expect("ok");
        assert_ne!(a.finish(), b.finish());
    }

    #[test]
    fn failing_serialize_names_the_argument() {
        struct Bad;
        impl Serialize for Bad {
            fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("no"))
            }
        }
        let mut h = KeyHasher::new("f", "h", "json");
        let err = h.arg("conn", &Bad).expect_err("must fail");
        assert!(err.to_string().contains("`conn`"), "{err}");
    }

    /// The per-thread identity states are a shortcut only: the key is the
    /// same first time, from the remembered state, and after it was evicted.
    #[test]
    fn remembered_identities_do_not_change_keys() {
        let key = |function: &str| {
            let mut h = KeyHasher::new(function, "hash", "binary");
            h.arg("v", &7u32).expect("ok");
            h.finish()
        };
        let first = std::thread::spawn(move || key("crate::f"))
            .join()
            .expect("thread");
        assert_eq!(key("crate::f"), first);
        assert_eq!(key("crate::f"), first);
        for i in 0..3 * IDENTITY_SLOTS {
            key(&format!("crate::other{i}"));
        }
        assert_eq!(key("crate::f"), first);
        // A stream whose identity is a prefix of another's is not confused with it.
        assert_ne!(key("crate::f"), key("crate::ff"));
        // Remembered argument streams: many arguments, each key as computed
        // from scratch (a thread of its own has nothing remembered).
        let keys = |range: std::ops::Range<u32>| {
            range
                .map(|v| {
                    // Short streams (remembered) and long ones (not).
                    let mut h = KeyHasher::new("crate::g", "hash", "binary");
                    h.arg("v", &v).expect("ok");
                    if v % 2 == 0 {
                        h.arg("long", &vec![v; 40]).expect("ok");
                    }
                    h.finish()
                })
                .collect::<Vec<_>>()
        };
        let fresh = std::thread::spawn(move || keys(0..200))
            .join()
            .expect("thread");
        assert_eq!(keys(0..200), fresh);
        assert_eq!(keys(0..200), fresh);
    }

    #[test]
    fn large_input_matches_small_chunks() {
        // The batching sink must not change the digest whatever the write sizes.
        let big = vec![7u8; HASH_CHUNK * 3 + 5];
        let mut a = HashSink::new();
        a.put(&big);
        let mut b = HashSink::new();
        for chunk in big.chunks(1000) {
            b.put(chunk);
        }
        assert_eq!(a.digest(), b.digest());
        assert_eq!(
            {
                let mut c = HashSink::new();
                c.put(&big);
                c.digest()
            },
            *blake3::hash(&big).as_bytes()
        );
        // An identity, then pieces of every size (the aligned flushes, the
        // direct updates of large pieces): the digest of the concatenation.
        let stream: Vec<u8> = (0..HASH_CHUNK * 9 + 123)
            .map(|i| (i * 131 % 251) as u8)
            .collect();
        for identity in [0, 1, 150, HASH_CHUNK - 1, HASH_CHUNK + 7] {
            let mut d = HashSink::new();
            d.put(&stream[..identity]);
            d.end_prefix();
            let mut at = identity;
            for size in [9usize, 1, 17, 3 * HASH_CHUNK, 9, 4096, HASH_CHUNK + 1]
                .iter()
                .cycle()
            {
                let end = (at + size).min(stream.len());
                d.put(&stream[at..end]);
                at = end;
                if at == stream.len() {
                    break;
                }
            }
            assert_eq!(
                d.digest(),
                *blake3::hash(&stream).as_bytes(),
                "identity {identity}"
            );
        }
    }
}
