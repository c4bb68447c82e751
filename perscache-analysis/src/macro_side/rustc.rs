//! The compilation the macro runs in, read from rustc's own command line
//! (a proc macro runs inside rustc): the crate being compiled, its `--cfg`s
//! and code-generation flags, the target, and the file of every dependency,
//! whose name carries cargo's hash of that dependency's version, features,
//! source and profile (and, transitively, of its own dependencies').

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The compiler, recorded when perscache-analysis was built: the compiler
/// that runs the macro is the one that built it.
pub(crate) const RUSTC_VERSION: &str = env!("PERSCACHE_RUSTC_VERSION");

/// One `--extern name=path`.
#[derive(Debug, Clone)]
pub(crate) struct Extern {
    pub path: PathBuf,
    /// Cargo's hash in the file name (`libserde-<hash>.rlib`), or a digest of
    /// the file when the name has none.
    pub hash: String,
}

/// What rustc's command line says about this compilation.
#[derive(Debug, Default)]
pub(crate) struct Compilation {
    /// The crate root file (absolute).
    pub input: Option<PathBuf>,
    /// `--extern`s by the name code uses.
    pub externs: BTreeMap<String, Extern>,
    /// `-L dependency=...` folders.
    pub dep_dirs: Vec<PathBuf>,
    /// `--out-dir`.
    pub out_dir: Option<PathBuf>,
    /// `--target` as given (a triple or a spec file), else the host's triple.
    pub target: String,
    /// What of the command line can change what the code does: the
    /// compiler, the target, `--cfg`s, code-generation flags, edition, `--test`.
    pub fingerprint: [u8; 32],
    /// The same, as readable lines (for `explain` and tests).
    pub inputs: Vec<String>,
}

/// `-C` options that cannot change what a function returns (debug info,
/// linking, file names, caching): left out so that they do not split the cache.
fn inert_codegen(key: &str) -> bool {
    matches!(
        key,
        "debuginfo"
            | "embed-bitcode"
            | "incremental"
            | "metadata"
            | "extra-filename"
            | "linker"
            | "link-arg"
            | "link-args"
            | "link-self-contained"
            | "linker-flavor"
            | "linker-plugin-lto"
            | "lto"
            | "codegen-units"
            | "strip"
            | "split-debuginfo"
            | "save-temps"
            | "prefer-dynamic"
            | "rpath"
            | "default-linker-libraries"
            | "dlltool"
            | "ar"
            | "link-dead-code"
            | "profile-generate"
            | "profile-use"
            | "instrument-coverage"
            | "force-frame-pointers"
            | "force-unwind-tables"
            | "remark"
            | "symbol-mangling-version"
            | "collapse-macro-debuginfo"
            | "dwarf-version"
            | "control-flow-guard"
            | "passes"
            | "no-prepopulate-passes"
            | "no-vectorize-loops"
            | "no-vectorize-slp"
            | "no-redzone"
            | "relro-level"
            | "split-dwarf-kind"
            | "jump-tables"
    )
}

/// rustc's arguments, with `@file` arguments expanded.
pub(crate) fn args() -> Vec<String> {
    let mut out = Vec::new();
    for a in std::env::args().skip(1) {
        match a.strip_prefix('@') {
            Some(file) => {
                if let Ok(text) = std::fs::read_to_string(file) {
                    out.extend(text.lines().map(str::to_owned));
                }
            }
            None => out.push(a),
        }
    }
    out
}

