//! Storage: where entries live, as a plain blob store.
//!
//! A [`Storage`] keeps byte blobs under relative, `/`-separated paths, with
//! their write times. It knows nothing of keys, formats, layouts or time to
//! live (the entry layer above it does), so any format goes with any storage.
//!
//! What a cache needs beyond that comes as wrappers that compose over any
//! backend, in the manner of `object_store`'s `LimitStore`:
//!
//! - [`SizeLimited`] (`limit.rs`): `max_size`, with least-recently-used
//!   eviction of entries (and only entries);
//! - [`OutageBreaker`] (`breaker.rs`): skips a storage for a few seconds
//!   after a slow failure;
//! - [`SignedStorage`] (`signed.rs`): signs every blob with a shared secret
//!   and refuses blobs without a valid signature;
//! - `LocalTier` (`local_tier.rs`): a local folder in front of shared storage.
//!
//! [`compose`] stacks them in the one order a cache uses.
//!
//! Methods are `async` (through [`async_trait`](crate::async_trait)), so that
//! remote backends never block an async caller's runtime; the cache drives
//! them from sync functions with a small executor of its own. A backend that
//! needs a runtime (tokio for HTTP clients) must therefore run its I/O on one it
//! owns, so that its futures complete on any executor.

mod breaker;
mod limit;
mod local;
pub(crate) mod local_tier;
mod memory;
mod signed;
// Remote backends, each behind its cargo feature (docs/storage.md).
#[cfg(any(feature = "s3", feature = "gcs", feature = "azure"))]
mod object;
#[cfg(feature = "packed")]
mod packed;
#[cfg(feature = "redis")]
mod redis;
#[cfg(any(feature = "s3", feature = "gcs", feature = "azure", feature = "redis"))]
mod remote;
#[cfg(any(feature = "s3", feature = "gcs", feature = "azure"))]
pub use object::{ObjectStorage, ObjectStorageBuilder};
#[cfg(feature = "packed")]
pub use packed::{PackedStorage, PackedStorageBuilder};
#[cfg(feature = "redis")]
pub use redis::{RedisStorage, RedisStorageBuilder};

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;

pub use breaker::OutageBreaker;
pub use limit::SizeLimited;
pub use local::{LocalStorage, LocalStorageBuilder};
pub use memory::MemoryStorage;
pub use signed::SignedStorage;

use crate::error::{Error, Result};

/// Opens the storage a URL names: `file:///abs/path` (local files),
/// `memory://` (this process only), and with their cargo features
/// `s3://bucket/prefix`, `gs://bucket/prefix`, `az://container/prefix`
/// (credentials, endpoint and Azure account from the environment, see
/// `ObjectStorage`) and
/// `redis://[:password@]host[:port][/db][?prefix=p:]`, and
/// `packed:///abs/path[?map_size=64GiB&sync=true]` (one database file for
/// many small results, see `PackedStorage`). The backend comes
/// behind an [`OutageBreaker`], and behind a [`SizeLimited`] when `max_size`
/// is given. Any of them can have a local folder in front
/// ([`CacheBuilder::local_tier`](crate::CacheBuilder::local_tier)) with the
/// query parameters `local_tier` and `local_tier_size` (default 1 GiB):
/// `s3://team-cache/ci?local_tier=/var/tmp/tier&local_tier_size=2GiB`.
///
/// ```
/// let storage = perscache::open_url("memory://", None)?;
/// assert_eq!(storage.name(), "memory");
/// let err = perscache::open_url("ftp://example", None).unwrap_err();
/// assert!(err.to_string().contains("ftp"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn open_url(url: &str, max_size: Option<u64>) -> Result<Arc<dyn Storage>> {
    let (url, tier) = local_tier::split_url(url)?;
    let tier = tier.map(|(dir, max)| local_tier::open(dir, max));
    Ok(compose(open_backend(&url)?, max_size, tier, None))
}

