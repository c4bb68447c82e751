//! The analysis, end to end: find and parse the sources (in parallel, reusing
//! a cache of per-file summaries keyed by size and modification time), resolve
//! names, and hash each marked function over everything it reaches.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, UNIX_EPOCH};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::call_sites::CallSites;
use crate::graph::{Closure, Deps, Files, Graph, IncludeDep, Memo, NodeId, Parent};
use crate::manifest::{display_path, FileDigest, FunctionEntry, Manifest, MANIFEST_VERSION};
use crate::model::{CrateInfo, DepRef, Workspace};
use crate::parse::{parse_file, FileSummary, Kind};
use crate::Error;

/// Bumped when hashing changes, so old hashes never match.
const ANALYSIS_VERSION: &str = "perscache analysis v9";

/// Bumped whenever what a file's summary holds changes (the parser), so a
/// parse cache written by another version is never read.
const CACHE_VERSION: &str = concat!(
    "perscache parse cache 6 / ",
    env!("CARGO_PKG_VERSION"),
    " / ",
    env!("PERSCACHE_PARSER_DIGEST")
);

/// How to run the analysis.
#[derive(Default)]
pub struct Options<'a> {
    /// Where to keep parsed summaries between runs (`None`: no cache).
    pub cache: Option<PathBuf>,
    /// Called as the work advances.
    pub progress: Option<&'a (dyn Fn(Progress) + Sync)>,
    /// Only the functions of the crate whose root file this is (the macro
    /// asks for the crate it is expanding in); `None`: every crate.
    pub only_crate: Option<PathBuf>,
}

/// A progress report.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Progress {
    /// `done` of `total` files read.
    Parsed {
        /// Files read so far.
        done: usize,
        /// Files to read.
        total: usize,
    },
    /// Names resolved over this many items.
    Resolved {
        /// Items in the graph.
        items: usize,
    },
}

/// The result: the manifest to write, and figures about the run.
#[derive(Debug)]
#[non_exhaustive]
pub struct Analysis {
    /// Hashes of every marked function, and the files they came from.
    pub manifest: Manifest,
    /// Source files found.
    pub files: usize,
    /// Files re-parsed (not taken from the cache).
    pub parsed: usize,
    /// Lines of source in the files found.
    pub lines: usize,
    /// Items in the graph.
    pub items: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// What each function reaches, in the order of `manifest.functions`.
    pub(crate) details: Vec<FunctionDetail>,
    pub(crate) graph: Graph,
}

/// What the manifest does not hold about a function: its closure, for
/// `explain` and for the macro's build inputs.
#[derive(Debug)]
pub(crate) struct FunctionDetail {
    pub node: NodeId,
    pub closure: Closure,
}

#[derive(Serialize, Deserialize)]
struct CachedFile {
    size: u64,
    mtime_ns: u128,
    digest: [u8; 32],
    lines: usize,
    /// The summary, encoded: decoded only when the file is loaded, on the
    /// loading thread (decoding every summary up front, on one thread, was
    /// most of a warm run's reading time).
    summary: Vec<u8>,
}

#[derive(Serialize, Deserialize, Default)]
struct Cache {
    version: String,
    /// When the cache was written (ns since the epoch). A file modified
    /// less than [`RACY_NS`] before that may have changed again within the
    /// file system's timestamp granularity, so its content is checked.
    written_ns: u128,
    files: BTreeMap<PathBuf, CachedFile>,
}

const RACY_NS: u128 = 2_000_000_000;

struct Loaded {
    digest: [u8; 32],
    lines: usize,
    size: u64,
    mtime_ns: u128,
    result: Result<Arc<FileSummary>, Error>,
    fresh: bool,
}

fn stat(path: &Path) -> Option<(u64, u128)> {
    let md = std::fs::metadata(path).ok()?;
    let mtime = md
        .modified()
        .ok()?
        .duration_since(UNIX_EPOCH)
        .ok()?
        .as_nanos();
    Some((md.len(), mtime))
}

