//! syn items → [`Item`] summaries.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::visit::Visit;

use super::collect::{path_ref, use_entries, Collector};
use super::macros::{body_idents, is_keyword, is_std_macro, loose_idents, path_expr};
use super::{Detail, FileSummary, Generics, ImplInfo, Item, KeyPath, Kind, PathRef, Refs, Vis};
use crate::tokens;

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
    let syntax_error = |e: syn::Error| {
        let start = e.span().start();
        SyntaxError {
            line: start.line,
            column: start.column + 1,
            message: e.to_string(),
        }
    };
    let parsed = if source.contains("r#") || !source.is_ascii() {
        let tokens = nfc_identifiers(lex(source).map_err(syntax_error)?);
        syn::parse2::<syn::File>(unraw_identifiers(tokens))
    } else {
        syn::parse_file(source)
    };
    let file = match parsed {
        Ok(file) => file,
        // Edition 2015 (`try!(..)`, a function named `async`): the file
        // is read again with those words as the identifiers they are there.
        // A file of a later edition that fails has no other reading.
        Err(e) => lex(source)
            .and_then(|tokens| {
                let tokens = edition_2015(nfc_identifiers(tokens));
                syn::parse2::<syn::File>(unraw_identifiers(tokens))
            })
            .map_err(|_| syntax_error(e))?,
    };
    let mut items: Vec<Item> = file.items.iter().flat_map(summarize).collect();
    let aliases = persist_aliases(&file);
    if !aliases.is_empty() {
        let mut found = AliasMarks {
            aliases,
            marked: HashMap::new(),
        };
        found.visit_file(&file);
        mark_aliased(&mut items, &found.marked);
    }
    Ok(FileSummary {
        items,
        macro_use: file.attrs.iter().any(is_macro_use),
    })
}

/// The tokens of a whole file, as `syn::parse_file` lexes them: without a
/// byte order mark, and with a shebang line blanked (its line and columns
/// kept, so that positions stay those of the file).
fn lex(source: &str) -> syn::Result<TokenStream> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let blanked;
    let source = match source.strip_prefix("#!") {
        Some(rest) if !rest.trim_start().starts_with('[') => {
            let end = source.find('\n').unwrap_or(source.len());
            blanked = format!("{}{}", " ".repeat(end), &source[end..]);
            &blanked
        }
        _ => source,
    };
    source.parse::<TokenStream>().map_err(syn::Error::from)
}

/// The words edition 2018 made keywords, written raw (`try` → `r#try`):
/// identifiers in an edition-2015 crate, which syn would refuse.
fn edition_2015(tokens: TokenStream) -> TokenStream {
    tokens
        .into_iter()
        .map(|tt| match tt {
            TokenTree::Ident(ident)
                if matches!(ident.to_string().as_str(), "async" | "await" | "try") =>
            {
                TokenTree::Ident(proc_macro2::Ident::new_raw(
                    &ident.to_string(),
                    ident.span(),
                ))
            }
            TokenTree::Group(g) => {
                let mut group = proc_macro2::Group::new(g.delimiter(), edition_2015(g.stream()));
                group.set_span(g.span());
                TokenTree::Group(group)
            }
            other => other,
        })
        .collect()
}

/// `r#name` is the identifier `name` (rustc sees one identifier): written
/// plain wherever syn takes it as an identifier, so that a function declared
/// `fn r#scale` and called `scale` (or the other way round, as a crate of
/// another edition does) are one name to the analysis. Keywords stay raw.
/// A macro's input is left as written, since the macro may tell `r#name`
/// from `name` (`stringify!`): the tokens hashed keep it, and the analysis
/// reads the input through [`macro_input`].
/// The tokens with every identifier in Unicode NFC, as rustc reads them:
/// `café` written with a combining accent is the identifier written with a
/// precomposed `é`. Spans stay those of the file; literals keep their bytes.
fn nfc_identifiers(tokens: TokenStream) -> TokenStream {
    let nfc = icu_normalizer::ComposingNormalizerBorrowed::new_nfc();
    tokens
        .into_iter()
        .map(|tt| match tt {
            TokenTree::Ident(ident) => {
                let text = ident.to_string();
                if text.is_ascii() {
                    return TokenTree::Ident(ident);
                }
                let (raw, name) = match text.strip_prefix("r#") {
                    Some(name) => (true, name),
                    None => (false, text.as_str()),
                };
                match nfc.normalize(name) {
                    std::borrow::Cow::Borrowed(_) => TokenTree::Ident(ident),
                    std::borrow::Cow::Owned(normal) if raw => {
                        TokenTree::Ident(proc_macro2::Ident::new_raw(&normal, ident.span()))
                    }
                    std::borrow::Cow::Owned(normal) => {
                        TokenTree::Ident(proc_macro2::Ident::new(&normal, ident.span()))
                    }
                }
            }
            TokenTree::Group(g) => {
                let mut group = proc_macro2::Group::new(g.delimiter(), nfc_identifiers(g.stream()));
                group.set_span(g.span());
                TokenTree::Group(group)
            }
            other => other,
        })
        .collect()
}

fn unraw_identifiers(tokens: TokenStream) -> TokenStream {
    unraw(tokens, false)
}

/// The input of invocation `mac`, with its identifiers unraw, for reading
/// what it names (its tokens are hashed as written).
pub(crate) fn macro_input(mac: &syn::Macro) -> TokenStream {
    unraw(mac.tokens.clone(), true)
}

/// `unraw_identifiers`, into macro inputs too when `all`.
fn unraw(tokens: TokenStream, all: bool) -> TokenStream {
    // The last three tokens: `name !` or `macro_rules ! name` before a
    // group make it a macro's input.
    let mut last: [Option<TokenTree>; 3] = [None, None, None];
    let mut out = Vec::new();
    for tt in tokens {
        let mapped = match tt {
            TokenTree::Ident(ident) => {
                let text = ident.to_string();
                match text.strip_prefix("r#") {
                    Some(name) if !syn_refuses(name) => {
                        TokenTree::Ident(proc_macro2::Ident::new(name, ident.span()))
                    }
                    _ => TokenTree::Ident(ident),
                }
            }
            TokenTree::Group(g) if !all && is_macro_input(&last) => TokenTree::Group(g),
            TokenTree::Group(g) => {
                let mut group = proc_macro2::Group::new(g.delimiter(), unraw(g.stream(), all));
                group.set_span(g.span());
                TokenTree::Group(group)
            }
            other => other,
        };
        last = [last[1].take(), last[2].take(), Some(mapped.clone())];
        out.push(mapped);
    }
    out.into_iter().collect()
}

/// Whether a group after tokens `last` (the three before it) is a macro's
/// input: `name!(..)`, `macro_rules! name { .. }`; not `return !(..)` or
/// `!name(..)`.
fn is_macro_input(last: &[Option<TokenTree>; 3]) -> bool {
    let bang = |t: &Option<TokenTree>| matches!(t, Some(TokenTree::Punct(p)) if p.as_char() == '!');
    let ident = |t: &Option<TokenTree>, f: &dyn Fn(&str) -> bool| matches!(t, Some(TokenTree::Ident(i)) if f(&i.to_string()));
    let [a, b, c] = last;
    (bang(c) && ident(b, &|n| !is_keyword(n)))
        || (ident(c, &|_| true) && bang(b) && ident(a, &|n| n == "macro_rules"))
}

/// Words syn never takes as an identifier (its `accept_as_ident`): a raw
/// identifier of one of them must stay raw. They are the keywords (less the
/// contextual `union` and `macro_rules`) and the reserved words.
fn syn_refuses(word: &str) -> bool {
    (is_keyword(word) && !matches!(word, "union" | "macro_rules"))
        || matches!(
            word,
            "abstract"
                | "become"
                | "box"
                | "do"
                | "final"
                | "macro"
                | "override"
                | "priv"
                | "try"
                | "typeof"
                | "unsized"
                | "virtual"
                | "yield"
        )
}

/// The names `persist` is imported under in a file (`use
/// perscache::persist as memo;`).
fn persist_aliases(file: &syn::File) -> HashSet<String> {
    struct Renames(HashSet<String>);
    impl<'ast> syn::visit::Visit<'ast> for Renames {
        fn visit_use_rename(&mut self, r: &'ast syn::UseRename) {
            if r.ident == "persist" {
                self.0.insert(r.rename.to_string());
            }
        }
    }
    let mut r = Renames(HashSet::new());
    r.visit_file(file);
    r.0
}

/// Functions marked under an alias of `persist`: (name, line of `fn`) →
/// line of the attribute.
struct AliasMarks {
    aliases: HashSet<String>,
    marked: HashMap<(String, u32), u32>,
}

impl AliasMarks {
    fn check(&mut self, attrs: &[syn::Attribute], sig: &syn::Signature) {
        let line = marker_line(attrs, &|name| self.aliases.contains(name));
        if line > 0 {
            self.marked
                .insert((sig.ident.to_string(), line_of(sig.fn_token.span)), line);
        }
    }
}

impl<'ast> syn::visit::Visit<'ast> for AliasMarks {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.check(&f.attrs, &f.sig);
        syn::visit::visit_item_fn(self, f);
    }
    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.check(&f.attrs, &f.sig);
        syn::visit::visit_impl_item_fn(self, f);
    }
    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        self.check(&f.attrs, &f.sig);
        syn::visit::visit_trait_item_fn(self, f);
    }
}

