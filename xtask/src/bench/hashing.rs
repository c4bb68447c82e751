//! Hashing a large argument into a key, against BLAKE3 over the same bytes.

use std::path::Path;

use anyhow::Result;
use perscache::{Key, KeyHasher};
use serde::Serialize;

use super::harness::{compare, timed};
use super::report::{size, Kind, Row, Section, Target};
use super::Scale;

/// What `#[persist]` generates for a function with one argument `data`.
fn key_of<T: Serialize + ?Sized>(data: &T) -> Key {
    let mut key = KeyHasher::new("xtask::bench::hashing::f", "0123456789abcdef", "postcard");
    key.arg("data", data).expect("plain data serializes");
    key.finish()
}

pub fn run(scale: &Scale, _dir: &Path) -> Result<Section> {
    let bytes = scale.large_bytes;
    let doubles: Vec<f64> = (0..bytes / 8).map(|i| i as f64 * 0.75).collect();
    let doubles_raw: Vec<u8> = doubles.iter().flat_map(|d| d.to_le_bytes()).collect();
    let blob: Vec<u8> = (0..bytes).map(|i| (i * 31 % 251) as u8).collect();
    let text: String = (0..bytes)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();

    let m = compare(
        &scale.long_plan,
        &mut [
            timed(|| key_of(&doubles)),
            timed(|| blake3::hash(&doubles_raw)),
            timed(|| key_of(&blob)),
            timed(|| blake3::hash(&blob)),
            timed(|| key_of(&text)),
            timed(|| blake3::hash(text.as_bytes())),
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
    ];
    Ok(Section {
        title: "Hashing a large argument".into(),
        rows,
        notes: vec![
            "perscache: `KeyHasher` as `#[persist]` drives it (function, code hash, format, \
             then the argument through the canonical serializer into BLAKE3). Raw: \
             `blake3::hash` over the argument's bytes (the `f64`s as little-endian bytes). \
             Throughput is of the argument's bytes."
                .into(),
            "The canonical stream tags every value with its kind, so a `Vec<f64>` puts 9 \
             bytes into BLAKE3 per 8 bytes of data (at best 0.89× the raw hasher), and a \
             `Vec<u8>` puts 2 bytes per byte, one serde call each (serde sees a `Vec<u8>` \
             as a sequence of `u8`; `serde_bytes` makes it one string of bytes, which \
             hashes like the `String` row). The encoding is pinned by the golden key \
             test, so it is not changed here."
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
            "hash-f64" => drop(std::hint::black_box(key_of(&doubles))),
            "hash-u8" => drop(std::hint::black_box(key_of(&blob))),
            other => anyhow::bail!("unknown case `{other}` (hash-f64, hash-u8)"),
        }
    }
    Ok(())
}
