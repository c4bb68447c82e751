//! End to end with the real macro: a workspace using `#[persist]`, built
//! with plain `cargo build` (the macro's fallback) and with
//! `cargo perscache build` (the manifest), checking which code-hash folder
//! each run's entries land in, and that an edited callee is never served stale.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn target_dir() -> PathBuf {
    // Shared between runs of this test so the library is built once.
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("never-stale-target")
}

fn cargo(ws: &Path, args: &[&str], cache: &Path) -> Output {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(args)
        .arg("--manifest-path")
        .arg(ws.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir())
        .env("PERSCACHE_DIR", cache)
        .env_remove("PERSCACHE_MANIFEST")
        .output()
        .expect("run cargo");
    assert!(
        out.status.success(),
        "cargo {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn perscache_build(ws: &Path, cache: &Path) {
    let out = Command::cargo_bin("cargo-perscache")
        .expect("binary")
        .args(["perscache", "build", "-q", "--manifest-path"])
        .arg(ws.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir())
        .env("PERSCACHE_DIR", cache)
        .env_remove("PERSCACHE_MANIFEST")
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn manifest_hash() -> String {
    let path = target_dir().join("perscache/manifest.json");
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).expect("manifest")).expect("json");
    m["functions"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["function"] == "demo::answer"))
        .and_then(|f| f["code_hash"].as_str())
        .map(|h| h[..16].to_owned())
        .expect("demo::answer in the manifest")
}

/// Runs the program; returns its output and the hash folders now in the cache.
fn run(ws: &Path, cache: &Path) -> (String, Vec<String>) {
    let out = cargo(ws, &["run", "-q"], cache);
    let mut folders: Vec<String> = std::fs::read_dir(cache.join("demo.answer"))
        .map(|d| {
            d.flatten()
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    folders.sort();
    (
        String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        folders,
    )
}

/// `cargo perscache build`, then a run, until the run uses the manifest's
/// hash. `perscache` itself is a path dependency of the demo, so its sources
/// are in the manifest: when someone edits them between the two steps (this
/// repository is shared while it is developed), the macro rightly finds the
/// manifest out of date and falls back. Returns the hash and the run.
fn build_then_run(ws: &Path, cache: &Path) -> (String, String, Vec<String>) {
    for _ in 0..5 {
        perscache_build(ws, cache);
        let h = manifest_hash();
        let (out, folders) = run(ws, cache);
        if folders.contains(&h) {
            return (h, out, folders);
        }
    }
    panic!("the manifest's hash was never used");
}

fn write(path: &Path, text: &str) {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d).expect("dir");
    }
    std::fs::write(path, text).expect("write");
}

#[test]
fn plain_builds_fall_back_and_perscache_build_uses_the_manifest() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let ws = tmp.path().join("ws");
    let cache = tmp.path().join("cache");
    std::fs::create_dir_all(&cache).expect("cache dir");
    write(
        &ws.join("Cargo.toml"),
        "[workspace]\nmembers = [\"demo\"]\nresolver = \"2\"\n",
    );
    write(
        &ws.join("demo/Cargo.toml"),
        &format!(
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nperscache = {{ path = {:?} }}\n",
            repo().display().to_string()
        ),
    );
    write(
        &ws.join("demo/src/main.rs"),
        "mod helpers;\n\n#[perscache::persist]\nfn answer(x: u32) -> u32 {\n    helpers::helper(x)\n}\n\nfn main() {\n    println!(\"{}\", answer(2));\n}\n",
    );
    let helpers = ws.join("demo/src/helpers.rs");
    write(&helpers, "pub fn helper(x: u32) -> u32 {\n    x + 1\n}\n");
    // The manifest of an earlier run of this test must not be taken for this one's.
    let _ = std::fs::remove_file(target_dir().join("perscache/manifest.json"));

    // Plain cargo: the fallback hash.
    let (out, folders) = run(&ws, &cache);
    assert_eq!(out, "3");
    assert_eq!(folders.len(), 1);
    let fallback = folders[0].clone();

    // cargo perscache build: the manifest's hash.
    let (h1, out, _) = build_then_run(&ws, &cache);
    assert_ne!(h1, fallback);
    assert_eq!(out, "3");

    // Edit the callee, plain cargo again: never the old result.
    let before = run(&ws, &cache).1;
    write(&helpers, "pub fn helper(x: u32) -> u32 {\n    x + 2\n}\n");
    let (out, folders) = run(&ws, &cache);
    assert_eq!(out, "4", "stale result after editing a callee");
    assert!(
        folders.iter().any(|f| !before.contains(f)),
        "a new code-hash folder: {folders:?}"
    );

    // cargo perscache build again: a new manifest hash, and the right result.
    let (h2, out, _) = build_then_run(&ws, &cache);
    assert_ne!(h1, h2);
    assert_eq!(out, "4");

    // A comment: same hash, entries still served.
    write(
        &helpers,
        "// Adds two.\npub fn helper(x: u32) -> u32 {\n    x + 2\n}\n",
    );
    let (h3, out, _) = build_then_run(&ws, &cache);
    assert_eq!(h3, h2);
    assert_eq!(out, "4");
}
