//! What macro invocations and attributes mention: the input of standard
//! macros is parsed as expressions, `include*!`/`env!` are recorded as
//! compile-time inputs, and anything else is kept as loose identifiers.

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;

use super::collect::{parse_exprs, path_ref, Collector};
use super::{Include, IncludeKind, PathExpr, PathRef};
use crate::tokens::is_expr_macro;

/// Keywords are identifiers to proc-macro2, never names of items.
pub(crate) fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "as" | "async"
            | "await"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "dyn"
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
            | "union"
            | "macro_rules"
            | "_"
    )
}

/// Every identifier in `tokens` (not keywords).
/// The identifier-like words of the string literals of assembly.
fn asm_words(tokens: TokenStream, out: &mut Vec<String>) {
    for tt in tokens {
        match tt {
            TokenTree::Literal(l) => {
                if let Ok(s) = syn::parse_str::<syn::LitStr>(&l.to_string()) {
                    let text = s.value();
                    let words = text
                        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .filter(|w| w.starts_with(|c: char| c.is_alphabetic() || c == '_'));
                    out.extend(words.map(str::to_owned));
                }
            }
            TokenTree::Group(g) => asm_words(g.stream(), out),
            _ => {}
        }
    }
}

pub(crate) fn loose_idents(tokens: TokenStream, out: &mut Vec<String>) {
    for tt in tokens {
        match tt {
            TokenTree::Ident(i) => {
                let s = i.to_string();
                if !is_keyword(&s) {
                    out.push(s.trim_start_matches("r#").to_owned());
                }
            }
            TokenTree::Group(g) => loose_idents(g.stream(), out),
            TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
    }
}

/// The identifiers written after a `.` in `tokens` (`bag.count()`), in
/// macro input that is neither expressions nor statements (custom syntax,
/// `pairs!("a" => bag.count())`): method calls, or fields. Recorded as
/// methods, so that a method of that name joins like one called in code,
/// whatever free item of that name is also in scope.
pub(crate) fn dotted_idents(tokens: TokenStream, out: &mut Vec<String>) {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, tt) in tts.iter().enumerate() {
        match tt {
            TokenTree::Ident(id) => {
                let s = id.to_string();
                let dot = i > 0 && is_punct(tts.get(i - 1), '.');
                let range = i > 1 && is_punct(tts.get(i - 2), '.');
                if dot && !range && !is_keyword(&s) {
                    out.push(s.trim_start_matches("r#").to_owned());
                }
            }
            TokenTree::Group(g) => dotted_idents(g.stream(), out),
            TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
    }
}

/// The identifiers a `macro_rules!` body can emit: those of its
/// transcribers, without metavariables (`$x`) and fragment specifiers.
pub(crate) fn body_idents(tokens: TokenStream, out: &mut Vec<String>) {
    // Rules are `(matcher) => {transcriber};`: every other group after `=>`.
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < tts.len() {
        if let TokenTree::Punct(p) = &tts[i] {
            if p.as_char() == '>'
                && i > 0
                && matches!(&tts[i - 1], TokenTree::Punct(q) if q.as_char() == '=')
            {
                if let Some(TokenTree::Group(g)) = tts.get(i + 1) {
                    transcriber_idents(g.stream(), out);
                }
            }
        }
        i += 1;
    }
}

/// The names a `macro_rules!` body can define by itself: those written
/// after an item keyword in its transcribers (`fn helper`, `struct Row`),
/// or every identifier when it writes a `use` (which may import anything).
/// Other names it defines come from its invocation's input.
pub(crate) fn body_defines(tokens: TokenStream, out: &mut Vec<String>) {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < tts.len() {
        if let TokenTree::Punct(p) = &tts[i] {
            if p.as_char() == '>'
                && i > 0
                && matches!(&tts[i - 1], TokenTree::Punct(q) if q.as_char() == '=')
            {
                if let Some(TokenTree::Group(g)) = tts.get(i + 1) {
                    if contains_use(g.stream()) {
                        transcriber_idents(g.stream(), out);
                    } else {
                        defined_after_keywords(g.stream(), out);
                    }
                }
            }
        }
        i += 1;
    }
}

/// Whether a `macro_rules!` body can name an item after its input: an item
/// keyword followed by a metavariable (`fn $name`, `macro_rules! $name`), or
/// another macro invoked with its input (which may do so).
pub(crate) fn defines_from_input(tokens: TokenStream) -> bool {
    fn walk(tokens: TokenStream) -> bool {
        let tts: Vec<TokenTree> = tokens.into_iter().collect();
        tts.iter().enumerate().any(|(i, tt)| match tt {
            TokenTree::Ident(k) => {
                let s = k.to_string();
                let item_kw = matches!(
                    s.as_str(),
                    "fn" | "const"
                        | "static"
                        | "struct"
                        | "enum"
                        | "union"
                        | "type"
                        | "trait"
                        | "mod"
                        | "use"
                );
                let macro_call =
                    is_punct(tts.get(i + 1), '!') && s != "macro_rules" && !is_expr_macro(&s);
                // `macro_rules! $name { .. }`: a macro named by the input.
                let macro_def = s == "macro_rules"
                    && is_punct(tts.get(i + 1), '!')
                    && is_punct(tts.get(i + 2), '$');
                (item_kw && is_punct(tts.get(i + 1), '$'))
                    || macro_def
                    || (macro_call && contains_dollar(tts.get(i + 2)))
            }
            TokenTree::Group(g) => walk(g.stream()),
            _ => false,
        })
    }
    fn contains_dollar(t: Option<&TokenTree>) -> bool {
        match t {
            Some(TokenTree::Group(g)) => g.stream().into_iter().any(|t| match &t {
                TokenTree::Punct(p) => p.as_char() == '$',
                TokenTree::Group(_) => contains_dollar(Some(&t)),
                _ => false,
            }),
            _ => false,
        }
    }
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    (0..tts.len()).any(|i| {
        is_punct(tts.get(i), '>')
            && i > 0
            && is_punct(tts.get(i - 1), '=')
            && matches!(tts.get(i + 1), Some(TokenTree::Group(g)) if walk(g.stream()))
    })
}

/// Whether a `macro_rules!` body writes `mod $name`.
pub(crate) fn declares_mods(tokens: TokenStream) -> bool {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    tts.iter().enumerate().any(|(i, tt)| match tt {
        TokenTree::Ident(k) => k == "mod" && is_punct(tts.get(i + 1), '$'),
        TokenTree::Group(g) => declares_mods(g.stream()),
        _ => false,
    })
}

/// The paths (`a::b::C`, two segments or more) in macro input.
pub(crate) fn input_paths(tokens: TokenStream) -> Vec<PathRef> {
    let mut refs = super::Refs::default();
    transcriber_refs(tokens, &mut refs);
    refs.paths
        .into_iter()
        .filter(|p| p.segs.len() > 1)
        .collect()
}

/// Whether a `macro_rules!` body puts its input after `::`
/// (`$crate::util::$name`): then an identifier of an invocation's input may
/// name an item of another module, found only by widening.
pub(crate) fn input_in_paths(tokens: TokenStream) -> bool {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    tts.iter().enumerate().any(|(i, tt)| match tt {
        TokenTree::Punct(p) if p.as_char() == ':' => {
            is_punct(tts.get(i + 1), ':') && is_punct(tts.get(i + 2), '$')
        }
        TokenTree::Group(g) => input_in_paths(g.stream()),
        _ => false,
    })
}

/// Whether a `macro_rules!` body puts its input after `.` (`$x.$m()`): an
/// identifier of an invocation's input may be the method called.
pub(crate) fn input_after_dot(tokens: TokenStream) -> bool {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    tts.iter().enumerate().any(|(i, tt)| match tt {
        TokenTree::Punct(p) if p.as_char() == '.' => is_punct(tts.get(i + 1), '$'),
        TokenTree::Group(g) => input_after_dot(g.stream()),
        _ => false,
    })
}

/// Whether a `macro_rules!` body invokes a macro its input names (`$m!()`):
/// an identifier of an invocation's input may be the macro invoked.
pub(crate) fn input_invoked(tokens: TokenStream) -> bool {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    tts.iter().enumerate().any(|(i, tt)| match tt {
        TokenTree::Punct(p) if p.as_char() == '$' => {
            matches!(tts.get(i + 1), Some(TokenTree::Ident(_))) && is_punct(tts.get(i + 2), '!')
        }
        TokenTree::Group(g) => input_invoked(g.stream()),
        _ => false,
    })
}

fn contains_use(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|tt| match tt {
        TokenTree::Ident(i) => i == "use",
        TokenTree::Group(g) => contains_use(g.stream()),
        _ => false,
    })
}

