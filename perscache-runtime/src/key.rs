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

use std::fmt;

use serde::ser::{self, Serialize};

use crate::error::Error;

/// Bumped when the canonical encoding changes, so old keys are never misread.
/// v2: runs of numbers of at least [`RUN_MIN_BYTES`] are written as a summary.
const KEY_DOMAIN: &str = "perscache key v2";

/// The least data (in bytes) of a run of same-kind numbers written as a
/// summary rather than inline. Below it the summary (42 bytes and a second
/// BLAKE3 finalization) would cost more than the tags it saves; 1 KiB is one
/// BLAKE3 chunk, the size from which its SIMD starts to pay.
const RUN_MIN_BYTES: usize = 1024;

/// The pieces a run's digest is fed in: whole, aligned 16-chunk subtrees, which
/// BLAKE3 hashes with its widest SIMD (see [`HashSink::flush_aligned`]). Every
/// number's width divides it, so a piece never splits a number.
const RUN_PIECE: usize = 16 * 1024;

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

    /// [`new`](Self::new) for a function whose path and code hash live as
    /// long as the program (a `#[persist]` site's): the same key, but each
    /// thread finds the hasher state it keeps for this identity by the
    /// function path's address, the code hash and the format's name, without
    /// writing and comparing the whole identity (about 150 bytes) on every
    /// call. `function` must not come from a library that is unloaded while
    /// the program runs. Not a public API.
    #[doc(hidden)]
    pub fn for_site(function: &'static str, code_hash: &'static str, format: &str) -> Self {
        let mut sink = HashSink::new();
        sink.site = Some(SiteIdentity {
            function,
            code_hash,
        });
        write_str(&mut sink, format);
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
        Key(self.sink.digest())
    }
}

impl fmt::Debug for KeyHasher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyHasher").finish_non_exhaustive()
    }
}

/// An argument as `#[persist]` hands it to the key, for the choice between
/// the fast paths and serde (autoref specialization): a container of numbers
/// in memory ([`ScalarSlice`]) gets [`ViaScalars`]'s `__perscache_key_path`,
/// one number ([`Scalar`]) [`ViaScalar`]'s, anything else [`ViaSerde`]'s.
/// The generated code is
///
/// ```ignore
/// (&KeyArg(&x)).__perscache_key_path().arg("x", &mut key, &x)?;
/// ```
///
/// (The method's name is one no user trait in scope at the call will have.)
/// Method lookup tries `&KeyArg<T>` itself before borrowing it again, so
/// [`ViaScalars`] and [`ViaScalar`] (implemented for `KeyArg<T>`) win over
/// [`ViaSerde`] (for `&KeyArg<T>`, any `T`) whenever they apply. All paths write the same
/// bytes, so which one a type gets (a generic `T` always gets serde) never
/// changes a key, only its speed. Not a public API.
#[doc(hidden)]
pub struct KeyArg<'a, T: ?Sized>(pub &'a T);

/// The fast path's choice; see [`KeyArg`]. Not a public API.
#[doc(hidden)]
pub trait ViaScalars {
    /// Picks [`ScalarsPath`].
    #[inline]
    fn __perscache_key_path(&self) -> ScalarsPath {
        ScalarsPath
    }
}

impl<T: ScalarSlice + ?Sized> ViaScalars for KeyArg<'_, T> {}

/// The fast path's choice for one number (an id, a size: the most common
/// argument); see [`KeyArg`]. No type is both a number and a container, so
/// at most one of this and [`ViaScalars`] applies. Not a public API.
#[doc(hidden)]
pub trait ViaScalar {
    /// Picks [`ScalarPath`].
    #[inline]
    fn __perscache_key_path(&self) -> ScalarPath {
        ScalarPath
    }
}

impl<E: Scalar> ViaScalar for KeyArg<'_, E> {}

/// Adds an argument that is one number. Not a public API.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct ScalarPath;

impl ScalarPath {
    /// Adds `value` as [`KeyHasher::arg`] would: its tag and its bytes.
    #[inline]
    pub fn arg<E: Scalar>(
        self,
        name: &'static str,
        key: &mut KeyHasher,
        value: &E,
    ) -> Result<(), Error> {
        key.sink.put(&[tag::ARG]);
        write_str(&mut key.sink, name);
        let mut bytes = [0u8; 16];
        let bytes = &mut bytes[..std::mem::size_of::<E>()];
        value.put_le(bytes);
        put_scalar(&mut key.sink, E::TAG, bytes);
        Ok(())
    }
}

/// The fallback's choice; see [`KeyArg`]. Not a public API.
#[doc(hidden)]
pub trait ViaSerde {
    /// Picks [`SerdePath`].
    #[inline]
    fn __perscache_key_path(&self) -> SerdePath {
        SerdePath
    }
}

// No bound here: an argument that is not `Serialize` fails at
// `SerdePath::arg`, with serde's own message, on the argument.
impl<T: ?Sized> ViaSerde for &KeyArg<'_, T> {}

/// Adds an argument that is a container of numbers. Not a public API.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct ScalarsPath;

impl ScalarsPath {
    /// Adds `value` as [`KeyHasher::arg`] would, hashing its data from memory.
    #[inline]
    pub fn arg<C: ScalarSlice + ?Sized>(
        self,
        name: &'static str,
        key: &mut KeyHasher,
        value: &C,
    ) -> Result<(), Error> {
        key.scalars_arg(name, value);
        Ok(())
    }
}

/// Adds an argument through serde. Not a public API.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct SerdePath;

impl SerdePath {
    /// [`KeyHasher::arg`].
    #[inline]
    pub fn arg<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        key: &mut KeyHasher,
        value: &T,
    ) -> Result<(), Error> {
        key.arg(name, value)
    }
}

