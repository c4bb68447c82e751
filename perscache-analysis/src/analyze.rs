//! The analysis, end to end: find and parse the sources (in parallel, reusing
//! a cache of per-file summaries keyed by size and modification time), resolve
//! names, and hash each marked function over everything it reaches.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, UNIX_EPOCH};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::graph::{Files, Graph, NodeId};
use crate::manifest::{display_path, FileDigest, FunctionEntry, Manifest, MANIFEST_VERSION};
use crate::model::Workspace;
use crate::parse::{parse_file, FileSummary, Kind};
use crate::Error;

/// Bumped when hashing changes, so old hashes never match.
const ANALYSIS_VERSION: &str = "perscache analysis v1";

/// Bumped whenever what a file's summary holds changes (the parser), so a
/// parse cache written by another version is never read.
const CACHE_VERSION: &str = concat!("perscache parse cache 4 / ", env!("CARGO_PKG_VERSION"));

/// How to run the analysis.
#[derive(Default)]
pub struct Options<'a> {
    /// Where to keep parsed summaries between runs (`None`: no cache).
    pub cache: Option<PathBuf>,
    /// Called as the work advances.
    pub progress: Option<&'a (dyn Fn(Progress) + Sync)>,
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
#[derive(Debug, Clone)]
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
}

#[derive(Serialize, Deserialize)]
struct CachedFile {
    size: u64,
    mtime_ns: u128,
    digest: [u8; 32],
    lines: usize,
    summary: Arc<FileSummary>,
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
    let reuse = |c: &CachedFile| Loaded {
        digest: c.digest,
        lines: c.lines,
        size,
        mtime_ns,
        result: Ok(Arc::clone(&c.summary)),
        fresh: false,
    };
    if let Some(c) = cached {
        if c.size == size && c.mtime_ns == mtime_ns && mtime_ns + RACY_NS < cache.written_ns {
            return Some(reuse(c));
        }
    }
    let bytes = std::fs::read(path).ok()?;
    let digest = *blake3::hash(&bytes).as_bytes();
    if let Some(c) = cached.filter(|c| c.digest == digest) {
        return Some(reuse(c));
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

/// Analyses the workspace: the hash of every marked function.
pub fn analyze(ws: &Workspace, opts: &Options<'_>) -> Result<Analysis, Error> {
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
    let graph = Graph::build(&ws.crates, &mut set);
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
    let deps: Vec<_> = (0..graph.nodes.len())
        .into_par_iter()
        .map_init(crate::graph::Memo::default, |memo, i| graph.deps(i, memo))
        .collect();

    // Included files, hashed once each.
    let includes: BTreeSet<PathBuf> = deps.iter().flat_map(|d| d.files.iter().cloned()).collect();
    let include_digests: BTreeMap<PathBuf, Option<[u8; 32]>> = includes
        .into_par_iter()
        .map(|p| {
            let d = std::fs::read(&p).ok().map(|b| *blake3::hash(&b).as_bytes());
            (p, d)
        })
        .collect();

    stage("edges");
    let marked: Vec<NodeId> = (0..graph.nodes.len())
        .filter(|&i| graph.nodes[i].persist && graph.nodes[i].kind == Kind::Fn)
        .collect();
    let mut strings = Vec::new();
    let (comp_of, comps) = hash_components(ws, &graph, &deps, &include_digests, &mut strings);
    let mut functions: Vec<FunctionEntry> = marked
        .iter()
        .map(|&id| function_entry(ws, &graph, &comps, &comp_of, &strings, id))
        .collect();
    functions.sort_by(|a, b| (&a.function, &a.file, a.line).cmp(&(&b.function, &b.file, b.line)));

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
        // Rewrite only when something moved, so a warm run stays read-only.
        let dirty = old.files.len() != loaded.len()
            || loaded.iter().any(|(p, l)| {
                old.files.get(p).is_none_or(|c| {
                    c.size != l.size
                        || c.mtime_ns != l.mtime_ns
                        || l.mtime_ns + RACY_NS >= old.written_ns
                })
            });
        if dirty {
            let cache = Cache {
                version: CACHE_VERSION.to_owned(),
                written_ns: std::time::SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos()),
                files: loaded
                    .iter()
                    .filter_map(|(p, l)| {
                        let s = l.result.as_ref().ok()?;
                        Some((
                            p.clone(),
                            CachedFile {
                                size: l.size,
                                mtime_ns: l.mtime_ns,
                                digest: l.digest,
                                lines: l.lines,
                                summary: Arc::clone(s),
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
    })
}

/// What everything reachable from one strongly connected component of the
/// graph hashes to, and what it reaches outside the workspace.
struct Component {
    hash: [u8; 32],
    /// Interned `name@version`s, sorted.
    ext: Vec<u32>,
    /// Interned notes, sorted, at most [`MAX_NOTES`] + 1.
    notes: Vec<u32>,
}

const MAX_NOTES: usize = 32;

fn merge_sorted(into: &mut Vec<u32>, other: &[u32], cap: usize) {
    if other.is_empty() || into.len() > cap {
        return;
    }
    into.extend_from_slice(other);
    into.sort_unstable();
    into.dedup();
    into.truncate(cap + 1);
}

/// Strongly connected components in Tarjan's order: every component comes
/// after all the components it reaches. Iterative, so that long call chains
/// cannot overflow the stack.
fn components(deps: &[crate::graph::Deps]) -> (Vec<u32>, Vec<Vec<NodeId>>) {
    const NONE: u32 = u32::MAX;
    let n = deps.len();
    let mut index = vec![NONE; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut comp = vec![NONE; n];
    let mut comps: Vec<Vec<NodeId>> = Vec::new();
    let mut next = 0u32;
    for root in 0..n {
        if index[root] != NONE {
            continue;
        }
        let mut call: Vec<(NodeId, usize)> = vec![(root, 0)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&(v, ei)) = call.last() {
            let edges = &deps[v].nodes;
            if ei < edges.len() {
                if let Some(top) = call.last_mut() {
                    top.1 += 1;
                }
                let w = edges[ei];
                if index[w] == NONE {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    call.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                call.pop();
                if let Some(&(u, _)) = call.last() {
                    low[u] = low[u].min(low[v]);
                }
                if low[v] == index[v] {
                    let id = comps.len() as u32;
                    let mut members = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        comp[w] = id;
                        members.push(w);
                        if w == v {
                            break;
                        }
                    }
                    comps.push(members);
                }
            }
        }
    }
    (comp, comps)
}

/// Hashes every component over its members and the components it reaches
/// (a Merkle hash over the condensed graph): a change anywhere changes the
/// hash of exactly the components that can reach it, in one linear pass.
fn hash_components(
    ws: &Workspace,
    graph: &Graph,
    deps: &[crate::graph::Deps],
    includes: &BTreeMap<PathBuf, Option<[u8; 32]>>,
    strings: &mut Vec<String>,
) -> (Vec<u32>, Vec<Component>) {
    let (comp, comps) = components(deps);
    let mut interned: HashMap<String, u32> = HashMap::new();
    let mut intern = |s: String, strings: &mut Vec<String>| -> u32 {
        if let Some(&i) = interned.get(&s) {
            return i;
        }
        let i = strings.len() as u32;
        strings.push(s.clone());
        interned.insert(s, i);
        i
    };
    let mut out: Vec<Component> = Vec::with_capacity(comps.len());
    for (ci, members) in comps.iter().enumerate() {
        let mut items: Vec<(&str, &[u8; 32])> = members
            .iter()
            .map(|&n| (graph.nodes[n].key.as_str(), &graph.nodes[n].hash))
            .collect();
        items.sort();
        let mut ext: BTreeSet<&str> = BTreeSet::new();
        let mut files: BTreeSet<&PathBuf> = BTreeSet::new();
        let mut notes: Vec<u32> = Vec::new();
        let mut succ: Vec<u32> = Vec::new();
        for &m in members {
            let d = &deps[m];
            ext.extend(d.ext.iter().map(String::as_str));
            files.extend(d.files.iter());
            for note in &d.notes {
                if notes.len() <= MAX_NOTES {
                    notes.push(intern(format!("{}: {note}", graph.nodes[m].key), strings));
                }
            }
            succ.extend(
                d.nodes
                    .iter()
                    .map(|&w| comp[w])
                    .filter(|&c| c as usize != ci),
            );
        }
        succ.sort_unstable();
        succ.dedup();
        let mut h = blake3::Hasher::new();
        h.update(ANALYSIS_VERSION.as_bytes());
        for (key, hash) in &items {
            h.update(b"n");
            h.update(&(key.len() as u64).to_le_bytes());
            h.update(key.as_bytes());
            h.update(*hash);
        }
        for e in &ext {
            h.update(b"x");
            h.update(&(e.len() as u64).to_le_bytes());
            h.update(e.as_bytes());
        }
        for f in &files {
            let p = display_path(&ws.root, f);
            h.update(b"f");
            h.update(&(p.len() as u64).to_le_bytes());
            h.update(p.as_bytes());
            match includes.get(*f).copied().flatten() {
                Some(d) => h.update(&d),
                None => {
                    if notes.len() <= MAX_NOTES {
                        notes.push(intern(format!("included file {p} is missing"), strings));
                    }
                    h.update(b"missing")
                }
            };
        }
        // Successors' hashes, sorted: the order edges were found in is no
        // part of the code.
        let mut succ_hashes: Vec<&[u8; 32]> = succ.iter().map(|&c| &out[c as usize].hash).collect();
        succ_hashes.sort();
        for sh in succ_hashes {
            h.update(b"s");
            h.update(sh);
        }
        let mut ext_ids: Vec<u32> = ext
            .iter()
            .map(|e| intern((*e).to_owned(), strings))
            .collect();
        ext_ids.sort_unstable();
        notes.sort_unstable();
        notes.dedup();
        for &c in &succ {
            let (e, n) = (out[c as usize].ext.clone(), out[c as usize].notes.clone());
            merge_sorted(&mut ext_ids, &e, usize::MAX - 1);
            merge_sorted(&mut notes, &n, MAX_NOTES);
        }
        out.push(Component {
            hash: *h.finalize().as_bytes(),
            ext: ext_ids,
            notes,
        });
    }
    (comp, out)
}

fn function_entry(
    ws: &Workspace,
    graph: &Graph,
    comp: &[Component],
    comp_of: &[u32],
    strings: &[String],
    id: NodeId,
) -> FunctionEntry {
    let node = &graph.nodes[id];
    let c = &comp[comp_of[id] as usize];
    let mut h = blake3::Hasher::new();
    h.update(ANALYSIS_VERSION.as_bytes());
    h.update(b"function");
    h.update(node.key.as_bytes());
    h.update(&c.hash);
    let mut notes: Vec<String> = c
        .notes
        .iter()
        .map(|&i| strings[i as usize].clone())
        .collect();
    notes.sort();
    if notes.len() > MAX_NOTES {
        notes.truncate(MAX_NOTES);
        notes.push("... and more".to_owned());
    }
    let mut external: Vec<String> = c.ext.iter().map(|&i| strings[i as usize].clone()).collect();
    external.sort();
    FunctionEntry {
        function: graph.function_path(id),
        file: display_path(&ws.root, &node.file),
        line: node.line,
        attr_line: node.attr_line,
        name: node.name.clone(),
        package: graph.crate_of(id).package.clone(),
        code_hash: h.finalize().to_hex().to_string(),
        external,
        notes,
    }
}
