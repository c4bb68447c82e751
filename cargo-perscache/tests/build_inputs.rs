//! Issue 11 end to end: a result is never served to a build whose function
//! may behave differently, whatever input of the build changed, and the cache
//! is still used where nothing did.
//!
//! The fixture (`tests/fixtures/build_inputs`) has one marked function per
//! build input: a feature, the profile's `debug-assertions` and
//! `overflow-checks`, a path dependency's feature, `env!` set by the shell or
//! by `.cargo/config.toml [env]`, `option_env!`, a build script's `rustc-cfg`
//! and `rustc-env`, and files read at compile time through
//! `concat!(env!("CARGO_MANIFEST_DIR"), …)`, `OUT_DIR` and a `macro_rules!`.
//! Each body prints `computed NAME` on stderr when it runs.
//!
//! Every configuration changes one input from the base. For each, with one
//! cache folder shared by all runs of a test:
//! - the output with the cache equals the output with `PERSCACHE=off` of the
//!   same build (never a wrong value);
//! - a second run of the same build runs no body (served from the cache);
//! - going back to any configuration seen before runs no body either (no
//!   needless miss) and gives that configuration's own output.
//!
//! Cache failures are collected and reported together at the end, so one run
//! shows every input the key misses. A fixture that does not behave as
//! expected with caching off fails at once: that is this test's own bug.
//!
//! Not built here, to keep CI short (each would rebuild every dependency):
//! `RUSTFLAGS="--cfg …"`, `--target`, another compiler, another version of a
//! registry crate.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, MutexGuard};

/// Each marked function, in the order `main` prints them, and its value in
/// the base configuration.
const BASE_VALUES: [(&str, &str); 13] = [
    ("feature_alt", "off"),
    ("debug_assertions", "true"),
    ("overflow_checks", "true"),
    ("dep_volume", "quiet"),
    ("region", "north"),
    ("note", "unset"),
    ("flavor", "mild"),
    ("stamp", "s1"),
    ("data", "alpha"),
    ("generated", "g1"),
    ("units", "metres"),
    ("generated_code", "7"),
    ("picked", "alpha"),
];

/// The compile-time environment of the base configuration. Variables the
/// fixture reads and that are not listed here are unset.
const BASE_ENV: [(&str, &str); 4] = [
    ("REGION", "north"),
    ("FIXTURE_STAMP", "s1"),
    ("FIXTURE_GEN", "g1"),
    ("FIXTURE_PICK", "../data.txt"),
];

/// Every variable the fixture or its build script reads at compile time.
const FIXTURE_VARS: [&str; 9] = [
    "REGION",
    "FIXTURE_NOTE",
    "FIXTURE_FLAVOR",
    "FIXTURE_STAMP",
    "FIXTURE_GEN",
    "FIXTURE_CODE",
    "FIXTURE_PICK",
    "FIXTURE_TIER",
    "FIXTURE_ZONE",
];

/// The files the fixture reads at compile time, with their base contents.
const BASE_FILES: [(&str, &str); 2] = [("data.txt", "alpha\n"), ("tables/units.txt", "metres\n")];

/// One build: cargo's flags, the compile-time environment and the files read
/// at compile time, each as a change from the base.
#[derive(Debug, Clone, Copy)]
struct Config {
    name: &'static str,
    cargo_args: &'static [&'static str],
    /// Variables set (or overriding the base) in the shell.
    env: &'static [(&'static str, &'static str)],
    /// Base variables removed from the shell.
    unset: &'static [&'static str],
    /// The workspace's `.cargo/config.toml` (none in the base).
    cargo_config: Option<&'static str>,
    /// Files whose content differs from the base.
    files: &'static [(&'static str, &'static str)],
    /// The functions whose value differs from the base, and their values:
    /// one, except where one setting decides several (`--release`).
    changes: &'static [(&'static str, &'static str)],
}

const BASE: Config = Config {
    name: "base (debug, no features)",
    cargo_args: &[],
    env: &[],
    unset: &[],
    cargo_config: None,
    files: &[],
    changes: &[],
};

