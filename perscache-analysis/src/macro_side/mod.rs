//! What the `#[persist]` macro asks while rustc runs it: for one marked
//! function, its name, its code hash (the entry folder), the key salt (the
//! code hash with every build input of this compilation), the files rustc
//! must watch, and the generic context the key must separate.
//!
//! Once per rustc process the macro reads the compilation (rustc's command
//! line, `rustc.rs`), loads the workspace model (cached under
//! `<target>/perscache/`, else `cargo metadata --offline`), and runs the
//! incremental analysis for the crate being compiled on a thread of its own
//! (where proc-macro2 parses with line numbers). Each marked function then
//! costs a lookup and a few small hashes.
//!
//! When the analysis cannot run (no cargo, a file syn cannot parse, a
//! function inside another macro's expansion), the code hash falls back to a
//! hash widened over every source of the crate and its path dependencies
//! (`fallback.rs`): sound, never the function's own tokens alone.

mod depinfo;
mod fallback;
mod rustc;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use proc_macro2::TokenStream;
use serde::{Deserialize, Serialize};

pub use fallback::widened_hash;

use crate::analyze::{analyze, Analysis, FunctionDetail, Options};
use crate::graph::{eval_path, IncludeDep, Parent};
use crate::model::{DepRef, Workspace};
use crate::parse::{Detail, FileSummary, IncludeKind, Item, ANY_ENV_VAR, PACKAGE_ENV_VARS};
use crate::tokens;
use rustc::Compilation;

/// Bumped when what the key salt covers changes.
const SALT_VERSION: &str = "perscache build inputs v1";

/// The variables cargo sets for the package it compiles, from its manifest.
const CARGO_PACKAGE_VARS: [&str; 15] = [
    "CARGO_PKG_VERSION",
    "CARGO_PKG_VERSION_MAJOR",
    "CARGO_PKG_VERSION_MINOR",
    "CARGO_PKG_VERSION_PATCH",
    "CARGO_PKG_VERSION_PRE",
    "CARGO_PKG_NAME",
    "CARGO_PKG_AUTHORS",
    "CARGO_PKG_DESCRIPTION",
    "CARGO_PKG_HOMEPAGE",
    "CARGO_PKG_REPOSITORY",
    "CARGO_PKG_LICENSE",
    "CARGO_PKG_LICENSE_FILE",
    "CARGO_PKG_README",
    "CARGO_PKG_RUST_VERSION",
    "CARGO_CRATE_NAME",
];

/// How the runtime names a function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FunctionName {
    /// The full path, as the analysis names it.
    Full(String),
    /// A path under the function's module: the expansion prefixes it with
    /// `module_path!()`.
    InModule(String),
}

/// Where the function sits, for the key: an impl's or trait's generic
/// parameters and `Self` are instantiations the key must tell apart.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FnContext {
    /// Inside an impl or a trait (`Self` is a type); `None`: unknown.
    pub has_self: Option<bool>,
    /// The impl's or trait's type parameters.
    pub types: Vec<String>,
    /// The impl's or trait's const parameters.
    pub consts: Vec<String>,
}

/// The macro's answer for one function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MacroHash {
    /// The function's name.
    pub function: FunctionName,
    /// The code hash (hex): names the folder of its entries.
    pub hash: String,
    /// The code hash with every build input of this compilation (hex): goes
    /// into every key.
    pub key_salt: String,
    /// Files whose change must re-run the macro.
    pub track: Vec<PathBuf>,
    /// The generic context.
    pub context: FnContext,
    /// Whether the hash came from the analysis (`false`: the fallback).
    pub from_analysis: bool,
    /// The root folder of the workspace being compiled, recorded with the
    /// entries so that `cargo perscache clear` removes only its own.
    pub workspace: Option<String>,
}

