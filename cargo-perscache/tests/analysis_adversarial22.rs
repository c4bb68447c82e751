//! Round 22 of the code hash judged by code the analysis was not written
//! against (rounds 1 to 21: `analysis_adversarial.rs` to
//! `analysis_adversarial21.rs`). Constructs: idioms of real crates, as
//! tokio, serde_json, syn, regex-syntax, itoa, clap, anyhow and itertools
//! write them and as their users do. Facades: glob re-exports of private
//! modules, a `#[doc(hidden)] pub mod __private` an exported macro names
//! through `$crate`, `pub(crate) use`, tokio-style `cfg_std! { pub mod io;
//! .. }` and `cfg_std! { impl Meter { .. } }`, `modules!(alpha, beta)`
//! writing `mod $m; pub use self::$m::*;`, a maplit-style exported macro
//! (`vec![$($crate::names::normalize($x)),*]`). Feature gates: `cfg_if!`
//! choosing a module by `use` (memchr), writing a function in a body and
//! methods in an impl block; rival `#[cfg(feature)]` functions with
//! `doc(cfg)`; a gated `impl Error`. Errors: thiserror `#[from]` and
//! `#[error(transparent)]` across crates, `?` into app's enum, into
//! `Box<dyn Error>` and through an anyhow-style blanket `From<E: Coded>`,
//! anyhow's `Context` printed with `{:#}`, `source()` chains, a message
//! reading `Self::QUOTA`. Visitors:
//! syn's default methods calling free functions of their name (`visit`,
//! `visit_mut`, an override calling the free function), a serde `Visitor`
//! (`visit_str`, `expecting`). A builder with `Default` and chained
//! setters; newtypes with `Deref`/`DerefMut` to a `Vec` and to a type of
//! another module. Tables: a static of fn pointers and a `match` macros
//! write, a generated table module behind a feature (regex-syntax), a
//! byte-class table built in a static's initializer. Macros writing types
//! and impls: `bitflags!` (values, order, an inherent and a `Default`
//! impl beside it), serde_json's `impl_from_integer!` and
//! `partialeq_numeric!` (also shape for shape), `impl_width!` for
//! primitives, itoa-style `impl_pretty!`, tuple impls, a macro invoking a
//! helper macro per type, getters written inside an impl block
//! (`scaled_getter!`, `channels!`), serde-style `forward_puts!` writing a
//! trait impl's methods, a trait whose default method a macro writes.
//! Iterators: an itertools-style extension trait with its adaptor in
//! another module, itertools' `sorted_by_key`, `sorted`, `chunk_by`.
//! Registries: boxed handlers a private function registers, a static
//! `&[&dyn Plugin]`, `Lazy` maps of closures and fn items,
//! `OnceCell::get_or_init`, `lazy_static!`. Trait objects handed out by
//! base (`Box<dyn Speaker>`, a `Vec<Box<dyn Greeter>>` in a closure, a
//! supertrait's default through `Box<dyn Pet>`, `Arc<dyn Tool>` in a map,
//! a field) whose default methods app calls without importing the trait.
//! `#[inline]` shims and `#[cold]` helpers, an `Arc<T>` forwarding impl,
//! extension traits for `str` (through `pub use .. as _` in a prelude and
//! auto-deref of `String`) and `Option<T>`, a sealed trait for `usize`
//! and `Range<usize>`, an enum_dispatch-style macro with the method call
//! in its input. Async: tokio's current-thread `block_on`, `tokio::join!`,
//! `tokio::select!`, `spawn_blocking(fn)`, `#[async_trait]` defaults on a
//! `Box<dyn Store>` under pollster. clap: `default_value_t` calling a
//! function and a method, `value_parser` functions and
//! `value_parser!(i64).range(..=CONST)`, `default_value_t =
//! Self::DEFAULT_RETRIES`, `#[command(flatten)]`, `ValueEnum` aliases.
//!
//! Fifteen cases, four families, were stale on the binary of round 21 (a cached run
//! confirms each: the old value is served after the edit); the other
//! sixty-five hold and stay as guards:
//! - what a `macro_rules!` transcriber writes inside a `$( .. )*`
//!   repetition: a constant (`SCALE` in `impl_from_integer!`,
//!   `$crate::number::EQ_SCALE`), a function (`group_digits`,
//!   `$crate::names::normalize` in an exported macro), an associated
//!   function by type path (`Rgb::boost`), a method (`self.bias()`,
//!   `self.put_any(..)` in serde-style forwarding methods), a helper macro
//!   (`$( impl_half!($t); )*`), and an impl header naming the type by a
//!   `$crate::` path (the whole invocation of `partialeq_numeric!`, its
//!   body too, is out of the closure);
//! - `Self::` in a `macro_rules!` body invoked inside an impl block
//!   (`scaled_getter!` in `impl Dims` reading `Self::SCALE` and calling
//!   `Self::clamp`): the constant and the associated function, in the
//!   impl's type, are not reached;
//! - a default method a `macro_rules!` invoked inside a trait writes
//!   (`trait Walk { .. default_visit!(visit_one); }`): a call of
//!   `visit_one` reaches neither the invocation nor the macro, so neither
//!   the body nor a constant it reads counts;
//! - `Self::` in the arguments of a derive's attribute on a type, which the
//!   derive expands inside an impl for that type (thiserror's
//!   `#[error("quota of {} exceeded", Self::QUOTA)]`, clap's
//!   `default_value_t = Self::DEFAULT_RETRIES`): the associated constant is
//!   not reached.
//!
//! The rules that fixed them (analysis v9): the names of a `macro_rules!`
//! body's `$( .. )*` repetitions are read like the rest of the body (they
//! were skipped whole); `Self` in a macro body resolves to the impl's type
//! where it is invoked in an impl or in one of its methods; `Self` in a
//! type's own tokens, derive attributes included, is the type, and paths
//! in attribute arguments that are no `key = value` list are read; a
//! trait's item-level invocations join its items under each name they may
//! define, so a method call of that name reaches them.
//!
//! The fixture (`tests/fixtures/adversarial22/ws`): `base` (async-trait,
//! bitflags, cfg-if, clap, lazy_static, once_cell, serde, thiserror; the
//! features `std` and `unicode` on by default, `slow-hash` and `turbo`
//! off: a library written as real crates are, one module per construct)
//! and `app` (depends on base, anyhow, async-trait, clap, itertools,
//! pollster, serde, serde_json, thiserror and tokio: the marked functions,
//! one module per family). A case is one edit and the functions whose
//! **result** it changes (`must`), judged through the real binary (`cargo
//! perscache list --json`): every `must` function must get a new code
//! hash, or a cached result is served stale. Each case is a test of its
//! own.
//!
//! Not here: controls that an unrelated edit keeps a hash (the shared
//! harness only checks that hashes change).
//!
//! The oracle is behaviour: the `#[ignore]`d
//! `every_edit_compiles_and_changes_what_it_claims` builds every edited copy
//! with the real `perscache` and runs a probe
//! (`fixtures/adversarial22/probe`, `PERSCACHE=off`) that calls every marked
//! function, and checks that each edit changes the results of exactly its
//! `must` functions:
//! `cargo test -p cargo-perscache --test analysis_adversarial22 -- --ignored --nocapture`.

