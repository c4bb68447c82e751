//! `#[persist]` within one process: every example of the Python original's
//! README, and the Rust-specific rules (Result, Option, methods, generics,
//! async, failures).

mod common;

use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use perscache::{persist, Cache, Json, MemoryStorage, NoCache};
use serde::{Deserialize, Serialize};

use common::{files, temp_cache, temp_dir};

#[test]
fn a_result_is_computed_once() {
    static CACHE: LazyLock<Cache> = LazyLock::new(temp_cache);
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = CACHE)]
    fn get_data() -> String {
        CALLS.fetch_add(1, SeqCst);
        "abc".to_owned()
    }

    assert_eq!(get_data(), "abc");
    assert_eq!(get_data(), "abc");
    assert_eq!(CALLS.load(SeqCst), 1);
}

#[test]
fn arguments_are_part_of_the_key() {
    static CACHE: LazyLock<Cache> = LazyLock::new(temp_cache);
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = CACHE)]
    fn get_data(key: &str) -> String {
        CALLS.fetch_add(1, SeqCst);
        key.to_owned()
    }

    assert_eq!(get_data("abc"), "abc");
    assert_eq!(get_data("fgh"), "fgh");
    assert_eq!(get_data("abc"), "abc");
    assert_eq!(CALLS.load(SeqCst), 2);
}

#[test]
fn ignored_arguments_do_not_change_the_key() {
    static CACHE: LazyLock<Cache> = LazyLock::new(temp_cache);
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = CACHE, ignore = [ignore_this])]
    fn get_data(key: &str, ignore_this: &str) -> String {
        CALLS.fetch_add(1, SeqCst);
        format!("{key}{}", ignore_this.len())
    }

    assert_eq!(get_data("abc", "ignore_1"), "abc8");
    assert_eq!(get_data("abc", "ignore_2"), "abc8");
    assert_eq!(CALLS.load(SeqCst), 1);
}

#[test]
fn a_versioned_function_is_cached_like_any_other() {
    static CACHE: LazyLock<Cache> = LazyLock::new(temp_cache);
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = CACHE, version = "2")]
    fn get_rate(day: u32) -> u32 {
        CALLS.fetch_add(1, SeqCst);
        day * 10
    }

    assert_eq!(get_rate(3), 30);
    assert_eq!(get_rate(3), 30);
    assert_eq!(CALLS.load(SeqCst), 1);
}

#[test]
fn ttl_expires_entries() {
    static CACHE: LazyLock<Cache> = LazyLock::new(temp_cache);
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = CACHE, ttl = Duration::from_millis(300))]
    fn rates() -> usize {
        CALLS.fetch_add(1, SeqCst)
    }

    assert_eq!(rates(), 0);
    assert_eq!(rates(), 0);
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(rates(), 1, "an expired entry was served");
}

#[test]
fn ttl_accepts_humantime_strings() {
    static CACHE: LazyLock<Cache> = LazyLock::new(temp_cache);
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = CACHE, ttl = "1d")]
    fn daily(x: u8) -> u8 {
        CALLS.fetch_add(1, SeqCst);
        x
    }

    assert_eq!(daily(1), 1);
    assert_eq!(daily(1), 1);
    assert_eq!(CALLS.load(SeqCst), 1);
}

/// The Python README's `Calculator`. Rust differs on purpose: an instance is
/// identified by `instance_key` (or its `Serialize` state), which persists
/// across runs, not by a memory address that does not.
#[derive(Serialize)]
struct Calculator {
    id: u32,
    #[serde(skip)]
    compute_count: AtomicUsize,
}

static CALC_CACHE: LazyLock<Cache> = LazyLock::new(temp_cache);
static SHARED_MULTIPLIES: AtomicUsize = AtomicUsize::new(0);

impl Calculator {
    fn new(id: u32) -> Self {
        Calculator {
            id,
            compute_count: AtomicUsize::new(0),
        }
    }

    #[persist(cache = CALC_CACHE, instance_key = self.id)]
    fn add(&self, a: i64, b: i64) -> i64 {
        self.compute_count.fetch_add(1, SeqCst);
        a + b
    }

    #[persist(cache = CALC_CACHE, per_instance = false)]
    fn multiply(&self, a: i64, b: i64) -> i64 {
        SHARED_MULTIPLIES.fetch_add(1, SeqCst);
        self.compute_count.fetch_add(1, SeqCst);
        a * b
    }

