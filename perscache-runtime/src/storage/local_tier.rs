//! A local folder in front of shared storage
//! ([`CacheBuilder::local_tier`](crate::CacheBuilder::local_tier)): an entry
//! read from the shared storage once is read from the local folder after.
//!
//! - Entries are read locally first; one found only in the shared storage is
//!   copied into the local folder with the write time it has there
//!   ([`Storage::write_copy`]), so both copies expire together.
//! - Writes go to the shared storage first (it is the one that matters to
//!   other machines), then to the local folder.
//! - Everything else (statistics, records, listings) is the shared
//!   storage's: `stats` and `clear` see what every machine sees.
//! - Signatures hold in both: the tier sits below [`SignedStorage`], which
//!   signs what goes into both and checks what comes out of either.
//!
//! The local folder's failures never fail a call: they are reported, and the
//! shared storage answers.
//!
//! A storage URL asks for one with its `local_tier` (a local folder) and
//! `local_tier_size` (default 1 GiB) query parameters, which [`split_url`]
//! takes off before the backend sees the URL.
//!
//! [`SignedStorage`]: crate::SignedStorage

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;

use super::{Blob, EntryInfo, LocalStorage, SizeLimited, Storage};
use crate::entry::classify;
use crate::error::{Error, Result};

/// The local tier's size limit when a URL, `perscache.toml` or the
/// environment names its folder and not its size: 1 GiB.
pub(crate) const DEFAULT_LOCAL_TIER_SIZE: u64 = 1 << 30;

/// The storage of a local tier: a folder under a size limit.
pub(crate) fn open(dir: PathBuf, max_size: u64) -> Arc<dyn Storage> {
    Arc::new(SizeLimited::new(LocalStorage::new(dir), max_size))
}

/// Takes a storage URL's local tier (`?local_tier=/var/tmp/tier&local_tier_size=2GiB`)
/// off it: the URL the backend reads, and the tier's folder and size limit.
/// A URL without them comes back as it is.
pub(crate) fn split_url(url: &str) -> Result<(String, Option<(PathBuf, u64)>)> {
    let Ok(mut parsed) = url::Url::parse(url) else {
        // The backend names what is wrong with it.
        return Ok((url.to_owned(), None));
    };
    let is_tier = |k: &str| k == "local_tier" || k == "local_tier_size";
    if !parsed.query_pairs().any(|(k, _)| is_tier(&k)) {
        return Ok((url.to_owned(), None));
    }
    let shown = crate::redact_url(url);
    let (mut dir, mut size, mut rest) = (None, None, Vec::new());
    for (k, v) in parsed.query_pairs() {
        match &*k {
            "local_tier" if !v.is_empty() => dir = Some(PathBuf::from(&*v)),
            "local_tier" => {
                return Err(Error::Config(format!(
                    "storage URL `{shown}`: `local_tier` names no folder"
                )))
            }
            "local_tier_size" => {
                let bytes = crate::config::parse_size(&v).map_err(|e| {
                    Error::Config(format!("storage URL `{shown}`: local_tier_size: {e}"))
                })?;
                size = Some(bytes);
            }
            _ => rest.push((k.into_owned(), v.into_owned())),
        }
    }
    let Some(dir) = dir else {
        return Err(Error::Config(format!(
            "storage URL `{shown}`: `local_tier_size` without `local_tier`"
        )));
    };
    if rest.is_empty() {
        parsed.set_query(None);
    } else {
        parsed.query_pairs_mut().clear().extend_pairs(rest);
    }
    let size = size.unwrap_or(DEFAULT_LOCAL_TIER_SIZE);
    Ok((parsed.into(), Some((dir, size))))
}

/// A local folder (`local`) in front of the storage that holds the truth
/// (`shared`).
pub(crate) struct LocalTier {
    local: Arc<dyn Storage>,
    shared: Arc<dyn Storage>,
}

impl fmt::Debug for LocalTier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalTier")
            .field("local", &self.local)
            .field("shared", &self.shared)
            .finish()
    }
}

impl LocalTier {
    pub(crate) fn new(local: Arc<dyn Storage>, shared: Arc<dyn Storage>) -> Self {
        LocalTier { local, shared }
    }

    /// The local copy of an entry, if there is one and it can be read.
    async fn read_local(&self, path: &str, max: u64) -> Option<Blob> {
        if !classify(path).is_entry() {
            return None;
        }
        match self.local.read_at_most(path, max).await {
            Ok(blob) => blob,
            Err(e) => {
                tracing::warn!(path, error = %e, "perscache: the local tier could not be read; reading the shared storage");
                None
            }
        }
    }

    /// Keeps a copy of an entry read from the shared storage.
    async fn copy_in(&self, path: &str, blob: &Blob) {
        if !classify(path).is_entry() {
            return;
        }
        if let Err(e) = self
            .local
            .write_copy(path, blob.bytes.clone(), blob.modified)
            .await
        {
            tracing::warn!(path, error = %e, "perscache: could not copy an entry into the local tier");
        }
    }

    async fn read_through(&self, path: &str, max: u64) -> Result<Option<Blob>> {
        if let Some(blob) = self.read_local(path, max).await {
            return Ok(Some(blob));
        }
        let blob = self.shared.read_at_most(path, max).await?;
        if let Some(blob) = &blob {
            self.copy_in(path, blob).await;
        }
        Ok(blob)
    }
}

