//! The scoped walk over one item's syntax that gathers what it mentions.
//!
//! Scopes follow Rust: a `let` binding shadows items from the statement after
//! it; parameters, closure parameters, `match`/`if let`/`while let`/`for`
//! bindings live in their bodies; generic parameters are not items; items
//! declared in a block are summarized separately (they are scoped to the
//! item and resolved at graph time).

use std::collections::{HashMap, HashSet};

use syn::punctuated::Punctuated;
use syn::visit::{self, Visit};

use super::macros;
use super::{Item, PathRef, Refs, UseEntry};

/// Where an identifier token sits: `(line, column)`.
pub(crate) type Pos = (usize, usize);

fn pos(span: proc_macro2::Span) -> Pos {
    let s = span.start();
    (s.line, s.column)
}

#[derive(Default)]
pub(crate) struct Collector {
    pub refs: Refs,
    /// Local value bindings, innermost scope last.
    scopes: Vec<Vec<String>>,
    /// Generic parameters in scope (type and const), innermost last.
    generics: Vec<Vec<String>>,
    /// Positions of identifier tokens that are local bindings or uses of
    /// one, by name; and names seen at a position that is not a local.
    local_pos: HashMap<String, HashSet<Pos>>,
    /// Items declared inside blocks.
    pub inner: Vec<Item>,
    /// Blocks entered: 1 in an item's own body.
    block_depth: usize,
    /// Items and `use`s declared in nested blocks (or in macro input).
    nested: Vec<Item>,
    /// Attributes here are derive helpers (`#[serde(...)]`), not macros.
    pub derive_helpers: bool,
    /// Inside macro input: identifiers may be turned into text
    /// (`stringify!`), so locals there are never renamed.
    in_macro: usize,
    /// Inside the input of a macro not of the standard library's.
    in_custom_macro: usize,
    /// Locals named inside format strings: never renamed.
    pinned: HashSet<String>,
    /// Inside a pattern that may fail to match.
    refutable: usize,
}

impl Collector {
    pub fn new() -> Collector {
        Collector {
            scopes: vec![Vec::new()],
            ..Collector::default()
        }
    }

    /// The names whose every occurrence (in the item's own tokens) is a
    /// local: `count` gives each name's number of identifier tokens in them.
    pub fn renamable(&self, count: &HashMap<String, usize>) -> HashSet<String> {
        self.local_pos
            .iter()
            .filter(|(name, at)| {
                count.get(*name) == Some(&at.len()) && !self.pinned.contains(*name)
            })
            .map(|(name, _)| name.clone())
            .collect()
    }

    pub fn finish(mut self) -> (Refs, Vec<Item>, Collector) {
        let r = &mut self.refs;
        r.paths.sort();
        r.paths.dedup();
        r.attr_paths.sort();
        r.attr_paths.dedup();
        for v in [
            &mut r.pat_idents,
            &mut r.methods,
            &mut r.loose,
            &mut r.attr_idents,
            &mut r.env,
        ] {
            v.sort();
            v.dedup();
        }
        r.macros.sort();
        r.macros.dedup();
        r.bounds.sort();
        r.bounds.dedup();
        r.dyn_traits.sort();
        r.dyn_traits.dedup();
        let refs = std::mem::take(&mut self.refs);
        let mut inner = std::mem::take(&mut self.inner);
        if !self.nested.is_empty() {
            let nested = std::mem::take(&mut self.nested);
            inner.push(holder(super::Kind::Other, super::Detail::Nested(nested)));
        }
        (refs, inner, self)
    }

    /// Inside a block nested in the item's own body.
    fn is_nested(&self) -> bool {
        self.block_depth > 1
    }

    /// A macro invoked in a body, in statement or expression position, may
    /// expand to items (an `impl` of a type, a `const`) as one at module
    /// level does: it is an item of the block too. The standard library's
    /// macros write none; one inside another macro's input is part of that
    /// invocation.
    fn macro_in_body(&mut self, attrs: &[syn::Attribute], mac: &syn::Macro) {
        if self.in_custom_macro == 0 && !is_std_invocation(mac) {
            let to = if self.is_nested() {
                &mut self.nested
            } else {
                &mut self.inner
            };
            to.extend(super::items::summarize(&syn::Item::Macro(syn::ItemMacro {
                attrs: attrs.to_vec(),
                ident: None,
                mac: mac.clone(),
                semi_token: None,
            })));
        }
    }

