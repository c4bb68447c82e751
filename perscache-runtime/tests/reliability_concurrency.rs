//! Many processes, one cache (issue 7 point 2): processes and threads hammer
//! overlapping keys with reads, writes, TTL expiry and `max_size` eviction
//! for a bounded time. No wrong value, no warning (so no error would reach a
//! caller even in strict mode), and the size on disk stays within
//! `max_size` plus the slack `SizeLimited` documents. All the entries the
//! keys can make come to about four times `max_size`, so eviction must work.
//!
//! Short: 4 processes x 4 threads for 4 s; `PERSCACHE_RELIABILITY_LONG=1`: 60 s.
#![cfg(unix)]

mod reliability_support;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use perscache_runtime::{AnyFormat, Cache, LocalStorage, SizeLimited};
use reliability_support::{call, child_config, entry_files, scale, spawn_child, Rng, Value};

const PROCESSES: u64 = 4;
const THREADS: u64 = 4;
const KEYS: u32 = 256;
const MAX_SIZE: u64 = 512 << 10;
/// The largest entry: 512 words as JSON (up to 20 digits and a comma each).
const LARGEST: u64 = 512 * 21 + 64;

fn words(k: u32) -> usize {
    16 + (k as usize * 97) % 496
}

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

/// The child: `THREADS` threads share one cache and call random keys until
/// the deadline; prints its operation count. Exits 3 on a wrong value, 4 on
/// a warning.
#[test]
fn hammer_child() {
    let Some(config) = child_config() else { return };
    let (root, millis) = config.split_once('|').expect("root|millis");
    let millis: u64 = millis.parse().expect("millis");
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_ansi(false)
        .with_writer(|| ExitOnWarning)
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("subscriber");
    let cache = Cache::builder()
        .storage(SizeLimited::new(
            LocalStorage::new(Path::new(root)),
            MAX_SIZE,
        ))
        .build();
    let deadline = Instant::now() + Duration::from_millis(millis);
    let ops: u64 = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|_| {
                let cache = &cache;
                scope.spawn(move || {
                    let mut rng = Rng::new();
                    let mut ops = 0u64;
                    while Instant::now() < deadline {
                        let k = rng.below(u64::from(KEYS)) as u32;
                        let format = if rng.below(4) == 0 {
                            AnyFormat::Json
                        } else {
                            AnyFormat::Binary
                        };
                        // A fifth of calls with a short time to live: entries expire
                        // and are rewritten while others read them.
                        let ttl =
                            (rng.below(5) == 0).then(|| Duration::from_millis(1 + rng.below(50)));
                        let version = rng.next();
                        let (v, _) =
                            call(cache, &format, k, ttl, || Value::new(k, version, words(k)));
                        if !v.check(k) {
                            eprintln!("wrong value for key {k}");
                            std::process::exit(3);
                        }
                        ops += 1;
                    }
                    ops
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("thread")).sum()
    });
    println!("\nRELIABILITY-OPS {ops}");
}

#[test]
fn processes_and_threads_share_one_cache() {
    if child_config().is_some() {
        return;
    }
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    let root = dir.path().join("cache");
    let millis = scale(4_000u64, 60_000);
    let config = format!("{}|{millis}", root.to_str().expect("utf-8 temp path"));
    let mut children: Vec<_> = (0..PROCESSES)
        .map(|_| spawn_child("hammer_child", &config).expect("spawn"))
        .collect();
    // Sample the size on disk while they run.
    let mut peak = 0;
    let mut samples = 0;
    let mut sum = 0;
    while children
        .iter_mut()
        .any(|c| c.try_wait().expect("try_wait").is_none())
    {
        let size: u64 = entry_files(&root).iter().map(|(_, s)| s).sum();
        peak = peak.max(size);
        sum += size;
        samples += 1;
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut ops = 0;
    for mut c in children {
        let stdout = c.stdout.take().expect("piped");
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            // libtest may print `test hammer_child ... ` on the same line.
            if let Some((_, n)) = line.split_once("RELIABILITY-OPS ") {
                ops += n.trim().parse::<u64>().expect("count");
            }
        }
        let status = c.wait().expect("wait");
        assert!(
            status.success(),
            "a worker failed with {status} (3: wrong value, 4: warning)"
        );
    }
    // The bound SizeLimited documents: each other process may have written
    // up to a rescan's worth it has not seen, and each writing thread one
    // entry between its rename and its eviction. It holds while listings
    // keep pace with writes: on average here, and within twice the slack at
    // the worst moment, when 16 busy threads on a small machine leave a
    // process's listing behind.
    let slack = (PROCESSES - 1) * (MAX_SIZE / 16 + LARGEST) + PROCESSES * THREADS * LARGEST;
    let end: u64 = entry_files(&root).iter().map(|(_, s)| s).sum();
    peak = peak.max(end);
    assert!(ops > 0, "no operations ran");
    let mean = sum / samples.max(1);
    assert!(
        mean <= MAX_SIZE + slack,
        "on average {mean} bytes on disk, limit {MAX_SIZE} + slack {slack}"
    );
    assert!(
        peak <= MAX_SIZE + 2 * slack,
        "peak {peak} bytes on disk, limit {MAX_SIZE} + twice the slack {slack}"
    );
    println!(
        "RELIABILITY concurrency: {PROCESSES} processes x {THREADS} threads for {:.0}s, {ops} calls on {KEYS} keys, \
         0 wrong values, 0 warnings; {mean} bytes on disk on average, peak {peak} ({samples} samples), max_size {MAX_SIZE} + slack {slack}",
        millis as f64 / 1000.0
    );
}
