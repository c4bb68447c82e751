//! Marking functions with `#[perscache::persist]`, textually: the analysis
//! is syntactic, so nothing has to compile. Candidates come in every shape
//! the analysis must list (free function, inherent method, trait impl method,
//! trait default method, associated function of a generic impl, and any of
//! them in a module declared inside a macro invocation), and in two kinds:
//! leaves (their bodies call nothing) and functions deep in the crate (two
//! module levels down or more, calling several things).

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use syn::spanned::Spanned;
use syn::visit::Visit;

use super::rng::Rng;
use super::source::{self, line_of, line_start, ModFile};

/// The attribute inserted.
pub const ATTRIBUTE: &str = "#[perscache::persist]";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Shape {
    Free,
    Inherent,
    TraitImpl,
    TraitDefault,
    /// An associated function (no `self`) of an inherent impl with generics.
    GenericAssoc,
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Shape::Free => "free fn",
            Shape::Inherent => "inherent method",
            Shape::TraitImpl => "trait impl method",
            Shape::TraitDefault => "trait default method",
            Shape::GenericAssoc => "assoc fn of a generic impl",
        })
    }
}

/// A function that could be marked.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub package: String,
    pub file: PathBuf,
    pub name: String,
    pub shape: Shape,
    pub via_macro: bool,
    /// Module levels below the crate root.
    pub depth: usize,
    /// Calls, method calls and macro invocations in its body.
    pub calls: usize,
    /// Where the attribute's line goes (the start of the line of the first
    /// token after the function's attributes), and that line's indentation.
    pub insert_at: usize,
    pub indent: String,
}

impl Candidate {
    pub fn leaf(&self) -> bool {
        self.calls == 0
    }
}

/// A marked function, after the attribute was written.
#[derive(Debug, Clone)]
pub struct Mark {
    pub package: String,
    pub file: PathBuf,
    pub name: String,
    pub shape: Shape,
    pub via_macro: bool,
    /// `leaf`, `deep`, or `given` (chosen by a test).
    pub kind: &'static str,
    /// The 1-based line of the inserted attribute.
    pub attr_line: u32,
}

impl Mark {
    pub fn describe(&self) -> String {
        format!(
            "{} ({}{})",
            self.kind,
            self.shape,
            if self.via_macro {
                ", module declared in a macro"
            } else {
                ""
            }
        )
    }
}

struct Collect<'a> {
    text: &'a str,
    file: &'a ModFile,
    package: &'a str,
    out: Vec<Candidate>,
    /// Inline module levels currently open.
    depth: usize,
    in_test: bool,
}

fn is_test_attr(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        let p = a.path();
        p.is_ident("test")
            || p.segments.last().is_some_and(|s| s.ident == "test")
            || (p.is_ident("cfg")
                && matches!(&a.meta, syn::Meta::List(l) if l.tokens.to_string().contains("test")))
    })
}

/// Calls, method calls and macros in a block.
#[derive(Default)]
struct Calls(usize);

impl<'ast> Visit<'ast> for Calls {
    fn visit_expr_call(&mut self, e: &'ast syn::ExprCall) {
        self.0 += 1;
        syn::visit::visit_expr_call(self, e);
    }
    fn visit_expr_method_call(&mut self, e: &'ast syn::ExprMethodCall) {
        self.0 += 1;
        syn::visit::visit_expr_method_call(self, e);
    }
    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.0 += 1;
        syn::visit::visit_macro(self, m);
    }
}

impl Collect<'_> {
    fn push(
        &mut self,
        attrs: &[syn::Attribute],
        first: proc_macro2::Span,
        sig: &syn::Signature,
        block: &syn::Block,
        shape: Shape,
    ) {
        if self.in_test
            || is_test_attr(attrs)
            || sig.constness.is_some()
            || sig.abi.is_some()
            || attrs.iter().any(|a| a.path().is_ident("persist"))
        {
            return;
        }
        let start = source::bytes(first).start;
        let (line, blank) = line_start(self.text, start);
        if !blank {
            return;
        }
        let mut calls = Calls::default();
        calls.visit_block(block);
        self.out.push(Candidate {
            package: self.package.to_owned(),
            file: self.file.path.clone(),
            name: sig.ident.to_string(),
            shape,
            via_macro: self.file.via_macro,
            depth: self.file.module.len() + self.depth,
            calls: calls.0,
            insert_at: line,
            indent: self.text.get(line..start).unwrap_or("").to_owned(),
        });
    }
}

/// The first token of a function after its attributes.
fn first_token(vis: &syn::Visibility, sig: &syn::Signature) -> proc_macro2::Span {
    match vis {
        syn::Visibility::Inherited => sig.span(),
        v => v.span(),
    }
}

