//! Large hits: a `Vec<f64>` and a table of records, in the default binary
//! format and in Parquet, against reading the same bytes from a file and
//! decoding them with the same format.

use std::path::Path;

use anyhow::{anyhow, Context, Result};
use cached::stores::RedbCache;
use cached::ConcurrentCached;
use perscache::{persist, Binary, Cache, Codec, Parquet};
use serde::{de::DeserializeOwned, Deserialize, Serialize};

use super::harness::{compare, timed, Measured, Stopwatch};
use super::report::{size, Kind, Row, Section, Target};
use super::Scale;

/// One row of the table of records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub id: u64,
    pub x: f64,
    pub y: f64,
    pub label: String,
}

/// A one-column table, so that Parquet stores the `Vec<f64>` case as the
/// column of doubles it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    pub x: f64,
}

// The values are passed in (and left out of the key) so that the miss that
// fills each entry costs no generation; every measured call is a hit.
#[persist(cache = cache, ignore = [cache, value])]
fn doubles(cache: &Cache, n: usize, value: &[f64]) -> Vec<f64> {
    value.to_vec()
}

#[persist(cache = cache, ignore = [cache, value])]
fn records(cache: &Cache, n: usize, value: &[Record]) -> Vec<Record> {
    value.to_vec()
}

#[persist(cache = cache, ignore = [cache, value], serializer = Parquet)]
fn doubles_parquet(cache: &Cache, n: usize, value: &[Column]) -> Vec<Column> {
    value.to_vec()
}

#[persist(cache = cache, ignore = [cache, value], serializer = Parquet)]
fn records_parquet(cache: &Cache, n: usize, value: &[Record]) -> Vec<Record> {
    value.to_vec()
}

pub fn make_doubles(bytes: usize) -> Vec<f64> {
    (0..bytes / 8).map(|i| (i as f64).sqrt() * 1.5).collect()
}

fn make_record(i: u64) -> Record {
    Record {
        id: 10_000_000 + i,
        x: i as f64 * 0.5,
        y: (i as f64).sqrt(),
        label: format!("sensor-{:05}", i % 50_000),
    }
}

/// As many records as make `bytes` in the binary format.
pub fn make_records(bytes: usize) -> Result<Vec<Record>> {
    let one = encode(&Binary, &make_record(0))?.len();
    Ok((0..(bytes / one) as u64).map(make_record).collect())
}

fn encode<T, C: Codec<T>>(codec: &C, value: &T) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    codec
        .encode(value, &mut out)
        .map_err(|e| anyhow!("encoding with {}: {e}", codec.name()))?;
    Ok(out)
}

/// The floor: read the file, decode it with the same format.
fn floor<T, C: Codec<T>>(codec: &C, path: &Path) -> T {
    let bytes = std::fs::read(path).expect("the floor's file was written at set-up");
    codec.decode(&bytes).expect("the floor's file decodes")
}

/// The format's bytes without the cache's guard (binary), for the floors.
fn unguarded<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    Binary
        .encode_unguarded(value, &mut out)
        .map_err(|e| anyhow!("encoding: {e}"))?;
    Ok(out)
}