impl Compilation {
    /// Reads rustc's command line `args`; relative paths are relative to `cwd`.
    pub(crate) fn from_args(args: &[String], cwd: &Path) -> Compilation {
        let mut c = Compilation::default();
        let mut cfgs = Vec::new();
        let mut codegen = Vec::new();
        let mut other = Vec::new();
        let mut target = None;
        let abs = |p: &str| {
            let p = Path::new(p);
            if p.is_absolute() {
                p.to_path_buf()
            } else {
                cwd.join(p)
            }
        };
        let mut i = 0;
        // `--flag value` or `--flag=value`.
        let value = |i: &mut usize, flag: &str, arg: &str| -> Option<String> {
            if arg == flag {
                *i += 1;
                args.get(*i).cloned()
            } else {
                arg.strip_prefix(flag)
                    .and_then(|r| r.strip_prefix('='))
                    .map(str::to_owned)
            }
        };
        while i < args.len() {
            let a = args[i].as_str();
            if let Some(v) = value(&mut i, "--cfg", a) {
                cfgs.push(v);
            } else if a == "-C" || a == "--codegen" {
                i += 1;
                if let Some(v) = args.get(i) {
                    codegen.push(v.clone());
                }
            } else if let Some(v) = a.strip_prefix("-C").filter(|v| !v.is_empty()) {
                codegen.push(v.to_owned());
            } else if let Some(v) = value(&mut i, "--codegen", a) {
                codegen.push(v);
            } else if let Some(v) = value(&mut i, "--extern", a) {
                if let Some((name, path)) = v.split_once('=') {
                    // `priv:name=...`, `noprelude:name=...`.
                    let name = name.rsplit(':').next().unwrap_or(name).to_owned();
                    let path = abs(path);
                    let hash = extern_hash(&path);
                    c.externs.insert(name, Extern { path, hash });
                }
            } else if let Some(v) = value(&mut i, "--target", a) {
                // A target spec file: its name, not where it lies.
                target = Some(
                    Path::new(&v)
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_else(|| v.clone()),
                );
                c.target = v;
            } else if let Some(v) = value(&mut i, "-L", a) {
                if let Some(d) = v.strip_prefix("dependency=") {
                    c.dep_dirs.push(abs(d));
                }
            } else if let Some(v) = value(&mut i, "--out-dir", a) {
                c.out_dir = Some(abs(&v));
            } else if let Some(v) = value(&mut i, "--edition", a) {
                other.push(format!("edition={v}"));
            } else if a == "--test" || a == "-O" {
                other.push(a.to_owned());
            } else if a == "-Z" {
                i += 1;
                if let Some(v) = args.get(i) {
                    other.push(format!("-Z{v}"));
                }
            } else if a.starts_with("-Z") {
                other.push(a.to_owned());
            } else if let Some(flag) = takes_value(a) {
                // Flags that cannot change behaviour, and their values.
                if a == flag {
                    i += 1;
                }
            } else if !a.starts_with('-') && (a.ends_with(".rs") || Path::new(a).is_file()) {
                c.input = Some(abs(a));
            } else if !is_inert_flag(a) {
                other.push(a.to_owned());
            }
            i += 1;
        }
        cfgs.sort();
        cfgs.dedup();
        codegen.retain(|kv| !inert_codegen(kv.split('=').next().unwrap_or(kv)));
        codegen.sort();
        codegen.dedup();
        let target = target.unwrap_or_else(|| host_triple().to_owned());
        if c.target.is_empty() {
            c.target = target.clone();
        }
        let mut inputs = vec![format!("rustc {RUSTC_VERSION}"), format!("target {target}")];
        inputs.extend(cfgs.iter().map(|c| format!("--cfg {c}")));
        inputs.extend(codegen.iter().map(|c| format!("-C {c}")));
        inputs.extend(other.iter().cloned());
        let mut h = blake3::Hasher::new();
        for line in &inputs {
            h.update(&(line.len() as u64).to_le_bytes());
            h.update(line.as_bytes());
        }
        c.fingerprint = *h.finalize().as_bytes();
        c.inputs = inputs;
        c
    }

    /// The target folder (the one holding `CACHEDIR.TAG`), from `--out-dir`.
    pub(crate) fn target_dir(&self) -> Option<PathBuf> {
        if let Some(t) = std::env::var_os("CARGO_TARGET_DIR").filter(|t| !t.is_empty()) {
            return Some(PathBuf::from(t));
        }
        self.out_dir
            .as_deref()
            .or(self.dep_dirs.first().map(PathBuf::as_path))?
            .ancestors()
            .find(|a| a.join("CACHEDIR.TAG").is_file())
            .map(Path::to_path_buf)
    }
}

/// Flags with a value that cannot change what the code does.
fn takes_value(a: &str) -> Option<&'static str> {
    [
        "--crate-name",
        "--crate-type",
        "--emit",
        "--error-format",
        "--json",
        "--check-cfg",
        "--cap-lints",
        "--color",
        "--diagnostic-width",
        "--remap-path-prefix",
        "--sysroot",
        "--explain",
        "--print",
        "-o",
        "-A",
        "-W",
        "-D",
        "-F",
        "--force-warn",
        "-l",
    ]
    .into_iter()
    .find(|f| {
        a == *f
            || a.strip_prefix(f)
                .is_some_and(|r| r.starts_with('=') || (f.len() == 2 && !r.is_empty()))
    })
}

