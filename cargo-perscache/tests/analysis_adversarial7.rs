//! Round 7 of the code hash judged by code the analysis was not written
//! against (rounds 1 to 6: `analysis_adversarial.rs` to
//! `analysis_adversarial6.rs`), aimed at names resolved in the wrong
//! namespace or file and at code that runs though no reached code names it:
//! a glob-imported function beside a local item of its name in another
//! namespace (a braced struct, a `macro_rules!`, a module, a type parameter,
//! a braced struct of the function's body), and `use m::helper::{self};`,
//! which imports the module `helper` only; the `Clone` and `PartialEq` impls
//! a `T: Copy` or `T: Eq` generic function runs for the type a dependent
//! crate gives it; symbols of an `extern` block defined by `#[cfg_attr(all(),
//! no_mangle)]`, by a `#[no_mangle]` static or by a macro writing
//! `#[no_mangle]`; a workspace derive whose output calls an inherent method
//! of the deriving type; an inherent impl a macro writes for a type alias;
//! `mod leaf2;` in an `include!`d file, which is next to that file; `mod
//! r#match;`, which is `match.rs`.
//!
//! The fixture (`tests/fixtures/adversarial7/ws`) has four crates: `base`
//! (the functions `app` imports by glob, a macro writing an inherent impl of
//! the type it is given, marked functions calling `extern` symbols), `pm` (a
//! proc-macro derive), `app` (depends on base and pm: the other marked
//! functions, one module per family, and the `#[no_mangle]` definitions of
//! base's `extern` symbols) and `down` (depends on app: the types given to
//! app's generic marked functions). A case is one or more edits and the
//! functions whose **result** they change (`must`), judged through the real
//! binary (`cargo perscache list --json`): every `must` function must get a
//! new code hash, or a cached result is served stale. Each case is a test of
//! its own.
//!
//! The oracle is behaviour: the `#[ignore]`d
//! `every_edit_compiles_and_changes_what_it_claims` builds every edited copy
//! with the real `perscache` and runs a probe
//! (`fixtures/adversarial7/probe`, `PERSCACHE=off`) that calls every marked
//! function, and checks that each edit changes the results of exactly its
//! `must` functions:
//! `cargo test -p cargo-perscache --test analysis_adversarial7 -- --ignored --nocapture`.

#[macro_use]
mod adversarial_support;

use adversarial_support::{case, Case, Suite};

/// The fixture, its marked functions and its cases.
const SUITE: Suite = Suite {
    fixture: "adversarial7",
    members: &["base", "app"],
    functions: FUNCTIONS,
    cases,
};

// ---------------------------------------------------------------------------
// The marked functions.
// ---------------------------------------------------------------------------

/// Every marked function of the fixture: the id the cases and the probe use,
/// and the name `list` gives it.
const FUNCTIONS: &[(&str, &str)] = &[
    ("ns_braced_struct", "app::ns::ns_braced_struct"),
    ("ns_self_import", "app::ns::ns_self_import"),
    ("ns_local_macro", "app::ns::ns_local_macro"),
    ("ns_local_module", "app::ns::ns_local_module"),
    ("ns_type_param", "app::ns::ns_type_param"),
    ("ns_block_struct", "app::ns::ns_block_struct"),
    ("copy_bound_clones", "app::bounds::copy_bound_clones"),
    ("eq_bound_compares", "app::bounds::eq_bound_compares"),
    ("via_cfg_attr", "base::ext::via_cfg_attr"),
    ("via_static", "base::ext::via_static"),
    ("via_macro", "base::ext::via_macro"),
    (
        "derive_calls_inherent",
        "app::derive::derive_calls_inherent",
    ),
    ("macro_impl_on_alias", "app::alias::macro_impl_on_alias"),
    ("included_plain_mod", "app::included::included_plain_mod"),
    ("raw_module_file", "app::raw::raw_module_file"),
];

// ---------------------------------------------------------------------------
// The cases.
// ---------------------------------------------------------------------------

