//! One analysis run, for timing under `/usr/bin/time` (CPU and wall time):
//!
//! ```text
//! cargo run --release -p perscache-analysis --example analysis_timing -- gen /tmp/ws 300000
//! /usr/bin/time -v target/release/examples/analysis_timing cold /tmp/ws
//! /usr/bin/time -v target/release/examples/analysis_timing warm /tmp/ws
//! ```
//!
//! `cold` runs without the parse cache, `warm` with it (run it twice: the
//! first fills the cache). `fallback` times the macro's widened hash.

#[path = "../benches/gen/mod.rs"]
mod gen;

use std::path::PathBuf;
use std::time::Instant;

use perscache_analysis::{analyze, Options, Workspace};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map(String::as_str).unwrap_or("cold");
    let dir = PathBuf::from(
        args.get(2)
            .ok_or("usage: analysis_timing gen|cold|warm|fallback DIR [LINES]")?,
    );
    if mode == "gen" {
        let lines = args.get(3).and_then(|l| l.parse().ok()).unwrap_or(300_000);
        gen::generate(&dir, lines)?;
        return Ok(());
    }
    if mode == "fallback" {
        let t = Instant::now();
        let h = perscache_analysis::macro_side::widened_hash(&dir.join("gen9"));
        println!("fallback hash {} in {:?}", &h[..16], t.elapsed());
        return Ok(());
    }
    let t = Instant::now();
    let ws = Workspace::load(Some(&dir.join("Cargo.toml")))?;
    let metadata = t.elapsed();
    let cache = (mode == "warm").then(|| dir.join("target/perscache/parse-cache.bin"));
    let a = analyze(
        &ws,
        &Options {
            cache,
            progress: None,
        },
    )?;
    let t = Instant::now();
    let stale = a.manifest.stale_file();
    let check = t.elapsed();
    println!(
        "{mode}: {} files, {} lines, {} re-parsed, {} items, {} marked; cargo metadata {:?}, analysis {:?}, manifest check {:?} (stale: {stale:?})",
        a.files,
        a.lines,
        a.parsed,
        a.items,
        a.manifest.functions.len(),
        metadata,
        a.elapsed,
        check
    );
    Ok(())
}