/// The local folder a `file://` URL names (`None` for any other URL), as
/// [`open_url`] reads it.
///
/// ```
/// let dir = perscache::local_folder("file:///var/cache/my%20app").expect("a file URL");
/// assert!(dir.ends_with("my app"));
/// assert!(perscache::local_folder("memory://").is_none());
/// ```
pub fn local_folder(url: &str) -> Option<std::path::PathBuf> {
    let parsed = url::Url::parse(url).ok()?;
    if parsed.scheme() != "file" {
        return None;
    }
    parsed.to_file_path().ok()
}

/// Stacks the wrappers over `backend` in the one order a cache uses:
/// the breaker innermost, so every request (the size limit's listings and
/// evictions too) skips a storage that just failed slowly; the size limit
/// next, so it counts the bytes the backend holds; the local tier in front
/// of that; signing outermost, so it signs what the cache writes to either.
pub(crate) fn compose(
    backend: Arc<dyn Storage>,
    max_size: Option<u64>,
    local_tier: Option<Arc<dyn Storage>>,
    secret: Option<&[u8]>,
) -> Arc<dyn Storage> {
    let mut storage: Arc<dyn Storage> = Arc::new(OutageBreaker::from_arc(backend));
    if let Some(max) = max_size {
        storage = Arc::new(SizeLimited::from_arc(storage, max));
    }
    if let Some(local) = local_tier {
        storage = Arc::new(local_tier::LocalTier::new(local, storage));
    }
    if let Some(secret) = secret {
        storage = Arc::new(SignedStorage::from_arc(storage, secret));
    }
    storage
}

/// The backend a URL names, with no wrapper.
pub(crate) fn open_backend(url: &str) -> Result<Arc<dyn Storage>> {
    let shown = crate::redact_url(url);
    let parsed =
        url::Url::parse(url).map_err(|e| Error::Config(format!("storage URL `{shown}`: {e}")))?;
    match parsed.scheme() {
        "file" => {
            let path = parsed
                .to_file_path()
                .map_err(|()| Error::Config(format!("storage URL `{shown}` is not a local path")))?;
            Ok(Arc::new(LocalStorage::new(path)))
        }
        "memory" => Ok(Arc::new(MemoryStorage::new())),
        #[cfg(feature = "packed")]
        "packed" => Ok(Arc::new(PackedStorage::from_url(&parsed)?)),
        #[cfg(not(feature = "packed"))]
        "packed" => Err(Error::Config(
            "storage URL `packed://…` needs perscache's `packed` feature".into(),
        )),
        "s3" | "gs" | "az" | "redis" => open_remote_url(url, &parsed),
        other => Err(Error::Config(format!(
            "storage URL `{shown}`: unsupported scheme `{other}` (supported: file, memory, packed, s3, gs, az, redis)"
        ))),
    }
}

/// `s3://bucket/prefix`, `gs://bucket/prefix`, `az://container/prefix`
/// (credentials, endpoint and the Azure account come from the environment)
/// and `redis://…`: each needs its cargo feature, and says so when it is off.
#[allow(unused_variables)]
fn open_remote_url(url: &str, parsed: &url::Url) -> Result<Arc<dyn Storage>> {
    match parsed.scheme() {
        #[cfg(feature = "redis")]
        "redis" => Ok(Arc::new(RedisStorage::builder(url).build()?)),
        #[cfg(feature = "s3")]
        "s3" => open_object_url(ObjectStorage::s3, parsed),
        #[cfg(feature = "gcs")]
        "gs" => open_object_url(ObjectStorage::gcs, parsed),
        #[cfg(feature = "azure")]
        "az" => open_object_url(ObjectStorage::azure, parsed),
        other => {
            let feature = match other {
                "gs" => "gcs",
                "az" => "azure",
                _ => other,
            };
            Err(Error::Config(format!(
                "storage URL `{other}://…` needs perscache's `{feature}` feature"
            )))
        }
    }
}

#[cfg(any(feature = "s3", feature = "gcs", feature = "azure"))]
fn open_object_url(
    make: fn(&str) -> ObjectStorageBuilder,
    parsed: &url::Url,
) -> Result<Arc<dyn Storage>> {
    let scheme = parsed.scheme();
    let bucket = parsed.host_str().unwrap_or_default();
    if bucket.is_empty() {
        return Err(Error::Config(format!(
            "storage URL `{scheme}://…` names no bucket"
        )));
    }
    if parsed.password().is_some() || !parsed.username().is_empty() {
        return Err(Error::Config(format!(
            "storage URL `{scheme}://{bucket}/…`: put credentials in the environment, not in the URL"
        )));
    }
    Ok(Arc::new(make(bucket).prefix(parsed.path()).build()?))
}

