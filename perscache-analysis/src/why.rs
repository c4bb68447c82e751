//! Records for `cargo perscache why`: what each code hash of a function
//! covered, and each build configuration its key salt was made from, kept
//! in the target folder (never on the hit path, never in the cache) so that
//! a recomputation can be explained later by comparing two records.
//!
//! ```text
//! <target>/perscache/why/<function digest>/code-<code hash, 16 digits>.json
//! <target>/perscache/why/<function digest>/build-<key salt, 16 digits>.json
//! ```
//!
//! The macro writes both while it compiles a crate (a record is written
//! once, when it is missing); `cargo perscache build` writes the code
//! records of every function.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::analyze::Analysis;
use crate::graph::IncludeDep;
use crate::manifest::display_path;

/// Bumped when a record's shape changes; records of another version are
/// ignored.
const RECORD_VERSION: u32 = 2;

/// One item a code hash covered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedItem {
    /// Its file (relative to the workspace) and line: known for the current
    /// code hash, not stored (a record stays small: a digest per item).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub file: String,
    /// 1-based line (0 when not known).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub line: u32,
    /// The digest of its normalized tokens (hex, 16 digits).
    pub digest: String,
}

/// What one code hash of a function covered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeRecord {
    version: u32,
    /// The function's full path.
    pub function: String,
    /// The code hash.
    pub code_hash: String,
    /// Every item of the closure, by its path.
    pub items: BTreeMap<String, RecordedItem>,
    /// External crates (`name@version`).
    pub external: BTreeSet<String>,
    /// Files read at compile time, with the digest of their contents.
    pub files: BTreeMap<String, String>,
}

/// One build configuration a function's key salt was made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildRecord {
    version: u32,
    /// The function's full path.
    pub function: String,
    /// The key salt (hex).
    pub key_salt: String,
    /// When the record was written (nanoseconds since the epoch: two builds
    /// a second apart must still be told in order).
    pub written: u64,
    /// What went into the salt besides the code hash, one readable line each
    /// (`--cfg feature="alt"`, `-C opt-level=3`, `extern serde <hash>`,
    /// `env app REGION="eu"`).
    pub inputs: BTreeSet<String>,
}

impl BuildRecord {
    /// A record of the salt `key_salt` of `function`, made from `inputs`.
    pub fn new(function: &str, key_salt: &str, inputs: BTreeSet<String>) -> BuildRecord {
        BuildRecord {
            version: RECORD_VERSION,
            function: function.to_owned(),
            key_salt: key_salt.to_owned(),
            written: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)),
            inputs,
        }
    }
}