#[macro_use]
mod adversarial_support;

use adversarial_support::{case, Case, Suite};

const SUITE: Suite = Suite {
    fixture: "adversarial22",
    members: &["app"],
    functions: FUNCTIONS,
    cases,
};

const FUNCTIONS: &[(&str, &str)] = &[
    ("tokio_fetch", "app::asyncs::tokio_fetch"),
    ("tokio_join", "app::asyncs::tokio_join"),
    ("spawn_blocking_fn", "app::asyncs::spawn_blocking_fn"),
    ("async_trait_default", "app::asyncs::async_trait_default"),
    ("tokio_select_method", "app::asyncs::tokio_select_method"),
    ("capped_retries", "app::builders::capped_retries"),
    ("default_client", "app::builders::default_client"),
    ("cli_defaults", "app::cli::cli_defaults"),
    ("cli_value_parser", "app::cli::cli_value_parser"),
    ("cli_alias", "app::cli::cli_alias"),
    ("cli_method_default", "app::cli::cli_method_default"),
    ("cli_range", "app::cli::cli_range"),
    ("boxed_default_method", "app::dynamic::boxed_default_method"),
    (
        "closure_param_default_method",
        "app::dynamic::closure_param_default_method",
    ),
    (
        "supertrait_default_method",
        "app::dynamic::supertrait_default_method",
    ),
    (
        "map_of_arcs_default_method",
        "app::dynamic::map_of_arcs_default_method",
    ),
    ("field_default_method", "app::dynamic::field_default_method"),
    (
        "imported_default_method",
        "app::dynamic::imported_default_method",
    ),
    ("parse_messages", "app::errors::parse_messages"),
    ("error_chain_depth", "app::errors::error_chain_depth"),
    ("anyhow_context", "app::errors::anyhow_context"),
    ("blanket_from_code", "app::errors::blanket_from_code"),
    ("boxed_dyn_error", "app::errors::boxed_dyn_error"),
    (
        "self_const_in_error_message",
        "app::errors::self_const_in_error_message",
    ),
    ("glob_facade_pair", "app::facades::glob_facade_pair"),
    ("hidden_module_macro", "app::facades::hidden_module_macro"),
    (
        "crate_reexport_render",
        "app::facades::crate_reexport_render",
    ),
    ("cfg_macro_module", "app::facades::cfg_macro_module"),
    ("cfg_macro_impl", "app::facades::cfg_macro_impl"),
    (
        "macro_declared_modules",
        "app::facades::macro_declared_modules",
    ),
    (
        "exported_macro_repetition",
        "app::facades::exported_macro_repetition",
    ),
    ("cfg_if_use_module", "app::gated::cfg_if_use_module"),
    ("cfg_if_in_body", "app::gated::cfg_if_in_body"),
    ("cfg_if_in_impl", "app::gated::cfg_if_in_impl"),
    ("gated_rivals", "app::gated::gated_rivals"),
    ("gated_error_source", "app::gated::gated_error_source"),
    ("every_other_sum", "app::iters::every_other_sum"),
    ("sorted_by_rank", "app::iters::sorted_by_rank"),
    ("sorted_versions", "app::iters::sorted_versions"),
    ("chunked_by_parity", "app::iters::chunked_by_parity"),
    ("flags_rw_bits", "app::macro_impls::flags_rw_bits"),
    ("flags_all_bits", "app::macro_impls::flags_all_bits"),
    ("flags_debug", "app::macro_impls::flags_debug"),
    ("flags_describe", "app::macro_impls::flags_describe"),
    ("flags_default", "app::macro_impls::flags_default"),
    (
        "number_from_integer",
        "app::macro_impls::number_from_integer",
    ),
    (
        "number_eq_primitive",
        "app::macro_impls::number_eq_primitive",
    ),
    ("primitive_width", "app::macro_impls::primitive_width"),
    ("tuple_size", "app::macro_impls::tuple_size"),
    ("pretty_digits", "app::macro_impls::pretty_digits"),
    ("halves", "app::macro_impls::halves"),
    ("value_eq", "app::macro_impls::value_eq"),
    ("names_joined", "app::newtypes::names_joined"),
    ("names_generation", "app::newtypes::names_generation"),
    ("guarded_mean", "app::newtypes::guarded_mean"),
    ("builtin_handler", "app::registries::builtin_handler"),
    ("plugin_ids", "app::registries::plugin_ids"),
    ("lazy_named_ops", "app::registries::lazy_named_ops"),
    ("lazy_weights", "app::registries::lazy_weights"),
    ("lazy_static_banner", "app::registries::lazy_static_banner"),
    ("opcode_table", "app::tables::opcode_table"),
    ("keyword_weights", "app::tables::keyword_weights"),
    ("word_chars", "app::tables::word_chars"),
    ("byte_classes", "app::tables::byte_classes"),
    ("cold_path", "app::traits::cold_path"),
    ("arc_forwarding", "app::traits::arc_forwarding"),
    ("str_ext_words", "app::traits::str_ext_words"),
    ("string_initials", "app::traits::string_initials"),
    ("option_ext", "app::traits::option_ext"),
    ("sealed_pick", "app::traits::sealed_pick"),
    (
        "dispatch_macro_method",
        "app::traits::dispatch_macro_method",
    ),
    (
        "macro_written_getters",
        "app::traits::macro_written_getters",
    ),
    ("rgb_channels", "app::traits::rgb_channels"),
    ("forwarded_sink", "app::traits::forwarded_sink"),
    (
        "macro_written_trait_default",
        "app::traits::macro_written_trait_default",
    ),
    ("visit_default_walk", "app::visitors::visit_default_walk"),
    ("visit_override_walk", "app::visitors::visit_override_walk"),
    ("visit_mut_walk", "app::visitors::visit_mut_walk"),
    ("serde_visitor_str", "app::visitors::serde_visitor_str"),
    (
        "serde_visitor_expecting",
        "app::visitors::serde_visitor_expecting",
    ),
];

