//! One cached call, top to bottom: key → memory tier → entry (storage,
//! freshness, frame) → decode → return; or, on a miss, compute once
//! (single-flight) → encode → store.
//!
//! This file is what depends on the function's result type and format:
//! computing, decoding and encoding. It is compiled in each crate with
//! marked functions, so it stays small: everything done with bytes (the
//! memory tier, the storage, the queue of callers of a key, leases) is
//! `lookup.rs`'s, compiled once here. Where the entry is, whether it is
//! fresh and how it is framed is the entry layer's (`entry/`). Everything
//! degrades: a failure of the cache is reported through [`Cache::failed`]
//! and the function runs, so the caller always gets the value its own code
//! computes.

mod lookup;
mod site;

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;

use self::lookup::{Lookup, Miss};
pub use self::site::Site;
use crate::cache::Cache;
use crate::control::Mode;
use crate::entry::{Framing, Fresh};
use crate::error::{Error, FormatError, Result};
use crate::flight::{self, Computing};
use crate::format::{is_lossy_value, Bounds, Codec};
use crate::key::CallKey;
use crate::stats;
use crate::storage::Storage;

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

/// A sync marked function's call.
#[allow(clippy::too_many_arguments)]
pub fn call_sync<R, P, C>(
    cache: &Cache,
    site: &'static Site,
    key: &Result<CallKey>,
    codec: &C,
    options: Options<'_>,
    compute: impl FnOnce() -> R,
) -> R
where
    P: Policy<R>,
    C: Codec<P::Value>,
{
    // The body is passed on as a `dyn FnMut`, so that what follows (the
    // decoding and encoding around `lookup.rs`) is compiled once per result
    // type, policy and format, not once per marked function: a crate with hundreds
    // of them builds in a fraction of the time.
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
    key: &Result<CallKey>,
    codec: &C,
    options: Options<'_>,
    compute: &mut dyn FnMut() -> Option<R>,
) -> R
where
    P: Policy<R>,
    C: Codec<P::Value>,
{
    let mut compute = move || compute().expect("a call computes its value at most once");
    let lookup = match begin::<P::Value, C>(cache, site, key, codec, options) {
        Begin::Bypass => return compute(),
        Begin::Hit(value) => return P::rebuild(value),
        Begin::Look(lookup) => lookup,
    };
    // Storage futures of local files complete at once; remote backends run
    // their I/O on a runtime of their own, so this small executor suffices
    // and a sync function never needs tokio.
    let mut call = pin!(look_or_compute::<R, P, C, _>(
        &lookup,
        codec,
        options.stale_if_error,
        move || std::future::ready(compute()),
    ));
    // First one poll with a waker that does nothing: local files answer
    // within it, and `pollster::block_on` would first allocate its (64-byte
    // aligned) signal. A future still pending goes on under pollster, whose
    // waker it then holds (futures wake the waker of their latest poll).
    match call.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(result) => result,
        Poll::Pending => pollster::block_on(call),
    }
}

/// An async marked function's call.
pub async fn call_async<R, P, C, Fut>(
    cache: &Cache,
    site: &'static Site,
    key: &Result<CallKey>,
    codec: &C,
    options: Options<'_>,
    compute: impl FnOnce() -> Fut,
) -> R
where
    P: Policy<R>,
    C: Codec<P::Value>,
    Fut: Future<Output = R>,
{
    let lookup = match begin::<P::Value, C>(cache, site, key, codec, options) {
        Begin::Bypass => return compute().await,
        Begin::Hit(value) => return P::rebuild(value),
        Begin::Look(lookup) => lookup,
    };
    look_or_compute::<R, P, C, _>(&lookup, codec, options.stale_if_error, compute).await
}

/// How a call begins: all that needs no waiting, so that a memory-tier hit
/// never builds the future of the rest.
enum Begin<'a, T> {
    /// Caching is off for this call: the function runs.
    Bypass,
    /// The memory tier's value.
    Hit(T),
    /// The storage is next, then the function.
    Look(Lookup<'a>),
}

