//! The remote backends (issue 5) against real servers on loopback: moto for
//! S3, fake-gcs-server for GCS, Azurite for Azure Blob, redis-server for Redis.
//! `scripts/test-servers/start.sh` starts them and writes the variables these
//! tests read; `scripts/ci-storage.sh` does everything. Without a backend's
//! variable its tests print why and pass, unless
//! `PERSCACHE_TEST_REQUIRE_SERVERS=1`, where a missing server fails them.
//!
//! Every backend runs the same checks: the conformance suite
//! (`perscache_runtime::testing`, with the `testing` feature), the storage
//! contract, TTL, `max_size` eviction, formats, two processes sharing entries
//! without torn reads,
//! secrets kept out of `Debug`, errors and logs, outages, and calls from
//! inside and outside tokio.
#![cfg(any(feature = "s3", feature = "gcs", feature = "azure", feature = "redis"))]

use std::io::Write;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, LazyLock, Mutex, Once, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use perscache::{open_url, Bytes, Cache, CacheBuilder, Storage};
use serde::{Deserialize, Serialize};

/// One backend under test.
#[derive(Debug, Clone, Copy)]
struct Backend {
    /// `s3`, `gcs`, `azure`, `redis`: also the script's name for its server.
    name: &'static str,
    /// The variable holding its base URL.
    var: &'static str,
    /// Its index in [`LOCKS`].
    slot: usize,
}

/// Outage tests stop a server: they hold the write lock of their backend,
/// every other test of that backend a read lock.
static LOCKS: [RwLock<()>; 4] = [
    RwLock::new(()),
    RwLock::new(()),
    RwLock::new(()),
    RwLock::new(()),
];

impl Backend {
    /// This backend's base URL, or `None` (after saying why) when its server
    /// is not configured.
    fn url(&self) -> Option<String> {
        if let Ok(url) = std::env::var(self.var) {
            return Some(url);
        }
        if std::env::var("PERSCACHE_TEST_REQUIRE_SERVERS").is_ok_and(|v| v == "1") {
            panic!(
                "{} is not set but PERSCACHE_TEST_REQUIRE_SERVERS=1",
                self.var
            );
        }
        static SAID: [Once; 4] = [Once::new(), Once::new(), Once::new(), Once::new()];
        SAID[self.slot].call_once(|| {
            // Straight to stderr: the test harness captures `eprintln!`.
            let _ = writeln!(
                std::io::stderr(),
                "storage_remote: skipping the {} tests: {} is not set (run scripts/test-servers/start.sh \
                 and source its env file, or scripts/ci-storage.sh)",
                self.name,
                self.var
            );
        });
        None
    }