mod sealed {
    pub trait Sealed {}
}

/// A number that serde writes as one fixed-width scalar, and that can form a
/// run: `i8`..`i128`, `u8`..`u128`, `f32`, `f64` (not `bool` or `char`).
/// Sealed. Not a public API.
#[doc(hidden)]
pub trait Scalar: bytemuck::Pod + Serialize + sealed::Sealed {
    /// The serde kind's tag, as the serializer writes it.
    const TAG: u8;
    /// Writes the number's little-endian bytes (a float's bit pattern) to
    /// `out`, which is exactly as long.
    fn put_le(&self, out: &mut [u8]);
}

macro_rules! scalar {
    ($($ty:ty => $tag:ident),* ; floats: $($fty:ty => $ftag:ident),*) => {
        $(
            impl sealed::Sealed for $ty {}
            impl Scalar for $ty {
                const TAG: u8 = tag::$tag;
                #[inline]
                fn put_le(&self, out: &mut [u8]) {
                    out.copy_from_slice(&self.to_le_bytes());
                }
            }
        )*
        $(
            impl sealed::Sealed for $fty {}
            impl Scalar for $fty {
                const TAG: u8 = tag::$ftag;
                // By bit pattern, as `serialize_f32`/`serialize_f64` write them.
                #[inline]
                fn put_le(&self, out: &mut [u8]) {
                    out.copy_from_slice(&self.to_bits().to_le_bytes());
                }
            }
        )*
    };
}

scalar! {
    i8 => I8, i16 => I16, i32 => I32, i64 => I64, i128 => I128,
    u8 => U8, u16 => U16, u32 => U32, u64 => U64, u128 => U128;
    floats: f32 => F32, f64 => F64
}

/// How serde opens a container of numbers. Not a public API.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Open {
    /// `serialize_seq` (`Vec`, slices): `SEQ`, the elements, `END`.
    Seq,
    /// `serialize_tuple(len)` (arrays): `TUPLE`, the length, the elements, `END`.
    Tuple,
}

/// A container whose `Serialize` impl writes exactly its numbers, in memory
/// order, opened as [`OPEN`](Self::OPEN) says: the types the fast path takes.
/// Implemented only where that holds (an array only where serde implements
/// `Serialize` for it, so the fast path accepts nothing serde rejects). Not a
/// public API.
#[doc(hidden)]
pub trait ScalarSlice {
    /// The numbers' type.
    type Elem: Scalar;
    /// How serde opens the container.
    const OPEN: Open;
    /// The numbers.
    fn scalars(&self) -> &[Self::Elem];
}

impl<E: Scalar> ScalarSlice for [E] {
    type Elem = E;
    const OPEN: Open = Open::Seq;
    fn scalars(&self) -> &[E] {
        self
    }
}

impl<E: Scalar> ScalarSlice for Vec<E> {
    type Elem = E;
    const OPEN: Open = Open::Seq;
    fn scalars(&self) -> &[E] {
        self
    }
}

impl<E: Scalar, const N: usize> ScalarSlice for [E; N]
where
    [E; N]: Serialize,
{
    type Elem = E;
    const OPEN: Open = Open::Tuple;
    fn scalars(&self) -> &[E] {
        self
    }
}

// Serde writes these as what they point to.
impl<C: ScalarSlice + ?Sized> ScalarSlice for &C {
    type Elem = C::Elem;
    const OPEN: Open = C::OPEN;
    fn scalars(&self) -> &[C::Elem] {
        (**self).scalars()
    }
}

impl<C: ScalarSlice + ?Sized> ScalarSlice for Box<C> {
    type Elem = C::Elem;
    const OPEN: Open = C::OPEN;
    fn scalars(&self) -> &[C::Elem] {
        (**self).scalars()
    }
}