fn defined_after_keywords(tokens: TokenStream, out: &mut Vec<String>) {
    let mut after_item_keyword = false;
    // After `mod` and its name (`mod $m`): the braces that follow hold the
    // items of a module the expansion writes, reached by paths through it.
    let mut module_name = false;
    for tt in tokens {
        match tt {
            TokenTree::Ident(i) => {
                let s = i.to_string();
                if after_item_keyword && !is_keyword(&s) {
                    out.push(s.clone());
                }
                module_name = s == "mod" || (module_name && !is_keyword(&s));
                after_item_keyword = matches!(
                    s.as_str(),
                    "fn" | "const"
                        | "static"
                        | "struct"
                        | "enum"
                        | "union"
                        | "type"
                        | "trait"
                        | "mod"
                        | "macro_rules"
                );
            }
            TokenTree::Group(g) if g.delimiter() == proc_macro2::Delimiter::Brace => {
                if module_name {
                    defined_after_keywords(g.stream(), out);
                }
                // Otherwise (an impl's or a function's body) names are not
                // the module's; repetitions `$( ... )*` are still top level.
                after_item_keyword = false;
                module_name = false;
            }
            TokenTree::Group(g) => {
                defined_after_keywords(g.stream(), out);
                after_item_keyword = false;
                module_name = false;
            }
            // `macro_rules! name`.
            TokenTree::Punct(p) if p.as_char() == '!' => module_name = false,
            // `mod $name`.
            TokenTree::Punct(p) if p.as_char() == '$' => after_item_keyword = false,
            _ => {
                after_item_keyword = false;
                module_name = false;
            }
        }
    }
}

