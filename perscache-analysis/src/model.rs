//! The workspace as the analysis needs it: which crates to parse, where their
//! roots are, and what each extern crate name stands for.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::Error;

/// What an extern crate name in a crate's code refers to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DepRef {
    /// A library crate the analysis parses (a member or a path
    /// dependency), by its root file: two packages may have libraries of
    /// one name.
    Local(String),
    /// A crate from a registry or git: only its locked version matters
    /// (`name@version`, from Cargo.lock).
    External(String),
}

/// One crate to parse: a library, binary or example target.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CrateInfo {
    /// The crate's name in code (`-` replaced by `_`): the first segment of
    /// `module_path!()` inside it.
    pub name: String,
    /// The package it belongs to.
    pub package: String,
    /// The package's folder.
    pub package_dir: PathBuf,
    /// `lib`, `bin`, `example` or `test` (integration tests and benches).
    pub kind: String,
    /// The crate root file.
    pub root: PathBuf,
    /// Whether its package is a workspace member.
    pub member: bool,
    /// Whether it is a proc-macro crate: the code it generates is not
    /// visible, so all of it counts for the crates that use it.
    #[serde(default)]
    pub proc_macro: bool,
    /// Extern crate names usable in its code.
    pub deps: BTreeMap<String, DepRef>,
    /// For a library: its package's dev-dependencies, which its own unit-test
    /// build (`cargo test --lib`) links too. Empty for other targets, whose
    /// `deps` hold them already.
    #[serde(default)]
    pub test_deps: BTreeMap<String, DepRef>,
    /// The package's build script, if it has one.
    #[serde(default)]
    pub build_script: Option<PathBuf>,
    /// Its edition (`2021`): the same tokens can mean other code in
    /// another, and Cargo leaves it out of the hash in a library's file
    /// name.
    #[serde(default)]
    pub edition: String,
    /// The libraries the analysis parses (a registry crate `[patch]`ed by a
    /// path) that an external dependency of this crate depends on, by root
    /// file, for each such dependency's name (`DepRef::External`): code
    /// reaching the external crate may run theirs.
    #[serde(default)]
    pub ext_local: BTreeMap<String, Vec<String>>,
}

/// The crates of a workspace and of its path dependencies.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Workspace {
    /// The workspace root folder.
    pub root: PathBuf,
    /// Cargo's target folder.
    pub target_dir: PathBuf,
    /// The crates to analyse, libraries first.
    pub crates: Vec<CrateInfo>,
    /// The `Cargo.toml` files of the analysed packages and `Cargo.lock`:
    /// their change can change what the analysis finds.
    pub cargo_files: Vec<PathBuf>,
}

/// perscache's own packages: the cache's wrapper, never a user's code. They
/// are treated as external crates even when used through a path.
pub fn is_perscache(package: &str) -> bool {
    matches!(
        package,
        "perscache"
            | "perscache-runtime"
            | "perscache-macros"
            | "perscache-macros-core"
            | "perscache-analysis"
    )
}

impl Workspace {
    /// Runs `cargo metadata` for the workspace of `manifest_path` (or the
    /// current folder) and builds the model.
    pub fn load(manifest_path: Option<&Path>) -> Result<Workspace, Error> {
        let mut cmd = cargo_metadata::MetadataCommand::new();
        // Every optional dependency is known: code behind any feature is
        // analysed, so the crates it names must resolve (and their versions count).
        cmd.features(cargo_metadata::CargoOpt::AllFeatures);
        if let Some(p) = manifest_path {
            cmd.manifest_path(p);
        }
        let metadata = cmd.exec().map_err(|e| Error::Metadata(e.to_string()))?;
        Ok(Workspace::from_metadata(&metadata))
    }

