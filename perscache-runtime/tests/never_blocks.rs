//! Never blocks, never hangs (issue 14 point 5): a call gets its own value
//! when the storage is slow, when the statistics storage hangs, when the
//! function calls itself with the same key, in a forked child, and the
//! process exits without a panic whatever the backend. No timing is
//! asserted beyond generous bounds that only prove nothing hung.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use perscache_runtime::__private::{call_async, call_sync, Always, CallKey, Options, Site};
use perscache_runtime::{
    async_trait, Binary, Blob, Bytes, Cache, EntryInfo, Format, KeyHasher, MemoryStorage, Storage,
};

/// Far more than any of these calls takes when it works, far less than
/// forever.
const HUNG: Duration = Duration::from_secs(60);

fn key(site: &Site, n: u64) -> perscache_runtime::Result<CallKey> {
    let mut h = KeyHasher::new(site.function(), site.code_hash(), Binary.name());
    h.arg("n", &n)?;
    Ok(h.finish_call())
}

/// Runs `f` on a thread and fails the test if it has not returned within
/// [`HUNG`].
fn within_bound<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(HUNG)
        .unwrap_or_else(|_| panic!("{what}: no answer within {HUNG:?}: it hung"))
}

static RECURSIVE: Site = Site::new("never_blocks::fib", "0123456789abcdef", "0123456789abcdef");

/// A marked function that calls itself with the same key once (the second
/// call's argument is the same; a flag not in the key stops it).
fn same_key(cache: &Cache, depth: u32) -> u64 {
    call_sync::<u64, Always, _>(
        cache,
        &RECURSIVE,
        &key(&RECURSIVE, 7),
        &Binary,
        Options::default(),
        || {
            if depth < 3 {
                same_key(cache, depth + 1) + 1
            } else {
                40
            }
        },
    )
}

#[test]
fn a_function_calling_itself_with_the_same_key_gets_its_value() {
    let value = within_bound("same-key recursion", || {
        let cache = Cache::builder().storage(MemoryStorage::new()).build();
        let first = same_key(&cache, 0);
        let again = same_key(&cache, 0);
        (first, again)
    });
    assert_eq!(value, (43, 43));
}

static ASYNC_RECURSIVE: Site =
    Site::new("never_blocks::afib", "0123456789abcdef", "0123456789abcdef");

fn same_key_async(
    cache: &'static Cache,
    depth: u32,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = u64> + Send>> {
    Box::pin(async move {
        call_async::<u64, Always, _, _>(
            cache,
            &ASYNC_RECURSIVE,
            &key(&ASYNC_RECURSIVE, 7),
            &Binary,
            Options::default(),
            || async move {
                // Let the executor move the task between polls.
                tokio::task::yield_now().await;
                if depth < 3 {
                    same_key_async(cache, depth + 1).await + 1
                } else {
                    40
                }
            },
        )
        .await
    })
}

#[test]
fn an_async_function_calling_itself_with_the_same_key_gets_its_value() {
    let value = within_bound("async same-key recursion", || {
        let cache: &'static Cache = Box::leak(Box::new(
            Cache::builder().storage(MemoryStorage::new()).build(),
        ));
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async { tokio::spawn(same_key_async(cache, 0)).await.expect("task") })
    });
    assert_eq!(value, 43);
}

/// A storage whose writes of statistics hang until released.
#[derive(Debug, Default)]
struct HangingStats {
    inner: MemoryStorage,
    released: Arc<(Mutex<bool>, Condvar)>,
    stats_writes: Arc<AtomicUsize>,
}

#[async_trait]
impl Storage for HangingStats {
    fn name(&self) -> &'static str {
        "hanging"
    }
    async fn read(&self, path: &str) -> perscache_runtime::Result<Option<Blob>> {
        self.inner.read(path).await
    }
    async fn write(&self, path: &str, bytes: Bytes) -> perscache_runtime::Result<()> {
        if path.ends_with("_stats.json") {
            self.stats_writes.fetch_add(1, Ordering::SeqCst);
            let (lock, cv) = &*self.released;
            let mut released = lock.lock().expect("lock");
            while !*released {
                released = cv.wait(released).expect("wait");
            }
        }
        self.inner.write(path, bytes).await
    }
    async fn delete(&self, path: &str) -> perscache_runtime::Result<()> {
        self.inner.delete(path).await
    }
    async fn list(&self, prefix: &str) -> perscache_runtime::Result<Vec<EntryInfo>> {
        self.inner.list(prefix).await
    }
}

static COUNTED: Site = Site::new(
    "never_blocks::counted",
    "0123456789abcdef",
    "0123456789abcdef",
);
static LATER: Site = Site::new(
    "never_blocks::later",
    "0123456789abcdef",
    "0123456789abcdef",
);

/// Taken by the test that hangs a statistics write and by the one that
/// forks: a child forked during the hang inherits it (its copy of the
/// storage is never released) and its own `flush_stats` would wait forever.
static NO_FORK_DURING_THE_HANG: Mutex<()> = Mutex::new(());

