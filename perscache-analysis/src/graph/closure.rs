//! What a marked function reaches: a breadth-first walk over the edges,
//! where an inherent method called by name joins once its type is reached,
//! and the one rule that looks beyond the crate's dependency cone: when the
//! caller chooses a type (generic parameters, `impl Trait` or `dyn Trait`
//! arguments), the impls of its traits in every crate count: every crate
//! whose code can run in a program that calls the function.

use std::collections::{BTreeSet, VecDeque};

use rustc_hash::{FxHashMap, FxHashSet};
use std::path::PathBuf;
use std::sync::Arc;

use super::edges::{IncludeDep, TraitObject};
use super::{Deps, Graph, Memo, NodeDetail, NodeId, Parent};
use crate::parse::Kind;

/// Why an item is in a function's closure: how the item that reached it
/// mentions it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Reason {
    /// An impl's or trait's item and its header, or a trait's supertrait.
    Structure,
    /// The item was written inside this macro invocation.
    Generated,
    /// An impl naming a reached type, or an impl of a reached trait for a
    /// type outside the workspace.
    ImplOf,
    /// Named by this path.
    Named(Arc<str>),
    /// A method of this name is called.
    Method(Arc<str>),
    /// This macro is invoked.
    Macro(Arc<str>),
    /// Named in the body of this `macro_rules!`, resolved where it is invoked.
    Expansion(Arc<str>),
    /// An identifier of macro input or of an attribute.
    Loose(Arc<str>),
    /// This name could not be resolved: every item of its name counts.
    Widened(Arc<str>),
    /// A bound trait of a generic marked function, or of an `impl Trait` or
    /// `dyn Trait` argument: its impls in every crate.
    Generic(Arc<str>),
}

impl Reason {
    /// The name written that the reason stands for (a path, a method's, a
    /// macro's), or nothing for structure: with the item it leads to, which
    /// item that name is.
    pub(crate) fn name_written(&self) -> &str {
        match self {
            Reason::Named(s)
            | Reason::Method(s)
            | Reason::Macro(s)
            | Reason::Expansion(s)
            | Reason::Loose(s)
            | Reason::Widened(s)
            | Reason::Generic(s) => s,
            Reason::Structure | Reason::Generated | Reason::ImplOf => "",
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::Structure => f.write_str("part of the same impl or trait"),
            Reason::Generated => f.write_str("written inside this macro invocation"),
            Reason::ImplOf => f.write_str("an impl of a type or trait it reaches"),
            Reason::Named(p) => write!(f, "names `{p}`"),
            Reason::Method(m) => write!(f, "calls method `{m}`"),
            Reason::Macro(m) => write!(f, "invokes macro `{m}!`"),
            Reason::Expansion(m) => write!(f, "named by the expansion of `{m}!`"),
            Reason::Loose(n) => write!(f, "`{n}` in macro or attribute input"),
            Reason::Widened(n) => write!(f, "widened: `{n}` is not resolved"),
            Reason::Generic(t) => write!(f, "the caller chooses a `{t}`: its impls in every crate"),
        }
    }
}

/// Everything a marked function reaches.
#[derive(Debug, Default)]
pub(crate) struct Closure {
    /// Reached nodes in the order found, each with the node and reason that
    /// reached it (none for the function itself).
    pub reached: Vec<(NodeId, Option<(NodeId, Reason)>)>,
    /// External crates (`name@version`).
    pub ext: BTreeSet<String>,
    /// Files read at compile time.
    pub includes: BTreeSet<IncludeDep>,
    /// Environment variables read at compile time, with the crate reading them.
    pub env: BTreeSet<(usize, String)>,
    /// Why the analysis widened.
    pub notes: BTreeSet<Arc<str>>,
    /// Crates of reached nodes.
    pub crates: BTreeSet<usize>,
    /// Source files of reached items in crates outside the function's
    /// dependency cone (impls found by the generic and `dyn` rules): a
    /// change there does not rebuild the function's crate by itself.
    pub outside_files: BTreeSet<PathBuf>,
}

