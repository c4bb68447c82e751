//! `cargo perscache build`: analyse, write the manifest, run `cargo build`.

use anyhow::{Context as _, Result};

use crate::context::Context;
use crate::opt::{BuildArgs, Color, Global};
use crate::shell::Shell;

pub(crate) fn run(shell: &Shell, g: &Global, args: &BuildArgs) -> Result<i32> {
    let ctx = Context::load(g)?;
    let analysis = ctx.analyze(shell)?;
    let path = ctx.manifest_path();
    let changed = analysis.manifest.write(&path)?;
    // What `cargo perscache why` compares a later code hash with.
    for i in 0..analysis.manifest.functions.len() {
        analysis.write_code_record(&ctx.workspace.target_dir, i);
    }
    shell.status(
        if changed { "Wrote" } else { "Unchanged" },
        &format!(
            "{} ({} functions)",
            path.display(),
            analysis.manifest.functions.len()
        ),
    );
    if args.no_build {
        return Ok(0);
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = std::process::Command::new(cargo);
    cmd.arg("build");
    if let Some(p) = &g.manifest_path {
        cmd.arg("--manifest-path").arg(p);
    }
    for p in &g.packages {
        cmd.arg("-p").arg(p);
    }
    if g.workspace {
        cmd.arg("--workspace");
    }
    if g.quiet {
        cmd.arg("-q");
    }
    for _ in 0..g.verbose {
        cmd.arg("-v");
    }
    match g.color {
        Color::Auto => {}
        Color::Always => {
            cmd.arg("--color=always");
        }
        Color::Never => {
            cmd.arg("--color=never");
        }
    }
    cmd.args(&args.cargo_args);
    let status = cmd.status().context("running cargo build")?;
    Ok(status.code().unwrap_or(1))
}
