//! The storage conformance suite: what every [`Storage`] backend promises,
//! as functions that take the backend and panic with a message when it falls
//! short. Each backend's tests call them (the built-in local and memory
//! storage, the remote backends, and yours), and [`conformance_wrapped`](crate::testing::conformance_wrapped)
//! runs them on a backend behind every combination of the wrappers
//! ([`OutageBreaker`](crate::OutageBreaker), [`SizeLimited`](crate::SizeLimited),
//! [`SignedStorage`](crate::SignedStorage)):
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
//! spawn threads of their own only in
//! [`concurrent_writers`](crate::testing::concurrent_writers), which drives
//! the backend with [`pollster`] on each thread (a remote backend's futures must
//! complete on any executor, see [`Storage`]).
//!
//! What the suite does not check: the cache's own promises above storage
//! (checksums, single flight, warnings), which `tests/reliability_*.rs` cover.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;

use crate::storage::{OutageBreaker, SignedStorage, SizeLimited, Storage};

/// Runs every check that needs no particular configuration: [`round_trip`],
/// [`missing_key`], [`overwrite`], [`write_times`], [`list_prefix`],
/// [`head`], [`delete`] and [`concurrent_writers`]. Size limits are checked
/// by [`eviction`], on a storage built with a limit.
pub async fn conformance(storage: &dyn Storage) {
    sequential(storage).await;
    concurrent_writers(storage, 4, 40).await;
}

/// Every check of [`conformance`] but [`concurrent_writers`].
async fn sequential(storage: &dyn Storage) {
    round_trip(storage).await;
    missing_key(storage).await;
    overwrite(storage).await;
    write_times(storage).await;
    list_prefix(storage).await;
    head(storage).await;
    delete(storage).await;
}

/// `backend` behind every combination of the wrappers, in the order a cache
/// stacks them (breaker innermost, signing outermost), each with a name
/// such as `"breaker+limit"`. The limit is large enough that the plain
/// checks never evict.
pub fn wrapped(backend: Arc<dyn Storage>) -> Vec<(String, Arc<dyn Storage>)> {
    let mut out = Vec::new();
    for bits in 0..8u8 {
        let mut storage = Arc::clone(&backend);
        let mut name = Vec::new();
        if bits & 1 != 0 {
            storage = Arc::new(OutageBreaker::from_arc(storage));
            name.push("breaker");
        }
        if bits & 2 != 0 {
            storage = Arc::new(SizeLimited::from_arc(storage, 1 << 30));
            name.push("limit");
        }
        if bits & 4 != 0 {
            storage = Arc::new(SignedStorage::from_arc(storage, b"conformance secret"));
            name.push("signed");
        }
        let name = if name.is_empty() {
            "bare".to_owned()
        } else {
            name.join("+")
        };
        out.push((name, storage));
    }
    out
}

/// [`conformance`] on `backend` behind each of the [`wrapped`] combinations,
/// then [`eviction`] behind a small [`SizeLimited`] (with `slack` bytes of
/// room for other writers sharing the backend), bare and signed.
///
/// [`concurrent_writers`], which tests the backend's own atomicity (no
/// wrapper buffers or splits a write), runs bare and behind all three
/// wrappers only: eight rounds of it add load, not coverage (and the S3
/// emulator, moto, fails a request now and then under it).
pub async fn conformance_wrapped(backend: Arc<dyn Storage>, slack: u64) {
    let combinations = wrapped(Arc::clone(&backend));
    let last = combinations.len() - 1;
    for (i, (name, storage)) in combinations.into_iter().enumerate() {
        eprintln!("conformance: {} behind {name}", backend.name());
        if i == 0 || i == last {
            conformance(&*storage).await;
        } else {
            sequential(&*storage).await;
        }
    }
    let limited: Arc<dyn Storage> = Arc::new(SizeLimited::from_arc(Arc::clone(&backend), 64 << 10));
    eviction(&*limited, 64 << 10, 4 << 10, slack).await;
    let signed = SignedStorage::from_arc(
        Arc::new(SizeLimited::from_arc(backend, 64 << 10)),
        b"conformance secret",
    );
    eviction(&signed, 64 << 10, 4 << 10, slack).await;
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
        let blob = read_blob(storage, &path).await;
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
    let read = storage.read(&path).await;
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
    let got = read_bytes(storage, &path).await;
    assert_eq!(
        got.as_deref(),
        Some(&b"short"[..]),
        "{}: {path} did not hold the second write",
        storage.name()
    );
}

