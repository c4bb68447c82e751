//! The locked versions of external crates, and the macro's fallback, on
//! workspaces built by hand (no `cargo metadata`).

use std::collections::BTreeMap;
use std::path::Path;

use perscache_analysis::model::{CrateInfo, DepRef, Workspace};
use perscache_analysis::{analyze, Options};

fn write(path: &Path, text: &str) {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d).expect("dir");
    }
    std::fs::write(path, text).expect("write");
}

fn workspace(root: &Path, serde_version: &str) -> Workspace {
    let mut deps = BTreeMap::new();
    deps.insert(
        "serde".to_owned(),
        DepRef::External(format!("serde@{serde_version}")),
    );
    deps.insert("itoa".to_owned(), DepRef::External("itoa@1.0.0".to_owned()));
    Workspace {
        root: root.to_path_buf(),
        target_dir: root.join("target"),
        crates: vec![CrateInfo {
            name: "app".into(),
            package: "app".into(),
            package_dir: root.join("app"),
            kind: "lib".into(),
            root: root.join("app/src/lib.rs"),
            member: true,
            proc_macro: false,
            build_script: None,
            edition: "2021".to_owned(),
            ext_local: Default::default(),
            deps,
            test_deps: BTreeMap::new(),
        }],
        cargo_files: Vec::new(),
    }
}

fn hashes(ws: &Workspace) -> BTreeMap<String, (String, Vec<String>)> {
    let a = analyze(ws, &Options::default()).expect("analysis");
    a.manifest
        .functions
        .into_iter()
        .map(|f| (f.function, (f.code_hash, f.external)))
        .collect()
}

#[test]
fn external_crate_versions_count_where_reached() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        &dir.path().join("app/src/lib.rs"),
        r#"
pub mod rows {
    use serde::Serialize;

    #[derive(Serialize)]
    pub struct Row { pub x: u32 }

    #[perscache::persist]
    pub fn uses_serde() -> Row { Row { x: 1 } }

    // A method call where a trait of serde may be in scope.
    #[perscache::persist]
    pub fn calls_a_method(x: u32) -> u32 { x.pow(2) }
}

#[perscache::persist]
pub fn uses_itoa(x: u32) -> String { itoa::Buffer::new().format(x).to_owned() }

#[perscache::persist]
pub fn plain(x: u32) -> u32 { x + 1 }
"#,
    );
    let before = hashes(&workspace(dir.path(), "1.0.100"));
    assert_eq!(
        before["app::rows::uses_serde"].1,
        vec!["serde@1.0.100".to_owned()]
    );
    assert_eq!(
        before["app::rows::calls_a_method"].1,
        vec!["serde@1.0.100".to_owned()]
    );
    assert_eq!(before["app::uses_itoa"].1, vec!["itoa@1.0.0".to_owned()]);
    assert!(before["app::plain"].1.is_empty());

    // A Cargo.lock update of serde: only its user changes.
    let after = hashes(&workspace(dir.path(), "1.0.101"));
    assert_ne!(
        before["app::rows::uses_serde"].0,
        after["app::rows::uses_serde"].0
    );
    assert_eq!(before["app::uses_itoa"].0, after["app::uses_itoa"].0);
    assert_eq!(before["app::plain"].0, after["app::plain"].0);
}

#[test]
fn fallback_hash_covers_path_dependencies_and_included_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    write(
        &root.join("app/Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[dependencies]\nlib2 = { path = \"../lib2\" }\n",
    );
    write(
        &root.join("app/src/lib.rs"),
        "pub const T: &str = include_str!(\"../data.txt\");\n",
    );
    write(&root.join("app/data.txt"), "one");
    write(
        &root.join("lib2/Cargo.toml"),
        "[package]\nname = \"lib2\"\nversion = \"0.1.0\"\n",
    );
    write(&root.join("lib2/src/lib.rs"), "pub fn f() -> u32 { 1 }\n");
    write(&root.join("unrelated/src/lib.rs"), "pub fn g() {}\n");
    let h = |_: ()| perscache_analysis::macro_side::widened_hash(&root.join("app"));
    let base = h(());
    assert_eq!(base, h(()), "deterministic");

    write(
        &root.join("unrelated/src/lib.rs"),
        "pub fn g() { let _ = 1; }\n",
    );
    assert_eq!(base, h(()), "outside the crate and its path dependencies");

    write(&root.join("lib2/src/lib.rs"), "pub fn f() -> u32 { 2 }\n");
    let after_dep = h(());
    assert_ne!(base, after_dep, "a path dependency's source");

    write(&root.join("app/data.txt"), "two");
    assert_ne!(after_dep, h(()), "an included file");
}

#[test]
fn stale_manifests_are_detected() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        &dir.path().join("app/src/lib.rs"),
        "#[perscache::persist]\npub fn f() -> u32 { 1 }\n",
    );
    let ws = workspace(dir.path(), "1.0.0");
    let a = analyze(&ws, &Options::default()).expect("analysis");
    assert_eq!(a.manifest.stale_file(), None);
    let path = dir.path().join("target/perscache/manifest.json");
    assert!(a.manifest.write(&path).expect("write"));
    assert!(
        !a.manifest.write(&path).expect("write again"),
        "same bytes: left alone"
    );
    let read = perscache_analysis::Manifest::read(&path).expect("read");
    assert_eq!(read, a.manifest);

    write(
        &dir.path().join("app/src/lib.rs"),
        "#[perscache::persist]\npub fn f() -> u32 { 2 }\n",
    );
    assert_eq!(read.stale_file().as_deref(), Some("app/src/lib.rs"));
}

