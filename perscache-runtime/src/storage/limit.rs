//! `max_size`: a wrapper that keeps the entries of any storage under a size
//! limit, evicting the least recently used first. The one implementation of
//! the index behind it, for local files and remote stores alike.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;

use super::{Blob, EntryInfo, Storage};
use crate::entry::layout::classify;
use crate::error::{Error, Result};

/// How often the index is rebuilt from a listing, at the latest.
const REFRESH_EVERY: Duration = Duration::from_secs(60);
/// Rebuild after writing this fraction of the limit (and of the entry count).
const RESCAN_FRACTION: u64 = 16;

/// Keeps the total size of the entries in a storage near a limit, removing
/// the least recently used first.
///
/// Only **entries** count and are ever removed: paths in the layout
/// perscache writes (`<function>/<code>/<key>.<ext>`, see
/// [`entry::classify`](crate::entry::classify)). Statistics, the records of
/// who wrote a folder, and anything else in the storage (a user's own files,
/// `.git`) are never indexed nor deleted. An entry larger than the limit is
/// not stored.
///
/// # How it stays cheap
///
/// The wrapper keeps an index in memory (path → size and last use), built
/// from one [`list`](Storage::list) of the storage at the first write. Each
/// write then costs `O(log n)` bookkeeping, plus the eviction of the least
/// recently used entries while the total is over the limit. Before an entry
/// is evicted it is looked at again ([`head`](Storage::head)): if another
/// process used or rewrote it since, it moves back in the order instead.
/// This process's reads and writes update the index as they happen; other
/// processes' writes (and, on local files, their reads, which record the
/// access time) are seen at the next rebuild, which comes once this process
/// has written `max_size / 16` bytes *and* a sixteenth of the number of
/// indexed entries since the last one, or after [`refresh_every`]
/// (60 s by default), whichever is first.
///
/// With `P` processes writing to one storage, each evicts down to the limit
/// under its own view, so the total stays below
/// `max_size + (P - 1) * (max_size / 16 + largest entry)` between rebuilds,
/// plus one entry per thread caught between its write and its eviction.
/// That holds while each process lists as fast as the others write: on a
/// machine with more busy threads than cores, a process left waiting in its
/// listing sees less, and the total can pass it for a moment
/// (`tests/reliability_concurrency.rs` checks the bound on average on local
/// files, and twice its slack at the worst moment).
///
/// [`refresh_every`]: SizeLimited::refresh_every
///
/// ```
/// # pollster::block_on(async {
/// use perscache::{Bytes, LocalStorage, SizeLimited, Storage};
///
/// let dir = tempfile::tempdir()?;
/// let storage = SizeLimited::new(LocalStorage::new(dir.path()), 100 << 20);
/// assert_eq!(storage.max_size(), 100 << 20);
/// storage.write("notes.txt", Bytes::from_static(b"not an entry")).await?;
/// assert_eq!(storage.indexed_size().await?, 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct SizeLimited {
    inner: Arc<dyn Storage>,
    max: u64,
    refresh_every: Duration,
    index: Mutex<Index>,
    /// Set while one thread rebuilds the index, so others do not list too.
    rescanning: AtomicBool,
}

impl fmt::Debug for SizeLimited {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SizeLimited")
            .field("max_size", &self.max)
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

/// Sizes and last uses of entries, ordered for eviction.
#[derive(Debug, Default)]
struct Index {
    built_at: Option<Instant>,
    entries: HashMap<String, Item>,
    /// (last use, sequence) → path: the eviction order, oldest first.
    order: BTreeMap<(u64, u64), String>,
    total: u64,
    seq: u64,
    bytes_since_scan: u64,
    writes_since_scan: u64,
}

#[derive(Debug, Clone, Copy)]
struct Item {
    size: u64,
    /// Last use, in nanoseconds since the Unix epoch.
    used: u64,
    seq: u64,
}

impl Index {
    fn upsert(&mut self, path: &str, size: u64, used: u64) {
        self.remove(path);
        self.seq += 1;
        let item = Item {
            size,
            used,
            seq: self.seq,
        };
        self.order.insert((used, item.seq), path.to_owned());
        self.entries.insert(path.to_owned(), item);
        self.total += size;
    }

    fn touch(&mut self, path: &str, used: u64) {
        if let Some(item) = self.entries.get(path).copied() {
            if used > item.used {
                self.upsert(path, item.size, used);
            }
        }
    }

    fn remove(&mut self, path: &str) {
        if let Some(old) = self.entries.remove(path) {
            self.order.remove(&(old.used, old.seq));
            self.total -= old.size;
        }
    }

    /// The least recently used entry but `keep`.
    fn oldest_except(&self, keep: &str) -> Option<(String, Item)> {
        let path = self.order.values().find(|p| p.as_str() != keep)?;
        Some((path.clone(), *self.entries.get(path)?))
    }
}

impl SizeLimited {
    /// Bounds the entries of `inner` to about `max_size` bytes.
    pub fn new(inner: impl Storage, max_size: u64) -> Self {
        Self::from_arc(Arc::new(inner), max_size)
    }