fn cases() -> Vec<Case> {
    let mut v = Vec::new();
    v.extend(facades());
    v.extend(gated());
    v.extend(errors());
    v.extend(visitors());
    v.extend(builders());
    v.extend(newtypes());
    v.extend(tables());
    v.extend(macro_impls());
    v.extend(iters());
    v.extend(registries());
    v.extend(dynamic());
    v.extend(traits());
    v.extend(asyncs());
    v.extend(cli());
    v
}

/// Items behind facades: glob re-exports, a `#[doc(hidden)] pub mod __private` an exported macro names, modules and impls a local macro declares, an exported macro's repetition.
fn facades() -> Vec<Case> {
    vec![
        case(
            "module_const_behind_a_glob_reexport",
            "facades: `pub use self::facade::*` at the root and `pub use self::parse::*` in the facade; `parse_pair` splits on a private `SEP`",
            "base/src/facade/parse.rs",
            "const SEP: char = ',';",
            "const SEP: char = ';';",
            &["glob_facade_pair"],
        ),
        case(
            "hidden_private_module_behind_an_exported_macro",
            "facades: `base::show!(7)` expands to `$crate::__private::render($v)`, a `#[doc(hidden)] pub mod __private { pub use crate::facade::render::render_raw as render; }`; `render_pair` reaches it through `pub(crate) use`",
            "base/src/facade/render.rs",
            "format!(\"<{v}>\")",
            "format!(\"[{v}]\")",
            &["hidden_module_macro", "crate_reexport_render"],
        ),
        case(
            "module_declared_in_a_local_cfg_macro",
            "facades: tokio-style `cfg_std! { pub mod io; pub use self::io::read_all; }` (a local `macro_rules!` adding `#[cfg(feature)]` and `doc(cfg)`); `base::read_all`",
            "base/src/io.rs",
            "**b != b' '",
            "**b != b'a'",
            &["cfg_macro_module"],
        ),
        case(
            "impl_block_inside_a_local_cfg_macro",
            "facades: `cfg_std! { impl Meter { pub fn doubled(&self) .. } }`; `base::Meter(4).doubled()`",
            "base/src/lib.rs",
            "self.0 * 2",
            "self.0 * 3",
            &["cfg_macro_impl"],
        ),
        case(
            "crate_path_fn_in_an_exported_macros_repetition",
            "facades: maplit/serde_json-style `base::names!(\"Ada\", \"BOB\")` expands to `vec![$($crate::names::normalize($x)),*]`",
            "base/src/names.rs",
            "s.to_lowercase()",
            "s.to_uppercase()",
            &["exported_macro_repetition"],
        ),
        case(
            "modules_declared_and_reexported_by_a_macro",
            "facades: `modules!(alpha, beta)` writes `$( mod $m; pub use self::$m::*; )*`; `base::beta_code()`",
            "base/src/beta.rs",
            "22",
            "23",
            &["macro_declared_modules"],
        ),
    ]
}

/// Feature-gated code: `cfg_if!` choosing a module by `use`, writing items in a body and methods in an impl block; rival definitions and impls under `#[cfg(feature)]`.
fn gated() -> Vec<Case> {
    vec![
        case(
            "cfg_if_use_picks_the_module",
            "gated: memchr-style `cfg_if! { if #[cfg(feature = \"slow-hash\")] { use self::slow as imp; } else { use self::fast as imp; } }` and `imp::mix(x)`; fast's `mix` edited (also the key of an itertools `chunk_by`)",
            "base/src/hashing.rs",
            "x.wrapping_mul(31) ^ 7",
            "x.rotate_left(5) ^ 7",
            &["cfg_if_use_module", "chunked_by_parity"],
        ),
        case(
            "cfg_if_item_in_a_function_body",
            "gated: `cfg_if!` inside `chunk()`'s body writes `fn width()` in both branches; the `else` one edited",
            "base/src/gated.rs",
            "fn width() -> u32 { 64 + EXTRA }",
            "fn width() -> u32 { 32 + EXTRA }",
            &["cfg_if_in_body"],
        ),
        case(
            "cfg_if_method_in_an_impl_block",
            "gated: `impl Engine { cfg_if::cfg_if! { if #[cfg(feature = \"turbo\")] { pub fn speed(&self) .. } else { pub fn speed(&self) .. } } }`; `Engine.speed()`",
            "base/src/gated.rs",
            "pub fn speed(&self) -> u32 { 3 }",
            "pub fn speed(&self) -> u32 { 4 }",
            &["cfg_if_in_impl"],
        ),
        case(
            "feature_gated_rival_function",
            "gated: `#[cfg(feature = \"std\")] #[cfg_attr(docsrs, doc(cfg(..)))] pub fn clock()` beside a `#[cfg(not(..))]` rival",
            "base/src/gated.rs",
            "    1_000\n}",
            "    2_000\n}",
            &["gated_rivals"],
        ),
        case(
            "feature_gated_error_impl",
            "gated: `#[cfg(feature = \"std\")] impl std::error::Error for RawError { fn source .. }`, walked by `source()` from a `&dyn Error`",
            "base/src/gated.rs",
            "if self.0 > 1 {",
            "if self.0 > 5 {",
            &["gated_error_source"],
        ),
    ]
}

