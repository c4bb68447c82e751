//! Environment faults (issue 7 point 5): a read-only cache folder, a full
//! disk, a folder deleted mid-run, a storage that fails every operation. The
//! caller always gets its value; the cache warns and runs the function.
//!
//! As root, real filesystems are used where possible (a tmpfs of 64 KiB for
//! the full disk, a tmpfs remounted read-only); otherwise the same faults
//! come from file modes, or from a failing storage wrapper.
#![cfg(unix)]

mod reliability_support;

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use perscache_runtime::{
    async_trait, AnyFormat, Blob, Bytes, Cache, EntryInfo, Error, LocalStorage, MemoryStorage,
    SizeLimited, Storage,
};
use reliability_support::{call, temp_files, with_warnings, Value};

/// A tmpfs mounted for one test, unmounted on drop.
struct Tmpfs(PathBuf);

impl Tmpfs {
    /// Mounts a tmpfs of `size` at `path`, if this process may.
    fn mount(path: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(path).ok()?;
        let ok = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(path)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(path.to_path_buf()))
    }

    fn remount_read_only(&self) -> bool {
        Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.0)
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

fn is_root() -> bool {
    // Root ignores file modes; probe instead of asking for the uid.
    let dir = match tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")) {
        Ok(d) => d,
        Err(_) => return false,
    };
    let file = dir.path().join("probe");
    if std::fs::write(&file, b"x").is_err() {
        return false;
    }
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000));
    std::fs::read(&file).is_ok()
}

/// Fails the chosen operations with `kind`; passes the rest to memory.
#[derive(Debug)]
struct Failing {
    inner: MemoryStorage,
    reads: AtomicBool,
    writes: AtomicBool,
    kind: io::ErrorKind,
    failures: AtomicU64,
}

impl Failing {
    fn new(reads: bool, writes: bool, kind: io::ErrorKind) -> Self {
        Failing {
            inner: MemoryStorage::new(),
            reads: AtomicBool::new(reads),
            writes: AtomicBool::new(writes),
            kind,
            failures: AtomicU64::new(0),
        }
    }

    fn fail(&self) -> Error {
        self.failures.fetch_add(1, Ordering::Relaxed);
        Error::storage("failing", io::Error::new(self.kind, "injected fault"))
    }
}

#[async_trait]
impl Storage for Failing {
    fn name(&self) -> &'static str {
        "failing"
    }
    async fn read(&self, path: &str) -> perscache_runtime::Result<Option<Blob>> {
        if self.reads.load(Ordering::Relaxed) {
            return Err(self.fail());
        }
        self.inner.read(path).await
    }
    async fn write(&self, path: &str, bytes: Bytes) -> perscache_runtime::Result<()> {
        if self.writes.load(Ordering::Relaxed) {
            return Err(self.fail());
        }
        self.inner.write(path, bytes).await
    }
    async fn delete(&self, path: &str) -> perscache_runtime::Result<()> {
        self.inner.delete(path).await
    }
    async fn list(&self, prefix: &str) -> perscache_runtime::Result<Vec<EntryInfo>> {
        self.inner.list(prefix).await
    }
}

/// Calls key `k` and checks the value is right; returns (computed, warnings).
fn check_call(cache: &Cache, k: u32, words: usize) -> (bool, usize) {
    let format = AnyFormat::Binary;
    let ((v, computed), warnings) =
        with_warnings(|| call(cache, &format, k, None, || Value::new(k, 1, words)));
    assert!(v == Value::new(k, 1, words), "key {k}: wrong value");
    (computed, warnings.len())
}

#[test]
fn read_only_folder() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    let root = dir.path().join("cache");
    let mounted = if is_root() {
        Tmpfs::mount(&root, "1m")
    } else {
        None
    };
    let cache = Cache::builder().storage(LocalStorage::new(&root)).build();
    assert_eq!(check_call(&cache, 1, 8), (true, 0), "first call stores");
    let how = match &mounted {
        Some(fs) if fs.remount_read_only() => "tmpfs remounted read-only",
        Some(_) => {
            println!("RELIABILITY environment: could not remount read-only; skipped");
            return;
        }
        None if is_root() => {
            println!("RELIABILITY environment: root without mount; read-only folder covered by the failing storage test");
            return;
        }
        None => {
            use std::os::unix::fs::PermissionsExt;
            for e in reliability_support::files(&root, &|_| true) {
                if let Some(p) = e.0.parent() {
                    std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o500))
                        .expect("chmod");
                }
            }
            "folders chmod 0500"
        }
    };
    // Stored entries are still served; new ones are computed, with a warning.
    assert_eq!(
        check_call(&cache, 1, 8),
        (false, 0),
        "hit on a read-only folder"
    );
    for _ in 0..3 {
        let (computed, warnings) = check_call(&cache, 2, 8);
        assert!(
            computed && warnings > 0,
            "write to a read-only folder: computed {computed}, {warnings} warnings"
        );
    }
    println!("RELIABILITY environment: read-only folder ({how}): values right, writes warned");
}

