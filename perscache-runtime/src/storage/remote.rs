//! What the remote backends (object stores, Redis) share: the I/O runtime they
//! own, the breaker that skips a storage after a slow failure, the size limit
//! with least-recently-used eviction, and the scrubbing of secrets out of
//! error messages.
//!
//! **The runtime.** A `#[persist]` sync function drives storage futures with a
//! tiny executor of its own (`pollster`), and an async one with whatever
//! executor the caller uses. Network clients need tokio, so every remote
//! operation is spawned onto one multi-threaded tokio runtime that perscache
//! creates on first use and never drops; the caller awaits only the task's
//! `JoinHandle`, which completes under any executor. So a sync function works
//! outside tokio, and inside a tokio runtime it blocks only its own thread (it
//! never calls `Runtime::block_on`, which would panic there), while an async
//! function awaits the I/O without blocking its runtime.
//!
//! **The size limit.** Object stores record no access times and listing a
//! bucket costs a request per thousand entries, so eviction cannot list on
//! every write. Each storage keeps an index in memory (path → size, last use),
//! loaded from `list` on the first write and refreshed from it every
//! [`REFRESH_EVERY`]; reads and writes of this process update it. A write that
//! takes the indexed total over the limit deletes the least recently used
//! entries until it fits: O(log n) per write, plus one listing per refresh
//! interval. The slack: entries written by *other* processes are seen at the
//! next refresh, so several writers can together overshoot by what they write
//! in one interval; and uses by other processes are invisible (only their
//! writes, through the modification time), so the order is "least recently
//! used here, else least recently written".

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::future::Future;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use crate::error::{Error, Result};
use crate::stats::STATS_FILE;
use crate::storage::Storage;

/// How often a bounded remote storage re-lists its entries.
pub(crate) const REFRESH_EVERY: Duration = Duration::from_secs(60);

/// The I/O runtime of all remote backends, created on first use.
pub(crate) fn runtime(backend: &'static str) -> Result<&'static tokio::runtime::Runtime> {
    static RUNTIME: OnceLock<std::result::Result<tokio::runtime::Runtime, String>> =
        OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("perscache-io")
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| Error::storage(backend, RemoteError::Runtime(e.clone())))
}

/// Runs `task` on the I/O runtime; the returned future completes under any
/// executor.
pub(crate) async fn on_runtime<T, F>(backend: &'static str, task: F) -> Result<T>
where
    F: Future<Output = Result<T>> + Send + 'static,
    T: Send + 'static,
{
    let handle = runtime(backend)?.spawn(task);
    match handle.await {
        Ok(result) => result,
        Err(e) => Err(Error::storage(backend, RemoteError::Task(e.to_string()))),
    }
}

/// A failure slower than this opens the [`Breaker`].
pub(crate) const SLOW_FAILURE: Duration = Duration::from_secs(2);
/// How long an open [`Breaker`] skips the storage.
pub(crate) const COOL_DOWN: Duration = Duration::from_secs(5);

/// Skips a storage for a few seconds after a *slow* failure.
///
/// A server that refuses connections fails each call in milliseconds, which
/// costs callers nothing, so it never opens the breaker, and the first call
/// after the server is back uses it again. A server that drops packets makes
/// every request wait for its timeout and retries; after one such failure,
/// calls skip the storage for [`COOL_DOWN`] (running the function, with a
/// warning) instead of each paying the timeout again.
#[derive(Debug, Default)]
pub(crate) struct Breaker {
    open_until: Mutex<Option<Instant>>,
}

impl Breaker {
    fn state(&self) -> std::sync::MutexGuard<'_, Option<Instant>> {
        // A plain value: a panic elsewhere cannot leave it half-written.
        self.open_until.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn check(&self, backend: &'static str) -> Result<()> {
        match *self.state() {
            Some(until) if until > Instant::now() => Err(Error::storage(
                backend,
                RemoteError::CoolingDown((until - Instant::now()).as_millis()),
            )),
            _ => Ok(()),
        }
    }

    fn record(&self, took: Duration, failed: bool) {
        let mut state = self.state();
        if !failed {
            *state = None;
        } else if took >= SLOW_FAILURE {
            *state = Some(Instant::now() + COOL_DOWN);
        }
    }
}

/// [`on_runtime`] behind a [`Breaker`].
pub(crate) async fn guarded<T, F>(backend: &'static str, breaker: &Breaker, task: F) -> Result<T>
where
    F: Future<Output = Result<T>> + Send + 'static,
    T: Send + 'static,
{
    breaker.check(backend)?;
    let started = Instant::now();
    let result = on_runtime(backend, task).await;
    breaker.record(started.elapsed(), result.is_err());
    result
}

/// Failures of the shared remote machinery.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RemoteError {
    #[error("cannot start the I/O runtime: {0}")]
    Runtime(String),
    #[error("the I/O task failed: {0}")]
    Task(String),
    #[error("{0}")]
    Scrubbed(String),
    #[error("skipped for another {0} ms after a slow failure")]
    CoolingDown(u128),
}

/// The secret values one storage was configured with, to be cut out of every
/// error message before it leaves the backend. Its `Debug` shows only how many
/// it holds.
#[derive(Clone, Default)]
pub(crate) struct Secrets(Vec<String>);

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} secret(s) redacted>", self.0.len())
    }
}

