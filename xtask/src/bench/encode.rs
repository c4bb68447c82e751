//! What the guard costs a write: every write of a built-in format goes
//! through a guard that refuses values the format would read back as another
//! (`Some(None)` in JSON, ...). Measured against the same format without the
//! guard (what later writes cost before), and against the read-back that
//! the first write of each function paid before (encode, decode, compare).

use std::os::unix::fs::FileExt;
use std::path::Path;

use anyhow::{anyhow, Result};
use perscache::{Binary, Codec, Json};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::harness::{compare, timed, Plan};
use super::large::{make_doubles, make_records};
use super::report::{size, Kind, Row, Section, Target};
use super::small::small_value;
use super::Scale;

/// Encodes with the guard, as the cache does.
fn guarded<T, C: Codec<T>>(codec: &C, value: &T, out: &mut Vec<u8>) {
    codec
        .encode(value, out)
        .expect("the benchmark's values are lossless");
}

/// A format's encoder with and without the guard.
#[derive(Clone, Copy)]
enum Format {
    Binary,
    Json,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Binary => "binary",
            Format::Json => "JSON",
        }
    }

    /// Appends `value` to `out` through the guard.
    fn guarded_into<T: Serialize + DeserializeOwned>(self, value: &T, out: &mut Vec<u8>) {
        match self {
            Format::Binary => guarded(&Binary, value, out),
            Format::Json => guarded(&Json, value, out),
        }
    }

    /// Appends `value` to `out` without the guard.
    fn unguarded_into<T: Serialize>(self, value: &T, out: &mut Vec<u8>) {
        match self {
            Format::Binary => Binary.encode_unguarded(value, out),
            Format::Json => Json.encode_unguarded(value, out),
        }
        .expect("the benchmark's values encode");
    }

    /// A new buffer holding `value`, through the guard, as the cache makes one.
    fn guarded<T: Serialize + DeserializeOwned>(self, value: &T) -> Vec<u8> {
        let mut out = Vec::new();
        self.guarded_into(value, &mut out);
        out
    }

    /// A new buffer holding `value`, without the guard.
    fn unguarded<T: Serialize>(self, value: &T) -> Vec<u8> {
        let mut out = Vec::new();
        self.unguarded_into(value, &mut out);
        out
    }

    fn decode<T: Serialize + DeserializeOwned>(self, bytes: &[u8]) -> T {
        match self {
            Format::Binary => Binary.decode(bytes),
            Format::Json => Json.decode(bytes),
        }
        .expect("the benchmark's values decode")
    }
}