/// The folder of `function`'s records under `target_dir`, one per record
/// version: a record is written once, so one of another version must not
/// stand in the way of this version's.
pub fn record_dir(target_dir: &Path, function: &str) -> PathBuf {
    let digest = blake3::hash(function.as_bytes()).to_hex();
    target_dir
        .join("perscache")
        .join(format!("why-v{RECORD_VERSION}"))
        .join(&digest.as_str()[..16])
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn short(hash: &str) -> &str {
    hash.get(..16).unwrap_or(hash)
}

/// Where the record of `function`'s code hash `code_hash` is.
pub fn code_record_path(target_dir: &Path, function: &str, code_hash: &str) -> PathBuf {
    record_dir(target_dir, function).join(format!("code-{}.json", short(code_hash)))
}

fn build_record_path(target_dir: &Path, function: &str, key_salt: &str) -> PathBuf {
    record_dir(target_dir, function).join(format!("build-{}.json", short(key_salt)))
}

/// Writes the record `make` gives at `path` unless a record is already
/// there. Records only explain: failing to write one is not an error.
fn write_once<T: Serialize>(path: &Path, make: impl FnOnce() -> T) {
    if path.exists() {
        return;
    }
    if let Ok(bytes) = serde_json::to_vec(&make()) {
        let _ = crate::manifest::write_atomic(path, &bytes);
    }
}

/// Writes the build record of `record.function`'s salt, unless present;
/// a present one is marked as the latest (its modification time): going
/// back to a configuration built before makes it the last build again.
pub fn write_build_record(target_dir: &Path, record: &BuildRecord) {
    let path = build_record_path(target_dir, &record.function, &record.key_salt);
    if let Ok(file) = std::fs::File::options().write(true).open(&path) {
        let _ = file.set_modified(std::time::SystemTime::now());
        return;
    }
    write_once(&path, || record);
}

/// The code record of `function` for `code_hash`, when one was written.
pub fn read_code_record(target_dir: &Path, function: &str, code_hash: &str) -> Option<CodeRecord> {
    let bytes = std::fs::read(code_record_path(target_dir, function, code_hash)).ok()?;
    serde_json::from_slice::<CodeRecord>(&bytes)
        .ok()
        .filter(|r| r.version == RECORD_VERSION && r.function == function)
}

/// Every build record of `function`, oldest first by when a build last
/// used it.
pub fn read_build_records(target_dir: &Path, function: &str) -> Vec<BuildRecord> {
    let mut out: Vec<(std::time::SystemTime, BuildRecord)> =
        std::fs::read_dir(record_dir(target_dir, function))
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("build-"))
            .filter_map(|e| {
                let used = e.metadata().and_then(|m| m.modified()).ok()?;
                Some((used, std::fs::read(e.path()).ok()?))
            })
            .filter_map(|(used, b)| Some((used, serde_json::from_slice::<BuildRecord>(&b).ok()?)))
            .filter(|(_, r)| r.version == RECORD_VERSION && r.function == function)
            .collect();
    out.sort_by(|(ua, a), (ub, b)| (ua, a.written, &a.key_salt).cmp(&(ub, b.written, &b.key_salt)));
    out.into_iter().map(|(_, r)| r).collect()
}

impl Analysis {
    /// What the code hash of the `i`th function of the manifest covers.
    pub fn code_record(&self, i: usize) -> CodeRecord {
        let g = &self.graph;
        let entry = &self.manifest.functions[i];
        let closure = &self.details[i].closure;
        let root = &self.manifest.root;
        let items = closure
            .reached
            .iter()
            .map(|(n, _)| {
                let node = &g.nodes[*n];
                let digest = blake3::hash(&node.hash).to_hex();
                (
                    node.key.clone(),
                    RecordedItem {
                        file: display_path(root, &node.file),
                        line: node.line,
                        digest: digest.as_str()[..16].to_owned(),
                    },
                )
            })
            .collect();
        let files = closure
            .includes
            .iter()
            .filter_map(|inc| match inc {
                IncludeDep::File(p) => {
                    let digest = crate::read_file(p).map_or_else(
                        || "missing".to_owned(),
                        |b| blake3::hash(&b).to_hex().as_str()[..16].to_owned(),
                    );
                    Some((display_path(root, p), digest))
                }
                IncludeDep::Unknown { .. } => None,
            })
            .collect();
        CodeRecord {
            version: RECORD_VERSION,
            function: entry.function.clone(),
            code_hash: entry.code_hash.clone(),
            items,
            external: entry.external.iter().cloned().collect(),
            files,
        }
    }

    /// Writes the code record of the `i`th function under `target_dir`,
    /// unless it is already there (without places: see [`RecordedItem`]).
    pub fn write_code_record(&self, target_dir: &Path, i: usize) {
        let entry = &self.manifest.functions[i];
        let path = code_record_path(target_dir, &entry.function, &entry.code_hash);
        write_once(&path, || {
            let mut record = self.code_record(i);
            for it in record.items.values_mut() {
                it.file.clear();
                it.line = 0;
            }
            record
        });
    }
}

/// How two records of one function differ.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Changes {
    /// Items only the newer record covers.
    pub added: Vec<(String, RecordedItem)>,
    /// Items only the older record covers.
    pub removed: Vec<(String, RecordedItem)>,
    /// Items both cover whose tokens changed (the newer place).
    pub edited: Vec<(String, RecordedItem)>,
    /// External crates only the newer / only the older reaches.
    pub external_added: Vec<String>,
    /// See `external_added`.
    pub external_removed: Vec<String>,
    /// Files read at compile time whose contents changed, appeared or went.
    pub files: Vec<String>,
}