struct Walk<'g> {
    g: &'g Graph,
    root_crate: usize,
    seen: Vec<bool>,
    queue: VecDeque<NodeId>,
    /// Method names called so far, with the first caller from each crate.
    called: FxHashMap<&'g str, Vec<(usize, NodeId)>>,
    /// Crates whose impls the generic rule brought in.
    entered: Vec<usize>,
    /// Per crate: whether its code can run in a program that calls the
    /// function, i.e. some build (unit tests included) of a crate that
    /// reaches the function's crate links it too. Code of no other crate is
    /// linked where the function runs.
    may_run: Vec<bool>,
    /// Trait impls waiting for some of their types.
    impl_types_left: FxHashMap<usize, usize>,
    /// Traits (workspace ones, and others by name) whose impls in every
    /// crate are already in.
    universes: FxHashSet<NodeId>,
    universes_by_name: FxHashSet<String>,
    /// Macro definitions whose body's method calls are made from a crate.
    expanded: FxHashSet<(NodeId, usize)>,
    /// Proc-macro crates whose output's method calls are made from a crate.
    macro_outputs: FxHashSet<(usize, usize)>,
    /// Types deriving `Serialize` a generic bound may instantiate, waiting
    /// for the walk to show the function serializes values itself.
    serialize_derives: Vec<(NodeId, (NodeId, Reason))>,
    out: Closure,
}

impl<'g> Walk<'g> {
    fn push(&mut self, n: NodeId, from: Option<(NodeId, Reason)>) {
        // Code of the function's crate reaches only that crate's cone (an
        // impl of one of its types in a crate depending on it cannot run);
        // crates entered by the generic rule reach their own cones.
        let krate = self.g.nodes[n].krate;
        if !self.g.reaches(self.root_crate, krate)
            && !self.entered.iter().any(|&c| self.g.reaches(c, krate))
        {
            return;
        }
        // `cfg(test)` holds only in a crate's own test build: its test code
        // runs with the function only when that build links the function's
        // crate (the function's own crate, or one depending on it).
        if self.g.nodes[n].test_only && !self.g.links(krate, self.root_crate) {
            return;
        }
        if !self.seen[n] {
            self.seen[n] = true;
            self.queue.push_back(n);
            let node = &self.g.nodes[n];
            self.out.crates.insert(node.krate);
            if !self.g.reaches(self.root_crate, node.krate) {
                self.out.outside_files.insert(node.file.clone());
            }
            self.out.reached.push((n, from));
        }
    }

    /// `caller` calls method `name`: the inherent methods of that name of
    /// every type reached so far, visible from the caller's crate.
    fn call(&mut self, name: &'g str, caller: NodeId) {
        let krate = self.g.nodes[caller].krate;
        let callers = self.called.entry(name).or_default();
        if callers.iter().any(|&(k, _)| k == krate) {
            return;
        }
        callers.push((krate, caller));
        for &(ty, item) in self.g.inherent.get(name).into_iter().flatten() {
            if self.seen[ty] && self.g.visible_from(krate, item) {
                self.push(item, Some((caller, Reason::Method(name.into()))));
            }
        }
    }