fn transcriber_idents(tokens: TokenStream, out: &mut Vec<String>) {
    let mut after_dollar = false;
    for tt in tokens {
        match tt {
            TokenTree::Punct(p) => after_dollar = p.as_char() == '$',
            TokenTree::Ident(i) => {
                let s = i.to_string();
                if !after_dollar && !is_keyword(&s) {
                    out.push(s);
                }
                after_dollar = false;
            }
            TokenTree::Group(g) => {
                transcriber_idents(g.stream(), out);
                after_dollar = false;
            }
            TokenTree::Literal(_) => after_dollar = false,
        }
    }
}

/// What the transcribers of a `macro_rules!` name, read from their tokens
/// (they are not Rust until expanded): paths (`$crate::amount::Money::new`,
/// `a::b`) and called functions (`helper(`) resolve like paths; `.name(`
/// is a method call; `name!` a macro; any other identifier (a local, a
/// field, an attribute's word) names what it finds in scope, never widened.
pub(crate) fn body_refs(tokens: TokenStream, refs: &mut super::Refs) {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    // Rules are `(matcher) => {transcriber};`: only transcribers.
    while i < tts.len() {
        if let TokenTree::Punct(p) = &tts[i] {
            if p.as_char() == '>'
                && i > 0
                && matches!(&tts[i - 1], TokenTree::Punct(q) if q.as_char() == '=')
            {
                if let Some(TokenTree::Group(g)) = tts.get(i + 1) {
                    transcriber_refs(g.stream(), refs);
                }
            }
        }
        i += 1;
    }
}

fn is_punct(t: Option<&TokenTree>, c: char) -> bool {
    matches!(t, Some(TokenTree::Punct(p)) if p.as_char() == c)
}

