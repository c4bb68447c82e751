//! One source file → a plain-data summary of its items: what each item is,
//! the hash of its own tokens, and every name it mentions.
//!
//! Summaries hold no syn or proc-macro2 values, so files are parsed in
//! parallel and summaries can be cached on disk between runs.

use std::collections::HashSet;

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use serde::{Deserialize, Serialize};
use syn::punctuated::Punctuated;
use syn::visit::{self, Visit};

use crate::tokens;

/// A parsed file: its items, in source order.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct FileSummary {
    /// Top-level items.
    pub items: Vec<Item>,
}

/// What kind of item a node is; decides how a mention of it widens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    /// A free function (or a method, inside an impl).
    Fn,
    /// A struct, enum, union or type alias.
    Type,
    /// A trait (with its default methods).
    Trait,
    /// A const or static (or an associated const).
    Value,
    /// A `macro_rules!` definition.
    Macro,
    /// A macro invoked at item level: it may define items syn cannot see.
    MacroCall,
    /// A module.
    Mod,
    /// A `use` declaration.
    Use,
    /// An impl block.
    Impl,
    /// An associated type in an impl.
    AssocType,
    /// `extern crate`.
    ExternCrate,
    /// Anything else (foreign blocks, ...): hashed, but never looked up.
    Other,
}

/// In [`Refs::includes`]: the package's `build.rs` (for `include!` of a
/// path computed at compile time, usually under `OUT_DIR`).
pub const BUILD_SCRIPT: &str = "\0build.rs";
/// In [`Refs::includes`]: the package's `Cargo.toml` (for `env!("CARGO_...")`).
pub const PACKAGE_MANIFEST: &str = "\0Cargo.toml";

/// A path as written: `a::b::C`, `::std::x`, `crate::m::f`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PathRef {
    /// Segments without generic arguments.
    pub segs: Vec<String>,
    /// Written with a leading `::`.
    pub global: bool,
}

/// One name a `use` brings in: `alias` stands for `path` (`*` for a glob,
/// whose `path` is the module).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UseEntry {
    /// The name in scope, or `*`.
    pub alias: String,
    /// What it names.
    pub path: PathRef,
}

/// The receiver of a method call, as far as the local syntax tells.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Recv {
    /// Unknown: every method of that name may be reached.
    Unknown,
    /// `self`.
    SelfTy,
    /// A binding whose type is written (`x: &Client`, `let x = Client::new()`).
    Ty(PathRef),
}

/// Everything an item mentions.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Refs {
    /// Paths in expressions, types, patterns, bounds, derives.
    pub paths: Vec<PathRef>,
    /// Method calls: name and receiver.
    pub methods: Vec<(String, Recv)>,
    /// Macros invoked.
    pub macros: Vec<PathRef>,
    /// Identifiers inside macro input syn could not parse: each may name anything.
    pub loose: Vec<String>,
    /// Files named by `include_str!`, `include_bytes!`, `include!`.
    pub includes: Vec<String>,
    /// `use` declarations inside the item's blocks.
    pub uses: Vec<UseEntry>,
    /// Why the analysis had to widen, for the manifest.
    pub notes: Vec<String>,
}

/// Kind-specific details.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub enum Detail {
    /// Nothing more.
    #[default]
    None,
    /// `mod name;` (`inline` is `None`) or `mod name { ... }`.
    Mod {
        /// The items of an inline module.
        inline: Option<Vec<Item>>,
        /// A `#[path = "..."]` attribute.
        path_attr: Option<String>,
    },
    /// The names a `use` brings in.
    Use(Vec<UseEntry>),
    /// An impl block; its items are nodes of their own.
    Impl {
        /// The self type's path, when it is one.
        self_ty: Option<PathRef>,
        /// The trait implemented.
        trait_: Option<PathRef>,
        /// The self type is a type parameter of the impl (`impl<T> X for T`).
        blanket: bool,
        /// Methods, associated consts and types.
        items: Vec<Item>,
    },
    /// A trait: the names of its items.
    Trait(Vec<String>),
    /// An enum: the names of its variants.
    Enum(Vec<String>),
    /// A macro invocation known to declare these names (`thread_local!`).
    Declares(Vec<String>),
    /// `extern crate name as alias;`.
    ExternCrate {
        /// The crate's name.
        krate: String,
    },
}

