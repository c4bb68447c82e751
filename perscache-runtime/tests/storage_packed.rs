//! The packed store (`PackedStorage`, LMDB): the conformance suite behind
//! every wrapper, leases, several processes on one store at once (this test
//! binary runs itself as the other processes), URLs, and the ways it fails
//! (a damaged or truncated file, a full map, a folder others can write):
//! errors, never a crash.
#![cfg(feature = "packed")]

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::Arc;
use std::time::Instant;

use perscache::{open_url, Bytes, Cache, PackedStorage, Storage};

fn block<F: std::future::Future>(f: F) -> F::Output {
    pollster::block_on(f)
}

fn temp_dir() -> PathBuf {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("temp dir")
        .keep()
}

fn url(folder: &Path) -> String {
    format!("packed://{}", folder.display())
}

/// The suite every backend runs, bare and behind every combination of the
/// wrappers, with eviction under a `SizeLimited`.
#[cfg(feature = "testing")]
#[test]
fn conformance_behind_every_wrapper() {
    let storage = Arc::new(PackedStorage::new(temp_dir().join("store")));
    block(perscache_runtime::testing::conformance_wrapped(storage, 0));
}

#[cfg(feature = "testing")]
#[test]
fn leases_are_exclusive() {
    let folder = temp_dir().join("store");
    block(perscache_runtime::testing::leases(&PackedStorage::new(
        &folder,
    )));
    let wrapped = perscache::OutageBreaker::new(perscache::SignedStorage::new(
        PackedStorage::new(&folder),
        b"secret",
    ));
    block(perscache_runtime::testing::leases(&wrapped));
}

/// Opened by URL, with `max_size`: entries beyond the limit are evicted.
#[test]
fn by_url_with_a_size_limit() {
    let folder = temp_dir().join("store");
    let storage =
        open_url(&format!("{}?map_size=64MiB", url(&folder)), Some(10_000)).expect("the URL opens");
    assert_eq!(storage.name(), "packed");
    for i in 0..10u32 {
        let path = format!("app.f/0123456789abcdef/{i:032x}.bin");
        block(storage.write(&path, Bytes::from(vec![7u8; 3000]))).expect("write");
    }
    let total: u64 = block(storage.list(""))
        .expect("list")
        .iter()
        .map(|e| e.size)
        .sum();
    assert!(total <= 10_000, "{total} bytes kept under a 10 kB limit");
    assert!(folder.join("data.mdb").is_file());
}

#[test]
fn urls_name_absolute_folders_and_known_parameters() {
    let folder = temp_dir().join("store");
    for bad in [
        "packed://relative/path".to_owned(),
        format!("{}?mapsize=1GiB", url(&folder)),
        format!("{}?map_size=lots", url(&folder)),
        format!("{}?sync=maybe", url(&folder)),
    ] {
        let e = open_url(&bad, None).expect_err(&bad);
        assert!(e.to_string().contains("packed"), "{bad}: {e}");
    }
    let spaced = temp_dir().join("my store");
    let encoded = format!("packed://{}", spaced.display()).replace(' ', "%20");
    let storage = open_url(&format!("{encoded}?sync=true"), None).expect("opens");
    block(storage.write("f/h/k.bin", Bytes::from_static(b"x"))).expect("write");
    assert!(spaced.join("data.mdb").is_file(), "percent-decoded path");
}

/// Reading, listing or deleting in a store never written finds nothing and
/// makes nothing (`cargo perscache stats` on a wrong path creates no store).
#[test]
fn reads_of_a_missing_store_make_nothing() {
    let folder = temp_dir().join("never");
    let storage = PackedStorage::new(&folder);
    assert!(block(storage.read("f/h/k.bin")).expect("read").is_none());
    assert!(block(storage.head("f/h/k.bin")).expect("head").is_none());
    assert!(block(storage.list("")).expect("list").is_empty());
    block(storage.delete("f/h/k.bin")).expect("delete");
    assert!(!folder.exists());
}

