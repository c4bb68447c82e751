//! What one node depends on. Each kind of mention has its rule, a function
//! of its own:
//!
//! - structure: an impl's items depend on its header, a trait's items on the
//!   trait, items a macro invocation holds on the invocation;
//! - types reach every impl whose header names them (operators, `From`,
//!   `Display`, `?` need no rule of their own), traits the impls of
//!   non-workspace types;
//! - paths, resolved in the node's scope, with associated items;
//! - pattern identifiers that name constants;
//! - method calls: items of traits in scope (inherent methods join in the
//!   closure once their type is reached);
//! - macros, and what a `macro_rules!` body names at the call site;
//! - loose identifiers of macro input; attribute arguments;
//! - compile-time inputs: included files, environment variables.

use rustc_hash::FxHashSet;
use std::path::PathBuf;
use std::sync::Arc;

use super::closure::ext_trait_impls;
use super::resolve::{is_prelude, Memo, Target};
use super::{Graph, NodeDetail, NodeId, Parent, Reason, ScopeId};
use crate::parse::{is_std_macro, IncludeKind, Kind, PathRef};

/// A file read at compile time.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum IncludeDep {
    /// Its path, evaluated.
    File(PathBuf),
    /// A path that cannot be evaluated here (`OUT_DIR` unknown, a computed
    /// expression): what the note says, and the crate.
    Unknown { krate: usize, what: String },
}

/// The edges of one node.
#[derive(Debug, Default)]
pub(crate) struct Deps {
    /// Nodes it reaches.
    pub edges: Vec<(NodeId, Reason)>,
    /// External crates (`name@version`).
    pub ext: Vec<String>,
    /// Files read at compile time.
    pub includes: Vec<IncludeDep>,
    /// Environment variables read at compile time.
    pub env: Vec<String>,
    /// Why the analysis widened, each prefixed with the node's key.
    pub notes: Vec<Arc<str>>,
    /// The traits whose objects a type, alias or impl header holds.
    pub trait_objects: Vec<TraitObject>,
    /// Choices of resolution the edges cannot show, as text: which of the
    /// candidates an edge list holds applies (a `macro_rules!` imported by
    /// a `use` hides the standard macro of its name, while both are edges).
    pub choices: Vec<String>,
}

/// A trait whose objects a type holds (`Box<dyn Strategy>`): whoever built
/// the value chose the impl, so every impl of the trait counts.
#[derive(Debug)]
pub(crate) enum TraitObject {
    /// A workspace trait, with the name the type writes.
    Workspace { trait_: NodeId, name: Arc<str> },
    /// A trait from outside the workspace (or one its blanket impls forward
    /// to), by name.
    External(String),
}

impl Deps {
    fn edge(&mut self, n: NodeId, why: Reason) {
        self.edges.push((n, why));
    }

    fn note(&mut self, note: String) {
        self.notes.push(note.into());
    }
}

/// The environment `include!` paths see at analysis time, per crate.
pub(crate) type EnvFn<'a> = &'a (dyn Fn(usize, &str) -> Option<String> + Sync);

impl Graph {
    /// Everything node `id` depends on.
    pub(crate) fn deps(&self, id: NodeId, env: EnvFn<'_>, m: &mut Memo) -> Deps {
        let n = &self.nodes[id];
        let mut out = Deps::default();
        let self_ctx = self.self_ctx(id);
        self.structure_edges(id, &mut out, m);
        for p in &n.refs.paths {
            self.path_edges(id, p, &self_ctx, &mut out, m);
        }
        for p in &n.refs.attr_paths {
            self.attr_path_edges(id, p, &self_ctx, &mut out, m);
        }
        for name in &n.refs.pat_idents {
            self.pattern_edges(id, name, &mut out, m);
        }
        if !n.refs.methods.is_empty() {
            let in_scope = self.traits_in_scope(n.scope, m);
            out.ext.extend(in_scope.ext.iter().cloned());
            out.choices.extend(
                in_scope
                    .hidden
                    .iter()
                    .map(|name| format!("glob-imported trait {name} hidden by a type")),
            );
            let traits = self.method_traits(id, m);
            for name in &n.refs.methods {
                self.method_edges(name, &traits, &mut out);
            }
            for (sc, p) in &in_scope.unresolved {
                self.unresolved_import_edges(*sc, p, &mut out, m);
            }
        }
        for p in &n.refs.macros {
            self.macro_edges(id, p, env, &mut out, m);
        }
        // The input of an item-level invocation: its identifiers name what
        // they find; only a macro that puts them after `::` (or one whose body
        // is unknown) may reach an item elsewhere, found by widening.
        let widen_loose = n.kind != Kind::MacroCall || self.input_may_be_paths(id);
        for name in &n.refs.loose {
            self.loose_edges(id, name, widen_loose, &mut out, m);
        }
        for name in &n.refs.attr_idents {
            self.loose_edges(id, name, false, &mut out, m);
        }
        self.include_edges(id, env, &mut out);
        self.trait_objects(id, &self_ctx, &mut out, m);
        out.env.extend(n.refs.env.iter().cloned());
        out.notes
            .extend(n.refs.notes.iter().map(|x| Arc::from(x.as_str())));
        out.notes = out
            .notes
            .iter()
            .map(|note| Arc::from(format!("{}: {note}", n.key)))
            .collect();
        out.notes.sort();
        out.notes.dedup();
        out.edges.retain(|(x, _)| *x != id);
        // One edge per item and name written (the first reason of each item
        // stays first): which name leads to which item is in its digest.
        out.edges.sort_by_key(|(x, _)| *x);
        out.edges
            .dedup_by(|a, b| a.0 == b.0 && a.1.name_written() == b.1.name_written());
        out.ext.retain(|e| !e.is_empty());
        out.ext.sort();
        out.ext.dedup();
        out
    }