/// One item of a file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Item {
    /// What it is.
    pub kind: Kind,
    /// Its name (the macro's name for a macro call; empty for impls and uses).
    pub name: String,
    /// The digest of its own canonical tokens (for an impl: its header).
    pub hash: [u8; 32],
    /// 1-based line (of the `fn` keyword for functions).
    pub line: u32,
    /// What it mentions.
    pub refs: std::sync::Arc<Refs>,
    /// Marked `#[persist]`.
    pub persist: bool,
    /// The line of the `#[persist]` attribute (0 when not marked).
    pub attr_line: u32,
    /// `#[macro_export]`.
    pub macro_export: bool,
    /// Kind-specific details.
    pub detail: Detail,
}

/// A syntax error: the message and where.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What syn says.
    pub message: String,
}

/// Parses `source` into a summary.
pub fn parse_file(source: &str) -> Result<FileSummary, SyntaxError> {
    let file = syn::parse_file(source).map_err(|e| {
        let start = e.span().start();
        SyntaxError {
            line: start.line,
            column: start.column + 1,
            message: e.to_string(),
        }
    })?;
    Ok(FileSummary {
        items: file.items.iter().map(summarize).collect(),
    })
}

fn digest<T: ToTokens>(t: &T) -> [u8; 32] {
    tokens::token_digest(&t.to_token_stream())
}

fn line_of(span: proc_macro2::Span) -> u32 {
    span.start().line as u32
}

fn is_persist(attrs: &[syn::Attribute]) -> bool {
    persist_line(attrs) > 0
}

/// The line of the `#[persist]` attribute: the macro may report its call
/// site (this line) rather than the `fn` keyword's.
fn persist_line(attrs: &[syn::Attribute]) -> u32 {
    attrs
        .iter()
        .find(|a| {
            a.path()
                .segments
                .last()
                .is_some_and(|s| s.ident == "persist")
        })
        .map_or(0, |a| line_of(a.pound_token.span))
}

fn has_attr(attrs: &[syn::Attribute], name: &str) -> bool {
    attrs.iter().any(|a| a.path().is_ident(name))
}

fn path_attr(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find_map(|a| match &a.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

fn item(kind: Kind, name: String, hash: [u8; 32], line: u32, refs: Refs) -> Item {
    Item {
        kind,
        name,
        hash,
        line,
        refs: std::sync::Arc::new(refs),
        persist: false,
        attr_line: 0,
        macro_export: false,
        detail: Detail::None,
    }
}

/// Collects what a syntax node mentions.
fn collect<'a>(f: impl FnOnce(&mut Collector<'a>)) -> Refs {
    let mut c = Collector::default();
    f(&mut c);
    c.finish()
}

/// Like [`collect`] for a struct, enum or union: when it derives, its other
/// attributes (and its fields' and variants') are most likely the derives'
/// helper attributes (`#[serde(...)]`, `#[error(...)]`), not macros.
fn collect_type<'a>(attrs: &[syn::Attribute], f: impl FnOnce(&mut Collector<'a>)) -> Refs {
    let mut c = Collector {
        derive_helpers: attrs.iter().any(|a| a.path().is_ident("derive")),
        ..Collector::default()
    };
    f(&mut c);
    c.finish()
}

