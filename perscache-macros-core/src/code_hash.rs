//! The code hash of a marked function: what decides whether its old entries
//! may still be served.
//!
//! This is the one replaceable piece between the macro and the analysis: today
//! it is a canonical walk of the function's own tokens; `cargo perscache build`
//! widens it to everything the function transitively depends on.
//!
//! The walk hashes token trees, never `TokenStream::to_string()` (whose
//! spacing is not stable across compiler versions), and skips doc comments,
//! which arrive as `#[doc = "..."]` / `#![doc = "..."]` attributes. Ordinary
//! comments and formatting never reach a proc macro at all.

use std::path::PathBuf;

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// What the macro needs to know about a marked function's code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The code hash that goes into every key of the function (hex).
    pub hash: String,
    /// Files whose change must make rustc expand the macro again (the
    /// manifest, say). The expansion `include_bytes!`s each one so that
    /// cargo's dep-info tracks it.
    pub track: Vec<PathBuf>,
}

/// Where a marked function sits, as the macro sees it.
#[derive(Debug, Clone, Copy)]
pub struct Location<'a> {
    /// The function's name.
    pub name: &'a str,
    /// The source file, when the compiler says (`Span::local_file`).
    pub file: Option<&'a std::path::Path>,
    /// The 1-based line of the `fn` keyword.
    pub line: usize,
}

/// The code hash of a marked function whose whole item (attributes, signature,
/// body) is `item`.
///
/// With a current manifest (written by `cargo perscache build`), the hash is
/// the function's transitive code hash, and the manifest is tracked so that
/// rustc expands the macro again when it changes. Without one, or when any
/// source it was computed from has changed since, the hash is widened over
/// every source of the crate and its path dependencies (and `Cargo.lock`):
/// sound, never the function's own tokens alone. Both are computed once per
/// rustc process (see `perscache_analysis::macro_side`).
pub fn resolve(item: &TokenStream, at: Location<'_>) -> Resolved {
    let found = perscache_analysis::macro_side::code_hash(item, at.name, at.file, at.line);
    Resolved {
        hash: found.hash,
        track: found.track,
    }
}

/// Bumped when the walk changes, so hashes from an older walk never match.
const WALK_VERSION: &str = "perscache code walk v1";

/// The hex BLAKE3 digest of the canonical walk of `tokens`.
pub fn token_hash(tokens: &TokenStream) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(WALK_VERSION.as_bytes());
    walk(tokens.clone(), &mut hasher);
    hasher.finalize().to_hex().to_string()
}

fn walk(tokens: TokenStream, h: &mut blake3::Hasher) {
    let mut iter = tokens.into_iter().peekable();
    while let Some(tt) = iter.next() {
        match &tt {
            TokenTree::Punct(p) if p.as_char() == '#' => {
                // `#[doc ...]` or `#![doc ...]`: skip the whole attribute.
                let mut lookahead = iter.clone();
                let bang =
                    matches!(lookahead.peek(), Some(TokenTree::Punct(b)) if b.as_char() == '!');
                if bang {
                    lookahead.next();
                }
                if let Some(TokenTree::Group(g)) = lookahead.peek() {
                    if g.delimiter() == Delimiter::Bracket && is_doc_attr(&g.stream()) {
                        if bang {
                            iter.next();
                        }
                        iter.next();
                        continue;
                    }
                }
                punct(h, '#', p.spacing());
            }
            TokenTree::Punct(p) => punct(h, p.as_char(), p.spacing()),
            TokenTree::Ident(i) => {
                h.update(b"i");
                let s = i.to_string();
                h.update(&(s.len() as u32).to_le_bytes());
                h.update(s.as_bytes());
            }
            TokenTree::Literal(l) => {
                h.update(b"l");
                let s = l.to_string();
                h.update(&(s.len() as u32).to_le_bytes());
                h.update(s.as_bytes());
            }
            TokenTree::Group(g) => {
                let open = match g.delimiter() {
                    Delimiter::Parenthesis => b'(',
                    Delimiter::Brace => b'{',
                    Delimiter::Bracket => b'[',
                    Delimiter::None => b'0',
                };
                h.update(&[b'g', open]);
                walk(g.stream(), h);
                h.update(b"e");
            }
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

fn is_doc_attr(attr: &TokenStream) -> bool {
    matches!(attr.clone().into_iter().next(), Some(TokenTree::Ident(i)) if i == "doc")
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::token_hash;

    #[test]
    fn docs_and_formatting_do_not_count() {
        let a = quote! { fn f(x: u32) -> u32 { x + 1 } };
        let b: proc_macro2::TokenStream =
            "/// Adds one.\nfn f(x: u32)\n  -> u32 {\n    // comment\n    x+1 }"
                .parse()
                .expect("valid tokens");
        let c = quote! { #[doc = "inner"] fn f(x: u32) -> u32 { #![doc = "x"] x + 1 } };
        assert_eq!(token_hash(&a), token_hash(&b));
        assert_eq!(token_hash(&a), token_hash(&c));
    }

    #[test]
    fn code_changes_count() {
        let a = quote! { fn f(x: u32) -> u32 { x + 1 } };
        for changed in [
            quote! { fn f(x: u32) -> u32 { x + 2 } },
            quote! { fn f(x: u32) -> u32 { x - 1 } },
            quote! { fn f(x: u64) -> u32 { x + 1 } },
            quote! { fn f(x: u32) -> u32 { (x + 1) } },
            quote! { #[inline] fn f(x: u32) -> u32 { x + 1 } },
            quote! { fn f(x: u32) -> u32 { x += 1 } },
        ] {
            assert_ne!(token_hash(&a), token_hash(&changed), "{changed}");
        }
    }

    #[test]
    fn joint_punctuation_is_told_apart() {
        // `a <<= b` and `a < <= b` differ only in spacing of the puncts.
        let joint: proc_macro2::TokenStream = "a <<= b".parse().expect("valid");
        let apart: proc_macro2::TokenStream = "a < <= b".parse().expect("valid");
        assert_ne!(token_hash(&joint), token_hash(&apart));
    }
}