/// The code hash and key salt of function `name`, whose whole item is
/// `item`, at `file:line` (the line of its `#[persist]` or of its `fn`).
pub fn code_hash(item: &TokenStream, name: &str, file: Option<&Path>, line: usize) -> MacroHash {
    let s = session();
    let found = file.and_then(|f| {
        let a = s.analyzed.as_ref().ok()?;
        let key = (canonical(&absolute(f)), line as u32, name.to_owned());
        a.by_site.get(&key).map(|&i| (a, i))
    });
    if let Some((a, i)) = found {
        let entry = &a.analysis.manifest.functions[i];
        let detail = &a.analysis.details[i];
        let (salt, inputs) = s.salt(a, detail, &entry.code_hash);
        // What `cargo perscache why` compares later; written once each.
        a.analysis.write_code_record(&a.ws.target_dir, i);
        crate::why::write_build_record(
            &a.ws.target_dir,
            &crate::why::BuildRecord::new(&entry.function, &salt, inputs),
        );
        return MacroHash {
            function: FunctionName::Full(entry.function.clone()),
            hash: entry.code_hash.clone(),
            key_salt: salt,
            track: detail.closure.outside_files.iter().cloned().collect(),
            context: a.context(detail),
            from_analysis: true,
            workspace: Some(a.ws.root.to_string_lossy().into_owned()),
        };
    }
    let answer = s.fallback(item, name, file, line);
    if std::env::var_os("PERSCACHE_DEBUG_MACRO").is_some() {
        eprintln!("perscache: {name} at {file:?}:{line}: fallback {answer:?}");
    }
    answer
}

/// Why the analysis could not serve this compilation (for tests and notes).
pub fn analysis_error() -> Option<String> {
    session().analyzed.as_ref().err().cloned()
}

struct Session {
    compilation: Compilation,
    cwd: PathBuf,
    analyzed: Result<Analyzed, String>,
    /// Dep-info files read, by path.
    depinfo: Mutex<HashMap<PathBuf, Option<depinfo::DepInfo>>>,
    /// What the fallback knows of each `--extern`, made on its first use.
    extern_contents: OnceLock<Vec<String>>,
}

struct Analyzed {
    ws: Workspace,
    analysis: Analysis,
    /// The crate being compiled.
    krate: usize,
    /// `(file, line, name)` → index into the manifest's functions.
    by_site: HashMap<(PathBuf, u32, String), usize>,
}

fn session() -> &'static Session {
    static SESSION: OnceLock<Session> = OnceLock::new();
    SESSION.get_or_init(|| {
        let started = std::time::Instant::now();
        let cwd = std::env::current_dir().unwrap_or_default();
        let compilation = Compilation::from_args(&rustc::args(), &cwd);
        let analyzed = analyzed(&compilation);
        if std::env::var_os("PERSCACHE_DEBUG_MACRO").is_some() {
            match &analyzed {
                Ok(a) => eprintln!(
                    "perscache: analysed {} ({} marked functions) in {:?}",
                    a.ws.crates[a.krate].name,
                    a.analysis.manifest.functions.len(),
                    started.elapsed()
                ),
                Err(e) => eprintln!("perscache: no analysis, falling back: {e}"),
            }
        }
        Session {
            compilation,
            cwd,
            analyzed,
            depinfo: Mutex::new(HashMap::new()),
            extern_contents: OnceLock::new(),
        }
    })
}

/// Cargo's home: `CARGO_HOME`, else `~/.cargo`.
fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Runs `f` with proc-macro2 on its own lexer. Inside a proc macro it
/// answers from the compiler, and only on rustc's thread, with spans that do
/// not give a file's line numbers; parsing files needs its own lexer (line
/// numbers, any thread). Nothing else touches tokens meanwhile. `f` runs on
/// a thread of its own, whose stack deeply nested code needs
/// ([`crate::analyze::STACK_SIZE`]); its panic is returned.
fn with_own_lexer<T: Send>(f: impl FnOnce() -> T + Send) -> std::thread::Result<T> {
    proc_macro2::fallback::force();
    let slot = std::sync::Mutex::new(Some(f));
    let take = || slot.lock().ok().and_then(|mut f| f.take());
    let ran = std::thread::scope(|s| {
        std::thread::Builder::new()
            .name("perscache-analysis".into())
            .stack_size(crate::analyze::STACK_SIZE)
            .spawn_scoped(s, || take().map(|f| f()))
            .map(|h| h.join())
    });
    let r = match ran {
        Ok(Ok(Some(v))) => Ok(v),
        Ok(Err(panic)) => Err(panic),
        // Where that much address space is refused (`ulimit -v`), `f`
        // runs here, on rustc's stack.
        Ok(Ok(None)) | Err(_) => match take() {
            Some(f) => std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)),
            None => Err(Box::new("the analysis did not run".to_owned()) as Box<_>),
        },
    };
    proc_macro2::fallback::unforce();
    r
}

