//! The real `cargo-perscache` binary on copies of the fixture workspace:
//! conventions, errors, the manifest, `stats` and `clear` on a local cache.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

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

fn put(cache: &Path, rel: &str, bytes: &[u8], age: Duration) {
    let path = cache.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
    std::fs::write(&path, bytes).expect("write");
    let f = std::fs::File::options()
        .write(true)
        .open(&path)
        .expect("open");
    f.set_modified(SystemTime::now() - age).expect("mtime");
}

/// A cache with a current and a stale entry of `app::calls_helper`, an entry
/// of a function that no longer exists, and another project's entry.
fn populated(root: &Path) -> PathBuf {
    let rows = list(root);
    let hash = rows
        .iter()
        .find(|r| r["function"] == "app::calls_helper")
        .and_then(|r| r["code_hash"].as_str())
        .expect("hash")
        .to_owned();
    let cache = root.join("cache");
    let day = Duration::from_secs(86_400);
    put(
        &cache,
        &format!("app.calls_helper/{}/aa.bin", &hash[..16]),
        b"current",
        day,
    );
    put(
        &cache,
        "app.calls_helper/0123456789abcdef/bb.bin",
        b"stale!!",
        10 * day,
    );
    put(&cache, "app.gone/0123456789abcdef/cc.bin", b"gone", day);
    put(
        &cache,
        "otherproject.f/0123456789abcdef/dd.bin",
        b"not ours",
        30 * day,
    );
    put(
        &cache,
        "app.calls_helper/_stats.json",
        br#"{"function":"app::calls_helper","hits":3,"misses":1,"compute_nanos":2000000000,"saved_nanos":6000000000,"updated_unix":0}"#,
        Duration::ZERO,
    );
    cache
}

fn exists(cache: &Path, rel: &str) -> bool {
    cache.join(rel).exists()
}

#[test]
fn stats_reports_counts_entries_and_bytes() {
    let dir = workspace();
    let cache = populated(dir.path());
    let out = cmd(dir.path())
        .args(["stats", "--json", "--dir"])
        .arg(&cache)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("json");
    let row = rows
        .iter()
        .find(|r| r["function"] == "app::calls_helper")
        .expect("row");
    assert_eq!(row["hits"], 3);
    assert_eq!(row["misses"], 1);
    assert_eq!(row["hit_ratio"], 0.75);
    assert_eq!(row["entries"], 2);
    assert_eq!(row["bytes"], 14);
    assert_eq!(row["saved_secs"], 6.0);
    assert!(!rows
        .iter()
        .any(|r| r["function"].to_string().contains("otherproject")));

    let out = cmd(dir.path())
        .args(["stats", "--dir"])
        .arg(&cache)
        .output()
        .expect("run");
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("HITS") && table.contains("75.0%"), "{table}");
}

#[test]
fn clear_stale_keeps_current_entries_and_other_projects() {
    let dir = workspace();
    let cache = populated(dir.path());
    let out = cmd(dir.path())
        .args(["clear", "--stale", "--dry-run", "--dir"])
        .arg(&cache)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Would remove 2 entries"),
        "{}",
        stderr(&out)
    );
    assert!(exists(&cache, "app.calls_helper/0123456789abcdef/bb.bin"));

    let out = cmd(dir.path())
        .args(["clear", "--stale", "--dir"])
        .arg(&cache)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Removed 2 entries"),
        "{}",
        stderr(&out)
    );
    assert!(!exists(&cache, "app.calls_helper/0123456789abcdef/bb.bin"));
    assert!(!exists(&cache, "app.gone/0123456789abcdef/cc.bin"));
    assert!(exists(&cache, "otherproject.f/0123456789abcdef/dd.bin"));
    assert!(exists(&cache, "app.calls_helper/_stats.json"));
    let current: Vec<_> = std::fs::read_dir(cache.join("app.calls_helper"))
        .expect("dir")
        .flatten()
        .collect();
    assert_eq!(
        current.len(),
        2,
        "the current hash folder and the statistics stay"
    );
}

#[test]
fn clear_by_function_age_and_all() {
    let dir = workspace();
    let cache = populated(dir.path());
    let out = cmd(dir.path())
        .args(["clear", "--older-than", "7d", "--dir"])
        .arg(&cache)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!exists(&cache, "app.calls_helper/0123456789abcdef/bb.bin"));
    assert!(
        exists(&cache, "app.gone/0123456789abcdef/cc.bin"),
        "younger than 7 days"
    );

    let out = cmd(dir.path())
        .args(["clear", "--function", "app::gone", "--dir"])
        .arg(&cache)
        .output()
        .expect("run");
    assert!(out.status.success());
    assert!(!exists(&cache, "app.gone/0123456789abcdef/cc.bin"));

    let out = cmd(dir.path())
        .args(["clear", "--all", "--dir"])
        .arg(&cache)
        .output()
        .expect("run");
    assert!(out.status.success());
    let left: Vec<String> = walk(&cache);
    assert_eq!(
        left,
        vec![
            "app.calls_helper/_stats.json".to_owned(),
            "otherproject.f/0123456789abcdef/dd.bin".to_owned()
        ]
    );

    let out = cmd(dir.path())
        .args(["clear", "--dir"])
        .arg(&cache)
        .output()
        .expect("run");
    assert!(
        !out.status.success(),
        "clear needs to be told what to remove"
    );
}

fn walk(dir: &Path) -> Vec<String> {
    fn go(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            if e.path().is_dir() {
                go(base, &e.path(), out);
            } else if let Ok(rel) = e.path().strip_prefix(base) {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    go(dir, dir, &mut out);
    out.sort();
    out
}
