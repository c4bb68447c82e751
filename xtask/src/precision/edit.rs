//! Edits a programmer makes: real token changes that would still compile,
//! made textually at positions syn found. Each edit is kept as splices of the
//! original text, so it is reverted by writing the original back.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;

use super::rng::Rng;
use super::source::{self, line_of, line_start};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EditKind {
    /// A number or string literal in a function body changed.
    Literal,
    /// A statement added at the start of a function body.
    Statement,
    /// A private free function renamed, with every use in its file.
    Rename,
    /// A new function at the end of the file.
    NewFn,
    /// A new method in an inherent impl.
    NewMethod,
}

impl fmt::Display for EditKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            EditKind::Literal => "change a literal",
            EditKind::Statement => "add a statement",
            EditKind::Rename => "rename a private fn",
            EditKind::NewFn => "add a fn",
            EditKind::NewMethod => "add a method",
        })
    }
}

/// One edit of one file.
#[derive(Debug, Clone)]
pub struct Edit {
    pub file: PathBuf,
    pub kind: EditKind,
    /// Where, for people (`name` of the function or item touched).
    pub what: String,
    /// Replacements in the original text, not overlapping.
    splices: Vec<(Range<usize>, String)>,
}

impl Edit {
    /// The edited text, or `None` when a splice does not fit the text.
    pub fn apply_to(&self, text: &str) -> Option<String> {
        let mut splices = self.splices.clone();
        splices.sort_by_key(|s| std::cmp::Reverse(s.0.start));
        let mut out = text.to_owned();
        for (range, with) in splices {
            if range.end > out.len()
                || !out.is_char_boundary(range.start)
                || !out.is_char_boundary(range.end)
            {
                return None;
            }
            out.replace_range(range, &with);
        }
        Some(out)
    }
}

/// A function body.
struct Body {
    name: String,
    /// Just after its `{`.
    open: usize,
    /// The line of its `#[persist]` attribute, 0 when it has none.
    persist_line: u32,
    literals: Vec<(Range<usize>, String)>,
}

/// Where edits can go in one file.
#[derive(Default)]
struct Sites {
    bodies: Vec<Body>,
    /// Private free functions at module level.
    private_fns: Vec<String>,
    /// Inherent impls: the offset of their closing brace.
    impls: Vec<usize>,
    /// The file declares modules in other files, which may use its private
    /// functions through `super::`: no renames then.
    out_of_line_mods: bool,
}

struct Scan<'a> {
    text: &'a str,
    sites: Sites,
    /// Nesting inside function bodies (items there are not module level).
    in_body: usize,
}

/// The replacement of a literal: a decimal integer moves by one, a plain
/// string gains a character. Others (hex, raw strings, floats) are left.
fn changed_literal(lit: &syn::Lit, source: &str) -> Option<String> {
    match lit {
        syn::Lit::Int(i) => {
            let digits = source.strip_suffix(i.suffix()).unwrap_or(source);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let v: u128 = digits.parse().ok()?;
            let new = if v > 0 { v - 1 } else { 1 };
            Some(format!("{new}{}", i.suffix()))
        }
        syn::Lit::Str(_)
            if source.starts_with('"') && source.ends_with('"') && source.len() >= 2 =>
        {
            let inner = source.get(1..source.len() - 1)?;
            Some(format!("\"{inner}~\""))
        }
        _ => None,
    }
}

struct Literals<'a> {
    text: &'a str,
    out: Vec<(Range<usize>, String)>,
}

impl<'ast> Visit<'ast> for Literals<'_> {
    fn visit_lit(&mut self, lit: &'ast syn::Lit) {
        let r = source::bytes(lit.span());
        if let Some(new) = self
            .text
            .get(r.clone())
            .and_then(|s| changed_literal(lit, s))
        {
            self.out.push((r, new));
        }
    }
    // `#[cfg(feature = "x")]` is configuration, not a value in the body.
    fn visit_attribute(&mut self, _: &'ast syn::Attribute) {}
}

fn persist_line(text: &str, attrs: &[syn::Attribute]) -> u32 {
    attrs
        .iter()
        .find(|a| {
            a.path()
                .segments
                .last()
                .is_some_and(|s| s.ident == "persist")
        })
        .map_or(0, |a| {
            line_of(text, source::bytes(a.pound_token.span).start)
        })
}

impl Scan<'_> {
    fn body(&mut self, name: &syn::Ident, attrs: &[syn::Attribute], block: &syn::Block) {
        let mut lits = Literals {
            text: self.text,
            out: Vec::new(),
        };
        lits.visit_block(block);
        self.sites.bodies.push(Body {
            name: name.to_string(),
            open: source::bytes(block.brace_token.span.open()).end,
            persist_line: persist_line(self.text, attrs),
            literals: lits.out,
        });
    }
}