    /// Identity from the instance's `Serialize` state.
    #[persist(cache = CALC_CACHE)]
    fn describe(&self) -> String {
        self.compute_count.fetch_add(1, SeqCst);
        format!("calculator {}", self.id)
    }
}

#[test]
fn methods_cache_per_instance_or_shared() {
    let calc1 = Calculator::new(1);
    let calc2 = Calculator::new(2);

    assert_eq!(calc1.add(5, 3), 8);
    assert_eq!(calc1.compute_count.load(SeqCst), 1);
    assert_eq!(calc1.add(5, 3), 8);
    assert_eq!(
        calc1.compute_count.load(SeqCst),
        1,
        "same instance, same args: cached"
    );
    assert_eq!(calc2.add(5, 3), 8);
    assert_eq!(
        calc2.compute_count.load(SeqCst),
        1,
        "another instance has its own results"
    );

    assert_eq!(calc1.multiply(4, 2), 8);
    assert_eq!(calc2.multiply(4, 2), 8);
    assert_eq!(
        SHARED_MULTIPLIES.load(SeqCst),
        1,
        "per_instance = false shares results"
    );

    let calc1_again = Calculator::new(1);
    assert_eq!(calc1_again.add(5, 3), 8);
    assert_eq!(
        calc1_again.compute_count.load(SeqCst),
        0,
        "an instance with the same key finds the results of the first"
    );
    assert_eq!(calc1.describe(), "calculator 1");
    assert_eq!(calc2.describe(), "calculator 2");
    assert_eq!(calc1_again.describe(), "calculator 1");
    assert_eq!(calc1_again.compute_count.load(SeqCst), 0);
}

#[test]
fn async_functions_are_awaited_then_stored() {
    static CACHE: LazyLock<Cache> = LazyLock::new(temp_cache);
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = CACHE)]
    async fn fetch_data(url: &str) -> Result<String, String> {
        CALLS.fetch_add(1, SeqCst);
        std::future::ready(()).await;
        Ok(format!("page at {url}"))
    }

    pollster::block_on(async {
        assert_eq!(
            fetch_data("example.com").await.as_deref(),
            Ok("page at example.com")
        );
        assert_eq!(
            fetch_data("example.com").await.as_deref(),
            Ok("page at example.com")
        );
    });
    assert_eq!(CALLS.load(SeqCst), 1);
}

/// A marked async function's future is `Send` when its body's is (so it can
/// be spawned on a multi-threaded runtime), and a body that is not `Send`
/// (an `Rc` held across an await) still compiles and runs on one thread.
#[test]
fn async_futures_are_send_exactly_when_their_bodies_are() {
    static CACHE: LazyLock<Cache> = LazyLock::new(temp_cache);
    static SPAWNED: AtomicUsize = AtomicUsize::new(0);
    static LOCAL: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = CACHE)]
    async fn spawned(x: u32) -> u32 {
        SPAWNED.fetch_add(1, SeqCst);
        tokio::task::yield_now().await;
        x * 3
    }

    #[persist(cache = CACHE)]
    async fn local(x: u32) -> u32 {
        LOCAL.fetch_add(1, SeqCst);
        let shared = std::rc::Rc::new(x);
        std::future::ready(()).await;
        *shared + 1
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .expect("a runtime");
    for _ in 0..2 {
        let handle = runtime.spawn(spawned(7));
        assert_eq!(runtime.block_on(handle).expect("the task ran"), 21);
    }
    assert_eq!(SPAWNED.load(SeqCst), 1, "the second task was a hit");

    pollster::block_on(async {
        assert_eq!(local(1).await, 2);
        assert_eq!(local(1).await, 2);
    });
    assert_eq!(LOCAL.load(SeqCst), 1, "the second call was a hit");
}

#[test]
fn async_methods_work_too() {
    static CACHE: LazyLock<Cache> = LazyLock::new(temp_cache);
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[derive(Serialize)]
    struct Client {
        base: String,
    }

    impl Client {
        #[persist(cache = CACHE)]
        async fn get(&self, path: &str) -> String {
            CALLS.fetch_add(1, SeqCst);
            format!("{}/{path}", self.base)
        }
    }

    let a = Client {
        base: "https://a".into(),
    };
    let b = Client {
        base: "https://b".into(),
    };
    pollster::block_on(async {
        assert_eq!(a.get("x").await, "https://a/x");
        assert_eq!(a.get("x").await, "https://a/x");
        assert_eq!(b.get("x").await, "https://b/x");
    });
    assert_eq!(CALLS.load(SeqCst), 2);
}

