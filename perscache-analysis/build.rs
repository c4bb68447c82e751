//! Records the compiler's `rustc -vV`: a proc macro is always run by the
//! compiler that built it, so this is the version of every compilation the
//! `#[persist]` macro expands in, and it enters the key of every entry.

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
}
