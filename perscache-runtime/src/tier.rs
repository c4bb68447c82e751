//! The optional in-memory tier: recent entries kept in process memory, in
//! front of any storage, so repeated hits touch neither disk nor network.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::RwLock;
use std::time::SystemTime;

use bytes::Bytes;

use crate::entry::Deadline;
use crate::key::Key;

/// Checked payloads (the format's bytes, already out of their frame) by key,
/// bounded in bytes. Eviction is CLOCK: a hit only sets a flag under the read
/// lock, so concurrent hits do not contend on a write lock.
#[derive(Debug)]
pub(crate) struct MemoryTier {
    capacity: usize,
    inner: RwLock<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    map: HashMap<Key, Slot, BuildHasherDefault<KeyBits>>,
    bytes: usize,
}

/// Keys are BLAKE3 digests, already uniform: eight of their bytes make a
/// good table hash, at a fraction of SipHash's cost on the hit path.
/// (Nobody can aim keys at one bucket without breaking BLAKE3.)
#[derive(Default)]
struct KeyBits(u64);

impl Hasher for KeyBits {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // `Key` hashes as its 32-byte array (after a length, which goes to
        // `write_usize` below): its first eight bytes are hash enough. Any
        // other input is mixed in whole, so the hasher stays sound for it.
        match bytes.first_chunk::<8>() {
            Some(word) if bytes.len() == 32 => self.0 ^= u64::from_le_bytes(*word),
            _ => {
                for chunk in bytes.chunks(8) {
                    let mut word = [0u8; 8];
                    word[..chunk.len()].copy_from_slice(chunk);
                    self.0 = self.0.rotate_left(5) ^ u64::from_le_bytes(word);
                }
            }
        }
    }

    fn write_usize(&mut self, _len: usize) {}
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
    pub(crate) fn get(&self, key: &Key, deadline: Deadline) -> Option<Bytes> {
        let inner = self.inner.read().unwrap_or_else(|p| p.into_inner());
        let slot = inner.map.get(key)?;
        if !deadline.admits(slot.written) {
            return None;
        }
        slot.referenced.store(true, Ordering::Relaxed);
        Some(slot.payload.clone())
    }

    pub(crate) fn insert(&self, key: Key, payload: Bytes, written: SystemTime) {
        if payload.len() > self.capacity {
            return;
        }
        let mut inner = self.inner.write().unwrap_or_else(|p| p.into_inner());
        let size = payload.len();
        let slot = Slot {
            payload,
            written,
            referenced: AtomicBool::new(false),
        };
        if let Some(old) = inner.map.insert(key, slot) {
            inner.bytes -= old.payload.len();
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
                let keep = *k == key || slot.referenced.swap(false, Ordering::Relaxed);
                if !keep {
                    freed += slot.payload.len();
                }
                keep
            });
            inner.bytes -= freed;
        }
    }

    pub(crate) fn remove(&self, key: &Key) {
        let mut inner = self.inner.write().unwrap_or_else(|p| p.into_inner());
        if let Some(old) = inner.map.remove(key) {
            inner.bytes -= old.payload.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::KeyHasher;

    fn key(n: u32) -> Key {
        let mut h = KeyHasher::new("f", "h", "fmt");
        h.arg("n", &n).expect("ok");
        h.finish()
    }

    #[test]
    fn stays_within_capacity_and_keeps_hot_entries() {
        let tier = MemoryTier::new(1000);
        let now = SystemTime::now();
        tier.insert(key(0), Bytes::from(vec![0u8; 100]), now);
        for i in 1..50 {
            assert!(
                tier.get(&key(0), Deadline::default()).is_some(),
                "hot entry evicted at {i}"
            );
            tier.insert(key(i), Bytes::from(vec![0u8; 100]), now);
            let inner = tier.inner.read().expect("lock");
            assert!(inner.bytes <= 1000);
            assert_eq!(
                inner.bytes,
                inner.map.values().map(|s| s.payload.len()).sum::<usize>()
            );
        }
    }

    #[test]
    fn respects_ttl() {
        let tier = MemoryTier::new(1000);
        let hour = Some(std::time::Duration::from_secs(3600));
        let now = SystemTime::now();
        tier.insert(key(1), Bytes::from(vec![1u8]), now);
        assert!(tier.get(&key(1), Deadline::for_ttl(hour)).is_some());
        let old = now - std::time::Duration::from_secs(7200);
        tier.insert(key(2), Bytes::from(vec![2u8]), old);
        assert!(tier.get(&key(2), Deadline::for_ttl(hour)).is_none());
        assert!(tier.get(&key(2), Deadline::default()).is_some());
    }
}