#[test]
fn only_ok_results_are_stored() {
    static CACHE: LazyLock<Cache> = LazyLock::new(temp_cache);
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[derive(Debug, PartialEq)]
    struct NotSerializable;

    #[persist(cache = CACHE)]
    fn parse(s: &str) -> Result<u32, NotSerializable> {
        CALLS.fetch_add(1, SeqCst);
        s.parse().map_err(|_| NotSerializable)
    }

    assert_eq!(parse("x"), Err(NotSerializable));
    assert_eq!(parse("x"), Err(NotSerializable));
    assert_eq!(CALLS.load(SeqCst), 2, "errors are not stored");
    assert_eq!(parse("7"), Ok(7));
    assert_eq!(parse("7"), Ok(7));
    assert_eq!(CALLS.load(SeqCst), 3, "Ok values are stored");
}

#[test]
fn question_mark_and_early_return_work_in_the_body() {
    static CACHE: LazyLock<Cache> = LazyLock::new(temp_cache);

    #[persist(cache = CACHE)]
    fn double(s: &str) -> Result<u32, std::num::ParseIntError> {
        if s.is_empty() {
            return Ok(0);
        }
        let n: u32 = s.parse()?;
        Ok(n * 2)
    }

    assert_eq!(double(""), Ok(0));
    assert_eq!(double("21"), Ok(42));
    assert_eq!(double("21"), Ok(42));
    assert!(double("x").is_err());
}

#[test]
fn none_is_stored_unless_told_otherwise() {
    static CACHE: LazyLock<Cache> = LazyLock::new(temp_cache);
    static STORED: AtomicUsize = AtomicUsize::new(0);
    static NOT_STORED: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = CACHE)]
    fn find(id: u32) -> Option<String> {
        STORED.fetch_add(1, SeqCst);
        (id == 1).then(|| "one".to_owned())
    }

    #[persist(cache = CACHE, cache_none = false)]
    fn find_again(id: u32) -> Option<String> {
        NOT_STORED.fetch_add(1, SeqCst);
        (id == 1).then(|| "one".to_owned())
    }

    for _ in 0..2 {
        assert_eq!(find(2), None);
        assert_eq!(find_again(2), None);
        assert_eq!(find_again(1).as_deref(), Some("one"));
    }
    assert_eq!(STORED.load(SeqCst), 1);
    assert_eq!(NOT_STORED.load(SeqCst), 3, "None recomputed, Some stored");
}

#[test]
fn json_entries_are_readable_files() {
    static DIR: LazyLock<std::path::PathBuf> = LazyLock::new(temp_dir);
    static CACHE: LazyLock<Cache> =
        LazyLock::new(|| Cache::builder().dir(&*DIR).strict(true).build());

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Report {
        day: String,
        total: u64,
    }

    #[persist(cache = CACHE, serializer = perscache::Json)]
    fn report(day: &str) -> Report {
        Report {
            day: day.to_owned(),
            total: 42,
        }
    }

    let r = report("2026-11-24");
    let entries: Vec<_> = files(&DIR)
        .into_iter()
        .filter(|f| f.ends_with(".json") && !f.contains("_stats"))
        .collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert!(entries[0].starts_with("persist.report/"), "{entries:?}");
    let text = std::fs::read_to_string(DIR.join(&entries[0])).expect("readable");
    let value: serde_json::Value = serde_json::from_str(&text).expect("plain JSON");
    assert_eq!(value, serde_json::json!({"day": "2026-11-24", "total": 42}));
    assert_eq!(report("2026-11-24"), r);
}

#[test]
fn a_cache_default_format_applies_to_every_function() {
    static DIR: LazyLock<std::path::PathBuf> = LazyLock::new(temp_dir);
    static CACHE: LazyLock<Cache> =
        LazyLock::new(|| Cache::builder().dir(&*DIR).format(Json).build());

    #[persist(cache = CACHE)]
    fn numbers() -> Vec<u8> {
        vec![1, 2, 3]
    }

    assert_eq!(numbers(), [1, 2, 3]);
    let entry = files(&DIR)
        .into_iter()
        .find(|f| f.ends_with(".json") && !f.contains("_stats"));
    let entry = entry.expect("a .json entry");
    assert_eq!(
        std::fs::read_to_string(DIR.join(entry)).expect("readable"),
        "[1,2,3]"
    );
}

