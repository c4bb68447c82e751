//! `cargo xtask precision`: how precise the analysis is on real code.
//!
//! A marked function's hash may only depend on code its crate can reach in
//! Cargo's crate graph. This benchmark builds a workspace of real crates
//! (copied from the local cargo registry, linked by path: [`assemble`]),
//! marks functions in several of them ([`mark`]), then makes seeded random
//! edits that Cargo's graph proves cannot affect a marked function and
//! counts how many of those functions keep their hash ([`measure`]).
//! Nothing is compiled: the analysis is syntactic, and so are the edits.

mod assemble;
mod cargo_graph;
mod edit;
mod mark;
mod measure;
mod report;
mod rng;
mod source;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, Result};

pub use report::{block, splice};

/// The crates copied, as `name` or `name@MAJOR`, at the versions Cargo.lock
/// pins. Several chains of dependencies (proc-macro2 → quote → syn →
/// serde_derive, tokio-macros; memchr → aho-corasick → regex-automata →
/// regex; bytes → tokio → tokio-util; serde_core → serde → serde_json) so
/// that most crates are outside most others' cones.
const WORKSPACE: &[&str] = &[
    "tokio",
    "tokio-util",
    "tokio-macros",
    "bytes",
    "futures-core",
    "futures-sink",
    "pin-project-lite",
    "slab",
    "regex",
    "regex-automata",
    "regex-syntax",
    "aho-corasick",
    "memchr",
    "serde",
    "serde_core",
    "serde_derive",
    "serde_json",
    "itoa",
    "syn@2",
    "proc-macro2",
    "quote",
    "unicode-ident",
];

/// The crates whose functions are marked.
const MARKED: &[&str] = &[
    "tokio",
    "tokio-util",
    "regex-syntax",
    "regex",
    "serde_json",
    "syn",
    "memchr",
];

/// What `cargo xtask precision` was asked.
#[derive(Debug, Clone)]
pub struct Options {
    /// A smoke run: few marks and edits.
    pub quick: bool,
    pub seed: u64,
    /// Edits to make (default: 300, quick: 12).
    pub edits: Option<usize>,
    /// Where the section goes (spliced into the file); `None` to print only.
    pub out: Option<PathBuf>,
    /// Keep the generated workspace and print where it is.
    pub keep: bool,
    /// The Cargo.lock whose versions are copied.
    pub lock: PathBuf,
    /// How the run was asked for, for the report.
    pub command: String,
}

pub fn run(options: &Options) -> Result<()> {
    if cfg!(debug_assertions) {
        eprintln!(
            "warning: this is a debug build; its times mean nothing. \
             Use `cargo xtask precision` (the alias builds with --release)."
        );
    }
    let repository = options
        .lock
        .parent()
        .context("the Cargo.lock has no folder")?;
    let cargo_perscache = build_cargo_perscache(repository)?;
    // Nothing here needs the network: everything comes from the local
    // registry. Set before any thread starts; inherited by `cargo metadata`.
    std::env::set_var("CARGO_NET_OFFLINE", "true");
    let started = Instant::now();
    let started_at = crate::bench::utc_now();
    let scratch = tempfile::Builder::new()
        .prefix("perscache-precision-")
        .tempdir()
        .context("creating a scratch folder")?;
    let machine = crate::bench::machine::Machine::describe(scratch.path());
    let load_before = crate::bench::machine::load_average();
    let root = scratch.path().to_path_buf();
    let log = |s: &str| eprintln!("   {s}");

    eprintln!("== assembling the workspace in {}", root.display());
    let registries = assemble::registry_sources();
    let assembled = assemble::assemble(WORKSPACE, &options.lock, &registries, &root)?;
    for s in &assembled.skipped {
        eprintln!("   skipped {s}");
    }
    let graph = cargo_graph::CrateGraph::load(&root.join("Cargo.toml"))?;

    eprintln!("== marking functions");
    let mut rng = rng::Rng::new(options.seed);
    let per_shape = if options.quick { 1 } else { 2 };
    let mut chosen = Vec::new();
    let mut marked_crates = Vec::new();
    for name in MARKED {
        if !graph.packages.contains_key(*name) {
            continue;
        }
        let cands = mark::candidates(name, &graph.lib_files(name));
        let picked = mark::choose(&cands, &mut rng, per_shape);
        eprintln!(
            "   {name}: {} candidates, {} marked",
            cands.len(),
            picked.len()
        );
        marked_crates.push((*name).to_owned());
        chosen.extend(picked);
    }
    let marks = mark::apply(&chosen)?;

    eprintln!("== measuring");
    let plan = measure::Plan {
        edits: options
            .edits
            .unwrap_or(if options.quick { 12 } else { 300 }),
        seed: options.seed,
        cold_samples: if options.quick { 1 } else { 3 },
        warm_samples: if options.quick { 2 } else { 5 },
        lib_share: (3, 4),
        cargo_perscache: Some(cargo_perscache),
    };
    let max_controls = if options.quick { 4 } else { usize::MAX };
    let controls = |listed: &[bool]| measure::own_body_controls(&marks, listed, max_controls);
    let outcome = measure::run(&root, &graph, &marks, &plan, &controls, &log)?;

    let ctx = report::Context {
        command: options.command.clone(),
        started: started_at,
        elapsed: started.elapsed(),
        machine,
        load: (load_before, crate::bench::machine::load_average()),
        crates: assembled
            .crates
            .iter()
            .map(|(n, v)| format!("{n} {v}"))
            .collect(),
        marked_crates,
        dropped: assembled.dropped.clone(),
        skipped: assembled.skipped.clone(),
        seed: options.seed,
        quick: options.quick,
    };
    let section = report::markdown(&ctx, &outcome);
    println!("{section}");
    if let Some(out) = &options.out {
        let doc = std::fs::read_to_string(out).unwrap_or_default();
        std::fs::write(out, report::splice(&doc, &section))
            .with_context(|| format!("writing {}", out.display()))?;
        eprintln!("wrote {}", out.display());
    }
    if options.keep {
        let kept = scratch.keep();
        eprintln!("kept the workspace at {}", kept.display());
    }
    Ok(())
}

/// The `cargo perscache` binary the timings run, built as users install it
/// (release, with its own allocator): the analysis's speed is what that
/// command takes, not what it takes inside this process.
fn build_cargo_perscache(repository: &Path) -> Result<PathBuf> {
    eprintln!("== building cargo-perscache (release)");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(cargo)
        .current_dir(repository)
        .args(["build", "--release", "--quiet", "-p", "cargo-perscache"])
        .args(["--bin", "cargo-perscache"])
        .status()
        .context("running cargo build")?;
    anyhow::ensure!(status.success(), "building cargo-perscache failed");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| repository.join("target"), |t| repository.join(t));
    Ok(target
        .join("release")
        .join(format!("cargo-perscache{}", std::env::consts::EXE_SUFFIX)))
}