/// Several `PackedStorage`s on one folder in one process share one open
/// database, and the folder opens again after the last one is dropped.
#[test]
fn one_process_opens_a_folder_many_times() {
    let folder = temp_dir().join("store");
    let a = PackedStorage::new(&folder);
    let b = PackedStorage::builder(folder.join("../store")).build();
    block(a.write("f/h/a.bin", Bytes::from_static(b"a"))).expect("write");
    assert_eq!(
        &block(b.read("f/h/a.bin"))
            .expect("read")
            .expect("hit")
            .bytes[..],
        b"a"
    );
    drop((a, b));
    for _ in 0..20 {
        let again = PackedStorage::new(&folder);
        assert!(block(again.read("f/h/a.bin")).expect("read").is_some());
    }
    // Threads opening and dropping at once.
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..20 {
                    let storage = PackedStorage::new(&folder);
                    assert!(block(storage.read("f/h/a.bin")).expect("read").is_some());
                }
            });
        }
    });
}

#[test]
fn paths_it_cannot_hold_are_errors() {
    let storage = PackedStorage::new(temp_dir().join("store"));
    let long = format!("f/h/{}.bin", "a".repeat(600));
    let e = block(storage.write(&long, Bytes::from_static(b"x"))).expect_err("too long");
    assert!(e.to_string().contains("511"), "{e}");
    assert!(block(storage.write("", Bytes::from_static(b"x"))).is_err());
    assert!(block(storage.read(&long)).is_err());
    block(storage.write("f/h/k.bin", Bytes::from_static(b"x"))).expect("a short path");
    assert!(block(storage.read(&long)).is_err());
}

#[test]
fn a_full_store_says_what_to_do() {
    let storage = PackedStorage::builder(temp_dir().join("store"))
        .map_size(1 << 20)
        .build();
    let e = block(storage.write("f/h/big.bin", Bytes::from(vec![0u8; 2 << 20])))
        .expect_err("over the map size");
    assert!(e.to_string().contains("max_size"), "{e}");
    block(storage.write("f/h/small.bin", Bytes::from_static(b"fits"))).expect("a small write");
}

#[test]
fn reads_stop_at_the_size_limit() {
    let storage = PackedStorage::new(temp_dir().join("store"));
    block(storage.write("f/h/k.bin", Bytes::from(vec![1u8; 100]))).expect("write");
    let e = block(storage.read_at_most("f/h/k.bin", 99)).expect_err("too large");
    assert!(
        matches!(e, perscache::Error::TooLarge { size: 100, .. }),
        "{e}"
    );
    assert!(block(storage.read_at_most("f/h/k.bin", 100))
        .expect("read")
        .is_some());
}

/// Garbage or a truncated file where the database should be: every
/// operation fails (the cache warns and runs the function), none crashes.
#[test]
fn a_damaged_store_is_an_error_not_a_crash() {
    let garbage = temp_dir().join("garbage");
    std::fs::create_dir_all(&garbage).expect("mkdir");
    std::fs::write(garbage.join("data.mdb"), vec![0x5a; 64 << 10]).expect("write");
    let truncated = temp_dir().join("truncated");
    {
        let storage = PackedStorage::new(&truncated);
        for i in 0..200u32 {
            let path = format!("f/h/{i:064x}.bin");
            block(storage.write(&path, Bytes::from(vec![3u8; 2000]))).expect("write");
        }
    }
    let data = std::fs::OpenOptions::new()
        .write(true)
        .open(truncated.join("data.mdb"))
        .expect("open");
    let len = data.metadata().expect("meta").len();
    data.set_len(len / 3).expect("truncate");
    drop(data);
    for folder in [&garbage, &truncated] {
        let storage = PackedStorage::new(folder);
        let e = block(storage.read(&format!("f/h/{:064x}.bin", 150))).expect_err("damaged");
        assert!(e.to_string().contains("packed"), "{e}");
        assert!(block(storage.list("")).is_err());
        assert!(block(storage.write("f/h/k.bin", Bytes::from_static(b"x"))).is_err());
        let cache = Cache::builder().url(&url(folder)).expect("URL").build();
        let value = cache_call(&cache);
        assert_eq!(value, 42, "the function's own value");
    }
}

fn cache_call(cache: &Cache) -> u32 {
    #[perscache::persist(cache = cache, ignore = [cache])]
    fn answer(cache: &Cache) -> u32 {
        42
    }
    answer(cache)
}