/// One configuration per build input, each differing from the base in that input only.
const VARIANTS: [Config; 14] = [
    Config {
        name: "--features alt",
        cargo_args: &["--features", "alt"],
        changes: &[("feature_alt", "on")],
        ..BASE
    },
    Config {
        name: "--release",
        cargo_args: &["--release"],
        changes: &[("debug_assertions", "false"), ("overflow_checks", "false")],
        ..BASE
    },
    Config {
        name: "overflow-checks off (.cargo/config.toml [profile.dev.package.app])",
        cargo_config: Some("[profile.dev.package.app]\noverflow-checks = false\n"),
        changes: &[("overflow_checks", "false")],
        ..BASE
    },
    Config {
        name: "--features loud (dep/loud)",
        cargo_args: &["--features", "loud"],
        changes: &[("dep_volume", "loud")],
        ..BASE
    },
    Config {
        name: "REGION=south in the shell",
        env: &[("REGION", "south")],
        changes: &[("region", "south")],
        ..BASE
    },
    Config {
        name: "REGION from .cargo/config.toml [env]",
        unset: &["REGION"],
        cargo_config: Some("[env]\nREGION = \"config-east\"\n"),
        changes: &[("region", "config-east")],
        ..BASE
    },
    Config {
        name: "option_env! FIXTURE_NOTE set",
        env: &[("FIXTURE_NOTE", "hello")],
        changes: &[("note", "hello")],
        ..BASE
    },
    Config {
        name: "build script rustc-cfg (FIXTURE_FLAVOR=spicy)",
        env: &[("FIXTURE_FLAVOR", "spicy")],
        changes: &[("flavor", "spicy")],
        ..BASE
    },
    Config {
        name: "build script rustc-env (FIXTURE_STAMP=s2)",
        env: &[("FIXTURE_STAMP", "s2")],
        changes: &[("stamp", "s2")],
        ..BASE
    },
    Config {
        name: "file generated in OUT_DIR (FIXTURE_GEN=g2)",
        env: &[("FIXTURE_GEN", "g2")],
        changes: &[("generated", "g2")],
        ..BASE
    },
    Config {
        name: "Rust code generated in OUT_DIR, include!d in a module (FIXTURE_CODE=9)",
        env: &[("FIXTURE_CODE", "9")],
        changes: &[("generated_code", "9")],
        ..BASE
    },
    Config {
        name: "another file of the package picked by a variable (FIXTURE_PICK)",
        env: &[("FIXTURE_PICK", "../tables/units.txt")],
        changes: &[("picked", "metres")],
        ..BASE
    },
    Config {
        name: "data.txt edited (include_str! of CARGO_MANIFEST_DIR)",
        files: &[("data.txt", "beta\n")],
        changes: &[("data", "beta"), ("picked", "beta")],
        ..BASE
    },
    Config {
        name: "tables/units.txt edited (include_str! in a macro_rules!)",
        files: &[("tables/units.txt", "feet\n")],
        changes: &[("units", "feet")],
        ..BASE
    },
];

impl Config {
    /// What `main` prints when every body runs: the base values with this
    /// configuration's changes.
    fn expected_stdout(&self) -> String {
        BASE_VALUES
            .iter()
            .map(|&(name, base)| {
                let value = self
                    .changes
                    .iter()
                    .find(|(changed, _)| *changed == name)
                    .map_or(base, |(_, value)| *value);
                format!("{name}={value}\n")
            })
            .collect()
    }

    /// The folder under the target dir that cargo builds these flags into.
    fn profile_dir(&self) -> &'static str {
        let args = self.cargo_args;
        let release =
            args.contains(&"--release") || args.windows(2).any(|w| w == ["--profile", "release"]);
        if release {
            "release"
        } else {
            "debug"
        }
    }
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .expect("cargo-perscache is inside the repository")
}

/// A target dir kept between runs of these tests, so perscache and its
/// dependencies are built once per profile.
fn target_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name)
}