/// Every blob carries its write time (the start of an entry's time to
/// live, which the cache judges): `read` and `list` agree on it, and a
/// rewrite's is not earlier than the first write's. They agree to within a
/// second or two, not exactly: behind a [`SignedStorage`]
/// a read reports the signed time (taken, to the millisecond, just before
/// the write), which no listing can see.
pub async fn write_times(storage: &dyn Storage) {
    let prefix = unique_prefix("write_times");
    let path = format!("{prefix}/entry.bin");
    write(storage, &path, Bytes::from_static(b"first")).await;
    let first = read_blob(storage, &path).await.modified;
    write(storage, &path, Bytes::from_static(b"second")).await;
    let second = read_blob(storage, &path).await.modified;
    assert!(
        second >= first,
        "{}: {path} rewritten at {second:?}, before its first write at {first:?}",
        storage.name()
    );
    let listed = storage
        .list(&prefix)
        .await
        .unwrap_or_else(|e| panic!("{}: listing {prefix} failed: {e}", storage.name()));
    let listed = listed
        .iter()
        .find(|i| i.path == path)
        .unwrap_or_else(|| panic!("{}: {path} missing from its listing", storage.name()));
    let apart = listed
        .modified
        .duration_since(second)
        .or_else(|_| second.duration_since(listed.modified))
        .unwrap_or_default();
    assert!(
        apart <= std::time::Duration::from_secs(2),
        "{}: {path}: the listing ({:?}) and the read ({second:?}) disagree on its write time",
        storage.name(),
        listed.modified
    );
}

