//! The canonical walk of a token stream: what a piece of code "is" for the
//! code hash.
//!
//! Token trees are hashed one by one (kind, text, spacing, delimiters), never
//! through `TokenStream::to_string()`, whose spacing is not stable across
//! compiler versions. What cannot change behaviour is left out, so that edits
//! of that kind keep the hash:
//!
//! - doc comments (they arrive as `#[doc = "..."]`) and attributes that only
//!   speak to tools or the optimiser (`inline`, `must_use`, lint levels,
//!   `rustfmt`, `clippy`, `deprecated`, `cold`, `diagnostic`), and `#[persist]`
//!   itself (the cache's wrapper is not the function's code);
//! - digit separators (`1_000` is `1000`);
//! - trailing commas before a closing delimiter (rustfmt adds and removes
//!   them), except in a one-element tuple `(x,)` and inside the input of
//!   macros that may match on them;
//! - the names of local bindings, when the caller says which identifiers are
//!   locals: they are replaced by their order of first appearance, so a
//!   consistently renamed parameter hashes the same.
//!
//! Ordinary comments and formatting never reach a token stream.

use std::collections::HashMap;

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// Bumped when the walk changes, so hashes from an older walk never match.
pub const WALK_VERSION: &str = "perscache code walk v4";

/// The BLAKE3 digest of the canonical walk of `tokens`.
pub fn token_digest(tokens: &TokenStream) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(WALK_VERSION.as_bytes());
    walk(tokens.clone(), &mut hasher);
    *hasher.finalize().as_bytes()
}

/// The hex BLAKE3 digest of the canonical walk of `tokens`.
pub fn token_hash(tokens: &TokenStream) -> String {
    blake3::Hash::from(token_digest(tokens))
        .to_hex()
        .to_string()
}

/// Feeds the canonical walk of `tokens` into `h`.
pub fn walk(tokens: TokenStream, h: &mut blake3::Hasher) {
    Walker {
        h,
        locals: None,
        renamed: HashMap::new(),
        delim: Vec::new(),
        keep_docs: false,
        std_as_written: false,
    }
    .stream(tokens, Context::Code);
}

/// The digest of where every token of `tokens` starts (line and column),
/// groups' delimiters included: what `line!()`, `column!()` and
/// `Location::caller()` can observe of code whose tokens are the same.
pub fn layout_digest(tokens: &TokenStream) -> [u8; 32] {
    fn walk(tokens: TokenStream, h: &mut blake3::Hasher) {
        for tt in tokens {
            let at = tt.span().start();
            h.update(&(at.line as u32).to_le_bytes());
            h.update(&(at.column as u32).to_le_bytes());
            if let TokenTree::Group(g) = tt {
                walk(g.stream(), h);
                let close = g.span_close().start();
                h.update(&(close.line as u32).to_le_bytes());
                h.update(&(close.column as u32).to_le_bytes());
            }
        }
    }
    let mut h = blake3::Hasher::new();
    walk(tokens.clone(), &mut h);
    *h.finalize().as_bytes()
}

/// Like [`token_digest`], with the identifiers `is_local` accepts renamed by
/// their order of first appearance. The caller must only accept names whose
/// every occurrence in `tokens` is a local binding or a use of one, so that
/// the renaming is a consistent alpha-renaming.
pub fn token_digest_renaming(tokens: &TokenStream, is_local: &dyn Fn(&str) -> bool) -> [u8; 32] {
    digest_with(tokens, Some(is_local), false)
}

/// [`token_digest_renaming`], with doc comments kept or not.
pub fn digest_with(
    tokens: &TokenStream,
    is_local: Option<&dyn Fn(&str) -> bool>,
    keep_docs: bool,
) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(WALK_VERSION.as_bytes());
    Walker {
        h: &mut hasher,
        locals: is_local,
        renamed: HashMap::new(),
        delim: Vec::new(),
        keep_docs,
        std_as_written: false,
    }
    .stream(tokens.clone(), Context::Code);
    *hasher.finalize().as_bytes()
}