    /// The trait objects a type, alias or impl header (`impl Holder<dyn
    /// Codec>`) holds: `dyn Trait`, and in a type or alias, a workspace trait
    /// named as a type (a trait object of edition 2015, written without
    /// `dyn`); not in a bound: the code that names the type names its
    /// parameters. An impl header names its own trait: only its `dyn`s count.
    /// Closures and function pointers are the walk's `builders`.
    fn trait_objects(&self, id: NodeId, self_ctx: &[Target], out: &mut Deps, m: &mut Memo) {
        let node = &self.nodes[id];
        if !matches!(node.kind, Kind::Type | Kind::Alias | Kind::Impl) {
            return;
        }
        let dyn_traits = node.refs.dyn_traits.iter().map(|p| (p, true));
        let in_type = matches!(node.kind, Kind::Type | Kind::Alias);
        let named = node
            .refs
            .paths
            .iter()
            .filter(|p| in_type && !node.refs.bounds.contains(p))
            .map(|p| (p, false));
        for (p, is_dyn) in dyn_traits.chain(named) {
            let Some(name) = p.segs.last() else { continue };
            let mut in_workspace = false;
            for t in self.resolve_full(id, p, self_ctx, m) {
                if let Target::Node(trait_) = t {
                    if self.nodes[trait_].kind == Kind::Trait {
                        in_workspace = true;
                        let name = name.as_str().into();
                        out.trait_objects
                            .push(TraitObject::Workspace { trait_, name });
                    }
                }
            }
            if !is_dyn || in_workspace || matches!(name.as_str(), "Fn" | "FnMut" | "FnOnce" | "fn")
            {
                continue;
            }
            for ext in ext_trait_impls(self.original_names(node.scope, p, m)) {
                out.trait_objects.push(TraitObject::External(ext));
            }
        }
    }

    /// Whether the input of invocation `call` may hold names of items
    /// elsewhere: its macro is unknown, or puts its input after `::`.
    fn input_may_be_paths(&self, call: NodeId) -> bool {
        let defs = self.macro_defs_named(call);
        defs.is_empty()
            || defs.iter().any(|&d| {
                matches!(
                    self.nodes[d].detail,
                    NodeDetail::MacroDef {
                        input_in_paths: true,
                        ..
                    }
                )
            })
    }

    pub(crate) fn resolve_full(
        &self,
        id: NodeId,
        p: &PathRef,
        self_ctx: &[Target],
        m: &mut Memo,
    ) -> Vec<Target> {
        let (t, rest) = self.resolve_prefix(self.nodes[id].scope, p, self_ctx, 0, m);
        if rest < p.segs.len() {
            Vec::new()
        } else {
            t
        }
    }

    fn structure_edges(&self, id: NodeId, out: &mut Deps, m: &mut Memo) {
        let n = &self.nodes[id];
        match n.parent {
            Parent::Impl(i) => {
                let im = &self.impls[i];
                if im.header == id {
                    if let Some(t) = im.trait_node {
                        out.edge(t, Reason::Structure);
                    }
                    if let Some(t) = &im.trait_ {
                        for target in self.resolve_prefix(im.scope, t, &[], 0, m).0 {
                            if let Target::Ext(c) = target {
                                out.ext.push(c);
                            }
                        }
                    }
                    if n.expands {
                        // An attribute macro's output (a method, a free
                        // function) may read or call any of the impl's items.
                        for &item in im.items.iter().chain(&im.macro_calls) {
                            out.edge(item, Reason::Structure);
                        }
                    }
                } else {
                    out.edge(im.header, Reason::Structure);
                }
            }
            Parent::Trait(t) => out.edge(t, Reason::Structure),
            Parent::Scope => {}
        }
        if let Some(call) = n.origin {
            out.edge(call, Reason::Generated);
        }
        if let NodeDetail::MacroCall { idents, .. } = &n.detail {
            if idents.iter().any(|i| i == super::ANY_NAME) {
                // Generated code names only what its generator writes.
                for &x in &self.crate_nodes[n.krate] {
                    if self.generated_may_name(n.krate, &self.nodes[x].name) {
                        out.edge(x, Reason::Widened("generated code".into()));
                    }
                }
                out.note(
                    "`include!` of generated code: the items of its crate its build script names count"
                        .into(),
                );
                // Its content comes from the build script and what it reads,
                // and is in `OUT_DIR`, which the build knows.
                for f in self.build_inputs(n.krate) {
                    out.includes.push(IncludeDep::File(f.clone()));
                }
                out.includes.push(IncludeDep::Unknown {
                    krate: n.krate,
                    what: "`include!` of generated code".to_owned(),
                });
            }
        }
        match n.kind {
            Kind::Type => {
                // Trait impls naming this type join in the closure once all
                // their types are reached (`closure.rs`); invocations that may
                // implement traits for it join now.
                for &c in self.calls_by_type.get(&id).into_iter().flatten() {
                    out.edge(c, Reason::ImplOf);
                }
                // Its inherent impls under an attribute macro, which may add
                // methods of names the analysis cannot see.
                for &h in self.expanding_impls.get(&id).into_iter().flatten() {
                    out.edge(h, Reason::ImplOf);
                }
            }
            Kind::Trait => {
                // (Its impls for types outside the workspace are the walk's:
                // which crates count depends on the marked function.)
                for &c in self.calls_by_type.get(&id).into_iter().flatten() {
                    out.edge(c, Reason::ImplOf);
                }
                // Supertraits.
                for t in self.bound_traits(id, m) {
                    out.edge(t, Reason::Structure);
                }
            }
            _ => {}
        }
    }

    /// Workspace traits named in node `id`'s bounds (generic bounds, `impl
    /// Trait`, `dyn Trait`, a trait's supertraits).
    pub(crate) fn bound_traits(&self, id: NodeId, m: &mut Memo) -> Vec<NodeId> {
        let n = &self.nodes[id];
        let self_ctx = self.self_ctx(id);
        let mut out = Vec::new();
        for p in n.refs.bounds.iter().chain(&n.refs.dyn_traits) {
            for t in self.resolve_full(id, p, &self_ctx, m) {
                if let Target::Node(tr) = t {
                    if self.nodes[tr].kind == Kind::Trait {
                        out.push(tr);
                    }
                }
            }
        }
        out
    }

    /// Traits from outside the workspace named in node `id`'s bounds, by
    /// name (`Display`, `Into`): the impls that may run for a type the
    /// caller chooses are found by that name.
    pub(crate) fn bound_ext_traits(&self, id: NodeId, m: &mut Memo) -> Vec<String> {
        let n = &self.nodes[id];
        let self_ctx = self.self_ctx(id);
        let mut out = Vec::new();
        for p in n.refs.bounds.iter().chain(&n.refs.dyn_traits) {
            let in_workspace = self
                .resolve_full(id, p, &self_ctx, m)
                .iter()
                .any(|t| matches!(t, Target::Node(tr) if self.nodes[*tr].kind == Kind::Trait));
            if !in_workspace {
                out.extend(self.original_names(n.scope, p, m));
            }
        }
        out
    }