fn load(path: &Path, cache: &Cache) -> Option<Loaded> {
    let (size, mtime_ns) = stat(path)?;
    let cached = cache.files.get(path);
    let reuse = |c: &CachedFile| {
        let summary = postcard::from_bytes::<FileSummary>(&c.summary).ok()?;
        Some(Loaded {
            digest: c.digest,
            lines: c.lines,
            size,
            mtime_ns,
            result: Ok(Arc::new(summary)),
            fresh: false,
        })
    };
    if let Some(c) = cached {
        if c.size == size && c.mtime_ns == mtime_ns && mtime_ns + RACY_NS < cache.written_ns {
            if let Some(l) = reuse(c) {
                return Some(l);
            }
        }
    }
    let bytes = crate::read_file(path)?;
    let digest = *blake3::hash(&bytes).as_bytes();
    if let Some(l) = cached.filter(|c| c.digest == digest).and_then(reuse) {
        return Some(l);
    }
    let text = String::from_utf8_lossy(&bytes);
    let lines = text.lines().count();
    let result = parse_file(&text).map(Arc::new).map_err(|e| Error::Syntax {
        file: path.to_path_buf(),
        line: e.line,
        column: e.column,
        message: e.message,
    });
    Some(Loaded {
        digest,
        lines,
        size,
        mtime_ns,
        result,
        fresh: true,
    })
}

struct FileSet<'a> {
    loaded: HashMap<PathBuf, Loaded>,
    cache: &'a Cache,
    errors: Vec<Error>,
}

impl Files for FileSet<'_> {
    fn get(&mut self, path: &Path) -> Option<Arc<FileSummary>> {
        if !self.loaded.contains_key(path) {
            // A `#[path]` module outside the folders walked up front.
            let l = load(path, self.cache)?;
            self.loaded.insert(path.to_path_buf(), l);
        }
        let l = self.loaded.get(path)?;
        match &l.result {
            Ok(s) => Some(Arc::clone(s)),
            Err(Error::Syntax {
                file,
                line,
                column,
                message,
            }) => {
                self.errors.push(Error::Syntax {
                    file: file.clone(),
                    line: *line,
                    column: *column,
                    message: message.clone(),
                });
                None
            }
            Err(_) => None,
        }
    }
}

/// The folders holding each crate's sources.
fn source_dirs(ws: &Workspace) -> Vec<PathBuf> {
    let mut dirs: BTreeSet<PathBuf> = ws
        .crates
        .iter()
        // Test folders often hold fixtures: their modules are read on demand.
        .filter(|c| c.kind != "test")
        .filter_map(|c| c.root.parent().map(Path::to_path_buf))
        .collect();
    // Keep only outermost folders, so no file is walked twice.
    let all: Vec<PathBuf> = dirs.iter().cloned().collect();
    dirs.retain(|d| !all.iter().any(|o| o != d && d.starts_with(o)));
    dirs.into_iter().collect()
}

fn walk_sources(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_entry(|e| {
            let n = e.file_name().to_string_lossy();
            e.depth() == 0 || !(n.starts_with('.') || (e.file_type().is_dir() && n == "target"))
        })
        .flatten()
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| e.into_path())
        .collect()
}

/// The stack of each analysis thread. Deeply nested code (a sum of
/// thousands of terms, generated tables) recurses as deep in syn's parser,
/// the walks and the drops of its trees as rustc, which grows its stack as
/// needed; the default 2 MiB of a thread, or the 8 MiB rustc gives a
/// proc-macro, overflows first. Only the pages touched are ever committed.
pub(crate) const STACK_SIZE: usize = 512 << 20;

/// Analyses the workspace: the hash of every marked function.
pub fn analyze(ws: &Workspace, opts: &Options<'_>) -> Result<Analysis, Error> {
    let pool = |stack: Option<usize>| {
        let mut b =
            rayon::ThreadPoolBuilder::new().thread_name(|i| format!("perscache-analysis-{i}"));
        if let Some(size) = stack {
            b = b.stack_size(size);
        }
        b.build()
    };
    // Where that much address space is refused (`ulimit -v`), the default
    // stacks serve all but the deepest code.
    pool(Some(STACK_SIZE))
        .or_else(|_| pool(None))
        .map_err(|e| Error::Threads(e.to_string()))?
        .install(|| analyze_here(ws, opts))
}

