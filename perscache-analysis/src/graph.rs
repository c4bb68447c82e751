//! Name resolution over the parsed crates, the dependency edges of every
//! item, and the transitive hash of each `#[persist]` function.
//!
//! Resolution follows Rust's rules where syntax alone allows (modules, `use`
//! and aliases, `crate`/`self`/`super`/`Self`, extern crate names, globs) and
//! widens where it cannot be sure:
//!
//! - a method call whose receiver type is not written reaches every method
//!   and trait item of that name;
//! - a name that resolves nowhere reaches every item of that name, and when
//!   there is none, every item-level macro invocation of its crate (items a
//!   macro makes are invisible to syn);
//! - identifiers inside macro input syn cannot parse may name anything;
//! - a type reaches its trait impls (operators, `Display`, `From`, ...)
//!   whole, and a trait reaches all its impls.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::model::{CrateInfo, DepRef};
use crate::parse::{Detail, FileSummary, Item, Kind, PathRef, Recv, Refs, UseEntry};

pub(crate) type NodeId = usize;
type ModId = usize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Def {
    Node(NodeId),
    Mod(ModId),
}

/// What a path resolves to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Target {
    Def(Def),
    /// An external crate (`name@version`), and the last segment named in it.
    Ext(String, String),
    /// A standard-library or primitive type named without a path (`String`, `u32`).
    Prim(String),
    /// `Self` where it can be any type (trait default methods, blanket impls).
    Any,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum TypeKey {
    Node(NodeId),
    Ext(String),
}

#[derive(Debug)]
pub(crate) struct Node {
    pub key: String,
    pub name: String,
    pub kind: Kind,
    pub hash: [u8; 32],
    module: ModId,
    pub file: PathBuf,
    pub line: u32,
    pub persist: bool,
    pub attr_line: u32,
    refs: std::sync::Arc<Refs>,
    /// For impl items and headers: the impl.
    impl_id: Option<usize>,
    is_header: bool,
}

#[derive(Debug)]
struct Module {
    krate: usize,
    path: Vec<String>,
    parent: Option<ModId>,
    defs: HashMap<String, Vec<Def>>,
    imports: HashMap<String, Vec<PathRef>>,
    globs: Vec<PathRef>,
}

#[derive(Debug)]
struct Impl {
    header: NodeId,
    items: Vec<NodeId>,
    module: ModId,
    self_ty: Option<PathRef>,
    trait_: Option<PathRef>,
    blanket: bool,
    self_key: Option<TypeKey>,
    self_targets: Vec<Target>,
    trait_node: Option<NodeId>,
}

#[derive(Debug)]
struct CrateG {
    info: CrateInfo,
    root: ModId,
}

/// The edges of one node.
#[derive(Debug, Default)]
pub(crate) struct Deps {
    pub nodes: Vec<NodeId>,
    pub ext: Vec<String>,
    pub files: Vec<PathBuf>,
    pub notes: Vec<String>,
}

/// All crates, resolved.
#[derive(Debug, Default)]
pub(crate) struct Graph {
    crates: Vec<CrateG>,
    modules: Vec<Module>,
    pub nodes: Vec<Node>,
    impls: Vec<Impl>,
    lib_by_name: HashMap<String, usize>,
    impls_by_type: HashMap<TypeKey, Vec<usize>>,
    impls_by_trait: HashMap<NodeId, Vec<usize>>,
    blanket_items: HashMap<String, Vec<NodeId>>,
    /// Impl items and traits (for their default items) by item name.
    assoc_by_name: HashMap<String, Vec<NodeId>>,
    traits_by_item: HashMap<String, Vec<NodeId>>,
    /// Free items (not in impls) by name.
    free_by_name: HashMap<String, Vec<NodeId>>,
    macros_by_name: HashMap<(usize, String), Vec<NodeId>>,
    exported_macros: HashMap<(usize, String), Vec<NodeId>>,
    macro_calls: Vec<Vec<NodeId>>,
    deref_types: HashSet<TypeKey>,
    /// `visible[a][b]`: crate `a` can name items of crate `b` (itself and its
    /// local dependencies, transitively). Name-based widening stays inside.
    visible: Vec<Vec<bool>>,
    /// Every node of each crate (for proc-macro crates, whose output is invisible).
    crate_nodes: Vec<Vec<NodeId>>,
    /// Variant names of enums, for `use Enum::*`.
    enum_variants: HashMap<NodeId, Vec<String>>,
    /// Module files that were declared but not found (cfg'd out, usually).
    pub missing: Vec<String>,
    /// Every source file a module tree reached.
    pub used_files: BTreeSet<PathBuf>,
}

/// Source files, parsed on demand.
pub(crate) trait Files {
    fn get(&mut self, path: &Path) -> Option<std::sync::Arc<FileSummary>>;
}

const MAX_DEPTH: usize = 24;

/// Module lookups already answered, shared by the items one thread
/// resolves: the same names are looked up in the same modules over and over.
#[derive(Default)]
pub(crate) struct Memo {
    /// `(module, name)` → targets, and the notes the lookup made.
    done: HashMap<(ModId, String), (Vec<Target>, Vec<String>)>,
    in_progress: HashSet<(ModId, String)>,
    cycles: usize,
}