/// Every case. Files are relative to the fixture's root.
fn cases() -> Vec<Case> {
    let mut v = namespaces();
    v.extend(marker_bounds());
    v.extend(extern_symbols());
    v.extend(derive_output());
    v.extend(macro_impls());
    v.extend(module_files());
    v
}

/// A glob-imported function is hidden by a local item of the value namespace
/// only: each module of app/src/ns.rs globs `base::*` and calls base's
/// function beside a local item of its name that is no value.
fn namespaces() -> Vec<Case> {
    vec![
        case(
            "glob_fn_beside_a_braced_struct_of_its_name",
            "names: `total()` under `use base::*;` is base's `fn total` though the module declares `struct total { x: u8 }`: a braced struct is a type, not a value",
            "base/src/lib.rs",
            "pub fn total() -> u64 {
    11
",
            "pub fn total() -> u64 {
    12
",
            &["ns_braced_struct"],
        ),
        case(
            "use_self_in_braces_imports_the_module_only",
            "names: `use super::tools::helper::{self};` imports the module `tools::helper`, not the function `tools::helper` beside it, so `helper()` is base's, from `use base::*;`",
            "base/src/lib.rs",
            "pub fn helper() -> u64 {
    21
",
            "pub fn helper() -> u64 {
    22
",
            &["ns_self_import"],
        ),
        case(
            "glob_fn_beside_a_local_macro_of_its_name",
            "names: `named()` under `use base::*;` is base's `fn named` though the module declares `macro_rules! named`: a macro is no value",
            "base/src/lib.rs",
            "pub fn named() -> u64 {
    41
",
            "pub fn named() -> u64 {
    42
",
            &["ns_local_macro"],
        ),
        case(
            "glob_fn_beside_a_local_module_of_its_name",
            "names: `other()` under `use base::*;` is base's `fn other` though the module declares `mod other {}`: a module is no value",
            "base/src/lib.rs",
            "pub fn other() -> u64 {
    51
",
            "pub fn other() -> u64 {
    52
",
            &["ns_local_module"],
        ),
        case(
            "glob_fn_named_like_a_type_parameter",
            "names: `generic_named()` in `fn get<generic_named>()` under `use base::*;` is base's `fn generic_named`: a type parameter is no value",
            "base/src/lib.rs",
            "pub fn generic_named() -> u64 {
    61
",
            "pub fn generic_named() -> u64 {
    62
",
            &["ns_type_param"],
        ),
        case(
            "glob_fn_beside_a_braced_struct_of_the_body",
            "names: `block_named()` under `use base::*;` is base's `fn block_named` though the function's body declares `struct block_named { x: u8 }`",
            "base/src/lib.rs",
            "pub fn block_named() -> u64 {
    71
",
            "pub fn block_named() -> u64 {
    72
",
            &["ns_block_struct"],
        ),
    ]
}

/// `T: Copy` and `T: Eq` have supertraits whose impls run code: the caller's
/// type's, here of `down`, which depends on app.
fn marker_bounds() -> Vec<Case> {
    vec![
        case(
            "copy_bound_runs_the_callers_clone_impl",
            "types: `x.clone()` in `fn copy_bound_clones<T: Copy + Serialize>(x: T)` runs `impl Clone for D` of down, which instantiates it with `D`",
            "down/src/lib.rs",
            "D(self.0 + 1)",
            "D(self.0 + 2)",
            &["copy_bound_clones"],
        ),
        case(
            "eq_bound_runs_the_callers_partial_eq_impl",
            "types: `a == b` in `fn eq_bound_compares<T: Eq + Serialize>(a: T, b: T)` runs `impl PartialEq for E` of down, which instantiates it with `E`",
            "down/src/lib.rs",
            "self.0 % 10 == other.0 % 10",
            "self.0 == other.0",
            &["eq_bound_compares"],
        ),
    ]
}