/// The digest of an attribute macro's input (an item under `#[name]`
/// that the compiler does not know): the macro receives its exact tokens
/// and may read any of them, doc comments and literals as written included,
/// so nothing is normalized and nothing renamed.
pub fn macro_input_digest(tokens: &TokenStream) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(WALK_VERSION.as_bytes());
    hasher.update(b"attribute macro input");
    Walker {
        h: &mut hasher,
        locals: None,
        renamed: HashMap::new(),
        delim: Vec::new(),
        keep_docs: true,
        std_as_written: false,
    }
    .stream(tokens.clone(), Context::MacroInput);
    *hasher.finalize().as_bytes()
}

/// The digest of `tokens` with the input of every macro kept as written,
/// `format!`'s and `vec!`'s too, and no local renamed: what the code is
/// when a macro of a standard name is the workspace's own, which may
/// stringify its input.
pub fn written_digest(tokens: &TokenStream, keep_docs: bool) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(WALK_VERSION.as_bytes());
    hasher.update(b"standard macros as written");
    Walker {
        h: &mut hasher,
        locals: None,
        renamed: HashMap::new(),
        delim: Vec::new(),
        keep_docs,
        std_as_written: true,
    }
    .stream(tokens.clone(), Context::Code);
    *hasher.finalize().as_bytes()
}

/// Whether the outer attributes that begin `tokens` (an item's) include one
/// the compiler does not know ([`is_builtin_attr`]): an attribute macro,
/// which receives the item's tokens as they are written.
pub fn has_attribute_macro(tokens: &TokenStream) -> bool {
    let tts: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let mut i = 0;
    while let (Some(TokenTree::Punct(p)), Some(TokenTree::Group(g))) = (tts.get(i), tts.get(i + 1))
    {
        if p.as_char() != '#' || g.delimiter() != Delimiter::Bracket {
            break;
        }
        if !is_builtin_attr(&g.stream()) {
            return true;
        }
        i += 2;
    }
    false
}

/// Whether `attr` (an attribute's content, `inline` or `cfg_attr(p, a)`)
/// is one of the compiler's own rather than an attribute macro's:
/// `cfg_attr` is when every attribute it applies is.
pub fn is_builtin_attr(attr: &TokenStream) -> bool {
    if is_inert_attr(attr) {
        return true;
    }
    let mut it = attr.clone().into_iter();
    let Some(TokenTree::Ident(first)) = it.next() else {
        return false;
    };
    let first = first.to_string();
    if first == "cfg_attr" {
        let Some(TokenTree::Group(args)) = it.next() else {
            return false;
        };
        // `cfg_attr(predicate, attr, attr…)`: the attributes after the first
        // top-level comma.
        let mut applied: Vec<Vec<TokenTree>> = vec![Vec::new()];
        for tt in args.stream() {
            match tt {
                TokenTree::Punct(p) if p.as_char() == ',' => applied.push(Vec::new()),
                tt => applied
                    .last_mut()
                    .into_iter()
                    .for_each(|a| a.push(tt.clone())),
            }
        }
        return applied
            .into_iter()
            .skip(1)
            .filter(|a| !a.is_empty())
            .all(|a| is_builtin_attr(&a.into_iter().collect()));
    }
    // `name`, `name(…)` or `name = …`; a path (`tokio::main`) is a macro's.
    let plain = it.next().is_none_or(|t| match t {
        TokenTree::Group(_) => true,
        TokenTree::Punct(p) => p.as_char() == '=',
        _ => false,
    });
    plain
        && matches!(
            first.as_str(),
            "cfg"
                | "derive"
                | "repr"
                | "non_exhaustive"
                | "track_caller"
                | "no_mangle"
                | "export_name"
                | "link_section"
                | "link"
                | "link_name"
                | "link_ordinal"
                | "path"
                | "macro_export"
                | "macro_use"
                | "automatically_derived"
                | "test"
                | "ignore"
                | "should_panic"
                | "bench"
                | "target_feature"
                | "used"
                | "global_allocator"
                | "proc_macro"
                | "proc_macro_derive"
                | "proc_macro_attribute"
                | "no_std"
                | "no_implicit_prelude"
                | "recursion_limit"
                | "type_length_limit"
                | "windows_subsystem"
                | "crate_type"
                | "crate_name"
                | "debugger_visualizer"
                | "collapse_debuginfo"
                | "instruction_set"
                | "unsafe"
                | "coverage"
                | "naked"
                | "no_main"
                | "panic_handler"
                | "feature"
        )
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    /// Parsed Rust: trailing commas are formatting.
    Code,
    /// The input of a macro that may match on every token.
    MacroInput,
}

