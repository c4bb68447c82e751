//! Where everything perscache keeps sits in a storage: the one place that
//! names paths, and the one place that reads them back.
//!
//! ```text
//! <function dir>/_stats.json                        statistics of one function
//! <function dir>/<code folder>/<key>.<ext>          one entry
//! <function dir>/<code folder>/_ws.<workspace>.record who wrote this folder (a record)
//! <function dir>/<code folder>/_lease.<key>           who computes this key now (a lease)
//! ```
//!
//! - The **function dir** names a function by its full path, as
//!   `cargo perscache list` prints it: `app::reports::daily` is
//!   `app.reports.daily`. A path that is more than identifiers between `::`
//!   (a method of a trait impl, `<app::Money as app::Tr>::m`) is written with
//!   every other character as `.` and ends in `~` and eight hex digits of its
//!   hash, so no two functions share a folder and every name stays readable.
//! - The **code folder** is the first 16 alphanumeric characters of the
//!   function's code hash: one folder per version of the code, so that
//!   `cargo perscache clear --stale` drops whole versions.
//! - An **entry** file is the key's 32 hex digits and the format's extension.
//! - A **record** (`_ws.<workspace>.record`, [`Record`]) says which function
//!   and which workspace wrote a code folder, and whether its code hash is the
//!   macro's widened fallback. `cargo perscache clear` removes only folders
//!   that carry its own workspace's record; eviction never touches records.
//!
//! - A **lease** (`_lease.<key>`) is held by the process computing a key, so
//!   that processes and machines that miss it at once compute it once
//!   (`Storage::try_lease`). It lives for one computation; as
//!   [`Stored::Other`] it is never counted, evicted or cleared.
//!
//! Anything else under the storage (a user's files, another tool's, a
//! folder that happens to be there) is [`Stored::Other`]: never counted,
//! evicted, or cleared.
//!
//! This file is a leaf: it imports nothing of the crate, so the storage
//! wrappers (the size limit) can recognise entries without depending on the
//! layer above them.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The version of this layout, recorded in every [`Record`]. Version 2
/// added records and the hashed names of non-path functions; entries of
/// version 1 carry no record, so `cargo perscache clear` never removes them
/// (their keys changed too: they are never read again). Version 3 signs
/// the write time with the entry (`storage/signed.rs`): signed entries of
/// version 2 are refused once and rewritten.
pub const LAYOUT_VERSION: u32 = 3;

/// The file, inside each function's folder, that holds its statistics.
pub const STATS_FILE: &str = "_stats.json";

/// The digits of a key in an entry's file name.
pub(crate) const KEY_DIGITS: usize = 32;

const RECORD_PREFIX: &str = "_ws.";
const LEASE_PREFIX: &str = "_lease.";
const RECORD_SUFFIX: &str = ".record";
/// The record name of a writer that did not say its workspace.
const UNKNOWN_WORKSPACE: &str = "unknown";

/// The folder of a function's entries, from its full path
/// (`app::reports::daily` → `app.reports.daily`).
///
/// ```
/// use perscache::function_dir;
///
/// assert_eq!(function_dir("app::Client::profile"), "app.Client.profile");
/// let method = function_dir("<app::Money as app::fmt::Show>::show");
/// assert!(method.starts_with("app.Money.as.app.fmt.Show.show~"));
/// assert_ne!(method, function_dir("<&app::Money as app::fmt::Show>::show"));
/// ```
pub fn function_dir(function: &str) -> String {
    let is_path = !function.is_empty()
        && function.split("::").all(|part| {
            !part.is_empty()
                && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && !part.starts_with(|c: char| c.is_ascii_digit())
        });
    if is_path {
        return function.replace("::", ".");
    }
    let mut readable = String::with_capacity(function.len() + 9);
    for word in function
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
    {
        if !readable.is_empty() {
            readable.push('.');
        }
        readable.push_str(word);
    }
    if readable.is_empty() {
        readable.push_str("fn");
    }
    let digest = blake3::hash(function.as_bytes());
    readable.push('~');
    for b in &digest.as_bytes()[..4] {
        readable.push_str(&format!("{b:02x}"));
    }
    readable
}