fn transcriber_refs(tokens: TokenStream, refs: &mut super::Refs) {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < tts.len() {
        match &tts[i] {
            TokenTree::Group(g) => {
                transcriber_refs(g.stream(), refs);
                i += 1;
            }
            TokenTree::Punct(p) if p.as_char() == '$' => {
                // `$crate::path` is a path of the macro's crate; `$x` a
                // metavariable (and `$x::y` a path under it: unknown).
                match tts.get(i + 1) {
                    Some(TokenTree::Ident(id)) if id == "crate" => {
                        let (segs, next) = path_at(&tts, i + 2);
                        if !segs.is_empty() {
                            let mut all = vec!["crate".to_owned()];
                            all.extend(segs);
                            let p = PathRef {
                                segs: all,
                                global: false,
                            };
                            if is_punct(tts.get(next), '!') {
                                refs.macros.push(p);
                            } else {
                                refs.paths.push(p);
                            }
                        }
                        i = next;
                    }
                    // `$( .. )*`: a repetition is written as often as its
                    // input repeats, its names as much as the others.
                    Some(TokenTree::Group(g)) => {
                        transcriber_refs(g.stream(), refs);
                        i += 2;
                    }
                    _ => {
                        i += 2;
                        // `$t::build()`, `$t::LIMIT`: the type is the
                        // input's, the names are associated items of it,
                        // joined by name as methods are.
                        while is_punct(tts.get(i), ':') {
                            let Some(TokenTree::Ident(seg)) = tts.get(i + 2) else {
                                break;
                            };
                            refs.methods.push(seg.to_string());
                            i += 3;
                        }
                    }
                }
            }
            TokenTree::Punct(p) if p.as_char() == '.' => {
                if let Some(TokenTree::Ident(id)) = tts.get(i + 1) {
                    let call = matches!(tts.get(i + 2), Some(TokenTree::Group(g)) if g.delimiter() == proc_macro2::Delimiter::Parenthesis)
                        || is_punct(tts.get(i + 2), ':');
                    if call {
                        refs.methods.push(id.to_string());
                    }
                    i += 2;
                } else {
                    i += 1;
                }
            }
            TokenTree::Ident(id)
                if i > 0
                    && matches!(&tts[i - 1], TokenTree::Ident(k) if matches!(k.to_string().as_str(), "fn" | "struct" | "enum" | "union" | "trait" | "type" | "mod" | "const" | "static")) =>
            {
                // A name being defined (`fn price(`), not used.
                let _ = id;
                i += 1;
            }
            TokenTree::Ident(id) => {
                let global =
                    i >= 2 && is_punct(tts.get(i - 1), ':') && is_punct(tts.get(i - 2), ':');
                let start = i;
                let (segs, next) = path_at(&tts, i);
                let name = id.to_string();
                let closes_qself = i >= 3
                    && is_punct(tts.get(i - 3), '>')
                    && !(i >= 4
                        && (is_punct(tts.get(i - 4), '=') || is_punct(tts.get(i - 4), '-')));
                if global && closes_qself {
                    // `<$t>::build()`, `<T as Tr>::LIMIT`: an associated
                    // item of a type the path does not name.
                    refs.methods.push(name.clone());
                }
                if is_punct(tts.get(next), '!') {
                    if name != "macro_rules" {
                        refs.macros.push(PathRef { segs, global });
                    }
                } else if segs.len() > 1 {
                    refs.paths.push(PathRef { segs, global });
                } else if !is_keyword(&name) {
                    let called = matches!(tts.get(next), Some(TokenTree::Group(g)) if g.delimiter() == proc_macro2::Delimiter::Parenthesis);
                    if called {
                        refs.paths.push(PathRef::single(&name));
                    } else {
                        refs.attr_idents.push(name);
                    }
                }
                i = next.max(start + 1);
            }
            _ => i += 1,
        }
    }
}

/// The path starting at `i` (`a::b::c`, generic arguments skipped): its
/// segments and where it ends.
fn path_at(tts: &[TokenTree], mut i: usize) -> (Vec<String>, usize) {
    let mut segs = Vec::new();
    if is_punct(tts.get(i), ':') && is_punct(tts.get(i + 1), ':') {
        i += 2;
    }
    while let Some(TokenTree::Ident(id)) = tts.get(i) {
        segs.push(id.to_string());
        i += 1;
        if is_punct(tts.get(i), ':')
            && is_punct(tts.get(i + 1), ':')
            && matches!(tts.get(i + 2), Some(TokenTree::Ident(_)))
        {
            i += 2;
        } else {
            break;
        }
    }
    (segs, i)
}

