//! The storage conformance suite: what every [`Storage`] backend promises,
//! as functions that take the backend and panic with a message when it falls
//! short. Each backend's tests call them (the built-in local and memory
//! storage, the remote backends, and yours):
//!
//! ```
//! # pollster::block_on(async {
//! let storage = perscache::MemoryStorage::new();
//! perscache_runtime::testing::conformance(&storage).await;
//! # });
//! ```
//!
//! Enabled by the `testing` feature. Every check works under its own unique
//! prefix (`conformance.<check>/<unique>/…`), so they can run side by side on
//! one backend and against a shared server. The checks are `async`; they
//! spawn threads of their own only in [`concurrent_writers`], which drives the
//! backend with [`pollster`] on each thread (a remote backend's futures must
//! complete on any executor, see [`Storage`]).
//!
//! What the suite does not check: the cache's own promises above storage
//! (checksums, single flight, warnings), which `tests/reliability_*.rs` cover.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;

use crate::storage::Storage;

/// Runs every check that needs no particular configuration: [`round_trip`],
/// [`missing_key`], [`overwrite`], [`ttl_deadline`], [`list_prefix`],
/// [`delete`] and [`concurrent_writers`]. Size limits are checked by
/// [`eviction`], on a storage built with a limit.
pub async fn conformance(storage: &dyn Storage) {
    round_trip(storage).await;
    missing_key(storage).await;
    overwrite(storage).await;
    ttl_deadline(storage).await;
    list_prefix(storage).await;
    delete(storage).await;
    concurrent_writers(storage, 4, 40).await;
}

/// A folder no other check (nor other run) uses: `conformance.<check>/<unique>`.
pub fn unique_prefix(check: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "conformance.{check}/{:x}{:x}{n:x}",
        nanos,
        std::process::id()
    )
}

/// Bytes written come back whole, with a write time near now; empty and
/// larger (1 MiB) entries too.
pub async fn round_trip(storage: &dyn Storage) {
    let prefix = unique_prefix("round_trip");
    let before = SystemTime::now() - Duration::from_secs(60);
    for (name, bytes) in [
        ("empty.bin", Bytes::new()),
        ("small.bin", Bytes::from_static(b"perscache")),
        ("large.bin", Bytes::from(pattern(7, 1 << 20))),
    ] {
        let path = format!("{prefix}/{name}");
        write(storage, &path, bytes.clone()).await;
        let blob = storage
            .read(&path, None)
            .await
            .unwrap_or_else(|e| panic!("{}: reading {path} failed: {e}", storage.name()))
            .unwrap_or_else(|| {
                panic!(
                    "{}: {path} missing right after it was written",
                    storage.name()
                )
            });
        assert!(
            blob.bytes == bytes,
            "{}: {path} came back as {} bytes, {} written",
            storage.name(),
            blob.bytes.len(),
            bytes.len()
        );
        assert!(
            blob.modified > before && blob.modified < SystemTime::now() + Duration::from_secs(60),
            "{}: {path} reports a write time far from now: {:?}",
            storage.name(),
            blob.modified
        );
    }
}

/// A path never written reads as `Ok(None)`, and deleting it is no error.
pub async fn missing_key(storage: &dyn Storage) {
    let path = format!("{}/never-written.bin", unique_prefix("missing_key"));
    let read = storage.read(&path, None).await;
    assert!(
        matches!(read, Ok(None)),
        "{}: missing {path} read as {read:?}, expected Ok(None)",
        storage.name()
    );
    if let Err(e) = storage.delete(&path).await {
        panic!("{}: deleting missing {path} failed: {e}", storage.name());
    }
}

/// A second write replaces the first, including with fewer bytes.
pub async fn overwrite(storage: &dyn Storage) {
    let path = format!("{}/entry.bin", unique_prefix("overwrite"));
    write(storage, &path, Bytes::from(pattern(1, 4096))).await;
    write(storage, &path, Bytes::from_static(b"short")).await;
    let got = read_bytes(storage, &path, None).await;
    assert_eq!(
        got.as_deref(),
        Some(&b"short"[..]),
        "{}: {path} did not hold the second write",
        storage.name()
    );
}

