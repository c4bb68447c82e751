//! Repository tasks: `cargo xtask bench [--quick] [--cpu-time] [--filter NAME] [--out FILE | --no-write]`.

mod bench;

use std::path::PathBuf;

use anyhow::{bail, Context, Result};

const USAGE: &str =
    "usage: cargo xtask bench [--quick] [--cpu-time] [--filter NAME] [--out FILE | --no-write]

  bench        perscache beside the `cached` crate's store and the floors; prints a
               table and writes BENCHMARKS.md at the repository root
  --quick      smaller values and fewer samples (under two minutes)
  --cpu-time   time with the measuring thread's CPU time, not wall time (for a
               machine shared with other work; the report says which)
  --filter     only the sections whose name contains NAME
               (small, large, hashing, writes, threads, analysis)
  --out FILE   write the report to FILE instead of BENCHMARKS.md
  --no-write   print the report only";

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("bench") => {}
        // For profilers: one small case in a loop (warm, storage, cold, floor, peer, miss).
        Some("profile") => {
            let case = args.next().context("profile needs a case")?;
            let n = args.next().map_or(Ok(100_000), |n| n.parse())?;
            return bench::profile(&case, n);
        }
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
            return Ok(());
        }
        Some(other) => bail!("unknown task `{other}`\n\n{USAGE}"),
    }
    let mut options = bench::Options {
        quick: false,
        filter: None,
        out: Some(repository_root()?.join("BENCHMARKS.md")),
        cpu_time: false,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => options.quick = true,
            "--cpu-time" => options.cpu_time = true,
            "--filter" => options.filter = Some(args.next().context("--filter needs a name")?),
            "--out" => options.out = Some(args.next().context("--out needs a file")?.into()),
            "--no-write" => options.out = None,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => bail!("unknown option `{other}`\n\n{USAGE}"),
        }
    }
    bench::run(&options)
}

/// The workspace root: xtask's own folder's parent.
fn repository_root() -> Result<PathBuf> {
    let xtask = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    xtask
        .parent()
        .map(PathBuf::from)
        .context("xtask has no parent folder")
}
