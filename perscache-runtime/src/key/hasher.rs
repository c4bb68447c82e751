//! Where a key's stream goes: BLAKE3, with small writes batched and whole
//! aligned pieces handed to it, and the identity's hasher state resumed from
//! the thread's memo.

use super::memo::{self, SiteIdentity};
use super::stream::Sink;

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
pub(super) struct HashSink {
    /// Bytes of the stream not hashed yet. While `hasher` is `None`, this is
    /// the whole stream, whose first `prefix_len` bytes are the identity
    /// (with `site`, its part after the code hash: the format's name).
    buf: Vec<u8>,
    prefix_len: usize,
    /// The start of the identity, when it is a `#[persist]` site's.
    pub(super) site: Option<SiteIdentity>,
    hasher: Option<Box<blake3::Hasher>>,
    /// Bytes given to `hasher` so far.
    hashed: u64,
}

pub(super) const HASH_CHUNK: usize = 16 * 1024;

impl HashSink {
    pub(super) fn new() -> Self {
        let mut buf = memo::take_stream_buffer();
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
    pub(super) fn end_prefix(&mut self) {
        if self.hasher.is_none() {
            self.prefix_len = self.buf.len();
        }
    }

    /// Makes the hasher on first use, from the identity at the start of the
    /// buffer, which then leaves the buffer.
    fn ensure_hasher(&mut self) {
        if self.hasher.is_none() {
            let (h, hashed) = memo::prefix_state(self.site, &self.buf[..self.prefix_len]);
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
    pub(super) fn digest(mut self) -> [u8; 32] {
        let hash = match &mut self.hasher {
            Some(h) => {
                h.update(&self.buf);
                *h.finalize().as_bytes()
            }
            None => memo::digest_of(
                self.site,
                &self.buf[..self.prefix_len],
                &self.buf[self.prefix_len..],
            ),
        };
        // Keep the buffer for the thread's next key, unless a large argument
        // made it large.
        if self.buf.capacity() <= 4 * HASH_CHUNK {
            let buf = std::mem::take(&mut self.buf);
            memo::keep_stream_buffer(buf);
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