#[test]
fn a_hanging_statistics_write_never_blocks_a_call() {
    let _no_fork = NO_FORK_DURING_THE_HANG
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    let storage = HangingStats::default();
    let released = Arc::clone(&storage.released);
    let writes = Arc::clone(&storage.stats_writes);
    let cache: &'static Cache = Box::leak(Box::new(Cache::builder().storage(storage).build()));
    let call = |site: &'static Site, n: u64| {
        call_sync::<u64, Always, _>(
            cache,
            site,
            &key(site, n),
            &Binary,
            Options::default(),
            || n * 2,
        )
    };
    assert_eq!(call(&COUNTED, 1), 2);
    // A flush (as the statistics thread makes every 30 s and at exit) that
    // hangs in the storage.
    std::thread::spawn(perscache_runtime::flush_stats);
    let started = Instant::now();
    while writes.load(Ordering::SeqCst) == 0 {
        assert!(
            started.elapsed() < HUNG,
            "the flush never reached the storage"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    // Hits, misses, and a first call of another function (which registers
    // its counters) all return while it hangs.
    let results = within_bound("calls during a hanging flush", move || {
        let mut out = Vec::new();
        for n in 0..200 {
            out.push(call(&COUNTED, n % 10));
        }
        out.push(call(&LATER, 5));
        out
    });
    assert_eq!(results.len(), 201);
    assert!(results[..200]
        .iter()
        .enumerate()
        .all(|(n, v)| *v == (n as u64 % 10) * 2));
    assert_eq!(results[200], 10);
    let (lock, cv) = &*released;
    *lock.lock().expect("lock") = true;
    cv.notify_all();
}

/// An S3 endpoint that answers `HEAD` at once (an object of 100,000 bytes)
/// and `GET` with its headers at once, then one byte of the body per `drip`:
/// each byte comes well within any per-chunk timeout, and the whole would
/// take hours.
fn slow_drip_server(drip: Duration) -> (String, Arc<AtomicBool>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = Arc::clone(&stop);
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            if stopped.load(Ordering::Relaxed) {
                return;
            }
            let Ok(conn) = conn else { continue };
            let stopped = Arc::clone(&stopped);
            std::thread::spawn(move || drip_to(conn, drip, &stopped));
        }
    });
    (format!("http://{addr}"), stop)
}

fn drip_to(mut conn: TcpStream, drip: Duration, stop: &AtomicBool) {
    let headers = b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nLast-Modified: Wed, 21 Oct 2015 07:28:00 GMT\r\nETag: \"x\"\r\n\r\n";
    let mut buf = [0u8; 8192];
    loop {
        // One request per read: enough for a client's HEAD, then GET.
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if conn.write_all(headers).is_err() {
                    return;
                }
                if buf[..n].starts_with(b"HEAD") {
                    continue;
                }
            }
        }
        loop {
            if stop.load(Ordering::Relaxed) || conn.write_all(b"x").is_err() {
                return;
            }
            std::thread::sleep(drip);
        }
    }
}

static SLOW: Site = Site::new("never_blocks::slow", "0123456789abcdef", "0123456789abcdef");

#[cfg(feature = "s3")]
#[test]
fn a_slow_drip_server_costs_a_call_its_deadline_not_forever() {
    let (endpoint, stop) = slow_drip_server(Duration::from_millis(300));
    let (value, took) = within_bound("a call against a slow-drip server", move || {
        let storage = perscache_runtime::ObjectStorage::s3("bucket")
            .endpoint(&endpoint)
            .region("us-east-1")
            .access_key("id", "secret-key")
            .timeout(Duration::from_secs(2))
            .retries(0)
            .build()
            .expect("storage");
        let cache = Cache::builder().storage(storage).build();
        let started = Instant::now();
        let value = call_sync::<u64, Always, _>(
            &cache,
            &SLOW,
            &key(&SLOW, 1),
            &Binary,
            Options::default(),
            || 99,
        );
        (value, started.elapsed())
    });
    stop.store(true, Ordering::Relaxed);
    assert_eq!(value, 99);
    eprintln!("a call against the slow-drip server returned in {took:?}");
}

/// A storage that fails at once: S3 at a port nothing listens on.
#[cfg(feature = "s3")]
fn refused_s3() -> perscache_runtime::ObjectStorage {
    perscache_runtime::ObjectStorage::s3("bucket")
        .endpoint("http://127.0.0.1:1")
        .region("us-east-1")
        .access_key("id", "secret-key")
        .timeout(Duration::from_secs(2))
        .retries(0)
        .build()
        .expect("storage")
}

#[cfg(all(unix, feature = "s3"))]
#[test]
fn a_forked_child_gets_its_value() {
    // The parent's remote I/O runtime has threads; its forked child has
    // none of them, and a task spawned on that runtime would never run.
    let cache = Cache::builder().storage(refused_s3()).build();
    let call = |n: u64| {
        call_sync::<u64, Always, _>(
            &cache,
            &SLOW,
            &key(&SLOW, n),
            &Binary,
            Options::default(),
            || n + 100,
        )
    };
    assert_eq!(call(2), 102, "the parent starts the runtime");
    let _no_fork = NO_FORK_DURING_THE_HANG
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    // SAFETY: the child only makes calls and leaves with `_exit`.
    #[allow(unsafe_code)]
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork failed");
    if pid == 0 {
        let ok = call(3) == 103 && call(4) == 104;
        perscache_runtime::flush_stats();
        // SAFETY: ends the child without the test harness it inherited.
        #[allow(unsafe_code)]
        unsafe {
            libc::_exit(if ok { 0 } else { 3 })
        };
    }
    let status = within_bound("the forked child", move || {
        let mut status = 0;
        // SAFETY: waits for the child just forked.
        #[allow(unsafe_code)]
        unsafe {
            libc::waitpid(pid, &mut status, 0)
        };
        status
    });
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "child status {status}"
    );
}