/// `read(path, Some(t))` returns the entry only when it was written after `t`.
pub async fn ttl_deadline(storage: &dyn Storage) {
    let path = format!("{}/entry.bin", unique_prefix("ttl_deadline"));
    write(storage, &path, Bytes::from_static(b"fresh")).await;
    let blob = storage
        .read(&path, None)
        .await
        .unwrap_or_else(|e| panic!("{}: reading {path} failed: {e}", storage.name()))
        .unwrap_or_else(|| {
            panic!(
                "{}: {path} missing right after it was written",
                storage.name()
            )
        });
    let earlier = blob.modified - Duration::from_secs(5);
    assert!(
        read_bytes(storage, &path, Some(earlier)).await.is_some(),
        "{}: {path} hidden by a deadline before its write time",
        storage.name()
    );
    assert!(
        read_bytes(storage, &path, Some(blob.modified))
            .await
            .is_none(),
        "{}: {path} served with a deadline equal to its write time",
        storage.name()
    );
    let later = SystemTime::now() + Duration::from_secs(5);
    assert!(
        read_bytes(storage, &path, Some(later)).await.is_none(),
        "{}: {path} served with a deadline after its write time",
        storage.name()
    );
}

/// `list(prefix)` gives exactly the entries under the prefix, with their sizes.
pub async fn list_prefix(storage: &dyn Storage) {
    let prefix = unique_prefix("list_prefix");
    let mut expected = Vec::new();
    for (dir, n) in [("a", 3), ("b", 2)] {
        for i in 0..n {
            let path = format!("{prefix}/{dir}/{i}.bin");
            write(storage, &path, Bytes::from(pattern(i as u8, 10 + i))).await;
            expected.push((path, 10 + i as u64));
        }
    }
    expected.sort();
    let list = |p: String| async move {
        let mut got: Vec<(String, u64)> = storage
            .list(&p)
            .await
            .unwrap_or_else(|e| panic!("{}: listing {p} failed: {e}", storage.name()))
            .into_iter()
            .map(|e| (e.path, e.size))
            .collect();
        got.sort();
        got
    };
    assert_eq!(
        list(format!("{prefix}/")).await,
        expected,
        "{}: listing {prefix}/",
        storage.name()
    );
    let only_a: Vec<_> = expected
        .iter()
        .filter(|(p, _)| p.contains("/a/"))
        .cloned()
        .collect();
    assert_eq!(
        list(format!("{prefix}/a/")).await,
        only_a,
        "{}: listing {prefix}/a/",
        storage.name()
    );
    let all = list(String::new()).await;
    for e in &expected {
        assert!(
            all.contains(e),
            "{}: listing \"\" misses {}",
            storage.name(),
            e.0
        );
    }
    assert!(
        list(format!("{prefix}/c/")).await.is_empty(),
        "{}: listing an empty prefix found entries",
        storage.name()
    );
}

/// A deleted entry reads as missing and leaves listings; deleting twice is fine.
pub async fn delete(storage: &dyn Storage) {
    let prefix = unique_prefix("delete");
    let path = format!("{prefix}/entry.bin");
    let other = format!("{prefix}/other.bin");
    write(storage, &path, Bytes::from_static(b"x")).await;
    write(storage, &other, Bytes::from_static(b"y")).await;
    for _ in 0..2 {
        if let Err(e) = storage.delete(&path).await {
            panic!("{}: deleting {path} failed: {e}", storage.name());
        }
    }
    assert!(
        read_bytes(storage, &path, None).await.is_none(),
        "{}: {path} still readable after delete",
        storage.name()
    );
    assert!(
        read_bytes(storage, &other, None).await.is_some(),
        "{}: deleting {path} removed {other}",
        storage.name()
    );
    let listed = storage
        .list(&format!("{prefix}/"))
        .await
        .unwrap_or_else(|e| panic!("{}: listing failed: {e}", storage.name()));
    assert_eq!(
        listed.len(),
        1,
        "{}: a deleted entry is still listed",
        storage.name()
    );
}

