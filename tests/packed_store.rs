//! The packed store end to end, through `#[persist]` and a `packed://` URL:
//! hits in a new `Cache` and in another process, time to live, statistics
//! and clearing, and several processes missing the same keys at once (this
//! test binary runs itself as each of them): each key is computed once, and
//! every process gets every value.
#![cfg(feature = "packed")]

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::LazyLock;
use std::time::Duration;

use perscache::entry::Inventory;
use perscache::{persist, Cache};

fn url(folder: &Path) -> String {
    format!("packed://{}", folder.display())
}

/// A cache on the packed store at `url` with no memory tier: every hit is
/// the store's.
fn packed(url: &str) -> Cache {
    Cache::builder()
        .url(url)
        .expect("a packed:// URL")
        .memory_tier(0)
        .strict(true)
        .build()
}

static SQUARES: AtomicUsize = AtomicUsize::new(0);

#[persist(cache = cache, ignore = [cache])]
fn square(cache: &Cache, n: u64) -> u64 {
    SQUARES.fetch_add(1, SeqCst);
    n * n
}

const HIT_CHILD: &str = "PERSCACHE_TEST_PACKED_HIT_CHILD";

/// Run by the test below in another process: its call is a hit.
#[test]
fn hit_child() {
    let Ok(url) = std::env::var(HIT_CHILD) else {
        return;
    };
    assert_eq!(square(&packed(&url), 12), 144);
    println!("computed={}", SQUARES.load(SeqCst));
}

#[test]
fn hits_across_caches_and_processes() {
    if std::env::var(HIT_CHILD).is_ok() {
        return;
    }
    let url = url(&common::temp_dir().join("store"));
    let first = packed(&url);
    assert_eq!(square(&first, 12), 144);
    assert_eq!(square(&first, 12), 144);
    assert_eq!(SQUARES.load(SeqCst), 1, "the second call is a hit");
    drop(first);
    assert_eq!(square(&packed(&url), 12), 144);
    assert_eq!(SQUARES.load(SeqCst), 1, "a new Cache hits");

    let out = Command::new(std::env::current_exe().expect("the test binary"))
        .args(["--exact", "hit_child", "--nocapture", "--test-threads=1"])
        .env(HIT_CHILD, &url)
        .output()
        .expect("the child runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("computed=0"),
        "another process hits: {stdout}"
    );
}

static STAMPS: AtomicUsize = AtomicUsize::new(0);

#[persist(cache = cache, ignore = [cache])]
fn stamp(cache: &Cache, n: u64) -> usize {
    STAMPS.fetch_add(1, SeqCst) + n as usize
}

#[test]
fn entries_expire_after_their_time_to_live() {
    let url = url(&common::temp_dir().join("store"));
    let cache = Cache::builder()
        .url(&url)
        .expect("URL")
        .memory_tier(0)
        .ttl(Duration::from_millis(400))
        .strict(true)
        .build();
    let first = stamp(&cache, 0);
    assert_eq!(stamp(&cache, 0), first, "fresh: a hit");
    std::thread::sleep(Duration::from_millis(500));
    assert_ne!(stamp(&cache, 0), first, "expired: computed again");
}

static COUNTED: AtomicUsize = AtomicUsize::new(0);

#[persist(cache = cache, ignore = [cache])]
fn counted(cache: &Cache, n: u64) -> u64 {
    COUNTED.fetch_add(1, SeqCst);
    n + 1
}

/// Statistics reach the store and read back as `cargo perscache stats`
/// reads them; removing what the inventory lists (as `cargo perscache
/// clear` does) makes the next call compute again.
#[test]
fn statistics_and_clearing() {
    let url = url(&common::temp_dir().join("store"));
    let cache = packed(&url);
    assert_eq!(counted(&cache, 1), 2);
    assert_eq!(counted(&cache, 1), 2);
    assert_eq!(counted(&cache, 2), 3);
    perscache::flush_stats();
    let storage = cache.storage();
    let stats = pollster::block_on(perscache::read_stats(&**storage)).expect("statistics");
    let mine = stats
        .iter()
        .find(|s| s.function.ends_with("counted"))
        .unwrap_or_else(|| panic!("no statistics in {stats:?}"));
    assert_eq!((mine.hits, mine.misses), (1, 2), "{mine:?}");

    let found = pollster::block_on(Inventory::read(&**storage)).expect("inventory");
    let entries: Vec<String> = found
        .functions
        .values()
        .flat_map(|f| f.entries().map(|e| e.path.clone()))
        .collect();
    assert_eq!(entries.len(), 2, "{entries:?}");
    for path in &entries {
        pollster::block_on(storage.delete(path)).expect("delete");
    }
    assert_eq!(counted(&cache, 1), 2);
    assert_eq!(COUNTED.load(SeqCst), 3, "cleared: computed again");
}

// ---------------------------------------------------------------------------
// Several processes missing the same keys at once.

const CROWD_CHILD: &str = "PERSCACHE_TEST_PACKED_CROWD_CHILD";
const KEYS: u64 = 6;

static CROWD_CACHE: LazyLock<Cache> = LazyLock::new(|| {
    let url = std::env::var(CROWD_CHILD).expect("the parent gives the store");
    Cache::builder()
        .url(&url)
        .expect("URL")
        .lease(Duration::from_secs(30))
        .strict(true)
        .build()
});

static REPORTS: AtomicUsize = AtomicUsize::new(0);

#[persist(cache = CROWD_CACHE)]
fn report(day: u64) -> String {
    REPORTS.fetch_add(1, SeqCst);
    // Long enough that every process misses each key while one computes it.
    std::thread::sleep(Duration::from_millis(300));
    format!("report of day {day}")
}

/// Run by the test below in each of the processes: every key, in an order
/// of its own, so that processes meet on keys mid-computation.
#[test]
fn crowd_child() {
    let Ok(turn) = std::env::var("PERSCACHE_TEST_PACKED_TURN") else {
        return;
    };
    let turn: u64 = turn.parse().expect("a number");
    for i in 0..KEYS {
        let day = (i + turn) % KEYS;
        assert_eq!(report(day), format!("report of day {day}"));
    }
    println!("computed={}", REPORTS.load(SeqCst));
}

#[test]
fn processes_missing_the_same_keys_compute_each_once() {
    if std::env::var(CROWD_CHILD).is_ok() {
        return;
    }
    let url = url(&common::temp_dir().join("store"));
    let children: Vec<Child> = (0..4)
        .map(|turn| {
            Command::new(std::env::current_exe().expect("the test binary"))
                .args(["--exact", "crowd_child", "--nocapture", "--test-threads=1"])
                .env(CROWD_CHILD, &url)
                .env("PERSCACHE_TEST_PACKED_TURN", (turn % 2).to_string())
                .stdout(Stdio::piped())
                .spawn()
                .expect("the child starts")
        })
        .collect();
    let mut computed = 0;
    for child in children {
        let out = child.wait_with_output().expect("the child ends");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "a child failed: {stdout}");
        computed += stdout
            .lines()
            .find_map(|l| l.split_once("computed=").map(|(_, n)| n))
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or_else(|| panic!("no count in {stdout}"));
    }
    assert_eq!(
        computed, KEYS,
        "each key computed by one process, the others waiting for it"
    );
}