/// Compile-time inputs a `macro_rules!` body, or an item-level invocation's
/// custom syntax, reads: `include*!` (whose path in a body usually depends
/// on the invocation, so it is taken as unknown unless it is a plain
/// literal) and `env!`/`option_env!` of a literal name.
pub(crate) fn body_inputs(tokens: TokenStream, refs: &mut super::Refs) {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, tt) in tts.iter().enumerate() {
        match tt {
            TokenTree::Group(g) => body_inputs(g.stream(), refs),
            TokenTree::Ident(id) => {
                let bang =
                    matches!(tts.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == '!');
                let Some(TokenTree::Group(arg)) = tts.get(i + 2).filter(|_| bang) else {
                    continue;
                };
                let name = id.to_string();
                let literal = parse_exprs(arg.stream())
                    .and_then(|a| a.first().map(path_expr))
                    .filter(|p| matches!(p, PathExpr::Lit(_)));
                match name.as_str() {
                    "include_str" | "include_bytes" | "include" => {
                        let kind = if name == "include" {
                            IncludeKind::Code
                        } else {
                            IncludeKind::Data
                        };
                        refs.includes.push(Include {
                            kind,
                            path: literal.unwrap_or(PathExpr::Unknown),
                        });
                    }
                    "env" | "option_env" => match literal {
                        Some(PathExpr::Lit(var)) => refs.env.push(var),
                        _ => {
                            refs.env.push(super::ANY_ENV_VAR.to_owned());
                            refs.notes.push(format!(
                                "`{name}!` in a macro's tokens, of a variable named by an expression: every variable its crate reads is in the key"
                            ));
                        }
                    },
                    _ => {}
                }
            }
            TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
    }
}

/// A path given to `include*!`, as an expression to evaluate later.
pub(crate) fn path_expr(e: &syn::Expr) -> PathExpr {
    match e {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => PathExpr::Lit(s.value()),
        syn::Expr::Macro(m) => macro_path_expr(&m.mac),
        syn::Expr::Group(g) => path_expr(&g.expr),
        syn::Expr::Paren(p) => path_expr(&p.expr),
        _ => PathExpr::Unknown,
    }
}

fn macro_path_expr(m: &syn::Macro) -> PathExpr {
    let name = m
        .path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    let Some(args) = parse_exprs(super::items::macro_input(m)) else {
        return PathExpr::Unknown;
    };
    match name.as_str() {
        "concat" => PathExpr::Concat(args.iter().map(path_expr).collect()),
        "env" => match args.first().map(path_expr) {
            Some(PathExpr::Lit(v)) => PathExpr::Env(v),
            _ => PathExpr::Unknown,
        },
        _ => PathExpr::Unknown,
    }
}