/// The folder of one version of a function's code: the code hash's first 16
/// alphanumeric characters (`nohash` when it has none).
///
/// ```
/// assert_eq!(perscache::entry::code_folder("3fa4c0de12ab34cd99"), "3fa4c0de12ab34cd");
/// ```
pub fn code_folder(code_hash: &str) -> String {
    let code: String = code_hash
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(16)
        .collect();
    if code.is_empty() {
        "nohash".to_owned()
    } else {
        code
    }
}

/// The identity of a workspace, as recorded with the entries its programs
/// write: 16 hex digits of a hash of its root folder, as `cargo metadata`
/// gives it (`workspace_root`).
///
/// Two checkouts of one project are two workspaces: `cargo perscache clear`
/// in one never removes what the other wrote, even where they share a code
/// folder (same code, same keys).
///
/// ```
/// let id = perscache::entry::workspace_id("/home/ada/app");
/// assert_eq!(id.len(), 16);
/// assert_eq!(id, perscache::entry::workspace_id("/home/ada/app/"));
/// assert_ne!(id, perscache::entry::workspace_id("/home/bob/app"));
/// ```
pub fn workspace_id(root: &str) -> String {
    let root = root.trim_end_matches(['/', '\\']);
    let mut h = blake3::Hasher::new();
    h.update(b"perscache workspace v1\0");
    h.update(root.as_bytes());
    h.finalize().to_hex()[..16].to_owned()
}

/// `<function dir>/_stats.json`.
pub fn stats_path(function_dir: &str) -> String {
    format!("{function_dir}/{STATS_FILE}")
}

/// `<function dir>/<code folder>/`: every entry path of one code version
/// starts with it.
pub(crate) fn code_prefix(function_dir: &str, code_folder: &str) -> String {
    format!("{function_dir}/{code_folder}/")
}

/// `<prefix><key>.<ext>`, written into `out`.
pub(crate) fn push_entry_name(out: &mut String, key_hex: impl FnOnce(&mut String), ext: &str) {
    key_hex(out);
    out.push('.');
    out.push_str(ext);
}

/// The lease of the key whose hex digits `key_hex` writes, in the code
/// folder at `prefix`.
pub(crate) fn lease_path(prefix: &str, key_hex: impl FnOnce(&mut String)) -> String {
    let mut path = String::with_capacity(prefix.len() + LEASE_PREFIX.len() + KEY_DIGITS);
    path.push_str(prefix);
    path.push_str(LEASE_PREFIX);
    key_hex(&mut path);
    path
}

/// The record of `workspace` (its [`workspace_id`], or `None` when unknown)
/// in the code folder at `prefix` (from [`code_prefix`]).
pub(crate) fn record_path(prefix: &str, workspace: Option<&str>) -> String {
    format!(
        "{prefix}{RECORD_PREFIX}{}{RECORD_SUFFIX}",
        workspace.unwrap_or(UNKNOWN_WORKSPACE)
    )
}

/// What a code folder's record says: who wrote the entries beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Record {
    /// The function's full path, as `cargo perscache list` names it.
    pub function: String,
    /// The [`workspace_id`] of the workspace the program was built in, or
    /// `None` when the program did not say.
    pub workspace: Option<String>,
    /// Whether the code hash is the macro's widened fallback (the analysis
    /// could not run), which `cargo perscache clear --stale` cannot
    /// recompute: such folders are kept while the function exists.
    pub fallback: bool,
    /// [`LAYOUT_VERSION`] when written.
    pub layout: u32,
}