fn analyzed(c: &Compilation) -> Result<Analyzed, String> {
    if std::env::var_os("PERSCACHE_NO_ANALYSIS").is_some() {
        return Err("PERSCACHE_NO_ANALYSIS is set".into());
    }
    let input = c
        .input
        .as_ref()
        .ok_or("rustc's command line names no crate root")?;
    let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").ok_or("not built by cargo")?);
    let manifest = dir.join("Cargo.toml");
    let target = c.target_dir();
    let ws = load_model(&manifest, target.as_deref(), &c.target)?;
    let root = canonical(input);
    // Two packages may build one root file (`[lib] path = "../shared/lib.rs"`)
    // with other dependencies: the package being compiled tells them apart.
    let package_dir = canonical(&dir);
    let krate = ws
        .crates
        .iter()
        .position(|k| canonical(&k.root) == root && canonical(&k.package_dir) == package_dir)
        .ok_or_else(|| {
            format!(
                "{} of {} is not a crate of the workspace",
                root.display(),
                package_dir.display()
            )
        })?;
    let cache = target
        .unwrap_or_else(|| ws.target_dir.clone())
        .join("perscache")
        .join("parse-cache.bin");
    let run = with_own_lexer(|| {
        analyze(
            &ws,
            &Options {
                cache: Some(cache),
                only_crate: Some(root),
                ..Options::default()
            },
        )
    });
    let analysis = run
        .map_err(|e| {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            format!("the analysis panicked: {msg}")
        })?
        .map_err(|e| e.to_string())?;
    let mut by_site = HashMap::new();
    let package = &ws.crates[krate].package;
    for (i, f) in analysis.manifest.functions.iter().enumerate() {
        if f.package != *package {
            continue;
        }
        let file = canonical(&analysis.manifest.absolute(&f.file));
        for line in [f.line, f.attr_line] {
            by_site.insert((file.clone(), line, f.name.clone()), i);
        }
    }
    Ok(Analyzed {
        ws,
        analysis,
        krate,
        by_site,
    })
}

/// The workspace model as last read, when no `Cargo.toml`, build script,
/// `Cargo.lock` or cargo configuration file changed since; else `cargo
/// metadata --offline`.
#[derive(Serialize, Deserialize)]
struct CachedModel {
    version: String,
    digests: Vec<(PathBuf, String)>,
    workspace: Workspace,
}

const MODEL_VERSION: &str = concat!("perscache model 4 / ", env!("CARGO_PKG_VERSION"));

/// The files a build script's `rerun-if-changed` path stands for: the file,
/// or the files under the folder (cargo watches a folder's contents) but
/// Rust sources, whose code the code hash covers and whose generated code
/// is in `OUT_DIR`.
fn watched_files(path: &Path) -> Vec<PathBuf> {
    if path.is_file() {
        return vec![path.to_path_buf()];
    }
    walkdir::WalkDir::new(path)
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter(|e| e.path().extension().is_none_or(|x| x != "rs"))
        .map(|e| e.into_path())
        .collect()
}

fn digest_file(p: &Path) -> String {
    crate::read_file(p).map_or_else(
        || "missing".to_owned(),
        |b| blake3::hash(&b).to_hex().to_string(),
    )
}

/// Where cargo reads configuration for a build of `manifest`'s package:
/// `.cargo/config.toml` (or `.cargo/config`) in its folder and every folder
/// above, and in `CARGO_HOME`. Missing ones are listed too, so that creating
/// one is a change: a `paths` override there swaps a dependency's sources
/// without touching `Cargo.lock`.
fn cargo_configs(manifest: &Path) -> Vec<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    let dirs = manifest
        .ancestors()
        .skip(1)
        .map(|d| d.join(".cargo"))
        .chain(home);
    dirs.flat_map(|d| [d.join("config.toml"), d.join("config")])
        .collect()
}

fn load_model(manifest: &Path, target: Option<&Path>, platform: &str) -> Result<Workspace, String> {
    let cache = target.map(|t| t.join("perscache").join("workspace.json"));
    if let Some(c) = &cache {
        if let Some(m) = std::fs::read(c)
            .ok()
            .and_then(|b| serde_json::from_slice::<CachedModel>(&b).ok())
            .filter(|m| m.version == MODEL_VERSION)
            .filter(|m| m.digests.iter().all(|(p, d)| digest_file(p) == *d))
            .filter(|m| {
                m.workspace
                    .crates
                    .iter()
                    .any(|k| k.package_dir.join("Cargo.toml") == manifest)
            })
        {
            return Ok(m.workspace);
        }
    }
    let ws = Workspace::load_offline(manifest, platform).map_err(|e| e.to_string())?;
    if let Some(c) = &cache {
        let mut files = ws.cargo_files.clone();
        files.push(ws.root.join("Cargo.toml"));
        files.extend(cargo_configs(manifest));
        files.sort();
        files.dedup();
        let digests = files.into_iter().map(|p| {
            let d = digest_file(&p);
            (p, d)
        });
        let model = CachedModel {
            version: MODEL_VERSION.to_owned(),
            digests: digests.collect(),
            workspace: ws.clone(),
        };
        if let Ok(bytes) = serde_json::to_vec(&model) {
            let _ = crate::manifest::write_atomic(c, &bytes);
        }
    }
    Ok(ws)
}