struct Walker<'a> {
    h: &'a mut blake3::Hasher,
    locals: Option<&'a dyn Fn(&str) -> bool>,
    renamed: HashMap<String, usize>,
    /// The delimiters of the groups being walked, innermost last, and
    /// whether the group is a call's or a signature's list (after a name).
    delim: Vec<(Delimiter, bool)>,
    /// Doc comments count (a derive may read them: clap's help texts).
    keep_docs: bool,
    /// The input of macros named like the standard ones whose input is
    /// expressions (`format!`, `vec!`) is kept as written too.
    std_as_written: bool,
}

impl Walker<'_> {
    fn stream(&mut self, tokens: TokenStream, cx: Context) {
        let tts: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < tts.len() {
            match &tts[i] {
                // `#[attr]` or `#![attr]` that cannot change behaviour: skip it
                // whole. Not in a macro's input, which may match on it
                // (`$(#[doc = $text:literal])*` turns a doc comment into a value).
                TokenTree::Punct(p) if p.as_char() == '#' && cx == Context::Code => {
                    let bang =
                        matches!(tts.get(i + 1), Some(TokenTree::Punct(b)) if b.as_char() == '!');
                    let at = if bang { i + 2 } else { i + 1 };
                    if let Some(TokenTree::Group(g)) = tts.get(at) {
                        if g.delimiter() == Delimiter::Bracket
                            && is_inert_attr(&g.stream())
                            && !(self.keep_docs && is_doc_attr(&g.stream()))
                        {
                            i = at + 1;
                            continue;
                        }
                    }
                    punct(self.h, '#', p.spacing());
                }
                TokenTree::Punct(p) if p.as_char() == ',' && cx == Context::Code => {
                    // A comma right before `>` (generic arguments) is formatting.
                    let before_angle =
                        matches!(tts.get(i + 1), Some(TokenTree::Punct(n)) if n.as_char() == '>');
                    if !(before_angle || (i + 1 == tts.len() && self.trailing_ok(&tts))) {
                        punct(self.h, ',', p.spacing());
                    }
                }
                TokenTree::Punct(p) => punct(self.h, p.as_char(), p.spacing()),
                TokenTree::Ident(id) => {
                    let s = id.to_string();
                    let local = self.locals.is_some_and(|f| f(&s));
                    if local {
                        let n = self.renamed.len();
                        let k = *self.renamed.entry(s).or_insert(n);
                        self.h.update(b"L");
                        self.h.update(&(k as u32).to_le_bytes());
                    } else {
                        self.h.update(b"i");
                        self.h.update(&(s.len() as u32).to_le_bytes());
                        self.h.update(s.as_bytes());
                    }
                }
                TokenTree::Literal(l) => {
                    // Inside a macro's input a literal may be turned into
                    // text (`stringify!(1_000)`): kept as written.
                    let s = if cx == Context::Code {
                        normalize_literal(&l.to_string())
                    } else {
                        l.to_string()
                    };
                    self.h.update(b"l");
                    self.h.update(&(s.len() as u32).to_le_bytes());
                    self.h.update(s.as_bytes());
                }
                TokenTree::Group(g) => {
                    // `name! (...)`, `name! [...]`, `name! {...}`: the macro may
                    // match on commas, unless it is a standard one whose input
                    // is expressions.
                    let inner = if (is_macro_input(&tts, i)
                        && (self.std_as_written || !is_expr_macro_call(&tts, i)))
                        || is_macro_rules_body(&tts, i)
                    {
                        Context::MacroInput
                    } else {
                        cx
                    };
                    let open = match g.delimiter() {
                        Delimiter::Parenthesis => b'(',
                        Delimiter::Brace => b'{',
                        Delimiter::Bracket => b'[',
                        Delimiter::None => b'0',
                    };
                    self.h.update(&[b'g', open]);
                    // A label (`break 'pick (n,)`) is no call's name.
                    let labelled =
                        i >= 2 && matches!(&tts[i - 2], TokenTree::Punct(p) if p.as_char() == '\'');
                    let after_name = i > 0
                        && !labelled
                        && match &tts[i - 1] {
                            TokenTree::Ident(id) => !is_expr_keyword(&id.to_string()),
                            TokenTree::Group(g) => g.delimiter() == Delimiter::Parenthesis,
                            _ => false,
                        };
                    self.group(g.delimiter(), after_name, g.stream(), inner);
                    self.h.update(b"e");
                }
            }
            i += 1;
        }
    }

    fn group(&mut self, delim: Delimiter, after_name: bool, stream: TokenStream, cx: Context) {
        self.delim.push((delim, after_name));
        self.stream(stream, cx);
        self.delim.pop();
    }

    /// Whether a comma that ends the current group can go: in a parenthesis
    /// when it is a call's or a signature's list (`f(x,)`, `fn f(x: u32,)`,
    /// `Some(x,)`), or when another comma separates two elements; a lone
    /// `(x,)` is a tuple.
    fn trailing_ok(&self, tts: &[TokenTree]) -> bool {
        match self.delim.last() {
            Some((Delimiter::Parenthesis, after_name)) => {
                *after_name
                    || tts[..tts.len() - 1]
                        .iter()
                        .any(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ','))
            }
            Some((Delimiter::Bracket | Delimiter::Brace, _)) => true,
            _ => false,
        }
    }
}