impl Record {
    /// The record of `function` written from `workspace`.
    pub fn new(function: &str, workspace: Option<&str>, fallback: bool) -> Record {
        Record {
            function: function.to_owned(),
            workspace: workspace.map(str::to_owned),
            fallback,
            layout: LAYOUT_VERSION,
        }
    }
}

/// What a storage path is, in this layout. A later layout may know more
/// kinds of path, so matches need a `_` arm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Stored<'a> {
    /// An entry: `<function dir>/<code folder>/<key>.<ext>`.
    Entry {
        /// The function's folder.
        function_dir: &'a str,
        /// The code version's folder.
        code_folder: &'a str,
    },
    /// A function's statistics: `<function dir>/_stats.json`.
    Stats {
        /// The function's folder.
        function_dir: &'a str,
    },
    /// A code folder's [`Record`]: `<function dir>/<code folder>/_ws.<id>.record`.
    Record {
        /// The function's folder.
        function_dir: &'a str,
        /// The code version's folder.
        code_folder: &'a str,
        /// The writer's workspace id, `None` when it did not say.
        workspace: Option<&'a str>,
    },
    /// Anything perscache did not write.
    Other,
}

impl Stored<'_> {
    /// Whether the path is an entry (what a size limit counts and evicts).
    pub fn is_entry(&self) -> bool {
        matches!(self, Stored::Entry { .. })
    }
}

/// Reads a storage path back into the layout.
///
/// ```
/// use perscache::entry::{classify, Stored};
///
/// let entry = "app.f/3fa4c0de12ab34cd/9f86d081884c7d659a2feaa0c55ad015.json";
/// assert!(classify(entry).is_entry());
/// assert_eq!(classify("app.f/_stats.json"), Stored::Stats { function_dir: "app.f" });
/// assert_eq!(classify("notes/thesis.txt"), Stored::Other);
/// assert_eq!(classify(".git/objects/ab/cdef"), Stored::Other);
/// ```
pub fn classify(path: &str) -> Stored<'_> {
    let mut parts = path.split('/');
    let (Some(function_dir), Some(second)) = (parts.next(), parts.next()) else {
        return Stored::Other;
    };
    if !is_function_dir(function_dir) {
        return Stored::Other;
    }
    let Some(third) = parts.next() else {
        return if second == STATS_FILE {
            Stored::Stats { function_dir }
        } else {
            Stored::Other
        };
    };
    if parts.next().is_some() || !is_code_folder(second) {
        return Stored::Other;
    }
    if let Some(id) = third
        .strip_prefix(RECORD_PREFIX)
        .and_then(|r| r.strip_suffix(RECORD_SUFFIX))
    {
        return match id {
            UNKNOWN_WORKSPACE => Stored::Record {
                function_dir,
                code_folder: second,
                workspace: None,
            },
            id if id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()) => Stored::Record {
                function_dir,
                code_folder: second,
                workspace: Some(id),
            },
            _ => Stored::Other,
        };
    }
    if is_entry_name(third) {
        Stored::Entry {
            function_dir,
            code_folder: second,
        }
    } else {
        Stored::Other
    }
}

/// What [`function_dir`] writes: dot-separated words of `[A-Za-z0-9_]`,
/// perhaps a `~` and eight hex digits.
fn is_function_dir(dir: &str) -> bool {
    let (words, hash) = match dir.split_once('~') {
        Some((w, h)) => (w, Some(h)),
        None => (dir, None),
    };
    hash.is_none_or(|h| h.len() == 8 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        && !words.is_empty()
        && words
            .split('.')
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
}

/// What [`code_folder`] writes.
fn is_code_folder(folder: &str) -> bool {
    (1..=16).contains(&folder.len()) && folder.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// `<32 hex digits>.<ext>`, the extension being a format's (letters,
/// digits, `.`, `_`, `+`, `-`).
fn is_entry_name(name: &str) -> bool {
    let Some((key, ext)) = name.split_at_checked(KEY_DIGITS) else {
        return false;
    };
    let Some(ext) = ext.strip_prefix('.') else {
        return false;
    };
    key.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        && !ext.is_empty()
        && !ext.starts_with('.')
        && ext
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'+' | b'-'))
}

