//! Edits the fixture workspace one change at a time and checks exactly which
//! marked functions' code hashes change: every affected one, no other.
//!
//! Runs the real `cargo-perscache` binary (`list --json`) on a copy of
//! `tests/fixtures/analysis`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/analysis")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for e in std::fs::read_dir(from).expect("read fixture") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.file_name() == "target" {
            continue;
        }
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

/// A fresh copy of the fixture.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&fixture(), dir.path());
    dir
}

fn hashes(root: &Path) -> BTreeMap<String, String> {
    let out = Command::cargo_bin("cargo-perscache")
        .expect("binary")
        .args(["perscache", "list", "--json", "-q", "--manifest-path"])
        .arg(root.join("ws/Cargo.toml"))
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "list failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("json");
    rows.iter()
        .map(|r| {
            (
                r["function"].as_str().unwrap_or_default().to_owned(),
                r["code_hash"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{file} does not contain {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

/// (what, file, from, to, functions whose hash must change)
type Case = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);

fn cases() -> Vec<Case> {
    vec![
        // Nothing that cannot change behaviour.
        (
            "comment",
            "ws/app/src/helpers.rs",
            "    x * 2\n}\n\n/// Doubles",
            "    // twice\n    x * 2\n}\n\n/// Doubles",
            &[],
        ),
        (
            "doc comment",
            "ws/app/src/helpers.rs",
            "/// Computes.",
            "/// Computes things, documented.",
            &[],
        ),
        (
            "formatting",
            "ws/app/src/helpers.rs",
            "pub fn compute(x: u32) -> u32 {\n    x * 2",
            "pub fn compute(x:u32)->u32{x*2",
            &[],
        ),
        (
            "unused new function",
            "ws/app/src/helpers.rs",
            "/// Doubles.",
            "pub fn brand_new() -> u32 { 5 }\n\n/// Doubles.",
            &[],
        ),
        (
            "unused import",
            "ws/app/src/lib.rs",
            "use crate::consts::SUFFIX;\n",
            "use crate::consts::SUFFIX;\nuse crate::other::compute as unused_compute;\n",
            &[],
        ),
        (
            "same-name function in another module",
            "ws/app/src/other.rs",
            "x + 1000",
            "x + 2000",
            &[],
        ),
        (
            "same-name method of another type",
            "ws/app/src/client.rs",
            "\"server\".to_owned()",
            "\"SERVER\".to_owned()",
            // `Box<Client>` derefs to `Client`; no `Server` value can reach
            // `boxed`, whose closure never names the type.
            &[],
        ),
        (
            "unused constant",
            "ws/app/src/consts.rs",
            "UNUSED: u32 = 1",
            "UNUSED: u32 = 2",
            &[],
        ),
        (
            "unused function of a path dependency",
            "extdep/src/lib.rs",
            "    0\n",
            "    1\n",
            &[],
        ),
        // Each kind of dependency.
        (
            "own body",
            "ws/app/src/lib.rs",
            "helpers::compute(x) + 1",
            "helpers::compute(x) + 2",
            &["app::calls_helper"],
        ),
        (
            "callee (direct and through a glob import)",
            "ws/app/src/helpers.rs",
            "pub fn compute(x: u32) -> u32 {\n    x * 2",
            "pub fn compute(x: u32) -> u32 {\n    x * 4",
            &["app::calls_helper", "app::globs::through_glob"],
        ),
        (
            "const through a use alias",
            "ws/app/src/consts.rs",
            "LIMIT: u32 = 100",
            "LIMIT: u32 = 200",
            &["app::uses_const"],
        ),
        (
            "use alias retargeted",
            "ws/app/src/lib.rs",
            "use crate::consts::LIMIT as MAX;",
            "use crate::consts::UNUSED as MAX;",
            &["app::uses_const"],
        ),
        (
            "static",
            "ws/app/src/consts.rs",
            "\"hello\"",
            "\"hi\"",
            &["app::uses_static"],
        ),
        (
            "const captured by a format string",
            "ws/app/src/consts.rs",
            "SUFFIX: &str = \"!\"",
            "SUFFIX: &str = \"?\"",
            &["app::uses_static"],
        ),
        (
            "closure's callee",
            "ws/app/src/helpers.rs",
            "pub fn double(x: u32) -> u32 {\n    x * 2",
            "pub fn double(x: u32) -> u32 {\n    x * 5",
            &["app::closures", "it::in_test"],
        ),
        (
            "function passed as a value (and called from the binary)",
            "ws/app/src/helpers.rs",
            "x * 3",
            "x * 4",
            &["app::closures", "app_cli::main_cached"],
        ),
        (
            "macro_rules! body",
            "ws/app/src/macros.rs",
            "$x * $x",
            "$x * $x + 0",
            &["app::uses_macro"],
        ),
        (
            "include_str! file",
            "ws/app/src/data/greeting.txt",
            "hello from a file",
            "hello from another file",
            &["app::includes_file"],
        ),
        (
            "mutual recursion",
            "ws/app/src/helpers.rs",
            "if n == 0 {\n        false",
            "if n == 0 {\n        true",
            &["app::recursion"],
        ),
        (
            "nested module in a folder",
            "ws/app/src/nested/inner.rs",
            "42",
            "43",
            &["app::nested_call"],
        ),
        (
            "#[path] module",
            "ws/app/src/special/renamed.rs",
            "    7\n",
            "    8\n",
            &["app::path_module"],
        ),
        (
            "path dependency outside the workspace",
            "extdep/src/lib.rs",
            "x * 7",
            "x * 8",
            &["app::uses_path_dep"],
        ),
        (
            "associated const",
            "ws/app/src/client.rs",
            "MAX_ITEMS: usize = 10",
            "MAX_ITEMS: usize = 11",
            &["app::assoc_const"],
        ),
        (
            "method on a typed receiver (and the method calling it)",
            "ws/app/src/client.rs",
            "format!(\"client {}\", self.name)",
            "format!(\"Client {}\", self.name)",
            &[
                "app::client::method_call",
                "app::client::Client::profile",
                "app::client::boxed",
            ],
        ),
        // Trait impls reached through a type or a trait bound. A default
        // method's `self.area()` may reach every impl of `area`, so editing
        // `Circle::area` also changes `square_double`: an unneeded
        // recomputation, never a stale result.
        (
            "trait impl method",
            "ws/app/src/shapes.rs",
            "self.0 * self.0\n",
            "self.0 * self.0 * 1.0\n",
            &["app::shapes::square_double", "app::shapes::total"],
        ),
        (
            "other impl of the trait",
            "ws/app/src/shapes.rs",
            "3.14 * self.0",
            "3.14159 * self.0",
            // `total` is generic over `Shape`: every impl counts. A `Square`
            // never reaches `Circle`'s impl.
            &["app::shapes::total"],
        ),
        (
            "trait default method",
            "ws/app/src/shapes.rs",
            "self.area() * 2.0",
            "self.area() * 3.0",
            // `total` calls `area` only.
            &["app::shapes::square_double"],
        ),
        (
            "operator impl (Add)",
            "ws/app/src/money.rs",
            "Money(self.0 + other.0)",
            "Money(other.0 + self.0)",
            &["app::money::sum", "app::money::show"],
        ),
        (
            "Display impl",
            "ws/app/src/money.rs",
            "\"${}\"",
            "\"USD {}\"",
            &["app::money::sum", "app::money::show"],
        ),
        (
            "Default impl",
            "ws/app/src/money.rs",
            "Money(0)\n",
            "Money(1)\n",
            &["app::money::sum", "app::money::show"],
        ),
        (
            "From impl used by `?`",
            "ws/app/src/errors.rs",
            "        AppError::Parse\n",
            "        { AppError::Parse }\n",
            &["app::errors::question_mark"],
        ),
        (
            "private callee of the function",
            "ws/app/src/errors.rs",
            "s.parse().map_err",
            "s.trim().parse().map_err",
            &["app::errors::question_mark"],
        ),
        (
            "item made by a macro invocation",
            "ws/app/src/lib.rs",
            "make_fn!(generated, 1);",
            "make_fn!(generated, 2);",
            &["app::uses_generated"],
        ),
        (
            "macro that makes items",
            "ws/app/src/macros.rs",
            "            $value\n",
            "            $value + 1\n",
            &["app::uses_generated"],
        ),
        (
            "function named in an attribute string",
            "ws/app/src/attrs.rs",
            "x.to_string()",
            "format!(\"{x}\")",
            &["app::attrs::report"],
        ),
        (
            "code named in #[persist(...)] arguments",
            "ws/app/src/formats.rs",
            "    1\n",
            "    2\n",
            &["app::formats::custom_format"],
        ),
        (
            "edition of a path dependency",
            // The same tokens may be other code in another edition (an
            // array's `into_iter`, closure captures, temporaries' scopes),
            // and Cargo leaves the edition out of the library's file name.
            "extdep/Cargo.toml",
            "edition = \"2021\"",
            "edition = \"2018\"",
            &["app::uses_path_dep"],
        ),
        (
            "package version read with env!",
            "ws/app/Cargo.toml",
            "version = \"0.1.0\"",
            "version = \"0.2.0\"",
            // The value of `env!` is a build input: it enters the key through
            // the macro (tests/build_inputs.rs), not the code hash.
            &[],
        ),
    ]
}

#[test]
fn each_edit_changes_exactly_the_affected_functions() {
    let base_dir = workspace();
    let base = hashes(base_dir.path());
    assert!(base.len() >= 22, "{base:?}");
    let mut failures = Vec::new();
    for (what, file, from, to, expected) in cases() {
        let dir = workspace();
        edit(dir.path(), file, from, to);
        let after = hashes(dir.path());
        assert_eq!(
            after.keys().collect::<Vec<_>>(),
            base.keys().collect::<Vec<_>>(),
            "{what}: functions differ"
        );
        let changed: BTreeSet<&str> = base
            .iter()
            .filter(|(f, h)| after.get(*f) != Some(h))
            .map(|(f, _)| f.as_str())
            .collect();
        let expected: BTreeSet<&str> = expected.iter().copied().collect();
        if changed != expected {
            failures.push(format!(
                "{what}: changed {changed:?}, expected {expected:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn hashes_do_not_depend_on_where_the_workspace_is() {
    let a = workspace();
    let b = workspace();
    assert_eq!(hashes(a.path()), hashes(b.path()));
}

#[test]
fn in_place_edits_are_seen_through_the_parse_cache() {
    let dir = workspace();
    let first = hashes(dir.path());
    // Same size: only the content (and the time) differ.
    edit(dir.path(), "ws/app/src/nested/inner.rs", "42", "24");
    let second = hashes(dir.path());
    assert_ne!(first["app::nested_call"], second["app::nested_call"]);
    edit(dir.path(), "ws/app/src/nested/inner.rs", "24", "42");
    assert_eq!(first, hashes(dir.path()));
}