    /// [`Workspace::load`] without the network, as the `#[persist]` macro
    /// runs it inside a build: with every feature when every optional
    /// dependency is at hand, else with the features cargo can resolve.
    /// A build downloads only the packages of its target platform, and a
    /// plain `cargo metadata` wants every platform's (`libredox` for Redox,
    /// `windows-sys`), so when those are missing the model is of the
    /// packages of `target` (rustc's `--target`, or the host's), which are
    /// the ones the compilation can reach.
    pub fn load_offline(manifest_path: &Path, target: &str) -> Result<Workspace, Error> {
        let run = |all_features: bool, filter: bool| {
            let mut cmd = cargo_metadata::MetadataCommand::new();
            cmd.manifest_path(manifest_path);
            if all_features {
                cmd.features(cargo_metadata::CargoOpt::AllFeatures);
            }
            let mut options = vec!["--offline".to_owned()];
            if filter {
                options.extend(["--filter-platform".to_owned(), target.to_owned()]);
            }
            cmd.other_options(options);
            cmd.exec()
        };
        let metadata = run(true, false)
            .or_else(|_| run(true, true))
            .or_else(|_| run(false, false))
            .or_else(|_| run(false, true))
            .map_err(|e| Error::Metadata(e.to_string()))?;
        Ok(Workspace::from_metadata(&metadata))
    }

    /// Builds the model from `cargo metadata` output (with its resolve graph).
    pub fn from_metadata(md: &cargo_metadata::Metadata) -> Workspace {
        use cargo_metadata::{DependencyKind, TargetKind};
        let members: std::collections::HashSet<_> = md.workspace_members.iter().collect();
        let by_id: BTreeMap<_, _> = md.packages.iter().map(|p| (&p.id, p)).collect();
        // Local packages: members and path dependencies (no registry source),
        // except perscache's own crates, which never enter a user's closure.
        let local = |p: &cargo_metadata::Package| p.source.is_none() && !is_perscache(&p.name);
        let is_lib = |k: &TargetKind| {
            matches!(
                k,
                TargetKind::Lib
                    | TargetKind::RLib
                    | TargetKind::DyLib
                    | TargetKind::CDyLib
                    | TargetKind::StaticLib
                    | TargetKind::ProcMacro
            )
        };
        let lib_name = |p: &cargo_metadata::Package| {
            p.targets
                .iter()
                .find(|t| t.kind.iter().any(is_lib))
                .map(|t| t.name.replace('-', "_"))
        };
        let lib_root = |p: &cargo_metadata::Package| {
            p.targets
                .iter()
                .find(|t| t.kind.iter().any(is_lib))
                .map(|t| t.src_path.to_string())
        };
        let mut crates = Vec::new();
        let mut cargo_files = Vec::new();
        let nodes = md
            .resolve
            .as_ref()
            .map(|r| r.nodes.as_slice())
            .unwrap_or(&[]);
        let node_of: BTreeMap<_, _> = nodes.iter().map(|n| (&n.id, n)).collect();
        let cone = |p: &cargo_metadata::Package| dependency_cone(p, &by_id, &node_of);
        let external = |p: &cargo_metadata::Package| DepRef::External(external_name(p, &cone(p)));
        let mut pkgs: Vec<&cargo_metadata::Package> =
            md.packages.iter().filter(|p| p.source.is_none()).collect();
        pkgs.sort_by(|a, b| a.manifest_path.cmp(&b.manifest_path));
        for p in pkgs {
            let member = members.contains(&p.id);
            let own = is_perscache(&p.name);
            let dir = p
                .manifest_path
                .parent()
                .map(|d| d.as_std_path().to_path_buf())
                .unwrap_or_default();
            if !own {
                cargo_files.push(p.manifest_path.as_std_path().to_path_buf());
            }
            let build_script = p
                .targets
                .iter()
                .find(|t| t.kind.iter().any(|k| matches!(k, TargetKind::CustomBuild)))
                .map(|b| b.src_path.as_std_path().to_path_buf());
            if let (Some(b), false) = (&build_script, own) {
                cargo_files.push(b.clone());
            }
            // Normal dependencies for libraries and binaries; dev-dependencies
            // too for tests, benches and examples.
            let mut normal = BTreeMap::new();
            let mut dev = BTreeMap::new();
            let mut ext_local = BTreeMap::new();
            if let Some(node) = nodes.iter().find(|n| n.id == p.id) {
                for d in &node.deps {
                    let Some(dp) = by_id.get(&d.pkg) else {
                        continue;
                    };
                    let dep = if local(dp) {
                        match lib_root(dp) {
                            Some(r) => DepRef::Local(r),
                            None => continue,
                        }
                    } else {
                        let mut under: Vec<String> = cone(dp)
                            .into_iter()
                            .filter(|q| q.id != dp.id && local(q))
                            .filter_map(lib_root)
                            .collect();
                        under.sort();
                        let dep = external(dp);
                        if let (false, DepRef::External(name)) = (under.is_empty(), &dep) {
                            ext_local.insert(name.clone(), under);
                        }
                        dep
                    };
                    let name = d.name.replace('-', "_");
                    for k in &d.dep_kinds {
                        match k.kind {
                            DependencyKind::Normal => {
                                normal.insert(name.clone(), dep.clone());
                            }
                            DependencyKind::Development => {
                                dev.insert(name.clone(), dep.clone());
                            }
                            _ => {}
                        }
                    }
                }
            }
            let own_lib = lib_name(p);
            for t in &p.targets {
                let kind = if t.kind.iter().any(is_lib) {
                    "lib"
                } else if t.kind.iter().any(|k| matches!(k, TargetKind::Bin)) {
                    "bin"
                } else if t.kind.iter().any(|k| matches!(k, TargetKind::Example)) {
                    "example"
                } else if t
                    .kind
                    .iter()
                    .any(|k| matches!(k, TargetKind::Test | TargetKind::Bench))
                {
                    "test"
                } else {
                    continue;
                };
                if own && kind == "lib" {
                    continue;
                }
                let mut deps = normal.clone();
                if matches!(kind, "test" | "example") {
                    deps.extend(dev.clone());
                }
                // Binaries, examples and tests see their package's library.
                if kind != "lib" {
                    if let (Some(l), Some(r)) = (&own_lib, lib_root(p)) {
                        let dep = if own { external(p) } else { DepRef::Local(r) };
                        deps.insert(l.clone(), dep);
                    }
                }
                let proc_macro = t.kind.iter().any(|k| matches!(k, TargetKind::ProcMacro));
                crates.push(CrateInfo {
                    proc_macro,
                    name: t.name.replace('-', "_"),
                    package: p.name.to_string(),
                    package_dir: dir.clone(),
                    kind: kind.to_owned(),
                    root: t.src_path.as_std_path().to_path_buf(),
                    member,
                    deps,
                    test_deps: if kind == "lib" {
                        dev.clone()
                    } else {
                        BTreeMap::new()
                    },
                    build_script: build_script.clone(),
                    edition: t.edition.as_str().to_owned(),
                    ext_local: ext_local.clone(),
                });
            }
        }
        crates.sort_by_key(|c| (c.kind != "lib", c.root.clone()));
        let lock = md.workspace_root.as_std_path().join("Cargo.lock");
        if lock.is_file() {
            cargo_files.push(lock);
        }
        Workspace {
            root: md.workspace_root.as_std_path().to_path_buf(),
            target_dir: md.target_directory.as_std_path().to_path_buf(),
            crates,
            cargo_files,
        }
    }
}