/// A blob's bytes, as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Blob {
    /// The bytes written.
    pub bytes: Bytes,
    /// When they were written: the start of an entry's time to live.
    pub modified: SystemTime,
}

impl Blob {
    /// A blob's bytes and write time.
    pub fn new(bytes: impl Into<Bytes>, modified: SystemTime) -> Self {
        Blob {
            bytes: bytes.into(),
            modified,
        }
    }
}

/// What a listing says of one stored blob.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EntryInfo {
    /// The blob's path inside the storage.
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// When it was written.
    pub modified: SystemTime,
    /// When it was last read, where the backend records it.
    pub accessed: Option<SystemTime>,
}

impl EntryInfo {
    /// Describes a blob.
    pub fn new(
        path: impl Into<String>,
        size: u64,
        modified: SystemTime,
        accessed: Option<SystemTime>,
    ) -> Self {
        EntryInfo {
            path: path.into(),
            size,
            modified,
            accessed,
        }
    }

    /// The later of its write and last-read times: its last use.
    pub fn last_use(&self) -> SystemTime {
        self.accessed
            .map_or(self.modified, |a| a.max(self.modified))
    }
}

/// A place to keep entries: local files, memory, a bucket, a Redis server, your own.
///
/// A plain blob store: bytes under relative, `/`-separated paths, each with
/// its write time. Errors are returned, never panicked; the cache turns them
/// into a warning and a call of the function. Implement it with
/// [`#[perscache::async_trait]`](crate::async_trait):
///
/// ```
/// use std::collections::HashMap;
/// use std::sync::Mutex;
/// use std::time::SystemTime;
/// use perscache::{async_trait, Blob, Bytes, EntryInfo, Storage};
///
/// #[derive(Debug, Default)]
/// struct MapStorage(Mutex<HashMap<String, (Bytes, SystemTime)>>);
///
/// // A lock is poisoned only if a thread panicked while holding it, and no
/// // code below can panic with the map locked.
/// const POISON: &str = "the map's lock is never held across a panic";
///
/// #[async_trait]
/// impl Storage for MapStorage {
///     fn name(&self) -> &'static str { "map" }
///
///     async fn read(&self, path: &str) -> perscache::Result<Option<Blob>> {
///         let map = self.0.lock().expect(POISON);
///         Ok(map.get(path).map(|(bytes, at)| Blob::new(bytes.clone(), *at)))
///     }
///     async fn write(&self, path: &str, bytes: Bytes) -> perscache::Result<()> {
///         self.0.lock().expect(POISON).insert(path.to_owned(), (bytes, SystemTime::now()));
///         Ok(())
///     }
///     async fn delete(&self, path: &str) -> perscache::Result<()> {
///         self.0.lock().expect(POISON).remove(path);
///         Ok(())
///     }
///     async fn list(&self, prefix: &str) -> perscache::Result<Vec<EntryInfo>> {
///         let map = self.0.lock().expect(POISON);
///         Ok(map.iter()
///             .filter(|(p, _)| p.starts_with(prefix))
///             .map(|(p, (b, at))| EntryInfo::new(p.clone(), b.len() as u64, *at, None))
///             .collect())
///     }
/// }
///
/// let cache = perscache::Cache::builder().storage(MapStorage::default()).build();
/// # let _ = cache;
/// ```
#[async_trait::async_trait]
pub trait Storage: Send + Sync + fmt::Debug + 'static {
    /// A short name for messages, such as `"local"` or `"s3"`.
    fn name(&self) -> &'static str;

    /// Reads the blob at `path`, with its write time; `Ok(None)` when there
    /// is none. (Whether an entry is still fresh is the cache's decision.)
    async fn read(&self, path: &str) -> Result<Option<Blob>>;

    /// Reads the blob at `path` only when it holds at most `max` bytes: a
    /// larger one is an [`Error::TooLarge`], and its bytes are not read.
    /// What the cache calls on a hit, so that a huge blob planted in a
    /// shared storage costs a request, not the reader's memory. The
    /// default reads, then checks, which protects the decoder but not the
    /// download: a backend that can learn the size first overrides it (the
    /// built-in ones do: a file's length on the open handle, an object's
    /// `HEAD`, Redis's `STRLEN`). It is not done here with
    /// [`head`](Self::head), whose default lists.
    async fn read_at_most(&self, path: &str, max: u64) -> Result<Option<Blob>> {
        let blob = self.read(path).await?;
        match blob {
            Some(blob) if blob.bytes.len() as u64 > max => {
                Err(too_large(path, blob.bytes.len() as u64, max))
            }
            blob => Ok(blob),
        }
    }

    /// Writes the blob at `path`, replacing any old one. Readers must see the
    /// old bytes or the new ones, never a mix.
    async fn write(&self, path: &str, bytes: Bytes) -> Result<()>;

    /// Writes a copy of a blob read from another storage with the write time
    /// it had there (`modified`), so that the copy expires when the original
    /// does; `Ok(false)` when the storage cannot set a write time, and then
    /// it stores nothing. A local tier
    /// ([`CacheBuilder::local_tier`](crate::CacheBuilder::local_tier)) copies
    /// what it reads from shared storage with it. The default stores nothing;
    /// [`LocalStorage`] keeps the time as the file's modification time.
    async fn write_copy(&self, path: &str, bytes: Bytes, modified: SystemTime) -> Result<bool> {
        let _ = (path, bytes, modified);
        Ok(false)
    }

    /// Takes the lease at `path` unless another holder's lease there is
    /// younger than `ttl`; `Ok(true)` when the caller holds it now. A lease
    /// is released with [`delete`](Self::delete), and expires after `ttl`
    /// when its holder never releases it (it crashed).
    ///
    /// The cache takes one before computing a key it missed, so that
    /// processes and machines missing the same key at once compute it once:
    /// the others wait for the holder's result (see
    /// [`CacheBuilder::lease`](crate::CacheBuilder::lease)). It needs an
    /// atomic create-if-absent: [`LocalStorage`] creates the file
    /// exclusively, Redis `SET NX PX`, object stores a conditional create.
    /// Leases only spare work: a storage that cannot take them (the default,
    /// which grants every lease) makes every process compute, as without.
    async fn try_lease(&self, path: &str, ttl: Duration) -> Result<bool> {
        let _ = (path, ttl);
        Ok(true)
    }

    /// Removes the blob at `path`; removing a missing one is not an error.
    async fn delete(&self, path: &str) -> Result<()>;

    /// Lists the blobs whose paths start with `prefix` (`""` for all).
    async fn list(&self, prefix: &str) -> Result<Vec<EntryInfo>>;

    /// What a listing would say of the blob at `path`, without its bytes;
    /// `Ok(None)` when there is none. The default lists `path` as a prefix;
    /// backends override it with one cheap request.
    async fn head(&self, path: &str) -> Result<Option<EntryInfo>> {
        Ok(self
            .list(path)
            .await?
            .into_iter()
            .find(|info| info.path == path))
    }
}

/// The process's effective user when it first asked: every read of a local
/// entry compares the file's owner with it, and a system call per read was a
/// twentieth of a small read's cost. A process that changes its user later
/// keeps trusting its first user's files (it wrote them) and misses on the
/// new user's, which is a cost, never a wrong value.
#[cfg(unix)]
pub(crate) fn effective_uid() -> u32 {
    static UID: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    // SAFETY: `geteuid` takes nothing, touches no memory of ours and
    // cannot fail.
    #[allow(unsafe_code)]
    *UID.get_or_init(|| unsafe { libc::geteuid() })
}

/// The error of a blob larger than a reader takes.
pub(crate) fn too_large(path: &str, size: u64, max: u64) -> Error {
    Error::TooLarge {
        path: path.to_owned(),
        size,
        max,
    }
}

impl fmt::Display for dyn Storage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
