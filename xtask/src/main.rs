//! Repository tasks: `cargo xtask bench [--quick] [--cpu-time] [--filter NAME] [--out FILE | --no-write]`
//! and `cargo xtask precision [--quick] [--seed N] [--edits N] [--keep] [--out FILE | --no-write]`.

mod bench;
mod precision;

use std::path::PathBuf;

use anyhow::{bail, Context, Result};

const USAGE: &str =
    "usage: cargo xtask bench [--quick] [--cpu-time] [--filter NAME] [--out FILE | --no-write]
       cargo xtask precision [--quick] [--seed N] [--edits N] [--keep] [--out FILE | --no-write]

  bench        perscache beside the `cached` crate's store and the floors; prints a
               table and writes BENCHMARKS.md at the repository root
  --quick      smaller values and fewer samples (under two minutes)
  --cpu-time   time with the measuring thread's CPU time, not wall time (for a
               machine shared with other work; the report says which)
  --filter     only the sections whose name contains NAME
               (small, large, hashing, writes, threads, analysis)
  --out FILE   write the report to FILE instead of BENCHMARKS.md
  --no-write   print the report only

  precision    the analysis on real crates from the local cargo registry: the
               share of marked functions' hashes kept over edits that Cargo's
               crate graph proves cannot affect them, unlisted marked
               functions, cold and warm analysis times; writes its section
               of BENCHMARKS.md (run `cargo fetch` first)
  --quick      few marks and edits (a smoke run)
  --seed N     the seed of the marks and edits (default 1)
  --edits N    how many edits (default 300, quick 12)
  --keep       keep the generated workspace and print where it is";

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("bench") => {}
        Some("precision") => return precision(args),
        // For profilers: one small case in a loop (warm, storage, cold, floor, peer, miss,
        // packed-cold, packed-storage, packed-read, packed-miss).
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

fn precision(args: impl Iterator<Item = String>) -> Result<()> {
    let args: Vec<String> = args.collect();
    let root = repository_root()?;
    let mut options = precision::Options {
        quick: false,
        seed: 1,
        edits: None,
        out: Some(root.join("BENCHMARKS.md")),
        keep: false,
        lock: root.join("Cargo.lock"),
        command: String::new(),
    };
    // The command as the report quotes it: what changes the figures.
    let mut command = vec!["cargo xtask precision".to_owned()];
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => options.quick = true,
            "--keep" => options.keep = true,
            "--seed" | "--edits" => {
                let n = it.next().with_context(|| format!("{arg} needs a number"))?;
                let v: u64 = n.parse().with_context(|| format!("{arg} {n}"))?;
                if arg == "--seed" {
                    options.seed = v;
                } else {
                    options.edits = Some(usize::try_from(v)?);
                }
                command.push(format!("{arg} {n}"));
                continue;
            }
            "--out" => options.out = Some(it.next().context("--out needs a file")?.into()),
            "--no-write" => options.out = None,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => bail!("unknown option `{other}`\n\n{USAGE}"),
        }
        if arg == "--quick" {
            command.push(arg.clone());
        }
    }
    options.command = command.join(" ");
    precision::run(&options)
}

/// The workspace root: xtask's own folder's parent.
fn repository_root() -> Result<PathBuf> {
    let xtask = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    xtask
        .parent()
        .map(PathBuf::from)
        .context("xtask has no parent folder")
}