#[test]
fn fallback_hash_does_not_depend_on_the_checkout_folder() {
    let make = || {
        let dir = tempfile::tempdir().expect("tempdir");
        write(
            &dir.path().join("Cargo.toml"),
            "[workspace]\nmembers = [\"app\"]\n",
        );
        write(
            &dir.path().join("app/Cargo.toml"),
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\n",
        );
        write(
            &dir.path().join("app/src/lib.rs"),
            "pub fn f() -> u32 { 1 }\n",
        );
        dir
    };
    let (a, b) = (make(), make());
    assert_eq!(
        perscache_analysis::macro_side::widened_hash(&a.path().join("app")),
        perscache_analysis::macro_side::widened_hash(&b.path().join("app"))
    );
}

fn single_crate(root: &Path) -> Workspace {
    let mut ws = workspace(root, "1.0.0");
    ws.crates[0].deps.clear();
    ws
}

#[test]
fn glob_cycles_terminate_and_enum_globs_resolve_variants_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut lib = String::from("pub mod colors;\n");
    for i in 0..6 {
        lib.push_str(&format!("pub mod c{i};\npub use c{i}::*;\n"));
        write(
            &dir.path().join(format!("app/src/c{i}.rs")),
            &format!("use super::*;\npub fn f{i}() -> u32 {{ {i} }}\n"),
        );
    }
    lib.push_str(
        "#[perscache::persist]\npub fn uses_globs() -> u32 { f3() + missing_everywhere() }\n",
    );
    write(&dir.path().join("app/src/lib.rs"), &lib);
    write(
        &dir.path().join("app/src/colors.rs"),
        "pub enum Color { Red, Green }\nuse Color::*;\n#[perscache::persist]\npub fn red() -> u32 { if matches_red(Red) { 1 } else { Nope } }\nfn matches_red(c: Color) -> bool { matches!(c, Red) }\n",
    );
    let ws = single_crate(dir.path());
    let a = analyze(&ws, &Options::default()).expect("analysis");
    assert_eq!(a.manifest.functions.len(), 2);

    // Editing f3 (reached through the glob) changes uses_globs; editing f4 does not.
    write(
        &dir.path().join("app/src/c3.rs"),
        "use super::*;\npub fn f3() -> u32 { 33 }\n",
    );
    let b = analyze(&ws, &Options::default()).expect("analysis");
    let hash = |an: &perscache_analysis::Analysis, f: &str| {
        an.manifest
            .functions
            .iter()
            .find(|x| x.function == f)
            .map(|x| x.code_hash.clone())
    };
    assert_ne!(hash(&a, "app::uses_globs"), hash(&b, "app::uses_globs"));
    write(
        &dir.path().join("app/src/c4.rs"),
        "use super::*;\npub fn f4() -> u32 { 44 }\n",
    );
    let c = analyze(&ws, &Options::default()).expect("analysis");
    assert_eq!(hash(&b, "app::uses_globs"), hash(&c, "app::uses_globs"));

    // The enum reached through `use Color::*` counts.
    write(
        &dir.path().join("app/src/colors.rs"),
        "pub enum Color { Red = 5, Green }\nuse Color::*;\n#[perscache::persist]\npub fn red() -> u32 { if matches_red(Red) { 1 } else { Nope } }\nfn matches_red(c: Color) -> bool { matches!(c, Red) }\n",
    );
    let d = analyze(&ws, &Options::default()).expect("analysis");
    assert_ne!(hash(&c, "app::colors::red"), hash(&d, "app::colors::red"));
}

#[test]
fn workspace_proc_macros_count_for_the_items_using_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let mac = |body: &str| {
        write(
            &root.join("mac/src/lib.rs"),
            &format!("#[proc_macro_derive(Shout)]\npub fn shout(input: TokenStream) -> TokenStream {{ {body} }}\n"),
        )
    };
    mac("input");
    write(
        &root.join("app/src/lib.rs"),
        "use mac::Shout;\n#[derive(Debug, Shout)]\npub struct S;\n#[perscache::persist]\npub fn uses_derive() -> S { S }\n#[perscache::persist]\npub fn plain() -> u32 { 1 }\n",
    );
    let mut ws = single_crate(root);
    ws.crates[0].deps.insert(
        "mac".into(),
        DepRef::Local(root.join("mac/src/lib.rs").to_string_lossy().into_owned()),
    );
    ws.crates.push(CrateInfo {
        name: "mac".into(),
        package: "mac".into(),
        package_dir: root.join("mac"),
        kind: "lib".into(),
        root: root.join("mac/src/lib.rs"),
        member: true,
        proc_macro: true,
        build_script: None,
        edition: "2021".to_owned(),
        ext_local: Default::default(),
        deps: BTreeMap::new(),
        test_deps: BTreeMap::new(),
    });
    let before = hashes(&ws);
    mac("let _ = 1; input");
    let after = hashes(&ws);
    assert_ne!(before["app::uses_derive"].0, after["app::uses_derive"].0);
    assert_eq!(before["app::plain"].0, after["app::plain"].0);
}
