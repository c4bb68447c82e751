//! Hashing a large argument into a key, against BLAKE3 over the same bytes.

use std::path::Path;

use anyhow::Result;
use perscache::KeyHasher;
use serde::Serialize;

use super::harness::{compare, timed};
use super::report::{size, Kind, Row, Section, Target};
use super::Scale;

/// What `#[persist]` generates for a function with one argument `data` of
/// `data`'s type: the autoref choice (through `perscache::__private`, as the
/// expansion names it) between the fast path, for containers of numbers,
/// which hashes their memory directly, and serde for anything else. A macro,
/// not a generic function: the choice is made where the code is written with
/// the concrete type, and inside a generic function it would always be serde.
macro_rules! key_of {
    ($data:expr) => {{
        // As in the expansion: one of the two is used, depending on the type.
        #[allow(unused_imports)]
        use perscache::__private::{KeyArg, ViaScalar as _, ViaScalars as _, ViaSerde as _};
        let data = $data;
        let mut key = KeyHasher::new("xtask::bench::hashing::f", "0123456789abcdef", "postcard");
        (&KeyArg(data))
            .__perscache_key_path()
            .arg("data", &mut key, data)
            .expect("plain data serializes");
        key.finish()
    }};
}

/// A large argument that serde must walk: a `Vec<f64>` inside a struct.
#[derive(Serialize)]
struct Series {
    name: String,
    points: Vec<f64>,
}

pub fn run(scale: &Scale, _dir: &Path) -> Result<Section> {
    let bytes = scale.large_bytes;
    let doubles: Vec<f64> = (0..bytes / 8).map(|i| i as f64 * 0.75).collect();
    let doubles_raw: Vec<u8> = doubles.iter().flat_map(|d| d.to_le_bytes()).collect();
    let blob: Vec<u8> = (0..bytes).map(|i| (i * 31 % 251) as u8).collect();
    let text: String = (0..bytes)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let series = Series {
        name: "series".into(),
        points: doubles.clone(),
    };

    let m = compare(
        &scale.long_plan,
        &mut [
            timed(|| key_of!(&doubles)),
            timed(|| blake3::hash(&doubles_raw)),
            timed(|| key_of!(&blob)),
            timed(|| blake3::hash(&blob)),
            timed(|| key_of!(&text)),
            timed(|| blake3::hash(text.as_bytes())),
            timed(|| key_of!(&series)),
            timed(|| blake3::hash(&doubles_raw)),
        ],
    );
    let b = bytes as u64;
    let rows = vec![
        Row::new(
            format!("key of a `Vec<f64>` ({})", size(b)),
            Kind::Throughput { bytes: b },
            m[0].clone(),
        )
        .versus("BLAKE3 over its bytes", m[1].clone())
        .target(Target::AtLeast(0.8)),
        Row::new(
            format!("key of a `Vec<u8>` ({})", size(b)),
            Kind::Throughput { bytes: b },
            m[2].clone(),
        )
        .versus("BLAKE3 over its bytes", m[3].clone())
        .target(Target::AtLeast(0.8)),
        Row::new(
            format!("key of a `String` ({})", size(b)),
            Kind::Throughput { bytes: b },
            m[4].clone(),
        )
        .versus("BLAKE3 over its bytes", m[5].clone())
        .target(Target::AtLeast(0.8)),
        Row::new(
            format!("key of a struct holding a `Vec<f64>` ({}, serde)", size(b)),
            Kind::Throughput { bytes: b },
            m[6].clone(),
        )
        .versus("BLAKE3 over its bytes", m[7].clone()),
    ];
    Ok(Section {
        title: "Hashing a large argument".into(),
        rows,
        notes: vec![
            "perscache: the key as `#[persist]` builds it (function, code hash, format, \
             then the argument). Raw: `blake3::hash` over the argument's bytes (the \
             `f64`s as little-endian bytes). Throughput is of the argument's bytes."
                .into(),
            "In the key's canonical stream (v2), a run of at least 1 KiB of numbers of \
             one kind among a sequence's or tuple's elements is written as a summary: \
             the kind, the count and the BLAKE3 digest of the numbers' little-endian \
             bytes, hashed by a hasher of its own; shorter runs stay tagged number by \
             number. For an argument that is a `Vec`, slice or array of numbers, the \
             `#[persist]` expansion picks at compile time a fast path that hashes that \
             digest straight from the argument's memory, so the first two rows are \
             BLAKE3 over the data plus a few dozen bytes. A `String` is one \
             length-prefixed string."
                .into(),
            "The last row (no target) is the serde path, taken by anything else (here a \
             struct holding the same `Vec<f64>`): the same summary, but serde hands over \
             the numbers one call at a time, each copied into the run's buffer, which is \
             hashed in aligned 16 KiB pieces."
                .into(),
        ],
    })
}

/// Keys of a 10 MB `Vec<f64>` (`hash-f64`) or `Vec<u8>` (`hash-u8`), `n`
/// times, for a profiler: `cargo xtask profile hash-f64 N`.
pub fn profile(case: &str, n: u64) -> Result<()> {
    let doubles: Vec<f64> = (0..1_250_000).map(|i| i as f64 * 0.75).collect();
    let blob: Vec<u8> = (0..10_000_000).map(|i| (i * 31 % 251) as u8).collect();
    for _ in 0..n {
        match case {
            "hash-f64" => drop(std::hint::black_box(key_of!(&doubles))),
            "hash-u8" => drop(std::hint::black_box(key_of!(&blob))),
            other => anyhow::bail!("unknown case `{other}` (hash-f64, hash-u8)"),
        }
    }
    Ok(())
}