    fn shared(&self) -> RwLockReadGuard<'static, ()> {
        LOCKS[self.slot].read().unwrap_or_else(|p| p.into_inner())
    }

    fn exclusive(&self) -> RwLockWriteGuard<'static, ()> {
        LOCKS[self.slot].write().unwrap_or_else(|p| p.into_inner())
    }

    /// The storage URL of a fresh area `prefix` of this backend.
    fn url_at(&self, prefix: &str) -> String {
        let base = self.url().expect("checked by the caller");
        if self.name == "redis" {
            let sep = if base.contains('?') { '&' } else { '?' };
            format!("{base}{sep}prefix=perscache-test:{prefix}:")
        } else {
            format!("{}/{prefix}", base.trim_end_matches('/'))
        }
    }

    fn storage(&self, prefix: &str, max_size: Option<u64>) -> Arc<dyn Storage> {
        open_url(&self.url_at(prefix), max_size).expect("the test server's URL opens")
    }

    /// A storage built in code (not from a URL) with a short timeout and no
    /// retries, for the paused-server test.
    fn storage_with_timeout(&self, prefix: &str, timeout: Duration) -> Arc<dyn Storage> {
        self.storage_in_code(prefix, Some(timeout))
    }

    /// The backend built in code, with no wrapper: with `timeout`, that
    /// timeout and no retries; else the backend's defaults.
    fn storage_in_code(&self, prefix: &str, timeout: Option<Duration>) -> Arc<dyn Storage> {
        let (timeout, retries) = match timeout {
            Some(t) => (t, 0),
            None => (Duration::from_secs(30), 2),
        };
        let url = self.url().expect("checked by the caller");
        let bucket = || {
            url::Url::parse(&url)
                .ok()
                .and_then(|u| u.host_str().map(str::to_owned))
                .unwrap_or_default()
        };
        match self.name {
            #[cfg(feature = "redis")]
            "redis" => Arc::new(
                perscache::RedisStorage::builder(&self.url_at(prefix))
                    .timeout(timeout.min(Duration::from_secs(5)))
                    .build()
                    .expect("opens"),
            ),
            #[cfg(feature = "s3")]
            "s3" => Arc::new(
                perscache::ObjectStorage::s3(&bucket())
                    .prefix(prefix)
                    .timeout(timeout)
                    .retries(retries)
                    .build()
                    .expect("opens"),
            ),
            #[cfg(feature = "gcs")]
            "gcs" => Arc::new(
                perscache::ObjectStorage::gcs(&bucket())
                    .prefix(prefix)
                    .timeout(timeout)
                    .retries(retries)
                    .build()
                    .expect("opens"),
            ),
            #[cfg(feature = "azure")]
            "azure" => Arc::new(
                perscache::ObjectStorage::azure(&bucket())
                    .prefix(prefix)
                    .timeout(timeout)
                    .retries(retries)
                    .build()
                    .expect("opens"),
            ),
            other => unreachable!("no backend {other} in this build ({})", bucket()),
        }
    }

    /// Sends `signal` to this backend's server process.
    fn signal(&self, signal: &str) {
        let dir = std::env::var("PERSCACHE_TEST_SERVERS_DIR").expect("set by start.sh");
        let pid =
            std::fs::read_to_string(format!("{dir}/{}.pid", self.name)).expect("the server runs");
        let ok = Command::new("kill")
            .args([signal, pid.trim()])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "kill {signal} {}", pid.trim());
    }

    fn cache(&self, prefix: &str, f: impl FnOnce(CacheBuilder) -> CacheBuilder) -> Cache {
        f(Cache::builder().storage_arc(self.storage(prefix, None))).build()
    }

    /// The secrets the test servers were given, which must never show.
    fn secrets(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Ok(v) = std::env::var("AWS_SECRET_ACCESS_KEY") {
            out.push(v);
        }
        if let Ok(conn) = std::env::var("AZURE_STORAGE_CONNECTION_STRING") {
            for part in conn.split(';') {
                if let Some(key) = part.strip_prefix("AccountKey=") {
                    out.push(key.to_owned());
                }
            }
        }
        if let Ok(url) = std::env::var("PERSCACHE_TEST_REDIS_URL") {
            if let Some(password) = url::Url::parse(&url)
                .ok()
                .and_then(|u| u.password().map(str::to_owned))
            {
                out.push(password);
            }
        }
        out
    }

    fn assert_hidden(&self, what: &str, text: &str) {
        for secret in self.secrets() {
            assert!(
                !text.contains(&secret),
                "{}: a secret shows in {what}: {text}",
                self.name
            );
        }
    }

    /// Runs `scripts/test-servers/<script>.sh <name>`.
    fn server(&self, script: &str) {
        let dir = std::env::var("PERSCACHE_TEST_SERVERS")
            .expect("PERSCACHE_TEST_SERVERS is set by start.sh");
        let status = Command::new("bash")
            .arg(format!("{dir}/{script}.sh"))
            .arg(self.name)
            .status()
            .expect("the server script runs");
        assert!(status.success(), "{script}.sh {} failed", self.name);
    }
}

/// A name no earlier run used, so entries left on the servers never hit.
fn fresh(what: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{what}-{}-{nanos}", std::process::id())
}

/// Everything this process logs, every thread, every level from debug up.
fn logs() -> &'static Mutex<Vec<u8>> {
    static LOGS: LazyLock<Mutex<Vec<u8>>> = LazyLock::new(|| {
        struct Sink;
        impl Write for Sink {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                logs()
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .with_writer(|| Sink)
            .finish();
        let _ = tracing::subscriber::set_global_default(subscriber);
        Mutex::new(Vec::new())
    });
    &LOGS
}

fn log_len() -> usize {
    logs().lock().unwrap_or_else(|p| p.into_inner()).len()
}

