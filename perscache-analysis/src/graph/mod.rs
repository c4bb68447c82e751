//! The parsed crates as a graph: scopes (modules and blocks) with what they
//! define and import, one node per item, and the indexes the edge rules use.
//!
//! - `mod.rs` (this file): building scopes and nodes from file summaries;
//! - `resolve.rs`: looking names and paths up in scopes;
//! - `edges.rs`: what one node depends on, one rule per kind of mention;
//! - `closure.rs`: what a marked function reaches, and its hash.

mod closure;
mod edges;
mod resolve;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub(crate) use closure::{Closure, Reason};
pub(crate) use edges::{Deps, IncludeDep};
pub(crate) use resolve::Memo;

use crate::model::{CrateInfo, DepRef};
use crate::parse::{
    Detail, FileSummary, Generics, IncludeKind, Item, Kind, PathExpr, PathRef, Refs, UseEntry, Vis,
};

pub(crate) type NodeId = usize;
pub(crate) type ScopeId = usize;
pub(crate) type ImplId = usize;

/// Source files, parsed on demand.
pub(crate) trait Files {
    fn get(&mut self, path: &Path) -> Option<Arc<FileSummary>>;
}

/// What a node hangs under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Parent {
    /// A module or block scope.
    Scope,
    /// An impl block (its items and its header).
    Impl(ImplId),
    /// A trait (its items).
    Trait(NodeId),
}

#[derive(Debug)]
pub(crate) struct Node {
    /// Stable identity: module path and name (`app::m::f`, `app::m::<impl T>::f`).
    pub key: String,
    pub name: String,
    pub kind: Kind,
    pub vis: Vis,
    /// The digest of its own normalized tokens.
    pub hash: [u8; 32],
    /// Where its mentions are looked up.
    pub scope: ScopeId,
    pub krate: usize,
    pub file: PathBuf,
    pub line: u32,
    /// Line of `#[persist]`, 0 when not marked.
    pub persist: u32,
    pub refs: Arc<Refs>,
    pub parent: Parent,
    /// Generic parameters (functions, traits).
    pub generics: Generics,
    /// The macro invocation whose input held this item.
    pub origin: Option<NodeId>,
    /// Under `#[cfg(..)]` (`Item::conditional`).
    pub conditional: bool,
    /// Under `#[cfg(test)]`, itself or a module around it: compiled only in
    /// its crate's own test build.
    pub test_only: bool,
    /// Under a macro whose expansion the analysis cannot read
    /// (`Item::expands`).
    pub expands: bool,
    /// Kind-specific facts the rules need.
    pub detail: NodeDetail,
}

#[derive(Debug, Clone, Default)]
pub(crate) enum NodeDetail {
    #[default]
    None,
    /// An enum's variants (for `use Enum::*` and patterns).
    Enum(Vec<String>),
    /// A unit or tuple struct: its name is a value too.
    ValueStruct,
    /// A type alias that may stand for one of its arguments or, through
    /// the associated types `projected`, for what an impl sets them to
    /// ([`Detail::AliasOfArgument`](crate::parse::Detail::AliasOfArgument)).
    AliasOfArgument { projected: Vec<String> },
    /// A declaration in an `extern` block, and the symbol it links to.
    Foreign(String),
    /// A trait: its items by name.
    Trait(FxHashMap<String, Vec<NodeId>>),
    /// A `macro_rules!` definition: the identifiers of its bodies.
    MacroDef {
        body_idents: Vec<String>,
        body_defines: Vec<String>,
        defines_from_input: bool,
        input_in_paths: bool,
        /// It calls its input by name (`$x.$m()`, `$t::$f()`).
        calls_input: bool,
        declares_mods: bool,
        /// Its expansion may hold an `impl` (settled by `index` for the
        /// macros it invokes as `$crate::name!`, `impl_if`).
        may_impl: bool,
        impl_if: Vec<String>,
        /// Its body invokes a macro from outside the workspace (`paste!`):
        /// what it defines cannot be read off its tokens.
        opaque: bool,
    },
    /// An item-level macro invocation: the identifiers it may define, and
    /// those of its own input.
    MacroCall {
        idents: Vec<String>,
        input: Vec<String>,
        parsed: bool,
        /// What it defines cannot be read off its tokens (a macro from
        /// outside the workspace, or one that uses such a macro).
        opaque: bool,
    },
}

/// A module, or the block scope of an item that declares items or `use`s
/// in its body.
#[derive(Debug)]
pub(crate) struct Scope {
    pub krate: usize,
    /// The real module: itself, or the module a block is in.
    pub module: ScopeId,
    /// A module's parent module; a block's enclosing scope.
    pub parent: Option<ScopeId>,
    pub is_block: bool,
    /// A block whose names add to the enclosing ones and never hide them
    /// (the items of an item's nested blocks: `Detail::Nested`).
    pub transparent: bool,
    /// A module that may not exist: under `#[cfg]`, or in a macro's input.
    pub conditional: bool,
    /// Names imported here by a `use` that may not exist (under `#[cfg]`,
    /// or in a macro's input): they hide no glob's item.
    pub unsure_imports: FxHashSet<String>,
    /// Inside a module (or block) under `#[cfg(test)]`.
    pub test_only: bool,
    /// A module declared `#[macro_use]` (or whose file says
    /// `#![macro_use]`): its `macro_rules!` stay in scope after it, in its
    /// parent.
    pub macro_use: bool,
    /// The module path (`app::m`).
    pub path: Vec<String>,
    pub defs: FxHashMap<String, Vec<Def>>,
    pub imports: FxHashMap<String, Vec<(PathRef, bool)>>,
    pub globs: Vec<(PathRef, bool)>,
    /// `use Trait as _`: in scope for method calls only.
    pub anonymous: Vec<PathRef>,
    /// Item-level macro invocations here: they may define any of their identifiers.
    pub macro_calls: Vec<NodeId>,
    /// Digests of the `use` and `extern crate` declarations here whose
    /// attributes decide what is compiled (`#[cfg]`, `#[macro_use]`), in
    /// source order: the code of this scope and of the scopes inside it
    /// depends on them.
    pub declarations: Vec<[u8; 32]>,
    /// The shaping attributes (`#[cfg]`, `#[macro_use]`, `#[path]`) of the
    /// `mod` declarations from the crate root down to this scope, chained.
    /// Each item's digest is bound to it: two `#[cfg]`-gated `mod`s of one
    /// name share every key, and swapping their attributes must change what
    /// reaches them; a sibling module's declaration does not count here.
    pub module_declaration: [u8; 32],
    /// The line of a module's `mod` declaration in its parent's file (0 for
    /// a crate root and blocks): where its text sits in the crate's.
    pub decl_line: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Def {
    Node(NodeId),
    Scope(ScopeId),
}

#[derive(Debug)]
pub(crate) struct ImplG {
    pub header: NodeId,
    pub items: Vec<NodeId>,
    /// Invocations inside the impl: possible methods of its type.
    pub macro_calls: Vec<NodeId>,
    pub scope: ScopeId,
    pub self_ty: Option<PathRef>,
    pub self_text: String,
    pub trait_: Option<PathRef>,
    pub key_paths: Vec<crate::parse::KeyPath>,
    pub generics: Generics,
    /// The workspace types of the self type and trait arguments: a trait
    /// impl runs only once all of them are reached.
    pub key_types: Vec<NodeId>,
    /// Some of `key_types` are candidates for one type (the arguments of
    /// `type Same<T> = T`, the types a type macro may write): the impl runs
    /// once any of them is reached.
    pub any_key_type: bool,
    /// Workspace types the self type resolves to.
    pub self_types: Vec<NodeId>,
    /// The trait, when it is a workspace trait.
    pub trait_node: Option<NodeId>,
}

#[derive(Debug)]
pub(crate) struct CrateG {
    pub info: CrateInfo,
    pub root: ScopeId,
}

/// All crates, with their scopes, nodes and indexes.
#[derive(Debug, Default)]
pub(crate) struct Graph {
    pub crates: Vec<CrateG>,
    pub scopes: Vec<Scope>,
    pub nodes: Vec<Node>,
    pub impls: Vec<ImplG>,
    /// Library crates by root file (what `DepRef::Local` names).
    lib_by_root: FxHashMap<String, usize>,
    /// The libraries the analysis parses that external crates depend on,
    /// by the external crate's name (`CrateInfo::ext_local`).
    pub ext_locals: FxHashMap<String, Vec<usize>>,
    /// `cone[a][b]`: crate `a` can reach code of crate `b` (itself and its
    /// dependencies, transitively, as Cargo's graph says).
    cone: Vec<Vec<bool>>,
    /// `test_cone[a][b]`: `a`'s own test build can reach code of `b` (for a
    /// library, its dev-dependencies' cones join its cone).
    test_cone: Vec<Vec<bool>>,
    /// Impls whose header names each workspace type (self type, trait
    /// arguments, bounds), through aliases; and item-level invocations that
    /// name the type (they may implement traits for it).
    impls_by_type: FxHashMap<NodeId, Vec<ImplId>>,
    calls_by_type: FxHashMap<NodeId, Vec<NodeId>>,
    /// Item-level invocations that may implement each workspace trait.
    calls_by_trait: FxHashMap<NodeId, Vec<NodeId>>,
    /// Impls of each workspace trait.
    impls_by_trait: FxHashMap<NodeId, Vec<ImplId>>,
    /// Impls of traits from outside the workspace, by the trait's name.
    impls_by_trait_name: FxHashMap<String, Vec<ImplId>>,
    /// Item-level invocations that may implement a trait from outside the
    /// workspace, by the capitalized names their input and their
    /// `macro_rules!` bodies write (`disp!(Row)`, whose body writes `impl
    /// fmt::Display for $t`).
    calls_by_trait_name: FxHashMap<String, Vec<NodeId>>,
    /// Item-level invocations of macros the analysis cannot read (another
    /// crate's, a proc macro's, not std's): they may implement any trait.
    opaque_impl_writers: Vec<NodeId>,
    /// Types by the name of each derive (or other macro) on them.
    derives_by_name: FxHashMap<String, Vec<NodeId>>,
    /// Inherent methods and associated items by name: (self type, item).
    inherent: FxHashMap<String, Vec<(NodeId, NodeId)>>,
    /// The same by self type: (name, item).
    inherent_by_type: FxHashMap<NodeId, Vec<(String, NodeId)>>,
    /// Free items by name, for widening.
    free_by_name: FxHashMap<String, Vec<NodeId>>,
    /// Associated items (impl and trait) by name, for widening.
    assoc_by_name: FxHashMap<String, Vec<NodeId>>,
    /// Item-level macro invocations (not inside an impl or trait) of each
    /// crate.
    item_macro_calls: Vec<Vec<NodeId>>,
    /// Items of each crate under a macro whose expansion cannot be read
    /// (`Node::expands`), not inside an impl or trait.
    expanders: Vec<Vec<NodeId>>,
    /// Inherent impls under such a macro, by self type: the macro may add
    /// methods of any name.
    expanding_impls: FxHashMap<NodeId, Vec<NodeId>>,
    /// Functions and statics by the linker symbol they are exported under.
    exported: FxHashMap<String, Vec<NodeId>>,
    /// Types holding a closure (`Box<dyn Fn(..)>`): the items that write the
    /// type's name in a path (where a value of it may be built).
    builders: FxHashMap<NodeId, Vec<NodeId>>,
    /// Workspace traits every closure, iterator or future may implement: a
    /// generic impl bound by one of those (`impl<F: Fn(u32) -> u32> Stage
    /// for F`, nom's `Parser`, tower's `Service`), or a supertrait that is.
    pub code_traits: FxHashSet<NodeId>,
    /// Enums by the names of their variants.
    variants: FxHashMap<String, Vec<NodeId>>,
    /// Traits by (crate, name).
    traits_by_name: FxHashMap<String, Vec<NodeId>>,
    macros_by_name: FxHashMap<(usize, String), Vec<NodeId>>,
    /// Every name a scope defines or imports, and every enum variant's (a
    /// glob of an enum brings its variants): a name outside this set
    /// resolves to no workspace type, trait or alias anywhere.
    names_in_scopes: FxHashSet<String>,
    exported_macros: FxHashMap<(usize, String), Vec<NodeId>>,
    /// Every node of each crate (for proc-macro crates, whose output is invisible).
    crate_nodes: Vec<Vec<NodeId>>,
    /// Module files that were declared but not found (cfg'd out, usually).
    pub missing: Vec<String>,
    /// Every source file a module tree reached.
    pub used_files: BTreeSet<PathBuf>,
    /// `include!`d files whose path could not be evaluated, by crate.
    pub unknown_includes: Vec<(usize, String)>,
    /// What each crate's build script reads, as far as the sources show.
    build_inputs: Vec<std::sync::OnceLock<Vec<PathBuf>>>,
    /// Every file of each crate's package, listed when first asked for.
    package_files: Vec<std::sync::OnceLock<Vec<PathBuf>>>,
    /// The names generated code of each crate may use: the words of its
    /// build script's string literals and of the files the script reads
    /// (`None`: no build script, any name).
    generated_names: Vec<std::sync::OnceLock<Option<FxHashSet<String>>>>,
    /// The names the output of each proc-macro crate may use
    /// ([`Graph::macro_output_words`]).
    macro_output_words: Vec<std::sync::OnceLock<FxHashSet<String>>>,
    /// Whether each crate's code reads files ([`Graph::reads_files`]).
    reads_files: Vec<std::sync::OnceLock<bool>>,
}

/// What a module-level invocation whose macro may write an `impl` may
/// implement (`Graph::invocation_impls`).
struct InvocationImpls {
    /// Its macro cannot be read: it may implement any trait.
    opaque: bool,
    /// The capitalized words of its input and its macros' bodies: names of
    /// traits from outside the workspace it may implement.
    trait_words: Vec<String>,
    /// The workspace types and traits it names, sorted.
    named: Vec<NodeId>,
    /// Whether its input names a workspace type (then the impl is for it).
    input_names_a_type: bool,
}

const MAX_MOD_DEPTH: usize = 64;

/// In a macro invocation's identifiers: it may define any name (an
/// `include!` of generated code).
pub(crate) const ANY_NAME: &str = "*";

fn is_mod_rs(file: &Path) -> bool {
    matches!(
        file.file_name().and_then(|n| n.to_str()),
        Some("mod.rs" | "lib.rs" | "main.rs")
    )
}

/// Evaluates an include path: relative paths are relative to `dir` (the
/// including file's folder); `env!` reads `env`.
pub(crate) fn eval_path(
    p: &PathExpr,
    dir: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<PathBuf> {
    fn text(p: &PathExpr, env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
        match p {
            PathExpr::Lit(s) => Some(s.clone()),
            PathExpr::Env(v) => env(v),
            PathExpr::Concat(parts) => parts.iter().map(|x| text(x, env)).collect(),
            PathExpr::Unknown => None,
        }
    }
    let t = text(p, env)?;
    let path = Path::new(&t);
    Some(if path.is_absolute() {
        path.to_path_buf()
    } else {
        dir.join(path)
    })
}

struct Builder<'a> {
    g: Graph,
    files: &'a mut dyn Files,
    /// Compile-time environment the include paths of each crate see.
    env: &'a dyn Fn(usize, &str) -> Option<String>,
    /// Inside an inline module (`mod a { .. }`): a `#[path]` there is
    /// relative to the inline module's folder, not the file's.
    inline_depth: usize,
    /// The module files being read, outermost first: a module declared
    /// inside one of them (by a macro's input in a function body, say:
    /// `quote! { mod a; }` in `a.rs`) that names one of them is not read
    /// again, as no module contains itself.
    reading: Vec<PathBuf>,
}

impl Graph {
    /// Builds the scopes and nodes of `crates`. `env(crate, var)` answers the
    /// `env!` of `include!` paths (`CARGO_MANIFEST_DIR`, and `OUT_DIR` when
    /// known).
    pub(crate) fn build(
        crates: &[CrateInfo],
        files: &mut dyn Files,
        env: &dyn Fn(usize, &str) -> Option<String>,
    ) -> Graph {
        let mut b = Builder {
            g: Graph::default(),
            files,
            env,
            inline_depth: 0,
            reading: Vec::new(),
        };
        for (ci, c) in crates.iter().enumerate() {
            let root = b.g.scopes.len();
            b.g.scopes.push(Scope {
                krate: ci,
                module: root,
                parent: None,
                is_block: false,
                transparent: false,
                conditional: false,
                test_only: false,
                macro_use: false,
                unsure_imports: FxHashSet::default(),
                path: vec![c.name.clone()],
                defs: FxHashMap::default(),
                imports: FxHashMap::default(),
                globs: Vec::new(),
                anonymous: Vec::new(),
                macro_calls: Vec::new(),
                declarations: Vec::new(),
                module_declaration: [0; 32],
                decl_line: 0,
            });
            b.g.crates.push(CrateG {
                info: c.clone(),
                root,
            });
            b.g.crate_nodes.push(Vec::new());
            if c.kind == "lib" {
                b.g.lib_by_root
                    .entry(c.root.to_string_lossy().into_owned())
                    .or_insert(ci);
            }
        }
        for (ci, c) in crates.iter().enumerate() {
            let root = b.g.crates[ci].root;
            match b.files.get(&c.root) {
                Some(summary) => {
                    b.g.used_files.insert(c.root.clone());
                    // Every crate root is a "mod-rs" file: children sit beside it.
                    let dir = c.root.parent().map(Path::to_path_buf).unwrap_or_default();
                    b.add_items(root, &summary.items, &c.root, &dir, None, 0);
                }
                None => b.g.missing.push(c.root.display().to_string()),
            }
        }
        let mut g = b.g;
        // Read on demand: few functions reach generated or foreign code.
        g.build_inputs = crates.iter().map(|_| std::sync::OnceLock::new()).collect();
        g.package_files = crates.iter().map(|_| std::sync::OnceLock::new()).collect();
        g.generated_names = crates.iter().map(|_| std::sync::OnceLock::new()).collect();
        g.macro_output_words = crates.iter().map(|_| std::sync::OnceLock::new()).collect();
        g.reads_files = crates.iter().map(|_| std::sync::OnceLock::new()).collect();
        g.cone();
        g.index();
        g
    }

