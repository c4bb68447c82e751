//! A small result (about 100 bytes): hits warm and cold, a miss, and two
//! threads hitting one cache.

use std::path::Path;
use std::sync::Barrier;
use std::time::Instant;

use anyhow::{Context, Result};
use cached::stores::RedbCache;
use cached::ConcurrentCached;
use perscache::{persist, Binary, Cache, Codec};
use serde::{Deserialize, Serialize};

use super::harness::{batched, compare, timed, Routine, Stopwatch};
use super::report::{Kind, Row, Section, Target};
use super::Scale;

/// The value every small case stores: 104 bytes in the binary format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Small {
    pub id: u64,
    pub name: String,
    pub scores: [f64; 8],
}

pub fn small_value(id: u64) -> Small {
    Small {
        id,
        name: format!("station-{id:08}-north-east-quadrant-7"),
        scores: std::array::from_fn(|i| id as f64 + i as f64 * 0.25),
    }
}

/// The key of the small hits.
const ID: u64 = 42;
/// Memory tier of the warm caches.
const TIER: usize = 64 << 20;

#[persist(cache = cache, ignore = [cache])]
fn small_hit(cache: &Cache, id: u64) -> Small {
    small_value(id)
}

/// The first reads: its entries are filled at set-up, then each is read once
/// per `Cache`.
#[persist(cache = cache, ignore = [cache])]
fn small_first(cache: &Cache, id: u64) -> Small {
    small_value(id)
}

#[persist(cache = cache, ignore = [cache])]
fn small_miss(cache: &Cache, id: u64) -> Small {
    small_value(id)
}

/// As users write it: no `cache = …`, so the default cache, with nothing
/// configured but its folder (`PERSCACHE_DIR`, set by [`run`]).
#[persist]
fn small_default(id: u64) -> Small {
    small_value(id)
}

/// The `cached` crate's persistent store, without fsync on writes (perscache
/// does not sync either), holding the small value under [`ID`].
fn peer(dir: &Path, name: &str) -> Result<RedbCache<u64, Small>> {
    let store = RedbCache::builder(name)
        .disk_dir(dir)
        .durable(false)
        .build()
        .context("opening the cached crate's RedbCache")?;
    let _ = store.cache_set(ID, small_value(ID))?;
    Ok(store)
}

/// The floor's bytes: the format alone, without the cache's guard.
fn encoded(value: &Small) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    Binary
        .encode_unguarded(value, &mut bytes)
        .map_err(|e| anyhow::anyhow!("encoding: {e}"))?;
    Ok(bytes)
}

/// Keys read once each by the first-read rows, as the issue measured them.
const FIRST_READ_KEYS: u64 = 20_000;
/// The bytes before the payload in a binary entry (the frame's header, see
/// `perscache-runtime/src/entry/frame.rs`): the floor of a first read skips
/// them, unchecked.
const FRAME_HEADER: usize = 32;

/// The floor of a hit: read the encoded bytes from a file, decode them.
fn floor_read(path: &Path) -> Small {
    let bytes = std::fs::read(path).expect("the floor's file was written at set-up");
    Binary
        .decode(&bytes)
        .expect("the floor's file holds a Small")
}

