//! Hit and miss counts per function, kept cheaply in memory and merged into
//! `<function>/_stats.json` on the function's storage, where
//! `cargo perscache stats` reads them.
//!
//! Counting is two relaxed atomic adds per call. Counts reach storage when the
//! process exits normally, and every [`FLUSH_EVERY`] while it runs, so a
//! long-lived server reports too. Two processes flushing at the same instant
//! can lose one of the two updates: these are statistics, not ledgers.
//!
//! **Never on the call path.** Writing counts is storage I/O (a remote
//! round trip, or a server that does not answer), so no call ever does it:
//! one thread per process, `perscache-stats`, started with the first
//! counted call, wakes every [`FLUSH_EVERY`] and writes. At exit the exit
//! hook asks that thread for a last flush and waits at most [`EXIT_WAIT`]
//! for it: the thread's own state is intact then (the main thread's
//! thread-locals are already gone, which is why remote clients panicked
//! when the hook wrote itself), and a server that does not answer delays
//! the exit by that much at most. A forked child starts its own thread.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, Once, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::entry::{classify, stats_path, Stored};
use crate::storage::Storage;

/// How often a running process writes its counts.
pub(crate) const FLUSH_EVERY: Duration = Duration::from_secs(30);

/// The longest the exit hook waits for the last flush.
pub(crate) const EXIT_WAIT: Duration = Duration::from_secs(5);

/// A function's statistics as stored in `_stats.json`.
///
/// ```
/// let mut s = perscache::FunctionStats::default();
/// (s.hits, s.misses, s.compute_nanos) = (3, 1, 2_000_000_000);
/// assert_eq!(s.hit_ratio(), 0.75);
/// assert_eq!(s.mean_compute().as_secs(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct FunctionStats {
    /// The function's full path, such as `app::reports::daily`.
    pub function: String,
    /// Calls answered from the cache.
    pub hits: u64,
    /// Calls that ran the function.
    pub misses: u64,
    /// Total time spent running the function on misses, in nanoseconds.
    pub compute_nanos: u64,
    /// Estimated time the hits saved: each hit counts the mean compute time of
    /// a miss at the moment it was recorded, in nanoseconds.
    pub saved_nanos: u64,
    /// When these counts were last updated, in seconds since the Unix epoch.
    pub updated_unix: u64,
}

impl FunctionStats {
    /// Hits over all calls, 0 when there were none.
    pub fn hit_ratio(&self) -> f64 {
        let calls = self.hits + self.misses;
        if calls == 0 {
            0.0
        } else {
            self.hits as f64 / calls as f64
        }
    }

    /// The mean time a miss took.
    pub fn mean_compute(&self) -> Duration {
        Duration::from_nanos(self.compute_nanos.checked_div(self.misses).unwrap_or(0))
    }

    /// Adds counts recorded elsewhere.
    fn merge(&mut self, delta: &Delta) {
        self.hits += delta.hits;
        self.misses += delta.misses;
        self.compute_nanos += delta.compute_nanos;
        self.saved_nanos += delta.hits * self.mean_compute().as_nanos() as u64;
        self.updated_unix = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
    }
}

struct Delta {
    hits: u64,
    misses: u64,
    compute_nanos: u64,
}

/// The live counters of one marked function.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    hits: AtomicU64,
    misses: AtomicU64,
    compute_nanos: AtomicU64,
    registered: AtomicBool,
}

impl Counters {
    pub(crate) const fn new() -> Self {
        Counters {
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            compute_nanos: AtomicU64::new(0),
            registered: AtomicBool::new(false),
        }
    }