impl Secrets {
    /// Remembers a secret (values shorter than 4 characters are too likely to
    /// appear by chance to be worth cutting out).
    pub(crate) fn add(&mut self, secret: impl Into<String>) {
        let s = secret.into();
        if s.len() >= 4 && !self.0.contains(&s) {
            self.0.push(s);
        }
    }

    /// Remembers the value of each environment variable in `names` that is set.
    #[cfg_attr(
        not(any(feature = "s3", feature = "gcs", feature = "azure")),
        allow(dead_code)
    )]
    pub(crate) fn add_env(&mut self, names: &[&str]) {
        for name in names {
            if let Ok(v) = std::env::var(name) {
                self.add(v);
            }
        }
    }

    /// `text` with every known secret, and every signature or key in a URL
    /// query, replaced by `***`.
    pub(crate) fn scrub(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for s in &self.0 {
            out = out.replace(s.as_str(), "***");
        }
        for marker in [
            "sig=",
            "Signature=",
            "signature=",
            "AccountKey=",
            "SharedAccessSignature=",
            "token=",
        ] {
            out = redact_after(&out, marker);
        }
        out
    }

    /// A storage error whose message, with its whole chain of causes, has
    /// been scrubbed.
    pub(crate) fn error(
        &self,
        backend: &'static str,
        e: &(dyn std::error::Error + 'static),
    ) -> Error {
        let mut text = e.to_string();
        let mut source = e.source();
        while let Some(s) = source {
            let more = s.to_string();
            if !text.contains(&more) {
                text.push_str(": ");
                text.push_str(&more);
            }
            source = s.source();
        }
        Error::storage(backend, RemoteError::Scrubbed(self.scrub(&text)))
    }
}

