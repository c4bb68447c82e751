//! A simple data store: `cargo run --example data_store`, twice.
//!
//! Records fetched once are kept for good in a folder of their own, one file
//! per record, and served from there on every later run. `max_size` bounds the
//! store: past it, the least recently used records go first. The store counts
//! its hits and misses per function (`_stats.json`, what `cargo perscache
//! stats` shows).
//!
//! It prints `computed: …` each time a record is fetched and `result: …` for
//! every record, so a script can check that a second run fetches nothing.

use std::sync::LazyLock;

use perscache::{persist, Cache, Json};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Station {
    id: u32,
    name: String,
    elevation_m: i32,
}

/// The store: JSON files (readable with any tool) in a folder of their own,
/// at most 10 MiB of them.
static STORE: LazyLock<Cache> = LazyLock::new(|| {
    Cache::builder()
        .dir(perscache::default_dir().join("data-store-example"))
        .format(Json)
        .max_size(10 << 20)
        .build()
});

/// Stands in for a download from a slow registry of weather stations.
#[persist(cache = STORE)]
fn station(id: u32) -> Station {
    println!("computed: downloaded station {id}");
    std::thread::sleep(std::time::Duration::from_millis(100));
    Station {
        id,
        name: format!("station-{id:03}"),
        elevation_m: (id as i32 * 37) % 900,
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for id in [3, 1, 4, 1, 5, 9, 2, 6, 5, 3] {
        let s = station(id);
        println!("result: {} {} at {} m", s.id, s.name, s.elevation_m);
    }

    // Write this run's counts, then read the store's statistics back.
    perscache::flush_stats();
    for stats in pollster::block_on(perscache::read_stats(STORE.storage().as_ref()))? {
        println!(
            "  {}: {} hits, {} misses over all runs ({:.0}% hits)",
            stats.function,
            stats.hits,
            stats.misses,
            stats.hit_ratio() * 100.0
        );
    }
    println!("  the store is {}", STORE.storage());
    Ok(())
}
