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
//!
//! **Runs.** Among the elements of a sequence or tuple (anything serde writes
//! element by element: `Vec`, slices, arrays, tuples, tuple structs and
//! variants), a maximal run of consecutive numbers of one kind (`i8`..`i128`,
//! `u8`..`u128`, `f32`, `f64`) holding at least [`RUN_MIN_BYTES`] of data is
//! written as a summary instead of element by element: the `RUN` tag, the
//! kind's tag, the element count, and the BLAKE3 digest of the run's data (the
//! numbers' little-endian bytes, floats by bit pattern). Hashing that digest
//! needs no tag between the numbers, so it runs at BLAKE3's full speed, and an
//! argument that is a slice of numbers in memory (the fast path `#[persist]`
//! takes through [`KeyArg`]) is hashed straight from that memory. Shorter runs
//! are written inline, a tag before each number, so small keys are unchanged.
//! The summary is as self-delimiting as the numbers it stands for: its tag is
//! no number's, and it carries its kind and count.
//!
//! **Files.** This module is the key type and its hasher ([`Key`],
//! [`KeyHasher`]); what writes into it is split by job:
//!
//! - `stream.rs`: the canonical stream, the serde serializer that writes a
//!   value's tags, lengths and bytes (and the tags themselves);
//! - `runs.rs`: runs of numbers, buffered and written inline or as a summary;
//! - `typed.rs`: the typed fast path `#[persist]` takes for numbers and
//!   containers of numbers, which writes the same bytes without serde;
//! - `hasher.rs`: where the stream goes, BLAKE3 with its writes batched.
//!
//! The format check (`format/guard.rs`) is a second serde walker over the same
//! data model, on purpose: it wraps the format's own serializer and passes
//! every call through, checking what the format would lose, while this one
//! writes a stream of its own. One walker serving both would put the format's
//! serializer on the key's hot path or the key's buffering in every write.

mod hasher;
mod runs;
mod stream;
#[cfg(test)]
mod tests;
mod typed;

use std::fmt;

use serde::Serialize;

use crate::error::Error;
pub use hasher::CallKey;
use hasher::HashSink;
use runs::write_scalars;
use stream::{encode, tag, write_len, write_str, Sink};
pub use typed::{
    KeyArg, Open, Scalar, ScalarPath, ScalarSlice, ScalarsPath, SerdePath, ViaScalar, ViaScalars,
    ViaSerde,
};

/// Bumped when the canonical encoding changes, so old keys are never misread.
/// v2: runs of numbers of at least [`RUN_MIN_BYTES`](runs::RUN_MIN_BYTES) are
/// written as a summary. v3: the identity is a derived BLAKE3 key (see
/// [`identity_key`]) rather than the stream's first bytes.
const KEY_DOMAIN: &str = "perscache key v3";

/// The BLAKE3 key that a function's keys are hashed with: derived (BLAKE3's
/// `derive_key` mode, with [`KEY_DOMAIN`] as its context) from the function's
/// path, its code hash and the format's name, each written with its length.
/// A call then hashes only its arguments; a `#[persist]` site derives this
/// once (its `Site` keeps it).
pub(crate) fn identity_key(function: &str, code_hash: &str, format: &str) -> [u8; 32] {
    let mut material = Vec::with_capacity(3 * 8 + function.len() + code_hash.len() + format.len());
    for part in [function, code_hash, format] {
        write_str(&mut material, part);
    }
    blake3::derive_key(KEY_DOMAIN, &material)
}

/// The digest that names one cache entry.
///
/// ```
/// use perscache::KeyHasher;
///
/// let mut a = KeyHasher::new("app::f", "code", "json");
/// a.arg("x", &42u32)?;
/// let mut b = KeyHasher::new("app::f", "code", "json");
/// b.arg("x", &43u32)?;
/// assert_ne!(a.finish(), b.finish());
/// # Ok::<(), Box<dyn std::error::Error>>(())
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
///
/// [`arg`](Self::arg) gives the key `#[persist]` gives: for an argument that is
/// a `Vec`, slice or array of numbers, the expansion takes a faster path that
/// hashes the numbers from memory, and writes the same bytes.
pub struct KeyHasher {
    sink: HashSink,
}