/// Sets the mark of the functions `marked` names, wherever they sit.
fn mark_aliased(items: &mut [Item], marked: &HashMap<(String, u32), u32>) {
    for it in items {
        if it.kind == Kind::Fn && it.persist == 0 {
            if let Some(&line) = marked.get(&(it.name.clone(), it.line)) {
                it.persist = line;
            }
        }
        mark_aliased(&mut it.inner, marked);
        match &mut it.detail {
            Detail::Impl(i) => mark_aliased(&mut i.items, marked),
            Detail::Trait { items, .. } => mark_aliased(items, marked),
            Detail::Mod {
                inline: Some(items),
                ..
            } => mark_aliased(items, marked),
            Detail::MacroCall {
                items: Some(items), ..
            }
            | Detail::Nested(items) => mark_aliased(items, marked),
            _ => {}
        }
    }
}

/// What Rust code pulled in by an `include!` in expression position
/// mentions (statements and a final expression), as if written in place.
pub(crate) fn code_refs(source: &str) -> Option<Refs> {
    let tokens: TokenStream = source.parse().ok()?;
    let stmts = syn::parse::Parser::parse2(syn::Block::parse_within, tokens).ok()?;
    let mut c = Collector::new();
    c.visit_block(&syn::Block {
        brace_token: Default::default(),
        stmts,
    });
    let (refs, _, _) = c.finish();
    Some(refs)
}

fn line_of(span: proc_macro2::Span) -> u32 {
    span.start().line as u32
}

fn vis(v: &syn::Visibility) -> Vis {
    match v {
        syn::Visibility::Public(_) => Vis::Public,
        syn::Visibility::Restricted(_) => Vis::Crate,
        syn::Visibility::Inherited => Vis::Private,
    }
}

/// The line of the `#[persist]` attribute, 0 when there is none.
fn persist_line(attrs: &[syn::Attribute]) -> u32 {
    marker_line(attrs, &|name| name == "persist")
}

/// The line of the first of `attrs` whose path ends in a name `is_marker`
/// accepts, written directly or applied by `cfg_attr(pred, …)`; 0 if none.
fn marker_line(attrs: &[syn::Attribute], is_marker: &dyn Fn(&str) -> bool) -> u32 {
    fn names(meta: &syn::Meta, is_marker: &dyn Fn(&str) -> bool) -> bool {
        if let syn::Meta::List(list) = meta {
            if list.path.is_ident("cfg_attr") {
                let applied = list.parse_args_with(
                    syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
                );
                return applied
                    .iter()
                    .flatten()
                    .skip(1)
                    .any(|m| names(m, is_marker));
            }
        }
        meta.path()
            .segments
            .last()
            .is_some_and(|s| is_marker(&s.ident.to_string()))
    }
    attrs
        .iter()
        .find(|a| names(&a.meta, is_marker))
        .map_or(0, |a| line_of(a.pound_token.span))
}

/// A function's generics, with the traits of its `impl Trait` and `dyn
/// Trait` arguments.
fn fn_generics_of(sig: &syn::Signature) -> Generics {
    struct Traits(Vec<PathRef>);
    impl<'ast> Visit<'ast> for Traits {
        fn visit_type_impl_trait(&mut self, t: &'ast syn::TypeImplTrait) {
            for b in &t.bounds {
                if let syn::TypeParamBound::Trait(tb) = b {
                    self.0.push(path_ref(&tb.path));
                }
            }
            syn::visit::visit_type_impl_trait(self, t);
        }
        fn visit_type_trait_object(&mut self, t: &'ast syn::TypeTraitObject) {
            for b in &t.bounds {
                if let syn::TypeParamBound::Trait(tb) = b {
                    self.0.push(path_ref(&tb.path));
                }
            }
            syn::visit::visit_type_trait_object(self, t);
        }
    }
    let mut g = generics_of(&sig.generics);
    let mut t = Traits(Vec::new());
    let mut types = Collector::new();
    types.push_generics(&sig.generics);
    for input in &sig.inputs {
        if let syn::FnArg::Typed(pt) = input {
            t.visit_type(&pt.ty);
            types.visit_type(&pt.ty);
        }
    }
    g.arg_traits = t.0;
    g.arg_types = types.finish().0.paths;
    g
}

fn generics_of(g: &syn::Generics) -> Generics {
    let mut out = Generics::default();
    for p in &g.params {
        match p {
            syn::GenericParam::Type(t) => out.types.push(t.ident.to_string()),
            syn::GenericParam::Const(c) => out.consts.push(c.ident.to_string()),
            syn::GenericParam::Lifetime(_) => {}
        }
    }
    out
}

/// How many identifier tokens of each name `tokens` holds.
fn ident_counts(tokens: TokenStream, out: &mut HashMap<String, usize>) {
    for tt in tokens {
        match tt {
            TokenTree::Ident(i) => *out.entry(i.to_string()).or_default() += 1,
            TokenTree::Group(g) => ident_counts(g.stream(), out),
            TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
    }
}

/// Walks a syntax node with a fresh collector: its refs, inner items, and
/// the digest of its tokens with consistently renamable locals renamed.
fn collected<T: ToTokens>(
    node: &T,
    generics: &[&[String]],
    derive_helpers: bool,
    walk: impl FnOnce(&mut Collector),
) -> (Refs, Vec<Item>, [u8; 32]) {
    collected_with(node, generics, derive_helpers, false, false, walk)
}

/// [`collected`], with doc comments kept when `keep_docs` (a type whose
/// derive may read them), and hashed as written when `in_attribute_macro`
/// (an item of an impl or trait under an attribute macro) or when the node
/// is under one itself.
fn collected_with<T: ToTokens>(
    node: &T,
    generics: &[&[String]],
    derive_helpers: bool,
    keep_docs: bool,
    in_attribute_macro: bool,
    walk: impl FnOnce(&mut Collector),
) -> (Refs, Vec<Item>, [u8; 32]) {
    let mut c = Collector::new();
    c.derive_helpers = derive_helpers;
    for g in generics {
        c.push_generic_names(g.to_vec());
    }
    walk(&mut c);
    let (mut refs, inner, c) = c.finish();
    let ts = node.to_token_stream();
    // Code that observes where its callers sit: `Location::caller()`, and a
    // `#[track_caller]` function, whose callers' positions it reports.
    let calls_caller = refs.paths.iter().any(|p| {
        let n = p.segs.len();
        n >= 2 && p.segs[n - 1] == "caller" && p.segs[n - 2] == "Location"
    });
    if calls_caller {
        refs.position.push("caller".to_owned());
    }
    if has_outer_attr(&ts, "track_caller") {
        refs.position.push("track_caller".to_owned());
    }
    refs.layout = tokens::layout_digest(&ts);
    let as_written = in_attribute_macro || tokens::has_attribute_macro(&ts);
    if !as_written {
        let std_named = |f: fn(&str) -> bool| {
            refs.macros
                .iter()
                .any(|p| matches!(p.segs.as_slice(), [name] if f(name)))
        };
        refs.written = if std_named(is_std_derive) {
            Some(tokens::macro_input_digest(&ts))
        } else if std_named(tokens::is_expr_macro) {
            Some(tokens::written_digest(&ts, keep_docs))
        } else {
            None
        };
    }
    let mut hash = if as_written {
        tokens::macro_input_digest(&ts)
    } else {
        let mut counts = HashMap::new();
        ident_counts(ts.clone(), &mut counts);
        let renamable = c.renamable(&counts);
        let is_local = |s: &str| renamable.contains(s);
        tokens::digest_with(
            &ts,
            (!renamable.is_empty()).then_some(&is_local as &dyn Fn(&str) -> bool),
            keep_docs,
        )
    };
    if !refs.position.is_empty() {
        // `line!()`, `column!()`: where they sit is part of the value.
        let mut h = blake3::Hasher::new();
        h.update(&hash);
        for p in &refs.position {
            h.update(p.as_bytes());
            h.update(b"\0");
        }
        hash = *h.finalize().as_bytes();
    }
    (refs, inner, hash)
}

/// Whether `attrs` include an attribute macro, whose input is every item
/// of the impl or trait they are on.
fn under_attribute_macro(attrs: &[syn::Attribute]) -> bool {
    attrs
        .iter()
        .any(|a| !tokens::is_builtin_attr(&a.meta.to_token_stream()))
}

/// Whether `tokens` (an item's) begin with an outer attribute `#[name]`.
fn has_outer_attr(tokens: &TokenStream, name: &str) -> bool {
    let tts: Vec<TokenTree> = tokens.clone().into_iter().collect();
    tts.windows(2).any(|w| match (&w[0], &w[1]) {
        (TokenTree::Punct(p), TokenTree::Group(g)) if p.as_char() == '#' => {
            let mut inner = g.stream().into_iter();
            matches!(inner.next(), Some(TokenTree::Ident(i)) if i == name) && inner.next().is_none()
        }
        _ => false,
    })
}

/// Whether `attrs` may leave the item out of the build: a `#[cfg(..)]`,
/// written directly or applied by `cfg_attr(pred, ...)` at any depth
/// (`#[cfg_attr(all(), cfg(any()))]` removes it as `#[cfg(any())]` does).
pub(crate) fn may_be_compiled_out(attrs: &[syn::Attribute]) -> bool {
    fn visit(meta: &syn::Meta) -> bool {
        if meta.path().is_ident("cfg") {
            return true;
        }
        let syn::Meta::List(list) = meta else {
            return false;
        };
        if !list.path.is_ident("cfg_attr") {
            return false;
        }
        let applied = list.parse_args_with(
            syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
        );
        // Unparsable arguments may hold a `cfg` too.
        applied.map_or(true, |metas| metas.iter().skip(1).any(visit))
    }
    attrs.iter().any(|a| visit(&a.meta))
}

/// Whether `attrs` compile the item only where `cfg(test)` holds
/// (`#[cfg(test)]`, `#[cfg(all(test, ..))]`): in its crate's own test
/// build, never in a crate depending on it.
pub(crate) fn only_under_cfg_test(attrs: &[syn::Attribute]) -> bool {
    fn requires_test(predicate: &syn::Meta) -> bool {
        match predicate {
            syn::Meta::Path(p) => p.is_ident("test"),
            syn::Meta::List(list) if list.path.is_ident("all") => list
                .parse_args_with(
                    syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
                )
                .is_ok_and(|all| all.iter().any(requires_test)),
            _ => false,
        }
    }
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.parse_args::<syn::Meta>()
                .is_ok_and(|predicate| requires_test(&predicate))
    })
}

