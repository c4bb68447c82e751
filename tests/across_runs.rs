//! Results outlive the process: each scenario runs twice in child processes
//! (this test binary, re-executed) sharing one cache folder, and counts the
//! calls that really ran the function body.
//!
//! The child side reads `PERSCACHE_TEST_CHILD` and prints `calls=N`; the default
//! cache comes from `PERSCACHE_DIR`, exactly as a user's program would get it.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

use perscache::persist;
use serde::Serialize;

static CALLS: AtomicUsize = AtomicUsize::new(0);

#[persist]
fn get_data(key: &str) -> String {
    CALLS.fetch_add(1, SeqCst);
    key.to_uppercase()
}

#[persist(ignore = [verbose])]
fn with_ignored(key: u32, verbose: bool) -> u32 {
    CALLS.fetch_add(1, SeqCst);
    if verbose {
        eprintln!("computing {key}");
    }
    key * 10
}

#[persist]
async fn fetch(url: &str) -> Result<String, String> {
    CALLS.fetch_add(1, SeqCst);
    Ok(format!("<html>{url}</html>"))
}

#[derive(Serialize)]
struct Client {
    account: String,
}

impl Client {
    #[persist]
    fn profile(&self, id: u64) -> (String, u64) {
        CALLS.fetch_add(1, SeqCst);
        (self.account.clone(), id)
    }

    #[persist(per_instance = false)]
    fn country(&self, code: &str) -> String {
        CALLS.fetch_add(1, SeqCst);
        format!("country {code}")
    }
}

/// What a child process runs; returns a transcript of results to compare
/// between runs.
fn scenario(name: &str) -> String {
    match name {
        "seed" => {
            let a = get_data("abc");
            let b = get_data("fgh");
            let c = get_data("abc");
            format!("{a} {b} {c}")
        }
        "ignore" => format!("{} {}", with_ignored(4, true), with_ignored(4, false)),
        "async" => pollster::block_on(async { format!("{:?}", fetch("example.com").await) }),
        "methods" => {
            let alice = Client {
                account: "alice".into(),
            };
            let bob = Client {
                account: "bob".into(),
            };
            format!(
                "{:?} {:?} {} {}",
                alice.profile(1),
                bob.profile(1),
                alice.country("pt"),
                bob.country("pt")
            )
        }
        other => panic!("unknown scenario {other}"),
    }
}

/// The child side: runs when this binary is re-executed for one scenario.
#[test]
fn child() {
    if let Ok(name) = std::env::var("PERSCACHE_TEST_CHILD") {
        let out = scenario(&name);
        println!("result={out}");
        println!("calls={}", CALLS.load(SeqCst));
    }
}

struct Run {
    result: String,
    calls: usize,
}

fn run_child(name: &str, dir: &Path, extra_env: &[(&str, &str)]) -> Run {
    let exe = std::env::current_exe().expect("test binary");
    let out = Command::new(exe)
        .args(["--exact", "child", "--nocapture", "--test-threads=1"])
        .env("PERSCACHE_TEST_CHILD", name)
        .env("PERSCACHE_DIR", dir)
        .env_remove("PERSCACHE_URL")
        .env_remove("PERSCACHE")
        .envs(extra_env.iter().copied())
        .output()
        .expect("child runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "child failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let field = |key: &str| {
        stdout
            .lines()
            .find_map(|l| l.split_once(key).map(|(_, v)| v))
            .unwrap_or_else(|| panic!("no {key} in {stdout}"))
            .to_owned()
    };
    Run {
        result: field("result="),
        calls: field("calls=").parse().expect("a number"),
    }
}

fn assert_second_run_is_cached(name: &str, first_calls: usize) {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    let first = run_child(name, dir.path(), &[]);
    assert_eq!(first.calls, first_calls, "{name}: first run");
    let second = run_child(name, dir.path(), &[]);
    assert_eq!(
        second.calls, 0,
        "{name}: the second run must be served from the cache"
    );
    assert_eq!(second.result, first.result, "{name}: same results");
}

#[test]
fn seed_example_is_cached_across_runs() {
    // get_data("abc") computes, ("fgh") computes, ("abc") is a hit.
    assert_second_run_is_cached("seed", 2);
}

#[test]
fn ignored_arguments_across_runs() {
    assert_second_run_is_cached("ignore", 1);
}

#[test]
fn async_results_across_runs() {
    assert_second_run_is_cached("async", 1);
}

#[test]
fn instance_identity_persists_across_runs() {
    // alice and bob profiles differ; country is shared.
    assert_second_run_is_cached("methods", 3);
}

#[test]
fn perscache_off_turns_caching_off() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    for _ in 0..2 {
        let run = run_child("seed", dir.path(), &[("PERSCACHE", "off")]);
        assert_eq!(run.calls, 3, "every call runs with PERSCACHE=off");
    }
    assert!(
        std::fs::read_dir(dir.path()).map_or(true, |mut d| d.next().is_none()),
        "nothing stored"
    );
}

#[test]
fn a_bad_configuration_runs_the_functions_uncached() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    let run = run_child("seed", dir.path(), &[("PERSCACHE_URL", "nosuch://x")]);
    assert_eq!(run.calls, 3);
    assert_eq!(run.result, "ABC FGH ABC");
}

#[test]
fn perscache_refresh_recomputes_and_overwrites_the_functions_it_names() {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("temp dir");
    let first = run_child("seed", dir.path(), &[]);
    assert_eq!(first.calls, 2);

    // Named by its own name, by a tail of its path and by a pattern: every
    // call runs, the one repeated in the run included, and is stored again.
    for pattern in ["get_data", "across_runs::get_data", "get_*", "other, *"] {
        let refreshed = run_child("seed", dir.path(), &[("PERSCACHE_REFRESH", pattern)]);
        assert_eq!(refreshed.calls, 3, "PERSCACHE_REFRESH={pattern}");
        assert_eq!(refreshed.result, first.result);
    }
    // A pattern that names another function leaves this one served.
    let other = run_child("seed", dir.path(), &[("PERSCACHE_REFRESH", "with_ignored")]);
    assert_eq!(other.calls, 0);
    let after = run_child("seed", dir.path(), &[]);
    assert_eq!(after.calls, 0, "the refreshed results are served");
}
