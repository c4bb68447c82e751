//! Writes under a `max_size` holding 100 entries and one holding 100,000:
//! the cost of eviction per write must not grow with the number of entries.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};
use perscache::{persist, Binary, Cache, Codec, LocalStorage, SizeLimited};

use super::harness::{compare, Plan, Routine, Stopwatch};
use super::report::{Kind, Row, Section, Target};
use super::small::{small_value, Small};
use super::Scale;

#[persist(cache = cache, ignore = [cache])]
fn bounded(cache: &Cache, id: u64) -> Small {
    small_value(id)
}

/// Ids from here on encode to the same length (a 4-byte varint).
const FIRST_ID: u64 = 1 << 21;
/// The local storage rescans its folder after a sixteenth of its entries
/// have been written; a sample spans a whole period at the larger size so
/// that the rescan's cost is in the figure, spread over the writes it serves.
const RESCAN_FRACTION: u64 = 16;
/// Bytes of the frame around a binary entry.
const HEADER: u64 = 32;

/// A cache whose storage holds about `entries` small entries, filled to
/// its limit, so that every further write evicts one.
fn filled(dir: &Path, entries: u64, next: &mut u64) -> Result<Cache> {
    let mut payload = Vec::new();
    Binary
        .encode(&small_value(FIRST_ID), &mut payload)
        .map_err(|e| anyhow!("encoding: {e}"))?;
    let entry = payload.len() as u64 + HEADER;
    let storage = SizeLimited::new(LocalStorage::new(dir), entries * entry);
    let cache = Cache::builder().storage(storage).strict(true).build();
    for _ in 0..entries {
        *next += 1;
        bounded(&cache, *next);
    }
    Ok(cache)
}

/// `iters` writes, rounded up to whole rescan periods of `period` writes;
/// the time returned is scaled back to `iters` writes.
fn writes<'a>(cache: &'a Cache, next: &'a mut u64, period: u64) -> Routine<'a> {
    Box::new(move |iters| {
        let n = iters.div_ceil(period) * period;
        let start = Stopwatch::start();
        for _ in 0..n {
            *next += 1;
            std::hint::black_box(bounded(cache, *next));
        }
        start.elapsed().mul_f64(iters as f64 / n as f64)
    })
}

pub fn run(scale: &Scale, dir: &Path) -> Result<Section> {
    let [small, large] = scale.bounded_entries;
    let period = (large / RESCAN_FRACTION).max(1);
    let (mut a, mut b) = (FIRST_ID, FIRST_ID + (1 << 26));
    let t = Instant::now();
    let few = filled(&dir.join("few"), small, &mut a)?;
    let many = filled(&dir.join("many"), large, &mut b)?;
    let fill = t.elapsed();
    let plan = Plan {
        samples: if scale.quick { 3 } else { 7 },
        sample_time: Duration::from_millis(1),
        warmup: Duration::ZERO,
    };
    let mut m = compare(
        &plan,
        &mut [writes(&many, &mut b, period), writes(&few, &mut a, period)],
    );
    // The routine rounds each sample up to whole periods: say so.
    for measured in &mut m {
        measured.iters = measured.iters.div_ceil(period) * period;
    }
    let rows = vec![Row::new(
        format!("write with `max_size` at {large} entries"),
        Kind::Time,
        m[0].clone(),
    )
    .versus(format!("the same at {small} entries"), m[1].clone())
    .target(Target::AtMost(2.0))];
    Ok(Section {
        title: "Writes under a size limit (LRU eviction)".into(),
        rows,
        notes: vec![format!(
            "A miss of the small value through `#[persist]` on a `LocalStorage` whose \
             `max_size` holds {small} or {large} entries, filled to the limit first ({:.1} s \
             for both), so that every write also evicts the least recently used entry. Each \
             sample is {period} writes or a multiple (a sixteenth of {large}: the period after \
             which the storage rescans its folder), so the figure is the mean cost per write \
             with the rescans included.",
            fill.as_secs_f64()
        )],
    })
}
