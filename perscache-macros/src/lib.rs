//! The `#[persist]` attribute. All the work is in `perscache-macros-core`,
//! which unit tests and `cargo perscache` call directly; see the `perscache`
//! crate for the documentation.

use proc_macro::{Span, TokenStream};

/// Caches a function's results persistently; documented on `perscache::persist`.
#[proc_macro_attribute]
pub fn persist(args: TokenStream, item: TokenStream) -> TokenStream {
    let site = Span::call_site();
    let file = site.local_file();
    let name = function_name(&item);
    let at = perscache_macros_core::Location {
        name: &name,
        file: file.as_deref(),
        line: site.line(),
    };
    perscache_macros_core::persist(args.into(), item.into(), at).into()
}

/// The identifier after `fn`, found without a full parse.
fn function_name(item: &TokenStream) -> String {
    let mut after_fn = false;
    for tt in item.clone() {
        if let proc_macro::TokenTree::Ident(i) = tt {
            let s = i.to_string();
            if after_fn {
                return s;
            }
            after_fn = s == "fn";
        }
    }
    String::new()
}