pub fn run(scale: &Scale, dir: &Path) -> Result<Section> {
    // The default cache reads its configuration once, at its first use
    // (below); only its folder is set, in the scratch folder.
    std::env::set_var("PERSCACHE_DIR", dir.join("default"));
    for var in [
        "PERSCACHE_URL",
        "PERSCACHE_CONFIG",
        "PERSCACHE_MEMORY_TIER",
        "PERSCACHE",
    ] {
        std::env::remove_var(var);
    }
    let warm_dir = dir.join("warm");
    let cold_dir = dir.join("cold");
    let floor_file = dir.join("floor.bin");
    std::fs::write(&floor_file, encoded(&small_value(ID))?)?;

    let warm = Cache::builder()
        .dir(&warm_dir)
        .memory_tier(TIER)
        .strict(true)
        .build();
    let storage_only = Cache::builder().dir(&cold_dir).strict(true).build();
    // Entries exist before any measurement: every call below is a hit.
    assert_eq!(small_hit(&warm, ID), small_value(ID));
    assert_eq!(small_hit(&storage_only, ID), small_value(ID));
    assert_eq!(small_default(ID), small_value(ID));
    let store = peer(&dir.join("peer"), "small")?;

    let plan = &scale.plan;
    let mut rows = Vec::new();

    // Warm: the memory tier answers.
    let m = compare(
        plan,
        &mut [
            timed(|| small_hit(&warm, ID)),
            timed(|| store.cache_get(&ID)),
            timed(|| floor_read(&floor_file)),
            timed(|| small_default(ID)),
        ],
    );
    rows.push(
        Row::new(
            "small hit, default cache (nothing configured)",
            Kind::Time,
            m[3].clone(),
        )
        .versus("cached `RedbCache` hit", m[1].clone())
        .target(Target::AtMost(0.2)),
    );
    rows.push(
        Row::new("small hit, warm (memory tier)", Kind::Time, m[0].clone())
            .versus("cached `RedbCache` hit", m[1].clone())
            .target(Target::AtMost(0.2)),
    );
    rows.push(
        Row::new("small hit, warm (memory tier)", Kind::Time, m[0].clone())
            .versus("floor: read file + decode", m[2].clone()),
    );

    // Cold: a new Cache per call, so nothing of the entry is in process
    // memory: the storage checks its folders and the entry's file as on a
    // first read in a process. The file itself is in the page cache, as for
    // the floor.
    let m = compare(
        plan,
        &mut [
            batched(
                || Cache::builder().dir(&cold_dir).strict(true).build(),
                |cache| {
                    let v = small_hit(&cache, ID);
                    (cache, v)
                },
            ),
            timed(|| floor_read(&floor_file)),
            timed(|| small_hit(&storage_only, ID)),
            timed(|| store.cache_get(&ID)),
        ],
    );
    rows.push(
        Row::new("small hit, cold (new Cache)", Kind::Time, m[0].clone())
            .versus("floor: read file + decode", m[1].clone()),
    );
    rows.push(
        Row::new(
            "small hit, storage (no memory tier, folders already checked)",
            Kind::Time,
            m[2].clone(),
        )
        .versus("floor: read file + decode", m[1].clone()),
    );
    rows.push(
        Row::new("small hit, cold (new Cache)", Kind::Time, m[0].clone())
            .versus("cached `RedbCache` hit", m[3].clone()),
    );

    // A miss: compute, encode, write (a new key each call).
    let miss_cache = Cache::builder().dir(dir.join("miss")).strict(true).build();
    // The same without the lease that spares other processes the work.
    let unleased_cache = Cache::builder()
        .dir(dir.join("miss-unleased"))
        .lease(std::time::Duration::ZERO)
        .strict(true)
        .build();
    let miss_store = peer(&dir.join("peer-miss"), "miss")?;
    let floor_dir = dir.join("floor-miss");
    std::fs::create_dir_all(&floor_dir)?;
    let (mut a, mut b, mut c, mut d) = (1_000_000u64, 1_000_000u64, 1_000_000u64, 1_000_000u64);
    let m = compare(
        plan,
        &mut [
            timed(|| {
                a += 1;
                small_miss(&miss_cache, a)
            }),
            timed(|| {
                b += 1;
                match miss_store.cache_get(&b) {
                    Ok(Some(v)) => v,
                    _ => {
                        let v = small_value(b);
                        let _ = miss_store.cache_set(b, v.clone());
                        v
                    }
                }
            }),
            timed(|| {
                c += 1;
                let v = small_value(c);
                let bytes = encoded(&v).expect("a Small encodes");
                std::fs::write(floor_dir.join(format!("{c}.bin")), bytes)
                    .expect("the scratch folder is writable");
                v
            }),
            timed(|| {
                d += 1;
                small_miss(&unleased_cache, d)
            }),
        ],
    );
    rows.push(
        Row::new("miss: compute + write", Kind::Time, m[0].clone())
            .versus("cached `RedbCache` get + set", m[1].clone()),
    );
    rows.push(
        Row::new("miss: compute + write", Kind::Time, m[0].clone())
            .versus("floor: encode + write file", m[2].clone())
            .target(Target::AtMost(1.4)),
    );
    rows.push(
        Row::new("miss: compute + write", Kind::Time, m[0].clone())
            .versus("the same with `lease(Duration::ZERO)`", m[3].clone()),
    );

    first_read_rows(plan, dir, &mut rows)?;
    packed_rows(plan, dir, &store, &mut rows)?;

    Ok(Section {
        title: "Small result (104 bytes)".into(),
        rows,
        notes: vec![
            "The value is a struct of 104 bytes in the binary format (postcard). perscache is \
             called through `#[persist]`; `cached` through `RedbCache::cache_get` / \
             `cache_set` directly (its `#[io_cached]` functions add their own work on top), \
             built with `durable(false)` since perscache does not fsync either."
                .into(),
            "Cold: each call gets a new `Cache` (made and dropped outside the clock) without \
             a memory tier, so nothing of the entry is known in memory, as on the first read \
             of a process. The entry's file is in the page cache, as is the floor's: this \
             approximates a first read in a process without a cold disk. On Linux the entry \
             is opened with `openat2(RESOLVE_NO_SYMLINKS)`, which checks its folders for \
             links in the same call, so a cold hit costs what any other storage hit does: \
             open, `statx`, one `read`, close (the floor makes one more `read`, to see the \
             end of the file). What is left over the floor is the longer path \
             (`root/function/code/key.bin`, three folders more to walk), the checksum and \
             the key."
                .into(),
            "First reads: one `Cache` made as the default one is (the default memory tier, \
             which each first read fills) reads each of 20,000 entries once, as a program \
             does on its first pass over its inputs; a new `Cache`, made outside the clock, \
             starts each pass. The floor reads the same 20,000 files and decodes their \
             payloads (past the frame's 32-byte header, unchecked): the issue's \
             definition, \"the same files read and decoded with no cache logic\". The \
             cold row above makes a `Cache` per call, so it adds what a `Cache` does once \
             (checking its root folder) to every read."
                .into(),
            "Storage: a `Cache` without memory tier that has read before; what every hit \
             costs when there is no memory tier."
                .into(),
            "Default cache: a `#[persist]` function that names no cache, as users write it \
             first; the default cache is configured by nothing but its folder \
             (`PERSCACHE_DIR`), so it has the default memory tier (64 MiB)."
                .into(),
            "Packed: `PackedStorage` (`packed:///path`, one LMDB file for many small \
             results). Cold, as above: a new `Cache` (from the URL, without memory tier) per \
             call; the store's database stays open in the process while another `Cache` uses \
             it, as the local rows keep `storage_only`, so a cold hit is a new storage's \
             lookup of the open database and one read transaction. The first use in a \
             process also opens the database (its map, lock file and reader slot): \
             measured with the store closed again after each call, beside `RedbCache` \
             opened, read and closed the same way."
                .into(),
        ],
    })
}

