//! Checks a marked function against what the cache can support, and gathers
//! what expansion needs. Every problem is reported on its own token, with
//! what to do about it; all problems are reported at once.

use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{FnArg, GenericParam, Ident, ItemFn, Pat, PathArguments, ReturnType, Type};

use crate::attr::Options;

/// What is stored of the return value.
pub enum Policy {
    /// The whole value.
    Always,
    /// `Result`: the `Ok` value only.
    OkOnly,
    /// `Option` with `cache_none = false`: `Some` values only.
    SomeOnly,
}

/// One argument that enters the key.
pub struct KeyArg {
    pub ident: Ident,
    /// An `impl Trait` argument: its concrete type enters the key too.
    pub impl_trait: bool,
}

/// A marked function that passed every check.
pub struct Checked {
    /// Where `self` is, for errors about the instance key.
    pub receiver: Option<proc_macro2::Span>,
    pub per_instance: bool,
    pub key_args: Vec<KeyArg>,
    pub type_params: Vec<Ident>,
    pub const_params: Vec<Ident>,
    pub policy: Policy,
    pub ret: Type,
}

#[derive(Default)]
struct Errors(Option<syn::Error>);

impl Errors {
    fn push(&mut self, span: impl ToTokens, msg: impl std::fmt::Display) {
        let e = syn::Error::new_spanned(span, msg);
        match &mut self.0 {
            Some(all) => all.combine(e),
            None => self.0 = Some(e),
        }
    }
}

pub fn check(options: &Options, item: &ItemFn) -> syn::Result<Checked> {
    let mut errors = Errors::default();
    let sig = &item.sig;

    if let Some(c) = &sig.constness {
        errors.push(c, "a `const fn` cannot be cached: it runs at compile time; remove `const` or `#[persist]`");
    }
    if let Some(v) = &sig.variadic {
        errors.push(v, "variadic functions cannot be cached");
    }

    let ret = match &sig.output {
        ReturnType::Default => {
            errors.push(
                &sig.ident,
                "a function without a return value has nothing to cache; return the value to keep",
            );
            syn::parse_quote!(())
        }
        ReturnType::Type(_, ty) => {
            check_return(ty, &mut errors);
            (**ty).clone()
        }
    };

    let mut receiver = None;
    let mut key_args = Vec::new();
    let mut names = Vec::new();
    for arg in &sig.inputs {
        match arg {
            FnArg::Receiver(r) => {
                receiver = Some(r.span());
                if r.colon_token.is_some() {
                    errors.push(
                        r,
                        "a cached method takes `&self` or `self`; typed receivers such as `self: Arc<Self>` are not supported",
                    );
                } else if r.mutability.is_some() && r.reference.is_some() {
                    errors.push(
                        r,
                        "a cached method cannot take `&mut self`: a cached call would skip the function's changes to `self`; take `&self` (with interior mutability for counters)",
                    );
                }
            }
            FnArg::Typed(pt) => {
                let Pat::Ident(pi) = &*pt.pat else {
                    errors.push(
                        &pt.pat,
                        "bind this argument to a plain name (`arg: Type`) and destructure it in the body: the key names each argument",
                    );
                    continue;
                };
                if let Some(sub) = &pi.subpat {
                    errors.push(
                        &sub.1,
                        "bind this argument to a plain name: the key names each argument",
                    );
                }
                names.push(pi.ident.clone());
                let ignored = options.ignore.contains(&pi.ident);
                if ignored {
                    continue;
                }
                if let Type::Reference(r) = &*pt.ty {
                    if r.mutability.is_some() {
                        errors.push(
                            &pt.ty,
                            format!(
                                "a `&mut` argument may be changed by the function, and a cached call would skip that change; if its changes don't matter, leave it out of the key with `#[persist(ignore = [{}])]`",
                                pi.ident
                            ),
                        );
                        continue;
                    }
                }
                key_args.push(KeyArg {
                    ident: pi.ident.clone(),
                    impl_trait: contains_impl_trait(&pt.ty),
                });
            }
        }
    }

    for ignored in &options.ignore {
        if !names.contains(ignored) {
            errors.push(
                ignored,
                format!(
                    "`ignore` names `{ignored}`, but the function has no argument of that name"
                ),
            );
        }
    }

    let has_receiver = receiver.is_some();
    if !has_receiver {
        if let Some(p) = &options.per_instance {
            errors.push(p, "`per_instance` applies to methods that take `self`");
        }
        if let Some(k) = &options.instance_key {
            errors.push(k, "`instance_key` applies to methods that take `self`");
        }
    } else if !options.per_instance() {
        if let Some(k) = &options.instance_key {
            errors.push(
                k,
                "`instance_key` has no effect with `per_instance = false`; remove one of them",
            );
        }
    }

    let is_option = last_segment_is(&ret, "Option");
    let policy = if last_segment_is(&ret, "Result") {
        Policy::OkOnly
    } else if is_option && !options.cache_none() {
        Policy::SomeOnly
    } else {
        Policy::Always
    };
    if let Some(c) = &options.cache_none {
        if !is_option {
            errors.push(c, "`cache_none` applies to functions that return `Option`");
        }
    }
    if let (Some(s), false) = (&options.stale_if_error, matches!(policy, Policy::OkOnly)) {
        errors.push(
            &s.name,
            "`stale_if_error` applies to functions that return `Result`: an `Err` is what an expired result may stand in for",
        );
    }

    let mut type_params = Vec::new();
    let mut const_params = Vec::new();
    for param in &sig.generics.params {
        match param {
            GenericParam::Type(t) => type_params.push(t.ident.clone()),
            GenericParam::Const(c) => const_params.push(c.ident.clone()),
            GenericParam::Lifetime(_) => {}
        }
    }

    match errors.0 {
        Some(e) => Err(e),
        None => Ok(Checked {
            receiver,
            per_instance: has_receiver && options.per_instance(),
            key_args,
            type_params,
            const_params,
            policy,
            ret,
        }),
    }
}