    /// Bounds the entries of a shared storage.
    pub fn from_arc(inner: Arc<dyn Storage>, max_size: u64) -> Self {
        SizeLimited {
            inner,
            max: max_size,
            refresh_every: REFRESH_EVERY,
            index: Mutex::default(),
            rescanning: AtomicBool::new(false),
        }
    }

    /// Rebuilds the index from a listing at least this often (at the next
    /// write after it), so other processes' writes are counted (default 60 s).
    pub fn refresh_every(mut self, every: Duration) -> Self {
        self.refresh_every = every;
        self
    }

    /// The limit in bytes.
    pub fn max_size(&self) -> u64 {
        self.max
    }

    /// The wrapped storage.
    pub fn inner(&self) -> &Arc<dyn Storage> {
        &self.inner
    }

    /// The total size of the entries the index knows of (after a listing
    /// when none was made yet). For tests and monitoring;
    /// [`list`](Storage::list) gives the exact figure.
    pub async fn indexed_size(&self) -> Result<u64> {
        if self.index().built_at.is_none() {
            self.rescan(true).await?;
        }
        Ok(self.index().total)
    }

    fn index(&self) -> MutexGuard<'_, Index> {
        // Every update leaves the index consistent before anything that can
        // panic runs, so a poisoned lock holds a usable index.
        self.index.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn rescan_due(&self, index: &Index) -> bool {
        match index.built_at {
            None => true,
            Some(at) => {
                at.elapsed() >= self.refresh_every
                    || (index.bytes_since_scan >= self.max / RESCAN_FRACTION
                        && index.writes_since_scan >= index.entries.len() as u64 / RESCAN_FRACTION)
            }
        }
    }

    /// Rebuilds the index from a listing of the storage. Recency this process
    /// knows is kept where it is newer than what the listing says, and
    /// entries indexed while the listing ran are kept. Unless `wait`, gives
    /// way to a rebuild another thread is making.
    async fn rescan(&self, wait: bool) -> Result<()> {
        if self.rescanning.swap(true, Ordering::Acquire) && !wait {
            return Ok(());
        }
        let seq_before = self.index().seq;
        let listed = self.inner.list("").await;
        self.rescanning.store(false, Ordering::Release);
        let listed = listed?;
        let mut index = self.index();
        let mut fresh = Index {
            built_at: Some(Instant::now()),
            seq: index.seq,
            ..Index::default()
        };
        for info in listed.iter().filter(|i| classify(&i.path).is_entry()) {
            let on_disk = nanos(info.last_use());
            let used = index
                .entries
                .get(&info.path)
                .map_or(on_disk, |item| item.used.max(on_disk));
            fresh.upsert(&info.path, info.size, used);
        }
        for (path, item) in &index.entries {
            if item.seq > seq_before && !fresh.entries.contains_key(path) {
                fresh.upsert(path, item.size, item.used);
            }
        }
        fresh.seq = fresh.seq.max(index.seq);
        *index = fresh;
        Ok(())
    }

    /// Index bookkeeping after a successful write of an entry: rebuild when
    /// due, record the entry, evict while over the limit. The write has
    /// succeeded, so failures here are only logged: a listing that fails is
    /// tried again at the next write, and an entry whose delete failed comes
    /// back at the next rebuild and is evicted then.
    async fn after_write(&self, path: &str, size: u64) {
        let due = self.rescan_due(&self.index());
        if due {
            if let Err(e) = self.rescan(false).await {
                tracing::debug!(error = %e, "perscache: could not list entries for max_size");
            }
        }
        {
            let mut index = self.index();
            index.upsert(path, size, nanos(SystemTime::now()));
            index.bytes_since_scan += size;
            index.writes_since_scan += 1;
        }
        self.evict(path).await;
    }

    /// Removes least recently used entries until the total fits, checking
    /// each first. `keep` (the entry just written) is never removed.
    async fn evict(&self, keep: &str) {
        // Each entry moves back at most once per call (its last use in the
        // storage can be newer than the index's only once), so this ends.
        let mut budget = 2 * self.index().entries.len() + 2;
        while budget > 0 {
            budget -= 1;
            let victim = {
                let index = self.index();
                if index.total <= self.max {
                    return;
                }
                index.oldest_except(keep)
            };
            let Some((path, item)) = victim else { return };
            match self.inner.head(&path).await {
                Ok(Some(info)) => {
                    let in_storage = nanos(info.last_use());
                    if in_storage > item.used {
                        // Used or rewritten by another process since we looked.
                        self.index().upsert(&path, info.size, in_storage);
                        continue;
                    }
                }
                Ok(None) => {
                    self.index().remove(&path);
                    continue;
                }
                // It cannot be looked at; the index says it is the oldest.
                Err(e) => {
                    tracing::debug!(path, error = %e, "perscache: could not check an entry before evicting it")
                }
            }
            self.index().remove(&path);
            if let Err(e) = self.inner.delete(&path).await {
                tracing::debug!(path, error = %e, "perscache: could not evict an entry");
            }
        }
    }
}

fn nanos(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos().min(u64::MAX as u128) as u64)
}

