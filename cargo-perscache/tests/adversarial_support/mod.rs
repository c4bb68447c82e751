//! The harness the adversarial analysis suites share (`analysis_adversarial.rs`,
//! `analysis_adversarial2.rs`): a [`Suite`] is a fixture workspace, its marked
//! functions and its cases; each case is one edit and the functions whose
//! result it changes, judged through the real `cargo perscache list --json`.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command as StdCommand;
use std::sync::{Mutex, MutexGuard, OnceLock};

use assert_cmd::Command;

/// One replacement in a fixture file (the first occurrence of `from`).
pub struct Edit {
    pub file: &'static str,
    pub from: &'static str,
    pub to: &'static str,
}

pub struct Case {
    /// The name of its test.
    pub name: &'static str,
    /// The rule of the analysis the edit exercises.
    pub rule: &'static str,
    pub edits: Vec<Edit>,
    /// The functions whose result the edit changes (checked by the probe).
    pub must: Vec<&'static str>,
}

pub fn case(
    name: &'static str,
    rule: &'static str,
    file: &'static str,
    from: &'static str,
    to: &'static str,
    must: &[&'static str],
) -> Case {
    Case {
        name,
        rule,
        edits: vec![Edit { file, from, to }],
        must: must.to_vec(),
    }
}

impl Case {
    pub fn and(mut self, file: &'static str, from: &'static str, to: &'static str) -> Case {
        self.edits.push(Edit { file, from, to });
        self
    }
}

/// One fixture workspace and what is checked on it.
pub struct Suite {
    /// Its folder under `tests/fixtures/`: the workspace is `ws/` there, the
    /// probe that calls every marked function `probe/`.
    pub fixture: &'static str,
    /// The workspace's packages that depend on `perscache`.
    pub members: &'static [&'static str],
    /// Every marked function: the id the cases and the probe use, and the
    /// name `list` gives it.
    pub functions: &'static [(&'static str, &'static str)],
    /// Every case.
    pub cases: fn() -> Vec<Case>,
}

/// One test per case, calling `SUITE.check_case`; the names also go into
/// `CASE_TESTS`, which `Suite::every_case_has_its_test` compares with the cases.
/// Also the suite's own tests: every case has its test, the cases are well
/// formed, every marked function is listed, and (ignored: tens of minutes)
/// every edit compiles and changes what it claims.
macro_rules! case_tests {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                SUITE.check_case(stringify!($name));
            }
        )*
        const CASE_TESTS: &[&str] = &[$(stringify!($name)),*];

        #[test]
        fn every_case_has_its_test() {
            SUITE.every_case_has_its_test(CASE_TESTS);
        }

        #[test]
        fn cases_are_well_formed() {
            SUITE.cases_are_well_formed();
        }

        #[test]
        fn every_marked_function_is_listed() {
            SUITE.every_marked_function_is_listed();
        }

        #[test]
        #[ignore = "builds and runs every edited copy of the fixture (tens of minutes)"]
        fn every_edit_compiles_and_changes_what_it_claims() {
            SUITE.every_edit_compiles_and_changes_what_it_claims();
        }
    };
}

impl Suite {
    fn dir(&self, part: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(self.fixture)
            .join(part)
    }

