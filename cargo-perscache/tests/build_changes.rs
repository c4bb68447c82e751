//! Build changes a key must see that the crate graph and the sources alone
//! do not show, each on a small workspace the test writes, built and run as
//! a user would, with a cache and with `PERSCACHE=off`:
//!
//! - a git dependency moved to another commit keeps its version, and cargo
//!   gives its files the same hash: the result the old commit's code computed
//!   must not be served to the new one;
//! - a package's version bumped in its manifest, read by a macro whose
//!   expansion the analysis cannot see (a workspace proc macro writing
//!   `env!("CARGO_PKG_VERSION")`, as `clap::crate_version!()` does);
//! - a prebuilt native library rebuilt, which a build script links from a
//!   folder whose path it computes (no string of its names the file).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .expect("cargo-perscache is inside the repository")
}

fn check(what: &str, out: &Output) {
    assert!(
        out.status.success(),
        "{what}: {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
        .args(args)
        .output()
        .expect("git runs");
    check(&format!("git {args:?}"), &out);
}

/// Commits `gd`'s `value()` returning `value`.
fn commit_value(repo: &Path, value: u32) {
    std::fs::write(
        repo.join("src/lib.rs"),
        format!("pub fn value() -> u32 {{ {value} }}\n"),
    )
    .expect("write gd");
    git(repo, &["add", "-A"]);
    git(repo, &["commit", "-q", "-m", &format!("value {value}")]);
}

fn cargo(ws: &Path, cache: &Path, args: &[&str], cache_on: bool) -> String {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(ws)
        .args(args)
        .env(
            "CARGO_TARGET_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("build-changes-target"),
        )
        .env("CARGO_TERM_COLOR", "never")
        .env("PERSCACHE_DIR", cache)
        .env("PERSCACHE_STRICT", "1");
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("PERSCACHE") && name != "PERSCACHE_DIR" {
            cmd.env_remove(name);
        }
    }
    if !cache_on {
        cmd.env("PERSCACHE", "off");
    }
    let out = cmd.output().expect("cargo runs");
    check(&format!("cargo {args:?}"), &out);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_git_dependency_moved_to_another_commit_is_a_new_key() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let repo = tmp.path().join("gd");
    std::fs::create_dir_all(repo.join("src")).expect("gd folder");
    std::fs::write(
        repo.join("Cargo.toml"),
        "[package]\nname = \"gd\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .expect("gd manifest");
    git(&repo, &["init", "-q"]);
    commit_value(&repo, 1);

    let ws = tmp.path().join("ws");
    std::fs::create_dir_all(ws.join("src")).expect("ws folder");
    std::fs::write(
        ws.join("Cargo.toml"),
        format!(
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             [dependencies]\nperscache = {{ path = {:?} }}\ngd = {{ git = {:?} }}\n",
            repo_root().display().to_string(),
            format!("file://{}", repo.display())
        ),
    )
    .expect("ws manifest");
    std::fs::write(
        ws.join("src/main.rs"),
        "#[perscache::persist]\nfn total(x: u32) -> u32 {\n    gd::value() + x\n}\n\n\
         fn main() {\n    println!(\"{}\", total(10));\n}\n",
    )
    .expect("ws main");
    // perscache's own lock file pins the registry crates to versions this
    // machine has, so nothing is fetched but `gd`.
    std::fs::copy(repo_root().join("Cargo.lock"), ws.join("Cargo.lock")).expect("lock file");
    let cache = tmp.path().join("cache");

    let run = ["run", "-q"];
    assert_eq!(cargo(&ws, &cache, &run, true), "11\n");
    assert_eq!(cargo(&ws, &cache, &run, true), "11\n");

    commit_value(&repo, 2);
    cargo(&ws, &cache, &["update", "-q", "-p", "gd"], true);
    let truth = cargo(&ws, &cache, &run, false);
    assert_eq!(truth, "12\n", "the fixture: the new commit computes 12");
    assert_eq!(
        cargo(&ws, &cache, &run, true),
        truth,
        "a result of gd's old commit was served to its new one"
    );
}

#[test]
fn a_package_version_a_proc_macro_reads_is_in_the_key() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let ws = tmp.path().join("ws");
    let write = |path: &str, text: &str| {
        let p = ws.join(path);
        std::fs::create_dir_all(p.parent().expect("a folder")).expect("folder");
        std::fs::write(p, text).expect("write");
    };
    write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"app\", \"pm\"]\nresolver = \"2\"\n",
    );
    write(
        "pm/Cargo.toml",
        "[package]\nname = \"pm\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[lib]\nproc-macro = true\n",
    );
    write(
        "pm/src/lib.rs",
        "use proc_macro::TokenStream;\n\n#[proc_macro]\npub fn version(_: TokenStream) -> TokenStream {\n    \"env!(\\\"CARGO_PKG_VERSION\\\")\".parse().unwrap()\n}\n",
    );
    let manifest = |version: &str| {
        format!(
            "[package]\nname = \"app\"\nversion = \"{version}\"\nedition = \"2021\"\n\n\
             [dependencies]\nperscache = {{ path = {:?} }}\npm = {{ path = \"../pm\" }}\n",
            repo_root().display().to_string()
        )
    };
    write("app/Cargo.toml", &manifest("0.1.0"));
    write(
        "app/src/main.rs",
        "#[perscache::persist]\nfn label(x: u32) -> String {\n    format!(\"{} {x}\", pm::version!())\n}\n\n\
         fn main() {\n    println!(\"{}\", label(1));\n}\n",
    );
    std::fs::copy(repo_root().join("Cargo.lock"), ws.join("Cargo.lock")).expect("lock file");
    let cache = tmp.path().join("cache");

    let run = ["run", "-q", "-p", "app"];
    assert_eq!(cargo(&ws, &cache, &run, true), "0.1.0 1\n");
    write("app/Cargo.toml", &manifest("0.1.5"));
    let truth = cargo(&ws, &cache, &run, false);
    assert_eq!(
        truth, "0.1.5 1\n",
        "the fixture: the new version is printed"
    );
    assert_eq!(
        cargo(&ws, &cache, &run, true),
        truth,
        "a result computed under the old version was served"
    );
}