impl Analyzed {
    fn context(&self, d: &FunctionDetail) -> FnContext {
        let g = &self.analysis.graph;
        match g.nodes[d.node].parent {
            Parent::Impl(i) => FnContext {
                has_self: Some(true),
                types: g.impls[i].generics.types.clone(),
                consts: g.impls[i].generics.consts.clone(),
            },
            Parent::Trait(t) => FnContext {
                has_self: Some(true),
                types: g.nodes[t].generics.types.clone(),
                consts: g.nodes[t].generics.consts.clone(),
            },
            Parent::Scope => FnContext {
                has_self: Some(false),
                ..FnContext::default()
            },
        }
    }
}

impl Session {
    fn depinfo(&self, path: &Path) -> Option<depinfo::DepInfo> {
        let mut cache = self.depinfo.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry(path.to_path_buf())
            .or_insert_with(|| depinfo::for_library(path))
            .clone()
    }

    /// The dep-info of crate `name` of the workspace: through this
    /// compilation's `--extern` when it names it, else every build of it in
    /// the dependency folder.
    fn depinfos_of(&self, a: &Analyzed, k: usize) -> Vec<depinfo::DepInfo> {
        let here = &a.ws.crates[a.krate];
        let info = &a.ws.crates[k];
        let name = info.name.as_str();
        let root = info.root.to_string_lossy();
        for (ext, dep) in &here.deps {
            if matches!(dep, DepRef::Local(l) if *l == root) {
                if let Some(e) = self.compilation.externs.get(ext) {
                    return self.depinfo(&e.path).into_iter().collect();
                }
            }
        }
        self.compilation
            .dep_dirs
            .iter()
            .flat_map(|d| depinfo::for_crate_in(d, name))
            .collect()
    }

    /// Each `--extern` by the contents of its metadata, for the fallback.
    /// Without the analysis there is no telling which dependencies a
    /// function reaches, nor what their build scripts told rustc
    /// (`cargo:rustc-cfg`, `cargo:rustc-env`, which leave cargo's hash in
    /// the file name as it was); rustc's metadata of a crate holds the
    /// crate's hash over its code as compiled, its dependencies' included,
    /// so it changes with any of that. (Absolute paths inside it make these
    /// lines differ between machines: a cost of the fallback, not a risk.)
    fn extern_contents(&self) -> &[String] {
        self.extern_contents.get_or_init(|| {
            self.compilation
                .externs
                .iter()
                .map(|(name, e)| {
                    let rmeta = e.path.with_extension("rmeta");
                    let metadata = if rmeta.is_file() {
                        rmeta
                    } else {
                        e.path.clone()
                    };
                    format!("extern {name} {} {}\0", e.hash, digest_file(&metadata))
                })
                .collect()
        })
    }

    /// Paths as the same build would write them in another folder.
    fn normalize(&self, a: Option<&Analyzed>, value: &str) -> String {
        let mut v = value.to_owned();
        let mut prefixes: Vec<(String, &str)> = Vec::new();
        if let Some(out) = std::env::var_os("OUT_DIR") {
            prefixes.push((out.to_string_lossy().into_owned(), "$OUT_DIR"));
        }
        if let Some(t) = self.compilation.target_dir() {
            prefixes.push((t.to_string_lossy().into_owned(), "$TARGET"));
        }
        if let Some(a) = a {
            prefixes.push((a.ws.root.to_string_lossy().into_owned(), "$WORKSPACE"));
        } else {
            prefixes.push((self.cwd.to_string_lossy().into_owned(), "$WORKSPACE"));
        }
        if let Some(h) = cargo_home() {
            prefixes.push((h.to_string_lossy().into_owned(), "$CARGO_HOME"));
        }
        for (p, name) in prefixes {
            if !p.is_empty() {
                v = v.replace(&p, name);
            }
        }
        v
    }

