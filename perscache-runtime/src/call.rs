//! One cached call, top to bottom: key → memory tier → entry (storage,
//! freshness, frame) → decode → return; or, on a miss, compute once
//! (single-flight) → encode → store.
//!
//! Where the entry is, whether it is fresh and how it is framed is the entry
//! layer's (`entry/`); this file computes, decodes and reports. Everything
//! here degrades: a failure of the cache is reported through
//! [`Cache::failed`] and the function runs, so the caller always gets the
//! value its own code computes.

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;

use crate::cache::Cache;
use crate::control::{self, Mode};
use crate::entry::{self, Deadline, Folder, Framing};
use crate::error::{Error, FormatError, Result};
use crate::flight::{self, Computing};
use crate::format::{is_lossy_value, Codec};
use crate::key::Key;
use crate::stats::{self, Counters};
use crate::storage::Storage;

/// A marked function, as `#[persist]` describes it in a `static`.
#[derive(Debug)]
pub struct Site {
    function: &'static str,
    code_hash: &'static str,
    key_salt: &'static str,
    workspace_root: Option<&'static str>,
    fallback: bool,
    folder: OnceLock<Folder>,
    /// Whether `PERSCACHE_REFRESH` names it, matched on its first call.
    refreshed_by_env: OnceLock<bool>,
    counters: Counters,
    /// Set when the format cannot read back what it wrote for this function.
    uncacheable: AtomicBool,
    /// Set once a write has been checked to read back.
    verified: AtomicBool,
    /// Set when an entry of this function failed to decode: the next write
    /// is read back once, whatever the format checks while it encodes.
    recheck: AtomicBool,
    /// Its slowest computation in this process, in nanoseconds (0: none yet).
    slowest_compute: AtomicU64,
    /// The format named on its first call, and its keys' identity key for
    /// it (derived once: every call's key is hashed with it).
    identity: OnceLock<(Box<str>, [u8; 32])>,
}

impl Site {
    /// Describes function `function` (its full path, as `cargo perscache`
    /// names it), whose code hashes to `code_hash`, built with the inputs
    /// `key_salt` stands for (the code hash and the build configuration).
    pub const fn new(
        function: &'static str,
        code_hash: &'static str,
        key_salt: &'static str,
    ) -> Self {
        Site {
            function,
            code_hash,
            key_salt,
            workspace_root: None,
            fallback: false,
            folder: OnceLock::new(),
            refreshed_by_env: OnceLock::new(),
            counters: Counters::new(),
            uncacheable: AtomicBool::new(false),
            verified: AtomicBool::new(false),
            recheck: AtomicBool::new(false),
            slowest_compute: AtomicU64::new(0),
            identity: OnceLock::new(),
        }
    }

    /// Says the workspace the function was built in: its root folder, as
    /// `cargo metadata` gives it. Recorded with the entries (as a
    /// [`workspace_id`](crate::entry::workspace_id)), so that
    /// `cargo perscache clear` removes only its own workspace's.
    pub const fn workspace(mut self, root: &'static str) -> Self {
        self.workspace_root = Some(root);
        self
    }

    /// Says whether the code hash is the macro's widened fallback (the
    /// analysis could not run), which `cargo perscache clear --stale` cannot
    /// recompute: entries under it are kept while the function exists.
    pub const fn from_fallback(mut self, fallback: bool) -> Self {
        self.fallback = fallback;
        self
    }

    /// Whether the code hash is the macro's widened fallback.
    pub const fn is_fallback(&self) -> bool {
        self.fallback
    }