fn summarize(it: &syn::Item) -> Item {
    match it {
        syn::Item::Fn(f) => {
            let mut out = item(
                Kind::Fn,
                f.sig.ident.to_string(),
                digest(f),
                line_of(f.sig.fn_token.span),
                collect(|c| c.visit_item_fn(f)),
            );
            out.persist = is_persist(&f.attrs);
            out.attr_line = persist_line(&f.attrs);
            out
        }
        syn::Item::Struct(s) => item(
            Kind::Type,
            s.ident.to_string(),
            digest(s),
            line_of(s.ident.span()),
            collect_type(&s.attrs, |c| c.visit_item_struct(s)),
        ),
        syn::Item::Enum(e) => {
            let mut out = item(
                Kind::Type,
                e.ident.to_string(),
                digest(e),
                line_of(e.ident.span()),
                collect_type(&e.attrs, |c| c.visit_item_enum(e)),
            );
            out.detail = Detail::Enum(e.variants.iter().map(|v| v.ident.to_string()).collect());
            out
        }
        syn::Item::Union(u) => item(
            Kind::Type,
            u.ident.to_string(),
            digest(u),
            line_of(u.ident.span()),
            collect_type(&u.attrs, |c| c.visit_item_union(u)),
        ),
        syn::Item::Type(t) => item(
            Kind::Type,
            t.ident.to_string(),
            digest(t),
            line_of(t.ident.span()),
            collect(|c| c.visit_item_type(t)),
        ),
        syn::Item::Trait(t) => {
            let mut out = item(
                Kind::Trait,
                t.ident.to_string(),
                digest(t),
                line_of(t.ident.span()),
                collect(|c| c.visit_item_trait(t)),
            );
            out.detail = Detail::Trait(
                t.items
                    .iter()
                    .filter_map(|ti| match ti {
                        syn::TraitItem::Fn(f) => Some(f.sig.ident.to_string()),
                        syn::TraitItem::Const(c) => Some(c.ident.to_string()),
                        syn::TraitItem::Type(t) => Some(t.ident.to_string()),
                        _ => None,
                    })
                    .collect(),
            );
            out
        }
        syn::Item::TraitAlias(t) => item(
            Kind::Trait,
            t.ident.to_string(),
            digest(t),
            line_of(t.ident.span()),
            collect(|c| c.visit_item_trait_alias(t)),
        ),
        syn::Item::Const(k) => item(
            Kind::Value,
            k.ident.to_string(),
            digest(k),
            line_of(k.ident.span()),
            collect(|c| c.visit_item_const(k)),
        ),
        syn::Item::Static(s) => item(
            Kind::Value,
            s.ident.to_string(),
            digest(s),
            line_of(s.ident.span()),
            collect(|c| c.visit_item_static(s)),
        ),
        syn::Item::Macro(m) => {
            let h = digest(m);
            let line = line_of(
                m.mac
                    .path
                    .segments
                    .first()
                    .map_or_else(proc_macro2::Span::call_site, |s| s.ident.span()),
            );
            if m.mac.path.is_ident("macro_rules") {
                let name = m.ident.as_ref().map(|i| i.to_string()).unwrap_or_default();
                let mut refs = Refs::default();
                loose_idents(m.mac.tokens.clone(), &mut refs);
                let mut out = item(Kind::Macro, name, h, line, refs);
                out.macro_export = has_attr(&m.attrs, "macro_export");
                out
            } else {
                let name = m
                    .mac
                    .path
                    .segments
                    .last()
                    .map(|s| s.ident.to_string())
                    .unwrap_or_default();
                let refs = collect(|c| c.visit_item_macro(m));
                let declares = if name == "thread_local" {
                    statics_declared(m.mac.tokens.clone())
                } else {
                    Vec::new()
                };
                let mut out = item(Kind::MacroCall, name, h, line, refs);
                if !declares.is_empty() {
                    out.detail = Detail::Declares(declares);
                }
                out
            }
        }
        syn::Item::Mod(m) => {
            let mut out = item(
                Kind::Mod,
                m.ident.to_string(),
                [0; 32],
                line_of(m.ident.span()),
                Refs::default(),
            );
            out.detail = Detail::Mod {
                inline: m
                    .content
                    .as_ref()
                    .map(|(_, items)| items.iter().map(summarize).collect()),
                path_attr: path_attr(&m.attrs),
            };
            out
        }
        syn::Item::Use(u) => {
            let mut entries = Vec::new();
            use_entries(
                &u.tree,
                &mut Vec::new(),
                u.leading_colon.is_some(),
                &mut entries,
            );
            let mut out = item(
                Kind::Use,
                String::new(),
                [0; 32],
                line_of(u.use_token.span),
                Refs::default(),
            );
            out.detail = Detail::Use(entries);
            out
        }
        syn::Item::ExternCrate(e) => {
            let alias = e.rename.as_ref().map_or(&e.ident, |(_, a)| a).to_string();
            let mut out = item(
                Kind::ExternCrate,
                alias,
                [0; 32],
                line_of(e.ident.span()),
                Refs::default(),
            );
            out.detail = Detail::ExternCrate {
                krate: e.ident.to_string(),
            };
            out
        }
        syn::Item::Impl(i) => summarize_impl(i),
        other => item(
            Kind::Other,
            String::new(),
            digest(other),
            0,
            collect(|c| c.visit_item(other)),
        ),
    }
}