    pub fn push_generics(&mut self, g: &syn::Generics) {
        let names = g
            .params
            .iter()
            .filter_map(|p| match p {
                syn::GenericParam::Type(t) => Some(t.ident.to_string()),
                syn::GenericParam::Const(c) => Some(c.ident.to_string()),
                syn::GenericParam::Lifetime(_) => None,
            })
            .collect();
        self.generics.push(names);
    }

    pub fn push_generic_names(&mut self, names: Vec<String>) {
        self.generics.push(names);
    }

    pub fn pop_generics(&mut self) {
        self.generics.pop();
    }

    /// `{name}` in a format string: a local, or a constant or static.
    pub fn format_arg(&mut self, name: &str) {
        if self.is_local(name) {
            // Written inside a string: renaming it would not rename the string.
            self.pinned.insert(name.to_owned());
        } else {
            self.refs.paths.push(PathRef::single(name));
        }
    }

    pub fn in_macro_enter(&mut self) {
        self.in_macro += 1;
    }

    pub fn in_macro_leave(&mut self) {
        self.in_macro -= 1;
    }

    fn is_local(&self, name: &str) -> bool {
        self.scopes.iter().any(|s| s.iter().any(|n| n == name))
    }

    fn is_generic(&self, name: &str) -> bool {
        self.generics.iter().any(|s| s.iter().any(|n| n == name))
    }

    fn push_scope(&mut self) {
        self.scopes.push(Vec::new());
    }

    fn pop_scope(&mut self) {
        self.scopes.pop();
    }

    fn bind(&mut self, ident: &syn::Ident, renamable: bool) {
        let name = ident.to_string();
        if renamable && self.in_macro == 0 {
            self.local_pos
                .entry(name.clone())
                .or_default()
                .insert(pos(ident.span()));
        }
        if let Some(s) = self.scopes.last_mut() {
            s.push(name);
        }
    }

    fn local_use(&mut self, ident: &syn::Ident) {
        if self.in_macro == 0 {
            self.local_pos
                .entry(ident.to_string())
                .or_default()
                .insert(pos(ident.span()));
        }
    }

    pub fn path(&mut self, p: &syn::Path) {
        let r = path_ref(p);
        if !r.global && r.segs.first().is_some_and(|f| self.is_generic(f)) {
            // `T::default()`, `T::Item`: an item of one of `T`'s bound traits,
            // found like a method.
            if r.segs.len() > 1 {
                self.refs.methods.extend(r.segs.last().cloned());
            }
            return;
        }
        if !r.segs.is_empty() {
            self.refs.paths.push(r);
        }
    }

    /// Binds the identifiers a pattern introduces, and records what it
    /// names (paths, constants, ranges).
    /// A pattern that may fail to match (`match`, `if let`, `let … else`).
    fn refutable_pattern(&mut self, p: &syn::Pat) {
        self.refutable += 1;
        self.pattern(p);
        self.refutable -= 1;
    }

