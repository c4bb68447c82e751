//! The part of a call that works on bytes: the memory tier, the storage,
//! the queue of callers of one key, leases, and storing.
//!
//! Nothing here knows the function's result type, so it is compiled once,
//! in this crate. Its futures are boxed for the same reason: an `async fn`'s
//! body is compiled where it is polled, and the generic call that polls
//! these is compiled in each crate with marked functions. A boxed future is
//! compiled where it is boxed. It costs an allocation on paths that go to
//! the storage, never on a memory-tier hit.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime};

use async_lock::MutexGuardArc;
use bytes::Bytes;

use super::site::Site;
use crate::cache::Cache;
use crate::control::Mode;
use crate::entry::{self, Deadline, Folder, Framing, Fresh};
use crate::error::{BoxError, Error};
use crate::flight::Ticket;
use crate::key::{CallKey, Key};
use crate::storage::Storage;

/// A future of this module's, compiled here.
pub(super) type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Functions whose computations in this process all took less (10 ms)
/// compute without a lease.
const LEASE_WORTH_NANOS: u64 = 10_000_000;

/// Where one call's entry is, and everything done with its bytes.
pub(super) struct Lookup<'a> {
    pub(super) cache: &'a Cache,
    pub(super) site: &'a Site,
    /// Serve, refresh or write-only (`PERSCACHE`, `cache_mode`).
    pub(super) mode: Mode,
    key: &'a CallKey,
    pub(super) framing: Framing,
    storage: &'a dyn Storage,
    folder: &'a Folder,
    extension: &'a str,
    /// The entry's path, made when first needed: a memory-tier hit never is.
    /// (`OnceLock` rather than `OnceCell` keeps the futures `Send`.)
    path: OnceLock<String>,
    /// The call's time to live (the function's, else the cache's). Each
    /// read makes its deadline from it then: a caller waiting minutes for
    /// another's computation must admit what it writes at the end.
    ttl: Option<Duration>,
    /// When the call was made, if it has a time to live.
    called_at: Option<SystemTime>,
    min_compute: Option<Duration>,
}

/// What a caller that missed a key does next ([`Lookup::claim`]).
pub(super) enum Miss<'a> {
    /// A stored entry, found on the way (another caller, in this process or
    /// another, may have just stored it): its payload, still to decode.
    Found(Fresh),
    /// This caller computes it.
    Compute(Claim<'a>),
}

/// The right to compute a key: the front of this process's queue for it,
/// and the key's lease if one was taken. Given up when dropped (a panic, a
/// dropped future), so that no one waits on a computation that is over.
pub(super) struct Claim<'a> {
    // Fields drop in this order: the lease, then the queue's lock, then the
    // place in it (which must be last to see it unused).
    lease: Option<Lease<'a>>,
    slot: MutexGuardArc<Option<Fresh>>,
    _ticket: Ticket<'a>,
}

/// What a process that missed a key does about other processes.
enum Turn<'a> {
    /// It holds the key's lease: it computes, then releases it.
    Holder(Lease<'a>),
    /// Another process stored the value while this one waited.
    Found(Fresh),
    /// It computes without a lease (leases are off, failed, or the wait
    /// ran out).
    Alone,
}

/// A lease this process holds. Released after the computation, or when it
/// is dropped, so that no one (this process's next caller included) waits
/// on a computation that is over.
struct Lease<'a> {
    storage: &'a dyn Storage,
    function: &'a str,
    path: Option<String>,
}

