//! What `#[persist]` adds to a build: `cargo build` (the dev profile, as in
//! an edit-and-run loop) of a crate whose functions are marked, against the
//! same crate with the attributes left out, after an edit of the crate root.
//!
//! The crates sit in a workspace generated here that depends on this
//! repository's `perscache` by path. Its target folder is kept under the
//! repository's `target/` so that perscache and its dependencies are compiled
//! once, on the first run, not measured.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use super::harness::{compare, Routine};
use super::report::{Kind, Row, Section, Target};
use super::Scale;

/// What the issue allows the macro: per crate, and per marked function.
const PER_CRATE: Duration = Duration::from_millis(50);
const PER_FUNCTION: Duration = Duration::from_millis(5);

/// The crates generated: name, functions, marked.
const CRATES: &[(&str, usize, bool)] = &[
    ("plain1", 1, false),
    ("marked1", 1, true),
    ("plain200", 200, false),
    ("marked200", 200, true),
];

/// What the README asks of users' `Cargo.toml`: the macro's analysis (and
/// every proc macro) compiled with optimizations in the dev profile.
const BUILD_OVERRIDE: &str = "[profile.dev.build-override]\nopt-level = 3\n";

/// Functions per module file.
const PER_MODULE: usize = 10;

pub fn run(scale: &Scale, dir: &Path) -> Result<Section> {
    let ws = dir.join("ws");
    generate(&ws)?;
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/xtask-build-bench");
    eprintln!("   compiling perscache for the generated crates (once per checkout)");
    cargo_build(&ws, &target, None)?;

    let edits = std::cell::Cell::new(0u64);
    // An edit of the crate root, then the build: what an edit-and-run costs.
    let build = |krate: &'static str, cold: bool| -> Routine<'_> {
        let (ws, target, edits) = (&ws, &target, &edits);
        Box::new(move |iters| {
            let mut took = Duration::ZERO;
            for _ in 0..iters {
                edits.set(edits.get() + 1);
                if let Err(e) = touch(&ws.join(krate).join("src/lib.rs"), edits.get()) {
                    eprintln!("   {e:#}");
                }
                if cold {
                    // What the macro keeps between compilations: the
                    // workspace model and the parse cache.
                    let _ = std::fs::remove_dir_all(target.join("perscache"));
                }
                let t = Instant::now();
                if let Err(e) = cargo_build(ws, target, Some(krate)) {
                    eprintln!("   {e:#}");
                }
                took += t.elapsed();
            }
            took
        })
    };
    let m = compare(
        &scale.slow_plan,
        &mut [
            build("plain1", false),
            build("marked1", false),
            build("marked1", true),
            build("plain200", false),
            build("marked200", false),
            build("marked200", true),
        ],
    );
    let budget = PER_CRATE + PER_FUNCTION * 200;
    let adds = |limit: Duration| Target::AddsAtMost(limit);
    let rows = vec![
        Row::new(
            "1 marked function, analysis cache warm",
            Kind::Time,
            m[1].clone(),
        )
        .versus("the same crate unmarked", m[0].clone())
        .target(adds(PER_CRATE)),
        Row::new(
            "1 marked function, no analysis cache",
            Kind::Time,
            m[2].clone(),
        )
        .versus("the same crate unmarked", m[0].clone())
        .target(adds(PER_CRATE)),
        Row::new(
            "200 marked functions, analysis cache warm",
            Kind::Time,
            m[4].clone(),
        )
        .versus("the same crate unmarked", m[3].clone())
        .target(adds(budget)),
        Row::new(
            "200 marked functions, no analysis cache",
            Kind::Time,
            m[5].clone(),
        )
        .versus("the same crate unmarked", m[3].clone())
        .target(adds(budget)),
    ];
    Ok(Section {
        title: "Build time".into(),
        rows,
        notes: vec![
            format!(
                "Wall time of `cargo build -p CRATE` (dev profile) after an edit of the crate's \
                 root, in a generated workspace of four crates: one function, or 200 in modules \
                 of {PER_MODULE}, each calling a helper of its own and formatting a `String`; \
                 the marked crates carry `#[perscache::persist]` on every function, the others \
                 are the same code without it. Target: the macro adds at most {} ms per crate \
                 and {} ms per marked function ({} ms for 200), so the *adds* target compares \
                 the difference of the two figures, not their ratio.",
                PER_CRATE.as_millis(),
                PER_FUNCTION.as_millis(),
                budget.as_millis(),
            ),
            "Analysis cache warm: the macro's workspace model and parse cache \
             (`target/perscache/`) were written by the previous build, as in an edit loop; \
             the edited file is parsed again. No analysis cache: that folder is removed \
             before the build, as on a first build after `cargo clean` or a fresh clone: \
             the macro runs `cargo metadata` and parses the workspace."
                .into(),
        ],
    })
}