    /// The function's full path: `module::name`, `module::Type::name`,
    /// `<module::Type as module::Trait>::name`.
    pub fn function(&self) -> &'static str {
        self.function
    }

    /// Whether the cache may still be used (the format can round-trip the type).
    pub fn is_cacheable(&self) -> bool {
        !self.uncacheable.load(Ordering::Relaxed)
    }

    /// The code hash: it names the folder of the function's entries.
    pub fn code_hash(&self) -> &'static str {
        self.code_hash
    }

    /// The code hash with the build inputs: it goes into every key.
    pub fn key_salt(&self) -> &'static str {
        self.key_salt
    }

    /// The identity key of this function's keys in `format` (with the key
    /// salt as the code hash), kept for the format of its first call.
    pub(crate) fn identity_key(&self, format: &str) -> [u8; 32] {
        let derive = || crate::key::identity_key(self.function, self.key_salt, format);
        let (kept_for, key) = self.identity.get_or_init(|| (format.into(), derive()));
        if **kept_for == *format {
            *key
        } else {
            derive()
        }
    }

    /// What this call does with the cache (see `control.rs`).
    fn mode(&self) -> Mode {
        control::mode(|| {
            *self
                .refreshed_by_env
                .get_or_init(|| control::refreshed_by_env(self.function))
        })
    }

    /// Where its entries go: made on its first call, kept for the others.
    fn folder(&self) -> &Folder {
        self.folder.get_or_init(|| {
            Folder::new(
                self.function,
                self.code_hash,
                self.workspace_root,
                self.fallback,
            )
        })
    }
}

/// What part of a function's return value is stored.
pub trait Policy<R> {
    /// The stored type.
    type Value;
    /// The value to store, or `None` to store nothing.
    fn stored(result: &R) -> Option<&Self::Value>;
    /// The return value rebuilt from a stored value.
    fn rebuild(value: Self::Value) -> R;
    /// Whether the result is a failure, which `stale_if_error` may answer
    /// with an expired result.
    fn failed(_result: &R) -> bool {
        false
    }
}

/// Stores every result.
#[derive(Debug)]
pub struct Always;

impl<R> Policy<R> for Always {
    type Value = R;
    fn stored(result: &R) -> Option<&R> {
        Some(result)
    }
    fn rebuild(value: R) -> R {
        value
    }
}

/// Stores `Ok` values; errors are returned and not stored.
#[derive(Debug)]
pub struct OkOnly;

impl<T, E> Policy<Result<T, E>> for OkOnly {
    type Value = T;
    fn stored(result: &Result<T, E>) -> Option<&T> {
        result.as_ref().ok()
    }
    fn rebuild(value: T) -> Result<T, E> {
        Ok(value)
    }
    fn failed(result: &Result<T, E>) -> bool {
        result.is_err()
    }
}

/// Stores `Some` values only (`cache_none = false`).
#[derive(Debug)]
pub struct SomeOnly;

impl<T> Policy<Option<T>> for SomeOnly {
    type Value = T;
    fn stored(result: &Option<T>) -> Option<&T> {
        result.as_ref()
    }
    fn rebuild(value: T) -> Option<T> {
        Some(value)
    }
}

/// Per-function overrides of the cache's settings.
#[derive(Debug, Default, Clone, Copy)]
pub struct Options<'a> {
    /// Storage instead of the cache's.
    pub storage: Option<&'a Arc<dyn Storage>>,
    /// Time to live instead of the cache's.
    pub ttl: Option<Duration>,
    /// Results computed faster than this are not stored.
    pub min_compute: Option<Duration>,
    /// When the function fails, a result expired less than this long ago
    /// is returned instead of the failure.
    pub stale_if_error: Option<Duration>,
}

impl Options<'_> {
    /// The call's freshness deadline, from its time to live (this
    /// function's, else the cache's).
    fn deadline(&self, cache: &Cache) -> Deadline {
        Deadline::for_ttl(self.ttl.or(cache.ttl))
    }
}

/// A sync marked function's call.
#[allow(clippy::too_many_arguments)]
pub fn call_sync<R, P, C>(
    cache: &Cache,
    site: &'static Site,
    key: Result<Key>,
    codec: &C,
    options: Options<'_>,
    compute: impl FnOnce() -> R,
) -> R
where
    P: Policy<R>,
    C: Codec<P::Value>,
{
    // The body is passed on as a `dyn FnMut`, so that what follows (the
    // whole lookup, miss and store) is compiled once per result type and
    // format, not once per marked function: a crate with hundreds of them
    // builds in a fraction of the time.
    let mut compute = Some(compute);
    call_sync_erased::<R, P, C>(cache, site, key, codec, options, &mut || {
        compute.take().map(|f| f())
    })
}

