//! The canonical walk of a token stream: what a piece of code "is" for the
//! code hash.
//!
//! Token trees are hashed one by one (kind, text, spacing, delimiters), never
//! through `TokenStream::to_string()`, whose spacing is not stable across
//! compiler versions. Doc comments arrive as `#[doc = "..."]` attributes and
//! are skipped; ordinary comments and formatting never reach a token stream.
//!
//! The macro's fallback hash uses this same walk, so a function's own tokens
//! hash the same whether the macro or the analysis sees them.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// Bumped when the walk changes, so hashes from an older walk never match.
pub const WALK_VERSION: &str = "perscache code walk v1";

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
    use super::token_hash;

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
    fn doc_attributes_do_not_count() {
        let a = ts("fn f(x: u32) -> u32 { x + 1 }");
        let c = ts("#[doc = \"inner\"] fn f(x: u32) -> u32 { #![doc = \"x\"] x + 1 }");
        assert_eq!(token_hash(&a), token_hash(&c));
    }

    #[test]
    fn code_changes_count() {
        let a = ts("fn f(x: u32) -> u32 { x + 1 }");
        for changed in [
            "fn f(x: u32) -> u32 { x - 1 }",
            "fn f(x: u64) -> u32 { x + 1 }",
            "fn f(x: u32) -> u32 { (x + 1) }",
            "#[inline] fn f(x: u32) -> u32 { x + 1 }",
        ] {
            assert_ne!(token_hash(&a), token_hash(&ts(changed)), "{changed}");
        }
    }

    #[test]
    fn joint_punctuation_is_told_apart() {
        // `a <<= b` and `a < <= b` differ only in the spacing of the puncts.
        assert_ne!(token_hash(&ts("a <<= b")), token_hash(&ts("a < <= b")));
    }
}
