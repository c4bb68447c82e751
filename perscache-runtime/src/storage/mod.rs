//! Storage: where entries live.
//!
//! A [`Storage`] is a flat store of byte blobs under relative, `/`-separated
//! paths (`app.reports.daily/3fa4c0de12ab34cd/9f86d081884c7d659a2feaa0c55ad015.json`).
//! It knows nothing of keys or formats, so any format goes with any storage.
//!
//! Methods are `async` (through [`async_trait`](crate::async_trait)), so that
//! remote backends never block an async caller's runtime; the cache drives
//! them from sync functions with a small executor of its own. A backend that
//! needs a runtime (tokio for HTTP clients) must therefore run its I/O on one it
//! owns, so that its futures complete on any executor.

mod local;
mod memory;
mod signed;
// Remote backends, each behind its cargo feature (docs/storage.md).
#[cfg(any(feature = "s3", feature = "gcs", feature = "azure"))]
mod object;
#[cfg(feature = "redis")]
mod redis;
#[cfg(any(feature = "s3", feature = "gcs", feature = "azure", feature = "redis"))]
mod remote;
#[cfg(any(feature = "s3", feature = "gcs", feature = "azure"))]
pub use object::{ObjectStorage, ObjectStorageBuilder};
#[cfg(feature = "redis")]
pub use redis::{RedisStorage, RedisStorageBuilder};

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;

pub use local::{LocalStorage, LocalStorageBuilder};
pub use memory::MemoryStorage;
pub use signed::SignedStorage;

use crate::error::{Error, Result};

/// Opens the storage a URL names: `file:///abs/path` (local files),
/// `memory://` (this process only), and with their cargo features
/// `s3://bucket/prefix`, `gs://bucket/prefix`, `az://container/prefix`
/// (credentials, endpoint and Azure account from the environment, see
/// `ObjectStorage`) and
/// `redis://[:password@]host[:port][/db][?prefix=p:]`. `max_size` bounds it
/// where the backend supports eviction (all of these but `memory://`).
///
/// ```
/// let storage = perscache::open_url("memory://", None)?;
/// assert_eq!(storage.name(), "memory");
/// let err = perscache::open_url("ftp://example", None).unwrap_err();
/// assert!(err.to_string().contains("ftp"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn open_url(url: &str, max_size: Option<u64>) -> Result<Arc<dyn Storage>> {
    let parsed =
        url::Url::parse(url).map_err(|e| Error::Config(format!("storage URL `{url}`: {e}")))?;
    match parsed.scheme() {
        "file" => {
            let path = parsed
                .to_file_path()
                .map_err(|()| Error::Config(format!("storage URL `{url}` is not a local path")))?;
            let mut builder = LocalStorage::builder(path);
            if let Some(max) = max_size {
                builder = builder.max_size(max);
            }
            Ok(Arc::new(builder.build()))
        }
        "memory" => Ok(Arc::new(MemoryStorage::new())),
        "s3" | "gs" | "az" | "redis" => open_remote_url(url, &parsed, max_size),
        other => Err(Error::Config(format!(
            "storage URL `{url}`: unsupported scheme `{other}` (supported: file, memory, s3, gs, az, redis)"
        ))),
    }
}

/// `s3://bucket/prefix`, `gs://bucket/prefix`, `az://container/prefix`
/// (credentials, endpoint and the Azure account come from the environment)
/// and `redis://…`: each needs its cargo feature, and says so when it is off.
#[allow(unused_variables)]
fn open_remote_url(
    url: &str,
    parsed: &url::Url,
    max_size: Option<u64>,
) -> Result<Arc<dyn Storage>> {
    match parsed.scheme() {
        #[cfg(feature = "redis")]
        "redis" => {
            let mut builder = RedisStorage::builder(url);
            if let Some(max) = max_size {
                builder = builder.max_size(max);
            }
            Ok(Arc::new(builder.build()?))
        }
        #[cfg(feature = "s3")]
        "s3" => open_object_url(ObjectStorage::s3, parsed, max_size),
        #[cfg(feature = "gcs")]
        "gs" => open_object_url(ObjectStorage::gcs, parsed, max_size),
        #[cfg(feature = "azure")]
        "az" => open_object_url(ObjectStorage::azure, parsed, max_size),
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
    max_size: Option<u64>,
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
    let mut builder = make(bucket).prefix(parsed.path());
    if let Some(max) = max_size {
        builder = builder.max_size(max);
    }
    Ok(Arc::new(builder.build()?))
}

/// An entry's bytes, as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Blob {
    /// The bytes written.
    pub bytes: Bytes,
    /// When they were written: the start of the entry's time to live.
    pub modified: SystemTime,
}

impl Blob {
    /// An entry's bytes and write time.
    pub fn new(bytes: impl Into<Bytes>, modified: SystemTime) -> Self {
        Blob {
            bytes: bytes.into(),
            modified,
        }
    }
}

/// What a listing says of one stored entry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EntryInfo {
    /// The entry's path inside the storage.
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// When it was written.
    pub modified: SystemTime,
    /// When it was last read, where the backend records it.
    pub accessed: Option<SystemTime>,
}

impl EntryInfo {
    /// Describes an entry.
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
}

/// A place to keep entries: local files, memory, a bucket, a Redis server, your own.
///
/// Errors are returned, never panicked; the cache turns them into a warning
/// and a call of the function. Implement it with
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
///     async fn read(&self, path: &str, written_after: Option<SystemTime>) -> perscache::Result<Option<Blob>> {
///         let map = self.0.lock().expect(POISON);
///         Ok(map.get(path)
///             .filter(|(_, at)| written_after.map_or(true, |t| *at > t))
///             .map(|(bytes, at)| Blob::new(bytes.clone(), *at)))
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

    /// Reads the entry at `path`. `Ok(None)` when there is none, or when it
    /// was written at or before `written_after` (the TTL deadline).
    async fn read(&self, path: &str, written_after: Option<SystemTime>) -> Result<Option<Blob>>;

    /// Writes the entry at `path`, replacing any old one. Readers must see the
    /// old bytes or the new ones, never a mix.
    async fn write(&self, path: &str, bytes: Bytes) -> Result<()>;

    /// Removes the entry at `path`; removing a missing entry is not an error.
    async fn delete(&self, path: &str) -> Result<()>;

    /// Lists the entries whose paths start with `prefix` (`""` for all).
    async fn list(&self, prefix: &str) -> Result<Vec<EntryInfo>>;
}

/// The folder of a function's entries, from its full path
/// (`app::reports::daily` → `app.reports.daily`). Under it, one folder per code
/// hash (its first 16 hex digits), so that `cargo perscache clear --stale` can
/// drop whole generations and people can find a function's files:
/// `app.reports.daily/3fa4c0de12ab34cd/<key>.<ext>`.
///
/// ```
/// assert_eq!(perscache::function_dir("app::Client::profile"), "app.Client.profile");
/// ```
pub fn function_dir(function: &str) -> String {
    function
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '_' | '-' | '.' => c,
            _ => '.',
        })
        .collect::<String>()
        .split('.')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(".")
}

impl fmt::Display for dyn Storage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::function_dir;

    #[test]
    fn function_dirs_are_readable_and_safe() {
        assert_eq!(function_dir("app::reports::daily"), "app.reports.daily");
        assert_eq!(
            function_dir("app::Client<u8>::profile"),
            "app.Client.u8.profile"
        );
        assert_eq!(function_dir("../../etc"), "etc");
    }
}