fn logs_since(at: usize) -> String {
    let logs = logs().lock().unwrap_or_else(|p| p.into_inner());
    String::from_utf8_lossy(&logs[at.min(logs.len())..]).into_owned()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Record {
    id: u32,
    name: String,
    scores: Vec<f64>,
}

fn record(id: u32) -> Record {
    Record {
        id,
        name: format!("record {id}"),
        scores: vec![id as f64 / 2.0, 1.5],
    }
}

// ---------------------------------------------------------------------------
// The checks, each on any backend.

/// Round trip, missing key, replace, the read deadline, listing with sizes
/// and exact string prefixes, delete: driven by `pollster`, not tokio, so
/// the futures complete on any executor.
fn storage_contract(b: &Backend) {
    let s = b.storage(&fresh("contract"), None);
    pollster::block_on(async {
        let path = "app.f/0123abcd/a.bin";
        assert!(s.read(path).await.expect("read").is_none(), "missing key");
        s.write(path, Bytes::from_static(b"hello"))
            .await
            .expect("write");
        let blob = s.read(path).await.expect("read").expect("present");
        assert_eq!(&blob.bytes[..], b"hello");
        let skew = match SystemTime::now().duration_since(blob.modified) {
            Ok(d) => d,
            Err(e) => e.duration(),
        };
        assert!(
            skew < Duration::from_secs(5),
            "write time {:?} is far from now",
            blob.modified
        );
        let head = s.head(path).await.expect("head").expect("present");
        assert_eq!((head.size, head.modified), (5, blob.modified));

        s.write(path, Bytes::from_static(b"world!"))
            .await
            .expect("replace");
        assert_eq!(
            &s.read(path).await.expect("read").expect("present").bytes[..],
            b"world!"
        );

        s.write("app.f/0123abcd2/b.json", Bytes::from_static(b"{}"))
            .await
            .expect("write");
        s.write("app.f/0123abcdx/c.bin", Bytes::from(vec![7u8; 1000]))
            .await
            .expect("write");
        s.write("app.g/99/d.bin", Bytes::from_static(b"d"))
            .await
            .expect("write");
        let all = s.list("").await.expect("list");
        let listed: Vec<(&str, u64)> = all.iter().map(|e| (e.path.as_str(), e.size)).collect();
        assert_eq!(
            listed,
            [
                ("app.f/0123abcd/a.bin", 6),
                ("app.f/0123abcd2/b.json", 2),
                ("app.f/0123abcdx/c.bin", 1000),
                ("app.g/99/d.bin", 1),
            ]
        );
        assert_eq!(
            s.list("app.f/0123abcd").await.expect("list").len(),
            3,
            "a string prefix"
        );
        assert_eq!(
            s.list("app.f/0123abcd/").await.expect("list").len(),
            1,
            "a folder"
        );
        assert_eq!(s.list("app.h").await.expect("list").len(), 0);

        s.delete(path).await.expect("delete");
        s.delete(path)
            .await
            .expect("deleting a missing entry is fine");
        assert!(s.read(path).await.expect("read").is_none());
        assert!(s.list("app.f/0123abcd/").await.expect("list").is_empty());
    });
}

/// `max_size` keeps the total under the limit, evicting the least recently
/// used entry first.
fn max_size_evicts_least_recently_used(b: &Backend) {
    let s = b.storage(&fresh("lru"), Some(3000));
    // Entries in perscache's layout: only those count against the limit.
    let entry = |name: &str| format!("app.f/0123456789abcdef/{:0>32}.bin", name);
    pollster::block_on(async {
        let kb = || Bytes::from(vec![1u8; 1000]);
        s.write("app.f/_stats.json", kb()).await.expect("write");
        for name in ["a", "b", "c"] {
            s.write(&entry(name), kb()).await.expect("write");
        }
        assert!(
            s.read(&entry("a")).await.expect("read").is_some(),
            "a is used"
        );
        s.write(&entry("d"), kb()).await.expect("write");
        s.write(&entry("e"), kb()).await.expect("write");
        let left = s.list("").await.expect("list");
        let names: Vec<&str> = left.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            names,
            [
                &*entry("a"),
                &*entry("d"),
                &*entry("e"),
                "app.f/_stats.json"
            ],
            "b and c were least recently used; the statistics are not an entry"
        );
    });
}

/// A sync function with a time to live: a hit within it, a miss after it.
fn ttl_through_the_cache(b: &Backend, call: impl Fn(u32) -> Record, calls: &AtomicUsize) {
    assert_eq!(call(1), record(1));
    assert_eq!(call(1), record(1));
    assert_eq!(
        calls.load(SeqCst),
        1,
        "{}: the second call is a hit",
        b.name
    );
    // Some servers keep write times to the second: wait out the TTL plus that.
    std::thread::sleep(Duration::from_millis(2600));
    assert_eq!(call(1), record(1));
    assert_eq!(calls.load(SeqCst), 2, "{}: the entry expired", b.name);
}

