//! A compiled dependency's dep-info file (`deps/<crate>-<hash>.d`, written
//! by rustc next to the library): every file its compilation read and every
//! environment variable it read with `env!`/`option_env!`, with its value.
//! What a dependency's build script set for it (`cargo:rustc-env`, files in
//! its `OUT_DIR`) is only visible there.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What one dep-info file says.
#[derive(Debug, Default, Clone)]
pub(crate) struct DepInfo {
    /// Files the compilation read.
    pub files: Vec<PathBuf>,
    /// `env!`/`option_env!` reads: name → value (`None`: unset).
    pub env: BTreeMap<String, Option<String>>,
}

/// Reads the dep-info file of the library at `lib` (`.../libfoo-<hash>.rlib`
/// → `.../foo-<hash>.d`).
pub(crate) fn for_library(lib: &Path) -> Option<DepInfo> {
    let stem = lib.file_stem()?.to_string_lossy();
    let stem = stem.strip_prefix("lib").unwrap_or(&stem);
    parse(&std::fs::read_to_string(lib.with_file_name(format!("{stem}.d"))).ok()?)
}

/// The dep-info files of crate `name` in `dir` (a dependency this
/// compilation does not name directly: every configuration built there).
pub(crate) fn for_crate_in(dir: &Path, name: &str) -> Vec<DepInfo> {
    let prefix = format!("{name}-");
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "d")
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .and_then(|n| n.strip_prefix(&prefix))
                    .is_some_and(|h| {
                        h.trim_end_matches(".d")
                            .chars()
                            .all(|c| c.is_ascii_hexdigit())
                    })
        })
        .collect();
    found.sort();
    found
        .iter()
        .filter_map(|p| parse(&std::fs::read_to_string(p).ok()?))
        .collect()
}

/// Parses a dep-info file: `target: dep dep ...` lines (spaces escaped with
/// `\`), then `# env-dep:NAME=VALUE` lines (`\n` and `\\` escaped).
pub(crate) fn parse(text: &str) -> Option<DepInfo> {
    let mut out = DepInfo::default();
    for line in text.lines() {
        if let Some(env) = line.strip_prefix("# env-dep:") {
            let (name, value) = match env.split_once('=') {
                Some((n, v)) => (n, Some(unescape_env(v))),
                None => (env, None),
            };
            out.env.insert(name.to_owned(), value);
            continue;
        }
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        // `file:` lines name each input once; the first line lists them all.
        if let Some(target) = split_target(line) {
            if line.trim_end().ends_with(':') {
                out.files.push(PathBuf::from(unescape_path(target)));
            }
        }
    }
    out.files.sort();
    out.files.dedup();
    Some(out)
}

/// The part before the first unescaped `:` followed by a space or the end.
fn split_target(line: &str) -> Option<&str> {
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b':' if i + 1 == bytes.len() || bytes[i + 1] == b' ' => return Some(&line[..i]),
            _ => i += 1,
        }
    }
    None
}

fn unescape_path(s: &str) -> String {
    s.replace("\\ ", " ").replace("\\:", ":")
}

fn unescape_env(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_files_and_environment() {
        let text = "/t/debug/deps/dep-abc.d: dep/src/lib.rs dep/data\\ file.txt /t/debug/build/dep-1/out/gen.rs\n\n\
                    dep/src/lib.rs:\ndep/data\\ file.txt:\n/t/debug/build/dep-1/out/gen.rs:\n\n\
                    # env-dep:REGION=eu\\nwest\n# env-dep:UNSET_VAR\n";
        let d = parse(text).unwrap_or_default();
        assert_eq!(
            d.files,
            vec![
                PathBuf::from("/t/debug/build/dep-1/out/gen.rs"),
                PathBuf::from("dep/data file.txt"),
                PathBuf::from("dep/src/lib.rs"),
            ]
        );
        assert_eq!(d.env["REGION"].as_deref(), Some("eu\nwest"));
        assert_eq!(d.env["UNSET_VAR"], None);
    }
}