/// The state of resolving the names of one item: notes for the manifest,
/// and the thread's memo.
struct Walk<'m> {
    notes: Vec<String>,
    memo: &'m mut Memo,
}

fn is_mod_rs(file: &Path) -> bool {
    matches!(
        file.file_name().and_then(|n| n.to_str()),
        Some("mod.rs" | "lib.rs" | "main.rs")
    )
}

impl Graph {
    pub(crate) fn build(crates: &[CrateInfo], files: &mut dyn Files) -> Graph {
        let mut g = Graph::default();
        for (ci, c) in crates.iter().enumerate() {
            let root = g.modules.len();
            g.modules.push(Module {
                krate: ci,
                path: vec![c.name.clone()],
                parent: None,
                defs: HashMap::new(),
                imports: HashMap::new(),
                globs: Vec::new(),
            });
            g.crates.push(CrateG {
                info: c.clone(),
                root,
            });
            g.macro_calls.push(Vec::new());
            if c.kind == "lib" {
                g.lib_by_name.entry(c.name.clone()).or_insert(ci);
            }
            match files.get(&c.root) {
                Some(summary) => {
                    g.used_files.insert(c.root.clone());
                    // Every crate root is a "mod-rs" file: children sit beside it.
                    let dir = c.root.parent().map(Path::to_path_buf).unwrap_or_default();
                    g.add_items(root, &summary.items, &c.root, &dir, files, 0);
                }
                None => g.missing.push(c.root.display().to_string()),
            }
        }
        g.index();
        g.visibility();
        g
    }

    fn visibility(&mut self) {
        let n = self.crates.len();
        let mut visible = vec![vec![false; n]; n];
        for (a, row) in visible.iter_mut().enumerate() {
            let mut stack = vec![a];
            while let Some(c) = stack.pop() {
                if row[c] {
                    continue;
                }
                row[c] = true;
                for dep in self.crates[c].info.deps.values() {
                    if let DepRef::Local(lib) = dep {
                        if let Some(&d) = self.lib_by_name.get(lib) {
                            stack.push(d);
                        }
                    }
                }
            }
        }
        self.visible = visible;
    }