fn redact_after(text: &str, marker: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(marker) {
        let (head, tail) = rest.split_at(i + marker.len());
        out.push_str(head);
        let end = tail
            .find(|c: char| {
                c == '&' || c == ';' || c == '"' || c == '\'' || c == ')' || c.is_whitespace()
            })
            .unwrap_or(tail.len());
        if end > 0 {
            out.push_str("***");
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// The in-memory index behind `max_size` on a remote storage (see the module
/// docs for its cost and slack).
#[derive(Debug)]
pub(crate) struct SizeLimit {
    max: u64,
    refresh_every: Duration,
    state: Mutex<Index>,
}

#[derive(Debug, Default)]
struct Index {
    loaded_at: Option<Instant>,
    entries: HashMap<String, Indexed>,
    by_use: BTreeMap<(SystemTime, u64), String>,
    total: u64,
    seq: u64,
}

#[derive(Debug, Clone, Copy)]
struct Indexed {
    size: u64,
    used: (SystemTime, u64),
}

impl Index {
    fn upsert(&mut self, path: &str, size: u64, used: SystemTime) {
        self.seq += 1;
        let used = (used, self.seq);
        if let Some(old) = self.entries.insert(path.to_owned(), Indexed { size, used }) {
            self.by_use.remove(&old.used);
            self.total -= old.size;
        }
        self.by_use.insert(used, path.to_owned());
        self.total += size;
    }

    fn remove(&mut self, path: &str) {
        if let Some(old) = self.entries.remove(path) {
            self.by_use.remove(&old.used);
            self.total -= old.size;
        }
    }
}

/// Statistics files are bookkeeping, not entries: never evicted.
fn evictable(path: &str) -> bool {
    !path.ends_with(STATS_FILE)
}

impl SizeLimit {
    pub(crate) fn new(max: u64) -> Self {
        SizeLimit {
            max,
            refresh_every: REFRESH_EVERY,
            state: Mutex::default(),
        }
    }

    /// The limit in bytes.
    pub(crate) fn max(&self) -> u64 {
        self.max
    }

    fn index(&self) -> std::sync::MutexGuard<'_, Index> {
        // Every update leaves the index consistent before any call that could
        // panic, so a poisoned lock still guards a usable index.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Notes a read of `path` (a use, for the LRU order).
    pub(crate) fn touched(&self, path: &str) {
        let mut index = self.index();
        if let Some(e) = index.entries.get(path).copied() {
            index.upsert(path, e.size, SystemTime::now());
        }
    }

    /// Notes a delete of `path`.
    pub(crate) fn deleted(&self, path: &str) {
        self.index().remove(path);
    }

    /// Notes a write of `size` bytes at `path`, then brings the storage back
    /// under the limit: refreshes the index from `storage.list` when it is due,
    /// and deletes least recently used entries. The write itself has
    /// succeeded, so failures here are only logged: a listing that fails is
    /// tried again at the next write; an entry whose delete failed comes
    /// back into the index at the next refresh and is evicted again.
    pub(crate) async fn written(&self, storage: &dyn Storage, path: &str, size: u64) {
        let due = self
            .index()
            .loaded_at
            .is_none_or(|at| at.elapsed() >= self.refresh_every);
        if due {
            match storage.list("").await {
                Ok(listed) => self.reload(&listed),
                Err(e) => {
                    tracing::debug!(error = %e, "perscache: could not list entries for max_size")
                }
            }
        }
        let victims = {
            let mut index = self.index();
            if evictable(path) {
                index.upsert(path, size, SystemTime::now());
            }
            let mut victims = Vec::new();
            while index.total > self.max {
                let Some((_, oldest)) = index.by_use.iter().find(|(_, p)| p.as_str() != path)
                else {
                    break;
                };
                let oldest = oldest.clone();
                index.remove(&oldest);
                victims.push(oldest);
            }
            victims
        };
        for victim in victims {
            if let Err(e) = storage.delete(&victim).await {
                tracing::debug!(path = %victim, error = %e, "perscache: could not evict an entry");
            }
        }
    }

    /// Rebuilds the index from a listing, keeping the uses this process saw.
    fn reload(&self, listed: &[crate::storage::EntryInfo]) {
        let mut index = self.index();
        let mut fresh = Index {
            loaded_at: Some(Instant::now()),
            seq: index.seq,
            ..Index::default()
        };
        for info in listed.iter().filter(|i| evictable(&i.path)) {
            let seen = info.accessed.unwrap_or(info.modified).max(info.modified);
            let used = index
                .entries
                .get(&info.path)
                .map_or(seen, |e| e.used.0.max(seen));
            fresh.upsert(&info.path, info.size, used);
        }
        *index = fresh;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::MemoryStorage;
    use bytes::Bytes;

    #[test]
    fn scrubs_known_secrets_and_url_signatures() {
        let mut s = Secrets::default();
        s.add("hunter2hunter2");
        let text = "failed https://x/y?sv=1&sig=abcDEF%2B&se=2 with key hunter2hunter2";
        let out = s.scrub(text);
        assert!(!out.contains("hunter2"), "{out}");
        assert!(!out.contains("abcDEF"), "{out}");
        assert!(out.contains("se=2"), "{out}");
        assert_eq!(format!("{s:?}"), "<1 secret(s) redacted>");
    }

    #[test]
    fn only_slow_failures_open_the_breaker() {
        let breaker = Breaker::default();
        breaker.record(Duration::from_millis(5), true);
        assert!(
            breaker.check("s3").is_ok(),
            "a fast failure costs nothing: keep trying"
        );
        breaker.record(SLOW_FAILURE, true);
        let err = breaker.check("s3").expect_err("open after a slow failure");
        assert!(err.to_string().contains("after a slow failure"), "{err}");
        *breaker.state() = Some(Instant::now());
        assert!(
            breaker.check("s3").is_ok(),
            "closed again after the cool-down"
        );
        breaker.record(Duration::ZERO, false);
        assert!(breaker.state().is_none());
    }

    #[test]
    fn evicts_least_recently_used_first() {
        let storage = MemoryStorage::new();
        let limit = SizeLimit::new(300);
        pollster::block_on(async {
            for name in ["a", "b", "c"] {
                storage
                    .write(name, Bytes::from(vec![0u8; 100]))
                    .await
                    .expect("write");
                limit.written(&storage, name, 100).await;
            }
            limit.touched("a");
            storage
                .write("d", Bytes::from(vec![0u8; 100]))
                .await
                .expect("write");
            limit.written(&storage, "d", 100).await;
            let left: Vec<_> = storage
                .list("")
                .await
                .expect("list")
                .into_iter()
                .map(|i| i.path)
                .collect();
            assert_eq!(left, ["a", "c", "d"]);
        });
    }
}