#[test]
fn per_function_storage_overrides_the_cache() {
    static STORAGE: LazyLock<MemoryStorage> = LazyLock::new(MemoryStorage::new);
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = NoCache, storage = STORAGE.clone())]
    fn disabled_cache_wins(x: u32) -> u32 {
        CALLS.fetch_add(1, SeqCst);
        x
    }

    static CACHE: LazyLock<Cache> = LazyLock::new(temp_cache);
    #[persist(cache = CACHE, storage = STORAGE.clone())]
    fn in_memory(x: u32) -> u32 {
        CALLS.fetch_add(1, SeqCst);
        x + 1
    }

    assert_eq!(disabled_cache_wins(1), 1);
    assert_eq!(disabled_cache_wins(1), 1);
    assert_eq!(CALLS.load(SeqCst), 2, "NoCache runs every time");
    assert_eq!(in_memory(1), 2);
    assert_eq!(in_memory(1), 2);
    assert_eq!(CALLS.load(SeqCst), 3);
    let stored = pollster::block_on(perscache::Storage::list(&*STORAGE, "persist.in_memory/"))
        .expect("list");
    let entries = stored
        .iter()
        .filter(|e| perscache::entry::classify(&e.path).is_entry())
        .count();
    assert_eq!(entries, 1, "{stored:?}");
}

#[test]
fn generic_instantiations_do_not_share_entries() {
    static CACHE: LazyLock<Cache> = LazyLock::new(temp_cache);

    #[persist(cache = CACHE)]
    fn parse<T: std::str::FromStr + Serialize + for<'de> Deserialize<'de>>(s: &str) -> Option<T> {
        s.parse().ok()
    }

    assert_eq!(parse::<u8>("300"), None);
    assert_eq!(parse::<u16>("300"), Some(300));
    assert_eq!(parse::<u8>("300"), None);
}

#[test]
fn impl_trait_arguments_enter_the_key_with_their_type() {
    static CACHE: LazyLock<Cache> = LazyLock::new(temp_cache);

    #[persist(cache = CACHE)]
    fn show(x: impl Serialize + std::fmt::Debug) -> String {
        format!("{x:?}")
    }

    assert_eq!(show(5u8), "5");
    assert_eq!(show(5i64), "5");
    assert_eq!(show("5"), "\"5\"");
}

/// The results of `call` made by `threads` threads at once.
fn at_once<T: Send + 'static>(threads: usize, call: fn() -> T) -> Vec<T> {
    let barrier = Arc::new(std::sync::Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                barrier.wait();
                call()
            })
        })
        .collect();
    handles
        .into_iter()
        .map(|h| h.join().expect("no panic"))
        .collect()
}

#[test]
fn concurrent_callers_of_a_missing_key_compute_it_once() {
    static CACHE: LazyLock<Cache> = LazyLock::new(temp_cache);
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = CACHE)]
    fn slow(x: u32) -> u32 {
        CALLS.fetch_add(1, SeqCst);
        std::thread::sleep(Duration::from_millis(200));
        x * 2
    }

    assert_eq!(at_once(8, || slow(21)), [42; 8]);
    assert_eq!(CALLS.load(SeqCst), 1);
}

/// A caller queued behind another's computation takes its result even when
/// the time to live is shorter than the wait: what was computed after the
/// call was made answers it. (Judged by the time to live alone, a 1 ns one,
/// every waiter would compute again.)
#[test]
fn callers_queued_behind_a_computation_take_its_result_whatever_the_ttl() {
    static CACHE: LazyLock<Cache> = LazyLock::new(|| {
        Cache::builder()
            .dir(temp_dir())
            .ttl(Duration::from_nanos(1))
            .strict(true)
            .build()
    });
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = CACHE)]
    fn slow(x: u32) -> u32 {
        CALLS.fetch_add(1, SeqCst);
        std::thread::sleep(Duration::from_millis(300));
        x * 3
    }

    assert_eq!(at_once(4, || slow(5)), [15; 4]);
    assert_eq!(CALLS.load(SeqCst), 1, "the queued callers took its result");
    assert_eq!(slow(5), 15);
    assert_eq!(CALLS.load(SeqCst), 2, "a later call finds it expired");
}

