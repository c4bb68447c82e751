//! The `#[persist]` attribute. All the work is in `perscache-macros-core`,
//! which unit tests and `cargo perscache` call directly; see the `perscache`
//! crate for the documentation.

use proc_macro::TokenStream;

/// Caches a function's results persistently; documented on `perscache::persist`.
#[proc_macro_attribute]
pub fn persist(args: TokenStream, item: TokenStream) -> TokenStream {
    perscache_macros_core::persist(args.into(), item.into()).into()
}