/// Error enums: thiserror `#[from]`/`#[error(transparent)]`, `?` into app's enum, `Box<dyn Error>` and a blanket `From`, anyhow's `Context`.
fn errors() -> Vec<Case> {
    vec![
        case(
            "transparent_variant_made_opaque",
            "errors: base's `#[error(transparent)] Overflow(#[from] OverflowError)` gets its own message: app's `#[error(\"parse failed: {0}\")] Parse(#[from] ParseError)` prints it and `source()` goes one level deeper",
            "base/src/error.rs",
            "    #[error(transparent)]\n    Overflow",
            "    #[error(\"overflow\")]\n    Overflow",
            &["parse_messages", "error_chain_depth"],
        ),
        case(
            "message_behind_a_transparent_variant",
            "errors: the `#[error(..)]` of the struct under `#[error(transparent)]`, reached by `?` and `#[from]` in app",
            "base/src/error.rs",
            "#[error(\"value {value} exceeds {limit}\")]",
            "#[error(\"{value} is over {limit}\")]",
            &["parse_messages"],
        ),
        case(
            "variant_message_under_anyhow_context",
            "errors: `parse_num(\"\").context(\"reading the port\")?` printed with `{:#}`, and `?` into `Box<dyn Error + Send + Sync>`",
            "base/src/error.rs",
            "#[error(\"empty input\")]",
            "#[error(\"no input\")]",
            &["anyhow_context", "boxed_dyn_error"],
        ),
        case(
            "trait_impl_behind_a_blanket_from",
            "errors: anyhow-style `impl<E: Coded> From<E> for CodeError` in app, run by `?`; base's `impl Coded for ParseError`",
            "base/src/error.rs",
            "ParseError::Empty => 1,",
            "ParseError::Empty => 4,",
            &["blanket_from_code"],
        ),
        case(
            "self_const_in_a_thiserror_message",
            "errors: `#[derive(thiserror::Error)] #[error(\"quota of {} exceeded\", Self::QUOTA)] pub struct QuotaError;` in base: the derive's `Display` reads an associated const through `Self`",
            "base/src/error.rs",
            "const QUOTA: u32 = 10;",
            "const QUOTA: u32 = 20;",
            &["self_const_in_error_message"],
        ),
    ]
}

/// Visitors: syn-style default methods calling free functions of their name; a serde `Visitor`.
fn visitors() -> Vec<Case> {
    vec![
        case(
            "free_function_behind_a_visit_default_method",
            "visitors: syn-style `fn visit_node(&mut self, n) { visit_node(self, n) }` in `trait Visit`, calling the free `pub fn visit_node<V: Visit + ?Sized>` that walks the children (also called by an override in app)",
            "base/src/visit.rs",
            "for c in &n.children {\n        v.visit_node(c);",
            "for c in n.children.iter().take(1) {\n        v.visit_node(c);",
            &["visit_default_walk", "visit_override_walk", "visit_mut_walk"],
        ),
        case(
            "serde_visitor_const",
            "visitors: a manual `Deserialize` calling `d.deserialize_any(LevelVisitor)`; `visit_str` maps `\"high\"` to a private const",
            "base/src/level.rs",
            "const HIGH: u8 = 5;",
            "const HIGH: u8 = 7;",
            &["serde_visitor_str"],
        ),
        case(
            "serde_visitor_expecting",
            "visitors: `Visitor::expecting` of the private visitor, in serde_json's error message",
            "base/src/level.rs",
            "f.write_str(\"a level name or number\")",
            "f.write_str(\"a level\")",
            &["serde_visitor_expecting"],
        ),
    ]
}

/// A builder with `Default` and chained setters.
fn builders() -> Vec<Case> {
    vec![
        case(
            "builder_setter_cap",
            "builders: `Client::builder().retries(9)` caps at `MAX_RETRIES`",
            "base/src/builder.rs",
            "pub const MAX_RETRIES: u32 = 5;",
            "pub const MAX_RETRIES: u32 = 6;",
            &["capped_retries"],
        ),
        case(
            "builder_default_fn_passed_by_path",
            "builders: `build()` runs `unwrap_or_else(defaults::timeout)`, a fn of a private module passed by path",
            "base/src/builder.rs",
            "        30_000",
            "        10_000",
            &["default_client"],
        ),
    ]
}

/// Newtypes dereferencing to collections and to a type of another module.
fn newtypes() -> Vec<Case> {
    vec![
        case(
            "deref_newtype_constructor_const",
            "newtypes: `Names` derefs to `Vec<String>`; `Names::default()` is `new()`, seeded with a private const; `push` and `join` are Vec's and slice's",
            "base/src/names.rs",
            "const DEFAULT_NAME: &str = \"root\";",
            "const DEFAULT_NAME: &str = \"top\";",
            &["names_joined"],
        ),
        case(
            "deref_mut_side_effect",
            "newtypes: `DerefMut::deref_mut` counts generations; `n.push(..)` runs it",
            "base/src/names.rs",
            "self.generation += 1;",
            "self.generation += 2;",
            &["names_generation"],
        ),
        case(
            "inherent_method_of_a_deref_target",
            "newtypes: `Guarded` derefs to `stats::Stats`; `g.mean()` is the target's inherent method",
            "base/src/names.rs",
            "self.values.iter().sum::<u32>() / self.values.len().max(1) as u32",
            "self.values.iter().max().copied().unwrap_or(0)",
            &["guarded_mean"],
        ),
    ]
}

