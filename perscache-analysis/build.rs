//! Records what the analysis' results depend on besides its inputs:
//!
//! - the compiler's `rustc -vV`: a proc macro is always run by the compiler
//!   that built it, so this is the version of every compilation the
//!   `#[persist]` macro expands in, and it enters the key of every entry;
//! - a digest of the parser's sources, so that a parse cache written by
//!   another parser is never read.

use std::path::Path;

fn main() {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let version = std::process::Command::new(rustc)
        .arg("-vV")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).replace('\n', ";"))
        .unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=PERSCACHE_RUSTC_VERSION={version}");
    println!("cargo:rerun-if-env-changed=RUSTC");

    let mut h = 0xcbf2_9ce4_8422_2325_u64;
    let mut files: Vec<_> = [
        "src/tokens.rs",
        "src/parse/mod.rs",
        "src/parse/items.rs",
        "src/parse/collect.rs",
        "src/parse/macros.rs",
    ]
    .into_iter()
    .map(Path::new)
    .collect();
    files.sort();
    for f in files {
        println!("cargo:rerun-if-changed={}", f.display());
        for b in std::fs::read(f).unwrap_or_default() {
            // FNV-1a: enough to tell parser versions apart.
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    println!("cargo:rustc-env=PERSCACHE_PARSER_DIGEST={h:016x}");
}
