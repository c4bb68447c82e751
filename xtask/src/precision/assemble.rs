//! A workspace of real crates, copied from the local cargo registry at the
//! versions this repository's Cargo.lock pins: their dependencies on each
//! other become path dependencies (so Cargo's graph links the copies),
//! dev-dependencies go (they are not needed and are rarely downloaded), and
//! optional dependencies that are not in the local registry go with the
//! features naming them, so `cargo metadata --offline --all-features` works.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use semver::{Version, VersionReq};
use toml::{Table, Value};

/// What was built.
#[derive(Debug, Clone, Default)]
pub struct Assembled {
    /// `(package, version)` of every crate copied.
    pub crates: Vec<(String, Version)>,
    /// Crates asked for but not copied, and why.
    pub skipped: Vec<String>,
    /// `package: dependency` optional dependencies removed (not downloaded).
    pub dropped: Vec<String>,
}

/// The `src` folders of the local registries (`$CARGO_HOME/registry/src/*`).
pub fn registry_sources() -> Vec<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    let Some(home) = home else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(home.join("registry").join("src"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// Every downloaded crate: name → versions → folder.
fn downloaded(registries: &[PathBuf]) -> BTreeMap<String, BTreeMap<Version, PathBuf>> {
    let mut out: BTreeMap<String, BTreeMap<Version, PathBuf>> = BTreeMap::new();
    for reg in registries {
        for entry in std::fs::read_dir(reg).into_iter().flatten().flatten() {
            let file_name = entry.file_name();
            let name = file_name.to_string_lossy();
            // `name-version`, where the name may hold `-` and the version
            // may too (pre-releases): the first split whose right side parses.
            let split = name.match_indices('-').find_map(|(i, _)| {
                let v = Version::parse(name.get(i + 1..)?).ok()?;
                Some((name.get(..i)?.to_owned(), v))
            });
            if let Some((n, v)) = split {
                out.entry(n).or_default().insert(v, entry.path());
            }
        }
    }
    out
}

/// The versions of each registry package in a Cargo.lock.
fn locked(lock: &Path) -> Result<BTreeMap<String, Vec<Version>>> {
    let text =
        std::fs::read_to_string(lock).with_context(|| format!("reading {}", lock.display()))?;
    let table: Table = text
        .parse()
        .with_context(|| format!("parsing {}", lock.display()))?;
    let mut out: BTreeMap<String, Vec<Version>> = BTreeMap::new();
    for p in table
        .get("package")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let registry = p
            .get("source")
            .and_then(Value::as_str)
            .is_some_and(|s| s.starts_with("registry+") || s.starts_with("sparse+"));
        let (Some(name), Some(version)) = (
            p.get("name").and_then(Value::as_str),
            p.get("version").and_then(Value::as_str),
        ) else {
            continue;
        };
        if let (true, Ok(v)) = (registry, Version::parse(version)) {
            out.entry(name.to_owned()).or_default().push(v);
        }
    }
    Ok(out)
}

/// A wanted crate: `name` or `name@MAJOR` (the highest locked version of
/// that major, when the lock holds several).
fn choose(spec: &str, locked: &BTreeMap<String, Vec<Version>>) -> Option<(String, Version)> {
    let (name, major) = match spec.split_once('@') {
        Some((n, m)) => (n, m.parse::<u64>().ok()),
        None => (spec, None),
    };
    let v = locked
        .get(name)?
        .iter()
        .filter(|v| major.is_none_or(|m| v.major == m))
        .max()?
        .clone();
    Some((name.to_owned(), v))
}

/// Copies the wanted crates into `dest/crates/<name>` and writes the
/// workspace around them; `lock` seeds the new workspace's Cargo.lock so
/// external dependencies keep the versions already downloaded.
pub fn assemble(
    wanted: &[&str],
    lock: &Path,
    registries: &[PathBuf],
    dest: &Path,
) -> Result<Assembled> {
    let locked = locked(lock)?;
    let have = downloaded(registries);
    let mut out = Assembled::default();
    let mut chosen: BTreeMap<String, (Version, PathBuf)> = BTreeMap::new();
    for spec in wanted {
        let Some((name, v)) = choose(spec, &locked) else {
            out.skipped.push(format!("{spec}: not in Cargo.lock"));
            continue;
        };
        match have.get(&name).and_then(|vs| vs.get(&v)) {
            Some(dir) => {
                chosen.insert(name, (v, dir.clone()));
            }
            None => out.skipped.push(format!(
                "{name}@{v}: not in the local registry (run `cargo fetch`)"
            )),
        }
    }
    if chosen.is_empty() {
        bail!(
            "none of the crates is in the local registry ({}); run `cargo fetch` first",
            registries
                .iter()
                .map(|r| r.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let crates = dest.join("crates");
    for (name, (version, from)) in &chosen {
        let to = crates.join(name);
        copy_dir(from, &to)?;
        let manifest = to.join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest)
            .with_context(|| format!("reading {}", manifest.display()))?;
        let mut table: Table = text
            .parse()
            .with_context(|| format!("parsing {}", manifest.display()))?;
        let dropped = rewrite_manifest(&mut table, &chosen, &have);
        out.dropped
            .extend(dropped.into_iter().map(|d| format!("{name}: {d}")));
        std::fs::write(&manifest, toml::to_string(&table)?)
            .with_context(|| format!("writing {}", manifest.display()))?;
        // A member's own lock file is ignored by Cargo; it only confuses readers.
        let _ = std::fs::remove_file(to.join("Cargo.lock"));
        out.crates.push((name.clone(), version.clone()));
    }
    let members: Vec<String> = chosen.keys().map(|n| format!("\"crates/{n}\"")).collect();
    std::fs::write(
        dest.join("Cargo.toml"),
        format!(
            "# Generated by `cargo xtask precision`.\n[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )?;
    std::fs::copy(lock, dest.join("Cargo.lock")).context("seeding Cargo.lock")?;
    Ok(out)
}

/// Points dependencies on chosen crates at their copies, removes
/// dev-dependencies and optional dependencies with no downloaded version.
/// Returns the optional dependencies removed.
fn rewrite_manifest(
    table: &mut Table,
    chosen: &BTreeMap<String, (Version, PathBuf)>,
    have: &BTreeMap<String, BTreeMap<Version, PathBuf>>,
) -> Vec<String> {
    let mut dropped = Vec::new();
    for key in ["dev-dependencies", "dev_dependencies"] {
        table.remove(key);
    }
    let mut dep_tables: Vec<&mut Table> = Vec::new();
    let mut targets: Vec<&mut Table> = Vec::new();
    for (key, value) in table.iter_mut() {
        match (key.as_str(), value) {
            ("dependencies" | "build-dependencies" | "build_dependencies", Value::Table(t)) => {
                dep_tables.push(t)
            }
            ("target", Value::Table(t)) => {
                for (_, cfg) in t.iter_mut() {
                    if let Value::Table(c) = cfg {
                        targets.push(c);
                    }
                }
            }
            _ => {}
        }
    }
    for c in targets {
        c.remove("dev-dependencies");
        c.remove("dev_dependencies");
        for (key, value) in c.iter_mut() {
            if let ("dependencies" | "build-dependencies" | "build_dependencies", Value::Table(t)) =
                (key.as_str(), value)
            {
                dep_tables.push(t);
            }
        }
    }
    let mut remaining = BTreeSet::new();
    for deps in dep_tables {
        let keys: Vec<String> = deps.keys().cloned().collect();
        for key in keys {
            let Some(spec) = deps.get_mut(&key) else {
                continue;
            };
            if let Value::String(v) = spec {
                let mut t = Table::new();
                t.insert("version".into(), Value::String(v.clone()));
                *spec = Value::Table(t);
            }
            let Value::Table(spec) = spec else { continue };
            let package = spec
                .get("package")
                .and_then(Value::as_str)
                .unwrap_or(&key)
                .to_owned();
            let req = spec
                .get("version")
                .and_then(Value::as_str)
                .and_then(|r| VersionReq::parse(r).ok());
            let optional = spec
                .get("optional")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if let Some((v, _)) = chosen.get(&package) {
                if req.as_ref().is_none_or(|r| r.matches(v)) {
                    spec.insert("path".into(), Value::String(format!("../{package}")));
                    spec.remove("registry");
                    continue;
                }
            }
            let available = have
                .get(&package)
                .is_some_and(|vs| vs.keys().any(|v| req.as_ref().is_none_or(|r| r.matches(v))));
            if !available && optional {
                deps.remove(&key);
                dropped.push(key);
            }
        }
        remaining.extend(deps.keys().cloned());
    }
    drop_features(table, &remaining, &dropped);
    dropped
}

/// Removes from `[features]` what names a dependency that is gone
/// (dev-dependencies, optional ones dropped): `dep:x`, `x/f`, `x?/f`, and
/// `x` when no feature has that name; and the features named after dropped
/// optional dependencies.
fn drop_features(table: &mut Table, remaining: &BTreeSet<String>, dropped: &[String]) {
    let Some(Value::Table(features)) = table.get_mut("features") else {
        return;
    };
    for d in dropped {
        features.remove(d);
    }
    let names: BTreeSet<String> = features.keys().cloned().collect();
    let keep = |s: &str| {
        if let Some(d) = s.strip_prefix("dep:") {
            remaining.contains(d)
        } else if let Some((d, _)) = s.split_once('/') {
            remaining.contains(d.trim_end_matches('?'))
        } else {
            names.contains(s) || remaining.contains(s)
        }
    };
    for (_, list) in features.iter_mut() {
        if let Value::Array(items) = list {
            items.retain(|i| i.as_str().is_none_or(keep));
        }
    }
}

/// Copies a folder (not `target/`), every file writable: the benchmark
/// edits them.
fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    for entry in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_entry(|e| !(e.depth() == 1 && e.file_name() == "target"))
    {
        let entry = entry?;
        let rel = entry.path().strip_prefix(from)?;
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest)?;
        } else if entry.file_type().is_file() {
            // Read and written, not `fs::copy`: a new file with the default
            // permissions, whatever the registry's were.
            let bytes = std::fs::read(entry.path())
                .with_context(|| format!("reading {}", entry.path().display()))?;
            std::fs::write(&dest, bytes).with_context(|| format!("writing {}", dest.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(s: &str) -> Table {
        s.parse().expect("toml")
    }

    #[test]
    fn manifest_rewrite_links_copies_and_drops_what_is_missing() {
        let mut t = table(
            r#"
[package]
name = "a"
[features]
full = ["dep:gone", "other/x", "gone/y", "kept", "x?/f", "y/g"]
gone = ["dep:gone"]
kept = []
[dependencies]
b = "1.2"
c = { version = "2", package = "c-real" }
other = "9"
gone = { version = "1", optional = true }
[dev-dependencies]
x = "1"
[target.'cfg(unix)'.dependencies]
b = { version = "1" }
[target.'cfg(unix)'.dev-dependencies]
y = "1"
"#,
        );
        let chosen: BTreeMap<String, (Version, PathBuf)> = [
            ("b".to_owned(), (Version::new(1, 3, 0), PathBuf::new())),
            ("c-real".to_owned(), (Version::new(3, 0, 0), PathBuf::new())),
        ]
        .into_iter()
        .collect();
        let have: BTreeMap<String, BTreeMap<Version, PathBuf>> = [(
            "other".to_owned(),
            [(Version::new(9, 1, 0), PathBuf::new())]
                .into_iter()
                .collect(),
        )]
        .into_iter()
        .collect();
        let dropped = rewrite_manifest(&mut t, &chosen, &have);
        assert_eq!(dropped, vec!["gone".to_owned()]);
        let deps = t["dependencies"].as_table().expect("deps");
        assert_eq!(deps["b"]["path"].as_str(), Some("../b"));
        assert!(
            deps["c"].get("path").is_none(),
            "c-real 3.0 does not match ^2"
        );
        assert!(
            deps.get("other").is_some(),
            "not optional: kept as a registry dependency"
        );
        assert!(deps.get("gone").is_none());
        assert!(t.get("dev-dependencies").is_none());
        let unix = t["target"]["cfg(unix)"].as_table().expect("target");
        assert_eq!(unix["dependencies"]["b"]["path"].as_str(), Some("../b"));
        assert!(unix.get("dev-dependencies").is_none());
        let features = t["features"].as_table().expect("features");
        assert!(features.get("gone").is_none());
        let full: Vec<&str> = features["full"]
            .as_array()
            .expect("full")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(full, ["other/x", "kept"]);
    }

    #[test]
    fn a_major_picks_among_locked_versions() {
        let locked: BTreeMap<String, Vec<Version>> = [(
            "syn".to_owned(),
            vec![
                Version::new(2, 0, 9),
                Version::new(3, 0, 1),
                Version::new(2, 0, 11),
            ],
        )]
        .into_iter()
        .collect();
        assert_eq!(
            choose("syn", &locked).map(|c| c.1),
            Some(Version::new(3, 0, 1))
        );
        assert_eq!(
            choose("syn@2", &locked).map(|c| c.1),
            Some(Version::new(2, 0, 11))
        );
        assert_eq!(choose("nope", &locked), None);
    }
}
