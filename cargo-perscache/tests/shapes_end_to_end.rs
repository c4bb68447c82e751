//! End to end with the real macro: a program with a marked function of
//! every shape (free function, inherent method, associated function, both
//! in a generic impl, a trait impl's method, a trait's default method) runs
//! under `cargo run`, and the real binary reads what it wrote.
//!
//! What must hold: a function's name is the same in `list`, the runtime's
//! folder, the folder's record and `stats`; `clear --stale` never removes a
//! current entry, whatever the shape; and `max_size` evicts entries only,
//! never a file perscache did not write.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use perscache_runtime::entry::{classify, code_folder, function_dir, Inventory};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The tests build a package of one name from two folders into one target
/// folder: run at once, one would run the other's program, which records the
/// other workspace with its entries.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn target_dir() -> PathBuf {
    // The one never_stale.rs builds the library in: built once for both.
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("never-stale-target")
}

fn write(path: &Path, text: &str) {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d).expect("dir");
    }
    std::fs::write(path, text).expect("write");
}

const PROGRAM: &str = r#"use perscache::persist;

pub struct Plain;

impl Plain {
    #[persist(per_instance = false)]
    pub fn method(&self, x: u32) -> u32 {
        x + 1
    }

    #[persist]
    pub fn assoc(x: u32) -> u32 {
        x + 2
    }
}

pub struct Wrap<T>(pub T);

impl<T> Wrap<T> {
    #[persist(per_instance = false)]
    pub fn generic_method(&self, x: u32) -> u32 {
        x + 3
    }

    #[persist]
    pub fn generic_assoc(x: u32) -> u32 {
        x + 4
    }
}

pub trait Show {
    fn show(&self, x: u32) -> u32;

    #[persist(per_instance = false)]
    fn default_method(&self, x: u32) -> u32 {
        x + 5
    }
}

impl Show for Plain {
    #[persist(per_instance = false)]
    fn show(&self, x: u32) -> u32 {
        x + 6
    }
}

#[persist]
fn free(x: u32) -> u32 {
    x + 7
}

fn main() {
    let (p, w) = (Plain, Wrap(0u8));
    let all = [
        p.method(1),
        Plain::assoc(1),
        w.generic_method(1),
        Wrap::<u8>::generic_assoc(1),
        p.default_method(1),
        p.show(1),
        free(1),
    ];
    println!("{all:?}");
}
"#;

/// A workspace with the program; returns its folder.
fn workspace(tmp: &Path) -> PathBuf {
    let ws = tmp.join("ws");
    write(
        &ws.join("Cargo.toml"),
        "[workspace]\nmembers = [\"shapes\"]\nresolver = \"2\"\n",
    );
    write(
        &ws.join("shapes/Cargo.toml"),
        &format!(
            "[package]\nname = \"shapes\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nperscache = {{ path = {:?} }}\n",
            repo().display().to_string()
        ),
    );
    write(&ws.join("shapes/src/main.rs"), PROGRAM);
    ws
}

