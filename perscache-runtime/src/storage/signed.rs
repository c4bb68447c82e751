//! Entries signed with a shared secret: the defence against a poisoned shared
//! folder or bucket.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::{BufMut, Bytes, BytesMut};

use super::{Blob, EntryInfo, Storage};
use crate::error::{Error, Result};

/// Marks a signed entry; the version is in the last byte (2: the write
/// time is signed; layout version 3).
const MAGIC: [u8; 4] = *b"PSG\x02";
/// The write time, in milliseconds since the Unix epoch, little-endian.
const TIME_LEN: usize = 8;
const TAG_LEN: usize = 32;
/// Bytes a signature adds in front of an entry: magic, time, tag.
const SIGNATURE_LEN: usize = MAGIC.len() + TIME_LEN + TAG_LEN;
/// Separates keys derived for this purpose from any other use of the secret.
const CONTEXT: &str = "perscache 2026-11 entry signature v2";

/// Wraps any [`Storage`] so that every entry carries a message authentication
/// code keyed with a shared secret, and entries without a valid one are
/// refused: whoever cannot sign cannot plant a value that a reader serves.
///
/// The code is BLAKE3 in keyed mode (a MAC with the role of HMAC, and
/// already a dependency), keyed by a key derived from the secret, over the
/// entry's path, its write time and its bytes. Binding the path means a
/// valid entry copied to another key's path is refused too; binding the
/// write time means an old entry copied back (or `touch`ed) keeps its age:
/// a read reports the signed time as the blob's write time, and time to
/// live is judged from it. A refused entry is a read error: the cache
/// warns, runs the function and overwrites it with a signed one.
///
/// What it does not cover: secrecy (entries are signed, not encrypted), and
/// replay within a time to live (an older signed value of the same key,
/// still fresh, can be put back).
///
/// It wraps any storage, as the size limit ([`SizeLimited`](crate::SizeLimited))
/// and the breaker ([`OutageBreaker`](crate::OutageBreaker)) do; a cache puts
/// it outermost, so it signs exactly what the cache writes.
///
/// [`CacheBuilder::secret`](crate::CacheBuilder::secret) and the
/// `PERSCACHE_SECRET` variable wrap a cache's storage in this; wrap a
/// function's own `storage = ...` yourself.
///
/// ```
/// # pollster::block_on(async {
/// use perscache::{MemoryStorage, SignedStorage, Storage};
///
/// let shared = MemoryStorage::new();
/// let alice = SignedStorage::new(shared.clone(), b"team secret");
/// let mallory = SignedStorage::new(shared.clone(), b"a guess");
/// alice.write("f/h/k.bin", "value".into()).await?;
/// let blob = alice.read("f/h/k.bin").await?.expect("alice just wrote this entry");
/// assert_eq!(&blob.bytes[..], b"value");
/// assert!(mallory.read("f/h/k.bin").await.is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct SignedStorage {
    inner: Arc<dyn Storage>,
    key: [u8; 32],
}

impl fmt::Debug for SignedStorage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the key.
        f.debug_struct("SignedStorage")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl SignedStorage {
    /// Signs entries of `inner` with `secret` (any length; use at least 16
    /// random bytes).
    pub fn new(inner: impl Storage, secret: impl AsRef<[u8]>) -> Self {
        Self::from_arc(Arc::new(inner), secret)
    }

    /// Signs entries of a shared storage.
    pub fn from_arc(inner: Arc<dyn Storage>, secret: impl AsRef<[u8]>) -> Self {
        SignedStorage {
            inner,
            key: blake3::derive_key(CONTEXT, secret.as_ref()),
        }
    }

    /// The wrapped storage.
    pub fn inner(&self) -> &Arc<dyn Storage> {
        &self.inner
    }

    fn tag(&self, path: &str, time: [u8; TIME_LEN], bytes: &[u8]) -> blake3::Hash {
        let mut mac = blake3::Hasher::new_keyed(&self.key);
        mac.update(&(path.len() as u64).to_le_bytes());
        mac.update(path.as_bytes());
        mac.update(&time);
        mac.update(bytes);
        mac.finalize()
    }

    /// The signed form of `bytes` stored at `path`, written at `now`.
    fn seal(&self, path: &str, bytes: &[u8], now: SystemTime) -> Bytes {
        let millis = now
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis().min(u128::from(u64::MAX)) as u64);
        let time = millis.to_le_bytes();
        let mut out = BytesMut::with_capacity(SIGNATURE_LEN + bytes.len());
        out.put_slice(&MAGIC);
        out.put_slice(&time);
        out.put_slice(self.tag(path, time, bytes).as_bytes());
        out.put_slice(bytes);
        out.freeze()
    }

    /// The entry inside a signed blob and its signed write time, or why it
    /// is refused.
    fn open(&self, path: &str, signed: &Bytes) -> Result<(Bytes, SystemTime), String> {
        if signed.len() < SIGNATURE_LEN || signed[..MAGIC.len()] != MAGIC {
            return Err(
                "not signed (written without the secret, or before layout version 3)".into(),
            );
        }
        let mut time = [0u8; TIME_LEN];
        time.copy_from_slice(&signed[MAGIC.len()..MAGIC.len() + TIME_LEN]);
        let mut tag = [0u8; TAG_LEN];
        tag.copy_from_slice(&signed[MAGIC.len() + TIME_LEN..SIGNATURE_LEN]);
        let entry = signed.slice(SIGNATURE_LEN..);
        // `blake3::Hash` compares in constant time.
        if self.tag(path, time, &entry) != blake3::Hash::from(tag) {
            return Err("bad signature (written with another secret, altered, or moved)".into());
        }
        let written = UNIX_EPOCH + Duration::from_millis(u64::from_le_bytes(time));
        Ok((entry, written))
    }

    /// A read blob, opened: its bytes and its signed write time.
    fn opened(&self, path: &str, blob: Option<Blob>) -> Result<Option<Blob>> {
        let Some(blob) = blob else {
            return Ok(None);
        };
        match self.open(path, &blob.bytes) {
            Ok((bytes, written)) => Ok(Some(Blob::new(bytes, written))),
            Err(reason) => Err(Error::Corrupt {
                path: path.to_owned(),
                reason,
            }),
        }
    }
}