/// Measures one large hit against its floor (and the `cached` store, when
/// given), after filling the entry with one call. The floor's file is
/// written with `floor_encode`: the format alone, without the guard that
/// the cache writes through where the format has one apart from its codec.
#[allow(clippy::too_many_arguments)]
fn case<T, C>(
    scale: &Scale,
    dir: &Path,
    name: &str,
    codec: C,
    floor_encode: impl Fn(&T) -> Result<Vec<u8>> + Sync,
    value: &T,
    hit: impl Fn(&Cache) -> T + Sync,
    peer: bool,
    rows: &mut Vec<Row>,
) -> Result<()>
where
    T: Serialize + DeserializeOwned + Clone + PartialEq + Send + Sync,
    C: Codec<T>,
{
    // A name fit for file names (the `cached` store refuses `<` and `,`).
    let slug: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let floor_file = dir.join(format!("{slug}.floor"));
    // The floor of a miss: what the program does without a cache (compute
    // the value: the same copy the marked function makes), then encode and
    // write. On a thread of its own, as the miss below is.
    let (len, floor_write) = std::thread::scope(|s| {
        s.spawn(|| -> Result<(u64, std::time::Duration)> {
            let t = Stopwatch::start();
            let computed = value.clone();
            let bytes = floor_encode(&computed)?;
            let len = bytes.len() as u64;
            std::fs::write(&floor_file, bytes)?;
            Ok((len, t.elapsed()))
        })
        .join()
    })
    .map_err(|_| anyhow!("{name}: the floor panicked"))??;
    // No memory tier: every hit reads the storage.
    let cache = Cache::builder().dir(dir.join(&slug)).strict(true).build();
    // The miss that fills the entry: the function's first write in this
    // process (which read its value back before the guard). Measured once.
    // On a thread of its own: its garbage (the encoded copy) then stays in
    // that thread's malloc arena, instead of leaving free
    // chunks in the main heap that would hand some of the allocations
    // measured below pages already mapped, and others (of another size) new
    // ones, which is noise of the allocator, not of the cache.
    let (filled, miss) = std::thread::scope(|s| {
        s.spawn(|| {
            let t = Stopwatch::start();
            let filled = hit(&cache);
            (filled, t.elapsed())
        })
        .join()
    })
    .map_err(|_| anyhow!("{name}: the first call panicked"))?;
    if filled != *value {
        return Err(anyhow!("{name}: the cache returned another value"));
    }
    let kind = Kind::Throughput { bytes: len };
    rows.push(
        Row::new(
            format!("first miss in a process, {name} ({} stored)", size(len)),
            kind,
            Measured::once(miss),
        )
        .versus(
            "floor: compute + encode + write file",
            Measured::once(floor_write),
        )
        .target(Target::AtLeast(0.8)),
    );
    let label = format!("large hit, {name} ({} stored)", size(len));
    if peer {
        let store: RedbCache<u64, T> = RedbCache::builder(slug.as_str())
            .disk_dir(dir.join("peer"))
            .durable(false)
            .build()
            .context("opening the cached crate's RedbCache")?;
        let _ = store.cache_set(1, value.clone())?;
        let m = compare(
            &scale.long_plan,
            &mut [
                timed(|| hit(&cache)),
                timed(|| floor(&codec, &floor_file)),
                timed(|| store.cache_get(&1)),
            ],
        );
        rows.push(
            Row::new(&label, kind, m[0].clone())
                .versus("floor: read file + decode", m[1].clone())
                .target(Target::AtLeast(0.8)),
        );
        rows.push(
            Row::new(&label, kind, m[0].clone()).versus("cached `RedbCache` hit", m[2].clone()),
        );
    } else {
        let m = compare(
            &scale.long_plan,
            &mut [timed(|| hit(&cache)), timed(|| floor(&codec, &floor_file))],
        );
        rows.push(
            Row::new(&label, kind, m[0].clone())
                .versus("floor: read file + decode", m[1].clone())
                .target(Target::AtLeast(0.8)),
        );
    }
    Ok(())
}

pub fn run(scale: &Scale, dir: &Path) -> Result<Section> {
    let target = scale.large_bytes;
    let mut rows = Vec::new();

    let values = make_doubles(target);
    let n = values.len();
    case(
        scale,
        dir,
        "Vec<f64>, binary",
        Binary,
        unguarded,
        &values,
        |c| doubles(c, n, &values),
        true,
        &mut rows,
    )?;
    let columns: Vec<Column> = values.iter().map(|&x| Column { x }).collect();
    drop(values);
    case(
        scale,
        dir,
        "Vec<f64>, Parquet",
        Parquet,
        |v: &Vec<Column>| encode(&Parquet, v),
        &columns,
        |c| doubles_parquet(c, n, &columns),
        false,
        &mut rows,
    )?;
    drop(columns);

    let table = make_records(target)?;
    let n = table.len();
    case(
        scale,
        dir,
        "records, binary",
        Binary,
        unguarded,
        &table,
        |c| records(c, n, &table),
        true,
        &mut rows,
    )?;
    case(
        scale,
        dir,
        "records, Parquet",
        Parquet,
        |v: &Vec<Record>| encode(&Parquet, v),
        &table,
        |c| records_parquet(c, n, &table),
        false,
        &mut rows,
    )?;

    Ok(Section {
        title: format!("Large results ({} of values)", size(target as u64)),
        rows,
        notes: vec![
            format!(
                "Values of {} in the binary format: a `Vec<f64>` and a `Vec` of records \
                 (`u64`, two `f64`, a short `String`). In Parquet the `Vec<f64>` is a \
                 one-column table, and both tables are smaller on disk (Snappy, \
                 dictionaries); the throughput is of the stored bytes.{}",
                size(target as u64),
                if scale.quick {
                    " Quick run: 10 MB instead of 100 MB."
                } else {
                    ""
                }
            ),
            "Floor of a hit: `std::fs::read` of a file holding the format's bytes, then the \
             same format's `decode`: no key, no checksum, no cache logic. perscache reads the \
             entry, checks its XXH3 checksum (binary format; Parquet entries are stored \
             bare and checked by Parquet itself) and decodes. No memory tier."
                .into(),
            "Floor of a miss: the function's own work (here a copy of the value, as the \
             marked function makes it), then the format's `encode` and `std::fs::write`, \
             on a new thread as the miss is (so both allocate fresh memory). perscache's \
             miss adds the key, the guard that refuses values the format would read back \
             as others, the frame's checksum, an atomic write (on Linux an unnamed file \
             linked into place), and its statistics. Each is measured once: the first miss of a \
             function in a process."
                .into(),
        ],
    })
}

