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
//! [`SignedStorage`]: crate::SignedStorage

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;

use super::{Blob, EntryInfo, Storage};
use crate::entry::classify;
use crate::error::Result;

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
