//! The `#[persist]` attribute as an ordinary library: parse (`attr.rs`),
//! check (`valid.rs`), expand (`expand.rs`). The proc-macro crate is a thin
//! shell over [`persist`]; unit tests call it directly.

mod attr;
pub mod code_hash;
mod expand;
mod valid;

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::ItemFn;

pub use code_hash::Location;

/// Expands `#[persist(args)]` on `item`. On error, returns the compile errors
/// followed by the function unchanged, so the rest of the crate still
/// type-checks and the user sees only the errors that matter.
pub fn persist(args: TokenStream, item: TokenStream, at: Location<'_>) -> TokenStream {
    let func: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(e) => {
            let e = syn::Error::new(e.span(), format!("#[persist] goes on a function: {e}"));
            return error_and(e, item);
        }
    };
    let options = match syn::parse2::<attr::Options>(args) {
        Ok(o) => o,
        Err(e) => return error_and(e, item),
    };
    let checked = match valid::check(&options, &func) {
        Ok(c) => c,
        Err(e) => return error_and(e, item),
    };
    let code = code_hash::resolve(&func.to_token_stream(), at);
    expand::expand(&options, &func, &checked, &code)
}

fn error_and(error: syn::Error, item: TokenStream) -> TokenStream {
    let mut out = error.to_compile_error();
    out.extend(item);
    out
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn expand(args: TokenStream, item: TokenStream) -> String {
        let at = Location {
            name: "f",
            file: None,
            line: 1,
        };
        persist(args, item, at).to_string()
    }

    #[test]
    fn expands_to_a_cached_call() {
        let out = expand(
            quote!(),
            quote!(
                fn f(x: u32) -> u32 {
                    x + 1
                }
            ),
        );
        assert!(out.contains("call_sync"), "{out}");
        assert!(out.contains("Always"), "{out}");
        assert!(!out.contains("compile_error !"), "{out}");
    }

    #[test]
    fn results_store_ok_only() {
        let out = expand(
            quote!(),
            quote!(
                fn f() -> Result<u32, String> {
                    Ok(1)
                }
            ),
        );
        assert!(out.contains("OkOnly"), "{out}");
        let out = expand(
            quote!(),
            quote!(
                fn f() -> std::io::Result<u32> {
                    Ok(1)
                }
            ),
        );
        assert!(out.contains("OkOnly"), "{out}");
    }

    #[test]
    fn ignored_arguments_stay_out_of_the_key() {
        let out = expand(
            quote!(ignore = [b]),
            quote!(
                fn f(a: u32, b: u32) -> u32 {
                    a + b
                }
            ),
        );
        assert!(out.contains("arg (\"a\""), "{out}");
        assert!(!out.contains("arg (\"b\""), "{out}");
    }

    #[test]
    fn errors_keep_the_function() {
        let out = expand(
            quote!(ttl = "soon"),
            quote!(
                fn f() -> u32 {
                    1
                }
            ),
        );
        assert!(out.contains("compile_error !"), "{out}");
        assert!(out.contains("fn f"), "{out}");
    }
}