/// A macro invoked inside an item (expression, statement, type or pattern
/// position).
pub(crate) fn invocation(c: &mut Collector, mac: &syn::Macro) {
    let p = path_ref(&mac.path);
    let name = p.segs.last().cloned().unwrap_or_default();
    c.refs.macros.push(p);
    // Read as the plain names (the hash keeps the tokens as written).
    let input = super::items::macro_input(mac);
    match name.as_str() {
        "include_str" | "include_bytes" | "include" => {
            let kind = if name == "include" {
                IncludeKind::Code
            } else {
                IncludeKind::Data
            };
            let path = parse_exprs(input.clone())
                .and_then(|a| a.first().map(path_expr))
                .unwrap_or(PathExpr::Unknown);
            c.refs.includes.push(Include { kind, path });
            return;
        }
        "env" | "option_env" => {
            match parse_exprs(input.clone()).and_then(|a| a.first().map(path_expr)) {
                Some(PathExpr::Lit(var)) => c.refs.env.push(var),
                _ => {
                    c.refs.env.push(super::ANY_ENV_VAR.to_owned());
                    c.refs.notes.push(format!(
                        "`{name}!` of a variable named by an expression: every variable its crate reads is in the key"
                    ));
                }
            }
            return;
        }
        "line" | "column" | "file" => {
            // The value is where the invocation sits: that position is code.
            let at = mac.path.segments.last().map(|s| s.ident.span().start());
            c.refs.position.push(match (name.as_str(), at) {
                ("file", _) => "file".to_owned(),
                (n, Some(at)) => format!("{n}:{}:{}", at.line, at.column),
                (n, None) => n.to_owned(),
            });
            return;
        }
        "asm" | "naked_asm" | "global_asm" => {
            // Assembly names linker symbols in its strings (`jmp
            // base_target`, `[rip + WEIGHT]`): each word may be an item
            // exported under its own name.
            asm_words(input.clone(), &mut c.refs.loose);
        }
        "cfg" | "stringify" | "module_path" | "compile_error" => return,
        "concat" => {
            // Literals, and macros (`env!`) whose values count.
            if let Some(args) = parse_exprs(input.clone()) {
                for e in &args {
                    c.visit_expr(e);
                }
            }
            return;
        }
        _ => {}
    }
    if !is_std_macro(&name) {
        mentioned_files(input.clone(), &mut c.refs.includes);
    }
    if matches!(name.as_str(), "write" | "writeln") {
        // `write!(out, ..)` is `out.write_fmt(..)`, an inherent method too.
        c.refs.methods.push("write_fmt".to_owned());
    }
    // `base::format!` is another crate's macro, whatever its name.
    let evaluated = is_expr_macro(&name) && is_std_path(&mac.path);
    if !evaluated {
        // Any string in its input may reach `format!`: `show!("v", "{a}")`.
        format_names_in_strings(input.clone(), c);
    }
    if let Some(args) = parse_exprs(input.clone()) {
        // Most function-like macros take expressions. The identifiers of
        // standard ones are evaluated; others may turn them into text.
        if !evaluated {
            c.in_macro_enter();
        }
        for e in &args {
            if let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = e
            {
                // The format string is the first argument of `format!`,
                // the second of `write!` and `assert!`, the third of
                // `assert_eq!`: every string argument is read as one.
                if evaluated {
                    for n in inline_format_args(&s.value()) {
                        c.format_arg(&n);
                    }
                }
            }
            match e {
                // `tracing::warn!(size = n, ...)`: `size` is a field's name.
                syn::Expr::Assign(a) => c.visit_expr(&a.right),
                _ => c.visit_expr(e),
            }
        }
        if !evaluated {
            c.in_macro_leave();
        }
        return;
    }
    // Statements, items, custom syntax: statements when it parses as such,
    // else every identifier may name something.
    c.in_macro_enter();
    let tokens = input.clone();
    match syn::parse::Parser::parse2(syn::Block::parse_within, tokens.clone()) {
        Ok(stmts) => c.visit_block(&syn::Block {
            brace_token: Default::default(),
            stmts,
        }),
        Err(_) => {
            dotted_idents(tokens.clone(), &mut c.refs.methods);
            loose_idents(tokens, &mut c.refs.loose);
        }
    }
    c.in_macro_leave();
}

/// Names captured by a format string: `{name}`, `{name:?}`, `{0:width$}`.
/// [`Collector::format_arg`] for every `{name}` of every string literal in
/// `tokens`, at any depth.
fn format_names_in_strings(tokens: TokenStream, c: &mut Collector) {
    for tt in tokens {
        match tt {
            TokenTree::Group(g) => format_names_in_strings(g.stream(), c),
            TokenTree::Literal(l) => {
                if let Ok(s) = syn::parse2::<syn::LitStr>(TokenTree::Literal(l).into()) {
                    for n in inline_format_args(&s.value()) {
                        c.format_arg(&n);
                    }
                }
            }
            _ => {}
        }
    }
}

pub(crate) fn inline_format_args(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '{' {
            i += 1;
            continue;
        }
        if chars.get(i + 1) == Some(&'{') {
            i += 2;
            continue;
        }
        let end = (i..chars.len())
            .find(|&j| chars[j] == '}')
            .unwrap_or(chars.len());
        let inner: String = chars[i + 1..end].iter().collect();
        let (arg, spec) = inner.split_once(':').unwrap_or((&inner, ""));
        if arg.starts_with(|c: char| c.is_alphabetic() || c == '_') {
            out.push(arg.trim().to_owned());
        }
        // `{:>width$}`, `{:.prec$}`: names before `$` in the spec.
        let spec: Vec<char> = spec.chars().collect();
        for (k, ch) in spec.iter().enumerate() {
            if *ch == '$' {
                let mut start = k;
                while start > 0 && (spec[start - 1].is_alphanumeric() || spec[start - 1] == '_') {
                    start -= 1;
                }
                let name: String = spec[start..k].iter().collect();
                if name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
                    out.push(name);
                }
            }
        }
        i = end + 1;
    }
    out
}