/// Lookup tables: fn pointers and `match`es macros write, generated table files, constant initializers.
fn tables() -> Vec<Case> {
    vec![
        case(
            "fn_pointer_in_a_macro_written_static",
            "tables: `opcodes! { .. DBL = 2 => ops::dbl, .. }` writes `pub static OPS: &[(u8, &str, fn(u32) -> u32)]`; `run_op(2, 5)`",
            "base/src/tables.rs",
            "x * 2\n",
            "x << 2\n",
            &["opcode_table"],
        ),
        case(
            "macro_written_match_table",
            "tables: `keyword_table! { \"if\" => If, .. }` writes `fn keyword(s) -> Option<Token>`; an arm of the input edited",
            "base/src/tables.rs",
            "\"loop\" => Loop,",
            "\"loop\" => Else,",
            &["keyword_weights"],
        ),
        case(
            "generated_table_module_behind_a_feature",
            "tables: regex-syntax-style `#[cfg(feature = \"unicode\")] mod unicode_tables;` with `pub mod perl_word;`, binary-searched by `is_word_char`",
            "base/src/unicode_tables/perl_word.rs",
            "('_', '_'), ",
            "",
            &["word_chars"],
        ),
        case(
            "const_in_a_static_initializer_loop",
            "tables: `pub static CLASS: [u8; 128] = { let mut t = ..; while .. { t[i] = ALPHA; } t };`",
            "base/src/tables.rs",
            "const ALPHA: u8 = 2;",
            "const ALPHA: u8 = 3;",
            &["byte_classes"],
        ),
    ]
}

/// Types and impls macros write: `bitflags!`, `impl_*!` for primitives (inside `$( .. )*` repetitions), tuple impls, serde_json's `partialeq_numeric!`.
fn macro_impls() -> Vec<Case> {
    vec![
        case(
            "bitflags_flag_value",
            "macro_impls: `bitflags! { pub struct Perms: u8 { .. const WRITE = 0b010; .. const RW = Self::READ.bits() | Self::WRITE.bits(); } }`; `Perms::RW.bits()`, `Perms::all().bits()`",
            "base/src/flags.rs",
            "const WRITE = 0b010;",
            "const WRITE = 0b1000;",
            &["flags_rw_bits", "flags_all_bits"],
        ),
        case(
            "bitflags_flags_reordered",
            "macro_impls: the flags' order, which the generated `Debug` prints (`Perms(READ | EXEC)`)",
            "base/src/flags.rs",
            "        const READ = 0b001;\n        const WRITE = 0b010;\n        const EXEC = 0b100;",
            "        const EXEC = 0b100;\n        const READ = 0b001;\n        const WRITE = 0b010;",
            &["flags_debug"],
        ),
        case(
            "inherent_impl_of_a_bitflags_type",
            "macro_impls: `impl Perms { pub fn describe .. }` beside the `bitflags!`",
            "base/src/flags.rs",
            "s.push(if self.contains(Perms::WRITE) { 'w' } else { '-' });",
            "s.push(if self.contains(Perms::EXEC) { 'x' } else { '-' });",
            &["flags_describe"],
        ),
        case(
            "default_impl_of_a_bitflags_type",
            "macro_impls: `impl Default for Perms`",
            "base/src/flags.rs",
            "        Perms::READ\n    }",
            "        Perms::RW\n    }",
            &["flags_default"],
        ),
        case(
            "impl_from_integer_macro_body",
            "macro_impls: serde_json-style `impl_from_integer!(i8, .., u32)` writing `impl From<$ty> for Number`; `Number::from(7u16)`",
            "base/src/number.rs",
            "Number { n: i as i64 * SCALE }",
            "Number { n: (i as i64 + 1) * SCALE }",
            &["number_from_integer", "number_eq_primitive"],
        ),
        case(
            "const_of_an_impl_from_integer_body",
            "macro_impls: `SCALE`, read by the body of `impl_from_integer!`",
            "base/src/number.rs",
            "const SCALE: i64 = 1;",
            "const SCALE: i64 = 2;",
            &["number_from_integer", "number_eq_primitive"],
        ),
        case(
            "crate_path_const_in_a_partial_eq_macro",
            "macro_impls: `partialeq_numeric! { i8 .. u32 }` in `number/partial_eq.rs` writes `impl PartialEq<$ty> for $crate::number::Number` reading `$crate::number::EQ_SCALE`; `Number::from(4u8) == 4u8`",
            "base/src/number.rs",
            "pub const EQ_SCALE: i64 = 1;",
            "pub const EQ_SCALE: i64 = 2;",
            &["number_eq_primitive"],
        ),
        case(
            "primitive_impl_written_by_a_macro_invocation",
            "macro_impls: `impl_width! { u8 => 8, u16 => 16, .. }` writes `impl Width for $t { const BITS: u32 = $b; }`; `5u16.width()`",
            "base/src/width.rs",
            "u16 => 16,",
            "u16 => 24,",
            &["primitive_width"],
        ),
        case(
            "const_of_macro_written_tuple_impls",
            "macro_impls: `tuple_impls!(A B)` writes `impl<A: Part, B: Part> Part for (A, B)` summing with `TUPLE_COST`",
            "base/src/width.rs",
            "const TUPLE_COST: u32 = 1;",
            "const TUPLE_COST: u32 = 0;",
            &["tuple_size"],
        ),
        case(
            "body_of_impls_a_repetition_writes_for_a_crate_path_type",
            "macro_impls: the body of `partialeq_numeric!`, whose `impl PartialEq<$ty> for $crate::number::Number` is inside `$( .. )*`",
            "base/src/number/partial_eq.rs",
            "self.get() == (*other as i64) * $crate",
            "self.get() == (*other as i64 + 1) * $crate",
            &["number_eq_primitive"],
        ),
        case(
            "function_called_inside_a_macro_repetition",
            "macro_impls: itoa-style `impl_pretty! { u16 u32 u64 }` writes `$( impl Pretty for $t { fn pretty(&self) .. { group_digits(*self as u64) } } )*`; `1234567u32.pretty()`",
            "base/src/width.rs",
            "out.push('_');",
            "out.push(',');",
            &["pretty_digits"],
        ),
        case(
            "helper_macro_invoked_inside_a_repetition",
            "macro_impls: `impl_halves! { u8 u16 u32 }` is `$( impl_half!($t); )*`; `impl_half!`'s body edited",
            "base/src/width.rs",
            "(*self as u32) / 2",
            "(*self as u32) / 3",
            &["halves"],
        ),
        case(
            "serde_json_partialeq_numeric_eq_fn",
            "macro_impls: serde_json's `partialeq_numeric! { eq_i64[i8 .. u32] eq_bool[bool] }` (`$($( impl PartialEq<$ty> for Value { .. $eq(self, *other as _) } .. )*)*`); `eq_i64` learns `Null == 0`",
            "base/src/value.rs",
            "matches!(value, Value::Number(n) if *n == other)",
            "match value { Value::Number(n) => *n == other, Value::Null => other == 0, _ => false }",
            &["value_eq"],
        ),
    ]
}