    pub(crate) fn hit(&self) {
        self.hits.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn miss(&self, took: Duration) {
        self.misses.fetch_add(1, Ordering::Relaxed);
        self.compute_nanos.fetch_add(
            took.as_nanos().min(u64::MAX as u128) as u64,
            Ordering::Relaxed,
        );
    }

    fn take(&self) -> Delta {
        Delta {
            hits: self.hits.swap(0, Ordering::Relaxed),
            misses: self.misses.swap(0, Ordering::Relaxed),
            compute_nanos: self.compute_nanos.swap(0, Ordering::Relaxed),
        }
    }

    /// Gives counts back after a failed flush, so they are not lost.
    fn restore(&self, d: &Delta) {
        self.hits.fetch_add(d.hits, Ordering::Relaxed);
        self.misses.fetch_add(d.misses, Ordering::Relaxed);
        self.compute_nanos
            .fetch_add(d.compute_nanos, Ordering::Relaxed);
    }
}

struct Registered {
    function: String,
    dir: String,
    counters: &'static Counters,
    storage: Arc<dyn Storage>,
}

fn registry() -> &'static Mutex<Vec<Arc<Registered>>> {
    static REGISTRY: OnceLock<Mutex<Vec<Arc<Registered>>>> = OnceLock::new();
    REGISTRY.get_or_init(|| Mutex::new(Vec::new()))
}

/// Remembers where a function's counts go; cheap after the first call.
pub(crate) fn register(
    function: &str,
    dir: &str,
    counters: &'static Counters,
    storage: &Arc<dyn Storage>,
) {
    if counters.registered.load(Ordering::Acquire) {
        return;
    }
    let mut list = registry().lock().unwrap_or_else(|p| p.into_inner());
    if counters.registered.swap(true, Ordering::AcqRel) {
        return;
    }
    list.push(Arc::new(Registered {
        function: function.to_owned(),
        dir: dir.to_owned(),
        counters,
        storage: Arc::clone(storage),
    }));
    drop(list);
    ensure_flusher();
    static AT_EXIT: Once = Once::new();
    AT_EXIT.call_once(exit_hook::install);
}

/// Makes sure this process has its flushing thread (a forked child
/// inherits the parent's registrations, not its threads). A relaxed load
/// and `getpid` when it has.
pub(crate) fn ensure_flusher() {
    static FLUSHER_PID: AtomicU32 = AtomicU32::new(0);
    let pid = std::process::id();
    if FLUSHER_PID.load(Ordering::Relaxed) == pid || FLUSHER_PID.swap(pid, Ordering::AcqRel) == pid
    {
        return;
    }
    let spawned = std::thread::Builder::new()
        .name("perscache-stats".into())
        .spawn(flusher);
    if spawned.is_err() {
        // No thread: counts reach storage through `flush` only.
        FLUSHER_PID.store(0, Ordering::Relaxed);
    }
}

/// What the flushing thread and the exit hook say to each other.
#[derive(Default)]
struct Signal {
    /// The exit hook asks for a last flush.
    exiting: bool,
    /// The thread finished it.
    flushed: bool,
    /// A flushing thread runs in this process.
    running_in: u32,
}

fn signal() -> &'static (Mutex<Signal>, Condvar) {
    static SIGNAL: OnceLock<(Mutex<Signal>, Condvar)> = OnceLock::new();
    SIGNAL.get_or_init(Default::default)
}

/// The flushing thread: every [`FLUSH_EVERY`], and once more at exit.
fn flusher() {
    let (lock, wake) = signal();
    let mut state = lock.lock().unwrap_or_else(|p| p.into_inner());
    state.running_in = std::process::id();
    loop {
        let (next, _) = wake
            .wait_timeout_while(state, FLUSH_EVERY, |s| !s.exiting)
            .unwrap_or_else(|p| p.into_inner());
        let exiting = next.exiting;
        drop(next);
        flush();
        state = lock.lock().unwrap_or_else(|p| p.into_inner());
        if exiting {
            state.flushed = true;
            wake.notify_all();
            return;
        }
    }
}

/// At exit: the last flush, by the flushing thread when this process has
/// one (waiting at most [`EXIT_WAIT`]). Returns whether it did.
fn flush_at_exit() -> bool {
    let (lock, wake) = signal();
    let mut state = lock.lock().unwrap_or_else(|p| p.into_inner());
    if state.running_in != std::process::id() {
        return false;
    }
    state.exiting = true;
    wake.notify_all();
    let _done = wake
        .wait_timeout_while(state, EXIT_WAIT, |s| !s.flushed)
        .unwrap_or_else(|p| p.into_inner());
    true
}

