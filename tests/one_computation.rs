//! One computation across processes: several processes (this test binary,
//! re-executed) miss the same key at once on one storage, and the function
//! body runs once; a holder killed mid-computation holds the others up for
//! at most its lease. On a local folder always, on the packed store with the
//! `packed` feature, and on each remote backend
//! whose test server is configured (`scripts/ci-storage.sh`), as in
//! `perscache-runtime/tests/storage_remote.rs`.

use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::LazyLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use perscache::{persist, Cache};

const CHILD: &str = "PERSCACHE_TEST_LEASE_CHILD";
const URL: &str = "PERSCACHE_TEST_LEASE_URL";
const SLEEP_MS: &str = "PERSCACHE_TEST_LEASE_SLEEP_MS";
const LEASE_MS: &str = "PERSCACHE_TEST_LEASE_MS";

fn env_ms(var: &str) -> Duration {
    Duration::from_millis(
        std::env::var(var)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0),
    )
}

/// The child's cache, on the parent's storage, with the parent's lease.
static CHILD_CACHE: LazyLock<Cache> = LazyLock::new(|| {
    let url = std::env::var(URL).expect("the parent gives the storage URL");
    Cache::builder()
        .url(&url)
        .expect("the URL opens")
        .lease(env_ms(LEASE_MS))
        .strict(true)
        .build()
});

static CALLS: AtomicUsize = AtomicUsize::new(0);

#[persist(cache = CHILD_CACHE)]
fn report(day: u32) -> String {
    CALLS.fetch_add(1, SeqCst);
    eprintln!("computing");
    std::thread::sleep(env_ms(SLEEP_MS));
    format!(
        "report of day {day}, computed by process {}",
        std::process::id()
    )
}

/// The child side: runs when this binary is re-executed by a test below.
#[test]
fn child() {
    if std::env::var(CHILD).is_ok() {
        let result = report(7);
        println!("result={result}");
        println!("calls={}", CALLS.load(SeqCst));
    }
}

fn spawn_child(url: &str, sleep: Duration, lease: Duration) -> Child {
    Command::new(std::env::current_exe().expect("the test binary"))
        .args(["--exact", "child", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .env(URL, url)
        .env(SLEEP_MS, sleep.as_millis().to_string())
        .env(LEASE_MS, lease.as_millis().to_string())
        .env_remove("PERSCACHE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the child starts")
}

/// What a child printed: its result and how many times it ran the body.
fn finish(child: Child) -> (String, usize) {
    let out = child.wait_with_output().expect("the child ends");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "the child failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let field = |key: &str| {
        stdout
            .lines()
            .find_map(|l| l.split_once(key).map(|(_, v)| v))
            .unwrap_or_else(|| panic!("no {key} in {stdout}"))
            .to_owned()
    };
    (field("result="), field("calls=").parse().expect("a number"))
}

fn unique(what: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{what}-{}-{nanos}", std::process::id())
}

/// The storages to run on: a local folder, and each configured server.
fn storages(what: &str) -> Vec<(String, String)> {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("temp dir")
        .keep();
    let mut out = vec![("local".to_owned(), format!("file://{}", dir.display()))];
    if cfg!(feature = "packed") {
        out.push((
            "packed".to_owned(),
            format!("packed://{}/packed", dir.display()),
        ));
    }
    let prefix = unique(what);
    for (name, var, feature_on) in [
        ("s3", "PERSCACHE_TEST_S3_URL", cfg!(feature = "s3")),
        ("gcs", "PERSCACHE_TEST_GCS_URL", cfg!(feature = "gcs")),
        ("azure", "PERSCACHE_TEST_AZURE_URL", cfg!(feature = "azure")),
        ("redis", "PERSCACHE_TEST_REDIS_URL", cfg!(feature = "redis")),
    ] {
        let Some(base) = std::env::var(var).ok().filter(|_| feature_on) else {
            continue;
        };
        let url = if name == "redis" {
            let sep = if base.contains('?') { '&' } else { '?' };
            format!("{base}{sep}prefix=perscache-test:{prefix}:")
        } else {
            format!("{}/{prefix}", base.trim_end_matches('/'))
        };
        out.push((name.to_owned(), url));
    }
    out
}

/// Waits until `child` runs the function's body: past taking the lease.
fn wait_until_computing(child: &mut Child) {
    use std::io::BufRead;
    let stderr = child.stderr.take().expect("piped");
    let computing = std::io::BufReader::new(stderr)
        .lines()
        .map_while(Result::ok)
        .any(|line| line == "computing");
    assert!(computing, "the holder ended before computing");
}

#[test]
fn processes_missing_one_key_at_once_compute_it_once() {
    if std::env::var(CHILD).is_ok() {
        return;
    }
    for (name, url) in storages("at-once") {
        let children: Vec<Child> = (0..4)
            .map(|_| spawn_child(&url, Duration::from_millis(1500), Duration::from_secs(30)))
            .collect();
        let results: Vec<(String, usize)> = children.into_iter().map(finish).collect();
        let calls: usize = results.iter().map(|(_, c)| c).sum();
        // fake-gcs-server, the GCS test server, ignores `ifGenerationMatch=0`
        // (two creates of one object both succeed), so there every process
        // computes; GCS itself refuses the second create.
        if name == "gcs" {
            continue;
        }
        assert_eq!(
            calls, 1,
            "{name}: one process computes, the others wait: {results:?}"
        );
        assert!(
            results.iter().all(|(r, _)| *r == results[0].0),
            "{name}: every process returns the one result: {results:?}"
        );
    }
}

#[test]
fn a_killed_holder_holds_the_others_up_for_its_lease_at_most() {
    if std::env::var(CHILD).is_ok() {
        return;
    }
    let lease = Duration::from_secs(2);
    for (name, url) in storages("killed") {
        // The holder takes the lease and computes for a minute: killed
        // well before it stores anything.
        let mut holder = spawn_child(&url, Duration::from_secs(60), lease);
        wait_until_computing(&mut holder);
        holder.kill().expect("kill the holder");
        let _ = holder.wait();

        let started = Instant::now();
        let next = spawn_child(&url, Duration::ZERO, lease);
        let (result, calls) = finish(next);
        let waited = started.elapsed();
        assert_eq!(calls, 1, "{name}: the next process computes: {result}");
        // Liveness, not speed: a lease never expiring would hang here.
        assert!(
            waited < Duration::from_secs(60),
            "{name}: waited {waited:?} for a dead holder"
        );
    }
}