/// Iterator adaptors: an extension trait with adaptors in another module, itertools' `sorted_by_key`, `sorted`.
fn iters() -> Vec<Case> {
    vec![
        case(
            "adaptor_constructor_in_another_module",
            "iters: itertools-style `trait IterExt: Iterator { fn every_other(self) .. { adaptors::every_other(self) } }` with `impl<I: Iterator> IterExt for I {}`, in scope through a prelude glob; the adaptor's constructor in `iter/adaptors.rs`",
            "base/src/iter/adaptors.rs",
            "EveryOther { iter, take: true }",
            "EveryOther { iter, take: false }",
            &["every_other_sum"],
        ),
        case(
            "key_fn_under_itertools_sorted_by_key",
            "iters: `.sorted_by_key(|x| rank(**x)).join(\"-\")`",
            "base/src/iter.rs",
            "x % 5",
            "x % 3",
            &["sorted_by_rank"],
        ),
        case(
            "ord_impl_under_itertools_sorted",
            "iters: `.sorted()` of base's `Version`, whose `Ord` is manual",
            "base/src/iter.rs",
            "self.major.cmp(&o.major).then(self.minor.cmp(&o.minor))",
            "self.minor.cmp(&o.minor).then(self.major.cmp(&o.major))",
            &["sorted_versions"],
        ),
    ]
}

/// Registries of trait objects and lazily built maps.
fn registries() -> Vec<Case> {
    vec![
        case(
            "handler_registered_by_a_private_function",
            "registries: `Registry::with_builtins()` calls `builtins::register`, which adds private `Upper` and `Trim` as `Box<dyn Handler>`",
            "base/src/registry.rs",
            "s.trim().to_owned()",
            "s.trim_start().to_owned()",
            &["builtin_handler"],
        ),
        case(
            "static_table_of_trait_object_references",
            "registries: `pub static PLUGINS: &[&dyn Plugin] = &[&Alpha, &Beta];`",
            "base/src/registry.rs",
            "        20\n",
            "        30\n",
            &["plugin_ids"],
        ),
        case(
            "closure_in_a_lazy_map",
            "registries: `static NAMED: Lazy<HashMap<&str, fn(u32) -> u32>>` whose initializer inserts a closure",
            "base/src/lazy.rs",
            "|x| x / 2",
            "|x| x / 4",
            &["lazy_named_ops"],
        ),
        case(
            "function_called_by_a_lazy_initializer",
            "registries: `Lazy::new(|| .. v * factor() ..)`",
            "base/src/lazy.rs",
            "fn factor() -> u32 {\n    10",
            "fn factor() -> u32 {\n    20",
            &["lazy_weights"],
        ),
        case(
            "once_cell_get_or_init_fn",
            "registries: `SEED_CELL.get_or_init(compute_seed)`",
            "base/src/lazy.rs",
            "    41\n",
            "    42\n",
            &["lazy_weights"],
        ),
        case(
            "lazy_static_initializer",
            "registries: `lazy_static! { pub static ref BANNER: String = make_banner(); }`",
            "base/src/lazy.rs",
            "format!(\"v{}\", 3)",
            "format!(\"v{}\", 4)",
            &["lazy_static_banner"],
        ),
    ]
}

/// Trait objects handed to callers, whose traits' default methods the callers call without importing the traits.
fn dynamic() -> Vec<Case> {
    vec![
        case(
            "default_method_of_a_returned_trait_object",
            "dynamic: `base::dynamic::default_speaker().speak()`: a `Box<dyn Speaker>` returned by base, whose default method `speak` app calls without importing `Speaker` (trait objects' methods need no import); also through a field `Box<dyn crate::dynamic::Speaker>`",
            "base/src/dynamic.rs",
            "format!(\"{} says {}\", self.name(), GREETING)",
            "format!(\"{} barks {}\", self.name(), GREETING)",
            &["boxed_default_method", "field_default_method", "imported_default_method"],
        ),
        case(
            "default_method_through_a_closure_parameter",
            "dynamic: `greeters().iter().map(|g| g.greet())` on a `Vec<Box<dyn Greeter>>`, `Greeter` not imported",
            "base/src/dynamic.rs",
            "format!(\"hello #{}\", self.who())",
            "format!(\"hey #{}\", self.who())",
            &["closure_param_default_method"],
        ),
        case(
            "supertrait_default_method_through_a_trait_object",
            "dynamic: `pet().title()` on a `Box<dyn Pet>` where `trait Pet: Named` and `title` is `Named`'s default",
            "base/src/dynamic.rs",
            "format!(\"Dr. {}\", self.name())",
            "format!(\"Prof. {}\", self.name())",
            &["supertrait_default_method"],
        ),
        case(
            "default_method_of_an_arc_in_a_map",
            "dynamic: `toolbox().get(\"h\").map(|t| t.describe())` on a `HashMap<&str, Arc<dyn Tool>>`",
            "base/src/dynamic.rs",
            "format!(\"[{}]\", self.label())",
            "format!(\"<{}>\", self.label())",
            &["map_of_arcs_default_method"],
        ),
    ]
}

