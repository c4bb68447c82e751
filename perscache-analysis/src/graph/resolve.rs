//! Name lookup in scopes, as Rust does it where syntax shows enough:
//! definitions and imports first, then glob imports, then (in blocks) the
//! enclosing scope, then the extern prelude and the standard prelude.

use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::Arc;

use super::{Def, Graph, NodeDetail, NodeId, Parent, ScopeId};
use crate::model::DepRef;
use crate::parse::{Kind, PathRef};

/// What a name or path resolves to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Target {
    /// A workspace item.
    Node(NodeId),
    /// A workspace module.
    Scope(ScopeId),
    /// An item of an external crate (`name@version`; empty for the
    /// standard library, whose version is the toolchain's).
    Ext(String),
    /// A standard prelude or primitive name.
    Prim,
    /// `Self` in a trait: any type implementing it.
    AnySelf(NodeId),
}

/// What a method call may reach without naming it: the workspace traits in
/// scope, and the external crates imported into scope (one of them may be
/// the trait whose method runs).
#[derive(Debug, Default)]
pub(crate) struct InScope {
    pub traits: Vec<NodeId>,
    pub ext: Vec<String>,
    /// Names of glob-imported traits that a type defined in the scope
    /// itself hides, unless that type is compiled out (`#[cfg]`, which the
    /// analysis does not evaluate): such a trait stays in, and whether it
    /// is hidden is a choice the digest of a method-calling item holds.
    pub hidden: Vec<String>,
    /// Imports that resolve to nothing the analysis sees: a macro may have
    /// written what they name (a trait in a module `ext_mod!(ext)` writes).
    pub unresolved: Vec<(ScopeId, PathRef)>,
}

/// Lookups already answered, shared by the nodes one thread resolves.
#[derive(Default)]
pub(crate) struct Memo {
    /// Names seen, numbered: the keys below hold numbers, not strings.
    names: FxHashMap<Box<str>, u32>,
    done: FxHashMap<(ScopeId, u32), Vec<Target>>,
    in_progress: FxHashSet<(ScopeId, u32)>,
    /// Bumped when a lookup met a cycle or a depth limit: what was computed
    /// under it may be incomplete and is not memoized.
    incomplete: usize,
    /// Traits in scope, by scope.
    traits: FxHashMap<ScopeId, Arc<InScope>>,
}

impl Memo {
    fn name(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.names.get(name) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.insert(name.into(), i);
        i
    }
}

const MAX_DEPTH: usize = 32;

/// Rust's namespaces, as bits.
const NS_TYPE: u8 = 1;
const NS_VALUE: u8 = 2;
const NS_MACRO: u8 = 4;
const NS_ALL: u8 = NS_TYPE | NS_VALUE | NS_MACRO;