/// The first read of each of [`FIRST_READ_KEYS`] keys by one `Cache` made as
/// the default one is (the default memory tier, which every first read
/// fills), against the floor: the same files read and their payloads decoded,
/// without any cache logic.
fn first_read_rows(plan: &super::harness::Plan, dir: &Path, rows: &mut Vec<Row>) -> Result<()> {
    let root = dir.join("first");
    let new_cache = || {
        Cache::builder()
            .dir(&root)
            .memory_tier(perscache::DEFAULT_MEMORY_TIER)
            .strict(true)
            .build()
    };
    let filling = new_cache();
    for id in 0..FIRST_READ_KEYS {
        small_first(&filling, id);
    }
    let files: Vec<_> = pollster::block_on(filling.storage().list(""))?
        .into_iter()
        .filter(|e| e.path.ends_with(".bin"))
        .map(|e| root.join(e.path))
        .collect();
    anyhow::ensure!(
        files.len() as u64 == FIRST_READ_KEYS,
        "expected {FIRST_READ_KEYS} entries, found {}",
        files.len()
    );
    // Each routine walks its keys (files) in order; a new `Cache`, made
    // outside the clock, starts each new pass, so every read is a first one.
    let mut cache = new_cache();
    let mut next_key = 0;
    let first_reads: Routine = Box::new(move |iters| {
        let mut took = std::time::Duration::ZERO;
        let mut left = iters;
        while left > 0 {
            if next_key == FIRST_READ_KEYS {
                cache = new_cache();
                next_key = 0;
            }
            let n = left.min(FIRST_READ_KEYS - next_key);
            let start = Stopwatch::start();
            for id in next_key..next_key + n {
                std::hint::black_box(small_first(&cache, id));
            }
            took += start.elapsed();
            next_key += n;
            left -= n;
        }
        took
    });
    let mut next_file = 0;
    let floor = timed(move || {
        let bytes = std::fs::read(&files[next_file]).expect("the entry was written at set-up");
        next_file = (next_file + 1) % files.len();
        let value: Small = Binary
            .decode(&bytes[FRAME_HEADER..])
            .expect("the entry holds a Small");
        value
    });
    let m = compare(plan, &mut [first_reads, floor]);
    rows.push(
        Row::new(
            "small hit, first read of each of 20,000 keys",
            Kind::Time,
            m[0].clone(),
        )
        .versus("floor: read the same files + decode", m[1].clone())
        .target(Target::AtMost(1.2)),
    );
    Ok(())
}

