//! A format of your own from two closures (the Python original's
//! `make_serializer`): `cargo run --example custom_format`, twice.
//!
//! `Custom::new_text(name, extension, encode, decode)` makes a text format
//! whose entries are stored bare (other tools read them); `Custom::new` a
//! binary one, framed with a checksum. The name enters every key and closures
//! cannot be hashed: **change the name when you change what the closures
//! write**, so that old entries are not read by the new code.
//!
//! It prints `computed: …` each time a body runs and `result: …` for every
//! answer, so a script can check that a second run computes nothing.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use perscache::{persist, Cache, Custom, FnCustom};

/// One string a line, as a `.txt` file. A `const` of plain functions
/// (closures that capture nothing), so `#[persist]` can name it.
const LINES: FnCustom<Vec<String>> = Custom::new_text(
    "lines-v1",
    "txt",
    |lines: &Vec<String>| Ok(lines.join("\n").into_bytes()),
    |bytes: &[u8]| {
        Ok(std::str::from_utf8(bytes)?
            .lines()
            .map(String::from)
            .collect())
    },
);

/// A `u64` as 8 little-endian bytes: binary, so checksummed.
const LE_U64: FnCustom<u64> = Custom::new(
    "u64-le-v1",
    "u64",
    |v: &u64| Ok(v.to_le_bytes().to_vec()),
    |bytes: &[u8]| Ok(u64::from_le_bytes(bytes.try_into()?)),
);

static CACHE: LazyLock<Cache> = LazyLock::new(|| Cache::builder().dir(cache_dir()).build());

fn cache_dir() -> PathBuf {
    perscache::default_dir().join("custom-format-example")
}

#[persist(cache = CACHE, serializer = LINES)]
fn table_of_contents(book: &str) -> Vec<String> {
    println!("computed: the contents of {book}");
    (1..=3).map(|i| format!("{book}, chapter {i}")).collect()
}

#[persist(cache = CACHE, serializer = LE_U64)]
fn collatz_steps(n: u64) -> u64 {
    println!("computed: collatz steps of {n}");
    let (mut n, mut steps) = (n, 0);
    while n != 1 {
        n = if n.is_multiple_of(2) {
            n / 2
        } else {
            3 * n + 1
        };
        steps += 1;
    }
    steps
}

/// The `.txt` entries under `dir`, at any depth.
fn text_entries(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(text_entries(&path));
        } else if path.extension().is_some_and(|e| e == "txt") {
            found.push(path);
        }
    }
    found
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("result: {:?}", table_of_contents("Dune"));
    println!("result: collatz_steps(27) = {}", collatz_steps(27));
    for file in text_entries(&cache_dir()) {
        println!("entry file: {}", file.display());
        for line in std::fs::read_to_string(&file)?.lines() {
            println!("  | {line}");
        }
    }
    Ok(())
}
