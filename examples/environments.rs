//! One cache, configured by where the program runs:
//! `cargo run --example environments`, twice.
//!
//! - `DEBUG` set: caching off, every call runs (while you change the code);
//! - `CACHE_BUCKET_URL` set (in CI, e.g. `s3://team-bucket/ci`, with the
//!   `s3` feature and the AWS variables): a bucket the CI machines share;
//! - otherwise (a laptop): a folder in the user's cache folder.
//!
//! The functions name the cache once (`cache = CACHE`) and never change.
//! Without any code, the default cache does the same from the environment:
//! `PERSCACHE=off`, `PERSCACHE_URL=s3://…` or `PERSCACHE_DIR=…` (README,
//! "Configuration").
//!
//! It prints `computed: …` each time the body runs and `result: …` for every
//! answer, so a script can check that a second run computes nothing (and that
//! with `DEBUG` set, every run computes).

use std::sync::LazyLock;
use std::time::Duration;

use perscache::{persist, Cache, NoCache};

static CACHE: LazyLock<Cache> = LazyLock::new(|| {
    if std::env::var_os("DEBUG").is_some() {
        println!("config: DEBUG is set: caching off");
        return NoCache.into();
    }
    if let Ok(url) = std::env::var("CACHE_BUCKET_URL") {
        match Cache::builder().url(&url) {
            Ok(builder) => {
                println!("config: the shared bucket {url}");
                return builder.ttl(Duration::from_secs(7 * 86_400)).build();
            }
            // A bad URL (or a backend whose feature is off) must not stop the
            // program: it runs without a cache, and says why.
            Err(e) => {
                eprintln!("config: CACHE_BUCKET_URL is unusable ({e}): caching off");
                return NoCache.into();
            }
        }
    }
    let dir = perscache::default_dir().join("environments-example");
    println!("config: the local folder {}", dir.display());
    Cache::builder().dir(dir).build()
});

#[persist(cache = CACHE)]
fn build_report(team: &str, week: u32) -> String {
    println!("computed: the week {week} report of {team}");
    std::thread::sleep(Duration::from_millis(300));
    format!(
        "{team}, week {week}: {} tickets closed",
        team.len() as u32 * week
    )
}

fn main() {
    println!("result: {}", build_report("platform", 48));
    println!("result: {}", build_report("search", 48));
}