    /// A fresh copy of the fixture.
    pub fn workspace(&self) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        copy_dir(&self.dir("ws"), dir.path());
        dir
    }

    pub fn full_name(&self, id: &str) -> &'static str {
        self.functions
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, n)| *n)
            .unwrap_or_else(|| panic!("unknown function id {id:?}"))
    }

    /// The listing of the unedited fixture, once per test process (a test
    /// binary runs one suite).
    pub fn base(&self) -> &'static BTreeMap<String, Listed> {
        static BASE: OnceLock<Result<BTreeMap<String, Listed>, String>> = OnceLock::new();
        match BASE.get_or_init(|| list(self.workspace().path())) {
            Ok(b) => b,
            Err(e) => panic!("list of the unedited fixture: {e}"),
        }
    }

    fn find_case(&self, name: &str) -> Case {
        (self.cases)()
            .into_iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no case named {name}"))
    }

    /// The case's edit on a fresh copy: every `must` function gets a new hash.
    pub fn check_case(&self, name: &str) {
        let c = self.find_case(name);
        let base = self.base();
        let dir = self.workspace();
        if let Err(e) = apply(dir.path(), &c.edits) {
            panic!("{name}: cannot apply the edit: {e}");
        }
        let after = list(dir.path()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut stale = Vec::new();
        for id in &c.must {
            let full = self.full_name(id);
            match (base.get(full), after.get(full)) {
                (Some(b), Some(a)) if a.hash != b.hash => {}
                (Some(_), Some(a)) => stale.push((full, a.notes.clone())),
                _ => stale.push((full, vec!["(not listed)".to_owned()])),
            }
        }
        if stale.is_empty() {
            return;
        }
        let mut msg = format!(
        "STALE: the edit changes the result of {} function(s) whose code hash stays.\n  rule: {}\n",
        stale.len(),
        c.rule
    );
        for e in &c.edits {
            msg.push_str(&format!("  edit: {}: {:?} -> {:?}\n", e.file, e.from, e.to));
        }
        for (f, notes) in &stale {
            msg.push_str(&format!("  kept its hash: {f}\n"));
            for n in notes.iter().take(4) {
                msg.push_str(&format!("    note: {n}\n"));
            }
        }
        panic!("{msg}");
    }

    /// The cases and the tests of `case_tests!` agree.
    pub fn every_case_has_its_test(&self, case_tests: &[&str]) {
        let cases = (self.cases)();
        let names: BTreeSet<&str> = cases.iter().map(|c| c.name).collect();
        let tests: BTreeSet<&str> = case_tests.iter().copied().collect();
        assert_eq!(names.len(), cases.len(), "two cases share a name");
        assert_eq!(
            names, tests,
            "the cases and the tests of `case_tests!` must agree"
        );
    }

    pub fn cases_are_well_formed(&self) {
        let ids: BTreeSet<&str> = self.functions.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids.len(), self.functions.len(), "duplicate ids");
        let mut problems = Vec::new();
        for c in (self.cases)() {
            for id in &c.must {
                if !ids.contains(id) {
                    problems.push(format!("{}: unknown id {id}", c.name));
                }
            }
            if c.must.is_empty() {
                problems.push(format!("{}: no function to check", c.name));
            }
            let dir = self.workspace();
            if let Err(e) = apply(dir.path(), &c.edits) {
                problems.push(format!("{}: {e}", c.name));
            }
            for e in &c.edits {
                if e.from == e.to {
                    problems.push(format!("{}: an edit that changes nothing", c.name));
                }
            }
        }
        assert!(problems.is_empty(), "\n{}", problems.join("\n"));
    }

    pub fn every_marked_function_is_listed(&self) {
        let listed: BTreeSet<&str> = self.base().keys().map(String::as_str).collect();
        let expected: BTreeSet<&str> = self.functions.iter().map(|(_, n)| *n).collect();
        let missing: Vec<&&str> = expected.difference(&listed).collect();
        let unexpected: Vec<&&str> = listed.difference(&expected).collect();
        assert!(
            missing.is_empty() && unexpected.is_empty(),
            "not listed: {missing:?}\nlisted under a name not in FUNCTIONS: {unexpected:?}"
        );
    }

    /// A copy of the fixture that builds with the real `perscache`, plus the
    /// probe; kept with its target folder between runs so builds are incremental.
    fn check_workspace(&self, root: &Path) -> PathBuf {
        let ws = root.join("ws");
        let _ = std::fs::remove_dir_all(&ws);
        copy_dir(&self.dir("ws"), &ws);
        copy_dir(&self.dir("probe"), &ws.join("probe"));
        let dep = format!(
            "[dependencies]\nperscache = {{ path = {:?} }}\n",
            repo().display().to_string()
        );
        for krate in self.members {
            let path = ws.join(krate).join("Cargo.toml");
            let text = std::fs::read_to_string(&path).expect("Cargo.toml");
            std::fs::write(&path, text.replacen("[dependencies]\n", &dep, 1)).expect("write");
        }
        let root_toml = ws.join("Cargo.toml");
        let text = std::fs::read_to_string(&root_toml).expect("Cargo.toml");
        std::fs::write(
            &root_toml,
            text.replacen("members = [", "members = [\"probe\", ", 1),
        )
        .expect("write");
        // The repository's lock has everything perscache and the fixture need.
        std::fs::copy(repo().join("Cargo.lock"), ws.join("Cargo.lock")).expect("Cargo.lock");
        ws
    }

    /// Builds every edited copy with the real `perscache` and runs the
    /// probe: each edit changes the results of exactly its `must` functions.
    pub fn every_edit_compiles_and_changes_what_it_claims(&self) {
        let root =
            PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{}-check", self.fixture));
        let target = root.join("target");
        let ws = self.check_workspace(&root);
        build(&ws, &target).expect("the unedited fixture builds");
        let first = observe(&ws, &target, None).expect("the probe runs");
        let baseline = root.join("baseline.jsonl");
        let lines: Vec<String> = first
            .iter()
            .map(|o| serde_json::to_string(o).expect("json"))
            .collect();
        std::fs::write(&baseline, lines.join("\n")).expect("write the baseline");
        let before: BTreeMap<String, String> = first
            .iter()
            .map(|(call, _, fresh, _)| (call.clone(), fresh.clone()))
            .collect();
        let ids: BTreeSet<&str> = self.functions.iter().map(|(id, _)| *id).collect();
        let probed: BTreeSet<&str> = first
            .iter()
            .filter_map(|(call, ..)| ids.get(call.split('#').next().unwrap_or_default()).copied())
            .collect();
        let unprobed: Vec<&&str> = ids.difference(&probed).collect();
        assert!(unprobed.is_empty(), "the probe never calls {unprobed:?}");

        let mut problems = Vec::new();
        let only = std::env::var("ADVERSARIAL_ONLY").unwrap_or_default();
        let all: Vec<Case> = (self.cases)()
            .into_iter()
            .filter(|c| c.name.contains(&only))
            .collect();
        for (i, c) in all.iter().enumerate() {
            eprintln!("[{}/{}] {}", i + 1, all.len(), c.name);
            let originals = match apply(&ws, &c.edits) {
                Ok(o) => o,
                Err(e) => {
                    problems.push(format!("{}: {e}", c.name));
                    continue;
                }
            };
            let seen = build(&ws, &target).and_then(|()| observe(&ws, &target, Some(&baseline)));
            restore(originals);
            let rows = match seen {
                Ok(r) => r,
                Err(e) => {
                    problems.push(format!("{}: does not build or run:\n{e}", c.name));
                    continue;
                }
            };
            // Affected: it now returns something else, or a value stored before
            // the edit reads back as something else.
            let affected: BTreeSet<String> = rows
                .iter()
                .filter(|(call, _, fresh, hit)| fresh != hit || before.get(call) != Some(fresh))
                .map(|(call, ..)| call.split('#').next().unwrap_or_default().to_owned())
                .collect();
            let must: BTreeSet<String> = c.must.iter().map(|s| (*s).to_owned()).collect();
            let beyond: Vec<&String> = affected.difference(&must).collect();
            if !beyond.is_empty() {
                problems.push(format!(
                    "{}: changes the results of {beyond:?}, which are not in `must`",
                    c.name
                ));
            }
            let unseen: Vec<&String> = must.difference(&affected).collect();
            if !unseen.is_empty() {
                problems.push(format!(
                    "{}: no probe call shows a change in {unseen:?}",
                    c.name
                ));
            }
        }
        build(&ws, &target).expect("the restored fixture builds");
        assert!(
            problems.is_empty(),
            "{} problems in the fixture or its cases:\n{}",
            problems.len(),
            problems.join("\n")
        );
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create dir");
    for e in std::fs::read_dir(from).expect("read fixture") {
        let e = e.expect("entry");
        if e.file_name() == "target" {
            continue;
        }
        let target = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

/// What `list --json` says of one function.
#[derive(Clone)]
pub struct Listed {
    hash: String,
    notes: Vec<String>,
}

/// `cargo perscache list --json`: function name -> hash and notes.
pub fn list(root: &Path) -> Result<BTreeMap<String, Listed>, String> {
    let out = Command::cargo_bin("cargo-perscache")
        .expect("binary")
        .args(["perscache", "list", "--json", "-q", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .env_remove("PERSCACHE_MANIFEST")
        .output()
        .map_err(|e| format!("cannot run cargo-perscache: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "list failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let rows: Vec<serde_json::Value> =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("list --json: {e}"))?;
    Ok(rows
        .iter()
        .map(|r| {
            let notes = r["notes"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|n| n.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            (
                r["function"].as_str().unwrap_or_default().to_owned(),
                Listed {
                    hash: r["code_hash"].as_str().unwrap_or_default().to_owned(),
                    notes,
                },
            )
        })
        .collect())
}

/// Applies the edits; returns each touched file's original text.
pub fn apply(root: &Path, edits: &[Edit]) -> Result<BTreeMap<PathBuf, String>, String> {
    let mut originals = BTreeMap::new();
    for e in edits {
        let path = root.join(e.file);
        let text = std::fs::read_to_string(&path).map_err(|err| format!("{}: {err}", e.file))?;
        if !text.contains(e.from) {
            return Err(format!("{} does not contain {:?}", e.file, e.from));
        }
        originals
            .entry(path.clone())
            .or_insert_with(|| text.clone());
        std::fs::write(&path, text.replacen(e.from, e.to, 1))
            .map_err(|err| format!("{}: {err}", e.file))?;
    }
    Ok(originals)
}

pub fn restore(originals: BTreeMap<PathBuf, String>) {
    for (path, text) in originals {
        std::fs::write(&path, text).expect("restore a fixture file");
    }
}

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

pub fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

pub fn cargo_command(ws: &Path, target: &Path, args: &[&str]) -> StdCommand {
    let mut cmd = StdCommand::new(cargo());
    cmd.args(args)
        .arg("--manifest-path")
        .arg(ws.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .env_remove("PERSCACHE_MANIFEST");
    cmd
}

pub fn build(ws: &Path, target: &Path) -> Result<(), String> {
    let out = cargo_command(ws, target, &["build", "--workspace", "--offline", "-q"])
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(err
            .lines()
            .filter(|l| !l.starts_with("warning"))
            .take(30)
            .collect::<Vec<_>>()
            .join("\n"))
    }
}

/// One probe observation: (call id, stored json, fresh value, stale hit).
pub type Observation = (String, String, String, String);

pub fn observe(
    ws: &Path,
    target: &Path,
    baseline: Option<&Path>,
) -> Result<Vec<Observation>, String> {
    let mut probe = cargo_command(ws, target, &["run", "-q", "--offline", "-p", "probe"]);
    probe
        .env("PERSCACHE", "off")
        .env("PERSCACHE_DIR", target.join("perscache-off"));
    match baseline {
        Some(b) => probe.env("PROBE_BASELINE", b),
        None => probe.env_remove("PROBE_BASELINE"),
    };
    let out = probe.output().map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("probe: {}", String::from_utf8_lossy(&out.stderr)));
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).map_err(|e| format!("probe line {l:?}: {e}")))
        .collect()
}

/// The target dir of `build_inputs.rs`: perscache and its dependencies are
/// built there once for both files.
pub fn builds_target() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("build-inputs-target")
}

/// The builds share a target dir: one at a time.
pub fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}
