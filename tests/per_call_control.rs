//! Per-call and per-run control through the public API: the `refresh` and
//! `bypass` scopes (sync and async), `min_compute` and `stale_if_error`.
//! `PERSCACHE_REFRESH`, read once per process, is tested in `across_runs.rs`.

mod common;

use std::sync::atomic::{AtomicU32, Ordering::SeqCst};
use std::sync::LazyLock;
use std::time::Duration;

use perscache::{persist, Cache};

static CACHE: LazyLock<Cache> = LazyLock::new(common::temp_cache);

static SCOPED_CALLS: AtomicU32 = AtomicU32::new(0);
static SCOPED_VALUE: AtomicU32 = AtomicU32::new(10);

#[persist(cache = CACHE)]
fn scoped(x: u32) -> u32 {
    SCOPED_CALLS.fetch_add(1, SeqCst);
    x + SCOPED_VALUE.load(SeqCst)
}

#[test]
fn refresh_recomputes_and_stores_over_the_old_result() {
    assert_eq!(scoped(1), 11);
    SCOPED_VALUE.store(20, SeqCst);
    assert_eq!(scoped(1), 11, "served: the cache cannot see the change");
    assert_eq!(perscache::refresh(|| scoped(1)), 21);
    assert_eq!(scoped(1), 21, "the refreshed result is what is served now");
    assert_eq!(SCOPED_CALLS.load(SeqCst), 2);

    // Bypassed: computed, and neither served nor stored.
    SCOPED_VALUE.store(30, SeqCst);
    assert_eq!(perscache::bypass(|| scoped(1)), 31);
    assert_eq!(scoped(1), 21, "a bypassed call leaves the entry as it was");
    assert_eq!(perscache::bypass(|| scoped(2)), 32);
    assert_eq!(SCOPED_CALLS.load(SeqCst), 4);
    assert_eq!(scoped(2), 32, "nothing was stored for the bypassed key");
    assert_eq!(SCOPED_CALLS.load(SeqCst), 5);
}

static ASYNC_CALLS: AtomicU32 = AtomicU32::new(0);

#[persist(cache = CACHE)]
async fn fetch(page: u32) -> String {
    ASYNC_CALLS.fetch_add(1, SeqCst);
    tokio::time::sleep(Duration::from_millis(1)).await;
    format!("page {page} v{}", ASYNC_CALLS.load(SeqCst))
}

#[tokio::test]
async fn async_scopes_hold_across_awaits() {
    let first = fetch(1).await;
    assert_eq!(fetch(1).await, first);
    let refreshed = perscache::refresh_async(async {
        // The scope holds for each call the future makes, across awaits.
        tokio::task::yield_now().await;
        fetch(1).await
    })
    .await;
    assert_ne!(refreshed, first);
    assert_eq!(fetch(1).await, refreshed);
    let bypassed = perscache::bypass_async(fetch(1)).await;
    assert_ne!(bypassed, refreshed);
    assert_eq!(fetch(1).await, refreshed);
    assert_eq!(ASYNC_CALLS.load(SeqCst), 3);
}

static QUICK_CALLS: AtomicU32 = AtomicU32::new(0);

#[persist(cache = CACHE, min_compute = "50ms")]
fn maybe_slow(sleep_ms: u64) -> u64 {
    QUICK_CALLS.fetch_add(1, SeqCst);
    std::thread::sleep(Duration::from_millis(sleep_ms));
    sleep_ms
}

#[test]
fn results_faster_than_min_compute_are_not_stored() {
    maybe_slow(0);
    maybe_slow(0);
    assert_eq!(
        QUICK_CALLS.load(SeqCst),
        2,
        "a quick result is computed again"
    );
    maybe_slow(60);
    maybe_slow(60);
    assert_eq!(QUICK_CALLS.load(SeqCst), 3, "a slow one is stored");
}

static FLAKY_CALLS: AtomicU32 = AtomicU32::new(0);
static FLAKY_FAILS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

#[persist(cache = CACHE, ttl = "300ms", stale_if_error = "1s")]
fn flaky(x: u32) -> Result<u32, String> {
    let n = FLAKY_CALLS.fetch_add(1, SeqCst);
    if FLAKY_FAILS.load(SeqCst) {
        Err(format!("service down (call {n})"))
    } else {
        Ok(x * 100 + n)
    }
}

#[test]
fn an_error_is_answered_by_a_result_expired_within_the_window() {
    assert_eq!(flaky(1), Ok(100));
    std::thread::sleep(Duration::from_millis(400));
    FLAKY_FAILS.store(true, SeqCst);
    assert_eq!(flaky(1), Ok(100), "expired, but within stale_if_error");
    assert_eq!(FLAKY_CALLS.load(SeqCst), 2, "the function ran first");
    assert_eq!(
        flaky(2),
        Err("service down (call 2)".into()),
        "nothing stored for this key: the error is returned"
    );

    // Past the window, the error is the answer.
    std::thread::sleep(Duration::from_millis(1000));
    assert_eq!(flaky(1), Err("service down (call 3)".into()));

    // A success is never replaced, and is stored.
    FLAKY_FAILS.store(false, SeqCst);
    assert_eq!(flaky(1), Ok(104));
    assert_eq!(flaky(1), Ok(104));
}