/// Binary and JSON entries on the same backend; JSON ones readable as JSON.
fn formats(
    b: &Backend,
    storage: &Arc<dyn Storage>,
    bin: impl Fn(u32) -> Record,
    json: impl Fn(u32) -> Record,
) {
    for _ in 0..2 {
        assert_eq!(bin(3), record(3));
        assert_eq!(json(4), record(4));
    }
    pollster::block_on(async {
        let entries = storage.list("").await.expect("list");
        let entries: Vec<_> = entries
            .into_iter()
            .filter(|e| perscache::entry::classify(&e.path).is_entry())
            .collect();
        let bins: Vec<_> = entries
            .iter()
            .filter(|e| e.path.ends_with(".bin"))
            .collect();
        let jsons: Vec<_> = entries
            .iter()
            .filter(|e| e.path.ends_with(".json"))
            .collect();
        assert_eq!(bins.len(), 1, "{}: {entries:?}", b.name);
        assert_eq!(jsons.len(), 1, "{}: {entries:?}", b.name);
        let raw = storage
            .read(&jsons[0].path)
            .await
            .expect("read")
            .expect("present");
        let parsed: Record =
            serde_json::from_slice(&raw.bytes).expect("a JSON entry is plain JSON");
        assert_eq!(parsed, record(4));
    });
}

/// A check that an async cached call does not block a
/// current-thread runtime: a ticker on the same thread keeps running while
/// the calls wait on the network.
async fn async_calls_do_not_block(
    call: impl Fn(u32) -> std::pin::Pin<Box<dyn std::future::Future<Output = Record>>>,
) {
    let ticks = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let ticker = {
        let (ticks, done) = (Arc::clone(&ticks), Arc::clone(&done));
        tokio::spawn(async move {
            while !done.load(SeqCst) {
                ticks.fetch_add(1, SeqCst);
                tokio::task::yield_now().await;
            }
        })
    };
    tokio::task::yield_now().await;
    let before = ticks.load(SeqCst);
    for round in 0..2 {
        for i in 0..10 {
            assert_eq!(call(i).await, record(i), "round {round}");
        }
    }
    let during = ticks.load(SeqCst) - before;
    done.store(true, SeqCst);
    let _ = ticker.await;
    assert!(
        during > 0,
        "the runtime's other task never ran while 20 cached calls waited on storage"
    );
}

/// Outage: stop the server; calls still return the right value (the
/// function runs) with a warning, errors and logs hold no secret; start it
/// again; the cache is used again.
fn outage(
    b: &Backend,
    storage: &Arc<dyn Storage>,
    call: impl Fn(u32) -> Record,
    calls: &AtomicUsize,
    function: &str,
) {
    assert_eq!(call(1), record(1));
    assert_eq!(call(1), record(1));
    assert_eq!(calls.load(SeqCst), 1);

    let logged = log_len();
    b.server("stop");
    let started = Instant::now();
    let err = pollster::block_on(storage.read("f/h/x.bin")).expect_err("the server is down");
    b.assert_hidden("an error", &format!("{err} {err:?}"));
    assert_eq!(
        call(1),
        record(1),
        "{}: a hit turns into a computed call",
        b.name
    );
    assert_eq!(call(2), record(2), "{}: a miss is computed", b.name);
    assert_eq!(
        calls.load(SeqCst),
        3,
        "{}: both calls ran the function",
        b.name
    );
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{}: the outage cost {:?}",
        b.name,
        started.elapsed()
    );
    let log = logs_since(logged);
    assert!(
        log.contains("WARN")
            && log.contains("running the function instead")
            && log.contains(function),
        "{}: no warning for {function} in: {log}",
        b.name
    );

    b.server("start");
    assert_eq!(call(7), record(7));
    assert_eq!(call(7), record(7));
    assert_eq!(
        calls.load(SeqCst),
        4,
        "{}: after the restart the cache is used again",
        b.name
    );
    b.assert_hidden("the logs", &logs_since(0));
}