fn punct(h: &mut blake3::Hasher, c: char, spacing: Spacing) {
    let joint = matches!(spacing, Spacing::Joint) as u8;
    let mut buf = [0u8; 4];
    h.update(b"p");
    h.update(c.encode_utf8(&mut buf).as_bytes());
    h.update(&[joint]);
}

/// `1_000u32` is `1000u32`: digit separators are formatting. Strings and
/// characters are left alone.
fn normalize_literal(s: &str) -> String {
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.replace('_', "")
    } else {
        s.to_owned()
    }
}

/// Whether the group at `i` is a `macro_rules! name { ... }` body, whose
/// matchers may match on every token.
fn is_macro_rules_body(tts: &[TokenTree], i: usize) -> bool {
    i >= 3
        && matches!(&tts[i - 1], TokenTree::Ident(_))
        && matches!(&tts[i - 2], TokenTree::Punct(p) if p.as_char() == '!')
        && matches!(&tts[i - 3], TokenTree::Ident(m) if m == "macro_rules")
}

/// Whether the group at `i` is the input of a macro call (`name!` before it).
fn is_macro_input(tts: &[TokenTree], i: usize) -> bool {
    i >= 2
        && matches!(&tts[i - 1], TokenTree::Punct(p) if p.as_char() == '!')
        && matches!(&tts[i - 2], TokenTree::Ident(_))
}