/// The `derive(...)` lists of `attrs`, written directly or inside
/// `cfg_attr(pred, ...)` (at any depth): a derive a feature turns on is
/// compiled too.
fn derive_lists(attrs: &[syn::Attribute]) -> Vec<syn::MetaList> {
    fn visit(meta: &syn::Meta, out: &mut Vec<syn::MetaList>) {
        let syn::Meta::List(list) = meta else {
            return;
        };
        if list.path.is_ident("derive") {
            out.push(list.clone());
        } else if list.path.is_ident("cfg_attr") {
            let applied = list.parse_args_with(
                syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
            );
            for m in applied.iter().flatten().skip(1) {
                visit(m, out);
            }
        }
    }
    let mut out = Vec::new();
    for a in attrs {
        visit(&a.meta, &mut out);
    }
    out
}

/// Whether one of the derives is not the standard library's: it may read
/// the item's tokens as written, doc comments included. A bare standard
/// name (`Default`) may still be imported from elsewhere: the item keeps
/// its digest as written for that (`Refs::written`).
fn custom_derive(derives: &[syn::MetaList]) -> bool {
    derives.iter().any(|list| {
        let mut any = false;
        let _ = list.parse_nested_meta(|m| {
            let segs: Vec<String> = m
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            let std = match segs.as_slice() {
                [name] => is_std_derive(name),
                [krate, .., name] => {
                    matches!(krate.as_str(), "std" | "core" | "alloc") && is_std_derive(name)
                }
                [] => false,
            };
            any |= !std;
            Ok(())
        });
        any
    })
}

/// The standard library's derives.
pub(crate) fn is_std_derive(name: &str) -> bool {
    matches!(
        name,
        "Debug" | "Clone" | "Copy" | "PartialEq" | "Eq" | "PartialOrd" | "Ord" | "Hash" | "Default"
    )
}

/// The digest of a `use`, `mod` or `extern crate` declaration whose
/// attributes may change what is compiled (`#[cfg]`, `#[macro_use]`,
/// `#[path]`): which of two `#[cfg]`-gated `use`s of one name is compiled
/// decides what the name calls. Zero for a declaration without such
/// attributes: what it brings in is followed by name resolution.
fn declaration_digest(attrs: &[syn::Attribute], decl: &dyn ToTokens) -> [u8; 32] {
    let shaping: Vec<&syn::Attribute> = attrs
        .iter()
        .filter(|a| {
            let p = a.path();
            let first = p.segments.first().map(|s| s.ident.to_string());
            !matches!(
                first.as_deref(),
                Some(
                    "doc"
                        | "allow"
                        | "warn"
                        | "deny"
                        | "forbid"
                        | "expect"
                        | "rustfmt"
                        | "clippy"
                        | "deprecated"
                        | "must_use"
                )
            )
        })
        .collect();
    if shaping.is_empty() {
        return [0; 32];
    }
    let mut ts = TokenStream::new();
    for a in shaping {
        a.to_tokens(&mut ts);
    }
    decl.to_tokens(&mut ts);
    tokens::token_digest(&ts)
}

/// The attributes as metas, with `#[unsafe(...)]` (edition 2024) unwrapped
/// and those `cfg_attr(pred, ...)` may apply (at any depth) included.
fn metas(attrs: &[syn::Attribute]) -> impl Iterator<Item = syn::Meta> + '_ {
    fn flatten(meta: syn::Meta, out: &mut Vec<syn::Meta>) {
        match &meta {
            syn::Meta::List(l) if l.path.is_ident("unsafe") => {
                if let Ok(inner) = l.parse_args::<syn::Meta>() {
                    flatten(inner, out);
                }
            }
            syn::Meta::List(l) if l.path.is_ident("cfg_attr") => {
                let applied = l.parse_args_with(
                    syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
                );
                for m in applied.into_iter().flatten().skip(1) {
                    flatten(m, out);
                }
            }
            _ => out.push(meta),
        }
    }
    attrs.iter().flat_map(|a| {
        let mut out = Vec::new();
        flatten(a.meta.clone(), &mut out);
        out
    })
}