/// Shims, forwarding impls, extension and sealed traits, methods macros call or write (in repetitions, through `Self::`, inside a trait).
fn traits() -> Vec<Case> {
    vec![
        case(
            "cold_helper_of_an_inline_method",
            "traits: `#[inline] fn get` falls back to `#[cold] #[inline(never)] fn out_of_range`, reading `OOB_BASE`",
            "base/src/shims.rs",
            "const OOB_BASE: u8 = 200;",
            "const OOB_BASE: u8 = 100;",
            &["cold_path"],
        ),
        case(
            "arc_forwarding_impl",
            "traits: `impl<T: ?Sized + Scorer> Scorer for Arc<T>` adds `ARC_BONUS`; `total(&Vec<Arc<dyn Scorer>>)` with app's `Rank`",
            "base/src/forward.rs",
            "const ARC_BONUS: u32 = 100;",
            "const ARC_BONUS: u32 = 10;",
            &["arc_forwarding"],
        ),
        case(
            "extension_trait_for_str_through_a_prelude",
            "traits: `impl StrExt for str` in scope through `use base::prelude::*` (`pub use crate::ext::{.., StrExt as _}`)",
            "base/src/ext.rs",
            "self.split_whitespace().count()",
            "self.split(' ').count()",
            &["str_ext_words"],
        ),
        case(
            "extension_trait_through_deref_of_string",
            "traits: `String::from(..).initials()`, found on `str` by auto-deref",
            "base/src/ext.rs",
            ".filter_map(|w| w.chars().next())",
            ".filter_map(|w| w.chars().last())",
            &["string_initials"],
        ),
        case(
            "extension_trait_for_option",
            "traits: `impl<T: Copy + PartialOrd> OptionExt<T> for Option<T>`",
            "base/src/ext.rs",
            "Some(v) if v > d => v,",
            "Some(v) => v,",
            &["option_ext"],
        ),
        case(
            "sealed_trait_impl_for_a_std_type",
            "traits: `trait Pick: private::Sealed` implemented for `usize` and `Range<usize>`; `Row::at<I: Pick>`",
            "base/src/sealed.rs",
            "v[self].iter().sum()",
            "v[self].iter().product()",
            &["sealed_pick"],
        ),
        case(
            "method_call_in_a_dispatch_macro_input",
            "traits: enum_dispatch-style `dispatch!(self, s => s.area())` in `Shape::size`: `area` is an inherent method of each variant's type, called only inside the macro's `$e:expr` input",
            "base/src/shapes.rs",
            "self.s * self.s",
            "self.s * self.s + 1",
            &["dispatch_macro_method"],
        ),
        case(
            "getter_written_by_a_macro_in_an_impl_block",
            "traits: `impl Dims { const SCALE: u32 = 10; scaled_getter!(width, w); .. }`: the method `width` is written by a local macro in the impl block",
            "base/src/macros.rs",
            "self.$field * Self::SCALE",
            "self.$field * Self::SCALE + 1",
            &["macro_written_getters"],
        ),
        case(
            "assoc_const_read_by_a_macro_written_method",
            "traits: `Dims::SCALE`, read as `Self::SCALE` by the macro-written getters",
            "base/src/shapes.rs",
            "const SCALE: u32 = 10;",
            "const SCALE: u32 = 100;",
            &["macro_written_getters"],
        ),
        case(
            "assoc_fn_by_type_path_inside_a_repetition",
            "traits: `channels!(r, g, b)` writes `impl Rgb { $( pub fn $name(&self) -> u32 { Rgb::boost(self.$name) + self.bias() } )* }`; `Rgb::boost` edited",
            "base/src/shapes.rs",
            "u32::from(v) * 2",
            "u32::from(v) * 3",
            &["rgb_channels"],
        ),
        case(
            "method_called_inside_a_macro_repetition",
            "traits: the same getters' `self.bias()`, an inherent method called only inside the repetition",
            "base/src/shapes.rs",
            "    fn bias(&self) -> u32 {\n        0",
            "    fn bias(&self) -> u32 {\n        1",
            &["rgb_channels"],
        ),
        case(
            "forwarded_methods_written_in_a_repetition",
            "traits: serde-style `impl Sink for Counter { forward_puts!(put_u8: u8, put_u16: u16); }` writes `$( fn $m(&mut self, v: $t) -> u32 { self.put_any(u64::from(v)) } )*`; `Counter::put_any` edited",
            "base/src/sink.rs",
            "v as u32 + 1",
            "v as u32 + 2",
            &["forwarded_sink"],
        ),
        case(
            "assoc_fn_named_through_self_in_a_macro_body",
            "traits: `scaled_getter!` (invoked in `impl Dims`) writes `Self::clamp(self.$field * Self::SCALE)`; `Dims::clamp`, in another impl block, edited",
            "base/src/shapes.rs",
            "v.min(1000)",
            "v.min(25)",
            &["macro_written_getters"],
        ),
        case(
            "default_method_written_by_a_macro_in_a_trait",
            "traits: `trait Walk { fn record(..); default_visit!(visit_one); }`: the default method `visit_one` is written by a macro invoked inside the trait; its body edited",
            "base/src/sink.rs",
            "self.record(v) * WALK_SCALE",
            "self.record(v) * WALK_SCALE + 1",
            &["macro_written_trait_default"],
        ),
        case(
            "const_read_by_a_macro_written_trait_default",
            "traits: `WALK_SCALE`, read by the default method `default_visit!` writes inside `trait Walk`",
            "base/src/sink.rs",
            "const WALK_SCALE: u32 = 3;",
            "const WALK_SCALE: u32 = 4;",
            &["macro_written_trait_default"],
        ),
    ]
}

/// Async code under tokio's current-thread runtime and pollster; `#[async_trait]`; `tokio::select!`.
fn asyncs() -> Vec<Case> {
    vec![
        case(
            "async_fn_const_under_tokio_block_on",
            "asyncs: a current-thread tokio runtime's `block_on(async { fetch(2).await + .. })`; `fetch` reads `FACTOR`",
            "base/src/asyncs.rs",
            "const FACTOR: u32 = 3;",
            "const FACTOR: u32 = 4;",
            &["tokio_fetch", "tokio_join"],
        ),
        case(
            "async_fn_under_tokio_join",
            "asyncs: `tokio::join!(fetch(4), fetch_name(9))`",
            "base/src/asyncs.rs",
            "format!(\"item-{id}\")",
            "format!(\"it-{id}\")",
            &["tokio_join"],
        ),
        case(
            "fn_item_passed_to_spawn_blocking",
            "asyncs: `tokio::task::spawn_blocking(base::asyncs::crunch)`",
            "base/src/asyncs.rs",
            "(1..=10).sum()",
            "(1..=11).sum()",
            &["spawn_blocking_fn"],
        ),
        case(
            "async_trait_default_method",
            "asyncs: `#[async_trait] trait Store { async fn get_or(..) { .. } }` (a default), called on a `Box<dyn Store>` under `pollster::block_on`",
            "base/src/asyncs.rs",
            "            d\n        } else {",
            "            d * 2\n        } else {",
            &["async_trait_default"],
        ),
        case(
            "inherent_async_method_in_tokio_select",
            "asyncs: `tokio::select! { v = feed.next_item() => v, }`: `next_item` is an inherent `async fn` of base's `Feed`",
            "base/src/asyncs.rs",
            "self.base + 5",
            "self.base + 6",
            &["tokio_select_method"],
        ),
    ]
}

