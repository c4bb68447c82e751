//! `cargo perscache stats` and `clear` through the real binary, on a cache
//! whose entries the runtime wrote as programs built in this workspace (and
//! in another one) write them: the runtime's own paths and records, never
//! paths the test spells out.
//!
//! What must hold: `clear` removes only entries this workspace recorded,
//! never a current one (of any function shape), never another workspace's
//! (even of a function with the same name), never one written under the
//! macro's fallback hash while its function exists, never a file perscache
//! did not write; and `--dry-run` lists exactly what the real run removes.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use assert_cmd::Command;
use perscache_runtime::__private::{call_sync, Always, Options, Site};
use perscache_runtime::entry::{classify, function_dir, stats_path, Stored};
use perscache_runtime::{Binary, Cache, Format, KeyHasher};

const DAY: Duration = Duration::from_secs(86_400);

/// One test at a time: statistics are flushed by a process-wide registry,
/// so one test's `flush_stats()` writes the `_stats.json` of every site
/// another test has called, into that test's cache, between its snapshots.
fn serial() -> std::sync::MutexGuard<'static, ()> {
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

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

/// `(function, code hash)` of every marked function, as `list --json` says.
fn listed(root: &Path) -> Vec<(String, String)> {
    let out = cmd(root)
        .args(["list", "--json", "-q"])
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

/// The workspace root as `cargo metadata` gives it: what a program built
/// here tells the runtime (and what `cargo perscache` hashes).
fn workspace_root(root: &Path) -> String {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .arg("--manifest-path")
        .arg(root.join("ws/Cargo.toml"))
        .output()
        .expect("cargo metadata");
    assert!(out.status.success(), "{}", stderr(&out));
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    meta["workspace_root"]
        .as_str()
        .expect("workspace_root")
        .to_owned()
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

/// Every file under `dir`, relative, `/`-separated.
fn files(dir: &Path) -> BTreeSet<String> {
    fn go(base: &Path, dir: &Path, out: &mut BTreeSet<String>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            if e.path().is_dir() {
                go(base, &e.path(), out);
            } else if let Ok(rel) = e.path().strip_prefix(base) {
                out.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = BTreeSet::new();
    go(dir, dir, &mut out);
    out
}

/// Writes one entry of `function` at `code_hash` into the local cache
/// `cache` through the runtime, as a program built in the workspace at
/// `workspace` (`None`: a program that does not say) writes it, `age` old.
/// Returns its path.
fn write_entry(
    cache: &Path,
    workspace: Option<&str>,
    function: &str,
    code_hash: &str,
    fallback: bool,
    age: Duration,
) -> String {
    write_entry_n(cache, workspace, function, code_hash, fallback, age, 1)
}

/// [`write_entry`] with the argument `n` (another key).
fn write_entry_n(
    cache: &Path,
    workspace: Option<&str>,
    function: &str,
    code_hash: &str,
    fallback: bool,
    age: Duration,
    n: u32,
) -> String {
    let mut site =
        Site::new(leak(function), leak(code_hash), leak(code_hash)).from_fallback(fallback);
    if let Some(root) = workspace {
        site = site.workspace(leak(root));
    }
    let site: &'static Site = Box::leak(Box::new(site));
    let storage = Cache::builder().dir(cache).strict(true).build();
    let stamp = |p: &String| {
        std::fs::metadata(cache.join(p))
            .and_then(|m| m.modified())
            .ok()
    };
    let before: Vec<_> = files(cache).into_iter().map(|p| (stamp(&p), p)).collect();
    let key = {
        let mut h = KeyHasher::new(function, code_hash, Binary.name());
        h.arg("n", &n).expect("a u32 keys");
        h.finish_call()
    };
    let got =
        call_sync::<u32, Always, _>(&storage, site, &Ok(key), &Binary, Options::default(), || 7);
    assert_eq!(got, 7);
    // New, or rewritten (a folder another workspace wrote the same entry to).
    let new: Vec<String> = files(cache)
        .into_iter()
        .filter(|p| classify(p).is_entry() && !before.contains(&(stamp(p), p.clone())))
        .collect();
    assert_eq!(new.len(), 1, "one entry written for {function}: {new:?}");
    let f = std::fs::File::options()
        .write(true)
        .open(cache.join(&new[0]))
        .expect("open");
    f.set_modified(SystemTime::now() - age).expect("mtime");
    new[0].clone()
}

/// The cache the tests share the shape of, and where each entry went.
struct Populated {
    _dir: tempfile::TempDir,
    root: PathBuf,
    cache: PathBuf,
    /// Entries `--stale` must remove.
    stale: Vec<String>,
    /// Entries nothing this workspace runs may remove.
    foreign: Vec<String>,
    /// Entries `--stale` keeps but `--all` removes.
    kept_by_stale: Vec<String>,
    /// Files that are not entries.
    not_entries: Vec<String>,
}

/// A copy of the fixture workspace and a cache holding: current entries of
/// a free function and of a method; a stale one (old code hash); one of a
/// function that is gone; one under the fallback hash of a function that
/// exists, and one of a function that is gone; another workspace's entries
/// (a function of the same name, and a folder both wrote); one written by a
/// program that did not say its workspace; statistics; a user's files.
fn populated() -> Populated {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    copy_dir(&fixture(), dir.path());
    let root = dir.path().to_path_buf();
    let cache = root.join("cache");
    std::fs::create_dir_all(&cache).expect("cache");
    let ours = workspace_root(&root);
    let ours = Some(ours.as_str());
    let other = Some("/elsewhere/another-checkout");
    let rows = listed(&root);
    let hash = |f: &str| {
        rows.iter()
            .find(|(name, _)| name == f)
            .map(|(_, h)| h.clone())
            .unwrap_or_else(|| panic!("{f} listed"))
    };
    let helper = "app::calls_helper";
    let method = "app::client::Client::profile";
    let e =
        |ws, f: &str, code: &str, fallback, age| write_entry(&cache, ws, f, code, fallback, age);

    let current = vec![
        e(ours, helper, &hash(helper), false, DAY),
        e(ours, method, &hash(method), false, 10 * DAY),
        e(ours, helper, "fa11bac4fa11bac4", true, 10 * DAY),
    ];
    let stale = vec![
        e(ours, helper, "0123456789abcdef", false, 10 * DAY),
        e(ours, method, "0123456789abcdef", false, DAY),
        e(ours, "app::gone", "0123456789abcdef", false, DAY),
        e(ours, "app::gone_too", "fa11bac4fa11bac4", true, DAY),
    ];
    // Another checkout: the same function names, other code; and a code
    // folder both wrote (same code, same entries).
    let mut foreign = vec![
        e(other, helper, "fedcba9876543210", false, 30 * DAY),
        e(
            other,
            "otherproject::f",
            "fedcba9876543210",
            false,
            30 * DAY,
        ),
        e(None, helper, "0000111122223333", false, 30 * DAY),
    ];
    // (What one workspace only reads of another's stays the writer's.)
    foreign.push(e(ours, helper, "00aa00aa00aa00aa", false, 30 * DAY));
    foreign.push(write_entry_n(
        &cache,
        other,
        helper,
        "00aa00aa00aa00aa",
        false,
        30 * DAY,
        2,
    ));

    let mut not_entries = Vec::new();
    for (rel, bytes) in [
        ("notes/thesis.txt", &b"years of work"[..]),
        (".git/HEAD", b"ref: refs/heads/main"),
        ("app.calls_helper/0123456789abcdef/readme.md", b"mine"),
        ("app.gone/README", b"mine too"),
    ] {
        let p = cache.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("dir");
        std::fs::write(&p, bytes).expect("write");
        not_entries.push(rel.to_owned());
    }
    let stats = stats_path(&function_dir(helper));
    std::fs::write(
        cache.join(&stats),
        br#"{"function":"app::calls_helper","hits":3,"misses":1,"compute_nanos":2000000000,"saved_nanos":6000000000,"updated_unix":0}"#,
    )
    .expect("stats");
    not_entries.push(stats);
    Populated {
        _dir: dir,
        root,
        cache,
        stale,
        foreign,
        kept_by_stale: current,
        not_entries,
    }
}

/// Runs `clear` with `args` twice, `--dry-run` first; checks the dry run
/// listed exactly the files the real run removed, and returns them.
fn clear(p: &Populated, args: &[&str]) -> BTreeSet<String> {
    let before = files(&p.cache);
    let out = cmd(&p.root)
        .arg("clear")
        .args(args)
        .arg("--dry-run")
        .arg("--dir")
        .arg(&p.cache)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(files(&p.cache), before, "--dry-run removed something");
    let listed: BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    let out = cmd(&p.root)
        .arg("clear")
        .args(args)
        .arg("--dir")
        .arg(&p.cache)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let removed: BTreeSet<String> = before.difference(&files(&p.cache)).cloned().collect();
    assert_eq!(
        listed, removed,
        "clear {args:?}: --dry-run listed one thing, the real run removed another"
    );
    removed
}

fn entries_of(removed: &BTreeSet<String>) -> BTreeSet<String> {
    removed
        .iter()
        .filter(|p| classify(p).is_entry())
        .cloned()
        .collect()
}

#[test]
fn stale_removes_only_what_this_workspace_can_prove_stale() {
    let _serial = serial();
    let p = populated();
    let removed = clear(&p, &["--stale"]);
    let want: BTreeSet<String> = p.stale.iter().cloned().collect();
    assert_eq!(entries_of(&removed), want);
    for kept in p
        .kept_by_stale
        .iter()
        .chain(&p.foreign)
        .chain(&p.not_entries)
    {
        assert!(p.cache.join(kept).exists(), "{kept} was removed");
    }
    // The records of emptied folders went with them; nothing else did.
    for path in &removed {
        assert!(
            matches!(classify(path), Stored::Entry { .. } | Stored::Record { .. }),
            "{path} is neither an entry nor a record"
        );
    }
    assert!(
        !p.cache.join("app.gone_too").exists(),
        "the emptied folders are gone"
    );
    // Nothing left to do: a second run removes nothing.
    assert!(clear(&p, &["--stale"]).is_empty());
}

#[test]
fn all_function_and_age_stay_within_this_workspace() {
    let _serial = serial();
    let p = populated();
    // Ours and at least 10 days old; another workspace's are 30 days old.
    let removed = clear(&p, &["--older-than", "7d"]);
    assert_eq!(
        entries_of(&removed),
        BTreeSet::from([
            p.kept_by_stale[1].clone(),
            p.kept_by_stale[2].clone(),
            p.stale[0].clone()
        ])
    );

    let removed = clear(&p, &["--function", "app::gone"]);
    assert_eq!(entries_of(&removed), BTreeSet::from([p.stale[2].clone()]));

    let removed = clear(&p, &["--all"]);
    for path in entries_of(&removed) {
        assert!(!p.foreign.contains(&path), "{path}: not this workspace's");
    }
    for left in files(&p.cache).iter().filter(|f| classify(f).is_entry()) {
        assert!(
            p.foreign.contains(left),
            "{left}: this workspace's, left by --all"
        );
    }
    for kept in p.foreign.iter().chain(&p.not_entries) {
        assert!(p.cache.join(kept).exists(), "{kept} was removed");
    }

    let out = cmd(&p.root)
        .args(["clear", "--dir"])
        .arg(&p.cache)
        .output()
        .expect("run");
    assert!(
        !out.status.success(),
        "clear needs to be told what to remove"
    );
}

#[test]
fn stats_reports_counts_entries_and_bytes() {
    let _serial = serial();
    let p = populated();
    let out = cmd(&p.root)
        .args(["stats", "--json", "--dir"])
        .arg(&p.cache)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("json");
    let row = |f: &str| {
        rows.iter()
            .find(|r| r["function"] == f)
            .unwrap_or_else(|| panic!("no row for {f} in {rows:?}"))
    };
    let helper = row("app::calls_helper");
    assert_eq!(helper["hits"], 3);
    assert_eq!(helper["misses"], 1);
    assert_eq!(helper["hit_ratio"], 0.75);
    assert_eq!(helper["saved_secs"], 6.0);
    // Entries and bytes as they are on disk, in the function's folder.
    let on_disk: Vec<u64> = files(&p.cache)
        .iter()
        .filter(|f| classify(f).is_entry() && f.starts_with("app.calls_helper/"))
        .map(|f| std::fs::metadata(p.cache.join(f)).expect("meta").len())
        .collect();
    assert_eq!(helper["entries"], on_disk.len());
    assert_eq!(helper["bytes"], on_disk.iter().sum::<u64>());
    // A method is named in full, as `list` names it.
    assert_eq!(row("app::client::Client::profile")["entries"], 2);
    assert!(
        !rows
            .iter()
            .any(|r| r["function"].to_string().contains("otherproject")),
        "another project's function: {rows:?}"
    );

    let out = cmd(&p.root)
        .args(["stats", "--dir"])
        .arg(&p.cache)
        .output()
        .expect("run");
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("HITS") && table.contains("75.0%"), "{table}");
}

#[test]
fn signed_stores_are_read_with_the_secret() {
    let _serial = serial();
    // Programs that sign their entries (`PERSCACHE_SECRET`) sign their
    // statistics and records too: `stats` and `clear` read them with the
    // same secret, from `--secret` or the environment.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    copy_dir(&fixture(), dir.path());
    let root = dir.path().to_path_buf();
    let cache = root.join("cache");
    std::fs::create_dir_all(&cache).expect("cache");
    let ours = workspace_root(&root);
    let site: &'static Site = Box::leak(Box::new(
        Site::new("app::calls_helper", "feedc0de00000000", "feedc0de00000000")
            .workspace(leak(&ours)),
    ));
    let signed = Cache::builder()
        .dir(&cache)
        .secret("team secret")
        .strict(true)
        .build();
    for _ in 0..3 {
        let key = {
            let mut h = KeyHasher::new(site.function(), site.code_hash(), Binary.name());
            h.arg("n", &1u32).expect("key");
            h.finish_call()
        };
        let got =
            call_sync::<u32, Always, _>(&signed, site, &Ok(key), &Binary, Options::default(), || 7);
        assert_eq!(got, 7);
    }
    perscache_runtime::flush_stats();
    let entries = || {
        files(&cache)
            .into_iter()
            .filter(|f| classify(f).is_entry())
            .count()
    };
    assert_eq!(entries(), 1);

    let stats = |secret: Option<&str>, env: Option<&str>| {
        let mut c = cmd(&root);
        c.args(["stats", "--json", "--dir"]).arg(&cache);
        if let Some(s) = secret {
            c.args(["--secret", s]);
        }
        match env {
            Some(s) => c.env("PERSCACHE_SECRET", s),
            None => c.env_remove("PERSCACHE_SECRET"),
        };
        let out = c.output().expect("run");
        assert!(out.status.success(), "{}", stderr(&out));
        let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("json");
        rows.iter()
            .find(|r| r["function"] == "app::calls_helper")
            .map(|r| (r["hits"].as_u64(), r["misses"].as_u64()))
    };
    let counted = (Some(2), Some(1));
    assert_eq!(stats(Some("team secret"), None), Some(counted));
    assert_eq!(stats(None, Some("team secret")), Some(counted));
    assert_ne!(stats(None, None), Some(counted), "unsigned reading");

    // Without the secret, no record can be read: nothing is removed.
    let clear = |secret: Option<&str>| {
        let mut c = cmd(&root);
        c.args(["clear", "--all", "--dir"]).arg(&cache);
        c.env_remove("PERSCACHE_SECRET");
        if let Some(s) = secret {
            c.args(["--secret", s]);
        }
        let out = c.output().expect("run");
        assert!(out.status.success(), "{}", stderr(&out));
    };
    clear(None);
    assert_eq!(entries(), 1, "removed without reading its record");
    clear(Some("team secret"));
    assert_eq!(entries(), 0, "the signed record names this workspace");
}

/// `stats` and `clear` on a packed store (`--url packed://…`, the `packed`
/// feature), opened by the command while this process holds it open too:
/// statistics read back, and `clear --all` removes this workspace's entry
/// and keeps another workspace's.
#[cfg(feature = "packed")]
#[test]
fn packed_stores_are_read_and_cleared() {
    let _serial = serial();
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    copy_dir(&fixture(), dir.path());
    let root = dir.path().to_path_buf();
    let url = format!("packed://{}", root.join("store").display());
    let ours = workspace_root(&root);
    let cache = Cache::builder()
        .url(&url)
        .expect("a packed:// URL")
        .memory_tier(0)
        .strict(true)
        .build();
    let call = |site: &'static Site| {
        let key = {
            let mut h = KeyHasher::new(site.function(), site.code_hash(), Binary.name());
            h.arg("n", &1u32).expect("key");
            h.finish_call()
        };
        call_sync::<u32, Always, _>(&cache, site, &Ok(key), &Binary, Options::default(), || 7)
    };
    let mine: &'static Site = Box::leak(Box::new(
        Site::new("app::calls_helper", "feedc0de00000000", "feedc0de00000000")
            .workspace(leak(&ours)),
    ));
    let theirs: &'static Site = Box::leak(Box::new(
        Site::new("otherproject::f", "0123456789abcdef", "0123456789abcdef")
            .workspace("/elsewhere/otherproject"),
    ));
    for _ in 0..3 {
        assert_eq!(call(mine), 7);
    }
    assert_eq!(call(theirs), 7);
    perscache_runtime::flush_stats();
    let entries = |function_dir: &str| {
        pollster::block_on(cache.storage().list(&format!("{function_dir}/")))
            .expect("list")
            .into_iter()
            .filter(|e| classify(&e.path).is_entry())
            .count()
    };
    assert_eq!(
        (entries("app.calls_helper"), entries("otherproject.f")),
        (1, 1)
    );

    let out = cmd(&root)
        .args(["stats", "--json", "--url", &url])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("json");
    let row = rows
        .iter()
        .find(|r| r["function"] == "app::calls_helper")
        .unwrap_or_else(|| panic!("no row in {rows:?}"));
    assert_eq!(
        (row["hits"].as_u64(), row["misses"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(row["entries"], 1);

    let out = cmd(&root)
        .args(["clear", "--all", "--url", &url])
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        (entries("app.calls_helper"), entries("otherproject.f")),
        (0, 1),
        "this workspace's entry removed, another's kept"
    );
}