    /// The key salt: the code hash with what this compilation adds.
    /// The key salt of a function whose code hash is `code_hash`, and what
    /// went into it besides the code hash, as readable lines.
    fn salt(
        &self,
        a: &Analyzed,
        d: &FunctionDetail,
        code_hash: &str,
    ) -> (String, BTreeSet<String>) {
        let g = &a.analysis.graph;
        let c = &d.closure;
        let mut parts: BTreeSet<String> = BTreeSet::new();
        // Dependencies the closure reaches, by the hash cargo gives their
        // files: version, features, source and profile, transitively.
        let here = &a.ws.crates[a.krate];
        for (name, dep) in &here.deps {
            let reached = match dep {
                DepRef::External(v) => c.ext.contains(v),
                DepRef::Local(lib) => g.crates.iter().enumerate().any(|(i, k)| {
                    k.info.kind == "lib"
                        && k.info.root.to_string_lossy() == lib.as_str()
                        && c.crates.iter().any(|&r| g.reaches(i, r))
                }),
            };
            if reached {
                let hash = self
                    .compilation
                    .externs
                    .get(name)
                    .map_or("not passed", |e| e.hash.as_str());
                parts.insert(format!("extern {name} {hash}"));
            }
        }
        // Environment variables the closure reads, as its crates see them.
        let mut by_crate: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
        for (k, var) in &c.env {
            by_crate.entry(*k).or_default().push(var);
        }
        for (k, mut vars) in by_crate {
            let info = &g.crates[k].info;
            // A variable whose name only the build knows: every variable the
            // crate read when it was last compiled (for this crate, the
            // build before this one: a variable only this build's code
            // reads counts from the next build on, and its value cannot
            // have changed before then), or the whole environment when no
            // compilation of it is on record.
            let read_before: BTreeSet<String> = if vars.contains(&ANY_ENV_VAR) {
                let infos = self.depinfos_of(a, k);
                if infos.is_empty() {
                    std::env::vars_os()
                        .filter_map(|(name, _)| name.into_string().ok())
                        .collect()
                } else {
                    infos.iter().flat_map(|i| i.env.keys().cloned()).collect()
                }
            } else {
                BTreeSet::new()
            };
            let package = vars.contains(&PACKAGE_ENV_VARS) && k == a.krate;
            vars.retain(|v| *v != ANY_ENV_VAR && *v != PACKAGE_ENV_VARS);
            vars.extend(read_before.iter().map(String::as_str));
            if package {
                // (Another crate's are in the hash cargo gives its files.)
                vars.extend(CARGO_PACKAGE_VARS);
            }
            vars.sort_unstable();
            vars.dedup();
            if k == a.krate {
                for var in vars {
                    let v = std::env::var(var).ok();
                    parts.insert(format!(
                        "env {} {var}={:?}",
                        info.name,
                        v.map(|v| self.normalize(Some(a), &v))
                    ));
                }
                continue;
            }
            let infos = self.depinfos_of(a, k);
            for var in vars {
                let mut values: BTreeSet<String> = infos
                    .iter()
                    .filter_map(|i| i.env.get(var))
                    .map(|v| format!("{:?}", v.as_deref().map(|v| self.normalize(Some(a), v))))
                    .collect();
                if values.is_empty() {
                    values.insert(format!(
                        "{:?}",
                        std::env::var(var).ok().map(|v| self.normalize(Some(a), &v))
                    ));
                }
                for v in values {
                    parts.insert(format!("env {} {var}={v}", info.name));
                }
            }
        }
        // What the build scripts of the crates it reaches told cargo and
        // rustc: `rustc-cfg` and `rustc-env` of other crates (this
        // compilation's command line shows its own crate's), and for every
        // crate the files its run watched or links from (a prebuilt library
        // reached through a path the script computes).
        for &k in &c.crates {
            if g.crates[k].info.build_script.is_some() {
                for line in self.build_script_output(a, k) {
                    if k != a.krate || line.starts_with("file ") {
                        parts.insert(format!("build {} {line}", g.crates[k].info.name));
                    }
                }
            }
        }
        // Files read at compile time whose path only the build knows.
        let unknown: BTreeSet<usize> = c
            .includes
            .iter()
            .filter_map(|i| match i {
                IncludeDep::Unknown { krate, .. } => Some(*krate),
                IncludeDep::File(_) => None,
            })
            .collect();
        for k in unknown {
            for (label, digest) in self.unknown_include_files(a, d, k) {
                parts.insert(format!("file {label} {digest}"));
            }
        }
        let mut h = blake3::Hasher::new();
        h.update(SALT_VERSION.as_bytes());
        h.update(code_hash.as_bytes());
        h.update(&self.compilation.fingerprint);
        for p in &parts {
            h.update(&(p.len() as u64).to_le_bytes());
            h.update(p.as_bytes());
        }
        parts.extend(self.compilation.inputs.iter().cloned());
        (h.finalize().to_hex().to_string(), parts)
    }