/// [`call_sync`] with the function's body behind a `dyn FnMut` that returns
/// its value on the first call (`None` after: never asked).
fn call_sync_erased<R, P, C>(
    cache: &Cache,
    site: &'static Site,
    key: Result<Key>,
    codec: &C,
    options: Options<'_>,
    compute: &mut dyn FnMut() -> Option<R>,
) -> R
where
    P: Policy<R>,
    C: Codec<P::Value>,
{
    let mut compute = move || compute().expect("a call computes its value at most once");
    let mode = site.mode();
    if !cache.enabled || site.uncacheable.load(Ordering::Relaxed) || mode == Mode::Bypass {
        return compute();
    }
    // Storage futures of local files complete at once; remote backends run
    // their I/O on a runtime of their own, so this small executor suffices
    // and a sync function never needs tokio.
    let mut call = pin!(call_in_mode::<R, P, C, _>(
        cache,
        site,
        key,
        codec,
        options,
        mode,
        move || std::future::ready(compute()),
    ));
    // First one poll with a waker that does nothing: the memory tier and
    // local files answer within it, and `pollster::block_on` would first
    // allocate its (64-byte aligned) signal, which costs more than the rest
    // of a memory-tier hit. A future still pending goes on under pollster,
    // whose waker it then holds (futures wake the waker of their latest poll).
    match call.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result,
        Poll::Pending => pollster::block_on(call),
    }
}

/// An async marked function's call.
pub async fn call_async<R, P, C, Fut>(
    cache: &Cache,
    site: &'static Site,
    key: Result<Key>,
    codec: &C,
    options: Options<'_>,
    compute: impl FnOnce() -> Fut,
) -> R
where
    P: Policy<R>,
    C: Codec<P::Value>,
    Fut: Future<Output = R>,
{
    let mode = site.mode();
    call_in_mode::<R, P, C, _>(cache, site, key, codec, options, mode, compute).await
}

/// A call, once its mode is known (read where the call is made, in its
/// caller's scope).
async fn call_in_mode<R, P, C, Fut>(
    cache: &Cache,
    site: &'static Site,
    key: Result<Key>,
    codec: &C,
    options: Options<'_>,
    mode: Mode,
    compute: impl FnOnce() -> Fut,
) -> R
where
    P: Policy<R>,
    C: Codec<P::Value>,
    Fut: Future<Output = R>,
{
    if !cache.enabled || site.uncacheable.load(Ordering::Relaxed) || mode == Mode::Bypass {
        return compute().await;
    }
    let folder = site.folder();
    let key = match key {
        Ok(key) => key,
        Err(e) => {
            cache.failed(site.function, "an argument cannot be part of the key", &e);
            return compute().await;
        }
    };
    let storage = options.storage.unwrap_or(&cache.storage);
    stats::register(
        site.function,
        folder.function_dir(),
        &site.counters,
        storage,
    );

    let lookup = Lookup {
        cache,
        site,
        storage: &**storage,
        function: site.function,
        folder,
        extension: codec.extension(),
        path: OnceLock::new(),
        key,
        deadline: options.deadline(cache),
        min_compute: options.min_compute,
    };
    let result = find_or_compute::<R, P, C, _>(&lookup, codec, mode, compute).await;
    match options.stale_if_error {
        Some(window) if P::failed(&result) => {
            let ttl = options.ttl.or(cache.ttl);
            match lookup.find_stale::<P::Value, C>(codec, ttl, window).await {
                Some(value) => P::rebuild(value),
                None => result,
            }
        }
        _ => result,
    }
}