    fn cone(&mut self) {
        for info in self.crates.iter().map(|c| &c.info) {
            for (name, libs) in &info.ext_local {
                let crates = libs.iter().filter_map(|l| self.lib_by_root.get(l).copied());
                self.ext_locals
                    .entry(name.clone())
                    .or_default()
                    .extend(crates);
            }
        }
        for v in self.ext_locals.values_mut() {
            v.sort_unstable();
            v.dedup();
        }
        let n = self.crates.len();
        let mut cone = vec![vec![false; n]; n];
        for (a, row) in cone.iter_mut().enumerate() {
            let mut stack = vec![a];
            while let Some(c) = stack.pop() {
                if row[c] {
                    continue;
                }
                row[c] = true;
                let info = &self.crates[c].info;
                let local = info.deps.values().filter_map(|dep| match dep {
                    DepRef::Local(lib) => Some(lib),
                    DepRef::External(_) => None,
                });
                // Through an external crate too (a `[patch]`ed copy by path).
                for lib in local.chain(info.ext_local.values().flatten()) {
                    if let Some(&d) = self.lib_by_root.get(lib) {
                        stack.push(d);
                    }
                }
            }
        }
        let local = |d: &DepRef| match d {
            DepRef::Local(lib) => self.lib_by_root.get(lib).copied(),
            DepRef::External(_) => None,
        };
        self.test_cone = (0..n)
            .map(|a| {
                let dev: Vec<usize> = self.crates[a]
                    .info
                    .test_deps
                    .values()
                    .filter_map(local)
                    .collect();
                (0..n)
                    .map(|b| cone[a][b] || dev.iter().any(|&d| cone[d][b]))
                    .collect()
            })
            .collect();
        self.cone = cone;
    }

    /// Whether code of crate `from` can reach code of crate `to`.
    pub(crate) fn reaches(&self, from: usize, to: usize) -> bool {
        self.cone[from][to]
    }

    /// Whether some build of crate `from` (its unit tests included, which
    /// link a library's dev-dependencies) can reach code of crate `to`.
    pub(crate) fn links(&self, from: usize, to: usize) -> bool {
        self.test_cone[from][to]
    }

    pub(crate) fn crate_of(&self, id: NodeId) -> &CrateInfo {
        &self.crates[self.nodes[id].krate].info
    }