impl<'ast> Visit<'ast> for Scan<'_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        if self.in_body == 0 && matches!(f.vis, syn::Visibility::Inherited) && f.sig.ident != "main"
        {
            self.sites.private_fns.push(f.sig.ident.to_string());
        }
        self.body(&f.sig.ident, &f.attrs, &f.block);
        self.in_body += 1;
        syn::visit::visit_item_fn(self, f);
        self.in_body -= 1;
    }
    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.body(&f.sig.ident, &f.attrs, &f.block);
        self.in_body += 1;
        syn::visit::visit_impl_item_fn(self, f);
        self.in_body -= 1;
    }
    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if let Some(b) = &f.default {
            self.body(&f.sig.ident, &f.attrs, b);
        }
        self.in_body += 1;
        syn::visit::visit_trait_item_fn(self, f);
        self.in_body -= 1;
    }
    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        if i.trait_.is_none() {
            self.sites
                .impls
                .push(source::bytes(i.brace_token.span.close()).start);
        }
        syn::visit::visit_item_impl(self, i);
    }
    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if m.content.is_none() {
            self.sites.out_of_line_mods = true;
        }
        syn::visit::visit_item_mod(self, m);
    }
    fn visit_item_macro(&mut self, m: &'ast syn::ItemMacro) {
        let toks: Vec<String> = m
            .mac
            .tokens
            .clone()
            .into_iter()
            .map(|t| t.to_string())
            .collect();
        if toks.windows(3).any(|w| w[0] == "mod" && w[2] == ";") {
            self.sites.out_of_line_mods = true;
        }
    }
}

fn scan(text: &str, ast: &syn::File) -> Sites {
    let mut s = Scan {
        text,
        sites: Sites::default(),
        in_body: 0,
    };
    s.visit_file(ast);
    s.sites
}

