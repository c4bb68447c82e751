#![allow(missing_docs)] // criterion_group! generates an undocumented function.
//! Analysis speed on a generated workspace of about 300,000 lines.
//!
//! `cargo bench -p perscache-analysis --bench analysis` measures:
//! - `cold`: no parse cache (every file read and parsed);
//! - `warm`: nothing changed since the last run (the cache answers);
//! - `one_edit`: one file changed since the last run;
//! - `macro_fallback`: what `#[persist]` pays once per rustc process without a
//!   current manifest (hashing the crate's sources), and `manifest_check`:
//!   what it pays with one (checking every file's digest).
//!
//! `PERSCACHE_BENCH_LINES` sets the size (default 300000).

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use perscache_analysis::{analyze, Options, Workspace};

const CRATES: usize = 10;
const LINES_PER_MODULE: usize = 300;

fn module_source(krate: usize, m: usize, modules: usize) -> String {
    let mut s = String::new();
    let prev = (m + modules - 1) % modules;
    let _ = writeln!(s, "//! Module {m} of crate {krate}.\n");
    let _ = writeln!(s, "use std::fmt;");
    let _ = writeln!(s, "use crate::m{prev}::Item{prev};");
    if krate > 0 {
        let _ = writeln!(s, "use gen{}::m{m}::helper_{m}_0 as upstream;", krate - 1);
    }
    let _ = writeln!(
        s,
        "\n/// A constant.\npub const LIMIT_{m}: u64 = {};\n",
        m * 7 + krate
    );
    let _ = writeln!(
        s,
        "/// An item.\n#[derive(Debug, Clone, Default)]\npub struct Item{m} {{\n    pub id: u64,\n    pub name: String,\n    pub values: Vec<u64>,\n}}\n"
    );
    let _ = writeln!(s, "impl Item{m} {{");
    for k in 0..6 {
        let _ = writeln!(
            s,
            "    /// Method {k}.\n    pub fn method_{k}(&self, x: u64) -> u64 {{\n        let mut acc = self.id.wrapping_add(x);\n        for v in &self.values {{\n            acc = acc.wrapping_mul(31).wrapping_add(*v);\n        }}\n        acc ^ LIMIT_{m}\n    }}\n"
        );
    }
    let _ = writeln!(s, "}}\n");
    let _ = writeln!(
        s,
        "impl fmt::Display for Item{m} {{\n    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {{\n        write!(f, \"{{}}:{{}}\", self.id, self.name)\n    }}\n}}\n"
    );
    let mut line_count = s.lines().count();
    let mut k = 0;
    while line_count < LINES_PER_MODULE - 12 {
        let callee = if k == 0 {
            if krate > 0 {
                "upstream(x)".to_owned()
            } else {
                format!("Item{prev}::default().method_0(x)")
            }
        } else {
            format!("helper_{m}_{}(x / 2)", k - 1)
        };
        let marked = if k % 10 == 5 && m % 4 == 0 {
            "#[perscache::persist]\n"
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "/// Helper {k}: computes something.\n{marked}pub fn helper_{m}_{k}(x: u64) -> u64 {{\n    // Mixes in the previous helper.\n    let item = Item{m} {{ id: x, name: format!(\"n{{x}}\"), values: vec![x, x + 1] }};\n    let y = item.method_{}(x).wrapping_add({callee});\n    if y % 3 == 0 {{\n        y.rotate_left(5)\n    }} else {{\n        y ^ LIMIT_{m}\n    }}\n}}\n",
            k % 6
        );
        line_count = s.lines().count();
        k += 1;
    }
    s
}

/// Writes a workspace of about `lines` lines under `root`.
fn generate(root: &Path, lines: usize) -> std::io::Result<()> {
    let modules = (lines / LINES_PER_MODULE / CRATES).max(1);
    let mut members = String::new();
    for c in 0..CRATES {
        let _ = write!(members, "\"gen{c}\", ");
        let dir = root.join(format!("gen{c}"));
        std::fs::create_dir_all(dir.join("src"))?;
        let dep = if c > 0 {
            format!("gen{} = {{ path = \"../gen{}\" }}\n", c - 1, c - 1)
        } else {
            String::new()
        };
        std::fs::write(
            dir.join("Cargo.toml"),
            format!("[package]\nname = \"gen{c}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{dep}"),
        )?;
        let mut lib = String::from("//! Generated.\n\n");
        for m in 0..modules {
            let _ = writeln!(lib, "pub mod m{m};");
            std::fs::write(
                dir.join("src").join(format!("m{m}.rs")),
                module_source(c, m, modules),
            )?;
        }
        std::fs::write(dir.join("src/lib.rs"), lib)?;
    }
    std::fs::write(
        root.join("Cargo.toml"),
        format!("[workspace]\nmembers = [{members}]\nresolver = \"2\"\n"),
    )?;
    Ok(())
}

fn bench(c: &mut Criterion) {
    let lines: usize = std::env::var("PERSCACHE_BENCH_LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300_000);
    let Ok(dir) = tempfile::tempdir() else { return };
    if let Err(e) = generate(dir.path(), lines) {
        eprintln!("cannot generate the workspace: {e}");
        return;
    }
    let ws = match Workspace::load(Some(&dir.path().join("Cargo.toml"))) {
        Ok(ws) => ws,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    let cache = dir.path().join("target/perscache/parse-cache.bin");
    let first = analyze(
        &ws,
        &Options {
            cache: Some(cache.clone()),
            progress: None,
        },
    );
    match &first {
        Ok(a) => eprintln!(
            "generated workspace: {} files, {} lines, {} items, {} marked functions",
            a.files,
            a.lines,
            a.items,
            a.manifest.functions.len()
        ),
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    }

    let mut g = c.benchmark_group("analysis");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("cold", |b| {
        b.iter(|| analyze(&ws, &Options::default()).map(|a| a.manifest.functions.len()))
    });
    // A file written long ago, so the cache trusts its time stamp.
    std::thread::sleep(Duration::from_millis(2100));
    let warm = Options {
        cache: Some(cache.clone()),
        progress: None,
    };
    let _ = analyze(&ws, &warm);
    g.bench_function("warm", |b| b.iter(|| analyze(&ws, &warm).map(|a| a.parsed)));
    let edited = dir.path().join("gen5/src/m3.rs");
    let mut n = 0u64;
    g.bench_function("one_edit", |b| {
        b.iter(|| {
            n += 1;
            let _ = std::fs::write(
                &edited,
                module_source(5, 3, 10) + &format!("\n// edit {n}\npub const EDIT: u64 = {n};\n"),
            );
            analyze(&ws, &warm).map(|a| a.parsed)
        })
    });
    g.bench_function("macro_fallback", |b| {
        b.iter(|| perscache_analysis::macro_side::widened_hash(&dir.path().join("gen9")))
    });
    if let Ok(a) = analyze(&ws, &warm) {
        g.bench_function("manifest_check", |b| b.iter(|| a.manifest.stale_file()));
    }
    g.bench_function("cargo_metadata", |b| {
        b.iter(|| Workspace::load(Some(&dir.path().join("Cargo.toml"))).map(|w| w.crates.len()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