    /// Node `at` invokes `macro_rules!` `def`: the methods its body calls
    /// (and the bodies of the macros it invokes, transitively) are called
    /// where the expansion is, from `at`'s crate: an inherent method of a
    /// type of that crate, private ones included, or of a crate only it
    /// reaches, may be the one called (`$x.total()` on the caller's type).
    /// (The traits in scope at `at` are `edges.rs`'s `expansion_edges`.)
    fn expanded_calls<'d>(
        &mut self,
        def: NodeId,
        at: NodeId,
        deps: &mut dyn FnMut(NodeId) -> &'d Deps,
    ) {
        let g = self.g;
        let krate = g.nodes[at].krate;
        // `$x.$m()`, `$t::$f()`: the identifiers of this invocation's input
        // may be what is called.
        if matches!(
            g.nodes[def].detail,
            NodeDetail::MacroDef {
                calls_input: true,
                ..
            }
        ) {
            for name in g.input_idents(at) {
                self.call(name, at);
            }
        }
        let mut stack = vec![def];
        while let Some(d) = stack.pop() {
            if !self.expanded.insert((d, krate)) {
                continue;
            }
            for name in &g.nodes[d].refs.methods {
                self.call(name, at);
            }
            for (y, _) in &deps(d).edges {
                if g.nodes[*y].kind == Kind::MacroDef {
                    stack.push(*y);
                }
            }
        }
    }

    /// Type `ty` is reached: its inherent methods already called by name,
    /// and the trait impls whose every type is now reached.
    fn type_reached(&mut self, ty: NodeId) {
        let g = self.g;
        for &i in g.impls_by_type.get(&ty).into_iter().flatten() {
            let im = &g.impls[i];
            if im.trait_.is_none() {
                continue;
            }
            let needed = if im.any_key_type {
                1
            } else {
                im.key_types.len()
            };
            let left = self.impl_types_left.entry(i).or_insert(needed);
            *left = left.saturating_sub(1);
            if *left == 0 {
                self.push(im.header, Some((ty, Reason::ImplOf)));
                for &item in &im.items {
                    self.push(item, Some((ty, Reason::ImplOf)));
                }
            }
        }
        for (name, item) in g.inherent_by_type.get(&ty).into_iter().flatten() {
            let from = self.called.get(name.as_str()).and_then(|callers| {
                callers
                    .iter()
                    .find(|&&(k, _)| g.visible_from(k, *item))
                    .map(|&(_, c)| c)
            });
            if let Some(caller) = from {
                self.push(*item, Some((caller, Reason::Method(name.as_str().into()))));
            }
        }
    }

    /// Trait `tr` is reached: its impls for types from outside the
    /// workspace (primitives, std's types, blanket impls), in every crate
    /// the function's code may run with, not only those the trait's crate
    /// reaches: `21u32.decode()` runs app's `impl base::Decode<Celsius> for
    /// u32`, and inference takes `Celsius`, which no code names, from it.
    fn foreign_type_impls(&mut self, tr: NodeId) {
        let g = self.g;
        for &i in g.impls_by_trait.get(&tr).into_iter().flatten() {
            let im = &g.impls[i];
            if im.self_types.is_empty() {
                self.push(im.header, Some((tr, Reason::ImplOf)));
                for &item in &im.items {
                    self.push(item, Some((tr, Reason::ImplOf)));
                }
            }
        }
    }

    /// Lets the rules that look beyond the function's crate cone (a type the
    /// caller chooses, a trait object or closure its builder chooses) reach
    /// crate `krate`. Test, bench and example targets are never entered:
    /// library code does not reach them (their instantiations run only in
    /// their own programs). Nor is a crate no build of a caller links
    /// (`may_run`): its code is not in any program the function runs in.
    fn enter(&mut self, krate: usize) -> bool {
        let kind = self.g.crates[krate].info.kind.as_str();
        if krate != self.root_crate && matches!(kind, "test" | "example") {
            return false;
        }
        if !self.may_run[krate] {
            return false;
        }
        if !self.entered.contains(&krate) {
            self.entered.push(krate);
        }
        true
    }

    /// Reaches everything the queued nodes lead to.
    fn walk<'d>(&mut self, deps: &mut dyn FnMut(NodeId) -> &'d Deps, m: &mut Memo) {
        let g = self.g;
        while let Some(x) = self.queue.pop_front() {
            let d = deps(x);
            // A function an `extern` block declares is whichever the linker
            // finds under its symbol, in any crate of the program: a crate
            // depending on this one may export it.
            let foreign = matches!(g.nodes[x].detail, NodeDetail::Foreign(_));
            for (y, why) in &d.edges {
                // Most edges lead to items already reached: the reason is
                // copied only for a new one.
                if !self.seen[*y] {
                    if foreign {
                        self.enter(g.nodes[*y].krate);
                    }
                    self.push(*y, Some((x, why.clone())));
                }
            }
            for name in &g.nodes[x].refs.methods {
                self.call(name, x);
            }
            // A `macro_rules!` body's method calls are made where it
            // expands: by the invoking node, in the invoking crate; so are
            // those a workspace proc macro's output may make.
            let krate = g.nodes[x].krate;
            if g.nodes[x].kind != Kind::MacroDef {
                for (y, _) in &d.edges {
                    if g.nodes[*y].kind == Kind::MacroDef {
                        self.expanded_calls(*y, x, deps);
                    }
                    let pm = g.nodes[*y].krate;
                    if g.crates[pm].info.proc_macro
                        && !g.crates[krate].info.proc_macro
                        && self.macro_outputs.insert((pm, krate))
                    {
                        for word in g.macro_output_words(pm) {
                            self.call(word, x);
                        }
                    }
                }
            }
            // Types, `dyn Trait`s and types a macro makes have impls and methods.
            if matches!(g.nodes[x].kind, Kind::Type | Kind::Trait | Kind::MacroCall) {
                self.type_reached(x);
            }
            if g.nodes[x].kind == Kind::Trait {
                self.foreign_type_impls(x);
            }
            self.trait_objects(x, &d.trait_objects, m);
            if g.builders.contains_key(&x) {
                self.builders(x);
            }
            // An external crate may run a library the analysis parses (a
            // `[patch]`ed copy by path): all of its code.
            for e in &d.ext {
                if self.out.ext.contains(e) {
                    continue;
                }
                for &l in g.ext_locals.get(e).into_iter().flatten() {
                    for &y in &g.crate_nodes[l] {
                        self.push(y, Some((x, Reason::Named(e.as_str().into()))));
                    }
                }
            }
            insert_new(&mut self.out.ext, &d.ext);
            insert_new(&mut self.out.includes, &d.includes);
            insert_new(&mut self.out.notes, &d.notes);
            self.out
                .env
                .extend(d.env.iter().map(|e| (krate, e.clone())));
        }
    }

    /// Every impl of a trait from outside the workspace, by name, and every
    /// type deriving it, in the crates that can call the function.
    /// Whether what the function reaches serializes values (a format from
    /// outside the workspace, a `serialize` call) or measures their layout
    /// (`size_of`): then a type's derived `Serialize` may decide its result
    /// where the key's stream does not show the difference (it writes a
    /// variant's name, not its index; sorts a map's entries, which `Ord`
    /// orders; is human-readable, as `Ipv4Addr` shows; skips
    /// `#[serde(skip)]` fields, whose types `size_of` sees).
    fn serializes_itself(&self) -> bool {
        let serde_only = |e: &String| {
            let name = e.split('@').next().unwrap_or_default();
            matches!(name, "serde" | "serde_core" | "serde_derive")
        };
        let measures_or_serializes = |s: &String| {
            matches!(
                s.as_str(),
                "size_of" | "size_of_val" | "align_of" | "align_of_val" | "serialize"
            )
        };
        self.out.ext.iter().any(|e| !serde_only(e))
            || self.out.reached.iter().any(|(n, _)| {
                let refs = &self.g.nodes[*n].refs;
                refs.methods.iter().any(measures_or_serializes)
                    || refs
                        .paths
                        .iter()
                        .any(|p| p.segs.last().is_some_and(measures_or_serializes))
            })
    }

    /// Whether a crate whose code may run with the function implements
    /// `Drop` for some type.
    fn drop_impls_may_run(&self) -> bool {
        let g = self.g;
        g.impls_by_trait_name
            .get("Drop")
            .into_iter()
            .flatten()
            .any(|&i| self.may_run[g.nodes[g.impls[i].header].krate])
    }

    fn universe_by_name(&mut self, name: &str, root: NodeId, m: &mut Memo) {
        if !self.universes_by_name.insert(name.to_owned()) {
            return;
        }
        let g = self.g;
        let why = Reason::Generic(name.into());
        for &i in g.impls_by_trait_name.get(name).into_iter().flatten() {
            let im = &g.impls[i];
            let krate = g.nodes[im.header].krate;
            if !self.enter(krate) {
                continue;
            }
            self.push(im.header, Some((root, why.clone())));
            for &item in &im.items {
                self.push(item, Some((root, why.clone())));
            }
            self.impl_bounds(i, m);
        }
        // Impls an item-level invocation may write (`disp!(Row)`).
        for &c in g
            .calls_by_trait_name
            .get(name)
            .into_iter()
            .flatten()
            .chain(&g.opaque_impl_writers)
        {
            if self.enter(g.nodes[c].krate) {
                self.push(c, Some((root, why.clone())));
            }
        }
        // A derived impl counts with its type; a derived `Serialize` once
        // the function proves to serialize values itself (`closure`).
        for &ty in g.derives_by_name.get(name).into_iter().flatten() {
            if name == "Serialize" {
                self.serialize_derives.push((ty, (root, why.clone())));
                continue;
            }
            let krate = g.nodes[ty].krate;
            if !self.enter(krate) {
                continue;
            }
            self.push(ty, Some((root, why.clone())));
        }
    }

    /// Node `holder` holds trait objects (see `Deps::trait_objects`): every
    /// impl of their traits counts.
    fn trait_objects(&mut self, holder: NodeId, objects: &[TraitObject], m: &mut Memo) {
        for object in objects {
            match object {
                TraitObject::Workspace { trait_, name } => {
                    self.universe(*trait_, Reason::Generic(Arc::clone(name)), m);
                }
                TraitObject::External(name) => self.universe_by_name(name, holder, m),
            }
        }
    }

    /// Impl `i` came in because a caller or a builder chose its type: when
    /// it is generic (`impl<R: Rule> Check for R`), the type behind its
    /// parameters was chosen too, so the impls of its bounds count as well.
    fn impl_bounds(&mut self, i: usize, m: &mut Memo) {
        let g = self.g;
        let im = &g.impls[i];
        if im.generics.is_empty() {
            return;
        }
        for tr in g.bound_traits(im.header, m) {
            let name: Arc<str> = g.nodes[tr].name.as_str().into();
            self.universe(tr, Reason::Generic(name), m);
        }
        for name in ext_trait_impls(g.bound_ext_traits(im.header, m)) {
            self.universe_by_name(&name, im.header, m);
        }
    }

    /// The items that may build a value of type `ty`: those naming it, in
    /// any crate that can see it, and its inherent methods.
    fn builders(&mut self, ty: NodeId) {
        let g = self.g;
        let why = Reason::Named(g.nodes[ty].name.as_str().into());
        for &id in g.builders.get(&ty).into_iter().flatten() {
            let krate = g.nodes[id].krate;
            if !self.enter(krate) {
                continue;
            }
            self.push(id, Some((ty, why.clone())));
        }
        for (_, item) in g.inherent_by_type.get(&ty).into_iter().flatten() {
            self.push(*item, Some((ty, why.clone())));
        }
    }

    /// The items that call marked function `f` by name (a path or a method
    /// call), in every crate that can.
    fn callers(&mut self, f: NodeId) {
        let g = self.g;
        let name = g.nodes[f].name.as_str();
        let why = Reason::Named(name.into());
        let names = g.names_importing(name);
        for (id, n) in g.nodes.iter().enumerate() {
            let calls = n.refs.methods.iter().any(|m| m == name)
                || n.refs
                    .paths
                    .iter()
                    .any(|p| p.segs.last().is_some_and(|s| names.contains(s.as_str())));
            if id != f && calls && self.enter(n.krate) {
                self.push(id, Some((f, why.clone())));
            }
        }
    }

    /// Every impl of workspace trait `tr`, in every crate.
    fn universe(&mut self, tr: NodeId, why: Reason, m: &mut Memo) {
        if !self.universes.insert(tr) {
            return;
        }
        for &i in self.g.impls_by_trait.get(&tr).into_iter().flatten() {
            let im = &self.g.impls[i];
            let krate = self.g.nodes[im.header].krate;
            if !self.enter(krate) {
                continue;
            }
            self.push(im.header, Some((tr, why.clone())));
            for &item in &im.items {
                self.push(item, Some((tr, why.clone())));
            }
            self.impl_bounds(i, m);
        }
        for &c in self.g.calls_by_trait.get(&tr).into_iter().flatten() {
            let krate = self.g.nodes[c].krate;
            if !self.enter(krate) {
                continue;
            }
            self.push(c, Some((tr, why.clone())));
        }
        // Impls a derive writes (`#[derive(Weight)]`, a proc macro's, named
        // like its trait as derives are): the type, whose derive brings the
        // proc-macro crate's code and its attributes.
        let g = self.g;
        let name = g.nodes[tr].name.as_str();
        for &ty in g.derives_by_name.get(name).into_iter().flatten() {
            if self.enter(g.nodes[ty].krate) {
                self.push(ty, Some((tr, why.clone())));
            }
        }
    }
}