    /// What the build script of crate `k` printed that the key needs: its
    /// `rustc-cfg` and `rustc-env` lines, and as `file <path> <digest>` the
    /// files its `rerun-if-changed` lines watch and the files of its
    /// `rustc-link-search` folders inside its package.
    fn build_script_output(&self, a: &Analyzed, k: usize) -> BTreeSet<String> {
        let info = &a.analysis.graph.crates[k].info;
        let mut lines = BTreeSet::new();
        for o in self.build_script_runs(a, k) {
            for line in std::fs::read_to_string(&o).unwrap_or_default().lines() {
                let l = line
                    .trim_start_matches("cargo::")
                    .trim_start_matches("cargo:");
                if l.starts_with("rustc-cfg=") || l.starts_with("rustc-env=") {
                    lines.insert(self.normalize(Some(a), l));
                } else if let Some(path) = l.strip_prefix("rerun-if-changed=") {
                    for f in watched_files(&info.package_dir.join(path)) {
                        let label = self.normalize(Some(a), &f.to_string_lossy());
                        lines.insert(format!("file {label} {}", digest_file(&f)));
                    }
                } else if let Some(search) = l.strip_prefix("rustc-link-search=") {
                    // `[KIND=]PATH`; a folder of the package (not the
                    // system's): its libraries.
                    let dir = PathBuf::from(search.split_once('=').map_or(search, |(_, p)| p));
                    if dir.starts_with(&info.package_dir) {
                        for f in walkdir::WalkDir::new(&dir)
                            .max_depth(1)
                            .into_iter()
                            .flatten()
                        {
                            if f.file_type().is_file() {
                                let label = self.normalize(Some(a), &f.path().to_string_lossy());
                                lines.insert(format!("file {label} {}", digest_file(f.path())));
                            }
                        }
                    }
                }
            }
        }
        lines
    }