#[async_trait::async_trait]
impl Storage for LocalTier {
    fn name(&self) -> &'static str {
        self.shared.name()
    }

    async fn read(&self, path: &str) -> Result<Option<Blob>> {
        self.read_through(path, u64::MAX).await
    }

    async fn read_at_most(&self, path: &str, max: u64) -> Result<Option<Blob>> {
        self.read_through(path, max).await
    }

    async fn write(&self, path: &str, bytes: Bytes) -> Result<()> {
        self.shared.write(path, bytes.clone()).await?;
        if classify(path).is_entry() {
            if let Err(e) = self.local.write(path, bytes).await {
                tracing::warn!(path, error = %e, "perscache: could not write the local tier");
            }
        }
        Ok(())
    }

    async fn write_copy(&self, path: &str, bytes: Bytes, modified: SystemTime) -> Result<bool> {
        self.shared.write_copy(path, bytes, modified).await
    }

    async fn delete(&self, path: &str) -> Result<()> {
        // Local first: a copy must never outlive its original, even when
        // deleting the original fails halfway.
        if let Err(e) = self.local.delete(path).await {
            tracing::warn!(path, error = %e, "perscache: could not delete from the local tier");
        }
        self.shared.delete(path).await
    }

    async fn try_lease(&self, path: &str, ttl: Duration) -> Result<bool> {
        self.shared.try_lease(path, ttl).await
    }

    async fn list(&self, prefix: &str) -> Result<Vec<EntryInfo>> {
        self.shared.list(prefix).await
    }

    async fn head(&self, path: &str) -> Result<Option<EntryInfo>> {
        self.shared.head(path).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{LocalStorage, MemoryStorage};

    fn block<F: std::future::Future>(f: F) -> F::Output {
        pollster::block_on(f)
    }

    const ENTRY: &str = "app.f/0123456789abcdef/00112233445566778899aabbccddeeff.bin";

    #[test]
    fn a_shared_entry_is_copied_with_its_write_time_and_served_locally() {
        let dir = tempfile::tempdir().expect("tempdir");
        let local: Arc<dyn Storage> = Arc::new(LocalStorage::new(dir.path()));
        let shared = Arc::new(MemoryStorage::new());
        block(shared.write(ENTRY, Bytes::from_static(b"value"))).expect("write");
        let original = block(shared.read(ENTRY)).expect("read").expect("there");

        let tier = LocalTier::new(local.clone(), shared.clone());
        // Older than now by more than a file system's time granularity, so
        // that a copy dated now would be told apart.
        std::thread::sleep(Duration::from_millis(20));
        let read = block(tier.read(ENTRY)).expect("read").expect("there");
        assert_eq!(read.bytes, original.bytes);
        let copy = block(local.read(ENTRY)).expect("read").expect("copied");
        assert_eq!(copy.bytes, original.bytes);
        assert_eq!(
            copy.modified, original.modified,
            "the copy keeps the write time"
        );

        block(shared.delete(ENTRY)).expect("delete");
        let served = block(tier.read(ENTRY)).expect("read").expect("local");
        assert_eq!(served.bytes, original.bytes);
    }

    #[test]
    fn a_url_without_a_tier_is_left_as_it_is() {
        for url in ["s3://bucket/ci", "redis://h:6379/0?prefix=a:", "not a url"] {
            assert_eq!(split_url(url).expect("fine"), (url.to_owned(), None));
        }
    }

    #[test]
    fn a_urls_tier_is_taken_off_and_its_other_parameters_kept() {
        let (url, tier) =
            split_url("redis://h:6379/0?local_tier=/var/tmp/t&prefix=a:&local_tier_size=2MiB")
                .expect("fine");
        assert_eq!(url, "redis://h:6379/0?prefix=a%3A");
        assert_eq!(tier, Some((PathBuf::from("/var/tmp/t"), 2 << 20)));

        let (url, tier) =
            split_url("s3://bucket/ci?local_tier=%2Fvar%2Ftmp%2Fmy%20tier").expect("fine");
        assert_eq!(url, "s3://bucket/ci");
        assert_eq!(
            tier,
            Some((PathBuf::from("/var/tmp/my tier"), DEFAULT_LOCAL_TIER_SIZE))
        );
    }

    #[test]
    fn a_urls_tier_without_a_folder_or_with_a_bad_size_is_refused() {
        for (url, says) in [
            ("s3://b/p?local_tier_size=1GiB", "without `local_tier`"),
            ("s3://b/p?local_tier=", "names no folder"),
            (
                "s3://b/p?local_tier=/t&local_tier_size=lots",
                "local_tier_size",
            ),
        ] {
            let err = split_url(url).expect_err(url).to_string();
            assert!(err.contains(says), "{url}: {err}");
        }
    }

    #[test]
    fn writes_and_deletes_reach_both_and_the_rest_stays_shared() {
        let dir = tempfile::tempdir().expect("tempdir");
        let local: Arc<dyn Storage> = Arc::new(LocalStorage::new(dir.path()));
        let shared: Arc<dyn Storage> = Arc::new(MemoryStorage::new());
        let tier = LocalTier::new(local.clone(), shared.clone());

        block(tier.write(ENTRY, Bytes::from_static(b"v"))).expect("write");
        assert!(block(local.read(ENTRY)).expect("read").is_some());
        assert!(block(shared.read(ENTRY)).expect("read").is_some());

        let stats = "app.f/_stats.json";
        block(tier.write(stats, Bytes::from_static(b"{}"))).expect("write");
        assert!(block(local.read(stats)).expect("read").is_none());
        assert_eq!(block(tier.list("")).expect("list").len(), 2);

        block(tier.delete(ENTRY)).expect("delete");
        assert!(block(local.read(ENTRY)).expect("read").is_none());
        assert!(block(shared.read(ENTRY)).expect("read").is_none());
    }
}