impl<C: ScalarSlice + ToOwned + ?Sized> ScalarSlice for std::borrow::Cow<'_, C> {
    type Elem = C::Elem;
    const OPEN: Open = C::OPEN;
    fn scalars(&self) -> &[C::Elem] {
        (**self).scalars()
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
    /// the whole stream, whose first `prefix_len` bytes are the identity
    /// (with `site`, its part after the code hash: the format's name).
    buf: Vec<u8>,
    prefix_len: usize,
    /// The start of the identity, when it is a `#[persist]` site's.
    site: Option<SiteIdentity>,
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

/// The part of an identity that is the same for every call of a marked
/// function: the domain, then these two strings.
#[derive(Clone, Copy)]
struct SiteIdentity {
    function: &'static str,
    code_hash: &'static str,
}

impl SiteIdentity {
    /// The function path's address and length, and the code hash's length.
    /// A `#[persist]` site's path is a `String` in a `static`, never freed,
    /// so no other path ever has its address. (A literal's address can come
    /// back with other bytes if a library is unloaded and another loaded:
    /// the code hash, a literal, is compared by its bytes as well.)
    fn addresses(&self) -> [usize; 3] {
        [
            self.function.as_ptr() as usize,
            self.function.len(),
            self.code_hash.len(),
        ]
    }

    /// Where the code hash's bytes are in the identity.
    fn code_hash_at(&self) -> std::ops::Range<usize> {
        let start = 3 * 8 + KEY_DOMAIN.len() + self.function.len();
        start..start + self.code_hash.len()
    }

    /// The length of this part of the identity.
    fn len(&self) -> usize {
        3 * 8 + KEY_DOMAIN.len() + self.function.len() + self.code_hash.len()
    }

    /// The whole identity, with `rest` (the format's part) after it.
    fn prefix(&self, rest: &[u8]) -> Vec<u8> {
        let mut prefix = Vec::with_capacity(self.len() + rest.len());
        for part in [KEY_DOMAIN, self.function, self.code_hash] {
            write_str(&mut prefix, part);
        }
        prefix.extend_from_slice(rest);
        prefix
    }
}

/// One function identity's shortcuts, in one thread.
struct Identity {
    prefix: Vec<u8>,
    /// [`SiteIdentity::addresses`] of the site this was made for, if any.
    site: Option<[usize; 3]>,
    /// The hasher after `prefix`.
    state: blake3::Hasher,
    /// Digests of recent short argument streams, by a hash of the stream.
    recent: [Option<Recent>; RECENT_SLOTS],
}

/// An argument stream and the digest it gave.
type Recent = (Box<[u8]>, [u8; 32]);

impl Identity {
    fn new(prefix: Vec<u8>, site: Option<[usize; 3]>) -> Identity {
        let mut state = blake3::Hasher::new();
        state.update(&prefix);
        Identity {
            prefix,
            site,
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

/// Runs `f` on this thread's entry for the identity `prefix` (after `site`'s
/// part, if given), made if missing, or returns `None` when the thread's
/// locals are unavailable (being destroyed, or in use further up this
/// thread's stack).
fn with_identity<R>(
    site: Option<SiteIdentity>,
    prefix: &[u8],
    f: impl FnOnce(&mut Identity) -> R,
) -> Option<R> {
    IDENTITIES
        .try_with(|cell| {
            let mut ids = cell.try_borrow_mut().ok()?;
            let addresses = site.map(|s| s.addresses());
            let found = match (site, addresses) {
                // The same strings, then the same format's part.
                (Some(site), Some(a)) => {
                    let head = site.len();
                    ids.iter().position(|i| {
                        // Word by word: comparing the arrays whole reads
                        // `a` back in wider loads than it was written with.
                        matches!(i.site, Some([p, l, c]) if p == a[0] && l == a[1] && c == a[2])
                            && i.prefix.len() == head + prefix.len()
                            && i.prefix[head..] == *prefix
                            && i.prefix[site.code_hash_at()] == *site.code_hash.as_bytes()
                    })
                }
                _ => ids.iter().position(|i| i.prefix == prefix),
            };
            let at = match found {
                Some(at) => at,
                None => {
                    if ids.len() >= IDENTITY_SLOTS {
                        ids.remove(0);
                    }
                    ids.push(Identity::new(full_prefix(site, prefix), addresses));
                    ids.len() - 1
                }
            };
            Some(f(&mut ids[at]))
        })
        .ok()
        .flatten()
}

/// The identity's bytes: `site`'s part, if any, then `prefix`.
fn full_prefix(site: Option<SiteIdentity>, prefix: &[u8]) -> Vec<u8> {
    match site {
        Some(site) => site.prefix(prefix),
        None => prefix.to_vec(),
    }
}

/// The hasher state after the identity, and the identity's length.
fn prefix_state(site: Option<SiteIdentity>, prefix: &[u8]) -> (blake3::Hasher, usize) {
    with_identity(site, prefix, |id| (id.state.clone(), id.prefix.len())).unwrap_or_else(|| {
        let prefix = full_prefix(site, prefix);
        let mut h = blake3::Hasher::new();
        h.update(&prefix);
        (h, prefix.len())
    })
}

/// The digest of the identity, then `rest`.
fn digest_of(site: Option<SiteIdentity>, prefix: &[u8], rest: &[u8]) -> [u8; 32] {
    with_identity(site, prefix, |id| {
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
        h.update(&full_prefix(site, prefix));
        h.update(rest);
        *h.finalize().as_bytes()
    })
}

/// A fast hash of a short byte string, to pick a slot (never to decide
/// equality: the bytes are compared).
fn mix(bytes: &[u8]) -> u64 {
    let step = |h: u64, word: u64| (h.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    let mut h = bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        h = step(h, u64::from_le_bytes(word.try_into().unwrap_or_default()));
    }
    let tail = words.remainder();
    if !tail.is_empty() {
        let mut word = [0u8; 8];
        word[..tail.len()].copy_from_slice(tail);
        h = step(h, u64::from_le_bytes(word));
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
            site: None,
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
            let (h, hashed) = prefix_state(self.site, &self.buf[..self.prefix_len]);
            self.hasher = Some(Box::new(h));
            self.hashed = hashed as u64;
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
            None => digest_of(
                self.site,
                &self.buf[..self.prefix_len],
                &self.buf[self.prefix_len..],
            ),
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

/// A number outside a run: its tag, then its bytes (at most 16), in one
/// put. Serde's path and the one-number fast path both write through here.
#[inline]
fn put_scalar(out: &mut impl Sink, tag: u8, bytes: &[u8]) {
    let mut one = [0u8; 17];
    one[0] = tag;
    one[1..=bytes.len()].copy_from_slice(bytes);
    out.put(&one[..=bytes.len()]);
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
    /// A run of numbers written as a summary (key encoding v2).
    pub const RUN: u8 = 33;
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
    /// Whether the value being serialized is an element of a sequence-like
    /// compound (set by [`Compound::element`]), where a number joins `run`.
    element: bool,
    /// The pending run of numbers. Only the innermost compound being written
    /// can have one: any other write settles it first, so one per stream does.
    run: Run,
}

/// Writes `value`'s canonical stream to `out`.
fn encode<T: Serialize + ?Sized>(value: &T, out: &mut impl Sink) -> Result<(), KeyError> {
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

/// A run of same-kind numbers among a compound's elements, not written yet.
///
/// Its data is buffered (up to [`RUN_PIECE`] bytes) and, when the buffer is
/// full, hashed into the run's own BLAKE3 hasher from offset 0, so memory is
/// bounded and every update is a whole, aligned 16 KiB piece. When the run
/// ends, [`flush`](Run::flush) writes it inline if it is short, else as a
/// summary.
struct Run {
    /// The kind's tag; 0 when there is no pending run.
    kind: u8,
    /// The kind's width in bytes.
    width: usize,
    /// Empty until the stream's first run, then [`RUN_PIECE`] bytes long
    /// (taken from the thread's spare, so a small key allocates nothing).
    buf: Vec<u8>,
    /// Bytes of `buf` in use.
    len: usize,
    /// Bytes of the run already hashed into `hasher`.
    hashed: u64,
    /// Made when a run first outgrows `buf`, reset and reused after.
    hasher: Option<Box<blake3::Hasher>>,
}

thread_local! {
    /// The run buffer of this thread's last stream, for the next one.
    static RUN_SPARE: std::cell::Cell<Vec<u8>> = const { std::cell::Cell::new(Vec::new()) };
}

impl Run {
    fn new() -> Run {
        Run {
            kind: 0,
            width: 0,
            buf: Vec::new(),
            len: 0,
            hashed: 0,
            hasher: None,
        }
    }

    /// Adds one number of kind `kind` (its tag) to the run. The common case,
    /// same kind and room in the buffer, is one branch and a copy: a large
    /// argument makes one such call per element.
    #[inline]
    fn push(&mut self, out: &mut impl Sink, kind: u8, bytes: &[u8]) {
        if kind == self.kind {
            if let Some(dst) = self.buf.get_mut(self.len..self.len + bytes.len()) {
                dst.copy_from_slice(bytes);
                self.len += bytes.len();
                return;
            }
        }
        self.push_slow(out, kind, bytes);
    }

    /// A number that starts a run, or that finds the buffer full.
    #[inline(never)]
    fn push_slow(&mut self, out: &mut impl Sink, kind: u8, bytes: &[u8]) {
        if kind == self.kind {
            // The buffer is full (every width divides its size): one piece.
            let hasher = self.hasher.get_or_insert_with(Default::default);
            hasher.update(&self.buf[..self.len]);
            self.hashed += self.len as u64;
        } else {
            self.flush(out);
            if self.buf.len() != RUN_PIECE {
                self.buf = RUN_SPARE.try_with(|s| s.take()).unwrap_or_default();
                self.buf.resize(RUN_PIECE, 0);
            }
            self.kind = kind;
            self.width = bytes.len();
        }
        self.len = bytes.len();
        if let Some(dst) = self.buf.get_mut(..bytes.len()) {
            dst.copy_from_slice(bytes);
        }
    }

    /// Writes the pending run, if any: inline when its data is shorter than
    /// [`RUN_MIN_BYTES`], else as a summary.
    fn flush(&mut self, out: &mut impl Sink) {
        if self.kind == 0 {
            return;
        }
        let data = &self.buf[..self.len];
        let total = self.hashed + self.len as u64;
        if total >= RUN_MIN_BYTES as u64 {
            let digest = match &mut self.hasher {
                Some(h) if self.hashed > 0 => {
                    h.update(data);
                    let digest = h.finalize();
                    h.reset();
                    digest
                }
                _ => blake3::hash(data),
            };
            let count = total / self.width.max(1) as u64;
            write_summary(out, self.kind, count, digest.as_bytes());
        } else {
            write_inline(out, self.kind, self.width, data);
        }
        self.kind = 0;
        self.len = 0;
        self.hashed = 0;
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        if !self.buf.is_empty() {
            let buf = std::mem::take(&mut self.buf);
            let _ = RUN_SPARE.try_with(|s| s.set(buf));
        }
    }
}

/// Writes a short run element by element, a tag before each number, as any
/// number is written outside a run. `data` holds whole numbers of `width`
/// bytes. Staged, so that a run is a few puts rather than one per number.
fn write_inline(out: &mut impl Sink, tag: u8, width: usize, data: &[u8]) {
    let mut stage = [0u8; 544];
    let per_put = stage.len() / (width + 1);
    for group in data.chunks(per_put * width) {
        let mut n = 0;
        for (dst, number) in stage
            .chunks_exact_mut(width + 1)
            .zip(group.chunks_exact(width))
        {
            dst[0] = tag;
            dst[1..].copy_from_slice(number);
            n += width + 1;
        }
        out.put(&stage[..n]);
    }
}

/// Writes a long run's summary: the `RUN` tag, the kind's tag, the number of
/// elements, and the digest of their data.
fn write_summary(out: &mut impl Sink, kind: u8, count: u64, digest: &[u8; 32]) {
    let mut summary = [0u8; 42];
    summary[0] = tag::RUN;
    summary[1] = kind;
    summary[2..10].copy_from_slice(&count.to_le_bytes());
    summary[10..].copy_from_slice(digest);
    out.put(&summary);
}

/// Writes the elements of a container of numbers exactly as the serializer
/// would (one run, short or long), reading long data straight from memory.
fn write_scalars<E: Scalar>(out: &mut impl Sink, data: &[E]) {
    let width = std::mem::size_of::<E>();
    if data.is_empty() {
        return;
    }
    if std::mem::size_of_val(data) >= RUN_MIN_BYTES {
        let mut hasher = blake3::Hasher::new();
        le_pieces(data, |piece| {
            hasher.update(piece);
        });
        write_summary(out, E::TAG, data.len() as u64, hasher.finalize().as_bytes());
    } else {
        le_pieces(data, |piece| write_inline(out, E::TAG, width, piece));
    }
}

/// Calls `f` with the little-endian bytes of `data`, in order, in pieces of
/// whole numbers: on a little-endian target that is `data`'s own memory, in
/// one piece (BLAKE3 splits it into its widest subtrees itself).
fn le_pieces<E: Scalar>(data: &[E], f: impl FnMut(&[u8])) {
    if cfg!(target_endian = "little") {
        let mut f = f;
        f(bytemuck::cast_slice(data));
    } else {
        le_pieces_converted(data, f);
    }
}

/// [`le_pieces`] on a big-endian target: converted into a buffer, in pieces
/// of [`RUN_PIECE`] bytes so BLAKE3 still gets whole aligned subtrees.
fn le_pieces_converted<E: Scalar>(data: &[E], mut f: impl FnMut(&[u8])) {
    let width = std::mem::size_of::<E>();
    let mut buf = vec![0u8; RUN_PIECE.min(std::mem::size_of_val(data))];
    for chunk in data.chunks(RUN_PIECE / width) {
        for (dst, number) in buf.chunks_exact_mut(width).zip(chunk) {
            number.put_le(dst);
        }
        f(&buf[..std::mem::size_of_val(chunk)]);
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

fn encode_alone<T: Serialize + ?Sized>(value: &T, out: &mut Vec<u8>) -> Result<(), KeyError> {
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
        // v2 (runs of numbers written as summaries): this key has no run of
        // `RUN_MIN_BYTES`, so its stream is unchanged and only the bumped
        // `KEY_DOMAIN` changed the value (v1: 00ce4a714639777b8f68368804c9a828).
        assert_eq!(h.finish().to_hex(), "b6bb81a94c24c1403b115b4f77c07ea5");
    }

    /// Pins the summary of a long run (v2): the same value through serde and
    /// through the fast path.
    #[test]
    fn golden_key_with_runs() {
        let doubles: Vec<f64> = (0..1000).map(|i| f64::from(i) * -0.25).collect();
        let bytes: Vec<u8> = (0..5000u32).map(|i| (i % 251) as u8).collect();
        let mut h = KeyHasher::new("app::stats::mean", "0123abcd", "binary");
        h.arg("doubles", &doubles).expect("ok");
        h.arg("bytes", &bytes).expect("ok");
        let mut fast = KeyHasher::new("app::stats::mean", "0123abcd", "binary");
        fast.scalars_arg("doubles", &doubles);
        fast.scalars_arg("bytes", &bytes);
        let key = h.finish();
        assert_eq!(fast.finish(), key);
        assert_eq!(key.to_hex(), "4442bdb9f6b3ccedc431b0e8941c3981");
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
    /// `for_site` (what `#[persist]` calls) finds identities by address, and
    /// must give exactly `new`'s key whatever the thread remembers.
    #[test]
    fn site_identities_give_the_same_keys() {
        fn by_bytes(function: &str, code: &str, format: &str, v: &[u64]) -> Key {
            let mut h = KeyHasher::new(function, code, format);
            h.arg("v", v).expect("ok");
            h.finish()
        }
        fn by_site(function: &'static str, code: &'static str, format: &str, v: &[u64]) -> Key {
            let mut h = KeyHasher::for_site(function, code, format);
            h.arg("v", v).expect("ok");
            h.finish()
        }
        // The same text at another address, and a prefix of it.
        let leaked: &'static str = String::from("crate::site").leak();
        let short: &'static str = &leaked[..leaked.len() - 1];
        let long: &'static [u64] = vec![7u64; 3 * HASH_CHUNK].leak();
        let check = move || {
            for v in [&[][..], &[1, 2, 3][..], long] {
                for format in ["binary", "json", "cbor", "", "binaryx"] {
                    let expected = by_bytes("crate::site", "code", format, v);
                    assert_eq!(by_site("crate::site", "code", format, v), expected);
                    assert_eq!(by_site(leaked, "code", format, v), expected);
                    assert_eq!(by_site("crate::site", "code", format, v), expected);
                    assert_ne!(by_site(short, "code", format, v), expected);
                    assert_ne!(by_site("crate::site", "cod", format, v), expected);
                    assert_ne!(by_site("crate::site", "codf", format, v), expected);
                }
            }
        };
        std::thread::spawn(check).join().expect("a fresh thread");
        // Found again, not made anew on every call.
        let identities = std::thread::spawn(|| {
            for v in 0..10u64 {
                by_site("crate::site", "code", "binary", &[v]);
            }
            IDENTITIES.with(|ids| ids.borrow().len())
        });
        assert_eq!(identities.join().expect("a fresh thread"), 1);
        check();
        // With the thread's identities evicted by other functions in between.
        for i in 0..3 * IDENTITY_SLOTS {
            let name: &'static str = format!("crate::other{i}").leak();
            by_site(name, "code", "binary", &[1]);
        }
        check();
    }

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

    /// The little-endian bytes of `data`, number by number.
    fn le_of<E: Scalar>(data: &[E]) -> Vec<u8> {
        let width = std::mem::size_of::<E>();
        let mut out = vec![0u8; std::mem::size_of_val(data)];
        for (dst, number) in out.chunks_exact_mut(width).zip(data) {
            number.put_le(dst);
        }
        out
    }

    /// The stream of a run of `E`s, written out by hand: inline below the
    /// threshold, else the summary.
    fn expected_run<E: Scalar>(data: &[E]) -> Vec<u8> {
        let le = le_of(data);
        let width = std::mem::size_of::<E>();
        let mut out = Vec::new();
        if le.len() >= RUN_MIN_BYTES {
            out.extend([tag::RUN, E::TAG]);
            out.extend((data.len() as u64).to_le_bytes());
            out.extend(blake3::hash(&le).as_bytes());
        } else {
            for number in le.chunks_exact(width) {
                out.push(E::TAG);
                out.extend(number);
            }
        }
        out
    }

    fn stream<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
        let mut out = Vec::new();
        encode_alone(value, &mut out).expect("serializable");
        out
    }

    fn seq(body: &[&[u8]]) -> Vec<u8> {
        let mut out = vec![tag::SEQ];
        for part in body {
            out.extend(*part);
        }
        out.push(tag::END);
        out
    }

    /// The same value through the fast path.
    fn fast_stream<C: ScalarSlice + ?Sized>(value: &C) -> Vec<u8> {
        let mut out = Vec::new();
        match C::OPEN {
            Open::Seq => out.push(tag::SEQ),
            Open::Tuple => {
                out.push(tag::TUPLE);
                write_len(&mut out, value.scalars().len());
            }
        }
        write_scalars(&mut out, value.scalars());
        out.push(tag::END);
        out
    }

    /// Lengths around every boundary: the threshold for each width, the
    /// run buffer's piece, and large.
    const LENGTHS: &[usize] = &[
        0,
        1,
        2,
        63,
        64,
        65,
        127,
        128,
        129,
        255,
        256,
        257,
        511,
        512,
        513,
        1023,
        1024,
        1025,
        2048,
        RUN_PIECE - 1,
        RUN_PIECE,
        RUN_PIECE + 3,
        3 * RUN_PIECE + 17,
        100_000,
    ];

    macro_rules! for_each_scalar {
        ($check:ident) => {
            $check::<i8>(|i| i as i8);
            $check::<i16>(|i| (i as i16).wrapping_mul(-7));
            $check::<i32>(|i| (i as i32).wrapping_mul(-1_000_003));
            $check::<i64>(|i| (i as i64).wrapping_mul(-0x1E37_79B9_7F4A_7C15));
            $check::<i128>(|i| (i as i128) << 70 | i as i128);
            $check::<u8>(|i| (i * 31 % 251) as u8);
            $check::<u16>(|i| (i as u16).wrapping_mul(40_503));
            $check::<u32>(|i| (i as u32).wrapping_mul(2_654_435_761));
            $check::<u64>(|i| (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
            $check::<u128>(|i| (i as u128) << 64 | (i as u128).wrapping_mul(3));
            $check::<f32>(|i| if i % 7 == 3 { -0.0 } else { i as f32 * 0.75 });
            $check::<f64>(|i| match i % 11 {
                4 => f64::NAN,
                5 => f64::from_bits(0x7ff8_0000_0000_0001),
                6 => -0.0,
                _ => i as f64 * -1.25,
            });
        };
    }

    /// A `Vec` of each kind of number, through serde, is one run written by
    /// the rule (inline below `RUN_MIN_BYTES`, summary from it); the fast path
    /// writes the same bytes for every form it takes.
    #[test]
    fn runs_of_every_kind_and_length() {
        fn check<E: Scalar + Copy>(make: fn(usize) -> E) {
            for &n in LENGTHS {
                let data: Vec<E> = (0..n).map(make).collect();
                let expected = seq(&[&expected_run(&data)]);
                let name = std::any::type_name::<E>();
                assert_eq!(stream(&data), expected, "Vec<{name}> of {n}");
                assert_eq!(fast_stream(&data), expected, "fast Vec<{name}> of {n}");
                assert_eq!(fast_stream(&data[..]), expected, "fast [{name}] of {n}");
                assert_eq!(fast_stream(&&data), expected, "fast &Vec<{name}> of {n}");
                let boxed: Box<[E]> = data.clone().into();
                assert_eq!(stream(&boxed), expected, "Box<[{name}]> of {n}");
                assert_eq!(fast_stream(&boxed), expected, "fast Box<[{name}]> of {n}");
                let cow = std::borrow::Cow::Borrowed(&data[..]);
                assert_eq!(stream(&cow), expected, "Cow<[{name}]> of {n}");
                assert_eq!(fast_stream(&cow), expected, "fast Cow<[{name}]> of {n}");
            }
            // Arrays (serde has them up to 32 elements): a tuple of the numbers.
            let a0: [E; 0] = [];
            assert_eq!(stream(&a0), fast_stream(&a0));
            let a3: [E; 3] = std::array::from_fn(make);
            assert_eq!(stream(&a3), fast_stream(&a3));
            let a32: [E; 32] = std::array::from_fn(make);
            let mut expected = vec![tag::TUPLE];
            expected.extend(32u64.to_le_bytes());
            expected.extend(expected_run(&a32));
            expected.push(tag::END);
            assert_eq!(stream(&a32), expected);
            assert_eq!(fast_stream(&a32), expected);
            assert_eq!(fast_stream(&&a32), expected);
        }
        for_each_scalar!(check);
    }

    /// The conversion used on big-endian targets gives the bytes the cast
    /// gives on this one, in pieces that split no number.
    #[test]
    fn converted_pieces_match_memory() {
        fn check<E: Scalar + Copy>(make: fn(usize) -> E) {
            for &n in LENGTHS {
                let data: Vec<E> = (0..n).map(make).collect();
                let mut converted = Vec::new();
                le_pieces_converted(&data, |piece| {
                    assert!(piece.len() <= RUN_PIECE);
                    assert_eq!(piece.len() % std::mem::size_of::<E>(), 0);
                    converted.extend_from_slice(piece);
                });
                assert_eq!(converted, le_of(&data));
                let mut direct = Vec::new();
                le_pieces(&data, |piece| direct.extend_from_slice(piece));
                assert_eq!(direct, converted);
            }
        }
        for_each_scalar!(check);
    }

    /// One number of any kind or a non-number, serialized as a bare element
    /// (no enum wrapper), to build sequences that mix kinds.
    #[derive(Clone, Debug)]
    enum Item {
        U8(u8),
        I8(i8),
        U16(u16),
        U64(u64),
        F64(f64),
        Bool(bool),
        Char(char),
        Str(String),
        Nested(Vec<u8>),
        Some(f64),
    }

    impl Serialize for Item {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match self {
                Item::U8(v) => v.serialize(s),
                Item::I8(v) => v.serialize(s),
                Item::U16(v) => v.serialize(s),
                Item::U64(v) => v.serialize(s),
                Item::F64(v) => v.serialize(s),
                Item::Bool(v) => v.serialize(s),
                Item::Char(v) => v.serialize(s),
                Item::Str(v) => v.serialize(s),
                Item::Nested(v) => v.serialize(s),
                Item::Some(v) => Some(v).serialize(s),
            }
        }
    }

    /// The stream of a sequence of items, from the rule: maximal runs of one
    /// kind of number grouped, everything else as it always was.
    fn model(items: &[Item]) -> Vec<u8> {
        fn run_of(items: &[Item]) -> Vec<u8> {
            match items[0] {
                Item::U8(_) => expected_run(&collect(items, |i| match i {
                    Item::U8(v) => Some(*v),
                    _ => None,
                })),
                Item::I8(_) => expected_run(&collect(items, |i| match i {
                    Item::I8(v) => Some(*v),
                    _ => None,
                })),
                Item::U16(_) => expected_run(&collect(items, |i| match i {
                    Item::U16(v) => Some(*v),
                    _ => None,
                })),
                Item::U64(_) => expected_run(&collect(items, |i| match i {
                    Item::U64(v) => Some(*v),
                    _ => None,
                })),
                Item::F64(_) => expected_run(&collect(items, |i| match i {
                    Item::F64(v) => Some(*v),
                    _ => None,
                })),
                _ => unreachable!("not a number"),
            }
        }
        fn collect<E>(items: &[Item], f: impl Fn(&Item) -> Option<E>) -> Vec<E> {
            items.iter().map(|i| f(i).expect("one kind")).collect()
        }
        let kind = |i: &Item| match i {
            Item::U8(_) => Some(0),
            Item::I8(_) => Some(1),
            Item::U16(_) => Some(2),
            Item::U64(_) => Some(3),
            Item::F64(_) => Some(4),
            _ => None,
        };
        let mut out = vec![tag::SEQ];
        let mut at = 0;
        while at < items.len() {
            match kind(&items[at]) {
                Some(k) => {
                    let len = items[at..]
                        .iter()
                        .take_while(|i| kind(i) == Some(k))
                        .count();
                    out.extend(run_of(&items[at..at + len]));
                    at += len;
                }
                None => {
                    // Not a number: as written on its own (which, for a
                    // nested sequence, follows the rule inside it).
                    match &items[at] {
                        Item::Nested(v) => out.extend(seq(&[&expected_run(v)])),
                        other => out.extend(stream(other)),
                    }
                    at += 1;
                }
            }
        }
        out.push(tag::END);
        out
    }

    fn item_runs(spec: &[(u8, usize)]) -> Vec<Item> {
        let mut items = Vec::new();
        for (n, &(kind, len)) in spec.iter().enumerate() {
            for i in 0..len {
                let v = (i * 37 + n * 11) as u64;
                items.push(match kind {
                    0 => Item::U8(v as u8),
                    1 => Item::I8(v as i8),
                    2 => Item::U16(v as u16),
                    3 => Item::U64(v.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
                    4 => Item::F64(v as f64 / 3.0),
                    5 => Item::Bool(v.is_multiple_of(2)),
                    6 => Item::Char('é'),
                    7 => Item::Str(format!("s{v}")),
                    8 => Item::Nested(vec![v as u8; v as usize % 2000]),
                    _ => Item::Some(v as f64),
                });
            }
        }
        items
    }

    /// Runs split by another kind, by non-numbers, by nested sequences; just
    /// below, at and above the threshold; against the rule written out.
    #[test]
    fn mixed_sequences_follow_the_rule() {
        let cases: &[&[(u8, usize)]] = &[
            &[],
            &[(0, 1023), (0, 1)],
            &[(0, 1024), (1, 1024)],
            &[(0, 1023), (1, 1024), (0, 1025)],
            &[(4, 127), (3, 1), (4, 128), (3, 129)],
            &[(4, 200), (9, 1), (4, 200)],
            &[(4, 200), (5, 1), (4, 127)],
            &[(0, 3000), (6, 2), (0, 3000), (7, 1), (2, 512)],
            &[(0, 2048), (8, 3), (0, 10)],
            &[(2, 511), (2, 1), (0, 1023)],
            &[(3, RUN_PIECE / 8 + 1), (4, RUN_PIECE / 4 + 3)],
            &[(0, RUN_PIECE * 2 + 1), (1, 5), (0, RUN_PIECE)],
        ];
        for spec in cases {
            let items = item_runs(spec);
            assert_eq!(stream(&items), model(&items), "{spec:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// Random sequences of runs, lengths near every threshold: the
        /// serializer follows the rule, and two different sequences never
        /// give one stream.
        #[test]
        fn random_sequences_follow_the_rule(
            a in proptest::collection::vec((0u8..10, 0usize..1100), 0..6),
            b in proptest::collection::vec((0u8..10, 0usize..1100), 0..6),
        ) {
            let (a, b) = (item_runs(&a), item_runs(&b));
            let (sa, sb) = (stream(&a), stream(&b));
            proptest::prop_assert_eq!(&sa, &model(&a));
            proptest::prop_assert_eq!(&sb, &model(&b));
            // Different values (by their inline streams, which are injective
            // by construction) give different streams.
            let inline = |items: &[Item]| {
                items.iter().map(stream).collect::<Vec<_>>()
            };
            proptest::prop_assert_eq!(sa == sb, inline(&a) == inline(&b));
        }
    }

    /// Values that a careless run encoding could confuse.
    #[test]
    fn run_encoding_is_injective_on_hard_cases() {
        let ones = vec![1u8; 1024];
        let pairs: Vec<(Vec<u8>, Vec<u8>, &str)> = vec![
            (
                stream(&ones),
                stream(&vec![1i8; 1024]),
                "same bytes, other kind",
            ),
            (
                stream(&vec![1.5f64; 200]),
                stream(&vec![1.5f64.to_bits(); 200]),
                "f64 against u64 of the same bits",
            ),
            (stream(&ones), stream(&vec![1u8; 1025]), "one more"),
            (stream(&ones), stream(&vec![1u8; 1023]), "one less"),
            (stream(&vec![ones.clone()]), stream(&ones), "nested"),
            (
                stream(&(vec![1u8; 1024], vec![1u8; 1024])),
                stream(&(vec![1u8; 1000], vec![1u8; 1048])),
                "split elsewhere",
            ),
            (
                stream(&vec![0.0f64; 500]),
                stream(&{
                    let mut v = vec![0.0f64; 500];
                    v[321] = -0.0;
                    v
                }),
                "-0.0 inside a run",
            ),
            (
                stream(&vec![f64::NAN; 500]),
                stream(&vec![f64::from_bits(0x7ff8_0000_0000_0001); 500]),
                "NaN payloads",
            ),
            (
                stream(&vec![7u16; RUN_PIECE]),
                stream(&{
                    let mut v = vec![7u16; RUN_PIECE];
                    v[RUN_PIECE - 1] = 8;
                    v
                }),
                "last number of a long run",
            ),
        ];
        for (a, b, what) in pairs {
            assert_ne!(a, b, "{what}");
        }
        // Empty sequences of any kind are one stream (serde sees no element,
        // as before runs; a generic function's key has its types besides).
        assert_eq!(stream(&Vec::<u8>::new()), seq(&[]));
        assert_eq!(stream(&Vec::<f64>::new()), seq(&[]));
    }

    /// A run lives inside its compound: nested sequences, tuples with other
    /// fields, struct fields and map entries are written around it as before.
    #[test]
    fn runs_in_nested_values() {
        #[derive(Serialize)]
        struct Series {
            name: &'static str,
            points: Vec<f64>,
            scale: f64,
        }
        let points: Vec<f64> = (0..300).map(|i| f64::from(i) / 7.0).collect();
        let mut expected = vec![tag::STRUCT];
        write_str(&mut expected, "Series");
        expected.extend(3u64.to_le_bytes());
        for (field, value) in [
            ("name", stream("s")),
            ("points", seq(&[&expected_run(&points)])),
            ("scale", stream(&2.0f64)),
        ] {
            expected.push(tag::FIELD);
            write_str(&mut expected, field);
            expected.extend(value);
        }
        expected.push(tag::END);
        let series = Series {
            name: "s",
            points: points.clone(),
            scale: 2.0,
        };
        assert_eq!(stream(&series), expected);

        // Vec<Vec<u8>>: each inner vector is its own context.
        let nested = vec![vec![3u8; 2000], vec![], vec![4u8; 5]];
        assert_eq!(
            stream(&nested),
            seq(&[
                &seq(&[&expected_run(&nested[0])]),
                &seq(&[]),
                &seq(&[&expected_run(&nested[2])])
            ])
        );

        // A tuple: numbers of one kind among its fields form a run too.
        let tuple = (5u8, vec![1u32; 300], 6u8, 7u8, "x", 9u64);
        let mut expected = vec![tag::TUPLE];
        expected.extend(6u64.to_le_bytes());
        expected.extend([tag::U8, 5]);
        expected.extend(seq(&[&expected_run(&vec![1u32; 300])]));
        expected.extend([tag::U8, 6, tag::U8, 7]);
        expected.extend(stream("x"));
        expected.push(tag::U64);
        expected.extend(9u64.to_le_bytes());
        expected.push(tag::END);
        assert_eq!(stream(&tuple), expected);

        // A map's values: entries are encoded alone, each with its own runs.
        let map: BTreeMap<u8, Vec<i64>> = [(1, vec![-1i64; 128]), (2, vec![5; 3])].into();
        let mut entries: Vec<Vec<u8>> = map
            .iter()
            .map(|(k, v)| {
                let mut e = stream(k);
                e.extend(seq(&[&expected_run(v)]));
                e
            })
            .collect();
        entries.sort();
        let mut expected = vec![tag::MAP];
        expected.extend(2u64.to_le_bytes());
        for e in &entries {
            expected.extend((e.len() as u64).to_le_bytes());
            expected.extend(e);
        }
        assert_eq!(stream(&map), expected);

        // Options, newtypes and bools are not bare numbers: inline.
        let opts = vec![Some(1.0f64); 200];
        let one = stream(&Some(1.0f64));
        let parts: Vec<&[u8]> = (0..200).map(|_| &one[..]).collect();
        assert_eq!(stream(&opts), seq(&parts));
        let bools = vec![true; 2000];
        let one = stream(&true);
        let parts: Vec<&[u8]> = (0..2000).map(|_| &one[..]).collect();
        assert_eq!(stream(&bools), seq(&parts));
    }

    /// Hashing a key is deterministic however the thread's spare buffers
    /// and remembered identities stand, and a long run does not disturb the
    /// arguments after it.
    #[test]
    fn runs_are_deterministic() {
        let key = || {
            let mut h = KeyHasher::new("crate::runs", "hash", "binary");
            h.arg("a", &vec![2.5f64; 5000]).expect("ok");
            h.arg("b", &(vec![1u8; 3], 4u16)).expect("ok");
            h.arg("c", &vec![vec![9i32; 700]; 3]).expect("ok");
            h.finish()
        };
        let first = std::thread::spawn(key).join().expect("thread");
        assert_eq!(key(), first);
        assert_eq!(key(), first);
    }
}
