//! The README's quick start: `cargo run --example quickstart`, twice.
//!
//! The first run computes; the second is served from the cache on disk, in
//! `$PERSCACHE_DIR` or the user's cache folder.
//!
//! Like every example here, it prints `computed: …` when a function body runs
//! and `result: …` for what the caller got, so `scripts/examples.sh` can check
//! that a second run prints the same results without computing anything.

use std::time::{Duration, Instant};

use perscache::persist;
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
struct Forecast {
    city: String,
    days: Vec<f64>,
}

/// Stands in for something slow or costly: a paid API, a long computation.
#[persist]
fn forecast(city: &str, days: u32) -> Forecast {
    println!("computed: the forecast for {city}, {days} days");
    std::thread::sleep(Duration::from_millis(1500));
    Forecast {
        city: city.to_owned(),
        days: (0..days).map(|d| 10.0 + f64::from(d) * 0.5).collect(),
    }
}

#[persist(ttl = "1h")]
fn exchange_rate(from: &str, to: &str) -> Result<f64, String> {
    println!("computed: asked the bank for {from}/{to}");
    std::thread::sleep(Duration::from_millis(500));
    match (from, to) {
        ("EUR", "USD") => Ok(1.08),
        _ => Err(format!("no rate for {from}/{to}")), // errors are never cached
    }
}

fn main() {
    for round in 1..=2 {
        let started = Instant::now();
        let f = forecast("Lisbon", 3);
        let rate = exchange_rate("EUR", "USD");
        println!(
            "result: round {round}: {} {:?}, EUR/USD {rate:?}",
            f.city, f.days
        );
        println!("  round {round} took {:.1?}", started.elapsed());
    }
    println!(
        "entries are in {}",
        perscache::Config::load()
            .map(|c| c.storage_url())
            .unwrap_or_default()
    );
    println!("run me again: the first round is served from disk this time.");
}