    /// Adds the nodes of `ids` that crate `krate` can name.
    fn extend_visible<'a>(
        &self,
        krate: usize,
        out: &mut Deps,
        ids: impl IntoIterator<Item = &'a NodeId>,
    ) {
        let row = &self.visible[krate];
        out.nodes.extend(
            ids.into_iter()
                .filter(|&&x| row[self.modules[self.nodes[x].module].krate]),
        );
    }

    fn add_items(
        &mut self,
        m: ModId,
        items: &[Item],
        file: &Path,
        dir: &Path,
        files: &mut dyn Files,
        depth: usize,
    ) {
        let prefix = self.modules[m].path.join("::");
        for it in items {
            match &it.detail {
                Detail::Mod { inline, path_attr } => {
                    let child = self.modules.len();
                    let mut path = self.modules[m].path.clone();
                    path.push(it.name.clone());
                    self.modules.push(Module {
                        krate: self.modules[m].krate,
                        path,
                        parent: Some(m),
                        defs: HashMap::new(),
                        imports: HashMap::new(),
                        globs: Vec::new(),
                    });
                    self.modules[m]
                        .defs
                        .entry(it.name.clone())
                        .or_default()
                        .push(Def::Mod(child));
                    if depth > 64 {
                        continue;
                    }
                    match inline {
                        Some(inner) => {
                            let sub = dir.join(path_attr.as_deref().unwrap_or(&it.name));
                            self.add_items(child, inner, file, &sub, files, depth + 1);
                        }
                        None => {
                            let candidates = match path_attr {
                                Some(p) => vec![file.parent().unwrap_or(dir).join(p)],
                                None => vec![
                                    dir.join(format!("{}.rs", it.name)),
                                    dir.join(&it.name).join("mod.rs"),
                                ],
                            };
                            let found = candidates
                                .into_iter()
                                .find_map(|p| files.get(&p).map(|s| (p, s)));
                            match found {
                                Some((p, summary)) => {
                                    self.used_files.insert(p.clone());
                                    let sub = if path_attr.is_some() || is_mod_rs(&p) {
                                        p.parent().map(Path::to_path_buf).unwrap_or_default()
                                    } else {
                                        dir.join(&it.name)
                                    };
                                    self.add_items(
                                        child,
                                        &summary.items,
                                        &p,
                                        &sub,
                                        files,
                                        depth + 1,
                                    );
                                }
                                None => self.missing.push(format!(
                                    "{prefix}::{} (declared in {})",
                                    it.name,
                                    file.display()
                                )),
                            }
                        }
                    }
                }
                Detail::Use(entries) => {
                    for e in entries {
                        if e.alias == "*" {
                            self.modules[m].globs.push(e.path.clone());
                        } else if e.alias != "_" {
                            self.modules[m]
                                .imports
                                .entry(e.alias.clone())
                                .or_default()
                                .push(e.path.clone());
                        }
                    }
                }
                Detail::ExternCrate { krate } => {
                    self.modules[m]
                        .imports
                        .entry(it.name.clone())
                        .or_default()
                        .push(PathRef {
                            segs: vec![krate.clone()],
                            global: true,
                        });
                }
                Detail::Impl {
                    self_ty,
                    trait_,
                    blanket,
                    items,
                } => {
                    let impl_id = self.impls.len();
                    let ty = self_ty
                        .as_ref()
                        .map(|p| p.segs.join("::"))
                        .unwrap_or_else(|| "_".into());
                    let ikey = match trait_ {
                        Some(t) => format!("{prefix}::<impl {} for {ty}>", t.segs.join("::")),
                        None => format!("{prefix}::<impl {ty}>"),
                    };
                    let header = self.push_node(it, ikey.clone(), m, file, Some(impl_id), true);
                    let mut ids = Vec::new();
                    for ii in items {
                        let id = self.push_node(
                            ii,
                            format!("{ikey}::{}", ii.name),
                            m,
                            file,
                            Some(impl_id),
                            false,
                        );
                        ids.push(id);
                    }
                    self.impls.push(Impl {
                        header,
                        items: ids,
                        module: m,
                        self_ty: self_ty.clone(),
                        trait_: trait_.clone(),
                        blanket: *blanket,
                        self_key: None,
                        self_targets: Vec::new(),
                        trait_node: None,
                    });
                }
                Detail::None | Detail::Trait(_) | Detail::Enum(_) | Detail::Declares(_) => {
                    let key = match it.kind {
                        Kind::MacroCall => format!("{prefix}::{}!", it.name),
                        _ => format!("{prefix}::{}", it.name),
                    };
                    let id = self.push_node(it, key, m, file, None, false);
                    let krate = self.modules[m].krate;
                    match it.kind {
                        Kind::Macro => {
                            self.macros_by_name
                                .entry((krate, it.name.clone()))
                                .or_default()
                                .push(id);
                            if it.macro_export {
                                self.exported_macros
                                    .entry((krate, it.name.clone()))
                                    .or_default()
                                    .push(id);
                            }
                        }
                        Kind::MacroCall => self.macro_calls[krate].push(id),
                        Kind::Other => {}
                        _ => self.modules[m]
                            .defs
                            .entry(it.name.clone())
                            .or_default()
                            .push(Def::Node(id)),
                    }
                    if let Detail::Declares(names) = &it.detail {
                        for n in names {
                            self.modules[m]
                                .defs
                                .entry(n.clone())
                                .or_default()
                                .push(Def::Node(id));
                            self.free_by_name.entry(n.clone()).or_default().push(id);
                        }
                    }
                    if let Detail::Enum(variants) = &it.detail {
                        self.enum_variants.insert(id, variants.clone());
                    }
                    if let Detail::Trait(names) = &it.detail {
                        for n in names {
                            self.traits_by_item.entry(n.clone()).or_default().push(id);
                            self.assoc_by_name.entry(n.clone()).or_default().push(id);
                        }
                    }
                    if !it.name.is_empty() && it.kind != Kind::MacroCall {
                        self.free_by_name
                            .entry(it.name.clone())
                            .or_default()
                            .push(id);
                    }
                }
            }
        }
    }

    fn push_node(
        &mut self,
        it: &Item,
        key: String,
        m: ModId,
        file: &Path,
        impl_id: Option<usize>,
        is_header: bool,
    ) -> NodeId {
        let id = self.nodes.len();
        let krate = self.modules[m].krate;
        if self.crate_nodes.len() <= krate {
            self.crate_nodes.resize(krate + 1, Vec::new());
        }
        self.crate_nodes[krate].push(id);
        self.nodes.push(Node {
            key,
            name: it.name.clone(),
            kind: it.kind,
            hash: it.hash,
            module: m,
            file: file.to_path_buf(),
            line: it.line,
            persist: it.persist,
            attr_line: it.attr_line,
            refs: std::sync::Arc::clone(&it.refs),
            impl_id,
            is_header,
        });
        id
    }

    /// Resolves impls' self types and traits, and builds the lookup tables.
    fn index(&mut self) {
        for i in 0..self.impls.len() {
            let (m, self_ty, trait_, blanket) = {
                let im = &self.impls[i];
                (im.module, im.self_ty.clone(), im.trait_.clone(), im.blanket)
            };
            let mut memo = Memo::default();
            let mut notes = Walk {
                notes: Vec::new(),
                memo: &mut memo,
            };
            if !blanket {
                if let Some(p) = &self_ty {
                    let targets = self.resolve_full(m, p, &[], None, &mut notes);
                    let key = targets
                        .iter()
                        .find_map(|t| match t {
                            Target::Def(Def::Node(n)) if self.nodes[*n].kind == Kind::Type => {
                                Some(TypeKey::Node(*n))
                            }
                            _ => None,
                        })
                        .or_else(|| p.segs.last().map(|s| TypeKey::Ext(s.clone())));
                    self.impls[i].self_targets = targets;
                    self.impls[i].self_key = key;
                }
            }
            if let Some(t) = &trait_ {
                let targets = self.resolve_full(m, t, &[], None, &mut notes);
                self.impls[i].trait_node = targets.iter().find_map(|t| match t {
                    Target::Def(Def::Node(n)) if self.nodes[*n].kind == Kind::Trait => Some(*n),
                    _ => None,
                });
            }
            let im = &self.impls[i];
            if let Some(k) = &im.self_key {
                self.impls_by_type.entry(k.clone()).or_default().push(i);
                if trait_
                    .as_ref()
                    .and_then(|t| t.segs.last())
                    .is_some_and(|s| s == "Deref" || s == "DerefMut")
                {
                    self.deref_types.insert(k.clone());
                }
            }
            if let Some(t) = im.trait_node {
                self.impls_by_trait.entry(t).or_default().push(i);
            }
            let items = im.items.clone();
            for id in items {
                let name = self.nodes[id].name.clone();
                if name.is_empty() {
                    continue;
                }
                self.assoc_by_name.entry(name.clone()).or_default().push(id);
                if blanket || self_ty.is_none() {
                    self.blanket_items.entry(name).or_default().push(id);
                }
            }
        }
    }

    // ----- resolution -------------------------------------------------------

    fn extern_name(&self, krate: usize, name: &str) -> Vec<Target> {
        match self.crates[krate].info.deps.get(name) {
            Some(DepRef::Local(lib)) => match self.lib_by_name.get(lib) {
                Some(&c) => vec![Target::Def(Def::Mod(self.crates[c].root))],
                None => Vec::new(),
            },
            Some(DepRef::External(v)) => vec![Target::Ext(v.clone(), name.to_owned())],
            // The standard library: its version is the toolchain's, not Cargo.lock's.
            None if matches!(name, "std" | "core" | "alloc" | "proc_macro" | "test") => {
                vec![Target::Ext(String::new(), name.to_owned())]
            }
            None if self.crates[krate].info.name == name
                && self.crates[krate].info.kind == "lib" =>
            {
                vec![Target::Def(Def::Mod(self.crates[krate].root))]
            }
            None => Vec::new(),
        }
    }

    /// `name` in module `m`: its items, imports and globs. Results are
    /// memoized for the walk; a lookup already under way (glob and import
    /// cycles: `pub use child::*` in a parent, `use super::*` in the child)
    /// answers nothing, and what was computed under such a cycle is not
    /// memoized, since it may be incomplete.
    fn lookup_in_module(
        &self,
        m: ModId,
        name: &str,
        depth: usize,
        w: &mut Walk<'_>,
    ) -> Vec<Target> {
        let key = (m, name.to_owned());
        if let Some((r, notes)) = w.memo.done.get(&key) {
            w.notes.extend(notes.iter().cloned());
            return r.clone();
        }
        if !w.memo.in_progress.insert(key.clone()) {
            w.memo.cycles += 1;
            return Vec::new();
        }
        let (before, notes_before) = (w.memo.cycles, w.notes.len());
        let r = self.lookup_in_module_uncached(m, name, depth, w);
        w.memo.in_progress.remove(&key);
        if w.memo.cycles == before {
            let notes = w.notes[notes_before..].to_vec();
            w.memo.done.insert(key, (r.clone(), notes));
        }
        r
    }

    fn lookup_in_module_uncached(
        &self,
        m: ModId,
        name: &str,
        depth: usize,
        w: &mut Walk<'_>,
    ) -> Vec<Target> {
        if depth > MAX_DEPTH {
            w.notes
                .push(format!("`{name}`: import chain too deep to follow"));
            // A truncated answer must not be memoized as complete.
            w.memo.cycles += 1;
            return Vec::new();
        }
        let module = &self.modules[m];
        let mut out: Vec<Target> = module
            .defs
            .get(name)
            .map(|ds| ds.iter().map(|d| Target::Def(*d)).collect())
            .unwrap_or_default();
        if let Some(paths) = module.imports.get(name) {
            for p in paths {
                out.extend(self.resolve_in(m, p, &[], None, depth + 1, w));
            }
        }
        if out.is_empty() {
            for g in &module.globs {
                for t in self.resolve_in(m, g, &[], None, depth + 1, w) {
                    match t {
                        Target::Def(Def::Mod(gm)) => {
                            out.extend(self.lookup_in_module(gm, name, depth + 1, w))
                        }
                        Target::Def(Def::Node(n))
                            if self
                                .enum_variants
                                .get(&n)
                                .is_some_and(|v| v.iter().any(|v| v == name)) =>
                        {
                            // `use Enum::*`: the variant is in the enum's own tokens.
                            out.push(Target::Def(Def::Node(n)));
                        }
                        // An extern crate's name is that crate, not a glob's item.
                        Target::Ext(..)
                            if matches!(name, "std" | "core" | "alloc")
                                || self.crates[module.krate].info.deps.contains_key(name) => {}
                        Target::Ext(c, _) if is_prelude(name) => {
                            // Most likely the prelude's; the crate's version counts anyway.
                            out.push(Target::Ext(c, name.to_owned()));
                        }
                        Target::Ext(c, _) => {
                            w.notes.push(format!(
                                "`{name}` may come from glob import `use {}::*` of external crate {c}",
                                g.segs.join("::")
                            ));
                            out.push(Target::Ext(c, name.to_owned()));
                        }
                        _ => {}
                    }
                }
            }
        }
        out
    }

    /// The first segment of a path, in module `m` with block-level `use`s `extra`.
    fn lookup_first(
        &self,
        m: ModId,
        name: &str,
        extra: &[UseEntry],
        depth: usize,
        w: &mut Walk<'_>,
    ) -> Vec<Target> {
        let mut out = Vec::new();
        for e in extra.iter().filter(|e| e.alias == name) {
            out.extend(self.resolve_in(m, &e.path, &[], None, depth + 1, w));
        }
        if !out.is_empty() {
            return out;
        }
        out = self.lookup_in_module(m, name, depth, w);
        if out.is_empty() {
            out = self.extern_name(self.modules[m].krate, name);
        }
        if out.is_empty() {
            for e in extra.iter().filter(|e| e.alias == "*") {
                for t in self.resolve_in(m, &e.path, &[], None, depth + 1, w) {
                    if let Target::Def(Def::Mod(gm)) = t {
                        out.extend(self.lookup_in_module(gm, name, depth + 1, w));
                    }
                }
            }
        }
        out
    }

    /// Resolves the module part of `p`; returns the targets reached and how
    /// many segments remain (associated items of a type or trait).
    fn resolve_prefix(
        &self,
        m: ModId,
        p: &PathRef,
        extra: &[UseEntry],
        self_ctx: Option<&[Target]>,
        depth: usize,
        w: &mut Walk<'_>,
    ) -> (Vec<Target>, usize) {
        let segs = &p.segs;
        let Some(first) = segs.first() else {
            return (Vec::new(), 0);
        };
        let krate = self.modules[m].krate;
        let (mut cur, mut i): (Vec<Target>, usize) = if p.global {
            (self.extern_name(krate, first), 1)
        } else {
            match first.as_str() {
                "crate" | "$crate" => (vec![Target::Def(Def::Mod(self.crates[krate].root))], 1),
                "self" if segs.len() > 1 => (vec![Target::Def(Def::Mod(m))], 1),
                "self" => (Vec::new(), 1),
                "super" => {
                    let mut mm = m;
                    let mut i = 0;
                    while segs.get(i).is_some_and(|s| s == "super") {
                        mm = self.modules[mm].parent.unwrap_or(mm);
                        i += 1;
                    }
                    (vec![Target::Def(Def::Mod(mm))], i)
                }
                "Self" => (
                    self_ctx
                        .map(<[Target]>::to_vec)
                        .unwrap_or_else(|| vec![Target::Any]),
                    1,
                ),
                _ => (self.lookup_first(m, first, extra, depth, w), 1),
            }
        };
        while i < segs.len() && cur.iter().any(|t| matches!(t, Target::Def(Def::Mod(_)))) {
            let mut next = Vec::new();
            for t in &cur {
                if let Target::Def(Def::Mod(mm)) = t {
                    next.extend(self.lookup_in_module(*mm, &segs[i], depth + 1, w));
                }
            }
            cur = next;
            i += 1;
        }
        if let Some(Target::Ext(c, _)) = cur.first() {
            // Inside an external crate: only its version matters.
            let c = c.clone();
            return (
                vec![Target::Ext(c, segs.last().cloned().unwrap_or_default())],
                segs.len(),
            );
        }
        (cur, i)
    }

    /// Resolves a `use` path or a type path fully (associated items dropped).
    fn resolve_in(
        &self,
        m: ModId,
        p: &PathRef,
        extra: &[UseEntry],
        self_ctx: Option<&[Target]>,
        depth: usize,
        w: &mut Walk<'_>,
    ) -> Vec<Target> {
        if depth > MAX_DEPTH {
            w.memo.cycles += 1;
            return Vec::new();
        }
        self.resolve_prefix(m, p, extra, self_ctx, depth, w).0
    }

    fn resolve_full(
        &self,
        m: ModId,
        p: &PathRef,
        extra: &[UseEntry],
        self_ctx: Option<&[Target]>,
        w: &mut Walk<'_>,
    ) -> Vec<Target> {
        let (t, rest) = self.resolve_prefix(m, p, extra, self_ctx, 0, w);
        if rest < p.segs.len() {
            Vec::new()
        } else {
            t
        }
    }

    // ----- edges ------------------------------------------------------------

    fn dep_on(&self, t: &Target, out: &mut Deps) {
        match t {
            Target::Def(Def::Node(n)) => {
                out.nodes.push(*n);
                match self.nodes[*n].kind {
                    Kind::Type => {
                        for &i in self
                            .impls_by_type
                            .get(&TypeKey::Node(*n))
                            .into_iter()
                            .flatten()
                        {
                            let im = &self.impls[i];
                            out.nodes.push(im.header);
                            if im.trait_.is_some() {
                                out.nodes.extend(&im.items);
                            }
                        }
                    }
                    Kind::Trait => {
                        for &i in self.impls_by_trait.get(n).into_iter().flatten() {
                            out.nodes.push(self.impls[i].header);
                            out.nodes.extend(&self.impls[i].items);
                        }
                    }
                    _ => {}
                }
            }
            Target::Ext(c, _) => out.ext.push(c.clone()),
            Target::Def(Def::Mod(_)) | Target::Prim(_) | Target::Any => {}
        }
    }

    fn assoc_of_key(&self, key: &TypeKey, name: &str, out: &mut Deps) {
        if self.deref_types.contains(key) {
            // Method lookup may go through `Deref` to a type we do not track.
            self.assoc_any(name, out);
            return;
        }
        for &i in self.impls_by_type.get(key).into_iter().flatten() {
            let im = &self.impls[i];
            for &it in &im.items {
                if self.nodes[it].name == name {
                    out.nodes.push(it);
                    out.nodes.push(im.header);
                }
            }
        }
        out.nodes
            .extend(self.blanket_items.get(name).into_iter().flatten());
        out.nodes
            .extend(self.traits_by_item.get(name).into_iter().flatten());
    }

    fn assoc_any(&self, name: &str, out: &mut Deps) {
        out.nodes
            .extend(self.assoc_by_name.get(name).into_iter().flatten());
    }

    /// `target::name` or `x.name()` with `x: target`.
    fn assoc(&self, t: &Target, name: &str, out: &mut Deps) {
        match t {
            Target::Def(Def::Node(n)) => match self.nodes[*n].kind {
                Kind::Type => {
                    self.dep_on(t, out);
                    self.assoc_of_key(&TypeKey::Node(*n), name, out);
                }
                Kind::Trait => {
                    out.nodes.push(*n);
                    for &i in self.impls_by_trait.get(n).into_iter().flatten() {
                        let im = &self.impls[i];
                        for &it in &im.items {
                            if self.nodes[it].name == name {
                                out.nodes.push(it);
                                out.nodes.push(im.header);
                            }
                        }
                    }
                    out.nodes
                        .extend(self.blanket_items.get(name).into_iter().flatten());
                }
                _ => self.dep_on(t, out),
            },
            Target::Prim(p) => self.assoc_of_key(&TypeKey::Ext(p.clone()), name, out),
            Target::Ext(c, last) => {
                out.ext.push(c.clone());
                self.assoc_of_key(&TypeKey::Ext(last.clone()), name, out);
            }
            Target::Any => self.assoc_any(name, out),
            Target::Def(Def::Mod(_)) => {}
        }
    }

    fn self_ctx(&self, n: &Node) -> Option<Vec<Target>> {
        let im = &self.impls[n.impl_id?];
        if im.blanket || im.self_targets.is_empty() {
            return Some(match (&im.self_key, im.blanket) {
                (Some(TypeKey::Ext(name)), false) => vec![Target::Prim(name.clone())],
                _ => vec![Target::Any],
            });
        }
        Some(im.self_targets.clone())
    }

    /// Every edge of node `id`.
    pub(crate) fn deps(&self, id: NodeId, memo: &mut Memo) -> Deps {
        let n = &self.nodes[id];
        let mut out = Deps::default();
        let m = n.module;
        let krate = self.modules[m].krate;
        let extra = &n.refs.uses;
        let mut notes = Walk {
            notes: n.refs.notes.clone(),
            memo,
        };
        let self_ctx = match n.impl_id {
            Some(_) => self.self_ctx(n),
            // `Self` in a trait is any implementor.
            None if n.kind == Kind::Trait => Some(vec![Target::Def(Def::Node(id))]),
            None => None,
        };
        let self_ctx = self_ctx.as_deref();

        if let Some(i) = n.impl_id {
            let im = &self.impls[i];
            if n.is_header {
                // The trait's definition (its default methods), not all its impls.
                if let Some(t) = im.trait_node {
                    out.nodes.push(t);
                }
                if let Some(t) = &im.trait_ {
                    for target in self.resolve_full(im.module, t, &[], None, &mut notes) {
                        if let Target::Ext(c, _) = target {
                            out.ext.push(c);
                        }
                    }
                }
            } else {
                out.nodes.push(im.header);
            }
        }

        for p in &n.refs.paths {
            let (targets, rest) = self.resolve_prefix(m, p, extra, self_ctx, 0, &mut notes);
            if !targets.is_empty() {
                for t in &targets {
                    if rest < p.segs.len() {
                        self.assoc(t, &p.segs[rest], &mut out);
                    } else {
                        self.dep_on(t, &mut out);
                    }
                }
                continue;
            }
            let first = &p.segs[0];
            if p.segs.len() == 1 && (is_prelude(first) || first == "self") {
                continue;
            }
            if p.segs.len() > 1 && !p.global && is_prelude(first) {
                self.assoc(&Target::Prim(first.clone()), &p.segs[1], &mut out);
                continue;
            }
            if p.global || first == "std" || first == "core" || first == "alloc" {
                continue;
            }
            let last = p.segs.last().cloned().unwrap_or_default();
            self.widen_by_name(
                krate,
                &last,
                &p.segs.join("::"),
                p.segs.len() > 1,
                &mut out,
                &mut notes.notes,
            );
        }

        for (name, recv) in &n.refs.methods {
            match recv {
                Recv::Unknown => self.assoc_any(name, &mut out),
                Recv::SelfTy => match self_ctx {
                    Some(ts) => {
                        for t in ts {
                            self.assoc(t, name, &mut out);
                        }
                    }
                    None => self.assoc_any(name, &mut out),
                },
                Recv::Ty(p) => {
                    let targets = self.resolve_full(m, p, extra, self_ctx, &mut notes);
                    let targets = if targets.is_empty() {
                        match p.segs.as_slice() {
                            [one] if is_prelude(one) => vec![Target::Prim(one.clone())],
                            _ => vec![Target::Any],
                        }
                    } else {
                        targets
                    };
                    for t in &targets {
                        match t {
                            Target::Def(Def::Node(x))
                                if !matches!(self.nodes[*x].kind, Kind::Type | Kind::Trait) =>
                            {
                                self.assoc_any(name, &mut out)
                            }
                            // A type from outside the workspace (`Box`, `Arc`,
                            // `MutexGuard`, `String`...) may deref to anything:
                            // the method may be any type's.
                            Target::Prim(_) | Target::Ext(..) => {
                                self.dep_on(t, &mut out);
                                self.assoc_any(name, &mut out)
                            }
                            _ => self.assoc(t, name, &mut out),
                        }
                    }
                }
            }
        }

        for p in &n.refs.macros {
            let last = p.segs.last().cloned().unwrap_or_default();
            let mut found = false;
            if p.segs.len() == 1 {
                // `macro_rules!` scoping is textual; any macro of that name
                // in the crate, or exported by a local dependency, may be it.
                if let Some(ids) = self.macros_by_name.get(&(krate, last.clone())) {
                    out.nodes.extend(ids);
                    found = true;
                }
                for dep in self.crates[krate].info.deps.values() {
                    if let DepRef::Local(lib) = dep {
                        if let Some(&c) = self.lib_by_name.get(lib) {
                            if let Some(ids) = self.exported_macros.get(&(c, last.clone())) {
                                out.nodes.extend(ids);
                                found = true;
                            }
                        }
                    }
                }
            }
            let (targets, _) = self.resolve_prefix(m, p, extra, self_ctx, 0, &mut notes);
            for t in &targets {
                match t {
                    Target::Def(Def::Mod(root)) => {
                        let c = self.modules[*root].krate;
                        if let Some(ids) = self.exported_macros.get(&(c, last.clone())) {
                            out.nodes.extend(ids);
                            found = true;
                        }
                    }
                    Target::Ext(c, _) => {
                        out.ext.push(c.clone());
                        found = true;
                    }
                    _ => {}
                }
            }
            if p.segs.len() > 1 && !found {
                if let Some(Target::Def(Def::Mod(root))) = self
                    .resolve_prefix(
                        m,
                        &PathRef {
                            segs: vec![p.segs[0].clone()],
                            global: p.global,
                        },
                        extra,
                        None,
                        0,
                        &mut notes,
                    )
                    .0
                    .first()
                {
                    let c = self.modules[*root].krate;
                    if let Some(ids) = self.exported_macros.get(&(c, last.clone())) {
                        out.nodes.extend(ids);
                        found = true;
                    }
                }
            }
            // A macro resolved into a workspace proc-macro crate, or not
            // found while the crate uses workspace proc-macro crates: the
            // code it generates is invisible, so all of those crates count.
            let into_proc_macro = targets.iter().any(|t| match t {
                Target::Def(Def::Node(x)) => self.crate_of(*x).proc_macro,
                Target::Def(Def::Mod(x)) => self.crates[self.modules[*x].krate].info.proc_macro,
                _ => false,
            });
            if into_proc_macro || (!found && !is_std_macro(&last) && !is_prelude(&last)) {
                let mut widened = false;
                for dep in self.crates[krate].info.deps.values() {
                    if let DepRef::Local(lib) = dep {
                        if let Some(&c) = self.lib_by_name.get(lib) {
                            if self.crates[c].info.proc_macro {
                                out.nodes
                                    .extend(self.crate_nodes.get(c).into_iter().flatten());
                                widened = true;
                            }
                        }
                    }
                }
                if widened {
                    notes.notes.push(format!(
                        "macro `{}` may come from a workspace proc-macro crate: all of its code counts",
                        p.segs.join("::")
                    ));
                } else if !found && !is_std_macro(&last) && !is_prelude(&last) {
                    notes.notes.push(format!(
                        "macro or attribute `{}` not found in the workspace: its expansion is not analysed",
                        p.segs.join("::")
                    ));
                }
            }
        }

        for name in &n.refs.loose {
            let targets = self.lookup_first(m, name, extra, 0, &mut notes);
            if targets.is_empty() {
                self.extend_visible(
                    krate,
                    &mut out,
                    self.free_by_name.get(name).into_iter().flatten(),
                );
                self.extend_visible(
                    krate,
                    &mut out,
                    self.assoc_by_name.get(name).into_iter().flatten(),
                );
            } else {
                for t in &targets {
                    self.dep_on(t, &mut out);
                }
            }
        }

        let dir = n.file.parent().map(Path::to_path_buf).unwrap_or_default();
        for inc in &n.refs.includes {
            let package = &self.crates[krate].info.package_dir;
            out.files.push(match inc.as_str() {
                crate::parse::BUILD_SCRIPT => package.join("build.rs"),
                crate::parse::PACKAGE_MANIFEST => package.join("Cargo.toml"),
                _ => dir.join(inc),
            });
        }

        out.notes = notes.notes;
        out.ext.retain(|e| !e.is_empty());
        out.ext.retain(|e| !e.is_empty());
        out.nodes.retain(|&x| x != id);
        out.nodes.sort_unstable();
        out.nodes.dedup();
        out.ext.sort();
        out.ext.dedup();
        out
    }

    fn widen_by_name(
        &self,
        krate: usize,
        name: &str,
        written: &str,
        qualified: bool,
        out: &mut Deps,
        notes: &mut Vec<String>,
    ) {
        let before = out.nodes.len();
        self.extend_visible(
            krate,
            out,
            self.free_by_name.get(name).into_iter().flatten(),
        );
        if qualified {
            self.extend_visible(
                krate,
                out,
                self.assoc_by_name.get(name).into_iter().flatten(),
            );
        }
        if out.nodes.len() > before {
            notes.push(format!(
                "`{written}` is not resolved: every item named `{name}` counts"
            ));
        } else if !self.macro_calls[krate].is_empty() {
            out.nodes.extend(&self.macro_calls[krate]);
            notes.push(format!(
                "`{written}` is not defined where syn can see: every item-level macro invocation of the crate counts"
            ));
        }
    }

    /// The crate name and module path of a node, plus the function identity
    /// the runtime uses for a marked function.
    pub(crate) fn function_path(&self, id: NodeId) -> String {
        let n = &self.nodes[id];
        let module = self.modules[n.module].path.join("::");
        match n.impl_id {
            None => format!("{module}::{}", n.name),
            Some(i) => {
                let im = &self.impls[i];
                // `type_name::<Self>()` names the type where it is defined.
                let ty = match &im.self_key {
                    Some(TypeKey::Node(t)) => {
                        let tn = &self.nodes[*t];
                        format!("{}::{}", self.modules[tn.module].path.join("::"), tn.name)
                    }
                    _ => format!(
                        "{module}::{}",
                        im.self_ty
                            .as_ref()
                            .and_then(|p| p.segs.last())
                            .cloned()
                            .unwrap_or_default()
                    ),
                };
                format!("{ty}::{}", n.name)
            }
        }
    }

    /// The crate of a node.
    pub(crate) fn crate_of(&self, id: NodeId) -> &CrateInfo {
        &self.crates[self.modules[self.nodes[id].module].krate].info
    }
}