    fn target_edge(&self, t: &Target, why: &Reason, out: &mut Deps) {
        match t {
            Target::Node(n) => out.edge(*n, why.clone()),
            Target::Ext(c) => out.ext.push(c.clone()),
            Target::Scope(_) | Target::Prim | Target::AnySelf(_) => {}
        }
    }

    fn path_edges(
        &self,
        id: NodeId,
        p: &PathRef,
        self_ctx: &[Target],
        out: &mut Deps,
        m: &mut Memo,
    ) {
        let n = &self.nodes[id];
        let (targets, rest) = self.resolve_prefix(n.scope, p, self_ctx, 0, m);
        let why = Reason::Named((p.display()).into());
        for t in &targets {
            if let Target::Node(x) = t {
                if self.nodes[*x].kind == Kind::MacroCall {
                    out.note(format!(
                        "`{}` is not visible to syn: the macro invocation `{}!` that may define it counts whole",
                        p.display(),
                        self.nodes[*x].name
                    ));
                }
            }
        }
        let resolved = targets.iter().any(|t| match t {
            Target::Node(x) => self.nodes[*x].kind != Kind::MacroCall,
            _ => true,
        });
        if !resolved && p.segs.len() > 1 {
            let last = p.segs.last().map(String::as_str).unwrap_or_default();
            self.pasted_name_edges(id, p, last, out, m);
        }
        if !targets.is_empty() {
            let mut type_relative = false;
            for t in &targets {
                if rest < p.segs.len() {
                    self.assoc_edges(t, &p.segs[rest], &why, out, m, 0);
                    type_relative |= self.may_be_type(t);
                } else {
                    self.target_edge(t, &why, out);
                }
            }
            if type_relative {
                self.trait_item_edges(id, &p.segs[rest], out, m);
            }
            // `HashMap::named()` after `use std::collections::HashMap`: the
            // whole path resolves into another crate, where the analysis
            // cannot tell a type's item from a module's.
            if rest == p.segs.len()
                && p.segs.len() > 1
                && targets.iter().any(|t| matches!(t, Target::Ext(_)))
            {
                self.trait_item_edges(id, &p.segs[rest - 1], out, m);
            }
            return;
        }
        let first = &p.segs[0];
        if p.segs.len() > 1 && !p.global && is_prelude(first) {
            // `String::named(..)`, `u32::TOP`: an item of a trait in scope.
            self.trait_item_edges(id, &p.segs[1], out, m);
        }
        if p.global
            || matches!(
                first.as_str(),
                "std" | "core" | "alloc" | "self" | "Self" | "crate" | "super"
            )
        {
            return;
        }
        if p.segs.len() == 1 && is_prelude(first) {
            return;
        }
        let last = p.segs.last().cloned().unwrap_or_default();
        let qualified = p.segs.len() > 1;
        // Through a `use` of something the analysis does not see (`pub use
        // alpha::path as section_path`, `alpha` written by `section!(alpha)`).
        for (sc, import) in self.imports_of(id, p, m) {
            self.unresolved_import_edges(sc, &import, out, m);
        }
        self.widen_by_name(id, &last, &p.display(), qualified, qualified, out, m);
        if qualified && !is_prelude(first) && self.lookup_first(n.scope, first, 0, m).is_empty() {
            // `ConfigBuilder::default()`: the first name is found nowhere
            // either, and may be written by what writes names here.
            self.widen_by_name(id, first, first, false, false, out, m);
        }
    }

    /// The `use`s path `p` (which resolves to nothing) goes through for its
    /// last name, where that name is looked up, when they resolve to nothing
    /// either.
    fn imports_of(&self, id: NodeId, p: &PathRef, m: &mut Memo) -> Vec<(ScopeId, PathRef)> {
        let Some((last, prefix)) = p.segs.split_last() else {
            return Vec::new();
        };
        let n = &self.nodes[id];
        let scopes: Vec<ScopeId> = if prefix.is_empty() {
            self.enclosing_scopes(n.scope).collect()
        } else {
            let prefix = PathRef {
                segs: prefix.to_vec(),
                global: p.global,
            };
            self.resolve_use(n.scope, &prefix, 0, m)
                .into_iter()
                .filter_map(|t| match t {
                    Target::Scope(sc) => Some(sc),
                    _ => None,
                })
                .collect()
        };
        let mut out = Vec::new();
        for sc in scopes {
            for (import, _) in self.scopes[sc].imports.get(last).into_iter().flatten() {
                if self.resolve_use(sc, import, 0, m).is_empty() {
                    out.push((sc, import.clone()));
                }
            }
        }
        out
    }

    /// A `use` of `import` in scope `sc`, which resolves to nothing the
    /// analysis sees: an item-level macro invocation in the last module the
    /// path does reach may have written the rest (`ext_mod!(ext)` in
    /// `sections` for `crate::sections::ext::Twice`): the invocations there
    /// that name one of the missing names, or whose expansion is unknown.
    fn unresolved_import_edges(&self, sc: ScopeId, import: &PathRef, out: &mut Deps, m: &mut Memo) {
        // Into another crate (`use perscache::persist`, a dependency the
        // analysis leaves out): no macro of this crate writes it.
        let info = &self.crates[self.scopes[sc].krate].info;
        let first = import.segs.first().map(String::as_str).unwrap_or_default();
        if import.global
            || matches!(first, "std" | "core" | "alloc" | "proc_macro" | "test")
            || info.deps.contains_key(first)
            || info.test_deps.contains_key(first)
            || crate::model::is_perscache(&first.replace('_', "-"))
        {
            return;
        }
        let mut reached = vec![self.scopes[sc].module];
        let mut missing = &import.segs[..];
        for len in 1..import.segs.len() {
            let prefix = PathRef {
                segs: import.segs[..len].to_vec(),
                global: import.global,
            };
            let modules: Vec<ScopeId> = self
                .resolve_use(sc, &prefix, 0, m)
                .into_iter()
                .filter_map(|t| match t {
                    Target::Scope(s) => Some(self.scopes[s].module),
                    _ => None,
                })
                .collect();
            if modules.is_empty() {
                break;
            }
            reached = modules;
            missing = &import.segs[len..];
        }
        let why = Reason::Widened(import.display().into());
        let mut calls = 0;
        for &module in &reached {
            let krate = self.scopes[module].krate;
            for &x in self.item_macro_calls[krate]
                .iter()
                .chain(&self.expanders[krate])
            {
                if self.scopes[self.nodes[x].scope].module != module {
                    continue;
                }
                let writes = match &self.nodes[x].detail {
                    NodeDetail::MacroCall { idents, opaque, .. } => {
                        *opaque || missing.iter().any(|seg| idents.contains(seg))
                    }
                    // An attribute macro's or derive's expansion.
                    _ => true,
                };
                if writes {
                    out.edge(x, why.clone());
                    calls += 1;
                }
            }
        }
        if calls > 0 {
            out.note(format!(
                "`use {}` names nothing syn can see: the macro invocations that may write it count",
                import.display()
            ));
        }
    }

