//! `cargo perscache why` end to end: a program built with the real macro
//! stores a result; an edit of a callee (then a feature switched on)
//! recomputes it; `why` names the edited item with its place, and the build
//! input that changed.

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
    // The one never_stale.rs builds the library in: built once for all.
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("never-stale-target")
}

fn write(path: &Path, text: &str) {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

const PROGRAM: &str = r#"
fn rate() -> u64 {
    7
}

#[perscache::persist]
fn price(qty: u64) -> u64 {
    eprintln!("computed");
    qty * rate() + if cfg!(feature = "discount") { 0 } else { 1 }
}

fn main() {
    println!("{}", price(3));
}
"#;

fn workspace(tmp: &Path) -> PathBuf {
    let ws = tmp.join("ws");
    write(
        &ws.join("Cargo.toml"),
        &format!(
            "[package]\nname = \"whyapp\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             [features]\ndiscount = []\n\n[dependencies]\nperscache = {{ path = {:?} }}\n\n[workspace]\n",
            repo().display().to_string()
        ),
    );
    write(&ws.join("src/main.rs"), PROGRAM);
    ws
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs the program; returns (stdout, whether it computed).
fn run(ws: &Path, cache: &Path, features: &[&str]) -> (String, bool) {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args(["run", "-q", "--manifest-path"])
        .arg(ws.join("Cargo.toml"))
        .args(features)
        .env("CARGO_TARGET_DIR", target_dir())
        .env("PERSCACHE_DIR", cache)
        .env_remove("PERSCACHE_URL")
        .env_remove("PERSCACHE_CONFIG")
        .env_remove("PERSCACHE_MANIFEST")
        .output()
        .expect("run cargo");
    assert!(out.status.success(), "cargo run: {}", stderr(&out));
    (
        String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        stderr(&out).contains("computed"),
    )
}

fn why(ws: &Path, cache: &Path) -> serde_json::Value {
    let out = Command::cargo_bin("cargo-perscache")
        .expect("binary")
        .args(["perscache", "why", "price", "--json", "--manifest-path"])
        .arg(ws.join("Cargo.toml"))
        .arg("--dir")
        .arg(cache)
        .env("CARGO_TARGET_DIR", target_dir())
        .env_remove("PERSCACHE_MANIFEST")
        .output()
        .expect("run");
    assert!(out.status.success(), "why: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn why_names_the_edited_callee_and_the_changed_build_input() {
    let tmp = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    let ws = workspace(tmp.path());
    let cache = tmp.path().join("cache");
    std::fs::create_dir_all(&cache).expect("cache");

    assert_eq!(run(&ws, &cache, &[]), ("22".to_owned(), true));
    assert_eq!(run(&ws, &cache, &[]), ("22".to_owned(), false));
    let nothing = why(&ws, &cache);
    assert!(nothing["older_code"].is_null(), "{nothing}");

    let main = ws.join("src/main.rs");
    write(&main, &PROGRAM.replace("    7\n", "    8\n"));
    assert_eq!(run(&ws, &cache, &[]), ("25".to_owned(), true));
    let answer = why(&ws, &cache);
    assert_eq!(answer["older_recorded"], true, "{answer}");
    let edited: Vec<&str> = answer["code_changes"]["edited"]
        .as_array()
        .expect("edited")
        .iter()
        .filter_map(|e| e[0].as_str())
        .collect();
    assert_eq!(edited, ["whyapp::rate"], "{answer}");
    let place = &answer["code_changes"]["edited"][0][1];
    assert_eq!(place["file"], "src/main.rs", "{answer}");
    assert_eq!(place["line"], 2, "{answer}");

    assert_eq!(
        run(&ws, &cache, &["--features", "discount"]),
        ("24".to_owned(), true)
    );
    let answer = why(&ws, &cache);
    let added: Vec<&str> = answer["build_added"]
        .as_array()
        .expect("build_added")
        .iter()
        .filter_map(|l| l.as_str())
        .collect();
    assert!(
        added.iter().any(|l| l.contains("feature=\"discount\"")),
        "the feature is not named among the build inputs that changed: {answer}"
    );
}
