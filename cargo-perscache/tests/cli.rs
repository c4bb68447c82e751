//! The real `cargo-perscache` binary on copies of the fixture workspace:
//! conventions, errors and the manifest. (`stats` and `clear`:
//! `tests/clear_stats.rs`.)

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/analysis")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for e in std::fs::read_dir(from).expect("read fixture") {
        let e = e.expect("entry");
        if e.file_name() == "target" {
            continue;
        }
        let target = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&fixture(), dir.path());
    dir
}

fn cmd(root: &Path) -> Command {
    let mut c = Command::cargo_bin("cargo-perscache").expect("binary");
    c.arg("perscache")
        .arg("--manifest-path")
        .arg(root.join("ws/Cargo.toml"))
        .env_remove("PERSCACHE_MANIFEST")
        .env_remove("PERSCACHE_URL")
        .env_remove("PERSCACHE_DIR")
        .env_remove("PERSCACHE_CONFIG")
        .env_remove("CARGO_TARGET_DIR");
    c
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn list(root: &Path) -> Vec<serde_json::Value> {
    let out = cmd(root)
        .args(["list", "--json", "-q"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn help_lists_the_commands() {
    let out = Command::cargo_bin("cargo-perscache")
        .expect("binary")
        .args(["perscache", "--help"])
        .output()
        .expect("run");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for word in [
        "build",
        "list",
        "stats",
        "clear",
        "--manifest-path",
        "--package",
        "--color",
    ] {
        assert!(text.contains(word), "{word} missing from:\n{text}");
    }
}

#[test]
fn list_names_functions_like_the_runtime() {
    let dir = workspace();
    let rows = list(dir.path());
    let get = |f: &str| rows.iter().find(|r| r["function"] == f).cloned();
    let daily = get("app::calls_helper").expect("free function");
    assert_eq!(daily["file"], "app/src/lib.rs");
    assert_eq!(daily["code_hash"].as_str().map(str::len), Some(64));
    assert!(
        get("app::client::Client::profile").is_some(),
        "method named by its type's path"
    );
    assert!(
        get("app_cli::main_cached").is_some(),
        "binary crate named by the bin, `-` → `_`"
    );
    let generated = get("app::uses_generated").expect("widened function");
    assert!(
        generated["notes"].to_string().contains("macro invocation"),
        "the manifest says why it widened: {generated}"
    );

    let out = cmd(dir.path()).arg("list").output().expect("run");
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("app::calls_helper") && table.contains("app/src/lib.rs:"),
        "{table}"
    );
}

#[test]
fn package_filter() {
    let dir = workspace();
    let out = cmd(dir.path())
        .args(["list", "--json", "-p", "app"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let out = cmd(dir.path())
        .args(["list", "-p", "nope"])
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("nope"), "{}", stderr(&out));
}

#[test]
fn manifest_is_deterministic_and_atomic() {
    let dir = workspace();
    let out = cmd(dir.path())
        .args(["build", "--no-build"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let path = dir.path().join("ws/target/perscache/manifest.json");
    let first = std::fs::read(&path).expect("manifest written");
    let manifest: serde_json::Value = serde_json::from_slice(&first).expect("json");
    assert!(manifest["functions"]
        .as_array()
        .is_some_and(|f| f.len() >= 22));
    assert!(
        manifest["files"].to_string().contains("extdep/src/lib.rs"),
        "path dependency files are listed"
    );

    // Same sources, same bytes; the file is left alone (nothing rebuilds).
    let modified = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .expect("mtime");
    std::thread::sleep(Duration::from_millis(20));
    let out = cmd(dir.path())
        .args(["build", "--no-build"])
        .output()
        .expect("run");
    assert!(stderr(&out).contains("Unchanged"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&path).expect("manifest"), first);
    assert_eq!(
        std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .expect("mtime"),
        modified
    );
    let leftovers: Vec<_> = std::fs::read_dir(path.parent().expect("dir"))
        .expect("dir")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());

    // A fresh copy elsewhere writes the same hashes.
    let other = workspace();
    let out = cmd(other.path())
        .args(["build", "--no-build", "-q"])
        .output()
        .expect("run");
    assert!(out.status.success());
    let m2: serde_json::Value = serde_json::from_slice(
        &std::fs::read(other.path().join("ws/target/perscache/manifest.json")).expect("m"),
    )
    .expect("json");
    assert_eq!(manifest["functions"], m2["functions"]);

    // PERSCACHE_MANIFEST moves it.
    let custom = dir.path().join("custom.json");
    let out = cmd(dir.path())
        .args(["build", "--no-build", "-q"])
        .env("PERSCACHE_MANIFEST", &custom)
        .output()
        .expect("run");
    assert!(out.status.success());
    assert_eq!(std::fs::read(&custom).expect("custom manifest"), first);
}

#[test]
fn build_runs_cargo_build_and_passes_its_exit_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("ws/tiny/src")).expect("dir");
    std::fs::write(
        root.join("ws/Cargo.toml"),
        "[workspace]\nmembers = [\"tiny\"]\nresolver = \"2\"\n",
    )
    .expect("w");
    std::fs::write(
        root.join("ws/tiny/Cargo.toml"),
        "[package]\nname = \"tiny\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .expect("w");
    std::fs::write(root.join("ws/tiny/src/lib.rs"), "pub fn f() -> u32 { 1 }\n").expect("w");
    let out = cmd(root).args(["build", "-q"]).output().expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(root.join("ws/target/perscache/manifest.json").is_file());
    // A type error: the analysis is happy, cargo build is not.
    std::fs::write(
        root.join("ws/tiny/src/lib.rs"),
        "pub fn f() -> u32 { \"no\" }\n",
    )
    .expect("w");
    let out = cmd(root)
        .args(["build", "-q", "--", "--offline"])
        .output()
        .expect("run");
    assert!(!out.status.success());
}

#[test]
fn syntax_errors_name_the_file_and_line() {
    let dir = workspace();
    let path = dir.path().join("ws/app/src/helpers.rs");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(
        &path,
        text.replace(
            "pub fn triple(x: u32) -> u32 {",
            "pub fn triple(x: u32) -> u32 {{",
        ),
    )
    .expect("w");
    let out = cmd(dir.path()).arg("list").output().expect("run");
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("helpers.rs:") && err.contains("syntax error"),
        "{err}"
    );
}

#[test]
fn broken_workspace_is_an_error() {
    let dir = workspace();
    std::fs::write(dir.path().join("ws/app/Cargo.toml"), "[package\nname = ").expect("w");
    let out = cmd(dir.path()).arg("list").output().expect("run");
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("error: cannot read the workspace"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn missing_cache_folder_is_an_error() {
    let dir = workspace();
    let missing = dir.path().join("no-such-cache");
    for args in [vec!["stats"], vec!["clear", "--all"]] {
        let out = cmd(dir.path())
            .args(&args)
            .arg("--dir")
            .arg(&missing)
            .output()
            .expect("run");
        assert!(!out.status.success());
        assert!(stderr(&out).contains("does not exist"), "{}", stderr(&out));
    }
}

#[test]
fn storage_urls_are_shown_without_their_secrets() {
    // A password (and a signature) in every scheme's URL, against a port
    // nothing listens on: whatever `stats -v` and `clear` print, the
    // status line or the error, holds neither.
    const SECRET: &str = "pw-Hunter2-secret";
    let dir = workspace();
    for url in [
        format!("redis://:{SECRET}@127.0.0.1:1/0"),
        format!("redis://user:{SECRET}@127.0.0.1:1/0?prefix=p:"),
        format!("s3://user:{SECRET}@bucket/prefix"),
        format!("gs://user:{SECRET}@bucket/prefix"),
        format!("az://account:{SECRET}@container/prefix"),
        format!("http://user:{SECRET}@127.0.0.1:1/bucket?sig={SECRET}"),
        format!("https://127.0.0.1:1/c?sv=1&sig={SECRET}&token={SECRET}"),
    ] {
        for args in [vec!["stats", "-v"], vec!["clear", "--all", "-v"]] {
            let out = cmd(dir.path())
                .args(&args)
                .arg("--url")
                .arg(&url)
                .timeout(Duration::from_secs(120))
                .output()
                .expect("run");
            let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), stderr(&out));
            assert!(
                !stdout.contains(SECRET) && !stderr.contains(SECRET),
                "{args:?} {url}:\n{stdout}\n{stderr}"
            );
        }
    }
}

/// `explain` shows what a function's hash covers and why, as text and as
/// JSON. A short name is looked up among the functions `list` shows: a path
/// dependency's own marked function of that name does not make it
/// ambiguous. A name no listed function has is an error saying so.
#[test]
fn explain_shows_what_a_hash_covers_and_why() {
    let dir = workspace();
    let ext = dir.path().join("extdep/src/lib.rs");
    let mut text = std::fs::read_to_string(&ext).expect("read extdep");
    text.push_str("\n#[perscache::persist]\npub fn calls_helper(x: u32) -> u32 { x }\n");
    std::fs::write(&ext, text).expect("write extdep");

    let out = cmd(dir.path())
        .args(["explain", "calls_helper", "-q"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.starts_with("app::calls_helper  (code hash "),
        "{shown}"
    );
    assert!(shown.contains("the function itself"), "{shown}");
    let callee = shown
        .lines()
        .find(|l| l.contains("app::helpers::compute "))
        .unwrap_or_else(|| panic!("the callee is not shown:\n{shown}"));
    assert!(
        callee.contains("app/src/helpers.rs:") && callee.contains("from app::calls_helper"),
        "the callee's place and who reached it: {callee}"
    );

    let out = cmd(dir.path())
        .args(["explain", "app::calls_helper", "--json", "-q"])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let e: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(e["function"], "app::calls_helper");
    let listed = list(dir.path());
    let hash = listed
        .iter()
        .find(|r| r["function"] == "app::calls_helper")
        .map(|r| r["code_hash"].clone());
    assert_eq!(Some(e["code_hash"].clone()), hash, "the hash `list` shows");
    let items = e["items"].as_array().expect("items");
    assert!(
        items.iter().any(|it| it["item"]
            .as_str()
            .is_some_and(|s| s.ends_with("helpers::compute"))
            && it["why"].as_str().is_some_and(|w| !w.is_empty())),
        "{e:#}"
    );

    let out = cmd(dir.path())
        .args(["explain", "no_such_function", "-q"])
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("no marked function is named `no_such_function`"),
        "{}",
        stderr(&out)
    );
}