    /// `base::part` found nowhere in `base`: a macro may glue the rest of
    /// the name on (`seq!(N in 1..=2 { base::part~N() })`, `paste!`), so the
    /// items of `base` whose names start with `part` count.
    fn pasted_name_edges(&self, id: NodeId, p: &PathRef, last: &str, out: &mut Deps, m: &mut Memo) {
        let prefix = PathRef {
            segs: p.segs[..p.segs.len() - 1].to_vec(),
            global: p.global,
        };
        let why = Reason::Widened(format!("`{}` may be glued to more", p.display()).into());
        let before = out.edges.len();
        let mut expanders = 0;
        for t in self.resolve_use(self.nodes[id].scope, &prefix, 0, m) {
            if let Target::Scope(sc) = t {
                for (name, defs) in &self.scopes[sc].defs {
                    if name.len() > last.len() && name.starts_with(last) {
                        for d in defs {
                            if let super::Def::Node(x) = d {
                                out.edge(*x, why.clone());
                            }
                        }
                    }
                }
                // Or an attribute macro or custom derive of the module wrote it.
                let module = self.scopes[sc].module;
                let krate = self.scopes[sc].krate;
                for &x in &self.expanders[krate] {
                    if self.scopes[self.nodes[x].scope].module == module {
                        out.edge(x, Reason::Widened(p.display().into()));
                        expanders += 1;
                    }
                }
            }
        }
        if out.edges.len() > before + expanders {
            out.note(format!(
                "`{}` is not resolved: the items of its module whose names start with `{last}` count",
                p.display()
            ));
        }
        if expanders > 0 {
            out.note(format!(
                "`{}` is not resolved: the items of its module under attribute macros or custom derives, which may write it, count",
                p.display()
            ));
        }
    }

    /// A path written as a string in an attribute: like a path, and a module
    /// named there counts whole (`#[serde(with = "codec")]` calls its
    /// `serialize` and `deserialize`).
    fn attr_path_edges(
        &self,
        id: NodeId,
        p: &PathRef,
        self_ctx: &[Target],
        out: &mut Deps,
        m: &mut Memo,
    ) {
        let (targets, rest) = self.resolve_prefix(self.nodes[id].scope, p, self_ctx, 0, m);
        if rest == p.segs.len() {
            for t in &targets {
                if let Target::Scope(s) = t {
                    for d in self.scopes[*s].defs.values().flatten() {
                        if let super::Def::Node(x) = d {
                            out.edge(*x, Reason::Named((p.display()).into()));
                        }
                    }
                }
            }
        }
        self.path_edges(id, p, self_ctx, out, m);
    }

    /// `T::name`, `Trait::name`, `Alias::name`, `Enum::Variant`.
    fn assoc_edges(
        &self,
        t: &Target,
        name: &str,
        why: &Reason,
        out: &mut Deps,
        m: &mut Memo,
        depth: usize,
    ) {
        match t {
            Target::Node(x) => {
                let x = *x;
                match self.nodes[x].kind {
                    Kind::Type => {
                        out.edge(x, why.clone());
                        for (ty, item) in self.inherent.get(name).into_iter().flatten() {
                            if *ty == x {
                                out.edge(*item, why.clone());
                            }
                        }
                    }
                    Kind::Trait => {
                        out.edge(x, why.clone());
                        if let NodeDetail::Trait(items) = &self.nodes[x].detail {
                            for &it in items.get(name).into_iter().flatten() {
                                out.edge(it, why.clone());
                            }
                        }
                    }
                    Kind::Alias if depth < 8 => {
                        out.edge(x, why.clone());
                        for ty in self.alias_targets(x, m, 0) {
                            self.assoc_edges(&Target::Node(ty), name, why, out, m, depth + 1);
                        }
                        // `Same::<Row>::new` with `type Same<T> = T`: the
                        // arguments are not in the path as recorded, so any
                        // type's item of that name.
                        if matches!(self.nodes[x].detail, NodeDetail::AliasOfArgument { .. }) {
                            for (_, item) in self.inherent.get(name).into_iter().flatten() {
                                out.edge(*item, why.clone());
                            }
                        }
                    }
                    _ => out.edge(x, why.clone()),
                }
            }
            Target::AnySelf(tr) => {
                out.edge(*tr, why.clone());
                if let NodeDetail::Trait(items) = &self.nodes[*tr].detail {
                    for &it in items.get(name).into_iter().flatten() {
                        out.edge(it, why.clone());
                    }
                }
            }
            Target::Ext(c) => out.ext.push(c.clone()),
            Target::Scope(_) | Target::Prim => {}
        }
    }

    /// The workspace types and traits a type alias stands for.
    pub(crate) fn alias_targets(&self, alias: NodeId, m: &mut Memo, depth: usize) -> Vec<NodeId> {
        if depth > 8 {
            return Vec::new();
        }
        let a = &self.nodes[alias];
        let self_ctx = self.self_ctx(alias);
        let mut out = Vec::new();
        for p in &a.refs.paths {
            for t in self.resolve_full(alias, p, &self_ctx, m) {
                if let Target::Node(x) = t {
                    match self.nodes[x].kind {
                        Kind::Type | Kind::Trait => out.push(x),
                        Kind::Alias => out.extend(self.alias_targets(x, m, depth + 1)),
                        _ => {}
                    }
                }
            }
        }
        out
    }

    /// `match x { LIMIT => .. }`: a constant, unit struct or variant in scope.
    fn pattern_edges(&self, id: NodeId, name: &str, out: &mut Deps, m: &mut Memo) {
        for t in self.lookup_first(self.nodes[id].scope, name, 0, m) {
            match t {
                Target::Node(x) => {
                    let node = &self.nodes[x];
                    // An item-level macro invocation that may define the
                    // name may define a constant: it counts whole.
                    let value = matches!(node.kind, Kind::Value | Kind::MacroCall)
                        || matches!(node.detail, NodeDetail::ValueStruct)
                        || matches!(&node.detail, NodeDetail::Enum(v) if v.iter().any(|v| v == name));
                    if value {
                        out.edge(x, Reason::Named((name.to_owned()).into()));
                    }
                }
                Target::Ext(c) => out.ext.push(c),
                _ => {}
            }
        }
    }