impl<'a> Lookup<'a> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn new(
        cache: &'a Cache,
        site: &'a Site,
        key: &'a CallKey,
        storage: &'a dyn Storage,
        extension: &'a str,
        framing: Framing,
        ttl: Option<Duration>,
        min_compute: Option<Duration>,
        mode: Mode,
    ) -> Self {
        Lookup {
            cache,
            site,
            mode,
            key,
            framing,
            storage,
            folder: site.folder(),
            extension,
            path: OnceLock::new(),
            ttl,
            called_at: ttl.map(|_| SystemTime::now()),
            min_compute,
        }
    }

    /// The digest that names the entry (not needed by a memory-tier hit).
    pub(super) fn key(&self) -> Key {
        self.key.digest()
    }

    pub(super) fn function(&self) -> &'static str {
        self.site.function()
    }

    /// `function/code hash/key.ext`.
    pub(super) fn path(&self) -> &str {
        self.path
            .get_or_init(|| self.folder.entry_path(&self.key(), self.extension))
    }

    /// The payload in the memory tier, if there and fresh.
    pub(super) fn in_memory(&self) -> Option<Bytes> {
        self.cache
            .tier
            .as_ref()?
            .get(self.key.memory(), self.deadline())
    }

    /// The payload in the storage, if there, fresh and framed intact (it
    /// may still not decode).
    pub(super) fn fetch(&self) -> BoxFuture<'_, Option<Fresh>> {
        Box::pin(self.look(None))
    }

    /// Keeps a payload that decoded in the memory tier.
    pub(super) fn remember(&self, found: Fresh) {
        if let Some(tier) = &self.cache.tier {
            tier.insert(self.key.memory(), found.payload, found.written);
        }
    }

    /// An entry expired less than `window` ago (`stale_if_error`), with when
    /// it was written. Without a time to live nothing expires, so there is
    /// nothing [`fetch`](Self::fetch) did not already look at.
    pub(super) fn fetch_stale(&self, window: Duration) -> BoxFuture<'_, Option<Fresh>> {
        Box::pin(async move {
            let deadline = Deadline::for_ttl(Some(self.ttl?.saturating_add(window)));
            self.read(deadline).await
        })
    }

    /// Joins this process's queue of callers of the key, then takes the
    /// key's lease or waits for its holder, unless a payload turns up on
    /// the way: the first caller in the queue computes, the others get the
    /// payload it stored, to decode; if it stored nothing (an error, a
    /// panic), another process may have, so the storage is read once more
    /// before computing. An entry in the storage equal to `rejected` (one
    /// this caller could not decode) counts as absent, so that a damaged
    /// entry does not let every caller compute at once.
    pub(super) fn claim(&self, rejected: Option<Bytes>) -> BoxFuture<'_, Miss<'_>> {
        Box::pin(async move {
            let rejected = rejected.as_ref();
            let ticket = self.cache.flights.join(self.key());
            let slot = match ticket.flight.try_lock_arc() {
                Some(slot) => slot,
                None => {
                    let slot = ticket.flight.lock_arc().await;
                    let handed_over = slot.as_ref().filter(|f| self.fresh_at_call(f.written));
                    if let Some(found) = handed_over {
                        return Miss::Found(found.clone());
                    }
                    if let Some(found) = self.look(rejected).await {
                        return Miss::Found(found);
                    }
                    slot
                }
            };
            let lease = match self.take_turn(rejected).await {
                Turn::Found(found) => return Miss::Found(found),
                Turn::Holder(lease) => Some(lease),
                Turn::Alone => None,
            };
            Miss::Compute(Claim {
                lease,
                slot,
                _ticket: ticket,
            })
        })
    }

    /// Counts a computation that took `took`; whether its result may be
    /// stored (`min_compute`).
    pub(super) fn computed(&self, took: Duration) -> bool {
        self.site.counters.miss(took);
        let nanos = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX).max(1);
        self.site
            .slowest_compute
            .fetch_max(nanos, Ordering::Relaxed);
        if self.min_compute.is_some_and(|min| took < min) {
            tracing::debug!(
                function = self.function(),
                ?took,
                "computed faster than min_compute; not stored"
            );
            return false;
        }
        true
    }

    /// Stores an encoded result: `framed` in the storage, the payload
    /// within it in the memory tier. Returns the payload and its write time,
    /// for the callers queued behind.
    pub(super) fn store(&self, framed: Bytes, payload: Bytes) -> BoxFuture<'_, Fresh> {
        Box::pin(async move {
            let stored = Fresh {
                payload,
                written: SystemTime::now(),
            };
            self.remember(stored.clone());
            if let Err(e) = self.folder.write(self.storage, self.path(), framed).await {
                self.failed("could not store the result", &e);
            }
            stored
        })
    }

    /// A payload of this key that the format could not decode: reported,
    /// and out of the memory tier. Damaged, or a type the format writes but
    /// cannot read (an untagged enum in the binary format): the next write
    /// is read back to tell which. A decoder's panic is blamed on the bytes,
    /// as parsers panic on hostile input.
    pub(super) fn undecodable(&self, format: &str, type_name: &'static str, source: BoxError) {
        if !source.is::<super::Panicked>() {
            self.site.recheck.store(true, Ordering::Relaxed);
        }
        if let Some(tier) = &self.cache.tier {
            tier.remove(self.key.memory());
        }
        let e = Error::Format {
            format: format.to_owned(),
            type_name,
            source,
        };
        self.failed(&format!("cannot decode {}", self.path()), &e);
    }

    /// Reports a failure of the cache for this call ([`Cache::failed`]).
    pub(super) fn failed(&self, what: &str, e: &Error) {
        self.cache.failed(self.function(), what, e);
    }

    /// [`fetch`](Self::fetch), unboxed for this module's own futures, past
    /// a payload that was `rejected`.
    async fn look(&self, rejected: Option<&Bytes>) -> Option<Fresh> {
        let found = self.read(self.deadline()).await?;
        (Some(&found.payload) != rejected).then_some(found)
    }

    /// What is fresh as of now.
    fn deadline(&self) -> Deadline {
        Deadline::for_ttl(self.ttl)
    }

    /// Whether a value written at `written` was fresh when the call was made
    /// or is newer: one computed while this caller waited in the queue is
    /// its answer, however short the time to live.
    fn fresh_at_call(&self, written: SystemTime) -> bool {
        self.ttl
            .zip(self.called_at)
            .is_none_or(|(ttl, at)| written.checked_add(ttl).is_none_or(|until| until > at))
    }

    /// The entry in the storage, if present and admitted by `deadline`.
    async fn read(&self, deadline: Deadline) -> Option<Fresh> {
        let max = self.cache.max_entry_size;
        match entry::read(self.storage, self.path(), max, deadline, self.framing).await {
            Ok(found) => found,
            Err(e) => {
                let what = match e {
                    Error::Corrupt { .. } | Error::TooLarge { .. } => "a cache entry is damaged",
                    _ => "could not read the cache",
                };
                self.failed(what, &e);
                None
            }
        }
    }

    /// Takes the key's lease, or waits for its holder's result: looks for
    /// the entry (other than `rejected`) between attempts, backing off to
    /// 200 ms, until the lease is taken (it was released without a result,
    /// or expired) or the entry is there.
    async fn take_turn(&self, rejected: Option<&Bytes>) -> Turn<'_> {
        let length = self.cache.lease;
        // A lease costs requests (a create, a delete, one more look): not
        // worth it for a function whose every computation here was quick.
        let slowest = self.site.slowest_compute.load(Ordering::Relaxed);
        if length.is_zero() || (slowest != 0 && slowest < LEASE_WORTH_NANOS) {
            return Turn::Alone;
        }
        let path = self.folder.lease_path(&self.key());
        let started = Instant::now();
        let mut pause = Duration::from_millis(10);
        loop {
            match self.storage.try_lease(&path, length).await {
                Ok(true) => {
                    let lease = Lease {
                        storage: self.storage,
                        function: self.function(),
                        path: Some(path),
                    };
                    // The last holder may have stored the value and released
                    // the lease since this process looked.
                    if let Some(found) = self.look(rejected).await {
                        lease.release().await;
                        return Turn::Found(found);
                    }
                    return Turn::Holder(lease);
                }
                Ok(false) => {}
                Err(e) => {
                    tracing::debug!(function = self.function(), error = %e, "perscache: could not take a lease; computing");
                    return Turn::Alone;
                }
            }
            // The lease expires by the holder's clock or the server's: past
            // twice its length, stop waiting whatever they say.
            if started.elapsed() > length.saturating_mul(2) {
                return Turn::Alone;
            }
            futures_timer::Delay::new(pause).await;
            pause = (pause * 2).min(Duration::from_millis(200));
            if let Some(found) = self.look(rejected).await {
                return Turn::Found(found);
            }
        }
    }
}

impl<'a> Claim<'a> {
    /// The computation is over: what it stored (if anything) goes to the
    /// callers queued behind, and the lease is released.
    pub(super) fn finish(mut self, stored: Option<Fresh>) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            if let Some(lease) = self.lease.take() {
                lease.release().await;
            }
            *self.slot = stored;
        })
    }
}

impl Lease<'_> {
    async fn release(mut self) {
        if let Some(path) = self.path.take() {
            self.delete(&path).await;
        }
    }

    async fn delete(&self, path: &str) {
        if let Err(e) = self.storage.delete(path).await {
            tracing::debug!(function = self.function, error = %e, "perscache: could not release a lease; it expires");
        }
    }
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            pollster::block_on(self.delete(&path));
        }
    }
}
