//! One analysis run, for timing under `/usr/bin/time` (CPU and wall time):
//!
//! ```text
//! cargo run --release -p perscache-analysis --example analysis_timing -- gen /tmp/ws 300000
//! /usr/bin/time -v target/release/examples/analysis_timing cold /tmp/ws
//! /usr/bin/time -v target/release/examples/analysis_timing warm /tmp/ws
//! ```
//!
//! `cold` runs without the parse cache, `warm` with it (run it twice: the
//! first fills the cache). `fallback` times the macro's widened hash. With
//! `PERSCACHE_TIMING_ONLY=<crate root file>`, only that crate's functions
//! are hashed, as the macro does while that crate compiles. With
//! `PERSCACHE_TIMING_HASHES=1`, every function's hash is printed, to compare
//! two versions of the analysis.

#[path = "../benches/gen/mod.rs"]
mod gen;

use std::path::PathBuf;
use std::time::Instant;

use perscache_analysis::{analyze, Options, Workspace};

// `cargo perscache` runs the analysis with mimalloc: timed with glibc's
// allocator it takes about a third longer.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    if mode == "registry" {
        // Real code: the crates unpacked in the cargo registry (DIR), as one
        // workspace of independent libraries, up to LINES lines.
        let limit: usize = args.get(3).and_then(|l| l.parse().ok()).unwrap_or(300_000);
        let mut crates = Vec::new();
        let mut lines = 0;
        let mut roots: Vec<PathBuf> = std::fs::read_dir(&dir)?
            .flatten()
            .map(|e| e.path())
            .collect();
        roots.sort();
        for root in roots {
            let lib = root.join("src/lib.rs");
            if !lib.is_file() || lines >= limit {
                continue;
            }
            let n: usize = walk_lines(&root.join("src"));
            lines += n;
            let name = root
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            crates.push(perscache_analysis::model::CrateInfo {
                name: name.replace(['-', '.'], "_"),
                package: name,
                package_dir: root.clone(),
                kind: "lib".into(),
                root: lib,
                member: true,
                proc_macro: false,
                build_script: None,
                edition: "2021".to_owned(),
                ext_local: Default::default(),
                deps: Default::default(),
                test_deps: Default::default(),
            });
        }
        let ws = Workspace {
            root: dir.clone(),
            target_dir: std::env::temp_dir().join("perscache-registry-bench"),
            crates,
            cargo_files: Vec::new(),
        };
        let cache = (args.get(4).map(String::as_str) == Some("warm"))
            .then(|| ws.target_dir.join("parse-cache.bin"));
        let a = analyze(
            &ws,
            &Options {
                cache,
                progress: None,
                ..Default::default()
            },
        )?;
        println!(
            "registry: {} crates, {} files, {} lines, {} re-parsed, {} items in {:?}",
            ws.crates.len(),
            a.files,
            a.lines,
            a.parsed,
            a.items,
            a.elapsed
        );
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
    let only_crate = std::env::var_os("PERSCACHE_TIMING_ONLY").map(PathBuf::from);
    let a = analyze(
        &ws,
        &Options {
            cache,
            progress: None,
            only_crate,
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
    if std::env::var_os("PERSCACHE_TIMING_HASHES").is_some() {
        // For comparing two versions of the analysis on one workspace.
        for f in &a.manifest.functions {
            println!("{} {} {}", f.code_hash, f.function, f.notes.len());
        }
    }
    Ok(())
}

fn walk_lines(dir: &std::path::Path) -> usize {
    let mut n = 0;
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            n += walk_lines(&p);
        } else if p.extension().is_some_and(|x| x == "rs") {
            n += std::fs::read_to_string(&p)
                .map(|t| t.lines().count())
                .unwrap_or(0);
        }
    }
    n
}