/// A clap CLI whose attributes name base's defaults and parsers.
fn cli() -> Vec<Case> {
    vec![
        case(
            "clap_default_value_t_function",
            "cli: `#[arg(long, default_value_t = base::cli::default_jobs())]`",
            "base/src/cli.rs",
            "pub fn default_jobs() -> u32 {\n    4",
            "pub fn default_jobs() -> u32 {\n    8",
            &["cli_defaults"],
        ),
        case(
            "clap_value_parser_function",
            "cli: `#[arg(long, value_parser = parse_level, default_value = \"mid\")]`; `parse_level` calls base's `level_of`",
            "base/src/cli.rs",
            "\"high\" => Some(9),",
            "\"high\" => Some(8),",
            &["cli_value_parser"],
        ),
        case(
            "clap_method_call_in_default_value_t",
            "cli: `#[arg(long, default_value_t = base::cli::presets().threads())]`: `threads` is an inherent method called only inside the attribute",
            "base/src/cli.rs",
            "self.cores / 2",
            "self.cores / 4",
            &["cli_method_default"],
        ),
        case(
            "clap_range_const_in_value_parser",
            "cli: `value_parser = clap::value_parser!(i64).range(1..=base::cli::MAX_PORT)`",
            "base/src/cli.rs",
            "pub const MAX_PORT: i64 = 1000;",
            "pub const MAX_PORT: i64 = 500;",
            &["cli_range"],
        ),
        case(
            "clap_value_enum_alias",
            "cli: `#[derive(ValueEnum)] enum Mode { .. #[value(alias = \"careful\")] Slow }` in app",
            "app/src/cli.rs",
            "#[value(alias = \"careful\")]",
            "#[value(alias = \"safe\")]",
            &["cli_alias"],
        ),
        case(
            "self_const_in_a_clap_default_value_t",
            "cli: `#[arg(long, default_value_t = Self::DEFAULT_RETRIES)]` on a field of `Cli`, whose `impl Cli` holds the const (the derive writes it inside `impl Args for Cli`)",
            "app/src/cli.rs",
            "const DEFAULT_RETRIES: u32 = 2;",
            "const DEFAULT_RETRIES: u32 = 3;",
            &["cli_defaults"],
        ),
    ]
}

case_tests!(
    module_const_behind_a_glob_reexport,
    hidden_private_module_behind_an_exported_macro,
    module_declared_in_a_local_cfg_macro,
    impl_block_inside_a_local_cfg_macro,
    crate_path_fn_in_an_exported_macros_repetition,
    modules_declared_and_reexported_by_a_macro,
    cfg_if_use_picks_the_module,
    cfg_if_item_in_a_function_body,
    cfg_if_method_in_an_impl_block,
    feature_gated_rival_function,
    feature_gated_error_impl,
    transparent_variant_made_opaque,
    message_behind_a_transparent_variant,
    variant_message_under_anyhow_context,
    trait_impl_behind_a_blanket_from,
    self_const_in_a_thiserror_message,
    free_function_behind_a_visit_default_method,
    serde_visitor_const,
    serde_visitor_expecting,
    builder_setter_cap,
    builder_default_fn_passed_by_path,
    deref_newtype_constructor_const,
    deref_mut_side_effect,
    inherent_method_of_a_deref_target,
    fn_pointer_in_a_macro_written_static,
    macro_written_match_table,
    generated_table_module_behind_a_feature,
    const_in_a_static_initializer_loop,
    bitflags_flag_value,
    bitflags_flags_reordered,
    inherent_impl_of_a_bitflags_type,
    default_impl_of_a_bitflags_type,
    impl_from_integer_macro_body,
    const_of_an_impl_from_integer_body,
    crate_path_const_in_a_partial_eq_macro,
    primitive_impl_written_by_a_macro_invocation,
    const_of_macro_written_tuple_impls,
    body_of_impls_a_repetition_writes_for_a_crate_path_type,
    function_called_inside_a_macro_repetition,
    helper_macro_invoked_inside_a_repetition,
    serde_json_partialeq_numeric_eq_fn,
    adaptor_constructor_in_another_module,
    key_fn_under_itertools_sorted_by_key,
    ord_impl_under_itertools_sorted,
    handler_registered_by_a_private_function,
    static_table_of_trait_object_references,
    closure_in_a_lazy_map,
    function_called_by_a_lazy_initializer,
    once_cell_get_or_init_fn,
    lazy_static_initializer,
    default_method_of_a_returned_trait_object,
    default_method_through_a_closure_parameter,
    supertrait_default_method_through_a_trait_object,
    default_method_of_an_arc_in_a_map,
    cold_helper_of_an_inline_method,
    arc_forwarding_impl,
    extension_trait_for_str_through_a_prelude,
    extension_trait_through_deref_of_string,
    extension_trait_for_option,
    sealed_trait_impl_for_a_std_type,
    method_call_in_a_dispatch_macro_input,
    getter_written_by_a_macro_in_an_impl_block,
    assoc_const_read_by_a_macro_written_method,
    assoc_fn_by_type_path_inside_a_repetition,
    method_called_inside_a_macro_repetition,
    forwarded_methods_written_in_a_repetition,
    assoc_fn_named_through_self_in_a_macro_body,
    default_method_written_by_a_macro_in_a_trait,
    const_read_by_a_macro_written_trait_default,
    async_fn_const_under_tokio_block_on,
    async_fn_under_tokio_join,
    fn_item_passed_to_spawn_blocking,
    async_trait_default_method,
    inherent_async_method_in_tokio_select,
    clap_default_value_t_function,
    clap_value_parser_function,
    clap_method_call_in_default_value_t,
    clap_range_const_in_value_parser,
    clap_value_enum_alias,
    self_const_in_a_clap_default_value_t,
);