/// Runs the 100 MB `Vec<f64>` hit (`large`) or its floor (`large-floor`) `n`
/// times, for a profiler: `cargo xtask profile large N`.
pub fn profile(case: &str, n: u64) -> Result<()> {
    let scratch = tempfile::tempdir()?;
    let bytes = std::env::var("PERSCACHE_BENCH_BYTES")
        .ok()
        .and_then(|b| b.parse().ok())
        .unwrap_or(100_000_000);
    let values = make_doubles(bytes);
    let count = values.len();
    let cache = Cache::builder().dir(scratch.path().join("c")).build();
    let floor_file = scratch.path().join("floor");
    std::fs::write(&floor_file, encode(&Binary, &values)?)?;
    // See `case`: the first write's garbage stays in another arena.
    std::thread::scope(|s| {
        s.spawn(|| doubles(&cache, count, &values));
    });
    for _ in 0..n {
        match case {
            "large" => drop(std::hint::black_box(doubles(&cache, count, &values))),
            "large-floor" => drop(std::hint::black_box(floor::<Vec<f64>, _>(
                &Binary,
                &floor_file,
            ))),
            "large-parts" => {
                use perscache::Storage;
                use std::io::Read;
                let t = std::time::Instant::now();
                let plain = std::fs::read(&floor_file)?;
                let read = t.elapsed();
                let t = std::time::Instant::now();
                let mut f = std::fs::File::open(&floor_file)?;
                let mut local = Vec::with_capacity(64 << 20);
                f.read_to_end(&mut local)?;
                let read64 = t.elapsed();
                let t = std::time::Instant::now();
                let v: Vec<f64> = Binary.decode(&plain).map_err(|e| anyhow!("{e}"))?;
                let decode = t.elapsed();
                drop(v);
                let t = std::time::Instant::now();
                let v: Vec<f64> = Binary.decode(&local).map_err(|e| anyhow!("{e}"))?;
                let decode64 = t.elapsed();
                drop(v);
                let storage = perscache::LocalStorage::new(scratch.path().join("c"));
                let paths = pollster::block_on(storage.list(""))?;
                let entry = paths
                    .iter()
                    .find(|e| e.path.ends_with(".bin"))
                    .map(|e| e.path.clone())
                    .unwrap_or_default();
                let t = std::time::Instant::now();
                let blob = pollster::block_on(storage.read(&entry))?;
                let sread = t.elapsed();
                let t = std::time::Instant::now();
                let v: Vec<f64> = blob
                    .as_ref()
                    .map(|b| Binary.decode(&b.bytes[32..]))
                    .transpose()
                    .map_err(|e| anyhow!("{e}"))?
                    .unwrap_or_default();
                let sdecode = t.elapsed();
                drop(v);
                drop(blob);
                let t = std::time::Instant::now();
                let v = doubles(&cache, count, &values);
                let hit = t.elapsed();
                drop(v);
                println!("fs::read {read:?} read64 {read64:?} decode {decode:?} decode64 {decode64:?} storage.read {sread:?} decode-from-blob {sdecode:?} hit {hit:?}");
            }
            other => anyhow::bail!("unknown case `{other}` (large, large-floor)"),
        }
    }
    perscache::flush_stats();
    Ok(())
}