/// The stored result, else the function's (stored if the policy keeps it).
async fn find_or_compute<R, P, C, Fut>(
    lookup: &Lookup<'_>,
    codec: &C,
    mode: Mode,
    compute: impl FnOnce() -> Fut,
) -> R
where
    P: Policy<R>,
    C: Codec<P::Value>,
    Fut: Future<Output = R>,
{
    let site = lookup.site;
    if mode == Mode::Serve {
        if let Some(value) = lookup.find::<P::Value, C>(codec).await {
            site.counters.hit();
            return P::rebuild(value);
        }
    }
    // A forked child starts its own statistics thread.
    stats::ensure_flusher();

    // Called from inside its own computation (the function recursing with
    // the same key): the flight below is its own, and waiting on it would
    // wait forever. A refresh computes whatever others do.
    let key = lookup.key;
    if mode == Mode::Refresh || flight::computing_here(&key) {
        return compute_and_store::<R, P, C, _>(lookup, codec, compute)
            .await
            .0;
    }

    // A miss. Callers of the same key in this process queue here; the first
    // computes, the others take what it stored.
    let ticket = lookup.cache.flights.join(key);
    let mut slot = match ticket.flight.payload.try_lock() {
        Some(slot) => slot,
        None => {
            let slot = ticket.flight.payload.lock().await;
            if let Some(value) = slot
                .as_ref()
                .and_then(|p| lookup.decode::<P::Value, C>(codec, p))
            {
                site.counters.hit();
                return P::rebuild(value);
            }
            // The first caller stored nothing (an error, or a panic): another
            // process may have, so look once more before computing.
            if let Some(value) = lookup.find::<P::Value, C>(codec).await {
                site.counters.hit();
                return P::rebuild(value);
            }
            slot
        }
    };
    // Other processes and machines: compute under the key's lease, or take
    // the result of the one that holds it.
    let lease = match lookup.take_turn::<P::Value, C>(codec).await {
        Turn::Found(value) => {
            site.counters.hit();
            return P::rebuild(value);
        }
        Turn::Holder(path) => Some(path),
        Turn::Alone => None,
    };
    let (result, payload) = compute_and_store::<R, P, C, _>(lookup, codec, compute).await;
    if let Some(lease) = lease {
        lease.release().await;
    }
    *slot = payload;
    drop(slot);
    drop(ticket);
    result
}

/// Functions whose computations in this process all took less (10 ms)
/// compute without a lease.
const LEASE_WORTH_NANOS: u64 = 10_000_000;

/// What a process that missed a key does about other processes.
enum Turn<'a, T> {
    /// It holds the key's lease: it computes, then releases it.
    Holder(Lease<'a>),
    /// Another process stored the value while this one waited.
    Found(T),
    /// It computes without a lease (leases are off, failed, or the wait
    /// ran out).
    Alone,
}

/// A lease this process holds. Released after the computation, or when
/// the computation panics or its future is dropped, so that no one (this
/// process's next caller included) waits on a computation that is over.
struct Lease<'a> {
    storage: &'a dyn Storage,
    function: &'a str,
    path: Option<String>,
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

/// Runs the function (marked as computing this key on its thread, see
/// `flight.rs`), counts the miss, and stores what the policy keeps.
/// Returns the result and the payload stored, if any.
async fn compute_and_store<R, P, C, Fut>(
    lookup: &Lookup<'_>,
    codec: &C,
    compute: impl FnOnce() -> Fut,
) -> (R, Option<Bytes>)
where
    P: Policy<R>,
    C: Codec<P::Value>,
    Fut: Future<Output = R>,
{
    let started = Instant::now();
    let result = Computing::new(lookup.key, async move { compute().await }).await;
    let took = started.elapsed();
    lookup.site.counters.miss(took);
    let nanos = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX).max(1);
    lookup
        .site
        .slowest_compute
        .fetch_max(nanos, Ordering::Relaxed);
    if lookup.min_compute.is_some_and(|min| took < min) {
        tracing::debug!(
            function = lookup.function,
            ?took,
            "computed faster than min_compute; not stored"
        );
        return (result, None);
    }

    let mut stored = None;
    if let Some(value) = P::stored(&result) {
        if let Some((framed, payload)) = lookup.encode::<P::Value, C>(codec, value) {
            if let Some(tier) = &lookup.cache.tier {
                tier.insert(lookup.key, payload.clone(), SystemTime::now());
            }
            if let Err(e) = lookup
                .folder
                .write(lookup.storage, lookup.path(), framed)
                .await
            {
                lookup
                    .cache
                    .failed(lookup.function, "could not store the result", &e);
            }
            stored = Some(payload);
        }
    }
    (result, stored)
}

