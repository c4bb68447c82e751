//! Round 6 of the code hash judged by code the analysis was not written
//! against (rounds 1 to 5: `analysis_adversarial.rs` to
//! `analysis_adversarial5.rs`), aimed at what a function's result depends on
//! beyond the names its code writes: a trait's type argument fixed by
//! inference from the only impl (the type whose method runs next is named
//! nowhere); `file!()`, whose value is the file the invocation is written in
//! (an `include!`d file is a file of its own); a function declared in an
//! `extern` block and defined by a downstream crate (`#[no_mangle]`); paths
//! of an edition 2015 crate, where `use` paths and paths with a leading `::`
//! start at the crate root.
//!
//! The fixture (`tests/fixtures/adversarial6/ws`) has three crates: `base`
//! (a trait whose only impl fixes its type argument, a marked function
//! calling an `extern` symbol), `old` (edition 2015, marked functions naming
//! a root module from a nested one) and `app` (depends on base: the other
//! marked functions, one module per family, and the `#[no_mangle]`
//! definition of base's `extern` symbol). A case is one or more edits and
//! the functions whose **result** they change (`must`), judged through the
//! real binary (`cargo perscache list --json`): every `must` function must
//! get a new code hash, or a cached result is served stale. Each case is a
//! test of its own.
//!
//! The oracle is behaviour: the `#[ignore]`d
//! `every_edit_compiles_and_changes_what_it_claims` builds every edited copy
//! with the real `perscache` and runs a probe
//! (`fixtures/adversarial6/probe`, `PERSCACHE=off`) that calls every marked
//! function, and checks that each edit changes the results of exactly its
//! `must` functions:
//! `cargo test -p cargo-perscache --test analysis_adversarial6 -- --ignored --nocapture`.

#[macro_use]
mod adversarial_support;

use adversarial_support::{case, Case, Suite};

/// The fixture, its marked functions and its cases.
const SUITE: Suite = Suite {
    fixture: "adversarial6",
    members: &["base", "old", "app"],
    functions: FUNCTIONS,
    cases,
};

// ---------------------------------------------------------------------------
// The marked functions.
// ---------------------------------------------------------------------------

/// Every marked function of the fixture: the id the cases and the probe use,
/// and the name `list` gives it.
const FUNCTIONS: &[(&str, &str)] = &[
    ("infer_trait_arg", "app::infer::infer_trait_arg"),
    ("where_file", "app::located::where_file"),
    ("hooked", "base::hooked"),
    ("old_use", "old::m::old_use"),
    ("old_colons", "old::m::old_colons"),
];

// ---------------------------------------------------------------------------
// The cases.
// ---------------------------------------------------------------------------

/// Every case. Files are relative to the fixture's root.
fn cases() -> Vec<Case> {
    let mut v = inference();
    v.extend(file_macro());
    v.extend(extern_symbols());
    v.extend(edition_2015());
    v
}

/// A trait's type argument no reached code names, fixed by inference from
/// the only impl that fits.
fn inference() -> Vec<Case> {
    vec![
        case(
            "trait_method_of_an_impl_picked_by_inference_of_the_trait_argument",
            "types: `let d = base::Src(4).convert();` runs `impl Convert<Dst> for Src`, the only `Convert<_>` impl of `Src`, though no code names `Dst`",
            "base/src/lib.rs",
            "Dst(self.0 + 1)",
            "Dst(self.0 + 2)",
            &["infer_trait_arg"],
        ),
        case(
            "method_of_a_type_only_inference_of_the_trait_argument_names",
            "types: `d.describe()` on `let d = base::Src(4).convert();` runs `impl Dst { fn describe }`: `d` is a `Dst` by the only `Convert<_>` impl of `Src`",
            "base/src/lib.rs",
            "self.0 * 10",
            "self.0 * 11",
            &["infer_trait_arg"],
        ),
    ]
}

/// `file!()` is the file its invocation is written in: moving a function
/// between a module's file and a file the module `include!`s changes it,
/// though the function's text and module stay.
fn file_macro() -> Vec<Case> {
    vec![case(
        "file_macro_of_a_fn_moved_into_an_included_file",
        "macros: `pub fn here() -> String { file!().to_string() }` moved from located.rs into located_inc.rs, which located.rs `include!`s: `file!()` names the included file",
        "app/src/located.rs",
        "pub fn here() -> String {
    file!().to_string()
}

",
        "",
        &["where_file"],
    )
    .and(
        "app/src/located_inc.rs",
        "pub fn inc_marker",
        "pub fn here() -> String {
    file!().to_string()
}

pub fn inc_marker",
    )]
}

/// A function declared in an `extern` block is defined wherever a crate
/// of the build exports its symbol, here downstream.
fn extern_symbols() -> Vec<Case> {
    vec![case(
        "extern_fn_defined_by_a_downstream_no_mangle_fn",
        "names: `extern \"Rust\" { fn app_hook() -> u64; }` in base is `#[no_mangle] pub fn app_hook` of app, which depends on base",
        "app/src/lib.rs",
        "pub fn app_hook() -> u64 {
    7
",
        "pub fn app_hook() -> u64 {
    8
",
        &["hooked"],
    )]
}

/// Paths of an edition 2015 crate.
fn edition_2015() -> Vec<Case> {
    vec![case(
        "edition_2015_use_and_leading_colons_start_at_the_crate_root",
        "names: in an edition 2015 crate `use helpers::f;` and `::helpers::f()` inside `mod m` are the root's `helpers::f`, not `m::helpers::f`",
        "old/src/lib.rs",
        "pub fn f() -> u64 {
        1
",
        "pub fn f() -> u64 {
        3
",
        &["old_use", "old_colons"],
    )]
}

case_tests!(
    // A trait's type argument picked by inference.
    trait_method_of_an_impl_picked_by_inference_of_the_trait_argument,
    method_of_a_type_only_inference_of_the_trait_argument_names,
    // file!().
    file_macro_of_a_fn_moved_into_an_included_file,
    // extern blocks.
    extern_fn_defined_by_a_downstream_no_mangle_fn,
    // Edition 2015 paths.
    edition_2015_use_and_leading_colons_start_at_the_crate_root,
);