/// Feeds a `Hash` impl's bytes into the key's stream.
struct IntoSink<'a>(&'a mut HashSink);

impl std::hash::Hasher for IntoSink<'_> {
    fn write(&mut self, bytes: &[u8]) {
        self.0.put(bytes);
    }

    fn finish(&self) -> u64 {
        0
    }
}

impl KeyHasher {
    /// Starts a key for `function` (its full path), whose code hashes to
    /// `code_hash`, stored with the format named `format`.
    pub fn new(function: &str, code_hash: &str, format: &str) -> Self {
        KeyHasher {
            sink: HashSink::new(identity_key(function, code_hash, format)),
        }
    }

    /// [`new`](Self::new) for a `#[persist]` site, with its key salt as the
    /// code hash: the same key, from the identity key the site keeps. Not a
    /// public API.
    #[doc(hidden)]
    pub fn for_site(site: &crate::call::Site, format: &str) -> Self {
        KeyHasher {
            sink: HashSink::new(site.identity_key(format)),
        }
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

    /// Adds type `T`, which the result depends on but the arguments may not
    /// show (a generic parameter's instantiation, `Self`): its name, and its
    /// `TypeId`, since two crates' types may share a name (two packages
    /// whose libraries are both named `wire`). A `TypeId` is fixed for a
    /// given compiler and crate build, which the key salt already covers.
    pub fn of_type<T: ?Sized>(&mut self) {
        self.type_name(std::any::type_name::<T>());
        std::hash::Hash::hash(&typeid::of::<T>(), &mut IntoSink(&mut self.sink));
    }

    /// Adds `#[persist(version = "...")]`: a salt the user bumps when a
    /// result changes for a reason outside the code (an external API's
    /// semantics, a data file read at run time).
    pub fn version(&mut self, version: &str) {
        self.sink.put(&[tag::VERSION]);
        write_str(&mut self.sink, version);
    }

    /// [`of_type`](Self::of_type) for the type of `value` (an `impl Trait`
    /// argument, a closure naming the generic parameters in scope).
    pub fn of_val<T: ?Sized>(&mut self, _value: &T) {
        self.of_type::<T>();
    }

    fn value<T: Serialize + ?Sized>(
        &mut self,
        argument: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        encode(value, &mut self.sink).map_err(|e| Error::Key {
            argument,
            message: e.0,
        })
    }

    /// Adds one argument that is a container of numbers in memory (what
    /// [`KeyArg`] finds): the same bytes as [`arg`](Self::arg) would write
    /// for it, with the run's data hashed straight from `value`'s memory.
    fn scalars_arg<C: ScalarSlice + ?Sized>(&mut self, name: &'static str, value: &C) {
        self.sink.put(&[tag::ARG]);
        write_str(&mut self.sink, name);
        let data = value.scalars();
        match C::OPEN {
            Open::Seq => self.sink.put(&[tag::SEQ]),
            Open::Tuple => {
                self.sink.put(&[tag::TUPLE]);
                write_len(&mut self.sink, data.len());
            }
        }
        write_scalars(&mut self.sink, data);
        self.sink.put(&[tag::END]);
    }

    /// The finished key.
    pub fn finish(self) -> Key {
        self.finish_call().digest()
    }

    /// The finished key as a `#[persist]` call uses it: the memory tier
    /// matches a short key's stream without hashing it. Not a public API.
    #[doc(hidden)]
    pub fn finish_call(self) -> CallKey {
        self.sink.finish()
    }
}

impl fmt::Debug for KeyHasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyHasher").finish_non_exhaustive()
    }
}