fn summarize_impl(i: &syn::ItemImpl) -> Item {
    // The header (attributes, generics, trait, self type, where clause) is
    // hashed on its own, so that adding an unrelated method to an inherent
    // impl leaves functions that never call it unchanged.
    let mut h = blake3::Hasher::new();
    h.update(tokens::WALK_VERSION.as_bytes());
    h.update(b"impl header");
    for a in &i.attrs {
        tokens::walk(a.to_token_stream(), &mut h);
    }
    if i.unsafety.is_some() {
        h.update(b"unsafe");
    }
    if i.defaultness.is_some() {
        h.update(b"default");
    }
    tokens::walk(i.generics.to_token_stream(), &mut h);
    tokens::walk(i.generics.where_clause.to_token_stream(), &mut h);
    if let Some((bang, path, _)) = &i.trait_ {
        if bang.is_some() {
            h.update(b"!");
        }
        tokens::walk(path.to_token_stream(), &mut h);
    }
    tokens::walk(i.self_ty.to_token_stream(), &mut h);
    let header_hash = *h.finalize().as_bytes();

    let generics: HashSet<String> = i
        .generics
        .type_params()
        .map(|p| p.ident.to_string())
        .collect();
    let self_ty = type_path(&i.self_ty);
    let blanket = self_ty
        .as_ref()
        .is_some_and(|p| p.segs.len() == 1 && generics.contains(&p.segs[0]));

    let header_refs = collect(|c| {
        for a in &i.attrs {
            c.visit_attribute(a);
        }
        c.visit_generics(&i.generics);
        c.visit_type(&i.self_ty);
        if let Some((_, path, _)) = &i.trait_ {
            // Generic arguments of the trait (`From<MyError>`) are mentions;
            // the trait itself is resolved separately (definition only).
            for seg in &path.segments {
                c.visit_path_arguments(&seg.arguments);
            }
        }
    });

    let mut items = Vec::new();
    for ii in &i.items {
        let mut ih = blake3::Hasher::new();
        ih.update(&header_hash);
        tokens::walk(ii.to_token_stream(), &mut ih);
        let hash = *ih.finalize().as_bytes();
        let (kind, name, line, persist) = match ii {
            syn::ImplItem::Fn(f) => (
                Kind::Fn,
                f.sig.ident.to_string(),
                line_of(f.sig.fn_token.span),
                is_persist(&f.attrs),
            ),
            syn::ImplItem::Const(k) => (
                Kind::Value,
                k.ident.to_string(),
                line_of(k.ident.span()),
                false,
            ),
            syn::ImplItem::Type(t) => (
                Kind::AssocType,
                t.ident.to_string(),
                line_of(t.ident.span()),
                false,
            ),
            _ => (Kind::Other, String::new(), 0, false),
        };
        let refs = collect(|c| {
            for g in &generics {
                c.locals.insert(g.clone());
            }
            c.visit_impl_item(ii)
        });
        let mut out = item(kind, name, hash, line, refs);
        out.persist = persist;
        if let syn::ImplItem::Fn(f) = ii {
            out.attr_line = persist_line(&f.attrs);
        }
        items.push(out);
    }

    let mut out = item(
        Kind::Impl,
        String::new(),
        header_hash,
        line_of(i.impl_token.span),
        header_refs,
    );
    out.detail = Detail::Impl {
        self_ty,
        trait_: i.trait_.as_ref().map(|(_, p, _)| path_ref(p)),
        blanket,
        items,
    };
    out
}