fn is_inert_flag(a: &str) -> bool {
    matches!(a, "-g" | "-v" | "--verbose" | "-")
}

/// The host triple, from the recorded `rustc -vV`.
fn host_triple() -> &'static str {
    RUSTC_VERSION
        .split(';')
        .find_map(|l| l.strip_prefix("host: "))
        .unwrap_or("unknown")
}

/// Cargo's hash in a dependency's file name (`libfoo-0123abcd.rlib` →
/// `0123abcd`), else a digest of the file.
fn extern_hash(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    match stem.rsplit_once('-') {
        Some((_, h)) if h.len() >= 8 && h.chars().all(|c| c.is_ascii_hexdigit()) => h.to_owned(),
        _ => match std::fs::read(path) {
            Ok(bytes) => blake3::hash(&bytes).to_hex().to_string(),
            Err(_) => "missing".to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    const CARGO_LINE: &str = "--crate-name app --edition=2021 app/src/main.rs --error-format=json \
        --json=diagnostic-rendered-ansi,artifacts,future-incompat --crate-type bin \
        --emit=dep-info,link -C embed-bitcode=no -C debuginfo=2 --check-cfg cfg(docsrs,test) \
        -C metadata=2ce5480f64e6f592 -C extra-filename=-7a73801b9c27c05d \
        --out-dir /ws/target/debug/deps -C incremental=/ws/target/debug/incremental \
        -L dependency=/ws/target/debug/deps \
        --extern dep=/ws/target/debug/deps/libdep-9517d73897b5767e.rlib \
        --extern itoa=/ws/target/debug/deps/libitoa-6c1e270c698fa6a6.rlib";

    #[test]
    fn reads_cargos_command_line() {
        let c = Compilation::from_args(&args(CARGO_LINE), Path::new("/ws"));
        assert_eq!(c.input.as_deref(), Some(Path::new("/ws/app/src/main.rs")));
        assert_eq!(c.externs["dep"].hash, "9517d73897b5767e");
        assert_eq!(c.externs["itoa"].hash, "6c1e270c698fa6a6");
        assert_eq!(c.dep_dirs, vec![PathBuf::from("/ws/target/debug/deps")]);
    }

    #[test]
    fn the_fingerprint_follows_what_code_can_observe_only() {
        let base = Compilation::from_args(&args(CARGO_LINE), Path::new("/ws")).fingerprint;
        // Another folder, other file names, other debug info: the same.
        let moved = CARGO_LINE
            .replace("/ws/", "/elsewhere/")
            .replace("debuginfo=2", "debuginfo=0")
            .replace("metadata=2ce5480f64e6f592", "metadata=ffffffffffffffff");
        assert_eq!(
            Compilation::from_args(&args(&moved), Path::new("/elsewhere")).fingerprint,
            base
        );
        for changed in [
            format!("{CARGO_LINE} --cfg feature=\"alt\""),
            format!("{CARGO_LINE} -C opt-level=3"),
            format!("{CARGO_LINE} -C debug-assertions=off"),
            format!("{CARGO_LINE} -C overflow-checks=on"),
            format!("{CARGO_LINE} -C panic=abort"),
            format!("{CARGO_LINE} --target aarch64-unknown-linux-gnu"),
            format!("{CARGO_LINE} --test"),
            CARGO_LINE.replace("--edition=2021", "--edition=2024"),
        ] {
            assert_ne!(
                Compilation::from_args(&args(&changed), Path::new("/ws")).fingerprint,
                base,
                "{changed}"
            );
        }
    }

    #[test]
    fn the_target_is_the_one_given_else_the_host() {
        let c = Compilation::from_args(&args(CARGO_LINE), Path::new("/ws"));
        assert_eq!(c.target, host_triple());
        let given = format!("{CARGO_LINE} --target aarch64-unknown-linux-gnu");
        let c = Compilation::from_args(&args(&given), Path::new("/ws"));
        assert_eq!(c.target, "aarch64-unknown-linux-gnu");
    }
}
