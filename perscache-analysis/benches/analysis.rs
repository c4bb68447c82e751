#![allow(missing_docs)] // criterion_group! generates an undocumented function.
//! Analysis speed on a generated workspace of about 300,000 lines.
//!
//! `cargo bench -p perscache-analysis --bench analysis` measures:
//! - `cold`: no parse cache (every file read and parsed);
//! - `warm`: nothing changed since the last run (the cache answers);
//! - `one_edit`: one file changed since the last run;
//! - `macro_fallback`: what `#[persist]` pays once per rustc process without a
//!   current manifest (hashing the crate's sources), and `manifest_check`:
//!   what it pays with one (checking every file's digest).
//!
//! `PERSCACHE_BENCH_LINES` sets the size (default 300000).

use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use perscache_analysis::{analyze, Options, Workspace};

mod gen;
use gen::{generate, module_source};

fn bench(c: &mut Criterion) {
    let lines: usize = std::env::var("PERSCACHE_BENCH_LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300_000);
    let Ok(dir) = tempfile::tempdir() else { return };
    if let Err(e) = generate(dir.path(), lines) {
        eprintln!("cannot generate the workspace: {e}");
        return;
    }
    let ws = match Workspace::load(Some(&dir.path().join("Cargo.toml"))) {
        Ok(ws) => ws,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    let cache = dir.path().join("target/perscache/parse-cache.bin");
    let first = analyze(
        &ws,
        &Options {
            cache: Some(cache.clone()),
            progress: None,
            ..Default::default()
        },
    );
    match &first {
        Ok(a) => eprintln!(
            "generated workspace: {} files, {} lines, {} items, {} marked functions",
            a.files,
            a.lines,
            a.items,
            a.manifest.functions.len()
        ),
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    }

    let mut g = c.benchmark_group("analysis");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("cold", |b| {
        b.iter(|| analyze(&ws, &Options::default()).map(|a| a.manifest.functions.len()))
    });
    // A file written long ago, so the cache trusts its time stamp.
    std::thread::sleep(Duration::from_millis(2100));
    let warm = Options {
        cache: Some(cache.clone()),
        progress: None,
        ..Default::default()
    };
    let _ = analyze(&ws, &warm);
    g.bench_function("warm", |b| b.iter(|| analyze(&ws, &warm).map(|a| a.parsed)));
    let edited = dir.path().join("gen5/src/m3.rs");
    let mut n = 0u64;
    g.bench_function("one_edit", |b| {
        b.iter(|| {
            n += 1;
            let _ = std::fs::write(
                &edited,
                module_source(5, 3, 10) + &format!("\n// edit {n}\npub const EDIT: u64 = {n};\n"),
            );
            analyze(&ws, &warm).map(|a| a.parsed)
        })
    });
    g.bench_function("macro_fallback", |b| {
        b.iter(|| perscache_analysis::macro_side::widened_hash(&dir.path().join("gen9")))
    });
    if let Ok(a) = analyze(&ws, &warm) {
        g.bench_function("manifest_check", |b| b.iter(|| a.manifest.stale_file()));
    }
    g.bench_function("cargo_metadata", |b| {
        b.iter(|| Workspace::load(Some(&dir.path().join("Cargo.toml"))).map(|w| w.crates.len()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