/// Writes every function's pending counts to its storage, and returns when
/// it has (or failed).
///
/// A thread of perscache's does it every 30 s and at exit; call it yourself
/// before a process ends in a way that skips exit handlers (such as
/// `std::process::abort`). It blocks the calling thread on the storage.
pub fn flush() {
    // The list is copied out so that a slow storage never holds the lock a
    // function's first call takes to register.
    let list: Vec<Arc<Registered>> = registry().lock().unwrap_or_else(|p| p.into_inner()).clone();
    flush_where(&list, |_| true);
}

/// At exit without the flushing thread: every storage but the remote ones.
fn flush_local_only() {
    let list: Vec<Arc<Registered>> = registry().lock().unwrap_or_else(|p| p.into_inner()).clone();
    flush_where(&list, |r| {
        !matches!(r.storage.name(), "s3" | "gcs" | "azure" | "redis")
    });
}

fn flush_where(list: &[Arc<Registered>], wanted: impl Fn(&Registered) -> bool) {
    for r in list.iter().filter(|r| wanted(r)) {
        let delta = r.counters.take();
        if delta.hits == 0 && delta.misses == 0 {
            continue;
        }
        if let Err(e) = pollster::block_on(merge_into(&*r.storage, &r.function, &r.dir, &delta)) {
            r.counters.restore(&delta);
            tracing::debug!(function = %r.function, error = %e, "perscache: could not write statistics");
        }
    }
}

async fn merge_into(
    storage: &dyn Storage,
    function: &str,
    dir: &str,
    delta: &Delta,
) -> crate::Result<()> {
    let path = stats_path(dir);
    let mut stats = match storage.read(&path).await? {
        // A damaged stats file only costs history; start again.
        Some(blob) => serde_json::from_slice(&blob.bytes).unwrap_or_default(),
        None => FunctionStats::default(),
    };
    stats.function = function.to_owned();
    stats.merge(delta);
    let bytes =
        serde_json::to_vec_pretty(&stats).map_err(|e| crate::Error::storage(storage.name(), e))?;
    storage.write(&path, bytes.into()).await
}

/// Reads the statistics of every function in `storage`.
///
/// ```
/// # pollster::block_on(async {
/// let storage = perscache::MemoryStorage::new();
/// assert!(perscache::read_stats(&storage).await?.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub async fn read_stats(storage: &dyn Storage) -> crate::Result<Vec<FunctionStats>> {
    let mut out = Vec::new();
    for info in storage.list("").await? {
        if let Stored::Stats { .. } = classify(&info.path) {
            if let Some(blob) = storage.read(&info.path).await? {
                match serde_json::from_slice::<FunctionStats>(&blob.bytes) {
                    Ok(s) => out.push(s),
                    Err(e) => {
                        tracing::warn!(path = %info.path, error = %e, "perscache: unreadable statistics")
                    }
                }
            }
        }
    }
    Ok(out)
}

mod exit_hook {
    //! Flushes statistics when the process exits normally.

    extern "C" fn on_exit() {
        // Unwinding out of an `extern "C"` function aborts the process; a
        // statistics failure must never do that to the user's exit. Only a
        // process without the flushing thread (it could not be started)
        // writes here, and only to storage that needs no thread-local state
        // (remote clients do: they are skipped rather than panic).
        let _ = std::panic::catch_unwind(|| {
            if !super::flush_at_exit() {
                super::flush_local_only();
            }
        });
    }

    #[cfg(any(unix, windows))]
    #[allow(unsafe_code)]
    pub(super) fn install() {
        // SAFETY: `atexit` takes a plain function pointer with no captured
        // state; `on_exit` is `extern "C"`, never unwinds, and only touches
        // statics that live for the whole program.
        unsafe {
            libc::atexit(on_exit);
        }
    }

    #[cfg(not(any(unix, windows)))]
    pub(super) fn install() {
        let _ = on_exit;
    }
}