/// The target dir every test here shares.
const SHARED_TARGET: &str = "build-inputs-target";

/// A copy of the fixture and the target dir it builds into.
struct Workspace {
    dir: PathBuf,
    target: PathBuf,
}

impl Workspace {
    /// A fresh copy of the fixture in `parent/ws`, depending on this
    /// repository, building into `target_dir(target)`. A manifest an earlier
    /// test left there is removed, so it cannot be taken for this workspace's.
    fn new(parent: &Path, target: &str) -> Workspace {
        let dir = parent.join("ws");
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/build_inputs"),
            &dir,
        );
        let manifest = dir.join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest).expect("fixture Cargo.toml");
        let in_place = "perscache = { path = \"../../../..\" }";
        assert!(text.contains(in_place), "the fixture's perscache line");
        let here = format!(
            "perscache = {{ path = {:?} }}",
            repo().display().to_string()
        );
        std::fs::write(&manifest, text.replace(in_place, &here)).expect("write Cargo.toml");
        let target = target_dir(target);
        let _ = std::fs::remove_file(target.join("perscache/manifest.json"));
        Workspace { dir, target }
    }
}

/// The tests share the target dir, and with it the binary's path and the
/// manifest `cargo perscache build` writes there: one test at a time.
fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    // A failed test poisons the lock; the next one still runs.
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for e in std::fs::read_dir(from).expect("read fixture") {
        let e = e.expect("fixture entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("file type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

/// Makes the workspace's files and `.cargo/config.toml` those of `cfg`.
/// Files already right are left alone, so their time stamps do not make
/// cargo rebuild for nothing.
fn apply(ws: &Workspace, cfg: &Config) {
    for (file, base) in BASE_FILES {
        let want = cfg
            .files
            .iter()
            .find(|(f, _)| *f == file)
            .map_or(base, |(_, text)| *text);
        let path = ws.dir.join(file);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(want) {
            std::fs::write(&path, want).expect("write fixture file");
        }
    }
    let config = ws.dir.join(".cargo/config.toml");
    match cfg.cargo_config {
        Some(text) => {
            std::fs::create_dir_all(ws.dir.join(".cargo")).expect(".cargo");
            std::fs::write(&config, text).expect("config");
        }
        None => {
            if config.exists() {
                std::fs::remove_file(&config).expect("remove config");
            }
        }
    }
}

/// A command run in the workspace (cargo reads `.cargo/config.toml` from the
/// current folder, not from `--manifest-path`), with exactly the
/// configuration's environment: no `PERSCACHE_*` or fixture variable leaks
/// in from the test's own environment.
fn command(program: impl Into<OsString>, ws: &Workspace, cfg: &Config, cache: &Path) -> Command {
    let mut cmd = Command::new(program.into());
    cmd.current_dir(&ws.dir)
        .env("CARGO_TARGET_DIR", &ws.target)
        .env("CARGO_TERM_COLOR", "never");
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("PERSCACHE") {
            cmd.env_remove(name);
        }
    }
    for name in FIXTURE_VARS {
        cmd.env_remove(name);
    }
    for (name, value) in BASE_ENV.iter().chain(cfg.env) {
        if !cfg.unset.contains(name) {
            cmd.env(name, value);
        }
    }
    // Strict: a cache error fails the run instead of being a warning.
    cmd.env("PERSCACHE_DIR", cache).env("PERSCACHE_STRICT", "1");
    cmd
}

fn cargo() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// How the program is built and run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// `cargo run`: the macro on its own, without a manifest.
    CargoRun,
    /// `cargo perscache build -- <flags>`, then the built binary.
    PerscacheBuild,
    /// `cargo perscache build <flags>`, then the built binary.
    PerscacheBuildDirect,
}

/// What one run printed.
#[derive(Debug)]
struct Run {
    stdout: String,
    /// The functions whose body ran, in order.
    computed: Vec<String>,
}