/// Whether the macro call whose input is at `i` is `format!`, `vec!`, ...
/// written bare or under `std::`, `core::` or `alloc::`: `base::format!` is
/// another crate's macro.
fn is_expr_macro_call(tts: &[TokenTree], i: usize) -> bool {
    let named = matches!(&tts[i - 2], TokenTree::Ident(name) if is_expr_macro(&name.to_string()));
    let qualified = i >= 3 && matches!(&tts[i - 3], TokenTree::Punct(p) if p.as_char() == ':');
    named
        && (!qualified
            || (i >= 5
                && matches!(&tts[i - 5], TokenTree::Ident(k) if k == "std" || k == "core" || k == "alloc")))
}

/// Keywords after which a parenthesis is an expression (`return (x,)`).
fn is_expr_keyword(s: &str) -> bool {
    matches!(
        s,
        "return"
            | "in"
            | "match"
            | "if"
            | "while"
            | "let"
            | "else"
            | "as"
            | "break"
            | "yield"
            | "move"
            | "mut"
            | "ref"
            | "for"
            | "loop"
            | "unsafe"
            | "async"
            | "await"
            | "dyn"
            | "impl"
            | "where"
            | "static"
            | "const"
    )
}

/// Standard macros whose input is expressions (and a format string), so
/// that commas in it are formatting and its identifiers are evaluated, never
/// turned into text.
pub fn is_expr_macro(name: &str) -> bool {
    matches!(
        name,
        "println"
            | "print"
            | "eprintln"
            | "eprint"
            | "format"
            | "format_args"
            | "write"
            | "writeln"
            | "panic"
            | "unreachable"
            | "todo"
            | "unimplemented"
            | "vec"
            | "matches"
    )
}

/// Attributes that cannot change what a function returns.
fn is_doc_attr(attr: &TokenStream) -> bool {
    matches!(attr.clone().into_iter().next(), Some(TokenTree::Ident(i)) if i == "doc")
}

fn is_inert_attr(attr: &TokenStream) -> bool {
    let mut it = attr.clone().into_iter();
    let Some(TokenTree::Ident(first)) = it.next() else {
        return false;
    };
    let first = first.to_string();
    let path_sep = matches!(it.next(), Some(TokenTree::Punct(p)) if p.as_char() == ':');
    if path_sep {
        // `rustfmt::skip`, `clippy::...`, `diagnostic::...`, `perscache::persist`.
        let _ = it.next();
        let second = match it.next() {
            Some(TokenTree::Ident(i)) => i.to_string(),
            _ => String::new(),
        };
        return matches!(first.as_str(), "rustfmt" | "clippy" | "diagnostic")
            || (first == "perscache" && second == "persist");
    }
    matches!(
        first.as_str(),
        "doc"
            | "inline"
            | "must_use"
            | "allow"
            | "warn"
            | "deny"
            | "forbid"
            | "expect"
            | "deprecated"
            | "cold"
            | "persist"
            | "rustfmt"
            | "clippy"
    )
}

#[cfg(test)]
mod tests {
    use super::{token_digest_renaming, token_hash};

