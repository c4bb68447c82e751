//! `cargo perscache`: the command around perscache's code-hash analysis.
//!
//! - `build [cargo build flags]`: analyse, write the manifest, build;
//! - `list [--json]`: each marked function, its file and line, its code hash;
//! - `explain FUNCTION [--json]`: what a function's hash covers, and why;
//! - `why FUNCTION [--json]`: what changed since its stored results were written;
//! - `stats [--json]`: hits, misses, hit ratio, entries, bytes, time saved;
//! - `clear --stale | --all | --function NAME | --older-than 7d [--dry-run]`.
//!
//! `main` only parses the command line and calls [`run`].

mod build;
mod clear;
mod context;
mod explain;
mod list;
mod opt;
mod shell;
mod stats;
mod why;

pub use context::Context;
pub use opt::{
    BuildArgs, ClearArgs, Cli, Color, Command, ExplainArgs, Global, ListArgs, Opt, StatsArgs,
    StorageArgs, WhyArgs,
};
pub use shell::Shell;

/// Runs a command; returns the process exit code.
pub fn run(opt: Opt) -> anyhow::Result<i32> {
    let shell = Shell::new(&opt.global);
    match opt.command {
        Command::Build(args) => build::run(&shell, &opt.global, &args),
        Command::List(args) => list::run(&shell, &opt.global, &args).map(|()| 0),
        Command::Explain(args) => explain::run(&shell, &opt.global, &args).map(|()| 0),
        Command::Why(args) => why::run(&shell, &opt.global, &args).map(|()| 0),
        Command::Stats(args) => stats::run(&shell, &opt.global, &args).map(|()| 0),
        Command::Clear(args) => clear::run(&shell, &opt.global, &args).map(|()| 0),
    }
}

/// Prints an error the way cargo does: `error: ...`, then its causes.
pub fn report_error(e: &anyhow::Error) {
    let shell = Shell::plain();
    shell.error(&format!("{e}"));
    for cause in e.chain().skip(1) {
        eprintln!("\nCaused by:\n  {cause}");
    }
}