fn use_entries(
    tree: &syn::UseTree,
    prefix: &mut Vec<String>,
    global: bool,
    out: &mut Vec<UseEntry>,
) {
    match tree {
        syn::UseTree::Path(p) => {
            prefix.push(p.ident.to_string());
            use_entries(&p.tree, prefix, global, out);
            prefix.pop();
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            // `use a::b::{self}` names the module `b` itself.
            let (alias, segs) = if name == "self" {
                (prefix.last().cloned().unwrap_or_default(), prefix.clone())
            } else {
                let mut segs = prefix.clone();
                segs.push(name.clone());
                (name, segs)
            };
            out.push(UseEntry {
                alias,
                path: PathRef { segs, global },
            });
        }
        syn::UseTree::Rename(r) => {
            let name = r.ident.to_string();
            let segs = if name == "self" {
                prefix.clone()
            } else {
                let mut segs = prefix.clone();
                segs.push(name);
                segs
            };
            out.push(UseEntry {
                alias: r.rename.to_string(),
                path: PathRef { segs, global },
            });
        }
        syn::UseTree::Glob(_) => out.push(UseEntry {
            alias: "*".to_owned(),
            path: PathRef {
                segs: prefix.clone(),
                global,
            },
        }),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                use_entries(t, prefix, global, out);
            }
        }
    }
}

fn path_ref(p: &syn::Path) -> PathRef {
    PathRef {
        segs: p.segments.iter().map(|s| s.ident.to_string()).collect(),
        global: p.leading_colon.is_some(),
    }
}

/// The path of a type, through references, parentheses and groups.
fn type_path(t: &syn::Type) -> Option<PathRef> {
    match t {
        syn::Type::Path(p) if p.qself.is_none() => Some(path_ref(&p.path)),
        syn::Type::Reference(r) => type_path(&r.elem),
        syn::Type::Paren(p) => type_path(&p.elem),
        syn::Type::Group(g) => type_path(&g.elem),
        _ => None,
    }
}

/// The names after `static` in `thread_local!` input.
fn statics_declared(tokens: TokenStream) -> Vec<String> {
    let mut out = Vec::new();
    let mut after_static = false;
    for tt in tokens {
        if let TokenTree::Ident(i) = &tt {
            if after_static {
                out.push(i.to_string());
            }
            after_static = i == "static";
        } else {
            after_static = false;
        }
    }
    out
}

/// Every identifier in `tokens`, as a name that may refer to anything.
fn loose_idents(tokens: TokenStream, refs: &mut Refs) {
    for tt in tokens {
        match tt {
            TokenTree::Ident(i) => {
                let s = i.to_string();
                if !is_keyword(&s) {
                    refs.loose.push(s);
                }
            }
            TokenTree::Group(g) => loose_idents(g.stream(), refs),
            TokenTree::Literal(_) | TokenTree::Punct(_) => {}
        }
    }
}

fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "as" | "break"
            | "const"
            | "continue"
            | "crate"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "Self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "async"
            | "await"
            | "dyn"
            | "expr"
            | "ident"
            | "ty"
            | "tt"
            | "path"
            | "pat"
            | "block"
            | "stmt"
            | "item"
            | "literal"
            | "vis"
            | "lifetime"
            | "meta"
    )
}

/// Attributes of the language and the standard tools: nothing of the
/// workspace in them.
fn is_builtin_attr(name: &str) -> bool {
    matches!(
        name,
        "doc"
            | "cfg"
            | "cfg_attr"
            | "allow"
            | "warn"
            | "deny"
            | "forbid"
            | "expect"
            | "inline"
            | "cold"
            | "must_use"
            | "test"
            | "ignore"
            | "should_panic"
            | "path"
            | "macro_export"
            | "macro_use"
            | "repr"
            | "non_exhaustive"
            | "deprecated"
            | "track_caller"
            | "automatically_derived"
            | "no_mangle"
            | "export_name"
            | "link_section"
            | "target_feature"
            | "rustfmt"
            | "clippy"
            | "diagnostic"
            | "proc_macro"
            | "proc_macro_attribute"
            | "proc_macro_derive"
            | "global_allocator"
            | "no_std"
            | "no_implicit_prelude"
            | "used"
            | "link"
            | "link_name"
            | "unsafe"
            | "optimize"
            | "coverage"
            | "feature"
            | "default"
    )
}