    /// Whether node `id` may be named from crate `from`: same crate, or public.
    fn visible_from(&self, from: usize, id: NodeId) -> bool {
        let n = &self.nodes[id];
        self.reaches(from, n.krate) && (n.krate == from || n.vis == Vis::Public)
    }
}

impl Graph {
    /// Resolves impls' self types and traits, and builds the lookup tables.
    fn index(&mut self) {
        self.names_in_scopes = self
            .scopes
            .iter()
            .flat_map(|s| s.defs.keys().chain(s.imports.keys()))
            .chain(self.nodes.iter().flat_map(|n| match &n.detail {
                NodeDetail::Enum(variants) => &variants[..],
                _ => &[],
            }))
            .cloned()
            .collect();
        self.hash_std_named_as_written();
        self.item_macro_calls = vec![Vec::new(); self.crates.len()];
        self.expanders = vec![Vec::new(); self.crates.len()];
        // What an item-level invocation may define: the identifiers of its
        // input (unless it parsed as items, which are in the graph) and of
        // the bodies of the `macro_rules!` it may be.
        // A macro whose body invokes a macro from outside the workspace (not
        // the standard library's) is opaque: `paste!` makes new names.
        for d in 0..self.nodes.len() {
            if self.nodes[d].kind != Kind::MacroDef {
                continue;
            }
            let krate = self.nodes[d].krate;
            let opaque = self.nodes[d].refs.macros.iter().any(|p| {
                let name = p.segs.last().map_or("", String::as_str);
                !crate::parse::is_std_macro(name) && self.macro_defs_by_name(krate, name).is_empty()
            });
            if let NodeDetail::MacroDef { opaque: o, .. } = &mut self.nodes[d].detail {
                *o = opaque;
            }
        }
        self.settle_macro_impls();
        for id in 0..self.nodes.len() {
            let NodeDetail::MacroCall {
                idents,
                input,
                parsed,
                ..
            } = &self.nodes[id].detail
            else {
                continue;
            };
            let (input, parsed) = (input.clone(), *parsed);
            let defs = self.macro_defs_named(id);
            // Its input's identifiers may become names of items unless its
            // macro is known not to name items after its input.
            let from_input = !parsed
                && (defs.is_empty()
                    || defs.iter().any(|&d| {
                        matches!(
                            self.nodes[d].detail,
                            NodeDetail::MacroDef {
                                defines_from_input: true,
                                ..
                            }
                        )
                    }));
            let mut defined: Vec<String> = if from_input {
                idents.clone()
            } else {
                Vec::new()
            };
            let mut opaque = defs.is_empty() && !crate::parse::is_std_macro(&self.nodes[id].name);
            for d in defs {
                if let NodeDetail::MacroDef {
                    body_defines,
                    opaque: o,
                    ..
                } = &self.nodes[d].detail
                {
                    defined.extend(body_defines.iter().cloned());
                    opaque |= *o;
                }
            }
            defined.sort();
            defined.dedup();
            if idents.iter().any(|i| i == ANY_NAME) {
                opaque = true;
            }
            self.nodes[id].detail = NodeDetail::MacroCall {
                idents: defined,
                input,
                parsed,
                opaque,
            };
        }
        self.index_trait_macro_calls();
        let mut m = Memo::default();
        for i in 0..self.impls.len() {
            let scope = self.impls[i].scope;
            let key_paths = self.impls[i].key_paths.clone();
            let mut self_types = Vec::new();
            // Some of the impl's types are candidates of which one is the
            // type: any of them reached may run the impl.
            let mut alternatives = false;
            if let Some(p) = self.impls[i].self_ty.clone() {
                for t in self.resolve_use(scope, &p, 0, &mut m) {
                    if let resolve::Target::Node(x) = t {
                        match self.nodes[x].kind {
                            // `impl dyn Shape`, or a type a macro invocation makes.
                            Kind::Type | Kind::Trait | Kind::MacroCall => self_types.push(x),
                            Kind::Alias => {
                                self_types.extend(self.aliased_types(x, &mut m));
                                // `impl Same<Row>` with `type Same<T> = T`:
                                // rustc substitutes the arguments, so the
                                // type may be any of them.
                                if let NodeDetail::AliasOfArgument { projected } =
                                    &self.nodes[x].detail
                                {
                                    let mut candidates = self.projected_types(projected, &mut m);
                                    for kp in key_paths.iter().filter(|k| !k.in_trait) {
                                        if kp.within.first() == Some(&p) {
                                            candidates
                                                .extend(self.key_types_of(scope, &kp.path, &mut m));
                                        }
                                    }
                                    alternatives |= !candidates.is_empty();
                                    self_types.extend(candidates);
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            // `impl ty!(Row)`, `impl Display for Box<ty!()>`: the types the
            // macro's input and bodies name.
            for kp in key_paths.iter().filter(|k| !k.in_trait) {
                let written = self.macro_types(scope, kp, &mut m);
                alternatives |= !written.is_empty();
                self_types.extend(written);
            }
            let trait_node = self.impls[i].trait_.clone().and_then(|t| {
                self.resolve_use(scope, &t, 0, &mut m)
                    .into_iter()
                    .find_map(|t| match t {
                        resolve::Target::Node(x) if self.nodes[x].kind == Kind::Trait => Some(x),
                        _ => None,
                    })
            });
            // The workspace types of the self type (through aliases), or
            // when it has none (`impl From<Money> for String`) those of the
            // trait's arguments: outermost ones only. Rustc may infer the
            // others from the impl: `Wrap(Default::default())` is a
            // `Wrap<Inner>`, `Src(4).convert()` a `Dst`, by the only impl
            // that fits, with `Inner` or `Dst` never named.
            let mut key: Vec<NodeId> = self_types.clone();
            for in_trait in [false, true] {
                if in_trait && !key.is_empty() {
                    break;
                }
                for kp in key_paths.iter().filter(|k| k.in_trait == in_trait) {
                    // The arguments of an alias that may be one of them are
                    // candidates, not inside a type: `First<Row, Decoy>`.
                    let within_workspace_type = kp.within.iter().any(|outer| {
                        !self.key_types_of(scope, outer, &mut m).is_empty()
                            && self.alias_of_argument(scope, outer, &mut m).is_none()
                    });
                    if !within_workspace_type {
                        key.extend(self.key_types_of(scope, &kp.path, &mut m));
                        // `From<First<Row, Decoy>>`, `From<ty!()>`: one of
                        // the candidates is the type.
                        let mut candidates = self.macro_types(scope, kp, &mut m);
                        if let Some(projected) = self.alias_of_argument(scope, &kp.path, &mut m) {
                            candidates.extend(self.projected_types(&projected, &mut m));
                            alternatives = true;
                        }
                        alternatives |= !candidates.is_empty();
                        key.extend(candidates);
                    }
                }
            }
            key.sort_unstable();
            key.dedup();
            for &t in &key {
                self.impls_by_type.entry(t).or_default().push(i);
            }
            self.impls[i].key_types = key;
            self.impls[i].any_key_type = alternatives;
            if let Some(t) = trait_node {
                self.impls_by_trait.entry(t).or_default().push(i);
            } else if let Some(t) = self.impls[i].trait_.clone() {
                // `impl Disp for Row` after `use std::fmt::Display as Disp`.
                for name in self.original_names(scope, &t, &mut m) {
                    self.impls_by_trait_name.entry(name).or_default().push(i);
                }
            }
            let im = &mut self.impls[i];
            im.self_types = self_types.clone();
            im.trait_node = trait_node;
            let inherent = im.trait_.is_none();
            let items = im.items.clone();
            let calls = im.macro_calls.clone();
            if inherent && self.nodes[im.header].expands {
                for &t in &self_types {
                    self.expanding_impls.entry(t).or_default().push(im.header);
                }
            }
            for id in items {
                let name = self.nodes[id].name.clone();
                if name.is_empty() {
                    continue;
                }
                self.assoc_by_name.entry(name.clone()).or_default().push(id);
                if inherent {
                    for &t in &self_types {
                        self.inherent.entry(name.clone()).or_default().push((t, id));
                    }
                }
            }
            for call in calls {
                if let NodeDetail::MacroCall { idents, .. } = &self.nodes[call].detail {
                    for ident in idents.clone() {
                        for &t in &self_types {
                            self.inherent
                                .entry(ident.clone())
                                .or_default()
                                .push((t, call));
                        }
                    }
                }
            }
        }
        for id in 0..self.nodes.len() {
            if self.nodes[id].kind == Kind::Type {
                for p in &self.nodes[id].refs.macros.clone() {
                    if let Some(name) = p.segs.last() {
                        self.derives_by_name
                            .entry(name.clone())
                            .or_default()
                            .push(id);
                    }
                }
            }
            if let NodeDetail::Enum(vs) = &self.nodes[id].detail {
                for v in vs.clone() {
                    self.variants.entry(v).or_default().push(id);
                }
            }
        }
        for id in 0..self.nodes.len() {
            let n = &self.nodes[id];
            let top_level = match n.parent {
                Parent::Scope => true,
                Parent::Impl(i) => self.impls[i].header == id,
                Parent::Trait(_) => false,
            };
            if n.expands && top_level {
                self.expanders[n.krate].push(id);
            }
            if n.name.is_empty() {
                continue;
            }
            match (n.parent, n.kind) {
                (Parent::Trait(t), _) => {
                    // A `dyn Trait`'s methods are callable where the trait
                    // is not in scope: once the trait is reached, its items
                    // join by name like inherent methods.
                    self.inherent
                        .entry(n.name.clone())
                        .or_default()
                        .push((t, id));
                    self.assoc_by_name
                        .entry(n.name.clone())
                        .or_default()
                        .push(id)
                }
                (Parent::Scope, Kind::Trait) => {
                    self.traits_by_name
                        .entry(n.name.clone())
                        .or_default()
                        .push(id);
                    self.free_by_name
                        .entry(n.name.clone())
                        .or_default()
                        .push(id);
                }
                (Parent::Scope, Kind::MacroCall) => self.item_macro_calls[n.krate].push(id),
                (Parent::Scope, Kind::MacroDef | Kind::Other) => {}
                (Parent::Scope, _) => self
                    .free_by_name
                    .entry(n.name.clone())
                    .or_default()
                    .push(id),
                (Parent::Impl(_), _) => {}
            }
        }
        // A module-level invocation whose macro may write an `impl` may
        // implement traits for the types its input names (or, when its input
        // names none, for those its macro's body names). Resolved on every
        // core (reading the graph only), then recorded in order.
        let graph = &*self;
        let invocations: Vec<(NodeId, InvocationImpls)> = (0..graph.nodes.len())
            .into_par_iter()
            .map_init(Memo::default, |m, id| {
                Some((id, graph.invocation_impls(id, m)?))
            })
            .flatten()
            .collect();
        for (id, found) in invocations {
            if found.opaque {
                self.opaque_impl_writers.push(id);
            }
            for w in found.trait_words {
                self.calls_by_trait_name.entry(w).or_default().push(id);
            }
            for x in found.named {
                let is_trait = self.nodes[x].kind == Kind::Trait;
                if is_trait {
                    self.calls_by_trait.entry(x).or_default().push(id);
                }
                // Through a trait only when the impl may be for a type from
                // outside the workspace (the input names none of ours).
                if !is_trait || !found.input_names_a_type {
                    self.calls_by_type.entry(x).or_default().push(id);
                }
            }
        }
        self.index_std_named_invocations(&mut m);
        for v in self
            .calls_by_type
            .values_mut()
            .chain(self.calls_by_trait.values_mut())
        {
            v.sort_unstable();
            v.dedup();
        }
        for v in self.inherent.values_mut() {
            v.sort_unstable();
            v.dedup();
        }
        for (name, v) in &self.inherent {
            for &(ty, item) in v {
                self.inherent_by_type
                    .entry(ty)
                    .or_default()
                    .push((name.clone(), item));
            }
        }
        self.index_builders();
    }
}

impl Graph {
    /// A `macro_rules!` whose body invokes `$crate::name!` may write an
    /// impl when a workspace macro of that name may, or when its crate has
    /// none (it is another kind of macro). Any crate's: a `crate::name!` in
    /// the body, which the parser reads alike, names the invoking crate's. The
    /// least fixed point: a macro that invokes only itself
    /// (`$crate::pin!($x)`) writes none.
    fn settle_macro_impls(&mut self) {
        let may_impl = |g: &Graph, d: NodeId| {
            matches!(
                g.nodes[d].detail,
                NodeDetail::MacroDef { may_impl: true, .. }
            )
        };
        let set = |g: &mut Graph, d: NodeId| {
            if let NodeDetail::MacroDef { may_impl, .. } = &mut g.nodes[d].detail {
                *may_impl = true;
            }
        };
        let mut waiting: Vec<(NodeId, Vec<NodeId>)> = Vec::new();
        for d in 0..self.nodes.len() {
            let NodeDetail::MacroDef {
                impl_if,
                may_impl: false,
                ..
            } = &self.nodes[d].detail
            else {
                continue;
            };
            let krate = self.nodes[d].krate;
            let mut invoked = Vec::new();
            let mut unknown = false;
            for name in impl_if {
                let mut key = (krate, name.clone());
                // `$crate::name!` that is no `macro_rules!` of the macro's
                // crate is something else (a re-exported proc macro).
                unknown |= !self.macros_by_name.contains_key(&key);
                for c in 0..self.crates.len() {
                    key.0 = c;
                    invoked.extend(self.macros_by_name.get(&key).into_iter().flatten());
                }
            }
            if unknown {
                set(self, d);
            } else if !invoked.is_empty() {
                waiting.push((d, invoked));
            }
        }
        loop {
            let newly: Vec<NodeId> = waiting
                .iter()
                .filter(|(d, invoked)| {
                    !may_impl(self, *d) && invoked.iter().any(|&x| may_impl(self, x))
                })
                .map(|(d, _)| *d)
                .collect();
            if newly.is_empty() {
                return;
            }
            for d in newly {
                set(self, d);
            }
        }
    }

    /// What module-level invocation `id` may implement, when its macro may
    /// write an `impl` (`None` otherwise, or for any other node).
    fn invocation_impls(&self, id: NodeId, m: &mut Memo) -> Option<InvocationImpls> {
        let n = &self.nodes[id];
        if n.kind != Kind::MacroCall || n.parent != Parent::Scope {
            return None;
        }
        let NodeDetail::MacroCall { input, .. } = &n.detail else {
            return None;
        };
        let defs = self.macro_defs_named(id);
        let may_impl = defs.is_empty()
            || defs.iter().any(|&d| {
                matches!(
                    self.nodes[d].detail,
                    NodeDetail::MacroDef { may_impl: true, .. }
                )
            });
        if !may_impl {
            return None;
        }
        // The type of an impl such a macro writes is named in its input
        // (it cannot name the invoking crate's types otherwise): an input
        // with no type-like name (`doctest!("README.md")`) writes none.
        // The standard library's item macros write no impl; an
        // `include!`d file is read as code where it can be found.
        let names_a_type = input
            .iter()
            .any(|w| w.starts_with(|c: char| c.is_ascii_uppercase()));
        let opaque = defs.is_empty()
            && names_a_type
            && !crate::parse::is_std_macro(&n.name)
            && !self.only_in_test_builds(id, m);
        let mut trait_words: Vec<String> = input.clone();
        for &d in &defs {
            if let NodeDetail::MacroDef { body_idents, .. } = &self.nodes[d].detail {
                trait_words.extend(body_idents.iter().cloned());
            }
        }
        trait_words.retain(|w| w.starts_with(|c: char| c.is_ascii_uppercase()));
        trait_words.sort_unstable();
        trait_words.dedup();
        let scope = n.scope;
        let mut named = self.types_named(&[scope], input, m);
        // `impl_unit!(crate::length::Meters, "m")`: types named by a path.
        for p in &n.refs.paths {
            for t in self.resolve_prefix(scope, p, &[], 0, m).0 {
                if let resolve::Target::Node(x) = t {
                    if self.nodes[x].kind == Kind::Type {
                        named.push(x);
                    }
                }
            }
        }
        // The trait of a generated impl is usually written in the body;
        // its type comes from the input, or else from the body too.
        let input_names_a_type = named.iter().any(|&x| self.nodes[x].kind == Kind::Type);
        for &d in &defs {
            let NodeDetail::MacroDef { body_idents, .. } = &self.nodes[d].detail else {
                continue;
            };
            let def_scope = self.nodes[d].scope;
            let mut from_body = self.types_named(&[scope, def_scope], body_idents, m);
            // `$crate::traits::Priced`: the body's paths, where it is defined.
            for p in &self.nodes[d].refs.paths {
                for t in self.resolve_prefix(def_scope, p, &[], 0, m).0 {
                    if let resolve::Target::Node(x) = t {
                        if matches!(self.nodes[x].kind, Kind::Type | Kind::Trait) {
                            from_body.push(x);
                        }
                    }
                }
            }
            named.extend(
                from_body
                    .into_iter()
                    .filter(|&x| !input_names_a_type || self.nodes[x].kind == Kind::Trait),
            );
        }
        named.sort_unstable();
        named.dedup();
        Some(InvocationImpls {
            opaque,
            trait_words,
            named,
            input_names_a_type,
        })
    }

    /// A trait's item-level invocations (`default_visit!(visit_one)`
    /// writing a default method) join its items under each name they may
    /// define: a call of that name reaches them.
    fn index_trait_macro_calls(&mut self) {
        for t in 0..self.nodes.len() {
            let NodeDetail::Trait(items) = &self.nodes[t].detail else {
                continue;
            };
            let written: Vec<(String, NodeId)> = items
                .values()
                .flatten()
                .filter_map(|&it| match &self.nodes[it].detail {
                    NodeDetail::MacroCall { idents, .. } => Some((idents, it)),
                    _ => None,
                })
                .flat_map(|(idents, it)| idents.iter().map(move |i| (i.clone(), it)))
                .collect();
            if let NodeDetail::Trait(items) = &mut self.nodes[t].detail {
                for (name, it) in written {
                    let named = items.entry(name).or_default();
                    if !named.contains(&it) {
                        named.push(it);
                    }
                }
            }
        }
    }

    /// Fills `builders`: one pass over every item's paths, looking for the
    /// names of the types that hold a closure or other code their builder
    /// writes.
    fn index_builders(&mut self) {
        // Closures, and the standard traits that values carrying closures
        // or async code implement (`(0..4).map(|x| x * 2)`, `async { .. }`):
        // the code is written where the value is built.
        let is_code = |p: &PathRef| p.segs.last().is_some_and(|s| is_code_trait(s));
        // Names that stand for code a value's builder chooses: aliases of
        // closure types (`type Handler = dyn Fn(u64) -> u64`), and traits
        // with a blanket impl over closures (`impl<F: Fn(u64)> Step for F`).
        let mut code_traits: FxHashSet<NodeId> = self
            .impls
            .iter()
            .filter(|im| {
                !im.generics.is_empty() && self.nodes[im.header].refs.bounds.iter().any(is_code)
            })
            .filter_map(|im| im.trait_node)
            .collect();
        code_traits.extend((0..self.nodes.len()).filter(|&t| {
            self.nodes[t].kind == Kind::Trait && self.nodes[t].refs.bounds.iter().any(is_code)
        }));
        let mut code_names: FxHashSet<&str> = self
            .nodes
            .iter()
            .filter(|n| n.kind == Kind::Alias && n.refs.dyn_traits.iter().any(is_code))
            .map(|n| n.name.as_str())
            .collect();
        code_names.extend(code_traits.iter().map(|&t| self.nodes[t].name.as_str()));
        let names_code = |p: &PathRef| {
            is_code(p)
                || p.segs
                    .last()
                    .is_some_and(|s| code_names.contains(s.as_str()))
        };
        let mut holders: FxHashMap<&str, Vec<NodeId>> = FxHashMap::default();
        for (id, n) in self.nodes.iter().enumerate() {
            match (&n.kind, &n.detail) {
                // A field of type `Box<dyn Fn>`, `fn(..)`, one of the names
                // above, or a type parameter bound by `Fn` (`struct S<F:
                // Fn(u64)>`).
                (Kind::Type, _) => {
                    let refs = &n.refs;
                    let holds = refs.dyn_traits.iter().chain(&refs.bounds).any(is_code)
                        || refs.dyn_traits.iter().chain(&refs.paths).any(names_code);
                    if holds {
                        holders.entry(n.name.as_str()).or_default().push(id);
                    }
                }
                // A type a macro declares (`holder!(Hooked)`) whose body
                // holds such code: named by the invocation's input.
                (Kind::MacroCall, NodeDetail::MacroCall { input, .. }) => {
                    let holds = self.macro_defs_named(id).iter().any(|&d| {
                        let refs = &self.nodes[d].refs;
                        refs.dyn_traits.iter().chain(&refs.paths).any(names_code)
                    });
                    if holds {
                        for ident in input {
                            holders.entry(ident.as_str()).or_default().push(id);
                        }
                    }
                }
                _ => {}
            }
        }
        // A marked method of a generic impl whose parameters are bound by
        // code (`impl<I: Iterator> GenStream<I>`): the code is the caller's,
        // and whoever builds the value writes it.
        for im in &self.impls {
            let marked = im.items.iter().any(|&i| self.nodes[i].persist != 0);
            if marked
                && !im.generics.is_empty()
                && self.nodes[im.header].refs.bounds.iter().any(is_code)
            {
                for &t in &im.self_types {
                    holders
                        .entry(self.nodes[t].name.as_str())
                        .or_default()
                        .push(t);
                }
            }
        }
        self.code_traits = code_traits;
        if holders.is_empty() {
            return;
        }
        // The other names a holder goes by: `use reg::Hooked as H` and
        // `type H = Hooked;` build a `Hooked` with `H { .. }`, and so on
        // through renames of renames.
        loop {
            let mut renamed: Vec<(&str, NodeId)> = Vec::new();
            let imports = self.scopes.iter().flat_map(|s| {
                s.imports
                    .iter()
                    .flat_map(|(local, paths)| paths.iter().map(move |(p, _)| (local.as_str(), p)))
            });
            let aliases = self
                .nodes
                .iter()
                .filter(|n| n.kind == Kind::Alias)
                .flat_map(|n| n.refs.paths.iter().map(move |p| (n.name.as_str(), p)));
            for (local, p) in imports.chain(aliases) {
                let Some(last) = p.segs.last() else { continue };
                for &ty in holders.get(last.as_str()).into_iter().flatten() {
                    if !holders.get(local).is_some_and(|known| known.contains(&ty)) {
                        renamed.push((local, ty));
                    }
                }
            }
            if renamed.is_empty() {
                break;
            }
            for (local, ty) in renamed {
                let known = holders.entry(local).or_default();
                if !known.contains(&ty) {
                    known.push(ty);
                }
            }
        }
        // Every holder has an entry: its own methods may build it.
        let mut builders: FxHashMap<NodeId, Vec<NodeId>> = holders
            .values()
            .flatten()
            .map(|&ty| (ty, Vec::new()))
            .collect();
        let namers = |names: &FxHashMap<&str, Vec<NodeId>>,
                      builders: &mut FxHashMap<NodeId, Vec<NodeId>>| {
            for (id, n) in self.nodes.iter().enumerate() {
                for seg in n.refs.paths.iter().flat_map(|p| &p.segs) {
                    for &ty in names.get(seg.as_str()).into_iter().flatten() {
                        if self.reaches(n.krate, self.nodes[ty].krate) {
                            builders.entry(ty).or_default().push(id);
                        }
                    }
                }
            }
        };
        namers(&holders, &mut builders);
        // One level further: the callers of a free function that names the
        // type (`callback("triple", |x| x * 3)` builds a `Callback`).
        let mut constructors: FxHashMap<&str, Vec<NodeId>> = FxHashMap::default();
        for (&ty, found) in &builders {
            for &b in found {
                let n = &self.nodes[b];
                if n.kind == Kind::Fn && n.parent == Parent::Scope {
                    constructors.entry(n.name.as_str()).or_default().push(ty);
                }
            }
        }
        namers(&constructors, &mut builders);
        // And the callers of a holder's methods that take code
        // (`Pipeline::step(self, f: impl Fn(u64) -> u64)`), called on a value
        // whose type they never name (`factory.pipeline("x").step(|x| x * 3)`).
        let mut takers: FxHashMap<&str, Vec<NodeId>> = FxHashMap::default();
        for &ty in holders.values().flatten() {
            for (name, item) in self.inherent_by_type.get(&ty).into_iter().flatten() {
                let refs = &self.nodes[*item].refs;
                if refs.bounds.iter().chain(&refs.dyn_traits).any(names_code) {
                    takers.entry(name.as_str()).or_default().push(ty);
                }
            }
        }
        namers(&takers, &mut builders);
        for (id, n) in self.nodes.iter().enumerate() {
            for name in &n.refs.methods {
                for &ty in takers.get(name.as_str()).into_iter().flatten() {
                    if self.reaches(n.krate, self.nodes[ty].krate) {
                        builders.entry(ty).or_default().push(id);
                    }
                }
            }
        }
        for v in builders.values_mut() {
            v.sort_unstable();
            v.dedup();
        }
        self.builders = builders;
    }

    /// `name` and the names imports give what ends in it (`use lib::apply
    /// as run`), and so on through renames of renames: the names an item
    /// called `name` may be written under.
    pub(crate) fn names_importing<'a>(&'a self, name: &'a str) -> FxHashSet<&'a str> {
        let mut names: FxHashSet<&str> = FxHashSet::default();
        names.insert(name);
        loop {
            let before = names.len();
            for s in &self.scopes {
                for (local, paths) in &s.imports {
                    if paths
                        .iter()
                        .any(|(p, _)| p.segs.last().is_some_and(|l| names.contains(l.as_str())))
                    {
                        names.insert(local.as_str());
                    }
                }
            }
            if names.len() == before {
                return names;
            }
        }
    }

    /// The declarations (see `Scope::declarations`) of the scopes node `id`
    /// is in, innermost first, with the scopes already counted skipped.
    pub(crate) fn enclosing_declarations(
        &self,
        id: NodeId,
        counted: &mut FxHashSet<ScopeId>,
        out: &mut Vec<[u8; 32]>,
    ) {
        let mut cur = Some(self.nodes[id].scope);
        while let Some(sc) = cur {
            if !counted.insert(sc) {
                break;
            }
            let s = &self.scopes[sc];
            if !s.declarations.is_empty() {
                let mut h = blake3::Hasher::new();
                h.update(b"declarations");
                h.update(s.path.join("::").as_bytes());
                for d in &s.declarations {
                    h.update(d);
                }
                out.push(*h.finalize().as_bytes());
            }
            cur = s.parent;
        }
    }

    /// Whether generated code of crate `krate` may name an item called `name`.
    pub(crate) fn generated_may_name(&self, krate: usize, name: &str) -> bool {
        self.generated_names[krate]
            .get_or_init(|| {
                let info = &self.crates[krate].info;
                info.build_script
                    .as_ref()
                    .map(|_| generator_words(self.build_inputs(krate)))
            })
            .as_ref()
            .is_none_or(|words| words.contains(name))
    }

    /// The names the code a proc-macro crate writes may use: the
    /// identifiers its own code names (what `quote!` holds, methods, the
    /// last names of paths) and the words of its string literals (code
    /// built with `format!`).
    pub(crate) fn macro_output_words(&self, krate: usize) -> &FxHashSet<String> {
        self.macro_output_words[krate].get_or_init(|| {
            let nodes = &self.crate_nodes[krate];
            let mut files: Vec<PathBuf> =
                nodes.iter().map(|&x| self.nodes[x].file.clone()).collect();
            files.sort();
            files.dedup();
            let mut words = generator_words(&files);
            for &x in nodes {
                let refs = &self.nodes[x].refs;
                words.extend(refs.loose.iter().cloned());
                words.extend(refs.methods.iter().cloned());
                words.extend(refs.paths.iter().filter_map(|p| p.segs.last().cloned()));
            }
            words
        })
    }

    /// Whether crate `krate`'s code reads files (`std::fs`, `File`,
    /// `read_dir`, `OpenOptions`): a proc macro that does may read any file
    /// of the package it expands in, by a name it builds.
    pub(crate) fn reads_files(&self, krate: usize) -> bool {
        *self.reads_files[krate].get_or_init(|| {
            self.crate_nodes[krate].iter().any(|&x| {
                self.nodes[x].refs.paths.iter().any(|p| {
                    p.segs
                        .iter()
                        .any(|s| matches!(s.as_str(), "fs" | "File" | "read_dir" | "OpenOptions"))
                })
            })
        })
    }

    /// The files of crate `krate`'s package but its Rust sources.
    pub(crate) fn package_data_files(&self, krate: usize) -> impl Iterator<Item = &PathBuf> {
        let package = &self.crates[krate].info.package_dir;
        self.package_files[krate]
            .get_or_init(|| files_under(package, false))
            .iter()
            .filter(|f| f.extension().is_none_or(|x| x != "rs"))
    }

    /// What crate `krate`'s build script reads, as far as the sources show.
    pub(crate) fn build_inputs(&self, krate: usize) -> &[PathBuf] {
        self.build_inputs[krate].get_or_init(|| build_script_inputs(&self.crates[krate].info))
    }

    /// The files of crate `krate`'s package that `text` (a string a proc
    /// macro is given, `IncludeKind::Mentioned`) may name, written in a file
    /// of folder `dir`: relative to the package or to `dir`, else any whose
    /// path ends with it (askama's `path = "x.html"` is under `templates/`);
    /// a folder's files, all of them.
    pub(crate) fn mentioned_files(&self, krate: usize, dir: &Path, text: &str) -> Vec<PathBuf> {
        let package = &self.crates[krate].info.package_dir;
        let rel = Path::new(text);
        for base in [package.as_path(), dir] {
            let p = base.join(rel);
            if p.is_file() {
                return vec![p];
            }
            if p.is_dir() && p != *package {
                return files_under(&p, false);
            }
        }
        self.package_files[krate]
            .get_or_init(|| files_under(package, false))
            .iter()
            .filter(|f| {
                let inside = f.strip_prefix(package).unwrap_or(f);
                inside
                    .ancestors()
                    .any(|a| !a.as_os_str().is_empty() && a.ends_with(rel))
            })
            .cloned()
            .collect()
    }

    /// The library crate a `DepRef::Local` names, by its root file.
    pub(crate) fn lib_by_root(&self, root: &str) -> Option<&CrateInfo> {
        let &c = self.lib_by_root.get(root)?;
        Some(&self.crates[c].info)
    }

    /// Whether node `id` reports where code sits: a call of
    /// `Location::caller()` (under any name of `Location`), a `macro_rules!`
    /// whose body uses
    /// `line!()`, `column!()`, `file!()` or names `caller` (its expansion is
    /// where it is invoked), `line` or `column` handed to a macro (`call_with!
    /// (line)` may invoke it), a proc macro naming them (its output is where
    /// it is applied), and a panic hook reading where the panic happened.
    /// A `#[track_caller]` function is none by itself: it only moves the
    /// place a `Location::caller()` inside it or a panic reports, which
    /// counts once one of those is reached (proc-macro2's `Ident::new` would
    /// otherwise put every reached item's place in syn's functions' hashes).
    pub(crate) fn observes_call_site(&self, id: NodeId) -> bool {
        let n = &self.nodes[id];
        let refs = &n.refs;
        let position_word = |w: &str| matches!(w, "line" | "column");
        let last_segs = || refs.paths.iter().filter_map(|p| p.segs.last());
        if refs
            .paths
            .iter()
            .any(|p| p.segs.len() >= 2 && p.segs.last().is_some_and(|s| s == "caller"))
            || refs.loose.iter().any(|w| position_word(w))
        {
            return true;
        }
        if refs.methods.iter().any(|m| m == "location")
            && last_segs().any(|s| matches!(s.as_str(), "set_hook" | "PanicHookInfo" | "PanicInfo"))
        {
            return true;
        }
        if self.crates[n.krate].info.proc_macro
            && refs
                .macros
                .iter()
                .filter_map(|p| p.segs.last())
                .chain(last_segs())
                .any(|w| position_word(w) || w == "caller")
        {
            return true;
        }
        match &n.detail {
            NodeDetail::MacroDef { body_idents, .. } => {
                refs.macros.iter().any(|m| {
                    matches!(
                        m.segs.last().map(String::as_str),
                        Some("line" | "column" | "file")
                    )
                }) || body_idents
                    .iter()
                    .any(|i| matches!(i.as_str(), "caller" | "line" | "column" | "file"))
            }
            _ => false,
        }
    }

    /// The `macro_rules!` of macro definition `def`'s name in its crate, in
    /// the crate's text order: which of them a bare-name invocation expands
    /// is the last one written before it, and before the first, the name is
    /// another crate's (`#[macro_use] extern crate`) or std's.
    pub(crate) fn textual_macro_defs(&self, def: NodeId) -> Option<Vec<NodeId>> {
        let n = &self.nodes[def];
        if n.kind != Kind::MacroDef {
            return None;
        }
        let mut defs = self.macros_by_name.get(&(n.krate, n.name.clone()))?.clone();
        defs.sort_by_cached_key(|&d| self.text_position(d));
        Some(defs)
    }

    /// Where node `id` sits in its crate's text: the lines of the `mod`
    /// declarations leading to its module, then its own line. Compared as a
    /// sequence, it orders the crate's text as `macro_rules!` scoping reads
    /// it.
    pub(crate) fn text_position(&self, id: NodeId) -> Vec<u32> {
        let mut at = vec![self.nodes[id].line];
        let mut scope = Some(self.nodes[id].scope);
        while let Some(s) = scope {
            let sc = &self.scopes[s];
            if !sc.is_block && sc.parent.is_some() {
                at.push(sc.decl_line);
            }
            scope = sc.parent;
        }
        at.reverse();
        at
    }

    /// An item's digest leaves out what the standard macros and derives of
    /// its names cannot see (`format!("{}", 1_000)` is `1000`; doc comments
    /// of a `#[derive(Default)]` type). Where a macro of that name may be
    /// another, the item's digest as written counts: a `macro_rules!` of the
    /// crate or of a crate it reaches, a `use` of that name (`use
    /// pm::Default`), a glob import of a proc-macro crate or of an external
    /// crate's root, which may bring one.
    fn hash_std_named_as_written(&mut self) {
        let std_named =
            |name: &str| crate::parse::is_std_macro(name) || crate::parse::is_std_derive(name);
        let defined = self.std_named_macro_rules();
        let mut any_name = vec![false; self.crates.len()];
        let mut names: Vec<FxHashSet<String>> = vec![FxHashSet::default(); self.crates.len()];
        let mut m = Memo::default();
        for sc in 0..self.scopes.len() {
            let k = self.scopes[sc].krate;
            for name in self.scopes[sc].imports.keys().filter(|n| std_named(n)) {
                names[k].insert(name.clone());
            }
            for (glob, _) in self.scopes[sc].globs.clone() {
                // A workspace crate's `macro_rules!` are counted above; a
                // proc-macro crate's macros, and those an external crate
                // exports at its root (`use defmt::*`), are not seen.
                let root_of_crate = glob.segs.len() == 1;
                let may_bring = self
                    .resolve_use(sc, &glob, 0, &mut m)
                    .iter()
                    .any(|t| match t {
                        resolve::Target::Scope(s) => {
                            self.crates[self.scopes[*s].krate].info.proc_macro
                        }
                        resolve::Target::Ext(_) => root_of_crate,
                        _ => false,
                    });
                any_name[k] |= may_bring;
            }
        }
        for id in 0..self.nodes.len() {
            let n = &self.nodes[id];
            let Some(written) = n.refs.written else {
                continue;
            };
            let shadowed = any_name[n.krate]
                || n.refs.macros.iter().any(|p| match p.segs.as_slice() {
                    [name] => {
                        names[n.krate].contains(name)
                            || (defined.contains(name.as_str())
                                && !self.workspace_macros_named(id, name).is_empty())
                    }
                    _ => false,
                });
            if shadowed {
                self.nodes[id].hash = written;
            }
        }
    }

    /// The names of the standard library's macros that a workspace
    /// `macro_rules!` has too (usually none).
    fn std_named_macro_rules(&self) -> FxHashSet<String> {
        self.macros_by_name
            .keys()
            .map(|(_, name)| name)
            .filter(|name| crate::parse::is_std_macro(name))
            .cloned()
            .collect()
    }

    /// The workspace `macro_rules!` a bare `name!` in node `id` may expand:
    /// those of its crate whose text may be in scope there
    /// ([`Graph::macro_may_be_in_scope`]), and those the crates it reaches
    /// export.
    fn workspace_macros_named(&self, id: NodeId, name: &str) -> Vec<NodeId> {
        let n = &self.nodes[id];
        let mut out = Vec::new();
        for c in (0..self.crates.len()).filter(|&c| self.reaches(n.krate, c)) {
            let by_name = if c == n.krate {
                &self.macros_by_name
            } else {
                &self.exported_macros
            };
            let defs = by_name.get(&(c, name.to_owned())).into_iter().flatten();
            out.extend(defs.filter(|&&d| c != n.krate || self.macro_may_be_in_scope(d, n.scope)));
        }
        out
    }

    /// Whether the text of `macro_rules!` `d` may be in scope in `scope`:
    /// `scope` is inside the module defining it or, while that module is
    /// `#[macro_use]`, inside its parent, and so on up. Where in the text
    /// the definition sits is not looked at: a use before it counts too.
    pub(crate) fn macro_may_be_in_scope(&self, d: NodeId, scope: ScopeId) -> bool {
        let mut textual = self.scopes[self.nodes[d].scope].module;
        loop {
            if self.enclosing_modules(scope).any(|m| m == textual) {
                return true;
            }
            let s = &self.scopes[textual];
            match s.parent {
                Some(p) if s.macro_use => textual = self.scopes[p].module,
                _ => return false,
            }
        }
    }

    /// A body's invocation of a macro named like one of the standard
    /// library's (`vec!`, `todo!`) is read as the standard one, not as an
    /// item of its block. Where the workspace defines a `macro_rules!` of
    /// that name that may write an impl, the item invoking it may implement
    /// traits for the types it names, and the traits it or the macro's body
    /// names, like an item-level invocation.
    fn index_std_named_invocations(&mut self, m: &mut Memo) {
        let defined = self.std_named_macro_rules();
        if defined.is_empty() {
            return;
        }
        for id in 0..self.nodes.len() {
            let n = &self.nodes[id];
            if n.kind == Kind::MacroCall {
                continue;
            }
            let mut defs: Vec<NodeId> = Vec::new();
            for p in &n.refs.macros {
                let [name] = p.segs.as_slice() else {
                    continue;
                };
                if !defined.contains(name.as_str()) {
                    continue;
                }
                defs.extend(
                    self.workspace_macros_named(id, name)
                        .into_iter()
                        .filter(|&d| {
                            matches!(
                                self.nodes[d].detail,
                                NodeDetail::MacroDef { may_impl: true, .. }
                            )
                        }),
                );
            }
            if defs.is_empty() {
                continue;
            }
            let mut named = Vec::new();
            let call_refs = Arc::clone(&n.refs);
            let scope = n.scope;
            for p in &call_refs.paths {
                named.extend(self.resolve_prefix(scope, p, &[], 0, m).0);
            }
            for d in defs {
                let def_refs = Arc::clone(&self.nodes[d].refs);
                for p in &def_refs.paths {
                    named.extend(
                        self.resolve_prefix(self.nodes[d].scope, p, &[], 0, m)
                            .0
                            .into_iter()
                            .filter(|t| matches!(t, resolve::Target::Node(x) if self.nodes[*x].kind == Kind::Trait)),
                    );
                }
            }
            for t in named {
                if let resolve::Target::Node(x) = t {
                    match self.nodes[x].kind {
                        Kind::Type => self.calls_by_type.entry(x).or_default().push(id),
                        Kind::Trait => self.calls_by_trait.entry(x).or_default().push(id),
                        _ => {}
                    }
                }
            }
        }
    }

    /// The `macro_rules!` an invocation may be: those of its name in the
    /// crates its crate reaches.
    pub(crate) fn macro_defs_named(&self, call: NodeId) -> Vec<NodeId> {
        self.macro_defs_by_name(self.nodes[call].krate, &self.nodes[call].name)
    }

    /// The `macro_rules!` named `name` in `krate` and the crates it reaches.
    fn macro_defs_by_name(&self, krate: usize, name: &str) -> Vec<NodeId> {
        let mut out = Vec::new();
        let mut key = (krate, name.to_owned());
        for c in (0..self.crates.len()).filter(|&c| self.reaches(krate, c)) {
            key.0 = c;
            out.extend(self.macros_by_name.get(&key).into_iter().flatten());
        }
        out
    }

    /// The workspace types path `p` names in `scope` (through aliases), or
    /// invocations that may make them.
    fn key_types_of(&self, scope: ScopeId, p: &PathRef, m: &mut Memo) -> Vec<NodeId> {
        let mut out = Vec::new();
        for t in self.resolve_prefix(scope, p, &[], 0, m).0 {
            if let resolve::Target::Node(x) = t {
                match self.nodes[x].kind {
                    Kind::Type | Kind::MacroCall => out.push(x),
                    Kind::Alias => out.extend(self.aliased_types(x, m)),
                    _ => {}
                }
            }
        }
        out
    }

    /// Whether the macro of item-level invocation `call` is one only its
    /// crate's test build can find: its path, or the import of its name,
    /// leads nowhere in the crate's dependencies (a dev-dependency's
    /// `quickcheck::quickcheck!`). A bare name nothing imports may be a
    /// `#[macro_use]` crate's.
    fn only_in_test_builds(&self, call: NodeId, m: &mut Memo) -> bool {
        let n = &self.nodes[call];
        let Some((p, first)) = n
            .refs
            .macros
            .first()
            .and_then(|p| Some((p, p.segs.first()?)))
        else {
            return false;
        };
        let imported = self.scopes[n.scope].imports.contains_key(first);
        if p.segs.len() == 1 && !imported {
            return false;
        }
        self.resolve_prefix(n.scope, p, &[], 0, m).0.is_empty()
    }

    /// When path `p` names, in `scope`, an alias that may stand for one of
    /// its arguments: the associated types it projects through.
    fn alias_of_argument(&self, scope: ScopeId, p: &PathRef, m: &mut Memo) -> Option<Vec<String>> {
        let mut found: Option<Vec<String>> = None;
        for t in self.resolve_prefix(scope, p, &[], 0, m).0 {
            if let resolve::Target::Node(x) = t {
                if let NodeDetail::AliasOfArgument { projected } = &self.nodes[x].detail {
                    found
                        .get_or_insert_with(Vec::new)
                        .extend(projected.iter().cloned());
                }
            }
        }
        found
    }

    /// The workspace types impls set associated types named `names` to
    /// (`type Fst = Row;`): what a projection through them may be.
    fn projected_types(&self, names: &[String], m: &mut Memo) -> Vec<NodeId> {
        if names.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (x, n) in self.nodes.iter().enumerate() {
            if n.kind == Kind::Alias
                && matches!(n.parent, Parent::Impl(_))
                && names.contains(&n.name)
            {
                out.extend(self.aliased_types(x, m));
            }
        }
        out
    }

    /// The workspace types a type macro of an impl's header may write
    /// (`ty!(Row)`): those its input names, and those the bodies of the
    /// `macro_rules!` of its name name (`macro_rules! ty { () => { Row } }`).
    fn macro_types(&self, scope: ScopeId, kp: &crate::parse::KeyPath, m: &mut Memo) -> Vec<NodeId> {
        let Some(input) = &kp.macro_input else {
            return Vec::new();
        };
        let mut out = self.types_named(&[scope], input, m);
        let name = kp.path.segs.last().cloned().unwrap_or_default();
        for d in self.macro_defs_by_name(self.scopes[scope].krate, &name) {
            if let NodeDetail::MacroDef { body_idents, .. } = &self.nodes[d].detail {
                let scopes = [scope, self.nodes[d].scope];
                out.extend(self.types_named(&scopes, body_idents, m));
            }
        }
        out.retain(|&t| self.nodes[t].kind == Kind::Type);
        out
    }

    /// The workspace types alias `x` stands for.
    fn aliased_types(&self, x: NodeId, m: &mut Memo) -> Vec<NodeId> {
        let mut out = self.alias_targets(x, m, 0);
        out.retain(|&t| self.nodes[t].kind == Kind::Type);
        out
    }

    /// The workspace types and traits the identifiers name in any of the scopes.
    fn types_named(&self, scopes: &[ScopeId], idents: &[String], m: &mut Memo) -> Vec<NodeId> {
        let mut out = Vec::new();
        for ident in idents.iter().filter(|i| self.names_in_scopes.contains(*i)) {
            for &scope in scopes {
                for t in self.lookup(scope, ident, 0, m) {
                    if let resolve::Target::Node(x) = t {
                        match self.nodes[x].kind {
                            Kind::Type | Kind::Trait => out.push(x),
                            // `add_get!(MeterAlias)` writes `impl MeterAlias`.
                            Kind::Alias => out.extend(self.aliased_types(x, m)),
                            _ => {}
                        }
                    }
                }
            }
        }
        out
    }
}

impl Builder<'_> {
    fn new_scope(&mut self, parent: ScopeId, is_block: bool, name: Option<&str>) -> ScopeId {
        let id = self.g.scopes.len();
        let p = &self.g.scopes[parent];
        let mut path = p.path.clone();
        if let Some(n) = name {
            path.push(n.to_owned());
        }
        let krate = p.krate;
        let module_declaration = p.module_declaration;
        let module = if is_block { p.module } else { id };
        let test_only = p.test_only;
        self.g.scopes.push(Scope {
            krate,
            module,
            parent: Some(parent),
            is_block,
            transparent: false,
            conditional: false,
            test_only,
            macro_use: false,
            unsure_imports: FxHashSet::default(),
            path,
            defs: FxHashMap::default(),
            imports: FxHashMap::default(),
            globs: Vec::new(),
            anonymous: Vec::new(),
            macro_calls: Vec::new(),
            declarations: Vec::new(),
            module_declaration,
            decl_line: 0,
        });
        id
    }

    fn define(&mut self, scope: ScopeId, name: &str, d: Def) {
        if !name.is_empty() && name != "_" {
            self.g.scopes[scope]
                .defs
                .entry(name.to_owned())
                .or_default()
                .push(d);
        }
    }

    /// The `use` declarations `entries`, `unsure` when they may not exist.
    fn add_uses(&mut self, scope: ScopeId, entries: &[UseEntry], unsure: bool) {
        let s = &mut self.g.scopes[scope];
        for e in entries {
            match e.alias.as_str() {
                "*" => s.globs.push((e.path.clone(), e.public)),
                "_" => s.anonymous.push(e.path.clone()),
                a => {
                    if unsure {
                        s.unsure_imports.insert(a.to_owned());
                    }
                    s.imports
                        .entry(a.to_owned())
                        .or_default()
                        .push((e.path.clone(), e.public));
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push_node(
        &mut self,
        it: &Item,
        key: String,
        scope: ScopeId,
        file: &Path,
        parent: Parent,
        origin: Option<NodeId>,
        generics: Generics,
        detail: NodeDetail,
    ) -> NodeId {
        let id = self.g.nodes.len();
        let krate = self.g.scopes[scope].krate;
        self.g.crate_nodes[krate].push(id);
        if let Detail::Fn {
            symbol: Some(symbol),
            ..
        }
        | Detail::Static {
            symbol: Some(symbol),
        } = &it.detail
        {
            self.g.exported.entry(symbol.clone()).or_default().push(id);
        }
        // Items declaring things or `use`s in their blocks get a block scope,
        // and one inside it for what their nested blocks declare.
        let own_scope = if !it.inner.is_empty() || !it.refs.uses.is_empty() {
            let b = self.new_scope(scope, true, None);
            self.add_uses(b, &it.refs.uses, false);
            b
        } else {
            scope
        };
        let nested = it.inner.iter().find_map(|i| match &i.detail {
            Detail::Nested(items) => Some(items),
            _ => None,
        });
        let node_scope = match nested {
            Some(_) => {
                let t = self.new_scope(own_scope, true, None);
                self.g.scopes[t].transparent = true;
                t
            }
            None => own_scope,
        };
        let refs = self.with_included_code(&it.refs, krate, file);
        // An impl's or trait's items are compiled with their header.
        let test_only = it.test_only
            || self.g.scopes[scope].test_only
            || match parent {
                Parent::Impl(i) => self
                    .g
                    .impls
                    .get(i)
                    .is_some_and(|im| self.g.nodes[im.header].test_only),
                Parent::Trait(t) => self.g.nodes[t].test_only,
                Parent::Scope => false,
            };
        self.g.nodes.push(Node {
            key,
            name: it.name.clone(),
            kind: it.kind,
            vis: it.vis,
            hash: it.hash,
            scope: node_scope,
            krate,
            file: file.to_path_buf(),
            line: it.line,
            persist: it.persist,
            refs,
            parent,
            generics,
            origin,
            conditional: it.conditional,
            test_only,
            expands: it.expands,
            detail,
        });
        if own_scope != scope {
            let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
            self.add_items(own_scope, &it.inner, file, &dir, origin, 0);
            if let Some(items) = nested {
                self.add_items(node_scope, items, file, &dir, origin, 0);
            }
        }
        id
    }

    /// `include!` of Rust code in an expression: the file's code is the
    /// item's code, so what it mentions counts as the item's mentions.
    fn with_included_code(&mut self, refs: &Arc<Refs>, krate: usize, file: &Path) -> Arc<Refs> {
        let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let mut merged: Option<Refs> = None;
        // (file, the folder its paths are relative to), for each `include!`
        // of code: an included file's own `include!`s are relative to it.
        let mut todo: Vec<(PathExpr, PathBuf)> = refs
            .includes
            .iter()
            .filter(|i| i.kind == IncludeKind::Code)
            .map(|i| (i.path.clone(), dir.clone()))
            .collect();
        let mut read = 0;
        while let Some((expr, base)) = todo.pop() {
            let Some(path) = eval_path(&expr, &base, &|v| (self.env)(krate, v)) else {
                continue;
            };
            read += 1;
            if read > MAX_MOD_DEPTH {
                break;
            }
            let Some(code) = crate::read_file(&path)
                .and_then(|b| String::from_utf8(b).ok())
                .and_then(|t| crate::parse::code_refs(&t))
            else {
                continue;
            };
            let m = merged.get_or_insert_with(|| (**refs).clone());
            m.paths.extend(code.paths);
            m.pat_idents.extend(code.pat_idents);
            m.methods.extend(code.methods);
            m.macros.extend(code.macros);
            m.loose.extend(code.loose);
            m.bounds.extend(code.bounds);
            m.dyn_traits.extend(code.dyn_traits);
            m.env.extend(code.env);
            m.uses.extend(code.uses);
            let here = path.parent().map(Path::to_path_buf).unwrap_or_default();
            for mut inc in code.includes {
                match eval_path(&inc.path, &here, &|v| (self.env)(krate, v)) {
                    // Recorded by where it is, read here if it is code.
                    Some(p) => {
                        if inc.kind == IncludeKind::Code {
                            todo.push((inc.path.clone(), here.clone()));
                        }
                        inc.path = PathExpr::Lit(p.to_string_lossy().into_owned());
                    }
                    None => inc.path = PathExpr::Unknown,
                }
                m.includes.push(inc);
            }
        }
        merged.map_or_else(|| Arc::clone(refs), Arc::new)
    }

    fn add_items(
        &mut self,
        scope: ScopeId,
        items: &[Item],
        file: &Path,
        dir: &Path,
        origin: Option<NodeId>,
        depth: usize,
    ) {
        let prefix = self.g.scopes[scope].path.join("::");
        for it in items {
            // A `mod` declaration's attributes count in the items of the module
            // it declares (Scope::module_declaration), not in its siblings'.
            if matches!(it.kind, Kind::Use | Kind::ExternCrate) && it.hash != [0; 32] {
                self.g.scopes[scope].declarations.push(it.hash);
            }
            match &it.detail {
                // Added by `push_node`, in a scope of their own.
                Detail::Nested(_) => {}
                Detail::Mod {
                    inline,
                    paths,
                    macro_use,
                } => self.add_mod(
                    scope,
                    it,
                    inline.as_deref(),
                    paths,
                    *macro_use,
                    file,
                    dir,
                    origin,
                    depth,
                ),
                Detail::Use(entries) => {
                    self.add_uses(scope, entries, it.conditional || origin.is_some())
                }
                Detail::ExternCrate { krate } => {
                    // `extern crate self as myapp;` names this crate's root.
                    let path = if krate == "self" {
                        PathRef {
                            segs: vec!["crate".to_owned()],
                            global: false,
                        }
                    } else {
                        PathRef {
                            segs: vec![krate.clone()],
                            global: true,
                        }
                    };
                    self.g.scopes[scope]
                        .imports
                        .entry(it.name.clone())
                        .or_default()
                        .push((path, it.vis != Vis::Private));
                }
                Detail::Impl(info) => {
                    let impl_id = self.g.impls.len();
                    let ikey = match &info.trait_ {
                        Some(t) => {
                            format!("{prefix}::<impl {} for {}>", t.display(), info.self_text)
                        }
                        None => format!("{prefix}::<impl {}>", info.self_text),
                    };
                    let header = self.push_node(
                        it,
                        ikey.clone(),
                        scope,
                        file,
                        Parent::Impl(impl_id),
                        origin,
                        info.generics.clone(),
                        NodeDetail::None,
                    );
                    // Reserve the impl before its items so their parent is right.
                    self.g.impls.push(ImplG {
                        header,
                        items: Vec::new(),
                        macro_calls: Vec::new(),
                        scope,
                        self_ty: info.self_ty.clone(),
                        self_text: info.self_text.clone(),
                        trait_: info.trait_.clone(),
                        key_paths: info.key_paths.clone(),
                        generics: info.generics.clone(),
                        key_types: Vec::new(),
                        any_key_type: false,
                        self_types: Vec::new(),
                        trait_node: None,
                    });
                    for ii in &info.items {
                        let detail = macro_call_detail(ii);
                        let generics = fn_generics(ii);
                        let id = self.push_node(
                            ii,
                            format!("{ikey}::{}", ii.name),
                            scope,
                            file,
                            Parent::Impl(impl_id),
                            origin,
                            generics,
                            detail,
                        );
                        if ii.kind == Kind::MacroCall {
                            self.g.impls[impl_id].macro_calls.push(id);
                        } else {
                            self.g.impls[impl_id].items.push(id);
                        }
                    }
                }
                Detail::Trait { items, generics } => {
                    let key = format!("{prefix}::{}", it.name);
                    let id = self.push_node(
                        it,
                        key.clone(),
                        scope,
                        file,
                        Parent::Scope,
                        origin,
                        generics.clone(),
                        NodeDetail::None,
                    );
                    self.define(scope, &it.name, Def::Node(id));
                    let mut by_name: FxHashMap<String, Vec<NodeId>> = FxHashMap::default();
                    for ti in items {
                        let tid = self.push_node(
                            ti,
                            format!("{key}::{}", ti.name),
                            scope,
                            file,
                            Parent::Trait(id),
                            origin,
                            fn_generics(ti),
                            macro_call_detail(ti),
                        );
                        by_name.entry(ti.name.clone()).or_default().push(tid);
                    }
                    self.g.nodes[id].detail = NodeDetail::Trait(by_name);
                }
                Detail::MacroCall { items: parsed, .. } => {
                    // Numbered among the scope's invocations of the same
                    // macro: a key must not move with line numbers.
                    let nth = self.g.scopes[scope]
                        .macro_calls
                        .iter()
                        .filter(|&&c| self.g.nodes[c].name == it.name)
                        .count();
                    let key = format!("{prefix}::{}!#{nth}", it.name);
                    let id = self.push_node(
                        it,
                        key,
                        scope,
                        file,
                        Parent::Scope,
                        origin,
                        Generics::default(),
                        macro_call_detail(it),
                    );
                    self.g.scopes[scope].macro_calls.push(id);
                    if let Some(inner) = parsed {
                        if depth < MAX_MOD_DEPTH {
                            self.add_items(scope, inner, file, dir, Some(id), depth + 1);
                        }
                    }
                    self.add_macro_mods(scope, it, file, dir, id, depth);
                }
                Detail::IncludeItems(path) => {
                    let krate = self.g.scopes[scope].krate;
                    let base = file.parent().unwrap_or(dir).to_path_buf();
                    let found = eval_path(path, &base, &|v| (self.env)(krate, v))
                        .and_then(|p| self.files.get(&p).map(|s| (p, s)));
                    match found {
                        Some((p, summary)) if depth < MAX_MOD_DEPTH => {
                            self.g.used_files.insert(p.clone());
                            // Its `mod leaf;` is next to it, as rustc reads it.
                            let own = p.parent().unwrap_or(dir).to_path_buf();
                            self.add_items(scope, &summary.items, &p, &own, origin, depth + 1);
                        }
                        _ => {
                            // Generated code the sources cannot show: it may
                            // define any name, and name anything in its crate.
                            let nth = self.g.scopes[scope].macro_calls.len();
                            let key = format!("{prefix}::include!#{nth}");
                            let id = self.push_node(
                                it,
                                key,
                                scope,
                                file,
                                Parent::Scope,
                                origin,
                                Generics::default(),
                                NodeDetail::MacroCall {
                                    idents: vec![ANY_NAME.to_owned()],
                                    input: Vec::new(),
                                    parsed: false,
                                    opaque: true,
                                },
                            );
                            self.g.scopes[scope].macro_calls.push(id);
                            self.g.unknown_includes.push((
                                krate,
                                format!("`include!` at {}:{}", file.display(), it.line),
                            ));
                        }
                    }
                }
                Detail::MacroDef {
                    body_idents,
                    body_defines,
                    defines_from_input,
                    input_in_paths,
                    calls_input,
                    declares_mods,
                    exported,
                    may_impl,
                    impl_if,
                } => {
                    let key = format!("{prefix}::{}!", it.name);
                    let id = self.push_node(
                        it,
                        key,
                        scope,
                        file,
                        Parent::Scope,
                        origin,
                        Generics::default(),
                        NodeDetail::MacroDef {
                            body_idents: body_idents.clone(),
                            body_defines: body_defines.clone(),
                            defines_from_input: *defines_from_input,
                            input_in_paths: *input_in_paths,
                            calls_input: *calls_input,
                            declares_mods: *declares_mods,
                            may_impl: *may_impl,
                            impl_if: impl_if.clone(),
                            // Set by `index` once every macro is known.
                            opaque: false,
                        },
                    );
                    let krate = self.g.scopes[scope].krate;
                    // A macro is a name of its module (`use` may import it,
                    // under another name too), and of its crate's root when
                    // exported.
                    self.define(scope, &it.name, Def::Node(id));
                    if *exported {
                        let root = self.g.crates[krate].root;
                        self.define(root, &it.name, Def::Node(id));
                    }
                    self.g
                        .macros_by_name
                        .entry((krate, it.name.clone()))
                        .or_default()
                        .push(id);
                    if *exported {
                        self.g
                            .exported_macros
                            .entry((krate, it.name.clone()))
                            .or_default()
                            .push(id);
                    }
                }
                Detail::None
                | Detail::Fn { .. }
                | Detail::Static { .. }
                | Detail::Enum(_)
                | Detail::ValueStruct
                | Detail::AliasOfArgument { .. }
                | Detail::Foreign { .. } => {
                    let key = format!("{prefix}::{}", it.name);
                    let detail = match &it.detail {
                        Detail::Enum(v) => NodeDetail::Enum(v.clone()),
                        Detail::ValueStruct => NodeDetail::ValueStruct,
                        Detail::AliasOfArgument { projected } => NodeDetail::AliasOfArgument {
                            projected: projected.clone(),
                        },
                        Detail::Foreign { symbol } => NodeDetail::Foreign(symbol.clone()),
                        _ => NodeDetail::None,
                    };
                    let generics = fn_generics(it);
                    let id = self.push_node(
                        it,
                        key,
                        scope,
                        file,
                        Parent::Scope,
                        origin,
                        generics,
                        detail,
                    );
                    if it.kind != Kind::Other {
                        self.define(scope, &it.name, Def::Node(id));
                    }
                }
            }
        }
    }

    /// `modules!(shipping)` whose `macro_rules!` (of this crate, defined
    /// before) writes `mod $m;`, or whose macro is not this crate's (another
    /// crate's `macro_rules!` or a proc macro may write `mod $m;` too): each
    /// identifier of the input with a module file where `mod` would look,
    /// and no item of that name here, is declared as that module.
    fn add_macro_mods(
        &mut self,
        scope: ScopeId,
        call: &Item,
        file: &Path,
        dir: &Path,
        id: NodeId,
        depth: usize,
    ) {
        // In a block, a module needs `#[path]` (rustc refuses `mod m;`
        // there), which an invocation's bare identifiers never give.
        if self.g.scopes[scope].is_block {
            return;
        }
        let krate = self.g.scopes[scope].krate;
        let declares = match self.g.macros_by_name.get(&(krate, call.name.clone())) {
            Some(defs) => defs.iter().any(|&d| {
                matches!(
                    self.g.nodes[d].detail,
                    NodeDetail::MacroDef {
                        declares_mods: true,
                        ..
                    }
                )
            }),
            None => true,
        };
        let Detail::MacroCall { idents, .. } = &call.detail else {
            return;
        };
        if !declares || depth >= MAX_MOD_DEPTH {
            return;
        }
        for ident in idents {
            let defined = self.g.scopes[scope].defs.contains_key(ident);
            let has_file = dir.join(format!("{ident}.rs")).is_file()
                || dir.join(ident).join("mod.rs").is_file();
            if defined || !has_file {
                continue;
            }
            let decl = Item {
                kind: Kind::Mod,
                name: ident.clone(),
                vis: Vis::Public,
                hash: call.hash,
                line: call.line,
                refs: Arc::default(),
                persist: 0,
                detail: Detail::Mod {
                    inline: None,
                    paths: Vec::new(),
                    // The invocation's input may say `#[macro_use]`.
                    macro_use: true,
                },
                inner: Vec::new(),
                conditional: false,
                test_only: false,
                expands: false,
            };
            self.add_mod(
                scope,
                &decl,
                None,
                &[],
                true,
                file,
                dir,
                Some(id),
                depth + 1,
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn add_mod(
        &mut self,
        scope: ScopeId,
        it: &Item,
        inline: Option<&[Item]>,
        paths: &[String],
        macro_use: bool,
        file: &Path,
        dir: &Path,
        origin: Option<NodeId>,
        depth: usize,
    ) {
        let child = self.new_scope(scope, false, Some(&it.name));
        self.g.scopes[child].decl_line = it.line;
        self.g.scopes[child].macro_use = macro_use;
        self.g.scopes[child].test_only |= it.test_only;
        self.g.scopes[child].conditional = it.conditional || origin.is_some();
        if it.hash != [0; 32] {
            let chained = blake3::Hasher::new()
                .update(&self.g.scopes[child].module_declaration)
                .update(&it.hash)
                .finalize();
            self.g.scopes[child].module_declaration = *chained.as_bytes();
        }
        self.define(scope, &it.name, Def::Scope(child));
        if depth > MAX_MOD_DEPTH {
            return;
        }
        match inline {
            Some(inner) => {
                let sub = dir.join(paths.first().map(String::as_str).unwrap_or(&it.name));
                self.inline_depth += 1;
                self.add_items(child, inner, file, &sub, origin, depth + 1);
                self.inline_depth -= 1;
            }
            // A block's `mod m;` without `#[path]` does not compile: one
            // written in a macro's input there (`quote! { mod m; }`) is no
            // module of this crate.
            None if paths.is_empty() && self.g.scopes[scope].is_block => {}
            None => {
                // `#[path]`, and every path a `cfg_attr` may choose: all of them
                // may be the module, so all are read.
                let mut candidates: Vec<(PathBuf, bool)> = paths
                    .iter()
                    .map(|p| {
                        let base = if self.inline_depth > 0 {
                            dir
                        } else {
                            file.parent().unwrap_or(dir)
                        };
                        (base.join(p), true)
                    })
                    .collect();
                // `mod r#match;` is in `match.rs`.
                let name = it.name.strip_prefix("r#").unwrap_or(&it.name);
                candidates.push((dir.join(format!("{name}.rs")), false));
                candidates.push((dir.join(name).join("mod.rs"), false));
                let mut found_any = false;
                let mut default_found = false;
                for (p, explicit) in &candidates {
                    if !explicit && default_found {
                        continue;
                    }
                    if p == file || self.reading.contains(p) {
                        continue;
                    }
                    let Some(summary) = self.files.get(p) else {
                        continue;
                    };
                    found_any = true;
                    default_found |= !explicit;
                    self.g.scopes[child].macro_use |= summary.macro_use;
                    self.g.used_files.insert(p.clone());
                    let sub = if *explicit || is_mod_rs(p) {
                        p.parent().map(Path::to_path_buf).unwrap_or_default()
                    } else {
                        dir.join(&it.name)
                    };
                    // A module's own file is not inside any inline module.
                    let inline = std::mem::take(&mut self.inline_depth);
                    self.reading.push(p.clone());
                    self.add_items(child, &summary.items, p, &sub, origin, depth + 1);
                    self.reading.pop();
                    self.inline_depth = inline;
                }
                if !found_any {
                    let prefix = self.g.scopes[scope].path.join("::");
                    self.g.missing.push(format!(
                        "{prefix}::{} (declared in {})",
                        it.name,
                        file.display()
                    ));
                }
            }
        }
    }
}

/// Closures, and the standard traits that values carrying closures or async
/// code implement (`(0..4).map(|x| x * 2)`, `async { .. }`): their code is
/// written where the value is built.
pub(crate) fn is_code_trait(name: &str) -> bool {
    matches!(
        name,
        "Fn" | "FnMut"
            | "FnOnce"
            | "fn"
            | "Iterator"
            | "DoubleEndedIterator"
            | "ExactSizeIterator"
            | "Future"
            | "IntoFuture"
            | "Stream"
            | "AsyncIterator"
    )
}

/// What a crate's build script reads: the build script itself and its
/// modules, the files and folders they name with string literals
/// (`"data/rates.csv"`, `cargo:rerun-if-changed=...`), or when they name
/// none, every file of its package that is not Rust source (what it reads is
/// only known when it runs).
fn build_script_inputs(c: &CrateInfo) -> Vec<PathBuf> {
    let Some(script) = &c.build_script else {
        return Vec::new();
    };
    let mut out = build_script_sources(script);
    let mut named = Vec::new();
    for source in &out {
        let text = std::fs::read_to_string(source).unwrap_or_default();
        if let Ok(tokens) = text.parse::<proc_macro2::TokenStream>() {
            string_literals(tokens, &mut named);
        }
    }
    let mut found = false;
    for lit in named {
        let rel = lit
            .trim_start_matches("cargo::rerun-if-changed=")
            .trim_start_matches("cargo:rerun-if-changed=");
        if rel.is_empty() || rel.contains('\n') {
            continue;
        }
        let p = c.package_dir.join(rel);
        if p.is_file() {
            out.push(p);
            found = true;
        } else if p.is_dir() && p != c.package_dir {
            out.extend(files_under(&p, false));
            found = true;
        }
    }
    if !found {
        out.extend(files_under(&c.package_dir, true));
    }
    out.sort();
    out.dedup();
    out
}

/// The identifier-like words of a build script's string literals and of
/// the other files it reads: all that code it generates can name.
fn generator_words(inputs: &[PathBuf]) -> FxHashSet<String> {
    let mut out = FxHashSet::default();
    for f in inputs {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        let mut texts = Vec::new();
        if f.extension().is_some_and(|x| x == "rs") {
            if let Ok(tokens) = text.parse::<proc_macro2::TokenStream>() {
                string_literals(tokens, &mut texts);
            }
        } else {
            texts.push(text);
        }
        for t in texts {
            for w in t.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
                if w.starts_with(|c: char| c.is_alphabetic() || c == '_') {
                    out.insert(w.to_owned());
                }
            }
        }
    }
    out
}

/// A build script's root file and the files of the modules it declares
/// (`mod codegen;` in `build/main.rs` is `build/codegen.rs`), found as a
/// crate root's are.
fn build_script_sources(root: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    let dir = root.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut todo = vec![(root.to_path_buf(), dir)];
    while let Some((file, dir)) = todo.pop() {
        if out.contains(&file) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        out.push(file);
        if let Ok(parsed) = syn::parse_file(&text) {
            module_files(&parsed.items, &dir, &mut todo);
        }
    }
    out
}

/// The files of the out-of-line modules `items` declare, each with the
/// folder its own modules are in.
fn module_files(items: &[syn::Item], dir: &Path, out: &mut Vec<(PathBuf, PathBuf)>) {
    use syn::ext::IdentExt as _;
    for item in items {
        let syn::Item::Mod(m) = item else { continue };
        let name = m.ident.unraw().to_string();
        let mut paths = Vec::new();
        for a in &m.attrs {
            crate::parse::mod_paths(a, &mut paths);
        }
        let Some((_, inner)) = &m.content else {
            // Each `#[cfg_attr(.., path = ..)]` may be the one compiled, and
            // where none is, the usual file.
            for path in &paths {
                let file = dir.join(path);
                let own = file.parent().map(Path::to_path_buf).unwrap_or_default();
                out.push((file, own));
            }
            let flat = dir.join(format!("{name}.rs"));
            let nested = dir.join(&name).join("mod.rs");
            if flat.is_file() {
                out.push((flat, dir.join(&name)));
            } else if paths.is_empty() || nested.is_file() {
                out.push((nested, dir.join(&name)));
            }
            continue;
        };
        module_files(inner, &dir.join(&name), out);
    }
}

fn string_literals(tokens: proc_macro2::TokenStream, out: &mut Vec<String>) {
    for tt in tokens {
        match tt {
            proc_macro2::TokenTree::Literal(l) => {
                if let Ok(s) = syn::parse_str::<syn::LitStr>(&l.to_string()) {
                    out.push(s.value());
                }
            }
            proc_macro2::TokenTree::Group(g) => string_literals(g.stream(), out),
            _ => {}
        }
    }
}

/// Files under `dir` (not hidden folders, nor Cargo's target folders); only
/// non-Rust files when `non_rust`.
fn files_under(dir: &Path, non_rust: bool) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let n = e.file_name().to_string_lossy();
            e.depth() == 0
                || !(n.starts_with('.') || (e.file_type().is_dir() && is_cargo_target(e.path())))
        })
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter(|e| !non_rust || e.path().extension().is_none_or(|x| x != "rs"))
        .map(|e| e.into_path())
        .collect()
}

/// Whether folder `dir` is a target folder Cargo made (it marks them),
/// rather than a package's own folder of that name.
fn is_cargo_target(dir: &Path) -> bool {
    dir.file_name().is_some_and(|n| n == "target")
        && (dir.join("CACHEDIR.TAG").is_file() || dir.join(".rustc_info.json").is_file())
}

fn fn_generics(it: &Item) -> Generics {
    match &it.detail {
        Detail::Fn { generics, .. } => generics.clone(),
        _ => Generics::default(),
    }
}

fn macro_call_detail(it: &Item) -> NodeDetail {
    match &it.detail {
        Detail::MacroCall { idents, whole, .. } => NodeDetail::MacroCall {
            idents: idents.clone(),
            input: idents.clone(),
            parsed: *whole,
            opaque: false,
        },
        _ => NodeDetail::None,
    }
}