/// Reads the call's mode (where the call is made, in its caller's scope)
/// and looks in the memory tier.
fn begin<'a, T, C: Codec<T>>(
    cache: &'a Cache,
    site: &'static Site,
    key: &'a Result<CallKey>,
    codec: &'a C,
    options: Options<'a>,
) -> Begin<'a, T> {
    let mode = site.mode();
    if !cache.enabled || site.uncacheable.load(Ordering::Relaxed) || mode == Mode::Bypass {
        return Begin::Bypass;
    }
    let key = match key {
        Ok(key) => key,
        Err(e) => {
            cache.failed(site.function(), "an argument cannot be part of the key", e);
            return Begin::Bypass;
        }
    };
    let storage = options.storage.unwrap_or(&cache.storage);
    stats::register(
        site.function(),
        site.folder().function_dir(),
        &site.counters,
        storage,
    );
    let lookup = Lookup::new(
        cache,
        site,
        key,
        &**storage,
        codec.extension(),
        Framing::of(codec),
        options.ttl.or(cache.ttl),
        options.min_compute,
        mode,
    );
    if mode == Mode::Serve {
        if let Some(payload) = lookup.in_memory() {
            if let Some(value) = decode(&lookup, codec, &payload, Origin::MemoryTier) {
                site.counters.hit();
                return Begin::Hit(value);
            }
        }
    }
    Begin::Look(lookup)
}

/// The rest of a call the memory tier did not answer: the storage, else
/// the function; with `stale_if_error`, an expired result in place of a
/// failure.
async fn look_or_compute<R, P, C, Fut>(
    lookup: &Lookup<'_>,
    codec: &C,
    stale_if_error: Option<Duration>,
    compute: impl FnOnce() -> Fut,
) -> R
where
    P: Policy<R>,
    C: Codec<P::Value>,
    Fut: Future<Output = R>,
{
    let result = find_or_compute::<R, P, C, _>(lookup, codec, compute).await;
    match stale_if_error {
        Some(window) if P::failed(&result) => {
            match find_stale::<P::Value, C>(lookup, codec, window).await {
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
    compute: impl FnOnce() -> Fut,
) -> R
where
    P: Policy<R>,
    C: Codec<P::Value>,
    Fut: Future<Output = R>,
{
    let site = lookup.site;
    let mode = lookup.mode;
    if mode == Mode::Serve {
        if let Some(value) = find::<P::Value, C>(lookup, codec).await {
            site.counters.hit();
            return P::rebuild(value);
        }
    }
    // A forked child starts its own statistics thread.
    stats::ensure_flusher();

    // Called from inside its own computation (the function recursing with
    // the same key): the queue below is its own, and waiting in it would
    // wait forever. A refresh computes whatever others do.
    if mode == Mode::Refresh || flight::computing_here(&lookup.key()) {
        return compute_and_store::<R, P, C, _>(lookup, codec, compute)
            .await
            .0;
    }

    // A miss: the first caller of the key computes; the others, in this
    // process and in others, take what it stored. A payload that does not
    // decode (reported; the next write is checked) counts as absent: the key
    // is claimed again past it, and after a second one this caller computes
    // on its own.
    let mut rejected = None;
    let claim = loop {
        match lookup.claim(rejected.clone()).await {
            Miss::Compute(claim) => break Some(claim),
            Miss::Found(found) => {
                if let Some(value) = decode(lookup, codec, &found.payload, Origin::Storage) {
                    lookup.remember(found);
                    site.counters.hit();
                    return P::rebuild(value);
                }
                if rejected.is_some() {
                    break None;
                }
                rejected = Some(found.payload);
            }
        }
    };
    let (result, stored) = compute_and_store::<R, P, C, _>(lookup, codec, compute).await;
    if let Some(claim) = claim {
        claim.finish(stored).await;
    }
    result
}

/// The stored value in the storage (the memory tier was [`begin`]'s), if
/// present, fresh and intact.
async fn find<T, C: Codec<T>>(lookup: &Lookup<'_>, codec: &C) -> Option<T> {
    let found = lookup.fetch().await?;
    let value = decode(lookup, codec, &found.payload, Origin::Storage)?;
    lookup.remember(found);
    Some(value)
}

/// `stale_if_error`: the function failed, and a result that expired less
/// than `window` ago stands in for the failure, with a warning.
async fn find_stale<T, C: Codec<T>>(lookup: &Lookup<'_>, codec: &C, window: Duration) -> Option<T> {
    let found = lookup.fetch_stale(window).await?;
    let value = decode(lookup, codec, &found.payload, Origin::Storage)?;
    let age = SystemTime::now()
        .duration_since(found.written)
        .unwrap_or_default();
    tracing::warn!(
        function = lookup.function(),
        age = %humantime::format_duration(Duration::from_secs(age.as_secs())),
        "the function failed; returning its expired result instead (stale_if_error)"
    );
    Some(value)
}

/// Runs the function (marked as computing this key on its thread, see
/// `flight.rs`), counts the miss, and stores what the policy keeps.
/// Returns the result and what was stored, if anything.
async fn compute_and_store<R, P, C, Fut>(
    lookup: &Lookup<'_>,
    codec: &C,
    compute: impl FnOnce() -> Fut,
) -> (R, Option<Fresh>)
where
    P: Policy<R>,
    C: Codec<P::Value>,
    Fut: Future<Output = R>,
{
    let started = Instant::now();
    let result = Computing::new(lookup.key(), async move { compute().await }).await;
    if !lookup.computed(started.elapsed()) {
        return (result, None);
    }
    let Some((framed, payload)) = P::stored(&result).and_then(|v| encode(lookup, codec, v)) else {
        return (result, None);
    };
    let stored = lookup.store(framed, payload).await;
    (result, Some(stored))
}

/// Where a payload to decode comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// The storage: damaged or hostile bytes are possible.
    Storage,
    /// The memory tier, which holds only payloads this process decoded, or
    /// encoded under the guard's nesting limit: decoders need not count
    /// their nesting again.
    MemoryTier,
}

/// Decodes a payload, decompressing at most `max_entry_size` bytes; `None`
/// when it cannot be ([`Lookup::undecodable`]). A decoder that panics on
/// damaged or hostile bytes (third-party parsers do) must cost a miss, not
/// the caller's call.
fn decode<T, C: Codec<T>>(
    lookup: &Lookup<'_>,
    codec: &C,
    payload: &[u8],
    origin: Origin,
) -> Option<T> {
    let bounds = Bounds {
        decoded: lookup.cache.max_entry_size,
        nesting: origin == Origin::Storage,
    };
    let decoded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        crate::format::with_bounds(bounds, || codec.decode(payload))
    }))
    .unwrap_or_else(|_| Err(FormatError::new(Panicked)));
    match decoded {
        Ok(value) => Some(value),
        Err(e) => {
            lookup.undecodable(codec.name(), std::any::type_name::<T>(), e.0);
            None
        }
    }
}

