//! Where a key's stream goes: BLAKE3 keyed with the function's identity,
//! with small writes batched and large ones handed to it in whole, aligned
//! pieces.

use std::sync::OnceLock;

use super::stream::Sink;
use super::Key;

/// Bytes of the identity key at the start of every buffer.
const IDENTITY: usize = 32;

/// A key's buffer's first allocation: most keys fit.
const INITIAL: usize = 256;

/// Streams up to this size (the identity included) are kept whole in a
/// [`CallKey`], so that the memory tier can match them exactly instead of
/// hashing them. Longer ones are hashed at once: beyond one BLAKE3 chunk,
/// comparing them would cost more than hashing does.
const EXACT_MAX: usize = 1024;

/// Marks a [`CallKey`]'s memory bytes as the identity and a digest rather
/// than a stream: no tag of the stream is 0 (`stream.rs`).
const DIGESTED: u8 = 0;

/// Batches small writes: BLAKE3 is fastest on large updates, and a key is
/// mostly made of small scalars. A small key (the common case: a few numbers
/// and strings) stays in the buffer and is hashed in one call at the end,
/// if at all (see [`CallKey`]); the 2 kB incremental hasher is only made,
/// boxed, when a large argument outgrows the buffer.
pub(super) struct HashSink {
    /// The identity key (`identity_key`), then the bytes of the stream not
    /// hashed yet (while `hasher` is `None`, the whole stream): a short
    /// key's buffer is its exact memory key as it stands.
    buf: Vec<u8>,
    hasher: Option<Box<blake3::Hasher>>,
    /// Bytes of the stream given to `hasher` so far.
    hashed: u64,
}

pub(super) const HASH_CHUNK: usize = 16 * 1024;

impl HashSink {
    pub(super) fn new(key: [u8; 32]) -> Self {
        HashSink {
            buf: {
                let mut buf = Vec::with_capacity(INITIAL);
                buf.extend_from_slice(&key);
                buf
            },
            hasher: None,
            hashed: 0,
        }
    }

    /// The stream's bytes not hashed yet.
    fn pending(&self) -> &[u8] {
        &self.buf[IDENTITY..]
    }

    /// Hashes the whole buffer.
    fn flush(&mut self) {
        keyed(&mut self.hasher, &self.buf).update(&self.buf[IDENTITY..]);
        self.hashed += (self.buf.len() - IDENTITY) as u64;
        self.buf.truncate(IDENTITY);
    }

    /// Hashes the buffer up to the last multiple of [`HASH_CHUNK`] of the
    /// whole stream and keeps the rest, so that every update is whole,
    /// aligned subtrees of BLAKE3 chunks, which BLAKE3 hashes with its widest
    /// SIMD. (An update that starts or ends inside a chunk hashes that chunk a
    /// block at a time: unaligned, a `Vec<f64>` hashed at a third of the speed.)
    fn flush_aligned(&mut self) {
        let offset = (self.hashed % HASH_CHUNK as u64) as usize;
        let whole = (offset + self.pending().len()) / HASH_CHUNK * HASH_CHUNK;
        if whole > offset {
            let n = whole - offset;
            keyed(&mut self.hasher, &self.buf).update(&self.buf[IDENTITY..IDENTITY + n]);
            self.hashed += n as u64;
            // Less than a chunk is left after the first flush of a key,
            // and a few bytes after the next ones.
            self.buf.drain(IDENTITY..IDENTITY + n);
        }
    }

    /// The finished key: the stream itself when it is short, else its
    /// digest.
    pub(super) fn finish(mut self) -> CallKey {
        if self.hasher.is_none() && self.buf.len() <= EXACT_MAX {
            return CallKey {
                memory: self.buf,
                digest: OnceLock::new(),
            };
        }
        let digest = match &mut self.hasher {
            Some(h) => {
                h.update(&self.buf[IDENTITY..]);
                Key(*h.finalize().as_bytes())
            }
            None => digest_of(&self.buf),
        };
        let mut memory = Vec::with_capacity(IDENTITY + 1 + 32);
        memory.extend_from_slice(&self.buf[..IDENTITY]);
        memory.push(DIGESTED);
        memory.extend_from_slice(digest.as_bytes());
        CallKey {
            memory,
            digest: OnceLock::from(digest),
        }
    }
}

impl Sink for HashSink {
    // Inlined: a key is mostly puts of a few bytes each.
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        if bytes.len() >= HASH_CHUNK {
            self.flush();
            keyed(&mut self.hasher, &self.buf).update(bytes);
            self.hashed += bytes.len() as u64;
        } else {
            self.buf.extend_from_slice(bytes);
            if self.pending().len() >= 2 * HASH_CHUNK {
                self.flush_aligned();
            }
        }
    }
}

/// The incremental hasher in `slot`, made keyed with the identity at the
/// start of `buf` on first use.
fn keyed<'a>(slot: &'a mut Option<Box<blake3::Hasher>>, buf: &[u8]) -> &'a mut blake3::Hasher {
    slot.get_or_insert_with(|| Box::new(blake3::Hasher::new_keyed(&identity(buf))))
}

/// The identity key at the start of a buffer.
fn identity(buf: &[u8]) -> [u8; 32] {
    let mut key = [0; IDENTITY];
    key.copy_from_slice(&buf[..IDENTITY]);
    key
}

/// The key of a whole stream held in `buf` (after its identity).
fn digest_of(buf: &[u8]) -> Key {
    Key(*blake3::keyed_hash(&identity(buf), &buf[IDENTITY..]).as_bytes())
}

/// One call's key, as the call needs it: exact bytes for the memory tier
/// (the identity and the argument stream, when short), and the digest that
/// names the entry in storage, computed when first asked for. A hit in the
/// memory tier never hashes: equal streams are the same key, and an exact
/// match on the stream is as sound as a match on its digest.
#[doc(hidden)]
pub struct CallKey {
    /// The identity key, then the stream, or [`DIGESTED`] and the digest.
    memory: Vec<u8>,
    digest: OnceLock<Key>,
}

impl CallKey {
    /// The digest that names the entry.
    pub fn digest(&self) -> Key {
        *self.digest.get_or_init(|| digest_of(&self.memory))
    }

    /// The bytes the memory tier knows the entry by.
    pub(crate) fn memory(&self) -> &[u8] {
        &self.memory
    }
}

impl std::fmt::Debug for CallKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("CallKey").field(&self.digest()).finish()
    }
}
