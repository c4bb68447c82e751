//! The ground truth: Cargo's crate graph. A library's code can only be
//! affected by the libraries in its dependency cone (its normal and build
//! dependencies, transitively); dev-dependencies, and the test, bench and
//! example targets of any package, are outside every library's cone.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use cargo_metadata::{CargoOpt, DependencyKind, MetadataCommand, PackageId, TargetKind};

use super::source::{module_tree, ModFile};

/// One package of the workspace (a member: these are the crates edited).
#[derive(Debug, Clone)]
pub struct Package {
    /// The library's root file.
    pub lib: Option<PathBuf>,
    /// The roots of its test, bench and example targets.
    pub tests: Vec<PathBuf>,
}

/// The workspace's members and what each library can depend on.
#[derive(Debug, Clone)]
pub struct CrateGraph {
    pub packages: BTreeMap<String, Package>,
    /// Member → the members in its library's dependency cone (itself included).
    pub cones: BTreeMap<String, BTreeSet<String>>,
}

impl CrateGraph {
    /// Runs `cargo metadata --offline --all-features`, online if that fails
    /// (the analysis also resolves with every feature on, so both see the
    /// same graph).
    pub fn load(manifest: &Path) -> Result<CrateGraph> {
        let metadata = |offline: bool| {
            let mut cmd = MetadataCommand::new();
            cmd.manifest_path(manifest).features(CargoOpt::AllFeatures);
            if offline {
                cmd.other_options(vec!["--offline".to_owned()]);
            } else {
                cmd.env("CARGO_NET_OFFLINE", "false");
            }
            cmd.exec()
        };
        // A registry that holds only what this machine's builds downloaded
        // may lack a platform-specific dependency (`redox_syscall`): then
        // Cargo downloads what the resolve needs, once, and the analysis's
        // own offline runs find it.
        let md = match metadata(true) {
            Ok(md) => md,
            Err(e) => {
                eprintln!("cargo metadata --offline failed ({e}); resolving online");
                metadata(false)
                    .with_context(|| format!("cargo metadata on {}", manifest.display()))?
            }
        };
        let resolve = md
            .resolve
            .as_ref()
            .context("cargo metadata gave no resolve graph")?;
        let members: BTreeSet<&PackageId> = md.workspace_members.iter().collect();
        let by_id: BTreeMap<&PackageId, &cargo_metadata::Package> =
            md.packages.iter().map(|p| (&p.id, p)).collect();
        // Edges that a library build follows: not dev-dependencies.
        let mut edges: BTreeMap<&PackageId, Vec<&PackageId>> = BTreeMap::new();
        for node in &resolve.nodes {
            let deps = node
                .deps
                .iter()
                .filter(|d| {
                    d.dep_kinds.is_empty()
                        || d.dep_kinds
                            .iter()
                            .any(|k| k.kind != DependencyKind::Development)
                })
                .map(|d| &d.pkg)
                .collect();
            edges.insert(&node.id, deps);
        }
        let mut packages = BTreeMap::new();
        let mut cones = BTreeMap::new();
        for id in &members {
            let Some(p) = by_id.get(id) else { continue };
            let is =
                |t: &cargo_metadata::Target, k: &[TargetKind]| t.kind.iter().any(|x| k.contains(x));
            let lib = p
                .targets
                .iter()
                .find(|t| {
                    is(
                        t,
                        &[TargetKind::Lib, TargetKind::RLib, TargetKind::ProcMacro],
                    )
                })
                .map(|t| t.src_path.clone().into_std_path_buf());
            let tests = p
                .targets
                .iter()
                .filter(|t| {
                    is(
                        t,
                        &[TargetKind::Test, TargetKind::Bench, TargetKind::Example],
                    )
                })
                .map(|t| t.src_path.clone().into_std_path_buf())
                .filter(|p| p.is_file())
                .collect();
            let mut cone = BTreeSet::new();
            let mut todo = vec![*id];
            let mut seen = BTreeSet::new();
            while let Some(n) = todo.pop() {
                if !seen.insert(n) {
                    continue;
                }
                if members.contains(n) {
                    if let Some(q) = by_id.get(n) {
                        cone.insert(q.name.to_string());
                    }
                }
                todo.extend(edges.get(n).into_iter().flatten().copied());
            }
            let name = p.name.to_string();
            cones.insert(name.clone(), cone);
            packages.insert(name, Package { lib, tests });
        }
        Ok(CrateGraph { packages, cones })
    }

    /// Whether an edit to `package`'s library code may affect `marked`'s library.
    pub fn reaches(&self, marked: &str, package: &str) -> bool {
        self.cones
            .get(marked)
            .is_none_or(|cone| cone.contains(package))
    }

    /// The files of a package's library (its module tree).
    pub fn lib_files(&self, package: &str) -> Vec<ModFile> {
        self.packages
            .get(package)
            .and_then(|p| p.lib.as_deref())
            .map(module_tree)
            .unwrap_or_default()
    }

    /// The files of a package's test, bench and example targets, minus any
    /// file its library's module tree also holds.
    pub fn test_files(&self, package: &str) -> Vec<ModFile> {
        let lib: BTreeSet<PathBuf> = self
            .lib_files(package)
            .into_iter()
            .filter_map(|f| f.path.canonicalize().ok())
            .collect();
        let mut seen = BTreeSet::new();
        self.packages
            .get(package)
            .map(|p| p.tests.as_slice())
            .unwrap_or_default()
            .iter()
            .flat_map(|root| module_tree(root))
            .filter(|f| {
                f.path
                    .canonicalize()
                    .is_ok_and(|c| !lib.contains(&c) && seen.insert(c))
            })
            .collect()
    }
}