/// The bytes to store (framed for binary formats) and the payload within.
/// A value the format would read back as another is not stored; a format
/// that does not refuse such values while it encodes has the first write of
/// each function read back once, and so has the next write after an entry
/// failed to decode, so that a type the format cannot read back is found at
/// once, not as endless misses.
fn encode<T, C: Codec<T>>(lookup: &Lookup<'_>, codec: &C, value: &T) -> Option<(Bytes, Bytes)> {
    let site = lookup.site;
    let format_error = |source| Error::Format {
        format: codec.name().to_owned(),
        type_name: std::any::type_name::<T>(),
        source,
    };
    let mut buf = lookup.framing.buffer();
    if let Err(e) = codec.encode(value, &mut buf) {
        if is_lossy_value(&e) {
            lookup.failed(
                "this result would read back as another value; it is not stored",
                &format_error(e.0),
            );
            return None;
        }
        site.uncacheable.store(true, Ordering::Relaxed);
        lookup.failed(
            "the result cannot be encoded; caching is off for this function",
            &format_error(e.0),
        );
        return None;
    }
    let (framed, payload) = lookup.framing.seal(buf);
    let max = lookup.cache.max_entry_size;
    if framed.len() as u64 > max {
        lookup.failed(
            "this result is larger than max_entry_size; it is not stored",
            &Error::TooLarge {
                path: lookup.path().to_owned(),
                size: framed.len() as u64,
                max,
            },
        );
        return None;
    }
    let recheck = site.recheck.load(Ordering::Relaxed);
    if recheck || (!codec.checks_on_encode() && !site.verified.load(Ordering::Relaxed)) {
        // Under the bound reads decode with, so that what passes here reads.
        let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            crate::format::with_bounds(Bounds::untrusted(max), || codec.check(value, &payload))
        }))
        .unwrap_or_else(|_| Err(FormatError::new(Panicked)));
        if let Err(e) = checked {
            site.uncacheable.store(true, Ordering::Relaxed);
            lookup.failed(
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

/// A decoder's panic, blamed on the bytes it was given.
#[derive(Debug)]
struct Panicked;

impl std::fmt::Display for Panicked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the decoder panicked")
    }
}

impl std::error::Error for Panicked {}