fn check_return(ty: &Type, errors: &mut Errors) {
    match ty {
        Type::Reference(r) => errors.push(
            r,
            "a cached function must return owned data, since results are read back from storage; return e.g. `String` or `Vec<T>` instead of a reference",
        ),
        Type::ImplTrait(t) => errors.push(
            t,
            "a cached function must return a concrete type that can be stored; `impl Trait` hides it",
        ),
        _ => {}
    }
}

fn last_segment_is(ty: &Type, name: &str) -> bool {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last().is_some_and(|s| {
            s.ident == name && matches!(s.arguments, PathArguments::AngleBracketed(_))
        }),
        Type::Paren(p) => last_segment_is(&p.elem, name),
        Type::Group(g) => last_segment_is(&g.elem, name),
        _ => false,
    }
}

fn contains_impl_trait(ty: &Type) -> bool {
    struct Finder(bool);
    impl<'ast> syn::visit::Visit<'ast> for Finder {
        fn visit_type_impl_trait(&mut self, _: &'ast syn::TypeImplTrait) {
            self.0 = true;
        }
    }
    let mut f = Finder(false);
    syn::visit::visit_type(&mut f, ty);
    f.0
}

/// Spans used by expansion for errors raised by the compiler later (a type
/// that is not `Serialize`, a format that cannot hold the return type).
pub fn arg_type_span(item: &ItemFn, ident: &Ident) -> proc_macro2::Span {
    item.sig
        .inputs
        .iter()
        .find_map(|a| match a {
            FnArg::Typed(pt) => match &*pt.pat {
                Pat::Ident(pi) if pi.ident == *ident => Some(pt.ty.span()),
                _ => None,
            },
            FnArg::Receiver(_) => None,
        })
        .unwrap_or_else(|| ident.span())
}