    fn ts(s: &str) -> proc_macro2::TokenStream {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn docs_comments_and_formatting_do_not_count() {
        let a = ts("fn f(x: u32) -> u32 { x + 1 }");
        let b = ts("/// Adds one.\nfn f(x: u32)\n  -> u32 {\n    // comment\n    x+1 }");
        assert_eq!(token_hash(&a), token_hash(&b));
        assert_ne!(
            token_hash(&a),
            token_hash(&ts("fn f(x: u32) -> u32 { x + 2 }"))
        );
    }

    #[test]
    fn inert_attributes_do_not_count() {
        let a = ts("fn f(x: u32) -> u32 { x + 1 }");
        for same in [
            "#[doc = \"inner\"] fn f(x: u32) -> u32 { #![doc = \"x\"] x + 1 }",
            "#[inline] fn f(x: u32) -> u32 { x + 1 }",
            "#[inline(always)] #[must_use] fn f(x: u32) -> u32 { x + 1 }",
            "#[allow(clippy::all)] #[rustfmt::skip] fn f(x: u32) -> u32 { x + 1 }",
            "#[perscache::persist(ttl = \"1d\")] fn f(x: u32) -> u32 { x + 1 }",
        ] {
            assert_eq!(token_hash(&a), token_hash(&ts(same)), "{same}");
        }
    }

    #[test]
    fn formatting_only_edits_do_not_count() {
        let pairs = [
            ("let x = 1000;", "let x = 1_000;"),
            ("f(a, b)", "f(a, b,)"),
            ("f(a)", "f(a,)"),
            ("fn f(a: u32) {}", "fn f(a: u32,) {}"),
            ("Some(x)", "Some(x,)"),
            ("[1, 2]", "[1, 2,]"),
            ("S { a: 1, b: 2 }", "S { a: 1, b: 2, }"),
            ("match x { 1 => a, _ => b }", "match x { 1 => a, _ => b, }"),
            ("Vec<u8, A>", "Vec<u8, A,>"),
            ("println!(\"{}\", x)", "println!(\"{}\", x,)"),
        ];
        for (a, b) in pairs {
            assert_eq!(token_hash(&ts(a)), token_hash(&ts(b)), "{a} vs {b}");
        }
    }

    #[test]
    fn code_changes_count() {
        let a = ts("fn f(x: u32) -> u32 { x + 1 }");
        for changed in [
            "fn f(x: u32) -> u32 { x - 1 }",
            "fn f(x: u64) -> u32 { x + 1 }",
            "fn f(x: u32) -> u32 { (x + 1) }",
            "#[cfg(test)] fn f(x: u32) -> u32 { x + 1 }",
            "#[track_caller] fn f(x: u32) -> u32 { x + 1 }",
        ] {
            assert_ne!(token_hash(&a), token_hash(&ts(changed)), "{changed}");
        }
        // A one-element tuple is not a parenthesised value; macros may match commas.
        assert_ne!(token_hash(&ts("(x,)")), token_hash(&ts("(x)")));
        assert_ne!(
            token_hash(&ts("return (x,)")),
            token_hash(&ts("return (x)"))
        );
        assert_ne!(
            token_hash(&ts("let a = (x,);")),
            token_hash(&ts("let a = (x);"))
        );
        assert_ne!(token_hash(&ts("m!(x,)")), token_hash(&ts("m!(x)")));
        assert_ne!(token_hash(&ts("0x10")), token_hash(&ts("16")));
        assert_ne!(
            token_hash(&ts("stringify!(1_000)")),
            token_hash(&ts("stringify!(1000)"))
        );
        assert_ne!(
            token_hash(&ts("macro_rules! m { ($a:expr,) => {} }")),
            token_hash(&ts("macro_rules! m { ($a:expr) => {} }"))
        );
        assert_ne!(
            token_hash(&ts("break 'pick (n,)")),
            token_hash(&ts("break 'pick (n)"))
        );
    }

    #[test]
    fn locals_are_renamed_consistently() {
        let locals = |s: &str| matches!(s, "x" | "y" | "a" | "b");
        let d = |s: &str| token_digest_renaming(&ts(s), &locals);
        assert_eq!(
            d("fn f(x: u32) -> u32 { x * 2 }"),
            d("fn f(y: u32) -> u32 { y * 2 }")
        );
        assert_ne!(
            d("fn f(a: u32, b: u32) -> u32 { a - b }"),
            d("fn f(a: u32, b: u32) -> u32 { b - a }")
        );
        assert_ne!(
            d("fn f(x: u32) -> u32 { x * 2 }"),
            d("fn f(x: u32) -> u32 { x * 3 }")
        );
    }

    #[test]
    fn joint_punctuation_is_told_apart() {
        // `a <<= b` and `a < <= b` differ only in the spacing of the puncts.
        assert_ne!(token_hash(&ts("a <<= b")), token_hash(&ts("a < <= b")));
    }
}
