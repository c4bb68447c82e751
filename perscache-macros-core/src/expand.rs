//! Writes the cached function. The generated code names only
//! `::perscache::__private::…` and core paths, so user items cannot shadow it.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::ItemFn;

use crate::attr::{DurationOption, DurationValue, Options};
use crate::code_hash::{FunctionName, Resolved};
use crate::valid::{arg_type_span, Checked, Policy};

pub fn expand(options: &Options, item: &ItemFn, checked: &Checked, code: &Resolved) -> TokenStream {
    let p = quote!(::perscache::__private);
    let ItemFn {
        attrs,
        vis,
        sig,
        block,
    } = item;
    let ret = &checked.ret;

    let track = code.track.iter().map(|path| {
        let path = path.to_string_lossy();
        quote!(
            const _: &[u8] = ::core::include_bytes!(#path);
        )
    });

    let cache = match &options.cache {
        // Bound with `let x = &expr;` so a temporary (`OnceLock::get()`'s
        // reference, say) lives for the whole call.
        Some(expr) => quote_spanned!(expr.span()=> &#expr),
        None => quote!(#p::Cache::global()),
    };
    let codec = match &options.serializer {
        Some(expr) => quote_spanned!(expr.span()=> &(#expr)),
        None => quote!(#p::Cache::format(__perscache_cache)),
    };
    let hash_literal = &code.hash;
    let salt = &code.key_salt;
    let workspace = code
        .workspace
        .as_ref()
        .map(|root| quote!(.workspace(#root)));
    let fallback = code.fallback;
    let function = match &code.function {
        FunctionName::Full(f) => quote!(#f),
        FunctionName::InModule(suffix) => {
            quote!(::core::concat!(::core::module_path!(), "::", #suffix))
        }
    };

    let mut key_parts = Vec::new();
    if let Some(v) = &options.version {
        key_parts.push(quote!(__perscache_key.version(#v);));
    }
    if checked.per_instance {
        key_parts.push(match &options.instance_key {
            Some(expr) => quote_spanned!(expr.span()=> __perscache_key.instance(&(#expr))?;),
            None => {
                let span = checked.receiver.unwrap_or_else(Span::call_site);
                quote_spanned!(span=> __perscache_key.instance(self)?;)
            }
        });
    }
    for arg in &checked.key_args {
        let ident = &arg.ident;
        let label = ident.to_string();
        let span = arg_type_span(item, ident);
        // Autoref specialization (`KeyArg` in perscache-runtime's key.rs): a
        // number, or a container of numbers in memory, is written straight
        // from it, anything else through serde; both write the same bytes. The argument's
        // spans are kept, so a non-`Serialize` argument is still reported on it.
        key_parts.push(quote_spanned!(span=>
            (&#p::KeyArg(&#ident))
                .__perscache_key_path()
                .arg(#label, &mut __perscache_key, &#ident)?;
        ));
        if arg.impl_trait {
            key_parts.push(quote!(__perscache_key.of_val(&#ident);));
        }
    }
    // `Self` and the generic parameters of an impl or trait are
    // instantiations the key must tell apart (`impl<T> S<T>`, `impl<const N:
    // usize> R<N>`, a trait's default method per implementing type).
    match code.context.has_self {
        Some(true) => key_parts.push(quote!(__perscache_key.of_type::<Self>();)),
        Some(false) => {}
        // Where the function sits is unknown (inside another macro's
        // expansion): a closure's type names every generic argument in scope.
        None => key_parts.push(quote!(__perscache_key.of_val(&|| ());)),
    }
    for t in &code.context.types {
        let t = format_ident!("{}", t);
        key_parts.push(quote!(__perscache_key.of_type::<#t>();));
    }
    for c in &code.context.consts {
        let label = c.clone();
        let c = format_ident!("{}", c);
        key_parts.push(quote!(__perscache_key.arg(#label, &#c)?;));
    }
    for t in &checked.type_params {
        key_parts.push(quote!(__perscache_key.of_type::<#t>();));
    }
    for c in &checked.const_params {
        let label = c.to_string();
        key_parts.push(quote!(__perscache_key.arg(#label, &#c)?;));
    }

    let policy = match checked.policy {
        Policy::Always => quote!(#p::Always),
        Policy::OkOnly => quote!(#p::OkOnly),
        Policy::SomeOnly => quote!(#p::SomeOnly),
    };

    let storage = match &options.storage {
        Some(expr) => quote_spanned! {expr.span()=>
            ::core::option::Option::Some({
                static __PERSCACHE_STORAGE: #p::OnceLock<#p::Arc<dyn #p::Storage>> = #p::OnceLock::new();
                __PERSCACHE_STORAGE.get_or_init(|| #p::into_storage(#expr))
            })
        },
        None => quote!(::core::option::Option::None),
    };
    let ttl = duration(&options.ttl);
    let min_compute = duration(&options.min_compute);
    let stale_if_error = duration(&options.stale_if_error);

    // Errors about the return type (a format that cannot hold it) point at it.
    let ret_span = match &sig.output {
        syn::ReturnType::Type(_, ty) => ty.span(),
        syn::ReturnType::Default => Span::call_site(),
    };
    let call_async = quote_spanned!(ret_span=> #p::call_async::<#ret, #policy, _, _>);
    let call_sync = quote_spanned!(ret_span=> #p::call_sync::<#ret, #policy, _>);
    let call = if sig.asyncness.is_some() {
        quote! {
            #call_async(
                __perscache_cache, &__PERSCACHE_SITE, &__perscache_key, __perscache_codec, __perscache_options,
                move || async move #block,
            ).await
        }
    } else {
        quote! {
            #call_sync(
                __perscache_cache, &__PERSCACHE_SITE, &__perscache_key, __perscache_codec, __perscache_options,
                move || -> #ret #block,
            )
        }
    };

    let key_fn = format_ident!("__perscache_make_key", span = Span::mixed_site());
    quote! {
        #(#attrs)*
        #vis #sig {
            #(#track)*
            static __PERSCACHE_SITE: #p::Site = #p::Site::new(#function, #hash_literal, #salt)
                #workspace
                .from_fallback(#fallback);
            let __perscache_cache_source = #cache;
            let __perscache_cache: &#p::Cache = #p::AsCache::as_cache(__perscache_cache_source);
            let __perscache_codec = #codec;
            let #key_fn = || -> #p::Result<#p::CallKey> {
                // The `__perscache_key_path` methods the arguments choose between.
                #[allow(unused_imports)]
                use #p::{ViaScalar as _, ViaScalars as _, ViaSerde as _};
                let mut __perscache_key = #p::KeyHasher::for_site(
                    &__PERSCACHE_SITE,
                    #p::Format::name(__perscache_codec),
                );
                #(#key_parts)*
                ::core::result::Result::Ok(__perscache_key.finish_call())
            };
            let __perscache_key = #p::key_if_enabled(__perscache_cache, &__PERSCACHE_SITE, #key_fn);
            let __perscache_options = #p::Options {
                storage: #storage,
                ttl: #ttl,
                min_compute: #min_compute,
                stale_if_error: #stale_if_error,
            };
            #call
        }
    }
}

/// An `Option<Duration>` expression for a duration option.
fn duration(option: &Option<DurationOption>) -> TokenStream {
    match option.as_ref().map(|o| &o.value) {
        Some(DurationValue::Literal(d)) => {
            let (secs, nanos) = (d.as_secs(), d.subsec_nanos());
            quote!(::core::option::Option::Some(::core::time::Duration::new(#secs, #nanos)))
        }
        Some(DurationValue::Expr(expr)) => quote_spanned! {expr.span()=>
            ::core::option::Option::Some(::core::convert::Into::<::core::time::Duration>::into(#expr))
        },
        None => quote!(::core::option::Option::None),
    }
}