    pub fn pattern(&mut self, p: &syn::Pat) {
        match p {
            syn::Pat::Ident(pi) => {
                for a in &pi.attrs {
                    self.visit_attribute(a);
                }
                let may_be_path =
                    pi.by_ref.is_none() && pi.mutability.is_none() && pi.subpat.is_none();
                if may_be_path {
                    // `LIMIT` may be a constant in scope rather than a binding.
                    self.refs.pat_idents.push(pi.ident.to_string());
                }
                if let Some((_, sub)) = &pi.subpat {
                    self.pattern(sub);
                }
                // Where a pattern may fail, `Red` or `LIMIT` may be a variant
                // or a constant it compares with, and renaming it would
                // change what matches. Where it cannot fail, renaming cannot
                // change a value: a unit struct or variant there has one.
                self.bind(&pi.ident, !(may_be_path && self.refutable > 0));
            }
            syn::Pat::Type(pt) => {
                self.visit_type(&pt.ty);
                self.pattern(&pt.pat);
            }
            syn::Pat::Struct(ps) => {
                if let Some(q) = &ps.qself {
                    self.visit_type(&q.ty);
                }
                self.path(&ps.path);
                for f in &ps.fields {
                    if f.colon_token.is_none() {
                        // `S { x }` binds `x` and names field `x`: renaming
                        // it would change which field is read.
                        if let syn::Pat::Ident(pi) = &*f.pat {
                            self.bind(&pi.ident, false);
                            continue;
                        }
                    }
                    self.pattern(&f.pat);
                }
            }
            syn::Pat::TupleStruct(pt) => {
                if let Some(q) = &pt.qself {
                    self.visit_type(&q.ty);
                }
                self.path(&pt.path);
                for e in &pt.elems {
                    self.pattern(e);
                }
            }
            syn::Pat::Path(pp) => {
                if let Some(q) = &pp.qself {
                    self.visit_type(&q.ty);
                }
                self.path(&pp.path);
            }
            syn::Pat::Tuple(t) => t.elems.iter().for_each(|e| self.pattern(e)),
            syn::Pat::Slice(s) => s.elems.iter().for_each(|e| self.pattern(e)),
            syn::Pat::Or(o) => o.cases.iter().for_each(|e| self.pattern(e)),
            syn::Pat::Reference(r) => self.pattern(&r.pat),
            syn::Pat::Paren(p) => self.pattern(&p.pat),
            syn::Pat::Range(r) => {
                if let Some(s) = &r.start {
                    self.visit_expr(s);
                }
                if let Some(e) = &r.end {
                    self.visit_expr(e);
                }
            }
            syn::Pat::Lit(_) | syn::Pat::Rest(_) | syn::Pat::Wild(_) => {}
            syn::Pat::Const(c) => self.visit_block(&c.block),
            syn::Pat::Macro(m) => self.visit_macro(&m.mac),
            _ => {
                // Verbatim and future patterns: their identifiers may name anything.
                self.in_macro += 1;
                macros::loose_idents(quote::ToTokens::to_token_stream(p), &mut self.refs.loose);
                self.in_macro -= 1;
            }
        }
    }

    fn fn_body(&mut self, sig: &syn::Signature, block: Option<&syn::Block>) {
        self.push_generics(&sig.generics);
        self.visit_generics(&sig.generics);
        self.push_scope();
        for input in &sig.inputs {
            match input {
                syn::FnArg::Receiver(r) => {
                    for a in &r.attrs {
                        self.visit_attribute(a);
                    }
                    self.visit_type(&r.ty);
                }
                syn::FnArg::Typed(pt) => {
                    for a in &pt.attrs {
                        self.visit_attribute(a);
                    }
                    self.visit_type(&pt.ty);
                    self.pattern(&pt.pat);
                }
            }
        }
        self.visit_return_type(&sig.output);
        if let Some(b) = block {
            self.visit_block(b);
        }
        self.pop_scope();
        self.pop_generics();
    }

    /// An item's signature and body (for free functions, methods and trait
    /// methods).
    pub fn function(
        &mut self,
        attrs: &[syn::Attribute],
        sig: &syn::Signature,
        block: Option<&syn::Block>,
    ) {
        for a in attrs {
            self.visit_attribute(a);
        }
        self.fn_body(sig, block);
    }

    fn condition(&mut self, e: &syn::Expr) {
        match e {
            syn::Expr::Let(l) => {
                self.visit_expr(&l.expr);
                self.refutable_pattern(&l.pat);
            }
            syn::Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
                // `a && let P = e`: let chains bind for what follows.
                self.condition(&b.left);
                self.condition(&b.right);
            }
            other => self.visit_expr(other),
        }
    }
}

/// A syn path as plain data.
pub(crate) fn path_ref(p: &syn::Path) -> PathRef {
    PathRef {
        segs: p.segments.iter().map(|s| s.ident.to_string()).collect(),
        global: p.leading_colon.is_some(),
    }
}