fn check_success(what: &str, out: &std::process::Output) {
    assert!(
        out.status.success(),
        "{what}: {}\nstdout:\n{}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `cargo perscache build` with `args` after the subcommand.
fn perscache_build(ws: &Workspace, cfg: &Config, cache: &Path, args: &[&str]) {
    let out = command(env!("CARGO_BIN_EXE_cargo-perscache"), ws, cfg, cache)
        .args(["perscache", "build", "-q", "--manifest-path"])
        .arg(ws.dir.join("Cargo.toml"))
        .args(args)
        .output()
        .expect("run cargo-perscache");
    check_success(
        &format!("cargo perscache build {args:?} ({})", cfg.name),
        &out,
    );
}

/// Builds `cfg` the way `mode` does (`cargo run` builds as it runs).
fn build(ws: &Workspace, cfg: &Config, cache: &Path, mode: Mode) {
    match mode {
        Mode::CargoRun => {}
        Mode::PerscacheBuild => {
            let mut args = vec!["--"];
            args.extend(cfg.cargo_args);
            perscache_build(ws, cfg, cache, &args);
        }
        Mode::PerscacheBuildDirect => perscache_build(ws, cfg, cache, cfg.cargo_args),
    }
}

/// Runs the program built for `cfg`, with the cache on or `PERSCACHE=off`.
fn exec(ws: &Workspace, cfg: &Config, cache: &Path, mode: Mode, cache_on: bool) -> Run {
    let mut cmd = match mode {
        Mode::CargoRun => {
            let mut cmd = command(cargo(), ws, cfg, cache);
            cmd.args(["run", "-q", "--manifest-path"])
                .arg(ws.dir.join("Cargo.toml"))
                .args(cfg.cargo_args);
            cmd
        }
        Mode::PerscacheBuild | Mode::PerscacheBuildDirect => {
            let bin = ws.target.join(cfg.profile_dir()).join("app");
            command(bin, ws, cfg, cache)
        }
    };
    if !cache_on {
        cmd.env("PERSCACHE", "off");
    }
    let out = cmd.output().expect("run the fixture");
    let what = format!(
        "{mode:?} {} ({})",
        cfg.name,
        if cache_on {
            "cache on"
        } else {
            "PERSCACHE=off"
        }
    );
    check_success(&what, &out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        computed: stderr
            .lines()
            .filter_map(|l| l.strip_prefix("computed "))
            .map(str::to_owned)
            .collect(),
    }
}

/// The lines of `got` that differ from `want`, for messages.
fn diff(got: &str, want: &str) -> String {
    let want: BTreeMap<&str, &str> = want.lines().filter_map(|l| l.split_once('=')).collect();
    got.lines()
        .filter_map(|l| l.split_once('='))
        .filter(|(k, v)| want.get(k) != Some(v))
        .map(|(k, v)| {
            format!(
                "{k}: served {v:?}, its own value is {:?}",
                want.get(k).copied().unwrap_or("missing")
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The run with `PERSCACHE=off`: every body runs and prints the
/// configuration's own values. Failing here is the fixture's fault.
fn uncached(ws: &Workspace, cfg: &Config, cache: &Path, mode: Mode) -> String {
    let off = exec(ws, cfg, cache, mode, false);
    let every: Vec<&str> = BASE_VALUES.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        off.computed, every,
        "{mode:?} {}: with PERSCACHE=off every body runs once",
        cfg.name
    );
    assert_eq!(
        off.stdout,
        cfg.expected_stdout(),
        "{mode:?} {}: the fixture does not give this configuration's values",
        cfg.name
    );
    off.stdout
}

/// Failures of the cache, collected so that one run reports all of them.
#[derive(Default)]
struct Failures(Vec<String>);

impl Failures {
    fn check(&mut self, mode: Mode, cfg: &Config, step: &str, run: &Run, own: &str) {
        if run.stdout != own {
            self.0.push(format!(
                "{mode:?} {} ({step}): wrong value: {}",
                cfg.name,
                diff(&run.stdout, own)
            ));
        }
    }

    fn check_hit(&mut self, mode: Mode, cfg: &Config, step: &str, run: &Run) {
        if !run.computed.is_empty() {
            self.0.push(format!(
                "{mode:?} {} ({step}): not served from the cache, computed {:?}",
                cfg.name, run.computed
            ));
        }
    }

    fn assert_none(self) {
        assert!(
            self.0.is_empty(),
            "{} cache failure(s):\n{}",
            self.0.len(),
            self.0.join("\n")
        );
    }
}

/// A configuration seen for the first time: the cache gives the function's
/// own values, then serves them on a second run.
fn first_visit(ws: &Workspace, cfg: &Config, cache: &Path, mode: Mode, failures: &mut Failures) {
    apply(ws, cfg);
    build(ws, cfg, cache, mode);
    let own = uncached(ws, cfg, cache, mode);
    let first = exec(ws, cfg, cache, mode, true);
    failures.check(mode, cfg, "first run", &first, &own);
    let second = exec(ws, cfg, cache, mode, true);
    failures.check(mode, cfg, "second run", &second, &own);
    failures.check_hit(mode, cfg, "second run", &second);
}

/// A configuration seen before, rebuilt after others: served from the cache,
/// with its own values.
fn revisit(ws: &Workspace, cfg: &Config, cache: &Path, mode: Mode, failures: &mut Failures) {
    apply(ws, cfg);
    build(ws, cfg, cache, mode);
    let own = uncached(ws, cfg, cache, mode);
    let run = exec(ws, cfg, cache, mode, true);
    failures.check(mode, cfg, "back to it", &run, &own);
    failures.check_hit(mode, cfg, "back to it", &run);
}

/// Every configuration once, then every one again, on one cache folder.
fn every_configuration(mode: Mode) {
    let _serial = serial();
    let tmp = tempfile::tempdir().expect("tempdir");
    let ws = Workspace::new(tmp.path(), SHARED_TARGET);
    let cache = tmp.path().join("cache");
    let mut failures = Failures::default();

    let all: Vec<Config> = std::iter::once(BASE).chain(VARIANTS).collect();
    for cfg in &all {
        first_visit(&ws, cfg, &cache, mode, &mut failures);
    }
    for cfg in &all {
        revisit(&ws, cfg, &cache, mode, &mut failures);
    }
    failures.assert_none();
}

#[test]
fn cargo_run_in_every_configuration() {
    every_configuration(Mode::CargoRun);
}

#[test]
fn cargo_perscache_build_in_every_configuration() {
    every_configuration(Mode::PerscacheBuild);
}

/// `cargo perscache build` takes cargo's flags as cargo-nextest does, without
/// `--`, and builds the binary those flags ask for (checked with caching
/// off); each build's results are its own, served again on a second run and
/// after the other builds.
#[test]
fn cargo_perscache_build_takes_cargo_flags_directly() {
    let _serial = serial();
    let tmp = tempfile::tempdir().expect("tempdir");
    let ws = Workspace::new(tmp.path(), SHARED_TARGET);
    let cache = tmp.path().join("cache");
    let mut failures = Failures::default();
    let builds = [
        Config {
            name: "--release --features alt",
            cargo_args: &["--release", "--features", "alt"],
            changes: &[
                ("feature_alt", "on"),
                ("debug_assertions", "false"),
                ("overflow_checks", "false"),
            ],
            ..BASE
        },
        Config {
            name: "--profile release --all-features",
            cargo_args: &["--profile", "release", "--all-features"],
            changes: &[
                ("feature_alt", "on"),
                ("debug_assertions", "false"),
                ("overflow_checks", "false"),
                ("dep_volume", "loud"),
            ],
            ..BASE
        },
        Config {
            name: "--no-default-features --features=loud",
            cargo_args: &["--no-default-features", "--features=loud"],
            changes: &[("dep_volume", "loud")],
            ..BASE
        },
    ];
    for cfg in &builds {
        first_visit(&ws, cfg, &cache, Mode::PerscacheBuildDirect, &mut failures);
    }
    for cfg in &builds {
        revisit(&ws, cfg, &cache, Mode::PerscacheBuildDirect, &mut failures);
    }
    failures.assert_none();
}

/// The same workspace in two folders, each building into its own target dir
/// as a teammate's checkout would, and one cache: the second folder's first
/// run is served entirely from the cache, with plain `cargo run` and with
/// `cargo perscache build`. So neither the workspace's path nor the target
/// dir's (`OUT_DIR`, `--extern` files, the manifest's place) is in a key.
///
/// Not covered: another user (another `$HOME` and `$CARGO_HOME`, so other
/// paths to registry sources, the toolchain and the default cache folder) and
/// another machine (host name, CPU, an identical toolchain installed
/// elsewhere). Both folders here belong to one user on one machine.
#[test]
fn another_folder_is_served_from_the_cache() {
    let _serial = serial();
    let tmp_a = tempfile::tempdir().expect("tempdir");
    let tmp_b = tempfile::tempdir().expect("tempdir");
    let a = Workspace::new(tmp_a.path(), SHARED_TARGET);
    // Its own target dir: in a shared one cargo would give both copies the
    // same `OUT_DIR` and artifact names, hiding paths under it. It costs one
    // more debug build of the dependencies, kept between test runs.
    let b = Workspace::new(tmp_b.path(), "build-inputs-target-other");
    let cache = tmp_a.path().join("cache");
    let mut failures = Failures::default();

    for mode in [Mode::CargoRun, Mode::PerscacheBuild] {
        for ws in [&a, &b] {
            apply(ws, &BASE);
            build(ws, &BASE, &cache, mode);
        }
        let own = uncached(&a, &BASE, &cache, mode);
        let first = exec(&a, &BASE, &cache, mode, true);
        failures.check(mode, &BASE, "first folder", &first, &own);

        let own = uncached(&b, &BASE, &cache, mode);
        let run = exec(&b, &BASE, &cache, mode, true);
        failures.check(mode, &BASE, "second folder, first run", &run, &own);
        failures.check_hit(mode, &BASE, "second folder, first run", &run);
    }
    failures.assert_none();
}

/// Variables read under a name only the build knows (`src/bin/tier.rs`:
/// `option_env!($name)` in a `macro_rules!`, `option_env!(concat!(…))`): a changed
/// value is never served stale, and an unchanged one is served again.
#[test]
fn variables_named_only_by_the_build_are_in_the_key() {
    let _serial = serial();
    let tmp = tempfile::tempdir().expect("tempdir");
    let ws = Workspace::new(tmp.path(), SHARED_TARGET);
    let cache = tmp.path().join("cache");
    let run = |tier: &str, zone: &str| -> Run {
        let out = command(cargo(), &ws, &BASE, &cache)
            .args(["run", "-q", "--bin", "tier", "--manifest-path"])
            .arg(ws.dir.join("Cargo.toml"))
            .env("FIXTURE_TIER", tier)
            .env("FIXTURE_ZONE", zone)
            .output()
            .expect("run the fixture");
        check_success(&format!("tier={tier} zone={zone}"), &out);
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(
            stdout,
            format!("tier={tier}\nzone={zone}\n"),
            "tier={tier} zone={zone}: a value served stale"
        );
        Run {
            stdout,
            computed: String::from_utf8_lossy(&out.stderr)
                .lines()
                .filter_map(|l| l.strip_prefix("computed "))
                .map(str::to_owned)
                .collect(),
        }
    };
    run("gold", "east");
    assert!(run("gold", "east").computed.is_empty(), "served again");
    // Each function's key holds every variable its crate reads: a change of
    // either recomputes both.
    assert_eq!(run("silver", "east").computed, ["tier", "zone"]);
    assert!(run("silver", "east").computed.is_empty(), "served again");
    assert_eq!(run("silver", "west").computed, ["tier", "zone"]);
    run("gold", "east");
}