fn is_prelude(name: &str) -> bool {
    matches!(
        name,
        "Option"
            | "Some"
            | "None"
            | "Result"
            | "Ok"
            | "Err"
            | "Vec"
            | "String"
            | "Box"
            | "ToString"
            | "ToOwned"
            | "Clone"
            | "Copy"
            | "Default"
            | "Debug"
            | "Iterator"
            | "IntoIterator"
            | "Extend"
            | "FromIterator"
            | "From"
            | "Into"
            | "TryFrom"
            | "TryInto"
            | "AsRef"
            | "AsMut"
            | "Drop"
            | "Fn"
            | "FnMut"
            | "FnOnce"
            | "PartialEq"
            | "Eq"
            | "PartialOrd"
            | "Ord"
            | "Hash"
            | "Send"
            | "Sync"
            | "Sized"
            | "Unpin"
            | "DoubleEndedIterator"
            | "ExactSizeIterator"
            | "drop"
            | "bool"
            | "char"
            | "str"
            | "u8"
            | "u16"
            | "u32"
            | "u64"
            | "u128"
            | "usize"
            | "i8"
            | "i16"
            | "i32"
            | "i64"
            | "i128"
            | "isize"
            | "f32"
            | "f64"
            | "derive"
            | "test"
            | "cfg"
            | "inline"
            | "allow"
            | "deny"
            | "warn"
    )
}

fn is_std_macro(name: &str) -> bool {
    matches!(
        name,
        "println"
            | "print"
            | "eprintln"
            | "eprint"
            | "format"
            | "write"
            | "writeln"
            | "panic"
            | "assert"
            | "assert_eq"
            | "assert_ne"
            | "debug_assert"
            | "debug_assert_eq"
            | "debug_assert_ne"
            | "vec"
            | "dbg"
            | "todo"
            | "unimplemented"
            | "unreachable"
            | "format_args"
            | "include_str"
            | "include_bytes"
            | "include"
            | "matches"
            | "concat"
            | "stringify"
            | "env"
            | "option_env"
            | "file"
            | "line"
            | "column"
            | "module_path"
            | "cfg"
            | "compile_error"
            | "macro_rules"
            | "thread_local"
    )
}