impl<'ast> Visit<'ast> for Collect<'_> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.push(
            &f.attrs,
            first_token(&f.vis, &f.sig),
            &f.sig,
            &f.block,
            Shape::Free,
        );
        // Functions inside function bodies are not candidates: not visited.
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        if is_test_attr(&i.attrs) {
            return;
        }
        for item in &i.items {
            let syn::ImplItem::Fn(f) = item else { continue };
            let shape = if i.trait_.is_some() {
                Shape::TraitImpl
            } else if !i.generics.params.is_empty() && f.sig.receiver().is_none() {
                Shape::GenericAssoc
            } else {
                Shape::Inherent
            };
            let first = match (&f.defaultness, &f.vis) {
                (Some(d), _) => d.span(),
                (None, v) => first_token(v, &f.sig),
            };
            self.push(&f.attrs, first, &f.sig, &f.block, shape);
        }
    }

    fn visit_item_trait(&mut self, t: &'ast syn::ItemTrait) {
        if is_test_attr(&t.attrs) {
            return;
        }
        for item in &t.items {
            let syn::TraitItem::Fn(f) = item else {
                continue;
            };
            if let Some(block) = &f.default {
                self.push(&f.attrs, f.sig.span(), &f.sig, block, Shape::TraitDefault);
            }
        }
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        let test = self.in_test;
        self.in_test |= is_test_attr(&m.attrs) || m.ident == "tests";
        self.depth += 1;
        syn::visit::visit_item_mod(self, m);
        self.depth -= 1;
        self.in_test = test;
    }

    // Expressions hold no items worth marking.
    fn visit_block(&mut self, _: &'ast syn::Block) {}
}

/// The functions of a library that could be marked.
pub fn candidates(package: &str, files: &[ModFile]) -> Vec<Candidate> {
    let mut out = Vec::new();
    for file in files.iter().filter(|f| !f.test) {
        let Some((text, ast)) = source::parse(&file.path) else {
            continue;
        };
        let mut c = Collect {
            text: &text,
            file,
            package,
            out: Vec::new(),
            depth: 0,
            in_test: false,
        };
        c.visit_file(&ast);
        out.extend(c.out);
    }
    out
}

/// A seeded choice in one library: for each shape, a leaf and a deep
/// function; and a free function and a method in modules declared inside
/// macros, when the crate has such modules. `per_shape` 1 takes the leaf only.
pub fn choose(
    cands: &[Candidate],
    rng: &mut Rng,
    per_shape: usize,
) -> Vec<(Candidate, &'static str)> {
    let mut out: Vec<(Candidate, &'static str)> = Vec::new();
    let mut take =
        |pool: Vec<&Candidate>, kind: &'static str, out: &mut Vec<(Candidate, &'static str)>| {
            let pool: Vec<&Candidate> = pool
                .into_iter()
                .filter(|c| {
                    !out.iter()
                        .any(|(o, _)| o.file == c.file && o.insert_at == c.insert_at)
                })
                .collect();
            if let Some(c) = rng.pick(&pool) {
                out.push(((*c).clone(), kind));
            }
        };
    let deep = |c: &&Candidate, depth: usize| !c.leaf() && c.calls >= 3 && c.depth >= depth;
    for shape in [
        Shape::Free,
        Shape::Inherent,
        Shape::TraitImpl,
        Shape::TraitDefault,
        Shape::GenericAssoc,
    ] {
        let of: Vec<&Candidate> = cands.iter().filter(|c| c.shape == shape).collect();
        take(
            of.iter().copied().filter(|c| c.leaf()).collect(),
            "leaf",
            &mut out,
        );
        if per_shape > 1 {
            // Deep: two module levels down if the crate has any, else one.
            let pool: Vec<&Candidate> = of.iter().copied().filter(|c| deep(c, 2)).collect();
            let pool = if pool.is_empty() {
                of.iter().copied().filter(|c| deep(c, 1)).collect()
            } else {
                pool
            };
            take(pool, "deep", &mut out);
        }
    }
    let in_macro: Vec<&Candidate> = cands.iter().filter(|c| c.via_macro).collect();
    if !in_macro.is_empty() && !out.iter().any(|(c, _)| c.via_macro) {
        let free: Vec<&Candidate> = in_macro
            .iter()
            .copied()
            .filter(|c| c.shape == Shape::Free)
            .collect();
        take(free, "leaf", &mut out);
        let methods = in_macro
            .iter()
            .copied()
            .filter(|c| c.shape != Shape::Free && deep(c, 0))
            .collect();
        take(methods, "deep", &mut out);
    }
    out
}

/// Writes the attribute above each chosen function. Returns the marks with
/// the attribute's line in the file as written.
pub fn apply(chosen: &[(Candidate, &'static str)]) -> Result<Vec<Mark>> {
    let mut by_file: BTreeMap<&Path, Vec<&(Candidate, &'static str)>> = BTreeMap::new();
    for c in chosen {
        by_file.entry(c.0.file.as_path()).or_default().push(c);
    }
    let mut marks = Vec::new();
    for (file, mut cs) in by_file {
        let original =
            std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
        let mut text = original.clone();
        // From the bottom up, so earlier offsets stay valid.
        cs.sort_by_key(|c| std::cmp::Reverse(c.0.insert_at));
        cs.dedup_by_key(|c| c.0.insert_at);
        for (c, _) in &cs {
            text.insert_str(c.insert_at, &format!("{}{ATTRIBUTE}\n", c.indent));
        }
        std::fs::write(file, &text).with_context(|| format!("writing {}", file.display()))?;
        // The attribute takes the function's first line, shifted by one for
        // each attribute inserted above it.
        let n = cs.len();
        for (i, (c, kind)) in cs.iter().enumerate() {
            let above = (n - 1 - i) as u32;
            marks.push(Mark {
                package: c.package.clone(),
                file: c.file.clone(),
                name: c.name.clone(),
                shape: c.shape,
                via_macro: c.via_macro,
                kind,
                attr_line: line_of(&original, c.insert_at) + above,
            });
        }
    }
    marks.sort_by(|a, b| {
        (&a.package, &a.file, a.attr_line).cmp(&(&b.package, &b.file, b.attr_line))
    });
    Ok(marks)
}