/// The names a `use` tree brings in.
pub(crate) fn use_entries(
    tree: &syn::UseTree,
    prefix: &mut Vec<String>,
    global: bool,
    public: bool,
    out: &mut Vec<UseEntry>,
) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_entries(&p.tree, prefix, global, public, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            let (alias, segs) = if name == "self" {
                // `use a::b::{self}` imports the module `b` only (not a
                // function `b` beside it): the `self` stays for resolution.
                let mut s = prefix.clone();
                s.push(name);
                (prefix.last().cloned().unwrap_or_default(), s)
            } else {
                let mut s = prefix.clone();
                s.push(name.clone());
                (name, s)
            };
            out.push(UseEntry {
                alias,
                path: PathRef { segs, global },
                public,
            });
        }
        syn::UseTree::Rename(r) => {
            let mut segs = prefix.clone();
            if r.ident != "self" {
                segs.push(r.ident.to_string());
            }
            out.push(UseEntry {
                alias: r.rename.to_string(),
                path: PathRef { segs, global },
                public,
            });
        }
        syn::UseTree::Glob(_) => out.push(UseEntry {
            alias: "*".into(),
            path: PathRef {
                segs: prefix.clone(),
                global,
            },
            public,
        }),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                use_entries(t, prefix, global, public, out);
            }
        }
    }
}

impl<'ast> Visit<'ast> for Collector {
    fn visit_attribute(&mut self, a: &'ast syn::Attribute) {
        macros::attribute(self, a);
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        self.path(p);
        // Generic arguments: `Vec::<Money>::new()`.
        for seg in &p.segments {
            self.visit_path_arguments(&seg.arguments);
        }
    }

    fn visit_expr_path(&mut self, e: &'ast syn::ExprPath) {
        for a in &e.attrs {
            self.visit_attribute(a);
        }
        if e.qself.is_none() && e.path.leading_colon.is_none() && e.path.segments.len() == 1 {
            let seg = &e.path.segments[0];
            if seg.ident == "self" {
                return;
            }
            if matches!(seg.arguments, syn::PathArguments::None)
                && self.is_local(&seg.ident.to_string())
            {
                self.local_use(&seg.ident);
                return;
            }
            if self.is_generic(&seg.ident.to_string()) {
                // A value: not a type parameter of that name (a function a
                // glob imports, or a const parameter, which names nothing).
                self.refs.paths.push(path_ref(&e.path));
                self.visit_path_arguments(&seg.arguments);
                return;
            }
        }
        if let Some(q) = &e.qself {
            self.visit_qself(q);
            if q.position == 0 {
                // `<u32>::quad`, `<Vec<T>>::parse`: the type's own path
                // with the item (an inherent item, or one of a trait in
                // scope), else the item found like a method.
                match &*q.ty {
                    syn::Type::Path(t) if t.qself.is_none() => {
                        let mut r = path_ref(&t.path);
                        r.segs
                            .extend(e.path.segments.iter().map(|s| s.ident.to_string()));
                        self.refs.paths.push(r);
                    }
                    _ => self
                        .refs
                        .methods
                        .extend(e.path.segments.last().map(|s| s.ident.to_string())),
                }
                for seg in &e.path.segments {
                    self.visit_path_arguments(&seg.arguments);
                }
                return;
            }
        }
        self.visit_path(&e.path);
    }

    fn visit_type_path(&mut self, t: &'ast syn::TypePath) {
        if let Some(q) = &t.qself {
            self.visit_qself(q);
        }
        self.visit_path(&t.path);
    }

    fn visit_trait_bound(&mut self, b: &'ast syn::TraitBound) {
        let r = path_ref(&b.path);
        if !r.segs.is_empty() {
            self.refs.bounds.push(r);
        }
        visit::visit_trait_bound(self, b);
    }

    fn visit_type_trait_object(&mut self, t: &'ast syn::TypeTraitObject) {
        for b in &t.bounds {
            if let syn::TypeParamBound::Trait(tb) = b {
                self.refs.dyn_traits.push(path_ref(&tb.path));
            }
        }
        visit::visit_type_trait_object(self, t);
    }