impl Changes {
    /// Nothing differs.
    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }
}

/// What changed from `old` to `new`.
pub fn code_changes(old: &CodeRecord, new: &CodeRecord) -> Changes {
    let mut c = Changes::default();
    for (k, it) in &new.items {
        match old.items.get(k) {
            None => c.added.push((k.clone(), it.clone())),
            Some(o) if o.digest != it.digest => c.edited.push((k.clone(), it.clone())),
            Some(_) => {}
        }
    }
    for (k, it) in &old.items {
        if !new.items.contains_key(k) {
            c.removed.push((k.clone(), it.clone()));
        }
    }
    c.external_added = new.external.difference(&old.external).cloned().collect();
    c.external_removed = old.external.difference(&new.external).cloned().collect();
    let paths: BTreeSet<&String> = old.files.keys().chain(new.files.keys()).collect();
    c.files = paths
        .into_iter()
        .filter(|p| old.files.get(*p) != new.files.get(*p))
        .cloned()
        .collect();
    c
}

/// The build inputs of `new` that `old` did not have, and those it had that
/// `new` lacks.
pub fn build_changes(old: &BuildRecord, new: &BuildRecord) -> (Vec<String>, Vec<String>) {
    (
        new.inputs.difference(&old.inputs).cloned().collect(),
        old.inputs.difference(&new.inputs).cloned().collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(items: &[(&str, &str)], external: &[&str]) -> CodeRecord {
        CodeRecord {
            version: RECORD_VERSION,
            function: "app::f".into(),
            code_hash: "h".into(),
            items: items
                .iter()
                .map(|(k, d)| {
                    (
                        (*k).to_owned(),
                        RecordedItem {
                            file: "src/lib.rs".into(),
                            line: 1,
                            digest: (*d).to_owned(),
                        },
                    )
                })
                .collect(),
            external: external.iter().map(|s| (*s).to_owned()).collect(),
            files: BTreeMap::new(),
        }
    }

    #[test]
    fn a_configuration_built_again_is_the_last_build() {
        let target = tempfile::tempdir().expect("a temporary folder");
        let build = |salt: &str, input: &str| {
            let inputs = BTreeSet::from([input.to_owned()]);
            write_build_record(target.path(), &BuildRecord::new("app::f", salt, inputs));
        };
        build("aaaa", "--cfg feature=\"x\"");
        build("bbbb", "");
        build("aaaa", "--cfg feature=\"x\"");
        let salts: Vec<String> = read_build_records(target.path(), "app::f")
            .into_iter()
            .map(|r| r.key_salt)
            .collect();
        assert_eq!(salts, ["bbbb", "aaaa"]);
    }

    #[test]
    fn changes_name_added_removed_and_edited_items() {
        let old = record(
            &[("app::f", "1"), ("app::g", "2"), ("app::h", "3")],
            &["serde@1.0.1"],
        );
        let new = record(
            &[("app::f", "1"), ("app::g", "9"), ("app::k", "4")],
            &["serde@1.0.2"],
        );
        let c = code_changes(&old, &new);
        let names =
            |v: &[(String, RecordedItem)]| v.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
        assert_eq!(names(&c.added), ["app::k"]);
        assert_eq!(names(&c.removed), ["app::h"]);
        assert_eq!(names(&c.edited), ["app::g"]);
        assert_eq!(c.external_added, ["serde@1.0.2"]);
        assert_eq!(c.external_removed, ["serde@1.0.1"]);
        assert!(code_changes(&new, &new).is_empty());
    }

    #[test]
    fn records_round_trip_through_the_target_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let b = BuildRecord::new(
            "app::f",
            "abcdef0123456789ff",
            ["--cfg feature=\"alt\"".to_owned()].into(),
        );
        write_build_record(dir.path(), &b);
        assert_eq!(read_build_records(dir.path(), "app::f"), vec![b]);
        assert!(read_build_records(dir.path(), "app::g").is_empty());
    }
}