/// `head` says what a listing says of one path, and `None` for a missing one.
pub async fn head(storage: &dyn Storage) {
    let prefix = unique_prefix("head");
    let path = format!("{prefix}/entry.bin");
    write(storage, &path, Bytes::from(pattern(3, 300))).await;
    let head = storage
        .head(&path)
        .await
        .unwrap_or_else(|e| panic!("{}: head of {path} failed: {e}", storage.name()))
        .unwrap_or_else(|| panic!("{}: head of {path} found nothing", storage.name()));
    let listed = storage
        .list(&path)
        .await
        .unwrap_or_else(|e| panic!("{}: listing {path} failed: {e}", storage.name()));
    let listed = listed
        .iter()
        .find(|i| i.path == path)
        .unwrap_or_else(|| panic!("{}: {path} missing from its listing", storage.name()));
    assert_eq!(
        (head.path.as_str(), head.size, head.modified),
        (listed.path.as_str(), listed.size, listed.modified),
        "{}: head and list disagree on {path}",
        storage.name()
    );
    assert_eq!(head.size, 300, "{}: head of {path}", storage.name());
    let missing = format!("{prefix}/missing.bin");
    let none = storage.head(&missing).await;
    assert!(
        matches!(none, Ok(None)),
        "{}: head of missing {missing} gave {none:?}",
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
        read_bytes(storage, &path).await.is_none(),
        "{}: {path} still readable after delete",
        storage.name()
    );
    assert!(
        read_bytes(storage, &other).await.is_some(),
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

/// Leases are exclusive ([`Storage::try_lease`]): taken once, refused while
/// held, taken again once released or expired. A lease may outlive its
/// length by up to a second (object stores keep write times to the second),
/// never fall short of it. Not part of
/// [`conformance`], since a storage may take no part in leases (the
/// default grants every one); the built-in backends run it.
pub async fn leases(storage: &dyn Storage) {
    let name = storage.name();
    let path = format!("{}/_lease.0123", unique_prefix("leases"));
    let path = path.as_str();
    let long = Duration::from_secs(60);
    let take = |ttl| async move {
        storage
            .try_lease(path, ttl)
            .await
            .unwrap_or_else(|e| panic!("{name}: taking a lease failed: {e}"))
    };
    assert!(take(long).await, "{name}: a free lease is granted");
    assert!(!take(long).await, "{name}: a held lease is refused");
    storage
        .delete(path)
        .await
        .unwrap_or_else(|e| panic!("{name}: releasing a lease failed: {e}"));
    // A holder that never releases it (it crashed): past its length, it
    // goes to the next.
    let short = Duration::from_secs(1);
    assert!(take(short).await, "{name}: a released lease is granted");
    assert!(!take(short).await, "{name}: a held lease is refused");
    std::thread::sleep(Duration::from_millis(2100));
    assert!(take(short).await, "{name}: an expired lease is granted");
    let _ = storage.delete(path).await;
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
                    match pollster::block_on(storage.read(path)) {
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
/// `max_size + slack`, the entry just written is readable, an entry read
/// before every write (the most recently used) survives eviction, and
/// what is not an entry (statistics, a record, a stray file) is never
/// removed. Paths are entries in perscache's layout (only those count).
pub async fn eviction(storage: &dyn Storage, max_size: u64, entry_size: usize, slack: u64) {
    let folder = format!(
        "{}/0123456789abcdef",
        unique_prefix("eviction").replace('/', ".u")
    );
    let entry = |i: u64| format!("{folder}/{i:032x}.bin");
    let keep = [
        format!("{folder}/_ws.unknown.record"),
        format!(
            "{}/_stats.json",
            folder.split('/').next().unwrap_or_default()
        ),
        format!("{folder}/notes.txt"),
    ];
    for path in &keep {
        write(storage, path, Bytes::from(pattern(9, 100))).await;
    }
    let hot = entry(u64::MAX);
    write(storage, &hot, Bytes::from(pattern(1, entry_size))).await;
    let writes = (3 * max_size / entry_size.max(1) as u64).clamp(8, 400);
    for i in 0..writes {
        assert!(
            read_bytes(storage, &hot).await.is_some(),
            "{}: the most recently used entry was evicted before write {i}",
            storage.name()
        );
        let path = entry(i);
        write(storage, &path, Bytes::from(pattern(i as u8, entry_size))).await;
        assert!(
            read_bytes(storage, &path).await.is_some(),
            "{}: {path} evicted right after it was written",
            storage.name()
        );
        let total: u64 = storage
            .list("")
            .await
            .unwrap_or_else(|e| panic!("{}: listing failed: {e}", storage.name()))
            .iter()
            .filter(|e| crate::entry::classify(&e.path).is_entry())
            .map(|e| e.size)
            .sum();
        assert!(
            total <= max_size + slack,
            "{}: {total} bytes of entries stored after write {i}, limit {max_size} + slack {slack}",
            storage.name()
        );
    }
    for path in &keep {
        assert!(
            read_bytes(storage, path).await.is_some(),
            "{}: {path}, not an entry, was evicted",
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

async fn read_bytes(storage: &dyn Storage, path: &str) -> Option<Bytes> {
    storage
        .read(path)
        .await
        .unwrap_or_else(|e| panic!("{}: reading {path} failed: {e}", storage.name()))
        .map(|b| b.bytes)
}

async fn read_blob(storage: &dyn Storage, path: &str) -> crate::Blob {
    storage
        .read(path)
        .await
        .unwrap_or_else(|e| panic!("{}: reading {path} failed: {e}", storage.name()))
        .unwrap_or_else(|| {
            panic!(
                "{}: {path} missing right after it was written",
                storage.name()
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{LocalStorage, MemoryStorage};

    // One process: the limit's index sees every write, so no slack is needed.

    #[test]
    fn memory_storage_conforms_behind_every_wrapper() {
        pollster::block_on(conformance_wrapped(Arc::new(MemoryStorage::new()), 0));
    }

    #[test]
    fn local_storage_conforms_behind_every_wrapper() {
        let dir = tempfile::tempdir().expect("tempdir");
        pollster::block_on(conformance_wrapped(
            Arc::new(LocalStorage::new(dir.path())),
            0,
        ));
    }

    #[test]
    fn local_and_memory_leases_are_exclusive() {
        let dir = tempfile::tempdir().expect("tempdir");
        pollster::block_on(leases(&LocalStorage::new(dir.path())));
        pollster::block_on(leases(&MemoryStorage::new()));
        let signed = SignedStorage::new(LocalStorage::new(dir.path()), b"secret");
        pollster::block_on(leases(&crate::OutageBreaker::new(signed)));
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

/// Bodies of the `cargo fuzz` targets in `fuzz/`, shared with the short
/// fuzzing test that CI runs (`tests/reliability_fuzz.rs`). Each takes any
/// bytes and must neither panic nor allocate what a hostile length asks for.
pub mod fuzz {
    use std::sync::Arc;

    use serde::{Deserialize, Serialize};

    use crate::call::{call_sync, Always, Options, Site};
    use crate::entry::fuzzing as frame;
    use crate::entry::{code_folder, function_dir};
    use crate::format::{AnyFormat, Codec, Compression, Format};
    use crate::key::{CallKey, KeyHasher};
    use crate::storage::{MemoryStorage, Storage};
    use crate::Cache;

    /// A value with the shapes decoders get wrong: strings, sequences,
    /// options, nesting.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Sample {
        /// Text.
        pub name: String,
        /// A sequence with a length prefix.
        pub values: Vec<u64>,
        /// An option.
        pub flag: Option<bool>,
        /// Nesting.
        pub pairs: Vec<(i32, String)>,
    }

    impl Sample {
        /// A small example.
        pub fn example() -> Sample {
            Sample {
                name: "perscache".into(),
                values: vec![1, 2, 300, u64::MAX],
                flag: Some(true),
                pairs: vec![(-1, "a".into()), (7, String::new())],
            }
        }
    }

    /// A recursive type: hostile bytes can nest it as deep as they are
    /// long, which a decoder without a depth limit follows into a stack
    /// overflow.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub enum Tree {
        /// The end.
        Leaf,
        /// One level more.
        Node(Box<Tree>),
        /// Several subtrees.
        Branches(Vec<Tree>),
    }

    /// `payload` in the frame binary entries are stored in.
    pub fn framed(payload: &[u8], compression: Compression) -> Vec<u8> {
        let mut buf = frame::begin();
        buf.extend_from_slice(payload);
        frame::seal(&mut buf, compression);
        buf
    }

    /// `bytes` compressed as the `zstd` formats compress payloads.
    #[cfg(feature = "zstd")]
    pub fn zstd(bytes: &[u8]) -> Vec<u8> {
        ::zstd::stream::encode_all(bytes, 3).unwrap_or_default()
    }

    /// A flat record, for the table formats.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Row {
        /// An integer column.
        pub id: i64,
        /// A text column.
        pub label: String,
        /// A nullable column.
        pub score: Option<f64>,
    }

    /// Every built-in format compiled in, plain and (with the `zstd`
    /// feature) compressed.
    pub fn formats() -> Vec<AnyFormat> {
        let mut out = Vec::new();
        for name in AnyFormat::names() {
            for spelled in [name.to_owned(), format!("{name}+zstd")] {
                if let Ok(f) = spelled.parse::<AnyFormat>() {
                    out.push(f);
                }
            }
        }
        out
    }

    /// The entry frame: a frame is accepted only if it is exactly what
    /// sealing its payload produces.
    pub fn entry(data: &[u8]) {
        for compression in [Compression::None, Compression::Zstd] {
            if let Ok(payload) = frame::open(data, compression) {
                let mut again = frame::begin();
                again.extend_from_slice(payload);
                frame::seal(&mut again, compression);
                assert_eq!(
                    again, data,
                    "a frame that sealing would not produce was accepted"
                );
            }
        }
    }

    /// Each format's decoder on raw bytes, for a few target types; what
    /// decodes must encode and decode back to itself.
    pub fn decode(data: &[u8]) {
        for f in formats() {
            if let Ok(v) = Codec::<Sample>::decode(&f, data) {
                let mut buf = Vec::new();
                if Codec::<Sample>::encode(&f, &v, &mut buf).is_ok() {
                    let back: Sample = Codec::decode(&f, &buf)
                        .unwrap_or_else(|e| panic!("{}: re-decode failed: {e}", f.name()));
                    assert_eq!(back, v, "{}: round trip changed a decoded value", f.name());
                }
            }
            let _ = Codec::<Vec<u64>>::decode(&f, data);
            let _ = Codec::<String>::decode(&f, data);
            let _ = Codec::<Vec<Vec<u8>>>::decode(&f, data);
            let _ = Codec::<Tree>::decode(&f, data);
        }
        tables(data);
    }

    /// The table formats' decoders (CSV, Parquet), when compiled in.
    #[allow(unused_variables)]
    pub fn tables(data: &[u8]) {
        #[cfg(feature = "csv")]
        let _ = Codec::<Vec<Row>>::decode(&crate::format::Csv, data);
        #[cfg(feature = "parquet")]
        let _ = Codec::<Vec<Row>>::decode(&crate::format::Parquet, data);
    }

    /// Valid CSV and Parquet encodings of a few rows, when compiled in.
    #[cfg(any(feature = "csv", feature = "parquet"))]
    fn table_seeds() -> Vec<Vec<u8>> {
        let rows = [
            Row {
                id: 1,
                label: "one".into(),
                score: Some(0.5),
            },
            Row {
                id: -2,
                label: "two, \"quoted\"".into(),
                score: None,
            },
        ]
        .to_vec();
        let mut out = Vec::new();
        #[cfg(feature = "csv")]
        {
            let mut buf = Vec::new();
            if Codec::<Vec<Row>>::encode(&crate::format::Csv, &rows, &mut buf).is_ok() {
                out.push(buf);
            }
        }
        #[cfg(feature = "parquet")]
        {
            let mut buf = Vec::new();
            if Codec::<Vec<Row>>::encode(&crate::format::Parquet, &rows, &mut buf).is_ok() {
                out.push(buf);
            }
        }
        out
    }

    #[cfg(not(any(feature = "csv", feature = "parquet")))]
    fn table_seeds() -> Vec<Vec<u8>> {
        Vec::new()
    }

    static SITE: Site = Site::new(
        "perscache_fuzz::read_path",
        "fuzz0000fuzz0000",
        "fuzz0000fuzz0000",
    );

    /// The whole read path: the first byte picks a format, the rest is the
    /// stored entry. The call must return the computed value or a value the
    /// format decoded, with at most a warning, and never panic.
    pub fn read_path(data: &[u8]) {
        let Some((&pick, stored)) = data.split_first() else {
            return;
        };
        let formats = formats();
        let format = formats[usize::from(pick) % formats.len()];
        let storage = MemoryStorage::new();
        let key = {
            let mut h = KeyHasher::new(SITE.function(), SITE.code_hash(), format.name());
            h.arg("n", &1u32).map(|()| h.finish_call())
        };
        let Ok(k) = key.as_ref().map(CallKey::digest) else {
            return;
        };
        let path = format!(
            "{}/{}/{}.{}",
            function_dir(SITE.function()),
            code_folder(SITE.code_hash()),
            k.to_hex(),
            format.extension()
        );
        if pollster::block_on(storage.write(&path, bytes::Bytes::copy_from_slice(stored))).is_err()
        {
            return;
        }
        let shared: Arc<dyn Storage> = Arc::new(storage);
        let cache = Cache::builder().storage_arc(shared).format(format).build();
        let computed = Sample::example();
        let got = call_sync::<Sample, Always, _>(
            &cache,
            &SITE,
            &key,
            &format,
            Options::default(),
            || computed.clone(),
        );
        // A hit is fine only if it decodes from what was stored; re-encoding
        // it must work (no half-built values).
        let mut buf = Vec::new();
        assert!(Codec::<Sample>::encode(&format, &got, &mut buf).is_ok());
    }

    /// Valid stored entries of every format, and hostile ones (huge declared
    /// lengths), as seeds for fuzzing and the short test.
    pub fn seeds() -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for (i, f) in formats().iter().enumerate() {
            let mut payload = Vec::new();
            if Codec::<Sample>::encode(f, &Sample::example(), &mut payload).is_err() {
                continue;
            }
            let stored = if f.framed() {
                let mut buf = frame::begin();
                buf.extend_from_slice(&payload);
                frame::seal(&mut buf, f.compression());
                buf
            } else {
                payload.clone()
            };
            out.push(payload);
            let mut picked = vec![i as u8];
            picked.extend_from_slice(&stored);
            out.push(stored);
            out.push(picked);
        }
        out.extend(table_seeds());
        // A frame declaring 2^62 payload bytes.
        let mut huge = frame::begin();
        huge[..4].copy_from_slice(b"PCS\x01");
        huge[4] = 1;
        huge[8..16].copy_from_slice(&(1u64 << 62).to_le_bytes());
        out.push(huge);
        // Postcard sequences and strings declaring 2^60 elements.
        let mut varint = Vec::new();
        let mut n: u64 = 1 << 60;
        while n >= 0x80 {
            varint.push((n as u8) | 0x80);
            n >>= 7;
        }
        varint.push(n as u8);
        let mut seq = vec![9u8];
        seq.extend_from_slice(&varint);
        out.push(seq);
        out.push(varint.clone());
        // MessagePack array32 / CBOR array with 2^32-1 elements; a JSON of deep nesting.
        out.push(vec![0xdd, 0xff, 0xff, 0xff, 0xff]);
        out.push(vec![0x9b, 0x0f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
        // (Deeper is slow in YAML: 100,000 brackets took 13 s in a debug build.)
        out.push(vec![b'['; 4_000]);
        // A zstd frame header claiming a 2^40-byte content size.
        out.push(vec![
            0x28, 0xb5, 0x2f, 0xfd, 0xe4, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
        ]);
        out
    }
}
