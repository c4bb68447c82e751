//! The sound fallback when the analysis cannot run: a hash widened over
//! every source of the crate being compiled, of its path dependencies and of
//! every package of its workspace
//! (found through their `Cargo.toml`s), every file those sources
//! `include_str!`/`include_bytes!`/`include!`, the manifests and
//! `Cargo.lock`, and every other file of those packages (a path built by
//! `concat!` inside a macro is read by no scan). Any change anywhere in
//! those packages gives a new hash: never stale, at the cost of recomputing
//! after unrelated edits.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Hashes the sources of the package in `dir` and of its path dependencies.
pub fn widened_hash(dir: &Path) -> String {
    widened(dir).hash
}

/// What the fallback covers.
pub(crate) struct Widened {
    /// The hash of every file below.
    pub hash: String,
    /// The environment variables the sources read with `env!` /
    /// `option_env!` (found textually).
    pub env: BTreeSet<String>,
    /// The Rust sources hashed.
    pub sources: Vec<PathBuf>,
}

/// The widened hash of the package in `dir`.
pub(crate) fn widened(dir: &Path) -> Widened {
    let dir = canonical(dir);
    let mut packages = BTreeSet::new();
    let mut extra = BTreeSet::new();
    collect_packages(&dir, &mut packages, &mut extra);
    // And every package of the workspace: a crate that depends on this one
    // may instantiate its generic functions with types of its own, or hand
    // it trait objects and closures.
    if let Some(root) = workspace_root(&dir) {
        for e in walkdir::WalkDir::new(&root)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                let n = e.file_name().to_string_lossy();
                e.depth() == 0 || !(n.starts_with('.') || (e.file_type().is_dir() && n == "target"))
            })
            .flatten()
        {
            if e.file_type().is_file() && e.file_name() == "Cargo.toml" {
                if let Some(p) = e.path().parent() {
                    collect_packages(p, &mut packages, &mut extra);
                }
            }
        }
    }
    let mut files: BTreeMap<PathBuf, ()> = BTreeMap::new();
    let mut data: BTreeSet<PathBuf> = BTreeSet::new();
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
            if e.file_type().is_file() {
                if e.path().extension().is_some_and(|x| x == "rs") {
                    files.insert(e.path().to_path_buf(), ());
                } else {
                    data.insert(e.path().to_path_buf());
                }
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
    let mut env = BTreeSet::new();
    for f in files.keys() {
        let bytes = std::fs::read(f).unwrap_or_default();
        h.update(rel(f).as_bytes());
        h.update(blake3::hash(&bytes).as_bytes());
        let text = String::from_utf8_lossy(&bytes);
        env.extend(macro_string_args(&text, &["env!", "option_env!"]));
        for inc in included_files(&text) {
            if let Some(d) = f.parent() {
                included.insert(d.join(inc));
            }
        }
    }
    for f in included.iter().chain(&extra).chain(&data) {
        h.update(rel(f).as_bytes());
        h.update(&file_digest(f));
    }
    Widened {
        hash: h.finalize().to_hex().to_string(),
        env,
        sources: files.into_keys().collect(),
    }
}

/// Files above this size are hashed by length and modification time: a
/// data folder of gigabytes must not be read at every compilation.
const LARGE_FILE: u64 = 16 << 20;

fn file_digest(f: &Path) -> [u8; 32] {
    let Ok(meta) = std::fs::metadata(f) else {
        return *blake3::hash(b"missing").as_bytes();
    };
    if meta.len() > LARGE_FILE {
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        let mut h = blake3::Hasher::new();
        h.update(&meta.len().to_le_bytes());
        h.update(&modified.to_le_bytes());
        return *h.finalize().as_bytes();
    }
    match std::fs::read(f) {
        Ok(bytes) => *blake3::hash(&bytes).as_bytes(),
        Err(_) => *blake3::hash(b"unreadable").as_bytes(),
    }
}

/// The string-literal arguments of `include_str!`, `include_bytes!` and
/// `include!` in `text` (a textual scan: cheap, and a false match only widens).
fn included_files(text: &str) -> Vec<String> {
    macro_string_args(text, &["include_str!", "include_bytes!", "include!"])
}

/// The first string-literal argument of each invocation of these macros.
fn macro_string_args(text: &str, macros: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for &pat in macros {
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

pub(crate) fn workspace_root(dir: &Path) -> Option<PathBuf> {
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
