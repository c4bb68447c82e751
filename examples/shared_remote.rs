//! A cache shared by many machines, on S3 and on Redis:
//! `cargo run --example shared_remote --features s3,redis`, twice.
//!
//! Whatever one machine (or CI job) computed, every other one reads: the key
//! holds no path, host name or time, only the function, its code hash and
//! build configuration, and the arguments. Run it twice, or on two machines
//! with the same variables: the second run computes nothing.
//!
//! Where the caches are:
//!
//! - `S3_CACHE_URL`, e.g. `s3://team-bucket/perscache`, with the AWS
//!   variables (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, and
//!   `AWS_ENDPOINT_URL` for MinIO or another S3-compatible server);
//! - `REDIS_CACHE_URL`, e.g. `redis://:password@cache.internal:6379/0?prefix=app:`.
//!
//! Without them, it uses the test servers of `scripts/ci-storage.sh start`
//! (`PERSCACHE_TEST_S3_URL`, `PERSCACHE_TEST_REDIS_URL`), and without those
//! it says so and exits successfully, computing nothing.
//!
//! It prints `computed: …` each time a body runs and `result: …` for every
//! answer, so a script can check that a second run computes nothing.

use std::sync::LazyLock;

use perscache::{persist, Cache, NoCache};

fn url(var: &str, test_var: &str) -> Option<String> {
    std::env::var(var)
        .or_else(|_| std::env::var(test_var))
        .ok()
        .filter(|u| !u.is_empty())
}

/// A cache on `url`, or none (with the reason) when it cannot be opened: a
/// shared cache that is down must not stop the program.
fn remote(url: Option<String>) -> Cache {
    let Some(url) = url else {
        return NoCache.into();
    };
    match Cache::builder().url(&url) {
        // Entries signed with a secret the team shares: a reader refuses
        // entries written by anyone without it (a poisoned bucket).
        Ok(builder) => builder.secret("example-team-secret").build(),
        Err(e) => {
            eprintln!("cannot open {url}: {e}; caching is off");
            NoCache.into()
        }
    }
}

static S3: LazyLock<Cache> = LazyLock::new(|| remote(url("S3_CACHE_URL", "PERSCACHE_TEST_S3_URL")));
static REDIS: LazyLock<Cache> =
    LazyLock::new(|| remote(url("REDIS_CACHE_URL", "PERSCACHE_TEST_REDIS_URL")));

/// Stands in for an expensive build step every CI job needs.
#[persist(cache = S3)]
fn compiled_assets(commit: &str) -> Vec<String> {
    println!("computed: compiled the assets of {commit}");
    std::thread::sleep(std::time::Duration::from_millis(300));
    ["app.js", "app.css", "logo.svg"]
        .iter()
        .map(|f| format!("{commit}/{f}"))
        .collect()
}

/// Stands in for a lookup many services share, with a short life.
#[persist(cache = REDIS, ttl = "10m")]
fn feature_flags(service: &str) -> Vec<(String, bool)> {
    println!("computed: resolved the feature flags of {service}");
    vec![
        ("new-checkout".to_owned(), service.len().is_multiple_of(2)),
        ("dark-mode".to_owned(), true),
    ]
}

fn main() {
    let s3 = url("S3_CACHE_URL", "PERSCACHE_TEST_S3_URL");
    let redis = url("REDIS_CACHE_URL", "PERSCACHE_TEST_REDIS_URL");
    if s3.is_none() && redis.is_none() {
        println!(
            "skipped: no shared cache configured. Set S3_CACHE_URL and/or REDIS_CACHE_URL, \
             or start the test servers (`bash scripts/ci-storage.sh start`, then source the \
             env file it prints)."
        );
        return;
    }
    match &s3 {
        Some(u) => println!("  S3 cache: {u}"),
        None => println!("skipped: S3 (no S3_CACHE_URL)"),
    }
    match &redis {
        Some(u) => println!("  Redis cache: {}", u.split('@').next_back().unwrap_or(u)),
        None => println!("skipped: Redis (no REDIS_CACHE_URL)"),
    }
    if s3.is_some() {
        println!("result: {:?}", compiled_assets("3fa4c0d"));
    }
    if redis.is_some() {
        println!("result: {:?}", feature_flags("checkout"));
    }
}