impl Graph {
    /// The closure of marked function `root`. `deps` answers each node's
    /// edges (computed ahead, or on demand).
    pub(crate) fn closure<'d>(
        &self,
        root: NodeId,
        deps: &mut dyn FnMut(NodeId) -> &'d Deps,
        m: &mut Memo,
    ) -> Closure {
        let root_crate = self.nodes[root].krate;
        let callers: Vec<usize> = (0..self.crates.len())
            .filter(|&k| self.links(k, root_crate))
            .collect();
        let mut w = Walk {
            g: self,
            root_crate,
            seen: vec![false; self.nodes.len()],
            queue: VecDeque::new(),
            called: FxHashMap::default(),
            entered: Vec::new(),
            may_run: (0..self.crates.len())
                .map(|c| callers.iter().any(|&k| self.links(k, c)))
                .collect(),
            impl_types_left: FxHashMap::default(),
            universes: FxHashSet::default(),
            universes_by_name: FxHashSet::default(),
            expanded: FxHashSet::default(),
            macro_outputs: FxHashSet::default(),
            serialize_derives: Vec::new(),
            out: Closure::default(),
        };
        w.push(root, None);
        let (generic, generic_ext) = self.generic_bounds(root, m);
        if !generic.is_empty() || !generic_ext.is_empty() {
            let names: Vec<String> = generic
                .iter()
                .map(|&t| self.nodes[t].key.clone())
                .chain(generic_ext.iter().cloned())
                .collect();
            w.out.notes.insert(
                format!(
                    "{}: generic: the impls of {} in every crate a program calling it can link count",
                    self.nodes[root].key,
                    names.join(", ")
                )
                .into(),
            );
        }
        for &tr in &generic {
            let name: Arc<str> = self.nodes[tr].name.as_str().into();
            w.universe(tr, Reason::Generic(name), m);
        }
        for name in &generic_ext {
            w.universe_by_name(name, root, m);
        }
        if generic_ext.iter().any(|t| super::is_code_trait(t))
            || generic.iter().any(|t| self.code_traits.contains(t))
        {
            // Code the caller passes (a closure, an iterator over one, a
            // future, or one through a workspace trait they all implement)
            // is written where the function is called.
            w.callers(root);
        }
        loop {
            w.walk(deps, m);
            // A derived `Serialize` a generic bound may run counts once the
            // function proves to serialize or measure values itself; its type
            // counts too once a crate that can call the function implements
            // `Drop`: dropping a `T` runs its fields' drops, in their order.
            if w.serialize_derives.is_empty() || !(w.serializes_itself() || w.drop_impls_may_run())
            {
                break;
            }
            for (ty, from) in std::mem::take(&mut w.serialize_derives) {
                if w.enter(self.nodes[ty].krate) {
                    w.push(ty, Some(from));
                }
            }
        }
        w.out
    }

    /// For a generic marked function (its own type or const parameters, its
    /// impl's, or `Self` of a trait's default method): the workspace traits
    /// its parameters are bound by, with their supertraits, and the names of
    /// the traits from outside the workspace it is bound by (with the traits
    /// whose impls they run: `Into` runs `From`). Any crate that can call it
    /// may instantiate it with a type of its own.
    pub(crate) fn generic_bounds(&self, id: NodeId, m: &mut Memo) -> (Vec<NodeId>, Vec<String>) {
        let n = &self.nodes[id];
        let mut out = Vec::new();
        let mut ext = Vec::new();
        let mut generic = !n.generics.is_empty();
        out.extend(self.bound_traits(id, m));
        ext.extend(self.bound_ext_traits(id, m));
        match n.parent {
            Parent::Impl(i) => {
                let im = &self.impls[i];
                if !im.generics.is_empty() {
                    generic = true;
                    out.extend(self.bound_traits(im.header, m));
                    ext.extend(self.bound_ext_traits(im.header, m));
                }
            }
            Parent::Trait(t) => {
                generic = true;
                out.push(t);
            }
            Parent::Scope => {}
        }
        if !generic {
            return (Vec::new(), Vec::new());
        }
        let ext = ext_trait_impls(ext);
        let mut seen = FxHashSet::default();
        let mut stack = out;
        while let Some(t) = stack.pop() {
            if seen.insert(t) {
                stack.extend(self.bound_traits(t, m));
            }
        }
        let mut v: Vec<NodeId> = seen.into_iter().collect();
        v.sort_unstable();
        (v, ext)
    }
}

