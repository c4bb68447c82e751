//! Entries you can open and read while debugging:
//! `cargo run --example inspect_entries --features yaml`, twice.
//!
//! Human-readable formats (JSON, YAML, CSV) are stored bare, one file per
//! entry, under `<folder>/<crate>.<module>.<function>/<code hash>/<key>.<ext>`:
//! `cat`, `jq` or an editor shows what a function returned. This example
//! stores one result as pretty JSON and one as YAML, then prints the files.
//!
//! It prints `computed: …` each time a body runs and `result: …` for every
//! answer, so a script can check that a second run computes nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use perscache::{persist, Cache, Json};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Model {
    name: String,
    layers: Vec<u32>,
    accuracy: f64,
    notes: Option<String>,
}

static CACHE: LazyLock<Cache> = LazyLock::new(|| Cache::builder().dir(cache_dir()).build());

fn cache_dir() -> PathBuf {
    perscache::default_dir().join("inspect-example")
}

/// Pretty JSON: indented, one field a line.
#[persist(cache = CACHE, serializer = Json::pretty())]
fn train(name: &str, epochs: u32) -> Model {
    println!("computed: trained {name} for {epochs} epochs");
    Model {
        name: name.to_owned(),
        layers: vec![64, 32, 10],
        accuracy: 0.5 + f64::from(epochs) / 100.0,
        notes: None,
    }
}

/// YAML (the `yaml` feature).
#[persist(cache = CACHE, serializer = perscache::Yaml)]
fn word_counts(text: &str) -> BTreeMap<String, u32> {
    println!("computed: counted the words of {text:?}");
    let mut counts = BTreeMap::new();
    for word in text.split_whitespace() {
        *counts.entry(word.to_lowercase()).or_insert(0) += 1;
    }
    counts
}

/// Every entry file under `dir` whose name ends in `.ext`, at any depth.
fn entry_files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(entry_files(&path, ext));
        } else if path.extension().is_some_and(|e| e == ext)
            // `_stats.json` beside the entries holds the function's statistics.
            && !entry.file_name().to_string_lossy().starts_with('_')
        {
            found.push(path);
        }
    }
    found.sort();
    found
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let model = train("digits", 20);
    println!("result: {} accuracy {:.2}", model.name, model.accuracy);
    let counts = word_counts("the cat saw the other cat");
    println!("result: {counts:?}");

    for ext in ["json", "yaml"] {
        for file in entry_files(&cache_dir(), ext) {
            println!("entry file: {}", file.display());
            for line in std::fs::read_to_string(&file)?.lines() {
                println!("  | {line}");
            }
        }
    }
    Ok(())
}