    /// The `output` files of crate `k`'s build script runs for this build:
    /// this crate's from `OUT_DIR`; another's from the run whose `OUT_DIR`
    /// its dep-info shows, else every run of it in the profile's `build`
    /// folder.
    fn build_script_runs(&self, a: &Analyzed, k: usize) -> Vec<PathBuf> {
        if k == a.krate {
            return std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .and_then(|d| d.parent().map(|p| p.join("output")))
                .into_iter()
                .collect();
        }
        let info = &a.analysis.graph.crates[k].info;
        let Some(build) = self
            .compilation
            .dep_dirs
            .first()
            .and_then(|d| d.parent())
            .map(|p| p.join("build"))
        else {
            return Vec::new();
        };
        let prefix = format!("{}-", info.package);
        let from_depinfo: BTreeSet<PathBuf> = self
            .depinfos_of(a, k)
            .iter()
            .flat_map(|d| d.files.iter())
            .filter_map(|f| {
                let rel = f.strip_prefix(&build).ok()?;
                let run = rel.components().next()?;
                Some(build.join(run).join("output"))
            })
            .collect();
        if from_depinfo.is_empty() {
            std::fs::read_dir(&build)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(&prefix))
                })
                .map(|p| p.join("output"))
                .filter(|p| p.is_file())
                .collect()
        } else {
            from_depinfo.into_iter().collect()
        }
    }

    /// `(label, digest)` of the files behind the include paths of crate `k`
    /// that the sources alone cannot evaluate.
    fn unknown_include_files(
        &self,
        a: &Analyzed,
        d: &FunctionDetail,
        k: usize,
    ) -> Vec<(String, String)> {
        let g = &a.analysis.graph;
        let info = &g.crates[k].info;
        let mut out = Vec::new();
        if k == a.krate {
            // This crate: rustc's environment evaluates the paths its items
            // write; a path inside a macro's body (`include_bytes!($f)`)
            // cannot be evaluated here, so the package's files count too.
            for (n, _) in &d.closure.reached {
                let node = &g.nodes[*n];
                if node.krate != k {
                    continue;
                }
                let dir = node
                    .file
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_default();
                for inc in node
                    .refs
                    .includes
                    .iter()
                    .filter(|i| i.kind != IncludeKind::Mentioned)
                {
                    if let Some(p) = eval_path(&inc.path, &dir, &|v| std::env::var(v).ok()) {
                        // Which file a path names (`include_str!(env!("DATA"))`)
                        // counts apart from the package's files, among which
                        // it may be.
                        out.push((
                            format!("read {}", self.normalize(Some(a), &p.to_string_lossy())),
                            digest_file(&p),
                        ));
                    }
                }
            }
            // Every file, Rust ones too: a path built in a macro's body may
            // `include!` one of the package's, or one a build script wrote.
            let mut dirs = vec![info.package_dir.clone()];
            dirs.extend(std::env::var_os("OUT_DIR").map(PathBuf::from));
            for dir in dirs {
                for e in walkdir::WalkDir::new(&dir)
                    .sort_by_file_name()
                    .into_iter()
                    .filter_entry(|e| {
                        let n = e.file_name().to_string_lossy();
                        e.depth() == 0
                            || !(n.starts_with('.') || (e.file_type().is_dir() && n == "target"))
                    })
                    .flatten()
                {
                    if e.file_type().is_file() {
                        out.push((
                            self.normalize(Some(a), &e.path().to_string_lossy()),
                            digest_file(e.path()),
                        ));
                    }
                }
            }
            return out;
        }
        // Another crate: what its compilation read, as its dep-info says.
        let cargo_home = cargo_home();
        for di in self.depinfos_of(a, k) {
            for f in &di.files {
                let f = if f.is_absolute() {
                    f.clone()
                } else {
                    self.cwd.join(f)
                };
                // Its Rust files too (one may be `include!`d by a path a
                // macro builds); not a registry crate's, fixed by its version.
                let registry = cargo_home.as_ref().is_some_and(|h| f.starts_with(h));
                if !registry {
                    out.push((
                        self.normalize(Some(a), &f.to_string_lossy()),
                        digest_file(&f),
                    ));
                }
            }
        }
        out
    }

    /// No analysis for this function: the widened hash of the crate's
    /// sources, and a salt over every dependency and every variable the
    /// sources read.
    fn fallback(
        &self,
        item: &TokenStream,
        name: &str,
        file: Option<&Path>,
        line: usize,
    ) -> MacroHash {
        let dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
        let fallback::Widened {
            hash: widened,
            env,
            sources,
        } = match &dir {
            Some(d) => fallback::widened(d),
            // Not under cargo: nothing to vouch for, so never match an old entry.
            None => fallback::Widened {
                hash: format!("no cargo {:?}", std::time::SystemTime::now()),
                env: BTreeSet::new(),
                sources: Vec::new(),
            },
        };
        let mut h = blake3::Hasher::new();
        h.update(b"perscache fallback v2\0");
        h.update(widened.as_bytes());
        h.update(name.as_bytes());
        h.update(&tokens::token_digest(item));
        let hash = h.finalize().to_hex().to_string();
        let mut s = blake3::Hasher::new();
        s.update(SALT_VERSION.as_bytes());
        s.update(hash.as_bytes());
        s.update(&self.compilation.fingerprint);
        for line in self.extern_contents() {
            s.update(line.as_bytes());
        }
        for var in &env {
            let v = std::env::var(var).ok().map(|v| self.normalize(None, &v));
            s.update(format!("env {var}={v:?}\0").as_bytes());
        }
        if let Some(out) = std::env::var_os("OUT_DIR") {
            for e in walkdir::WalkDir::new(&out)
                .sort_by_file_name()
                .into_iter()
                .flatten()
            {
                if e.file_type().is_file() {
                    s.update(
                        format!(
                            "file {} {}\0",
                            self.normalize(None, &e.path().to_string_lossy()),
                            digest_file(e.path())
                        )
                        .as_bytes(),
                    );
                }
            }
        }
        let (function, context) = file
            .and_then(|f| std::fs::read_to_string(f).ok())
            .and_then(|text| {
                with_own_lexer(|| crate::parse::parse_file(&text).ok())
                    .ok()
                    .flatten()
            })
            .and_then(|summary| find_context(&summary, line as u32, name))
            .unwrap_or_else(|| {
                (
                    FunctionName::InModule(name.to_owned()),
                    FnContext::default(),
                )
            });
        // A generic function (or one whose context is unknown) may run code
        // of the crates that depend on this one: the compilation must run
        // again when their sources change, so rustc is told to watch them.
        let generic = context.has_self != Some(false)
            || !context.types.is_empty()
            || syn::parse2::<syn::ItemFn>(item.clone())
                .map_or(true, |f| !f.sig.generics.params.is_empty());
        let track = match (&dir, generic) {
            (Some(d), true) => {
                let own = canonical(d);
                sources
                    .into_iter()
                    .filter(|f| !f.starts_with(&own))
                    .collect()
            }
            _ => Vec::new(),
        };
        MacroHash {
            function,
            hash,
            key_salt: s.finalize().to_hex().to_string(),
            track,
            context,
            from_analysis: false,
            workspace: dir.map(|d| {
                fallback::workspace_root(&d)
                    .unwrap_or(d)
                    .to_string_lossy()
                    .into_owned()
            }),
        }
    }
}

