//! `cargo xtask bench`: perscache beside its peers and its floors, in one
//! process, written to `BENCHMARKS.md`.
//!
//! Each case measures perscache through `#[persist]`, the way users call it,
//! next to what it is compared with, sample by sample (see [`harness`]):
//!
//! - the peer: the `cached` crate's persistent store (`RedbCache`, its
//!   `redb_store` feature), called directly through its store API, which is
//!   the least its `#[io_cached]` functions can cost;
//! - the floor: the same bytes read from a file and decoded with the same
//!   format, with no cache logic; for key hashing, BLAKE3 over the raw bytes.

mod analysis;
mod build;
mod encode;
mod harness;
mod hashing;
mod large;
pub(crate) mod machine;
mod report;
mod small;
mod writes;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};

use harness::Plan;
use machine::Machine;
use report::{Report, Section};

/// What `cargo xtask bench` was asked.
#[derive(Debug, Clone)]
pub struct Options {
    /// Smaller values, fewer samples: under two minutes on a 2-core machine.
    pub quick: bool,
    /// Only the sections whose title contains this (case-insensitive).
    pub filter: Option<String>,
    /// Where the report goes; `None` to print it only.
    pub out: Option<PathBuf>,
    /// Time with the measuring thread's CPU time instead of wall time.
    pub cpu_time: bool,
}

/// Sizes and sampling of one run.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub quick: bool,
    /// Sampling of cases that take microseconds.
    pub plan: Plan,
    /// Sampling of cases that take tens of milliseconds or more.
    pub long_plan: Plan,
    /// Sampling of cases that take a second or so (an analysis, a build):
    /// one run per sample, few samples.
    pub slow_plan: Plan,
    /// Size of the large values and of the large argument, in bytes.
    pub large_bytes: usize,
    /// Entry counts of the two `max_size` write cases.
    pub bounded_entries: [u64; 2],
}

impl Scale {
    fn new(quick: bool) -> Scale {
        if quick {
            Scale {
                quick,
                plan: Plan {
                    samples: 15,
                    sample_time: Duration::from_millis(8),
                    warmup: Duration::from_millis(40),
                },
                long_plan: Plan {
                    samples: 5,
                    sample_time: Duration::from_millis(1),
                    warmup: Duration::from_millis(1),
                },
                slow_plan: Plan {
                    samples: 3,
                    sample_time: Duration::from_millis(1),
                    warmup: Duration::from_millis(1),
                },
                large_bytes: 10_000_000,
                bounded_entries: [100, 100_000],
            }
        } else {
            Scale {
                quick,
                plan: Plan {
                    samples: 31,
                    sample_time: Duration::from_millis(40),
                    warmup: Duration::from_millis(300),
                },
                long_plan: Plan {
                    samples: 11,
                    sample_time: Duration::from_millis(1),
                    warmup: Duration::from_millis(1),
                },
                slow_plan: Plan {
                    samples: 7,
                    sample_time: Duration::from_millis(1),
                    warmup: Duration::from_millis(1),
                },
                large_bytes: 100_000_000,
                bounded_entries: [100, 100_000],
            }
        }
    }
}

/// Runs the benchmarks, prints the table and writes the report.
pub fn run(options: &Options) -> Result<()> {
    if cfg!(debug_assertions) {
        eprintln!(
            "warning: this is a debug build; its figures mean nothing. \
             Use `cargo xtask bench` (the alias builds with --release)."
        );
    }
    let scale = Scale::new(options.quick);
    harness::use_cpu_time(options.cpu_time);
    let scratch = tempfile::Builder::new()
        .prefix("perscache-bench-")
        .tempdir()
        .context("creating a scratch folder")?;
    let machine = Machine::describe(scratch.path());
    let load_before = machine::load_average();
    let started = Instant::now();
    let started_at = utc_now();

    type Runner = fn(&Scale, &Path) -> Result<Section>;
    let runners: [(&str, Runner); 8] = [
        ("small", small::run),
        ("large", large::run),
        ("hashing", hashing::run),
        ("writes", writes::run),
        ("encode", encode::run),
        ("threads", small::run_threads),
        ("analysis", analysis::run),
        ("build", build::run),
    ];
    let mut sections = Vec::new();
    for (name, runner) in runners {
        if let Some(filter) = &options.filter {
            if !name.contains(&filter.to_lowercase()) {
                continue;
            }
        }
        let dir = scratch.path().join(name);
        std::fs::create_dir_all(&dir)?;
        eprintln!("== {name} (load {})", machine::load_average());
        let t = Instant::now();
        let section = runner(&scale, &dir).with_context(|| format!("benchmark `{name}`"))?;
        eprintln!("   {name}: {:.1} s", t.elapsed().as_secs_f64());
        // Statistics of the functions measured go to their storage now, not
        // at exit into folders removed by then (which would make them again).
        perscache::flush_stats();
        // Each case cleans up after itself so the next starts from the same
        // page cache and disk.
        let _ = std::fs::remove_dir_all(&dir);
        sections.push(section);
    }

    let report = Report {
        quick: options.quick,
        cpu_time: options.cpu_time,
        machine,
        started: started_at,
        load_before,
        load_after: machine::load_average(),
        elapsed: started.elapsed(),
        sections,
    };
    let text = report.markdown();
    println!("{text}");
    if let Some(out) = &options.out {
        // The precision section is `cargo xtask precision`'s: kept as it is.
        let old = std::fs::read_to_string(out).unwrap_or_default();
        let text = match crate::precision::block(&old) {
            Some(block) => crate::precision::splice(&text, block),
            None => text,
        };
        std::fs::write(out, &text).with_context(|| format!("writing {}", out.display()))?;
        eprintln!("wrote {}", out.display());
    }
    Ok(())
}

/// `cargo xtask profile CASE N`: one small case in a loop, for a profiler.
pub fn profile(case: &str, n: u64) -> Result<()> {
    if case.starts_with("large") {
        large::profile(case, n)
    } else if case.starts_with("hash") {
        hashing::profile(case, n)
    } else {
        small::profile(case, n)
    }
}

/// Now, as `YYYY-MM-DD HH:MM UTC` (no date crate for one line).
pub(crate) fn utc_now() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    let (h, m) = ((secs % 86_400) / 3600, (secs % 3600) / 60);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let mo = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(mo <= 2);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{m:02} UTC")
}

#[cfg(test)]
mod tests {
    #[test]
    fn utc_now_is_formatted() {
        let now = super::utc_now();
        assert_eq!(now.len(), "2026-01-01 00:00 UTC".len(), "{now}");
        assert!(now.ends_with(" UTC"));
    }
}