/// A symbol of an `extern` block is defined wherever a crate of the build
/// exports it, written in whichever way.
fn extern_symbols() -> Vec<Case> {
    vec![
        case(
            "extern_fn_defined_by_a_cfg_attr_no_mangle_fn",
            "names: `extern \"C\" { fn hook_a() -> u64; }` in base is app's `#[cfg_attr(all(), no_mangle)] pub extern \"C\" fn hook_a`",
            "app/src/syms.rs",
            "pub extern \"C\" fn hook_a() -> u64 {
    1
",
            "pub extern \"C\" fn hook_a() -> u64 {
    11
",
            &["via_cfg_attr"],
        ),
        case(
            "extern_static_defined_by_a_no_mangle_static",
            "names: `extern \"C\" { static HOOK_B: u64; }` in base is app's `#[no_mangle] pub static HOOK_B: u64`",
            "app/src/syms.rs",
            "HOOK_B: u64 = 2;",
            "HOOK_B: u64 = 12;",
            &["via_static"],
        ),
        case(
            "extern_fn_defined_by_a_macro_written_no_mangle_fn",
            "names: `extern \"C\" { fn hook_c() -> u64; }` in base is the `#[no_mangle] pub extern \"C\" fn $name` app's `export!(hook_c, 3)` writes",
            "app/src/syms.rs",
            "export!(hook_c, 3);",
            "export!(hook_c, 13);",
            &["via_macro"],
        ),
    ]
}

/// A workspace proc macro's output is code of the crate that invokes it.
fn derive_output() -> Vec<Case> {
    vec![case(
        "derive_output_calls_an_inherent_method",
        "macros: `#[derive(pm::Describe)]` on `Gauge` writes `fn describe(&self) -> u64 { self.raw() * 2 }`, which runs `impl Gauge { fn raw }`",
        "app/src/derive.rs",
        "self.0 + 1",
        "self.0 + 2",
        &["derive_calls_inherent"],
    )]
}

/// An alias given to a macro that writes `impl $t { .. }` is its type.
fn macro_impls() -> Vec<Case> {
    vec![case(
        "inherent_impl_a_macro_writes_for_a_type_alias",
        "types: `base::Meter(3).get()` runs the `impl MeterAlias { fn get }` base's `add_get!(MeterAlias)` writes, `type MeterAlias = Meter;`",
        "base/src/lib.rs",
        "self.0 * 7",
        "self.0 * 8",
        &["macro_impl_on_alias"],
    )]
}

/// The file of a module declared without `#[path]`.
fn module_files() -> Vec<Case> {
    vec![
        case(
            "mod_declared_in_an_included_file_is_next_to_it",
            "modules: `mod leaf2;` in gen/part.rs, which included.rs `include!`s, is gen/leaf2.rs, not included/leaf2.rs",
            "app/src/gen/leaf2.rs",
            "202",
            "2020",
            &["included_plain_mod"],
        ),
        case(
            "raw_identifier_module_is_its_name_without_r_hash",
            "modules: `mod r#match;` in raw.rs is raw/match.rs",
            "app/src/raw/match.rs",
            "81",
            "82",
            &["raw_module_file"],
        ),
    ]
}

case_tests!(
    // Namespaces of glob imports.
    glob_fn_beside_a_braced_struct_of_its_name,
    use_self_in_braces_imports_the_module_only,
    glob_fn_beside_a_local_macro_of_its_name,
    glob_fn_beside_a_local_module_of_its_name,
    glob_fn_named_like_a_type_parameter,
    glob_fn_beside_a_braced_struct_of_the_body,
    // Marker bounds.
    copy_bound_runs_the_callers_clone_impl,
    eq_bound_runs_the_callers_partial_eq_impl,
    // extern blocks.
    extern_fn_defined_by_a_cfg_attr_no_mangle_fn,
    extern_static_defined_by_a_no_mangle_static,
    extern_fn_defined_by_a_macro_written_no_mangle_fn,
    // Workspace derives.
    derive_output_calls_an_inherent_method,
    // Macro-written impls.
    inherent_impl_a_macro_writes_for_a_type_alias,
    // Module files.
    mod_declared_in_an_included_file_is_next_to_it,
    raw_identifier_module_is_its_name_without_r_hash,
);