fn analyze_here(ws: &Workspace, opts: &Options<'_>) -> Result<Analysis, Error> {
    let start = Instant::now();
    let old: Cache = opts
        .cache
        .as_ref()
        .and_then(|p| std::fs::read(p).ok())
        .and_then(|b| postcard::from_bytes::<Cache>(&b).ok())
        .filter(|c| c.version == CACHE_VERSION)
        .unwrap_or_default();

    let mut paths: Vec<PathBuf> = source_dirs(ws)
        .par_iter()
        .flat_map(|d| walk_sources(d))
        .collect();
    for c in &ws.crates {
        paths.push(c.root.clone());
    }
    paths.sort();
    paths.dedup();
    let total = paths.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let loaded: HashMap<PathBuf, Loaded> = paths
        .par_iter()
        .filter_map(|p| {
            let l = load(p, &old)?;
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            if let Some(cb) = opts.progress {
                if n.is_multiple_of(256) || n == total {
                    cb(Progress::Parsed { done: n, total });
                }
            }
            Some((p.clone(), l))
        })
        .collect();

    let timing = std::env::var_os("PERSCACHE_ANALYSIS_TIMING").is_some();
    let stage = |what: &str| {
        if timing {
            eprintln!("perscache-analysis: {what} at {:?}", start.elapsed());
        }
    };
    stage("read and parse");
    let mut set = FileSet {
        loaded,
        cache: &old,
        errors: Vec::new(),
    };
    // Include paths are evaluated from the sources alone, so that the code
    // hash is the same wherever it is computed; what only a build knows
    // (`OUT_DIR`, other variables) goes into the key through the macro.
    let env = |krate: usize, var: &str| source_env(ws, krate, var);
    let graph = Graph::build(&ws.crates, &mut set, &env);
    if let Some(e) = set.errors.into_iter().next() {
        return Err(e);
    }
    if let Some(cb) = opts.progress {
        cb(Progress::Resolved {
            items: graph.nodes.len(),
        });
    }
    let loaded = set.loaded;
    stage("module trees");

    let only = opts.only_crate.as_ref().map(|r| canonical(r));
    let marked: Vec<NodeId> = (0..graph.nodes.len())
        .filter(|&i| graph.nodes[i].persist > 0 && graph.nodes[i].kind == Kind::Fn)
        .filter(|&i| {
            only.as_ref()
                .is_none_or(|r| canonical(&graph.crate_of(i).root) == *r)
        })
        .collect();
    // An item's edges are worked out the first time a walk reaches it, once
    // for all walks: most items of a workspace are reached by no marked
    // function. (Working out edges reads only the graph, never other items'
    // edges, and runs no parallel iterator, whose work stealing could start
    // another walk on this thread inside the initialization: so a walk never
    // waits on itself.)
    let edges: Vec<OnceLock<Deps>> = graph.nodes.iter().map(|_| OnceLock::new()).collect();
    let closures: Vec<Closure> = marked
        .par_iter()
        .map_init(
            || (Memo::default(), Memo::default()),
            |(walk_memo, edges_memo), &f| {
                let mut deps = |n: NodeId| edges[n].get_or_init(|| graph.deps(n, &env, edges_memo));
                graph.closure(f, &mut deps, walk_memo)
            },
        )
        .collect();
    stage("edges and closures");

    // Included files, hashed once each.
    let includes: BTreeSet<PathBuf> = closures
        .iter()
        .flat_map(|c| c.includes.iter())
        .filter_map(|i| match i {
            IncludeDep::File(p) => Some(p.clone()),
            IncludeDep::Unknown { .. } => None,
        })
        .collect();
    let include_digests: BTreeMap<PathBuf, Option<[u8; 32]>> = includes
        .into_par_iter()
        .map(|p| {
            let d = crate::read_file(&p).map(|b| *blake3::hash(&b).as_bytes());
            (p, d)
        })
        .collect();
    let node_digests: Vec<OnceLock<[u8; 32]>> =
        graph.nodes.iter().map(|_| OnceLock::new()).collect();
    let key_digests: Vec<OnceLock<[u8; 16]>> =
        graph.nodes.iter().map(|_| OnceLock::new()).collect();
    let key_digest = |n: NodeId| {
        *key_digests[n].get_or_init(|| {
            let d = blake3::hash(graph.nodes[n].key.as_bytes());
            let mut short = [0; 16];
            short.copy_from_slice(&d.as_bytes()[..16]);
            short
        })
    };
    let digest = |n: NodeId| {
        *node_digests[n].get_or_init(|| node_digest(&graph, n, edges[n].get(), &key_digest))
    };
    let call_sites = CallSites::new(&graph, &ws.root);
    let mut pairs: Vec<(FunctionEntry, FunctionDetail)> = marked
        .par_iter()
        .zip(closures)
        .map(|(&id, closure)| {
            let entry = function_entry(
                ws,
                &graph,
                &digest,
                &include_digests,
                &call_sites,
                id,
                &closure,
            );
            (entry, FunctionDetail { node: id, closure })
        })
        .collect();
    pairs.sort_by(|a, b| {
        (&a.0.function, &a.0.file, a.0.line).cmp(&(&b.0.function, &b.0.file, b.0.line))
    });
    let (functions, details): (Vec<_>, Vec<_>) = pairs.into_iter().unzip();
    stage("function hashes");

    let mut files: Vec<FileDigest> = Vec::new();
    for p in &graph.used_files {
        if let Some(l) = loaded.get(p) {
            files.push(FileDigest {
                path: display_path(&ws.root, p),
                blake3: blake3::Hash::from(l.digest).to_hex().to_string(),
            });
        }
    }
    for (p, d) in &include_digests {
        if let Some(d) = d {
            files.push(FileDigest {
                path: display_path(&ws.root, p),
                blake3: blake3::Hash::from(*d).to_hex().to_string(),
            });
        }
    }
    for p in &ws.cargo_files {
        if let Ok(b) = std::fs::read(p) {
            files.push(FileDigest {
                path: display_path(&ws.root, p),
                blake3: blake3::hash(&b).to_hex().to_string(),
            });
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup_by(|a, b| a.path == b.path);

    let mut notes: Vec<String> = graph
        .missing
        .iter()
        .map(|m| format!("module file not found: {m}"))
        .collect();
    notes.sort();

    let parsed = loaded.values().filter(|l| l.fresh).count();
    let lines = loaded.values().map(|l| l.lines).sum();
    if let Some(path) = &opts.cache {
        write_cache(path, &old, &loaded);
    }
    stage("cache written");
    Ok(Analysis {
        manifest: Manifest {
            version: MANIFEST_VERSION,
            root: ws.root.clone(),
            files,
            functions,
            notes,
        },
        files: total,
        parsed,
        lines,
        items: graph.nodes.len(),
        elapsed: start.elapsed(),
        details,
        graph,
    })
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// What `env!` gives an include path when only the sources are known: the
/// package folder, and the package's fields cargo sets from `Cargo.toml`.
fn source_env(ws: &Workspace, krate: usize, var: &str) -> Option<String> {
    let c = ws.crates.get(krate)?;
    match var {
        "CARGO_MANIFEST_DIR" => Some(c.package_dir.to_string_lossy().into_owned()),
        "CARGO_PKG_NAME" => Some(c.package.clone()),
        "CARGO_CRATE_NAME" => Some(c.name.clone()),
        _ => None,
    }
}

/// Rewrites the parse cache when something moved, so a warm run stays read-only.
fn write_cache(path: &Path, old: &Cache, loaded: &HashMap<PathBuf, Loaded>) {
    let dirty = old.files.len() != loaded.len()
        || loaded.iter().any(|(p, l)| {
            old.files.get(p).is_none_or(|c| {
                c.size != l.size
                    || c.mtime_ns != l.mtime_ns
                    || l.mtime_ns + RACY_NS >= old.written_ns
            })
        });
    if !dirty {
        return;
    }
    let cache = Cache {
        version: CACHE_VERSION.to_owned(),
        written_ns: std::time::SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
        files: loaded
            .par_iter()
            .filter_map(|(p, l)| {
                let s = l.result.as_ref().ok()?;
                Some((
                    p.clone(),
                    CachedFile {
                        size: l.size,
                        mtime_ns: l.mtime_ns,
                        digest: l.digest,
                        lines: l.lines,
                        summary: postcard::to_stdvec(&**s).ok()?,
                    },
                ))
            })
            .collect(),
    };
    // The cache only saves time: failing to write it is not an error.
    if let Ok(bytes) = postcard::to_stdvec(&cache) {
        let _ = crate::manifest::write_atomic(path, &bytes);
    }
}

const MAX_NOTES: usize = 32;

/// The definitions of a `macro_rules!` name in one crate, each with its
/// place in the crate's text ([`Graph::text_position`]).
type Placed = Vec<(Vec<u32>, NodeId)>;

/// What each reached crate's manifest says that its tokens do not: the
/// same tokens may be other code in another edition, and `first::f()` is
/// another crate's code once `first` names another package (dependency keys
/// traded in `Cargo.toml`, a reached crate's as much as the function's own).
/// A dependency's version is not here: where its code is reached, the
/// external crates already count with theirs.
fn hash_crate_settings(graph: &Graph, closure: &Closure, h: &mut blake3::Hasher) {
    let mut crates: Vec<&CrateInfo> = closure
        .crates
        .iter()
        .map(|&c| &graph.crates[c].info)
        .collect();
    crates.sort_unstable_by(|a, b| {
        (&a.name, &a.package, &a.kind, &a.root).cmp(&(&b.name, &b.package, &b.kind, &b.root))
    });
    let mut field = |tag: &[u8], text: &str| {
        h.update(tag);
        h.update(&(text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
    };
    for c in crates {
        field(b"e", &c.name);
        field(b"v", &c.edition);
        for (key, dep) in c.deps.iter().chain(&c.test_deps) {
            field(b"k", key);
            match dep {
                // By package, not by folder: a hash does not depend on
                // where the workspace is.
                DepRef::Local(root) => field(
                    b"l",
                    graph.lib_by_root(root).map_or("", |d| d.package.as_str()),
                ),
                DepRef::External(locked) => {
                    let name = locked.rsplit_once('@').map_or(locked.as_str(), |(n, _)| n);
                    field(b"p", name);
                }
            }
        }
    }
}

/// For a `macro_rules!` name of a crate, which definition each reached item
/// invoking it expands: the one written last before it in the crate's text
/// (module declarations included), or, before the first, none of them (the
/// name is then a `#[macro_use]` crate's or std's), which no item's tokens
/// show.
fn hash_macro_order(
    graph: &Graph,
    digest: &(dyn Fn(NodeId) -> [u8; 32] + Sync),
    closure: &Closure,
    h: &mut blake3::Hasher,
    notes: &mut Vec<String>,
) {
    let mut by_name: BTreeMap<(usize, &str), Placed> = BTreeMap::new();
    for (d, _) in &closure.reached {
        let def = &graph.nodes[*d];
        if def.kind != Kind::MacroDef || by_name.contains_key(&(def.krate, def.name.as_str())) {
            continue;
        }
        if let Some(defs) = graph.textual_macro_defs(*d) {
            let placed = defs.iter().map(|&r| (graph.text_position(r), r)).collect();
            by_name.insert((def.krate, def.name.as_str()), placed);
        }
    }
    if !by_name.is_empty() {
        for (n, _) in &closure.reached {
            let node = &graph.nodes[*n];
            let mut invoked: Vec<&str> = node
                .refs
                .macros
                .iter()
                .filter_map(|m| m.segs.last().map(String::as_str))
                .filter(|m| by_name.contains_key(&(node.krate, *m)))
                .collect();
            invoked.sort_unstable();
            invoked.dedup();
            for name in invoked {
                let at = graph.text_position(*n);
                let applies = by_name[&(node.krate, name)]
                    .iter()
                    .rev()
                    .find(|(p, _)| *p < at)
                    .map_or([0; 32], |&(_, r)| digest(r));
                h.update(b"m");
                h.update(&digest(*n));
                h.update(&applies);
            }
        }
        for ((_, name), defs) in by_name.iter().filter(|(_, defs)| defs.len() > 1) {
            notes.push(format!(
                "`{name}!` is defined {} times in its crate: which definition each use expands depends on the order of the text, which is in the hash",
                defs.len()
            ));
        }
    }
}

/// An item's digest: its key, its own tokens, and what its names resolved
/// to (`deps`, when a walk reached it; `key_digest` names an item by its
/// key's digest, which does not depend on the order items were found in).
fn node_digest(
    graph: &Graph,
    id: NodeId,
    deps: Option<&Deps>,
    key_digest: &dyn Fn(NodeId) -> [u8; 16],
) -> [u8; 32] {
    let n = &graph.nodes[id];
    let mut h = blake3::Hasher::new();
    h.update(&(n.key.len() as u64).to_le_bytes());
    h.update(n.key.as_bytes());
    h.update(&n.hash);
    h.update(&graph.scopes[n.scope].module_declaration);
    // An item of an impl or trait is bound to its header: two
    // `#[cfg]`-gated `impl Mode` blocks share every key, and swapping
    // their attributes must not swap nothing.
    match n.parent {
        Parent::Impl(i) => h.update(&graph.nodes[graph.impls[i].header].hash),
        Parent::Trait(t) => h.update(&graph.nodes[t].hash),
        Parent::Scope => &mut h,
    };
    // `file!()` is the file it is written in: moving the item to another
    // file of its module (`m.rs` to `m/mod.rs`) changes its value. The path
    // is taken from the package's folder on, as a shared cache needs.
    if n.refs.position.iter().any(|p| p == "file") {
        let package = &graph.crates[n.krate].info.package_dir;
        let name = package.file_name().unwrap_or_default();
        let rel = n.file.strip_prefix(package).unwrap_or(&n.file);
        h.update(b"file");
        h.update(Path::new(name).join(rel).to_string_lossy().as_bytes());
    }
    // Which item each of its names resolves to: an edit elsewhere that
    // changes that and nothing else (a `use` retargeted from `metric::scale`
    // to `imperial::scale` while the function names both, a `use Trait as _`
    // that puts another trait's method first, a local item hiding a
    // glob-imported trait) changes what it runs even when every candidate
    // was reached already. Only items of its own crate's cone: others it
    // names (by a widened name) cannot be what it runs.
    if let Some(deps) = deps {
        let mut targets: Vec<(&str, [u8; 16])> = deps
            .edges
            .iter()
            .filter(|(t, _)| graph.reaches(n.krate, graph.nodes[*t].krate))
            .map(|(t, why)| (why.name_written(), key_digest(*t)))
            .collect();
        targets.sort_unstable();
        targets.dedup();
        h.update(b"resolves");
        for (name, key) in targets {
            h.update(&(name.len() as u64).to_le_bytes());
            h.update(name.as_bytes());
            h.update(&key);
        }
        let mut choices: Vec<&String> = deps.choices.iter().collect();
        choices.sort_unstable();
        choices.dedup();
        h.update(b"chooses");
        for choice in choices {
            h.update(&(choice.len() as u64).to_le_bytes());
            h.update(choice.as_bytes());
        }
    }
    *h.finalize().as_bytes()
}

/// The code hash of marked function `id` over everything it reaches: the
/// sorted digests of (key, own tokens) of each item, the external crates'
/// versions, and the included files' digests.
fn function_entry(
    ws: &Workspace,
    graph: &Graph,
    digest: &(dyn Fn(NodeId) -> [u8; 32] + Sync),
    includes: &BTreeMap<PathBuf, Option<[u8; 32]>>,
    call_sites: &CallSites<'_>,
    id: NodeId,
    closure: &Closure,
) -> FunctionEntry {
    let node = &graph.nodes[id];
    let mut declarations = Vec::new();
    let mut counted = rustc_hash::FxHashSet::default();
    for (n, _) in &closure.reached {
        graph.enclosing_declarations(*n, &mut counted, &mut declarations);
    }
    let mut items: Vec<[u8; 32]> = closure
        .reached
        .iter()
        .map(|(n, _)| digest(*n))
        .chain(declarations)
        .collect();
    items.sort_unstable();
    let mut h = blake3::Hasher::new();
    h.update(ANALYSIS_VERSION.as_bytes());
    h.update(b"function");
    h.update(&(node.key.len() as u64).to_le_bytes());
    h.update(node.key.as_bytes());
    for d in items {
        h.update(b"n");
        h.update(&d);
    }
    let mut notes: Vec<String> = closure.notes.iter().map(|n| n.to_string()).collect();
    // Code that reports where code sits: tokens say nothing of that. The
    // place (file, lines and columns) of each reached item joins the hash.
    if let Some(observed) = call_sites.observed(closure) {
        for place in &observed.places {
            h.update(b"l");
            h.update(place);
        }
        let shown: Vec<&str> = observed.observers.iter().take(3).copied().collect();
        let more = observed.observers.len() - shown.len();
        notes.push(format!(
            "reaches `{}`{}, which reports where code sits: the place (file, lines and columns) of every item it reaches is in the hash",
            shown.join("`, `"),
            if more > 0 { format!(" and {more} more") } else { String::new() }
        ));
    }
    hash_macro_order(graph, digest, closure, &mut h, &mut notes);
    hash_crate_settings(graph, closure, &mut h);
    for e in &closure.ext {
        h.update(b"x");
        h.update(&(e.len() as u64).to_le_bytes());
        h.update(e.as_bytes());
    }
    for inc in &closure.includes {
        match inc {
            IncludeDep::File(p) => {
                let shown = display_path(&ws.root, p);
                h.update(b"f");
                h.update(&(shown.len() as u64).to_le_bytes());
                h.update(shown.as_bytes());
                match includes.get(p).copied().flatten() {
                    Some(d) => h.update(&d),
                    None => {
                        notes.push(format!("included file {shown} is missing"));
                        h.update(b"missing")
                    }
                };
            }
            IncludeDep::Unknown { krate, .. } => {
                h.update(b"u");
                h.update(graph.crates[*krate].info.name.as_bytes());
            }
        }
    }
    notes.sort();
    notes.dedup();
    if notes.len() > MAX_NOTES {
        notes.truncate(MAX_NOTES);
        notes.push("... and more (`cargo perscache explain` lists them all)".to_owned());
    }
    FunctionEntry {
        function: graph.function_path(id),
        file: display_path(&ws.root, &node.file),
        line: node.line,
        attr_line: node.persist,
        name: node.name.clone(),
        package: graph.crate_of(id).package.clone(),
        code_hash: h.finalize().to_hex().to_string(),
        external: closure.ext.iter().cloned().collect(),
        notes,
    }
}

impl Graph {
    /// The function's name as the runtime names it: `krate::module::f`,
    /// `krate::module::Type::m`, `<krate::m::Type as krate::t::Trait>::m`,
    /// `krate::t::Trait::m` for a trait's default method.
    pub(crate) fn function_path(&self, id: NodeId) -> String {
        let n = &self.nodes[id];
        let module = |scope: usize| self.scopes[scope].path.join("::");
        let def_path =
            |x: NodeId| format!("{}::{}", module(self.nodes[x].scope), self.nodes[x].name);
        match n.parent {
            Parent::Scope => format!("{}::{}", module(n.scope), n.name),
            Parent::Trait(t) => format!("{}::{}", def_path(t), n.name),
            Parent::Impl(i) => {
                let im = &self.impls[i];
                let ty = match im.self_types.first() {
                    Some(&t) if self.nodes[t].kind == Kind::Type => def_path(t),
                    // A type a macro declares (`holder!(Hooked)`): named
                    // where its inherent impl is.
                    Some(_) if im.trait_.is_none() => {
                        format!("{}::{}", module(im.scope), im.self_text)
                    }
                    _ => im.self_text.clone(),
                };
                match (&im.trait_, im.trait_node) {
                    (_, Some(t)) => format!("<{ty} as {}>::{}", def_path(t), n.name),
                    (Some(t), None) => format!("<{ty} as {}>::{}", t.display(), n.name),
                    (None, _) => format!("{ty}::{}", n.name),
                }
            }
        }
    }
}