/// The traits whose impls run for bounds on traits from outside the
/// workspace: the trait itself and those its blanket impls forward to.
/// Marker traits without methods run no code of their own.
pub(super) fn ext_trait_impls(bounds: Vec<String>) -> Vec<String> {
    let mut out = Vec::new();
    for b in bounds {
        let forwards: &[&str] = match b.as_str() {
            "Send" | "Sync" | "Sized" | "Unpin" => continue,
            // Markers whose supertraits run code (`x.clone()`, `a == b`
            // under `T: Copy`, `T: Eq`).
            "Copy" => &["Clone"],
            "Eq" => &["PartialEq"],
            "Ord" => &["PartialOrd", "PartialEq"],
            "Into" => &["From"],
            "TryInto" => &["TryFrom"],
            "ToString" => &["Display"],
            "DeserializeOwned" => &["Deserialize"],
            "IntoIterator" => &["Iterator"],
            "ToOwned" => &["Clone", "Borrow"],
            _ => &[],
        };
        out.extend(forwards.iter().map(|s| (*s).to_owned()));
        out.push(b);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Adds to `set` the items it lacks. Most reached items name the same few
/// crates and notes: they are copied only when new.
fn insert_new<T: Ord + Clone>(set: &mut BTreeSet<T>, items: &[T]) {
    for item in items {
        if !set.contains(item) {
            set.insert(item.clone());
        }
    }
}