impl fmt::Display for Stored<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stored::Entry { .. } => f.write_str("entry"),
            Stored::Stats { .. } => f.write_str("statistics"),
            Stored::Record { .. } => f.write_str("record"),
            Stored::Other => f.write_str("not perscache's"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "9f86d081884c7d659a2feaa0c55ad015";

    #[test]
    fn function_dirs_are_readable_safe_and_distinct() {
        assert_eq!(function_dir("app::reports::daily"), "app.reports.daily");
        let shapes = [
            "app::Client::profile",
            "app::Client<u8>::profile",
            "<app::Money as app::Show>::show",
            "<&app::Money as app::Show>::show",
            "<app::Other as app::Show>::show",
            "app::Show::show",
            "../../etc",
            "",
        ];
        let dirs: std::collections::BTreeSet<_> = shapes.iter().map(|f| function_dir(f)).collect();
        assert_eq!(dirs.len(), shapes.len(), "{dirs:?}");
        for (f, dir) in shapes.iter().map(|f| (f, function_dir(f))) {
            assert!(is_function_dir(&dir), "{f} -> {dir}");
            assert!(!dir.contains('/') && !dir.starts_with('.'), "{f} -> {dir}");
            let entry = format!("{dir}/0123456789abcdef/{KEY}.bin");
            assert!(classify(&entry).is_entry(), "{entry}");
        }
    }

    #[test]
    fn code_folders() {
        assert_eq!(code_folder("3fa4c0de12ab34cd99"), "3fa4c0de12ab34cd");
        assert_eq!(code_folder("--"), "nohash");
        assert!(is_code_folder(&code_folder("ab")));
    }

    #[test]
    fn classification() {
        let prefix = code_prefix("app.f", "0123456789abcdef");
        assert_eq!(
            classify(&format!("{prefix}{KEY}.bin.zst")),
            Stored::Entry {
                function_dir: "app.f",
                code_folder: "0123456789abcdef"
            }
        );
        let id = workspace_id("/w");
        assert_eq!(
            classify(&record_path(&prefix, Some(&id))),
            Stored::Record {
                function_dir: "app.f",
                code_folder: "0123456789abcdef",
                workspace: Some(&id)
            }
        );
        assert_eq!(
            classify(&record_path(&prefix, None)),
            Stored::Record {
                function_dir: "app.f",
                code_folder: "0123456789abcdef",
                workspace: None
            }
        );
        assert_eq!(
            classify(&stats_path("app.f")),
            Stored::Stats {
                function_dir: "app.f"
            }
        );
        for other in [
            "notes/thesis.txt",
            "thesis.txt",
            ".git/HEAD",
            ".git/objects/ab/cdef0123",
            &format!("app.f/0123/{KEY}"),
            &format!("app.f/0123/{KEY}."),
            &format!("app.f/0123/{KEY}..bin"),
            &format!("app.f/0123/x{KEY}.bin"),
            &format!("app.f/01-23/{KEY}.bin"),
            &format!(".hidden/0123/{KEY}.bin"),
            &format!("app.f/0123/sub/{KEY}.bin"),
            &format!("app.f/0123/.{KEY}.bin.1.2.tmp"),
            "app.f/0123/_ws.xyz.record",
            "app.f/_stats.json.bak",
            "app.f/0123/_stats.json",
        ] {
            assert_eq!(classify(other), Stored::Other, "{other}");
        }
    }

    #[test]
    fn workspace_ids_are_stable() {
        assert_eq!(workspace_id("/a/b"), workspace_id("/a/b/"));
        assert_ne!(workspace_id("/a/b"), workspace_id("/a/c"));
    }
}
