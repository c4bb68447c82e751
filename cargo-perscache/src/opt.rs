//! Command-line options, following cargo's conventions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Cargo calls `cargo-perscache perscache <args>`.
#[derive(Debug, Parser)]
#[command(bin_name = "cargo", version, about)]
pub enum Cli {
    /// Code hashes, statistics and cleaning for perscache's `#[persist]` functions.
    Perscache(Opt),
}

/// `cargo perscache` and its global options.
#[derive(Debug, Args)]
#[command(version, about, long_about = None, display_name = "cargo-perscache")]
pub struct Opt {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Options every command takes.
    #[command(flatten)]
    pub global: Global,
}

/// Options every command takes.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Path to Cargo.toml.
    #[arg(long, global = true, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Only this package's functions (repeatable).
    #[arg(short = 'p', long = "package", global = true, value_name = "SPEC")]
    pub packages: Vec<String>,
    /// Every workspace member's functions (the default).
    #[arg(long, global = true)]
    pub workspace: bool,
    /// No output but errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// More output (`-vv`: still more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Coloring: auto, always, never.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto, value_name = "WHEN")]
    pub color: Color,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// When stderr is a terminal and `NO_COLOR` is unset.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Where the cache is, when not from `perscache.toml` / `PERSCACHE_*`.
#[derive(Debug, Clone, Args)]
pub struct StorageArgs {
    /// Storage URL (`file:///path`, `s3://bucket/prefix`, ...).
    #[arg(long, value_name = "URL", conflicts_with = "dir")]
    pub url: Option<String>,
    /// A local cache folder.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// The secret the entries are signed with (default: `PERSCACHE_SECRET`,
    /// which keeps it out of the process list).
    #[arg(long, value_name = "SECRET", hide_default_value = true)]
    pub secret: Option<String>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyse the workspace, write the manifest `#[persist]` reads, and run `cargo build`.
    Build(BuildArgs),
    /// Every marked function with its file, line and current code hash.
    List(ListArgs),
    /// What a function's code hash covers, and why each item is there.
    Explain(ExplainArgs),
    /// Why a function's stored results are no longer served: what changed since.
    Why(WhyArgs),
    /// Hits, misses, hit ratio, entries, bytes and time saved per function.
    Stats(StatsArgs),
    /// Remove stored entries.
    Clear(ClearArgs),
}

/// `build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Write the manifest but do not run `cargo build`.
    #[arg(long)]
    pub no_build: bool,
    /// `cargo build`'s own flags, passed on: `--release`, `--profile`,
    /// `--features`, `--all-features`, `--no-default-features`, `--target`,
    /// `--bin`, ... (and anything after `--`).
    #[arg(
        trailing_var_arg = true,
        allow_hyphen_values = true,
        value_name = "CARGO_BUILD_ARGS"
    )]
    pub cargo_args: Vec<String>,
}

/// `explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The function: its full path (`app::reports::daily`), or the end of it
    /// (`reports::daily`, `daily`) when that names one function.
    #[arg(value_name = "FUNCTION")]
    pub function: String,
    /// JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `why`.
#[derive(Debug, Args)]
pub struct WhyArgs {
    /// The function: its full path, or the end of it when that names one.
    #[arg(value_name = "FUNCTION")]
    pub function: String,
    /// JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Where the cache is.
    #[command(flatten)]
    pub storage: StorageArgs,
}

/// `list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// A JSON array of `{function, code_hash, file, line, ...}`.
    #[arg(long)]
    pub json: bool,
}

/// `stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// A JSON array instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Where the cache is.
    #[command(flatten)]
    pub storage: StorageArgs,
}

/// `clear`.
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("what").required(true).multiple(true))]
pub struct ClearArgs {
    /// Entries whose code hash is no longer current (the CI step).
    #[arg(long, group = "what")]
    pub stale: bool,
    /// Every entry of the selected packages' functions.
    #[arg(long, group = "what")]
    pub all: bool,
    /// Entries of one function (full path, such as `app::reports::daily`; repeatable).
    #[arg(long = "function", value_name = "NAME", group = "what")]
    pub functions: Vec<String>,
    /// Entries written longer ago than this (`7d`, `12h`).
    #[arg(long, value_name = "DURATION", value_parser = humantime::parse_duration, group = "what")]
    pub older_than: Option<std::time::Duration>,
    /// Say what would be removed, remove nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Where the cache is.
    #[command(flatten)]
    pub storage: StorageArgs,
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::{Cli, Command};

    fn build_args(args: &[&str]) -> (bool, Vec<String>) {
        let mut all = vec!["cargo", "perscache", "build"];
        all.extend(args);
        let Cli::Perscache(opt) = Cli::parse_from(all);
        match opt.command {
            Command::Build(b) => (b.no_build, b.cargo_args),
            other => panic!("not build: {other:?}"),
        }
    }

    #[test]
    fn build_takes_cargos_flags_directly() {
        let (no_build, args) = build_args(&[
            "--release",
            "--features",
            "alt,beta",
            "--target",
            "x86_64-unknown-linux-gnu",
        ]);
        assert!(!no_build);
        assert_eq!(
            args,
            [
                "--release",
                "--features",
                "alt,beta",
                "--target",
                "x86_64-unknown-linux-gnu"
            ]
        );
        let (_, args) = build_args(&[
            "--profile=bench",
            "--all-features",
            "--no-default-features",
            "--bin",
            "x",
        ]);
        assert_eq!(
            args,
            [
                "--profile=bench",
                "--all-features",
                "--no-default-features",
                "--bin",
                "x"
            ]
        );
        let (no_build, args) = build_args(&["--no-build", "--release"]);
        assert!(no_build);
        assert_eq!(args, ["--release"]);
        let (_, args) = build_args(&["--", "--release"]);
        assert_eq!(args, ["--release"]);
    }
}
