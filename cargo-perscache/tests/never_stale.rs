//! End to end with the real macro: a workspace using `#[persist]`, built with
//! plain `cargo run` and with `cargo perscache build`: the macro computes the
//! function's transitive hash itself, so an edited callee is never served
//! stale, and edits the function cannot reach keep its entries.

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

/// The code hash `cargo perscache list` reports for `demo::answer` (first 16
/// hex digits: the name of its entries' folder).
fn listed_hash(ws: &Path) -> String {
    let out = Command::cargo_bin("cargo-perscache")
        .expect("binary")
        .args(["perscache", "list", "--json", "-q", "--manifest-path"])
        .arg(ws.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("json");
    rows.iter()
        .find(|f| f["function"] == "demo::answer")
        .and_then(|f| f["code_hash"].as_str())
        .map(|h| h[..16].to_owned())
        .expect("demo::answer listed")
}

/// Runs the program; returns its output, whether the body ran, and the
/// hash folders now in the cache.
fn run(ws: &Path, cache: &Path) -> (String, bool, Vec<String>) {
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
        String::from_utf8_lossy(&out.stderr).contains("computing"),
        folders,
    )
}

fn write(path: &Path, text: &str) {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d).expect("dir");
    }
    std::fs::write(path, text).expect("write");
}

#[test]
fn plain_cargo_run_is_precise_and_never_stale() {
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
        "mod helpers;\nmod other;\n\n#[perscache::persist]\nfn answer(x: u32) -> u32 {\n    eprintln!(\"computing\");\n    helpers::helper(x)\n}\n\nfn main() {\n    println!(\"{} {}\", answer(2), other::unrelated());\n}\n",
    );
    let helpers = ws.join("demo/src/helpers.rs");
    let other = ws.join("demo/src/other.rs");
    write(&helpers, "pub fn helper(x: u32) -> u32 {\n    x + 1\n}\n");
    write(&other, "pub fn unrelated() -> u32 {\n    7\n}\n");

    // Plain cargo: the analysis's hash, the one `list` reports.
    let (out, computed, folders) = run(&ws, &cache);
    assert_eq!(out, "3 7");
    assert!(computed);
    let h1 = listed_hash(&ws);
    assert_eq!(
        folders,
        vec![h1.clone()],
        "plain cargo run uses the analysed hash"
    );
    let (_, computed, _) = run(&ws, &cache);
    assert!(!computed, "the second run is served from the cache");

    // An unrelated edit: same hash, still served.
    write(&other, "pub fn unrelated() -> u32 {\n    8\n}\n");
    let (out, computed, folders) = run(&ws, &cache);
    assert_eq!(out, "3 8");
    assert!(
        !computed,
        "an edit the function cannot reach keeps its entries"
    );
    assert_eq!(folders, vec![h1.clone()]);

    // Edit the callee, plain cargo again: never the old result.
    write(&helpers, "pub fn helper(x: u32) -> u32 {\n    x + 2\n}\n");
    let (out, computed, folders) = run(&ws, &cache);
    assert_eq!(out, "4 8", "stale result after editing a callee");
    assert!(computed);
    let h2 = listed_hash(&ws);
    assert_ne!(h1, h2);
    assert!(folders.contains(&h2), "{folders:?}");

    // A comment: same hash, entries still served.
    write(
        &helpers,
        "// Adds two.\npub fn helper(x: u32) -> u32 {\n    x + 2\n}\n",
    );
    let (out, computed, _) = run(&ws, &cache);
    assert_eq!(out, "4 8");
    assert!(!computed, "a comment keeps the entries");
    assert_eq!(listed_hash(&ws), h2);

    // `cargo perscache build` computes the same hash.
    perscache_build(&ws, &cache);
    let (out, computed, _) = run(&ws, &cache);
    assert_eq!(out, "4 8");
    assert!(!computed, "cargo perscache build and cargo build agree");
}

/// Two packages building one library file (`[lib] path`), each with its own
/// dependency behind the same name: the same function at the same line is
/// two functions, and each must get the hash of what its own package
/// reaches.
#[test]
fn packages_sharing_a_source_file_keep_their_own_hashes() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let ws = tmp.path().join("ws");
    let cache = tmp.path().join("cache");
    std::fs::create_dir_all(&cache).expect("cache dir");
    let perscache = repo().display().to_string();
    write(
        &ws.join("Cargo.toml"),
        "[workspace]\nmembers = [\"twins\", \"fast\", \"slow\", \"backend_a\", \"backend_b\"]\nresolver = \"2\"\n",
    );
    for (twin, backend) in [("fast", "backend_a"), ("slow", "backend_b")] {
        write(
            &ws.join(format!("{twin}/Cargo.toml")),
            &format!(
                "[package]\nname = \"{twin}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[lib]\npath = \"../engine/lib.rs\"\n\n[dependencies]\nperscache = {{ path = {perscache:?} }}\nbackend = {{ path = \"../{backend}\", package = \"{backend}\" }}\n"
            ),
        );
        write(
            &ws.join(format!("{backend}/Cargo.toml")),
            &format!("[package]\nname = \"{backend}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
        );
    }
    write(
        &ws.join("engine/lib.rs"),
        "#[perscache::persist]\npub fn total(x: u32) -> u32 {\n    eprintln!(\"computing\");\n    x + backend::value()\n}\n",
    );
    let backend_a = ws.join("backend_a/src/lib.rs");
    write(&backend_a, "pub fn value() -> u32 {\n    100\n}\n");
    write(
        &ws.join("backend_b/src/lib.rs"),
        "pub fn value() -> u32 {\n    200\n}\n",
    );
    write(
        &ws.join("twins/Cargo.toml"),
        "[package]\nname = \"twins\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nfast = { path = \"../fast\" }\nslow = { path = \"../slow\" }\n",
    );
    write(
        &ws.join("twins/src/main.rs"),
        "fn main() {\n    println!(\"{} {}\", fast::total(1), slow::total(1));\n}\n",
    );

    let (out, computed, _) = run(&ws, &cache);
    assert_eq!(out, "101 201");
    assert!(computed);
    let (out, computed, _) = run(&ws, &cache);
    assert_eq!(out, "101 201");
    assert!(!computed, "the second run is served from the cache");

    write(&backend_a, "pub fn value() -> u32 {\n    300\n}\n");
    let (out, _, _) = run(&ws, &cache);
    assert_eq!(
        out, "301 201",
        "`fast` was given the hash of `slow`, which shares its source file"
    );
}