/// Built-in attributes: no macro, no names of code.
fn is_builtin_attr(name: &str) -> bool {
    matches!(
        name,
        "cfg"
            | "cfg_attr"
            | "doc"
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
            | "bench"
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
            | "recursion_limit"
            | "type_length_limit"
            | "crate_type"
            | "crate_name"
            | "windows_subsystem"
            | "instruction_set"
            | "naked"
            | "no_main"
            | "debugger_visualizer"
            | "collapse_debuginfo"
            | "rustc_diagnostic_item"
            | "doc_cfg"
    )
}

/// An attribute: derives are macros and name their traits; other non-built-in
/// attributes are attribute macros or derive helpers whose identifiers, and
/// string literals that parse as paths (`#[serde(with = "my::module")]`),
/// count as names.
pub(crate) fn attribute(c: &mut Collector, a: &syn::Attribute) {
    let path = a.path();
    let last = path
        .segments
        .last()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    let first = path
        .segments
        .first()
        .map(|s| s.ident.to_string())
        .unwrap_or_default();
    if last == "persist" {
        // The cache's wrapper is not the function's code, and its options
        // (`ttl`) are not in the hash; but code its arguments name (a custom
        // format decides what is read back) is reached.
        if let syn::Meta::List(list) = &a.meta {
            if let Ok(args) = list.parse_args_with(
                syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
            ) {
                for e in &args {
                    if let syn::Expr::Assign(assign) = e {
                        c.visit_expr(&assign.right);
                    }
                }
            }
        }
        return;
    }
    if path.is_ident("derive") {
        if let Ok(list) = a.parse_args_with(
            syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
        ) {
            for p in &list {
                c.refs.paths.push(path_ref(p));
                c.refs.macros.push(path_ref(p));
            }
        }
        return;
    }
    if path.is_ident("cfg_attr") {
        // `#[cfg_attr(pred, attr, ...)]`: the attributes it may apply.
        if let syn::Meta::List(list) = &a.meta {
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
                    attribute(c, &attr);
                }
            }
        }
        return;
    }
    if is_builtin_attr(&last) || is_builtin_attr(&first) {
        return;
    }
    if !c.derive_helpers {
        c.refs.macros.push(path_ref(path));
    }
    mentioned_files(
        quote::ToTokens::to_token_stream(&a.meta),
        &mut c.refs.includes,
    );
    match &a.meta {
        syn::Meta::List(list) => attribute_args(c, list.tokens.clone()),
        syn::Meta::NameValue(nv) => {
            if let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &nv.value
            {
                string_code(c, &s.value());
            } else {
                c.in_macro_enter();
                c.visit_expr(&nv.value);
                c.in_macro_leave();
            }
        }
        syn::Meta::Path(_) => {}
    }
}

/// The arguments of an attribute: `key = value` pairs whose values are
/// expressions (`value_parser = crate::parse::seconds`) or strings naming
/// paths (`with = "my::module"`), nested lists, bare words.
fn attribute_args(c: &mut Collector, tokens: TokenStream) {
    let parsed = syn::parse::Parser::parse2(
        syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
        tokens.clone(),
    );
    let Ok(metas) = parsed else {
        let mut idents = Vec::new();
        loose_idents(tokens.clone(), &mut idents);
        c.refs.attr_idents.extend(idents);
        // `#[error("{}", .0.label())]`: format arguments call methods, and
        // name paths (`Self::QUOTA`).
        dotted_idents(tokens.clone(), &mut c.refs.methods);
        c.refs.attr_paths.extend(input_paths(tokens.clone()));
        string_paths(c, tokens);
        return;
    };
    for meta in &metas {
        match meta {
            syn::Meta::Path(p) => c
                .refs
                .attr_idents
                .extend(p.segments.last().map(|s| s.ident.to_string())),
            syn::Meta::List(l) => attribute_args(c, l.tokens.clone()),
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => string_code(c, &s.value()),
                value => {
                    c.in_macro_enter();
                    c.visit_expr(value);
                    c.in_macro_leave();
                }
            },
        }
    }
}