/// Every identifier token `name` in the text (macro bodies included;
/// comments and strings are not identifiers).
fn ident_ranges(text: &str, name: &str) -> Vec<Range<usize>> {
    fn walk(ts: TokenStream, name: &str, out: &mut Vec<Range<usize>>) {
        for tt in ts {
            match tt {
                TokenTree::Ident(i) if i == name => out.push(source::bytes(i.span())),
                TokenTree::Group(g) => walk(g.stream(), name, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    if let Ok(ts) = TokenStream::from_str(text) {
        walk(ts, name, &mut out);
    }
    out
}

/// A random edit of the file (`tag` makes new names unique), checked to
/// parse; `None` when the file has no room for the kind drawn or the edit
/// would not parse (the caller draws again).
pub fn random(file: &Path, text: &str, ast: &syn::File, rng: &mut Rng, tag: usize) -> Option<Edit> {
    let sites = scan(text, ast);
    let literals: Vec<(&Body, &(Range<usize>, String))> = sites
        .bodies
        .iter()
        .flat_map(|b| b.literals.iter().map(move |l| (b, l)))
        .collect();
    let mut kinds = vec![EditKind::NewFn];
    if !literals.is_empty() {
        kinds.push(EditKind::Literal);
    }
    if !sites.bodies.is_empty() {
        kinds.push(EditKind::Statement);
    }
    if !sites.private_fns.is_empty() && !sites.out_of_line_mods {
        kinds.push(EditKind::Rename);
    }
    if !sites.impls.is_empty() {
        kinds.push(EditKind::NewMethod);
    }
    let kind = *rng.pick(&kinds)?;
    let edit = match kind {
        EditKind::Literal => {
            let (body, (range, new)) = rng.pick(&literals)?;
            Edit {
                file: file.to_path_buf(),
                kind,
                what: format!("in `{}`: {} -> {new}", body.name, text.get(range.clone())?),
                splices: vec![(range.clone(), new.clone())],
            }
        }
        EditKind::Statement => {
            let body = rng.pick(&sites.bodies)?;
            statement(file, body, tag)
        }
        EditKind::Rename => {
            let name = rng.pick(&sites.private_fns)?;
            let new = format!("{name}_renamed");
            if text.contains(&new) || name == "doc" {
                return None;
            }
            let splices: Vec<_> = ident_ranges(text, name)
                .into_iter()
                .map(|r| (r, new.clone()))
                .collect();
            Edit {
                file: file.to_path_buf(),
                kind,
                what: format!("`{name}` -> `{new}` ({} places)", splices.len()),
                splices,
            }
        }
        EditKind::NewFn => {
            let sep = if text.ends_with('\n') { "" } else { "\n" };
            Edit {
                file: file.to_path_buf(),
                kind,
                what: format!("`perscache_probe_{tag}`"),
                splices: vec![(
                    text.len()..text.len(),
                    format!("{sep}\nfn perscache_probe_{tag}() -> u32 {{\n    {tag}\n}}\n"),
                )],
            }
        }
        EditKind::NewMethod => {
            let close = *rng.pick(&sites.impls)?;
            let (start, blank) = line_start(text, close);
            let indent = text.get(start..close).unwrap_or("");
            let method = format!("fn perscache_probe_{tag}(&self) -> u32 {{ {tag} }}");
            let (at, with) = if blank {
                (start, format!("{indent}    {method}\n"))
            } else {
                (close, format!(" {method} "))
            };
            Edit {
                file: file.to_path_buf(),
                kind,
                what: format!(
                    "`perscache_probe_{tag}` in the impl at line {}",
                    line_of(text, close)
                ),
                splices: vec![(at..at, with)],
            }
        }
    };
    let new = edit.apply_to(text)?;
    (new != text && source::parse_text(&new).is_some()).then_some(edit)
}

fn statement(file: &Path, body: &Body, tag: usize) -> Edit {
    Edit {
        file: file.to_path_buf(),
        kind: EditKind::Statement,
        what: format!("in `{}`", body.name),
        splices: vec![(body.open..body.open, format!(" let _ = {tag}u32;"))],
    }
}

/// A statement added to the body of the function whose `#[persist]` is at
/// `attr_line`: the control edit, which must change that function's hash.
pub fn in_marked_body(
    file: &Path,
    text: &str,
    ast: &syn::File,
    attr_line: u32,
    tag: usize,
) -> Option<Edit> {
    let sites = scan(text, ast);
    let body = sites.bodies.iter().find(|b| b.persist_line == attr_line)?;
    Some(statement(file, body, tag))
}

/// A literal changed in the body of the function named `name` (for tests:
/// an edit in a callee).
#[cfg(test)]
pub fn literal_in(file: &Path, text: &str, ast: &syn::File, name: &str) -> Option<Edit> {
    let sites = scan(text, ast);
    let body = sites.bodies.iter().find(|b| b.name == name)?;
    let (range, new) = body.literals.first()?;
    Some(Edit {
        file: file.to_path_buf(),
        kind: EditKind::Literal,
        what: format!("in `{name}`: {} -> {new}", text.get(range.clone())?),
        splices: vec![(range.clone(), new.clone())],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "//! doc\nfn helper(x: u32) -> u32 { x + 41 }\n\npub struct S;\n\nimpl S {\n    pub fn get(&self) -> &'static str { \"s\" }\n}\n\npub fn api() -> u32 { helper(1) + helper(0x10) } // helper\n";

    #[test]
    fn every_kind_of_edit_parses_and_changes_tokens() {
        let ast = source::parse_text(TEXT).expect("parses");
        let mut seen = std::collections::BTreeSet::new();
        let mut rng = Rng::new(3);
        for tag in 0..200 {
            let Some(e) = random(Path::new("x.rs"), TEXT, &ast, &mut rng, tag) else {
                continue;
            };
            let new = e.apply_to(TEXT).expect("applies");
            let before = TokenStream::from_str(TEXT).expect("lex").to_string();
            let after = TokenStream::from_str(&new).expect("lex").to_string();
            assert_ne!(before, after, "{e:?} changed no token");
            if e.kind == EditKind::Rename {
                assert!(new.contains("fn helper_renamed("), "{new}");
                assert_eq!(new.matches("helper_renamed(").count(), 3, "{new}");
                assert!(
                    new.ends_with("// helper\n"),
                    "comments are not renamed: {new}"
                );
            }
            if e.kind == EditKind::Literal {
                assert!(
                    !new.contains("0xf") && new.contains("0x10"),
                    "hex literals are left: {new}"
                );
            }
            seen.insert(e.kind);
        }
        assert_eq!(seen.len(), 5, "all five kinds drawn: {seen:?}");
    }

    #[test]
    fn a_file_with_out_of_line_modules_is_not_renamed_in() {
        let text = "mod child;\nfn helper() {}\n";
        let ast = source::parse_text(text).expect("parses");
        let mut rng = Rng::new(1);
        for tag in 0..50 {
            if let Some(e) = random(Path::new("x.rs"), text, &ast, &mut rng, tag) {
                assert_ne!(e.kind, EditKind::Rename);
            }
        }
    }
}