/// An entry whose bytes read fine but do not decode as the type counts as
/// absent for callers queued on its key: they still compute it once, not
/// each on their own.
#[test]
fn concurrent_callers_of_an_undecodable_entry_compute_it_once() {
    static DIR: LazyLock<std::path::PathBuf> = LazyLock::new(temp_dir);
    static CACHE: LazyLock<Cache> =
        LazyLock::new(|| Cache::builder().dir(&*DIR).memory_tier(0).build());
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = CACHE, serializer = perscache::Json)]
    fn slow(x: u32) -> u32 {
        CALLS.fetch_add(1, SeqCst);
        std::thread::sleep(Duration::from_millis(300));
        x + 1
    }

    assert_eq!(slow(1), 2);
    let entry = files(&DIR)
        .into_iter()
        .find(|f| f.ends_with(".json") && !f.contains("_stats"))
        .expect("the entry");
    std::fs::write(DIR.join(entry), b"\"not a number\"").expect("damaging the entry");

    assert_eq!(at_once(4, || slow(1)), [2; 4]);
    assert_eq!(CALLS.load(SeqCst), 2, "computed once more, for all four");
}

#[test]
fn a_damaged_entry_is_recomputed_and_replaced() {
    static DIR: LazyLock<std::path::PathBuf> = LazyLock::new(temp_dir);
    static CACHE: LazyLock<Cache> = LazyLock::new(|| Cache::builder().dir(&*DIR).build());
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = CACHE)]
    fn value() -> Vec<u64> {
        CALLS.fetch_add(1, SeqCst);
        vec![1, 2, 3]
    }

    assert_eq!(value(), [1, 2, 3]);
    let entry = files(&DIR)
        .into_iter()
        .find(|f| f.ends_with(".bin"))
        .expect("an entry");
    let path = DIR.join(entry);
    let mut bytes = std::fs::read(&path).expect("read");
    let last = bytes.len() - 1;
    bytes[last] ^= 0x40;
    std::fs::write(&path, &bytes).expect("write");

    assert_eq!(
        value(),
        [1, 2, 3],
        "a flipped bit must not reach the caller"
    );
    assert_eq!(CALLS.load(SeqCst), 2);
    assert_eq!(value(), [1, 2, 3]);
    assert_eq!(CALLS.load(SeqCst), 2, "the entry was rewritten");
}

#[test]
fn an_unusable_storage_degrades_to_running_the_function() {
    // In Cargo's scratch folder: statistics flushed at exit make the
    // folder once the file is gone.
    let file = tempfile::NamedTempFile::new_in(env!("CARGO_TARGET_TMPDIR")).expect("temp file");
    // A folder below a regular file can never be created.
    let dir = file.path().join("cache");
    static CACHE: std::sync::OnceLock<Cache> = std::sync::OnceLock::new();
    CACHE.get_or_init(|| Cache::builder().dir(dir).build());
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = CACHE.get().expect("set above"))]
    fn compute(x: u32) -> u32 {
        CALLS.fetch_add(1, SeqCst);
        x + 1
    }

    assert_eq!(compute(1), 2);
    assert_eq!(compute(1), 2);
    assert_eq!(CALLS.load(SeqCst), 2);
}

#[test]
#[should_panic(expected = "perscache (strict mode)")]
fn strict_mode_turns_failures_into_panics() {
    // In Cargo's scratch folder: statistics flushed at exit make the
    // folder once the file is gone.
    let file = tempfile::NamedTempFile::new_in(env!("CARGO_TARGET_TMPDIR")).expect("temp file");
    let dir = file.path().join("cache");
    static CACHE: std::sync::OnceLock<Cache> = std::sync::OnceLock::new();
    CACHE.get_or_init(|| Cache::builder().dir(dir).strict(true).build());

    #[persist(cache = CACHE.get().expect("set above"))]
    fn compute(x: u32) -> u32 {
        x + 1
    }

    compute(1);
}

#[test]
fn a_type_the_format_cannot_read_back_turns_caching_off_for_that_function() {
    static CACHE: LazyLock<Cache> = LazyLock::new(|| Cache::builder().dir(temp_dir()).build());
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    // Untagged enums need a self-describing format; the binary format is not.
    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    #[serde(untagged)]
    enum Loose {
        Num(u32),
        Text(String),
    }

    #[persist(cache = CACHE)]
    fn loose(x: u32) -> Loose {
        CALLS.fetch_add(1, SeqCst);
        Loose::Num(x)
    }

    for _ in 0..3 {
        assert_eq!(loose(3), Loose::Num(3));
    }
    assert_eq!(
        CALLS.load(SeqCst),
        3,
        "never served from an entry it cannot read"
    );
}