#[cfg(unix)]
#[test]
fn a_folder_others_can_write_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let folder = temp_dir().join("open-to-all");
    let storage = PackedStorage::new(&folder);
    block(storage.write("f/h/k.bin", Bytes::from_static(b"x"))).expect("write");
    drop(storage);
    let mode = std::fs::metadata(&folder)
        .expect("meta")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o700, "made private");
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    let e = block(PackedStorage::new(&folder).read("f/h/k.bin")).expect_err("refused");
    assert!(e.to_string().contains("not trusted"), "{e}");
}

// ---------------------------------------------------------------------------
// Several processes on one store at once: this test binary runs itself as
// each of them.

const CHILD: &str = "PERSCACHE_TEST_PACKED_CHILD";
const FOLDER: &str = "PERSCACHE_TEST_PACKED_FOLDER";
const CONTENDED: &str = "contended/entry.bin";
const CONTENDED_LEN: usize = 64 << 10;
const PER_PROCESS: u32 = 200;

fn entry(process: &str, i: u32) -> String {
    format!("p.{process}/0123456789abcdef/{i:032x}.bin")
}

/// Every read of the contended entry is one whole write.
fn check_whole(storage: &dyn Storage) {
    if let Some(blob) = block(storage.read(CONTENDED)).expect("read the contended entry") {
        let b = &blob.bytes;
        assert!(
            b.len() == CONTENDED_LEN && b.iter().all(|&x| x == b[0]),
            "a torn entry: {} bytes",
            b.len()
        );
    }
}

/// One process's share: its own entries, whole-entry writes to one contended
/// path, and reads of it, with listings as `cargo perscache stats` makes.
fn hammer(storage: &dyn Storage, me: &str) {
    for i in 0..PER_PROCESS {
        block(storage.write(&entry(me, i), Bytes::from(format!("{me}:{i}")))).expect("write");
        if i % 10 == 0 {
            let fill = (i / 10) as u8;
            block(storage.write(CONTENDED, Bytes::from(vec![fill; CONTENDED_LEN])))
                .expect("write the contended entry");
            block(storage.list("")).expect("list");
        }
        check_whole(storage);
        let got = block(storage.read(&entry(me, i)))
            .expect("read")
            .expect("own write");
        assert_eq!(got.bytes, format!("{me}:{i}").as_bytes());
    }
}

#[test]
fn process_child() {
    let (Ok(me), Ok(folder)) = (std::env::var(CHILD), std::env::var(FOLDER)) else {
        return;
    };
    let storage = open_url(&url(Path::new(&folder)), None).expect("opens");
    hammer(&*storage, &me);
}

fn spawn(folder: &Path, me: &str) -> Child {
    Command::new(std::env::current_exe().expect("the test binary"))
        .args([
            "--exact",
            "process_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD, me)
        .env(FOLDER, folder)
        .spawn()
        .expect("the child starts")
}

#[test]
fn processes_share_one_store_at_once() {
    if std::env::var(CHILD).is_ok() {
        return;
    }
    let folder = temp_dir().join("shared");
    let started = Instant::now();
    let children: Vec<(String, Child)> = (0..3)
        .map(|n| {
            let me = format!("child{n}");
            let child = spawn(&folder, &me);
            (me, child)
        })
        .collect();
    let storage = PackedStorage::new(&folder);
    hammer(&storage, "parent");
    for (me, child) in children {
        let out = child.wait_with_output().expect("the child ends");
        assert!(out.status.success(), "{me} failed: {}", out.status);
    }
    // Every process's writes are there, readable by this one.
    for me in ["parent", "child0", "child1", "child2"] {
        let listed = block(storage.list(&format!("p.{me}/"))).expect("list");
        assert_eq!(listed.len(), PER_PROCESS as usize, "{me}'s entries");
        let got = block(storage.read(&entry(me, 7)))
            .expect("read")
            .expect("hit");
        assert_eq!(got.bytes, format!("{me}:7").as_bytes());
    }
    eprintln!(
        "4 processes × {PER_PROCESS} writes on one store in {:?}",
        started.elapsed()
    );
}
