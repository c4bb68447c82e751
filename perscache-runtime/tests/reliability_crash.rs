//! Crash safety (issue 7 point 1): writer processes are killed with SIGKILL
//! at random moments, hundreds of times; afterwards every key reads as a miss
//! or a whole value of that key, never a torn or mixed entry, and the
//! temporary files the killed writers left are cleaned up.
//!
//! Short: 300 kills; `PERSCACHE_RELIABILITY_LONG=1`: 3000.
#![cfg(unix)]

mod reliability_support;

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use perscache_runtime::{AnyFormat, Cache, LocalStorage, SizeLimited};
use reliability_support::{
    call, child_config, scale, spawn_child, temp_files, with_warnings, Rng, Value,
};

const KEYS: u32 = 64;
const MAX_SIZE: u64 = 256 << 10;
const STALE_TEMP: Duration = Duration::from_millis(500);

fn storage(root: &Path) -> SizeLimited {
    let local = LocalStorage::builder(root)
        .stale_temp_age(STALE_TEMP)
        .build();
    SizeLimited::new(local, MAX_SIZE)
}

/// Words in key `k`'s values: 16 to about 2000 (128 B to 16 KiB), so some
/// writes take long enough to be killed midway.
fn words(k: u32) -> usize {
    16 + (k as usize * 331) % 2000
}

/// Stderr that ends the child at the first warning: a warning here means a
/// torn or damaged entry was seen, which the parent reports.
struct ExitOnWarning;

impl Write for ExitOnWarning {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let _ = std::io::stderr().write_all(buf);
        if String::from_utf8_lossy(buf).contains("WARN") {
            std::process::exit(4);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The child: writes values of random keys forever (a 1 ms time to live makes
/// nearly every call a write, and the size limit makes writes evict), and
/// exits with 3 on a wrong value, 4 on a warning.
#[test]
fn crash_child() {
    let Some(root) = child_config() else { return };
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_ansi(false)
        .with_writer(|| ExitOnWarning)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let format = AnyFormat::Binary;
    let cache = Cache::builder()
        .storage(storage(Path::new(&root)))
        .format(format)
        .build();
    let mut rng = Rng::new();
    loop {
        let k = rng.below(u64::from(KEYS)) as u32;
        let version = rng.next();
        let ttl = Some(Duration::from_millis(1));
        let (v, _) = call(&cache, &format, k, ttl, || Value::new(k, version, words(k)));
        if !v.check(k) {
            eprintln!("wrong value for key {k}");
            std::process::exit(3);
        }
    }
}

#[test]
fn sigkill_never_leaves_a_torn_entry() {
    if child_config().is_some() {
        return;
    }
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    let root = dir.path().join("cache");
    let root_str = root.to_str().expect("utf-8 temp path");
    let target_kills = scale(300, 3000);
    let mut rng = Rng::new();
    let mut children: Vec<_> = (0..4)
        .map(|_| spawn_child("crash_child", root_str).expect("spawn"))
        .collect();
    let started = Instant::now();
    let mut kills = 0;
    let mut peak_temps = 0;
    while kills < target_kills {
        std::thread::sleep(Duration::from_millis(5 + rng.below(35)));
        let i = rng.below(children.len() as u64) as usize;
        if let Some(status) = children[i].try_wait().expect("try_wait") {
            panic!("a writer exited by itself with {status} (3: wrong value, 4: warning)");
        }
        children[i].kill().expect("SIGKILL"); // `Child::kill` is SIGKILL on Unix
        let _ = children[i].wait();
        kills += 1;
        peak_temps = peak_temps.max(temp_files(&root).len());
        children[i] = spawn_child("crash_child", root_str).expect("spawn");
    }
    for mut c in children {
        if let Some(status) = c.try_wait().expect("try_wait") {
            panic!("a writer exited by itself with {status} (3: wrong value, 4: warning)");
        }
        c.kill().expect("SIGKILL");
        let _ = c.wait();
    }
    let elapsed = started.elapsed();
    let left = temp_files(&root).len();

    // Every key: a miss, or a whole value of that key, and no damaged entry.
    let format = AnyFormat::Binary;
    let cache = Cache::builder()
        .storage(storage(&root))
        .format(format)
        .build();
    let mut hits = 0;
    for k in 0..KEYS {
        let ((v, computed), warnings) =
            with_warnings(|| call(&cache, &format, k, None, || Value::new(k, 0, 1)));
        assert!(warnings.is_empty(), "key {k}: {warnings:?}");
        assert!(v.check(k), "key {k}: wrong value after the crashes");
        if !computed {
            hits += 1;
        }
    }
    // The first write of a process into a folder removes temporary files
    // older than the stale age: nothing the killed writers left survives.
    std::thread::sleep(STALE_TEMP + Duration::from_millis(100));
    let sweeper = Cache::builder()
        .storage(storage(&root))
        .format(format)
        .build();
    let _ = call(&sweeper, &format, 0, Some(Duration::from_nanos(1)), || {
        Value::new(0, 1, 4)
    });
    let after_sweep = temp_files(&root);
    assert!(
        after_sweep.is_empty(),
        "temporary files survived the sweep: {after_sweep:?}"
    );
    // Each new writer sweeps, so leftovers stay bounded by the kills of the
    // last stale-age window, not the total.
    assert!(
        peak_temps <= 200,
        "{peak_temps} temporary files at once: growing without bound"
    );
    println!(
        "RELIABILITY crash: {kills} SIGKILLs of 4 writer processes in {:.1}s; {hits}/{KEYS} keys intact hits, \
         the rest misses; 0 torn; peak {peak_temps} temp files, {left} at the end, 0 after the sweep",
        elapsed.as_secs_f64()
    );
}