impl Graph {
    /// Scope `sc` and the blocks around it, innermost first, up to and
    /// including the module's scope: where a name written without a path
    /// is looked up.
    pub(crate) fn enclosing_scopes(&self, sc: ScopeId) -> impl Iterator<Item = ScopeId> + '_ {
        std::iter::successors(Some(sc), move |&s| {
            self.scopes[s].parent.filter(|_| self.scopes[s].is_block)
        })
    }

    /// `name` in `scope`: definitions, imports, then globs; in a block, then
    /// the enclosing scope. Not the preludes (see [`Graph::lookup_first`]).
    pub(crate) fn lookup(
        &self,
        scope: ScopeId,
        name: &str,
        depth: usize,
        m: &mut Memo,
    ) -> Vec<Target> {
        let key = (scope, m.name(name));
        if let Some(r) = m.done.get(&key) {
            return r.clone();
        }
        if depth > MAX_DEPTH || !m.in_progress.insert(key) {
            // An import being resolved cannot name itself (`mod escape; pub
            // use escape::escape;`): inside it, the name is what the scope
            // defines.
            m.incomplete += 1;
            return self.scopes[scope]
                .defs
                .get(name)
                .map(|ds| {
                    ds.iter()
                        .map(|d| match d {
                            Def::Node(n) => Target::Node(*n),
                            Def::Scope(x) => Target::Scope(*x),
                        })
                        .collect()
                })
                .unwrap_or_default();
        }
        let before = m.incomplete;
        let r = self.lookup_uncached(scope, name, depth, m);
        m.in_progress.remove(&key);
        if m.incomplete == before {
            m.done.insert(key, r.clone());
        }
        r
    }

    /// `name` in module `gm` as a glob import in `scope` sees it: a private
    /// `use` of `gm` is seen only inside `gm` (`use a::*; use b::*;` where
    /// `b` has a private `use imperial::scale as pick` names `a`'s `pick`).
    fn lookup_through_glob(
        &self,
        scope: ScopeId,
        gm: ScopeId,
        name: &str,
        depth: usize,
        m: &mut Memo,
    ) -> Vec<Target> {
        let g = &self.scopes[gm];
        let private_import = g
            .imports
            .get(name)
            .is_some_and(|ps| ps.iter().any(|(_, public)| !public));
        let inside = self.enclosing_modules(scope).any(|x| x == gm);
        if !private_import || inside {
            return self.lookup(gm, name, depth + 1, m);
        }
        let mut out: Vec<Target> = g
            .defs
            .get(name)
            .into_iter()
            .flatten()
            .map(|d| match d {
                Def::Node(n) => Target::Node(*n),
                Def::Scope(x) => Target::Scope(*x),
            })
            .collect();
        for (p, public) in g.imports.get(name).into_iter().flatten() {
            if *public {
                out.extend(self.resolve_use(gm, p, depth + 1, m));
            }
        }
        out
    }

    /// The modules scope `sc` is in, innermost first, up to its crate's root.
    pub(crate) fn enclosing_modules(&self, sc: ScopeId) -> impl Iterator<Item = ScopeId> + '_ {
        std::iter::successors(Some(self.scopes[sc].module), move |&x| {
            self.scopes[x].parent.map(|p| self.scopes[p].module)
        })
    }

    fn lookup_uncached(
        &self,
        scope: ScopeId,
        name: &str,
        depth: usize,
        m: &mut Memo,
    ) -> Vec<Target> {
        let s = &self.scopes[scope];
        let mut out: Vec<Target> = s
            .defs
            .get(name)
            .map(|ds| {
                ds.iter()
                    .map(|d| match d {
                        Def::Node(n) => Target::Node(*n),
                        Def::Scope(x) => Target::Scope(*x),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let defined = out.len();
        if let Some(paths) = s.imports.get(name) {
            for (p, _) in paths {
                out.extend(self.resolve_use(scope, p, depth + 1, m));
            }
        }
        // A glob's item is hidden only in the namespaces what is written
        // here surely takes: a braced `struct total` or a `mod total` does
        // not hide a glob's `fn total`. In the scope of an item's nested
        // blocks, one block's names hide nothing of another's.
        let imported = if s.unsure_imports.contains(name) {
            &[][..]
        } else {
            &out[defined..]
        };
        let taken = if s.transparent {
            0
        } else {
            self.taken(&out[..defined])
                | imported
                    .iter()
                    .fold(0, |ns, t| ns | self.namespaces(t, false))
        };
        if taken != NS_ALL {
            let mut from_globs = Vec::new();
            for (g, _) in &s.globs {
                for t in self.resolve_use(scope, g, depth + 1, m) {
                    match t {
                        Target::Scope(gm) => {
                            from_globs.extend(self.lookup_through_glob(scope, gm, name, depth, m));
                        }
                        Target::Node(n) => {
                            // `use Enum::*`: its variants.
                            if let NodeDetail::Enum(v) = &self.nodes[n].detail {
                                if v.iter().any(|v| v == name) {
                                    from_globs.push(Target::Node(n));
                                }
                            }
                        }
                        Target::Ext(c) => {
                            // A glob of an external crate or module: any name
                            // not found elsewhere may come from it.
                            if !is_std_name(name)
                                && !self.crates[s.krate].info.deps.contains_key(name)
                            {
                                from_globs.push(Target::Ext(c));
                            }
                        }
                        Target::Prim | Target::AnySelf(_) => {}
                    }
                }
            }
            out.extend(
                from_globs
                    .into_iter()
                    .filter(|t| self.namespaces(t, true) & !taken != 0),
            );
        }
        let written = out.iter().any(|t| self.surely_here(t));
        if s.is_block {
            if let Some(p) = s.parent {
                // A block's items hide the enclosing names in their
                // namespaces only (`struct total` in a body, not `fn total`).
                let taken = if s.transparent { 0 } else { self.taken(&out) };
                if taken != NS_ALL {
                    let outer = self.lookup(p, name, depth + 1, m);
                    out.extend(
                        outer
                            .into_iter()
                            .filter(|t| self.namespaces(t, true) & !taken != 0),
                    );
                }
            }
        }
        // An item-level macro invocation may define it too (beside a written
        // item of that name, each under its own `cfg`). In a block, beside
        // what the enclosing scopes define: whether the invocation hides it
        // is not known. A name of the preludes (`drop`, a dependency's) is
        // defined only by an invocation whose input is not plain items: one
        // whose input is (`cfg_rt! { .. }`) defines those items.
        let common = is_prelude(name) || self.crates[s.krate].info.deps.contains_key(name);
        for &call in &s.macro_calls {
            if let NodeDetail::MacroCall { idents, parsed, .. } = &self.nodes[call].detail {
                // Generated code of unknown content may define any name,
                // but not one also written here.
                let any = !common && !written && idents.iter().any(|i| i == super::ANY_NAME);
                if any || (!(common && *parsed) && idents.iter().any(|i| i == name)) {
                    out.push(Target::Node(call));
                }
            }
        }
        out.sort_by_key(target_order);
        out.dedup();
        out
    }

    /// Whether target `t` surely exists: what a macro's input holds may not
    /// be what it expands to, and an item or module under `#[cfg]` may not
    /// be compiled, so neither surely hides another item of its name.
    fn surely_here(&self, t: &Target) -> bool {
        match t {
            Target::Node(n) => self.nodes[*n].origin.is_none() && !self.nodes[*n].conditional,
            Target::Scope(x) => !self.scopes[*x].conditional,
            _ => true,
        }
    }

    /// The namespaces the targets that surely exist take.
    fn taken(&self, targets: &[Target]) -> u8 {
        targets
            .iter()
            .filter(|t| self.surely_here(t))
            .fold(0, |ns, t| ns | self.namespaces(t, false))
    }

    /// The namespaces (`NS_TYPE`, `NS_VALUE`, `NS_MACRO`) target `t` may
    /// be in: at most those it surely takes, or at least those it may take
    /// when `may`. A struct or a variant may be a constructor too.
    fn namespaces(&self, t: &Target, may: bool) -> u8 {
        match t {
            Target::Node(n) => match self.nodes[*n].kind {
                Kind::Fn | Kind::Value => NS_VALUE,
                Kind::Type if may => NS_TYPE | NS_VALUE,
                Kind::Type | Kind::Trait | Kind::Alias | Kind::Mod => NS_TYPE,
                Kind::MacroDef => NS_MACRO,
                _ if may => NS_ALL,
                _ => 0,
            },
            Target::Scope(_) => NS_TYPE,
            _ if may => NS_ALL,
            _ => 0,
        }
    }

    /// The first segment of a path: scopes, then the extern prelude (the
    /// crate's dependencies), then the standard prelude.
    pub(crate) fn lookup_first(
        &self,
        scope: ScopeId,
        name: &str,
        depth: usize,
        m: &mut Memo,
    ) -> Vec<Target> {
        let mut out = self.lookup(scope, name, depth, m);
        let invocations_only = out
            .iter()
            .all(|t| matches!(t, Target::Node(n) if self.nodes[*n].kind == Kind::MacroCall));
        if !invocations_only {
            return out;
        }
        // An invocation that may define the name need not: the extern
        // prelude's crate of that name stays a candidate.
        out.extend(self.extern_name(self.scopes[scope].krate, name));
        if !out.is_empty() {
            return out;
        }
        if is_prelude(name) {
            return vec![Target::Prim];
        }
        Vec::new()
    }

    /// An extern crate name of crate `krate`.
    pub(crate) fn extern_name(&self, krate: usize, name: &str) -> Vec<Target> {
        let info = &self.crates[krate].info;
        match info.deps.get(name) {
            Some(DepRef::Local(lib)) => match self.lib_by_root.get(lib) {
                Some(&c) => vec![Target::Scope(self.crates[c].root)],
                None => Vec::new(),
            },
            Some(DepRef::External(v)) => vec![Target::Ext(v.clone())],
            None if matches!(name, "std" | "core" | "alloc" | "proc_macro" | "test") => {
                vec![Target::Ext(String::new())]
            }
            None if info.name == name && info.kind == "lib" => {
                vec![Target::Scope(self.crates[krate].root)]
            }
            None => Vec::new(),
        }
    }

    /// The names path `p`, written in `scope`, may have where it is defined:
    /// its last segment and, through renaming imports and re-exports
    /// (`use std::fmt::Display as Disp;`, another crate's `pub use
    /// std::fmt::Display as Show;`), the names it was imported from. A trait
    /// from outside the workspace is known by its name: `T: Disp` is bound by
    /// `Display`, and `impl Disp for Row` is an impl of `Display`.
    pub(crate) fn original_names(&self, scope: ScopeId, p: &PathRef, m: &mut Memo) -> Vec<String> {
        let mut out = Vec::new();
        self.original_names_into(scope, p, 0, &mut out, m);
        out.sort_unstable();
        out.dedup();
        out
    }

    fn original_names_into(
        &self,
        scope: ScopeId,
        p: &PathRef,
        depth: usize,
        out: &mut Vec<String>,
        m: &mut Memo,
    ) {
        let Some(last) = p.segs.last() else { return };
        out.push(last.clone());
        if depth > MAX_DEPTH {
            return;
        }
        // The scopes whose imports the last segment may be: the scope and
        // the blocks around it, or the module the path's prefix names.
        let mut homes = Vec::new();
        if p.segs.len() == 1 {
            homes.extend(self.enclosing_scopes(scope));
        } else {
            let prefix = PathRef {
                segs: p.segs[..p.segs.len() - 1].to_vec(),
                global: p.global,
            };
            let (targets, rest) = self.resolve_prefix(scope, &prefix, &[], depth, m);
            if rest == prefix.segs.len() {
                homes.extend(targets.into_iter().filter_map(|t| match t {
                    Target::Scope(x) => Some(x),
                    _ => None,
                }));
            }
        }
        for home in homes {
            for (q, _) in self.scopes[home].imports.get(last).into_iter().flatten() {
                self.original_names_into(home, q, depth + 1, out, m);
            }
        }
    }

    /// What `Self` means for node `id`: an impl's self types, a trait's
    /// implementors, or nothing.
    pub(crate) fn self_ctx(&self, id: NodeId) -> Vec<Target> {
        match self.nodes[id].parent {
            Parent::Impl(i) => {
                let im = &self.impls[i];
                if im.self_types.is_empty() {
                    vec![Target::Prim]
                } else {
                    im.self_types.iter().map(|&t| Target::Node(t)).collect()
                }
            }
            Parent::Trait(t) => vec![Target::AnySelf(t)],
            Parent::Scope if self.nodes[id].kind == Kind::Trait => vec![Target::AnySelf(id)],
            // A type's own tokens (`Option<Box<Self>>`, and its derives'
            // attributes: `#[error("{}", Self::QUOTA)]` expands in an impl
            // of it).
            Parent::Scope if self.nodes[id].kind == Kind::Type => vec![Target::Node(id)],
            Parent::Scope => Vec::new(),
        }
    }

    /// Resolves the module part of `p`: the targets reached and how many
    /// segments that took (the rest are associated items of a type or trait,
    /// or a variant).
    pub(crate) fn resolve_prefix(
        &self,
        scope: ScopeId,
        p: &PathRef,
        self_ctx: &[Target],
        depth: usize,
        m: &mut Memo,
    ) -> (Vec<Target>, usize) {
        let segs = &p.segs;
        let Some(first) = segs.first() else {
            return (Vec::new(), 0);
        };
        let krate = self.scopes[scope].krate;
        let module = self.scopes[scope].module;
        let (mut cur, mut i): (Vec<Target>, usize) = if p.global {
            let mut from = self.extern_name(krate, first);
            if from.is_empty() || self.crates[krate].info.edition == "2015" {
                // Edition 2015: `::a` starts at the crate root. Later ones:
                // the crate root's `extern crate base as bb;` puts `bb` in
                // the extern prelude (`::bb::helper()`).
                from.extend(self.lookup(self.crates[krate].root, first, depth + 1, m));
            }
            (from, 1)
        } else {
            match first.as_str() {
                "crate" | "$crate" => (vec![Target::Scope(self.crates[krate].root)], 1),
                // `super::super::x`, and `self::super::x` alike.
                "self" | "super" => {
                    let mut mm = module;
                    let mut i = usize::from(first == "self");
                    while segs.get(i).is_some_and(|s| s == "super") {
                        mm = self.scopes[mm].parent.map_or(mm, |p| self.scopes[p].module);
                        i += 1;
                    }
                    (vec![Target::Scope(mm)], i)
                }
                "Self" => (self_ctx.to_vec(), 1),
                _ => (self.lookup_first(scope, first, depth, m), 1),
            }
        };
        while i < segs.len() && cur.iter().any(|t| matches!(t, Target::Scope(_))) {
            let mut next = Vec::new();
            for t in &cur {
                match t {
                    Target::Scope(mm) => next.extend(self.lookup(*mm, &segs[i], depth + 1, m)),
                    other => next.push(other.clone()),
                }
            }
            next.sort_by_key(target_order);
            next.dedup();
            cur = next;
            i += 1;
        }
        if cur.iter().any(|t| matches!(t, Target::Ext(_)))
            && cur.iter().all(|t| matches!(t, Target::Ext(_)))
        {
            // Inside an external crate: only its version matters.
            return (cur, segs.len());
        }
        (cur, i)
    }

    /// Resolves a `use` path: modules and items, and an enum's variant.
    pub(crate) fn resolve_use(
        &self,
        scope: ScopeId,
        p: &PathRef,
        depth: usize,
        m: &mut Memo,
    ) -> Vec<Target> {
        if depth > MAX_DEPTH {
            m.incomplete += 1;
            return Vec::new();
        }
        if p.segs.len() > 1 && p.segs.last().is_some_and(|s| s == "self") {
            // `a::b::{self}`: what `a::b` names in the type namespace.
            let module = PathRef {
                segs: p.segs[..p.segs.len() - 1].to_vec(),
                global: p.global,
            };
            let mut t = self.resolve_use(scope, &module, depth + 1, m);
            t.retain(|t| self.namespaces(t, true) & NS_TYPE != 0);
            return t;
        }
        let (mut t, mut rest) = self.resolve_prefix(scope, p, &[], depth, m);
        let krate = self.scopes[scope].krate;
        let relative = !p.global
            && p.segs.first().is_some_and(|f| {
                !matches!(f.as_str(), "crate" | "$crate" | "self" | "super" | "Self")
            });
        if relative && self.crates[krate].info.edition == "2015" {
            // Edition 2015: a `use` path starts at the crate root. The path
            // may be another one's (an impl's type) read as usual: both.
            let root = self.crates[krate].root;
            let (from_root, root_rest) = self.resolve_prefix(root, p, &[], depth, m);
            if root_rest == rest {
                t.extend(from_root);
                t.sort_by_key(target_order);
                t.dedup();
            } else if root_rest > rest {
                (t, rest) = (from_root, root_rest);
            }
        }
        if rest == p.segs.len() {
            return t;
        }
        if rest + 1 == p.segs.len() {
            let last = &p.segs[rest];
            return t
                .into_iter()
                .filter(|t| match t {
                    Target::Node(n) => {
                        matches!(&self.nodes[*n].detail, NodeDetail::Enum(v) if v.iter().any(|v| v == last))
                    }
                    _ => false,
                })
                .collect();
        }
        Vec::new()
    }

    /// Traits in scope for method calls in `scope`: traits defined or
    /// imported there (`as _` included, globs too), in blocks and then
    /// their enclosing scopes.
    pub(crate) fn traits_in_scope(&self, scope: ScopeId, m: &mut Memo) -> Arc<InScope> {
        if let Some(t) = m.traits.get(&scope) {
            return Arc::clone(t);
        }
        let t = Arc::new(self.traits_in_scope_uncached(scope, m));
        m.traits.insert(scope, Arc::clone(&t));
        t
    }

    fn traits_in_scope_uncached(&self, scope: ScopeId, m: &mut Memo) -> InScope {
        let mut out = Vec::new();
        let mut ext = Vec::new();
        let mut hidden = Vec::new();
        let mut unresolved = Vec::new();
        for sc in self.enclosing_scopes(scope) {
            let s = &self.scopes[sc];
            for ds in s.defs.values() {
                for d in ds {
                    if let Def::Node(n) = d {
                        if self.nodes[*n].kind == Kind::Trait {
                            out.push(*n);
                        }
                    }
                }
            }
            let mut paths: Vec<&PathRef> = s.imports.values().flatten().map(|(p, _)| p).collect();
            paths.extend(s.anonymous.iter());
            for p in paths {
                let targets = self.resolve_use(sc, p, 1, m);
                if targets.is_empty() {
                    unresolved.push((sc, p.clone()));
                }
                for t in targets {
                    match t {
                        Target::Node(n) if self.nodes[n].kind == Kind::Trait => out.push(n),
                        Target::Ext(c) => ext.push(c),
                        _ => {}
                    }
                }
            }
            for (g, _) in &s.globs {
                for t in self.resolve_use(sc, g, 1, m) {
                    match t {
                        Target::Scope(gm) => {
                            for (name, t) in self.glob_traits(gm, m, &mut FxHashSet::default()) {
                                if let Some(name) = name.filter(|n| self.defines_type(s, n)) {
                                    hidden.push(name);
                                }
                                out.push(t);
                            }
                        }
                        Target::Ext(c) => ext.push(c),
                        _ => {}
                    }
                }
            }
            // Workspace traits an item-level macro here names: it may
            // expand to a `use`.
            for &call in &s.macro_calls {
                if let NodeDetail::MacroCall { idents, .. } = &self.nodes[call].detail {
                    for ident in idents {
                        for &t in self.traits_by_name.get(ident).into_iter().flatten() {
                            if self.visible_from(s.krate, t) {
                                out.push(t);
                            }
                        }
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        ext.sort_unstable();
        ext.dedup();
        hidden.sort_unstable();
        hidden.dedup();
        unresolved.sort_by(|a, b| (a.0, &a.1.segs).cmp(&(b.0, &b.1.segs)));
        unresolved.dedup();
        InScope {
            traits: out,
            ext,
            hidden,
            unresolved,
        }
    }

    /// Traits a glob of module `scope` brings in (its definitions, imports
    /// and, transitively, its own globs), each with the name it goes by
    /// there (`None`: imported as `_`, a name nothing can hide).
    fn glob_traits(
        &self,
        scope: ScopeId,
        m: &mut Memo,
        seen: &mut FxHashSet<ScopeId>,
    ) -> Vec<(Option<String>, NodeId)> {
        if !seen.insert(scope) {
            return Vec::new();
        }
        let s = &self.scopes[scope];
        let mut out = Vec::new();
        for (name, ds) in &s.defs {
            for d in ds {
                if let Def::Node(n) = d {
                    if self.nodes[*n].kind == Kind::Trait {
                        out.push((Some(name.clone()), *n));
                    }
                }
            }
        }
        let named = s
            .imports
            .iter()
            .flat_map(|(name, ps)| ps.iter().map(move |(p, _)| (Some(name), p)));
        let paths: Vec<(Option<&String>, &PathRef)> =
            named.chain(s.anonymous.iter().map(|p| (None, p))).collect();
        for (name, p) in paths {
            for t in self.resolve_use(scope, p, 1, m) {
                if let Target::Node(n) = t {
                    if self.nodes[n].kind == Kind::Trait {
                        out.push((name.cloned(), n));
                    }
                }
            }
        }
        for (g, _) in &s.globs {
            for t in self.resolve_use(scope, g, 1, m) {
                if let Target::Scope(gm) = t {
                    out.extend(self.glob_traits(gm, m, seen));
                }
            }
        }
        out
    }

    /// Whether scope `s` defines `name` in the type namespace itself: a
    /// glob's item of that name is then hidden. (Explicit imports hide it
    /// too, but what they import is not always known.)
    fn defines_type(&self, s: &super::Scope, name: &str) -> bool {
        s.defs.get(name).is_some_and(|ds| {
            ds.iter().any(|d| match d {
                Def::Scope(_) => true,
                Def::Node(n) => matches!(
                    self.nodes[*n].kind,
                    Kind::Type | Kind::Alias | Kind::Trait | Kind::ExternCrate
                ),
            })
        })
    }
}

fn target_order(t: &Target) -> (u8, usize, String) {
    match t {
        Target::Node(n) => (0, *n, String::new()),
        Target::Scope(s) => (1, *s, String::new()),
        Target::Ext(c) => (2, 0, c.clone()),
        Target::Prim => (3, 0, String::new()),
        Target::AnySelf(n) => (4, *n, String::new()),
    }
}

fn is_std_name(name: &str) -> bool {
    matches!(name, "std" | "core" | "alloc")
}

/// Names of the standard prelude and primitive types.
pub(crate) fn is_prelude(name: &str) -> bool {
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
            | "self"
            | "Self"
            | "Future"
            | "IntoFuture"
            | "AsyncFn"
            | "AsyncFnMut"
            | "AsyncFnOnce"
    )
}