/// String literals in attribute input that look like Rust paths
/// (`"my::module"`, `"default_name"`), as paths.
fn string_paths(tokens: TokenStream, refs: &mut Refs) {
    for tt in tokens {
        match tt {
            TokenTree::Literal(l) => {
                let Ok(lit) = syn::parse_str::<syn::LitStr>(&l.to_string()) else {
                    continue;
                };
                if let Ok(p) = syn::parse_str::<syn::Path>(&lit.value()) {
                    refs.paths.push(path_ref(&p));
                }
            }
            TokenTree::Group(g) => string_paths(g.stream(), refs),
            TokenTree::Ident(_) | TokenTree::Punct(_) => {}
        }
    }
}

/// Standard macros whose input is comma-separated expressions.
fn is_expr_macro(name: &str) -> bool {
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
            | "info"
            | "warn"
            | "error"
            | "debug"
            | "trace"
    )
}

#[derive(Default)]
struct Collector<'a> {
    refs: Refs,
    /// Names bound locally (parameters, `let`, patterns, generics): a
    /// single-segment path with one of these names is not an item.
    locals: HashSet<String>,
    /// The written types of local bindings, for method receivers.
    local_types: std::collections::HashMap<String, PathRef>,
    /// Attributes here are derive helpers, not attribute macros.
    derive_helpers: bool,
    _marker: std::marker::PhantomData<&'a ()>,
}

impl Collector<'_> {
    fn finish(mut self) -> Refs {
        // A single-segment path naming a local binding is no item mention.
        let locals = &self.locals;
        self.refs
            .paths
            .retain(|p| !(p.segs.len() == 1 && !p.global && locals.contains(&p.segs[0])));
        self.refs.loose.retain(|n| !locals.contains(n));
        self.refs.paths.sort_by(|a, b| a.segs.cmp(&b.segs));
        self.refs.paths.dedup();
        self.refs.loose.sort();
        self.refs.loose.dedup();
        self.refs.methods.sort_by(|a, b| a.0.cmp(&b.0));
        self.refs.methods.dedup();
        self.refs
    }

    fn receiver(&self, e: &syn::Expr) -> Recv {
        match e {
            syn::Expr::Path(p) if p.qself.is_none() && p.path.segments.len() == 1 => {
                let name = p.path.segments[0].ident.to_string();
                if name == "self" {
                    Recv::SelfTy
                } else {
                    self.local_types
                        .get(&name)
                        .cloned()
                        .map_or(Recv::Unknown, Recv::Ty)
                }
            }
            syn::Expr::Reference(r) => self.receiver(&r.expr),
            syn::Expr::Paren(p) => self.receiver(&p.expr),
            syn::Expr::Struct(s) if s.qself.is_none() => Recv::Ty(path_ref(&s.path)),
            _ => Recv::Unknown,
        }
    }

    /// The type of `init` when syntax proves it: a struct literal `T { .. }`.
    /// (`T::new()` is a `T` only by convention: it may return `Result<T>` or
    /// a builder, so it is not trusted; such receivers stay unknown.)
    fn init_type(init: &syn::Expr) -> Option<PathRef> {
        match init {
            syn::Expr::Struct(s) if s.qself.is_none() => Some(path_ref(&s.path)),
            _ => None,
        }
    }

    fn macro_input(&mut self, mac: &syn::Macro) {
        let name = mac
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        match name.as_str() {
            "include_str" | "include_bytes" | "include" => {
                match mac.parse_body::<syn::LitStr>() {
                    Ok(lit) => self.refs.includes.push(lit.value()),
                    Err(_) => {
                        // Usually `concat!(env!("OUT_DIR"), ...)`: code a build
                        // script writes. The build script stands in for it.
                        self.refs.notes.push(format!(
                            "`{name}!` with a path that is not a string literal: its file is not tracked, the package's build.rs is"
                        ));
                        self.refs.includes.push(BUILD_SCRIPT.to_owned());
                        self.refs.includes.push(PACKAGE_MANIFEST.to_owned());
                        loose_idents(mac.tokens.clone(), &mut self.refs);
                    }
                }
                return;
            }
            "env" | "option_env" => {
                match mac.parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated) {
                    // `CARGO_PKG_VERSION` and friends come from Cargo.toml.
                    Ok(args)
                        if matches!(args.first(), Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. })) if s.value().starts_with("CARGO_")) =>
                    {
                        self.refs.includes.push(PACKAGE_MANIFEST.to_owned());
                    }
                    _ => self.refs.notes.push(format!(
                        "`{name}!` reads the environment at compile time: its value is not part of the hash"
                    )),
                }
                return;
            }
            _ => {}
        }
        if name == "thread_local" {
            // `thread_local! { static NAME: T = ...; }` declares NAME here.
            self.locals.extend(statics_declared(mac.tokens.clone()));
        }
        if is_expr_macro(&name) {
            if let Ok(args) =
                mac.parse_body_with(Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated)
            {
                for e in &args {
                    if let syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) = e
                    {
                        for n in inline_format_args(&s.value()) {
                            self.refs.paths.push(PathRef {
                                segs: vec![n],
                                global: false,
                            });
                        }
                    }
                    match e {
                        // `tracing::warn!(size = n, ...)`: `size` is a field
                        // name, not a place.
                        syn::Expr::Assign(a) => self.visit_expr(&a.right),
                        _ => self.visit_expr(e),
                    }
                }
                return;
            }
        }
        loose_idents(mac.tokens.clone(), &mut self.refs);
    }
}