/// The string of `#[name = "..."]`.
fn string_attr(attrs: &[syn::Attribute], name: &str) -> Option<String> {
    metas(attrs).find_map(|m| match m {
        syn::Meta::NameValue(nv) if nv.path.is_ident(name) => match nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

/// The symbol a function or static is exported under, if it is.
fn exported_symbol(attrs: &[syn::Attribute], name: &str) -> Option<String> {
    if metas(attrs).any(|m| m.path().is_ident("no_mangle")) {
        return Some(name.to_owned());
    }
    string_attr(attrs, "export_name")
}

fn item(kind: Kind, name: String, v: Vis, hash: [u8; 32], line: u32, refs: Refs) -> Item {
    Item {
        kind,
        name,
        vis: v,
        hash,
        line,
        refs: Arc::new(refs),
        persist: 0,
        detail: Detail::None,
        inner: Vec::new(),
        conditional: false,
        test_only: false,
        expands: false,
    }
}

/// One syn item as summaries (a foreign block gives one per declaration).
pub(crate) fn summarize(it: &syn::Item) -> Vec<Item> {
    let mut items = summarize_one(it);
    let attrs = item_attrs(it);
    let conditional = may_be_compiled_out(attrs);
    let test_only = only_under_cfg_test(attrs);
    let expands = !matches!(it, syn::Item::Macro(_))
        && (under_attribute_macro(attrs) || custom_derive(&derive_lists(attrs)));
    for i in &mut items {
        i.conditional |= conditional;
        i.test_only |= test_only;
        i.expands |= expands;
    }
    items
}

/// An item's outer attributes.
fn item_attrs(it: &syn::Item) -> &[syn::Attribute] {
    match it {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::ExternCrate(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::ForeignMod(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::TraitAlias(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Union(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

fn summarize_one(it: &syn::Item) -> Vec<Item> {
    match it {
        syn::Item::Fn(f) => {
            let (refs, inner, hash) = collected(f, &[], false, |c| c.visit_item_fn(f));
            let mut out = item(
                Kind::Fn,
                f.sig.ident.to_string(),
                vis(&f.vis),
                hash,
                line_of(f.sig.fn_token.span),
                refs,
            );
            out.persist = persist_line(&f.attrs);
            out.inner = inner;
            out.detail = Detail::Fn {
                generics: fn_generics_of(&f.sig),
                receiver: f.sig.receiver().is_some(),
                symbol: exported_symbol(&f.attrs, &f.sig.ident.to_string()),
            };
            vec![out]
        }
        syn::Item::Struct(s) => {
            let derive_lists = derive_lists(&s.attrs);
            let derives = !derive_lists.is_empty();
            let g = generics_of(&s.generics);
            let names: Vec<String> = g.types.iter().chain(&g.consts).cloned().collect();
            let (refs, inner, hash) = collected_with(
                s,
                &[&names],
                derives,
                custom_derive(&derive_lists),
                // A derive not of the standard library's reads the tokens
                // as written (`stringify!` of a field, `1_000`, `#[allow]`).
                custom_derive(&derive_lists),
                |c| c.visit_item_struct(s),
            );
            let mut out = item(
                Kind::Type,
                s.ident.to_string(),
                vis(&s.vis),
                hash,
                line_of(s.ident.span()),
                refs,
            );
            out.inner = inner;
            if !matches!(s.fields, syn::Fields::Named(_)) {
                out.detail = Detail::ValueStruct;
            }
            vec![out]
        }
        syn::Item::Enum(e) => {
            let derive_lists = derive_lists(&e.attrs);
            let derives = !derive_lists.is_empty();
            let g = generics_of(&e.generics);
            let names: Vec<String> = g.types.iter().chain(&g.consts).cloned().collect();
            let (refs, inner, hash) = collected_with(
                e,
                &[&names],
                derives,
                custom_derive(&derive_lists),
                // A derive not of the standard library's reads the tokens
                // as written (`stringify!` of a field, `1_000`, `#[allow]`).
                custom_derive(&derive_lists),
                |c| c.visit_item_enum(e),
            );
            let mut out = item(
                Kind::Type,
                e.ident.to_string(),
                vis(&e.vis),
                hash,
                line_of(e.ident.span()),
                refs,
            );
            out.inner = inner;
            out.detail = Detail::Enum(e.variants.iter().map(|v| v.ident.to_string()).collect());
            vec![out]
        }
        syn::Item::Union(u) => {
            let derive_lists = derive_lists(&u.attrs);
            let derives = !derive_lists.is_empty();
            let g = generics_of(&u.generics);
            let names: Vec<String> = g.types.iter().chain(&g.consts).cloned().collect();
            let (refs, inner, hash) = collected_with(
                u,
                &[&names],
                derives,
                custom_derive(&derive_lists),
                // A derive not of the standard library's reads the tokens
                // as written (`stringify!` of a field, `1_000`, `#[allow]`).
                custom_derive(&derive_lists),
                |c| c.visit_item_union(u),
            );
            let mut out = item(
                Kind::Type,
                u.ident.to_string(),
                vis(&u.vis),
                hash,
                line_of(u.ident.span()),
                refs,
            );
            out.inner = inner;
            vec![out]
        }
        syn::Item::Type(t) => {
            let g = generics_of(&t.generics);
            let names: Vec<String> = g.types.iter().chain(&g.consts).cloned().collect();
            let (refs, inner, hash) = collected(t, &[&names], false, |c| c.visit_item_type(t));
            let mut out = item(
                Kind::Alias,
                t.ident.to_string(),
                vis(&t.vis),
                hash,
                line_of(t.ident.span()),
                refs,
            );
            out.inner = inner;
            if let Some(projected) = argument_alias(&t.ty, &g.types) {
                out.detail = Detail::AliasOfArgument { projected };
            }
            vec![out]
        }
        syn::Item::Trait(t) => vec![summarize_trait(t)],
        syn::Item::TraitAlias(t) => {
            let (refs, _, hash) = collected(t, &[], false, |c| c.visit_item_trait_alias(t));
            vec![item(
                Kind::Trait,
                t.ident.to_string(),
                vis(&t.vis),
                hash,
                line_of(t.ident.span()),
                refs,
            )]
        }
        syn::Item::Const(k) => {
            let (refs, inner, hash) = collected(k, &[], false, |c| c.visit_item_const(k));
            let mut out = item(
                Kind::Value,
                k.ident.to_string(),
                vis(&k.vis),
                hash,
                line_of(k.ident.span()),
                refs,
            );
            out.inner = inner;
            vec![out]
        }
        syn::Item::Static(s) => {
            let (refs, inner, hash) = collected(s, &[], false, |c| c.visit_item_static(s));
            let mut out = item(
                Kind::Value,
                s.ident.to_string(),
                vis(&s.vis),
                hash,
                line_of(s.ident.span()),
                refs,
            );
            out.inner = inner;
            out.detail = Detail::Static {
                symbol: exported_symbol(&s.attrs, &s.ident.to_string()),
            };
            vec![out]
        }
        syn::Item::Macro(m) => vec![summarize_item_macro(&m.attrs, &m.mac, m.ident.as_ref(), m)],
        syn::Item::Mod(m) => {
            let mut paths = Vec::new();
            for a in &m.attrs {
                mod_paths(a, &mut paths);
            }
            let mut out = item(
                Kind::Mod,
                m.ident.to_string(),
                vis(&m.vis),
                declaration_digest(&m.attrs, &m.ident),
                line_of(m.ident.span()),
                Refs::default(),
            );
            out.detail = Detail::Mod {
                macro_use: m.attrs.iter().any(is_macro_use),
                inline: m
                    .content
                    .as_ref()
                    .map(|(_, items)| items.iter().flat_map(summarize).collect()),
                paths,
            };
            vec![out]
        }
        syn::Item::Use(u) => {
            let mut entries = Vec::new();
            use_entries(
                &u.tree,
                &mut Vec::new(),
                u.leading_colon.is_some(),
                !matches!(u.vis, syn::Visibility::Inherited),
                &mut entries,
            );
            let mut out = item(
                Kind::Use,
                String::new(),
                vis(&u.vis),
                declaration_digest(&u.attrs, &u.tree),
                line_of(u.use_token.span),
                Refs::default(),
            );
            out.detail = Detail::Use(entries);
            vec![out]
        }
        syn::Item::ExternCrate(e) => {
            let alias = e.rename.as_ref().map_or(&e.ident, |(_, a)| a).to_string();
            let mut out = item(
                Kind::ExternCrate,
                alias,
                vis(&e.vis),
                declaration_digest(&e.attrs, e),
                line_of(e.ident.span()),
                Refs::default(),
            );
            out.detail = Detail::ExternCrate {
                krate: e.ident.to_string(),
            };
            vec![out]
        }
        syn::Item::Impl(i) => vec![summarize_impl(i)],
        syn::Item::ForeignMod(f) => f
            .items
            .iter()
            .map(|written| {
                let unqualified = without_safety_qualifier(written);
                let fi = unqualified.as_ref().unwrap_or(written);
                let (refs, _, hash) = collected(fi, &[], false, |c| c.visit_foreign_item(fi));
                let (kind, name, v, line) = match fi {
                    syn::ForeignItem::Fn(x) => (
                        Kind::Fn,
                        x.sig.ident.to_string(),
                        vis(&x.vis),
                        line_of(x.sig.ident.span()),
                    ),
                    syn::ForeignItem::Static(x) => (
                        Kind::Value,
                        x.ident.to_string(),
                        vis(&x.vis),
                        line_of(x.ident.span()),
                    ),
                    syn::ForeignItem::Type(x) => (
                        Kind::Type,
                        x.ident.to_string(),
                        vis(&x.vis),
                        line_of(x.ident.span()),
                    ),
                    _ => (Kind::Other, String::new(), Vis::Private, 0),
                };
                // The ABI of the block is part of each declaration.
                let mut h = blake3::Hasher::new();
                h.update(&hash);
                if unqualified.is_some() {
                    tokens::walk(written.to_token_stream(), &mut h);
                }
                tokens::walk(f.abi.to_token_stream(), &mut h);
                let attrs: &[syn::Attribute] = match fi {
                    syn::ForeignItem::Fn(x) => &x.attrs,
                    syn::ForeignItem::Static(x) => &x.attrs,
                    _ => &[],
                };
                let symbol = string_attr(attrs, "link_name").unwrap_or_else(|| name.clone());
                let mut it = item(kind, name, v, *h.finalize().as_bytes(), line, refs);
                it.detail = Detail::Foreign { symbol };
                it
            })
            .collect(),
        other => {
            let (refs, inner, hash) =
                collected(other, &[], false, |c| syn::visit::visit_item(c, other));
            let mut out = item(Kind::Other, String::new(), Vis::Private, hash, 0, refs);
            out.inner = inner;
            vec![out]
        }
    }
}

/// An edition-2024 foreign item qualified `safe` or `unsafe` (`safe fn
/// f();`, `unsafe static S: u32;`), which syn leaves as tokens, read as the
/// same item without its qualifier: the qualifier changes who may call it,
/// not what the call runs, and the name and symbol must resolve.
fn without_safety_qualifier(item: &syn::ForeignItem) -> Option<syn::ForeignItem> {
    let syn::ForeignItem::Verbatim(tokens) = item else {
        return None;
    };
    let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let is_ident =
        |t: Option<&TokenTree>, name: &str| matches!(t, Some(TokenTree::Ident(i)) if i == name);
    let qualifier = (0..trees.len()).find(|&i| {
        (is_ident(trees.get(i), "safe") || is_ident(trees.get(i), "unsafe"))
            && (is_ident(trees.get(i + 1), "fn") || is_ident(trees.get(i + 1), "static"))
    })?;
    let rest: TokenStream = trees
        .into_iter()
        .enumerate()
        .filter_map(|(i, t)| (i != qualifier).then_some(t))
        .collect();
    syn::parse2::<syn::ForeignItem>(rest)
        .ok()
        .filter(|parsed| !matches!(parsed, syn::ForeignItem::Verbatim(_)))
}

/// `#[path = "x.rs"]` and `#[cfg_attr(pred, path = "x.rs")]`.
/// Whether attribute `a` is `macro_use` (outer, or inner as `#![macro_use]`),
/// or a `cfg_attr` that may set it: which configuration is built is not
/// known here.
fn is_macro_use(a: &syn::Attribute) -> bool {
    match &a.meta {
        syn::Meta::Path(p) => p.is_ident("macro_use"),
        syn::Meta::List(list) if list.path.is_ident("cfg_attr") => list
            .tokens
            .clone()
            .into_iter()
            .any(|t| matches!(t, TokenTree::Ident(i) if i == "macro_use")),
        _ => false,
    }
}

pub(crate) fn mod_paths(a: &syn::Attribute, out: &mut Vec<String>) {
    match &a.meta {
        syn::Meta::NameValue(nv) if nv.path.is_ident("path") => {
            if let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &nv.value
            {
                out.push(s.value());
            }
        }
        syn::Meta::List(list) if list.path.is_ident("cfg_attr") => {
            if let Ok(metas) = list.parse_args_with(
                syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
            ) {
                for m in metas.iter().skip(1) {
                    let attr = syn::Attribute {
                        pound_token: a.pound_token,
                        style: a.style,
                        bracket_token: a.bracket_token,
                        meta: m.clone(),
                    };
                    mod_paths(&attr, out);
                }
            }
        }
        _ => {}
    }
}

/// An item-level macro: a `macro_rules!` definition, an `include!` of
/// items, or an invocation that may define items.
fn summarize_item_macro<T: ToTokens>(
    attrs: &[syn::Attribute],
    mac: &syn::Macro,
    ident: Option<&syn::Ident>,
    whole: &T,
) -> Item {
    // Read as the plain names (the hash keeps the tokens as written).
    let input = macro_input(mac);
    let hash = tokens::token_digest(&whole.to_token_stream());
    let line = line_of(
        mac.path
            .segments
            .first()
            .map_or_else(proc_macro2::Span::call_site, |s| s.ident.span()),
    );
    let name = mac
        .path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    if mac.path.is_ident("macro_rules") {
        let mut body = Vec::new();
        body_idents(input.clone(), &mut body);
        body.sort();
        body.dedup();
        let mut refs = Refs::default();
        // What the expansion may name, as seen from the definition.
        super::macros::body_refs(input.clone(), &mut refs);
        super::macros::body_inputs(input.clone(), &mut refs);
        let mut out = item(
            Kind::MacroDef,
            ident.map(|i| i.to_string()).unwrap_or_default(),
            Vis::Public,
            hash,
            line,
            refs,
        );
        // Macros its body invokes that may write items: a `$crate::name!`
        // (read as `crate::name!`) is a workspace macro whose own body the
        // graph reads (`$crate::pin!($x)` in tokio's `pin!` writes no impl);
        // any other may write an impl.
        let may_write_items = |m: &PathRef| {
            m.segs.last().is_none_or(|n| {
                !crate::tokens::is_expr_macro(n)
                    && !matches!(
                        n.as_str(),
                        "concat" | "stringify" | "cfg" | "env" | "include_str" | "include_bytes"
                    )
            })
        };
        let (own, others): (Vec<&PathRef>, Vec<&PathRef>) = out
            .refs
            .macros
            .iter()
            .filter(|m| may_write_items(m))
            .partition(|m| m.segs.len() == 2 && m.segs[0] == "crate");
        let may_impl = contains_impl(input.clone()) || !others.is_empty();
        let mut impl_if: Vec<String> = own.iter().map(|m| m.segs[1].clone()).collect();
        impl_if.sort();
        impl_if.dedup();
        let mut defines = Vec::new();
        super::macros::body_defines(input.clone(), &mut defines);
        defines.sort();
        defines.dedup();
        out.detail = Detail::MacroDef {
            body_idents: body,
            body_defines: defines,
            defines_from_input: super::macros::defines_from_input(input.clone()),
            input_in_paths: super::macros::input_in_paths(input.clone()),
            calls_input: super::macros::input_in_paths(input.clone())
                || super::macros::input_after_dot(input.clone())
                || super::macros::input_invoked(input.clone()),
            declares_mods: super::macros::declares_mods(input.clone()),
            exported: attrs.iter().any(|a| a.path().is_ident("macro_export")),
            may_impl,
            impl_if,
        };
        return out;
    }
    if mac.path.is_ident("include") {
        let path = super::collect::parse_exprs(input.clone())
            .and_then(|a| a.first().map(path_expr))
            .unwrap_or(super::PathExpr::Unknown);
        let mut out = item(
            Kind::MacroCall,
            name,
            Vis::Public,
            hash,
            line,
            Refs::default(),
        );
        out.detail = Detail::IncludeItems(path);
        return out;
    }
    let mut idents = Vec::new();
    loose_idents(input.clone(), &mut idents);
    idents.sort();
    idents.dedup();
    // Its items are hashed as their own: the macros inside them keep their
    // raw identifiers (`stringify!(r#foo)`), as in a file.
    let items_input = unraw_identifiers(mac.tokens.clone());
    let whole_items: Option<Vec<Item>> = syn::parse2::<syn::File>(items_input.clone())
        .ok()
        .filter(|f| !f.items.is_empty())
        .map(|f| f.items.iter().flat_map(summarize).collect());
    let whole = whole_items.is_some();
    let items = whole_items.or_else(|| {
        let mut found = Vec::new();
        brace_items(items_input, &mut found);
        (!found.is_empty()).then_some(found)
    });
    // When the whole input is items, they are nodes with their own hashes:
    // the invocation is the macro's name (and attributes), so that an edit
    // of one wrapped item does not reach every user of another.
    let hash = if whole {
        let mut h = blake3::Hasher::new();
        h.update(tokens::WALK_VERSION.as_bytes());
        h.update(b"wrapper invocation");
        for a in attrs {
            tokens::walk(a.to_token_stream(), &mut h);
        }
        tokens::walk(mac.path.to_token_stream(), &mut h);
        // The wrapped items' doc comments: their own hashes leave them out,
        // and the macro may read them (`$(#[doc = $text:literal])*`).
        doc_attrs(input.clone(), &mut h);
        *h.finalize().as_bytes()
    } else {
        hash
    };
    let mut refs = Refs::default();
    refs.macros.push(path_ref(&mac.path));
    for a in attrs {
        let mut c = Collector::new();
        c.visit_attribute(a);
        let (r, _, _) = c.finish();
        refs.paths.extend(r.paths);
        refs.macros.extend(r.macros);
    }
    if !whole {
        // Custom syntax (`lazy_static!`, `thread_local!`, `bitflags!`): every
        // identifier may name something, and its paths are paths.
        refs.loose = idents.clone();
        refs.paths.extend(super::macros::input_paths(input.clone()));
        // `ident_const!(MSG, include_str!("msg.txt"))`: what the input reads.
        super::macros::body_inputs(input.clone(), &mut refs);
        // `load_mod!(extra, "extra_impl.rs")` writing `#[path = $file] mod
        // $name;`, or reading the file: the files its strings name.
        if !is_std_macro(&name) {
            super::macros::mentioned_files(input.clone(), &mut refs.includes);
        }
        super::macros::dotted_idents(input.clone(), &mut refs.methods);
        refs.methods.sort();
        refs.methods.dedup();
    }
    let mut out = item(Kind::MacroCall, name, Vis::Public, hash, line, refs);
    out.detail = Detail::MacroCall {
        path: path_ref(&mac.path),
        idents,
        items,
        whole,
    };
    out
}

/// Feeds every `#[doc ...]` attribute in `tokens`, at any depth, into `h`.
fn doc_attrs(tokens: TokenStream, h: &mut blake3::Hasher) {
    let mut after_pound = false;
    for tt in tokens {
        match &tt {
            TokenTree::Group(g) => {
                let is_doc = after_pound
                    && g.delimiter() == proc_macro2::Delimiter::Bracket
                    && matches!(g.stream().into_iter().next(), Some(TokenTree::Ident(i)) if i == "doc");
                if is_doc {
                    tokens::walk(g.stream(), h);
                } else {
                    doc_attrs(g.stream(), h);
                }
            }
            TokenTree::Punct(p) if p.as_char() == '!' && after_pound => continue,
            _ => {}
        }
        after_pound = matches!(&tt, TokenTree::Punct(p) if p.as_char() == '#');
    }
}

/// The items of the brace groups inside macro input (`cfg_if!`'s branches).
fn brace_items(tokens: TokenStream, out: &mut Vec<Item>) {
    for tt in tokens {
        if let TokenTree::Group(g) = tt {
            match syn::parse2::<syn::File>(g.stream()) {
                Ok(f) if g.delimiter() == proc_macro2::Delimiter::Brace && !f.items.is_empty() => {
                    out.extend(f.items.iter().flat_map(summarize));
                }
                _ => brace_items(g.stream(), out),
            }
        }
    }
}

/// Whether tokens hold the keyword `impl`.
fn contains_impl(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|tt| match tt {
        TokenTree::Ident(i) => i == "impl",
        TokenTree::Group(g) => contains_impl(g.stream()),
        _ => false,
    })
}

fn summarize_trait(t: &syn::ItemTrait) -> Item {
    let g = generics_of(&t.generics);
    let names: Vec<String> = g.types.iter().chain(&g.consts).cloned().collect();
    // The header: attributes, generics, supertraits; items are their own.
    let mut h = blake3::Hasher::new();
    h.update(tokens::WALK_VERSION.as_bytes());
    h.update(b"trait header");
    for a in &t.attrs {
        tokens::walk(a.to_token_stream(), &mut h);
    }
    tokens::walk(t.vis.to_token_stream(), &mut h);
    tokens::walk(t.unsafety.to_token_stream(), &mut h);
    tokens::walk(t.ident.to_token_stream(), &mut h);
    tokens::walk(t.generics.to_token_stream(), &mut h);
    tokens::walk(t.generics.where_clause.to_token_stream(), &mut h);
    tokens::walk(t.supertraits.to_token_stream(), &mut h);
    let header_hash = *h.finalize().as_bytes();
    let under_macro = under_attribute_macro(&t.attrs);
    let mut c = Collector::new();
    c.push_generic_names(names.clone());
    for a in &t.attrs {
        c.visit_attribute(a);
    }
    c.visit_generics(&t.generics);
    for b in &t.supertraits {
        c.visit_type_param_bound(b);
    }
    let (refs, _, _) = c.finish();
    let items = t
        .items
        .iter()
        .map(|ti| {
            let (refs, inner, hash) =
                collected_with(ti, &[&names], false, false, under_macro, |c| {
                    c.visit_trait_item(ti)
                });
            let (kind, name, line, persist, detail) = match ti {
                syn::TraitItem::Fn(f) => (
                    Kind::Fn,
                    f.sig.ident.to_string(),
                    line_of(f.sig.fn_token.span),
                    persist_line(&f.attrs),
                    Detail::Fn {
                        generics: fn_generics_of(&f.sig),
                        receiver: f.sig.receiver().is_some(),
                        symbol: None,
                    },
                ),
                syn::TraitItem::Const(k) => (
                    Kind::Value,
                    k.ident.to_string(),
                    line_of(k.ident.span()),
                    0,
                    Detail::None,
                ),
                syn::TraitItem::Type(ty) => (
                    Kind::Alias,
                    ty.ident.to_string(),
                    line_of(ty.ident.span()),
                    0,
                    Detail::None,
                ),
                syn::TraitItem::Macro(m) => {
                    let mut it = summarize_item_macro(&m.attrs, &m.mac, None, m);
                    it.vis = Vis::Public;
                    return it;
                }
                _ => (Kind::Other, String::new(), 0, 0, Detail::None),
            };
            let mut it = item(kind, name, Vis::Public, hash, line, refs);
            it.persist = persist;
            it.inner = inner;
            it.detail = detail;
            it
        })
        .collect();
    let mut out = item(
        Kind::Trait,
        t.ident.to_string(),
        vis(&t.vis),
        header_hash,
        line_of(t.ident.span()),
        refs,
    );
    out.detail = Detail::Trait { items, generics: g };
    out
}

fn summarize_impl(i: &syn::ItemImpl) -> Item {
    // The header (attributes, generics, trait, self type, where clause) is
    // an item of its own, so that adding a method to an inherent impl leaves
    // the functions that never call it alone.
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
    h.update(b"for");
    tokens::walk(i.self_ty.to_token_stream(), &mut h);
    let header_hash = *h.finalize().as_bytes();
    let under_macro = under_attribute_macro(&i.attrs);

    let g = generics_of(&i.generics);
    let names: Vec<String> = g.types.iter().chain(&g.consts).cloned().collect();
    let mut c = Collector::new();
    c.push_generic_names(names.clone());
    for a in &i.attrs {
        c.visit_attribute(a);
    }
    c.visit_generics(&i.generics);
    c.visit_type(&i.self_ty);
    if let Some((_, path, _)) = &i.trait_ {
        c.visit_path(path);
    }
    let (refs, _, _) = c.finish();

    let key_paths = {
        let mut out = Vec::new();
        key_type_paths(&i.self_ty, &names, &mut Vec::new(), &mut out);
        let in_self = out.len();
        if let Some((_, path, _)) = &i.trait_ {
            for seg in &path.segments {
                key_type_arguments(&seg.arguments, &names, &mut Vec::new(), &mut out);
            }
        }
        for k in &mut out[in_self..] {
            k.in_trait = true;
        }
        out
    };
    let self_ty =
        type_path(&i.self_ty).filter(|p| !(p.segs.len() == 1 && names.contains(&p.segs[0])));
    let self_text = type_text(&i.self_ty);

    let items = i
        .items
        .iter()
        .map(|ii| {
            if let syn::ImplItem::Macro(m) = ii {
                return summarize_item_macro(&m.attrs, &m.mac, None, m);
            }
            let (refs, inner, hash) =
                collected_with(ii, &[&names], false, false, under_macro, |c| {
                    c.visit_impl_item(ii)
                });
            let (kind, name, v, line, persist, detail) = match ii {
                syn::ImplItem::Fn(f) => (
                    Kind::Fn,
                    f.sig.ident.to_string(),
                    vis(&f.vis),
                    line_of(f.sig.fn_token.span),
                    persist_line(&f.attrs),
                    Detail::Fn {
                        generics: fn_generics_of(&f.sig),
                        receiver: f.sig.receiver().is_some(),
                        symbol: exported_symbol(&f.attrs, &f.sig.ident.to_string()),
                    },
                ),
                syn::ImplItem::Const(k) => (
                    Kind::Value,
                    k.ident.to_string(),
                    vis(&k.vis),
                    line_of(k.ident.span()),
                    0,
                    Detail::None,
                ),
                syn::ImplItem::Type(t) => (
                    Kind::Alias,
                    t.ident.to_string(),
                    vis(&t.vis),
                    line_of(t.ident.span()),
                    0,
                    Detail::None,
                ),
                _ => (Kind::Other, String::new(), Vis::Private, 0, 0, Detail::None),
            };
            // Items of a trait impl are as visible as the trait.
            let v = if i.trait_.is_some() { Vis::Public } else { v };
            let mut it = item(kind, name, v, hash, line, refs);
            it.persist = persist;
            it.inner = inner;
            it.detail = detail;
            it
        })
        .collect();

    let mut out = item(
        Kind::Impl,
        String::new(),
        Vis::Public,
        header_hash,
        line_of(i.impl_token.span),
        refs,
    );
    out.detail = Detail::Impl(Box::new(ImplInfo {
        self_ty,
        self_text,
        trait_: i.trait_.as_ref().map(|(_, p, _)| path_ref(p)),
        key_paths,
        generics: g,
        items,
    }));
    out
}

/// The paths of type `t` (a trait impl's self type or trait argument), each
/// with the paths whose generic arguments it sits in (`Wrap<Inner>`:
/// `Wrap`, then `Inner` within `Wrap`). Generic parameters are no paths.
fn key_type_paths(
    t: &syn::Type,
    generics: &[String],
    within: &mut Vec<PathRef>,
    out: &mut Vec<KeyPath>,
) {
    match t {
        syn::Type::Path(tp) => {
            if let Some(q) = &tp.qself {
                key_type_paths(&q.ty, generics, within, out);
            }
            key_path(&tp.path, generics, within, out);
        }
        syn::Type::TraitObject(syn::TypeTraitObject { bounds, .. })
        | syn::Type::ImplTrait(syn::TypeImplTrait { bounds, .. }) => {
            for b in bounds {
                if let syn::TypeParamBound::Trait(tb) = b {
                    key_path(&tb.path, generics, within, out);
                }
            }
        }
        syn::Type::Macro(tm) => {
            let mut input = Vec::new();
            super::macros::loose_idents(tm.mac.tokens.clone(), &mut input);
            out.push(KeyPath {
                path: path_ref(&tm.mac.path),
                within: within.clone(),
                in_trait: false,
                macro_input: Some(input),
            });
        }
        syn::Type::Reference(r) => key_type_paths(&r.elem, generics, within, out),
        syn::Type::Ptr(r) => key_type_paths(&r.elem, generics, within, out),
        syn::Type::Slice(r) => key_type_paths(&r.elem, generics, within, out),
        syn::Type::Array(r) => key_type_paths(&r.elem, generics, within, out),
        syn::Type::Paren(r) => key_type_paths(&r.elem, generics, within, out),
        syn::Type::Group(r) => key_type_paths(&r.elem, generics, within, out),
        syn::Type::Tuple(tu) => {
            for e in &tu.elems {
                key_type_paths(e, generics, within, out);
            }
        }
        syn::Type::BareFn(f) => {
            for a in &f.inputs {
                key_type_paths(&a.ty, generics, within, out);
            }
            if let syn::ReturnType::Type(_, r) = &f.output {
                key_type_paths(r, generics, within, out);
            }
        }
        _ => {}
    }
}

fn key_path(
    path: &syn::Path,
    generics: &[String],
    within: &mut Vec<PathRef>,
    out: &mut Vec<KeyPath>,
) {
    let p = path_ref(path);
    let generic = p.segs.len() == 1 && generics.contains(&p.segs[0]);
    if !generic {
        out.push(KeyPath {
            path: p.clone(),
            within: within.clone(),
            in_trait: false,
            macro_input: None,
        });
        within.push(p);
    }
    for seg in &path.segments {
        key_type_arguments(&seg.arguments, generics, within, out);
    }
    if !generic {
        within.pop();
    }
}

fn key_type_arguments(
    args: &syn::PathArguments,
    generics: &[String],
    within: &mut Vec<PathRef>,
    out: &mut Vec<KeyPath>,
) {
    match args {
        syn::PathArguments::AngleBracketed(a) => {
            for arg in &a.args {
                match arg {
                    syn::GenericArgument::Type(t) => key_type_paths(t, generics, within, out),
                    syn::GenericArgument::AssocType(b) => {
                        key_type_paths(&b.ty, generics, within, out)
                    }
                    _ => {}
                }
            }
        }
        syn::PathArguments::Parenthesized(f) => {
            for t in &f.inputs {
                key_type_paths(t, generics, within, out);
            }
            if let syn::ReturnType::Type(_, r) = &f.output {
                key_type_paths(r, generics, within, out);
            }
        }
        syn::PathArguments::None => {}
    }
}

/// Whether an alias's type `t` may be one of the alias's type arguments,
/// and the associated types it projects through: a parameter itself, a type
/// macro, or a projection rustc resolves (`<(A, B) as Pick>::Fst`,
/// `T::Output`: `Fst`, `Output`), which may also be whatever an impl sets
/// that associated type to.
fn argument_alias(t: &syn::Type, params: &[String]) -> Option<Vec<String>> {
    match t {
        syn::Type::Path(p) => {
            let last = || p.path.segments.last().map(|s| s.ident.to_string());
            let first_is_param = p
                .path
                .segments
                .first()
                .is_some_and(|s| params.contains(&s.ident.to_string()));
            if p.qself.is_some() || (first_is_param && p.path.segments.len() > 1) {
                Some(last().into_iter().collect())
            } else if first_is_param {
                Some(Vec::new())
            } else {
                None
            }
        }
        syn::Type::Paren(p) => argument_alias(&p.elem, params),
        syn::Type::Group(g) => argument_alias(&g.elem, params),
        syn::Type::Macro(_) => Some(Vec::new()),
        _ => None,
    }
}

/// The path of a type, through references, parentheses and groups.
pub(crate) fn type_path(t: &syn::Type) -> Option<PathRef> {
    match t {
        // `impl dyn Shape { .. }`: the trait stands for the type.
        syn::Type::TraitObject(o) => o.bounds.iter().find_map(|b| match b {
            syn::TypeParamBound::Trait(tb) => Some(path_ref(&tb.path)),
            _ => None,
        }),
        syn::Type::Path(p) if p.qself.is_none() => Some(path_ref(&p.path)),
        syn::Type::Reference(r) => type_path(&r.elem),
        syn::Type::Paren(p) => type_path(&p.elem),
        syn::Type::Group(g) => type_path(&g.elem),
        _ => None,
    }
}

/// A type as written, without generic arguments of paths (`Vec<T>` → `Vec`,
/// `[u8]` → `[u8]`), for function names.
fn type_text(t: &syn::Type) -> String {
    match type_path(t) {
        Some(p) => p.segs.join("::"),
        None => t
            .to_token_stream()
            .to_string()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Detail;

    fn parse(s: &str) -> FileSummary {
        match parse_file(s) {
            Ok(f) => f,
            Err(e) => panic!("{}", e.message),
        }
    }

    fn paths(it: &Item) -> Vec<String> {
        it.refs.paths.iter().map(|p| p.segs.join("::")).collect()
    }

    #[test]
    fn functions_and_their_mentions() {
        let s = parse(
            "use crate::a::b as c;\n#[perscache::persist]\nfn f(x: &Client) -> u32 { let y = helper(x); x.get(); c::go(); println!(\"{LIMIT}\"); y }",
        );
        assert_eq!(s.items.len(), 2);
        let f = &s.items[1];
        assert_eq!(f.persist, 2);
        assert_eq!(f.line, 3);
        let names = paths(f);
        for n in ["helper", "c::go", "LIMIT", "Client"] {
            assert!(names.contains(&n.to_owned()), "{n} in {names:?}");
        }
        assert!(!names.contains(&"x".to_owned()));
        assert!(!names.contains(&"y".to_owned()));
        assert_eq!(f.refs.methods, vec!["get".to_owned()]);
    }

    #[test]
    fn a_let_shadows_only_after_it() {
        let s = parse("fn f() -> u32 { let a = helper(); let helper = 3; helper + a }");
        assert!(paths(&s.items[0]).contains(&"helper".to_owned()));
        let s = parse("fn f() -> u32 { let helper = 3; helper }");
        assert!(!paths(&s.items[0]).contains(&"helper".to_owned()));
    }

    #[test]
    fn pattern_identifiers_may_be_constants() {
        let s = parse("fn f(x: u32) -> u32 { match x { LIMIT => 1, Some(y) => y, _ => 0 } }");
        assert!(s.items[0].refs.pat_idents.contains(&"LIMIT".to_owned()));
    }

    #[test]
    fn block_items_are_inner_items() {
        let s = parse("const _: () = { impl Display for Money { fn fmt(&self) {} } };\nfn f() { fn g() {} g() }");
        assert_eq!(s.items[0].inner.len(), 1);
        assert!(matches!(s.items[0].inner[0].detail, Detail::Impl(_)));
        assert_eq!(s.items[1].inner[0].name, "g");
    }

    #[test]
    fn statement_macros_outside_std_are_block_items() {
        let s = parse("fn f() { impl_show!(Badge, 3); println!(\"{}\", 1); std::println!(); }");
        let calls: Vec<_> = s.items[0]
            .inner
            .iter()
            .filter(|i| i.kind == Kind::MacroCall)
            .collect();
        assert_eq!(calls.len(), 1, "only impl_show! may write items");
    }

    #[test]
    fn a_raw_identifier_is_the_plain_one_and_keywords_stay_raw() {
        let raw = parse("pub fn r#scale(x: u32) -> u32 { r#helper(x) }\npub fn r#match() {}");
        let plain = parse("pub fn scale(x: u32) -> u32 { helper(x) }");
        assert_eq!(raw.items[0].name, "scale");
        assert_eq!(raw.items[0].hash, plain.items[0].hash);
        assert_eq!(raw.items[0].refs.paths, plain.items[0].refs.paths);
        assert_eq!(raw.items[1].name, "r#match");
    }

    #[test]
    fn a_function_marked_through_an_alias_in_a_nested_block_is_marked() {
        let s = parse(
            "use perscache::persist as cache;\n\
             fn outer() -> u32 { let a = { #[cache] fn inner() -> u32 { 1 } inner() }; a }",
        );
        let outer = s.items.iter().find(|i| i.name == "outer").expect("outer");
        let nested = outer
            .inner
            .iter()
            .find_map(|i| match &i.detail {
                Detail::Nested(items) => Some(items),
                _ => None,
            })
            .expect("the nested block's items");
        assert!(nested.iter().any(|i| i.name == "inner" && i.persist > 0));
    }

    #[test]
    fn a_type_with_a_custom_derive_is_hashed_as_written() {
        let digest = |src: &str| parse(src).items[0].hash;
        let custom = "#[derive(pm::Src)] pub struct Cfg { pub a: [u8; 1_000], }";
        let std = "#[derive(Debug)] pub struct Cfg { pub a: [u8; 1_000], }";
        assert_ne!(digest(custom), digest(&custom.replace("1_000", "1000")));
        assert_ne!(digest(custom), digest(&custom.replace(", }", " }")));
        assert_eq!(digest(std), digest(&std.replace("1_000", "1000")));
    }

    #[test]
    fn a_macro_sees_raw_identifiers_as_written() {
        // `stringify!(r#foo)` is "r#foo": the hash tells them apart...
        let raw = parse("pub fn f() -> &'static str { stringify!(r#foo) }");
        let plain = parse("pub fn f() -> &'static str { stringify!(foo) }");
        assert_ne!(raw.items[0].hash, plain.items[0].hash);
        // ... while what a macro's input names is still the plain name, and
        // `!name(..)` or `return !(..)` is no macro input.
        let raw = parse(
            "pub fn g(x: u32) -> String { format!(\"{}\", r#helper(x)) }\n\
             pub fn h(x: u32) -> bool { !r#check(r#x) }",
        );
        let plain = parse(
            "pub fn g(x: u32) -> String { format!(\"{}\", helper(x)) }\n\
             pub fn h(x: u32) -> bool { !check(x) }",
        );
        assert_eq!(raw.items[0].refs.paths, plain.items[0].refs.paths);
        assert_eq!(raw.items[1].hash, plain.items[1].hash);
    }

    #[test]
    fn edition_2015_identifiers_that_later_editions_reserve_parse() {
        let s = parse(
            "pub fn async(x: u32) -> u32 { x }\n\
             pub fn load() -> Result<u32, ()> { let n = try!(Ok(1)); Ok(async(n)) }",
        );
        assert_eq!(s.items[0].name, "r#async");
        let called: Vec<String> = s.items[1]
            .refs
            .paths
            .iter()
            .map(|p| p.segs.join("::"))
            .collect();
        assert!(called.contains(&"r#async".to_owned()), "{called:?}");
        // A later edition's syntax error stays one.
        assert!(parse_file("pub fn f( {").is_err());
    }

    #[test]
    fn macro_inputs_that_are_items_are_items() {
        let s = parse("cfg_rt! { pub mod runtime; pub fn spawn() {} }");
        let Detail::MacroCall {
            items: Some(items), ..
        } = &s.items[0].detail
        else {
            panic!("not parsed as items");
        };
        assert_eq!(items.len(), 2);
        assert!(matches!(items[0].detail, Detail::Mod { .. }));
    }

    #[test]
    fn renamed_parameters_hash_the_same() {
        let a = parse("fn f(x: u32) -> u32 { let y = x * 2; y + 1 }");
        let b = parse("fn f(n: u32) -> u32 { let m = n * 2; m + 1 }");
        let c = parse("fn f(n: u32) -> u32 { let m = n * 2; m + 2 }");
        assert_eq!(a.items[0].hash, b.items[0].hash);
        assert_ne!(b.items[0].hash, c.items[0].hash);
        // A local used inside a macro that may stringify it is not renamed.
        let d = parse("fn f(x: u32) -> u32 { dbg!(x) }");
        let e = parse("fn f(y: u32) -> u32 { dbg!(y) }");
        assert_ne!(d.items[0].hash, e.items[0].hash);
        // Field shorthand names the field.
        let g = parse("fn f(x: u32, y: u32) -> S { S { x, y } }");
        let h = parse("fn f(y: u32, x: u32) -> S { S { y, x } }");
        assert_ne!(g.items[0].hash, h.items[0].hash);
    }

    #[test]
    fn names_in_patterns_that_may_fail_are_not_renamed() {
        // `Red`, `Less`, `LOW` may be a variant or constant the arm compares
        // with: which one is written is the value.
        for (a, b) in [
            (
                "fn f(c: C) -> u32 { match c { Red => 1, Green => 2, _ => 3 } }",
                "fn f(c: C) -> u32 { match c { Green => 1, Red => 2, _ => 3 } }",
            ),
            (
                "fn f(c: C) -> u32 { if let Red = c { 1 } else { 2 } }",
                "fn f(c: C) -> u32 { if let Green = c { 1 } else { 2 } }",
            ),
            (
                "fn f(x: Option<u32>) -> u32 { let Some(LOW) = x else { return 0 }; 1 }",
                "fn f(x: Option<u32>) -> u32 { let Some(HIGH) = x else { return 0 }; 1 }",
            ),
        ] {
            assert_ne!(parse(a).items[0].hash, parse(b).items[0].hash, "{a}");
        }
        // Where a pattern cannot fail, a name is a binding (or a unit
        // value, the same whatever it is called).
        let a = parse(
            "fn f(p: (u32, u32)) -> u32 { let (a, b) = p; for x in [a] { return x + b; } 0 }",
        );
        let b = parse(
            "fn f(q: (u32, u32)) -> u32 { let (c, d) = q; for y in [c] { return y + d; } 0 }",
        );
        assert_eq!(a.items[0].hash, b.items[0].hash);
    }

    #[test]
    fn functions_marked_under_another_spelling_are_marked() {
        let s = parse(
            "use perscache::persist as memo;\n#[memo]\nfn f() {}\nimpl S {\n #[memo]\n fn g(&self) {} }\n#[cfg_attr(all(), perscache::persist)]\nfn h() {}\nfn plain() {}",
        );
        let fns: Vec<(&str, u32)> = s
            .items
            .iter()
            .flat_map(|it| match &it.detail {
                Detail::Impl(i) => i.items.iter().collect(),
                _ => vec![it],
            })
            .filter(|it| it.kind == Kind::Fn)
            .map(|it| (it.name.as_str(), it.persist))
            .collect();
        assert_eq!(fns, [("f", 2), ("g", 5), ("h", 7), ("plain", 0)]);
    }

    #[test]
    fn an_attribute_macros_input_counts_as_written() {
        // `#[doc_value]` may turn the doc comment into the value, a
        // `#[body_text]` the literal as written, or a local's name.
        for (a, b) in [
            (
                "/// alpha\n#[pm::doc_value]\npub fn f() -> String { String::new() }",
                "/// beta\n#[pm::doc_value]\npub fn f() -> String { String::new() }",
            ),
            (
                "#[body_text]\nfn f() -> usize { let v = [1_000, 2,]; v.len() }",
                "#[body_text]\nfn f() -> usize { let v = [1000, 2]; v.len() }",
            ),
            (
                "#[cfg_attr(feature = \"x\", named)]\nfn f(a: u32) -> u32 { a }",
                "#[cfg_attr(feature = \"x\", named)]\nfn f(b: u32) -> u32 { b }",
            ),
            (
                "#[async_trait]\nimpl T for S {\n /// one\n fn f(&self) {} }",
                "#[async_trait]\nimpl T for S {\n /// two\n fn f(&self) {} }",
            ),
        ] {
            let (a, b) = (parse(a), parse(b));
            let hashes = |s: &FileSummary| -> Vec<[u8; 32]> {
                std::iter::once(s.items[0].hash)
                    .chain(s.items[0].inner.iter().map(|i| i.hash))
                    .chain(match &s.items[0].detail {
                        Detail::Impl(i) => i.items.iter().map(|i| i.hash).collect(),
                        _ => Vec::new(),
                    })
                    .collect()
            };
            assert_ne!(hashes(&a), hashes(&b));
        }
        // The compiler's own attributes read nothing of the item.
        let a = parse("/// one\n#[inline]\n#[cfg_attr(test, allow(dead_code))]\n#[path = \"x\"]\nfn f(a: u32) -> u32 { a + 1_000 }");
        let b = parse("/// two\n#[inline]\n#[cfg_attr(test, allow(dead_code))]\n#[path = \"x\"]\nfn f(b: u32) -> u32 { b + 1000 }");
        assert_eq!(a.items[0].hash, b.items[0].hash);
    }

    #[test]
    fn format_strings_past_the_first_argument_name_locals() {
        // `write!(s, "{w}x{h}")`: swapping the locals' names swaps the value.
        let a = parse("fn f(x: u32) -> String { let w = x; let h = x * 2; let mut s = String::new(); write!(s, \"{w}x{h}\").ok(); s }");
        let b = parse("fn f(x: u32) -> String { let h = x; let w = x * 2; let mut s = String::new(); write!(s, \"{w}x{h}\").ok(); s }");
        assert_ne!(a.items[0].hash, b.items[0].hash);
        let a = parse("fn f(x: u32) { let a = x; let b = 1; assert_eq!(a, b, \"{a}\") }");
        let b = parse("fn f(x: u32) { let b = x; let a = 1; assert_eq!(b, a, \"{a}\") }");
        assert_ne!(a.items[0].hash, b.items[0].hash);
    }

    #[test]
    fn a_string_anywhere_in_a_macros_input_may_name_locals() {
        // `show!("v", "{a}")` may pass its second argument to `format!`:
        // swapping the locals' names swaps the value.
        let a = parse("fn f(x: u32) -> String { let a = x; let b = x + 1; let _ = (a, b); show!(\"v\", \"{a}\") }");
        let b = parse("fn f(x: u32) -> String { let b = x; let a = x + 1; let _ = (b, a); show!(\"v\", \"{a}\") }");
        assert_ne!(a.items[0].hash, b.items[0].hash);
        let a = parse("fn f(x: u32) -> String { let a = x; show!{ label => [\"{a}\"] } }");
        let b = parse("fn f(x: u32) -> String { let c = x; show!{ label => [\"{a}\"] } }");
        assert_ne!(a.items[0].hash, b.items[0].hash);
    }

    #[test]
    fn doc_comments_count_where_a_macro_or_derive_may_read_them() {
        // In a macro's input: `$(#[doc = $d:literal])*` makes them a value.
        let a = parse("described! { /// Hello\n fn greeting; }");
        let b = parse("described! { /// Goodbye\n fn greeting; }");
        assert_ne!(a.items[0].hash, b.items[0].hash);
        // Wrapped items: the invocation's hash covers their docs.
        let a = parse("wrap! { /// Hello\n pub fn greeting() {} }");
        let b = parse("wrap! { /// Goodbye\n pub fn greeting() {} }");
        assert_ne!(a.items[0].hash, b.items[0].hash);
        // A derive turned on by `cfg_attr` may read them.
        let a = parse("#[cfg_attr(feature = \"pretty\", derive(displaydoc::Display))]\nenum E { /// the disk is full\n Full }");
        let b = parse("#[cfg_attr(feature = \"pretty\", derive(displaydoc::Display))]\nenum E { /// no space left\n Full }");
        assert_ne!(a.items[0].hash, b.items[0].hash);
        // Elsewhere they are not code.
        let a =
            parse("#[derive(Debug)]\nenum E { /// the disk is full\n Full }\n/// one\nfn f() {}");
        let b = parse("#[derive(Debug)]\nenum E { /// no space left\n Full }\n/// two\nfn f() {}");
        assert_eq!(a.items[0].hash, b.items[0].hash);
        assert_eq!(a.items[1].hash, b.items[1].hash);
    }

    #[test]
    fn include_paths_are_expressions() {
        let s = parse("fn f() -> &'static str { include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/data.txt\")) }");
        let inc = &s.items[0].refs.includes[0];
        assert_eq!(
            inc.path,
            crate::parse::PathExpr::Concat(vec![
                crate::parse::PathExpr::Env("CARGO_MANIFEST_DIR".into()),
                crate::parse::PathExpr::Lit("/data.txt".into())
            ])
        );
        let s = parse("fn f() -> &'static str { env!(\"REGION\") }");
        assert_eq!(s.items[0].refs.env, vec!["REGION".to_owned()]);
    }

    #[test]
    fn syntax_errors_have_a_line() {
        let e = parse_file("fn ok() {}\nfn broken( {").err();
        assert_eq!(e.map(|e| e.line), Some(2));
    }
}