#[test]
fn full_disk() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    let root = dir.path().join("cache");
    let Some(_fs) = (if is_root() {
        Tmpfs::mount(&root, "64k")
    } else {
        None
    }) else {
        // Without a small filesystem, inject the error.
        let storage = Failing::new(false, true, io::ErrorKind::StorageFull);
        let cache = Cache::builder().storage(storage).build();
        let (computed, warnings) = check_call(&cache, 3, 8);
        assert!(computed && warnings > 0);
        println!("RELIABILITY environment: full disk injected (not root): value right, warned");
        return;
    };
    let cache = Cache::builder().storage(LocalStorage::new(&root)).build();
    // 200 KiB does not fit in 64 KiB: warned, computed each time, no temp file left.
    for _ in 0..3 {
        let (computed, warnings) = check_call(&cache, 3, 25_000);
        assert!(computed && warnings > 0);
        assert!(
            temp_files(&root).is_empty(),
            "a failed write left its temporary file"
        );
    }
    // The space came back: a small entry is stored and served.
    assert_eq!(check_call(&cache, 4, 8), (true, 0));
    assert_eq!(check_call(&cache, 4, 8), (false, 0));
    println!("RELIABILITY environment: full disk (64 KiB tmpfs): values right, writes warned, no temp files left");
}

#[test]
fn folder_deleted_mid_run() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    let root = dir.path().join("cache");
    let cache = Cache::builder()
        .storage(SizeLimited::new(LocalStorage::new(&root), 1 << 20))
        .build();
    let stop = AtomicBool::new(false);
    let deletions = AtomicU64::new(0);
    let calls = AtomicU64::new(0);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            for _ in 0..200 {
                let _ = std::fs::remove_dir_all(&root);
                deletions.fetch_add(1, Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(2));
            }
            stop.store(true, Ordering::Relaxed);
        });
        for t in 0..3u32 {
            let (cache, stop, calls) = (&cache, &stop, &calls);
            scope.spawn(move || {
                let mut k = t;
                while !stop.load(Ordering::Relaxed) {
                    // Warnings are allowed here (a write can lose a race with
                    // the deletion); wrong values are not.
                    let _ = check_call(cache, k % 16, 16);
                    calls.fetch_add(1, Ordering::Relaxed);
                    k += 3;
                }
            });
        }
    });
    // Once the deleting stops, the cache works again.
    assert!(check_call(&cache, 100, 8).0);
    assert_eq!(check_call(&cache, 100, 8), (false, 0));
    println!(
        "RELIABILITY environment: folder deleted {} times under {} calls from 3 threads: values right",
        deletions.load(Ordering::Relaxed),
        calls.load(Ordering::Relaxed)
    );
}

#[test]
fn failing_storage_never_reaches_the_caller() {
    for (reads, writes, kind) in [
        (true, true, io::ErrorKind::PermissionDenied),
        (false, true, io::ErrorKind::StorageFull),
        (true, false, io::ErrorKind::ConnectionRefused),
    ] {
        let storage = Arc::new(Failing::new(reads, writes, kind));
        let cache = Cache::builder().storage_arc(storage.clone()).build();
        for _ in 0..3 {
            let (computed, warnings) = check_call(&cache, 5, 8);
            assert!(computed || !writes && !reads);
            assert!(warnings > 0, "{kind:?}: no warning");
        }
        assert!(storage.failures.load(Ordering::Relaxed) >= 3);
    }
    // Strict mode turns the same fault into a panic, on request.
    let strict = Cache::builder()
        .storage(Failing::new(true, true, io::ErrorKind::PermissionDenied))
        .strict(true)
        .build();
    let result =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check_call(&strict, 6, 8)));
    assert!(result.is_err(), "strict mode did not report the fault");
}