    /// `Type::name` (`u32::quad`, `String::named`, `Alias::TOP`): besides
    /// the type's inherent items, the items of that name of the traits node
    /// `id` may call without naming them, as for a method.
    fn trait_item_edges(&self, id: NodeId, name: &str, out: &mut Deps, m: &mut Memo) {
        let traits = self.method_traits(id, m);
        self.method_edges(name, &traits, out);
    }

    /// Whether a path's prefix may name a type, whose associated items
    /// include those of traits in scope: a primitive, a workspace type or
    /// alias, an item of another crate (a type, or a module), or `Self` in
    /// a trait (whose supertraits' items are its items too).
    fn may_be_type(&self, t: &Target) -> bool {
        match t {
            Target::Prim | Target::Ext(_) | Target::AnySelf(_) => true,
            Target::Node(x) => matches!(self.nodes[*x].kind, Kind::Type | Kind::Alias),
            Target::Scope(_) => false,
        }
    }

    /// `x.name()`: the items of that name of traits in scope. (Inherent
    /// methods of that name join in the closure once their type is reached:
    /// see `closure.rs`.)
    fn method_edges(&self, name: &str, traits: &[NodeId], out: &mut Deps) {
        let why = Reason::Method(name.into());
        for &tr in traits {
            if let NodeDetail::Trait(items) = &self.nodes[tr].detail {
                for &it in items.get(name).into_iter().flatten() {
                    out.edge(it, why.clone());
                }
            }
        }
    }

    /// Traits whose methods node `id` can call without naming them: those in
    /// scope (see `traits_in_scope`), those of its bounds (and its impl's or
    /// trait's), and their supertraits.
    fn method_traits(&self, id: NodeId, m: &mut Memo) -> Vec<NodeId> {
        let n = &self.nodes[id];
        let mut out = self.traits_in_scope(n.scope, m).traits.clone();
        out.extend(self.bound_traits(id, m));
        match n.parent {
            Parent::Impl(i) => {
                let im = &self.impls[i];
                out.extend(self.bound_traits(im.header, m));
                out.extend(im.trait_node);
            }
            Parent::Trait(t) => out.push(t),
            Parent::Scope if n.kind == Kind::Trait => out.push(id),
            Parent::Scope => {}
        }
        // Supertraits, transitively.
        let mut seen: FxHashSet<NodeId> = FxHashSet::default();
        let mut stack = out;
        while let Some(t) = stack.pop() {
            if seen.insert(t) {
                stack.extend(self.bound_traits(t, m));
            }
        }
        let mut v: Vec<NodeId> = seen.into_iter().collect();
        v.sort_unstable();
        v
    }