/// Rows for one value in one format: the encoder alone with and without the
/// guard, a write (encode + write a file) with and without it, and the
/// write before against the previous first write (encode, read back,
/// compare).
#[allow(clippy::too_many_arguments)]
fn case<T>(
    plan: &Plan,
    dir: &Path,
    label: &str,
    format: Format,
    value: &T,
    throughput: bool,
    rows: &mut Vec<Row>,
) -> Result<()>
where
    T: Serialize + DeserializeOwned + PartialEq,
{
    let len = format.unguarded(value).len() as u64;
    if format.guarded(value).len() as u64 != len {
        return Err(anyhow!("{label}: the guard changed the bytes"));
    }
    let kind = if throughput {
        Kind::Throughput { bytes: len }
    } else {
        Kind::Time
    };
    // One file, overwritten in place: truncating and re-creating it cost
    // this machine's file system more, and more erratically, than the write.
    let file = std::fs::File::create(dir.join(format!("{}-{}", format.name(), len)))?;
    let write = |bytes: &[u8]| {
        file.write_all_at(bytes, 0)
            .expect("the scratch folder is writable")
    };
    // Each contender encodes into a buffer of its own, kept from one call
    // to the next: growing a new one costs all of them alike, but for large
    // values it is mostly page faults, whose count depends on what the
    // allocator kept from the contender sampled before, not on the encoder.
    let buffer = || Vec::<u8>::with_capacity(len as usize);
    let (mut a, mut b, mut c, mut d, mut e) = (buffer(), buffer(), buffer(), buffer(), buffer());
    let m = compare(
        plan,
        &mut [
            timed(move || {
                a.clear();
                format.guarded_into(value, &mut a);
                a.len()
            }),
            timed(move || {
                b.clear();
                format.unguarded_into(value, &mut b);
                b.len()
            }),
            timed(move || {
                c.clear();
                format.guarded_into(value, &mut c);
                write(&c)
            }),
            timed(move || {
                d.clear();
                format.unguarded_into(value, &mut d);
                write(&d)
            }),
            timed(move || {
                // The previous first write: encode, then read back and
                // compare. `PartialEq` is cheaper than the fingerprints it
                // compared, so this is the least it cost.
                e.clear();
                format.unguarded_into(value, &mut e);
                let back: T = format.decode(&e);
                assert!(back == *value, "{label} reads back equal");
                write(&e)
            }),
        ],
    );
    let what = format!("{label}, {} ({})", format.name(), size(len));
    rows.push(
        Row::new(
            format!("encode, {what}, with the guard"),
            kind,
            m[0].clone(),
        )
        .versus("the same without the guard", m[1].clone()),
    );
    rows.push(
        Row::new(format!("write, {what}, with the guard"), kind, m[2].clone())
            .versus("without the guard (a later write before)", m[3].clone())
            .target(if throughput {
                Target::AtLeast(0.9)
            } else {
                Target::AtMost(1.1)
            }),
    );
    rows.push(
        Row::new(format!("write, {what}, with the guard"), kind, m[2].clone()).versus(
            "encode + read back + compare (a first write before)",
            m[4].clone(),
        ),
    );
    Ok(())
}

pub fn run(scale: &Scale, dir: &Path) -> Result<Section> {
    let mut rows = Vec::new();
    let small = small_value(42);
    case(
        &scale.plan,
        dir,
        "small value",
        Format::Binary,
        &small,
        false,
        &mut rows,
    )?;
    case(
        &scale.plan,
        dir,
        "small value",
        Format::Json,
        &small,
        false,
        &mut rows,
    )?;
    let doubles = make_doubles(scale.large_bytes);
    case(
        &scale.long_plan,
        dir,
        "Vec<f64>",
        Format::Binary,
        &doubles,
        true,
        &mut rows,
    )?;
    drop(doubles);
    let records = make_records(scale.large_bytes)?;
    case(
        &scale.long_plan,
        dir,
        "records",
        Format::Binary,
        &records,
        true,
        &mut rows,
    )?;
    case(
        &scale.long_plan,
        dir,
        "records",
        Format::Json,
        &records,
        true,
        &mut rows,
    )?;
    Ok(Section {
        title: "Writes: the cost of refusing lossy values".into(),
        rows,
        notes: vec![
            "Every write of a built-in format goes through a guard around the format's own \
             serializer, which refuses a value the format would read back as another (in \
             JSON `Some(None)`, `Some(())`, NaN; in postcard a field skipped by \
             `skip_serializing_if`; ...). Encode: the format's encoder with and without the \
             guard, same bytes. Write: encode + write the bytes over an open file \
             (`pwrite`; no cache logic); without the guard is what every write but a \
             function's first cost before. Each contender encodes into a buffer of its own \
             kept from call to call, so that the allocator's page faults (which depend on \
             the contender sampled before) stay out of the figures. The first write of each function used to be read back and compared; \
             its lower bound here (decode + `PartialEq`, cheaper than the fingerprints it \
             compared) is the last column of the third row of each case."
                .into(),
            format!(
                "The small value is the small section's 104-byte struct; the large values are \
                 the large section's ({} in the binary format); records are a `u64`, two \
                 `f64` and a short `String`.",
                size(scale.large_bytes as u64)
            ),
        ],
    })
}