/// The packed store's rows: a cold hit against `RedbCache`'s hit, a miss
/// against its get + set, and the first use in a process (open, hit, close)
/// against the same of `RedbCache`.
fn packed_rows(
    plan: &super::harness::Plan,
    dir: &Path,
    store: &RedbCache<u64, Small>,
    rows: &mut Vec<Row>,
) -> Result<()> {
    let url = |name: &str| format!("packed://{}", dir.join(name).display());
    let cold_url = url("packed-cold");
    let build = |url: &str| -> Cache {
        Cache::builder()
            .url(url)
            .expect("a packed:// URL opens")
            .strict(true)
            .build()
    };
    // Keeps the database open, as a program's other caches would.
    let open = build(&cold_url);
    assert_eq!(small_hit(&open, ID), small_value(ID));

    let miss_cache = build(&url("packed-miss"));
    let miss_store = peer(&dir.join("peer-packed-miss"), "packed-miss")?;

    let first_url = url("packed-first");
    assert_eq!(small_hit(&build(&first_url), ID), small_value(ID));
    let first_peer = dir.join("peer-first");
    drop(peer(&first_peer, "first")?);

    let (mut a, mut b) = (2_000_000u64, 2_000_000u64);
    let m = compare(
        plan,
        &mut [
            batched(
                || build(&cold_url),
                |cache| {
                    let v = small_hit(&cache, ID);
                    (cache, v)
                },
            ),
            timed(|| store.cache_get(&ID)),
            timed(|| {
                a += 1;
                small_miss(&miss_cache, a)
            }),
            timed(|| {
                b += 1;
                match miss_store.cache_get(&b) {
                    Ok(Some(v)) => v,
                    _ => {
                        let v = small_value(b);
                        let _ = miss_store.cache_set(b, v.clone());
                        v
                    }
                }
            }),
            timed(|| small_hit(&build(&first_url), ID)),
            timed(|| {
                let peer = RedbCache::<u64, Small>::builder("first")
                    .disk_dir(&first_peer)
                    .durable(false)
                    .build()
                    .expect("the peer's store opens");
                peer.cache_get(&ID)
            }),
        ],
    );
    rows.push(
        Row::new(
            "packed: small hit, cold (new Cache)",
            Kind::Time,
            m[0].clone(),
        )
        .versus("cached `RedbCache` hit", m[1].clone())
        .target(Target::AtMost(1.0)),
    );
    rows.push(
        Row::new("packed: miss, compute + write", Kind::Time, m[2].clone())
            .versus("cached `RedbCache` get + set", m[3].clone())
            .target(Target::AtMost(1.0)),
    );
    rows.push(
        Row::new(
            "packed: first hit in a process (open, read, close)",
            Kind::Time,
            m[4].clone(),
        )
        .versus("cached `RedbCache` open, get, close", m[5].clone()),
    );
    Ok(())
}

/// Runs one contender of the small cases `n` times, for a profiler
/// (`valgrind --tool=callgrind`, `strace -c`): `cargo xtask profile CASE N`.
pub fn profile(case: &str, n: u64) -> Result<()> {
    let scratch = tempfile::tempdir()?;
    let dir = scratch.path();
    let floor_file = dir.join("floor.bin");
    std::fs::write(&floor_file, encoded(&small_value(ID))?)?;
    let warm = Cache::builder()
        .dir(dir.join("warm"))
        .memory_tier(TIER)
        .build();
    let storage_only = Cache::builder().dir(dir.join("cold")).build();
    small_hit(&warm, ID);
    small_hit(&storage_only, ID);
    let store = peer(&dir.join("peer"), "profile")?;
    if let Some(case) = case.strip_prefix("packed-") {
        return profile_packed(case, n, dir);
    }
    let mut next = 1_000_000;
    for _ in 0..n {
        match case {
            "warm" => drop(std::hint::black_box(small_hit(&warm, ID))),
            "storage" => drop(std::hint::black_box(small_hit(&storage_only, ID))),
            "cold" => {
                let cache = Cache::builder().dir(dir.join("cold")).build();
                drop(std::hint::black_box(small_hit(&cache, ID)));
            }
            "floor" => drop(std::hint::black_box(floor_read(&floor_file))),
            "peer" => drop(std::hint::black_box(store.cache_get(&ID))),
            "miss" => {
                next += 1;
                drop(std::hint::black_box(small_miss(&storage_only, next)));
            }
            other => {
                anyhow::bail!(
                    "unknown case `{other}` (warm, storage, cold, floor, peer, miss, \
                     packed-cold, packed-storage, packed-read, packed-miss)"
                )
            }
        }
    }
    perscache::flush_stats();
    Ok(())
}