/// Builds `dir/libtables.a` from C whose `table_scale()` returns `value`,
/// with the C compiler and archiver rustc's linking needs anyway.
fn prebuilt_library(dir: &Path, value: u32) {
    std::fs::create_dir_all(dir).expect("prebuilt folder");
    let c = dir.join("tables.c");
    std::fs::write(
        &c,
        format!("unsigned table_scale(void) {{ return {value}; }}\n"),
    )
    .expect("C source");
    let object = dir.join("tables.o");
    let out = Command::new("cc")
        .args(["-c", "-fPIC", "-o"])
        .arg(&object)
        .arg(&c)
        .output()
        .expect("cc runs");
    check("cc", &out);
    let _ = std::fs::remove_file(dir.join("libtables.a"));
    let out = Command::new("ar")
        .arg("rcs")
        .arg(dir.join("libtables.a"))
        .arg(&object)
        .output()
        .expect("ar runs");
    check("ar", &out);
}

#[test]
fn a_native_library_a_build_script_links_by_a_computed_path_is_in_the_key() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let ws = tmp.path().join("ws");
    std::fs::create_dir_all(ws.join("src")).expect("ws folder");
    std::fs::write(
        ws.join("Cargo.toml"),
        format!(
            "[package]\nname = \"native\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             [dependencies]\nperscache = {{ path = {:?} }}\n",
            repo_root().display().to_string()
        ),
    )
    .expect("manifest");
    std::fs::write(
        ws.join("build.rs"),
        "fn main() {\n    let dir = std::env::var(\"CARGO_MANIFEST_DIR\").unwrap();\n    \
         let lib = format!(\"{dir}/prebuilt\");\n    \
         println!(\"cargo:rustc-link-search=native={lib}\");\n    \
         println!(\"cargo:rustc-link-lib=static=tables\");\n    \
         println!(\"cargo:rerun-if-changed={lib}/libtables.a\");\n    \
         println!(\"cargo:rerun-if-changed=build.rs\");\n}\n",
    )
    .expect("build script");
    std::fs::write(
        ws.join("src/main.rs"),
        "extern \"C\" {\n    fn table_scale() -> u32;\n}\n\n\
         #[perscache::persist]\nfn scaled(x: u32) -> u32 {\n    x * unsafe { table_scale() }\n}\n\n\
         fn main() {\n    println!(\"{}\", scaled(10));\n}\n",
    )
    .expect("main");
    std::fs::copy(repo_root().join("Cargo.lock"), ws.join("Cargo.lock")).expect("lock file");
    prebuilt_library(&ws.join("prebuilt"), 3);
    let cache = tmp.path().join("cache");

    let run = ["run", "-q"];
    assert_eq!(cargo(&ws, &cache, &run, true), "30\n");
    prebuilt_library(&ws.join("prebuilt"), 4);
    let truth = cargo(&ws, &cache, &run, false);
    assert_eq!(truth, "40\n", "the fixture: the rebuilt library is linked");
    assert_eq!(
        cargo(&ws, &cache, &run, true),
        truth,
        "a result of the old library was served"
    );
}