    /// A function pointer (`fn(u64) -> u64`) holds code chosen by whoever
    /// built the value, as a `dyn Fn` does: recorded as the trait object
    /// `fn`.
    fn visit_type_bare_fn(&mut self, t: &'ast syn::TypeBareFn) {
        self.refs.dyn_traits.push(PathRef::single("fn"));
        visit::visit_type_bare_fn(self, t);
    }

    fn visit_block(&mut self, b: &'ast syn::Block) {
        self.push_scope();
        self.block_depth += 1;
        for s in &b.stmts {
            match s {
                syn::Stmt::Local(l) => {
                    for a in &l.attrs {
                        self.visit_attribute(a);
                    }
                    if let Some(init) = &l.init {
                        self.visit_expr(&init.expr);
                        if let Some((_, diverge)) = &init.diverge {
                            self.visit_expr(diverge);
                        }
                    }
                    // Bound after the initializer: `let x = x + 1` reads the old `x`.
                    if l.init.as_ref().is_some_and(|i| i.diverge.is_some()) {
                        self.refutable_pattern(&l.pat);
                    } else {
                        self.pattern(&l.pat);
                    }
                }
                syn::Stmt::Item(syn::Item::Use(u)) => {
                    let mut entries = Vec::new();
                    use_entries(
                        &u.tree,
                        &mut Vec::new(),
                        u.leading_colon.is_some(),
                        false,
                        &mut entries,
                    );
                    // One in a nested block, in macro input or under
                    // `#[cfg]` may not be there: it hides nothing.
                    let cfg = super::items::may_be_compiled_out(&u.attrs);
                    if self.is_nested() || self.in_macro > 0 || cfg {
                        let uses = holder(super::Kind::Use, super::Detail::Use(entries));
                        self.nested.push(uses);
                    } else {
                        self.refs.uses.extend(entries);
                    }
                }
                syn::Stmt::Item(it) => self.visit_item(it),
                syn::Stmt::Expr(e, _) => self.visit_expr(e),
                syn::Stmt::Macro(m) => {
                    for a in &m.attrs {
                        self.visit_attribute(a);
                    }
                    self.visit_macro(&m.mac);
                    self.macro_in_body(&m.attrs, &m.mac);
                }
            }
        }
        self.block_depth -= 1;
        self.pop_scope();
    }

    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        for a in &c.attrs {
            self.visit_attribute(a);
        }
        self.push_scope();
        for p in &c.inputs {
            self.pattern(p);
        }
        self.visit_return_type(&c.output);
        self.visit_expr(&c.body);
        self.pop_scope();
    }

    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        for a in &f.attrs {
            self.visit_attribute(a);
        }
        self.visit_expr(&f.expr);
        self.push_scope();
        self.pattern(&f.pat);
        self.visit_block(&f.body);
        self.pop_scope();
    }

    fn visit_expr_if(&mut self, e: &'ast syn::ExprIf) {
        for a in &e.attrs {
            self.visit_attribute(a);
        }
        self.push_scope();
        self.condition(&e.cond);
        self.visit_block(&e.then_branch);
        self.pop_scope();
        if let Some((_, els)) = &e.else_branch {
            self.visit_expr(els);
        }
    }

    fn visit_expr_while(&mut self, e: &'ast syn::ExprWhile) {
        for a in &e.attrs {
            self.visit_attribute(a);
        }
        self.push_scope();
        self.condition(&e.cond);
        self.visit_block(&e.body);
        self.pop_scope();
    }

    fn visit_expr_let(&mut self, l: &'ast syn::ExprLet) {
        // Outside `if`/`while` conditions (already handled): bind in place.
        self.visit_expr(&l.expr);
        self.refutable_pattern(&l.pat);
    }

    fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
        for a in &m.attrs {
            self.visit_attribute(a);
        }
        self.visit_expr(&m.expr);
        for arm in &m.arms {
            for a in &arm.attrs {
                self.visit_attribute(a);
            }
            self.push_scope();
            self.refutable_pattern(&arm.pat);
            if let Some((_, g)) = &arm.guard {
                self.visit_expr(g);
            }
            self.visit_expr(&arm.body);
            self.pop_scope();
        }
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        self.refs.methods.push(m.method.to_string());
        visit::visit_expr_method_call(self, m);
    }

    fn visit_field_value(&mut self, f: &'ast syn::FieldValue) {
        for a in &f.attrs {
            self.visit_attribute(a);
        }
        if f.colon_token.is_none() {
            // `S { x }`: the local is also the field's name.
            if let syn::Expr::Path(p) = &f.expr {
                if let Some(id) = p.path.get_ident() {
                    if self.is_local(&id.to_string()) {
                        return;
                    }
                }
            }
        }
        self.visit_expr(&f.expr);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        let custom = !is_std_invocation(m);
        self.in_custom_macro += usize::from(custom);
        macros::invocation(self, m);
        self.in_custom_macro -= usize::from(custom);
    }

    fn visit_item(&mut self, i: &'ast syn::Item) {
        if self.in_macro == 0 {
            // Scoped to this item; resolved on its own at graph time.
            let items = super::items::summarize(i);
            if self.is_nested() {
                self.nested.extend(items);
            } else {
                self.inner.extend(items);
            }
        } else {
            // What a macro's input holds may not be what it expands to
            // (`quote! { fn helper() {} }`): its mentions are the item's,
            // and the invocation (an item of the block, `macro_in_body`)
            // stands for what it may define, adding to the enclosing names
            // rather than hiding them.
            visit::visit_item(self, i);
        }
    }

    fn visit_expr_macro(&mut self, e: &'ast syn::ExprMacro) {
        for a in &e.attrs {
            self.visit_attribute(a);
        }
        self.visit_macro(&e.mac);
        self.macro_in_body(&e.attrs, &e.mac);
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.function(&f.attrs, &f.sig, Some(&f.block));
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.function(&f.attrs, &f.sig, Some(&f.block));
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        self.function(&f.attrs, &f.sig, f.default.as_ref());
    }

    fn visit_foreign_item_fn(&mut self, f: &'ast syn::ForeignItemFn) {
        self.function(&f.attrs, &f.sig, None);
    }

    fn visit_generics(&mut self, g: &'ast syn::Generics) {
        // The names themselves are scoped by `push_generics`; bounds and
        // defaults are mentions.
        for p in &g.params {
            match p {
                syn::GenericParam::Type(t) => {
                    for a in &t.attrs {
                        self.visit_attribute(a);
                    }
                    for b in &t.bounds {
                        self.visit_type_param_bound(b);
                    }
                    if let Some(d) = &t.default {
                        self.visit_type(d);
                    }
                }
                syn::GenericParam::Const(c) => {
                    self.visit_type(&c.ty);
                    if let Some(d) = &c.default {
                        self.visit_expr(d);
                    }
                }
                syn::GenericParam::Lifetime(_) => {}
            }
        }
        if let Some(w) = &g.where_clause {
            self.visit_where_clause(w);
        }
    }
}