/// How the analysis names an external crate: `name@version`, and, when it
/// or a package it depends on comes from git, each such package with its
/// commit (`gd@0.1.0 git+https://host/gd#8a1f…`). A git dependency moved to
/// another commit keeps its version, and the hash cargo gives its files.
/// `cone`: the package and those it depends on ([`dependency_cone`]).
fn external_name(p: &cargo_metadata::Package, cone: &[&cargo_metadata::Package]) -> String {
    let mut name = format!("{}@{}", p.name, p.version);
    let mut pinned = std::collections::BTreeSet::new();
    for pkg in cone {
        if let Some(src) = pkg.source.as_ref().filter(|s| s.repr.starts_with("git+")) {
            pinned.insert(if pkg.id == p.id {
                src.repr.clone()
            } else {
                format!("{}@{} {}", pkg.name, pkg.version, src.repr)
            });
        }
    }
    for pin in pinned {
        name.push(' ');
        name.push_str(&pin);
    }
    name
}

/// Package `p` and every package it depends on, transitively, as Cargo's
/// resolve graph says.
fn dependency_cone<'a>(
    p: &cargo_metadata::Package,
    by_id: &BTreeMap<&cargo_metadata::PackageId, &'a cargo_metadata::Package>,
    node_of: &BTreeMap<&cargo_metadata::PackageId, &cargo_metadata::Node>,
) -> Vec<&'a cargo_metadata::Package> {
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut stack = vec![&p.id];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        out.extend(by_id.get(id).copied());
        if let Some(node) = node_of.get(id) {
            stack.extend(node.deps.iter().map(|d| &d.pkg));
        }
    }
    out
}