#[test]
fn the_memory_tier_serves_repeated_hits_without_storage() {
    static DIR: LazyLock<std::path::PathBuf> = LazyLock::new(temp_dir);
    static CACHE: LazyLock<Cache> = LazyLock::new(|| {
        Cache::builder()
            .dir(&*DIR)
            .memory_tier(1 << 20)
            .strict(true)
            .build()
    });
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = CACHE)]
    fn tiered(x: u32) -> String {
        CALLS.fetch_add(1, SeqCst);
        x.to_string()
    }

    assert_eq!(tiered(9), "9");
    std::fs::remove_dir_all(&*DIR).expect("remove the folder");
    assert_eq!(tiered(9), "9");
    assert_eq!(CALLS.load(SeqCst), 1, "served from memory");
}

#[test]
fn the_memory_tier_tells_keys_and_functions_apart_short_or_long() {
    // Short keys are matched in memory by their exact bytes, long ones by
    // their digest: every argument, and each function, keeps its own value.
    static DIR: LazyLock<std::path::PathBuf> = LazyLock::new(temp_dir);
    static CACHE: LazyLock<Cache> = LazyLock::new(|| {
        Cache::builder()
            .dir(&*DIR)
            .memory_tier(1 << 20)
            .strict(true)
            .build()
    });
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = CACHE)]
    fn shout(text: String) -> String {
        CALLS.fetch_add(1, SeqCst);
        text.to_uppercase()
    }

    #[persist(cache = CACHE)]
    fn count(text: String) -> String {
        CALLS.fetch_add(1, SeqCst);
        text.len().to_string()
    }

    let texts: Vec<String> = ["a", "b", "ab", &"x".repeat(2000), &"y".repeat(2000)]
        .iter()
        .map(|t| t.to_string())
        .collect();
    for _ in 0..2 {
        for text in &texts {
            assert_eq!(shout(text.clone()), text.to_uppercase());
            assert_eq!(count(text.clone()), text.len().to_string());
        }
    }
    assert_eq!(
        CALLS.load(SeqCst),
        10,
        "each key computed once, then served"
    );
    std::fs::remove_dir_all(&*DIR).expect("remove the folder");
    for text in &texts {
        assert_eq!(shout(text.clone()), text.to_uppercase());
        assert_eq!(count(text.clone()), text.len().to_string());
    }
    assert_eq!(CALLS.load(SeqCst), 10, "all served from memory");
}

#[test]
fn memory_tier_hits_expire_with_the_ttl_and_are_counted() {
    static DIR: LazyLock<std::path::PathBuf> = LazyLock::new(temp_dir);
    static CACHE: LazyLock<Cache> = LazyLock::new(|| {
        Cache::builder()
            .dir(&*DIR)
            .memory_tier(1 << 20)
            .ttl(Duration::from_millis(300))
            .strict(true)
            .build()
    });
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = CACHE)]
    fn short_lived(x: u32) -> u32 {
        CALLS.fetch_add(1, SeqCst);
        x + 1
    }

    assert_eq!(short_lived(1), 2);
    assert_eq!(short_lived(1), 2);
    assert_eq!(CALLS.load(SeqCst), 1, "the second call is a memory hit");
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(short_lived(1), 2);
    assert_eq!(
        CALLS.load(SeqCst),
        2,
        "an expired entry is not served from memory"
    );
    perscache::flush_stats();
    let stats = pollster::block_on(perscache::read_stats(&**CACHE.storage())).expect("stats");
    let s = stats
        .iter()
        .find(|s| s.function == "persist::short_lived")
        .expect("recorded");
    assert_eq!((s.hits, s.misses), (1, 2));
}