/// Names captured by a format string: `{name}`, `{name:?}`, `{0:width$}`.
fn inline_format_args(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == '{' {
            if bytes.get(i + 1) == Some(&'{') {
                i += 2;
                continue;
            }
            let mut j = i + 1;
            let mut name = String::new();
            while j < bytes.len() && (bytes[j].is_alphanumeric() || bytes[j] == '_') {
                name.push(bytes[j]);
                j += 1;
            }
            if !name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit()) {
                out.push(name);
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

impl<'ast> Visit<'ast> for Collector<'_> {
    fn visit_attribute(&mut self, a: &'ast syn::Attribute) {
        if a.path().is_ident("derive") {
            if let Ok(list) =
                a.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
            {
                for p in &list {
                    self.refs.paths.push(path_ref(p));
                    // A derive is a macro: a workspace proc-macro crate may
                    // generate the code.
                    self.refs.macros.push(path_ref(p));
                }
            }
        }
        // Other attributes are in the item's own tokens. Those that are not
        // built-ins may name code: `#[serde(with = "my::module")]`,
        // `#[persist(storage = my_storage())]`. Their identifiers, and string
        // literals that look like paths, count as names.
        let Some(name) = a.path().segments.last().map(|s| s.ident.to_string()) else {
            return;
        };
        let first = a
            .path()
            .segments
            .first()
            .map(|s| s.ident.to_string())
            .unwrap_or_default();
        if is_builtin_attr(&name) || is_builtin_attr(&first) {
            return;
        }
        // `#[persist(...)]` itself is the runtime's wrapper, not the function's
        // code; its arguments (a cache, a storage, a custom format) still count.
        if name != "derive" && name != "persist" && !self.derive_helpers {
            // An attribute macro, or a derive's helper attribute.
            self.refs.macros.push(path_ref(a.path()));
        }
        if let syn::Meta::List(list) = &a.meta {
            loose_idents(list.tokens.clone(), &mut self.refs);
            string_paths(list.tokens.clone(), &mut self.refs);
        } else if let syn::Meta::NameValue(nv) = &a.meta {
            self.visit_expr(&nv.value);
        }
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        self.refs.paths.push(path_ref(p));
        visit::visit_path(self, p);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        let recv = self.receiver(&m.receiver);
        self.refs.methods.push((m.method.to_string(), recv));
        visit::visit_expr_method_call(self, m);
    }

    fn visit_expr_field(&mut self, f: &'ast syn::ExprField) {
        // A field may hold a closure or fn pointer called as `(self.f)()`;
        // its type is in the struct, which the path of the struct reaches.
        visit::visit_expr_field(self, f);
    }

    fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
        self.locals.insert(p.ident.to_string());
        visit::visit_pat_ident(self, p);
    }

    fn visit_pat_type(&mut self, p: &'ast syn::PatType) {
        if let (syn::Pat::Ident(id), Some(ty)) = (&*p.pat, type_path(&p.ty)) {
            self.local_types.insert(id.ident.to_string(), ty);
        }
        visit::visit_pat_type(self, p);
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        if let (syn::Pat::Ident(id), Some(init)) = (&l.pat, &l.init) {
            if let Some(ty) = Self::init_type(&init.expr) {
                self.local_types.insert(id.ident.to_string(), ty);
            }
        }
        visit::visit_local(self, l);
    }

    fn visit_generic_param(&mut self, g: &'ast syn::GenericParam) {
        match g {
            syn::GenericParam::Type(t) => {
                self.locals.insert(t.ident.to_string());
            }
            syn::GenericParam::Const(c) => {
                self.locals.insert(c.ident.to_string());
            }
            syn::GenericParam::Lifetime(_) => {}
        }
        visit::visit_generic_param(self, g);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.refs.macros.push(path_ref(&m.path));
        self.macro_input(m);
    }

    fn visit_item(&mut self, i: &'ast syn::Item) {
        // An item inside a body is part of the enclosing item's tokens: its
        // name is local, not a workspace item to look up.
        let ident = match i {
            syn::Item::Const(x) => Some(&x.ident),
            syn::Item::Static(x) => Some(&x.ident),
            syn::Item::Fn(x) => Some(&x.sig.ident),
            syn::Item::Struct(x) => Some(&x.ident),
            syn::Item::Enum(x) => Some(&x.ident),
            syn::Item::Union(x) => Some(&x.ident),
            syn::Item::Type(x) => Some(&x.ident),
            syn::Item::Trait(x) => Some(&x.ident),
            syn::Item::Mod(x) => Some(&x.ident),
            syn::Item::Macro(x) => x.ident.as_ref(),
            _ => None,
        };
        if let Some(id) = ident {
            self.locals.insert(id.to_string());
        }
        visit::visit_item(self, i);
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        use_entries(
            &u.tree,
            &mut Vec::new(),
            u.leading_colon.is_some(),
            &mut self.refs.uses,
        );
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        visit::visit_item_fn(self, f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functions_and_their_mentions() {
        let s = parse_file(
            "use crate::a::b as c;\n#[perscache::persist]\nfn f(x: &Client) -> u32 { let y = helper(x); x.get(); c::go(); println!(\"{LIMIT}\"); y }",
        )
        .map_err(|e| e.message)
        .unwrap_or_default();
        assert_eq!(s.items.len(), 2);
        let f = &s.items[1];
        assert!(f.persist);
        assert_eq!(f.line, 3);
        let names: Vec<String> = f.refs.paths.iter().map(|p| p.segs.join("::")).collect();
        assert!(names.contains(&"helper".to_owned()), "{names:?}");
        assert!(names.contains(&"c::go".to_owned()));
        assert!(names.contains(&"LIMIT".to_owned()));
        assert!(names.contains(&"Client".to_owned()));
        assert!(!names.contains(&"x".to_owned()));
        assert_eq!(
            f.refs.methods,
            vec![(
                "get".to_owned(),
                Recv::Ty(PathRef {
                    segs: vec!["Client".to_owned()],
                    global: false
                })
            )]
        );
    }

    #[test]
    fn syntax_errors_have_a_line() {
        let e = parse_file("fn ok() {}\nfn broken( {").err();
        assert_eq!(e.map(|e| e.line), Some(2));
    }
}
