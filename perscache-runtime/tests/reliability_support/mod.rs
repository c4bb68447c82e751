//! Shared by the `reliability_*` tests: a marked function driven through the
//! runtime as `#[persist]` drives it, self-checking values, warning capture,
//! child processes, and the short/long switch.
#![allow(dead_code)] // each test binary uses a different part

use std::io::{self, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use perscache_runtime::__private::{call_sync, Always, CallKey, Options, Site};
use perscache_runtime::{AnyFormat, Cache, Format, KeyHasher};
use serde::{Deserialize, Serialize};

/// The marked function every reliability test calls.
pub static SITE: Site = Site::new(
    "reliability::value_of",
    "0123456789abcdef",
    "0123456789abcdef",
);

/// `PERSCACHE_RELIABILITY_LONG=1` selects the long versions (see RELIABILITY.md).
pub fn long() -> bool {
    std::env::var("PERSCACHE_RELIABILITY_LONG").is_ok_and(|v| v == "1")
}

/// `short` in CI, `long` on demand.
pub fn scale<T>(short: T, long_value: T) -> T {
    if long() {
        long_value
    } else {
        short
    }
}

/// A value that proves its own integrity: its data is a function of its key
/// and version, so a value of another key, a mix of two versions or a
/// truncated one never passes [`Value::check`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Value {
    pub key: u32,
    pub version: u64,
    pub data: Vec<u64>,
}

impl Value {
    /// Version `version` of key `key`, `len` words long.
    pub fn new(key: u32, version: u64, len: usize) -> Value {
        Value {
            key,
            version,
            data: (0..len as u64).map(|i| mix(key, version, i)).collect(),
        }
    }

    /// Whether this is a whole value for `key`.
    pub fn check(&self, key: u32) -> bool {
        self.key == key
            && self
                .data
                .iter()
                .enumerate()
                .all(|(i, &w)| w == mix(key, self.version, i as u64))
    }
}

fn mix(key: u32, version: u64, i: u64) -> u64 {
    let mut x =
        (u64::from(key) << 32) ^ version.rotate_left(17) ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^ (x >> 33)
}

/// The key `#[persist]` would build for `value_of(key)` in `format`.
pub fn key_of(format: &AnyFormat, key: u32) -> perscache_runtime::Result<CallKey> {
    let mut h = KeyHasher::new(SITE.function(), SITE.code_hash(), format.name());
    h.arg("key", &key)?;
    Ok(h.finish_call())
}

/// Calls the marked function for `key`; `compute` runs on a miss. Returns the
/// value and whether it was computed.
pub fn call(
    cache: &Cache,
    format: &AnyFormat,
    key: u32,
    ttl: Option<Duration>,
    compute: impl FnOnce() -> Value,
) -> (Value, bool) {
    let mut computed = false;
    let options = Options {
        ttl,
        ..Options::default()
    };
    let value =
        call_sync::<Value, Always, _>(cache, &SITE, &key_of(format, key), format, options, || {
            computed = true;
            compute()
        });
    (value, computed)
}

/// A small xorshift generator: the tests need variety, not quality, and no
/// extra dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// Seeded from the clock, the process and a counter.
    pub fn new() -> Rng {
        static N: AtomicU64 = AtomicU64::new(0);
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64);
        Rng::seeded(
            t ^ u64::from(std::process::id()) << 20 ^ N.fetch_add(1, Ordering::Relaxed) << 40,
        )
    }

    /// A fixed sequence.
    pub fn seeded(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    /// The next number.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Runs `f` with warnings of this thread captured; returns them, one a line.
pub fn with_warnings<T>(f: impl FnOnce() -> T) -> (T, Vec<String>) {
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_ansi(false)
        .without_time()
        .with_writer(move || writer.clone())
        .finish();
    let out = tracing::subscriber::with_default(subscriber, f);
    let text =
        String::from_utf8_lossy(&buffer.0.lock().unwrap_or_else(|p| p.into_inner())).into_owned();
    (
        out,
        text.lines()
            .filter(|l| l.contains("WARN"))
            .map(str::to_owned)
            .collect(),
    )
}

/// The environment variable that turns a test binary into a child worker.
pub const CHILD_ENV: &str = "PERSCACHE_RELIABILITY_CHILD";

/// Starts this test binary again, running only test `test` with `CHILD_ENV`
/// set to `config`; its stdout is piped.
pub fn spawn_child(test: &str, config: &str) -> io::Result<Child> {
    Command::new(std::env::current_exe()?)
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, config)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
}

/// The child configuration, when this process is a child worker.
pub fn child_config() -> Option<String> {
    std::env::var(CHILD_ENV).ok()
}

/// Regular files under `root` whose names satisfy `pred`, with their sizes.
pub fn files(root: &Path, pred: &dyn Fn(&str) -> bool) -> Vec<(std::path::PathBuf, u64)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let Ok(ty) = e.file_type() else { continue };
            if ty.is_dir() {
                stack.push(e.path());
            } else if ty.is_file() && pred(&e.file_name().to_string_lossy()) {
                if let Ok(m) = e.metadata() {
                    out.push((e.path(), m.len()));
                }
            }
        }
    }
    out
}

/// Temporary files of writes in progress or left by killed writers.
pub fn temp_files(root: &Path) -> Vec<(std::path::PathBuf, u64)> {
    files(root, &|n| n.starts_with('.') && n.ends_with(".tmp"))
}

/// Entries (not temporary files, not statistics).
pub fn entry_files(root: &Path) -> Vec<(std::path::PathBuf, u64)> {
    files(root, &|n| !n.starts_with('.') && !n.starts_with('_'))
}