/// Statistics reach the backend and read back (`cargo perscache stats`), and
/// everything can be removed through the trait (`cargo perscache clear`).
fn statistics_and_clear(
    b: &Backend,
    storage: &Arc<dyn Storage>,
    call: impl Fn(u32) -> Record,
    function: &str,
) {
    assert_eq!(call(1), record(1));
    assert_eq!(call(1), record(1));
    perscache::flush_stats();
    pollster::block_on(async {
        let stats = perscache::read_stats(&**storage).await.expect("read stats");
        let mine = stats
            .iter()
            .find(|s| s.function.ends_with(function))
            .unwrap_or_else(|| panic!("{}: no statistics for {function} in {stats:?}", b.name));
        assert!(mine.hits >= 1 && mine.misses >= 1, "{}: {mine:?}", b.name);
        let entries = storage.list("").await.expect("list");
        assert!(
            entries.len() >= 2,
            "an entry and the statistics: {entries:?}"
        );
        for entry in entries {
            storage.delete(&entry.path).await.expect("delete");
        }
        assert!(
            storage.list("").await.expect("list").is_empty(),
            "{}: cleared",
            b.name
        );
    });
}

/// The memory tier answers repeated hits even when the entry has gone from
/// the backend.
fn memory_tier_in_front(
    storage: &Arc<dyn Storage>,
    call: impl Fn(u32) -> Record,
    calls: &AtomicUsize,
) {
    assert_eq!(call(9), record(9));
    pollster::block_on(async {
        for entry in storage.list("").await.expect("list") {
            storage.delete(&entry.path).await.expect("delete");
        }
    });
    assert_eq!(call(9), record(9));
    assert_eq!(
        calls.load(SeqCst),
        1,
        "the second call came from the memory tier"
    );
}

/// A paused server (requests go unanswered, as in a network partition) costs
/// one timeout; after that slow failure, calls skip the storage for a few
/// seconds instead of each waiting for the timeout, and use it again after.
fn paused_server(b: &Backend, call: impl Fn(u32) -> Record, calls: &AtomicUsize) {
    /// Resumes the server even when an assertion fails.
    struct Resume(Backend);
    impl Drop for Resume {
        fn drop(&mut self) {
            self.0.signal("-CONT");
        }
    }

    assert_eq!(call(1), record(1));
    b.signal("-STOP");
    let resume = Resume(*b);
    let started = Instant::now();
    assert_eq!(call(2), record(2));
    let first = started.elapsed();
    assert!(
        first >= Duration::from_secs(2),
        "{}: the first call waited for the timeout: {first:?}",
        b.name
    );
    let started = Instant::now();
    assert_eq!(call(3), record(3));
    let next = started.elapsed();
    assert!(
        next < Duration::from_secs(1),
        "{}: the next call skipped the storage: {next:?}",
        b.name
    );
    drop(resume);
    std::thread::sleep(Duration::from_secs(6)); // the cool-down
    assert_eq!(call(4), record(4));
    assert_eq!(call(4), record(4));
    assert_eq!(
        calls.load(SeqCst),
        4,
        "{}: the storage is used again once the server answers",
        b.name
    );
}

// ---------------------------------------------------------------------------
// Two processes: this test binary runs itself as the child.

const CHILD_BACKEND: &str = "PERSCACHE_TEST_CHILD_BACKEND";
const CHILD_PREFIX: &str = "PERSCACHE_TEST_CHILD_PREFIX";
const TORN_PATH: &str = "torn/entry.bin";
const TORN_LEN: usize = 256 << 10;

/// The area both processes use: the parent's, handed to the child.
fn shared_prefix() -> &'static str {
    static PREFIX: LazyLock<String> =
        LazyLock::new(|| std::env::var(CHILD_PREFIX).unwrap_or_else(|_| fresh("shared")));
    &PREFIX
}

/// Every read of the contended entry is one whole write: `TORN_LEN` copies of
/// one byte.
async fn check_whole(s: &dyn Storage) -> bool {
    match s.read(TORN_PATH).await {
        Ok(Some(blob)) => {
            let whole =
                blob.bytes.len() == TORN_LEN && blob.bytes.iter().all(|&x| x == blob.bytes[0]);
            assert!(
                whole,
                "a torn entry: {} bytes starting {:?}",
                blob.bytes.len(),
                &blob.bytes[..blob.bytes.len().min(8)]
            );
            true
        }
        Ok(None) => false,
        Err(e) => panic!("reading the contended entry failed: {e}"),
    }
}