/// Whether `mac` is one of the standard library's macros, which write no
/// items.
fn is_std_invocation(mac: &syn::Macro) -> bool {
    let segs: Vec<String> = mac
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    match segs.as_slice() {
        [name] => macros::is_std_macro(name),
        // `ptr::addr_of!` after `use std::ptr;`.
        [module, name] if module == "ptr" => matches!(name.as_str(), "addr_of" | "addr_of_mut"),
        [krate, .., name] => {
            matches!(krate.as_str(), "std" | "core" | "alloc") && macros::is_std_macro(name)
        }
        [] => false,
    }
}

/// An item that only carries others (`Detail::Nested`) or `use`s.
fn holder(kind: super::Kind, detail: super::Detail) -> Item {
    Item {
        kind,
        name: String::new(),
        vis: super::Vis::Private,
        hash: [0; 32],
        line: 0,
        refs: Default::default(),
        persist: 0,
        detail,
        inner: Vec::new(),
        conditional: false,
        test_only: false,
        expands: false,
    }
}

/// Parses `tokens` as comma-separated expressions.
pub(crate) fn parse_exprs(
    tokens: proc_macro2::TokenStream,
) -> Option<Punctuated<syn::Expr, syn::Token![,]>> {
    syn::parse::Parser::parse2(
        Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
        tokens,
    )
    .ok()
}
