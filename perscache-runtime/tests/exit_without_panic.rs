//! A program that used a remote backend (Redis) exits without a panic
//! (issue 14 point 5). The statistics are written at exit; when the exit
//! hook wrote them itself on the main thread, whose thread-locals are gone
//! by then, the Redis client's runtime panicked ("cannot access a Thread
//! Local Storage value during or after destruction").
//!
//! The call must be made on the main thread, so this test has its own
//! `main` (`harness = false`): run normally, it starts itself again as the
//! program and checks what that printed.

use std::process::Command;
use std::time::Duration;

const CHILD: &str = "PERSCACHE_EXIT_TEST_CHILD";

#[cfg(feature = "redis")]
fn program() {
    use perscache_runtime::__private::{call_sync, Always, Options, Site};
    use perscache_runtime::{Binary, Cache, Format, KeyHasher, RedisStorage};

    static SITE: Site = Site::new("exit::value", "0123456789abcdef", "0123456789abcdef");
    // The test server when `scripts/ci-storage.sh` started one, else a port
    // nothing listens on.
    let url = std::env::var("PERSCACHE_TEST_REDIS_URL")
        .unwrap_or_else(|_| "redis://127.0.0.1:1/0".to_owned());
    let storage = RedisStorage::builder(&url)
        .timeout(Duration::from_secs(2))
        .build()
        .expect("storage");
    let cache = Cache::builder().storage(storage).build();
    let mut h = KeyHasher::new(SITE.function(), SITE.code_hash(), Binary.name());
    h.arg("n", &1u32).expect("key");
    // As in a `#[tokio::main]` program: the call runs inside a runtime on
    // the main thread, which leaves tokio's thread-local state there.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let v = runtime.block_on(async {
        call_sync::<u32, Always, _>(
            &cache,
            &SITE,
            &Ok(h.finish_call()),
            &Binary,
            Options::default(),
            || 7,
        )
    });
    assert_eq!(v, 7);
}

#[cfg(not(feature = "redis"))]
fn program() {}

fn main() {
    if std::env::var_os(CHILD).is_some() {
        program();
        return;
    }
    if !cfg!(feature = "redis") {
        println!("exit_without_panic: skipped (needs the `redis` feature)");
        return;
    }
    let out = Command::new(std::env::current_exe().expect("exe"))
        .env(CHILD, "1")
        .output()
        .expect("run the program");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{}\n{stderr}", out.status);
    assert!(
        !stderr.contains("panicked"),
        "the program panicked at exit:\n{stderr}"
    );
    println!("exit_without_panic: ok");
}