/// Writes the workspace: a crate per entry of [`CRATES`].
fn generate(ws: &Path) -> Result<()> {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let repo = repo.canonicalize().context("the repository's folder")?;
    let members: Vec<String> = CRATES.iter().map(|(n, ..)| format!("\"{n}\"")).collect();
    write(
        &ws.join("Cargo.toml"),
        &format!(
            "[workspace]\nmembers = [{}]\nresolver = \"2\"\n\n{BUILD_OVERRIDE}",
            members.join(", ")
        ),
    )?;
    // The repository's versions, so nothing is resolved (or downloaded) anew.
    std::fs::copy(repo.join("Cargo.lock"), ws.join("Cargo.lock")).context("Cargo.lock")?;
    for &(name, functions, marked) in CRATES {
        let root = ws.join(name);
        write(
            &root.join("Cargo.toml"),
            &format!(
                "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
                 publish = false\n\n[dependencies]\nperscache = {{ path = \"{}\" }}\n",
                repo.display()
            ),
        )?;
        let attribute = if marked {
            "#[perscache::persist]\n"
        } else {
            ""
        };
        let function = |i: usize| {
            format!(
                "fn helper_{i}(x: u64) -> u64 {{\n    x.wrapping_mul({i}).rotate_left(7) ^ {i}\n}}\n\n\
                 {attribute}pub fn report_{i}(x: u64, label: &str) -> String {{\n    \
                 format!(\"{{label}}: {{}}\", helper_{i}(x))\n}}\n\n"
            )
        };
        let mut lib = String::from("//! Generated by `cargo xtask bench`.\n\n");
        if functions == 1 {
            lib.push_str(&function(0));
        } else {
            for module in 0..functions.div_ceil(PER_MODULE) {
                lib.push_str(&format!("pub mod m{module};\n"));
                let body: String = (module * PER_MODULE
                    ..((module + 1) * PER_MODULE).min(functions))
                    .map(function)
                    .collect();
                write(&root.join(format!("src/m{module}.rs")), &body)?;
            }
        }
        write(&root.join("src/lib.rs"), &lib)?;
    }
    Ok(())
}

/// An edit of the crate root that changes no function: a comment.
fn touch(lib: &Path, n: u64) -> Result<()> {
    let text =
        std::fs::read_to_string(lib).with_context(|| format!("reading {}", lib.display()))?;
    let kept = text.split("// edit ").next().unwrap_or(&text);
    write(lib, &format!("{kept}// edit {n}\n"))
}

fn write(path: &Path, text: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// `cargo build` of the workspace, or of one package.
fn cargo_build(ws: &Path, target: &Path, package: Option<&str>) -> Result<()> {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.arg("build")
        .arg("--quiet")
        .arg("--manifest-path")
        .arg(ws.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_NET_OFFLINE", "true")
        // The bench's own build settings must not leak into the measured one.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    if let Some(p) = package {
        cmd.arg("-p").arg(p);
    }
    let out = cmd.output().context("running cargo build")?;
    if !out.status.success() {
        bail!(
            "cargo build in {} failed:\n{}",
            ws.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(())
}