/// Where one call's entry is and how to read it.
struct Lookup<'a> {
    cache: &'a Cache,
    site: &'a Site,
    storage: &'a dyn Storage,
    function: &'a str,
    folder: &'a Folder,
    extension: &'a str,
    /// The entry's path, made when first needed: a memory-tier hit never is.
    /// (`OnceLock` rather than `OnceCell` keeps `call_async`'s future `Send`.)
    path: OnceLock<String>,
    key: Key,
    deadline: Deadline,
    min_compute: Option<Duration>,
}

impl Lookup<'_> {
    /// `function/code hash/key.ext`.
    fn path(&self) -> &str {
        self.path
            .get_or_init(|| self.folder.entry_path(&self.key, self.extension))
    }

    /// The stored value, from the memory tier or the storage, if present,
    /// fresh and intact.
    async fn find<T, C: Codec<T>>(&self, codec: &C) -> Option<T> {
        if let Some(tier) = &self.cache.tier {
            if let Some(payload) = tier.get(&self.key, self.deadline) {
                match decode(codec, &payload, self.cache.max_entry_size) {
                    Ok(v) => return Some(v),
                    Err(e) => {
                        self.report_undecodable(codec, e);
                        tier.remove(&self.key);
                    }
                }
            }
        }
        let found = self.read(codec, self.deadline).await?;
        let value = self.decode(codec, &found.payload)?;
        if let Some(tier) = &self.cache.tier {
            tier.insert(self.key, found.payload, found.written);
        }
        Some(value)
    }

    /// Takes the key's lease, or waits for its holder's result: checks for
    /// the entry between attempts, backing off to 200 ms, until the lease is
    /// taken (it was released without a result, or expired) or the entry
    /// is there.
    async fn take_turn<T, C: Codec<T>>(&self, codec: &C) -> Turn<'_, T> {
        let length = self.cache.lease;
        // A lease costs requests (a create, a delete, one more look): not
        // worth it for a function whose every computation here was quick.
        let slowest = self.site.slowest_compute.load(Ordering::Relaxed);
        if length.is_zero() || (slowest != 0 && slowest < LEASE_WORTH_NANOS) {
            return Turn::Alone;
        }
        let path = self.folder.lease_path(&self.key);
        let started = Instant::now();
        let mut pause = Duration::from_millis(10);
        loop {
            match self.storage.try_lease(&path, length).await {
                Ok(true) => {
                    let lease = Lease {
                        storage: self.storage,
                        function: self.function,
                        path: Some(path),
                    };
                    // The last holder may have stored the value and released
                    // the lease since this process looked.
                    if let Some(value) = self.find(codec).await {
                        lease.release().await;
                        return Turn::Found(value);
                    }
                    return Turn::Holder(lease);
                }
                Ok(false) => {}
                Err(e) => {
                    tracing::debug!(function = self.function, error = %e, "perscache: could not take a lease; computing");
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
            if let Some(value) = self.find(codec).await {
                return Turn::Found(value);
            }
        }
    }

    /// `stale_if_error`: the function failed, and a result that expired
    /// less than `window` ago stands in for the failure, with a warning.
    /// Without a time to live nothing expires, so there is nothing `find`
    /// did not already look at.
    async fn find_stale<T, C: Codec<T>>(
        &self,
        codec: &C,
        ttl: Option<Duration>,
        window: Duration,
    ) -> Option<T> {
        let deadline = Deadline::for_ttl(Some(ttl?.saturating_add(window)));
        let found = self.read(codec, deadline).await?;
        let value = self.decode(codec, &found.payload)?;
        let age = SystemTime::now()
            .duration_since(found.written)
            .unwrap_or_default();
        tracing::warn!(
            function = self.function,
            age = %humantime::format_duration(Duration::from_secs(age.as_secs())),
            "the function failed; returning its expired result instead (stale_if_error)"
        );
        Some(value)
    }

    /// The entry in the storage, if present and admitted by `deadline`.
    async fn read<T, C: Codec<T>>(&self, codec: &C, deadline: Deadline) -> Option<entry::Fresh> {
        let framing = Framing::of(codec);
        let max = self.cache.max_entry_size;
        match entry::read(self.storage, self.path(), max, deadline, framing).await {
            Ok(found) => found,
            Err(e) => {
                let what = match e {
                    Error::Corrupt { .. } | Error::TooLarge { .. } => "a cache entry is damaged",
                    _ => "could not read the cache",
                };
                self.cache.failed(self.function, what, &e);
                None
            }
        }
    }

    fn decode<T, C: Codec<T>>(&self, codec: &C, payload: &[u8]) -> Option<T> {
        decode(codec, payload, self.cache.max_entry_size)
            .map_err(|e| self.report_undecodable(codec, e))
            .ok()
    }

    fn report_undecodable<T, C: Codec<T>>(&self, codec: &C, e: FormatError) {
        // Damaged, or a type the format writes but cannot read (an untagged
        // enum in the binary format): the next write tells which. A panic
        // is blamed on the bytes, as parsers panic on hostile input.
        if !e.0.is::<Panicked>() {
            self.site.recheck.store(true, Ordering::Relaxed);
        }
        let e = Error::Format {
            format: codec.name().to_owned(),
            type_name: std::any::type_name::<T>(),
            source: e.0,
        };
        self.cache
            .failed(self.function, &format!("cannot decode {}", self.path()), &e);
    }

    /// The bytes to store (framed for binary formats) and the payload within.
    /// A value the format would read back as another is not stored; a
    /// format that does not refuse such values while it encodes has the
    /// first write of each function read back once, and so has the next
    /// write after an entry failed to decode, so that a type the format
    /// cannot read back is found at once, not as endless misses.
    fn encode<T, C: Codec<T>>(&self, codec: &C, value: &T) -> Option<(Bytes, Bytes)> {
        let site = self.site;
        let framing = Framing::of(codec);
        let mut buf = framing.buffer();
        let format_error = |source| Error::Format {
            format: codec.name().to_owned(),
            type_name: std::any::type_name::<T>(),
            source,
        };
        if let Err(e) = codec.encode(value, &mut buf) {
            if is_lossy_value(&e) {
                self.cache.failed(
                    self.function,
                    "this result would read back as another value; it is not stored",
                    &format_error(e.0),
                );
                return None;
            }
            site.uncacheable.store(true, Ordering::Relaxed);
            self.cache.failed(
                self.function,
                "the result cannot be encoded; caching is off for this function",
                &format_error(e.0),
            );
            return None;
        }
        let (framed, payload) = framing.seal(buf);
        if framed.len() as u64 > self.cache.max_entry_size {
            self.cache.failed(
                self.function,
                "this result is larger than max_entry_size; it is not stored",
                &Error::TooLarge {
                    path: self.path().to_owned(),
                    size: framed.len() as u64,
                    max: self.cache.max_entry_size,
                },
            );
            return None;
        }
        let recheck = site.recheck.load(Ordering::Relaxed);
        if recheck || (!codec.checks_on_encode() && !site.verified.load(Ordering::Relaxed)) {
            let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                codec.check(value, &payload)
            }))
            .unwrap_or_else(|_| Err(FormatError::new(Panicked)));
            if let Err(e) = checked {
                site.uncacheable.store(true, Ordering::Relaxed);
                self.cache.failed(
                    self.function,
                    "the format cannot read back what it wrote; caching is off for this function",
                    &format_error(e.0),
                );
                return None;
            }
            site.verified.store(true, Ordering::Relaxed);
            site.recheck.store(false, Ordering::Relaxed);
        }
        Some((framed, payload))
    }
}

/// Decodes a payload, decompressing at most `max` bytes. A decoder that
/// panics on damaged or hostile bytes (third-party parsers do) must cost a
/// miss, not the caller's call.
fn decode<T, C: Codec<T>>(
    codec: &C,
    payload: &[u8],
    max: u64,
) -> std::result::Result<T, FormatError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        crate::format::with_decoded_limit(max, || codec.decode(payload))
    }))
    .unwrap_or_else(|_| Err(FormatError::new(Panicked)))
}

/// A decoder's panic, blamed on the bytes it was given.
#[derive(Debug)]
struct Panicked;

impl std::fmt::Display for Panicked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the decoder panicked")
    }
}

impl std::error::Error for Panicked {}
