//! A local folder in front of shared storage, through the public API: each
//! `Cache` built here stands for one machine (its own local folder) sharing
//! one storage (a bucket, here in memory, with its reads counted).

mod common;

use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use perscache::{persist, Blob, Bytes, Cache, EntryInfo, MemoryStorage, Storage};

/// The shared storage, counting the entries read from it.
#[derive(Debug, Default)]
struct Bucket {
    inner: MemoryStorage,
    reads: AtomicUsize,
}

#[perscache::async_trait]
impl Storage for Bucket {
    fn name(&self) -> &'static str {
        "bucket"
    }
    async fn read(&self, path: &str) -> perscache::Result<Option<Blob>> {
        self.reads.fetch_add(1, SeqCst);
        self.inner.read(path).await
    }
    async fn write(&self, path: &str, bytes: Bytes) -> perscache::Result<()> {
        self.inner.write(path, bytes).await
    }
    async fn delete(&self, path: &str) -> perscache::Result<()> {
        self.inner.delete(path).await
    }
    async fn list(&self, prefix: &str) -> perscache::Result<Vec<EntryInfo>> {
        self.inner.list(prefix).await
    }
}

/// The machine the marked functions run on now.
static MACHINE: Mutex<Option<Arc<Cache>>> = Mutex::new(None);
/// One test at a time: they switch machines.
static SERIAL: Mutex<()> = Mutex::new(());

fn machine() -> Arc<Cache> {
    MACHINE
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
        .expect("a machine is set")
}

/// A new machine on `bucket`, with a fresh local folder, returned too.
fn switch_to_new_machine(
    bucket: &Arc<Bucket>,
    configure: impl FnOnce(perscache::CacheBuilder) -> perscache::CacheBuilder,
) -> std::path::PathBuf {
    let local = common::temp_dir();
    let cache = configure(
        Cache::builder()
            .storage_arc(bucket.clone())
            .local_tier(&local, 1 << 20),
    )
    .build();
    *MACHINE.lock().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(cache));
    local
}

static CALLS: AtomicU32 = AtomicU32::new(0);

#[persist(cache = machine())]
fn report(day: u32) -> String {
    let n = CALLS.fetch_add(1, SeqCst);
    format!("report {day} #{n}")
}

#[test]
fn an_entry_is_read_from_the_bucket_once_per_machine() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let bucket = Arc::new(Bucket::default());
    switch_to_new_machine(&bucket, |b| b.strict(true));
    let first = report(1);
    let calls = CALLS.load(SeqCst);

    // Another machine: the bucket answers once, its local folder after.
    let local = switch_to_new_machine(&bucket, |b| b.strict(true));
    let reads = bucket.reads.load(SeqCst);
    assert_eq!(report(1), first);
    assert_eq!(bucket.reads.load(SeqCst), reads + 1, "read from the bucket");
    for _ in 0..3 {
        assert_eq!(report(1), first);
    }
    assert_eq!(bucket.reads.load(SeqCst), reads + 1, "then from the folder");
    assert_eq!(CALLS.load(SeqCst), calls, "never computed again");
    assert_eq!(
        common::files(&local)
            .iter()
            .filter(|f| f.ends_with(".bin"))
            .count(),
        1,
        "one entry copied into the local folder"
    );

    // A result computed on this machine goes to the bucket too.
    let second = report(2);
    switch_to_new_machine(&bucket, |b| b.strict(true));
    assert_eq!(report(2), second);
    assert_eq!(CALLS.load(SeqCst), calls + 1);
}

#[test]
fn a_storage_url_can_ask_for_a_local_tier() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    // A shared folder stands for the bucket; each machine has its own tier.
    let shared = common::temp_dir();
    let on_machine = |local: &std::path::Path| {
        let url = format!(
            "file://{}?local_tier={}&local_tier_size=1MiB",
            shared.display(),
            local.display()
        );
        let cache = Cache::builder()
            .url(&url)
            .expect("a valid URL")
            .strict(true);
        *MACHINE.lock().unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(cache.build()));
    };
    let (first_local, second_local) = (common::temp_dir(), common::temp_dir());
    on_machine(&first_local);
    let first = report(30);
    let calls = CALLS.load(SeqCst);
    on_machine(&second_local);
    assert_eq!(report(30), first);
    assert_eq!(CALLS.load(SeqCst), calls, "served from the shared folder");
    let entries = |dir: &std::path::Path| {
        common::files(dir)
            .into_iter()
            .filter(|f| f.ends_with(".bin"))
            .count()
    };
    assert_eq!(entries(&second_local), 1, "copied into the machine's tier");
    assert_eq!(entries(&shared), 1, "the shared folder holds the entry");
    assert!(
        !common::files(&shared)
            .iter()
            .any(|f| f.contains("local_tier=")),
        "the query is not part of the shared folder's path"
    );
}

#[test]
fn a_copy_expires_with_its_original() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let bucket = Arc::new(Bucket::default());
    let ttl = Duration::from_millis(600);
    switch_to_new_machine(&bucket, |b| b.ttl(ttl).strict(true));
    let first = report(10);
    std::thread::sleep(Duration::from_millis(300));

    // Copied 300 ms after it was written, with the bucket's write time: it
    // expires 600 ms after the write, not after the copy.
    switch_to_new_machine(&bucket, |b| b.ttl(ttl).strict(true));
    assert_eq!(report(10), first);
    std::thread::sleep(Duration::from_millis(400));
    let calls = CALLS.load(SeqCst);
    assert_ne!(report(10), first, "expired in both tiers: computed again");
    assert_eq!(CALLS.load(SeqCst), calls + 1);
}

#[test]
fn a_tampered_copy_is_refused_when_entries_are_signed() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let bucket = Arc::new(Bucket::default());
    let secret = b"a team secret of some length";
    let local = switch_to_new_machine(&bucket, |b| b.secret(secret));
    let first = report(20);

    // Someone with access to this machine's folder swaps the entry's bytes.
    let entry = common::files(&local)
        .into_iter()
        .find(|f| f.ends_with(".bin"))
        .expect("an entry in the local folder");
    std::fs::write(local.join(&entry), b"planted").expect("write");
    let calls = CALLS.load(SeqCst);
    let again = report(20);
    assert_ne!(again, "planted");
    assert!(again.starts_with("report 20 #"));
    assert!(
        again == first || CALLS.load(SeqCst) == calls + 1,
        "served from the bucket or computed, never the planted bytes"
    );
}
