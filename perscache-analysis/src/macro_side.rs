//! What the `#[persist]` macro asks while rustc runs it: the code hash of one
//! function, from a current manifest, or else from a sound fallback.
//!
//! Both the manifest check and the fallback are computed once per rustc
//! process (in statics), so each marked function costs a map lookup.
//!
//! The fallback, used when the manifest is missing, out of date or does not
//! know the function, hashes every `.rs` file of the crate being compiled and
//! of its path dependencies (found through their `Cargo.toml`s), every file
//! those sources `include_str!`/`include_bytes!`/`include!`, the manifests
//! and `Cargo.lock`, plus the function's own tokens. Any change anywhere in
//! those sources then gives a new hash: never stale, at the cost of
//! recomputing after unrelated edits until `cargo perscache build` runs.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proc_macro2::TokenStream;

use crate::manifest::{Manifest, MANIFEST_ENV};
use crate::tokens;

/// The macro's answer for one function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MacroHash {
    /// The code hash (hex).
    pub hash: String,
    /// Files whose change must re-run the macro.
    pub track: Vec<PathBuf>,
    /// Whether the hash came from the manifest (`false`: the fallback).
    pub from_manifest: bool,
}

struct Current {
    path: PathBuf,
    /// `(canonical file, line, name)` → code hash; empty when the manifest is stale.
    hashes: HashMap<(PathBuf, u32, String), String>,
}

/// The code hash of function `name`, whose whole item is `item`, at `file:line`.
pub fn code_hash(item: &TokenStream, name: &str, file: Option<&Path>, line: usize) -> MacroHash {
    let current = current();
    let track: Vec<PathBuf> = current.map(|c| c.path.clone()).into_iter().collect();
    if let (Some(c), Some(file)) = (current, file) {
        let abs = absolute(file);
        let key = (canonical(&abs), line as u32, name.to_owned());
        if let Some(h) = c.hashes.get(&key) {
            return MacroHash {
                hash: h.clone(),
                track,
                from_manifest: true,
            };
        }
    }
    let mut h = blake3::Hasher::new();
    h.update(b"perscache fallback v1\0");
    h.update(widened().as_bytes());
    h.update(name.as_bytes());
    h.update(&tokens::token_digest(item));
    MacroHash {
        hash: h.finalize().to_hex().to_string(),
        track,
        from_manifest: false,
    }
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Where the macro looks for the manifest: `PERSCACHE_MANIFEST`, then
/// `$CARGO_TARGET_DIR/perscache/manifest.json`, then `target/perscache/manifest.json`
/// under rustc's working folder (cargo runs rustc in the workspace root) and
/// under each folder above the crate's.
pub fn manifest_candidates() -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(p) = std::env::var_os(MANIFEST_ENV).filter(|p| !p.is_empty()) {
        out.push(absolute(Path::new(&p)));
        return out;
    }
    if let Some(t) = std::env::var_os("CARGO_TARGET_DIR").filter(|p| !p.is_empty()) {
        out.push(
            absolute(Path::new(&t))
                .join("perscache")
                .join("manifest.json"),
        );
    }
    if let Ok(cwd) = std::env::current_dir() {
        out.push(cwd.join("target").join("perscache").join("manifest.json"));
    }
    if let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR") {
        for a in Path::new(&dir).ancestors() {
            out.push(a.join("target").join("perscache").join("manifest.json"));
        }
    }
    out
}

fn current() -> Option<&'static Current> {
    static CURRENT: OnceLock<Option<Current>> = OnceLock::new();
    CURRENT
        .get_or_init(|| {
            let candidates = manifest_candidates();
            let path = candidates
                .iter()
                .find(|p| p.is_file())
                .cloned()
                .or_else(|| placeholder(&candidates))?;
            let hashes = match Manifest::read(&path) {
                Ok(m) if m.stale_file().is_none() => {
                    let mut map = HashMap::new();
                    for f in &m.functions {
                        let file = canonical(&m.absolute(&f.file));
                        // The macro may report the `fn` line or the attribute's.
                        for line in [f.line, f.attr_line] {
                            map.insert((file.clone(), line, f.name.clone()), f.code_hash.clone());
                        }
                    }
                    map
                }
                _ => HashMap::new(),
            };
            Some(Current { path, hashes })
        })
        .as_ref()
}

/// With no manifest yet, writes an empty one where `cargo perscache build`
/// will put the real one (when that folder's `target` exists), so that the
/// macro can track it and rustc re-expands once the real one is written.
fn placeholder(candidates: &[PathBuf]) -> Option<PathBuf> {
    let path = candidates
        .iter()
        .find(|p| p.parent().and_then(Path::parent).is_some_and(Path::is_dir))?;
    let empty = Manifest {
        version: 0,
        root: PathBuf::new(),
        files: Vec::new(),
        functions: Vec::new(),
        notes: vec!["placeholder written by #[persist]; run `cargo perscache build`".into()],
    };
    crate::manifest::write_atomic(path, &empty.to_bytes().ok()?).ok()?;
    Some(path.clone())
}

/// The widened hash of everything the crate being compiled can see.
fn widened() -> &'static str {
    static WIDENED: OnceLock<String> = OnceLock::new();
    WIDENED.get_or_init(|| {
        let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from) else {
            // Not under cargo: nothing to vouch for, so never match an old entry.
            return format!("no cargo {:?}", std::time::SystemTime::now());
        };
        widened_hash(&dir)
    })
}