    pub(crate) fn cone_crates(&self, krate: usize) -> impl Iterator<Item = usize> + '_ {
        (0..self.crates.len()).filter(move |&c| self.reaches(krate, c))
    }

    /// The `macro_rules!` that invocation `p!` in node `id` may be, the
    /// external crates it may come from, and whether a workspace proc-macro
    /// crate may define it.
    fn macro_defs(
        &self,
        id: NodeId,
        p: &PathRef,
        m: &mut Memo,
    ) -> (Vec<NodeId>, Vec<String>, bool) {
        let n = &self.nodes[id];
        let krate = n.krate;
        let last = p.segs.last().cloned().unwrap_or_default();
        let mut found: Vec<NodeId> = Vec::new();
        let mut ext = Vec::new();
        let mut into_proc_macro = false;
        if p.segs.len() == 1 {
            // `macro_rules!` scoping is textual: a macro of that name in the
            // crate whose text may be in scope here, or one exported by a
            // crate it reaches. A `macro_rules!` body's invocations expand
            // where it is invoked: any of the crate's may be in scope there.
            // (A `#[macro_export]` one is also an item of the crate root,
            // found by name resolution below.)
            found.extend(
                self.macros_by_name
                    .get(&(krate, last.clone()))
                    .into_iter()
                    .flatten()
                    .filter(|&&d| {
                        n.kind == Kind::MacroDef || self.macro_may_be_in_scope(d, n.scope)
                    }),
            );
            let mut key = (krate, last.clone());
            for c in self.cone_crates(krate) {
                key.0 = c;
                found.extend(self.exported_macros.get(&key).into_iter().flatten());
            }
        }
        let (targets, rest) = self.resolve_prefix(n.scope, p, &[], 0, m);
        let mut scan = |t: &Target, found: &mut Vec<NodeId>| match t {
            Target::Scope(s) => {
                let c = self.scopes[*s].krate;
                found.extend(
                    self.exported_macros
                        .get(&(c, last.clone()))
                        .into_iter()
                        .flatten(),
                );
                found.extend(
                    self.macros_by_name
                        .get(&(c, last.clone()))
                        .into_iter()
                        .flatten(),
                );
                into_proc_macro |= self.crates[c].info.proc_macro;
            }
            Target::Node(x) => {
                if self.nodes[*x].kind == Kind::MacroDef {
                    found.push(*x);
                }
                into_proc_macro |= self.crates[self.nodes[*x].krate].info.proc_macro;
            }
            Target::Ext(c) => ext.push(c.clone()),
            Target::Prim | Target::AnySelf(_) => {}
        };
        if rest == p.segs.len() {
            for t in &targets {
                scan(t, &mut found);
            }
        }
        let mut via_glob = false;
        if p.segs.len() == 1 {
            // `use pm::Default;` then `#[derive(Default)]`: a proc macro's
            // name is no item of its crate, so the import resolves to
            // nothing there; its crate is what it names. So may a glob
            // import of a proc-macro crate (`use pm::*`).
            for s in self.enclosing_scopes(n.scope) {
                for (import, _) in self.scopes[s].imports.get(&last).into_iter().flatten() {
                    if import.segs.len() > 1 {
                        let prefix = PathRef {
                            segs: import.segs[..import.segs.len() - 1].to_vec(),
                            global: import.global,
                        };
                        for t in self.resolve_use(s, &prefix, 0, m) {
                            scan(&t, &mut found);
                        }
                    }
                }
                // (Not for a standard macro's name, on every body's path.)
                let globs = if is_std_macro(&last) {
                    &[][..]
                } else {
                    &self.scopes[s].globs[..]
                };
                for (glob, _) in globs {
                    for t in self.resolve_use(s, glob, 0, m) {
                        if let Target::Scope(g) = t {
                            via_glob |= self.crates[self.scopes[g].krate].info.proc_macro;
                        }
                    }
                }
            }
        }
        if p.segs.len() > 1 {
            // `dep::mac!`: look in the module the prefix names.
            let prefix = PathRef {
                segs: p.segs[..p.segs.len() - 1].to_vec(),
                global: p.global,
            };
            for t in self.resolve_prefix(n.scope, &prefix, &[], 0, m).0 {
                scan(&t, &mut found);
            }
        }
        found.sort_unstable();
        found.dedup();
        (found, ext, into_proc_macro || via_glob)
    }

    fn macro_edges(&self, id: NodeId, p: &PathRef, env: EnvFn<'_>, out: &mut Deps, m: &mut Memo) {
        let krate = self.nodes[id].krate;
        let last = p.segs.last().cloned().unwrap_or_default();
        let (found, ext, into_proc_macro) = self.macro_defs(id, p, m);
        if p.segs.len() == 1 {
            // Whether a `use` names the macro: then it, not the standard
            // macro or a `macro_rules!` in textual scope, is the one.
            let (targets, rest) = self.resolve_prefix(self.nodes[id].scope, p, &[], 0, m);
            if rest == p.segs.len() {
                for t in &targets {
                    let choice = match t {
                        Target::Node(x) => self.nodes[*x].key.clone(),
                        Target::Ext(c) => c.clone(),
                        _ => continue,
                    };
                    out.choices.push(format!("{last}! is {choice}"));
                }
            }
        }
        if p.segs.len() == 1 && found.len() + ext.len() + usize::from(is_std_macro(&last)) > 1 {
            // A `macro_rules!` shadows the others, `use`d ones too, from its
            // definition on: moving one across the invocation picks another.
            let n = &self.nodes[id];
            for &d in &found {
                let def = &self.nodes[d];
                if def.file == n.file {
                    let side = if def.line < n.line { "before" } else { "after" };
                    out.choices.push(format!("{last}! {} {side}", def.key));
                }
            }
        }
        let external = !ext.is_empty();
        if external {
            // Its expansion may read the package's variables.
            out.env.push(crate::parse::PACKAGE_ENV_VARS.to_owned());
        }
        out.ext.extend(ext);
        let why = Reason::Macro((p.display()).into());
        for &d in &found {
            out.edge(d, why.clone());
        }
        // The expansion is here, and so are the expansions of the macros
        // its body invokes, transitively (`$crate::__helper!($x)`): what
        // their bodies name resolves here too.
        let mut expanded = found.clone();
        let mut i = 0;
        while i < expanded.len() && expanded.len() < 64 {
            let d = expanded[i];
            i += 1;
            for inner in &self.nodes[d].refs.macros {
                for x in self.macro_defs(d, inner, m).0 {
                    if !expanded.contains(&x) {
                        expanded.push(x);
                    }
                }
            }
        }
        for &d in &expanded {
            self.expansion_edges(id, d, p, env, out, m);
        }
        let known = !found.is_empty() || external || is_std_macro(&last) || is_prelude(&last);
        // Whether an invocation may define it; a workspace proc-macro crate
        // still may (below).
        let mut defined_here = false;
        if !known {
            // No `macro_rules!` the analysis sees has that name: an item-level
            // invocation may define it (`const_macro!(answer, ..)` whose body
            // writes `macro_rules! $name`), and its input is the macro's body.
            let qualified = p.segs.len() > 1;
            let why = Reason::Widened(p.display().into());
            if self.invocations_defining(id, &last, qualified, &why, out, m) > 0 {
                out.note(format!(
                    "macro `{}` is not defined where syn can see: the macro invocations that may define it count",
                    p.display()
                ));
                defined_here = true;
            }
        }
        if into_proc_macro || !known {
            let mut widened = false;
            for c in self.cone_crates(krate) {
                if self.crates[c].info.proc_macro {
                    let why = Reason::Widened(
                        format!(
                            "macro `{}` may come from proc-macro crate {}",
                            p.display(),
                            self.crates[c].info.name
                        )
                        .into(),
                    );
                    for &x in self.crate_nodes.get(c).into_iter().flatten() {
                        out.edge(x, why.clone());
                    }
                    widened = true;
                }
            }
            if widened {
                out.note(format!(
                    "macro `{}` may come from a workspace proc-macro crate: all of its code counts",
                    p.display()
                ));
                out.env.push(crate::parse::PACKAGE_ENV_VARS.to_owned());
                // What it writes (`impl Describe for Gauge` from a derive)
                // may call any inherent method of the item it is given, and
                // any item visible here that its code names, in a `quote!`
                // or a string (`::base::calc2(self.0)`); methods by those
                // names are called here (`closure.rs`).
                let why = Reason::Widened(format!("output of `{}`", p.display()).into());
                for (_, item) in self.inherent_by_type.get(&id).into_iter().flatten() {
                    out.edge(*item, why.clone());
                }
                // (Only for a macro the path or an import says is one: an
                // unknown one may be any macro of any crate.)
                let named = self
                    .cone_crates(krate)
                    .filter(|&c| into_proc_macro && self.crates[c].info.proc_macro);
                for c in named {
                    if self.reads_files(c) {
                        let files = self.package_data_files(krate);
                        out.includes.extend(files.cloned().map(IncludeDep::File));
                        out.note(format!(
                            "proc-macro crate {} reads files: the package's files count",
                            self.crates[c].info.name
                        ));
                    }
                    for word in self.macro_output_words(c) {
                        for &x in self.free_by_name.get(word).into_iter().flatten() {
                            if self.nodes[x].krate != c && self.visible_from(krate, x) {
                                out.edge(x, why.clone());
                            }
                        }
                    }
                }
            } else if !known && !defined_here {
                out.note(format!(
                    "macro or attribute `{}` not found in the workspace: its expansion is not analysed",
                    p.display()
                ));
            }
        }
    }

    /// What the body of `macro_rules!` `d`, expanded in node `id` by the
    /// invocation `p!`, names there.
    fn expansion_edges(
        &self,
        id: NodeId,
        d: NodeId,
        p: &PathRef,
        env: EnvFn<'_>,
        out: &mut Deps,
        m: &mut Memo,
    ) {
        let n = &self.nodes[id];
        let expansion = Reason::Expansion(p.display().into());
        // Items a `macro_rules!` body names resolve where it is invoked
        // too (its `$crate` paths were resolved where it is defined).
        let body = Arc::clone(&self.nodes[d].refs);
        // `Self::SCALE` in a body invoked in an impl, or in one of its
        // methods, is the impl's type.
        let self_ctx = self.self_ctx(id);
        for bp in body
            .paths
            .iter()
            .filter(|bp| bp.segs.first().is_none_or(|f| f != "crate"))
        {
            let (targets, rest) = self.resolve_prefix(n.scope, bp, &self_ctx, 0, m);
            for t in &targets {
                if rest < bp.segs.len() {
                    self.assoc_edges(t, &bp.segs[rest], &expansion, out, m, 0);
                } else {
                    self.target_edge(t, &expansion, out);
                }
            }
        }
        for ident in &body.attr_idents {
            for t in self.lookup_first(n.scope, ident, 0, m) {
                self.target_edge(&t, &expansion, out);
            }
        }
        // `call!(x, turn)` with `$x.$m()`: an identifier of the input may be
        // the method called (its inherent ones are the walk's).
        let calls_input = matches!(
            self.nodes[d].detail,
            NodeDetail::MacroDef {
                calls_input: true,
                ..
            }
        );
        let input_methods = self.input_idents(id).filter(|_| calls_input);
        if !body.methods.is_empty() || calls_input {
            let traits = self.method_traits(id, m);
            for name in body.methods.iter().chain(input_methods) {
                self.method_edges(name, &traits, out);
            }
        }
        if !body.includes.is_empty() {
            self.includes_at(&body.includes, id, env, out);
        }
        // `env!`/`option_env!` of its body read the environment of the
        // compilation it expands in (`env!(concat!("PC_", $n))` in another
        // crate's macro reads this crate's `PC_LEVEL`).
        out.env.extend(body.env.iter().cloned());
        // `$crate::helpers::$f(..)`: an identifier of the input names an
        // item of the macro's own crate, whatever it names here.
        if matches!(
            self.nodes[d].detail,
            NodeDetail::MacroDef {
                input_in_paths: true,
                ..
            }
        ) {
            let home = self.nodes[d].krate;
            for ident in self.input_idents(id) {
                for &x in self.free_by_name.get(ident).into_iter().flatten() {
                    if self.nodes[x].krate == home {
                        out.edge(x, expansion.clone());
                    }
                }
            }
        }
    }

    /// The identifiers node `id`'s macro invocations may pass to their
    /// macros: those of input that is no expression, and the single-segment
    /// paths (`turn` in `call!(x, turn)` parses as a path).
    pub(crate) fn input_idents(&self, id: NodeId) -> impl Iterator<Item = &String> {
        let refs = &self.nodes[id].refs;
        let single = refs
            .paths
            .iter()
            .filter(|p| p.segs.len() == 1)
            .map(|p| &p.segs[0]);
        refs.loose.iter().chain(single)
    }

    /// An identifier of macro input (or of an attribute's arguments when
    /// `widen` is false): whatever it names in scope.
    fn loose_edges(&self, id: NodeId, name: &str, widen: bool, out: &mut Deps, m: &mut Memo) {
        let n = &self.nodes[id];
        // A macro named in macro input (`outer!(inner!(x))`).
        let mut key = (n.krate, name.to_owned());
        for c in self.cone_crates(n.krate) {
            key.0 = c;
            for &d in self.macros_by_name.get(&key).into_iter().flatten() {
                if c == n.krate || self.exported_macros.contains_key(&key) {
                    out.edge(d, Reason::Loose(name.into()));
                }
            }
        }
        let targets = self.lookup_first(n.scope, name, 0, m);
        if targets.is_empty() {
            if widen && !is_prelude(name) {
                self.widen_by_name(id, name, name, true, false, out, m);
            }
            return;
        }
        let why = Reason::Loose((name.to_owned()).into());
        for t in &targets {
            self.target_edge(t, &why, out);
        }
    }

    /// A name that resolves nowhere: every item of that name in the crates
    /// this crate can reach; if there is none, the item-level macro
    /// invocations that may have made it.
    /// `assoc`: the name may be an associated item or a variant too;
    /// `qualified`: it was written after a path, so a module anywhere may
    /// hold it.
    #[allow(clippy::too_many_arguments)]
    fn widen_by_name(
        &self,
        id: NodeId,
        name: &str,
        written: &str,
        assoc: bool,
        qualified: bool,
        out: &mut Deps,
        m: &mut Memo,
    ) {
        let n = &self.nodes[id];
        let why = Reason::Widened((written.to_owned()).into());
        let before = out.edges.len();
        if assoc {
            // A variant: its enum.
            for &e in self.variants.get(name).into_iter().flatten() {
                if self.visible_from(n.krate, e) {
                    out.edge(e, why.clone());
                }
            }
        }
        let assoc_items = self.assoc_by_name.get(name).filter(|_| assoc);
        for &x in self
            .free_by_name
            .get(name)
            .into_iter()
            .chain(assoc_items)
            .flatten()
        {
            // `visible_from` holds only within the crate's cone.
            if self.visible_from(n.krate, x) {
                out.edge(x, why.clone());
            }
        }
        if out.edges.len() > before {
            out.note(format!(
                "`{written}` is not resolved: every item named `{name}` counts"
            ));
            return;
        }
        // No item has that name: a macro invocation that mentions it may
        // have made it, or, where the name is looked up, one whose expansion
        // cannot be read.
        if self.invocations_defining(id, name, qualified, &why, out, m) > 0 {
            out.note(format!(
                "`{written}` is not defined where syn can see: the macro invocations that may make it count"
            ));
        }
    }

    /// The item-level macro invocations, in the crates node `id`'s crate
    /// reaches, that may define `name`: those whose input or macro body
    /// holds it, and (where the name is looked up, or anywhere when it was
    /// `qualified`) those whose expansion cannot be read. Returns how many.
    fn invocations_defining(
        &self,
        id: NodeId,
        name: &str,
        qualified: bool,
        why: &Reason,
        out: &mut Deps,
        m: &mut Memo,
    ) -> usize {
        let n = &self.nodes[id];
        // The blocks around the node, and its module.
        let blocks: Vec<ScopeId> = self
            .enclosing_scopes(n.scope)
            .filter(|&sc| self.scopes[sc].is_block)
            .collect();
        let home = self.scopes[n.scope].module;
        // Where an import says the name is (`use crate::dials::*`, `use
        // crate::src_of_gauge`): an expansion there may write it too.
        let mut imported = Vec::new();
        if !qualified {
            for &sc in blocks.iter().chain([&home]) {
                let scope = &self.scopes[sc];
                let explicit = scope
                    .imports
                    .get(name)
                    .into_iter()
                    .flatten()
                    .filter(|(p, _)| p.segs.len() > 1)
                    .map(|(p, _)| PathRef {
                        segs: p.segs[..p.segs.len() - 1].to_vec(),
                        global: p.global,
                    });
                let globs = scope.globs.iter().map(|(p, _)| p.clone());
                for p in explicit.chain(globs).collect::<Vec<_>>() {
                    for t in self.resolve_use(sc, &p, 0, m) {
                        if let Target::Scope(s) = t {
                            imported.push(self.scopes[s].module);
                        }
                    }
                }
            }
        }
        let mut calls = 0;
        for c in self.cone_crates(n.krate) {
            for &x in &self.item_macro_calls[c] {
                let call_scope = self.nodes[x].scope;
                // (A `#[macro_export]` one a block's invocation writes is at
                // its crate's root: seen by qualified paths and other crates.)
                if !qualified && c == n.krate && !self.in_blocks(call_scope, &blocks) {
                    // What a block's invocation defines is seen in that block only.
                    continue;
                }
                if let NodeDetail::MacroCall { idents, opaque, .. } = &self.nodes[x].detail {
                    let here = qualified || self.scopes[call_scope].module == home;
                    if idents.iter().any(|i| i == name) || (*opaque && here) {
                        out.edge(x, why.clone());
                        calls += 1;
                    }
                }
            }
            // Items under an attribute macro or a custom derive, where the
            // name is looked up: their expansion (`#[pm::with_src] impl
            // Gauge` writing `src_of_gauge()`) is as unreadable as an opaque
            // invocation's. (A qualified name's module is searched by
            // `pasted_name_edges`.)
            if qualified {
                continue;
            }
            for &x in &self.expanders[c] {
                let sc = self.nodes[x].scope;
                let module = self.scopes[sc].module;
                let here = c == n.krate && module == home && self.in_blocks(sc, &blocks);
                if here || (imported.contains(&module) && !self.scopes[sc].is_block) {
                    out.edge(x, why.clone());
                    calls += 1;
                }
            }
        }
        calls
    }

    /// Whether scope `sc` is a module's, or a block among `blocks` or
    /// inside one.
    fn in_blocks(&self, sc: ScopeId, blocks: &[ScopeId]) -> bool {
        let mut cur = Some(sc);
        while let Some(s) = cur.filter(|&s| self.scopes[s].is_block) {
            if blocks.contains(&s) {
                return true;
            }
            cur = self.scopes[s].parent;
        }
        !self.scopes[sc].is_block
    }

    fn include_edges(&self, id: NodeId, env: EnvFn<'_>, out: &mut Deps) {
        let n = &self.nodes[id];
        if n.kind == Kind::MacroDef {
            // A macro's `include_str!("x")` reads next to the file that
            // invokes it: resolved at each invocation (`macro_edges`).
            return;
        }
        if let NodeDetail::Foreign(symbol) = &n.detail {
            // Declared here, defined elsewhere: often in a file the build
            // script compiles.
            for f in self.build_inputs(n.krate) {
                out.includes.push(IncludeDep::File(f.clone()));
            }
            // Or a workspace function exported under that symbol
            // (`#[no_mangle]`, `#[export_name]`), in any crate the linker sees.
            let why = Reason::Named(symbol.as_str().into());
            let exported = self.exported.get(symbol).into_iter().flatten();
            if exported.clone().next().is_some() {
                for &f in exported {
                    out.edge(f, why.clone());
                }
            } else {
                // One the analysis does not see exported (written by a
                // macro, or by assembly): every item of that name, every
                // invocation naming it and every `global_asm!`, anywhere.
                let named = self.free_by_name.get(symbol).into_iter().flatten();
                for &x in named.filter(|&&x| x != id) {
                    out.edge(x, why.clone());
                }
                for calls in &self.item_macro_calls {
                    for &x in calls {
                        if let NodeDetail::MacroCall { idents, .. } = &self.nodes[x].detail {
                            if self.nodes[x].name == "global_asm"
                                || idents.iter().any(|i| i == symbol)
                            {
                                out.edge(x, why.clone());
                            }
                        }
                    }
                }
                out.note(format!(
                    "`{symbol}` of an `extern` block is exported by no function the analysis sees: every item and invocation of that name counts"
                ));
            }
        }
        self.includes_at(&n.refs.includes, id, env, out);
    }

    /// Files read by `includes`, written (or expanded) in node `at`.
    fn includes_at(
        &self,
        includes: &[crate::parse::Include],
        at: NodeId,
        env: EnvFn<'_>,
        out: &mut Deps,
    ) {
        let n = &self.nodes[at];
        let dir = n.file.parent().map(PathBuf::from).unwrap_or_default();
        for inc in includes {
            if inc.kind == IncludeKind::Mentioned {
                if let crate::parse::PathExpr::Lit(text) = &inc.path {
                    let files = self.mentioned_files(n.krate, &dir, text);
                    if !files.is_empty() {
                        out.note(format!(
                            "\"{text}\" in macro or attribute input names files of the package: a proc macro may read them"
                        ));
                    }
                    out.includes.extend(files.into_iter().map(IncludeDep::File));
                }
                continue;
            }
            match super::eval_path(&inc.path, &dir, &|v| env(n.krate, v)) {
                Some(p) => out.includes.push(IncludeDep::File(p)),
                None => {
                    let what = match inc.kind {
                        IncludeKind::Data | IncludeKind::Mentioned => {
                            "`include_str!`/`include_bytes!`"
                        }
                        IncludeKind::Code => "`include!`",
                    };
                    out.note(format!(
                        "{what} of a path computed at build time: every file of the package and OUT_DIR count"
                    ));
                    out.includes.push(IncludeDep::Unknown {
                        krate: n.krate,
                        what: what.to_owned(),
                    });
                    if inc.kind == IncludeKind::Code {
                        // Code the analysis cannot read may call anything
                        // its crate can.
                        let why = Reason::Widened("`include!` of a computed path".into());
                        for c in self.cone_crates(n.krate) {
                            for &x in &self.crate_nodes[c] {
                                out.edge(x, why.clone());
                            }
                        }
                    }
                    for f in self.build_inputs(n.krate) {
                        out.includes.push(IncludeDep::File(f.clone()));
                    }
                }
            }
        }
    }
}