/// The packed store's cases of [`profile`], apart: the others must run
/// where LMDB's memory map cannot (under valgrind).
fn profile_packed(case: &str, n: u64, dir: &Path) -> Result<()> {
    let packed = format!("packed://{}", dir.join("packed").display());
    let packed_cache = || {
        Cache::builder()
            .url(&packed)
            .expect("a packed:// URL opens")
            .build()
    };
    let packed_open = packed_cache();
    small_hit(&packed_open, ID);
    // The entry's path, for the storage's read alone.
    let packed_entry = pollster::block_on(packed_open.storage().list(""))?
        .into_iter()
        .find(|e| e.path.ends_with(".bin"))
        .context("the packed entry")?
        .path;
    let mut next = 1_000_000;
    for _ in 0..n {
        match case {
            "cold" => drop(std::hint::black_box(small_hit(&packed_cache(), ID))),
            "storage" => drop(std::hint::black_box(small_hit(&packed_open, ID))),
            "read" => drop(std::hint::black_box(pollster::block_on(
                packed_open.storage().read_at_most(&packed_entry, u64::MAX),
            ))),
            "miss" => {
                next += 1;
                drop(std::hint::black_box(small_miss(&packed_open, next)));
            }
            other => anyhow::bail!("unknown case `packed-{other}` (packed-cold, packed-storage, packed-read, packed-miss)"),
        }
    }
    perscache::flush_stats();
    Ok(())
}

/// Time per call with `threads` threads calling `call` `iters` times each:
/// the wall time of the whole, divided by the number of threads, so that the
/// harness's division by `iters` gives wall time per call.
fn parallel<'a>(threads: usize, call: impl Fn() + Sync + 'a) -> Routine<'a> {
    Box::new(move |iters| {
        let barrier = Barrier::new(threads + 1);
        let started = std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    barrier.wait();
                    for _ in 0..iters {
                        call();
                    }
                });
            }
            barrier.wait();
            Instant::now()
        });
        started.elapsed() / threads as u32
    })
}

pub fn run_threads(scale: &Scale, dir: &Path) -> Result<Section> {
    let warm = Cache::builder()
        .dir(dir.join("warm"))
        .memory_tier(TIER)
        .strict(true)
        .build();
    let storage_only = Cache::builder().dir(dir.join("cold")).strict(true).build();
    assert_eq!(small_hit(&warm, ID), small_value(ID));
    assert_eq!(small_hit(&storage_only, ID), small_value(ID));
    let store = peer(&dir.join("peer"), "threads")?;

    let hit = |cache: &Cache| {
        std::hint::black_box(small_hit(cache, ID));
    };
    let peer_hit = || {
        std::hint::black_box(store.cache_get(&ID).ok());
    };
    let m = compare(
        &scale.plan,
        &mut [
            parallel(1, || hit(&warm)),
            parallel(2, || hit(&warm)),
            parallel(1, || hit(&storage_only)),
            parallel(2, || hit(&storage_only)),
            parallel(2, peer_hit),
        ],
    );
    let rows = vec![
        Row::new("2 threads, warm hits", Kind::Time, m[1].clone())
            .versus("perscache, 1 thread", m[0].clone()),
        Row::new("2 threads, warm hits", Kind::Time, m[1].clone())
            .versus("cached `RedbCache`, 2 threads", m[4].clone()),
        Row::new(
            "2 threads, storage hits (no memory tier)",
            Kind::Time,
            m[3].clone(),
        )
        .versus("perscache, 1 thread", m[2].clone()),
    ];
    Ok(Section {
        title: "Two threads hitting one cache".into(),
        rows,
        notes: vec![format!(
            "Wall time per call with both threads calling the same key of one `Cache` \
             (the small value); perfect scaling on two idle cores is a ratio of 0.5 to one \
             thread. This machine's {} cores are shared with other work, so the ratio also \
             shows its load.",
            std::thread::available_parallelism().map_or(1, |n| n.get())
        )],
    })
}