/// The enclosing impl or trait of the function `name` at `line` of a file,
/// for the fallback: its name under the module, and its generic context.
fn find_context(summary: &FileSummary, line: u32, name: &str) -> Option<(FunctionName, FnContext)> {
    fn matches(it: &Item, line: u32, name: &str) -> bool {
        it.name == name && (it.line == line || it.persist == line)
    }
    fn walk(items: &[Item], line: u32, name: &str) -> Option<(FunctionName, FnContext)> {
        for it in items {
            if matches(it, line, name) {
                return Some((
                    FunctionName::InModule(name.to_owned()),
                    FnContext {
                        has_self: Some(false),
                        ..FnContext::default()
                    },
                ));
            }
            let found = match &it.detail {
                Detail::Impl(im) => im.items.iter().find(|ii| matches(ii, line, name)).map(|_| {
                    let ty = im.self_text.clone();
                    let path = match &im.trait_ {
                        Some(t) => format!("<{ty} as {}>::{name}", t.display()),
                        None => format!("{ty}::{name}"),
                    };
                    (
                        FunctionName::InModule(path),
                        FnContext {
                            has_self: Some(true),
                            types: im.generics.types.clone(),
                            consts: im.generics.consts.clone(),
                        },
                    )
                }),
                Detail::Trait { items, generics } => {
                    items.iter().find(|ti| matches(ti, line, name)).map(|_| {
                        (
                            FunctionName::InModule(format!("{}::{name}", it.name)),
                            FnContext {
                                has_self: Some(true),
                                types: generics.types.clone(),
                                consts: generics.consts.clone(),
                            },
                        )
                    })
                }
                Detail::Mod {
                    inline: Some(inner),
                    ..
                } => walk(inner, line, name),
                Detail::MacroCall {
                    items: Some(inner), ..
                }
                | Detail::Nested(inner) => walk(inner, line, name),
                _ => None,
            };
            if found.is_some() {
                return found;
            }
            if let Some(f) = walk(&it.inner, line, name) {
                return Some(f);
            }
        }
        None
    }
    walk(&summary.items, line, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cached workspace model is read again once a cargo configuration
    /// file appears: a `paths` override there swaps a dependency's sources
    /// without a change to `Cargo.toml` or `Cargo.lock`.
    #[test]
    fn a_new_cargo_config_invalidates_the_cached_model() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("src")).expect("src");
        std::fs::write(
            root.join("Cargo.toml"),
            "[package]\nname = \"fixture\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .expect("manifest");
        std::fs::write(root.join("src/lib.rs"), "").expect("lib.rs");
        let manifest = root.join("Cargo.toml");
        let target = root.join("target");
        let cached = target.join("perscache").join("workspace.json");
        let config = root.join(".cargo").join("config.toml");
        let digest_of_config = || {
            let model: CachedModel =
                serde_json::from_slice(&std::fs::read(&cached).expect("the model is cached"))
                    .expect("a cached model");
            model
                .digests
                .into_iter()
                .find(|(p, _)| *p == config)
                .map(|(_, d)| d)
        };

        load_model(&manifest, Some(&target), "").expect("cargo metadata");
        assert_eq!(digest_of_config().as_deref(), Some("missing"));

        std::fs::create_dir_all(config.parent().expect("folder")).expect(".cargo");
        std::fs::write(&config, "paths = []\n").expect("config");
        load_model(&manifest, Some(&target), "").expect("cargo metadata");
        assert_eq!(digest_of_config(), Some(digest_file(&config)));
    }
}