/// A value whose `Deserialize` calls a marked function of the same cache:
/// decoding a memory-tier hit must not wait on the tier's own lock.
#[test]
fn a_decoder_that_calls_a_cached_function_does_not_deadlock() {
    static CACHE: LazyLock<Cache> = LazyLock::new(|| {
        Cache::builder()
            .dir(temp_dir())
            .memory_tier(1 << 20)
            .strict(true)
            .build()
    });
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    static OUTER_CALLS: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = CACHE)]
    fn inner(n: usize) -> usize {
        n * 2
    }

    #[derive(Debug, PartialEq, Serialize)]
    struct Looked(u32);

    impl<'de> Deserialize<'de> for Looked {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let v = u32::deserialize(d)?;
            // A new argument each time: a miss, which stores into the tier.
            let n = NEXT.fetch_add(1, SeqCst);
            assert_eq!(inner(n), n * 2);
            Ok(Looked(v))
        }
    }

    #[persist(cache = CACHE)]
    fn outer(v: u32) -> Looked {
        OUTER_CALLS.fetch_add(1, SeqCst);
        Looked(v)
    }

    let (done, finished) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for _ in 0..3 {
            assert_eq!(outer(5), Looked(5));
        }
        let _ = done.send(());
    });
    finished
        .recv_timeout(Duration::from_secs(60))
        .expect("finished, not deadlocked");
    assert_eq!(OUTER_CALLS.load(SeqCst), 1, "served from the memory tier");
    assert!(NEXT.load(SeqCst) >= 2, "every hit decoded");
}

#[test]
fn statistics_count_hits_misses_and_compute_time() {
    static DIR: LazyLock<std::path::PathBuf> = LazyLock::new(temp_dir);
    static CACHE: LazyLock<Cache> = LazyLock::new(|| Cache::builder().dir(&*DIR).build());

    #[persist(cache = CACHE)]
    fn measured(x: u32) -> u32 {
        std::thread::sleep(Duration::from_millis(20));
        x
    }

    for x in [1, 1, 1, 2] {
        measured(x);
    }
    perscache::flush_stats();
    let stats = pollster::block_on(perscache::read_stats(&**CACHE.storage())).expect("stats");
    let s = stats
        .iter()
        .find(|s| s.function == "persist::measured")
        .expect("recorded");
    assert_eq!((s.hits, s.misses), (2, 2));
    assert!(s.mean_compute() >= Duration::from_millis(20), "{s:?}");
    assert!(s.saved_nanos >= 2 * 20_000_000, "{s:?}");
}

#[test]
fn no_cache_just_runs_the_function() {
    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = NoCache)]
    fn always() -> usize {
        CALLS.fetch_add(1, SeqCst)
    }

    assert_eq!(always(), 0);
    assert_eq!(always(), 1);
}

/// A result whose `Deserialize` calls a marked function of the same cache:
/// served from the memory tier (the stored files are gone), that inner call
/// is served from the tier too while the outer value is being decoded, and
/// neither call blocks the other.
#[test]
fn a_result_decoded_by_a_marked_function_is_served_from_memory() {
    static DIR: LazyLock<std::path::PathBuf> = LazyLock::new(temp_dir);
    static CACHE: LazyLock<Cache> =
        LazyLock::new(|| Cache::builder().dir(&*DIR).memory_tier(1 << 20).build());
    static OUTER: AtomicUsize = AtomicUsize::new(0);
    static INNER: AtomicUsize = AtomicUsize::new(0);

    #[persist(cache = CACHE)]
    fn scale(n: u32) -> u32 {
        INNER.fetch_add(1, SeqCst);
        n * 10
    }

    /// Stored as its raw number; read back through `scale`.
    #[derive(Debug, PartialEq)]
    struct Scaled(u32);

    impl Serialize for Scaled {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            (self.0 / 10).serialize(s)
        }
    }

    impl<'de> Deserialize<'de> for Scaled {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            Ok(Scaled(scale(u32::deserialize(d)?)))
        }
    }

    #[persist(cache = CACHE)]
    fn outer(n: u32) -> Scaled {
        OUTER.fetch_add(1, SeqCst);
        Scaled(scale(n))
    }

    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut values = vec![outer(4)];
        // Only the memory tier can answer from here on.
        std::fs::remove_dir_all(&*DIR).expect("the cache's folder is removed");
        values.extend((0..2).map(|_| outer(4)));
        let _ = tx.send(values);
    });
    let values = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("nested calls finish (no lock held while a value decodes)");
    assert_eq!(values, [Scaled(40), Scaled(40), Scaled(40)]);
    assert_eq!(OUTER.load(SeqCst), 1);
    assert_eq!(INNER.load(SeqCst), 1);
}