#[async_trait::async_trait]
impl Storage for SignedStorage {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    async fn read(&self, path: &str) -> Result<Option<Blob>> {
        let blob = self.inner.read(path).await?;
        self.opened(path, blob)
    }

    async fn read_at_most(&self, path: &str, max: u64) -> Result<Option<Blob>> {
        let limit = max.saturating_add(SIGNATURE_LEN as u64);
        let blob = match self.inner.read_at_most(path, limit).await {
            Err(Error::TooLarge { path, size, .. }) => {
                return Err(Error::TooLarge {
                    path,
                    size: size.saturating_sub(SIGNATURE_LEN as u64),
                    max,
                })
            }
            other => other?,
        };
        self.opened(path, blob)
    }

    async fn write(&self, path: &str, bytes: Bytes) -> Result<()> {
        let signed = self.seal(path, &bytes, SystemTime::now());
        self.inner.write(path, signed).await
    }

    async fn delete(&self, path: &str) -> Result<()> {
        self.inner.delete(path).await
    }

    async fn try_lease(&self, path: &str, ttl: Duration) -> Result<bool> {
        // A lease carries nothing to trust: one planted by someone without
        // the secret costs the others a wait of at most `ttl`.
        self.inner.try_lease(path, ttl).await
    }

    async fn list(&self, prefix: &str) -> Result<Vec<EntryInfo>> {
        // Sizes as written by the cache, like every other backend reports.
        let mut list = self.inner.list(prefix).await?;
        for info in &mut list {
            info.size = info.size.saturating_sub(SIGNATURE_LEN as u64);
        }
        Ok(list)
    }

    async fn head(&self, path: &str) -> Result<Option<EntryInfo>> {
        let mut info = self.inner.head(path).await?;
        if let Some(info) = &mut info {
            info.size = info.size.saturating_sub(SIGNATURE_LEN as u64);
        }
        Ok(info)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryStorage;

    #[test]
    fn refuses_unsigned_altered_moved_and_foreign_entries() {
        pollster::block_on(async {
            let shared = MemoryStorage::new();
            let signed = SignedStorage::new(shared.clone(), b"secret");
            signed
                .write("a/h/1.bin", Bytes::from_static(b"one"))
                .await
                .expect("write");
            let blob = signed.read("a/h/1.bin").await.expect("read").expect("some");
            assert_eq!(&blob.bytes[..], b"one");

            // Unsigned, written straight to the shared storage.
            shared
                .write("a/h/2.bin", Bytes::from_static(b"planted"))
                .await
                .expect("write");
            assert!(signed.read("a/h/2.bin").await.is_err());
            // Moved to another key.
            let raw = shared.read("a/h/1.bin").await.expect("read").expect("some");
            shared
                .write("a/h/3.bin", raw.bytes.clone())
                .await
                .expect("write");
            assert!(signed.read("a/h/3.bin").await.is_err());
            // Every bit flip.
            for bit in 0..raw.bytes.len() * 8 {
                let mut bad = raw.bytes.to_vec();
                bad[bit / 8] ^= 1 << (bit % 8);
                shared
                    .write("a/h/4.bin", Bytes::from(bad))
                    .await
                    .expect("write");
                assert!(signed.read("a/h/4.bin").await.is_err(), "bit {bit}");
            }
            // Another secret.
            let other = SignedStorage::new(shared.clone(), b"other");
            assert!(other.read("a/h/1.bin").await.is_err());
            assert!(!format!("{signed:?}").contains("secret"));
        });
    }

    #[test]
    fn the_write_time_is_signed_and_judged() {
        use crate::entry::{read, Deadline, Framing};
        use crate::Json;
        pollster::block_on(async {
            let shared = MemoryStorage::new();
            let signed = SignedStorage::new(shared.clone(), b"secret");
            let hour = Duration::from_secs(3600);
            let ttl = Deadline::for_ttl(Some(hour));
            let framing = Framing::of(&Json);
            let path = "a/h/1.json";
            // Signed two hours ago, copied back just now (the storage's own
            // write time is now, as after `cp` or `touch`): expired.
            let old = signed.seal(path, b"1", SystemTime::now() - 2 * hour);
            shared.write(path, old).await.expect("write");
            let blob = signed.read(path).await.expect("read").expect("some");
            assert!(blob.modified < SystemTime::now() - hour);
            assert!(read(&signed, path, u64::MAX, ttl, framing)
                .await
                .expect("read")
                .is_none());
            // Signed in the future: expired too.
            let future = signed.seal(path, b"1", SystemTime::now() + 24 * hour);
            shared.write(path, future).await.expect("write");
            assert!(read(&signed, path, u64::MAX, ttl, framing)
                .await
                .expect("read")
                .is_none());
            // A time changed by hand breaks the signature.
            let mut moved = signed.seal(path, b"1", SystemTime::now()).to_vec();
            moved[MAGIC.len()] ^= 1;
            shared.write(path, moved.into()).await.expect("write");
            assert!(signed.read(path).await.is_err());
            // Written now: fresh.
            signed
                .write(path, Bytes::from_static(b"1"))
                .await
                .expect("write");
            assert!(read(&signed, path, u64::MAX, ttl, framing)
                .await
                .expect("read")
                .is_some());
        });
    }
}
