//! Arguments left out of the key: `cargo run --example ignore_args`, twice.
//!
//! `#[persist(ignore = [progress, verbose])]` keys `load` by `path` alone: a
//! different progress reporter or log level still finds the stored result.
//! An ignored argument need not be `Serialize` (a progress bar, a connection,
//! a logger), and an ignored `&mut` argument is allowed too.
//!
//! It prints `computed: …` each time the body runs and `result: …` for every
//! answer, so a script can check that a second run computes nothing.

use perscache::persist;

/// Not `Serialize`: it could not be part of a key, and need not be.
struct Progress {
    label: &'static str,
}

impl Progress {
    fn tick(&self, step: &str) {
        println!("  [{}] {step}", self.label);
    }
}

#[persist(ignore = [progress, verbose])]
fn load(path: &str, progress: &Progress, verbose: bool) -> Vec<u32> {
    println!("computed: parsed {path}");
    progress.tick("parsing");
    if verbose {
        println!("  verbose: {path} has 5 records");
    }
    (1..=5).map(|i| i * 10).collect()
}

fn main() {
    let bar = Progress { label: "bar" };
    let quiet = Progress { label: "quiet" };
    println!("result: {:?}", load("data.csv", &bar, true)); // computed
    println!("result: {:?}", load("data.csv", &quiet, false)); // same path: from the cache
    println!("result: {:?}", load("other.csv", &quiet, false)); // another path: computed
}
