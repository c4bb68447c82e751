//! `cargo perscache stats`: per function, hits, misses, hit ratio, entries,
//! bytes on storage and compute time saved.

use std::collections::BTreeMap;

use anyhow::{Context as _, Result};
use perscache_runtime::function_dir;
use serde::Serialize;

use crate::context::{inventory, open_storage, Context};
use crate::opt::{Global, StatsArgs};
use crate::shell::Shell;

#[derive(Serialize, Default)]
struct Row {
    function: String,
    hits: u64,
    misses: u64,
    hit_ratio: f64,
    entries: u64,
    bytes: u64,
    compute_secs: f64,
    saved_secs: f64,
}

pub(crate) fn run(shell: &Shell, g: &Global, args: &StatsArgs) -> Result<()> {
    let ctx = Context::load(g)?;
    let (url, storage) = open_storage(&args.storage)?;
    shell.verbose_status("Reading", &url);
    let stats = pollster::block_on(perscache_runtime::read_stats(&*storage))
        .context("reading statistics")?;
    let found = inventory(&*storage)?;
    // By function folder: the statistics and the entries' records name the
    // function in full; a folder neither names is not attributed to anyone.
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    for s in stats {
        if !ctx.selected(&s.function) {
            continue;
        }
        let row = rows.entry(function_dir(&s.function)).or_default();
        row.function = s.function.clone();
        row.hits = s.hits;
        row.misses = s.misses;
        row.hit_ratio = s.hit_ratio();
        row.compute_secs = s.compute_nanos as f64 / 1e9;
        row.saved_secs = s.saved_nanos as f64 / 1e9;
    }
    for (dir, function) in &found.functions {
        let name = match rows.get(dir) {
            Some(row) => row.function.clone(),
            None => match function.function() {
                Some(name) if ctx.selected(name) => name.to_owned(),
                _ => continue,
            },
        };
        let row = rows.entry(dir.clone()).or_default();
        row.function = name;
        row.entries = function.entries().count() as u64;
        row.bytes = function.entries().map(|e| e.size).sum();
    }
    let rows: Vec<Row> = rows.into_values().collect();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
        return Ok(());
    }
    let width = rows
        .iter()
        .map(|r| r.function.len())
        .max()
        .unwrap_or(8)
        .max(8);
    println!(
        "{:<width$}  {:>8}  {:>8}  {:>6}  {:>8}  {:>10}  {:>10}",
        "FUNCTION", "HITS", "MISSES", "RATIO", "ENTRIES", "BYTES", "SAVED"
    );
    for r in &rows {
        println!(
            "{:<width$}  {:>8}  {:>8}  {:>5.1}%  {:>8}  {:>10}  {:>10}",
            r.function,
            r.hits,
            r.misses,
            r.hit_ratio * 100.0,
            r.entries,
            human_bytes(r.bytes),
            human_secs(r.saved_secs)
        );
    }
    if rows.is_empty() {
        shell.status(
            "Empty",
            "no statistics or entries for this workspace's functions",
        );
    }
    Ok(())
}

pub(crate) fn human_bytes(b: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = b as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{b} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

fn human_secs(s: f64) -> String {
    if s < 60.0 {
        format!("{s:.1}s")
    } else if s < 3600.0 {
        format!("{:.1}m", s / 60.0)
    } else {
        format!("{:.1}h", s / 3600.0)
    }
}
