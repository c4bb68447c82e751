//! Entries in process memory.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use bytes::Bytes;

use super::{Blob, EntryInfo, Storage};
use crate::error::Result;

/// Entries in a map in this process: for tests, and for results that need not
/// outlive the process. Cloning shares the same entries.
///
/// ```
/// use perscache::{Cache, MemoryStorage};
///
/// let cache = Cache::builder().storage(MemoryStorage::new()).build();
/// # let _ = cache;
/// ```
#[derive(Debug, Clone, Default)]
pub struct MemoryStorage {
    entries: Arc<Mutex<HashMap<String, Stored>>>,
}

#[derive(Debug)]
struct Stored {
    bytes: Bytes,
    written: SystemTime,
}

impl MemoryStorage {
    /// An empty storage.
    pub fn new() -> Self {
        Self::default()
    }

    fn map(&self) -> MutexGuard<'_, HashMap<String, Stored>> {
        // A panic while the lock was held cannot leave the map half-updated:
        // every operation is a single insert, remove or lookup.
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[async_trait::async_trait]
impl Storage for MemoryStorage {
    fn name(&self) -> &'static str {
        "memory"
    }

    async fn read(&self, path: &str) -> Result<Option<Blob>> {
        Ok(self
            .map()
            .get(path)
            .map(|e| Blob::new(e.bytes.clone(), e.written)))
    }

    async fn read_at_most(&self, path: &str, max: u64) -> Result<Option<Blob>> {
        match self.map().get(path) {
            Some(e) if e.bytes.len() as u64 > max => {
                Err(super::too_large(path, e.bytes.len() as u64, max))
            }
            e => Ok(e.map(|e| Blob::new(e.bytes.clone(), e.written))),
        }
    }

    async fn head(&self, path: &str) -> Result<Option<EntryInfo>> {
        Ok(self
            .map()
            .get(path)
            .map(|e| EntryInfo::new(path, e.bytes.len() as u64, e.written, None)))
    }

    async fn write(&self, path: &str, bytes: Bytes) -> Result<()> {
        let written = SystemTime::now();
        self.map()
            .insert(path.to_owned(), Stored { bytes, written });
        Ok(())
    }

    async fn try_lease(&self, path: &str, ttl: Duration) -> Result<bool> {
        let now = SystemTime::now();
        let mut map = self.map();
        let held = map
            .get(path)
            .and_then(|lease| now.duration_since(lease.written).ok())
            .is_some_and(|age| age < ttl);
        if !held {
            let lease = Stored {
                bytes: Bytes::new(),
                written: now,
            };
            map.insert(path.to_owned(), lease);
        }
        Ok(!held)
    }

    async fn delete(&self, path: &str) -> Result<()> {
        self.map().remove(path);
        Ok(())
    }

    async fn list(&self, prefix: &str) -> Result<Vec<EntryInfo>> {
        let mut out: Vec<_> = self
            .map()
            .iter()
            .filter(|(p, _)| p.starts_with(prefix))
            .map(|(p, e)| EntryInfo::new(p.clone(), e.bytes.len() as u64, e.written, None))
            .collect();
        out.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(out)
    }
}