fn run(ws: &Path, cache: &Path, max_size: Option<&str>) -> String {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut c = std::process::Command::new(cargo);
    c.args(["run", "-q", "--manifest-path"])
        .arg(ws.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir())
        .env("PERSCACHE_DIR", cache)
        .env_remove("PERSCACHE_URL")
        .env_remove("PERSCACHE_CONFIG")
        .env_remove("PERSCACHE_MANIFEST")
        .env_remove("PERSCACHE_MAX_SIZE");
    if let Some(max) = max_size {
        c.env("PERSCACHE_MAX_SIZE", max);
    }
    let out = c.output().expect("run cargo");
    assert!(out.status.success(), "cargo run: {}", stderr(&out));
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn perscache(ws: &Path, args: &[&str], cache: &Path) -> Output {
    let out = Command::cargo_bin("cargo-perscache")
        .expect("binary")
        .arg("perscache")
        .args(args)
        .arg("--manifest-path")
        .arg(ws.join("Cargo.toml"))
        .arg("--dir")
        .arg(cache)
        .env("CARGO_TARGET_DIR", target_dir())
        .env_remove("PERSCACHE_MANIFEST")
        .output()
        .expect("run");
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    out
}

fn listed(ws: &Path) -> Vec<(String, String)> {
    let out = Command::cargo_bin("cargo-perscache")
        .expect("binary")
        .args(["perscache", "list", "--json", "-q", "--manifest-path"])
        .arg(ws.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target_dir())
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("json");
    rows.iter()
        .map(|r| {
            (
                r["function"].as_str().expect("name").to_owned(),
                r["code_hash"].as_str().expect("hash").to_owned(),
            )
        })
        .collect()
}

fn entries(cache: &Path) -> Vec<(String, u64)> {
    let storage = perscache_runtime::LocalStorage::new(cache);
    let found = pollster::block_on(Inventory::read(&storage)).expect("inventory");
    found
        .functions
        .values()
        .flat_map(|f| f.entries())
        .map(|e| (e.path.clone(), e.size))
        .collect()
}

#[test]
fn every_shape_is_named_alike_everywhere_and_kept_while_current() {
    let _serial = serial();
    let tmp = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    let ws = workspace(tmp.path());
    let cache = tmp.path().join("cache");
    std::fs::create_dir_all(&cache).expect("cache");
    assert_eq!(run(&ws, &cache, None), "[2, 3, 4, 5, 6, 7, 8]");
    let functions = listed(&ws);
    assert_eq!(functions.len(), 7, "{functions:?}");

    let storage = perscache_runtime::LocalStorage::new(&cache);
    let found = pollster::block_on(Inventory::read(&storage)).expect("inventory");
    for (name, hash) in &functions {
        let folder = found
            .functions
            .get(&function_dir(name))
            .unwrap_or_else(|| panic!("no folder for {name}: {:?}", found.functions.keys()));
        let code = folder
            .code
            .get(&code_folder(hash))
            .unwrap_or_else(|| panic!("{name}: no folder for its listed hash"));
        assert_eq!(code.entries.len(), 1, "{name}");
        assert!(
            code.records
                .iter()
                .filter_map(|r| r.record.as_ref())
                .all(|r| &r.function == name),
            "{name}: the record names it otherwise: {:?}",
            code.records
        );
        assert_eq!(folder.function(), Some(name.as_str()));
        let ws_id = perscache_runtime::entry::workspace_id(&ws.to_string_lossy());
        assert!(
            code.records
                .iter()
                .filter_map(|r| r.record.as_ref())
                .any(|r| r.workspace.as_deref() == Some(ws_id.as_str()) && !r.fallback),
            "{name}: no record of this workspace ({ws_id}, from the analysis): {:?}",
            code.records
        );
    }

    let before = entries(&cache);
    assert_eq!(before.len(), 7);
    perscache(&ws, &["clear", "--stale"], &cache);
    assert_eq!(
        entries(&cache),
        before,
        "clear --stale removed a current entry"
    );

    let out = perscache(&ws, &["stats", "--json"], &cache);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("json");
    for (name, _) in &functions {
        let row = rows
            .iter()
            .find(|r| r["function"] == name.as_str())
            .unwrap_or_else(|| panic!("stats has no row for {name}: {rows:?}"));
        assert_eq!(row["entries"], 1, "{name}");
        assert_eq!(row["misses"], 1, "{name}");
    }

    // The macro records the workspace with the entries it writes: `clear`
    // removes them, and `--dry-run` names exactly those.
    let dry = perscache(&ws, &["clear", "--all", "--dry-run"], &cache);
    let listed_paths = format!("{}{}", String::from_utf8_lossy(&dry.stdout), stderr(&dry));
    for (path, _) in &before {
        assert!(
            listed_paths.contains(path.as_str()),
            "clear --all --dry-run does not name {path}:\n{listed_paths}"
        );
    }
    assert_eq!(entries(&cache), before, "--dry-run removed something");
    perscache(&ws, &["clear", "--all"], &cache);
    assert!(
        entries(&cache).is_empty(),
        "clear --all kept entries the program wrote: {:?}",
        entries(&cache)
    );
}

#[test]
fn max_size_never_removes_what_perscache_did_not_write() {
    let _serial = serial();
    let tmp = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    let ws = workspace(tmp.path());
    let cache = tmp.path().join("cache");
    let thesis = "years of work ".repeat(1000);
    let mine = [
        ("notes/thesis.txt", thesis.as_str()),
        (".git/HEAD", "ref: refs/heads/main\n"),
        ("old.bin", "a file at the root"),
    ];
    for (rel, text) in mine {
        write(&cache.join(rel), text);
    }
    // Room for two or three entries of the seven the program writes.
    assert_eq!(run(&ws, &cache, Some("100B")), "[2, 3, 4, 5, 6, 7, 8]");
    for (rel, text) in mine {
        assert_eq!(
            std::fs::read_to_string(cache.join(rel)).ok().as_deref(),
            Some(text),
            "{rel} was removed or changed"
        );
    }
    let left = entries(&cache);
    assert!(!left.is_empty(), "the latest entries stay");
    assert!(left.len() < 7, "nothing was evicted: {left:?}");
    assert!(
        left.iter().map(|(_, size)| size).sum::<u64>() <= 100,
        "{left:?}"
    );
    for (path, _) in &left {
        assert!(classify(path).is_entry());
    }
}