/// The child's part: the parent's result is a hit here, this one's result is
/// stored for the parent, and 30 whole-entry writes race the parent's reads.
fn child_side(b: &Backend, call: impl Fn(u32) -> Record, calls: &AtomicUsize) {
    assert_eq!(call(1), record(1));
    assert_eq!(
        calls.load(SeqCst),
        0,
        "{}: the child sees the parent's entry",
        b.name
    );
    assert_eq!(call(21), record(21));
    let s = b.storage(shared_prefix(), None);
    pollster::block_on(async {
        for i in 0..30u8 {
            s.write(TORN_PATH, Bytes::from(vec![i; TORN_LEN]))
                .await
                .expect("child write");
            check_whole(&*s).await;
        }
    });
}

fn parent_side(b: &Backend, module: &str, call: impl Fn(u32) -> Record, calls: &AtomicUsize) {
    assert_eq!(call(1), record(1));
    assert_eq!(calls.load(SeqCst), 1);
    let s = b.storage(shared_prefix(), None);
    let mut child = Command::new(std::env::current_exe().expect("the test binary"))
        .args([
            "--exact",
            &format!("{module}::two_processes_child"),
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_BACKEND, b.name)
        .env(CHILD_PREFIX, shared_prefix())
        .spawn()
        .expect("the child starts");
    let mut reads = 0;
    pollster::block_on(async {
        let mut i = 100u8;
        while child.try_wait().expect("child status").is_none() {
            i = i.wrapping_add(1).max(100);
            s.write(TORN_PATH, Bytes::from(vec![i; TORN_LEN]))
                .await
                .expect("parent write");
            if check_whole(&*s).await {
                reads += 1;
            }
        }
    });
    let status = child.wait().expect("the child ends");
    assert!(status.success(), "{}: the child failed: {status}", b.name);
    assert!(reads > 0);
    assert_eq!(call(21), record(21));
    assert_eq!(
        calls.load(SeqCst),
        1,
        "{}: the parent sees the child's entry",
        b.name
    );
}

// ---------------------------------------------------------------------------
// One module of tests per backend.

macro_rules! backend_tests {
    ($module:ident, $feature:literal, $name:literal, $var:literal, $slot:literal) => {
        #[cfg(feature = $feature)]
        mod $module {
            use super::*;
            use perscache::{persist, Json};

            const B: Backend = Backend {
                name: $name,
                var: $var,
                slot: $slot,
            };

            #[test]
            fn storage_contract() {
                let Some(_) = B.url() else { return };
                let _g = B.shared();
                super::storage_contract(&B);
            }

            /// The storage conformance suite every backend runs, bare
            /// and behind every combination of the wrappers.
            #[cfg(feature = "testing")]
            #[test]
            fn conformance_suite() {
                let Some(_) = B.url() else { return };
                let _g = B.shared();
                let bare = B.storage_in_code(&fresh("conformance"), None);
                pollster::block_on(perscache_runtime::testing::conformance_wrapped(bare, 0));
                // fake-gcs-server ignores `ifGenerationMatch=0`, which GCS's
                // conditional create (the lease) relies on.
                if B.name != "gcs" {
                    let leased = B.storage(&fresh("conformance-leases"), None);
                    pollster::block_on(perscache_runtime::testing::leases(&*leased));
                }
                let bounded = B.storage(&fresh("conformance-eviction"), Some(4096));
                pollster::block_on(perscache_runtime::testing::eviction(
                    &*bounded, 4096, 1024, 0,
                ));
            }

            #[test]
            fn max_size_evicts_least_recently_used() {
                let Some(_) = B.url() else { return };
                let _g = B.shared();
                super::max_size_evicts_least_recently_used(&B);
            }

            #[test]
            fn ttl() {
                let Some(_) = B.url() else { return };
                let _g = B.shared();
                static CACHE: LazyLock<Cache> =
                    LazyLock::new(|| B.cache(&fresh("ttl"), |c| c.ttl(Duration::from_secs(2))));
                static CALLS: AtomicUsize = AtomicUsize::new(0);
                #[persist(cache = CACHE)]
                fn get(id: u32) -> Record {
                    CALLS.fetch_add(1, SeqCst);
                    record(id)
                }
                ttl_through_the_cache(&B, get, &CALLS);
            }

            #[test]
            fn binary_and_json() {
                let Some(_) = B.url() else { return };
                let _g = B.shared();
                static STORAGE: LazyLock<Arc<dyn Storage>> =
                    LazyLock::new(|| B.storage(&fresh("formats"), None));
                static BIN: LazyLock<Cache> =
                    LazyLock::new(|| Cache::builder().storage_arc(Arc::clone(&STORAGE)).build());
                static JSON: LazyLock<Cache> = LazyLock::new(|| {
                    Cache::builder()
                        .storage_arc(Arc::clone(&STORAGE))
                        .format(Json)
                        .build()
                });
                static CALLS: AtomicUsize = AtomicUsize::new(0);
                #[persist(cache = BIN)]
                fn bin(id: u32) -> Record {
                    CALLS.fetch_add(1, SeqCst);
                    record(id)
                }
                #[persist(cache = JSON)]
                fn json(id: u32) -> Record {
                    CALLS.fetch_add(1, SeqCst);
                    record(id)
                }
                formats(&B, &STORAGE, bin, json);
                assert_eq!(CALLS.load(SeqCst), 2, "one computation per function");
            }

            static SHARED: LazyLock<Cache> = LazyLock::new(|| B.cache(shared_prefix(), |c| c));
            static SHARED_CALLS: AtomicUsize = AtomicUsize::new(0);
            #[persist(cache = SHARED)]
            fn shared(id: u32) -> Record {
                SHARED_CALLS.fetch_add(1, SeqCst);
                record(id)
            }

            #[test]
            fn two_processes_share_entries_and_never_tear_one() {
                if std::env::var(CHILD_BACKEND).is_ok() {
                    return;
                }
                let Some(_) = B.url() else { return };
                let _g = B.shared();
                parent_side(
                    &B,
                    module_path!().trim_start_matches("storage_remote::"),
                    shared,
                    &SHARED_CALLS,
                );
            }

            /// Runs only as the child of the test above.
            #[test]
            fn two_processes_child() {
                if std::env::var(CHILD_BACKEND).as_deref() != Ok($name) {
                    return;
                }
                child_side(&B, shared, &SHARED_CALLS);
            }

            #[test]
            fn statistics_and_clear() {
                let Some(_) = B.url() else { return };
                let _g = B.shared();
                static STORAGE: LazyLock<Arc<dyn Storage>> =
                    LazyLock::new(|| B.storage(&fresh("stats"), None));
                static CACHE: LazyLock<Cache> =
                    LazyLock::new(|| Cache::builder().storage_arc(Arc::clone(&STORAGE)).build());
                #[persist(cache = CACHE)]
                fn counted(id: u32) -> Record {
                    record(id)
                }
                super::statistics_and_clear(
                    &B,
                    &STORAGE,
                    counted,
                    concat!("::", $name, "::counted"),
                );
            }

            #[test]
            fn memory_tier_in_front() {
                let Some(_) = B.url() else { return };
                let _g = B.shared();
                static STORAGE: LazyLock<Arc<dyn Storage>> =
                    LazyLock::new(|| B.storage(&fresh("tier"), None));
                static CACHE: LazyLock<Cache> = LazyLock::new(|| {
                    Cache::builder()
                        .storage_arc(Arc::clone(&STORAGE))
                        .memory_tier(1 << 20)
                        .build()
                });
                static CALLS: AtomicUsize = AtomicUsize::new(0);
                #[persist(cache = CACHE)]
                fn tiered(id: u32) -> Record {
                    CALLS.fetch_add(1, SeqCst);
                    record(id)
                }
                super::memory_tier_in_front(&STORAGE, tiered, &CALLS);
            }

            #[test]
            fn chosen_by_url_environment_and_perscache_toml() {
                let Some(_) = B.url() else { return };
                let url = B.url_at(&fresh("config"));
                let toml = format!("url = {url:?}\nmax_size = \"1MB\"\nformat = \"json\"");
                let config = perscache::Config::from_toml(&toml).expect("a valid perscache.toml");
                let cache = Cache::builder()
                    .config(&config)
                    .expect("the URL opens")
                    .build();
                assert_eq!(cache.storage().name(), B.name);
                let mut from_env = perscache::Config::default();
                from_env
                    .apply_env(|k| (k == "PERSCACHE_URL").then(|| url.clone()))
                    .expect("a valid PERSCACHE_URL");
                let cache = Cache::builder()
                    .config(&from_env)
                    .expect("the URL opens")
                    .build();
                assert_eq!(cache.storage().name(), B.name);
            }

            #[test]
            fn a_paused_server_costs_one_timeout() {
                let Some(_) = B.url() else { return };
                let _g = B.exclusive();
                static CACHE: LazyLock<Cache> = LazyLock::new(|| {
                    let storage =
                        B.storage_with_timeout(&fresh("paused"), Duration::from_millis(2500));
                    Cache::builder().storage_arc(storage).build()
                });
                static CALLS: AtomicUsize = AtomicUsize::new(0);
                #[persist(cache = CACHE)]
                fn paused(id: u32) -> Record {
                    CALLS.fetch_add(1, SeqCst);
                    record(id)
                }
                paused_server(&B, paused, &CALLS);
            }

            #[test]
            fn secrets_stay_out_of_debug_output() {
                let Some(_) = B.url() else { return };
                let s = B.storage(&fresh("debug"), Some(1 << 20));
                B.assert_hidden("Debug", &format!("{s:?}"));
                let cache = Cache::builder().storage_arc(s).build();
                B.assert_hidden("Debug", &format!("{cache:?}"));
            }

            #[test]
            fn outage_and_recovery() {
                let Some(_) = B.url() else { return };
                logs();
                let _g = B.exclusive();
                static STORAGE: LazyLock<Arc<dyn Storage>> =
                    LazyLock::new(|| B.storage(&fresh("outage"), None));
                static CACHE: LazyLock<Cache> =
                    LazyLock::new(|| Cache::builder().storage_arc(Arc::clone(&STORAGE)).build());
                static CALLS: AtomicUsize = AtomicUsize::new(0);
                #[persist(cache = CACHE)]
                fn outage_value(id: u32) -> Record {
                    CALLS.fetch_add(1, SeqCst);
                    record(id)
                }
                outage(
                    &B,
                    &STORAGE,
                    outage_value,
                    &CALLS,
                    concat!("::", $name, "::outage_value"),
                );
            }

            static TOKIO: LazyLock<Cache> = LazyLock::new(|| B.cache(&fresh("tokio"), |c| c));
            static TOKIO_CALLS: AtomicUsize = AtomicUsize::new(0);
            #[persist(cache = TOKIO)]
            fn sync_in_tokio(id: u32) -> Record {
                TOKIO_CALLS.fetch_add(1, SeqCst);
                record(id)
            }

            #[tokio::test(flavor = "current_thread")]
            async fn sync_function_inside_a_current_thread_runtime() {
                let Some(_) = B.url() else { return };
                let _g = B.shared();
                assert_eq!(sync_in_tokio(100), record(100));
                assert_eq!(sync_in_tokio(100), record(100));
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sync_function_inside_a_multi_thread_runtime() {
                let Some(_) = B.url() else { return };
                let _g = B.shared();
                assert_eq!(sync_in_tokio(200), record(200));
                assert_eq!(sync_in_tokio(200), record(200));
            }

            #[test]
            fn sync_function_outside_tokio() {
                let Some(_) = B.url() else { return };
                let _g = B.shared();
                static CACHE: LazyLock<Cache> = LazyLock::new(|| B.cache(&fresh("plain"), |c| c));
                static CALLS: AtomicUsize = AtomicUsize::new(0);
                #[persist(cache = CACHE)]
                fn plain(id: u32) -> Record {
                    CALLS.fetch_add(1, SeqCst);
                    record(id)
                }
                assert_eq!(plain(5), record(5));
                assert_eq!(plain(5), record(5));
                assert_eq!(CALLS.load(SeqCst), 1);
            }

            // The guard only keeps an outage test of this backend from
            // running meanwhile; this runtime is the test's own.
            #[allow(clippy::await_holding_lock)]
            #[tokio::test(flavor = "current_thread")]
            async fn async_function_does_not_block_the_runtime() {
                let Some(_) = B.url() else { return };
                let _g = B.shared();
                static CACHE: LazyLock<Cache> = LazyLock::new(|| B.cache(&fresh("async"), |c| c));
                static CALLS: AtomicUsize = AtomicUsize::new(0);
                #[persist(cache = CACHE)]
                async fn fetch(id: u32) -> Record {
                    // No await of its own: any time the runtime's other
                    // task gets comes from the storage's awaits.
                    CALLS.fetch_add(1, SeqCst);
                    record(id)
                }
                async_calls_do_not_block(|i| Box::pin(fetch(i))).await;
                assert_eq!(CALLS.load(SeqCst), 10, "the second round hit");
            }
        }
    };
}

backend_tests!(s3, "s3", "s3", "PERSCACHE_TEST_S3_URL", 0);
backend_tests!(gcs, "gcs", "gcs", "PERSCACHE_TEST_GCS_URL", 1);
backend_tests!(azure, "azure", "azure", "PERSCACHE_TEST_AZURE_URL", 2);
backend_tests!(redis, "redis", "redis", "PERSCACHE_TEST_REDIS_URL", 3);