/// Hashes the sources of the package in `dir` and of its path dependencies.
pub fn widened_hash(dir: &Path) -> String {
    let dir = canonical(dir);
    let mut packages = BTreeSet::new();
    let mut extra = BTreeSet::new();
    collect_packages(&dir, &mut packages, &mut extra);
    let mut files: BTreeMap<PathBuf, ()> = BTreeMap::new();
    for p in &packages {
        for e in walkdir::WalkDir::new(p)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                let n = e.file_name().to_string_lossy();
                e.depth() == 0 || !(n.starts_with('.') || (e.file_type().is_dir() && n == "target"))
            })
            .flatten()
        {
            if e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "rs") {
                files.insert(e.path().to_path_buf(), ());
            }
        }
    }
    // Paths relative to the workspace, so that checkouts in different
    // folders (CI machines sharing a remote cache) agree.
    let base = workspace_root(&dir).unwrap_or_else(|| dir.clone());
    let rel = |p: &Path| {
        p.strip_prefix(&base)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/")
    };
    let mut h = blake3::Hasher::new();
    let mut included = BTreeSet::new();
    for f in files.keys() {
        let bytes = std::fs::read(f).unwrap_or_default();
        h.update(rel(f).as_bytes());
        h.update(blake3::hash(&bytes).as_bytes());
        for inc in included_files(&String::from_utf8_lossy(&bytes)) {
            if let Some(d) = f.parent() {
                included.insert(d.join(inc));
            }
        }
    }
    for f in included.iter().chain(&extra) {
        h.update(rel(f).as_bytes());
        match std::fs::read(f) {
            Ok(bytes) => h.update(blake3::hash(&bytes).as_bytes()),
            Err(_) => h.update(b"missing"),
        };
    }
    h.finalize().to_hex().to_string()
}

/// The string-literal arguments of `include_str!`, `include_bytes!` and
/// `include!` in `text` (a textual scan: cheap, and a false match only widens).
fn included_files(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for pat in ["include_str!", "include_bytes!", "include!"] {
        let mut rest = text;
        while let Some(i) = rest.find(pat) {
            rest = &rest[i + pat.len()..];
            let arg = rest
                .trim_start()
                .trim_start_matches(['(', '[', '{'])
                .trim_start();
            if let Some(s) = arg.strip_prefix('"') {
                if let Some(end) = s.find('"') {
                    out.push(s[..end].to_owned());
                }
            }
        }
    }
    out
}

/// The package at `dir`, and recursively its path dependencies; `extra`
/// gets their `Cargo.toml`s and the nearest `Cargo.lock`.
fn collect_packages(dir: &Path, packages: &mut BTreeSet<PathBuf>, extra: &mut BTreeSet<PathBuf>) {
    if !packages.insert(dir.to_path_buf()) {
        return;
    }
    let manifest = dir.join("Cargo.toml");
    extra.insert(manifest.clone());
    if let Some(lock) = dir
        .ancestors()
        .map(|a| a.join("Cargo.lock"))
        .find(|p| p.is_file())
    {
        extra.insert(lock);
    }
    let Ok(text) = std::fs::read_to_string(&manifest) else {
        return;
    };
    let Ok(doc) = text.parse::<toml::Table>() else {
        return;
    };
    let workspace_deps = workspace_root(dir).and_then(|root| {
        let t = std::fs::read_to_string(root.join("Cargo.toml"))
            .ok()?
            .parse::<toml::Table>()
            .ok()?;
        let deps = t.get("workspace")?.get("dependencies")?.as_table()?.clone();
        Some((root, deps))
    });
    let mut tables = Vec::new();
    for key in ["dependencies", "dev-dependencies", "build-dependencies"] {
        if let Some(t) = doc.get(key).and_then(|v| v.as_table()) {
            tables.push(t.clone());
        }
    }
    if let Some(targets) = doc.get("target").and_then(|v| v.as_table()) {
        for t in targets.values() {
            for key in ["dependencies", "dev-dependencies", "build-dependencies"] {
                if let Some(t) = t.get(key).and_then(|v| v.as_table()) {
                    tables.push(t.clone());
                }
            }
        }
    }
    for table in tables {
        for (name, spec) in &table {
            let path = match spec.get("path").and_then(|p| p.as_str()) {
                Some(p) => Some(dir.join(p)),
                None if spec.get("workspace").and_then(|w| w.as_bool()) == Some(true) => {
                    workspace_deps.as_ref().and_then(|(root, deps)| {
                        deps.get(name)
                            .and_then(|d| d.get("path"))
                            .and_then(|p| p.as_str())
                            .map(|p| root.join(p))
                    })
                }
                None => None,
            };
            if let Some(p) = path {
                collect_packages(&canonical(&p), packages, extra);
            }
        }
    }
}

fn workspace_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|a| {
            std::fs::read_to_string(a.join("Cargo.toml"))
                .ok()
                .and_then(|t| t.parse::<toml::Table>().ok())
                .is_some_and(|t| t.contains_key("workspace"))
        })
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::included_files;

    #[test]
    fn finds_included_files() {
        let text = r#"const A: &str = include_str!("data/a.txt"); static B: &[u8] = include_bytes!( "b.bin" );"#;
        assert_eq!(
            included_files(text),
            vec!["data/a.txt".to_owned(), "b.bin".to_owned()]
        );
    }
}