/// `writers` threads write distinct 64 KiB values to the same path `rounds`
/// times while as many readers read it: every read is one whole value, never
/// a mix, a prefix or an error.
pub async fn concurrent_writers(storage: &dyn Storage, writers: usize, rounds: usize) {
    const SIZE: usize = 64 << 10;
    let path = format!("{}/contended.bin", unique_prefix("concurrent_writers"));
    write(storage, &path, Bytes::from(pattern(0, SIZE))).await;
    std::thread::scope(|scope| {
        for w in 0..writers {
            let path = &path;
            scope.spawn(move || {
                for r in 0..rounds {
                    let value = pattern((w * rounds + r) as u8, SIZE);
                    if let Err(e) = pollster::block_on(storage.write(path, Bytes::from(value))) {
                        panic!("{}: concurrent write to {path} failed: {e}", storage.name());
                    }
                }
            });
            scope.spawn(move || {
                for _ in 0..rounds {
                    match pollster::block_on(storage.read(path, None)) {
                        Ok(Some(blob)) => assert!(
                            is_pattern(&blob.bytes, SIZE),
                            "{}: torn read of {path}: {} bytes, not one whole value",
                            storage.name(),
                            blob.bytes.len()
                        ),
                        Ok(None) => panic!(
                            "{}: {path} vanished during concurrent writes",
                            storage.name()
                        ),
                        Err(e) => {
                            panic!("{}: concurrent read of {path} failed: {e}", storage.name())
                        }
                    }
                }
            });
        }
    });
}

/// On a storage built with a size limit of `max_size` bytes: after each of
/// many writes of `entry_size` bytes, the entries listed total at most
/// `max_size + slack`, the entry just written is readable, and an entry read
/// before every write (the most recently used) survives eviction.
pub async fn eviction(storage: &dyn Storage, max_size: u64, entry_size: usize, slack: u64) {
    let prefix = unique_prefix("eviction");
    let hot = format!("{prefix}/hot.bin");
    write(storage, &hot, Bytes::from(pattern(1, entry_size))).await;
    let writes = (3 * max_size / entry_size.max(1) as u64).clamp(8, 400);
    for i in 0..writes {
        assert!(
            read_bytes(storage, &hot, None).await.is_some(),
            "{}: the most recently used entry was evicted before write {i}",
            storage.name()
        );
        let path = format!("{prefix}/{i}.bin");
        write(storage, &path, Bytes::from(pattern(i as u8, entry_size))).await;
        assert!(
            read_bytes(storage, &path, None).await.is_some(),
            "{}: {path} evicted right after it was written",
            storage.name()
        );
        let total: u64 = storage
            .list("")
            .await
            .unwrap_or_else(|e| panic!("{}: listing failed: {e}", storage.name()))
            .iter()
            .map(|e| e.size)
            .sum();
        assert!(
            total <= max_size + slack,
            "{}: {total} bytes stored after write {i}, limit {max_size} + slack {slack}",
            storage.name()
        );
    }
}

/// `len` bytes: a byte `seed` repeated, then its position-mixed sequence, so a
/// mix of two values or a shifted copy is detected by [`is_pattern`].
pub fn pattern(seed: u8, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| seed ^ (i as u8).wrapping_mul(31))
        .collect()
}

/// Whether `bytes` is one whole [`pattern`] of length `len`, whatever its seed.
pub fn is_pattern(bytes: &[u8], len: usize) -> bool {
    if bytes.len() != len {
        return false;
    }
    let Some(&first) = bytes.first() else {
        return true;
    };
    bytes == pattern(first, len).as_slice()
}

async fn write(storage: &dyn Storage, path: &str, bytes: Bytes) {
    if let Err(e) = storage.write(path, bytes).await {
        panic!("{}: writing {path} failed: {e}", storage.name());
    }
}

async fn read_bytes(
    storage: &dyn Storage,
    path: &str,
    written_after: Option<SystemTime>,
) -> Option<Bytes> {
    storage
        .read(path, written_after)
        .await
        .unwrap_or_else(|e| panic!("{}: reading {path} failed: {e}", storage.name()))
        .map(|b| b.bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{LocalStorage, MemoryStorage};

    #[test]
    fn memory_storage_conforms() {
        pollster::block_on(conformance(&MemoryStorage::new()));
    }

    #[test]
    fn local_storage_conforms() {
        let dir = tempfile::tempdir().expect("tempdir");
        pollster::block_on(conformance(&LocalStorage::new(dir.path())));
    }

    #[test]
    fn local_storage_evicts_least_recently_used() {
        let dir = tempfile::tempdir().expect("tempdir");
        let storage = LocalStorage::builder(dir.path()).max_size(64 << 10).build();
        // One process: its index sees every write, so no slack is needed.
        pollster::block_on(eviction(&storage, 64 << 10, 4 << 10, 0));
    }

    #[test]
    fn patterns_detect_mixes() {
        let a = pattern(1, 100);
        let mut mixed = pattern(2, 100);
        mixed[..50].copy_from_slice(&a[..50]);
        assert!(is_pattern(&a, 100));
        assert!(!is_pattern(&mixed, 100));
        assert!(!is_pattern(&a[..99], 100));
    }
}