/// A string of attribute input that names code: a path (`with =
/// "my::module"`, `default = "default_name"`), or a qualified path
/// (`serialize_with = "<Hex as Codec>::ser"`, which serde accepts too),
/// read as the expression it stands for.
fn string_code(c: &mut Collector, text: &str) {
    if let Ok(p) = syn::parse_str::<syn::Path>(text) {
        c.refs.attr_paths.push(path_ref(&p));
    } else if let Ok(e) = syn::parse_str::<syn::ExprPath>(text) {
        c.in_macro_enter();
        c.visit_expr_path(&e);
        c.in_macro_leave();
    }
}

/// String literals in attribute input that look like Rust code paths.
fn string_paths(c: &mut Collector, tokens: TokenStream) {
    for tt in tokens {
        match tt {
            TokenTree::Literal(l) => {
                let Ok(lit) = syn::parse_str::<syn::LitStr>(&l.to_string()) else {
                    continue;
                };
                string_code(c, &lit.value());
            }
            TokenTree::Group(g) => string_paths(c, g.stream()),
            TokenTree::Ident(_) | TokenTree::Punct(_) => {}
        }
    }
}

/// The strings of `tokens` that look like relative paths of files or
/// directories (`"hello.html"`, `"assets/"`): a proc macro given them may
/// read those files at expansion, as rustc sees but the sources do not.
pub(crate) fn mentioned_files(tokens: TokenStream, out: &mut Vec<Include>) {
    for tt in tokens {
        match tt {
            TokenTree::Literal(l) => {
                let Ok(lit) = syn::parse_str::<syn::LitStr>(&l.to_string()) else {
                    continue;
                };
                let text = lit.value();
                let text = text
                    .strip_prefix("$CARGO_MANIFEST_DIR/")
                    .or_else(|| text.strip_prefix("${CARGO_MANIFEST_DIR}/"))
                    .unwrap_or(&text);
                if looks_like_path(text) {
                    out.push(Include {
                        kind: IncludeKind::Mentioned,
                        path: PathExpr::Lit(text.to_owned()),
                    });
                }
            }
            TokenTree::Group(g) => mentioned_files(g.stream(), out),
            TokenTree::Ident(_) | TokenTree::Punct(_) => {}
        }
    }
}

/// A relative path with a directory or an extension, and nothing a
/// message or a format string has (spaces, braces, colons).
fn looks_like_path(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 256
        && !s.starts_with('/')
        && (s.contains('.') || s.contains('/'))
        && s.split('/').any(|c| !c.is_empty() && c != "." && c != "..")
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '/' | '_' | '-' | '+' | '@' | '~'))
}

/// Whether `path` is a bare name or starts at `std`, `core` or `alloc`.
fn is_std_path(path: &syn::Path) -> bool {
    path.segments.len() == 1
        || path
            .segments
            .first()
            .is_some_and(|s| s.ident == "std" || s.ident == "core" || s.ident == "alloc")
}

/// Macros of the standard library.
pub(crate) fn is_std_macro(name: &str) -> bool {
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
            | "include_str"
            | "include_bytes"
            | "include"
            | "matches"
            | "concat"
            | "stringify"
            | "env"
            | "option_env"
            | "file"
            | "line"
            | "column"
            | "module_path"
            | "cfg"
            | "compile_error"
            | "macro_rules"
            | "thread_local"
            | "const_format_args"
            | "concat_idents"
            | "trace_macros"
            | "log_syntax"
            | "addr_of"
            | "addr_of_mut"
            | "ready"
            | "pin"
            | "join"
            | "select"
            | "global_asm"
            | "asm"
            | "cfg_match"
            | "is_x86_feature_detected"
            | "debug_assert_matches"
            | "assert_matches"
    )
}
