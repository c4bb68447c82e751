//! Where a key's stream goes: BLAKE3 keyed with the function's identity,
//! with small writes batched and large ones handed to it in whole, aligned
//! pieces.

use super::stream::Sink;

/// Batches small writes: BLAKE3 is fastest on large updates, and a key is
/// mostly made of small scalars. A small key (the common case: a few numbers
/// and strings) stays in the buffer and is hashed in one call at the end;
/// the 2 kB incremental hasher is only made, boxed, when a large argument
/// outgrows the buffer.
pub(super) struct HashSink {
    /// The identity's key (`identity_key`).
    key: [u8; 32],
    /// Bytes of the stream not hashed yet (while `hasher` is `None`, the
    /// whole stream).
    buf: Vec<u8>,
    hasher: Option<Box<blake3::Hasher>>,
    /// Bytes given to `hasher` so far.
    hashed: u64,
}

pub(super) const HASH_CHUNK: usize = 16 * 1024;

impl HashSink {
    pub(super) fn new(key: [u8; 32]) -> Self {
        HashSink {
            key,
            buf: Vec::with_capacity(256),
            hasher: None,
            hashed: 0,
        }
    }

    /// Hashes the whole buffer.
    fn flush(&mut self) {
        keyed(&mut self.hasher, &self.key).update(&self.buf);
        self.hashed += self.buf.len() as u64;
        self.buf.clear();
    }

    /// Hashes the buffer up to the last multiple of [`HASH_CHUNK`] of the
    /// whole stream and keeps the rest, so that every update is whole,
    /// aligned subtrees of BLAKE3 chunks, which BLAKE3 hashes with its widest
    /// SIMD. (An update that starts or ends inside a chunk hashes that chunk a
    /// block at a time: unaligned, a `Vec<f64>` hashed at a third of the speed.)
    fn flush_aligned(&mut self) {
        let offset = (self.hashed % HASH_CHUNK as u64) as usize;
        let whole = (offset + self.buf.len()) / HASH_CHUNK * HASH_CHUNK;
        if whole > offset {
            let n = whole - offset;
            keyed(&mut self.hasher, &self.key).update(&self.buf[..n]);
            self.hashed += n as u64;
            // Less than a chunk is left after the first flush of a key,
            // and a few bytes after the next ones.
            self.buf.drain(..n);
        }
    }

    /// The digest of the whole stream.
    pub(super) fn digest(mut self) -> [u8; 32] {
        match &mut self.hasher {
            Some(h) => {
                h.update(&self.buf);
                *h.finalize().as_bytes()
            }
            None => *blake3::keyed_hash(&self.key, &self.buf).as_bytes(),
        }
    }
}

/// The incremental hasher in `slot`, made keyed with `key` on first use.
fn keyed<'a>(slot: &'a mut Option<Box<blake3::Hasher>>, key: &[u8; 32]) -> &'a mut blake3::Hasher {
    slot.get_or_insert_with(|| Box::new(blake3::Hasher::new_keyed(key)))
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
