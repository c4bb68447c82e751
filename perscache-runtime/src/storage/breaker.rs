//! The outage breaker: a wrapper that skips a storage for a few seconds after
//! a slow failure, so that a server that stopped answering costs one call
//! its timeout, not every call.

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use bytes::Bytes;

use super::{Blob, EntryInfo, Storage};
use crate::error::{Error, Result};

/// A failure slower than this opens the breaker.
const SLOW_FAILURE: Duration = Duration::from_secs(2);
/// How long an open breaker skips the storage.
const COOL_DOWN: Duration = Duration::from_secs(5);

/// Skips a storage for a few seconds after a *slow* failure.
///
/// A server that refuses connections fails each request in milliseconds,
/// which costs callers nothing, so it never opens the breaker, and the first
/// call after the server is back uses it again. A server that drops packets
/// makes every request wait for its timeout and retries; after one such
/// failure (2 s or more), requests fail at once for 5 s (the cache runs the
/// function, with a warning saying so), then the storage is tried again.
///
/// Every cache puts one in front of its storage (see
/// [`Cache::builder`](crate::Cache::builder)), as does
/// [`open_url`](crate::open_url).
///
/// ```
/// use perscache::{MemoryStorage, OutageBreaker, Storage};
///
/// let storage = OutageBreaker::new(MemoryStorage::new());
/// assert_eq!(storage.name(), "memory");
/// ```
pub struct OutageBreaker {
    inner: Arc<dyn Storage>,
    slow_failure: Duration,
    cool_down: Duration,
    /// Until when requests are skipped, in nanoseconds after [`epoch`]; 0
    /// when closed. An atomic, so a closed breaker costs a load.
    open_until: AtomicU64,
}

impl fmt::Debug for OutageBreaker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutageBreaker")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

/// The instant breaker times are counted from.
fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

fn since_epoch(t: Instant) -> u64 {
    // At least 1, so that 0 always means closed.
    (t.saturating_duration_since(epoch()).as_nanos() as u64).max(1)
}

/// Failures of the breaker itself.
#[derive(Debug, thiserror::Error)]
#[error("skipped for another {0} ms after a slow failure")]
struct CoolingDown(u128);

impl OutageBreaker {
    /// Puts a breaker in front of `inner`.
    pub fn new(inner: impl Storage) -> Self {
        Self::from_arc(Arc::new(inner))
    }

    /// Puts a breaker in front of a shared storage.
    pub fn from_arc(inner: Arc<dyn Storage>) -> Self {
        OutageBreaker {
            inner,
            slow_failure: SLOW_FAILURE,
            cool_down: COOL_DOWN,
            open_until: AtomicU64::new(0),
        }
    }

    /// Opens after a failure that took at least `slow` (default 2 s), for
    /// `cool_down` (default 5 s).
    pub fn timing(mut self, slow: Duration, cool_down: Duration) -> Self {
        self.slow_failure = slow;
        self.cool_down = cool_down;
        self
    }

    /// The wrapped storage.
    pub fn inner(&self) -> &Arc<dyn Storage> {
        &self.inner
    }

    fn check(&self) -> Result<()> {
        let until = self.open_until.load(Ordering::Relaxed);
        if until == 0 {
            return Ok(());
        }
        let now = since_epoch(Instant::now());
        if now < until {
            return Err(Error::storage(
                self.inner.name(),
                CoolingDown(u128::from((until - now) / 1_000_000)),
            ));
        }
        Ok(())
    }

    fn record(&self, started: Instant, failed: bool) {
        if !failed {
            if self.open_until.load(Ordering::Relaxed) != 0 {
                self.open_until.store(0, Ordering::Relaxed);
            }
        } else if started.elapsed() >= self.slow_failure {
            let until = since_epoch(Instant::now() + self.cool_down);
            self.open_until.store(until, Ordering::Relaxed);
        }
    }

    async fn guarded<T>(&self, op: impl Future<Output = Result<T>>) -> Result<T> {
        self.check()?;
        let started = Instant::now();
        let result = op.await;
        self.record(started, result.is_err());
        result
    }
}

#[async_trait::async_trait]
impl Storage for OutageBreaker {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    async fn read(&self, path: &str) -> Result<Option<Blob>> {
        self.guarded(self.inner.read(path)).await
    }

    async fn read_at_most(&self, path: &str, max: u64) -> Result<Option<Blob>> {
        self.guarded(self.inner.read_at_most(path, max)).await
    }

    async fn write(&self, path: &str, bytes: Bytes) -> Result<()> {
        self.guarded(self.inner.write(path, bytes)).await
    }

    async fn delete(&self, path: &str) -> Result<()> {
        self.guarded(self.inner.delete(path)).await
    }

    async fn try_lease(&self, path: &str, ttl: Duration) -> Result<bool> {
        self.guarded(self.inner.try_lease(path, ttl)).await
    }

    async fn list(&self, prefix: &str) -> Result<Vec<EntryInfo>> {
        self.guarded(self.inner.list(prefix)).await
    }

    async fn head(&self, path: &str) -> Result<Option<EntryInfo>> {
        self.guarded(self.inner.head(path)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::MemoryStorage;

    #[test]
    fn only_slow_failures_open_the_breaker() {
        let breaker = OutageBreaker::new(MemoryStorage::new());
        let long_ago = Instant::now() - Duration::from_secs(10);
        breaker.record(Instant::now(), true);
        assert!(
            breaker.check().is_ok(),
            "a fast failure costs nothing: keep trying"
        );
        breaker.record(long_ago, true);
        let err = breaker.check().expect_err("open after a slow failure");
        assert!(err.to_string().contains("after a slow failure"), "{err}");
        assert!(pollster::block_on(breaker.read("f/h/k.bin")).is_err());
        breaker.open_until.store(1, Ordering::Relaxed);
        assert!(breaker.check().is_ok(), "closed again after the cool-down");
        breaker.record(Instant::now(), false);
        assert_eq!(breaker.open_until.load(Ordering::Relaxed), 0);
    }
}
