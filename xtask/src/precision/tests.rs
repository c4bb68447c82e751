//! The harness itself, on a small generated workspace: the crate graph's
//! cones, marking, unreachable edits counted, reachable edits detected, and
//! every edit reverted.

use std::collections::BTreeMap;
use std::path::Path;

use super::cargo_graph::CrateGraph;
use super::measure::{self, Category, Control, Plan};
use super::{edit, mark, report, source};

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    if let Some(d) = p.parent() {
        std::fs::create_dir_all(d).expect("mkdir");
    }
    std::fs::write(p, text).expect("write");
}

fn package(root: &Path, name: &str, deps: &str, dev: &str) {
    write(
        root,
        &format!("{name}/Cargo.toml"),
        &format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{deps}\n[dev-dependencies]\n{dev}\n"
        ),
    );
}

/// base <- app <- down; other is app's dev-dependency only.
fn generate(root: &Path) {
    write(
        root,
        "Cargo.toml",
        "[workspace]\nresolver = \"2\"\nmembers = [\"base\", \"app\", \"other\", \"down\"]\n",
    );
    package(root, "base", "", "");
    write(
        root,
        "base/src/lib.rs",
        "pub fn helper(x: u32) -> u32 {\n    x + 41\n}\n",
    );
    package(
        root,
        "app",
        "base = { path = \"../base\" }",
        "other = { path = \"../other\" }",
    );
    write(
        root,
        "app/src/lib.rs",
        "//! The app.\n\n/// Doubles what base says.\npub fn compute(x: u32) -> u32 {\n    base::helper(x) * 2\n}\n",
    );
    write(
        root,
        "app/tests/it.rs",
        "fn expected() -> u32 {\n    84\n}\n\n#[test]\nfn computes() {\n    assert_eq!(app::compute(1), expected());\n}\n",
    );
    package(root, "other", "", "");
    write(
        root,
        "other/src/lib.rs",
        "mod parts;\n\npub struct Meter {\n    n: u64,\n}\n\nimpl Meter {\n    pub fn bump(&mut self) -> u64 {\n        self.n += 7;\n        self.n\n    }\n}\n\npub fn label() -> &'static str {\n    \"meter\"\n}\n",
    );
    write(
        root,
        "other/src/parts.rs",
        "fn scale() -> u64 {\n    1000\n}\n\npub fn scaled(v: u64) -> u64 {\n    v * scale()\n}\n",
    );
    package(root, "down", "app = { path = \"../app\" }", "");
    write(
        root,
        "down/src/lib.rs",
        "pub fn twice() -> u32 {\n    app::compute(1) * 2 + 3\n}\n",
    );
}

fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .filter(|e| !e.path().components().any(|c| c.as_os_str() == "target"))
        .map(|e| {
            (
                e.path().display().to_string(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect()
}

#[test]
fn the_harness_counts_unreachable_edits_and_detects_reachable_ones() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    generate(root);

    // Cargo's graph: app's library reaches base, not its dev-dependency
    // `other`, not `down` downstream of it.
    let graph = CrateGraph::load(&root.join("Cargo.toml")).expect("cargo metadata");
    let cone: Vec<&str> = graph.cones["app"].iter().map(String::as_str).collect();
    assert_eq!(cone, ["app", "base"]);
    assert!(!graph.reaches("app", "other") && !graph.reaches("app", "down"));
    assert!(graph.reaches("down", "base"));
    let tests = graph.test_files("app");
    assert_eq!(tests.len(), 1);
    assert!(tests[0].path.ends_with("tests/it.rs"));
    assert_eq!(graph.lib_files("other").len(), 2, "lib.rs and parts.rs");

    // Mark `compute`, above its doc comment's end, keeping the doc.
    let cands = mark::candidates("app", &graph.lib_files("app"));
    let compute = cands
        .iter()
        .find(|c| c.name == "compute")
        .expect("compute is a candidate");
    assert_eq!(compute.shape, mark::Shape::Free);
    assert!(!compute.leaf(), "it calls base::helper");
    let marks = mark::apply(&[(compute.clone(), "given")]).expect("marking");
    let app_lib = std::fs::read_to_string(root.join("app/src/lib.rs")).expect("read");
    let attr_line = app_lib
        .lines()
        .position(|l| l.trim() == mark::ATTRIBUTE)
        .expect("attribute written") as u32
        + 1;
    assert_eq!(marks.len(), 1);
    assert_eq!(marks[0].attr_line, attr_line);
    assert!(source::parse_text(&app_lib).is_some());

    // Controls: a literal in the callee `base::helper` (another crate), and
    // a statement in `compute`'s own body. Both must change its hash.
    let base = root.join("base/src/lib.rs");
    let (text, ast) = source::parse(&base).expect("parse base");
    let callee = edit::literal_in(&base, &text, &ast, "helper").expect("a literal in helper");
    let before = snapshot(root);
    let controls = |listed: &[bool]| {
        let mut c = vec![Control {
            edit: callee.clone(),
            affects: vec![0],
        }];
        c.extend(measure::own_body_controls(&marks, listed, usize::MAX));
        c
    };
    let plan = Plan {
        edits: 8,
        seed: 11,
        cold_samples: 1,
        warm_samples: 1,
        lib_share: (1, 2),
        cargo_perscache: None,
    };
    let outcome =
        measure::run(root, &graph, &marks, &plan, &controls, &|_| {}).expect("measurement");

    let m = &outcome.marks[0];
    assert_eq!(m.function.as_deref(), Some("app::compute"));
    assert_eq!(
        m.controls,
        (2, 2),
        "the callee's edit and the body's edit change the hash"
    );
    assert!(outcome.failed.is_empty(), "{:?}", outcome.failed);
    assert!(outcome.drift.is_empty(), "{:?}", outcome.drift);
    assert_eq!(snapshot(root), before, "every edit reverted");

    // Every edit is in code app cannot reach, and counts once for `compute`.
    assert_eq!(outcome.edits.len(), plan.edits);
    for e in &outcome.edits {
        match e.category {
            Category::Lib => assert!(["other", "down"].contains(&e.package.as_str()), "{e:?}"),
            Category::Tests => assert!(e.edit.file.ends_with("tests/it.rs"), "{e:?}"),
        }
        assert_eq!(e.counts.eligible, 1, "{e:?}");
    }
    let total = outcome.total();
    assert_eq!(total.eligible, plan.edits);
    let kept_by_edits: usize = outcome.edits.iter().map(|e| e.counts.kept).sum();
    assert_eq!(total.kept, kept_by_edits);
    assert!(
        outcome.category(Category::Lib).eligible > 0
            && outcome.category(Category::Tests).eligible > 0,
        "both kinds of unreachable code drawn"
    );

    // The report says all of it.
    let section = report::markdown(
        &report::Context {
            command: "test".into(),
            started: "now".into(),
            elapsed: std::time::Duration::ZERO,
            machine: crate::bench::machine::Machine::describe(root),
            load: (String::new(), String::new()),
            crates: vec![],
            marked_crates: vec!["app".into()],
            dropped: vec![],
            skipped: vec![],
            seed: 11,
            quick: true,
        },
        &outcome,
    );
    assert!(section.contains("| 2 of 2 | all | met |"), "{section}");
    assert!(section.contains("| 0 of 1 | none | met |"), "{section}");
    assert!(section.contains("`app::compute`"), "{section}");
    assert!(
        section.contains(&format!("of {})", plan.edits)),
        "the pairs counted appear: {section}"
    );
}

#[test]
fn a_marked_function_the_analysis_does_not_list_is_reported_and_not_counted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    generate(root);
    let graph = CrateGraph::load(&root.join("Cargo.toml")).expect("cargo metadata");
    let cands = mark::candidates("down", &graph.lib_files("down"));
    let twice = cands.iter().find(|c| c.name == "twice").expect("twice");
    let mut marks = mark::apply(&[(twice.clone(), "given")]).expect("marking");
    // A mark whose attribute was never written: the analysis cannot list it.
    marks.push(mark::Mark {
        package: "other".into(),
        file: root.join("other/src/lib.rs"),
        name: "label".into(),
        shape: mark::Shape::Free,
        via_macro: false,
        kind: "given",
        attr_line: 14,
    });
    let plan = Plan {
        edits: 3,
        seed: 5,
        cold_samples: 1,
        warm_samples: 1,
        lib_share: (1, 1),
        cargo_perscache: None,
    };
    let controls = |listed: &[bool]| measure::own_body_controls(&marks, listed, usize::MAX);
    let o = measure::run(root, &graph, &marks, &plan, &controls, &|_| {}).expect("run");
    assert_eq!(o.marks[0].function.as_deref(), Some("down::twice"));
    assert_eq!(o.marks[0].controls, (1, 1));
    assert_eq!(o.marks[1].function, None);
    assert_eq!(o.marks[1].controls, (0, 0));
    assert_eq!(
        o.marks[1].total().eligible,
        0,
        "an unlisted function has no hash to keep"
    );
    // down's cone holds every library but other's: its edits all go there.
    assert_eq!(o.edits.len(), plan.edits);
    assert!(
        o.edits.iter().all(|e| e.package == "other"),
        "{:?}",
        o.edits
    );
    let section = report::markdown(
        &report::Context {
            command: "test".into(),
            started: "now".into(),
            elapsed: std::time::Duration::ZERO,
            machine: crate::bench::machine::Machine::describe(root),
            load: (String::new(), String::new()),
            crates: vec![],
            marked_crates: vec![],
            dropped: vec![],
            skipped: vec![],
            seed: 5,
            quick: true,
        },
        &o,
    );
    assert!(
        section.contains("| 1 of 2 | none | **not met** |"),
        "{section}"
    );
    assert!(section.contains("**not listed**: `label`"), "{section}");
}
