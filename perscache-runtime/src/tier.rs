//! The optional in-memory tier: recent entries kept in process memory, in
//! front of any storage, so repeated hits touch neither disk nor network.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::RwLock;
use std::time::SystemTime;

use bytes::Bytes;

use crate::entry::Deadline;

/// Checked payloads (the format's bytes, already out of their frame) by the
/// exact bytes of their keys (`CallKey::memory`: a short key's stream, so a
/// hit hashes nothing cryptographic), bounded in bytes, keys included.
/// Eviction is CLOCK: a hit only sets a flag under the read lock, so
/// concurrent hits do not contend on a write lock. The table hashes keys
/// with aHash, keyed at random per process: callers choose the arguments,
/// so they must not be able to aim them at one bucket.
#[derive(Debug)]
pub(crate) struct MemoryTier {
    capacity: usize,
    inner: RwLock<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    map: HashMap<Box<[u8]>, Slot, ahash::RandomState>,
    bytes: usize,
}

#[derive(Debug)]
struct Slot {
    payload: Bytes,
    written: SystemTime,
    referenced: AtomicBool,
}

impl MemoryTier {
    pub(crate) fn new(capacity: usize) -> Self {
        MemoryTier {
            capacity,
            inner: RwLock::default(),
        }
    }

    /// The payload for `key`, if held and fresh by `deadline`. It is a
    /// shared handle, so the lock is released before the caller decodes it
    /// (a user's `Deserialize` may call a marked function in turn).
    pub(crate) fn get(&self, key: &[u8], deadline: Deadline) -> Option<Bytes> {
        let inner = self.inner.read().unwrap_or_else(|p| p.into_inner());
        let slot = inner.map.get(key)?;
        if !deadline.admits(slot.written) {
            return None;
        }
        slot.referenced.store(true, Ordering::Relaxed);
        Some(slot.payload.clone())
    }

    pub(crate) fn insert(&self, key: &[u8], payload: Bytes, written: SystemTime) {
        let size = key.len() + payload.len();
        if size > self.capacity {
            return;
        }
        let mut inner = self.inner.write().unwrap_or_else(|p| p.into_inner());
        let slot = Slot {
            payload,
            written,
            referenced: AtomicBool::new(false),
        };
        if let Some(old) = inner.map.insert(key.into(), slot) {
            inner.bytes -= key.len() + old.payload.len();
        }
        inner.bytes += size;
        // Sweep: entries hit since the last sweep get a second chance. Two
        // passes at most, since the first clears every flag.
        for _ in 0..2 {
            if inner.bytes <= self.capacity {
                break;
            }
            let mut freed = 0;
            inner.map.retain(|k, slot| {
                let keep = **k == *key || slot.referenced.swap(false, Ordering::Relaxed);
                if !keep {
                    freed += k.len() + slot.payload.len();
                }
                keep
            });
            inner.bytes -= freed;
        }
    }

    pub(crate) fn remove(&self, key: &[u8]) {
        let mut inner = self.inner.write().unwrap_or_else(|p| p.into_inner());
        if let Some(old) = inner.map.remove(key) {
            inner.bytes -= key.len() + old.payload.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::KeyHasher;

    fn key(n: u32) -> Vec<u8> {
        let mut h = KeyHasher::new("f", "h", "fmt");
        h.arg("n", &n).expect("ok");
        h.finish_call().memory().to_vec()
    }

    #[test]
    fn stays_within_capacity_and_keeps_hot_entries() {
        let tier = MemoryTier::new(1000);
        let now = SystemTime::now();
        tier.insert(&key(0), Bytes::from(vec![0u8; 100]), now);
        for i in 1..50 {
            assert!(
                tier.get(&key(0), Deadline::default()).is_some(),
                "hot entry evicted at {i}"
            );
            tier.insert(&key(i), Bytes::from(vec![0u8; 100]), now);
            let inner = tier.inner.read().expect("lock");
            assert!(inner.bytes <= 1000);
            assert_eq!(
                inner.bytes,
                inner
                    .map
                    .iter()
                    .map(|(k, s)| k.len() + s.payload.len())
                    .sum::<usize>()
            );
        }
    }

    #[test]
    fn respects_ttl() {
        let tier = MemoryTier::new(1000);
        let hour = Some(std::time::Duration::from_secs(3600));
        let now = SystemTime::now();
        tier.insert(&key(1), Bytes::from(vec![1u8]), now);
        assert!(tier.get(&key(1), Deadline::for_ttl(hour)).is_some());
        let old = now - std::time::Duration::from_secs(7200);
        tier.insert(&key(2), Bytes::from(vec![2u8]), old);
        assert!(tier.get(&key(2), Deadline::for_ttl(hour)).is_none());
        assert!(tier.get(&key(2), Deadline::default()).is_some());
    }
}
