//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use perscache::Cache;

/// A fresh folder that outlives the test (statics hold caches built on it),
/// under Cargo's scratch folder for integration tests (`target/tmp`), so that
/// test runs do not leave folders in the system's temporary folder.
pub fn temp_dir() -> PathBuf {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("temp dir")
        .keep()
}

/// A cache on a fresh folder, strict so that any cache failure fails the test.
pub fn temp_cache() -> Cache {
    Cache::builder().dir(temp_dir()).strict(true).build()
}

/// Every file under `dir`, recursively, relative to it.
pub fn files(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(rel) = p.strip_prefix(dir) {
                out.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    out.sort();
    out
}