impl SizeLimited {
    /// Refuses an entry larger than the whole limit, and records a hit's use.
    fn after_read(&self, path: &str, blob: Option<Blob>) -> Result<Option<Blob>> {
        if let Some(blob) = &blob {
            if classify(path).is_entry() {
                if blob.bytes.len() as u64 > self.max {
                    return Err(Error::Corrupt {
                        path: path.to_owned(),
                        reason: "larger than the storage's size limit; not a perscache entry"
                            .into(),
                    });
                }
                // Never wait on the hit path: a rebuild holding the lock
                // reads the last use from the storage anyway.
                if let Ok(mut index) = self.index.try_lock() {
                    if index.built_at.is_some() {
                        index.touch(path, nanos(SystemTime::now()));
                    }
                }
            }
        }
        Ok(blob)
    }
}

#[async_trait::async_trait]
impl Storage for SizeLimited {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    async fn read(&self, path: &str) -> Result<Option<Blob>> {
        let blob = self.inner.read(path).await?;
        self.after_read(path, blob)
    }

    async fn read_at_most(&self, path: &str, max: u64) -> Result<Option<Blob>> {
        let blob = self.inner.read_at_most(path, max).await?;
        self.after_read(path, blob)
    }

    async fn write(&self, path: &str, bytes: Bytes) -> Result<()> {
        let size = bytes.len() as u64;
        let entry = classify(path).is_entry();
        if entry && size > self.max {
            tracing::debug!(
                path,
                size,
                max = self.max,
                "perscache: entry larger than max_size not stored"
            );
            return Ok(());
        }
        self.inner.write(path, bytes).await?;
        if entry {
            self.after_write(path, size).await;
        }
        Ok(())
    }

    async fn write_copy(&self, path: &str, bytes: Bytes, modified: SystemTime) -> Result<bool> {
        let size = bytes.len() as u64;
        let entry = classify(path).is_entry();
        if entry && size > self.max {
            return Ok(false);
        }
        let copied = self.inner.write_copy(path, bytes, modified).await?;
        if copied && entry {
            self.after_write(path, size).await;
        }
        Ok(copied)
    }

    async fn delete(&self, path: &str) -> Result<()> {
        self.inner.delete(path).await?;
        self.index().remove(path);
        Ok(())
    }

    async fn try_lease(&self, path: &str, ttl: Duration) -> Result<bool> {
        self.inner.try_lease(path, ttl).await
    }

    async fn list(&self, prefix: &str) -> Result<Vec<EntryInfo>> {
        self.inner.list(prefix).await
    }

    async fn head(&self, path: &str) -> Result<Option<EntryInfo>> {
        self.inner.head(path).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::MemoryStorage;

    const KEY: &str = "0123456789abcdef0123456789abcdef";

    fn entry(name: &str) -> String {
        format!("app.f/0123456789abcdef/{}{name}.bin", &KEY[name.len()..])
    }

    #[test]
    fn evicts_least_recently_used_first() {
        let storage = SizeLimited::new(MemoryStorage::new(), 300);
        pollster::block_on(async {
            for name in ["a", "b", "c"] {
                storage
                    .write(&entry(name), Bytes::from(vec![0u8; 100]))
                    .await
                    .expect("write");
            }
            assert!(storage.read(&entry("a")).await.expect("read").is_some());
            storage
                .write(&entry("d"), Bytes::from(vec![0u8; 100]))
                .await
                .expect("write");
            let left: Vec<_> = storage
                .list("")
                .await
                .expect("list")
                .into_iter()
                .map(|i| i.path)
                .collect();
            let mut want = vec![entry("a"), entry("c"), entry("d")];
            want.sort();
            assert_eq!(left, want);
            assert_eq!(storage.indexed_size().await.expect("size"), 300);
        });
    }

    #[test]
    fn only_entries_count_and_go() {
        let storage = SizeLimited::new(MemoryStorage::new(), 250);
        pollster::block_on(async {
            let others = [
                "notes/thesis.txt",
                "app.f/_stats.json",
                "app.f/0123456789abcdef/_ws.unknown.record",
            ];
            for other in others {
                storage
                    .write(other, Bytes::from(vec![1u8; 1000]))
                    .await
                    .expect("write");
            }
            for name in ["a", "b", "c", "d"] {
                storage
                    .write(&entry(name), Bytes::from(vec![0u8; 100]))
                    .await
                    .expect("write");
            }
            let left: Vec<_> = storage
                .list("")
                .await
                .expect("list")
                .into_iter()
                .map(|i| i.path)
                .collect();
            for other in others {
                assert!(left.iter().any(|p| p == other), "{other} was removed");
            }
            assert_eq!(storage.indexed_size().await.expect("size"), 200);
            // An entry larger than the limit is not stored.
            storage
                .write(&entry("e"), Bytes::from(vec![0u8; 251]))
                .await
                .expect("write");
            assert!(storage.read(&entry("e")).await.expect("read").is_none());
        });
    }
}
